// ui.js - shared pieces of the dashboard's interface: status messages
// (an aria-live region), the modal form used for reasons and amounts,
// grade and stage badges, and error boxes. Text only, never HTML.

import { h, clear, uid } from './dom.js';
import { stage as stageLabel } from './format.js';

// Announce a short message (success or error) in the status region.
export function toast(message, kind = 'ok', link) {
  const box = document.getElementById('toast');
  if (!box) return;
  const item = h('div', { class: ['toast', kind], role: kind === 'error' ? 'alert' : null },
    h('span', null, message),
    link ? h('a', { href: link.href }, link.text) : null,
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  box.append(item);
  while (box.children.length > 3) box.firstElementChild.remove();   // the newest three
  setTimeout(() => item.remove(), kind === 'error' ? 12000 : 6000);
}

// ask({title, fields: [{name, label, type, required, value, hint}], submit})
// opens a modal form; resolves with {name: value} or null when cancelled.
export function ask({ title, intro, fields, submit = 'OK', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const inputs = {};
    const form = h('form', { method: 'dialog', class: 'stack' },
      h('h2', { id: titleId }, title),
      intro ? h('p', null, intro) : null,
      fields.map((f) => {
        const id = uid('ask');
        let input;
        if (f.type === 'checkbox') {
          input = h('input', { id, type: 'checkbox', name: f.name, checked: !!f.value });
          inputs[f.name] = input;
          return h('div', { class: 'field check' }, input, h('label', { for: id }, f.label));
        }
        input = f.type === 'textarea'
          ? h('textarea', { id, name: f.name, required: f.required, rows: 3 })
          : h('input', { id, name: f.name, type: f.type || 'text', required: f.required,
            min: f.min, step: f.step, autocomplete: 'off' });
        if (f.value != null) input.value = f.value;
        inputs[f.name] = input;
        return h('div', { class: 'field' }, h('label', { for: id }, f.label, f.required ? ' (required)' : ''), input,
          f.hint ? h('span', { class: 'hint' }, f.hint) : null);
      }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary', value: 'ok' }, submit),
        h('button', { type: 'button', value: 'cancel', onclick: () => dlg.close('cancel') }, 'Cancel')));
    const dlg = h('dialog', { 'aria-labelledby': titleId }, form);
    form.addEventListener('submit', (e) => {
      if (e.submitter && e.submitter.value !== 'ok') return;
      // Browsers accept "   " for required fields: insist on real text.
      for (const f of fields) {
        const v = inputs[f.name];
        if (f.required && f.type !== 'checkbox' && !v.value.trim()) {
          e.preventDefault();
          v.setCustomValidity('Please fill this in');
          v.reportValidity();
          v.addEventListener('input', () => v.setCustomValidity(''), { once: true });
          return;
        }
      }
    });
    dlg.addEventListener('close', () => {
      const ok = dlg.returnValue === 'ok';
      const out = {};
      for (const [k, v] of Object.entries(inputs)) out[k] = v.type === 'checkbox' ? v.checked : v.value.trim();
      dlg.remove();
      resolve(ok ? out : null);
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

export function gradeBadge(grade) {
  const g = grade || '–';
  return h('span', { class: ['grade', `grade-${g}`], title: `grade ${g}` }, g);
}

export function stageBadge(stage) {
  return h('span', { class: ['stage', `stage-${stage}`] }, stageLabel(stage));
}

// An error box in place of content (load failures).
export function errorBox(el, err, retry) {
  clear(el).append(h('div', { class: 'error-box', role: 'alert' },
    h('p', null, err.message || String(err)),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null));
}

export function loading(el, what = 'Loading…') {
  clear(el).append(h('p', { class: 'muted loading', role: 'status' }, what));
}
