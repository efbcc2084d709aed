/*
 * web_admin.c: the administrators' pages: users (create, change role),
 * API keys (create: shown once), services with their attributes and
 * routing, agencies with their areas on a map (upload, delete), answer
 * templates (all editable), and the dead deliveries of the outbox with
 * replay.  Writes call core (account.c, apikey.c, city.c, city_edit.c,
 * delivery.c); catalogue edits reload the catalogue at once.
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
#include "core/report.h"
#include "http/http.h"

#define ADMIN_OUTBOX_LIST 200   /* dead deliveries listed */
#define ADMIN_MAX_AREA    100000  /* an area's number in a delete URL */

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
	    "<li><a href=\"/admin/templates\">%m</a></li>\n"
	    "<li><a href=\"/admin/outbox\">%m</a></li>\n</ul>\n",
	    M_USERS, M_KEYS, M_SERVICES, M_AGENCIES, M_TEMPLATES, M_OUTBOX);
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
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"users\" "
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
	html_f(h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"keys\">\n<caption "
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

/*
 * After a change to the catalogue: load a new snapshot (routing, the
 * pages, Open311 take it from the next request on; the response cache is
 * invalidated with it) and 303 to loc.
 */
static int
reload_and_back(struct staff *st, struct http_response *res, const char *loc)
{
	char err[300];

	if (app_catalog_reload(st->c.app, st->c.store, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "veche: reloading the catalogue: %s\n", err);
		return -1;
	}
	return staff_redirect(res, loc);
}

/* An agency's name in the page's language, or its code. */
static const char *
agency_name(const struct staff *st, const char *code)
{
	const struct agency *a = catalog_agency(st->c.app->catalog, code);
	const char *n = a != NULL ? catalog_text(a->name, st->h.lang) : NULL;

	return n != NULL ? n : code;
}

/*
 * Where a report of service code goes, as catalog_route decides: the
 * agencies with areas that handle it (by area), then the first city-wide
 * one, else the fallback agency.
 */
static void
routing_text(struct staff *st, const char *code)
{
	const struct catalog *cat = st->c.app->catalog;
	const struct agency *citywide = NULL;
	const char *fb = catalog_fallback(cat);
	size_t i;
	int areas = 0;

	for (i = 0; i < catalog_nagencies(cat); i++) {
		const struct agency *a = catalog_agency_at(cat, i);

		if (!catalog_handles(a, code))
			continue;
		if (a->nareas == 0) {
			if (citywide == NULL)
				citywide = a;
			continue;
		}
		html_f(&st->h, "%r%s (%m: %d)", areas++ ? ", " : "",
		    catalog_text(a->name, st->h.lang), M_AREAS, (int)a->nareas);
	}
	if (areas > 0)
		html_f(&st->h, "; %m ", M_ELSEWHERE);
	if (citywide != NULL)
		html_f(&st->h, "%s", catalog_text(citywide->name, st->h.lang));
	else if (fb != NULL && fb[0] != '\0')
		html_f(&st->h, "%s %m", agency_name(st, fb), M_FALLBACK);
	else
		html_f(&st->h, "%m", M_NOBODY);
}

static int
on_service_row(const struct service *s, void *arg)
{
	struct staff *st = arg;

	html_f(&st->h, "<tr id=\"service-%s\"><td>%s</td><td>%s</td>"
	    "<td class=\"routing\">", s->code, s->code,
	    catalog_text(s->name, st->h.lang));
	if (catalog_service(st->c.app->catalog, s->code) != NULL) {
		/* "by area:" leads only when some agency routes by area. */
		html_raw(&st->h, "<span class=\"by-area\">");
		routing_text(st, s->code);
		html_raw(&st->h, "</span>");
	} else
		html_raw(&st->h, "—");
	html_f(&st->h, "</td><td>%m</td><td><a href=\"/admin/services/%s/"
	    "edit\" aria-label=\"%m %s\">%m</a></td></tr>\n", s->disabled ?
	    M_DISABLED : M_ACTIVE_SERVICE, s->code, M_EDIT, s->code, M_EDIT);
	return st->h.failed ? -1 : 0;
}

/* The fields a new service or agency starts with: code and names. */
static void
new_form(struct staff *st, const char *action, const char *id, enum msg title)
{
	html_f(&st->h, "<form method=\"post\" action=\"%s\" id=\"%s\" "
	    "class=\"admin-form\" aria-labelledby=\"%s-title\">\n<h2 "
	    "id=\"%s-title\">%m</h2>\n", action, id, id, id, title);
	staff_csrf_field(st);
	html_f(&st->h, "<div class=\"field\"><label for=\"%s-code\">%m</label>\n"
	    "<input id=\"%s-code\" name=\"code\" required maxlength=\"64\" "
	    "pattern=\"[A-Za-z0-9_\\-]+\" autocomplete=\"off\"></div>\n"
	    "<div class=\"field\"><label for=\"%s-name-ru\">%m</label>\n"
	    "<input id=\"%s-name-ru\" name=\"name_ru\" required "
	    "maxlength=\"200\"></div>\n<div class=\"field\"><label "
	    "for=\"%s-name-en\">%m</label>\n<input id=\"%s-name-en\" "
	    "name=\"name_en\" maxlength=\"200\"></div>\n", id, M_CODE, id, id,
	    M_NAME_RU, id, id, M_NAME_EN, id);
}

static int
services_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_SERVICES, st.c.lang), "admin-services",
	    "/admin/services", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_SERVICES);
	if (done != NULL && strcmp(done, "saved") == 0)
		done_notice(&st, M_SERVICE_SAVED, http_request_param(req, "id"));
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table "
	    "id=\"services\">\n<caption class=\"visually-hidden\">%m</caption>\n"
	    "<thead><tr><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th><th scope=\"col\">%m</th><th "
	    "scope=\"col\">%m</th></tr></thead>\n<tbody>\n", M_SERVICES,
	    M_CODE, M_NAME, M_ROUTING, M_F_STATUS, M_EDIT);
	if (catalog_service_each(st.c.store, on_service_row, &st) != 0)
		return -1;
	html_raw(&st.h, "</tbody></table></div>\n");
	new_form(&st, "/admin/services", "new-service", M_NEW_SERVICE);
	html_f(&st.h, "<button type=\"submit\" id=\"new-service-create\">%m"
	    "</button>\n</form>\n", M_SAVE);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

static const char *const service_type_names[SERVICE_TYPE__MAX] = {
	[SERVICE_REALTIME] = "realtime",
	[SERVICE_BATCH] = "batch",
	[SERVICE_BLACKBOX] = "blackbox",
};

/* A text input of the edit forms: id, name, label, value, maximum. */
static void
text_field(struct staff *st, const char *id, const char *name, enum msg label,
    const char *value, int max, int required)
{
	html_f(&st->h, "<div class=\"field\"><label for=\"%s\">%m</label>\n"
	    "<input id=\"%s\" name=\"%s\" maxlength=\"%d\" value=\"%s\"%r>"
	    "</div>\n", id, label, id, name, max, value != NULL ? value : "",
	    required ? " required" : "");
}

/* Attribute i of the service form (a == NULL: an empty one to add). */
static void
attr_fields(struct staff *st, size_t i, const struct service_attr *a)
{
	char id[48], name[48];
	size_t j;
	int t;

	html_f(&st->h, "<fieldset class=\"attr-edit\" id=\"attr-%d\"><legend>"
	    "%m %d</legend>\n", (int)i, M_ATTRIBUTE, (int)i + 1);
	snprintf(id, sizeof(id), "attr-%zu-code", i);
	snprintf(name, sizeof(name), "attr[%zu][code]", i);
	text_field(st, id, name, M_CODE, a ? a->code : NULL, 64, 0);
	html_f(&st->h, "<div class=\"field\"><label for=\"attr-%d-type\">%m"
	    "</label>\n<select id=\"attr-%d-type\" name=\"attr[%d][datatype]\">"
	    "\n", (int)i, M_DATATYPE, (int)i, (int)i);
	for (t = 0; t < ATTR__MAX; t++)
		html_f(&st->h, "<option%r>%s</option>\n", a != NULL &&
		    (int)a->type == t ? " selected" : "",
		    report_attr_type_name((enum attr_type)t));
	html_f(&st->h, "</select></div>\n<div class=\"check\"><input "
	    "type=\"checkbox\" id=\"attr-%d-req\" name=\"attr[%d][required]\" "
	    "value=\"1\"%r><label for=\"attr-%d-req\">%m</label></div>\n",
	    (int)i, (int)i, a != NULL && a->required ? " checked" : "",
	    (int)i, M_REQUIRED);
	snprintf(id, sizeof(id), "attr-%zu-desc-ru", i);
	snprintf(name, sizeof(name), "attr[%zu][desc_ru]", i);
	text_field(st, id, name, M_DESC_RU, a ? a->description[LANG_RU] :
	    NULL, 200, 0);
	snprintf(id, sizeof(id), "attr-%zu-desc-en", i);
	snprintf(name, sizeof(name), "attr[%zu][desc_en]", i);
	text_field(st, id, name, M_DESC_EN, a ? a->description[LANG_EN] :
	    NULL, 200, 0);
	html_f(&st->h, "<div class=\"field\"><label for=\"attr-%d-values\">%m"
	    "</label>\n<textarea id=\"attr-%d-values\" name=\"attr[%d][values]\""
	    " rows=\"3\" aria-describedby=\"values-hint\">", (int)i, M_VALUES,
	    (int)i, (int)i);
	for (j = 0; a != NULL && j < a->nchoices; j++)
		html_f(&st->h, "%s = %s%r%s\n", a->choices[j].key,
		    a->choices[j].name[LANG_RU], a->choices[j].name[LANG_EN] ?
		    " | " : "", a->choices[j].name[LANG_EN]);
	/* Kept as they are: what the form does not edit. */
	html_f(&st->h, "</textarea></div>\n<input type=\"hidden\" "
	    "name=\"attr[%d][variable]\" value=\"%d\">\n", (int)i,
	    a == NULL || a->variable);
	if (a != NULL && a->datatype_description[LANG_RU] != NULL)
		html_f(&st->h, "<input type=\"hidden\" name=\"attr[%d][dtdesc_ru]\""
		    " value=\"%s\">\n", (int)i, a->datatype_description[LANG_RU]);
	if (a != NULL && a->datatype_description[LANG_EN] != NULL)
		html_f(&st->h, "<input type=\"hidden\" name=\"attr[%d][dtdesc_en]\""
		    " value=\"%s\">\n", (int)i, a->datatype_description[LANG_EN]);
	html_raw(&st->h, "</fieldset>\n");
}

/* The edit form of a stored service (found by code). */
struct service_form {
	struct staff *st;
	const char *code;
	int found;
};

static int
on_service_form(const struct service *s, void *arg)
{
	struct service_form *f = arg;
	struct staff *st = f->st;
	size_t i;
	int t;

	if (strcmp(s->code, f->code) != 0)
		return 0;
	f->found = 1;
	html_f(&st->h, "<form method=\"post\" action=\"/admin/services/%s/edit\""
	    " id=\"service-form\" class=\"admin-form\" aria-labelledby="
	    "\"service-title\">\n<h2 id=\"service-title\">%s (%s)</h2>\n",
	    s->code, catalog_text(s->name, st->h.lang), s->code);
	staff_csrf_field(st);
	text_field(st, "s-name-ru", "name_ru", M_NAME_RU, s->name[LANG_RU],
	    200, 1);
	text_field(st, "s-name-en", "name_en", M_NAME_EN, s->name[LANG_EN],
	    200, 0);
	text_field(st, "s-desc-ru", "desc_ru", M_DESC_RU,
	    s->description[LANG_RU], 4000, 0);
	text_field(st, "s-desc-en", "desc_en", M_DESC_EN,
	    s->description[LANG_EN], 4000, 0);
	text_field(st, "s-group-ru", "group_ru", M_GROUP_RU, s->group[LANG_RU],
	    200, 0);
	text_field(st, "s-group-en", "group_en", M_GROUP_EN, s->group[LANG_EN],
	    200, 0);
	text_field(st, "s-keywords", "keywords", M_KEYWORDS, s->keywords, 4000,
	    0);
	html_raw(&st->h, "<div class=\"field\"><label for=\"s-type\">Open311 "
	    "type</label>\n<select id=\"s-type\" name=\"type\">\n");
	for (t = 0; t < SERVICE_TYPE__MAX; t++)
		html_f(&st->h, "<option%r>%s</option>\n", (int)s->type == t ?
		    " selected" : "", service_type_names[t]);
	html_f(&st->h, "</select></div>\n<div class=\"check\"><input "
	    "type=\"checkbox\" id=\"s-disabled\" name=\"disabled\" value=\"1\""
	    "%r><label for=\"s-disabled\">%m</label></div>\n<p class=\"hint\" "
	    "id=\"values-hint\">%m %m</p>\n", s->disabled ? " checked" : "",
	    M_DISABLED, M_VALUES_HINT, M_ATTRS_HINT);
	for (i = 0; i < s->nattrs && i < VECHE_MAX_SERVICE_ATTRS; i++)
		attr_fields(st, i, &s->attrs[i]);
	if (i < VECHE_MAX_SERVICE_ATTRS)
		attr_fields(st, i, NULL);
	html_f(&st->h, "<button type=\"submit\" id=\"service-save\">%m</button>"
	    "\n</form>\n", M_SAVE);
	return st->h.failed ? -1 : 0;
}

static int
service_page(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done = http_request_param(req, "done");
	struct service_form f;
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	f.st = &st;
	f.code = http_request_var(req, "code");
	f.found = 0;
	staff_page_begin(&st, web_msg(M_SERVICES, st.c.lang), "admin-service",
	    "/admin/services", 0);
	html_f(&st.h, "<h1>%m</h1>\n<p><a href=\"/admin/services\">%m</a></p>\n",
	    M_SERVICES, M_SERVICES);
	if (done != NULL && strcmp(done, "saved") == 0)
		done_notice(&st, M_SERVICE_SAVED, f.code);
	if (catalog_service_each(st.c.store, on_service_form, &f) != 0)
		return -1;
	if (!f.found)
		return web_fail(req, res, &st.c, 404, "code", "no such service");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* A form value, or NULL when empty. */
static const char *
value(struct http_request *req, const char *name)
{
	const char *v = http_request_param(req, name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * The values of a list attribute from its textarea: one "key = ru | en"
 * a line.  Returns 0, or -1 (out of memory, or too many).
 */
static int
parse_values(struct http_request *req, const char *text,
    struct service_attr *a)
{
	struct attr_choice *ch;
	char *copy, *line, *next, *eq, *bar;
	size_t n = 0, max = 1;
	const char *p;

	for (p = text; *p != '\0'; p++)
		max += *p == '\n';
	if ((copy = http_request_strdup(req, text)) == NULL ||
	    (ch = http_request_alloc(req, max * sizeof(*ch))) == NULL)
		return -1;
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = trim(line);
		if (*line == '\0')
			continue;
		memset(&ch[n], 0, sizeof(ch[n]));
		if ((eq = strchr(line, '=')) != NULL) {
			*eq++ = '\0';
			if ((bar = strchr(eq, '|')) != NULL) {
				*bar++ = '\0';
				ch[n].name[LANG_EN] = trim(bar);
				if (*ch[n].name[LANG_EN] == '\0')
					ch[n].name[LANG_EN] = NULL;
			}
			ch[n].name[LANG_RU] = trim(eq);
		}
		ch[n++].key = trim(line);
	}
	a->choices = ch;
	a->nchoices = n;
	return 0;
}

/*
 * The attributes of the service form: fields attr[N][name], N below
 * VECHE_MAX_SERVICE_ATTRS; a row with no code is dropped.  Returns 0, or
 * -1 with field naming a bad one (or empty when out of memory).
 */
static int
form_attrs(struct http_request *req, struct service *svc, char *field,
    size_t flen)
{
	struct service_attr *attrs;
	const struct http_param *p;
	const char *values[VECHE_MAX_SERVICE_ATTRS];
	char name[16];
	size_t np, i, n = 0;
	int idx, used, present[VECHE_MAX_SERVICE_ATTRS];
	int varset[VECHE_MAX_SERVICE_ATTRS];

	field[0] = '\0';
	if ((attrs = http_request_alloc(req, VECHE_MAX_SERVICE_ATTRS *
	    sizeof(*attrs))) == NULL)
		return -1;
	memset(attrs, 0, VECHE_MAX_SERVICE_ATTRS * sizeof(*attrs));
	memset(present, 0, sizeof(present));
	memset(varset, 0, sizeof(varset));
	memset(values, 0, sizeof(values));
	p = http_request_params(req, &np);
	for (i = 0; i < np; i++) {
		struct service_attr *a;
		const char *v = p[i].value;

		if (strncmp(p[i].name, "attr[", 5) != 0)
			continue;
		if (sscanf(p[i].name, "attr[%d][%15[a-z_]]%n", &idx, name,
		    &used) != 2 || p[i].name[used] != '\0' || idx < 0 ||
		    idx >= VECHE_MAX_SERVICE_ATTRS) {
			snprintf(field, flen, "%.40s", p[i].name);
			return -1;
		}
		a = &attrs[idx];
		present[idx] = 1;
		if (strcmp(name, "code") == 0)
			a->code = trim(http_request_strdup(req, v));
		else if (strcmp(name, "datatype") == 0) {
			if ((a->type = report_attr_type_parse(v)) == ATTR__MAX) {
				snprintf(field, flen, "attr[%d][datatype]", idx);
				return -1;
			}
		} else if (strcmp(name, "required") == 0)
			a->required = 1;
		else if (strcmp(name, "variable") == 0) {
			a->variable = strcmp(v, "0") != 0;
			varset[idx] = 1;
		}
		else if (strcmp(name, "desc_ru") == 0)
			a->description[LANG_RU] = v[0] ? v : NULL;
		else if (strcmp(name, "desc_en") == 0)
			a->description[LANG_EN] = v[0] ? v : NULL;
		else if (strcmp(name, "dtdesc_ru") == 0)
			a->datatype_description[LANG_RU] = v[0] ? v : NULL;
		else if (strcmp(name, "dtdesc_en") == 0)
			a->datatype_description[LANG_EN] = v[0] ? v : NULL;
		else if (strcmp(name, "values") == 0)
			values[idx] = v;
		else {
			snprintf(field, flen, "%.40s", p[i].name);
			return -1;
		}
	}
	for (idx = 0; idx < VECHE_MAX_SERVICE_ATTRS; idx++) {
		struct service_attr *a = &attrs[idx];

		if (!present[idx] || a->code == NULL || a->code[0] == '\0')
			continue;
		if (values[idx] != NULL && parse_values(req, values[idx], a) ==
		    -1)
			return -1;
		a->order = (int)n + 1;
		/* An attribute takes a value unless the form keeps it not. */
		if (!varset[idx])
			a->variable = 1;
		attrs[n++] = *a;
	}
	svc->attrs = attrs;
	svc->nattrs = n;
	return 0;
}

/* Save a service (create: the new-service form) and reload the catalogue. */
static int
service_save(struct http_request *req, struct http_response *res, void *arg,
    int create)
{
	const char *code = create ? value(req, "code") :
	    http_request_var(req, "code");
	const char *type = value(req, "type");
	struct service svc;
	struct staff st;
	struct verr e;
	char field[48], *loc;
	size_t i, n;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&svc, 0, sizeof(svc));
	memset(&e, 0, sizeof(e));
	svc.code = code;
	svc.name[LANG_RU] = value(req, "name_ru");
	svc.name[LANG_EN] = value(req, "name_en");
	svc.description[LANG_RU] = value(req, "desc_ru");
	svc.description[LANG_EN] = value(req, "desc_en");
	svc.group[LANG_RU] = value(req, "group_ru");
	svc.group[LANG_EN] = value(req, "group_en");
	svc.keywords = value(req, "keywords");
	svc.disabled = value(req, "disabled") != NULL;
	svc.type = SERVICE_REALTIME;
	for (i = 0; type != NULL && i < SERVICE_TYPE__MAX; i++)
		if (strcmp(type, service_type_names[i]) == 0)
			break;
	if (type != NULL && i == SERVICE_TYPE__MAX)
		return web_fail(req, res, &st.c, 400, "type", "type: one of "
		    "realtime, batch, blackbox");
	if (type != NULL)
		svc.type = (enum service_type)i;
	if (form_attrs(req, &svc, field, sizeof(field)) == -1) {
		if (field[0] == '\0')
			return -1;
		return web_fail(req, res, &st.c, 400, field,
		    strstr(field, "][datatype]") != NULL ? "datatype: one of "
		    "string, number, datetime, text, singlevaluelist, "
		    "multivaluelist" : "not a field of this form (attr[N][code|"
		    "datatype|required|desc_ru|desc_en|values], N below 32)");
	}
	if (city_service_save(st.c.store, st.act, &svc, create,
	    app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	n = strlen(code) + 48;
	if ((loc = http_request_alloc(req, n)) == NULL)
		return -1;
	snprintf(loc, n, "/admin/services/%s/edit?done=saved", code);
	return reload_and_back(&st, res, loc);
}

static int
service_create(struct http_request *req, struct http_response *res,
    void *arg)
{
	return service_save(req, res, arg, 1);
}

static int
service_update(struct http_request *req, struct http_response *res,
    void *arg)
{
	return service_save(req, res, arg, 0);
}

/* Agencies as stored (so an area uploaded now shows before a restart). */
static int
on_agency(const struct agency *a, void *arg)
{
	struct staff *st = arg;
	size_t i;

	html_f(&st->h, "<tr id=\"agency-%s\"><td>%s</td><td><a "
	    "href=\"/admin/agencies/%s/edit\">%s</a></td><td>", a->code,
	    a->code, a->code, catalog_text(a->name, st->h.lang));
	if (a->nareas == 0)
		html_f(&st->h, "%m", M_WHOLE_CITY);
	else
		html_f(&st->h, "<span class=\"area-count\">%d</span>",
		    (int)a->nareas);
	html_raw(&st->h, "</td></tr>\n");
	for (i = 0; i < a->nareas; i++) {
		html_f(&st->h, "<tr class=\"area\" id=\"area-%s-%d\" "
		    "data-agency=\"%s\" data-name=\"%s\" data-area=\"%s\">"
		    "<td></td><td>%m %d</td><td><form method=\"post\" "
		    "action=\"/admin/agencies/%s/areas/%d/delete\" "
		    "class=\"inline\">\n", a->code, (int)i + 1, a->code,
		    catalog_text(a->name, st->h.lang), a->areas[i], M_AREA,
		    (int)i + 1, a->code, (int)i + 1);
		staff_csrf_field(st);
		html_f(&st->h, "<button type=\"submit\" class=\"secondary\" "
		    "aria-label=\"%m %d: %s\">%m</button></form></td></tr>\n",
		    M_AREA_DELETE, (int)i + 1, catalog_text(a->name,
		    st->h.lang), M_AREA_DELETE);
	}
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
		done_notice(&st, M_AREA_SAVED, NULL);
	else if (done != NULL && strcmp(done, "area_deleted") == 0)
		done_notice(&st, M_AREA_DELETED, NULL);
	else if (done != NULL && strcmp(done, "saved") == 0)
		done_notice(&st, M_AGENCY_SAVED, http_request_param(req, "id"));
	html_f(&st.h, "<div id=\"agency-map\" class=\"map admin-map\" "
	    "role=\"region\" aria-label=\"%m\" data-tiles=\"%s\"></div>\n"
	    "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"agencies\">\n<caption "
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
	new_form(&st, "/admin/agencies", "new-agency", M_NEW_AGENCY);
	text_field(&st, "new-agency-email", "email", M_EMAIL, NULL, 254, 0);
	html_f(&st.h, "<button type=\"submit\" id=\"new-agency-create\">%m"
	    "</button>\n</form>\n", M_SAVE);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* The edit form of a stored agency, with every stored service to pick. */
struct agency_form {
	struct staff *st;
	const char *code;
	const struct agency *ag;        /* while its row is being read */
	int found;
};

static int
on_handled(const struct service *s, void *arg)
{
	struct agency_form *f = arg;
	struct staff *st = f->st;

	html_f(&st->h, "<div class=\"check\"><input type=\"checkbox\" "
	    "id=\"svc-%s\" name=\"service\" value=\"%s\"%r><label "
	    "for=\"svc-%s\">%s (%s)</label></div>\n", s->code, s->code,
	    catalog_handles(f->ag, s->code) ? " checked" : "", s->code,
	    catalog_text(s->name, st->h.lang), s->code);
	return st->h.failed ? -1 : 0;
}

static int
on_agency_form(const struct agency *a, void *arg)
{
	struct agency_form *f = arg;
	struct staff *st = f->st;

	if (strcmp(a->code, f->code) != 0)
		return 0;
	f->found = 1;
	f->ag = a;
	html_f(&st->h, "<form method=\"post\" action=\"/admin/agencies/%s/"
	    "edit\" id=\"agency-form\" class=\"admin-form\" "
	    "aria-labelledby=\"agency-title\">\n<h2 id=\"agency-title\">"
	    "%s (%s)</h2>\n", a->code, catalog_text(a->name, st->h.lang),
	    a->code);
	staff_csrf_field(st);
	text_field(st, "a-name-ru", "name_ru", M_NAME_RU, a->name[LANG_RU],
	    200, 1);
	text_field(st, "a-name-en", "name_en", M_NAME_EN, a->name[LANG_EN],
	    200, 0);
	text_field(st, "a-email", "email", M_EMAIL, a->email, 254, 0);
	html_f(&st->h, "<fieldset id=\"a-services\"><legend>%m</legend>\n",
	    M_HANDLES);
	if (catalog_service_each(st->c.store, on_handled, f) != 0)
		return -1;
	html_f(&st->h, "</fieldset>\n<button type=\"submit\" "
	    "id=\"agency-save\">%m</button>\n</form>\n", M_SAVE);
	return st->h.failed ? -1 : 0;
}

static int
agency_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct agency_form f;
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.st = &st;
	f.code = http_request_var(req, "code");
	staff_page_begin(&st, web_msg(M_AGENCIES, st.c.lang), "admin-agency",
	    "/admin/agencies", 0);
	html_f(&st.h, "<h1>%m</h1>\n<p><a href=\"/admin/agencies\">%m</a>"
	    "</p>\n", M_AGENCIES, M_AGENCIES);
	if (catalog_agency_each(st.c.store, on_agency_form, &f) != 0)
		return -1;
	if (!f.found)
		return web_fail(req, res, &st.c, 404, "code", "no such agency");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* Save an agency (create: the new-agency form) and reload the catalogue. */
static int
agency_save(struct http_request *req, struct http_response *res, void *arg,
    int create)
{
	const char **svcs;
	const struct http_param *p;
	struct agency ag;
	struct staff st;
	struct verr e;
	size_t np, i, n = 0;
	char *loc;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&ag, 0, sizeof(ag));
	memset(&e, 0, sizeof(e));
	ag.code = create ? value(req, "code") : http_request_var(req, "code");
	ag.name[LANG_RU] = value(req, "name_ru");
	ag.name[LANG_EN] = value(req, "name_en");
	ag.email = value(req, "email");
	p = http_request_params(req, &np);
	if ((svcs = http_request_alloc(req, (np + 1) * sizeof(*svcs))) == NULL)
		return -1;
	for (i = 0; i < np; i++)
		if (strcmp(p[i].name, "service") == 0 && p[i].value[0] != '\0')
			svcs[n++] = p[i].value;
	ag.services = svcs;
	ag.nservices = n;
	if (city_agency_save(st.c.store, st.act, &ag, create,
	    app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	n = strlen(ag.code) + 48;
	if ((loc = http_request_alloc(req, n)) == NULL)
		return -1;
	snprintf(loc, n, "/admin/agencies?done=saved&id=%s", ag.code);
	return reload_and_back(&st, res, loc);
}

static int
agency_create(struct http_request *req, struct http_response *res,
    void *arg)
{
	return agency_save(req, res, arg, 1);
}

static int
agency_update(struct http_request *req, struct http_response *res,
    void *arg)
{
	return agency_save(req, res, arg, 0);
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
	if (city_area_add(st.c.store, st.act, http_request_param(req,
	    "agency"), file, len, app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	/* Route by the new area from the next report on. */
	return reload_and_back(&st, res, "/admin/agencies?done=area");
}

/* POST /admin/agencies/{code}/areas/{n}/delete: n counts from 1. */
static int
area_delete(struct http_request *req, struct http_response *res, void *arg)
{
	struct staff st;
	struct verr e;
	int64_t n;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "n"), 1, ADMIN_MAX_AREA, &n) == -1)
		return web_fail(req, res, &st.c, 404, "area", "area: no such "
		    "area");
	memset(&e, 0, sizeof(e));
	if (city_area_delete(st.c.store, st.act, http_request_var(req, "code"),
	    (size_t)(n - 1), app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	return reload_and_back(&st, res, "/admin/agencies?done=area_deleted");
}

/* The fields of a template form; t == NULL: a new one (id "new"). */
static void
template_fields(struct staff *st, const struct answer_template *t)
{
	char id[40];
	int l;
	static const char *const key[LANG__MAX] = { "ru", "en" };
	static const enum msg title[LANG__MAX] = { M_TITLE_RU, M_TITLE_EN };
	static const enum msg text[LANG__MAX] = { M_TEXT_RU, M_TEXT_EN };

	if (t != NULL)
		snprintf(id, sizeof(id), "t%lld", (long long)t->id);
	else
		snprintf(id, sizeof(id), "tnew");
	for (l = 0; l < LANG__MAX; l++)
		html_f(&st->h, "<div class=\"field\"><label for=\"%s-title-%s\">"
		    "%m</label>\n<input id=\"%s-title-%s\" name=\"title_%s\" "
		    "maxlength=\"200\" value=\"%s\"%r></div>\n<div "
		    "class=\"field\"><label for=\"%s-text-%s\">%m</label>\n"
		    "<textarea id=\"%s-text-%s\" name=\"text_%s\" rows=\"3\" "
		    "maxlength=\"4000\"%r>%s</textarea></div>\n", id, key[l],
		    title[l], id, key[l], key[l], t ? t->title[l] : "",
		    l == LANG_RU ? " required" : "", id, key[l], text[l], id,
		    key[l], key[l], l == LANG_RU ? " required" : "",
		    t ? t->text[l] : "");
}

static int
templates_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *done = http_request_param(req, "done");
	const struct catalog *cat;
	struct staff st;
	size_t i;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	cat = st.c.app->catalog;
	staff_page_begin(&st, web_msg(M_TEMPLATES, st.c.lang),
	    "admin-templates", "/admin/templates", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_TEMPLATES);
	if (done != NULL && strcmp(done, "saved") == 0)
		done_notice(&st, M_TEMPLATE_SAVED, NULL);
	else if (done != NULL && strcmp(done, "deleted") == 0)
		done_notice(&st, M_TEMPLATE_DELETED, NULL);
	for (i = 0; i < catalog_ntemplates(cat); i++) {
		const struct answer_template *t = catalog_template_at(cat, i);
		const char *name = catalog_text(t->title, st.c.lang);

		html_f(&st.h, "<section class=\"admin-form\" id=\"template-%D\" "
		    "aria-labelledby=\"template-%D-title\">\n<h2 "
		    "id=\"template-%D-title\">%s</h2>\n<form method=\"post\" "
		    "action=\"/admin/templates/%D\">\n", t->id, t->id, t->id,
		    name, t->id);
		staff_csrf_field(&st);
		template_fields(&st, t);
		html_f(&st.h, "<button type=\"submit\" id=\"t%D-save\">%m"
		    "</button></form>\n<form method=\"post\" "
		    "action=\"/admin/templates/%D/delete\" class=\"inline\">\n",
		    t->id, M_SAVE, t->id);
		staff_csrf_field(&st);
		html_f(&st.h, "<button type=\"submit\" class=\"secondary\" "
		    "id=\"t%D-delete\" aria-label=\"%m: %s\">%m</button></form>"
		    "\n</section>\n", t->id, M_DELETE, name, M_DELETE);
	}
	html_f(&st.h, "<form method=\"post\" action=\"/admin/templates\" "
	    "id=\"template-form\" class=\"admin-form\" aria-labelledby="
	    "\"new-template-title\">\n<h2 id=\"new-template-title\">%m"
	    "</h2>\n", M_NEW_TEMPLATE);
	staff_csrf_field(&st);
	template_fields(&st, NULL);
	html_f(&st.h, "<button type=\"submit\" id=\"tnew-save\">%m</button>"
	    "\n</form>\n", M_SAVE);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* Create (no {id}) or update a template; delete when del. */
static int
template_write(struct http_request *req, struct http_response *res,
    void *arg, int del)
{
	const char *var = http_request_var(req, "id");
	struct answer_template t;
	struct staff st;
	struct verr e;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&t, 0, sizeof(t));
	memset(&e, 0, sizeof(e));
	if (var != NULL && parse_int64(var, 1, INT64_MAX, &t.id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such template");
	if (del) {
		if (city_template_delete(st.c.store, st.act, t.id,
		    app_now(st.c.app), &e) == -1)
			return staff_fail(req, res, &st, &e);
		return reload_and_back(&st, res,
		    "/admin/templates?done=deleted");
	}
	t.title[LANG_RU] = value(req, "title_ru");
	t.title[LANG_EN] = value(req, "title_en");
	t.text[LANG_RU] = value(req, "text_ru");
	t.text[LANG_EN] = value(req, "text_en");
	if (city_template_save(st.c.store, st.act, &t, NULL,
	    app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	return reload_and_back(&st, res, "/admin/templates?done=saved");
}

static int
template_save(struct http_request *req, struct http_response *res, void *arg)
{
	return template_write(req, res, arg, 0);
}

static int
template_delete(struct http_request *req, struct http_response *res,
    void *arg)
{
	return template_write(req, res, arg, 1);
}

static const char *const channel_names[DELIVERY_CHANNEL__MAX] = {
	[DELIVERY_WEBHOOK] = "webhook",
	[DELIVERY_MAIL_AGENCY] = "mail:agency",
	[DELIVERY_MAIL_REPORTER] = "mail:reporter",
	[DELIVERY_MAIL_ALERT] = "mail:alert",
	[DELIVERY_MAIL_SPIKE] = "mail:spike",
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
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"dead\">\n<caption "
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
static const char *const p_service[] = { LANG_P, "csrf", "code", "name_ru",
	"name_en", "desc_ru", "desc_en", "group_ru", "group_en", "keywords",
	"type", "disabled", "attr[", NULL };
static const char *const p_template[] = { LANG_P, "csrf", "title_ru",
	"title_en", "text_ru", "text_en", NULL };
static const char *const p_agency[] = { LANG_P, "csrf", "code", "name_ru",
	"name_en", "email", "service*", NULL };

static const struct http_route admin_table[] = {
	{ HTTP_GET, "/admin", admin_home, ACCESS_ADMIN, p_page, 0 },
	{ HTTP_GET, "/admin/users", users_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/users", user_create, ACCESS_ADMIN, p_user, 0 },
	{ HTTP_POST, "/admin/users/{id}/role", user_role, ACCESS_ADMIN, p_role,
	    0 },
	{ HTTP_GET, "/admin/keys", keys_page, ACCESS_ADMIN, p_page, 0 },
	{ HTTP_POST, "/admin/keys", key_create, ACCESS_ADMIN, p_key, 0 },
	{ HTTP_GET, "/admin/services", services_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/services", service_create, ACCESS_ADMIN,
	    p_service, 0 },
	{ HTTP_GET, "/admin/services/{code}/edit", service_page, ACCESS_ADMIN,
	    p_done, 0 },
	{ HTTP_POST, "/admin/services/{code}/edit", service_update,
	    ACCESS_ADMIN, p_service, 0 },
	{ HTTP_POST, "/admin/agencies", agency_create, ACCESS_ADMIN, p_agency,
	    0 },
	{ HTTP_GET, "/admin/agencies/{code}/edit", agency_page, ACCESS_ADMIN,
	    p_page, 0 },
	{ HTTP_POST, "/admin/agencies/{code}/edit", agency_update, ACCESS_ADMIN,
	    p_agency, 0 },
	{ HTTP_GET, "/admin/agencies", agencies_page, ACCESS_ADMIN, p_done, 0 },
	{ HTTP_POST, "/admin/agencies/areas", area_upload, ACCESS_ADMIN, p_area,
	    VECHE_MAX_AREA_FILE + 64 * 1024 },
	{ HTTP_POST, "/admin/agencies/{code}/areas/{n}/delete", area_delete,
	    ACCESS_ADMIN, p_csrf, 0 },
	{ HTTP_GET, "/admin/templates", templates_page, ACCESS_ADMIN, p_done,
	    0 },
	{ HTTP_POST, "/admin/templates", template_save, ACCESS_ADMIN,
	    p_template, 0 },
	{ HTTP_POST, "/admin/templates/{id}", template_save, ACCESS_ADMIN,
	    p_template, 0 },
	{ HTTP_POST, "/admin/templates/{id}/delete", template_delete,
	    ACCESS_ADMIN, p_csrf, 0 },
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
