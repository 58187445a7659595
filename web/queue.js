// queue.js - the sales queue: MQLs awaiting sales, best first
// (GET /api/queue), with grade, engagement, SLA countdown and owner;
// accept or reject (with a reason) in one click; filters by owner, grade
// and source that survive the live refresh (polled every few seconds) and
// page changes. At most PAGE rows are in the DOM; rows are kept by lead id
// and updated in place so a refresh never steals focus.
//
// The API filters by owner and limits the count; grade, source and
// "unassigned" are filtered here, over the whole queue (queue-query.js).

import { api, leadPath } from './api.js';
import { h, clear, field, select, setOptions } from './dom.js';
import { int, num, duration, leadName, when, day } from './format.js';
import { toast, ask, gradeBadge, errorBox } from './ui.js';
import { PAGE, UNASSIGNED, loadState, saveState, clientFiltered, queryFor, takeEarly } from './queue-query.js';

const POLL_MS = 5000;
const SOON = 2 * 3600;              // SLA "close": under two hours left

export function mount(root, ctx) {
  const st = loadState();
  let rows = [];          // queue rows from the last answer
  let total = 0;          // the server's count (owner filter applied)
  let fetchedAt = 0;      // performance.now() of that answer
  let seq = 0, inflight = false, dead = false, painted = false;
  let topEngagement = 100; // bars are relative to the most engaged row, at least 100
  const owners = new Set(), sources = new Set();
  const live = new Map(); // lead id -> {tr, cells, row}

  // ---- skeleton ---------------------------------------------------------
  const count = h('span', { class: 'count', id: 'queue-count' });
  const ownerSel = select([['', 'Anyone']], st.owner, { name: 'owner' });
  const gradeSel = select([['', 'Any grade'], ...['A', 'B', 'C', 'D', 'F'].map((g) => [g, `Grade ${g}`])], st.grade, { name: 'grade' });
  const sourceSel = select([['', 'Any source']], st.source, { name: 'source' });
  const updated = h('span', { class: 'muted updated', 'aria-live': 'off' });
  const pauseBtn = h('button', { type: 'button', class: 'small' }, 'Pause refresh');
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the queue' },
    field('Owner', ownerSel).wrap, field('Grade', gradeSel).wrap, field('Source', sourceSel).wrap,
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '),
      h('button', { type: 'reset', class: 'small' }, 'Clear filters')),
    h('div', { class: 'refresh' }, updated, pauseBtn));
  const tbody = h('tbody');
  const table = h('table', { class: 'queue', id: 'queue-table' },
    h('caption', { class: 'sr-only' }, 'MQLs awaiting sales, best first'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Lead'),
      h('th', { scope: 'col' }, 'Grade'), h('th', { scope: 'col', class: 'num' }, 'Score'),
      h('th', { scope: 'col' }, 'Engagement'), h('th', { scope: 'col' }, 'Source'),
      h('th', { scope: 'col' }, 'Owner'), h('th', { scope: 'col' }, 'SLA'),
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
    tbody);
  const empty = h('p', { class: 'empty', hidden: true });
  const prev = h('button', { type: 'button', class: 'small' }, '← Previous');
  const next = h('button', { type: 'button', class: 'small' }, 'Next →');
  const range = h('span', { class: 'muted' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Queue pages' }, prev, range, next);
  const body = h('div', { class: 'table-wrap' }, table);
  root.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Queue'), count),
    h('p', { class: 'lede' }, 'MQLs waiting for sales to accept or reject, best first. ',
      ctx.can.act ? 'Accept starts the conversation (SAL); reject sends the lead back to nurture with your reason.'
        : 'Your role can read the queue; accepting and rejecting is for sales.'),
    filters, body, empty, pager);

  // ---- data -------------------------------------------------------------
  async function load() {
    if (dead) return;
    const my = ++seq;
    inflight = true;
    const q = queryFor(st);
    const p = takeEarly(q) || api(q);
    try {
      const data = await p;
      if (dead || my !== seq) return;
      if (!painted) performance.mark('leadq:queue-data');
      rows = data.leads;
      total = data.total;
      fetchedAt = performance.now();
      for (const r of rows) {
        if (r.owner) owners.add(r.owner);
        if (r.lead.source) sources.add(r.lead.source);
      }
      render();
      updated.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
    } catch (err) {
      if (dead || my !== seq) return;
      if (!painted) errorBox(body, err, () => { clear(body).append(table); load(); });
      else updated.textContent = `Refresh failed: ${err.message}`;
    } finally {
      if (my === seq) inflight = false;
    }
  }

  function matches(r) {
    if (st.grade && r.grade !== st.grade) return false;
    if (st.source && (r.lead.source || '') !== st.source) return false;
    if (st.owner === UNASSIGNED && r.owner) return false;
    return true;
  }

  function render() {
    const shown = clientFiltered(st) ? rows.filter(matches) : rows;
    const n = clientFiltered(st) ? shown.length : total;
    const pages = Math.max(1, Math.ceil(n / PAGE));
    if (st.page >= pages) st.page = pages - 1;
    const start = st.page * PAGE;
    const slice = shown.slice(start, start + PAGE);

    count.textContent = clientFiltered(st)
      ? `${int(n)} match · ${int(total)} awaiting sales`
      : `${int(total)} awaiting sales`;
    range.textContent = n ? `${int(start + 1)}–${int(start + slice.length)} of ${int(n)}` : '';
    prev.disabled = st.page === 0;
    next.disabled = st.page >= pages - 1;
    pager.hidden = pages <= 1;
    empty.hidden = slice.length > 0;
    empty.textContent = total === 0 ? 'Nothing is waiting: every MQL has been accepted or rejected.'
      : 'No MQL matches these filters.';
    table.hidden = slice.length === 0;

    topEngagement = 100;
    for (const r of rows) if (r.engagement > topEngagement) topEngagement = r.engagement;
    const want = new Set(slice.map((r) => r.lead.id));
    for (const [id, e] of live) if (!want.has(id)) { e.tr.remove(); live.delete(id); }
    let cursor = tbody.firstChild;
    slice.forEach((r, i) => {
      let e = live.get(r.lead.id);
      if (!e) { e = makeRow(r); live.set(r.lead.id, e); }
      updateRow(e, r, start + i + 1);
      if (e.tr === cursor) cursor = cursor.nextSibling;
      else tbody.insertBefore(e.tr, cursor);
    });
    updateOptions();
    tick();
    if (!painted) {
      painted = true;
      performance.mark('leadq:queue-painted');
    }
  }

  function updateOptions() {
    const o = [...owners].sort();
    if (st.owner && st.owner !== UNASSIGNED && !owners.has(st.owner)) o.push(st.owner);
    setOptions(ownerSel, [['', 'Anyone'], [UNASSIGNED, 'Unassigned'], ...o.map((v) => [v, v])], st.owner);
    const sv = [...sources].sort();
    if (st.source && !sources.has(st.source)) sv.push(st.source);
    setOptions(sourceSel, [['', 'Any source'], ...sv.map((v) => [v, v])], st.source);
  }

  // ---- rows ---------------------------------------------------------------
  function makeRow(r) {
    const id = r.lead.id;
    const c = {
      rank: h('td', { class: 'num muted' }),
      name: h('a', { href: `#/lead/${id}`, class: 'lead-link' }),
      sub: h('span', { class: 'sub' }),
      grade: h('td'),
      score: h('td', { class: 'num' }),
      bar: h('span', { class: 'meter-fill' }),
      eng: h('span', { class: 'meter-num' }),
      source: h('td'),
      owner: h('td'),
      sla: h('td', { class: 'sla' }),
    };
    const tr = h('tr', { 'data-lead': id },
      c.rank,
      h('td', { class: 'lead-cell' }, c.name, c.sub),
      c.grade, c.score,
      h('td', null, h('span', { class: 'meter' }, h('span', { class: 'meter-track', 'aria-hidden': 'true' }, c.bar), c.eng)),
      c.source, c.owner, c.sla,
      h('td', { class: 'actions' }, ctx.can.act ? [
        h('button', { type: 'button', class: 'primary small', 'data-action': 'accept', onclick: (ev) => accept(id, ev.currentTarget) }, 'Accept'),
        h('button', { type: 'button', class: 'small', 'data-action': 'reject', onclick: (ev) => reject(id, ev.currentTarget) }, 'Reject'),
      ] : null));
    return { tr, c, row: null };
  }

  function updateRow(e, r, rank) {
    const { c } = e;
    const prevRow = e.row;
    e.row = r;
    const set = (el, text) => { if (el.textContent !== text) el.textContent = text; };
    set(c.rank, String(rank));
    const name = leadName(r.lead);
    set(c.name, name);
    c.name.setAttribute('aria-label', `${name}, open lead`);
    const sub = [r.lead.title, r.lead.email_domain || (name !== r.lead.external_id && r.lead.external_id),
      !r.lead.title && r.lead.created_at && `created ${day(r.lead.created_at)}`].filter(Boolean).join(' · ');
    set(c.sub, sub);
    if (!prevRow || prevRow.grade !== r.grade) c.grade.replaceChildren(gradeBadge(r.grade));
    set(c.score, num(r.score, 1));
    c.bar.style.width = `${Math.min(100, Math.max(0, (r.engagement / topEngagement) * 100)).toFixed(1)}%`;
    set(c.eng, num(r.engagement, 1));
    c.eng.parentNode.title = `engagement ${num(r.engagement, 2)} (the bar compares with the most engaged MQL loaded, ${num(topEngagement, 1)})`;
    set(c.source, r.lead.source || '–');
    set(c.owner, r.owner || 'unassigned');
    c.owner.classList.toggle('muted', !r.owner);
    c.sla.title = r.sla_due ? `due ${when(r.sla_due)} UTC` : 'no SLA';
  }

  // SLA countdowns move every second from the server's own sla_left_seconds.
  function tick() {
    const elapsed = (performance.now() - fetchedAt) / 1000;
    for (const e of live.values()) {
      const r = e.row;
      let text = '–', cls = 'none';
      if (r.sla_left_seconds != null) {
        const left = r.sla_left_seconds - elapsed;
        if (left <= 0) { text = `overdue ${duration(left)}`; cls = 'late'; }
        else if (left < SOON) { text = `⚠ ${duration(left)} left`; cls = 'soon'; }
        else { text = `${duration(left)} left`; cls = 'ok'; }
      }
      if (e.c.sla.textContent !== text) e.c.sla.textContent = text;
      if (e.c.sla.dataset.state !== cls) e.c.sla.dataset.state = cls;
    }
  }

  // ---- actions ------------------------------------------------------------
  // Take lead id out of the list; hadFocus: its row had the keyboard focus
  // (then the next row's first action gets it, so keyboard users stay put).
  function drop(id, hadFocus) {
    const e = live.get(id);
    const nextTr = e && (e.tr.nextElementSibling || e.tr.previousElementSibling);
    rows = rows.filter((r) => r.lead.id !== id);
    total = Math.max(0, total - 1);
    seq++;                 // an answer already on its way may still hold it
    inflight = false;
    render();
    if (hadFocus && nextTr) {
      const b = nextTr.querySelector('button[data-action="accept"]') || nextTr.querySelector('a');
      if (b) b.focus();
    }
    load();
  }

  async function accept(id, btn) {
    const r = live.get(id)?.row;
    const name = r ? leadName(r.lead) : `lead #${id}`;
    const hadFocus = btn === document.activeElement;
    btn.disabled = true;
    try {
      const res = await api(leadPath(id, 'accept'), { method: 'POST', json: {} });
      const owner = res && res.lead && res.lead.lead ? res.lead.lead.owner : r && r.owner;
      toast(`${name} accepted: now SAL${owner ? `, owner ${owner}` : ''}.`, 'ok', { href: `#/lead/${id}`, text: 'Open lead' });
      drop(id, hadFocus);
    } catch (err) {
      btn.disabled = false;
      toast(`Could not accept ${name}: ${err.message}`, 'error');
      load();
    }
  }

  async function reject(id, btn) {
    const r = live.get(id)?.row;
    const name = r ? leadName(r.lead) : `lead #${id}`;
    const ans = await ask({
      title: `Reject ${name}`,
      intro: 'The lead goes back to marketing (nurture) with your reason; it may qualify again later.',
      fields: [
        { name: 'reason', label: 'Reason', required: true, hint: 'e.g. no budget this year, wrong contact' },
        { name: 'disqualify', type: 'checkbox', label: 'Disqualify instead (never qualifies again)' },
      ],
      submit: 'Reject',
      danger: true,
    });
    if (!ans) { if (btn.isConnected) btn.focus(); return; }
    const hadFocus = btn === document.activeElement;
    btn.disabled = true;
    try {
      await api(leadPath(id, 'reject'), { method: 'POST', json: { reason: ans.reason, disqualify: ans.disqualify } });
      toast(`${name} rejected: ${ans.disqualify ? 'disqualified' : 'back to nurture'} (${ans.reason}).`, 'ok', { href: `#/lead/${id}`, text: 'Open lead' });
      drop(id, hadFocus);
    } catch (err) {
      btn.disabled = false;
      toast(`Could not reject ${name}: ${err.message}`, 'error');
      load();
    }
  }

  // ---- filters and paging ----------------------------------------------------
  function changed() {
    st.owner = ownerSel.value;
    st.grade = gradeSel.value;
    st.source = sourceSel.value;
    st.page = 0;
    saveState(st);
    // Filtering here needs the whole queue: say so until it is in.
    if (clientFiltered(st) && rows.length < total) count.textContent = 'Filtering…';
    else render();
    load();
  }
  ownerSel.addEventListener('change', changed);
  gradeSel.addEventListener('change', changed);
  sourceSel.addEventListener('change', changed);
  filters.addEventListener('submit', (e) => e.preventDefault());
  filters.addEventListener('reset', (e) => {
    e.preventDefault();
    ownerSel.value = ''; gradeSel.value = ''; sourceSel.value = '';
    changed();
  });
  const turn = (d) => {
    st.page = Math.max(0, st.page + d);
    saveState(st);
    if (rows.length >= Math.min(total, (st.page + 1) * PAGE) || clientFiltered(st)) render();
    else range.textContent = 'Loading…';
    load();
    table.scrollIntoView({ block: 'start' });
  };
  prev.addEventListener('click', () => turn(-1));
  next.addEventListener('click', () => turn(1));
  let paused = false;
  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume refresh' : 'Pause refresh';
    if (!paused) load();
  });

  load();
  // The full queue once, in the background, for the owner and source lists.
  const fill = setTimeout(() => {
    if (clientFiltered(st)) return;
    api('/api/queue?limit=0').then((d) => {
      for (const r of d.leads) {
        if (r.owner) owners.add(r.owner);
        if (r.lead.source) sources.add(r.lead.source);
      }
      if (!dead) updateOptions();
    }).catch(() => {});
  }, 300);
  const poll = setInterval(() => {
    if (!paused && !inflight && !document.hidden) load();
  }, POLL_MS);
  const clock = setInterval(tick, 1000);
  return () => {
    dead = true;
    clearTimeout(fill);
    clearInterval(poll);
    clearInterval(clock);
  };
}
