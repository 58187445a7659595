// lead.js - one lead (GET /api/leads/{lead}): profile and account, score
// and grade with every rule's points and the events behind them, the
// predicted probability when the server sends one, activity timeline,
// stage history, BANT and SQO checklists filled in place (POST .../qualify
// and .../opportunity), the lifecycle actions the stage allows, notes and
// tasks. Every action re-reads the lead, so what is shown is what is stored.

import { api, leadPath } from './api.js';
import { h, clear, uid, append } from './dom.js';
import { num, int, pct, when, day, leadName, label, stage as stageLabel } from './format.js';
import { toast, ask, gradeBadge, stageBadge, errorBox, loading } from './ui.js';

// The model's sql_requires / sqo_requires are not in the lead document;
// these are leadq's standard checklists (the server says what is missing).
const BANT = [
  ['budget', 'Budget', 'They can pay for it.'],
  ['authority', 'Authority', 'We talk to someone who can decide.'],
  ['need', 'Need', 'They have the problem we solve.'],
  ['timing', 'Timing', 'They want to solve it soon.'],
];
const SQO = [
  ['buy_cycle', 'Buy cycle', 'yesno', 'A buying process has started.'],
  ['influencer', 'Influencer', 'yesno', 'We talk to someone who influences the decision.'],
  ['time_frame', 'Time frame', 'date', 'When they expect to decide.'],
  ['opportunity_size', 'Opportunity size', 'amount', 'Expected deal value.'],
  ['follow_up', 'Follow-up', 'yesno', 'We have permission to follow up.'],
];
const YESNO = [['yes', 'Yes'], ['no', 'No'], ['unknown', 'Unknown']];

export function mount(root, ctx) {
  const id = ctx.route.arg;
  let dead = false;
  async function load(focusSel) {
    try {
      const d = await api(leadPath(id));
      if (dead) return;
      render(root, d, ctx, load);
      if (focusSel) root.querySelector(focusSel)?.focus({ preventScroll: true });
    } catch (err) {
      if (!dead) errorBox(root, err, () => load());
    }
  }
  loading(root, 'Loading the lead…');
  load();
  return () => { dead = true; };
}

function section(title, ...kids) {
  const hid = uid('sec');
  return h('section', { class: 'card', 'aria-labelledby': hid }, h('h2', { id: hid }, title), kids);
}

function dl(pairs) {
  return h('dl', { class: 'pairs' }, pairs.filter(([, v]) => v != null && v !== '').map(([k, v]) =>
    [h('dt', null, k), h('dd', null, v)]));
}

function render(root, d, ctx, reload) {
  const L = d.lead;
  const x = d.explanation;
  const key = L.id;
  // Run an action, then re-read the lead and say what happened.
  async function act(action, body, done) {
    try {
      const res = await api(leadPath(key, action), { method: 'POST', json: body });
      toast(done(res.result || {}, res), 'ok');
      await reload('#lead-title');      // the page is redrawn: keep focus on it
      return res;
    } catch (err) {
      toast(`${label(action)} failed: ${err.message}`, 'error');
      return null;
    }
  }

  clear(root);
  const name = leadName(L);
  append(root,
    h('p', { class: 'crumbs' }, h('a', { href: '#/queue' }, '← Queue')),
    h('div', { class: 'page-head lead-head' },
      h('h1', { id: 'lead-title', tabindex: -1 }, name),
      h('span', { id: 'lead-stage' }, stageBadge(L.stage)),
      x ? gradeBadge(x.grade) : null,
      h('span', { class: 'muted' }, L.owner ? `owner ${L.owner}` : 'unassigned'),
      L.cycle > 1 ? h('span', { class: 'muted' }, `cycle ${L.cycle}`) : null),
    [L.title, d.account?.name || L.email_domain].some(Boolean)
      ? h('p', { class: 'lead-sub' }, [L.title, d.account?.name || L.email_domain].filter(Boolean).join(' at ')) : null,
    actionsBar(L, ctx, act));

  const left = h('div', { class: 'col' });
  const right = h('div', { class: 'col' });
  root.append(h('div', { class: 'lead-grid' }, left, right));

  append(left, scoreCard(d), predictionCard(d), checklists(d, ctx, act), followUp(d, ctx, act, reload));
  append(right, profileCard(d), historyCard(d), timelineCard(d));
}

// ---- actions the stage allows ---------------------------------------------------
function actionsBar(L, ctx, act) {
  if (!ctx.can.act) return h('p', { class: 'muted' }, `Your role (${ctx.role}) can read this lead; lifecycle actions are for sales.`);
  const name = leadName(L);
  const bar = h('div', { class: 'actions-bar', role: 'group', 'aria-label': 'Lifecycle actions' });
  const s = L.stage;
  if (s === 'mql') {
    bar.append(
      h('button', { type: 'button', class: 'primary', id: 'act-accept', onclick: () =>
        act('accept', {}, (_, res) => `${name} accepted: now ${stageLabel(res.lead?.lead?.stage || 'sal')}.`) }, 'Accept (SAL)'),
      h('button', { type: 'button', id: 'act-reject', onclick: async () => {
        const a = await ask({ title: `Reject ${name}`, submit: 'Reject', danger: true,
          fields: [{ name: 'reason', label: 'Reason', required: true },
            { name: 'disqualify', type: 'checkbox', label: 'Disqualify instead' }] });
        if (a) act('reject', { reason: a.reason, disqualify: a.disqualify }, () => `${name} rejected (${a.reason}).`);
      } }, 'Reject…'));
  }
  if (s === 'sal') bar.append(h('span', { class: 'muted' }, 'Next: fill BANT below to make it an SQL.'));
  if (s === 'sql') bar.append(h('span', { class: 'muted' }, 'Next: fill the opportunity checklist below to make it an SQO.'));
  if (s === 'sqo')
    bar.append(h('button', { type: 'button', class: 'primary', onclick: async () => {
      const a = await ask({ title: `${name}: won`, submit: 'Mark won',
        fields: [{ name: 'amount', label: 'Amount', type: 'number', min: 0, step: 'any' }] });
      if (a) act('won', a.amount ? { amount: Number(a.amount) } : {}, () => `${name} won.`);
    } }, 'Won…'));
  if (s === 'sal' || s === 'sql' || s === 'sqo')
    bar.append(
      h('button', { type: 'button', onclick: async () => {
        const a = await ask({ title: `${name}: lost`, submit: 'Mark lost', danger: true,
          fields: [{ name: 'reason', label: 'Reason', required: true }] });
        if (a) act('lost', { reason: a.reason }, () => `${name} lost (${a.reason}).`);
      } }, 'Lost…'));
  if (s === 'sal')     // reject works from mql and sal only
    bar.append(
      h('button', { type: 'button', onclick: async () => {
        const a = await ask({ title: `Recycle ${name} to nurture`, submit: 'Send to nurture',
          fields: [{ name: 'reason', label: 'Reason', required: true }] });
        if (a) act('reject', { reason: a.reason }, () => `${name} back to nurture.`);
      } }, 'Back to nurture…'));
  return bar.childNodes.length ? bar : null;
}

// ---- score and explanation ------------------------------------------------------
function scoreCard(d) {
  const x = d.explanation;
  if (!x) return section('Score', h('p', { class: 'muted' }, 'Not scored: no model applied yet.'));
  const events = new Map(d.events.map((e) => [e.id, e]));
  const rows = x.rules.map((r) => {
    const detail = [];
    if (r.kind === 'engagement') {
      const n = r.events.length;
      detail.push(`${n} event${n === 1 ? '' : 's'}`);
      if (r.last_at) detail.push(`last ${day(r.last_at)}`);
      if (r.full != null && r.decayed != null && r.full !== r.decayed) detail.push(`${num(r.full, 1)} before decay`);
      if (r.capped) detail.push(`capped at ${num(r.cap, 0)} (${num(r.decayed, 1)} uncapped)`);
      if (r.expired_events) detail.push(`${r.expired_events} expired`);
    }
    const evList = r.kind === 'engagement' && r.events.length
      ? h('details', { class: 'events-behind' }, h('summary', null, detail.join(' · ')),
        h('ul', null, r.events.map((eid) => {
          const e = events.get(eid);
          return h('li', null, e ? `${when(e.at)} ${label(e.type)}${eventDetail(e) ? ` — ${eventDetail(e)}` : ''}` : `event #${eid}`);
        })))
      : (detail.length ? h('span', { class: 'muted' }, detail.join(' · ')) : null);
    return h('tr', { class: r.points < 0 ? 'neg' : null },
      h('td', null, h('span', { class: ['kind', `kind-${r.kind}`] }, r.kind)),
      h('td', null, h('strong', null, r.rule), r.when ? h('code', { class: 'when' }, r.when) : null, evList),
      h('td', { class: 'num points' }, `${r.points > 0 ? '+' : ''}${num(r.points, 2)}`));
  });
  return section('Score',
    h('div', { class: 'score-line' },
      h('span', { class: 'big', id: 'lead-score' }, num(x.score, 2)),
      h('span', null, ` = fit ${num(x.fit, 2)} + channel ${num(x.channel, 2)} + engagement ${num(x.engagement, 2)}`),
      gradeBadge(x.grade),
      x.disqualified ? h('span', { class: 'stage stage-disqualified' }, 'disqualified') : null),
    h('p', { class: 'muted small' }, `Model ${d.model ? `“${d.model.name}” v${d.model.version}` : ''}, scored at ${when(x.at)} UTC.`),
    rows.length
      ? h('table', { class: 'explain' }, h('caption', { class: 'sr-only' }, 'Every rule that gave points'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Rule and the events behind it'),
          h('th', { scope: 'col', class: 'num' }, 'Points'))), h('tbody', null, rows))
      : h('p', { class: 'muted' }, 'No rule matched this lead.'));
}

// The learned model's probability. The lead document may carry
// "prediction": a number, or the object `leadq predict --format json` prints
// ({probability, outcome, learned_version, contributions: [{feature, effect}]}).
// Without it nothing shows.
function predictionCard(d) {
  if (d.prediction == null) return null;   // PREDICTION SPOT: filled once the API sends it
  const p = typeof d.prediction === 'number' ? { probability: d.prediction } : d.prediction;
  const prob = p.probability ?? p.stored;
  const version = p.learned_version ?? p.model_version;
  const contrib = Array.isArray(p.contributions) ? p.contributions : [];
  return section('Predicted probability',
    h('p', { class: 'score-line' }, h('span', { class: 'big', id: 'lead-prediction' }, pct(prob, 1)),
      h('span', { class: 'muted' }, ` chance of reaching ${p.outcome || 'won'}${version != null ? `, learned model v${version}` : ''}`)),
    contrib.length ? [h('h3', null, 'What moves it most'),
      h('ul', { class: 'plain contrib' }, contrib.slice(0, 8).map((c) => {
        const e = c.effect ?? c.contribution ?? 0;
        return h('li', { class: e < 0 ? 'neg' : null }, h('span', { class: 'points' }, `${e > 0 ? '+' : ''}${num(e, 2)}`), ' ', c.feature || '');
      })),
      h('p', { class: 'muted small' }, 'Effects are on the log-odds: +0.69 doubles the odds.')] : null);
}

// ---- BANT and SQO --------------------------------------------------------------
function checklists(d, ctx, act) {
  const L = d.lead;
  const name = leadName(L);
  const answers = d.checklist || {};
  const canBant = ctx.can.act && L.stage === 'sal';
  const canSqo = ctx.can.act && L.stage === 'sql';
  const bant = checklistForm('bant', 'BANT (SAL → SQL)', BANT.map(([k, l, hint]) => [k, l, 'yesno', hint]), answers, canBant,
    canBant ? null : (L.stage === 'mql' ? 'Accept the lead first.' : ctx.can.act ? `Editable while the lead is SAL (it is ${stageLabel(L.stage)}).` : null),
    async (body) => act('qualify', body, (r) => r.moved ? `${name} is now an SQL.` : `Saved. Still missing: ${r.missing || 'nothing'}.`));
  const sqo = checklistForm('sqo', 'Opportunity (SQL → SQO)', SQO, answers, canSqo,
    canSqo ? null : ctx.can.act ? `Editable while the lead is SQL (it is ${stageLabel(L.stage)}).` : null,
    async (body) => act('opportunity', body, (r) => r.moved ? `${name} is now an SQO.` : `Saved. Still missing: ${r.missing || 'nothing'}.`));
  return section('Qualification', bant, sqo);
}

function checklistForm(idp, title, items, answers, editable, note, submit) {
  const controls = {};
  const form = h('form', { class: 'checklist', id: `${idp}-form`, 'aria-label': title });
  const fs = h('fieldset', { disabled: !editable }, h('legend', null, title));
  for (const [key, lab, kind, hint] of items) {
    const cur = answers[key];
    if (kind === 'yesno') {
      const gid = uid(key);
      const group = h('div', { class: 'seg', role: 'radiogroup', 'aria-labelledby': gid });
      YESNO.forEach(([v, l]) => {
        const rid = uid(`${key}-${v}`);
        const input = h('input', { type: 'radio', name: key, value: v, id: rid, checked: cur === v });
        group.append(input, h('label', { for: rid, class: `seg-${v}` }, l));
      });
      controls[key] = () => group.querySelector('input:checked')?.value;
      fs.append(h('div', { class: 'check-row', 'data-item': key },
        h('span', { class: 'check-label', id: gid }, lab, h('span', { class: 'hint' }, hint)), group));
    } else {
      const iid = uid(key);
      const input = kind === 'date'
        ? h('input', { type: 'date', id: iid, name: key, value: cur ? cur.slice(0, 10) : '' })
        : h('input', { type: 'number', id: iid, name: key, min: 0, step: 'any', value: cur ?? '', inputmode: 'decimal' });
      controls[key] = () => input.value;
      fs.append(h('div', { class: 'check-row', 'data-item': key },
        h('label', { class: 'check-label', for: iid }, lab, h('span', { class: 'hint' }, hint)), input));
    }
  }
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Save answers');
  fs.append(h('div', { class: 'buttons' }, btn, note ? h('span', { class: 'muted small' }, note) : null));
  form.append(fs);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, get] of Object.entries(controls)) {
      const v = get();
      if (v == null || v === '') continue;
      body[k] = k === 'opportunity_size' ? Number(v) : v;
    }
    if (!Object.keys(body).length) return toast('Answer at least one item.', 'error');
    btn.disabled = true;
    await submit(body);
    if (btn.isConnected) btn.disabled = false;
  });
  return form;
}

// ---- notes and tasks -----------------------------------------------------------
function followUp(d, ctx, act, reload) {
  const notes = h('ul', { class: 'notes' }, d.notes.length ? [...d.notes].reverse().map((n) =>
    h('li', null, h('p', null, n.text), h('span', { class: 'muted small' }, `${when(n.at)} · ${n.actor || 'unknown'} · cycle ${n.cycle}`)))
    : h('li', { class: 'muted' }, 'No notes yet.'));
  const tasks = h('ul', { class: 'tasks' }, d.tasks.length ? d.tasks.map((t) =>
    h('li', { class: t.done ? 'done' : null },
      h('span', null, t.text || '(no text)'), h('span', { class: 'muted small' }, ` due ${when(t.due)} UTC`),
      !t.done && ctx.can.act ? h('button', { type: 'button', class: 'small', onclick: async () => {
        try {
          await api(`/api/tasks/${t.id}/done`, { method: 'POST', json: {} });
          toast('Task done.');
          await reload();
        } catch (err) { toast(`Could not close the task: ${err.message}`, 'error'); }
      } }, 'Done') : (t.done ? h('span', { class: 'small' }, ' ✓ done') : null)))
    : h('li', { class: 'muted' }, 'No tasks.'));
  let forms = null;
  if (ctx.can.act) {
    const noteText = h('textarea', { id: uid('note'), rows: 2, required: true });
    const noteForm = h('form', { class: 'inline-form' }, h('label', { for: noteText.id }, 'New note'), noteText,
      h('button', { type: 'submit' }, 'Add note'));
    noteForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!noteText.value.trim()) return;
      act('notes', { text: noteText.value.trim() }, () => 'Note added.');
    });
    const due = h('input', { type: 'datetime-local', id: uid('due'), required: true });
    const text = h('input', { type: 'text', id: uid('task'), required: true });
    const owner = h('input', { type: 'text', id: uid('owner'), value: d.lead.owner || '' });
    const taskForm = h('form', { class: 'inline-form task-form' },
      h('div', { class: 'field' }, h('label', { for: text.id }, 'Task'), text),
      h('div', { class: 'field' }, h('label', { for: due.id }, 'Due (UTC)'), due),
      h('div', { class: 'field' }, h('label', { for: owner.id }, 'Owner'), owner),
      h('button', { type: 'submit' }, 'Add task'));
    taskForm.addEventListener('submit', (e) => {
      e.preventDefault();
      act('tasks', { due: due.value.length === 16 ? `${due.value}:00Z` : `${due.value}Z`, text: text.value.trim(), owner: owner.value.trim() || undefined },
        () => 'Task added.');
    });
    forms = [noteForm, taskForm];
  }
  return section('Notes and tasks', h('h3', null, 'Notes'), notes, h('h3', null, 'Tasks'), tasks, forms);
}

// ---- profile, history, activity ----------------------------------------------------
function profileCard(d) {
  const L = d.lead, A = d.account;
  const attrs = Object.entries(L.attrs || {});
  return section('Profile',
    dl([['Email', L.email], ['Title', L.title], ['Seniority', L.seniority], ['Department', L.department],
      ['Country', L.country], ['Source', L.source], ['External id', L.external_id], ['Created', L.created_at && `${when(L.created_at)} UTC`],
      ['Lead #', String(L.id)],
      ...attrs.map(([k, v]) => [`attr.${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)])]),
    h('h3', null, 'Account'),
    A ? dl([['Name', A.name], ['Domain', A.domain], ['Industry', A.industry],
      ['Employees', A.employees != null ? int(A.employees) : null], ['Revenue', A.revenue != null ? int(A.revenue) : null],
      ['Web traffic', A.traffic != null ? int(A.traffic) : null], ['Ad spend', A.ad_spend != null ? int(A.ad_spend) : null],
      ['Technologies', (A.tech || []).join(', ')],
      ...Object.entries(A.attrs || {}).map(([k, v]) => [`attr.${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)])])
      : h('p', { class: 'muted' }, 'No account.'));
}

function historyCard(d) {
  return section('Stage history',
    d.history.length ? h('ol', { class: 'history', id: 'stage-history' }, d.history.map((c) =>
      h('li', null,
        h('span', { class: 'move' }, c.from ? stageLabel(c.from) : 'new', ' → ', h('strong', null, stageLabel(c.to))),
        h('span', { class: 'muted small' }, ` ${when(c.at)} · ${c.actor || '–'}`),
        c.reason ? h('span', { class: 'reason' }, c.reason) : null)))
      : h('p', { class: 'muted' }, 'No stage changes recorded.'));
}

function eventDetail(e) {
  const p = e.properties || {};
  const bits = [];
  if (p.url) bits.push(String(p.url));
  if (p.seconds != null) bits.push(`${p.seconds} s`);
  if (p.asset) bits.push(String(p.asset));
  if (p.returning) bits.push('returning');
  for (const [k, v] of Object.entries(p))
    if (!['url', 'seconds', 'asset', 'returning'].includes(k) && bits.length < 4)
      bits.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  return bits.join(' · ');
}

function timelineCard(d) {
  const rules = new Map();
  for (const r of d.explanation?.rules || []) for (const id of r.events || []) rules.set(id, r.rule);
  const evs = [...d.events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  const LIMIT = 50;
  const list = h('ol', { class: 'timeline' });
  const draw = (n) => list.replaceChildren(...evs.slice(0, n).map((e) =>
    h('li', null, h('time', { datetime: e.at }, when(e.at)), ' ', h('strong', null, label(e.type)),
      eventDetail(e) ? h('span', { class: 'muted' }, ` ${eventDetail(e)}`) : null,
      rules.has(e.id) ? h('span', { class: 'tag' }, rules.get(e.id)) : null)));
  draw(LIMIT);
  const more = evs.length > LIMIT ? h('button', { type: 'button', class: 'small', onclick: () => { draw(evs.length); more.remove(); } },
    `Show all ${int(evs.length)} events`) : null;
  return section(`Activity (${int(evs.length)})`, evs.length ? [list, more] : h('p', { class: 'muted' }, 'No activity recorded.'));
}
