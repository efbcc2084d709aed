/*
 * web_help.c: the help map's pages, API and exports (core/help.h,
 * docs/participation.md).  Pages are rendered on the server and work
 * without JavaScript; web/js/help.js draws the map (Leaflet with
 * markercluster, posts loaded per viewport from the GeoJSON export).
 *
 * Contact data leaves only through help_contact, on a post's page, for a
 * coordinator or the volunteer who took the need; lists, the map, the
 * exports and the matches carry none.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/body.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/export.h"
#include "core/help.h"
#include "core/parse.h"
#include "core/social.h"
#include "http/http.h"

#define COORDINATORS (ACCESS_MODERATOR | ACCESS_ADMIN)

static const enum msg kind_msg[HELP_KIND__MAX] = {
	M_HELP_K_EVACUATION, M_HELP_K_WATER, M_HELP_K_FOOD, M_HELP_K_MEDICINE,
	M_HELP_K_TRANSPORT, M_HELP_K_HOUSING, M_HELP_K_EQUIPMENT,
	M_HELP_K_VOLUNTEERS,
};
static const enum msg type_msg[HELP_TYPE__MAX] = { M_HELP_NEED, M_HELP_OFFER };
static const enum msg state_msg[HELP_STATE__MAX] = {
	M_HELP_S_OPEN, M_HELP_S_TAKEN, M_HELP_S_DONE, M_HELP_S_EXPIRED,
};
/* The "until" choices of the web form, in hours. */
static const struct { int hours; enum msg m; } untils[] = {
	{ 6, M_HELP_H6 }, { 12, M_HELP_H12 }, { 24, M_HELP_H24 },
	{ 72, M_HELP_D3 }, { 168, M_HELP_D7 },
};
/* The time filter: posted within so many hours (0: any time). */
static const struct { int hours; enum msg m; } periods[] = {
	{ 0, M_F_ALL }, { 24, M_HELP_P_24 }, { 72, M_HELP_P_72 },
	{ 168, M_HELP_P_168 },
};

/* What a help handler holds: the web context, the page, the situation. */
struct hctx {
	struct web_ctx c;
	struct html h;
	struct help_situation sit;
	int64_t now;
};

static void
hctx_end(struct hctx *x)
{
	help_situation_clear(&x->sit);
}

/* web_begin and the situation of the path: 0, or -1 after an answer. */
static int
hctx_begin(struct http_request *req, struct http_response *res, void *app,
    struct hctx *x)
{
	int rc;

	memset(x, 0, sizeof(*x));
	if (web_begin(req, res, app, &x->c) == -1)
		return -1;
	x->now = app_now(app);
	x->h.res = res;
	x->h.lang = x->c.lang;
	web_html_account(&x->h, &x->c);
	if ((rc = help_situation_load(x->c.store, http_request_var(req,
	    "situation"), &x->sit)) == 0)
		return 0;
	if (rc == 1)
		web_fail(req, res, &x->c, 404, "situation", "situation: no such "
		    "situation");
	else
		http_response_error(req, res, 500, NULL, "database error");
	return -1;
}

static void
html_start(struct http_response *res)
{
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
}

/* The post's id of the path, or -1 after a 404. */
static int64_t
post_id(struct http_request *req, struct http_response *res,
    struct hctx *x)
{
	int64_t id;

	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1) {
		web_fail(req, res, &x->c, 404, "id", "id: no such post");
		return -1;
	}
	return id;
}

static int
fail_verr(struct http_request *req, struct http_response *res,
    struct hctx *x, const struct verr *e)
{
	int status = reply_status(e->kind);

	if (status >= 500)
		return -1;
	return web_fail(req, res, &x->c, status, e->field[0] ? e->field :
	    NULL, e->message);
}

static int
see_other(struct http_response *res, const char *location)
{
	http_response_status(res, 303);
	http_response_kind(res, HTTP_TYPE_TEXT);
	if (http_response_header(res, "Location", location) == -1)
		return -1;
	return http_response_printf(res, "See %s\n", location);
}

/* The badges of a post: state, urgent, unverified, each in words. */
static void
badges(struct html *h, const struct help_post *p, int64_t now)
{
	html_f(h, "<span class=\"help-badge help-%s help-state-%s\">%m: %m"
	    "</span>", help_type_name(p->type), help_state_name(p->state),
	    type_msg[p->type], state_msg[p->state]);
	if (help_urgent(p, now))
		html_f(h, " <span class=\"help-badge help-urgent\">⚠ %m</span>",
		    M_HELP_URGENT);
	if (p->verified)
		html_f(h, " <span class=\"help-badge help-verified\">✓ %m"
		    "</span>", M_HELP_VERIFIED);
	else
		html_f(h, " <span class=\"help-badge help-unverified\">? %m"
		    "</span>", M_HELP_UNVERIFIED);
}

static void
html_time(struct html *h, int64_t t)
{
	char iso[DATETIME_LEN];

	datetime_format(t, iso, sizeof(iso));
	/* "2026-06-15T18:00" of "2026-06-15T18:00:00+03:00", local time. */
	iso[16] = '\0';
	html_f(h, "<time datetime=\"%s\">", iso);
	iso[10] = ' ';
	html_f(h, "%s</time>", iso);
}

/* /help: the situations, and for an admin the form to open one. */

struct sit_list {
	struct html *h;
	size_t n;
};

static int
on_sit_item(const struct help_situation_row *r, void *arg)
{
	struct sit_list *l = arg;

	html_f(l->h, "<li><a href=\"/help/%s\">%s</a>", r->slug, r->title);
	if (r->closed != 0)
		html_f(l->h, " — %m", M_HELP_CLOSED);
	html_raw(l->h, "</li>\n");
	l->n++;
	return 0;
}

static void
kind_boxes(struct html *h, unsigned kinds, const char *name, int radio)
{
	int k;

	for (k = 0; k < HELP_KIND__MAX; k++) {
		if (!(kinds & (1u << k)))
			continue;
		html_f(h, "<label class=\"check\"><input type=\"%r\" name=\"%r\""
		    " value=\"%r\"%r> %m</label>\n", radio ? "radio" :
		    "checkbox", name, help_kind_name((enum help_kind)k),
		    radio && k == __builtin_ctz(kinds) ? " checked" :
		    radio ? "" : " checked", kind_msg[k]);
	}
}

static int
help_index(struct http_request *req, struct http_response *res, void *arg)
{
	struct sit_list l;
	struct web_ctx c;
	struct html h;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&h, 0, sizeof(h));
	h.res = res;
	h.lang = c.lang;
	web_html_account(&h, &c);
	html_start(res);
	html_page_begin(&h, web_msg(M_HELP_TITLE, c.lang), "help-index",
	    "/help", c.csrf, 0);
	html_f(&h, "<h1>%m</h1>\n<ul id=\"situations\">\n", M_HELP_TITLE);
	l.h = &h;
	l.n = 0;
	if (help_situation_each(c.store, on_sit_item, &l) != 0)
		return -1;
	html_raw(&h, "</ul>\n");
	if (l.n == 0)
		html_f(&h, "<p id=\"help-none\">%m</p>\n", M_HELP_NONE);
	if (c.act != NULL && c.act->role == ROLE_ADMIN) {
		html_f(&h, "<h2 id=\"open-title\">%m</h2>\n<form method=\"post\" "
		    "action=\"/help\" id=\"situation-form\" class=\"stack\" "
		    "aria-labelledby=\"open-title\">\n<input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\">\n<label for=\"s-slug\">%m"
		    "</label><input id=\"s-slug\" name=\"slug\" required "
		    "pattern=\"[a-z0-9][a-z0-9\\-]*\" maxlength=\"%d\">\n"
		    "<label for=\"s-title\">%m</label><input id=\"s-title\" "
		    "name=\"title\" required>\n<fieldset><legend>%m</legend>\n",
		    M_HELP_OPEN_SIT, c.session_csrf, M_HELP_SLUG,
		    VECHE_HELP_MAX_SLUG, M_HELP_SIT_TITLE, M_HELP_KINDS);
		kind_boxes(&h, (1u << HELP_KIND__MAX) - 1, "kind", 0);
		html_f(&h, "</fieldset>\n<label for=\"s-area\">%m</label>"
		    "<textarea id=\"s-area\" name=\"area\" rows=\"3\">"
		    "</textarea>\n<fieldset><legend>%m</legend>\n<label for="
		    "\"s-lat\">%m</label><input id=\"s-lat\" name=\"lat\" "
		    "inputmode=\"decimal\">\n<label for=\"s-lon\">%m</label>"
		    "<input id=\"s-lon\" name=\"long\" inputmode=\"decimal\">\n"
		    "<label for=\"s-radius\">%m</label><input id=\"s-radius\" "
		    "name=\"radius\" inputmode=\"numeric\">\n</fieldset>\n"
		    "<button type=\"submit\">%m</button>\n</form>\n",
		    M_HELP_AREA, M_HELP_CENTRE, M_LAT, M_LON, M_HELP_RADIUS,
		    M_HELP_OPEN_SIT);
	}
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

static int
help_open(struct http_request *req, struct http_response *res, void *arg)
{
	struct help_situation_input in;
	const struct http_param *p;
	char where[VECHE_HELP_MAX_SLUG + 16];
	struct web_ctx c;
	struct verr e;
	size_t np, i;
	int64_t id;
	int k;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.slug = http_request_param(req, "slug");
	in.title = http_request_param(req, "title");
	in.area = http_request_param(req, "area");
	in.lat = http_request_param(req, "lat");
	in.lon = http_request_param(req, "long");
	in.radius = http_request_param(req, "radius");
	p = http_request_params(req, &np);
	for (i = 0; i < np; i++) {
		if (strcmp(p[i].name, "kind") != 0)
			continue;
		if ((k = help_kind_parse(p[i].value)) < 0)
			return web_fail(req, res, &c, 400, "kind", "kind: not a "
			    "kind of help");
		in.kinds |= 1u << k;
	}
	if (help_situation_open(c.store, c.act, &in, app_now(arg), &id,
	    &e) == -1) {
		if (e.kind == VERR_INTERNAL)
			return -1;
		return web_fail(req, res, &c, reply_status(e.kind), e.field,
		    e.message);
	}
	snprintf(where, sizeof(where), "/help/%s", in.slug);
	return see_other(res, where);
}

static int
help_close(struct http_request *req, struct http_response *res, void *arg)
{
	struct hctx x;
	struct verr e;
	char where[VECHE_HELP_MAX_SLUG + 16];
	int rc;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (help_situation_close(x.c.store, x.c.act, &x.sit, x.now, &e) == -1)
		rc = fail_verr(req, res, &x, &e);
	else {
		snprintf(where, sizeof(where), "/help/%s", x.sit.slug);
		rc = see_other(res, where);
	}
	hctx_end(&x);
	return rc;
}

/* The list's filters from the query string: -1 after a refusal. */
static int
read_filter(struct http_request *req, struct http_response *res,
    struct hctx *x, struct help_filter *f, int with_bbox)
{
	const char *type = http_request_param(req, "type");
	const char *kind = http_request_param(req, "kind");
	const char *state = http_request_param(req, "state");
	const char *hours = http_request_param(req, "hours");
	const char *bbox = http_request_param(req, "bbox");
	int64_t h = 0;
	int k;

	memset(f, 0, sizeof(*f));
	f->situation = x->sit.id;
	f->now = x->now;
	if (type != NULL && type[0] != '\0') {
		if ((k = help_type_parse(type)) < 0)
			goto bad_type;
		f->type = k + 1;
	}
	if (kind != NULL && kind[0] != '\0') {
		if ((k = help_kind_parse(kind)) < 0)
			goto bad_kind;
		f->kind = k + 1;
	}
	if (state != NULL && state[0] != '\0') {
		if (strcmp(state, "all") == 0)
			f->state = HELP_STATE__MAX + 1;
		else if ((k = help_state_parse(state)) < 0)
			goto bad_state;
		else
			f->state = k + 1;
	}
	if (hours != NULL && hours[0] != '\0') {
		if (parse_int64(hours, 0, 24 * 3650, &h) == -1) {
			web_fail(req, res, &x->c, 400, "hours", "hours: a whole "
			    "number of hours");
			return -1;
		}
		if (h > 0)
			f->since = x->now - h * 3600;
	}
	if (with_bbox && bbox != NULL && bbox[0] != '\0') {
		/* west,south,east,north as Leaflet's toBBoxString writes it. */
		if (sscanf(bbox, "%lf,%lf,%lf,%lf", &f->min_lon, &f->min_lat,
		    &f->max_lon, &f->max_lat) != 4 || !(f->min_lat <=
		    f->max_lat) || !(f->min_lon <= f->max_lon)) {
			web_fail(req, res, &x->c, 400, "bbox", "bbox: west,south,"
			    "east,north in degrees");
			return -1;
		}
		f->bbox = 1;
	}
	return 0;
bad_type:
	web_fail(req, res, &x->c, 400, "type", "type: need or offer");
	return -1;
bad_kind:
	web_fail(req, res, &x->c, 400, "kind", "kind: not a kind of help");
	return -1;
bad_state:
	web_fail(req, res, &x->c, 400, "state", "state: open, taken, done, "
	    "expired or all");
	return -1;
}

struct rows {
	struct hctx *x;
	size_t n;
};

static int
on_post_row(const struct help_post *p, void *arg)
{
	struct rows *r = arg;
	struct html *h = &r->x->h;

	html_f(h, "<li class=\"help-item help-%s%r\" id=\"help-post-%D\">"
	    "<a href=\"/help/%s/posts/%D\">%m, %D</a> ",
	    help_type_name(p->type), help_urgent(p, r->x->now) ?
	    " is-urgent" : "", p->id, r->x->sit.slug, p->id, kind_msg[p->kind],
	    p->count);
	badges(h, p, r->x->now);
	html_f(h, " <span class=\"help-until\">%m ", M_HELP_UNTIL);
	html_time(h, p->until);
	html_raw(h, "</span></li>\n");
	r->n++;
	return h->failed ? -1 : 0;
}

static void
select_open(struct html *h, const char *id, const char *name, enum msg label)
{
	html_f(h, "<label for=\"%r\">%m</label><select id=\"%r\" name=\"%r\">\n",
	    id, label, id, name);
}

static void
filter_form(struct hctx *x, const struct help_filter *f, int hours)
{
	struct html *h = &x->h;
	size_t i;
	int k;

	html_f(h, "<form method=\"get\" action=\"/help/%s\" class=\"filters\" "
	    "id=\"help-filters\">\n", x->sit.slug);
	select_open(h, "f-type", "type", M_HELP_TYPE);
	html_f(h, "<option value=\"\">%m</option>\n", M_F_ALL);
	for (k = 0; k < HELP_TYPE__MAX; k++)
		html_f(h, "<option value=\"%r\"%r>%m</option>\n",
		    help_type_name((enum help_type)k), f->type == k + 1 ?
		    " selected" : "", type_msg[k]);
	html_raw(h, "</select>\n");
	select_open(h, "f-kind", "kind", M_HELP_KIND);
	html_f(h, "<option value=\"\">%m</option>\n", M_F_ALL);
	for (k = 0; k < HELP_KIND__MAX; k++)
		if (help_situation_has(&x->sit, (enum help_kind)k))
			html_f(h, "<option value=\"%r\"%r>%m</option>\n",
			    help_kind_name((enum help_kind)k), f->kind ==
			    k + 1 ? " selected" : "", kind_msg[k]);
	html_raw(h, "</select>\n");
	select_open(h, "f-state", "state", M_HELP_STATE);
	html_f(h, "<option value=\"\">%m</option>\n", M_HELP_S_LIVE);
	for (k = 0; k < HELP_STATE__MAX; k++)
		html_f(h, "<option value=\"%r\"%r>%m</option>\n",
		    help_state_name((enum help_state)k), f->state == k + 1 ?
		    " selected" : "", state_msg[k]);
	html_f(h, "<option value=\"all\"%r>%m</option>\n</select>\n",
	    f->state == HELP_STATE__MAX + 1 ? " selected" : "", M_F_ALL);
	select_open(h, "f-hours", "hours", M_HELP_PERIOD);
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
		html_f(h, "<option value=\"%d\"%r>%m</option>\n",
		    periods[i].hours, periods[i].hours == hours ? " selected" :
		    "", periods[i].m);
	html_f(h, "</select>\n<button type=\"submit\">%m</button>\n</form>\n",
	    M_F_APPLY);
}

static void
post_form(struct hctx *x)
{
	struct html *h = &x->h;
	size_t i;

	html_f(h, "<section class=\"help-new\" aria-labelledby=\"new-title\">\n"
	    "<h2 id=\"new-title\">%m</h2>\n<form method=\"post\" action=\""
	    "/help/%s/posts\" id=\"help-form\" class=\"stack\">\n<input "
	    "type=\"hidden\" name=\"csrf\" value=\"%s\">\n<fieldset><legend>%m"
	    "</legend>\n<label class=\"check\"><input type=\"radio\" name=\""
	    "type\" value=\"need\" checked> %m</label>\n<label class=\"check\">"
	    "<input type=\"radio\" name=\"type\" value=\"offer\"> %m</label>\n"
	    "</fieldset>\n<fieldset><legend>%m</legend>\n", M_HELP_POST_NEW,
	    x->sit.slug, x->c.csrf, M_HELP_TYPE, M_HELP_NEED, M_HELP_OFFER,
	    M_HELP_KIND);
	kind_boxes(h, x->sit.kinds, "kind", 1);
	html_f(h, "</fieldset>\n<label for=\"p-count\">%m</label><input "
	    "id=\"p-count\" name=\"count\" type=\"number\" min=\"1\" max=\"%d\""
	    " value=\"1\" required>\n", M_HELP_COUNT, VECHE_HELP_MAX_COUNT);
	select_open(h, "p-hours", "hours", M_HELP_UNTIL);
	for (i = 0; i < sizeof(untils) / sizeof(untils[0]); i++)
		html_f(h, "<option value=\"%d\"%r>%m</option>\n", untils[i].hours,
		    untils[i].hours == 24 ? " selected" : "", untils[i].m);
	html_f(h, "</select>\n<label for=\"p-desc\">%m</label><textarea "
	    "id=\"p-desc\" name=\"description\" rows=\"3\" maxlength=\"%d\">"
	    "</textarea>\n<p class=\"hint\" id=\"p-hint\">%m</p>\n<label "
	    "for=\"p-lat\">%m</label><input id=\"p-lat\" name=\"lat\" "
	    "inputmode=\"decimal\" required value=\"%f\">\n<label for=\"p-lon"
	    "\">%m</label><input id=\"p-lon\" name=\"long\" inputmode=\""
	    "decimal\" required value=\"%f\">\n<p class=\"hint\">%m</p>\n"
	    "<label for=\"p-name\">%m</label><input id=\"p-name\" name=\"name"
	    "\" required autocomplete=\"name\">\n<label for=\"p-phone\">%m"
	    "</label><input id=\"p-phone\" name=\"phone\" type=\"tel\" "
	    "autocomplete=\"tel\">\n<label for=\"p-email\">%m</label><input "
	    "id=\"p-email\" name=\"email\" type=\"email\" autocomplete=\""
	    "email\">\n<button type=\"submit\" id=\"help-submit\">%m</button>"
	    "\n</form>\n</section>\n", M_DESCRIPTION, VECHE_HELP_MAX_TEXT,
	    M_HELP_MAP_HINT, M_LAT, x->sit.lat, M_LON, x->sit.lon,
	    M_HELP_PRIVATE, M_FIRST_NAME, M_PHONE, M_EMAIL, M_HELP_POST_BTN);
}

static int
help_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct help_filter f;
	struct rows r;
	struct hctx x;
	const char *hp;
	char path[VECHE_HELP_MAX_SLUG + 16];
	int64_t hours = 0;
	int rc = -1;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	if (read_filter(req, res, &x, &f, 0) == -1) {
		hctx_end(&x);
		return 0;
	}
	hp = http_request_param(req, "hours");
	if (hp != NULL)
		parse_int64(hp, 0, 24 * 3650, &hours);
	html_start(res);
	snprintf(path, sizeof(path), "/help/%s", x.sit.slug);
	html_page_begin(&x.h, x.sit.title, "help", path, x.c.csrf, 1);
	html_f(&x.h, "<h1>%s</h1>\n", x.sit.title);
	if (x.sit.closed != 0)
		html_f(&x.h, "<p class=\"notice\" id=\"help-closed\">%m</p>\n",
		    M_HELP_CLOSED);
	filter_form(&x, &f, (int)hours);
	html_f(&x.h, "<div class=\"map-layout\">\n<div id=\"help-map\" "
	    "class=\"map\" role=\"region\" aria-label=\"%m\" data-tiles=\"%s\" "
	    "data-situation=\"%s\" data-center=\"%f,%f\" data-radius=\"%f\" "
	    "data-bounds=\"%f,%f,%f,%f\" data-now=\"%D\" data-lang=\"%r\">"
	    "</div>\n<section class=\"side\" aria-labelledby=\"help-list-title"
	    "\">\n<h2 id=\"help-list-title\">%m</h2>\n<ul id=\"help-list\" "
	    "class=\"help-list\">\n", M_HELP_MAP_LABEL,
	    x.c.app->tiles_url != NULL ? x.c.app->tiles_url : "none",
	    x.sit.slug, x.sit.lat, x.sit.lon, x.sit.radius_m, x.sit.min_lat,
	    x.sit.min_lon, x.sit.max_lat, x.sit.max_lon, x.now,
	    x.c.lang == LANG_EN ? "en" : "ru", M_HELP_LIST);
	f.limit = VECHE_HELP_LIST;
	r.x = &x;
	r.n = 0;
	if (help_post_each(x.c.store, &f, on_post_row, &r) != 0)
		goto out;
	html_raw(&x.h, "</ul>\n");
	if (r.n == 0)
		html_f(&x.h, "<p id=\"help-empty\">%m</p>\n", M_HELP_LIST_EMPTY);
	html_f(&x.h, "<p>%m: <a id=\"help-geojson\" href=\"/api/v1/help/%s/"
	    "posts.geojson?state=all\">GeoJSON</a> · <a id=\"help-csv\" "
	    "href=\"/api/v1/help/%s/posts.csv?state=all\">CSV</a></p>\n"
	    "</section>\n</div>\n", M_HELP_EXPORT, x.sit.slug, x.sit.slug);
	if (x.sit.closed == 0)
		post_form(&x);
	if (x.c.act != NULL && x.c.act->role == ROLE_ADMIN &&
	    x.sit.closed == 0)
		html_f(&x.h, "<form method=\"post\" action=\"/help/%s/close\" "
		    "id=\"close-form\"><input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\"><button type=\"submit\">%m</button></form>\n",
		    x.sit.slug, x.c.session_csrf, M_HELP_CLOSE);
	html_page_end(&x.h);
	rc = x.h.failed ? -1 : 0;
out:
	hctx_end(&x);
	return rc;
}

/* Posting: the web form and the API share help_post_submit. */

static int
help_post_form(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct help_input in;
	char until[DATETIME_LEN], where[VECHE_HELP_MAX_SLUG + 48];
	struct hctx x;
	struct verr e;
	int64_t hours, id;
	int rc;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	/* The CSRF token, then the address's hourly limit (RATE_HELP). */
	if (social_write_checks(req, res, &x.c, RATE_HELP) != 0) {
		hctx_end(&x);
		return 0;
	}
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.type = http_request_param(req, "type");
	in.kind = http_request_param(req, "kind");
	in.count = http_request_param(req, "count");
	in.description = http_request_param(req, "description");
	in.lat = http_request_param(req, "lat");
	in.lon = http_request_param(req, "long");
	in.name = http_request_param(req, "name");
	in.phone = http_request_param(req, "phone");
	in.email = http_request_param(req, "email");
	in.until = http_request_param(req, "until");
	if (in.until == NULL) {
		if (parse_int64(http_request_param(req, "hours"), 1, 24 * 90,
		    &hours) == -1) {
			hctx_end(&x);
			return web_fail(req, res, &x.c, 400, "hours", "hours: "
			    "choose how long the post stands");
		}
		in.until = datetime_format(x.now + hours * 3600, until,
		    sizeof(until));
	}
	if (help_post_submit(x.c.store, &x.sit, &in, x.now, &id, &e) == -1)
		rc = fail_verr(req, res, &x, &e);
	else {
		snprintf(where, sizeof(where), "/help/%s/posts/%" PRId64
		    "?posted=1", x.sit.slug, id);
		rc = see_other(res, where);
	}
	hctx_end(&x);
	return rc;
}

static int
api_post(struct http_request *req, struct http_response *res, void *arg)
{
	static const char *const names[] = { "type", "kind", "count", "until",
		"description", "lat", "long", "name", "phone", "email" };
	const char *v[sizeof(names) / sizeof(names[0])];
	char num[sizeof(names) / sizeof(names[0])][32], err[256];
	struct help_situation sit;
	struct help_input in;
	struct store *s;
	const void *body;
	json_t *doc;
	struct verr e;
	size_t len, i;
	int64_t id;
	int rc;

	if ((s = app_store(arg)) == NULL)
		return reply_bad(req, res, 503, NULL, "database unavailable");
	if ((rc = help_situation_load(s, http_request_var(req, "situation"),
	    &sit)) != 0)
		return rc == 1 ? reply_bad(req, res, 404, "situation",
		    "situation: no such situation") : -1;
	body = http_request_body(req, &len);
	if ((doc = body_json_parse(body, len, err, sizeof(err))) == NULL) {
		help_situation_clear(&sit);
		return reply_bad(req, res, 400, "body", "body: %s", err);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v[i] = body_json_field(doc, names[i], num[i], sizeof(num[i]));
		/* A real number (a coordinate) as the text it was sent as. */
		if (v[i] == NULL && json_is_real(json_object_get(doc,
		    names[i]))) {
			snprintf(num[i], sizeof(num[i]), "%.9g",
			    json_real_value(json_object_get(doc, names[i])));
			v[i] = num[i];
		}
	}
	memset(&in, 0, sizeof(in));
	in.type = v[0];
	in.kind = v[1];
	in.count = v[2];
	in.until = v[3];
	in.description = v[4];
	in.lat = v[5];
	in.lon = v[6];
	in.name = v[7];
	in.phone = v[8];
	in.email = v[9];
	memset(&e, 0, sizeof(e));
	if (help_post_submit(s, &sit, &in, app_now(arg), &id, &e) == -1)
		rc = reply_verr(req, res, &e);
	else
		rc = reply_json(res, 201, json_pack("{s:I, s:s}", "id",
		    (json_int_t)id, "state", "open"));
	json_decref(doc);
	help_situation_clear(&sit);
	return rc;
}

/* A post's page: the post, its matches, actions, and the contact. */

struct page {
	struct hctx *x;
	struct help_post p;
	int found;
};

static int
on_found(const struct help_post *p, void *arg)
{
	struct page *pg = arg;
	struct html *h = &pg->x->h;
	double lat, lon;

	pg->p = *p;
	pg->found = 1;
	html_start(pg->x->h.res);
	{
		char title[128], path[VECHE_HELP_MAX_SLUG + 48];

		snprintf(title, sizeof(title), "%s №%lld",
		    web_msg(M_HELP_POST, h->lang), (long long)p->id);
		snprintf(path, sizeof(path), "/help/%s/posts/%lld",
		    pg->x->sit.slug, (long long)p->id);
		html_page_begin(h, title, "help-post", path, pg->x->c.csrf, 0);
		html_f(h, "<p><a href=\"/help/%s\">%s</a></p>\n<h1>%s: %m, %D"
		    "</h1>\n<p id=\"help-badges\">", pg->x->sit.slug,
		    pg->x->sit.title, title, kind_msg[p->kind], p->count);
	}
	badges(h, p, pg->x->now);
	html_f(h, "</p>\n<dl class=\"help-post\">\n<dt>%m</dt><dd>%m</dd>\n"
	    "<dt>%m</dt><dd>%D</dd>\n<dt>%m</dt><dd id=\"help-until\">",
	    M_HELP_TYPE, type_msg[p->type], M_HELP_COUNT, p->count,
	    M_HELP_UNTIL);
	html_time(h, p->until);
	help_point(pg->x->c.act, p, &lat, &lon);
	html_f(h, "</dd>\n<dt>%m</dt><dd id=\"help-description\">%s</dd>\n"
	    "<dt>%m</dt><dd id=\"help-point\">%f, %f</dd>\n</dl>\n",
	    M_DESCRIPTION, p->description, M_HELP_MAP_LABEL, lat, lon);
	return h->failed ? -1 : 0;
}

static int
on_contact(const struct help_contact *c, void *arg)
{
	struct html *h = arg;

	html_f(h, "<section id=\"help-contact\" aria-labelledby=\"contact-title"
	    "\"><h2 id=\"contact-title\">%m</h2>\n<p>%s", M_CONTACT, c->name);
	if (c->phone != NULL)
		html_f(h, " · <a href=\"tel:%s\">%s</a>", c->phone, c->phone);
	if (c->email != NULL)
		html_f(h, " · <a href=\"mailto:%s\">%s</a>", c->email, c->email);
	html_raw(h, "</p></section>\n");
	return 0;
}

static int
on_match_row(const struct help_post *p, void *arg)
{
	struct rows *m = arg;
	struct html *h = &m->x->h;

	html_f(h, "<li class=\"help-match\"><a href=\"/help/%s/posts/%D\">"
	    "%m, %D</a> — %m: %d m ", m->x->sit.slug, p->id, kind_msg[p->kind],
	    p->count, M_HELP_DISTANCE, (int)(p->distance_m + 0.5));
	badges(h, p, m->x->now);
	html_raw(h, "</li>\n");
	m->n++;
	return 0;
}

static void
action(struct html *h, const char *slug, int64_t id, const char *verb,
    const char *csrf, const char *extra, enum msg label)
{
	html_f(h, "<form method=\"post\" action=\"/help/%s/posts/%D/%r\" "
	    "class=\"inline\" id=\"help-%r\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\">%r<button type=\"submit\">%m</button>"
	    "</form>\n", slug, id, verb, verb, csrf, extra, label);
}

static int
help_post_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct rows m;
	struct page pg;
	struct hctx x;
	const struct actor *act;
	const char *done;
	int64_t id;
	int rc = -1;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	if ((id = post_id(req, res, &x)) == -1) {
		hctx_end(&x);
		return 0;
	}
	memset(&pg, 0, sizeof(pg));
	pg.x = &x;
	if ((rc = help_post_get(x.c.store, &x.sit, id, x.now, on_found,
	    &pg)) == 1 || (rc == 0 && !pg.found)) {
		hctx_end(&x);
		return web_fail(req, res, &x.c, 404, "id", "id: no such post");
	}
	if (rc != 0)
		goto out;
	rc = -1;
	act = x.c.act;
	done = http_request_param(req, "done");
	if (done != NULL)
		html_f(&x.h, "<p class=\"flash\" role=\"status\" id=\"help-flash"
		    "\">%m</p>\n", strcmp(done, "take") == 0 ? M_HELP_TAKEN_MSG :
		    strcmp(done, "done") == 0 ? M_HELP_DONE_MSG :
		    M_HELP_VERIFIED_MSG);
	else if (http_request_param(req, "posted") != NULL)
		html_f(&x.h, "<p class=\"flash\" role=\"status\" id=\"help-flash"
		    "\">%m</p>\n", M_HELP_POSTED);
	if (help_contact(x.c.store, act, &pg.p, x.now, on_contact, &x.h) == -1)
		goto out;
	/* Actions this caller may take. */
	if (pg.p.type == HELP_NEED && pg.p.state == HELP_OPEN) {
		if (act != NULL)
			action(&x.h, x.sit.slug, id, "take", x.c.session_csrf, "",
			    M_HELP_TAKE);
		else
			html_f(&x.h, "<p><a href=\"/login?next=/help/%s/posts/%D"
			    "\" id=\"help-sign-in\">%m</a></p>\n", x.sit.slug, id,
			    M_HELP_SIGN_IN_TAKE);
	}
	if (pg.p.state == HELP_TAKEN && act != NULL &&
	    (pg.p.volunteer == act->user_id || help_coordinator(act)))
		action(&x.h, x.sit.slug, id, "done", x.c.session_csrf, "",
		    M_HELP_DONE_BTN);
	if (help_coordinator(act))
		action(&x.h, x.sit.slug, id, "verify", x.c.session_csrf,
		    pg.p.verified ? "<input type=\"hidden\" name=\"verified\" "
		    "value=\"0\">" : "<input type=\"hidden\" name=\"verified\" "
		    "value=\"1\">", pg.p.verified ? M_HELP_UNVERIFY :
		    M_HELP_VERIFY);
	if (pg.p.type == HELP_NEED && (pg.p.state == HELP_OPEN ||
	    pg.p.state == HELP_TAKEN)) {
		html_f(&x.h, "<section aria-labelledby=\"matches-title\"><h2 "
		    "id=\"matches-title\">%m</h2>\n<ol id=\"help-matches\">\n",
		    M_HELP_MATCHES);
		m.x = &x;
		m.n = 0;
		if (help_matches(x.c.store, &pg.p, x.now, on_match_row, &m) != 0)
			goto out;
		html_raw(&x.h, "</ol>\n");
		if (m.n == 0)
			html_f(&x.h, "<p id=\"help-no-matches\">%m</p>\n",
			    M_HELP_NO_MATCHES);
		html_raw(&x.h, "</section>\n");
	}
	html_page_end(&x.h);
	rc = x.h.failed ? -1 : 0;
out:
	hctx_end(&x);
	return rc;
}

/* take, done, verify: a signed-in form, then back to the post. */
static int
post_action(struct http_request *req, struct http_response *res, void *arg,
    const char *verb)
{
	char where[VECHE_HELP_MAX_SLUG + 64];
	const char *v;
	struct hctx x;
	struct verr e;
	int64_t id;
	int rc;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	if ((id = post_id(req, res, &x)) == -1) {
		hctx_end(&x);
		return 0;
	}
	memset(&e, 0, sizeof(e));
	if (strcmp(verb, "take") == 0)
		rc = help_take(x.c.store, x.c.act, &x.sit, id, x.now, &e);
	else if (strcmp(verb, "done") == 0)
		rc = help_done(x.c.store, x.c.act, &x.sit, id, x.now, &e);
	else {
		v = http_request_param(req, "verified");
		rc = help_verify(x.c.store, x.c.act, &x.sit, id, v == NULL ||
		    strcmp(v, "0") != 0, x.now, &e);
	}
	if (rc == -1)
		rc = fail_verr(req, res, &x, &e);
	else {
		snprintf(where, sizeof(where), "/help/%s/posts/%" PRId64
		    "?done=%s", x.sit.slug, id, verb);
		rc = see_other(res, where);
	}
	hctx_end(&x);
	return rc;
}

static int
help_take_form(struct http_request *req, struct http_response *res,
    void *arg)
{
	return post_action(req, res, arg, "take");
}

static int
help_done_form(struct http_request *req, struct http_response *res,
    void *arg)
{
	return post_action(req, res, arg, "done");
}

static int
help_verify_form(struct http_request *req, struct http_response *res,
    void *arg)
{
	return post_action(req, res, arg, "verify");
}

/* Open data: GeoJSON and CSV, public, without contacts. */

static json_t *
post_props(const struct help_post *p, int64_t now)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:s, s:s, s:b, s:b, s:o}",
	    "id", (json_int_t)p->id, "type", help_type_name(p->type), "kind",
	    help_kind_name(p->kind), "count", (json_int_t)p->count, "until",
	    reply_time(p->until), "description", p->description != NULL ?
	    p->description : "", "state", help_state_name(p->state),
	    "verified", p->verified, "urgent", help_urgent(p, now), "created",
	    reply_time(p->created));
}

struct geo {
	json_t *features;
	int64_t now;
	size_t n, max;                  /* features so far, most in one answer */
	int more;                       /* a post past max: a next page */
	int64_t last_created, last_id;  /* the last feature, for the next link */
};

static int
on_feature(const struct help_post *p, void *arg)
{
	struct geo *g = arg;
	json_t *props;
	double lat, lon;

	if (g->max > 0 && g->n == g->max) {
		g->more = 1;
		return 1;
	}
	if ((props = post_props(p, g->now)) == NULL)
		return -1;
	g->n++;
	g->last_created = p->created;
	g->last_id = p->id;
	help_point(NULL, p, &lat, &lon);
	return json_array_append_new(g->features, json_pack("{s:s, s:{s:s, "
	    "s:[f, f]}, s:o}", "type", "Feature", "geometry", "type", "Point",
	    "coordinates", lon, lat, "properties", props));
}

/* "CREATED.ID" of the after parameter into f: -1 after a refusal. */
static int
read_after(struct http_request *req, struct http_response *res,
    struct hctx *x, struct help_filter *f)
{
	const char *after = http_request_param(req, "after");
	char head[24];
	const char *dot;

	if (after == NULL || after[0] == '\0')
		return 0;
	if ((dot = strchr(after, '.')) == NULL ||
	    (size_t)(dot - after) >= sizeof(head))
		goto bad;
	memcpy(head, after, (size_t)(dot - after));
	head[dot - after] = '\0';
	if (parse_int64(head, 1, INT64_MAX, &f->before_created) == -1 ||
	    parse_int64(dot + 1, 1, INT64_MAX, &f->before_id) == -1)
		goto bad;
	return 0;
bad:
	web_fail(req, res, &x->c, 400, "after", "after: the value of a next "
	    "link (CREATED.ID)");
	return -1;
}

/*
 * GET posts.geojson: at most VECHE_HELP_BBOX_MAX posts, newest first; past
 * them a next link (after=CREATED.ID, keyset: every page costs the same).
 */
static int
posts_geojson(struct http_request *req, struct http_response *res,
    void *arg)
{
	static const char *const keep[] = { "type", "kind", "state", "hours",
	    "bbox", NULL };
	struct help_filter f;
	struct hctx x;
	struct geo g;
	json_t *links;
	const char *next;
	char path[VECHE_HELP_MAX_SLUG + 48], cursor[48];
	int rc = -1;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	x.c.html = 0;
	if (read_filter(req, res, &x, &f, 1) == -1 ||
	    read_after(req, res, &x, &f) == -1) {
		hctx_end(&x);
		return 0;
	}
	f.limit = VECHE_HELP_BBOX_MAX + 1;   /* one more: is there a next page? */
	memset(&g, 0, sizeof(g));
	g.now = x.now;
	g.max = VECHE_HELP_BBOX_MAX;
	if ((g.features = json_array()) == NULL || (links = json_array()) ==
	    NULL) {
		json_decref(g.features);
		goto out;
	}
	if (help_post_each(x.c.store, &f, on_feature, &g) == -1) {
		json_decref(g.features);
		json_decref(links);
		goto out;
	}
	snprintf(path, sizeof(path), "/api/v1/help/%s/posts.geojson",
	    x.sit.slug);
	snprintf(cursor, sizeof(cursor), "%" PRId64 ".%" PRId64,
	    g.last_created, g.last_id);
	if (g.more && (next = web_page_link(req, path, keep, "after",
	    cursor)) != NULL)
		json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "rel",
		    "next", "href", next, "type", "application/geo+json"));
	rc = reply_json(res, 200, json_pack("{s:s, s:o, s:o}", "type",
	    "FeatureCollection", "features", g.features, "links", links));
	if (rc == 0)
		http_response_type(res, "application/geo+json");
out:
	hctx_end(&x);
	return rc;
}

/*
 * The CSV export, streamed (http_response_stream): a page of
 * VECHE_HELP_CSV_PAGE posts at a time, each page after the last one's
 * (created, id), so memory stays a page whatever the export's size.
 */
struct csv_stream {
	struct app *app;
	struct help_filter f;           /* before_created/id: the keyset */
	size_t left;                    /* posts still allowed */
};

/* One page being written. */
struct csv_page {
	struct http_response *out;
	struct csv_stream *cs;
	size_t n;
};

static int
on_csv(const struct help_post *p, void *arg)
{
	struct csv_page *pg = arg;
	struct http_response *res = pg->out;
	char until[DATETIME_LEN], created[DATETIME_LEN];
	double lat, lon;

	pg->n++;
	pg->cs->f.before_created = p->created;
	pg->cs->f.before_id = p->id;

	datetime_format(p->until, until, sizeof(until));
	datetime_format(p->created, created, sizeof(created));
	help_point(NULL, p, &lat, &lon);
	http_response_printf(res, "%lld,%s,%s,%lld,%.6f,%.6f,%s,%s,%d,",
	    (long long)p->id, help_type_name(p->type), help_kind_name(p->kind),
	    (long long)p->count, lat, lon, until,
	    help_state_name(p->state), p->verified);
	http_response_printf(res, "%s,", created);
	if (web_csv_field(res, p->description, 1) == -1)
		return -1;
	return http_response_append(res, "\r\n", 2);
}

/* The stream's next page into out; nothing appended at the end. */
static int
csv_next(struct http_response *out, void *arg)
{
	struct csv_stream *cs = arg;
	struct csv_page pg = { out, cs, 0 };
	struct store *s;

	if (cs->left == 0)
		return 0;
	if ((s = app_store(cs->app)) == NULL)
		return -1;
	cs->f.limit = cs->left < VECHE_HELP_CSV_PAGE ? cs->left :
	    VECHE_HELP_CSV_PAGE;
	if (help_post_each(s, &cs->f, on_csv, &pg) != 0)
		return -1;
	cs->left = pg.n < cs->f.limit ? 0 : cs->left - pg.n;
	return 0;
}

static int
posts_csv(struct http_request *req, struct http_response *res, void *arg)
{
	struct csv_stream *cs;
	struct hctx x;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	x.c.html = 0;
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		hctx_end(&x);
		return -1;
	}
	if (read_filter(req, res, &x, &cs->f, 1) == -1) {
		free(cs);
		hctx_end(&x);
		return 0;
	}
	cs->app = arg;
	cs->left = VECHE_HELP_CSV_MAX;
	http_response_kind(res, HTTP_TYPE_CSV);
	http_response_header(res, "Content-Disposition",
	    "attachment; filename=\"help.csv\"");
	http_response_printf(res, "id,type,kind,count,lat,long,until,state,"
	    "verified,created,description\r\n");
	hctx_end(&x);
	return http_response_stream(res, csv_next, free, cs);
}

/* The matches of a need as JSON (public: no contact). */

static int
on_match_json(const struct help_post *p, void *arg)
{
	struct geo *g = arg;
	json_t *o = post_props(p, g->now);
	double lat, lon;

	if (o == NULL)
		return -1;
	help_point(NULL, p, &lat, &lon);
	json_object_set_new(o, "lat", json_real(lat));
	json_object_set_new(o, "long", json_real(lon));
	json_object_set_new(o, "distance_m", json_integer((json_int_t)
	    (p->distance_m + 0.5)));
	return json_array_append_new(g->features, o);
}

static int
on_need(const struct help_post *p, void *arg)
{
	struct page *pg = arg;

	pg->p = *p;
	pg->p.description = NULL;
	pg->found = 1;
	return 0;
}

static int
api_matches(struct http_request *req, struct http_response *res, void *arg)
{
	struct page pg;
	struct hctx x;
	struct geo g;
	int64_t id;
	int rc = -1;

	if (hctx_begin(req, res, arg, &x) == -1)
		return 0;
	x.c.html = 0;
	memset(&pg, 0, sizeof(pg));
	if ((id = post_id(req, res, &x)) == -1 || help_post_get(x.c.store,
	    &x.sit, id, x.now, on_need, &pg) != 0 || !pg.found) {
		if (id != -1)
			reply_bad(req, res, 404, "id", "id: no such post");
		hctx_end(&x);
		return 0;
	}
	g.now = x.now;
	if ((g.features = json_array()) == NULL)
		goto out;
	if (help_matches(x.c.store, &pg.p, x.now, on_match_json, &g) != 0) {
		json_decref(g.features);
		goto out;
	}
	rc = reply_json(res, 200, json_pack("{s:I, s:o}", "need",
	    (json_int_t)id, "offers", g.features));
out:
	hctx_end(&x);
	return rc;
}

#define LANG_P "lang"

static const char *const p_page[] = { LANG_P, NULL };
static const char *const p_post_page[] = { LANG_P, "posted", "done", NULL };
static const char *const p_map[] = { LANG_P, "type", "kind", "state", "hours",
	NULL };
static const char *const p_list[] = { "type", "kind", "state", "hours",
	"bbox", NULL };
static const char *const p_geojson[] = { "type", "kind", "state", "hours",
	"bbox", "after", NULL };
static const char *const p_open[] = { LANG_P, "csrf", "slug", "title",
	"kind*", "area", "lat", "long", "radius", NULL };
static const char *const p_post[] = { LANG_P, "csrf", "type", "kind",
	"count", "hours", "until", "description", "lat", "long", "name",
	"phone", "email", NULL };
static const char *const p_csrf[] = { LANG_P, "csrf", NULL };
static const char *const p_verify[] = { LANG_P, "csrf", "verified", NULL };
static const char *const p_key[] = { "api_key", NULL };

static const struct http_route help_table[] = {
	{ HTTP_GET, "/help", help_index, 0, p_page, 0 },
	{ HTTP_POST, "/help", help_open, ACCESS_ADMIN, p_open,
	    VECHE_HELP_MAX_AREA + 64 * 1024 },
	{ HTTP_GET, "/help/{situation}", help_page, 0, p_map, 0 },
	{ HTTP_POST, "/help/{situation}/close", help_close, ACCESS_ADMIN,
	    p_csrf, 0 },
	{ HTTP_POST, "/help/{situation}/posts", help_post_form, 0, p_post, 0 },
	{ HTTP_GET, "/help/{situation}/posts/{id}", help_post_page, 0, p_post_page,
	    0 },
	{ HTTP_POST, "/help/{situation}/posts/{id}/take", help_take_form,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/help/{situation}/posts/{id}/done", help_done_form,
	    ACCESS_USER, p_csrf, 0 },
	{ HTTP_POST, "/help/{situation}/posts/{id}/verify", help_verify_form,
	    COORDINATORS, p_verify, 0 },
	{ HTTP_POST, "/api/v1/help/{situation}/posts", api_post, ACCESS_APIKEY,
	    p_key, 0 },
	{ HTTP_GET, "/api/v1/help/{situation}/posts.geojson", posts_geojson,
	    0, p_geojson, 0 },
	{ HTTP_GET, "/api/v1/help/{situation}/posts.csv", posts_csv, 0,
	    p_list, 0 },
	{ HTTP_GET, "/api/v1/help/{situation}/posts/{id}/matches", api_matches,
	    0, NULL, 0 },
};

const struct http_route *
help_routes(size_t *n)
{
	*n = sizeof(help_table) / sizeof(help_table[0]);
	return help_table;
}
