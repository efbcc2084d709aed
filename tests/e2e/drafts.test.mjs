// drafts.test.mjs: a draft regulation's discussion in headless Chromium:
// the agency's operator publishes a draft (after the preview of its split)
// from the header's link, a citizen comments on a paragraph with a wording,
// another rates the comment useful, the agency answers "partly accepted"
// with a reason, then publishes version 2, whose page marks the inserted
// and deleted words.  axe-core on every page; at 360x740 no page scrolls
// sideways.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PASSWORD, PHONE as phone, VECHE_BIN, clickAndLoad as submit,
  createUser, launch, newPage, phoneCheck as check, signIn, skipReason,
  clockDate, startServer } from './harness.mjs';

const V1 = `Статья 1. Общие положения
1. Дворы убираются ежедневно до 8 часов утра.
2. Снег вывозится в течение суток.

Статья 2. Контроль
Контроль ведёт управа района.
`;

const V2 = `Статья 1. Общие положения
1. Дворы убираются ежедневно до 7 часов утра.
2. Снег вывозится в течение суток.

Статья 2. Контроль
Контроль ведёт управа района и жители.
`;


describe('drafts', { skip: skipReason }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
    const r = spawnSync(VECHE_BIN, ['user', 'create', '--db',
      server.db, '--login', 'clerk', '--role', 'operator',
      '--agency', 'uk_kirovsky'], { input: `${PASSWORD}\n`,
      env: { ...process.env, VECHE_PWHASH_FAST: '1' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    createUser(server, 'reader', 'citizen');
    createUser(server, 'rater', 'citizen');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('publish, comment with a wording, rate, decide, version 2', async () => {
    // The agency publishes, after the preview of the split.
    const clerk = await newPage(browser, phone);
    await signIn(clerk, server, 'clerk');
    await clerk.goto(`${server.url}/reports`);
    await submit(clerk, '#nav-drafts');
    assert.match(clerk.url(), /\/drafts$/);
    await check(clerk, '/drafts');
    await submit(clerk, '#draft-new');
    await check(clerk, '/drafts/new');
    await clerk.fill('#d-title', 'Правила уборки дворов');
    // Five days after the server's day (VECHE_TEST_CLOCK or the default).
    await clerk.fill('#d-closes', clockDate(5));
    await clerk.fill('#d-text', V1);
    await submit(clerk, '#draft-preview-button');
    assert.equal(await clerk.textContent('#preview-paras'), '3');
    await check(clerk, 'the preview');
    await submit(clerk, '#draft-publish');
    assert.match(clerk.url(), /\/drafts\/\d+\?done=created/);
    const draftUrl = clerk.url().replace(/\?.*/, '');
    assert.match(await clerk.textContent('#draft-clock'), /закроется через 5 дн\./);
    await check(clerk, 'the draft');

    // A citizen comments on paragraph 1.1 with a wording.
    const reader = await newPage(browser, phone);
    await signIn(reader, server, 'reader');
    await reader.goto(draftUrl);
    await submit(reader, '#comments-1\\.1');
    assert.match(reader.url(), /\/drafts\/p\/\d+$/);
    await check(reader, 'a paragraph');
    await reader.fill('#dc-body', 'Восемь утра — поздно, люди идут на работу.');
    await reader.fill('#dc-wording', '1. Дворы убираются ежедневно до 7 часов утра.');
    await submit(reader, '#dc-send');
    assert.match(reader.url(), /done=commented/);
    const paraUrl = reader.url().replace(/\?.*/, '');
    assert.match(await reader.innerHTML('.draft-wording'), /<ins>.*7<\/ins>/s);
    assert.match(await reader.innerHTML('.draft-wording'), /<del>.*8<\/del>/s);
    await check(reader, 'a paragraph with a proposal');

    // Another citizen rates the comment useful (the one comment system).
    const rater = await newPage(browser, phone);
    await signIn(rater, server, 'rater');
    await rater.goto(paraUrl);
    await submit(rater, '#comment-list li button[name="useful"][value="yes"]');
    await rater.goto(paraUrl);
    assert.equal(await rater.getAttribute('#comment-list li', 'data-useful'), '1');

    // The agency answers: partly accepted, with the reason.
    await clerk.goto(paraUrl);
    await clerk.check('.draft-decide input[value="partly"]');
    await clerk.fill('.draft-decide textarea', 'Примем 7:30 — компромисс.');
    await submit(clerk, '.draft-decide button[type="submit"]');
    assert.match(await clerk.textContent('.draft-decision'), /Учтено частично/);
    assert.match(await clerk.textContent('.draft-decision'), /компромисс/);
    await check(clerk, 'a decided proposal');

    // The summary, printable.
    await clerk.goto(`${draftUrl}/summary`);
    assert.match(await clerk.textContent('#summary tbody'), /Учтено частично/);
    await check(clerk, 'the summary');

    // Version 2: the diff shows.
    await clerk.goto(draftUrl);
    await submit(clerk, '#draft-new-version');
    await check(clerk, 'the new version form');
    await clerk.fill('#d-text', V2);
    await submit(clerk, '#draft-publish');
    assert.match(clerk.url(), /done=version/);
    assert.match(await clerk.textContent('#draft-version'), /2/);
    const p11 = await clerk.innerHTML('[id="p-1.1"]');
    assert.match(p11, /<del>.*8<\/del>/s);
    assert.match(p11, /<ins>.*7<\/ins>/s);
    assert.match(await clerk.innerHTML('[id="p-2.1"]'), /<ins>.*и жители\.<\/ins>/s);
    await check(clerk, 'version 2');
  });
});
