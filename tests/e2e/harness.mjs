// harness.mjs: start the real veche binary on a loopback port with a
// temporary database and the demo city, and headless Chromium (Debian's,
// driven by playwright-core) against it.  Like tests/api/harness.py.
//
// Environment: VECHE_BIN (default ../../build/veche), CHROMIUM (default
// /usr/bin/chromium), VECHE_SCREENSHOTS=1 to write docs/screenshots/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync,
  writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const VECHE_BIN = process.env.VECHE_BIN || join(root, 'build', 'veche');
export const haveChromium = existsSync(CHROMIUM);
export const skipReason = haveChromium ? false :
  `${CHROMIUM} is not installed: run scripts/deps.sh (Debian package chromium)`;
const require = createRequire(import.meta.url);
const START_TIMEOUT_MS = 60000;

// The flags the machine needs (see docs/web.md): no sandbox as root, no
// background connections to a network that is not there.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

// Which store the server runs on: VECHE_TEST_ENGINE=pg puts each server's
// database on the PostgreSQL whose URL is in $VECHE_PG_DIR/url (the ctest
// fixture `pg`, scripts/pg.sh): one database per server, dropped at stop.
// Like tests/api/harness.py (docs/testing.md).
export const ENGINE = process.env.VECHE_TEST_ENGINE || 'sqlite';
if (ENGINE !== 'sqlite' && ENGINE !== 'pg') {
  throw new Error(`VECHE_TEST_ENGINE=${ENGINE}: say sqlite or pg`);
}
let databases = 0;

function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr || r.error}`);
  return r.stdout;
}

function pgFixtureUrl() {
  const folder = process.env.VECHE_PG_DIR;
  if (!folder) throw new Error('VECHE_TEST_ENGINE=pg needs VECHE_PG_DIR (ctest\'s pg fixture)');
  return readFileSync(join(folder, 'url'), 'utf8').trim();
}

// A fresh database for one server: what --db names, and how to drop it.
function newDatabase(dir) {
  if (ENGINE !== 'pg') return { db: join(dir, 'veche.db'), drop() {} };
  const base = pgFixtureUrl();
  const name = `e_${process.pid}_${++databases}`;
  psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(base, `CREATE DATABASE ${name}`);
  const db = base.replace('/veche?', `/${name}?`);
  return { db, drop: () => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// The instant startServer's servers start at, unless VECHE_TEST_CLOCK says.
export const DEFAULT_CLOCK = '2026-06-15T10:00:00+03:00';

// The calendar date (YYYY-MM-DD) in the city's zone (Moscow, UTC+3 all
// year) days after the instant startServer gives a server now, for tests
// whose dates follow the clock rather than a fixed day.
export function clockDate(days = 0) {
  const spec = process.env.VECHE_TEST_CLOCK || DEFAULT_CLOCK;
  const ms = spec.startsWith('@') ? Number(spec.slice(1)) * 1000 : Date.parse(spec);
  if (!Number.isFinite(ms)) throw new Error(`clockDate: cannot read VECHE_TEST_CLOCK=${spec}`);
  return new Date(ms + 3 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

export async function startServer(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'veche-e2e-'));
  const { db, drop } = newDatabase(dir);
  // On PostgreSQL there is no file to keep photos, open data and the
  // suggestions' model next to.
  const folders = ENGINE === 'pg' ?
    ['--media', join(dir, 'media'), '--data-dir', join(dir, 'opendata'),
      '--suggest-model', join(dir, 'services.model')] : [];
  const args = ['serve', '--db', db, ...folders, '--listen', '127.0.0.1:0',
    '--demo', '--demo-reports', '60', ...extra];
  const proc = spawn(VECHE_BIN, args, {
    // Time is an input (STYLE.md): a fixed instant, or VECHE_TEST_CLOCK.
    env: { ...process.env, VECHE_CLOCK: process.env.VECHE_TEST_CLOCK || DEFAULT_CLOCK,
      VECHE_DATADIR: process.env.VECHE_DATADIR || join(root, 'data'),
      VECHE_WEBDIR: process.env.VECHE_WEBDIR || join(root, 'web') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`veche did not start:\n${stderr}`)), START_TIMEOUT_MS);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+?)\/?\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`veche exited ${code}:\n${stderr}`)); });
  }).catch((e) => { drop(); throw e; });
  return {
    url, dir, db, proc,
    stderr: () => stderr,
    async stop() {
      const done = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
      proc.kill('SIGTERM');
      const r = await done;
      rmSync(dir, { recursive: true, force: true });
      drop();
      if (r.code !== 0 || /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(stderr)) {
        throw new Error(`veche stopped badly (${r.code}/${r.sig}):\n${stderr}`);
      }
    },
  };
}

// extra: more Chromium flags (region.test.mjs maps host names to loopback).
export async function launch(extra = []) {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extra], headless: true });
}

// A page that never waits on map tiles (there is no network here) and
// records Content-Security-Policy violations and script errors.
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ locale: 'ru-RU', ...opts });
  await context.route(/tile\.openstreetmap\.org/, (r) => r.abort());
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
      page.problems.push(m.text());
    }
  });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  return page;
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's serious and critical violations on the page, as text.
export async function axeProblems(page) {
  // evaluate() runs outside the page's CSP, which stays in force for the
  // page's own scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
}

export const screenshots = process.env.VECHE_SCREENSHOTS === '1';
export const screenshotDir = join(root, 'docs', 'screenshots');

// A phone's viewport, and the checks every page gets on it: axe-core, no
// CSP or script errors, no sideways scrolling at 360 px.
export const PHONE = { viewport: { width: 360, height: 740 } };
export async function phoneCheck(page, what) {
  await pageProblems(page, what);
  await noSideScroll(page, what);
}

// A server whose clock is a file (VECHE_CLOCK=file:...) set to start (Unix
// seconds); setClock(t) moves it (a new file: veche rereads it).
export async function startClockedServer(start, extra = []) {
  const clockFile = join(mkdtempSync(join(tmpdir(), 'veche-clock-')), 'clock');
  const setClock = (t) => {
    writeFileSync(`${clockFile}.new`, `@${t}\n`);
    renameSync(`${clockFile}.new`, clockFile);
  };
  setClock(start);
  const saved = process.env.VECHE_TEST_CLOCK;
  process.env.VECHE_TEST_CLOCK = `file:${clockFile}`;
  try {
    return { server: await startServer(extra), setClock };
  } finally {
    if (saved === undefined) delete process.env.VECHE_TEST_CLOCK;
    else process.env.VECHE_TEST_CLOCK = saved;
  }
}

// Shared by phone.test.mjs and admin_catalog.test.mjs (issue 12).
export const PASSWORD = 'correct horse battery';

// A user made with the command line on server's database.
export function createUser(server, login, role, agencies = []) {
  const r = spawnSync(VECHE_BIN, ['user', 'create', '--db', server.db,
    '--login', login, '--role', role, ...agencies.flatMap((a) => ['--agency', a])],
  { input: `${PASSWORD}\n`,
    env: { ...process.env, VECHE_PWHASH_FAST: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`veche user create ${login}: ${r.stderr}`);
}

// Sign page in as login through the form.
export async function signIn(page, server, login) {
  await page.goto(`${server.url}/login`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
}

// Fail on axe-core's serious problems and on CSP or script errors.
export async function pageProblems(page, what) {
  assert.deepEqual(await axeProblems(page), [], `axe on ${what}`);
  assert.deepEqual(page.problems, [], `CSP or script errors on ${what}`);
}

// The least of SMTP that veche's client needs: every message kept raw
// (account.test.mjs, alerts.test.mjs).
export function smtpReceiver() {
  const messages = [];
  const waiting = [];
  const srv = createServer((sock) => {
    let buf = '';
    let data = false;
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(Buffer.from(buf.slice(0, end), 'latin1').toString('utf8'));
          buf = buf.slice(end + 5);
          data = false;
          sock.write('250 OK\r\n');
          while (waiting.length) waiting.shift()();
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl).toUpperCase();
        buf = buf.slice(nl + 2);
        if (line.startsWith('EHLO')) sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) { data = true; sock.write('354 go on\r\n'); }
        else if (line.startsWith('QUIT')) { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
  });
  return {
    messages,
    listen: () => new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv.address().port))),
    close: () => new Promise((resolve) => srv.close(resolve)),
    // The first message for which pick returns something, when it comes.
    async next(pick) {
      for (;;) {
        for (const m of messages) {
          const v = pick(m);
          if (v) return v;
        }
        await new Promise((resolve) => waiting.push(resolve));
      }
    },
  };
}

// A quoted-printable body decoded (soft line breaks, =XX).
export function unqp(s) {
  return Buffer.from(s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

// A server that mails through an smtpReceiver on loopback (server.smtp),
// which its stop() closes too.
export async function startMailServer(extra = []) {
  const smtp = smtpReceiver();
  const port = await smtp.listen();
  const server = await startServer(['--smtp', `smtp://127.0.0.1:${port}`,
    '--mail-from', 'veche@city.test', ...extra]);
  const stop = server.stop;
  server.smtp = smtp;
  server.stop = async () => {
    try { await stop(); } finally { await smtp.close(); }
  };
  return server;
}

// Fail when page scrolls sideways (a phone's 360 px).
export async function noSideScroll(page, what) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth -
    document.documentElement.clientWidth);
  assert.ok(over <= 0, `${what} scrolls sideways by ${over}px at 360 px`);
}

// Click selector and wait for the navigation it causes (a form's submit).
export async function clickAndLoad(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}
