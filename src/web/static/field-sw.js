/*
 * The field app's service worker, served as /field/sw.js?static=PREFIX
 * with Service-Worker-Allowed: /field, scope /field.
 *
 * It keeps the app shell (the last /field page and this build's assets)
 * so the app starts without a connection, and sends the outbox in the
 * background (sync "field-outbox") with the page's own code (field.js).
 * The API is never answered from the cache, and no POST is touched.
 */
'use strict';
var STATIC = new URL(self.location.href).searchParams.get('static') || '';
if (!/^\/static\/v\/[0-9a-f]{8,64}$/.test(STATIC)) STATIC = '';
var CACHE = 'minwon-field-' + (STATIC ? STATIC.slice(10) : 'none');
var ASSETS = ['app.css', 'app.js', 'field.css', 'field.js', 'icon.svg', 'field-icon.svg',
              'field-icon-192.png', 'field-icon-512.png', 'field.webmanifest'];
if (STATIC) importScripts(STATIC + '/field.js');

/* The page, kept when it came from the server as itself (not a redirect
 * to the sign-in page, not a note after a form). */
function keepShell(cache, response) {
  if (response.ok && response.type === 'basic' && !response.redirected) {
    return cache.put('/field', response);
  }
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(STATIC ? ASSETS.map(function (a) { return STATIC + '/' + a; }) : [])
      .then(function () { return fetch('/field', { credentials: 'same-origin' }); })
      .then(function (r) { return keepShell(cache, r); })
      .catch(function () {});
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('minwon-field-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/api/') === 0) return;
  if (req.mode === 'navigate' && url.pathname === '/field') {
    /* The network first: the list of today is live. */
    e.respondWith(fetch(req).then(function (r) {
      if (!url.search) {
        var copy = r.clone();
        caches.open(CACHE).then(function (cache) { return keepShell(cache, copy); });
      }
      return r;
    }, function () {
      return caches.match('/field').then(function (hit) { return hit || Response.error(); });
    }));
  } else if (url.pathname.indexOf('/static/v/') === 0) {
    /* Versioned assets never change: the cache first. */
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  }
});

self.addEventListener('sync', function (e) {
  if (e.tag !== 'field-outbox' || !self.minwonField) return;
  e.waitUntil(self.minwonField.flush().then(function (res) {
    if (res.stopped === 'offline') throw new Error('no connection: try again later');
  }));
});
