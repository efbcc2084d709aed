/*
 * web_admin.c: the administrators' pages: users (create, change role),
 * API keys (create: shown once), services (read-only), agencies with
 * their areas on a map and an upload of a GeoJSON area, and the dead
 * deliveries of the outbox with replay.  Writes call the same core
 * functions as the JSON API (account.c, apikey.c, city.c, delivery.c).
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/cache.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_staff.h"
#include "core/account.h"
#include "core/apikey.h"
#include "core/catalog.h"
#include "core/city.h"
#include "core/deadline.h"
#include "core/delivery.h"
#include "core/parse.h"
#include "http/http.h"

#define ADMIN_OUTBOX_LIST 200   /* dead deliveries listed */

static void
done_notice(struct staff *st, enum msg m, const char *what)
{
	html_f(&st->h, "<p class=\"notice flash\" role=\"status\" id=\"flash\">"
	    "%m %s</p>\n", m, what != NULL ? what : "");
}

static int
admin_home(struct http_request *req, struct http_response *res, void *arg)
{
	struct staff st;
	int gap;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_ADMIN, st.c.lang), "admin", "/admin",
	    0);
	html_f(&st.h, "<h1>%m</h1>\n", M_ADMIN);
	if ((gap = deadline_calendar_gap(app_now(st.c.app),
	    VECHE_CALENDAR_WARN_DAYS)) != 0)
		html_f(&st.h, "<p class=\"notice warn\" role=\"alert\" "
		    "id=\"calendar-gap\">%m %d. %m data/calendar/ru-%d.txt "
		    "(docs/deadlines.md).</p>\n", M_CALENDAR_GAP, gap,
		    M_CALENDAR_GAP_FIX, gap);
	html_f(&st.h, "<ul class=\"admin-links\">\n"
	    "<li><a href=\"/admin/users\">%m</a></li>\n"
	    "<li><a href=\"/admin/keys\">%m</a></li>\n"
	    "<li><a href=\"/admin/services\">%m</a></li>\n"
	    "<li><a href=\"/admin/agencies\">%m</a></li>\n"
	    "<li><a href=\"/admin/outbox\">%m</a></li>\n</ul>\n",
	    M_USERS, M_KEYS, M_SERVICES, M_AGENCIES, M_OUTBOX);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* A role select named "role" with id, current selected. */
static void
role_select(struct staff *st, const char *id, enum role current)
{
	int r;

	html_f(&st->h, "<select id=\"%s\" name=\"role\" required>\n", id);
	for (r = 0; r < ROLE_SYSTEM; r++)
		html_f(&st->h, "<option value=\"%s\"%r>%s</option>\n",
		    account_role_name((enum role)r), r == (int)current ?
		    " selected" : "", account_role_name((enum role)r));
	html_raw(&st->h, "</select>\n");
}

/* A multiple select of agencies named "agency". */
static void
agency_select(struct staff *st, const char *id, const char *const *chosen,
    size_t nchosen, int multiple)
{
	const struct catalog *cat = st->c.app->catalog;
	size_t i, j;

	html_f(&st->h, "<select id=\"%s\" name=\"agency\"%r>\n", id, multiple ?
	    " multiple size=\"4\"" : "");
	if (!multiple)
		html_f(&st->h, "<option value=\"\">%m</option>\n", M_CHOOSE);
	for (i = 0; i < catalog_nagencies(cat); i++) {
		const struct agency *a = catalog_agency_at(cat, i);
		int sel = 0;

		for (j = 0; j < nchosen; j++)
			if (strcmp(chosen[j], a->code) == 0)
				sel = 1;
		html_f(&st->h, "<option value=\"%s\"%r>%s</option>\n", a->code,
		    sel ? " selected" : "", catalog_text(a->name, st->h.lang));
	}
	html_raw(&st->h, "</select>\n");
}

static int
on_user(const struct store_user *u, void *arg)
{
	struct staff *st = arg;
	char id[32];
	size_t i;

	html_f(&st->h, "<tr id=\"user-%D\"><td>%s</td><td>%s</td><td>", u->id,
	    u->login, account_role_name(u->role));
	for (i = 0; i < u->nagencies; i++)
		html_f(&st->h, "%r%s", i ? ", " : "", u->agencies[i]);
	html_f(&st->h, "</td><td><form method=\"post\" action=\"/admin/users/%D/"
	    "role\" class=\"inline\">\n", u->id);
	staff_csrf_field(st);
	snprintf(id, sizeof(id), "role-%lld", (long long)u->id);
	html_f(&st->h, "<label for=\"%s\" class=\"visually-hidden\">%m %s"
	    "</label>", id, M_ROLE, u->login);
	role_select(st, id, u->role);
	snprintf(id, sizeof(id), "agencies-%lld", (long long)u->id);
	html_f(&st->h, "<label for=\"%s\" class=\"visually-hidden\">%m %s"
	    "</label>", id, M_AGENCIES, u->login);
	agency_select(st, id, (const char *const *)u->agencies, u->nagencies,
	    1);
	html_f(&st->h, "<button type=\"submit\">%m</button></form></td></tr>\n",
	    M_SET_ROLE);
	return st->h.failed ? -1 : 0;
}

static int
users_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	const char *who = http_request_param(req, "login");
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_USERS, st.c.lang), "admin-users",
	    "/admin/users", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_USERS);
	if (done != NULL && strcmp(done, "created") == 0)
		done_notice(&st, M_USER_CREATED, who);
	else if (done != NULL && strcmp(done, "role") == 0)
		done_notice(&st, M_ROLE_SET, who);
	html_f(&st.h, "<div class=\"table-wrap\"><table class=\"users\" "
	    "id=\"users\">\n<caption class=\"visually-hidden\">%m</caption>\n"
	    "<thead><tr><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th><th scope=\"col\">%m</th></tr></thead>\n"
	    "<tbody>\n", M_USERS, M_LOGIN, M_ROLE, M_AGENCIES, M_SET_ROLE);
	if (account_each(st.c.store, on_user, &st) != 0)
		return -1;
	html_f(&st.h, "</tbody></table></div>\n<form method=\"post\" "
	    "action=\"/admin/users\" id=\"user-form\" class=\"admin-form\" "
	    "aria-labelledby=\"new-user-title\">\n<h2 id=\"new-user-title\">%m"
	    "</h2>\n", M_CREATE_USER);
	staff_csrf_field(&st);
	html_f(&st.h, "<div class=\"field\"><label for=\"u-login\">%m</label>\n"
	    "<input id=\"u-login\" name=\"login\" required maxlength=\"64\" "
	    "autocomplete=\"off\"></div>\n<div class=\"field\"><label "
	    "for=\"u-password\">%m</label>\n<input id=\"u-password\" "
	    "name=\"password\" type=\"password\" required "
	    "autocomplete=\"new-password\"></div>\n<div class=\"field\"><label "
	    "for=\"u-role\">%m</label>\n", M_LOGIN, M_PASSWORD, M_ROLE);
	role_select(&st, "u-role", ROLE_OPERATOR);
	html_f(&st.h, "</div>\n<div class=\"field\"><label for=\"u-agencies\">"
	    "%m %m</label>\n", M_AGENCIES, M_OPTIONAL);
	agency_select(&st, "u-agencies", NULL, 0, 1);
	html_f(&st.h, "</div>\n<button type=\"submit\" id=\"u-create\">%m"
	    "</button>\n</form>\n", M_CREATE_USER);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* The "agency" fields of a form. */
static size_t
agencies_of(struct http_request *req, const char *list[ACTOR_MAX_AGENCIES +
    1])
{
	const struct http_param *p;
	size_t n = 0, np, i;

	p = http_request_params(req, &np);
	for (i = 0; i < np && n <= ACTOR_MAX_AGENCIES; i++)
		if (strcmp(p[i].name, "agency") == 0 && p[i].value[0] != '\0')
			list[n++] = p[i].value;
	return n;
}

/* 303 to page?done=what&login=login (login is checked by core). */
static int
back(struct http_request *req, struct http_response *res, const char *page,
    const char *what, const char *login)
{
	char *loc;
	size_t n = strlen(page) + strlen(what) + (login ? strlen(login) : 0) +
	    32;

	if ((loc = http_request_alloc(req, n)) == NULL)
		return -1;
	snprintf(loc, n, "%s?done=%s%s%s", page, what, login ? "&login=" : "",
	    login ? login : "");
	return staff_redirect(res, loc);
}

static int
user_create(struct http_request *req, struct http_response *res, void *arg)
{
	const char *list[ACTOR_MAX_AGENCIES + 1];
	const char *login = http_request_param(req, "login");
	struct staff st;
	struct verr e;
	enum role role;
	size_t n;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	n = agencies_of(req, list);
	if ((role = account_role_parse(http_request_param(req, "role"))) ==
	    ROLE__MAX)
		return web_fail(req, res, &st.c, 400, "role", "role: one of "
		    "citizen, moderator, operator, head, admin");
	if (account_create(st.c.store, st.c.app->catalog, st.act, login,
	    http_request_param(req, "password"), role, list, n,
	    app_now(st.c.app), NULL, &e) == -1)
		return staff_fail(req, res, &st, &e);
	cache_bump(st.c.app->cache);
	return back(req, res, "/admin/users", "created", login);
}

static int
user_role(struct http_request *req, struct http_response *res, void *arg)
{
	const char *list[ACTOR_MAX_AGENCIES + 1];
	struct staff st;
	struct verr e;
	enum role role;
	int64_t id;
	size_t n;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such user");
	memset(&e, 0, sizeof(e));
	n = agencies_of(req, list);
	if ((role = account_role_parse(http_request_param(req, "role"))) ==
	    ROLE__MAX)
		return web_fail(req, res, &st.c, 400, "role", "role: one of "
		    "citizen, moderator, operator, head, admin");
	if (account_set_role(st.c.store, st.c.app->catalog, st.act, id, role,
	    list, n, app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	cache_bump(st.c.app->cache);
	return back(req, res, "/admin/users", "role", NULL);
}

static int
on_key(const struct store_apikey *k, void *arg)
{
	struct staff *st = arg;

	html_f(&st->h, "<tr><td>%s</td><td>%s</td><td>", k->name,
	    k->agency[0] ? k->agency : "—");
	html_date(&st->h, k->created);
	html_f(&st->h, "</td><td>%m</td></tr>\n", k->revoked ? M_REVOKED :
	    M_ACTIVE);
	return st->h.failed ? -1 : 0;
}

/* The keys page; key is a key just made, shown this once. */
static int
keys_render(struct staff *st, const char *key)
{
	struct html *h = &st->h;

	staff_page_begin(st, web_msg(M_KEYS, st->c.lang), "admin-keys",
	    "/admin/keys", 0);
	html_f(h, "<h1>%m</h1>\n", M_KEYS);
	if (key != NULL)
		html_f(h, "<section class=\"notice\" role=\"status\">"
		    "<p>%m</p>\n<p><code id=\"new-key\">%s</code></p></section>\n",
		    M_KEY_ONCE, key);
	html_f(h, "<div class=\"table-wrap\"><table id=\"keys\">\n<caption "
	    "class=\"visually-hidden\">%m</caption>\n<thead><tr><th "
	    "scope=\"col\">%m</th><th scope=\"col\">%m</th><th scope=\"col\">"
	    "%m</th><th scope=\"col\">%m</th></tr></thead>\n<tbody>\n", M_KEYS,
	    M_NAME, M_AGENCY, M_CREATED, M_F_STATUS);
	if (apikey_each(st->c.store, on_key, st) != 0)
		return -1;
	html_f(h, "</tbody></table></div>\n<form method=\"post\" "
	    "action=\"/admin/keys\" id=\"key-form\" class=\"admin-form\" "
	    "aria-labelledby=\"new-key-title\">\n<h2 id=\"new-key-title\">%m"
	    "</h2>\n", M_CREATE_KEY);
	staff_csrf_field(st);
	html_f(h, "<div class=\"field\"><label for=\"k-name\">%m</label>\n"
	    "<input id=\"k-name\" name=\"name\" required maxlength=\"200\" "
	    "autocomplete=\"off\"></div>\n<div class=\"field\"><label "
	    "for=\"k-agency\">%m %m</label>\n", M_NAME, M_AGENCY, M_OPTIONAL);
	agency_select(st, "k-agency", NULL, 0, 0);
	html_f(h, "</div>\n<button type=\"submit\" id=\"k-create\">%m</button>"
	    "\n</form>\n", M_CREATE_KEY);
	html_page_end(h);
	return h->failed ? -1 : 0;
}

static int
keys_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	return keys_render(&st, NULL);
}

static int
key_create(struct http_request *req, struct http_response *res, void *arg)
{
	char key[APIKEY_LEN];
	struct staff st;
	struct verr e;
	const char *name = http_request_param(req, "name");

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (name == NULL || strlen(name) > VECHE_MAX_NAME)
		return web_fail(req, res, &st.c, 400, "name", "name: required, "
		    "at most 200 bytes");
	if (apikey_create(st.c.store, st.c.app->catalog, name,
	    http_request_param(req, "agency"), app_now(st.c.app), key,
	    &e) == -1)
		return staff_fail(req, res, &st, &e);
	/* Shown in this answer only: never stored, never redirected to. */
	http_response_status(res, 201);
	return keys_render(&st, key);
}

static int
services_page(struct http_request *req, struct http_response *res, void *arg)
{
	const struct catalog *cat;
	struct staff st;
	size_t i;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	cat = st.c.app->catalog;
	staff_page_begin(&st, web_msg(M_SERVICES, st.c.lang), "admin-services",
	    "/admin/services", 0);
	html_f(&st.h, "<h1>%m</h1>\n<div class=\"table-wrap\"><table "
	    "id=\"services\">\n<caption class=\"visually-hidden\">%m</caption>\n"
	    "<thead><tr><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th></tr></thead>\n<tbody>\n", M_SERVICES,
	    M_SERVICES, M_CODE, M_NAME, M_AGENCY);
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *s = catalog_service_at(cat, i);
		const char *ag = catalog_route(cat, s->code, 0, 0, 0);

		html_f(&st.h, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		    s->code, catalog_text(s->name, st.c.lang), ag ? ag : "—");
	}
	html_raw(&st.h, "</tbody></table></div>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* Agencies as stored (so an area uploaded now shows before a restart). */
static int
on_agency(const struct agency *a, void *arg)
{
	struct staff *st = arg;
	size_t i;

	html_f(&st->h, "<tr id=\"agency-%s\"><td>%s</td><td>%s</td><td>",
	    a->code, a->code, catalog_text(a->name, st->h.lang));
	if (a->nareas == 0)
		html_f(&st->h, "%m", M_WHOLE_CITY);
	else
		html_f(&st->h, "<span class=\"area-count\">%d</span>",
		    (int)a->nareas);
	html_raw(&st->h, "</td></tr>\n");
	for (i = 0; i < a->nareas; i++)
		html_f(&st->h, "<tr hidden class=\"area\" data-agency=\"%s\" "
		    "data-name=\"%s\" data-area=\"%s\"><td colspan=\"3\"></td>"
		    "</tr>\n", a->code, catalog_text(a->name, st->h.lang),
		    a->areas[i]);
	return st->h.failed ? -1 : 0;
}

static int
agencies_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_AGENCIES, st.c.lang), "admin-agencies",
	    "/admin/agencies", 1);
	html_f(&st.h, "<h1>%m</h1>\n", M_AGENCIES);
	if (done != NULL && strcmp(done, "area") == 0)
		html_f(&st.h, "<p class=\"notice flash\" role=\"status\" "
		    "id=\"flash\">%m</p>\n", M_AREA_SAVED);
	html_f(&st.h, "<div id=\"agency-map\" class=\"map admin-map\" "
	    "role=\"region\" aria-label=\"%m\" data-tiles=\"%s\"></div>\n"
	    "<div class=\"table-wrap\"><table id=\"agencies\">\n<caption "
	    "class=\"visually-hidden\">%m</caption>\n<thead><tr><th "
	    "scope=\"col\">%m</th><th scope=\"col\">%m</th><th scope=\"col\">"
	    "%m</th></tr></thead>\n<tbody>\n", M_AGENCY_MAP,
	    st.c.app->tiles_url != NULL ? st.c.app->tiles_url : "none",
	    M_AGENCIES, M_CODE, M_NAME, M_AREAS);
	if (catalog_agency_each(st.c.store, on_agency, &st) != 0)
		return -1;
	html_f(&st.h, "</tbody></table></div>\n<form method=\"post\" "
	    "action=\"/admin/agencies/areas\" enctype=\"multipart/form-data\" "
	    "id=\"area-form\" class=\"admin-form\" aria-labelledby="
	    "\"area-title\">\n<h2 id=\"area-title\">%m</h2>\n", M_AREAS);
	staff_csrf_field(&st);
	html_f(&st.h, "<div class=\"field\"><label for=\"area-agency\">%m"
	    "</label>\n", M_AGENCY);
	agency_select(&st, "area-agency", NULL, 0, 0);
	html_f(&st.h, "</div>\n<div class=\"field\"><label for=\"area-file\">"
	    "%m</label>\n<input type=\"file\" id=\"area-file\" name=\"area\" "
	    "required accept=\".geojson,.json,application/geo+json,"
	    "application/json\"></div>\n<button type=\"submit\" "
	    "id=\"area-upload\">%m</button>\n</form>\n", M_AREA_FILE,
	    M_UPLOAD);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

static int
area_upload(struct http_request *req, struct http_response *res, void *arg)
{
	const struct http_param *p;
	const char *file = NULL;
	size_t np, i, len = 0;
	struct staff st;
	struct verr e;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	p = http_request_params(req, &np);
	for (i = 0; i < np; i++)
		if (strcmp(p[i].name, "area") == 0) {
			file = p[i].value;
			len = p[i].value_len;
		}
	memset(&e, 0, sizeof(e));
	if (city_area_add(st.c.store, http_request_param(req, "agency"), file,
	    len, &e) == -1)
		return staff_fail(req, res, &st, &e);
	/* Route by the new area from the next report on. */
	if (app_catalog_reload(st.c.app, st.c.store, e.message,
	    sizeof(e.message)) == -1) {
		fprintf(stderr, "veche: reloading the catalogue: %s\n",
		    e.message);
		return -1;
	}
	return staff_redirect(res, "/admin/agencies?done=area");
}

static const char *const channel_names[DELIVERY_CHANNEL__MAX] = {
	[DELIVERY_WEBHOOK] = "webhook",
	[DELIVERY_MAIL_AGENCY] = "mail:agency",
	[DELIVERY_MAIL_REPORTER] = "mail:reporter",
};

static int
on_dead(const struct store_delivery *d, void *arg)
{
	struct staff *st = arg;

	html_f(&st->h, "<tr id=\"delivery-%D\"><td>%D</td><td>%s</td><td>%r "
	    "%s</td><td>%d</td><td>%s</td><td><form method=\"post\" "
	    "action=\"/admin/outbox/%D/replay\" class=\"inline\">\n", d->id,
	    d->id, d->event_type, (unsigned)d->channel < DELIVERY_CHANNEL__MAX ?
	    channel_names[d->channel] : "?", d->url ? d->url : d->address,
	    d->attempts, d->last_error, d->id);
	staff_csrf_field(st);
	html_f(&st->h, "<button type=\"submit\" aria-label=\"%m %D\">%m"
	    "</button></form></td></tr>\n", M_REPLAY, d->id, M_REPLAY);
	return st->h.failed ? -1 : 0;
}

static int
outbox_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_OUTBOX, st.c.lang), "admin-outbox",
	    "/admin/outbox", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_OUTBOX);
	if (done != NULL && strcmp(done, "replay") == 0)
		done_notice(&st, M_REPLAYED, http_request_param(req, "id"));
	html_f(&st.h, "<div class=\"table-wrap\"><table id=\"dead\">\n<caption "
	    "class=\"visually-hidden\">%m</caption>\n<thead><tr><th "
	    "scope=\"col\">№</th><th scope=\"col\">%m</th><th scope=\"col\">%m"
	    "</th><th scope=\"col\">%m</th><th scope=\"col\">%m</th><th "
	    "scope=\"col\">%m</th></tr></thead>\n<tbody>\n", M_OUTBOX, M_EVENT,
	    M_RECIPIENT, M_ATTEMPTS, M_LAST_ERROR, M_REPLAY);
	if (delivery_list(st.c.store, DELIVERY_DEAD, ADMIN_OUTBOX_LIST,
	    on_dead, &st) != 0)
		return -1;
	html_raw(&st.h, "</tbody></table></div>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

static int
outbox_replay(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct staff st;
	struct verr e;
	int64_t id;
	size_t n;
	char loc[80];

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such delivery");
	memset(&e, 0, sizeof(e));
	if (delivery_replay(st.c.store, id, delivery_now_ms(), &n, &e) == -1)
		return staff_fail(req, res, &st, &e);
	snprintf(loc, sizeof(loc), "/admin/outbox?done=replay&id=%lld",
	    (long long)id);
	return staff_redirect(res, loc);
}

#define LANG_P "lang"

static const char *const p_page[] = { LANG_P, NULL };
static const char *const p_done[] = { LANG_P, "done", "login", "id", NULL };
static const char *const p_user[] = { LANG_P, "csrf", "login", "password",
	"role", "agency*", NULL };
static const char *const p_role[] = { LANG_P, "csrf", "role", "agency*",
	NULL };
static const char *const p_key[] = { LANG_P, "csrf", "name", "agency",
	NULL };
static const char *const p_area[] = { LANG_P, "csrf", "agency", "area",
	NULL };
static const char *const p_csrf[] = { LANG_P, "csrf", NULL };

static const struct http_route admin_table[] = {
	{ HTTP_GET, "/admin", admin_home, ACCESS_ADMIN, p_page, 0 },
	{ HTTP_GET, "/admin/users", users_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/users", user_create, ACCESS_ADMIN, p_user, 0 },
	{ HTTP_POST, "/admin/users/{id}/role", user_role, ACCESS_ADMIN, p_role,
	    0 },
	{ HTTP_GET, "/admin/keys", keys_page, ACCESS_ADMIN, p_page, 0 },
	{ HTTP_POST, "/admin/keys", key_create, ACCESS_ADMIN, p_key, 0 },
	{ HTTP_GET, "/admin/services", services_page, ACCESS_ADMIN, p_page, 0 },
	{ HTTP_GET, "/admin/agencies", agencies_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/agencies/areas", area_upload, ACCESS_ADMIN, p_area,
	    VECHE_MAX_AREA_FILE + 64 * 1024 },
	{ HTTP_GET, "/admin/outbox", outbox_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/outbox/{id}/replay", outbox_replay, ACCESS_ADMIN,
	    p_csrf, 0 },
};

const struct http_route *
admin_routes(size_t *n)
{
	*n = sizeof(admin_table) / sizeof(admin_table[0]);
	return admin_table;
}
