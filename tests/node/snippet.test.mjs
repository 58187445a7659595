// snippet.test.mjs - web/t.js, the tracking snippet, run in a vm with a fake
// browser (window, document, navigator, fetch, sendBeacon, localStorage):
// what it sends on load, on hide and on a form submit, how it
// authenticates (fetch keepalive + Basic auth, else sendBeacon with
// writeKey in the body), and that Do Not Track keeps it silent.
// Needs no server and no npm packages: `node --test tests/node/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const source = readFileSync(new URL('../../web/t.js', import.meta.url), 'utf8');

// A fake browser; opts: {fetch: false, keepalive: false, dnt: '1',
// key: null, fetchFails: true, storageThrows: true, store: {...}}.
function browser(opts = {}) {
  const sent = [];
  const listeners = {};
  const on = (target) => (type, fn) => { (listeners[target + type] ||= []).push(fn); };
  const store = opts.store || {};
  const document = {
    currentScript: {
      src: 'https://leadq.example:8443/t.js?v=1',
      dataset: opts.key === null ? {} : { key: opts.key || 'wk_test' },
    },
    title: 'Pricing - Acme',
    referrer: 'https://google.com/',
    hidden: false,
    addEventListener: on('document:'),
  };
  const navigator = {
    doNotTrack: opts.dnt,
    sendBeacon(url, body) { sent.push({ via: 'beacon', url, body: JSON.parse(body) }); return true; },
  };
  class Request {}
  if (opts.keepalive !== false) Request.prototype.keepalive = false;
  const window = {
    addEventListener: on('window:'),
    fetch: opts.fetch === false ? undefined : (url, init) => {
      sent.push({ via: 'fetch', url, init, body: JSON.parse(init.body) });
      return opts.fetchFails ? Promise.reject(new TypeError('cors')) : Promise.resolve({ status: 200 });
    },
  };
  const localStorage = opts.storageThrows
    ? new Proxy({}, { get() { throw new Error('denied'); }, set() { throw new Error('denied'); } })
    : store;
  const ctx = {
    window, document, navigator, Request, localStorage,
    location: { href: 'https://acme.io/pricing?x=1', pathname: '/pricing' },
    crypto: { randomUUID: (() => { let i = 0; return () => `id-${++i}`; })() },
    btoa: (s) => Buffer.from(s, 'binary').toString('base64'),
    fetch: window.fetch, URL, JSON, Math, Date,
  };
  vm.runInNewContext(source, ctx);
  const fire = (key, ev) => (listeners[key] || []).forEach((fn) => fn(ev));
  return { sent, store, document, fire, ctx };
}

const settle = () => new Promise((r) => setImmediate(r));

test('page view on load through fetch keepalive with Basic auth', () => {
  const b = browser();
  assert.equal(b.sent.length, 1);
  const [p] = b.sent;
  assert.equal(p.via, 'fetch');
  assert.equal(p.url, 'https://leadq.example:8443/v1/page');
  assert.equal(p.init.method, 'POST');
  assert.equal(p.init.keepalive, true);
  assert.equal(p.init.headers['Content-Type'], 'application/json');
  assert.equal(p.init.headers.Authorization, 'Basic ' + Buffer.from('wk_test:').toString('base64'));
  assert.equal(p.body.writeKey, undefined);
  assert.deepEqual(p.body.properties, {
    url: 'https://acme.io/pricing?x=1', path: '/pricing', title: 'Pricing - Acme',
    referrer: 'https://google.com/',
  });
  assert.equal(p.body.anonymousId, 'id-1');
  assert.equal(p.body.messageId, 'id-2');
  assert.equal(b.store.leadq_aid, 'id-1');
});

test('the anonymous id is kept in localStorage', () => {
  const store = { leadq_aid: 'known-visitor' };
  const b = browser({ store });
  assert.equal(b.sent[0].body.anonymousId, 'known-visitor');
  assert.equal(b.sent[0].body.messageId, 'id-1');
  assert.equal(store.leadq_aid, 'known-visitor');
});

test('time on page once, when the page is first hidden', () => {
  const b = browser();
  b.document.hidden = true;
  b.fire('document:visibilitychange');
  b.fire('window:pagehide');
  assert.equal(b.sent.length, 2);
  const t = b.sent[1].body;
  assert.equal(b.sent[1].url, 'https://leadq.example:8443/v1/track');
  assert.equal(t.event, 'Time On Page');
  assert.equal(t.properties.path, '/pricing');
  assert.equal(typeof t.properties.seconds, 'number');
  assert.ok(t.properties.seconds >= 0);
  assert.notEqual(t.messageId, b.sent[0].body.messageId);
});

test('a form with an email sends identify with the known named inputs', () => {
  const b = browser();
  const form = {
    elements: [
      { type: 'email', name: 'work_email', value: ' ana@acme.io ' },
      { type: 'text', name: 'first_name', value: 'Ana' },
      { type: 'text', name: 'last_name', value: 'Lopez' },
      { type: 'text', name: 'company', value: 'Acme' },
      { type: 'password', name: 'password', value: 'secret' },
      { type: 'text', name: 'comment', value: 'call me' },
      { type: 'text', name: 'title', value: '' },
      { type: 'submit', name: '', value: 'Send' },
    ],
  };
  b.fire('document:submit', { target: form });
  assert.equal(b.sent.length, 2);
  assert.equal(b.sent[1].url, 'https://leadq.example:8443/v1/identify');
  assert.deepEqual(b.sent[1].body.traits, {
    email: 'ana@acme.io', first_name: 'Ana', last_name: 'Lopez', company: 'Acme',
  });
  // no email, no identify
  b.fire('document:submit', { target: { elements: [{ type: 'text', name: 'q', value: 'x' }] } });
  assert.equal(b.sent.length, 2);
});

test('sendBeacon with writeKey in the body when fetch keepalive is missing', () => {
  for (const opts of [{ fetch: false }, { keepalive: false }]) {
    const b = browser(opts);
    assert.equal(b.sent.length, 1);
    assert.equal(b.sent[0].via, 'beacon');
    assert.equal(b.sent[0].url, 'https://leadq.example:8443/v1/page');
    assert.equal(b.sent[0].body.writeKey, 'wk_test');
  }
});

test('a failed fetch is sent again by beacon with the same messageId', async () => {
  const b = browser({ fetchFails: true });
  await settle();
  assert.equal(b.sent.length, 2);
  assert.equal(b.sent[1].via, 'beacon');
  assert.equal(b.sent[1].body.messageId, b.sent[0].body.messageId);
  assert.equal(b.sent[1].body.writeKey, 'wk_test');
});

test('silent under Do Not Track, or without a data-key', () => {
  assert.equal(browser({ dnt: '1' }).sent.length, 0);
  assert.equal(browser({ key: null }).sent.length, 0);
});

test('works when localStorage is blocked', () => {
  const b = browser({ storageThrows: true });
  assert.equal(b.sent.length, 1);
  assert.ok(b.sent[0].body.anonymousId);
});

test('stays small', () => {
  assert.ok(Buffer.byteLength(source) < 1700, `t.js is ${Buffer.byteLength(source)} bytes`);
});
