// web.test.mjs: the citizens' pages in headless Chromium against the real
// server: the map, reporting a problem with a photo end to end, voting,
// commenting, the language switch, a phone-sized screen, pages without
// JavaScript, the RSS feed, and axe-core on every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  axeProblems, launch, newPage, screenshotDir, screenshots, skipReason,
  startServer,
} from './harness.mjs';

const EXIF_MARK = 'VECHE-EXIF-GPS-MARKER';

// A JPEG drawn in the browser, with an EXIF segment carrying EXIF_MARK
// spliced in after the start-of-image marker.
async function photoWithExif(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    g.fillStyle = '#3b6';
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#333';
    g.fillRect(200, 150, 240, 180);
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  const jpeg = Buffer.from(b64, 'base64');
  const tiff = Buffer.concat([Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0', 'binary'),
    Buffer.from(EXIF_MARK)]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(tiff.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, tiff, jpeg.subarray(2)]);
}

async function shot(page, name) {
  if (!screenshots) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false });
}

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
}

describe('citizens web interface', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, reportId, photoBytes;

  before(async () => {
    server = await startServer(['--tiles', 'https://tile.openstreetmap.org/{z}/{x}/{y}.png']);
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('map page shows clustered markers and a list that follows the view', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-ready="1"]');
    const markers = Number(await page.getAttribute('#map', 'data-markers'));
    assert.ok(markers > 0, 'reports loaded onto the map');
    assert.ok(await page.locator('.marker-cluster, .pin').count() > 0, 'markers drawn');
    const before = await page.locator('#report-list li.report-item').count();
    assert.ok(before > 0, 'list filled');
    // Zooming in far shows fewer reports in the list: wait until the list
    // has been drawn for the new zoom, then compare.
    const zoom0 = Number(await page.getAttribute('#map', 'data-listed-zoom'));
    for (let i = 1; i <= 3; i++) {
      await page.locator('.leaflet-control-zoom-in').click();
      await page.waitForSelector(`#map[data-listed-zoom="${zoom0 + i}"]`);
    }
    const afterZoom = await page.locator('#report-list li.report-item').count();
    assert.ok(afterZoom < before, `list follows the view (${afterZoom} < ${before})`);
    for (let i = 2; i >= 0; i--) {
      await page.locator('.leaflet-control-zoom-out').click();
      await page.waitForSelector(`#map[data-listed-zoom="${zoom0 + i}"]`);
    }
    assert.equal(await page.locator('#report-list li.report-item').count(), before,
      'back at the first zoom, the first list');
    // A status filter reloads the markers without leaving the page: the
    // list then holds closed reports only (closed, not fixed, rejected:
    // docs/api.md, status).  data-ready stays "1" from the
    // first load; aria-busy marks a load under way (set in the same task
    // as the address changes).
    const settled = '#map[data-ready="1"]:not([aria-busy])';
    await page.selectOption('#f-status', 'closed');
    await page.waitForFunction(() => /status=closed/.test(location.search));
    await page.waitForSelector(settled);
    const badges = await page.locator('#report-list li.report-item .badge').evaluateAll(
      (els) => els.map((e) => e.className));
    assert.ok(badges.length > 0, 'the demo city has closed reports in view');
    for (const b of badges) assert.match(b, /status-(closed|unfixed|rejected)\b/, `only closed reports listed: ${b}`);
    assert.ok(Number(await page.getAttribute('#map', 'data-markers')) < markers,
      'fewer reports with the filter');
    await checkPage(page, 'the map page');
    await page.selectOption('#f-status', '');
    await page.waitForFunction(() => !/status=closed/.test(location.search));
    await page.waitForSelector(settled);
    assert.equal(Number(await page.getAttribute('#map', 'data-markers')), markers,
      'every report again without the filter');
    await shot(page, 'map');
    await page.context().close();
  });

  test('report a problem with a photo, by keyboard, and find it on its page and the map', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/new`);
    await checkPage(page, 'the report form');
    const bounds = (await page.getAttribute('#pick-map', 'data-bounds')).split(',').map(Number);
    const lat = ((bounds[0] + bounds[2]) / 2).toFixed(6);
    const lon = ((bounds[1] + bounds[3]) / 2).toFixed(6);
    // Keyboard only: focus moves with Tab from the address field on.
    await page.focus('#address');
    await page.keyboard.type('ул. Тестовая, 1 <b>не жирный</b>');
    await page.keyboard.press('Tab');
    await page.keyboard.type(lat);
    await page.keyboard.press('Tab');
    await page.keyboard.type(lon);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'service-search');
    await page.keyboard.type('граффити');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'svc-graffiti');
    await page.keyboard.press('Space');
    assert.ok(await page.isChecked('#svc-graffiti'));
    await page.focus('#description');
    await page.keyboard.type('Надписи на стене дома, <script>alert(1)</script> — проверка.');
    // Photos cannot be chosen by keyboard in a headless browser: set the file.
    const photo = await photoWithExif(page);
    photoBytes = photo;
    await page.setInputFiles('#photos', { name: 'wall.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('#photo-previews img');
    const mediaUrl = await page.getAttribute('#media-inputs input[name="media_url"]', 'value');
    assert.match(mediaUrl, /\/media\/[0-9a-f]{32}\.jpg$/);
    await page.focus('#first_name');
    await page.keyboard.type('Анна');
    await shot(page, 'report-form');
    await page.focus('#submit');
    await page.keyboard.press('Enter');
    // Similar reports nearby may be offered: decline by keyboard.
    await Promise.race([
      page.waitForURL(/\/reports\/\d+\?created=1/),
      page.waitForSelector('#nearby:not([hidden])').then(async () => {
        await page.locator('#nearby-list button.secondary').focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/reports\/\d+\?created=1/);
      }),
    ]);
    reportId = page.url().match(/\/reports\/(\d+)/)[1];
    const notice = page.locator('.notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /ул\. Тестовая, 1 <b>не жирный<\/b>/, 'address shown as text');
    assert.ok(await notice.locator('time').count() === 1, 'legal deadline shown');
    assert.match(await page.locator('.description').innerText(), /<script>alert\(1\)<\/script>/);
    // The photo: a thumbnail that loads, EXIF gone.
    const img = page.locator('ul.photos img');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('ul.photos img').naturalWidth > 0);
    const full = await page.context().request.get(mediaUrl);
    assert.equal(full.headers()['content-type'], 'image/jpeg');
    const bytes = await full.body();
    assert.equal(bytes[0], 0xff);
    assert.equal(bytes[1], 0xd8);
    assert.ok(!bytes.includes(Buffer.from(EXIF_MARK)), 'EXIF removed');
    assert.ok(!bytes.includes(Buffer.from('Exif\0\0')), 'no EXIF block');
    await checkPage(page, 'the report page');
    await shot(page, 'report');
    // On the map.
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-ready="1"]');
    await page.waitForSelector(`#report-list li[data-id="${reportId}"]`);
    await page.context().close();
  });

  test('find a place by its address in the city registry', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/new`);
    await page.fill('#addr-search', 'свобод 12');
    await page.keyboard.press('Enter');
    const hit = page.locator('#addr-results button', { hasText: 'ул. Свободы, 12' });
    await hit.waitFor();
    await hit.click();
    assert.equal(await page.inputValue('#address'), 'ул. Свободы, 12');
    // The point is the registry's, not a guess.
    const [lat, lon] = [Number(await page.inputValue('#lat')), Number(await page.inputValue('#long'))];
    assert.ok(Math.abs(lat - 57.59) < 1e-4 && Math.abs(lon - 39.784344) < 1e-4, `${lat},${lon}`);
    await page.close();
  });

  test('vote once per device, comment, with escaped text', async () => {
    assert.ok(reportId, 'a report was made');
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/reports/${reportId}`);
    assert.equal(await page.innerText('#vote-count'), '0');
    await page.click('#vote-button');
    await page.waitForSelector('#vote-state:not([hidden])');
    assert.equal(await page.innerText('#vote-count'), '1');
    await page.reload();
    assert.equal(await page.innerText('#vote-count'), '1');
    assert.equal(await page.locator('#vote-form').count(), 0, 'no second vote');
    // The API agrees: the same device again is not counted.
    const again = await page.evaluate(async (id) => {
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const r = await fetch(`/api/v1/reports/${id}/votes`, { method: 'POST',
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
      return r.json();
    }, reportId);
    assert.equal(again.votes, 1);
    assert.equal(again.already, true);
    // Without the CSRF token a write is refused.
    const forged = await page.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}/votes`,
      { method: 'POST', headers: { Accept: 'application/json' } })).status, reportId);
    assert.equal(forged, 403);
    await page.fill('#c-author', 'Сосед <i>');
    await page.fill('#c-body', 'Тоже видел. <img src=x onerror=alert(1)>');
    await page.click('#comment-form button[type="submit"]');
    await page.waitForSelector('#comment-list li');
    assert.match(await page.innerText('#comment-list'), /<img src=x onerror=alert\(1\)>/);
    await page.reload();
    assert.match(await page.innerText('#comment-list'), /Сосед <i>/);
    assert.equal(await page.locator('#comment-list img').count(), 0, 'no markup from users');
    await checkPage(page, 'the report page with a comment');
    await page.context().close();
  });

  test('language switch to English and back, remembered by cookie', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/reports`);
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await page.click('#lang-switch');
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.innerText('header.site'), /Report a problem/);
    await checkPage(page, 'the list in English');
    await page.goto(`${server.url}/new`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.innerText('h1'), /Report a problem/);
    await checkPage(page, 'the English form');
    await page.click('#lang-switch');
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await page.context().close();
  });

  test('a phone-sized screen', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    for (const path of ['/', '/new', `/reports/${reportId}`]) {
      await page.goto(`${server.url}${path}`);
      if (path === '/') await page.waitForSelector('#map[data-ready="1"]');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path}: no sideways scrolling (${overflow}px)`);
      await checkPage(page, `${path} on a phone`);
      if (path === '/') await shot(page, 'phone-map');
      if (path !== '/') await shot(page, path === '/new' ? 'phone-form' : 'phone-report');
    }
    await page.context().close();
  });

  test('pages and forms work without JavaScript', async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    await page.goto(`${server.url}/reports?status=open`);
    assert.ok(await page.locator('ol.reports li').count() > 0, 'list rendered on the server');
    // (axe needs scripts: the same list is checked in the language test.)
    await page.goto(`${server.url}/reports/${reportId}`);
    assert.match(await page.innerText('h1'), new RegExp(reportId));
    await page.fill('#c-body', 'Без скриптов');
    await page.click('#comment-form button[type="submit"]');
    await page.waitForURL(/#comment-\d+$/);
    assert.match(await page.innerText('#comment-list'), /Без скриптов/);
    // A whole report through the plain form, photo included.
    await page.goto(`${server.url}/new`);
    await page.fill('#lat', '55.0');
    await page.fill('#long', '73.3');
    await page.check('#svc-other');
    await page.fill('#description', 'Сломана скамейка');
    await page.setInputFiles('#photos', { name: 'a.jpg', mimeType: 'image/jpeg',
      buffer: photoBytes });
    await page.click('#submit');
    await page.waitForURL(/\/reports\/\d+\?created=1/);
    assert.match(await page.innerText('.description'), /Сломана скамейка/);
    assert.equal(await page.locator('ul.photos img').count(), 1);
    await page.context().close();
  });

  test('RSS feed for a category and an area', async () => {
    const page = await newPage(browser);
    const r = await page.context().request.get(`${server.url}/rss?service_code=graffiti`);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /application\/rss\+xml/);
    const xml = await r.text();
    assert.match(xml, /<rss version="2.0">/);
    assert.match(xml, new RegExp(`/reports/${reportId}</link>`));
    // A description is plain text: escaped as HTML (readers take it as
    // HTML), then as XML, so a reader shows <script> as typed.
    assert.match(xml, /<description>[^<]*&amp;lt;script&amp;gt;alert\(1\)&amp;lt;\/script&amp;gt;[^<]*<\/description>/,
      'description: plain text, escaped as HTML and then as XML');
    const area = await page.context().request.get(`${server.url}/rss?bbox=0,0,1,1`);
    assert.doesNotMatch(await area.text(), /<item>/, 'no reports outside the area');
    const bad = await page.context().request.get(`${server.url}/rss?bbox=1,2`);
    assert.equal(bad.status(), 400);
    await page.context().close();
  });
});

// The map's clusters from the server (issue 11): with more reports in view
// than the server lists one by one, the map draws its cells as circles with
// their counts, every report counted; a click on one zooms in.
describe('map clusters from the server', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer(['--tiles', 'none', '--demo-reports', '600']);
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('a cluster circle shows its count and a click zooms in', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-ready="1"]');
    const total = Number(await page.getAttribute('#map', 'data-markers'));
    assert.ok(total > 200, `more reports in view than listed one by one (${total})`);
    const circles = page.locator('#map .server-cluster');
    const counts = (await circles.allTextContents()).map(Number);
    assert.ok(counts.length > 0, 'cluster circles drawn');
    assert.equal(counts.reduce((a, b) => a + b, 0), total, 'every report in view counted');
    assert.match(await page.textContent('#list-count'), new RegExp(String(total)));
    assert.equal(await page.locator('#report-list li.report-item').count(), 20, 'the newest in the list');
    await checkPage(page, 'the map with clusters');
    // The biggest circle: a click zooms in there.
    const biggest = counts.indexOf(Math.max(...counts));
    const zoom0 = Number(await page.getAttribute('#map', 'data-listed-zoom'));
    await circles.nth(biggest).click();
    await page.waitForSelector(`#map[data-listed-zoom="${zoom0 + 2}"]`);
    const after = Number(await page.getAttribute('#map', 'data-markers'));
    assert.ok(after > 0 && after < total, `fewer reports in the smaller view (${after} < ${total})`);
    await page.context().close();
  });

  // The page asks for its view snapped outward to the zoom's 64 px cells
  // (issue 11: the server then counts whole cells), each edge half a unit
  // of 2^-32 of the world inside its grid line; it still draws every
  // report in view as it pans and zooms.
  test('the view asked for is snapped to the grid as the map pans and zooms', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    const asked = [];
    page.on('request', (r) => {
      if (r.url().includes('/map/clusters.json')) asked.push(new URL(r.url()));
    });
    const units = 2 ** 32;
    const ux = (lon) => (lon + 180) / 360 * units;
    const uy = (lat) => {
      const r = lat * Math.PI / 180;
      return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * units;
    };
    const snapped = (u) => {
      const zoom = Number(u.searchParams.get('zoom'));
      const [w, s, e, n] = u.searchParams.get('bbox').split(',').map(Number);
      const cell = 2 ** (30 - zoom);
      for (const [v, inward, edge] of [[ux(w), 0.5, 'west'], [uy(n), 0.5, 'north'],
        [ux(e), -0.5, 'east'], [uy(s), -0.5, 'south']]) {
        const line = Math.round(v / cell) * cell;
        assert.ok(Math.abs(v - (line + inward)) < 0.01,
          `the ${edge} edge half a unit inside a grid line at zoom ${zoom}: ${u.search}`);
      }
      return u.searchParams.get('bbox');
    };
    const drawn = async (what) => {
      await page.waitForSelector('#map[data-ready="1"]:not([aria-busy])');
      const total = Number(await page.getAttribute('#map', 'data-markers'));
      const counts = (await page.locator('#map .server-cluster').allTextContents()).map(Number);
      const pins = await page.locator('#map .pin, #map .marker-cluster').count();
      assert.ok(total > 0 && (counts.length > 0 || pins > 0), `reports drawn ${what}`);
      if (counts.length > 0) {
        assert.equal(counts.reduce((a, b) => a + b, 0), total, `every report counted ${what}`);
      }
    };
    await page.goto(`${server.url}/`);
    await drawn('at first');
    assert.equal(asked.length, 1);
    const first = snapped(asked[0]);
    // A pan by the keyboard (80 px): a view asked for anew, snapped.
    await page.locator('#map').focus();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/map/clusters.json')),
      page.keyboard.press('ArrowRight'),
    ]);
    await drawn('after a pan');
    assert.notEqual(snapped(asked[asked.length - 1]), first, 'the panned view asked for');
    // A zoom in: a finer grid, still snapped.
    const zoom0 = Number(await page.getAttribute('#map', 'data-listed-zoom'));
    await page.click('.leaflet-control-zoom-in');
    await page.waitForSelector(`#map[data-listed-zoom="${zoom0 + 1}"]`);
    await drawn('after zooming in');
    const last = asked[asked.length - 1];
    assert.equal(Number(last.searchParams.get('zoom')), zoom0 + 1);
    snapped(last);
    await checkPage(page, 'the map after a pan and a zoom');
    await page.context().close();
  });
});
