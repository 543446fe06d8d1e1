// Saved offers (the hearts of cards and offer pages). Without this script: a candidate's heart is a
// form posted with its CSRF token, a visitor's a link to log in first. With it:
// - a candidate's hearts post in the background and switch state in place;
// - a visitor's hearts keep the offers in this browser (localStorage), listed on /offres/sauvegardees,
//   with an invitation to create an account;
// - once a candidate is signed in, the offers kept in the browser are added to the account, then forgotten here.
(function () {
  'use strict';
  var KEY = 'cordee:saved:' + location.host;
  var body = document.body;
  // The wording comes with the script tag (the tenant's strings).
  var script = document.currentScript;
  var text = function (name) { return (script && script.getAttribute('data-' + name)) || ''; };

  function read() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || '[]');
      return Array.isArray(list) ? list.filter(function (o) { return o && typeof o.id === 'string'; }) : [];
    } catch (e) {
      return [];
    }
  }
  function write(list) {
    try {
      if (list.length === 0) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, JSON.stringify(list));
      return true;
    } catch (e) {
      return false;
    }
  }
  function isSaved(id) {
    return read().some(function (o) { return o.id === id; });
  }

  function setState(control, saved) {
    control.classList.toggle('save-toggle--on', saved);
    var label = control.querySelector('.save-toggle__label');
    if (label) label.textContent = saved ? control.getAttribute('data-label-on') : control.getAttribute('data-label-off');
    if (control.hasAttribute('data-save-offer')) control.setAttribute('aria-pressed', saved ? 'true' : 'false');
  }

  // One short invitation per page, after a visitor's first save.
  function invite(near) {
    if (document.querySelector('[data-save-invite]')) return;
    var note = document.createElement('p');
    note.className = 'notice save-invite';
    note.setAttribute('role', 'status');
    note.setAttribute('data-save-invite', '');
    note.textContent = text('invite') + ' ';
    var link = document.createElement('a');
    link.href = '/compte/inscription';
    link.textContent = text('invite-link');
    note.appendChild(link);
    var card = near.closest('.offer-card, .offer__cta') || near;
    card.insertAdjacentElement('afterend', note);
  }

  // Visitors: the links become toggles (role button, pressed state) kept in localStorage.
  function enhanceVisitorControls(root) {
    root.querySelectorAll('a[data-save-offer]').forEach(function (link) {
      if (link.hasAttribute('role')) return;
      link.setAttribute('role', 'button');
      setState(link, isSaved(link.getAttribute('data-save-offer')));
    });
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-save-offer]');
    if (!link) return;
    event.preventDefault();
    var id = link.getAttribute('data-save-offer');
    var list = read().filter(function (o) { return o.id !== id; });
    var saved = !isSaved(id);
    if (saved) {
      list.unshift({ id: id, title: link.getAttribute('data-title'), company: link.getAttribute('data-company'), url: link.getAttribute('data-url'), savedAt: new Date().toISOString() });
    }
    if (!write(list)) return void location.assign(link.href); // storage refused: the account way
    document.querySelectorAll('a[data-save-offer="' + id + '"]').forEach(function (other) { setState(other, saved); });
    if (saved) invite(link);
  });
  // Space bar, as for any button.
  document.addEventListener('keydown', function (event) {
    var link = event.target.closest && event.target.closest('a[data-save-offer]');
    if (link && event.key === ' ') {
      event.preventDefault();
      link.click();
    }
  });

  // Candidates: the form posts in the background; the same form then does the opposite.
  document.addEventListener('submit', function (event) {
    var form = event.target.closest && event.target.closest('form[data-save-form]');
    if (!form || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector('button');
    button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin',
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (result) {
        document.querySelectorAll('form[data-save-form][data-offer="' + form.getAttribute('data-offer') + '"]').forEach(function (other) {
          other.action = result.saved ? other.getAttribute('data-unsave-url') : other.getAttribute('data-save-url');
          setState(other.querySelector('button'), result.saved);
        });
      })
      .catch(function () {
        form.submit(); // let the server answer (log-in again, error page)
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  // The visitor's list page.
  function renderList(container) {
    var list = read();
    container.textContent = '';
    if (list.length === 0) {
      var empty = document.createElement('p');
      empty.textContent = container.getAttribute('data-empty');
      container.appendChild(empty);
      return;
    }
    var ul = document.createElement('ul');
    ul.className = 'saved-offers';
    list.forEach(function (offer) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = /^\/offres\/[0-9a-f-]{36}$/.test(offer.url || '') ? offer.url : '/offres/' + encodeURIComponent(offer.id);
      a.textContent = offer.title || offer.id;
      li.appendChild(a);
      if (offer.company) li.appendChild(document.createTextNode(' · ' + offer.company + ' '));
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button--secondary';
      remove.textContent = container.getAttribute('data-remove');
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ' : ' + (offer.title || '');
      remove.appendChild(hidden);
      remove.addEventListener('click', function () {
        write(read().filter(function (o) { return o.id !== offer.id; }));
        renderList(container);
      });
      li.appendChild(remove);
      ul.appendChild(li);
    });
    container.appendChild(ul);
  }

  // A signed-in candidate: what this browser kept is added to the account, then forgotten here.
  function importToAccount() {
    var token = document.querySelector('meta[name="csrf-token"]');
    var list = read();
    if (!token || list.length === 0 || !window.fetch) return;
    fetch('/compte/candidat/offres/importer', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ _csrf: token.getAttribute('content'), ids: list.map(function (o) { return o.id; }).slice(0, 200) }),
      credentials: 'same-origin',
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (result) {
        write([]);
        var main = document.getElementById('contenu');
        if (!main || result.imported === 0) return;
        var note = document.createElement('p');
        note.className = 'form-notice container';
        note.setAttribute('role', 'status');
        note.setAttribute('data-saved-imported', String(result.imported));
        var wording = result.imported <= 1 ? text('imported-one') : text('imported-other');
        note.textContent = wording.replace('{count}', String(result.imported));
        main.insertBefore(note, main.firstChild);
      })
      .catch(function () {});
  }

  var viewer = body.getAttribute('data-viewer');
  if (!viewer) {
    enhanceVisitorControls(document);
    // Results refreshed by search.js bring new hearts.
    document.addEventListener('cordee:results', function () { enhanceVisitorControls(document); });
  }
  var listContainer = document.querySelector('[data-saved-list]');
  if (listContainer) renderList(listContainer);
  if (viewer === 'candidate') importToAccount();
})();
