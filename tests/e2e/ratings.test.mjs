// ratings.test.mjs: the ratings (/ratings), their methodology, an agency's
// complaint book and the open data catalogue (/data) in headless Chromium
// against the real server: axe-core clean, no CSP or script errors, and on
// a 360 px wide screen no horizontal scrolling of the page.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { axeProblems, launch, newPage, noSideScroll, skipReason, startServer }
  from './harness.mjs';

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
}

describe('ratings, complaint books, open data', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, dataDir;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'veche-e2e-data-'));
    server = await startServer(['--data-dir', dataDir]);
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [width, height] of [[1280, 800], [360, 740]]) {
    test(`ratings and methodology at ${width} px`, async () => {
      const page = await newPage(browser, { viewport: { width, height } });
      await page.goto(`${server.url}/ratings`);
      assert.equal(await page.locator('h1').textContent(), 'Рейтинг ведомств');
      assert.ok(await page.locator('table.ratings tbody tr').count() > 0, 'a row per agency');
      await checkPage(page, `/ratings at ${width}`);
      if (width === 360) await noSideScroll(page, '/ratings');
      // The period form works without script: a GET with ?period=.
      await page.fill('#period', '2026-01..2026-06');
      await Promise.all([page.waitForURL(/period=2026-01/), page.click('form.period button')]);
      assert.match(await page.locator('.period-shown').textContent(), /01\.01\.2026/);
      await page.click('a[href="/ratings/methodology"]');
      await page.waitForURL(/methodology/);
      assert.match(await page.locator('main').textContent(), /Уилсона/);
      await checkPage(page, `/ratings/methodology at ${width}`);
      if (width === 360) await noSideScroll(page, '/ratings/methodology');
      await page.goto(`${server.url}/ratings?lang=en`);
      assert.equal(await page.locator('h1').textContent(), 'Ratings of agencies');
      await checkPage(page, `/ratings?lang=en at ${width}`);
      await page.context().close();
    });

    test(`an agency's complaint book at ${width} px`, async () => {
      const page = await newPage(browser, { viewport: { width, height } });
      await page.goto(`${server.url}/ratings`);
      const href = await page.locator('table.ratings tbody th a').first().getAttribute('href');
      assert.match(href, /^\/agencies\//);
      await page.goto(`${server.url}${href}`);
      assert.equal(await page.locator('figure.trend svg rect.bar').count(), 12);
      assert.ok(await page.locator('.book-reports li').count() > 0, 'reports listed');
      await checkPage(page, `${href} at ${width}`);
      if (width === 360) await noSideScroll(page, href);
      await page.context().close();
    });

    test(`the open data catalogue at ${width} px`, async () => {
      const page = await newPage(browser, { viewport: { width, height } });
      // The server writes its first dump at start: wait for it to be listed.
      await page.goto(`${server.url}/data`);
      const deadline = Date.now() + 60000;
      while (await page.locator('#data-pending').count() > 0) {
        assert.ok(Date.now() < deadline, 'the dump at start was not listed within 60 s');
        await page.waitForTimeout(100);
        await page.reload();
      }
      assert.ok(await page.locator('a[href="/data/reports.csv"]').count() === 1);
      assert.ok(await page.locator('a[rel="license"]').count() === 1);
      await checkPage(page, `/data at ${width}`);
      if (width === 360) await noSideScroll(page, '/data');
      await page.context().close();
    });
  }
});
