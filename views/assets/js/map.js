// The search page's map (only when the deployment sets MAP_TILES_URL): one marker per commune with
// matching offers, from /offres/carte.json with the same filters as the list, refreshed whenever the
// list is (search.js dispatches `cordee:results`). The list stays the accessible reference: markers are
// focusable buttons (Tab, Enter opens the commune's count and a link to its offers) and the map pans
// with the arrow keys (Leaflet's keyboard handler).
(function () {
  'use strict';
  var section = document.querySelector('[data-map]');
  var canvas = section && section.querySelector('#carte');
  if (!section || !canvas || !window.L || !window.fetch) return;
  var status = section.querySelector('[data-map-status]');
  var say = function (name, count) {
    return (section.getAttribute('data-' + name) || '').replace('{count}', String(count));
  };

  var map = L.map(canvas, { scrollWheelZoom: false, keyboard: true }).setView([46.6, 2.4], 6);
  L.tileLayer(section.getAttribute('data-tiles'), { attribution: section.getAttribute('data-attribution'), maxZoom: 18 }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var pending = null;

  function label(marker) {
    var count = marker.count;
    var template = count === 1 ? section.getAttribute('data-marker-one') : section.getAttribute('data-marker-other');
    return template.replace('{count}', String(count)).replace('{place}', marker.label);
  }

  function popup(marker) {
    var box = document.createElement('div');
    var text = document.createElement('p');
    text.textContent = label(marker);
    var link = document.createElement('a');
    link.href = marker.url;
    link.textContent = section.getAttribute('data-link');
    box.appendChild(text);
    box.appendChild(link);
    return box;
  }

  function show(data) {
    layer.clearLayers();
    var bounds = [];
    data.markers.forEach(function (marker) {
      var size = marker.count >= 100 ? 'l' : marker.count >= 10 ? 'm' : 's';
      var icon = L.divIcon({ className: 'map-marker map-marker--' + size, html: '<span>' + String(marker.count) + '</span>', iconSize: null });
      var point = L.marker([marker.lat, marker.lon], { icon: icon, keyboard: true, title: label(marker), riseOnHover: true });
      point.bindPopup(popup(marker));
      point.addTo(layer);
      var element = point.getElement();
      if (element) {
        element.setAttribute('role', 'button');
        element.setAttribute('aria-label', label(marker));
        element.setAttribute('data-insee', marker.insee);
        element.setAttribute('data-count', String(marker.count));
      }
      bounds.push([marker.lat, marker.lon]);
    });
    if (bounds.length === 1) map.setView(bounds[0], 11);
    else if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
    section.setAttribute('data-total', String(data.total));
    if (status) status.textContent = data.markers.length === 1 ? say('loaded-one', 1) : say('loaded-other', data.markers.length);
  }

  function load(url) {
    if (pending) pending.abort();
    pending = new AbortController();
    section.setAttribute('aria-busy', 'true');
    fetch(url, { headers: { accept: 'application/json' }, signal: pending.signal, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(show)
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        if (status) status.textContent = section.getAttribute('data-error');
      })
      .finally(function () {
        section.removeAttribute('aria-busy');
      });
  }

  load(section.getAttribute('data-points'));
  // The list changed (filters, text): the same query for the markers.
  document.addEventListener('cordee:results', function (event) {
    var search = new URL(event.detail.url, location.href).search;
    var points = new URLSearchParams(search);
    points.delete('page');
    points.delete('tri');
    var query = points.toString();
    load('/offres/carte.json' + (query ? '?' + query : ''));
  });
})();
