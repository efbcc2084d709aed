// proposals.test.mjs: a proposal's journey in headless Chromium, with a
// small threshold (serve --proposals 2/30): a citizen proposes from the
// header's link, two others support it, the second support opens the
// review with the answer's deadline, a moderator publishes the official
// answer; "Propose a lasting fix" on a report; an administrator publishes
// a "what we changed" note on an agency's page, and the report shows it.
// axe-core on every page; at 360x740 no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { clickAndLoad as submit, createUser, launch, newPage, pageProblems,
  PHONE as phone, phoneCheck as check, signIn, skipReason, startClockedServer }
  from './harness.mjs';

describe('proposals', { skip: skipReason }, () => {
  let server;
  let browser;

  before(async () => {
    // The answer's date below (15.07.2026) is counted from this day.
    ({ server } = await startClockedServer(Date.parse('2026-06-15T10:00:00+03:00') / 1000,
      ['--proposals', '2/30']));
    browser = await launch();
    createUser(server, 'author', 'citizen');
    createUser(server, 'fan1', 'citizen');
    createUser(server, 'fan2', 'citizen');
    createUser(server, 'moder', 'moderator');
    createUser(server, 'boss', 'admin');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('propose, support to the threshold, official answer', async () => {
    const author = await newPage(browser, phone);
    await signIn(author, server, 'author');
    await author.goto(`${server.url}/reports`);
    await submit(author, '#nav-proposals');
    assert.match(author.url(), /\/proposals$/);
    assert.match(await author.textContent('#proposal-rule'), /2.*30/);
    await check(author, '/proposals');
    await submit(author, '#proposal-new');
    await check(author, '/proposals/new');
    await author.fill('#p-title', 'Скамейки на набережной');
    await author.fill('#p-text', 'Поставить скамейки через каждые 200 метров.');
    await submit(author, '#proposal-submit');
    assert.match(author.url(), /\/proposals\/\d+\?done=created$/);
    const path = new URL(author.url()).pathname;
    assert.match(await author.textContent('#proposal-state'), /Сбор поддержки/);
    assert.equal(await author.getAttribute('#proposal-progress', 'value'), '0');
    assert.equal(await author.locator('#proposal-edit').count(), 1);
    await check(author, 'the new proposal');

    const fan1 = await newPage(browser, phone);
    await signIn(fan1, server, 'fan1');
    await fan1.goto(`${server.url}${path}`);
    await submit(fan1, '#support-button');
    assert.match(await fan1.textContent('#proposal-flash'), /поддержка учтена/);
    assert.equal(await fan1.locator('#proposal-supported').count(), 1);
    assert.equal(await fan1.getAttribute('#proposal-progress', 'value'), '1');
    await check(fan1, 'a supported proposal');

    // The author can no longer edit; the second support reaches 2.
    await author.goto(`${server.url}${path}`);
    assert.equal(await author.locator('#proposal-edit').count(), 0);
    const fan2 = await newPage(browser, phone);
    await signIn(fan2, server, 'fan2');
    await fan2.goto(`${server.url}${path}`);
    await submit(fan2, '#support-button');
    assert.match(await fan2.textContent('#proposal-flash'), /Порог достигнут/);
    assert.match(await fan2.textContent('#proposal-state'), /На рассмотрении/);
    assert.match(await fan2.textContent('#proposal-due'), /15\.07\.2026/);
    await check(fan2, 'a proposal under review');

    // The official answer, published with its reasons.
    const moder = await newPage(browser);
    await signIn(moder, server, 'moder');
    await moder.goto(`${server.url}${path}`);
    await check(moder, 'a proposal under review (moderator)');
    await moder.check('#decision-form input[value="accepted"]');
    await moder.fill('#d-reason', 'Скамейки включены в план благоустройства.');
    await submit(moder, '#decision-submit');
    assert.match(await moder.textContent('#proposal-state'), /Принято/);
    assert.match(await moder.textContent('#proposal-reason'), /план благоустройства/);
    await fan1.goto(`${server.url}${path}?lang=en`);
    assert.match(await fan1.textContent('#proposal-state'), /Accepted/);
    await check(fan1, 'an accepted proposal (English)');
    await fan1.goto(`${server.url}/proposals?state=accepted&sort=supports`);
    assert.equal(await fan1.locator(`#proposal-list a[href="${path}"]`).count(), 1);
    await check(fan1, '/proposals?state=accepted');
  });

  test('from a report, and a "what we changed" note', async () => {
    const author = await newPage(browser, phone);
    await signIn(author, server, 'author');
    await author.goto(`${server.url}/reports/1`);
    await submit(author, '#propose-fix');
    assert.match(author.url(), /\/proposals\/new\?report=1$/);
    assert.match(await author.textContent('#proposal-from'), /1/);
    await author.fill('#p-title', 'Решить навсегда');
    await author.fill('#p-text', 'Заменить покрытие целиком.');
    await submit(author, '#proposal-submit');
    assert.equal(await author.locator('#proposal-from a[href="/reports/1"]').count(), 1);
    await check(author, 'a proposal from a report');

    const boss = await newPage(browser);
    await signIn(boss, server, 'boss');
    await boss.goto(`${server.url}/agencies/uk_kirovsky`);
    await boss.fill('#n-title', 'Новый подрядчик по дворам');
    await boss.fill('#n-text', 'Сменили подрядчика после жалоб.');
    await boss.fill('#n-reports', '1');
    await submit(boss, '#note-form button[type="submit"]');
    assert.match(await boss.textContent('#note-list'), /Новый подрядчик по дворам/);
    await pageProblems(boss, 'the agency page with a note');
    await author.goto(`${server.url}/reports/1`);
    assert.match(await author.textContent('#report-notes'), /Новый подрядчик по дворам/);
    await check(author, 'a report with a note');
  });
});
