// calls.test.mjs: an open call for a public post in headless Chromium
// (docs/participation.md, "Open calls"): an administrator announces a
// call from /calls, a candidate applies through the form, a citizen
// comments on the candidate (the one comment system) and supports them,
// the clock file moves past the discussion, the administrator publishes
// the commission's decision, and the call's page keeps every candidate
// with the supports and the reasons, in Russian and English.
// axe-core on every page; at 360x740 no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { PHONE as phone, clickAndLoad as submit, createUser, launch, newPage,
  phoneCheck as check, signIn, skipReason, startClockedServer }
  from './harness.mjs';

describe('open calls', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, setClock;

  before(async () => {
    ({ server, setClock } = await startClockedServer(
      Date.parse('2026-06-15T10:00:00+03:00') / 1000));
    browser = await launch();
    createUser(server, 'boss', 'admin');
    createUser(server, 'cand', 'citizen');
    createUser(server, 'cit', 'citizen');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('announce, apply, comment and support, decide', async () => {
    const boss = await newPage(browser, phone);
    await signIn(boss, server, 'boss');
    await boss.goto(`${server.url}/reports`);
    await submit(boss, '#nav-calls');
    assert.match(boss.url(), /\/calls$/);
    await check(boss, '/calls (empty)');
    await submit(boss, '#call-new');
    await check(boss, '/calls/new');
    await boss.fill('#c-post', 'Министр транспорта области');
    await boss.fill('#c-body', 'Конкурсная комиссия области');
    await boss.fill('#c-members', 'Иванов И. И. (председатель)\nПетрова А. С.');
    await boss.fill('#c-reqs', 'Высшее образование, стаж от 5 лет.');
    await boss.fill('#c-opens', '2026-06-15');
    await boss.fill('#c-applications_close', '2026-06-17');
    await boss.fill('#c-discussion_close', '2026-06-20');
    await boss.fill('#c-decision', '2026-06-25');
    await submit(boss, '#call-submit');
    assert.match(boss.url(), /\/calls\/\d+\?done=announced$/);
    const callPath = new URL(boss.url()).pathname;
    assert.match(await boss.textContent('#call-phase'), /Приём заявок/);
    assert.match(await boss.textContent('#call-art11'), /ст\. 11 59-ФЗ/);
    await check(boss, 'a call taking applications');

    // A candidate applies through the form.
    const cand = await newPage(browser, phone);
    await signIn(cand, server, 'cand');
    await cand.goto(`${server.url}${callPath}`);
    await submit(cand, '#call-apply');
    await check(cand, 'the application form');
    await cand.fill('#a-name', 'Сергей Дорогин');
    await cand.fill('#a-exp', '12 лет в дорожном хозяйстве');
    await cand.fill('#a-edu', 'МАДИ, инженер путей сообщения');
    await cand.fill('#a-prog', 'Ремонт дорог по графику, открытые торги.');
    await submit(cand, '#apply-submit');
    assert.match(cand.url(), /\/calls\/\d+\/candidates\/\d+\?done=applied$/);
    const candPath = new URL(cand.url()).pathname;
    assert.equal(await cand.locator('#candidate-edit').count(), 1);
    assert.equal(await cand.locator('#withdraw-form').count(), 1);
    await check(cand, 'the candidate\'s own page');

    // A citizen comments (criticism is published) and supports.
    const cit = await newPage(browser, phone);
    await signIn(cit, server, 'cit');
    await cit.goto(`${server.url}${candPath}`);
    await cit.fill('#c-body', 'Программа слабая: нет сроков и денег.');
    await submit(cit, '#comment-form button[type="submit"]');
    assert.equal(new URL(cit.url()).pathname, candPath);
    assert.match(await cit.textContent('#comment-list'), /Программа слабая/);
    await submit(cit, '#support-button');
    assert.match(await cit.textContent('#call-flash'), /поддержка учтена/);
    assert.equal(await cit.textContent('#candidate-supports'), '1');
    assert.equal(await cit.locator('#candidate-supported').count(), 1);
    await check(cit, 'a supported candidate with a comment');

    // The clock moves past the discussion: the decision is pending.
    setClock(Date.parse('2026-06-21T10:00:00+03:00') / 1000);
    await cit.goto(`${server.url}${candPath}`);
    assert.equal(await cit.locator('#support-button').count(), 0);
    const boss2 = await newPage(browser, phone);
    await signIn(boss2, server, 'boss');           // sessions last 12 hours
    await boss2.goto(`${server.url}${callPath}`);
    assert.match(await boss2.textContent('#call-phase'), /Ожидается решение/);
    await check(boss2, 'a call waiting for its decision');
    const cid = candPath.split('/').pop();
    await boss2.selectOption('#d-chosen', cid);
    await boss2.fill('#d-reasons', 'Лучший опыт и ясная программа.');
    await boss2.fill('#d-vote', 'За — 5, против — 1, воздержались — 1.');
    await submit(boss2, '#decision-submit');
    assert.match(await boss2.textContent('#call-phase'), /Решение принято/);
    assert.match(await boss2.textContent('#call-chosen'), /Сергей Дорогин/);
    assert.match(await boss2.textContent('#call-reasons'), /ясная программа/);
    assert.match(await boss2.textContent('#call-vote'), /За — 5/);
    assert.match(await boss2.textContent(`#candidate-${cid}`), /1$/);
    await check(boss2, 'a decided call');

    // Anyone reads it, in English too.
    const anon = await newPage(browser, phone);
    await anon.goto(`${server.url}${callPath}?lang=en`);
    assert.match(await anon.textContent('#call-phase'), /Decided/);
    assert.match(await anon.textContent('#call-art11'), /59-FZ art\. 11/);
    await check(anon, 'a decided call (English)');
    await anon.goto(`${server.url}/calls?lang=en`);
    assert.equal(await anon.locator(`#call-list a[href="${callPath}"]`).count(), 1);
    await check(anon, '/calls (English)');
  });
});
