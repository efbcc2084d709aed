// admin_catalog.test.mjs: an administrator edits the catalogue in the
// browser: a new service, its attributes, the routing shown by area, an
// agency taking the service, an area deleted; each change visible at once
// (Open311, the report form) and the pages checked by axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  createUser, launch, newPage, pageProblems, signIn, skipReason, startServer,
} from './harness.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1,
  isMobile: true, hasTouch: true };

describe('catalogue editing by an administrator', { skip: skipReason, timeout: 300000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer(['--tiles', 'none']);
    browser = await launch();
    createUser(server, 'root', 'admin');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('a service with attributes, an agency for it, an area deleted', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, server, 'root');

    // Routing as the catalogue routes: heating by district, else nobody's.
    await page.goto(`${server.url}/admin/services`);
    assert.match(await page.innerText('#service-heating .routing'), /\(Зоны: 1\).*\(Зоны: 1\)/);
    await pageProblems(page, '/admin/services');

    // A new service, by keyboard-reachable form fields.
    await page.fill('#new-service-code', 'kiosk');
    await page.fill('#new-service-name-ru', 'Незаконный киоск');
    await Promise.all([page.waitForNavigation(), page.click('#new-service-create')]);
    assert.match(page.url(), /\/admin\/services\/kiosk\/edit\?done=saved$/);
    assert.match(await page.innerText('#flash'), /kiosk/);
    await page.fill('#attr-0-code', 'surface');
    await page.selectOption('#attr-0-type', 'singlevaluelist');
    await page.check('#attr-0-req');
    await page.fill('#attr-0-desc-ru', 'Где стоит');
    await page.fill('#attr-0-values', 'wall = Стена | Wall\nfence = Забор | Fence');
    await pageProblems(page, 'the service form');
    await Promise.all([page.waitForNavigation(), page.click('#service-save')]);
    // The form now has the attribute and an empty row for the next.
    assert.equal(await page.inputValue('#attr-0-code'), 'surface');
    assert.equal(await page.inputValue('#attr-1-code'), '');
    const def = await page.evaluate(async () => (await fetch('/open311/v2/services/kiosk.json')).json());
    assert.deepEqual(def.attributes.map((a) => [a.code, a.required, a.values.map((v) => v.key)]),
      [['surface', true, ['wall', 'fence']]]);
    // Offered on the report form at once.
    await page.goto(`${server.url}/new`);
    assert.equal(await page.locator('#svc-kiosk').count(), 1);
    assert.equal(await page.locator('#attrs-kiosk select, #attrs-kiosk input').count() > 0, true);

    // An agency takes it.
    await page.goto(`${server.url}/admin/agencies/waste/edit`);
    await page.check('#svc-kiosk');
    await pageProblems(page, 'the agency form');
    await Promise.all([page.waitForNavigation(), page.click('#agency-save')]);
    assert.match(await page.innerText('#flash'), /waste/);
    await page.goto(`${server.url}/admin/services`);
    assert.match(await page.innerText('#service-kiosk .routing'), /\S/);
    assert.doesNotMatch(await page.innerText('#service-kiosk .routing'), /по умолчанию/);

    // An area deleted: the map and the table lose it.
    await page.goto(`${server.url}/admin/agencies`);
    await page.waitForSelector('#agency-map[data-ready="1"]');
    assert.equal(await page.getAttribute('#agency-map', 'data-areas'), '4');
    await Promise.all([page.waitForNavigation(),
      page.click('#area-uk_kirovsky-1 button[type="submit"]')]);
    await page.waitForSelector('#agency-map[data-ready="1"]');
    assert.equal(await page.getAttribute('#agency-map', 'data-areas'), '3');
    assert.match(await page.innerText('#flash'), /Зона удалена/);
    await pageProblems(page, '/admin/agencies after deleting an area');

    // A new answer template, then the first one reworded.
    await page.goto(`${server.url}/admin/templates`);
    await page.fill('#tnew-title-ru', 'Нужны уточнения');
    await page.fill('#tnew-text-ru', 'Уточните, пожалуйста, адрес.');
    await Promise.all([page.waitForNavigation(), page.click('#tnew-save')]);
    assert.match(await page.innerText('#flash'), /Шаблон сохранён/);
    assert.match(await page.innerText('main'), /Нужны уточнения/);
    await page.fill('#t1-text-ru', 'Работы выполнены полностью.');
    await Promise.all([page.waitForNavigation(), page.click('#t1-save')]);
    assert.equal(await page.inputValue('#t1-text-ru'), 'Работы выполнены полностью.');
    await pageProblems(page, '/admin/templates');
    await page.context().close();
  });
});
