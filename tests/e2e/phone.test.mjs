// phone.test.mjs: the citizen's side on a phone and without a tile server:
// every page (tests/e2e/pages.mjs) at 360x740 without sideways scrolling,
// the map first with the filters folded, "use my location" on the report
// form, the camera offered for photos, and the map drawn from the city's
// areas with no request to any tile host.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  createUser, launch, newPage, pageProblems, signIn, skipReason, startServer,
} from './harness.mjs';
import { PAGES, unlisted } from './pages.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1,
  isMobile: true, hasTouch: true };

describe('phones and maps without tiles', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
    createUser(server, 'root', 'admin');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('every page is listed in tests/e2e/pages.mjs', () => {
    assert.deepEqual(unlisted(), [], 'GET routes of src/api/*.c that are neither '
      + 'PAGES nor NOT_PAGES in tests/e2e/pages.mjs: add them there');
  });

  test('every page fits a 360 px phone without sideways scrolling', async () => {
    const page = await newPage(browser, PHONE);
    let signedIn = false;
    for (const p of PAGES) {
      if (p.staff && !signedIn) {
        await signIn(page, server, 'root');
        signedIn = true;
      }
      const path = p.path || p.route;
      const r = await page.goto(`${server.url}${path}`);
      assert.equal(r.status(), p.status || 200, `${path}: status`);
      if (p.ready) await page.waitForSelector(p.ready);
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= 360, `${path}: ${width}px wide on a 360px screen`);
      await pageProblems(page, `${path} at 360px`);
    }
    await page.context().close();
  });

  test('the map comes first on a phone, its filters folded and one tap away', async () => {
    const page = await newPage(browser, PHONE);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-ready="1"]');
    assert.equal(await page.getAttribute('#filters-box', 'open'), null, 'filters folded');
    const map = await page.locator('#map').boundingBox();
    assert.ok(map.y < 740 / 2, `the map starts in the top half of the screen (${map.y}px)`);
    assert.equal(await page.isVisible('#f-status'), false);
    // The summary is a button to assistive technology and the keyboard.
    await page.focus('#filters-box > summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.isVisible('#f-status'), true, 'filters unfold');
    await page.context().close();

    const wide = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await wide.goto(`${server.url}/`);
    assert.equal(await wide.isVisible('#f-status'), true, 'filters open on a wide screen');
    await wide.context().close();
  });

  test('use my location and the camera on the report form', async () => {
    const page = await newPage(browser, { ...PHONE, permissions: ['geolocation'],
      geolocation: { latitude: 57.6261, longitude: 39.8845, accuracy: 10 } });
    await page.goto(`${server.url}/new`);
    assert.equal(await page.inputValue('#lat'), '');
    await page.click('#locate');
    await page.waitForFunction(() => document.getElementById('lat').value !== '');
    assert.equal(await page.inputValue('#lat'), '57.626100');
    assert.equal(await page.inputValue('#long'), '39.884500');
    assert.match(await page.innerText('#locate-status'), /местоположению/);
    assert.equal(await page.locator('#pick-map .pin.chosen').count(), 1, 'the point is on the map');
    // The camera for a photo, and the file choice still there.
    assert.equal(await page.getAttribute('#camera', 'capture'), 'environment');
    assert.equal(await page.getAttribute('#camera', 'accept'), 'image/*');
    assert.equal(await page.getAttribute('#photos', 'capture'), null);
    assert.equal(await page.isVisible('#photos'), true);
    await pageProblems(page, 'the form with location and camera');
    await page.context().close();
  });

  test('the map without tiles: the city\'s areas and the markers, nothing from a tile host', async () => {
    const bare = await startServer(['--tiles', 'none']);
    try {
      const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
      const foreign = [];
      page.on('request', (r) => { if (!r.url().startsWith(bare.url)) foreign.push(r.url()); });
      await page.goto(`${bare.url}/`);
      await page.waitForSelector('#map[data-ready="1"][data-base="areas"]');
      assert.equal(await page.getAttribute('#map', 'data-areas'), '4', 'the demo city\'s four areas');
      assert.ok(await page.locator('#map .leaflet-overlay-pane path').count() >= 4, 'areas drawn');
      assert.ok(await page.locator('#map .leaflet-marker-icon').count() > 0, 'markers or clusters shown');
      // Zooming in (maxZoom set) breaks clusters into markers.
      await page.click('#map .leaflet-control-zoom-in');
      await page.waitForFunction(() => document.getElementById('map').dataset.listedZoom !== undefined);
      assert.equal(await page.locator('#map .leaflet-tile').count(), 0, 'no tiles');
      assert.deepEqual(foreign, [], 'no request left the server');
      assert.deepEqual(page.problems, []);
      await page.context().close();
    } finally {
      await bare.stop();
    }
  });

  test('tiles that do not load give way to the areas', async () => {
    // harness.newPage aborts every tile request, as with no internet.
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-base="areas"]');
    assert.ok(await page.locator('#map .leaflet-overlay-pane path').count() >= 4);
    await page.context().close();
  });
});
