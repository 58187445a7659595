// funnel.js - funnel analytics (GET /api/funnel): stage counts and
// conversion as a funnel chart, conversion by source/grade/owner/period,
// a conversion trend per week or month, median time between stages, for a
// date range; and a CSV of exactly what is shown, built here from the JSON.
// The settings live in the URL (#/funnel?cohort=&from=&to=&by=&trend=&rate=)
// so a view can be bookmarked or shared.

import { api, qs } from './api.js';
import { h, clear, field, select, setOptions } from './dom.js';
import { int, pct, num, days, stage as stageLabel, label } from './format.js';
import { funnel as funnelChart, bars, line } from './charts.js';
import { errorBox, loading, toast } from './ui.js';

const BY = [['source', 'Source'], ['grade', 'Grade'], ['owner', 'Owner'], ['month', 'Month'], ['week', 'Week']];
const TREND = [['month', 'Month'], ['week', 'Week']];
const MAX_BARS = 20;

function rateName(key, stages) {
  if (key === 'entry_won') return 'Entry → Won';
  const [a, b] = key.split('_');
  return stages.includes(a) || stageLabel(a) !== a ? `${stageLabel(a)} → ${stageLabel(b)}` : label(key);
}

export function mount(root, ctx) {
  const p = ctx.route.params;
  const st = {
    cohort: p.get('cohort') || 'mql', from: p.get('from') || '', to: p.get('to') || '',
    by: p.get('by') || 'source', trend: p.get('trend') || 'month', rate: p.get('rate') || '',
  };
  let dead = false, seq = 0, shown = null;

  const cohort = select([['mql', 'MQL entries'], ['created', 'Created leads']], st.cohort, { name: 'cohort' });
  const from = h('input', { type: 'date', name: 'from', value: st.from });
  const to = h('input', { type: 'date', name: 'to', value: st.to });
  const by = select(BY, st.by, { name: 'by' });
  const trend = select(TREND, st.trend, { name: 'trend' });
  const rate = select([], st.rate, { name: 'rate' });
  const csvBtn = h('button', { type: 'button', id: 'funnel-csv', disabled: true }, 'Download CSV');
  const form = h('form', { class: 'filters', 'aria-label': 'Funnel settings' },
    field('Cohort', cohort).wrap,
    field('From', from, 'first day included').wrap,
    field('To', to, 'first day left out').wrap,
    field('Break down by', by).wrap,
    field('Trend per', trend).wrap,
    field('Rate', rate).wrap,
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '),
      h('button', { type: 'reset', class: 'small' }, 'All time')),
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '), csvBtn));
  const out = h('div', { class: 'funnel-out', 'aria-live': 'polite', 'aria-busy': 'true' });
  root.append(h('div', { class: 'page-head' }, h('h1', null, 'Funnel')),
    h('p', { class: 'lede' }, 'How many entries reached each stage, how fast, and where the funnel leaks. Funnels are monotone: a lead that reached a later stage counts for every earlier one.'),
    form, out);

  function sync() {
    st.cohort = cohort.value; st.from = from.value; st.to = to.value;
    st.by = by.value; st.trend = trend.value; st.rate = rate.value;
    history.replaceState(null, '', `#/funnel${qs(st)}`);
  }

  async function load() {
    const my = ++seq;
    if (st.from && st.to && st.from >= st.to) {
      clear(out).append(h('p', { class: 'form-error', role: 'alert' }, '“From” must be before “To”.'));
      return;
    }
    out.setAttribute('aria-busy', 'true');
    if (!shown) loading(out, 'Counting the funnel…');
    const base = { cohort: st.cohort, from: st.from, to: st.to };
    try {
      const [main, tr] = await Promise.all([
        api(`/api/funnel${qs({ ...base, by: st.by })}`),
        api(`/api/funnel${qs({ ...base, trend: st.trend })}`),
      ]);
      if (dead || my !== seq) return;
      shown = { main, tr };
      render(main, tr);
    } catch (err) {
      if (dead || my !== seq) return;
      shown = null;
      csvBtn.disabled = true;
      errorBox(out, err, load);
    } finally {
      out.setAttribute('aria-busy', 'false');
    }
  }

  function render(main, tr) {
    const stages = main.stages;
    const conv = main.total.conversion;
    const rates = Object.keys(conv);
    const defRate = rates.includes('mql_sql') ? 'mql_sql' : 'entry_won';
    if (!rates.includes(st.rate)) st.rate = defRate;
    setOptions(rate, rates.map((k) => [k, rateName(k, stages)]), st.rate);
    sync();
    const rk = st.rate, rlabel = rateName(rk, stages);
    const T = main.total;
    clear(out);

    // Tiles.
    const tile = (lab, value, id) => h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, lab),
      h('span', { class: 'tile-value', id }, value));
    out.append(h('div', { class: 'tiles' },
      tile('Entries', int(T.entries), 'tile-entries'),
      tile(rlabel, pct(conv[rk]), 'tile-rate'),
      tile('Won', int(T.reached.won), 'tile-won'),
      tile('Entry → Won', pct(conv.entry_won), 'tile-entry-won'),
      tile('Median days to won', days(T.days.entry_won?.median), 'tile-days-won')));

    // Funnel chart + stage table (with time between stages).
    const steps = stages.map((s, i) => ({
      label: stageLabel(s), count: T.reached[s],
      note: i === 0 ? '' : `${pct(conv[`${stages[i - 1]}_${s}`])} of ${stageLabel(stages[i - 1])}`,
    }));
    const stageRows = stages.map((s, i) => {
      const key = i ? `${stages[i - 1]}_${s}` : null;
      const dd = key ? T.days[key] : null;
      return h('tr', { 'data-stage': s },
        h('th', { scope: 'row' }, stageLabel(s)),
        h('td', { class: 'num reached' }, int(T.reached[s])),
        h('td', { class: 'num step' }, key ? pct(conv[key]) : '–'),
        h('td', { class: 'num' }, i ? pct(T.reached[stages[0]] ? T.reached[s] / T.reached[stages[0]] : null) : '100.0%'),
        h('td', { class: 'num median' }, dd ? days(dd.median) : '–'),
        h('td', { class: 'num' }, dd ? days(dd.p90) : '–'),
        h('td', { class: 'num' }, dd ? int(dd.n) : '–'));
    });
    const o = T.outcomes;
    out.append(h('section', { class: 'card', 'aria-labelledby': 'funnel-h' },
      h('h2', { id: 'funnel-h' }, `Funnel · ${st.cohort === 'created' ? 'leads by creation' : 'MQL entries'}${st.from || st.to ? ` · ${st.from || '…'} to ${st.to || '…'}` : ' · all time'}`),
      h('div', { class: 'funnel-grid' },
        funnelChart(steps, { title: 'Funnel' }),
        h('div', null,
          h('table', { class: 'stages', id: 'stage-table' },
            h('caption', null, 'Reached, conversion from the stage before, and days spent getting there'),
            h('thead', null, h('tr', null, ['Stage', 'Reached', 'From previous', 'From first', 'Median days', 'p90 days', 'n']
              .map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
            h('tbody', null, stageRows)),
          h('p', { class: 'muted small' }, `Outcomes: ${int(o.won)} won, ${int(o.lost)} lost, ${int(o.nurture)} nurture, ${int(o.disqualified)} disqualified, ${int(o.open)} open. Median ${days(T.days.entry_won?.median)} from entry to won (p90 ${days(T.days.entry_won?.p90)}).`)))));

    // Breakdown.
    const groups = main.groups.filter((g) => g.group !== '(all)' || main.groups.length === 1);
    const byLabel = (BY.find(([v]) => v === st.by) || [, st.by])[1];
    const periodBy = st.by === 'month' || st.by === 'week';
    // The largest groups, or the latest periods.
    const barRows = (periodBy ? groups.slice(-MAX_BARS) : groups.slice(0, MAX_BARS)).map((g) => ({
      label: g.group, value: g.conversion[rk], text: `${pct(g.conversion[rk])} of ${int(g.entries)}`,
    }));
    const gTable = h('table', { class: 'groups', id: 'group-table' },
      h('caption', { class: 'sr-only' }, `Conversion by ${byLabel}`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, byLabel), h('th', { scope: 'col', class: 'num' }, 'Entries'),
        stages.slice(1).map((s) => h('th', { scope: 'col', class: 'num' }, stageLabel(s))),
        h('th', { scope: 'col', class: 'num' }, rlabel), h('th', { scope: 'col', class: 'num' }, 'Entry → Won'),
        h('th', { scope: 'col', class: 'num' }, 'Median days to won'))),
      h('tbody', null, [...groups, ...(groups.length > 1 ? [T] : [])].map((g) => h('tr', { class: g === T ? 'total' : null, 'data-group': g.group },
        h('th', { scope: 'row' }, g.group),
        h('td', { class: 'num' }, int(g.entries)),
        stages.slice(1).map((s) => h('td', { class: 'num' }, int(g.reached[s]))),
        h('td', { class: 'num rate' }, pct(g.conversion[rk])),
        h('td', { class: 'num' }, pct(g.conversion.entry_won)),
        h('td', { class: 'num' }, days(g.days.entry_won?.median))))));
    out.append(h('section', { class: 'card', 'aria-labelledby': 'by-h' },
      h('h2', { id: 'by-h' }, `${rlabel} by ${byLabel.toLowerCase()}`),
      groups.length ? h('div', { class: 'by-grid' },
        h('div', null, bars(barRows, { max: 1, label: `${rlabel} by ${byLabel}` }),
          groups.length > MAX_BARS ? h('p', { class: 'muted small' }, periodBy
            ? `The latest ${MAX_BARS} of ${groups.length} periods; all are in the table.`
            : `The ${MAX_BARS} largest of ${groups.length} groups; all are in the table.`) : null),
        h('div', { class: 'table-wrap scroll-y', tabindex: 0, role: 'region', 'aria-label': `Table: conversion by ${byLabel.toLowerCase()}` }, gTable))
        : h('p', { class: 'muted' }, 'No entries in this range.')));

    // Trend.
    const periods = tr.groups.filter((g) => g.period);
    const trendName = (TREND.find(([v]) => v === st.trend) || [, st.trend])[1].toLowerCase();
    out.append(h('section', { class: 'card', 'aria-labelledby': 'trend-h' },
      h('h2', { id: 'trend-h' }, `${rlabel} per ${trendName} of entry`),
      periods.length ? line({
        labels: periods.map((g) => g.period),
        series: [{ name: rlabel, values: periods.map((g) => g.conversion[rk]), cls: 'series-0' }],
        columns: { name: 'entries', values: periods.map((g) => g.entries) },
        yFormat: (v) => pct(v, 0),
        title: `${rlabel} per ${trendName}: ${periods.map((g) => `${g.period} ${pct(g.conversion[rk])}`).join(', ')}`,
      }) : h('p', { class: 'muted' }, 'No entries in this range.'),
      h('p', { class: 'muted small' }, 'Recent periods look worse: their entries have had less time to convert.')));

    const notes = [...new Set([...(main.notes || []), ...(tr.notes || [])])];
    if (notes.length) out.append(h('section', { class: 'notes-box' }, h('h2', { class: 'small-h' }, 'Notes'), h('ul', null, notes.map((n) => h('li', null, n)))));
    csvBtn.disabled = false;
  }

  // ---- CSV of what is shown -----------------------------------------------------
  function cell(v) {
    if (v == null) return '';
    if (typeof v === 'number') return String(v);
    let t = String(v);
    if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;            // no formulas in spreadsheets
    return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  }
  function csv() {
    const { main, tr } = shown;
    const stages = main.stages;
    const convKeys = Object.keys(main.total.conversion);
    const dayKeys = Object.keys(main.total.days);
    const head = ['section', 'group', 'period', 'entries', 'leads',
      ...stages.map((s) => `reached_${s}`), ...Object.keys(main.total.outcomes).map((k) => `outcome_${k}`),
      ...convKeys.map((k) => `rate_${k}`), ...dayKeys.flatMap((k) => [`days_${k}_median`, `days_${k}_p90`, `days_${k}_n`])];
    const row = (section, g) => [section, g.group, g.period, g.entries, g.leads,
      ...stages.map((s) => g.reached[s]), ...Object.keys(main.total.outcomes).map((k) => g.outcomes[k]),
      ...convKeys.map((k) => g.conversion[k]), ...dayKeys.flatMap((k) => [g.days[k]?.median, g.days[k]?.p90, g.days[k]?.n])];
    const lines = [head,
      row('total', main.total),
      ...main.groups.filter((g) => g.group !== '(all)').map((g) => row(`by_${st.by}`, g)),
      ...tr.groups.filter((g) => g.period).map((g) => row(`trend_${st.trend}`, g))];
    return `${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
  }
  csvBtn.addEventListener('click', () => {
    if (!shown) return;
    const blob = new Blob([csv()], { type: 'text/csv;charset=utf-8' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `leadq-funnel-${st.cohort}-${st.from || 'start'}-${st.to || 'now'}-by-${st.by}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    toast('CSV downloaded.');
  });

  const changed = () => { sync(); load(); };
  for (const el of [cohort, from, to, by, trend]) el.addEventListener('change', changed);
  rate.addEventListener('change', () => { sync(); if (shown) render(shown.main, shown.tr); });
  form.addEventListener('submit', (e) => { e.preventDefault(); changed(); });
  form.addEventListener('reset', (e) => { e.preventDefault(); from.value = ''; to.value = ''; changed(); });
  load();
  return () => { dead = true; };
}
