/*
 * The field app (/field): camera, GPS, a category, one tap to send.
 *
 * Every report goes to an outbox in IndexedDB first (the JSON body as
 * exact bytes, the photo as a Blob, an idempotency key), then is sent:
 * POST /api/v1/complaints with Idempotency-Key, then the photo to
 * /api/v1/complaints/{receipt}/attachments with the token the filing
 * returned. A report is removed from the outbox only once both went, so
 * nothing is lost offline; the key makes a resend file nothing new, and
 * a photo whose upload may have gone is first looked for. One sender at
 * a time (Web Locks), whether the page or the service worker
 * (field-sw.js imports this file for its background sync).
 *
 * Every text shown comes from the page (data-* attributes of
 * #field-app, filled from the message catalogues).
 */
(function (self) {
  'use strict';
  var DB = 'minwon-field', STORE = 'outbox', LOCK = 'minwon-field-outbox';

  /* ---- the outbox (page and service worker) ---- */

  function open() {
    return new Promise(function (resolve, reject) {
      var req = self.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: 'key' }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  /* One transaction; resolves with the result of fn's request. */
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(req.result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  var outbox = {
    all: function () {
      return tx('readonly', function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.at - b.at; });
      });
    },
    put: function (item) { return tx('readwrite', function (s) { return s.put(item); }); },
    remove: function (key) { return tx('readwrite', function (s) { return s.delete(key); }); }
  };

  /* Why sending stopped: 'offline' (try again later) or 'signin'. */
  function stop(why) { var e = new Error(why); e.stop = why; return e; }

  function request(url, opts) {
    opts.credentials = 'same-origin';
    opts.cache = 'no-store';
    return self.fetch(url, opts).catch(function () { throw stop('offline'); });
  }

  /* The session's CSRF token, asked for at every round: the page may
   * be an old copy, or the worker may have signed in again meanwhile. */
  function csrf() {
    return request('/api/v1/session', { method: 'GET' }).then(function (r) {
      if (r.status === 401) throw stop('signin');
      if (!r.ok) throw stop('offline');
      return r.json();
    }).then(function (j) { return j.csrf; });
  }

  /* A refusal: sign in again, try later, or this report cannot go. */
  function refused(r, item) {
    if (r.status === 401) throw stop('signin');
    if (r.status === 429 || r.status >= 500) throw stop('offline');
    return r.json().catch(function () { return {}; }).then(function (j) {
      if (r.status === 403 && j.error && j.error.code === 'csrf') throw stop('offline');
      item.failed = r.status;
      return outbox.put(item);
    });
  }

  function file(item, token) {
    if (item.receipt) return Promise.resolve();
    return request('/api/v1/complaints', {
      method: 'POST', body: item.body,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key, 'X-CSRF-Token': token }
    }).then(function (r) {
      if (r.status !== 201) return refused(r, item);
      return r.json().then(function (j) {
        item.receipt = j.receipt_no;
        item.token = j.token;
        return outbox.put(item);
      });
    });
  }

  /* After an upload that may have gone through unconfirmed, the
   * complaint is asked whether it has a photo already. */
  function photoThere(item) {
    if (!item.photoTried) return Promise.resolve(false);
    return request('/api/v1/complaints/' + item.receipt, {
      method: 'GET', headers: { 'X-Complaint-Token': item.token }
    }).then(function (r) {
      if (!r.ok) throw stop('offline');
      return r.json();
    }).then(function (j) { return (j.attachments || []).length > 0; });
  }

  function upload(item, token) {
    if (!item.photo) return Promise.resolve();
    return photoThere(item).then(function (there) {
      if (there) return;
      item.photoTried = true;
      return outbox.put(item).then(function () {
        return request('/api/v1/complaints/' + item.receipt + '/attachments', {
          method: 'POST', body: item.photo,
          headers: { 'Content-Type': item.photo.type || 'application/octet-stream',
                     'X-Complaint-Token': item.token, 'X-CSRF-Token': token }
        });
      }).then(function (r) {
        if (r.status === 401) throw stop('signin');
        if (r.status === 429 || r.status >= 500) throw stop('offline');
        /* Any other refusal (type, size, a closed complaint) is final;
         * the report itself was filed. */
      });
    });
  }

  function sendOne(item, token) {
    return file(item, token).then(function () {
      if (item.failed) return false;
      return upload(item, token).then(function () {
        return outbox.remove(item.key).then(function () { return true; });
      });
    });
  }

  function sendAll() {
    var result = { sent: 0, stopped: '' };
    return outbox.all().then(function (items) {
      var todo = items.filter(function (it) { return !it.failed; });
      if (!todo.length) return;
      return csrf().then(function (token) {
        return todo.reduce(function (p, item) {
          return p.then(function () {
            return sendOne(item, token).then(function (ok) { if (ok) result.sent++; });
          });
        }, Promise.resolve());
      });
    }).then(function () { return result; }, function (e) {
      result.stopped = e && e.stop ? e.stop : 'offline';
      return result;
    });
  }

  /* Sends what the outbox holds; resolves with {sent, stopped}. */
  function flush() {
    if (self.navigator.locks) return self.navigator.locks.request(LOCK, sendAll);
    return sendAll();
  }

  self.minwonField = { flush: flush, outbox: outbox };
  if (!self.document) return;

  /* ---- the page ---- */

  var app = document.getElementById('field-app');
  if (!app) return;
  app.classList.add('has-js');
  function $(id) { return document.getElementById(id); }
  function text(name, value) {
    var t = app.getAttribute('data-' + name) || '';
    return value === undefined ? t : t.replace('{}', value);
  }
  function el(tag, content, cls) {
    var e = document.createElement(tag);
    if (content != null) e.textContent = content;
    if (cls) e.className = cls;
    return e;
  }
  function newKey() {
    var a = new Uint8Array(16);
    self.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  var form = $('field-form'), photo = $('f-photo'), preview = $('photo-preview');
  var status = $('field-status'), gps = $('gps-status');
  /* A fresh key per report: this page may be an old copy from the cache. */
  form.elements.idem.value = newKey();

  function say(message, kind, link) {
    status.textContent = message;
    status.className = 'alert ' + (kind || 'info');
    if (link) {
      status.appendChild(document.createTextNode(' '));
      var a = el('a', link.text);
      a.href = link.href;
      status.appendChild(a);
    }
    status.hidden = !message;
  }

  /* The position, kept fresh while the page is open. */
  if (self.navigator.geolocation) {
    gps.textContent = text('gps-busy');
    self.navigator.geolocation.watchPosition(function (p) {
      form.elements.lat.value = p.coords.latitude.toFixed(6);
      form.elements.lon.value = p.coords.longitude.toFixed(6);
      gps.textContent = text('gps-ok', Math.round(p.coords.accuracy));
    }, function () {
      if (!form.elements.lat.value) gps.textContent = text('gps-fail');
    }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 30000 });
  }

  var previewUrl = null;
  photo.addEventListener('change', function () {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = photo.files[0] ? URL.createObjectURL(photo.files[0]) : null;
    preview.hidden = !previewUrl;
    if (previewUrl) preview.src = previewUrl;
    $('send').focus();
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = form.elements, cat = form.querySelector('input[name=category]:checked');
    var body = { text: f.memo.value.trim() || (cat ? cat.getAttribute('data-text') : '') };
    if (cat && cat.value) body.category = cat.value;
    body.channel = 'field';
    var lat = parseFloat(f.lat.value), lon = parseFloat(f.lon.value);
    if (isFinite(lat) && isFinite(lon)) { body.lat = lat; body.lon = lon; }
    if (f.address.value.trim()) body.address = f.address.value.trim();
    body.consent = { privacy: true };
    var item = { key: f.idem.value, body: JSON.stringify(body), photo: photo.files[0] || null,
                 label: cat ? cat.labels[0].textContent : '', at: Date.now() };
    f.idem.value = newKey();
    outbox.put(item).then(function () {
      photo.value = '';
      preview.hidden = true;
      f.memo.value = '';
      f.address.value = '';
      say(text('queued'));
      return send();
    }).then(function () {
      if (self.navigator.serviceWorker && self.navigator.onLine === false) {
        return self.navigator.serviceWorker.ready.then(function (reg) {
          if (reg.sync) return reg.sync.register('field-outbox');
        });
      }
    }).catch(function () {});
  });

  function showPending() {
    return outbox.all().then(function (items) {
      var list = $('pending-list');
      list.textContent = '';
      items.forEach(function (item) {
        var li = el('li');
        if (item.photo) {
          var img = el('img');
          img.src = URL.createObjectURL(item.photo);
          img.alt = text('photo');
          li.appendChild(img);
        }
        li.appendChild(el('strong', item.label));
        li.appendChild(el('span', item.failed ? text('failed') : text('waiting'), item.failed ? 'field-error' : 'hint'));
        if (item.failed) {
          var b = el('button', text('delete'), 'secondary');
          b.type = 'button';
          b.addEventListener('click', function () { outbox.remove(item.key).then(showPending); });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
      $('pending').hidden = !items.length;
      return items;
    });
  }

  /* The list of today, as the server renders it. */
  function refreshToday() {
    return self.fetch('/field', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      return r.ok && !r.redirected ? r.text() : null;
    }).then(function (html) {
      var fresh = html && new DOMParser().parseFromString(html, 'text/html').getElementById('today');
      if (fresh) $('today').replaceWith(document.importNode(fresh, true));
    }).catch(function () {});
  }

  function send() {
    if (self.navigator.onLine === false) {
      return showPending().then(function (items) { if (items.length) say(text('offline')); });
    }
    return showPending().then(function (items) {
      if (!items.length) return;
      say(text('sending'));
      return flush().then(function (res) {
        if (res.stopped === 'signin') say(text('signin'), 'error', { text: text('signin-link'), href: '/field/login' });
        else if (res.stopped) say(text('offline'));
        else if (res.sent) say(text('sent', res.sent), 'ok');
        else say('');
        return showPending().then(function () { if (res.sent) return refreshToday(); });
      });
    });
  }

  /* Sign out only with an empty outbox, and leave no copy of the page. */
  $('logout-form').addEventListener('submit', function (e) {
    var logout = e.target;
    e.preventDefault();
    outbox.all().then(function (items) {
      if (items.length) { say(text('logout-blocked'), 'error'); return; }
      var clear = self.caches ? self.caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf('minwon-field-') === 0; })
          .map(function (k) { return self.caches.delete(k); }));
      }) : Promise.resolve();
      return clear.catch(function () {}).then(function () { logout.submit(); });
    });
  });

  self.addEventListener('online', send);
  setInterval(function () { if (!$('pending').hidden) send(); }, 60000);
  send();
  if (self.navigator.serviceWorker) {
    self.navigator.serviceWorker.register(app.getAttribute('data-sw'), { scope: '/field' }).catch(function () {});
  }
})(self);
