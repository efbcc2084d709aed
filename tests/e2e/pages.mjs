// pages.mjs: every page veche renders as HTML, for tests that must visit
// them all (phone.test.mjs: no sideways scrolling at 360 px).
//
// A NEW PAGE GOES HERE: add { route, path } to PAGES (path: a concrete URL
// for a route with {variables}; staff: true for a page behind sign-in, it is
// visited as an administrator; status: the answer expected when not 200,
// for a page of refusal such as an unknown token), or, for a GET route that is not a page
// (JSON, CSV, feeds, images), its pattern to NOT_PAGES.  The routing table
// is read from src/api/*.c, and phone.test.mjs fails naming any GET route
// listed in neither, so a page cannot be forgotten.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { root } from './harness.mjs';

export const PAGES = [
  { route: '/', ready: '#map[data-ready="1"]' },
  { route: '/reports' },
  { route: '/reports/{id}', path: '/reports/1' },
  { route: '/new' },
  { route: '/login' },
  { route: '/signup' },
  { route: '/account/forgot' },
  { route: '/account/resend' },
  { route: '/account/reset', path: '/account/reset?token=not-a-token' },
  { route: '/account/confirm', path: '/account/confirm?token=not-a-token', status: 404 },
  { route: '/account/confirm-report', path: '/account/confirm-report?token=not-a-token', status: 404 },
  // Citizens' e-mail alerts (web_alerts.c).
  { route: '/alerts/new', path: '/alerts/new?report=1' },
  { route: '/alerts/confirm', path: '/alerts/confirm?token=not-a-token', status: 404 },
  { route: '/alerts/unsubscribe', path: '/alerts/unsubscribe?token=not-a-token' },
  { route: '/ratings' },
  { route: '/ratings/methodology' },
  { route: '/agencies/{code}', path: '/agencies/uk_kirovsky' },
  { route: '/data' },
  { route: '/desk', staff: true },
  { route: '/desk/moderation', staff: true },
  { route: '/desk/reports/{id}', path: '/desk/reports/1', staff: true },
  { route: '/admin', staff: true },
  { route: '/admin/users', staff: true },
  { route: '/admin/keys', staff: true },
  { route: '/admin/services', staff: true },
  { route: '/admin/services/{code}/edit', path: '/admin/services/pothole/edit', staff: true },
  { route: '/admin/agencies', staff: true },
  { route: '/admin/agencies/{code}/edit', path: '/admin/agencies/uk_kirovsky/edit', staff: true },
  { route: '/admin/templates', staff: true },
  { route: '/admin/outbox', staff: true },
  { route: '/admin/sources', staff: true },
  { route: '/my', staff: true },
  { route: '/account', staff: true },
  { route: '/listen', staff: true },
  { route: '/listen/sources', staff: true },
  { route: '/listen/trends', staff: true },
  // No post in the demo city: the page for a post that is not there.
  { route: '/listen/posts/{id}', path: '/listen/posts/999', staff: true, status: 404 },
  // The help map (web_help.c): no situation in the demo city, so its pages
  // are the 404s; help.test.mjs checks the real ones at 360 px.
  { route: '/help' },
  { route: '/help/{situation}', path: '/help/none', status: 404 },
  { route: '/help/{situation}/posts/{id}', path: '/help/none/posts/1', status: 404 },
  // Proposals (web_proposals.c): none in the demo city, so a proposal's
  // page is the 404; proposals.test.mjs checks real ones at 360 px.
  { route: '/proposals' },
  { route: '/proposals/new' },
  { route: '/proposals/{id}', path: '/proposals/999', status: 404 },
  // Open calls (web_calls.c): none in the demo city, so a call's pages
  // are the 404s; calls.test.mjs checks real ones at 360 px.
  { route: '/calls' },
  { route: '/calls/new', staff: true },
  { route: '/calls/{id}', path: '/calls/999', status: 404 },
  { route: '/calls/{id}/apply', path: '/calls/999/apply', status: 404 },
  { route: '/calls/{id}/candidates/{cid}', path: '/calls/999/candidates/1', status: 404 },
  { route: '/candidates/{cid}', path: '/candidates/999', status: 404 },
  // An author's public profile (web_comments.c): no comments in the demo
  // city, so the 404; test_comments.py reads real ones.
  { route: '/people/{id}', path: '/people/999', status: 404 },
  // Officials' pages (web_officials.c): no public profile in the demo city,
  // so the 404s; officials.test.mjs checks real ones at 360 px.  /officials/me
  // is an operator's or a head's: the administrator is refused.
  { route: '/officials' },
  { route: '/officials/me', staff: true, status: 403 },
  { route: '/officials/{id}', path: '/officials/999', status: 404 },
  { route: '/officials/notes/{id}', path: '/officials/notes/999', status: 404 },
  { route: '/officials/questions/{id}', path: '/officials/questions/999', status: 404 },
  { route: '/officials/questions/{id}/digest', path: '/officials/questions/999/digest', status: 404 },
  // Drafts of regulations (web_drafts.c): none in the demo city, so a
  // draft's pages are the 404s; drafts.test.mjs checks real ones at 360 px.
  { route: '/drafts' },
  { route: '/drafts/new', staff: true },
  { route: '/drafts/{id}', path: '/drafts/999', status: 404 },
  { route: '/drafts/{id}/v/{n}', path: '/drafts/999/v/1', status: 404 },
  { route: '/drafts/{id}/versions/new', path: '/drafts/999/versions/new', staff: true, status: 404 },
  { route: '/drafts/{id}/summary', path: '/drafts/999/summary', status: 404 },
  { route: '/drafts/p/{pid}', path: '/drafts/p/999', status: 404 },
];

// GET routes that answer something other than a page.
export const NOT_PAGES = [
  /^\/api\//, /^\/open311\//, /^\/media\//, /^\/tiles\//, /^\/map\/.*\.geojson$/,
  /^\/rss$/, /^\/metrics$/, /^\/listen\.csv$/,
  /^\/listen\/(trends|spikes)\.csv$/,
  /^\/data\/\{name\}$/,
  /^\/map\/clusters\.json$/,
  /^\/officials\/\{id\}\/rss$/,
  /^\/drafts\/\{id\}\/summary\.csv$/,
  // The region's JSON (src/api/region.c; its pages: region.test.mjs).
  /^\/cities\.json$/, /^\/ratings\.json$/,
];

// The GET patterns of the routing table (src/api/*.c route tables).
export function getRoutes() {
  const dir = join(root, 'src', 'api');
  const routes = new Set();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/\{\s*HTTP_GET,\s*"([^"]+)"/g)) routes.add(m[1]);
  }
  return [...routes].sort();
}

// GET routes that are neither in PAGES nor in NOT_PAGES.
export function unlisted() {
  const pages = new Set(PAGES.map((p) => p.route));
  return getRoutes().filter((r) => !pages.has(r) && !NOT_PAGES.some((re) => re.test(r)));
}
