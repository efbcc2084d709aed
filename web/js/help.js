// help.js: the help map's page (/help/{situation}, src/api/web_help.c).
// The page works without it (a list, filters and the form); with it, a
// Leaflet map shows the posts of the viewport (GeoJSON export with bbox,
// the page's filters), clustered by leaflet.markercluster in two layers
// (needs, offers); urgent and unverified needs differ in shape and text,
// not only in colour; a click on the map fills the form's point.
(function () {
  'use strict';

  const WORDS = {
    ru: {
      needs: 'Просьбы о помощи', offers: 'Предложения помощи',
      need: 'Нужна помощь', offer: 'Могу помочь', urgent: 'срочно',
      unverified: 'не проверено', verified: 'проверено', open: 'Подробнее',
      area: 'Область ситуации', point: 'Место вашей публикации',
      shown: (n) => `На карте: ${n}`,
      kinds: { evacuation: 'Эвакуация', water: 'Вода', food: 'Еда',
        medicine: 'Лекарства', transport: 'Транспорт', housing: 'Жильё',
        equipment: 'Снаряжение', volunteers: 'Волонтёры' },
    },
    en: {
      needs: 'Needs', offers: 'Offers', need: 'Need', offer: 'Offer',
      urgent: 'urgent', unverified: 'unverified', verified: 'verified',
      open: 'Details', area: "The situation's area",
      point: 'The place of your post', shown: (n) => `On the map: ${n}`,
      kinds: { evacuation: 'Evacuation', water: 'Water', food: 'Food',
        medicine: 'Medicine', transport: 'Transport', housing: 'Housing',
        equipment: 'Equipment', volunteers: 'Volunteers' },
    },
  };

  const node = document.getElementById('help-map');
  if (!node || !window.L) return;
  const T = WORDS[document.documentElement.lang === 'en' ? 'en' : 'ru'];
  const slug = node.dataset.situation;
  const map = L.map(node, { maxZoom: 19 });
  const tiles = node.dataset.tiles;
  if (tiles && tiles !== 'none') {
    L.tileLayer(tiles, { maxZoom: 19, attribution: '© OpenStreetMap' }).addTo(map);
  }
  const b = (node.dataset.bounds || '').split(',').map(Number);
  const c = (node.dataset.center || '').split(',').map(Number);
  const radius = Number(node.dataset.radius || 0);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  const areaStyle = { interactive: false, color: '#4a5568', weight: 1.5,
    fillColor: '#cbd5e0', fillOpacity: 0.2 };
  if (radius > 0) L.circle(c, { ...areaStyle, radius }).addTo(map);
  else L.rectangle([[b[0], b[1]], [b[2], b[3]]], areaStyle).addTo(map);

  const needs = L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true });
  const offers = L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true });
  needs.addTo(map);
  offers.addTo(map);
  L.control.layers(null, { [T.needs]: needs, [T.offers]: offers }, { collapsed: false }).addTo(map);

  // One line of words for a post: what, how many, and its marks.
  function label(p) {
    const marks = [];
    if (p.urgent) marks.push(T.urgent);
    marks.push(p.verified ? T.verified : T.unverified);
    return `${p.type === 'need' ? T.need : T.offer}: ${T.kinds[p.kind] || p.kind}, ${p.count} (${marks.join(', ')})`;
  }

  function icon(p) {
    const cls = ['help-marker', `help-marker-${p.type}`];
    if (p.urgent) cls.push('is-urgent');
    if (!p.verified) cls.push('is-unverified');
    // The letter inside says what the shape and colour say.
    const text = p.type === 'need' ? (p.urgent ? '!' : '?') : '+';
    return L.divIcon({ className: cls.join(' '), html: `<span aria-hidden="true">${text}</span>`,
      iconSize: [28, 28] });
  }

  function popup(p) {
    const div = document.createElement('div');
    const t = document.createElement('p');
    t.textContent = label(p);
    div.appendChild(t);
    if (p.description) {
      const d = document.createElement('p');
      d.textContent = p.description;
      div.appendChild(d);
    }
    const a = document.createElement('a');
    a.href = `/help/${encodeURIComponent(slug)}/posts/${p.id}`;
    a.textContent = T.open;
    div.appendChild(a);
    return div;
  }

  // The page's filters (type, kind, state, hours), as the form has them.
  function filters() {
    const q = new URLSearchParams();
    const form = document.getElementById('help-filters');
    if (form) {
      for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    }
    return q;
  }

  const count = document.createElement('p');
  count.className = 'count';
  count.id = 'help-count';
  count.setAttribute('aria-live', 'polite');
  node.after(count);

  let seq = 0;
  function load() {
    const q = filters();
    q.set('bbox', map.getBounds().toBBoxString());
    const mine = ++seq;
    fetch(`/api/v1/help/${encodeURIComponent(slug)}/posts.geojson?${q}`, {
      headers: { Accept: 'application/geo+json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
      .then((fc) => {
        if (mine !== seq) return;
        const n = [], o = [];
        for (const f of fc.features) {
          const p = f.properties;
          const [lon, lat] = f.geometry.coordinates;
          const m = L.marker([lat, lon], { icon: icon(p), title: label(p), alt: label(p) });
          m.bindPopup(() => popup(p));
          (p.type === 'need' ? n : o).push(m);
        }
        needs.clearLayers();
        offers.clearLayers();
        needs.addLayers(n);
        offers.addLayers(o);
        count.textContent = T.shown(fc.features.length);
        node.dataset.count = String(fc.features.length);
        node.dataset.ready = '1';
      })
      .catch(() => { node.dataset.ready = '1'; });
  }
  map.on('moveend', load);
  load();

  // A click on the map places the form's point.
  const lat = document.getElementById('p-lat');
  const lon = document.getElementById('p-lon');
  let pin = null;
  if (lat && lon) {
    map.on('click', (e) => {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      if (pin) pin.setLatLng(e.latlng);
      else pin = L.marker(e.latlng, { title: T.point, alt: T.point, keyboard: false }).addTo(map);
    });
  }
}());
