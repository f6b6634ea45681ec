/*
 * The public map (/map): Leaflet (loaded only on this page, after the
 * list is on the screen) with the markers of the visible box from
 * GET /api/v1/map, and the list redrawn from the same data. The filter
 * form works without this script; with it, the map and list follow the
 * form without a reload. Every text comes from the page (data-*).
 * Titles are written people's words: they go in as text, never as HTML.
 */
(function () {
  'use strict';
  var box = document.getElementById('public-map');
  var form = document.getElementById('map-filter');
  var list = document.getElementById('map-list');
  var count = document.getElementById('map-count');
  var empty = document.getElementById('map-empty');
  if (!box || !form || !window.minwon) return;
  var TILES = document.body.getAttribute('data-tiles') || '';
  var HOME = [37.5172, 127.0473];
  var names = JSON.parse(box.getAttribute('data-status') || '{}');
  var max = parseInt(box.getAttribute('data-max'), 10) || 100;
  var map = null, layer = null, seq = 0;

  var el = window.minwon.el, fill = window.minwon.fill;

  function attr(name) { return box.getAttribute('data-' + name) || ''; }
  function word(listName, i) { return (attr(listName).split(' ')[i]) || ''; }

  /* The server's date pattern ({Y} {M} {D} {W} {MON}) in KST. */
  function dateText(iso) {
    var t = new Date(iso);
    if (isNaN(t)) return '';
    var k = new Date(t.getTime() + 9 * 3600 * 1000);
    return attr('date').replace(/\{(\w+)\}/g, function (m, w) {
      return w === 'Y' ? k.getUTCFullYear() : w === 'M' ? k.getUTCMonth() + 1 : w === 'D' ? k.getUTCDate()
        : w === 'W' ? word('weekdays', k.getUTCDay()) : w === 'MON' ? word('months', k.getUTCMonth()) : '';
    });
  }
  function categoryText(code, fallback) {
    var o = form.elements.category.querySelector('option[value="' + code + '"]');
    return o ? o.textContent : (fallback || '');
  }

  function query() {
    var q = [];
    ['category', 'state'].forEach(function (n) {
      var v = form.elements[n].value;
      if (v) q.push(n + '=' + encodeURIComponent(v));
    });
    return q.join('&');
  }

  function show(features, truncated) {
    layer.clearLayers();
    list.textContent = '';
    features.forEach(function (f, i) {
      var p = f.properties, xy = f.geometry.coordinates;
      var meta = el('span', null, 'meta');
      meta.appendChild(document.createTextNode(categoryText(p.category, p.category_name) + ' · '));
      meta.appendChild(el('span', names[p.status] || p.status_label, 'badge status-' + p.status));
      meta.appendChild(document.createTextNode(' · ' + dateText(p.received_at) +
        (p.supporters ? ' · ' + fill(attr('supporters'), p.supporters) : '')));
      if (i < max) {
        var li = el('li');
        li.appendChild(el('strong', p.title));
        li.appendChild(meta);
        list.appendChild(li);
      }
      var pop = el('div');
      pop.appendChild(el('strong', p.title));
      pop.appendChild(el('br'));
      pop.appendChild(meta.cloneNode(true));
      window.L.marker([xy[1], xy[0]], { alt: p.title, title: p.title }).bindPopup(pop).addTo(layer);
    });
    count.textContent = fill(attr('count'), features.length) +
      (truncated || features.length > max ? ' ' + attr('more') : '');
    empty.hidden = features.length > 0;
  }

  function load() {
    var mine = ++seq;
    var q = query();
    fetch('/api/v1/map?bbox=' + map.getBounds().toBBoxString() + (q ? '&' + q : ''))
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (j) { if (mine === seq) show(j.features || [], j.truncated); })
      .catch(function () {});
  }

  form.addEventListener('submit', function (e) {
    if (!map) return;
    e.preventDefault();
    var q = query();
    history.replaceState(null, '', '/map' + (q ? '?' + q : ''));
    load();
  });

  window.minwon.loadLeaflet(function (ok) {
    if (!ok) { count.textContent += ' ' + attr('failed'); return; }
    box.hidden = false;
    map = window.L.map(box);
    if (TILES) {
      window.L.tileLayer(TILES, { maxZoom: 19, attribution: attr('attribution') }).addTo(map);
    }
    layer = window.L.layerGroup().addTo(map);
    /* Start where the listed complaints are. */
    var pts = Array.prototype.map.call(list.querySelectorAll('li[data-lat]'), function (li) {
      return [parseFloat(li.getAttribute('data-lat')), parseFloat(li.getAttribute('data-lon'))];
    }).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
    map.on('moveend', load);
    if (pts.length) map.fitBounds(pts, { maxZoom: 16, padding: [24, 24] });
    else map.setView(HOME, 14);
  });
})();
