/* leadq tracking snippet: docs/tracking.md */
(function (w, d, n, k, t0, sent, aid) {
 var s = d.currentScript, J = JSON.stringify, base = s && new URL(s.src).origin + '/v1/';
 if (!(k = s && s.dataset.key) || n.doNotTrack == '1' || n.globalPrivacyControl) return;
 function id() { return crypto.randomUUID ? crypto.randomUUID() : Math.random() + '-' + Date.now(); }
 try { aid = localStorage.leadq_aid = localStorage.leadq_aid || id(); } catch (e) { aid = id(); }
 function send(type, m) {
  var u = base + type, b = function () { m.writeKey = k; n.sendBeacon(u, J(m)); };
  m.anonymousId = aid; m.messageId = id();
  if (!w.fetch || !('keepalive' in Request.prototype)) return b();
  fetch(u, {method: 'POST', keepalive: true, body: J(m), headers: {'Content-Type': 'application/json',
   Authorization: 'Basic ' + btoa(k + ':')}}).catch(b);
 }
 function page(p) {
  p = {url: location.href, path: location.pathname, title: d.title, referrer: d.referrer};
  if (!t0) return send('page', {properties: p}), t0 = Date.now();
  p.seconds = Math.round((Date.now() - t0) / 1000);
  sent || send('track', {event: 'Time On Page', properties: p}, sent = 1);
 }
 w.addEventListener('pagehide', page);
 d.addEventListener('visibilitychange', function () { d.hidden && page(); });
 d.addEventListener('submit', function (e) {
  for (var t = {}, i = 0, f, m; (f = e.target.elements[i++]);)
   if ((m = /^(email|(first|last)_name|name|company|title|phone)$/.exec(f.type == 'email' ? 'email' : f.name)) && f.value)
    t[m[0]] = f.value.trim();
  t.email && send('identify', {traits: t});
 }, true);
 page();
})(window, document, navigator);
