// Threads without a reload: new messages are fetched every few seconds and added to the list; the
// page works the same without this script (post, then the page shows the thread again).
(function () {
  'use strict';
  var list = document.getElementById('fil');
  if (list && window.fetch) {
    var url = list.getAttribute('data-poll');
    var poll = function () {
      if (document.hidden) return;
      var last = list.getAttribute('data-last') || '';
      fetch(url + '?apres=' + encodeURIComponent(last), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !data.html) return;
          list.insertAdjacentHTML('beforeend', data.html);
          if (data.last) list.setAttribute('data-last', data.last);
        })
        .catch(function () { /* offline for a moment: the next round tries again */ });
    };
    window.setInterval(poll, 8000);
  }

  // A hint while typing; the server checks the real rule (NIR key, IBAN checksum) when sending.
  var form = document.querySelector('form.composer');
  var field = document.getElementById('champ-body');
  var live = document.getElementById('champ-body-live');
  if (form && field && live) {
    var nir = /[1-478][ .-]?\d{2}[ .-]?\d{2}[ .-]?(\d{2}|2[AB])[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{2}/i;
    var iban = /[A-Z]{2}\d{2}( ?[A-Z0-9]){11,30}/i;
    field.addEventListener('input', function () {
      var text = field.value;
      live.textContent = nir.test(text) || iban.test(text) ? form.getAttribute('data-sensitive-warning') : '';
    });
  }
})();
