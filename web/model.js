// model.js - the scoring model (marketing and admin): the current model
// readable with line numbers (GET /api/model), its version history
// (GET /api/model/versions), and an editor where a model can be uploaded
// or pasted, checked (POST /api/model/check), backtested against the
// current one (POST /api/backtest) and applied (PUT /api/model). Problems
// (422) are shown at their line, in the editor's gutter and as excerpts.

import { api, qs } from './api.js';
import { h, clear, uid, append } from './dom.js';
import { int, num, pct, when, days } from './format.js';
import { line } from './charts.js';
import { toast, errorBox, loading } from './ui.js';

const YAML = 'text/yaml';

export function mount(root, ctx) {
  if (!ctx.can.model) {
    root.append(h('h1', null, 'Model'),
      h('p', { class: 'notice', id: 'model-forbidden' }, `The scoring model is for marketing and admin keys; you are signed in as ${ctx.role}. `,
        h('a', { href: '#/queue' }, 'Back to the queue')));
    return () => {};
  }
  let dead = false;
  let current = null;

  const head = h('div', { class: 'page-head' }, h('h1', null, 'Model'), h('span', { class: 'count', id: 'model-version' }));
  const currentBox = h('div');
  const versionsBox = h('div');
  const resultBox = h('div', { id: 'model-result', 'aria-live': 'polite' });

  // ---- the editor -------------------------------------------------------------------
  const editorId = uid('editor');
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const text = h('textarea', { id: editorId, class: 'code', spellcheck: 'false', wrap: 'off', rows: 24,
    autocomplete: 'off', autocapitalize: 'off', 'aria-describedby': `${editorId}-hint` });
  const file = h('input', { type: 'file', id: uid('file'), accept: '.yaml,.yml,text/yaml,text/plain' });
  const checkBtn = h('button', { type: 'button', id: 'model-check' }, 'Check');
  const btBtn = h('button', { type: 'button', id: 'model-backtest', class: 'primary' }, 'Backtest against current');
  const applyBtn = h('button', { type: 'button', id: 'model-apply', class: 'danger' }, 'Apply…');
  const resetBtn = h('button', { type: 'button', class: 'small' }, 'Reset to current');
  const btFrom = h('input', { type: 'date', id: uid('btfrom') });
  const btTo = h('input', { type: 'date', id: uid('btto') });
  const btCap = h('input', { type: 'number', id: uid('btcap'), min: 1, step: 1, inputmode: 'numeric', class: 'narrow' });
  let bad = new Set();
  function drawGutter() {
    const n = text.value.split('\n').length;
    const nums = [];
    for (let i = 1; i <= n; i++) nums.push(h('span', { class: bad.has(i) ? 'bad' : null }, String(i)));
    gutter.replaceChildren(...nums);
    gutter.scrollTop = text.scrollTop;
  }
  text.addEventListener('input', () => { if (bad.size) { bad = new Set(); } drawGutter(); });
  text.addEventListener('scroll', () => { gutter.scrollTop = text.scrollTop; });
  resetBtn.addEventListener('click', () => { text.value = current ? current.text : ''; bad = new Set(); drawGutter(); clear(resultBox); });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > 4 * 1024 * 1024) return toast('That file is over 4 MB, the server’s limit for a model.', 'error');
    text.value = await f.text();
    bad = new Set();
    drawGutter();
    toast(`${f.name} loaded into the editor.`);
    check();
  });

  const editor = h('section', { class: 'card', 'aria-labelledby': 'try-h' },
    h('h2', { id: 'try-h' }, 'Try a model'),
    h('p', { class: 'muted', id: `${editorId}-hint` }, 'Upload a YAML file or edit the text below. Check validates it, Backtest replays the stored history under it and under the current model (nothing is written), Apply makes it the live model and rescores every lead.'),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: file.id }, 'Upload a model file'), file),
      resetBtn),
    h('label', { for: editorId, class: 'sr-only' }, 'Model YAML'),
    h('div', { class: 'editor' }, gutter, text),
    h('fieldset', { class: 'bt-options' }, h('legend', null, 'Backtest window (optional)'),
      h('div', { class: 'field' }, h('label', { for: btFrom.id }, 'From'), btFrom),
      h('div', { class: 'field' }, h('label', { for: btTo.id }, 'To (left out)'), btTo),
      h('div', { class: 'field' }, h('label', { for: btCap.id }, 'Sales capacity, MQLs/week'), btCap)),
    h('div', { class: 'buttons' }, checkBtn, btBtn, applyBtn),
    resultBox);

  root.append(head, h('div', { class: 'model-grid' }, h('div', { class: 'col' }, editor),
    h('div', { class: 'col' }, currentBox, versionsBox)));

  // ---- current and versions ------------------------------------------------------------
  async function loadCurrent(fillEditor) {
    loading(currentBox);
    try {
      current = await api('/api/model');
      if (dead) return;
      document.getElementById('model-version').textContent = `v${current.version} · ${current.name}`;
      clear(currentBox).append(h('section', { class: 'card', 'aria-labelledby': 'cur-h' },
        h('h2', { id: 'cur-h' }, `Current model: v${current.version}`),
        h('p', { class: 'muted small' }, `“${current.name}”, applied ${when(current.applied_at)} UTC.`),
        codeView(current.text, 'current-model')));
      if (fillEditor) { text.value = current.text; drawGutter(); }
    } catch (err) {
      if (dead) return;
      if (err.status === 404) {
        current = null;
        clear(currentBox).append(h('p', { class: 'notice' }, 'No model applied yet: upload one, check it and apply it.'));
      } else errorBox(currentBox, err, () => loadCurrent(fillEditor));
    }
  }
  async function loadVersions() {
    try {
      const data = await api('/api/model/versions');
      if (dead) return;
      const list = Array.isArray(data) ? data : (data.versions || []);
      clear(versionsBox).append(h('section', { class: 'card', 'aria-labelledby': 'ver-h' },
        h('h2', { id: 'ver-h' }, 'Version history'),
        list.length ? versionsTable(list, current, (t) => { text.value = t; bad = new Set(); drawGutter(); text.focus(); })
          : h('p', { class: 'muted' }, 'No versions yet.')));
    } catch (err) {
      if (!dead) clear(versionsBox).append(h('section', { class: 'card' }, h('h2', null, 'Version history'),
        h('p', { class: 'muted' }, `Not available: ${err.message}`)));
    }
  }

  // ---- check, backtest, apply ----------------------------------------------------------
  function busy(on) { for (const b of [checkBtn, btBtn, applyBtn]) b.disabled = on; }
  function showProblems(err) {
    const src = text.value.split('\n');
    bad = new Set(err.problems.map((p) => p.line));
    drawGutter();
    clear(resultBox).append(h('div', { class: 'problems', role: 'alert', id: 'model-problems' },
      h('h3', null, err.problems.length ? `${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}: nothing was changed` : err.message),
      h('ol', null, err.problems.map((p) => {
        const srcLine = src[p.line - 1] ?? '';
        const caret = `${' '.repeat(String(p.line).length + 3 + Math.max(0, (p.col || 1) - 1))}^`;
        return h('li', { 'data-line': p.line },
          h('button', { type: 'button', class: 'link', onclick: () => goTo(p.line, p.col) }, `line ${p.line}, column ${p.col}`),
          h('span', null, `: ${p.message}`),
          h('pre', { class: 'excerpt' }, `${p.line} | ${srcLine}\n${caret}`));
      }))));
    if (err.problems[0]) goTo(err.problems[0].line, err.problems[0].col, false);
  }
  function goTo(lineNo, col = 1, focus = true) {
    const lines = text.value.split('\n');
    let pos = 0;
    for (let i = 0; i < lineNo - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    const end = pos + (lines[lineNo - 1] || '').length;
    if (focus) text.focus();
    text.setSelectionRange(Math.min(pos + Math.max(0, col - 1), end), end);
    const lh = parseFloat(getComputedStyle(text).lineHeight) || 18;
    text.scrollTop = Math.max(0, (lineNo - 5) * lh);
  }
  async function run(fn) {
    if (!text.value.trim()) return toast('The editor is empty.', 'error');
    busy(true);
    try { await fn(); } catch (err) {
      if (err.status === 422) showProblems(err);
      else clear(resultBox).append(h('p', { class: 'form-error', role: 'alert' }, err.message));
    } finally { busy(false); }
  }
  function check() {
    return run(async () => {
      await api('/api/model/check', { method: 'POST', text: text.value, type: YAML });
      bad = new Set(); drawGutter();
      clear(resultBox).append(h('p', { class: 'success', role: 'status', id: 'model-ok' }, '✓ The model is valid.'));
    });
  }
  checkBtn.addEventListener('click', check);
  btBtn.addEventListener('click', () => run(async () => {
    loading(resultBox, 'Replaying the history under both models…');
    const q = qs({ from: btFrom.value, to: btTo.value, capacity: btCap.value });
    const bt = await api(`/api/backtest${q}`, { method: 'POST', text: text.value, type: YAML });
    bad = new Set(); drawGutter();
    clear(resultBox).append(backtestView(bt));
  }));
  applyBtn.addEventListener('click', () => run(async () => {
    const ok = await confirmApply();
    if (!ok) return;
    const res = await api('/api/model', { method: 'PUT', text: text.value, type: YAML });
    bad = new Set(); drawGutter();
    clear(resultBox).append(h('p', { class: 'success', role: 'status' },
      `✓ Applied as version ${res.version}: ${int(res.leads_rescored)} leads rescored, ${int(res.stage_changes)} stage changes.`));
    toast(`Model v${res.version} applied.`);
    loadCurrent(false).then(loadVersions);
  }));
  function confirmApply() {
    return new Promise((resolve) => {
      const dlg = h('dialog', { 'aria-labelledby': 'apply-h' },
        h('form', { method: 'dialog', class: 'stack' },
          h('h2', { id: 'apply-h' }, 'Apply this model?'),
          h('p', null, 'It becomes a new version, every lead is rescored at once and leads may change stage. Backtest it first if you have not.'),
          h('div', { class: 'buttons' }, h('button', { value: 'ok', class: 'danger' }, 'Apply'), h('button', { value: 'cancel' }, 'Cancel'))));
      dlg.addEventListener('close', () => { dlg.remove(); resolve(dlg.returnValue === 'ok'); });
      document.body.append(dlg);
      dlg.showModal();
    });
  }

  drawGutter();
  loadCurrent(true).then(loadVersions);
  return () => { dead = true; };
}

// Newest first; a Details column only when the server sends more than
// version, name and time (a text to load, counts...).
function versionsTable(list, current, load) {
  const rows = [...list].sort((a, b) => (b.version || 0) - (a.version || 0));
  const details = rows.map((v) => versionDetail(v, load));
  const any = details.some((d) => d.some(Boolean));
  return h('table', { class: 'versions', id: 'versions-table' },
    h('caption', { class: 'sr-only' }, 'Model versions, newest first'),
    h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, 'Version'), h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col' }, 'Applied (UTC)'), any ? h('th', { scope: 'col' }, 'Details') : null)),
    h('tbody', null, rows.map((v, i) => h('tr', { class: current && v.version === current.version ? 'current' : null },
      h('td', { class: 'num' }, `v${v.version}`, current && v.version === current.version ? h('span', { class: 'tag' }, 'live') : null),
      h('td', null, v.name || '–'),
      h('td', null, when(v.applied_at || v.created_at)),
      any ? h('td', null, details[i]) : null))));
}

function versionDetail(v, load) {
  const bits = [];
  for (const [k, val] of Object.entries(v))
    if (!['version', 'name', 'applied_at', 'created_at', 'text'].includes(k) && val != null && typeof val !== 'object')
      bits.push(`${k.replace(/_/g, ' ')} ${typeof val === 'number' ? int(val) : val}`);
  return [bits.length ? h('span', { class: 'muted small' }, bits.join(' · ')) : null,
    typeof v.text === 'string' ? h('button', { type: 'button', class: 'small', onclick: () => load(v.text) }, 'Load into editor') : null];
}

// YAML with line numbers; comments dimmed, keys marked (text only).
function codeView(src, id) {
  const lines = src.replace(/\n$/, '').split('\n');
  const pre = h('pre', { class: 'codeview', id, tabindex: 0, 'aria-label': 'Model YAML' });
  lines.forEach((ln, i) => {
    const row = h('span', { class: 'ln' }, h('span', { class: 'no', 'aria-hidden': 'true' }, String(i + 1)));
    const m = /^(\s*)(#.*)$/.exec(ln);
    const k = /^(\s*-?\s*)([A-Za-z_][\w .-]*:)(.*)$/.exec(ln);
    if (m) append(row, m[1], h('span', { class: 'c' }, m[2]));
    else if (k) append(row, k[1], h('span', { class: 'k' }, k[2]), commentSplit(k[3]));
    else append(row, ln);
    append(pre, row, '\n');
  });
  return pre;
}

function commentSplit(rest) {
  const i = rest.search(/\s#/);
  return i < 0 ? rest : [rest.slice(0, i), h('span', { class: 'c' }, rest.slice(i))];
}

const METRICS = [
  ['mqls', 'MQLs', int], ['to_sql', 'of which reached SQL', int], ['to_won', 'of which won', int],
  ['precision_sql', 'Precision (SQL)', pct], ['precision_won', 'Precision (won)', pct],
  ['won', 'Won in the window', int], ['caught', 'Won leads caught as MQL first', int], ['recall', 'Recall', pct],
  ['median_lead_days', 'Median days MQL → won', days],
];

function backtestView(bt) {
  const [cand, cur] = bt.models;
  const rows = METRICS.map(([k, l, f]) => {
    const a = cand.totals[k], b = cur ? cur.totals[k] : null;
    let delta = '';
    if (a != null && b != null && k !== 'won') {
      const dlt = a - b;
      delta = f === pct ? `${dlt >= 0 ? '+' : ''}${num(dlt * 100, 1)} pts` : `${dlt >= 0 ? '+' : ''}${num(dlt, 1)}`;
    }
    return h('tr', { 'data-metric': k }, h('th', { scope: 'row' }, l), h('td', { class: 'num' }, f(a)),
      h('td', { class: 'num' }, cur ? f(b) : '–'), h('td', { class: 'num muted' }, delta));
  });
  // Chart the weeks where either model made an MQL (the window may span
  // years of history before the first one).
  const curBy = new Map((cur ? cur.weeks : []).map((w) => [w.week, w]));
  const busy = (w) => w.mqls > 0 || (curBy.get(w.week)?.mqls || 0) > 0;
  const first = cand.weeks.findIndex(busy);
  let last = cand.weeks.length - 1;
  while (last > first && !busy(cand.weeks[last])) last--;
  const shownWeeks = first < 0 ? [] : cand.weeks.slice(first, last + 1);
  const weeks = shownWeeks.map((w) => w.week);
  return h('section', { class: 'backtest', id: 'backtest-result', 'aria-labelledby': 'bt-h' },
    h('h3', { id: 'bt-h' }, 'Backtest: uploaded vs current'),
    h('p', { class: 'muted small' }, `Uploaded: “${cand.name || 'unnamed'}”; current: “${cur ? cur.name : '–'}”. `,
      `${int(bt.leads)} leads replayed, ${int(bt.events_replayed)} event replays${bt.from || bt.to ? `, ${bt.from || '…'} to ${bt.to || '…'}` : ', all time'}.`),
    h('table', { class: 'bt' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Total'),
        h('th', { scope: 'col', class: 'num' }, 'Uploaded'),
        h('th', { scope: 'col', class: 'num' }, 'Current'),
        h('th', { scope: 'col', class: 'num' }, 'Difference'))),
      h('tbody', null, rows)),
    weeks.length ? line({
      labels: weeks,
      series: [{ name: 'MQLs per week, uploaded', values: shownWeeks.map((w) => w.mqls), cls: 'series-0' },
        ...(cur ? [{ name: 'MQLs per week, current', values: weeks.map((wk) => curBy.get(wk)?.mqls ?? null), cls: 'series-1' }] : [])],
      yFormat: (v) => int(v),
      title: 'MQLs per week under each model',
    }) : null);
}
