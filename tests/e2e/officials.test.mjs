// officials.test.mjs: an official's page in headless Chromium at 360 px
// (docs/officials.md): a head of the roads agency turns on her public
// profile, posts a note and asks a question of the day open until 18:00;
// a citizen answers; the clock file moves past 18:00 and the digest shows
// the answers by sentiment and topic.  axe-core on every page; no page
// scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { clickAndLoad as submit, createUser, launch, newPage, PHONE as phone,
  phoneCheck as check, signIn, skipReason, startClockedServer }
  from './harness.mjs';

describe('officials\' pages', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, setClock;
  const start = Date.parse('2026-06-15T10:00:00+03:00') / 1000;

  before(async () => {
    ({ server, setClock } = await startClockedServer(start));
    createUser(server, 'ivanova', 'head', ['roads']);
    createUser(server, 'anna', 'citizen');
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('profile, note, question, answer, digest', async () => {
    const staff = await newPage(browser, phone);
    await signIn(staff, server, 'ivanova');
    await staff.goto(`${server.url}/reports`);
    await submit(staff, '#nav-officials');
    assert.equal(await staff.locator('#officials-none').count(), 1);
    await check(staff, '/officials');
    await submit(staff, '#officials-me');
    assert.equal(await staff.isChecked('#o-public'), false, 'private by default');
    assert.equal(await staff.locator('#note-form').count(), 0);
    await check(staff, '/officials/me');
    await staff.check('#o-public');
    await staff.fill('#o-name', 'Анна Иванова');
    await staff.fill('#o-position', 'Начальник дорожной службы');
    await staff.fill('#o-bio', 'Отвечаю за дороги и тротуары.');
    await staff.fill('#o-email', 'ivanova@mail.test');
    await submit(staff, '#profile-save');
    assert.match(await staff.textContent('#officials-flash'), /Сохранено/);
    await check(staff, 'the saved profile');

    await staff.fill('#n-body', 'Ямочный ремонт на Ленина: https://city.test/plan');
    await submit(staff, '#note-post');
    assert.match(staff.url(), /\/officials\/notes\/\d+$/);
    assert.equal(await staff.getAttribute('#note-text a', 'href'),
      'https://city.test/plan');
    await check(staff, 'a note');

    await staff.goto(`${server.url}/officials/me`);
    await staff.fill('#q-text', 'Что улучшить на дорогах района?');
    assert.equal(await staff.inputValue('#q-closes'), '18:00');
    await submit(staff, '#question-ask');
    assert.match(staff.url(), /\/officials\/questions\/\d+$/);
    const question = new URL(staff.url()).pathname;
    assert.match(await staff.textContent('#question-window'), /18:00/);
    await check(staff, 'a question');

    const citizen = await newPage(browser, phone);
    await signIn(citizen, server, 'anna');
    await citizen.goto(`${server.url}/officials`);
    await submit(citizen, 'li.official a');
    assert.match(await citizen.textContent('h1'), /Анна Иванова/);
    assert.equal(await citizen.locator('text=ivanova@mail.test').count(), 0);
    await check(citizen, 'the official\'s page');
    await citizen.goto(`${server.url}${question}`);
    await citizen.fill('#a-body', 'Ямы на Ленина опасные, дорогу надо чинить.');
    await submit(citizen, '#answer-send');
    assert.match(await citizen.textContent('#answer-flash'), /ответ принят/);
    assert.match(await citizen.textContent('#answer-list'), /житель/);
    await check(citizen, 'an answered question');

    // The clock passes 18:00: no more answers, the digest.
    setClock(start + 8 * 3600 + 60);
    await citizen.goto(`${server.url}${question}`);
    assert.equal(await citizen.locator('#answer-form').count(), 0);
    await submit(citizen, '#digest-link');
    assert.match(await citizen.textContent('#digest-total'), /1/);
    const counts = await citizen.locator('#digest-sentiment td.count').allTextContents();
    assert.equal(counts.map(Number).reduce((a, b) => a + b, 0), 1);
    await check(citizen, 'the digest');
    await citizen.goto(`${server.url}${new URL(citizen.url()).pathname}?lang=en`);
    assert.match(await citizen.textContent('h1'), /Cross-section of opinions/);
    await check(citizen, 'the digest in English');

    await citizen.goto(`${server.url}/agencies/roads`);
    assert.equal(await citizen.locator('#agency-officials li.official a').count(), 1);
    await check(citizen, 'the agency page with its official');
  });
});
