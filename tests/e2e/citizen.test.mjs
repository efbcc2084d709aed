// citizen.test.mjs: the citizen's side after the answer, on a phone-sized
// window (360x740) in headless Chromium against the real server: the
// reporter says "not fixed", the report is reopened and says so, the
// agency's desk shows it first and marked; then an update with a photo,
// readers rate it and flag it, and a moderator sees the flag.  axe-core
// and the CSP are checked on every page, and no page scrolls sideways.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  axeProblems, launch, newPage, skipReason, startClockedServer, startServer,
  VECHE_BIN,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${what}: no sideways scrolling (${wide}px wide)`);
}

// A small JPEG drawn by the browser itself.
async function jpeg(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 240;
    const g = c.getContext('2d');
    g.fillStyle = '#555';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#222';
    g.beginPath();
    g.ellipse(160, 120, 90, 40, 0, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return Buffer.from(b64, 'base64');
}

// A pothole report sent from page's device, as the form's script sends it;
// returns the server's JSON answer.
async function fileReport(page, url, description) {
  await page.goto(`${url}/new`);
  return page.evaluate(async (text) => {
    const fd = new FormData();
    fd.append('service_code', 'pothole');
    fd.append('lat', '57.63');
    fd.append('long', '39.87');
    fd.append('description', text);
    fd.append('attr[pothole][size]', 'large');
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const res = await fetch('/api/v1/reports', { method: 'POST', body: fd,
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
    return res.json();
  }, description);
}

// veche user create on the server's database.
function createUser(db, login, role, agencies = []) {
  const args = ['user', 'create', '--db', db, '--login', login, '--role', role];
  for (const a of agencies) args.push('--agency', a);
  const r = spawnSync(VECHE_BIN, args, { input: `${PASSWORD}\n`,
    env: { ...process.env, VECHE_PWHASH_FAST: '1' }, encoding: 'utf8' });
  assert.equal(r.status, 0, `veche user create ${login}: ${r.stderr}`);
}

describe('the citizen after the answer, on a phone', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, db, reportId;

  async function signedIn(login) {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.fill('#login', login);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForLoadState('load');
    return page;
  }

  before(async () => {
    server = await startServer();
    db = server.db;
    createUser(db, 'op', 'operator', ['roads']);
    createUser(db, 'mod', 'moderator');
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('"not fixed" reopens the report; the desk shows it first', async () => {
    const citizen = await newPage(browser, PHONE);
    // The form's own phone layout is another test's (web.test.mjs).
    // The reporter's own device sends it (as the form's script does).
    const r = await fileReport(citizen, server.url, 'Яма у остановки, колёса бьёт');
    assert.ok(r.id, `report created: ${JSON.stringify(r)}`);
    reportId = r.id;

    const op = await signedIn('op');
    await op.goto(`${server.url}/desk/reports/${reportId}`);
    await op.click('#do-register');
    await op.waitForSelector('#flash');
    await op.fill('#answer-text', 'Яму засыпали щебнем.');
    await Promise.all([op.waitForNavigation(), op.click('#do-answer')]);
    assert.match(await op.textContent('#status'), /Дан ответ/);

    await citizen.goto(`${server.url}/reports/${reportId}`);
    await citizen.waitForSelector('#fixed-form');
    assert.match(await citizen.textContent('#fixed-form'), /снова отправлено исполнителю/);
    await checkPage(citizen, 'answered report on a phone');
    await Promise.all([citizen.waitForNavigation(), citizen.click('#fixed-no')]);
    assert.match(citizen.url(), /\?reopened=1$/);
    await citizen.waitForSelector('#reopened-notice');
    assert.match(await citizen.textContent('#status-badge'), /В работе/);
    assert.match(await citizen.textContent('#thanks-reopened'), /возобновлено/);
    assert.match(await citizen.textContent('#timeline'), /Возобновлено заявителем/);
    assert.doesNotMatch(await citizen.textContent('main'), /Решено/);
    assert.equal(await citizen.locator('#fixed-form').count(), 0, 'asked once');
    await checkPage(citizen, 'reopened report on a phone');

    await op.goto(`${server.url}/desk`);
    const first = op.locator('#queue tbody tr').first();
    assert.equal(await first.getAttribute('data-id'), String(reportId), 'the reopened report leads the queue');
    assert.match(await first.getAttribute('class'), /\breopened\b/);
    assert.match(await first.textContent(), /возобновлено/);
  });

  test('an update with a photo, rated and flagged; the moderator sees the flag', async () => {
    assert.ok(reportId, 'the report of the first test');
    const citizen = await newPage(browser, PHONE);
    await citizen.goto(`${server.url}/reports/${reportId}`);
    await citizen.fill('#c-body', 'Всё ещё не починили, вот фото');
    await citizen.setInputFiles('#c-photo', { name: 'still.jpg', mimeType: 'image/jpeg',
      buffer: await jpeg(citizen) });
    await citizen.click('#comment-form button[type="submit"]');
    // The script adds the comment in place, with its photo.
    await citizen.waitForFunction(() => {
      const img = document.querySelector('#comment-list .comment-photo img');
      return img && img.complete && img.naturalWidth > 0;
    });
    await citizen.reload();
    const item = citizen.locator('#comment-list li', { hasText: 'Всё ещё не починили' });
    assert.equal(await item.count(), 1);
    await citizen.waitForFunction(() => {
      const img = document.querySelector('#comment-list .comment-photo img');
      return img && img.complete && img.naturalWidth > 0;
    });
    const src = await item.locator('.comment-photo img').getAttribute('src');
    assert.match(src, /^\/media\/[0-9a-f]+-thumb\.jpg$/);
    await checkPage(citizen, 'a comment with a photo on a phone');

    // Another reader finds it useful, once, and flags it.
    const reader = await newPage(browser, PHONE);
    await reader.goto(`${server.url}/reports/${reportId}`);
    const mine = reader.locator('#comment-list li', { hasText: 'Всё ещё не починили' });
    await Promise.all([reader.waitForNavigation(),
      mine.locator('button[name="useful"][value="yes"]').click()]);
    assert.match(await reader.textContent('#comment-list'), /Ваша оценка учтена/);
    assert.match(await mine.locator('.score').textContent(), /\+1/);
    await Promise.all([reader.waitForNavigation(),
      mine.locator('button[name="useful"][value="yes"]').click()]);
    assert.match(await mine.locator('.score').textContent(), /\+1/, 'one vote per device');
    await Promise.all([reader.waitForNavigation(), mine.locator('.comment-flag button').click()]);
    assert.match(await reader.textContent('#comment-list'), /Жалоба отправлена модератору/);
    await checkPage(reader, 'a rated comment on a phone');

    const mod = await signedIn('mod');
    await mod.goto(`${server.url}/desk/moderation`);
    assert.match(await mod.textContent('#flagged'), /Всё ещё не починили/);
    assert.deepEqual(await axeProblems(mod), [], 'axe on moderation');
  });
});

// unify (issue 12): "closed, not fixed" in the lists as on the report's
// page.  The server reads its clock from a file (VECHE_CLOCK=file:...), so
// that the reporter can answer after the 30 days of reopening.
describe('"closed, not fixed" in the lists', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, db, setClock;
  const start = Date.parse('2026-06-15T10:00:00+03:00') / 1000;

  before(async () => {
    ({ server, setClock } = await startClockedServer(start));
    db = server.db;
    createUser(db, 'op', 'operator', ['roads']);
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the list, the map\'s list and the page agree, in words', async () => {
    const citizen = await newPage(browser, PHONE);
    const made = await fileReport(citizen, server.url, 'Яма, которую так и не заделали');
    const id = made.id;
    assert.ok(id, `report created: ${JSON.stringify(made)}`);

    const op = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await op.goto(`${server.url}/login`);
    await op.fill('#login', 'op');
    await op.fill('#password', PASSWORD);
    await Promise.all([op.waitForNavigation(), op.click('#login-submit')]);
    await op.goto(`${server.url}/desk/reports/${id}`);
    await op.click('#do-register');
    await op.waitForSelector('#flash');
    await op.fill('#answer-text', 'Яму засыпали щебнем.');
    await Promise.all([op.waitForNavigation(), op.click('#do-answer')]);
    await Promise.all([op.waitForNavigation(), op.click('#do-close')]);
    assert.match(await op.textContent('#status'), /Закрыто/);

    setClock(start + 31 * 86400);                  // past the reopening window
    await citizen.goto(`${server.url}/reports/${id}`);
    await Promise.all([citizen.waitForNavigation(), citizen.click('#fixed-no')]);
    assert.equal(await citizen.textContent('#status-badge'), 'Закрыто, проблема не решена');

    // The server's list.
    await citizen.goto(`${server.url}/reports?status=closed`);
    const listed = citizen.locator(`#report-list li[data-id="${id}"] .badge`);
    assert.equal(await listed.textContent(), 'Закрыто, проблема не решена');
    assert.match(await listed.getAttribute('class'), /\bstatus-unfixed\b/);
    await checkPage(citizen, 'the list with a closed, not fixed report');

    // The map's list, drawn by the script from the JSON, in English too.
    await citizen.goto(`${server.url}/?status=closed&lang=en`);
    await citizen.waitForSelector('#map[data-ready="1"]');
    const drawn = citizen.locator(`#report-list li[data-id="${id}"] .badge`);
    assert.equal(await drawn.textContent(), 'Closed, not fixed');
    assert.match(await drawn.getAttribute('class'), /\bstatus-unfixed\b/);
    await checkPage(citizen, 'the map\'s list with a closed, not fixed report');
  });
});
