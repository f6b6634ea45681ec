/*
 * minwon pages: small enhancements on top of forms that work without
 * JavaScript. Every text shown here comes from the page (data-*
 * attributes filled from the message catalogues), never from this file.
 */
(function () {
  'use strict';
  var body = document.body;
  var STATIC = body.getAttribute('data-static') || '/static';
  var TILES = body.getAttribute('data-tiles') || '';
  var OUTBOX = 'minwon.outbox';
  var DRAFT = 'minwon.draft';

  function $(id) { return document.getElementById(id); }
  function fill(text, value) { return String(text).replace('{}', value); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key) || 'null');
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { return null; }
  }
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  Array.prototype.forEach.call(document.querySelectorAll('.js-only'), function (e) { e.hidden = false; });

  /* ---- the filing form ---- */
  var form = $('file-form');
  if (form) fileForm(form);

  function fileForm(form) {
    var text = $('f-text'), cat = $('f-category'), lat = $('f-lat'), lon = $('f-lon');
    var addr = $('f-address'), status = $('locate-status');
    var map = null, marker = null;

    /* Draft: the complaint (not the contact data) survives a reload. */
    var draft = store(DRAFT);
    if (draft && !text.value) {
      text.value = draft.text || '';
      if (!addr.value) addr.value = draft.address || '';
      if (!lat.value) lat.value = draft.lat || '';
      if (!lon.value) lon.value = draft.lon || '';
      if (!cat.value && draft.category) cat.value = draft.category;
    }
    form.addEventListener('input', debounce(function () {
      store(DRAFT, { text: text.value, address: addr.value, lat: lat.value, lon: lon.value,
                     category: cat.value });
    }, 400));

    function setPoint(la, lo, fromMap) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      if (map && !fromMap) map.setView([la, lo], 17);
      if (map) {
        if (marker) marker.setLatLng([la, lo]);
        else marker = window.L.marker([la, lo]).addTo(map);
      }
      similar();
    }

    var locate = $('locate');
    locate.addEventListener('click', function () {
      if (!navigator.geolocation) { status.textContent = locate.getAttribute('data-fail'); return; }
      status.textContent = locate.getAttribute('data-busy');
      navigator.geolocation.getCurrentPosition(function (p) {
        status.textContent = '';
        setPoint(p.coords.latitude, p.coords.longitude, false);
      }, function () {
        status.textContent = locate.getAttribute('data-fail');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });

    /* Leaflet is loaded only when the map is asked for. */
    var showMap = $('show-map');
    showMap.addEventListener('click', function () {
      var box = $('map');
      if (map) return;
      loadLeaflet(function (ok) {
        if (!ok) { status.textContent = showMap.getAttribute('data-fail'); return; }
        box.hidden = false;
        var la = parseFloat(lat.value), lo = parseFloat(lon.value);
        var here = isFinite(la) && isFinite(lo) ? [la, lo] : [37.5172, 127.0473];
        map = window.L.map(box).setView(here, isFinite(la) ? 17 : 14);
        if (TILES) {
          window.L.tileLayer(TILES, { maxZoom: 19,
            attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
        }
        if (isFinite(la) && isFinite(lo)) marker = window.L.marker(here).addTo(map);
        map.on('click', function (e) { setPoint(e.latlng.lat, e.latlng.lng, true); });
        status.textContent = showMap.getAttribute('data-pin');
      });
    });
    lat.addEventListener('change', similar);
    lon.addEventListener('change', similar);

    /* Photos: a preview of what will be sent. */
    var photo = $('f-photo'), preview = $('photo-preview');
    photo.addEventListener('change', function () {
      preview.textContent = '';
      var max = parseInt(photo.getAttribute('data-max'), 10) || 3;
      Array.prototype.forEach.call(photo.files, function (f, i) {
        var li = el('li'), img = el('img');
        img.src = URL.createObjectURL(f);
        img.alt = f.name;
        li.appendChild(img);
        preview.appendChild(li);
        if (i === max) preview.appendChild(el('li', photo.getAttribute('data-too-many'), 'field-error'));
        /* The server refuses it too; say so before the upload. */
        if (f.size > 10 * 1024 * 1024) li.appendChild(el('span', photo.getAttribute('data-too-large'), 'field-error'));
      });
    });

    /* The routing model's category while the citizen types. */
    var suggest = $('suggest');
    text.addEventListener('input', debounce(function () {
      var t = text.value.trim();
      if (t.length < 8 || cat.value) { suggest.hidden = true; return; }
      fetch('/api/v1/complaints/classify?text=' + encodeURIComponent(t.slice(0, 600)))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j || !j.suggest || cat.value) { suggest.hidden = true; return; }
          var opt = cat.querySelector('option[value="' + j.category + '"]');
          if (!opt) return;
          suggest.textContent = suggest.getAttribute('data-label') + ' ' + opt.textContent + ' ';
          var b = el('button', suggest.getAttribute('data-apply'), 'secondary');
          b.type = 'button';
          b.addEventListener('click', function () { cat.value = j.category; suggest.hidden = true; cat.focus(); });
          suggest.appendChild(b);
          suggest.hidden = false;
        }).catch(function () {});
      similar();
    }, 700));

    /* Similar open complaints nearby: add to one instead of filing. */
    var sim = $('similar'), lastQuery = '';
    function similar() {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value);
      if (!isFinite(la) || !isFinite(lo)) return;
      var q = 'lat=' + la + '&lon=' + lo + '&text=' + encodeURIComponent(text.value.trim().slice(0, 600));
      if (q === lastQuery) return;
      lastQuery = q;
      fetch('/api/v1/complaints/similar?' + q)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) { showSimilar(j && j.items || []); })
        .catch(function () {});
    }
    function showSimilar(items) {
      sim.textContent = '';
      if (!items.length) { sim.hidden = true; return; }
      sim.appendChild(el('h2', sim.getAttribute('data-title')));
      sim.appendChild(el('p', sim.getAttribute('data-lead')));
      var ul = el('ul');
      items.forEach(function (it) {
        var li = el('li');
        li.appendChild(el('strong', it.title || sim.getAttribute('data-untitled')));
        li.appendChild(el('span', ' · ' + (it.category_name || '') + ' · ' + (it.status_label || '') +
          ' · ' + fill(sim.getAttribute('data-meters'), it.distance_m) + ' '));
        var b = el('button', sim.getAttribute('data-support'), 'secondary');
        b.type = 'button';
        b.addEventListener('click', function () {
          b.disabled = true;
          fetch(it.support_url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                  body: JSON.stringify({ text: text.value.trim().slice(0, 4000) || undefined }) })
            .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
            .then(function (j) {
              var done = el('span', fill(sim.getAttribute('data-supported'), j.supporters), 'ok');
              done.setAttribute('role', 'status');
              b.replaceWith(done);
            })
            .catch(function () { b.disabled = false; b.replaceWith(el('span', sim.getAttribute('data-failed'), 'field-error')); });
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      sim.appendChild(ul);
      sim.hidden = false;
    }
    similar();

    /* Offline: keep the complaint (as the API's JSON) and send it later
     * with the form's idempotency key, so it is filed exactly once. */
    form.addEventListener('submit', function (e) {
      if (navigator.onLine !== false) return;
      e.preventDefault();
      var f = form.elements;
      if (!f.text.value.trim() || !f.consent.checked) { form.reportValidity(); return; }
      var body = { text: f.text.value, channel: 'web',
                   consent: { privacy: true, public_map: f.public_map.checked } };
      if (f.category.value) body.category = f.category.value;
      if (f.address.value.trim()) body.address = f.address.value.trim();
      var la = parseFloat(f.lat.value), lo = parseFloat(f.lon.value);
      if (isFinite(la) && isFinite(lo)) { body.lat = la; body.lon = lo; }
      var contact = {};
      ['name', 'phone', 'email'].forEach(function (k) { if (f[k].value.trim()) contact[k] = f[k].value.trim(); });
      body.contact = contact;
      var box = store(OUTBOX) || [];
      box.push({ key: f.idem.value, body: body });
      store(OUTBOX, box);
      store(DRAFT, null);
      var note = $('offline-note');
      note.hidden = false;
      note.focus && note.setAttribute('tabindex', '-1');
      note.focus();
    });
  }

  function sendOutbox() {
    var box = store(OUTBOX) || [];
    if (!box.length || navigator.onLine === false) return;
    var note = $('outbox-note');
    if (note) { note.hidden = false; note.textContent = note.getAttribute('data-sending'); }
    var item = box[0];
    fetch('/api/v1/complaints', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key },
      body: JSON.stringify(item.body) })
      .then(function (r) {
        if (r.status === 201) return r.json();
        if (r.status >= 400 && r.status < 500) return { dropped: true };
        return Promise.reject(r);
      })
      .then(function (j) {
        var rest = (store(OUTBOX) || []).filter(function (x) { return x.key !== item.key; });
        store(OUTBOX, rest.length ? rest : null);
        if (note) note.textContent = note.getAttribute('data-sent');
        if (j && j.receipt_no && j.token && !rest.length) {
          location.href = '/track#' + j.receipt_no + '.' + j.token;
        } else if (rest.length) {
          sendOutbox();
        }
      })
      .catch(function () {});
  }
  window.addEventListener('online', sendOutbox);
  sendOutbox();

  /* The receipt page: the complaint is filed, the draft is done. */
  if ($('receipt')) store(DRAFT, null);

  /* /track#RECEIPT.TOKEN (the QR code): the fragment never reaches the
   * server; post it as the form would. */
  var tf = $('track-form');
  var m = /^#(\d{4}-\d{6})\.([A-Za-z0-9_-]{22})$/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname);
    var csrf = document.querySelector('input[name=csrf]');
    if (!tf && csrf) {
      /* Another complaint is open: look this one up instead. */
      tf = document.createElement('form');
      tf.method = 'post';
      tf.action = '/track';
      ['csrf', 'receipt', 'token'].forEach(function (n) {
        var i = document.createElement('input');
        i.type = 'hidden';
        i.name = n;
        tf.appendChild(i);
      });
      tf.elements.csrf.value = csrf.value;
      body.appendChild(tf);
    }
    if (tf) {
      tf.elements.receipt.value = m[1];
      tf.elements.token.value = m[2];
      tf.submit();
    }
  }
  /* /track#RECEIPT (a receipt the desk printed again, without the access
   * code): tracking by phone with the number filled in. */
  var rm = /^#(\d{4}-\d{6,})$/.exec(location.hash), pf = $('phone-form');
  if (rm && pf) {
    history.replaceState(null, '', location.pathname);
    pf.elements.receipt.value = rm[1];
    pf.elements.phone.focus();
  }

  /* For the scripts of single pages (map.js, chat.js, easy.js). */
  window.minwon = { loadLeaflet: loadLeaflet, el: el, fill: fill };

  function loadLeaflet(done) {
    if (window.L) { done(true); return; }
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = STATIC + '/vendor/leaflet/leaflet.css';
    document.head.appendChild(css);
    var s = document.createElement('script');
    s.src = STATIC + '/vendor/leaflet/leaflet.js';
    s.onload = function () { done(!!window.L); };
    s.onerror = function () { done(false); };
    document.head.appendChild(s);
  }
})();
