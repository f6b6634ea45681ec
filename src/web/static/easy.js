/*
 * Filing in the easy view (/easy): every screen works without this
 * script. It adds voice input for the screen's text field where the
 * browser can listen (Web Speech API; the button stays hidden otherwise)
 * and "use where I am now" (geolocation into the hidden lat/lon).
 * Texts come from the page (data-*).
 */
(function () {
  'use strict';
  var form = document.getElementById('easy-form');
  if (!form) return;
  function $(id) { return document.getElementById(id); }
  function say(out, text) { if (out) out.textContent = text || ''; }

  var Listen = window.SpeechRecognition || window.webkitSpeechRecognition;
  var voice = $('voice'), field = $('f-text') || $('f-address'), heard = $('voice-status');
  if (Listen && voice && field) {
    voice.parentNode.hidden = false;
    voice.addEventListener('click', function () {
      var rec = new Listen();
      rec.lang = form.getAttribute('data-voice-lang') || 'ko-KR';
      rec.interimResults = false;
      rec.maxAlternatives = 1;
      rec.onresult = function (e) {
        var words = e.results[0][0].transcript.trim();
        field.value = field.value.trim() ? field.value.trim() + ' ' + words : words;
        say(heard, form.getAttribute('data-heard'));
      };
      rec.onerror = function () { say(heard, form.getAttribute('data-voice-failed')); };
      rec.onend = function () { voice.disabled = false; field.focus(); };
      voice.disabled = true;
      say(heard, form.getAttribute('data-listening'));
      try { rec.start(); } catch (e) { rec.onerror(); rec.onend(); }
    });
  }

  var locate = $('easy-locate'), where = $('easy-locate-status');
  if (locate) {
    locate.addEventListener('click', function () {
      if (!navigator.geolocation) { say(where, locate.getAttribute('data-fail')); return; }
      say(where, locate.getAttribute('data-busy'));
      navigator.geolocation.getCurrentPosition(function (p) {
        $('f-lat').value = p.coords.latitude.toFixed(6);
        $('f-lon').value = p.coords.longitude.toFixed(6);
        say(where, locate.getAttribute('data-done'));
      }, function () {
        say(where, locate.getAttribute('data-fail'));
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
})();
