// account.test.mjs: a citizen's account journey in headless Chromium on a
// phone-sized window (360x740): sign up, confirm the address through the
// link of the e-mail (caught by a small SMTP receiver on loopback), sign in,
// file a report with the pre-filled form, and find it in "my reports";
// axe-core on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { axeProblems, launch, newPage, skipReason, startMailServer, unqp }
  from './harness.mjs';

async function checkPage(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${what} fits the phone's width (${wide}px)`);
}

describe('a citizen account on a phone', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser, smtp;

  before(async () => {
    server = await startMailServer();
    smtp = server.smtp;
    browser = await launch();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('sign up, confirm, file a report, see it in my reports', async () => {
    const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
    const email = 'anna.phone@mail.test';
    await page.goto(`${server.url}/`);
    await page.click('#sign-in');
    await page.waitForURL(/\/login$/);
    assert.equal(await page.innerText('h1'), 'Вход');
    await checkPage(page, 'the sign-in page');
    await page.click('#signup-link');
    await page.waitForURL(/\/signup$/);
    await checkPage(page, 'the sign-up page');
    await page.fill('#name', 'Анна');
    await page.fill('#email', email);
    await page.fill('#password', 'phone password 1');
    await page.click('#signup-submit');
    await page.waitForSelector('#signup-sent');
    assert.match(await page.innerText('#signup-sent'), /отправили письмо/);
    await checkPage(page, 'the sign-up answer');

    const link = await smtp.next((m) => {
      if (!m.includes(`<${email}>`)) return null;
      const found = unqp(m).match(/https?:\/\/\S+\/account\/confirm\?token=[\w-]+/);
      return found && found[0];
    });
    await page.goto(link);
    assert.match(await page.innerText('#confirm-result'), /войти/i);
    await checkPage(page, 'the confirmation page');

    await page.goto(`${server.url}/login`);
    await page.fill('#login', email);
    await page.fill('#password', 'phone password 1');
    await page.click('#login-submit');
    await page.waitForURL(/\/my$/);
    assert.equal(await page.innerText('#account-name'), 'Анна');
    await checkPage(page, 'my reports, empty');

    await page.goto(`${server.url}/new`);
    assert.equal(await page.inputValue('#first_name'), 'Анна');
    assert.equal(await page.inputValue('#email'), email);
    await page.fill('#lat', '55.0');
    await page.fill('#long', '73.3');
    await page.check('#svc-other');
    await page.fill('#description', 'Сломан фонарь у остановки');
    await page.click('#submit');
    await Promise.race([
      page.waitForURL(/\/reports\/\d+\?created=1/),
      page.waitForSelector('#nearby:not([hidden])').then(async () => {
        await page.click('#nearby-list button.secondary');
        await page.waitForURL(/\/reports\/\d+\?created=1/);
      }),
    ]);
    const id = page.url().match(/\/reports\/(\d+)/)[1];

    await page.click('#my-reports');
    await page.waitForURL(/\/my$/);
    const row = page.locator(`#my-table a[href="/reports/${id}"]`);
    assert.equal(await row.count(), 1, 'the report is in my reports');
    assert.match(await page.innerText('#my-table'), /Подано/);
    await checkPage(page, 'my reports');
    await page.context().close();
  });
});
