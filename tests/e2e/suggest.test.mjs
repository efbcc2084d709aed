// suggest.test.mjs: the report form's service suggestions in headless
// Chromium against the real server.  The demo city's server learns its own
// reports at start (no model yet); the citizen describes a pothole, the
// suggestions appear above the service list, the citizen tabs to the first
// and presses Enter, and the pothole service is chosen.  axe-core and the
// CSP are checked with the suggestions shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { axeProblems, launch, newPage, skipReason, startServer } from './harness.mjs';

describe('service suggestions', { skip: skipReason }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(['--demo-reports', '300']);
    // The first training round starts with the server: await its line.
    await new Promise((resolve, reject) => {
      const check = () => {
        const m = server.stderr().match(/service suggestions: (.*)\n/);
        if (!m) return false;
        server.proc.stderr.off('data', check);
        if (/in use/.test(m[1])) resolve(); else reject(new Error(m[1]));
        return true;
      };
      if (!check()) server.proc.stderr.on('data', check);
    });
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('typing a description offers services; Enter on one chooses it', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/new`);
    assert.equal(await page.isHidden('#service-suggest'), true);
    await page.fill('#description', 'Огромная яма на проезжей части у дома, машины объезжают');
    await page.waitForSelector('#service-suggest-list button', { state: 'visible' });
    const first = await page.textContent('#service-suggest-list button');
    assert.match(await page.textContent('label[for="svc-pothole"]'), new RegExp(first));
    assert.match(await page.textContent('#service-suggest-live'), new RegExp(first));
    // The search box comes right before the suggestions: Tab, then Enter.
    await page.focus('#service-search');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.code), 'pothole');
    await page.keyboard.press('Enter');
    assert.equal(await page.isChecked('#svc-pothole'), true);
    assert.equal(await page.getAttribute('#service-suggest-list button', 'aria-pressed'), 'true');
    assert.deepEqual(await axeProblems(page), []);
    assert.deepEqual(page.problems, []);
  });
});
