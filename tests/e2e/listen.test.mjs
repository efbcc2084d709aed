// listen.test.mjs: the analysts' list of listening (docs/listening.md) in
// headless Chromium against the real server: posts seeded through the
// import API (a Telegram export), a moderator signs in, filters by sentiment
// and by a saved query, opens a post, downloads the CSV, reads the trends
// page (charts, their table, a query's series, its CSV, subscribing to and
// ending spike e-mail); axe-core on every
// page, and the list on a 360x740 screen without sideways scrolling.  An
// administrator adds a source and uploads an export on /admin/sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  axeProblems, launch, newPage, skipReason, startClockedServer, VECHE_BIN,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';

const MESSAGES = [
  'Отвратительная яма на дороге у школы, ужас, никто ничего не делает',
  'Огромное спасибо коммунальщикам, отличная работа, двор стал замечательным!',
  'Сегодня в парке прошёл концерт',
  'Опять яма во дворе, колесо пробил, позор',
];

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
}

describe('listening: the analysts\' list', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, db, key, queryId;

  function cli(...args) {
    const r = spawnSync(VECHE_BIN, args, { env: { ...process.env, VECHE_PWHASH_FAST: '1' },
      input: `${PASSWORD}\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, `veche ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }

  async function api(path, fields) {
    const body = new URLSearchParams({ api_key: key, ...fields });
    const res = await fetch(`${server.url}${path}`, { method: 'POST', body });
    const json = await res.json();
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  // The posts the API reports for params, as a set of ids.
  async function ids(params = {}) {
    const q = new URLSearchParams({ api_key: key, ...params });
    const res = await fetch(`${server.url}/api/v1/posts.json?${q}`);
    return new Set((await res.json()).posts.map((p) => String(p.id)));
  }

  async function rowIds(page) {
    return new Set(await page.$$eval('#posts tbody tr', (trs) => trs.map((t) => t.id.replace('post-', ''))));
  }

  async function signedIn(login, opts = {}) {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...opts });
    await page.goto(`${server.url}/login`);
    await page.fill('#login', login);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    return page;
  }

  before(async () => {
    process.env.VECHE_PWHASH_FAST = '1';
    // Feeds on loopback need it (docs/listening.md); none is fetched here.
    // The imported posts are stamped 09:00 on 2026-06-15 (Moscow), and the
    // trends are read for that day: the server's clock is that day's,
    // whatever VECHE_TEST_CLOCK says.
    ({ server } = await startClockedServer(Date.parse('2026-06-15T10:00:00+03:00') / 1000,
      ['--fetch-allow-private']));
    db = server.db;
    cli('user', 'create', '--db', db, '--login', 'mod', '--role', 'moderator');
    cli('user', 'create', '--db', db, '--login', 'root', '--role', 'admin');
    key = cli('apikey', 'create', '--db', db, '--name', 'e2e-listen');
    await api('/api/v1/sources', { name: 'tg-chat', kind: 'telegram' });
    queryId = (await api('/api/v1/queries', { name: 'ямы', query: 'яма OR ямы' })).id;
    const doc = { name: 'Чат', type: 'public_supergroup', id: 5,
      messages: MESSAGES.map((text, i) => ({ id: i + 1, type: 'message',
        date_unixtime: String(1781503200 + i * 60), from_id: `user${i + 1}`,
        from: 'Имя Фамилия', text })) };
    const form = new FormData();
    form.append('api_key', key);
    form.append('source', 'tg-chat');
    form.append('file', new Blob([JSON.stringify(doc)], { type: 'application/json' }), 'result.json');
    const res = await fetch(`${server.url}/api/v1/posts/import`, { method: 'POST', body: form });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal(JSON.parse(text).added, MESSAGES.length);
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('a moderator filters the list, opens a post and downloads the CSV', async () => {
    const page = await signedIn('mod');
    await page.goto(`${server.url}/listen`);
    assert.deepEqual(await rowIds(page), await ids(), 'every post is listed');
    assert.equal((await rowIds(page)).size, MESSAGES.length);
    assert.doesNotMatch(await page.textContent('main'), /Фамилия/, 'no display name of the author');
    await checkPage(page, '/listen');

    // By sentiment: the same posts the API calls negative, and not all.
    await page.selectOption('#f-sentiment', 'negative');
    await Promise.all([page.waitForNavigation(), page.click('#listen-filters button[type="submit"]')]);
    const negative = await ids({ sentiment: 'negative' });
    assert.ok(negative.size > 0 && negative.size < MESSAGES.length, 'some posts are negative, some not');
    assert.deepEqual(await rowIds(page), negative);
    assert.equal(await page.locator('#posts tbody .sentiment-negative').count(), negative.size);

    // By saved query (and no sentiment): the posts about potholes.
    await page.selectOption('#f-sentiment', '');
    await page.selectOption('#f-query', String(queryId));
    await Promise.all([page.waitForNavigation(), page.click('#listen-filters button[type="submit"]')]);
    const potholes = await ids({ query: String(queryId) });
    assert.equal(potholes.size, 2, 'two posts name a pothole');
    assert.deepEqual(await rowIds(page), potholes);

    // The CSV of the list as filtered.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#listen-csv')]);
    assert.equal(download.suggestedFilename(), 'posts.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0], /^id,published,source,url,author,sentiment/);
    assert.equal(lines.length, 1 + potholes.size);
    assert.match(csv, /Отвратительная яма/);
    assert.doesNotMatch(csv, /концерт/);

    // A post's page with its analysis.
    const first = [...potholes][0];
    await Promise.all([page.waitForNavigation(), page.click(`#post-${first} a`)]);
    assert.match(page.url(), new RegExp(`/listen/posts/${first}$`));
    assert.match(await page.textContent('#post-text'), /яма/i);
    assert.match(await page.textContent('#post-queries'), /ямы/);
    assert.match(await page.textContent('#post-sentiment'), /\S/);
    await checkPage(page, 'a post');
  });

  test('the trends page shows the charts and their table', async () => {
    const page = await signedIn('mod');
    await page.goto(`${server.url}/listen`);
    await Promise.all([page.waitForNavigation(), page.click('#listen-trends')]);
    assert.match(page.url(), /\/listen\/trends$/);
    // Two server-drawn charts, each named for assistive technology.
    for (const id of ['chart-volume', 'chart-share']) {
      assert.equal(await page.getAttribute(`#${id}`, 'role'), 'img');
      assert.match(await page.textContent(`#${id} title`), /\S/);
      assert.match(await page.textContent(`#${id} desc`), /2026-06-15/);
    }
    assert.equal(await page.locator('#chart-volume rect').count(), 1, 'one day with posts');
    // The data behind the charts: today's row counts every post.
    await page.click('#trend-data summary');
    const row = page.locator('#trend-table tbody tr', { hasText: '2026-06-15' });
    const cells = await row.locator('td').allTextContents();
    const negative = (await ids({ sentiment: 'negative' })).size;
    assert.deepEqual(cells.slice(1, 3), [String(MESSAGES.length), String(negative)]);
    await checkPage(page, '/listen/trends');
    // The series of a saved query.
    await page.selectOption('#t-query', String(queryId));
    await Promise.all([page.waitForNavigation(), page.click('#trends-filters button[type="submit"]')]);
    await page.click('#trend-data summary');
    const q = await page.locator('#trend-table tbody tr', { hasText: '2026-06-15' }).locator('td').allTextContents();
    assert.equal(q[1], '2', 'two posts name a pothole');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trends-csv')]);
    assert.equal(download.suggestedFilename(), 'trends.csv');
    assert.match(readFileSync(await download.path(), 'utf8'), /^date,series,key,posts,negative,negative_share\r\n/);
    // Spike e-mail: subscribe to this query's spikes, see it listed, end it.
    assert.equal(await page.isChecked('#sm-this'), true, 'the series shown is offered first');
    await page.fill('#sm-email', 'mod@city.test');
    await Promise.all([page.waitForNavigation(), page.click('#spike-mail-form button[type="submit"]')]);
    assert.match(await page.textContent('#spike-subs'), /mod@city\.test/);
    await checkPage(page, '/listen/trends with a spike subscription');
    await Promise.all([page.waitForNavigation(), page.click('#spike-subs button[type="submit"]')]);
    assert.equal(await page.locator('#spike-subs-empty').count(), 1);
  });

  test('an administrator adds a source and uploads an export', async () => {
    const page = await signedIn('root');
    await page.goto(`${server.url}/listen/sources`);
    await Promise.all([page.waitForNavigation(), page.click('#manage-sources')]);
    assert.match(page.url(), /\/admin\/sources$/);
    await checkPage(page, '/admin/sources');
    await page.fill('#source-name', 'vk-group');
    await page.selectOption('#source-kind', 'vk');
    await Promise.all([page.waitForNavigation(), page.click('#source-add')]);
    assert.match(await page.textContent('#flash'), /добавлен/);
    assert.match(await page.textContent('#admin-sources'), /vk-group/);
    // A wrong shape: refused whole, the error names the JSON path.
    const file = join(server.dir, 'wall.json');
    writeFileSync(file, JSON.stringify({ response: { items: [
      { id: 1, owner_id: -3, date: 'вчера', text: 'Нет света' }] } }));
    await page.selectOption('#import-source', 'vk-group');
    await page.setInputFiles('#import-file', file);
    let [resp] = await Promise.all([page.waitForNavigation(), page.click('#import-upload')]);
    assert.equal(resp.status(), 400);
    assert.match(await page.textContent('main'), /response\.items\[0\]\.date/);
    await page.goto(`${server.url}/admin/sources`);
    writeFileSync(file, JSON.stringify({ response: { items: [
      { id: 1, owner_id: -3, date: 1781503200, text: 'Нет света на улице' }] } }));
    await page.selectOption('#import-source', 'vk-group');
    await page.setInputFiles('#import-file', file);
    [resp] = await Promise.all([page.waitForNavigation(), page.click('#import-upload')]);
    assert.equal(resp.status(), 200);
    assert.match(await page.textContent('#flash'), /публикаций: 1$/);
    await checkPage(page, '/admin/sources after an upload');
  });

  test('the list on a 360x740 screen', async () => {
    const page = await signedIn('mod', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(`${server.url}/listen`);
    await page.waitForSelector('#posts');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, 'no sideways scrolling');
    await checkPage(page, '/listen on a phone');
    await page.goto(`${server.url}/listen/posts/${[...await ids()][0]}`);
    const wide2 = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide2, false, 'no sideways scrolling on a post');
    await page.goto(`${server.url}/listen/trends`);
    await page.click('#trend-data summary');
    const wide3 = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide3, false, 'no sideways scrolling on the trends page');
    await checkPage(page, '/listen/trends on a phone');
  });
});
