/*
 * The staff console's enhancements (every form works without them):
 * choosing an answer template fills the answer box at once, and the
 * complaint's small map loads Leaflet (app.js: window.minwon) only when
 * it scrolls into view.
 * Texts come from the page's data-* attributes, never from this file.
 */
(function () {
  'use strict';
  var body = document.body;
  var TILES = body.getAttribute('data-tiles') || '';

  function $(id) { return document.getElementById(id); }

  /* Answer templates: "Insert template" fills the box here instead of
   * posting the form; the person edits, then sends. */
  var pick = $('f-template'), load = $('load-template'), answer = $('f-answer-text');
  if (pick && load && answer) {
    load.addEventListener('click', function (e) {
      var opt = pick.options[pick.selectedIndex];
      if (!opt || !opt.value) return;      /* the server says "choose one" */
      e.preventDefault();
      answer.value = opt.getAttribute('data-body') || '';
      answer.focus();
    });
  }

  /* The small map of the complaint's position. */
  var box = $('case-map');
  if (box) {
    box.hidden = false;
    var start = function () {
      window.minwon.loadLeaflet(function (ok) {
        var lat = parseFloat(box.getAttribute('data-lat')), lon = parseFloat(box.getAttribute('data-lon'));
        if (!ok || isNaN(lat) || isNaN(lon)) {
          box.textContent = box.getAttribute('data-failed');
          box.className = 'hint';
          return;
        }
        var map = window.L.map(box, { scrollWheelZoom: false }).setView([lat, lon], 17);
        if (TILES && TILES !== 'none') window.L.tileLayer(TILES, { maxZoom: 19 }).addTo(map);
        window.L.marker([lat, lon], { keyboard: false }).addTo(map);
      });
    };
    if ('IntersectionObserver' in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (en) { return en.isIntersecting; })) { io.disconnect(); start(); }
      }, { rootMargin: '200px' });
      io.observe(box);
    } else {
      start();
    }
  }

})();
