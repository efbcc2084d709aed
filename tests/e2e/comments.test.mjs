// comments.test.mjs: the evaluation of comments in headless Chromium
// (docs/participation.md): a citizen comments twice on a proposal, others
// rate the second useful and flag both, the page orders by score (and by
// time on ?order=new), the moderation page lists the heavier-flagged
// comment first, a moderator hides it with a reason, the author sees the
// reason on the proposal's page and appeals, a second moderator restores
// it, and the author sees the decision on the profile reached from "my
// reports".  axe-core on every page; at 360x740 no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { PHONE as phone, clickAndLoad as submit, createUser, launch, newPage,
  phoneCheck as check, signIn, skipReason, startServer } from './harness.mjs';

// Post a comment from the page's form; its id from the answer's address.
async function comment(page, body) {
  await page.fill('#c-body', body);
  await submit(page, '#comment-form button[type="submit"]');
  const m = page.url().match(/#comment-(\d+)$/);
  assert.ok(m, `no comment id in ${page.url()}`);
  return m[1];
}

// The ids of the comments listed, in order.
async function order(page) {
  return page.$$eval('#comment-list > li', (els) => els.map((e) => e.id));
}

describe('comments', { skip: skipReason }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(['--proposals', '3/30']);
    browser = await launch();
    createUser(server, 'writer', 'citizen');
    createUser(server, 'reader1', 'citizen');
    createUser(server, 'reader2', 'citizen');
    createUser(server, 'moda', 'moderator');
    createUser(server, 'modb', 'moderator');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('rate, flag, hide with a reason, appeal, restore', async () => {
    const writer = await newPage(browser, phone);
    await signIn(writer, server, 'writer');
    await writer.goto(`${server.url}/proposals/new`);
    await writer.fill('#p-title', 'Освещение в парке');
    await writer.fill('#p-text', 'Поставить фонари вдоль главной аллеи.');
    await submit(writer, '#proposal-submit');
    const path = new URL(writer.url()).pathname;
    const first = await comment(writer, 'Фонари нужны и у входа.');
    const second = await comment(writer, 'Лучше светодиодные: дешевле.');
    await check(writer, 'a proposal with comments');

    // Two readers find the second useful; both flag it, one the first.
    for (const login of ['reader1', 'reader2']) {
      const r = await newPage(browser, phone);
      await signIn(r, server, login);
      await r.goto(`${server.url}${path}`);
      await submit(r, `#comment-${second} form.comment-vote button[value="yes"]`);
      assert.equal(await r.locator(`#comment-${second} .notice`).count(), 1);
      await submit(r, `#comment-${second} form.comment-flag button`);
      if (login === 'reader1') {
        await submit(r, `#comment-${first} form.comment-flag button`);
      }
      await check(r, `the proposal after ${login}'s marks`);
      await r.context().close();
    }
    // The more useful first; ?order=new lists them oldest first.
    await writer.goto(`${server.url}${path}`);
    assert.deepEqual(await order(writer), [`comment-${second}`, `comment-${first}`]);
    assert.equal(await writer.getAttribute('#order-useful', 'aria-current'), 'true');
    await writer.goto(`${server.url}${path}?order=new`);
    assert.deepEqual(await order(writer), [`comment-${first}`, `comment-${second}`]);
    assert.equal(await writer.getAttribute('#order-new', 'aria-current'), 'true');
    await check(writer, 'the proposal ?order=new');

    // The moderation queue by flags: the twice-flagged comment first.
    const moda = await newPage(browser, phone);
    await signIn(moda, server, 'moda');
    await moda.goto(`${server.url}/desk/moderation`);
    const flagged = await moda.$$eval('#flagged > li', (els) => els.map((e) => e.id));
    assert.deepEqual(flagged, [`flagged-mod-comment-${second}`,
      `flagged-mod-comment-${first}`]);
    await check(moda, '/desk/moderation');
    await moda.fill(`#flagged-reason-${second}`, 'Реклама технологии, п. 3 правил');
    await submit(moda, `#flagged-hide-${second}`);
    assert.match(await moda.textContent('#flash'), /скрыт/i);
    await check(moda, '/desk/moderation after hiding');

    // The author sees why on the proposal's page and appeals.
    await writer.goto(`${server.url}${path}`);
    assert.deepEqual(await order(writer), [`comment-${first}`]);
    assert.match(await writer.textContent(`#hidden-why-${second}`),
      /Реклама технологии, п\. 3 правил/);
    await check(writer, 'the proposal with a hidden comment (author)');
    await writer.fill(`#appeal-text-${second}`, 'Это не реклама: светодиоды дешевле в работе.');
    await submit(writer, `#appeal-send-${second}`);
    const m = writer.url().match(/\/people\/(\d+)#appeal-(\d+)$/);
    assert.ok(m, writer.url());
    const appeal = m[2];
    assert.match(await writer.textContent(`#appeal-state-${appeal}`), /ждёт решения/);
    await check(writer, 'the profile with an open appeal');

    // The moderator who hid it is not the one to decide: another does.
    const modb = await newPage(browser, phone);
    await signIn(modb, server, 'modb');
    await modb.goto(`${server.url}/desk/moderation`);
    assert.match(await modb.textContent(`#mod-appeal-${appeal}`), /светодиоды дешевле/);
    await check(modb, '/desk/moderation with an appeal');
    await modb.fill(`#restore-reason-${appeal}`, 'По теме предложения, скрыт ошибочно');
    await submit(modb, `#restore-${appeal}`);
    assert.match(await modb.textContent('#flash'), /обжалованию принято/);
    assert.equal(await modb.locator(`#mod-appeal-${appeal}`).count(), 0);

    // The author finds the decision on the profile, from "my reports".
    await writer.goto(`${server.url}/my`);
    await submit(writer, '#my-profile');
    assert.match(await writer.textContent(`#appeal-state-${appeal}`),
      /восстановлен.*скрыт ошибочно/);
    assert.equal(await writer.getAttribute(`#appeal-${appeal}`, 'data-state'), 'restored');
    await check(writer, 'the profile with a decided appeal');
    await writer.goto(`${server.url}${path}`);
    assert.equal(await writer.locator(`#comment-${second}`).count(), 1);
    await check(writer, 'the proposal with the restored comment');
  });
});
