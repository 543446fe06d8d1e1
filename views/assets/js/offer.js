// Offer page: "Copier le lien" (the link stays selectable without this script) and the system share
// sheet where the browser has one.
(function () {
  'use strict';
  var button = document.querySelector('[data-copy-link]');
  var input = document.querySelector('[data-share-url]');
  var status = document.querySelector('[data-share-status]');
  if (!button || !input) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var done = function () {
      if (status) status.textContent = button.getAttribute('data-copied') || '';
    };
    if (navigator.share && window.matchMedia('(pointer: coarse)').matches) {
      navigator.share({ url: input.value, title: document.title }).catch(function () {});
      return;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        input.select();
      });
    } else {
      input.select();
    }
  });
})();
