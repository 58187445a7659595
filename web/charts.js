// charts.js - the dashboard's charts, drawn by hand as SVG (or plain
// HTML bars) so the binary stays self-contained: a funnel, horizontal bars
// and a line chart over periods. Every chart is an image with a text
// label; the numbers are always also in a table beside it.

import { h, s, append } from './dom.js';
import { int } from './format.js';

// funnel([{label, count, note}]) - centred bars narrowing stage by stage,
// joined by light trapezoids; note (e.g. "10.4% of MQL") on the right.
export function funnel(steps, { title = 'Funnel' } = {}) {
  const rowH = 54, barH = 34, left = 96, width = 440, right = 200;
  const W = left + width + right, H = steps.length * rowH;
  const max = Math.max(1, ...steps.map((st) => st.count || 0));
  const geo = steps.map((st, i) => {
    const w = Math.max(3, ((st.count || 0) / max) * width);
    return { x: left + (width - w) / 2, y: i * rowH + (rowH - barH) / 2, w };
  });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart funnel', role: 'img',
    'aria-label': `${title}: ${steps.map((st) => `${st.label} ${int(st.count)}`).join(', ')}` });
  steps.forEach((st, i) => {
    const g = geo[i];
    if (i > 0) {
      const p = geo[i - 1];
      append(svg, s('polygon', { class: 'join',
        points: `${p.x},${p.y + barH} ${p.x + p.w},${p.y + barH} ${g.x + g.w},${g.y} ${g.x},${g.y}` }));
    }
    append(svg, 
      s('rect', { x: g.x, y: g.y, width: g.w, height: barH, rx: 3, class: `bar bar-${i}` },
        s('title', null, `${st.label}: ${int(st.count)}`)),
      s('text', { x: 0, y: g.y + barH / 2, class: 'label', 'dominant-baseline': 'middle' }, st.label),
      s('text', { x: left + width / 2, y: g.y + barH / 2, class: 'count', 'text-anchor': 'middle',
        'dominant-baseline': 'middle' }, int(st.count)),
      st.note ? s('text', { x: left + width + 16, y: g.y + barH / 2, class: 'note',
        'dominant-baseline': 'middle' }, st.note) : null);
  });
  return svg;
}

// bars([{label, value, text}], {format}) - horizontal bars in HTML, value
// as a fraction of the largest (or of `max`).
export function bars(rows, { max, label = 'Bar chart', format = (v) => String(v) } = {}) {
  const top = max ?? Math.max(0, ...rows.map((r) => r.value || 0));
  const list = h('div', { class: 'hbars', role: 'img',
    'aria-label': `${label}: ${rows.map((r) => `${r.label} ${r.text ?? format(r.value)}`).join(', ')}` });
  for (const r of rows) {
    const frac = top > 0 && r.value != null ? Math.min(1, r.value / top) : 0;
    append(list, h('div', { class: 'hbar', 'aria-hidden': 'true' },
      h('span', { class: 'hbar-label', title: r.label }, r.label),
      h('span', { class: 'hbar-track' }, h('span', { class: 'hbar-fill', style: { width: `${(frac * 100).toFixed(2)}%` } })),
      h('span', { class: 'hbar-value' }, r.text ?? format(r.value))));
  }
  return list;
}

// A round axis maximum at or above v, and how many gridline steps divide
// it into round numbers (2 -> 4 steps of 0.5, 5 -> 5 steps of 1, ...).
function nice(v) {
  if (!(v > 0)) return { max: 1, steps: 4 };
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return { max: m * p, steps: m === 2 ? 4 : 5 };
  return { max: 10 * p, steps: 5 };
}

// line({labels, series: [{name, values, cls}], columns: {name, values},
//       yFormat, colFormat, title}) - lines over periods (null values
// break the line), optional light columns on their own scale behind.
export function line({ labels, series, columns, yFormat = String, colFormat = int, title = 'Chart' }) {
  const W = 1000, H = 260, l = 56, r = columns ? 60 : 16, t = 14, b = 40;
  const iw = W - l - r, ih = H - t - b, n = labels.length;
  const vals = series.flatMap((se) => se.values).filter((v) => v != null);
  const { max: ymax, steps } = nice(Math.max(0, ...vals));
  const x = (i) => l + ((i + 0.5) / Math.max(1, n)) * iw;        // the middle of period i's band
  const y = (v) => t + ih - (v / ymax) * ih;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart line', role: 'img', 'aria-label': title });
  for (let k = 0; k <= steps; k++) {
    const v = (ymax * k) / steps;
    append(svg, s('line', { x1: l, x2: W - r, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: l - 6, y: y(v), class: 'axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, yFormat(v)));
  }
  if (columns) {
    // Its own scale on the same gridlines: a round step times their count.
    const cstep = nice(Math.max(0, ...columns.values.filter((v) => v != null)) / steps || 1).max;
    const cmax = cstep * steps;
    const cw = Math.max(1, (iw / Math.max(1, n)) * 0.7);
    columns.values.forEach((v, i) => {
      if (!v) return;
      const hgt = (v / cmax) * ih;
      append(svg, s('rect', { x: x(i) - cw / 2, y: t + ih - hgt, width: cw, height: hgt, class: 'col' },
        s('title', null, `${labels[i]}: ${colFormat(v)} ${columns.name}`)));
    });
    for (let k = 0; k <= steps; k++)
      append(svg, s('text', { x: W - r + 6, y: y((ymax * k) / steps), class: 'axis col-axis', 'dominant-baseline': 'middle' },
        colFormat((cmax * k) / steps)));
  }
  const every = Math.max(1, Math.ceil(n / 9));
  labels.forEach((lab, i) => {
    if (i % every === 0)
      append(svg, s('text', { x: x(i), y: H - b + 18, class: 'axis', 'text-anchor': 'middle' }, lab));
  });
  series.forEach((se, si) => {
    let d = '', pen = false;
    se.values.forEach((v, i) => {
      if (v == null) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    append(svg, s('path', { d, class: ['series', se.cls || `series-${si}`] }));
    if (n <= 120)
      se.values.forEach((v, i) => {
        if (v != null)
          append(svg, s('circle', { cx: x(i), cy: y(v), r: 3, class: ['dot', se.cls || `series-${si}`] },
            s('title', null, `${labels[i]}: ${se.name} ${yFormat(v)}`)));
      });
  });
  const legend = h('ul', { class: 'legend' },
    series.map((se, si) => h('li', null, h('span', { class: ['swatch', se.cls || `series-${si}`], 'aria-hidden': 'true' }), se.name)),
    columns ? h('li', null, h('span', { class: 'swatch col', 'aria-hidden': 'true' }), `${columns.name} (right axis)`) : null);
  return h('figure', { class: 'chart-wrap' }, svg, legend);
}
