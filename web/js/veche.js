// veche.js: enhances the server-rendered pages.  Every page works without
// it; with it the map shows clustered markers and a list that follows the
// view, the report form picks places on a map, uploads photos and offers
// similar reports, and votes and comments happen in place.  User text is
// only ever put into the page with textContent.
'use strict';

(function () {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'ru';
  const T = window.VECHE_I18N[lang];
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : '';
  const MAX_LIST = 100;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  async function api(url, opts = {}) {
    const headers = { Accept: 'application/json' };
    if (opts.method === 'POST') headers['X-CSRF-Token'] = csrf;
    const r = await fetch(url, { credentials: 'same-origin', ...opts, headers });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const msg = Array.isArray(body) && body[0] ? body[0].description : r.statusText;
      throw new Error(msg);
    }
    return body;
  }

  // The city's areas (GET /map/areas.geojson) as the map's base layer when
  // there are no tiles (--tiles none) or they cannot be had (no internet).
  const MAX_ZOOM = 19;
  const CELL_PX = 64;     // the server's cluster cells (VECHE_MAP_CELL_PX)
  function areasBase(map, node) {
    if (node.dataset.base) return;
    node.dataset.base = 'loading';
    api('/map/areas.geojson').then((fc) => {
      const layer = L.geoJSON(fc, { interactive: false,
        style: { color: '#4a5568', weight: 1.5, fillColor: '#cbd5e0', fillOpacity: 0.35 } });
      layer.addTo(map);
      layer.bringToBack();
      node.dataset.areas = String(fc.features.length);
      node.dataset.base = 'areas';
    }).catch(() => { node.dataset.base = 'none'; });
  }

  function tileBase(map, node, opts = {}) {
    const tiles = node.dataset.tiles;
    if (tiles && tiles !== 'none') {
      const layer = L.tileLayer(tiles, { maxZoom: MAX_ZOOM, attribution: T.attribution }).addTo(map);
      if (opts.areas !== false) layer.once('tileerror', () => areasBase(map, node));
    } else if (opts.areas !== false) {
      areasBase(map, node);
    }
  }

  function baseMap(node, opts = {}) {
    if (!window.L || !node) return null;
    // maxZoom with or without tiles: clustering needs it.
    const map = L.map(node, { maxZoom: MAX_ZOOM, scrollWheelZoom: opts.scrollWheelZoom !== false });
    tileBase(map, node, opts);
    const b = (node.dataset.bounds || '').split(',').map(Number);
    if (b.length === 4 && b.every(Number.isFinite) && (b[0] || b[2])) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    } else {
      map.setView([55.75, 37.62], 11);
    }
    return map;
  }

  function pinIcon(status, extra) {
    return L.divIcon({ className: `pin status-${status}${extra || ''}`,
      iconSize: [18, 18], iconAnchor: [9, 9] });
  }

  function dateText(iso) {
    if (!iso) return '';
    const d = iso.slice(0, 10);
    return lang === 'en' ? d : d.split('-').reverse().join('.');
  }

  // One list item, the same markup as the server's (web_pages.c on_item).
  function reportItem(r) {
    const x = r.extended_attributes || {};
    // unify (issue 12): a closed report its reporter says is not fixed
    // (report_closed_unfixed), as the server's lists show it.
    const st = x.status === 'closed' && x.fixed === false ? 'unfixed'
      : x.status || r.status;
    const time = el('time', { datetime: (r.requested_datetime || '').slice(0, 16),
      text: dateText(r.requested_datetime) });
    const a = el('a', { href: `/reports/${r.service_request_id}` },
      el('span', { class: `badge status-${st}`, text: T.status[st] || st }), ' ',
      el('strong', { text: r.service_name || r.service_code }), ' ',
      el('span', { class: 'addr', text: r.address || T.noAddress }), ' ', time);
    return el('li', { class: 'report-item', 'data-id': String(r.service_request_id) }, a);
  }

  // ---- The map page ------------------------------------------------------
  // The view's reports come from GET /map/clusters.json (docs/web.md): the
  // server counts every report in the box and answers clusters of a grid
  // per zoom when there are many, each report when few, and the reports
  // for the list (all of them, or the newest).  Asked again after each
  // move, a moment after the map stops.
  function mapPage() {
    const node = document.getElementById('map');
    const map = baseMap(node);
    if (!map) return;
    const list = document.getElementById('report-list');
    const count = document.getElementById('list-count');
    const form = document.getElementById('filters');
    const markers = L.markerClusterGroup({ showCoverageOnHover: false });
    const circles = L.layerGroup();
    map.addLayer(markers);
    map.addLayer(circles);
    let asked = 0;
    let timer = null;

    function renderList(doc) {
      const items = doc.reports.map((r) => reportItem({ service_request_id: r.id,
        status: r.status, service_name: r.service_name, service_code: r.service_code,
        address: r.address, requested_datetime: r.requested_datetime,
        extended_attributes: { status: r.status, fixed: r.fixed } }));
      list.replaceChildren(...items.slice(0, MAX_LIST));
      const rest = doc.total - Math.min(items.length, MAX_LIST);
      if (rest > 0) list.append(el('li', { class: 'more', text: T.more(rest) }));
      const empty = document.getElementById('list-empty');
      if (empty) empty.hidden = doc.total > 0;
      count.textContent = doc.total ? T.inView(doc.total) : T.empty;
    }

    function pin(r) {
      const title = `${T.pin} ${r.id}: ${r.service_name || ''}, ${r.address || ''}`;
      const m = L.marker([r.lat, r.long], { icon: pinIcon(r.status), title, alt: title });
      m.bindPopup(() => el('div', {},
        el('strong', { text: r.service_name || r.service_code }),
        el('br'), document.createTextNode(r.address || T.noAddress), el('br'),
        el('a', { href: `/reports/${r.id}`, text: T.open })));
      return m;
    }

    function circle(c) {
      const size = c.count < 10 ? 'small' : c.count < 100 ? 'medium' : 'large';
      const icon = L.divIcon({ className: `marker-cluster marker-cluster-${size} server-cluster`,
        html: el('div', {}, el('span', { text: String(c.count) })), iconSize: [40, 40] });
      const m = L.marker([c.lat, c.long], { icon, title: T.cluster(c.count), alt: T.cluster(c.count) });
      m.on('click', () => map.setView([c.lat, c.long], Math.min(map.getZoom() + 2, MAX_ZOOM)));
      return m;
    }

    function filters() {
      const f = new FormData(form);
      const p = new URLSearchParams();
      for (const k of ['service_code', 'status', 'agency', 'days']) {
        if (f.get(k)) p.set(k, f.get(k));
      }
      return p;
    }

    // The view snapped outward to the grid of 64 px cells the server
    // counts into at this zoom (docs/api.md), as tile servers do: every
    // cell asked for is whole, so the server adds up cells and reads no
    // report at the box's edge (issue 11).  A report in a cell partly in
    // view is counted in that cell.  Each edge lies half a unit (2^-32 of
    // the world) inside its grid line, written in full precision, so the
    // server finds the line in it whatever the rounding of degrees.
    function snappedBox(zoom) {
      const pb = map.getPixelBounds();
      const cells = (256 / CELL_PX) * 2 ** zoom;      // a world side
      const cell = (v, round) => Math.max(0, Math.min(cells, round(v / CELL_PX)));
      const x0 = Math.min(cell(pb.min.x, Math.floor), cells - 1);
      const y0 = Math.min(cell(pb.min.y, Math.floor), cells - 1);
      const x1 = Math.max(cell(pb.max.x, Math.ceil), x0 + 1);
      const y1 = Math.max(cell(pb.max.y, Math.ceil), y0 + 1);
      const half = 2 ** -33;
      const lon = (c, d) => (c / cells + d) * 360 - 180;
      const lat = (c, d) => Math.atan(Math.sinh(Math.PI * (1 - 2 * (c / cells + d)))) * 180 / Math.PI;
      return [lon(x0, half), lat(y1, -half), lon(x1, -half), lat(y0, half)];
    }

    async function load() {
      const zoom = Math.round(map.getZoom());
      const p = filters();
      p.set('bbox', snappedBox(zoom).map(String).join(','));
      p.set('zoom', String(zoom));
      const mine = ++asked;
      node.setAttribute('aria-busy', 'true');
      let doc;
      try {
        doc = await api(`/map/clusters.json?${p}`);
      } catch (e) {
        doc = null;
        if (mine === asked) count.textContent = T.failed + e.message;
      }
      if (mine !== asked) return;     // a later view was asked for
      markers.clearLayers();
      circles.clearLayers();
      if (doc) {
        if (doc.all) markers.addLayers(doc.reports.map(pin));
        else doc.clusters.forEach((c) => circles.addLayer(circle(c)));
        renderList(doc);
      }
      node.dataset.markers = String(doc ? doc.total : 0);
      // What the list now shows, for tests and assistive tools to await.
      node.dataset.listedZoom = String(zoom);
      node.removeAttribute('aria-busy');
      node.dataset.ready = '1';
    }

    map.on('moveend', () => {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams(new FormData(form));
      history.replaceState(null, '', `/?${p}`);
      followFilters(form, filters());
      load();
    });
    form.addEventListener('change', () => form.requestSubmit());
    load();
  }

  // ---- Choosing a place on a map ----------------------------------------
  // The map in mapNode sets the lat and lon fields where it is clicked and
  // shows the chosen place; typed coordinates move the pin.  Returns
  // place(la, lo, move) for other ways of choosing (search, location).
  function placePicker(mapNode, lat, lon) {
    const map = baseMap(mapNode);
    let pin = null;

    function place(la, lo, move) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      if (!map) return;
      if (!pin) pin = L.marker([la, lo], { icon: pinIcon('submitted', ' chosen'), title: T.chosen }).addTo(map);
      else pin.setLatLng([la, lo]);
      if (move) map.setView([la, lo], Math.max(map.getZoom(), 16));
    }
    if (map) map.on('click', (ev) => place(ev.latlng.lat, ev.latlng.lng, false));
    for (const input of [lat, lon]) {
      input.addEventListener('change', () => {
        const la = Number(lat.value), lo = Number(lon.value);
        if (lat.value && lon.value && Number.isFinite(la) && Number.isFinite(lo)) place(la, lo, true);
      });
    }
    return place;
  }

  // The incident form of a post's page (web_incident.c): the place on a
  // map, the text's point shown when there is one.
  function listenPostPage() {
    const node = document.getElementById('i-pick-map');
    const lat = document.getElementById('i-lat');
    const lon = document.getElementById('i-lon');
    if (!node || !lat || !lon) return;
    const place = placePicker(node, lat, lon);
    const la = Number(lat.value), lo = Number(lon.value);
    if (lat.value && lon.value && Number.isFinite(la) && Number.isFinite(lo)) place(la, lo, true);
  }

  // ---- The report form ---------------------------------------------------
  function newPage() {
    const form = document.getElementById('report-form');
    const lat = document.getElementById('lat');
    const lon = document.getElementById('long');
    const address = document.getElementById('address');
    const place = placePicker(document.getElementById('pick-map'), lat, lon);
    // "Use my location": the device's position as the place.
    if (navigator.geolocation) {
      const where = el('button', { type: 'button', id: 'locate', class: 'secondary', text: T.locate });
      const said = el('span', { id: 'locate-status', class: 'hint', role: 'status' });
      where.addEventListener('click', () => {
        said.textContent = T.locating;
        navigator.geolocation.getCurrentPosition((pos) => {
          place(pos.coords.latitude, pos.coords.longitude, true);
          said.textContent = T.located;
        }, (err) => {
          said.textContent = T.locateFailed + (err.message || err.code);
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
      document.getElementById('pick-hint').after(el('div', { class: 'place-tools' }, where, said));
    }

    // Address search: the city's address registry first, then the
    // addresses of earlier reports.
    const searchBox = document.getElementById('addr-search-box');
    const search = document.getElementById('addr-search');
    const results = document.getElementById('addr-results');
    searchBox.hidden = false;
    async function doSearch() {
      const q = search.value.trim();
      if (!q) return;
      let found = [];
      try {
        found = await api(`/api/v1/addresses?q=${encodeURIComponent(q)}`);
      } catch (e) { found = []; }
      try {
        found = found.concat(await api(`/open311/v2/requests.json?q=${encodeURIComponent(q)}&page_size=20`));
      } catch (e) { /* the registry's answers stand */ }
      const seen = new Set();
      const items = [];
      for (const r of found) {
        if (!r.address || r.lat == null || seen.has(r.address)) continue;
        seen.add(r.address);
        const b = el('button', { type: 'button', class: 'secondary', text: r.address });
        b.addEventListener('click', () => {
          address.value = r.address;
          place(r.lat, r.long, true);
          results.replaceChildren();
          address.focus();
        });
        items.push(el('li', {}, b));
      }
      results.replaceChildren(...(items.length ? items.slice(0, 6) : [el('li', { text: T.searchEmpty })]));
    }
    document.getElementById('addr-search-go').addEventListener('click', doSearch);
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') { ev.preventDefault(); doSearch(); }
    });

    // Services: search, and only the chosen service's details.
    const sbox = document.getElementById('service-search-box');
    const ssearch = document.getElementById('service-search');
    sbox.hidden = false;
    ssearch.addEventListener('input', () => {
      const q = ssearch.value.trim().toLowerCase();
      for (const s of document.querySelectorAll('.service')) {
        s.hidden = q !== '' && !s.dataset.search.toLowerCase().includes(q);
      }
      for (const g of document.querySelectorAll('.service-group')) {
        g.hidden = !g.querySelector('.service:not([hidden])');
      }
    });
    function showAttrs() {
      const chosen = form.querySelector('input[name="service_code"]:checked');
      for (const fs of document.querySelectorAll('fieldset.attrs')) {
        const on = chosen && fs.dataset.service === chosen.value;
        fs.hidden = !on;
        fs.disabled = !on;
        for (const r of fs.querySelectorAll('[data-required]')) r.required = on;
      }
    }
    form.addEventListener('change', (ev) => {
      if (ev.target.name === 'service_code') showAttrs();
    });
    showAttrs();

    // Photos are uploaded as soon as they are chosen.
    const photos = document.getElementById('photos');
    const previews = document.getElementById('photo-previews');
    const media = document.getElementById('media-inputs');
    const errorBox = document.getElementById('form-error');
    // On a phone, the camera too (the file choice above stays).
    if (window.matchMedia && matchMedia('(pointer: coarse)').matches) {
      const camera = el('input', { type: 'file', id: 'camera', accept: 'image/*',
        capture: 'environment', 'aria-describedby': 'photos-hint' });
      photos.closest('.field').before(el('div', { class: 'field camera-box' },
        el('label', { for: 'camera', text: T.camera }), camera));
      camera.addEventListener('change', () => upload(camera));
    }
    photos.addEventListener('change', () => upload(photos));
    async function upload(input) {
      const files = [...input.files];
      input.value = '';
      for (const file of files) {
        const li = el('li', { text: T.uploading });
        previews.append(li);
        const fd = new FormData();
        fd.append('photo', file);
        try {
          const p = await api('/api/v1/photos', { method: 'POST', body: fd });
          const input = el('input', { type: 'hidden', name: 'media_url', value: p.url });
          media.append(input);
          const rm = el('button', { type: 'button', class: 'secondary', text: T.removePhoto });
          rm.addEventListener('click', () => { input.remove(); li.remove(); photos.focus(); });
          li.replaceChildren(el('img', { src: p.thumb_url, alt: `${T.photo} ${previews.children.length}` }), rm);
        } catch (e) {
          li.textContent = T.uploadFailed + e.message;
          li.className = 'error';
        }
      }
    }

    // Before sending: similar open reports nearby.
    const nearby = document.getElementById('nearby');
    const nearbyList = document.getElementById('nearby-list');
    let checked = false;
    form.addEventListener('submit', async (ev) => {
      if (checked) return;
      ev.preventDefault();
      errorBox.hidden = true;
      if (!lat.value || !lon.value) {
        errorBox.textContent = T.needPlace;
        errorBox.hidden = false;
        lat.focus();
        return;
      }
      const svc = form.querySelector('input[name="service_code"]:checked');
      let found = [];
      try {
        const p = new URLSearchParams({ lat: lat.value, long: lon.value, locale: lang });
        if (svc) p.set('service_code', svc.value);
        found = await api(`/api/v1/reports/nearby?${p}`);
      } catch (e) { found = []; }
      checked = true;
      if (!found.length) { form.requestSubmit(); return; }
      nearbyList.replaceChildren(...found.map((r) => {
        const b = el('button', { type: 'button', text: T.support });
        b.addEventListener('click', async () => {
          try {
            await api(`/api/v1/reports/${r.id}/votes`, { method: 'POST' });
          } catch (e) { /* already voted or limited: the page tells */ }
          location.href = r.url;
        });
        return el('li', {},
          el('a', { href: r.url, text: `${r.service_name || r.service_code}: ${r.address || T.noAddress}` }),
          ` (${r.votes} ${T.votes}) `, b);
      }));
      const mine = el('button', { type: 'button', class: 'secondary', text: T.sendMine });
      mine.addEventListener('click', () => form.requestSubmit());
      nearbyList.append(el('li', {}, mine));
      nearby.hidden = false;
      document.getElementById('nearby-title').focus();
    });
  }

  // ---- A report's page ---------------------------------------------------
  function reportPage() {
    const mini = document.getElementById('report-map');
    if (mini && window.L) {
      const map = L.map(mini, { maxZoom: MAX_ZOOM, scrollWheelZoom: false });
      tileBase(map, mini);
      const ll = [Number(mini.dataset.lat), Number(mini.dataset.lon)];
      map.setView(ll, 16);
      L.marker(ll, { icon: pinIcon(mini.dataset.status), title: T.pin, keyboard: false }).addTo(map);
    }
    const id = document.getElementById('report').dataset.id;
    const vote = document.getElementById('vote-form');
    if (vote) {
      vote.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          const r = await api(`/api/v1/reports/${id}/votes`, { method: 'POST' });
          document.getElementById('vote-count').textContent = String(r.votes);
          vote.hidden = true;
          const state = document.getElementById('vote-state');
          state.hidden = false;
          state.setAttribute('role', 'status');
        } catch (e) {
          vote.append(el('p', { class: 'error', role: 'alert', text: T.failed + e.message }));
        }
      });
    }
    const cform = document.getElementById('comment-form');
    cform.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const fd = new FormData(cform);
      try {
        const c = await api(`/api/v1/reports/${id}/comments`, { method: 'POST', body: fd });
        document.getElementById('comment-list').append(el('li', { id: `comment-${c.id}` },
          el('p', { class: 'meta' }, el('strong', { text: c.author || T.anonymous }), ' ',
            el('time', { datetime: c.created.slice(0, 16), text: dateText(c.created) })),
          el('p', { class: 'body', text: c.body }),
          // reopen (issue 12): a comment's photo
          c.photo_url ? el('p', { class: 'comment-photo' }, el('a', { href: c.photo_url },
            el('img', { src: c.photo_url.replace(/\.jpg$/, '-thumb.jpg'), alt: T.photo }))) : null));
        cform.reset();
      } catch (e) {
        cform.append(el('p', { class: 'error', role: 'alert', text: T.failed + e.message }));
      }
    });
    const copy = document.getElementById('copy-link');
    if (navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener('click', async () => {
        const url = document.getElementById('share-url').value;
        try { await navigator.clipboard.writeText(url); copy.textContent = T.copied; } catch (e) { /* no permission */ }
      });
    }
  }

  // ---- Staff: a report on the desk ----------------------------------------
  // Picking an answer template fills the answer (without scripts the
  // server takes the template's text when the answer is left empty).
  function deskReportPage() {
    const pickTpl = document.getElementById('answer-template');
    const text = document.getElementById('answer-text');
    if (!pickTpl || !text) return;
    pickTpl.addEventListener('change', () => {
      const opt = pickTpl.selectedOptions[0];
      if (opt && opt.dataset.text) text.value = opt.dataset.text;
    });
  }

  // ---- Staff: agencies' areas on a map -----------------------------------
  function agenciesPage() {
    const node = document.getElementById('agency-map');
    if (!node || !window.L) return;
    const map = baseMap(node, { areas: false });
    const colours = ['#1d4ed8', '#9a3412', '#166534', '#6b21a8', '#991b1b', '#0f766e'];
    const group = L.featureGroup().addTo(map);
    let drawn = 0;
    document.querySelectorAll('tr.area[data-area]').forEach((row, i) => {
      try {
        const layer = L.geoJSON(JSON.parse(row.dataset.area), {
          style: { color: colours[i % colours.length], weight: 2, fillOpacity: 0.15 },
        });
        layer.bindTooltip(`${row.dataset.name} (${row.dataset.agency})`);
        layer.addTo(group);
        drawn += 1;
      } catch (e) { /* a stored area is checked by GEOS: skip what JS cannot read */ }
    });
    if (drawn > 0) map.fitBounds(group.getBounds());
    node.dataset.areas = String(drawn);
    node.dataset.ready = '1';
  }

  // ---- Alerts (issue 14): the feed and subscribe links follow the filters
  // the map changes in place, as the server writes them for a loaded page.
  function followFilters(form, p) {
    const f = new URLSearchParams(p);
    if (f.get('days') === '90') f.delete('days');       // the default, left out as the server does
    const q = f.toString();
    const feed = q ? `/rss?${q}` : '/rss';
    document.querySelectorAll('link[rel="alternate"][type="application/rss+xml"], #rss-link, #list-rss')
      .forEach((a) => { a.setAttribute('href', feed); });
    document.querySelectorAll('.alerts-link[data-alert]').forEach((box) => {
      const key = box.dataset.alert;
      const select = form.elements[key];
      const value = select ? select.value : '';
      const a = box.querySelector('a');
      const name = box.querySelector('.alerts-name');
      box.hidden = !value;
      if (!value || !a) return;
      a.setAttribute('href', `/alerts/new?${new URLSearchParams([[key, value]])}`);
      if (name && select.selectedOptions[0]) name.textContent = select.selectedOptions[0].textContent;
    });
  }

  const pages = { map: mapPage, new: newPage, report: reportPage,
    'desk-report': deskReportPage, 'admin-agencies': agenciesPage,
    'listen-post': listenPostPage };
  function start() {
    // Filters folded for a phone's sake are open on a wide screen.
    const box = document.getElementById('filters-box');
    if (box && window.matchMedia && matchMedia('(min-width: 761px)').matches) box.open = true;
    const page = pages[document.body.dataset.page];
    if (page) page();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());

// Service suggestions (issue 13): as the citizen describes the problem, the
// three services the deployment's own reports suggest appear as buttons
// above the service list (GET /api/v1/services/suggest, docs/api.md).  A
// button checks that service's radio; the citizen still chooses.  No model
// yet, or a failed request: nothing is shown.
(function () {
  function start() {
    const box = document.getElementById('service-suggest');
    const text = document.getElementById('description');
    if (!box || !text) return;
    const list = document.getElementById('service-suggest-list');
    const live = document.getElementById('service-suggest-live');
    const title = document.getElementById('service-suggest-title').textContent;
    const lang = document.documentElement.lang === 'en' ? 'en' : 'ru';
    let timer = null;
    let asked = '';
    function pick(code) {
      const radio = document.getElementById('svc-' + code);
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event('change', { bubbles: true }));
      for (const b of list.querySelectorAll('button')) {
        b.setAttribute('aria-pressed', b.dataset.code === code ? 'true' : 'false');
      }
    }
    async function ask() {
      const q = text.value.trim();
      if (q === asked) return;
      asked = q;
      if (q.length < 10) { box.hidden = true; live.textContent = ''; return; }
      let items = [];
      try {
        const r = await fetch('/api/v1/services/suggest?' + new URLSearchParams({ text: q, lang }),
          { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (r.ok) items = await r.json();
      } catch (e) { items = []; }
      if (q !== asked) return;      // a newer question is on its way
      items = (Array.isArray(items) ? items : []).filter((s) => document.getElementById('svc-' + s.service_code));
      if (!items.length) { box.hidden = true; live.textContent = ''; return; }
      const chosen = document.querySelector('input[name="service_code"]:checked');
      list.replaceChildren(...items.map((s) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'suggestion';
        b.dataset.code = s.service_code;
        b.textContent = s.name;
        b.setAttribute('aria-pressed', chosen && chosen.value === s.service_code ? 'true' : 'false');
        b.addEventListener('click', () => pick(s.service_code));
        return b;
      }));
      box.hidden = false;
      live.textContent = title + ' ' + items.map((s) => s.name).join(', ');
    }
    text.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
