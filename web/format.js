// format.js - how numbers, dates, durations and names are written in the
// dashboard. Pure functions, no DOM. Times are shown in UTC (the server's
// clock and the API's ISO strings are UTC).

const nf = new Intl.NumberFormat('en-US');

export function int(n) {
  return n == null ? '–' : nf.format(Math.round(n));
}

// Number formatters are costly to make: one per digit count, kept.
const byDigits = new Map();
export function num(n, digits = 1) {
  if (n == null || Number.isNaN(n)) return '–';
  let f = byDigits.get(digits);
  if (!f) byDigits.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })));
  return f.format(n);
}

export function pct(f, digits = 1) {
  return f == null || Number.isNaN(f) ? '–' : `${(f * 100).toFixed(digits)}%`;
}

export function days(d) {
  return d == null ? '–' : `${num(d, 1)} d`;
}

// "2026-03-09 12:00" (UTC) from an ISO string.
export function when(iso) {
  if (!iso) return '–';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

export function day(iso) {
  return iso ? iso.slice(0, 10) : '–';
}

// 120d, 3d 4h, 5h 12m, 12m 5s, 45s (absolute value; callers add "overdue").
export function duration(seconds) {
  let s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hr = Math.floor(s / 3600); s -= hr * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d >= 100) return `${d}d`;
  if (d) return `${d}d ${hr}h`;
  if (hr) return `${hr}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

// The best human name a lead has: names, else email, else external id.
export function leadName(lead) {
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(' ');
  return name || lead.email || lead.external_id || `Lead #${lead.id}`;
}

// snake_case -> "Snake case"
export function label(key) {
  if (!key) return '';
  const t = String(key).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export const STAGE_LABEL = {
  subscriber: 'Subscriber', lead: 'Lead', mql: 'MQL', sal: 'SAL', sql: 'SQL', sqo: 'SQO',
  won: 'Won', lost: 'Lost', nurture: 'Nurture', disqualified: 'Disqualified',
};

export function stage(s) {
  return STAGE_LABEL[s] || s || '–';
}
