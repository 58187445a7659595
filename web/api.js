// api.js - the one place the dashboard talks to the server: every call
// carries the API key kept in sessionStorage (this tab only, gone when it
// closes), JSON in and out, and errors become ApiError with the server's
// code, message, field and (for models) problems.

const KEY = 'leadq.key';

export function getKey() {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

export function setKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
  } catch { /* storage refused: the key lives as long as the page */ }
}

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = (body && body.error) || {};
    let msg = e.message || `request failed (HTTP ${status})`;
    if (status === 429) msg = `too many requests, retry in ${retryAfter || 'a few'} s`;
    super(msg);
    this.status = status;
    this.code = e.code || null;
    this.field = e.field || null;
    this.problems = Array.isArray(e.problems) ? e.problems : [];
  }
}

// Listeners called with the error when the key stops working (401).
const onUnauthorized = new Set();
export function whenUnauthorized(fn) { onUnauthorized.add(fn); }

// api('/api/queue?limit=200') -> parsed JSON; throws ApiError.
// opts: {method, json (object body), text (raw body), type (its content type), key}
export async function api(path, opts = {}) {
  const key = opts.key || getKey();
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  let body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['Content-Type'] = 'application/json';
  } else if (opts.text !== undefined) {
    body = opts.text;
    headers['Content-Type'] = opts.type || 'text/plain';
  }
  const res = await fetch(path, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (res.status === 401 && !opts.key) onUnauthorized.forEach((fn) => fn(err));
    throw err;
  }
  return data;
}

// Query string from an object, skipping empty values.
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const leadPath = (id, action) =>
  `/api/leads/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
