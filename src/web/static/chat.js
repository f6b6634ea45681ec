/*
 * The chatbot's page (/chat): the forms work without this script. With
 * it they are posted with fetch; the answer (GET /chat after the
 * redirect) is merged into the page without a reload: new messages are
 * added to the log (role="log" reads them out), the tools of the report
 * flow and the notes are replaced. While a person has the conversation
 * the transcript is fetched every few seconds, so a counsellor's reply
 * appears by itself. "Send my location" fills the form's lat and lon.
 * Texts come from the page (data-*); nothing a person wrote is ever
 * parsed as HTML here (it arrives escaped by the server's template).
 */
(function () {
  'use strict';
  var live = document.getElementById('chat-live');
  var say = document.getElementById('say');
  if (!live || !say || !window.fetch || !window.DOMParser) return;
  var status = document.getElementById('say-status');
  var busy = false, timer = null;

  function pollSeconds() { return parseInt(live.getAttribute('data-poll'), 10) || 5; }

  /* Takes the new page's log, tools and poll state. */
  function merge(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var next = doc.getElementById('chat-live');
    if (!next) return false;
    var log = document.getElementById('chat-log');
    Array.prototype.forEach.call(next.querySelectorAll('#chat-log > li[id]'), function (li) {
      var mine = document.getElementById(li.id);
      var node = document.importNode(li, true);
      if (!mine) log.appendChild(node);
      else if (mine.outerHTML !== li.outerHTML) mine.replaceWith(node);
    });
    var tools = document.getElementById('chat-tools');
    tools.replaceWith(document.importNode(next.querySelector('#chat-tools'), true));
    ['data-waiting', 'data-last'].forEach(function (a) {
      if (next.hasAttribute(a)) live.setAttribute(a, next.getAttribute(a));
      else live.removeAttribute(a);
    });
    /* The location hint follows the stage. */
    var text = document.getElementById('f-say'), hint = doc.getElementById('f-say');
    if (hint && hint.hasAttribute('aria-describedby')) text.setAttribute('aria-describedby', hint.getAttribute('aria-describedby'));
    else text.removeAttribute('aria-describedby');
    enhance();
    schedule();
    return true;
  }

  function send(form, submitter) {
    if (busy) return;
    busy = true;
    var fd = new FormData(form);
    if (submitter && submitter.name) fd.append(submitter.name, submitter.value);
    status.textContent = say.getAttribute('data-sending');
    fetch(form.action, { method: 'POST', body: fd, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) {
        busy = false;
        if (!merge(html)) return Promise.reject(null);
        status.textContent = '';
        if (form === say) {
          say.elements.text.value = '';
          say.elements.lat.value = say.elements.lon.value = '';
          say.elements.text.focus();
        } else if (form.id === 'photo-form' || !document.contains(form)) {
          say.elements.text.focus();
        }
      })
      .catch(function () { busy = false; status.textContent = say.getAttribute('data-failed'); });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!live.contains(form) && form !== say) return;
    e.preventDefault();
    send(form, e.submitter);
  });

  /* Enter sends, Shift+Enter is a new line. */
  say.elements.text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (say.elements.text.value.trim()) send(say, null);
    }
  });

  /* The controls that need this script, after every merge. */
  function enhance() {
    Array.prototype.forEach.call(live.querySelectorAll('.js-only'), function (e) { e.hidden = false; });
    var b = document.getElementById('send-location');
    if (!b) return;
    var out = document.getElementById('locate-status');
    b.addEventListener('click', function () {
      if (!navigator.geolocation) { out.textContent = b.getAttribute('data-fail'); return; }
      out.textContent = b.getAttribute('data-busy');
      navigator.geolocation.getCurrentPosition(function (p) {
        out.textContent = '';
        say.elements.lat.value = p.coords.latitude.toFixed(6);
        say.elements.lon.value = p.coords.longitude.toFixed(6);
        if (!say.elements.text.value.trim()) say.elements.text.value = b.getAttribute('data-text');
        send(say, null);
      }, function () {
        out.textContent = b.getAttribute('data-fail');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  /* While a person has the conversation: look again every few seconds. */
  function schedule() {
    clearTimeout(timer);
    if (!live.hasAttribute('data-waiting')) return;
    timer = setTimeout(function () {
      if (document.hidden || busy) { schedule(); return; }
      fetch('/chat', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
        .then(function (html) { if (!busy) merge(html); else schedule(); })
        .catch(schedule);
    }, pollSeconds() * 1000);
  }

  enhance();
  schedule();
})();
