// queue-query.js - what the queue asks the server for (its filters, kept
// in sessionStorage, and the /api/queue query they make), and the first
// request itself: loaded as an async module with one small dependency, it
// starts the queue request as soon as the page arrives, before the rest of
// the dashboard's modules are in, so the first paint waits for the server
// only. queue.js takes that answer when it needs the same query.

import { api, getKey, qs } from './api.js';

export const PAGE = 200;
export const UNASSIGNED = '(unassigned)';
const STATE_KEY = 'leadq.queue';

export function loadState() {
  try {
    const st = JSON.parse(sessionStorage.getItem(STATE_KEY) || '{}');
    return { owner: st.owner || '', grade: st.grade || '', source: st.source || '', page: st.page | 0 };
  } catch { return { owner: '', grade: '', source: '', page: 0 }; }
}

export function saveState(st) {
  try { sessionStorage.setItem(STATE_KEY, JSON.stringify(st)); } catch { /* private mode */ }
}

// The API filters by owner and limits the count; grade, source and
// "unassigned" are filtered in the page, over the whole queue (limit=0).
export const clientFiltered = (st) => !!(st.grade || st.source || st.owner === UNASSIGNED);

export function queryFor(st) {
  return `/api/queue${qs({
    owner: st.owner && st.owner !== UNASSIGNED ? st.owner : '',
    limit: clientFiltered(st) ? 0 : (st.page + 1) * PAGE,
  })}`;
}

let early = null;

// The answer to q if it was asked early (once), else null.
export function takeEarly(q) {
  const e = early;
  early = null;
  return e && e.q === q ? e.promise : null;
}

if (getKey() && /^(#\/queue\b|#?\/?$)/.test(location.hash)) {
  const q = queryFor(loadState());
  early = { q, promise: api(q) };
  early.promise.catch(() => {});   // a 401 is handled when the page asks again
}
