// help.test.mjs: the help map's journey in headless Chromium: an
// administrator opens a situation, a citizen posts a need, another an
// offer (both without an account), a volunteer signs in, sees the offer
// among the need's matches, takes the need, sees its contact and marks it
// done.  axe-core on every page; at 360x740 no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createUser, launch, newPage, noSideScroll, pageProblems, signIn,
  skipReason, startServer } from './harness.mjs';

// The demo city's centre, roughly: read from the home page's map bounds.
async function cityCentre(page, server) {
  await page.goto(`${server.url}/`);
  const b = (await page.getAttribute('#map', 'data-bounds')).split(',').map(Number);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

async function post(page, server, fields) {
  await page.goto(`${server.url}/help/flood`);
  await page.check(`#help-form input[name="type"][value="${fields.type}"]`);
  await page.check(`#help-form input[name="kind"][value="${fields.kind}"]`);
  await page.fill('#p-count', fields.count);
  await page.fill('#p-desc', fields.description);
  await page.fill('#p-lat', String(fields.lat));
  await page.fill('#p-lon', String(fields.lon));
  await page.fill('#p-name', fields.name);
  await page.fill('#p-phone', fields.phone);
  await Promise.all([page.waitForNavigation(), page.click('#help-submit')]);
  assert.match(page.url(), /\/help\/flood\/posts\/\d+\?posted=1$/);
  return Number(page.url().match(/posts\/(\d+)/)[1]);
}

describe('help map', { skip: skipReason }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
    createUser(server, 'coordinator', 'admin');
    createUser(server, 'volunteer', 'citizen');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('open, post a need and an offer, match, take, see the contact, done', async () => {
    const phone = { viewport: { width: 360, height: 740 } };
    const admin = await newPage(browser);
    const centre = await cityCentre(admin, server);
    await signIn(admin, server, 'coordinator');
    await admin.goto(`${server.url}/`);
    await admin.click('#nav-help');
    await admin.waitForURL(/\/help$/);
    await pageProblems(admin, '/help (admin)');
    await admin.fill('#s-slug', 'flood');
    await admin.fill('#s-title', 'Паводок');
    await admin.fill('#s-lat', String(centre[0]));
    await admin.fill('#s-lon', String(centre[1]));
    await admin.fill('#s-radius', '20000');
    await Promise.all([admin.waitForNavigation(),
      admin.click('#situation-form button[type="submit"]')]);
    assert.match(admin.url(), /\/help\/flood$/);
    await admin.waitForSelector('#help-map[data-ready="1"]');
    await pageProblems(admin, '/help/flood (admin)');

    // A citizen on a phone posts a need, another an offer nearby.
    const citizen = await newPage(browser, phone);
    const need = await post(citizen, server, { type: 'need', kind: 'water',
      count: '5', description: 'Пять человек без воды', lat: centre[0],
      lon: centre[1], name: 'Ольга Нуждина', phone: '+7 900 123-45-67' });
    assert.match(await citizen.textContent('#help-badges'), /Срочно/);
    assert.match(await citizen.textContent('#help-badges'), /Не проверено/);
    assert.equal(await citizen.locator('#help-contact').count(), 0);
    await pageProblems(citizen, 'the need');
    await noSideScroll(citizen, 'the need');
    const giver = await newPage(browser, phone);
    const offer = await post(giver, server, { type: 'offer', kind: 'water',
      count: '20', description: 'Есть 20 бутылей', lat: centre[0] + 0.003,
      lon: centre[1], name: 'Игорь Дающий', phone: '+7 900 765-43-21' });
    await giver.goto(`${server.url}/help/flood`);
    await giver.waitForSelector('#help-map[data-ready="1"]');
    assert.equal(await giver.getAttribute('#help-map', 'data-count'), '2');
    assert.equal(await giver.locator('.help-marker.is-urgent').count() +
      await giver.locator('.marker-cluster').count() > 0, true);
    await pageProblems(giver, '/help/flood (phone)');
    await noSideScroll(giver, '/help/flood');

    // The volunteer signs in, sees the offer among the matches, takes it.
    const vol = await newPage(browser, phone);
    await signIn(vol, server, 'volunteer');
    await vol.goto(`${server.url}/help/flood/posts/${need}`);
    const matches = await vol.locator('#help-matches a').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(matches, [`/help/flood/posts/${offer}`]);
    assert.equal(await vol.locator('#help-contact').count(), 0);
    await pageProblems(vol, 'the need (volunteer)');
    await Promise.all([vol.waitForNavigation(), vol.click('#help-take button')]);
    assert.match(await vol.textContent('#help-flash'), /Вы взяли просьбу/);
    assert.match(await vol.textContent('#help-contact'), /Ольга Нуждина/);
    assert.match(await vol.textContent('#help-contact'), /123-45-67/);
    await pageProblems(vol, 'the taken need');
    await noSideScroll(vol, 'the taken need');
    await Promise.all([vol.waitForNavigation(), vol.click('#help-done button')]);
    assert.match(await vol.textContent('#help-badges'), /Выполнено/);

    // Nobody else sees the contact, the volunteer's done or not.
    await citizen.goto(`${server.url}/help/flood/posts/${need}`);
    assert.doesNotMatch(await citizen.content(), /123-45-67/);
    await citizen.goto(`${server.url}/help/flood?state=all`);
    assert.doesNotMatch(await citizen.content(), /123-45-67|765-43-21/);
    await noSideScroll(citizen, '/help/flood?state=all');
    await citizen.goto(`${server.url}/help`);
    await pageProblems(citizen, '/help');
    await noSideScroll(citizen, '/help');
  });
});
