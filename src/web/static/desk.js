/*
 * The desk intake: Ctrl+Enter files from anywhere in the form, and the
 * receipt's print button (shown by app.js, as every .js-only control).
 */
(function () {
  'use strict';
  var form = document.getElementById('desk-form');
  if (form) {
    form.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      form.requestSubmit(document.getElementById('desk-file'));
    });
  }
  var print = document.getElementById('print');
  if (print) {
    print.addEventListener('click', function () { window.print(); });
    print.hidden = false;
    print.focus();
  }
})();
