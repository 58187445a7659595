// app.js - the dashboard's entry point: sign-in with an API key, the role
// that decides which pages and buttons appear (GET /api/me), and a small
// hash router (#/queue, #/lead/ID, #/funnel?..., #/model) that mounts one
// page module at a time and lets it clean up (stop polling) on leave.

import { api, getKey, setKey, whenUnauthorized } from './api.js';
import { h, clear } from './dom.js';
import { toast } from './ui.js';
import * as queue from './queue.js';

const pages = {
  queue: () => Promise.resolve(queue),
  lead: () => import('./lead.js'),
  funnel: () => import('./funnel.js'),
  model: () => import('./model.js'),
};

const ROLES = {
  sales: { act: true, model: false, label: 'sales' },
  marketing: { act: false, model: true, label: 'marketing' },
  admin: { act: true, model: true, label: 'admin' },
};

const $ = (id) => document.getElementById(id);
let session = null;         // {role, keyId, can}
let current = null;         // {name, unmount}
let mountSeq = 0;

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(2) : 'queue';
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { name: parts[0] || 'queue', arg: parts[1], params: new URLSearchParams(query) };
}

async function route() {
  if (!session) return;
  const r = parseHash();
  const load = pages[r.name];
  const seq = ++mountSeq;
  if (current && current.unmount) current.unmount();
  current = null;
  const view = clear($('view'));
  document.querySelectorAll('nav a[data-page]').forEach((a) => {
    if (a.dataset.page === r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (!load) {
    view.append(h('h1', null, 'Not found'), h('p', null, 'There is no such page. ', h('a', { href: '#/queue' }, 'Go to the queue')));
    return;
  }
  const mod = await load();
  if (seq !== mountSeq) return;  // the user moved on meanwhile
  const unmount = mod.mount(view, { ...session, route: r, navigate });
  current = { name: r.name, unmount };
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function showSignin(message) {
  session = null;
  if (current && current.unmount) current.unmount();
  current = null;
  clear($('view'));
  $('top').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('key').value = '';
  $('key').focus();
}

function showApp(me) {
  const role = ROLES[me.role];
  session = { role: me.role, keyId: me.key_id, can: role };
  $('signin').hidden = true;
  $('top').hidden = false;
  $('who').textContent = `${role.label} · key #${me.key_id}`;
  $('who').setAttribute('title', `Signed in with API key #${me.key_id}, role ${me.role}`);
  document.querySelectorAll('[data-needs="model"]').forEach((el) => { el.hidden = !role.model; });
  route();
}

// Check a key with GET /api/me; keep it only when its role can use the UI.
async function signIn(key, fromStorage) {
  let me;
  try {
    me = await api('/api/me', { key });
  } catch (err) {
    if (err.status === 401) return showSignin(fromStorage ? 'Your key is no longer accepted. Sign in again.' : 'That key was not accepted.');
    if (err.status === 404) return showSignin('This server has no /api/me yet: upgrade leadq.');
    return showSignin(`Could not sign in: ${err.message}`);
  }
  if (!ROLES[me.role]) {
    setKey(null);
    return showSignin(`A key with role "${me.role}" cannot use the dashboard: use a sales, marketing or admin key.`);
  }
  setKey(key);
  showApp(me);
}

function start() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('key').value.trim();
    if (key) signIn(key, false);
  });
  $('signout').addEventListener('click', () => {
    setKey(null);
    showSignin('Signed out.');
  });
  $('skip').addEventListener('click', (e) => {
    e.preventDefault();
    $('main').focus();
  });
  whenUnauthorized(() => {
    if (!session) return;
    setKey(null);
    showSignin('Your key is no longer accepted (revoked?). Sign in again.');
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('unhandledrejection', (e) => {
    toast(e.reason && e.reason.message ? e.reason.message : String(e.reason), 'error');
  });
  const key = getKey();
  if (!key) return showSignin();
  signIn(key, true);     // the queue's first request is already out (queue-query.js)
}

start();
