// Progressive enhancement of the search page (/offres): results and facet counts update as you type,
// the place field suggests communes. Without this script the form is a plain GET form.
(function () {
  'use strict';
  var form = document.querySelector('[data-search-form]');
  var results = document.querySelector('[data-search-results]');
  if (!form || !results || !window.fetch || !window.URLSearchParams || !window.DOMParser) return;

  var pending = null;
  var typingTimer = 0;

  // Wide screens show every filter at once; phones keep them folded until asked.
  var more = form.querySelector('[data-filters-more]');
  if (more && window.matchMedia && window.matchMedia('(min-width: 48rem)').matches) more.open = true;

  // The URL of the current form: empty fields, the radius without a place and the default sort left out.
  function currentUrl() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
    });
    if (!params.has('lieu')) params.delete('rayon');
    if (params.get('tri') === 'pertinence') params.delete('tri');
    var query = params.toString();
    return form.getAttribute('action') + (query ? '?' + query : '');
  }

  function refresh() {
    var url = currentUrl();
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute('aria-busy', 'true');
    fetch(url, { headers: { accept: 'text/html' }, signal: pending.signal, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var fresh = page.querySelector('[data-search-results]');
        if (!fresh) throw new Error('no results');
        results.innerHTML = fresh.innerHTML;
        // New counts next to each choice; the user's current choices are kept.
        form.querySelectorAll('select[data-refresh]').forEach(function (select) {
          var updated = page.getElementById(select.id);
          if (updated) select.innerHTML = updated.innerHTML;
        });
        history.replaceState(null, '', url);
        // The map (map.js) and the hearts (saved-offers.js) follow the list.
        document.dispatchEvent(new CustomEvent('cordee:results', { detail: { url: url } }));
      })
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        window.location.assign(url); // let the server render it
      })
      .finally(function () {
        results.removeAttribute('aria-busy');
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    refresh();
  });
  form.addEventListener('change', function (event) {
    if (event.target && event.target.matches('select, [data-place-input], input[type="checkbox"]')) refresh();
  });
  var text = form.querySelector('input[name="q"]');
  if (text) {
    text.addEventListener('input', function () {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(refresh, 300);
    });
  }

  // Place autocompletion from /api/v1/places (communes by name or postal code, accents ignored).
  var place = form.querySelector('[data-place-input]');
  var list = place && document.getElementById(place.getAttribute('list'));
  var placeTimer = 0;
  var placeRequest = null;
  if (place && list) {
    place.addEventListener('input', function () {
      clearTimeout(placeTimer);
      var typed = place.value.trim();
      if (typed.length < 2 || /\(\d{5}\)$/.test(typed)) return;
      placeTimer = setTimeout(function () {
        if (placeRequest) placeRequest.abort();
        placeRequest = new AbortController();
        fetch('/api/v1/places?q=' + encodeURIComponent(typed), { signal: placeRequest.signal, headers: { accept: 'application/json' } })
          .then(function (response) { return response.ok ? response.json() : { places: [] }; })
          .then(function (body) {
            list.innerHTML = '';
            body.places.forEach(function (p) {
              var option = document.createElement('option');
              option.value = p.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
})();
