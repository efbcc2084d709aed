// alerts.test.mjs: e-mail alerts (docs/delivery.md, "Alerts") in headless
// Chromium on a phone-sized window (360x740): subscribe from a report's
// page, the confirmation mail caught by a small SMTP receiver on loopback,
// follow its link, see the confirmed page; on the map, the feed and the
// subscribe links follow the filters the map changes in place.  axe-core
// on every page; no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launch, newPage, PHONE as phone, phoneCheck as check, skipReason,
  startMailServer, unqp } from './harness.mjs';

describe('e-mail alerts on a phone', { skip: skipReason, timeout: 300000 }, () => {
  let server;
  let browser;

  before(async () => {
    [server, browser] = await Promise.all([startMailServer(), launch()]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('subscribe from a report, confirm by the mailed link', async () => {
    const page = await newPage(browser, phone);
    const email = 'olga.alerts@mail.test';
    await page.goto(`${server.url}/reports/1`);
    await page.fill('#alerts-email', email);
    await check(page, 'a report with the alerts form');
    await Promise.all([page.waitForNavigation(), page.click('#alerts-submit')]);
    assert.match(await page.innerText('#alerts-result'), /Проверьте почту/);
    await check(page, 'the subscription answer');

    const link = await server.smtp.next((m) => {
      if (!m.includes(email)) return null;
      const found = unqp(m).match(/https?:\/\/\S+\/alerts\/confirm\?token=[\w-]+/);
      return found && found[0];
    });
    await page.goto(link);
    assert.equal(await page.innerText('h1'), 'Подписка подтверждена');
    assert.match(await page.innerText('#alerts-result'), /Оповещения будут приходить/);
    await check(page, 'the confirmed page');
    await page.context().close();
  });

  test('the map\'s feed and subscribe links follow its filters', async () => {
    const page = await newPage(browser, phone);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#map[data-ready="1"]');
    assert.equal(await page.getAttribute('#rss-link', 'href'), '/rss');
    assert.equal(await page.isVisible('#alerts-link-agency'), false);
    await page.evaluate(() => { document.getElementById('filters-box').open = true; });
    const agency = await page.$eval('#f-agency option:nth-child(2)', (o) => o.value);
    const ready = page.waitForFunction((was) => document.getElementById('map').dataset.listedZoom !== undefined
      && document.getElementById('rss-link').getAttribute('href') !== was, '/rss');
    await page.selectOption('#f-agency', agency);
    await ready;
    const feed = `/rss?agency=${agency}`;
    assert.equal(await page.getAttribute('link[rel="alternate"][type="application/rss+xml"]', 'href'), feed);
    assert.equal(await page.getAttribute('#rss-link', 'href'), feed);
    assert.equal(await page.getAttribute('#list-rss', 'href'), feed);
    assert.equal(await page.getAttribute('#alerts-link-agency', 'href'), `/alerts/new?agency=${agency}`);
    assert.equal(await page.isVisible('#alerts-link-agency'), true);
    await check(page, 'the map with an agency chosen');
    await Promise.all([page.waitForNavigation(), page.click('#alerts-link-agency')]);
    assert.equal(await page.inputValue('input[name="agency"]'), agency);
    await check(page, 'the agency\'s subscription form');
    await page.context().close();
  });
});
