// segment.test.mjs - leadq's Segment-compatible tracking API driven by
// Segment's own Node.js library, @segment/analytics-node, against a running
// `leadq serve`. It sends identify (userId + email), page and track
// ("Demo Requested") with messageIds plus one message twice, flushes, then
// reads the lead back through the REST API (the JSON of
// `leadq show LEAD --format json`): the profile, the events with the
// duplicate counted once, and a score explanation (so the server must
// have a model applied). A second test speaks the HTTP API the way the
// web snippet does (write key in the body, text/plain, anonymous visitor
// identified later).
//
// Environment:
//   LEADQ_URL        base URL of the server, e.g. http://127.0.0.1:8123
//                    (unset: everything is skipped, exit status 0)
//   LEADQ_WRITE_KEY  an ingest (write) key: analytics-node sends it as
//                    the HTTP Basic user name, on POST $LEADQ_URL/v1/batch
//   LEADQ_ADMIN_KEY  a key for the REST API, sent as "Authorization:
//                    Bearer ..." on GET /api/leads/LEAD (optional)
//
// Run: cd tests/node && npm ci && cd ../.. && node --test tests/node/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

const BASE = process.env.LEADQ_URL;
const WRITE_KEY = process.env.LEADQ_WRITE_KEY;
const ADMIN_KEY = process.env.LEADQ_ADMIN_KEY;
const POLL_MS = 10000;

const run = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

// GET a lead through the REST API; null while it does not exist (404).
async function getLead(key) {
  const headers = ADMIN_KEY ? { Authorization: `Bearer ${ADMIN_KEY}` } : {};
  const res = await fetch(`${BASE.replace(/\/$/, '')}/api/leads/${encodeURIComponent(key)}`,
    { headers });
  if (res.status === 404) return null;
  const text = await res.text();
  assert.equal(res.status, 200, `GET /api/leads/${key}: ${res.status} ${text}`);
  return JSON.parse(text);
}

// Poll until ready(detail) holds (the server may commit in groups).
async function waitForLead(key, ready) {
  const until = Date.now() + POLL_MS;
  let last = null;
  while (Date.now() < until) {
    last = await getLead(key);
    if (last && ready(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`lead ${key} not as expected after ${POLL_MS} ms: ${JSON.stringify(last)}`);
}

const withMsg = (detail, id) => detail.events.filter((e) => e.msg_id === id);

if (!BASE) {
  test('skipped: LEADQ_URL not set', { skip: 'LEADQ_URL not set' }, () => {});
} else {
  test('analytics-node identify, page, track and a duplicate reach the lead, scored', async () => {
    assert.ok(WRITE_KEY, 'LEADQ_WRITE_KEY must be set along with LEADQ_URL');
    const { Analytics } = await import('@segment/analytics-node');
    // host + path give the endpoint (default https://api.segment.io +
    // /v1/batch); flushAt 1 sends every call at once as its own batch.
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: BASE,
      path: '/v1/batch',
      flushAt: 1,
      flushInterval: 100,
      maxRetries: 2,
      httpRequestTimeout: 5000,
    });
    const statuses = [];
    analytics.on('http_response', (r) => statuses.push(r.status));
    // Each call resolves once its batch was delivered (or failed).
    const send = (method, params) => new Promise((resolve, reject) => {
      analytics[method](params, (err) => (err ? reject(err) : resolve()));
    });

    const userId = `seg-${run}`;
    const email = `Ana.${run}@Acme-Test.example`;
    const ids = { identify: `id-${run}`, page: `page-${run}`, demo: `demo-${run}`,
      dup: `dup-${run}` };

    await send('identify', { userId, messageId: ids.identify,
      traits: { email, firstName: 'Ana', lastName: 'Lopez', title: 'VP Sales',
        company: { name: 'Acme', website: 'https://www.acme-test.example', employee_count: 250 } } });
    await send('page', { userId, messageId: ids.page, name: 'Pricing',
      properties: { url: 'https://acme-test.example/pricing', path: '/pricing', title: 'Pricing' } });
    await send('track', { userId, messageId: ids.demo, event: 'Demo Requested',
      properties: { plan: 'team' } });
    await send('track', { userId, messageId: ids.dup, event: 'Pricing Viewed' });
    await send('track', { userId, messageId: ids.dup, event: 'Pricing Viewed' });
    await analytics.closeAndFlush({ timeout: 10000 });
    assert.ok(statuses.length >= 5, `expected 5 batches, saw ${statuses.length}`);
    for (const s of statuses) assert.ok(s >= 200 && s < 300, `POST /v1/batch answered ${s}`);

    const d = await waitForLead(userId, (x) => [ids.page, ids.demo, ids.dup]
      .every((id) => withMsg(x, id).length > 0));
    assert.equal(d.lead.external_id, userId);
    assert.equal(d.lead.email, email.toLowerCase());
    assert.equal(d.lead.first_name, 'Ana');
    assert.equal(d.lead.last_name, 'Lopez');
    assert.equal(d.lead.title, 'VP Sales');
    const [page] = withMsg(d, ids.page);
    assert.equal(page.type, 'page_view');
    assert.equal(page.properties.url, 'https://acme-test.example/pricing');
    assert.equal(page.properties.name, 'Pricing');
    const [demo] = withMsg(d, ids.demo);
    // event_map in the server's model may map it; else the normalised name
    assert.ok(['demo_request', 'demo_requested'].includes(demo.type), demo.type);
    assert.equal(demo.properties.plan, 'team');
    assert.equal(withMsg(d, ids.dup).length, 1, 'the duplicate messageId counts once');
    assert.equal(withMsg(d, ids.dup)[0].type, 'pricing_viewed');
    assert.ok(d.explanation, 'the lead has a score explanation (is a model applied?)');
    assert.equal(typeof d.explanation.score, 'number');
    assert.ok(Array.isArray(d.explanation.rules));
  });

  test('snippet-style calls: write key in the body, anonymous visitor identified later', async () => {
    assert.ok(WRITE_KEY, 'LEADQ_WRITE_KEY must be set along with LEADQ_URL');
    const anonymousId = `anon-${run}`;
    const email = `bo.${run}@acme-test.example`;
    const pageId = `anon-page-${run}`;
    // navigator.sendBeacon sends a string as text/plain and no headers
    const beacon = async (type, body) => {
      const res = await fetch(`${BASE.replace(/\/$/, '')}/v1/${type}`, {
        method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ ...body, anonymousId, writeKey: WRITE_KEY }),
      });
      assert.ok(res.status >= 200 && res.status < 300,
        `POST /v1/${type}: ${res.status} ${await res.text()}`);
    };
    await beacon('page', { messageId: pageId,
      properties: { url: 'https://acme-test.example/pricing', path: '/pricing' } });
    await beacon('identify', { messageId: `anon-id-${run}`,
      traits: { email, first_name: 'Bo' } });
    const d = await waitForLead(email, (x) => withMsg(x, pageId).length === 1);
    assert.equal(d.lead.email, email);
    assert.equal(d.lead.first_name, 'Bo');
    assert.equal(withMsg(d, pageId)[0].type, 'page_view');
  });

  test('a wrong write key is refused', async () => {
    const res = await fetch(`${BASE.replace(/\/$/, '')}/v1/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from('not-a-key:').toString('base64')}` },
      body: JSON.stringify({ userId: `bad-${run}`, event: 'x' }),
    });
    assert.ok(res.status === 401 || res.status === 403, `status ${res.status}`);
  });
}
