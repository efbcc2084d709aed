// region.test.mjs: many cities in one process (veche serve --region) in
// headless Chromium.  Chromium resolves the region's and the cities' host
// names to loopback (--host-resolver-rules), so each site is reached by its
// own name, with its own cookies, as in a deployment: the region's page
// links to a city's, a city's pages work at its host, and the region's
// staff sign in at the region's host and see every city's queue.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PASSWORD, VECHE_BIN, launch, newPage, noSideScroll, pageProblems, root, skipReason }
  from './harness.mjs';

const env = { ...process.env, VECHE_PWHASH_FAST: '1',
  VECHE_CLOCK: process.env.VECHE_TEST_CLOCK || '2026-06-15T10:00:00+03:00',
  VECHE_DATADIR: process.env.VECHE_DATADIR || join(root, 'data'),
  VECHE_WEBDIR: process.env.VECHE_WEBDIR || join(root, 'web') };

function veche(args, input) {
  const r = spawnSync(VECHE_BIN, args, { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`veche ${args.join(' ')}: ${r.stderr}`);
}

// Two cities (the demo city, tests/api/region/vtorograd.json) and the
// region's staff store; the region served on a free port.
async function startRegion(dir) {
  const a = join(dir, 'demograd.db');
  const b = join(dir, 'vtorograd.db');
  veche(['city', 'import', '--db', a, join(root, 'data', 'demo', 'city.json')]);
  veche(['seed', '--db', a, '--reports', '40', '--days', '60', '--seed', '3']);
  veche(['city', 'import', '--db', b, join(root, 'tests', 'api', 'region', 'vtorograd.json')]);
  veche(['seed', '--db', b, '--reports', '40', '--days', '60', '--seed', '4']);
  veche(['user', 'create', '--db', join(dir, 'staff.db'), '--login', 'oblast', '--role', 'admin'],
    `${PASSWORD}\n`);
  writeFileSync(join(dir, 'region.json'), JSON.stringify({
    name_ru: 'Тестовая область', name_en: 'Test Oblast', host: 'region.example',
    staff_db: 'staff.db', cities: [
      { db: 'demograd.db', host: 'demograd.example', name_ru: 'Демоград', name_en: 'Demograd' },
      { db: 'vtorograd.db', host: 'vtorograd.example', name_ru: 'Второград', name_en: 'Vtorograd' }] }));
  const proc = spawn(VECHE_BIN, ['serve', '--region', join(dir, 'region.json'),
    '--listen', '127.0.0.1:0', '--data-dir', ''], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/region\.example:(\d+)\/\n/);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`veche exited ${code}:\n${stderr}`)));
  });
  return {
    port, proc,
    async stop() {
      const done = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
      proc.kill('SIGTERM');
      const code = await done;
      if (code !== 0 || /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(stderr)) {
        throw new Error(`veche stopped badly (${code}):\n${stderr}`);
      }
    },
  };
}

describe('a region of two cities', { skip: skipReason, timeout: 300000 }, () => {
  let dir, region, browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veche-e2e-region-'));
    region = await startRegion(dir);
    browser = await launch(['--host-resolver-rules=MAP *.example 127.0.0.1']);
  });

  after(async () => {
    if (browser) await browser.close();
    if (region) await region.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const at = (host, path = '/') => `http://${host}:${region.port}${path}`;

  for (const [width, height] of [[1280, 800], [360, 740]]) {
    test(`the region's pages lead to each city at ${width} px`, async () => {
      const page = await newPage(browser, { viewport: { width, height } });
      await page.goto(at('region.example'));
      assert.equal(await page.locator('table.cities tr[data-jurisdiction]').count(), 2);
      await pageProblems(page, `region / at ${width}`);
      if (width === 360) await noSideScroll(page, 'region /');
      for (const path of ['/ratings', '/data']) {
        await page.goto(at('region.example', path));
        assert.match(await page.locator('main').textContent(), /Второград/);
        await pageProblems(page, `region ${path} at ${width}`);
        if (width === 360) await noSideScroll(page, `region ${path}`);
      }
      // A city's link: its own pages at its own host.
      await page.goto(at('region.example'));
      await Promise.all([page.waitForURL(at('vtorograd.example')),
        page.click('tr[data-jurisdiction="vtorograd"] a')]);
      await page.goto(at('vtorograd.example', '/reports'));
      assert.ok(await page.locator('main').count() === 1);
      await pageProblems(page, `vtorograd /reports at ${width}`);
    });
  }

  test('the region staff sign in at the region and see both queues', async () => {
    const page = await newPage(browser);
    await page.goto(at('region.example', '/desk'));
    await page.waitForURL(/\/login/);
    await page.fill('#login', 'oblast');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(at('region.example', '/desk')),
      page.click('#login-submit')]);
    for (const jur of ['demograd', 'vtorograd']) {
      assert.equal(await page.locator(`section[data-jurisdiction="${jur}"]`).count(), 1, jur);
    }
    const link = page.locator('section[data-jurisdiction="vtorograd"] li a').first();
    assert.match(await link.getAttribute('href'), /^http:\/\/vtorograd\.example:\d+\/reports\/\d+$/);
    await pageProblems(page, 'region /desk');
    // The session is the region's: a city's desk does not know it.
    await page.goto(at('vtorograd.example', '/desk'));
    await page.waitForURL(/vtorograd\.example.*\/login/);
  });
});
