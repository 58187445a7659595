// dom.js - tiny helpers to build the dashboard's DOM without HTML strings.
// Everything from the API is untrusted (lead fields, event properties, model
// text): it only ever reaches the page as text nodes or attribute values set
// here, never through innerHTML, so nothing in it can run as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';
// Set as DOM properties rather than attributes (their live value matters).
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'open', 'indeterminate']);

function apply(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'style') Object.assign(el.style, v);          // CSSOM: allowed by the CSP
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

// Append children: strings and numbers become text nodes, arrays are
// flattened, null/undefined/false are skipped.
export function append(el, ...kids) {
  for (const k of kids.flat(Infinity)) {
    if (k == null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

// h('a', {href: '#/x', class: 'link'}, 'text', child...) -> HTMLElement
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  apply(el, props);
  return append(el, ...kids);
}

// The same for SVG elements (charts).
export function s(tag, props, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  return append(el, ...kids);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// A unique id for label/aria wiring.
let seq = 0;
export function uid(prefix = 'id') {
  seq += 1;
  return `${prefix}-${seq}`;
}

// A labelled form control: returns {wrap, input}.
export function field(label, input, hint) {
  if (!input.id) input.id = uid('f');
  const kids = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hid = uid('hint');
    input.setAttribute('aria-describedby', hid);
    kids.push(h('span', { class: 'hint', id: hid }, hint));
  }
  return { wrap: h('div', { class: 'field' }, kids), input };
}

// <select> with [value, label] options; keeps `selected` when present.
export function select(options, selected, props) {
  const el = h('select', props);
  setOptions(el, options, selected);
  return el;
}

export function setOptions(el, options, selected) {
  const cur = selected ?? el.value;
  el.replaceChildren(...options.map(([v, l]) => h('option', { value: v, selected: v === cur }, l)));
  if (options.some(([v]) => v === cur)) el.value = cur;
}
