// incidents.test.mjs: an incident from post to answer (docs/listening.md,
// "Incidents") in headless Chromium against the real server: a VK export
// is uploaded, a moderator opens a post and makes it an incident with the
// form (the service prefilled, the place chosen on the map, then typed),
// the report page shows the author's handle, the source link and the
// reaction clock; an
// administrator answers on the desk (the incident listed first, with its
// clock); the outbox delivers incident.answered to a webhook receiver on
// loopback.  axe-core on every page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  createUser, launch, newPage, pageProblems, signIn, skipReason, startClockedServer,
  VECHE_BIN,
} from './harness.mjs';

const TEXT = 'Огромная яма на дороге у школы, колесо пробил, никто не чинит уже месяц';

describe('incidents: post, report, answer, outbox event', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, key, receiver, delivered;

  // A POST with the API key; its JSON answer.
  async function withKey(path, fields) {
    const res = await fetch(`${server.url}${path}`, { method: 'POST',
      body: new URLSearchParams({ api_key: key, ...fields }) });
    const text = await res.text();
    assert.ok(res.status < 300, `${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  before(async () => {
    process.env.VECHE_PWHASH_FAST = '1';
    // The connector: resolves delivered with the first incident.answered.
    delivered = new Promise((resolve) => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => { body += d; });
        req.on('end', () => {
          res.writeHead(200, { 'Content-Length': '0' });
          res.end();
          const doc = JSON.parse(body);
          if (doc.event === 'incident.answered') resolve(doc);
        });
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    // The post is stamped 2026-06-15 09:00 (Moscow) and its first answer is
    // due a day later: the server's clock is an hour after it, whatever
    // VECHE_TEST_CLOCK says.
    ({ server } = await startClockedServer(Date.parse('2026-06-15T10:00:00+03:00') / 1000,
      ['--retry-base-ms', '100', '--retry-cap-ms', '400',
        '--webhook-allow-private']));
    createUser(server, 'mod', 'moderator');
    createUser(server, 'root', 'admin');
    const made = spawnSync(VECHE_BIN, ['apikey', 'create', '--db', server.db,
      '--name', 'e2e-incidents'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    key = made.stdout.trim();
    await withKey('/api/v1/webhooks', { url: `http://127.0.0.1:${receiver.address().port}/vk`,
      secret: 'e2e-secret-0123456789', events: 'incident.answered' });
    await withKey('/api/v1/sources', { name: 'vk-city', kind: 'vk' });
    const doc = { response: { count: 1, items: [
      { id: 41, owner_id: -7, from_id: 3, date: 1781503200, text: TEXT }],
    profiles: [{ id: 3, first_name: 'Мария', last_name: 'Лебедева', screen_name: 'masha_l' }] } };
    const form = new FormData();
    form.append('api_key', key);
    form.append('source', 'vk-city');
    form.append('file', new Blob([JSON.stringify(doc)], { type: 'application/json' }), 'wall.json');
    const res = await fetch(`${server.url}/api/v1/posts/import`, { method: 'POST', body: form });
    assert.equal(res.status, 200, await res.text());
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (receiver) receiver.close();
  });

  test('a moderator makes an incident, an administrator answers, the connector hears of it', async () => {
    const q = new URLSearchParams({ api_key: key });
    const post = (await (await fetch(`${server.url}/api/v1/posts.json?${q}`)).json()).posts[0];
    // A point inside the city: one of the demo reports'.
    const demo = (await (await fetch(`${server.url}/open311/v2/requests.json`)).json())
      .find((r) => r.lat != null);

    const mod = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(mod, server, 'mod');
    await mod.goto(`${server.url}/listen/posts/${post.id}`);
    await mod.waitForSelector('#incident-form');
    assert.notEqual(await mod.inputValue('#i-service'), '', 'a service is prefilled');
    await pageProblems(mod, 'a post with the incident form');
    // The text names no address: the place is chosen on the map, which
    // fills the coordinates and shows the pin; typed ones move it.
    assert.equal(await mod.inputValue('#i-lat'), '', 'no point in the text');
    await mod.waitForSelector('#i-pick-map.leaflet-container');
    await mod.click('#i-pick-map');
    await mod.waitForSelector('#i-pick-map .pin.chosen');
    const [la, lo] = [Number(await mod.inputValue('#i-lat')), Number(await mod.inputValue('#i-lon'))];
    const b = (await mod.getAttribute('#i-pick-map', 'data-bounds')).split(',').map(Number);
    assert.ok(la >= b[0] && la <= b[2] && lo >= b[1] && lo <= b[3],
      `the clicked point ${la},${lo} lies in the city's bounds ${b}`);
    await pageProblems(mod, 'a post with a place chosen on the map');
    await mod.fill('#i-lat', String(demo.lat));
    await mod.fill('#i-lon', String(demo.long));
    await mod.dispatchEvent('#i-lon', 'change');
    assert.equal(Number(await mod.inputValue('#i-lat')).toFixed(4), Number(demo.lat).toFixed(4));
    await Promise.all([mod.waitForNavigation(), mod.click('#incident-make')]);
    const m = mod.url().match(/\/reports\/(\d+)$/);
    assert.ok(m, `on the report's page: ${mod.url()}`);
    const id = m[1];
    assert.equal(await mod.textContent('#incident-author'), '@masha_l в VK');
    assert.equal(await mod.getAttribute('#incident-source', 'href'), post.url);
    assert.match(await mod.textContent('#incident-clock'), /ожидается в течение 23 ч/);
    assert.doesNotMatch(await mod.textContent('main'), /Лебедева|Мария/, 'no private name');
    await pageProblems(mod, 'the incident\'s report');
    // The post now links to it, and a second try is refused.
    await mod.goto(`${server.url}/listen/posts/${post.id}`);
    assert.equal(await mod.getAttribute('#post-incident a', 'href'), `/reports/${id}`);
    await pageProblems(mod, 'a post made an incident');

    const root = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(root, server, 'root');
    await root.goto(`${server.url}/desk`);
    const first = await root.getAttribute('#incidents tbody tr:first-child', 'data-id');
    assert.equal(first, id, 'the incident heads the desk\'s incidents');
    assert.match(await root.textContent('#incidents'), /ожидается в течение 23 ч/);
    await pageProblems(root, 'the desk with an incident');
    await root.goto(`${server.url}/desk/reports/${id}`);
    await Promise.all([root.waitForNavigation(), root.click('#do-register')]);
    await root.fill('#answer-text', 'Яму заделаем до пятницы');
    await Promise.all([root.waitForNavigation(), root.click('#do-answer')]);
    assert.match(await root.textContent('#status'), /Дан ответ/);
    assert.match(await root.textContent('#incident-clock'), /дан через 1 ч/);
    await pageProblems(root, 'the desk report of an answered incident');

    const event = await delivered;
    assert.equal(event.incident.source_url, post.url);
    assert.equal(event.incident.external_id, 'vk:wall-7_41');
    assert.equal(event.incident.answer, 'Яму заделаем до пятницы');
    assert.match(event.incident.report_url, new RegExp(`/reports/${id}$`));
    assert.equal(event.report.service_request_id, Number(id));

    await mod.goto(`${server.url}/reports/${id}`);
    assert.match(await mod.textContent('#official-answer'), /Яму заделаем до пятницы/);
  });
});
