// desk.test.mjs: the staff's pages in headless Chromium against the real
// server: signing in through the form, the agency desk's queue (overdue
// first), registering and answering a report with a template by keyboard,
// the citizen's page showing the answer and the timeline, the reporter's
// "is it fixed?", rejecting, forwarding, extending, moderation, the
// administrators' pages (users, API keys, an area upload on the map), CSRF
// refusal, a phone-sized desk, and axe-core on every page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  axeProblems, launch, newPage, screenshotDir, screenshots, skipReason,
  startServer, VECHE_BIN,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';

async function shot(page, name) {
  if (!screenshots) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false });
}

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
}

describe('agency desk and administration', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, db;

  function user(login, role, agencies = []) {
    const args = ['user', 'create', '--db', db, '--login', login, '--role', role];
    for (const a of agencies) args.push('--agency', a);
    const r = spawnSync(VECHE_BIN, args, { input: `${PASSWORD}\n`,
      env: { ...process.env, VECHE_PWHASH_FAST: '1' }, encoding: 'utf8' });
    assert.equal(r.status, 0, `veche user create ${login}: ${r.stderr}`);
  }

  // A page signed in as login through the form.
  async function signedIn(login, opts = {}) {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 }, ...opts });
    await page.goto(`${server.url}/desk`);
    assert.match(page.url(), /\/login\?next=\/desk$/, 'a visitor is sent to the sign-in form');
    // Each role starts on its own page.
    await page.goto(`${server.url}/login`);
    await page.fill('#login', login);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForLoadState('load');
    return page;
  }

  // A citizen's report sent from the citizen's own browser (its device).
  async function report(citizen, service, text) {
    await citizen.goto(`${server.url}/new`);
    const r = await citizen.evaluate(async ([svc, body]) => {
      const fd = new FormData();
      fd.append('service_code', svc);
      fd.append('lat', '57.63');
      fd.append('long', '39.87');
      fd.append('description', body);
      fd.append('email', 'reporter@example.org');
      fd.append('first_name', 'Иван');
      if (svc === 'pothole') fd.append('attr[pothole][size]', 'large');
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const res = await fetch('/api/v1/reports', { method: 'POST', body: fd,
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
      return res.json();
    }, [service, text]);
    assert.ok(r.id, `report created: ${JSON.stringify(r)}`);
    return r.id;
  }

  before(async () => {
    process.env.VECHE_PWHASH_FAST = '1';
    server = await startServer();
    db = server.db;
    user('op', 'operator', ['roads']);
    user('op2', 'operator', ['light']);
    user('boss', 'head', ['roads']);
    user('mod', 'moderator');
    user('root', 'admin');
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('queue sorted by deadline, overdue first; answer by keyboard; citizen sees it and says fixed', async () => {
    const citizen = await newPage(browser);
    const id = await report(citizen, 'pothole', 'Яма на дороге у школы');
    const op = await signedIn('op');
    assert.match(op.url(), /\/desk$/);
    await op.waitForSelector('#queue');
    const rows = await op.$$eval('#queue tbody tr', (trs) => trs.map((t) => ({
      due: Number(t.dataset.due), overdue: t.classList.contains('overdue') })));
    assert.ok(rows.length > 1, 'queue has reports');
    assert.ok(rows.some((r) => r.overdue), 'an overdue report is in the queue');
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i - 1].due <= rows[i].due, 'sorted by running deadline');
      assert.ok(rows[i - 1].overdue || !rows[i].overdue, 'overdue first');
    }
    await checkPage(op, 'desk');
    await shot(op, 'desk');
    // Filter: overdue only.
    await op.check('#q-overdue');
    await op.click('#desk-filters button[type="submit"]');
    await op.waitForLoadState('load');
    assert.equal(await op.locator('#queue tbody tr.on-time').count(), 0, 'only overdue ones');

    await op.goto(`${server.url}/desk/reports/${id}`);
    assert.match(await op.textContent('#contact'), /reporter@example\.org/, 'private contact for its agency');
    await op.click('#do-register');
    await op.waitForSelector('#flash');
    assert.match(await op.textContent('#status'), /Зарегистрировано/);
    await checkPage(op, 'desk report');
    await shot(op, 'desk-report');
    // Keyboard only: choose a template, move to the answer, send it.
    await op.focus('#answer-template');
    await op.keyboard.press('ArrowDown');
    const answer = await op.inputValue('#answer-text');
    assert.match(answer, /работы по вашему обращению выполнены/, 'the template fills the answer');
    await op.keyboard.press('Tab');
    assert.equal(await op.evaluate(() => document.activeElement.id), 'answer-text');
    await op.keyboard.press('Control+End');
    await op.keyboard.type(' Спасибо!');
    await op.keyboard.press('Tab');
    assert.equal(await op.evaluate(() => document.activeElement.id), 'do-answer');
    await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
    assert.match(await op.textContent('#status'), /Дан ответ/);

    await citizen.goto(`${server.url}/reports/${id}`);
    assert.match(await citizen.textContent('#official-answer'), /выполнены\. Спасибо, что помогаете городу\. Спасибо!/);
    const tl = await citizen.textContent('#timeline');
    assert.match(tl, /Зарегистрировано/);
    assert.match(tl, /Официальный ответ/);
    await checkPage(citizen, 'report with an answer');
    await citizen.click('#fixed-yes');
    await citizen.waitForSelector('#fixed-state');
    assert.match(await citizen.textContent('#fixed-state'), /проблема решена/);
    assert.equal(await citizen.locator('#fixed-form').count(), 0, 'asked once');
    // Another device sees the verdict but not the question.
    const other = await newPage(browser);
    await other.goto(`${server.url}/reports/${id}`);
    assert.match(await other.textContent('#fixed-state'), /проблема решена/);
    assert.equal(await other.locator('#fixed-form').count(), 0);
  });

  test('reject with a reason, forward to another agency, extend with a reason', async () => {
    const citizen = await newPage(browser);
    const r1 = await report(citizen, 'pothole', 'Повторное: яма');
    const r2 = await report(citizen, 'pothole', 'Не горит фонарь у дома 5');
    const r3 = await report(citizen, 'snow', 'Не убран снег во дворе');
    const op = await signedIn('op');

    await op.goto(`${server.url}/desk/reports/${r1}`);
    await op.selectOption('#reject-reason', 'duplicate');
    await op.click('#do-reject');
    await op.waitForSelector('#flash');
    await citizen.goto(`${server.url}/reports/${r1}`);
    assert.match(await citizen.textContent('.status'), /Отклонено/);
    assert.match(await citizen.textContent('#timeline'), /повторное обращение/);

    await op.goto(`${server.url}/desk/reports/${r2}`);
    await op.selectOption('#forward-agency', 'light');
    await op.fill('#forward-reason', 'Это освещение, не дороги');
    await op.click('#do-forward');
    await op.waitForSelector('#flash');
    const op2 = await signedIn('op2');
    assert.equal(await op2.locator(`#queue tr[data-id="${r2}"]`).count(), 1, 'in the new agency\'s queue');
    await citizen.goto(`${server.url}/reports/${r2}`);
    assert.match(await citizen.textContent('#timeline'), /Это освещение, не дороги/);

    const boss = await signedIn('boss');
    await boss.goto(`${server.url}/desk/reports/${r3}`);
    await boss.click('#do-register');
    await boss.waitForSelector('#flash');
    await boss.fill('#extend-days', '10');
    await boss.fill('#extend-reason', 'Нужна техника подрядчика');
    await boss.click('#do-extend');
    await boss.waitForSelector('#flash');
    await checkPage(boss, 'desk report (head)');
    await citizen.goto(`${server.url}/reports/${r3}`);
    assert.match(await citizen.textContent('#extension'), /Нужна техника подрядчика/);
    assert.match(await citizen.textContent('#timeline'), /Срок продлён[\s\S]*Нужна техника подрядчика/);
  });

  test('bulk register and CSRF refusal', async () => {
    const citizen = await newPage(browser);
    const a = await report(citizen, 'road_sign', 'Знак упал');
    const b = await report(citizen, 'road_sign', 'Знак погнут');
    const op = await signedIn('op');
    await op.check(`#sel-${a}`);
    await op.check(`#sel-${b}`);
    await op.click('#bulk-register');
    await op.waitForSelector('#flash');
    assert.match(await op.textContent('#flash'), /Зарегистрировано — 2/);
    // The same action without the session's token is refused.
    const status = await op.evaluate(async (id) => {
      const res = await fetch(`/desk/reports/${id}/note`, { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'text=hello' });
      return res.status;
    }, a);
    assert.equal(status, 403);
    const forged = await op.evaluate(async (id) => {
      const res = await fetch(`/desk/reports/${id}/note`, { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'text=hello&csrf=0000000000000000000000000000000000000000000' });
      return res.status;
    }, a);
    assert.equal(forged, 403);
  });

  test('a moderator hides a comment', async () => {
    const citizen = await newPage(browser);
    const id = await report(citizen, 'garbage', 'Переполнены баки');
    await citizen.goto(`${server.url}/reports/${id}`);
    await citizen.fill('#c-body', 'Спам-комментарий для скрытия');
    await citizen.click('#comment-form button[type="submit"]');
    await citizen.waitForSelector('#comment-list li');
    const mod = await signedIn('mod');
    assert.match(mod.url(), /\/desk\/moderation$/);
    await checkPage(mod, 'moderation');
    const item = mod.locator('#recent li', { hasText: 'Спам-комментарий для скрытия' });
    await item.locator('input[name="reason"]').fill('Спам: реклама');
    await item.locator('button').click();
    await mod.waitForSelector('#flash');
    assert.equal(await mod.locator('#hidden li', { hasText: 'Спам-комментарий' }).count(), 1);
    await citizen.goto(`${server.url}/reports/${id}`);
    assert.equal(await citizen.locator('#comment-list li', { hasText: 'Спам-комментарий' }).count(), 0);
    // A moderator has no agency desk.
    const res = await mod.goto(`${server.url}/desk`);
    assert.equal(res.status(), 403);
  });

  test('an administrator creates a user and a key and uploads an area', async () => {
    const admin = await signedIn('root');
    for (const p of ['/admin', '/admin/users', '/admin/keys', '/admin/services', '/admin/outbox']) {
      await admin.goto(`${server.url}${p}`);
      await checkPage(admin, p);
    }
    await admin.goto(`${server.url}/admin/users`);
    await admin.fill('#u-login', 'newop');
    await admin.fill('#u-password', PASSWORD);
    await admin.selectOption('#u-role', 'operator');
    await admin.selectOption('#u-agencies', ['waste']);
    await admin.click('#u-create');
    await admin.waitForSelector('#flash');
    assert.match(await admin.textContent('#users'), /newop[\s\S]*operator[\s\S]*waste/);

    await admin.goto(`${server.url}/admin/keys`);
    await admin.fill('#k-name', 'CRM управы');
    await admin.click('#k-create');
    const key = await admin.textContent('#new-key');
    assert.match(key, /^vk_[A-Za-z0-9_-]{20,}$/);
    assert.match(await admin.textContent('#keys'), /CRM управы/);
    await admin.goto(`${server.url}/admin/keys`);
    assert.equal(await admin.locator('#new-key').count(), 0, 'the key is shown once');

    await admin.goto(`${server.url}/admin/agencies`);
    await admin.waitForSelector('#agency-map[data-ready="1"]');
    const before = Number(await admin.getAttribute('#agency-map', 'data-areas'));
    const file = join(server.dir, 'area.geojson');
    writeFileSync(file, JSON.stringify({ type: 'Feature', properties: {}, geometry: {
      type: 'Polygon', coordinates: [[[39.80, 57.60], [39.90, 57.60], [39.90, 57.66], [39.80, 57.60]]] } }));
    await admin.selectOption('#area-agency', 'roads');
    await admin.setInputFiles('#area-file', file);
    await admin.click('#area-upload');
    await admin.waitForSelector('#flash');
    assert.match(await admin.textContent('#flash'), /уже распределяются/);
    await admin.waitForSelector('#agency-map[data-ready="1"]');
    assert.equal(Number(await admin.getAttribute('#agency-map', 'data-areas')), before + 1, 'the new area is on the map');
    assert.ok(await admin.locator('#agency-map path.leaflet-interactive').count() >= before + 1);
    await checkPage(admin, '/admin/agencies');
    await shot(admin, 'admin-agencies');
    // An invalid ring is refused with the reason.
    writeFileSync(file, '{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}');
    await admin.selectOption('#area-agency', 'roads');
    await admin.setInputFiles('#area-file', file);
    const [resp] = await Promise.all([admin.waitForNavigation(), admin.click('#area-upload')]);
    assert.equal(resp.status(), 400);
    assert.match(await admin.textContent('[role="alert"]'), /area/);
    // An operator may not open the administrators' pages.
    const op = await signedIn('op');
    const res = await op.goto(`${server.url}/admin/users`);
    assert.equal(res.status(), 403);
  });

  test('the desk on a phone-sized screen', async () => {
    const op = await signedIn('op', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await op.waitForSelector('#queue');
    const wide = await op.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, 'no sideways scrolling');
    await checkPage(op, 'desk on a phone');
  });
});
