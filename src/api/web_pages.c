/*
 * web_pages.c: the citizens' pages, rendered on the server so that they
 * read without JavaScript: the map page (/), the list (/reports), a
 * report (/reports/{id}) and the report form (/new).  The scripts in
 * web/js/ enhance them (map, clustering, photo upload, voting in place).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_incident.h"
#include "api/web_proposals.h"
#include "api/cache.h"
#include "core/catalog.h"
#include "core/db.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/social.h"
#include "core/workflow.h"
#include "http/http.h"

#define DAY 86400


static const char *
service_name(const struct web_ctx *c, const char *code)
{
	const struct service *s = catalog_service(c->app->catalog, code);

	return s != NULL ? catalog_text(s->name, c->lang) : code;
}

static const char *
agency_name(const struct web_ctx *c, const char *code)
{
	const struct agency *a;

	if (code == NULL || (a = catalog_agency(c->app->catalog, code)) == NULL)
		return code;
	return catalog_text(a->name, c->lang);
}

int
web_filters_read(struct http_request *req, const struct web_ctx *c,
    struct web_filters *f, struct verr *e)
{
	const char *v;
	int64_t n;
	int st;

	memset(f, 0, sizeof(*f));
	f->days = 90;
	f->page = 1;
	if ((v = http_request_param(req, "service_code")) != NULL) {
		if (catalog_service(c->app->catalog, v) == NULL)
			return verr_set(e, VERR_INVALID, "service_code",
			    "service_code: no service '%.64s'", v);
		f->service = v;
		f->q.services = &f->service;
		f->q.nservices = 1;
	}
	if ((v = http_request_param(req, "agency")) != NULL) {
		if (catalog_agency(c->app->catalog, v) == NULL)
			return verr_set(e, VERR_INVALID, "agency", "agency: no "
			    "agency '%.64s'", v);
		f->q.agency = f->agency = v;
	}
	if ((v = http_request_param(req, "status")) != NULL) {
		if (strcmp(v, "open") == 0 || strcmp(v, "closed") == 0) {
			f->status = v;
			for (st = 0; st < STATUS__MAX; st++)
				if (report_status_closed((enum report_status)st)
				    == (v[0] == 'c'))
					f->q.status_mask |= 1u << st;
		} else if ((st = report_status_parse(v)) != STATUS__MAX) {
			f->status = v;
			f->q.status_mask = 1u << st;
		} else {
			return verr_set(e, VERR_INVALID, "status", "status: "
			    "'%.40s' is not open, closed or a status name", v);
		}
	}
	if ((v = http_request_param(req, "days")) != NULL) {
		if (parse_int64(v, 1, 3650, &n) == -1 ||
		    (n != 7 && n != 30 && n != 90))
			return verr_set(e, VERR_INVALID, "days", "days: "
			    "'%.40s' is not 7, 30 or 90", v);
		f->days = (int)n;
	}
	if ((v = http_request_param(req, "page")) != NULL) {
		if (parse_int64(v, 1, 100000, &n) == -1)
			return verr_set(e, VERR_INVALID, "page", "page: "
			    "'%.40s' is not a number from 1 to 100000", v);
		f->page = n;
	}
	f->q.end = app_now(c->app);
	f->q.start = f->q.end - (int64_t)f->days * DAY;
	f->q.order = ORDER_REQUESTED_DESC;
	f->q.limit = VECHE_WEB_PAGE + 1;        /* one more: is there a next? */
	f->q.offset = (size_t)(f->page - 1) * VECHE_WEB_PAGE;
	return 0;
}

static void
option(struct html *h, const char *value, const char *text,
    const char *current)
{
	int sel = current != NULL && strcmp(current, value) == 0;

	html_f(h, "<option value=\"%s\"%r>%s</option>\n", value,
	    sel ? " selected" : "", text);
}

/*
 * The catalogue's services with each group's together, groups in the
 * order they first appear (a catalogue may list a group's services apart:
 * the group then showed twice).  Returns a malloc'd array of n indexes
 * the caller frees, or NULL when out of memory.
 */
static size_t *
grouped(const struct catalog *cat, enum lang lang, size_t *n)
{
	size_t i, j, k = 0, total = catalog_nservices(cat);
	size_t *order = calloc(total + 1, sizeof(*order));
	char *done = calloc(total + 1, 1);
	const char *g, *gj;

	*n = 0;
	if (order == NULL || done == NULL) {
		free(order);
		free(done);
		return NULL;
	}
	for (i = 0; i < total; i++) {
		if (done[i])
			continue;
		g = catalog_text(catalog_service_at(cat, i)->group, lang);
		for (j = i; j < total; j++) {
			gj = catalog_text(catalog_service_at(cat, j)->group,
			    lang);
			if (!done[j] && (gj == g || (gj != NULL && g != NULL &&
			    strcmp(gj, g) == 0))) {
				done[j] = 1;
				order[k++] = j;
			}
		}
	}
	free(done);
	*n = k;
	return order;
}

/* The filter form; it submits to action with GET, so it works anywhere. */
static void
filters_form(struct html *h, const struct web_ctx *c,
    const struct web_filters *f, const char *action)
{
	const struct catalog *cat = c->app->catalog;
	const char *group = NULL;
	char days[8];
	size_t i, n, *order;
	int st;

	/* Folded unless a filter is set, so a phone shows the map first;
	 * veche.js unfolds it on a wide screen. */
	html_f(h, "<details class=\"filters-box\" id=\"filters-box\"%r>"
	    "<summary>%m</summary>\n"
	    "<form class=\"filters\" id=\"filters\" method=\"get\" "
	    "action=\"%s\" aria-label=\"%m\">\n"
	    "<div class=\"field\"><label for=\"f-service\">%m</label>\n"
	    "<select id=\"f-service\" name=\"service_code\">\n",
	    f->service || f->status || f->agency || f->days != 90 ? " open" :
	    "", M_FILTERS,
	    action, M_FILTERS, M_F_CATEGORY);
	option(h, "", web_msg(M_F_ALL, c->lang), f->service ? NULL : "");
	if ((order = grouped(cat, c->lang, &n)) == NULL) {
		h->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const struct service *s = catalog_service_at(cat, order[i]);
		const char *g = catalog_text(s->group, c->lang);

		if (g != NULL && (group == NULL || strcmp(g, group) != 0)) {
			html_f(h, "%r<optgroup label=\"%s\">\n", group ?
			    "</optgroup>\n" : "", g);
			group = g;
		}
		option(h, s->code, catalog_text(s->name, c->lang), f->service);
	}
	free(order);
	html_f(h, "%r</select></div>\n<div class=\"field\"><label "
	    "for=\"f-status\">%m</label>\n<select id=\"f-status\" "
	    "name=\"status\">\n", group ? "</optgroup>\n" : "", M_F_STATUS);
	option(h, "", web_msg(M_F_ALL, c->lang), f->status ? NULL : "");
	option(h, "open", web_msg(M_F_OPEN, c->lang), f->status);
	option(h, "closed", web_msg(M_F_CLOSED, c->lang), f->status);
	for (st = 0; st < STATUS__MAX; st++)
		option(h, report_status_name((enum report_status)st),
		    web_status_text((enum report_status)st, c->lang), f->status);
	html_f(h, "</select></div>\n<div class=\"field\"><label "
	    "for=\"f-agency\">%m</label>\n<select id=\"f-agency\" "
	    "name=\"agency\">\n", M_F_AGENCY);
	option(h, "", web_msg(M_F_ALL, c->lang), f->agency ? NULL : "");
	for (i = 0; i < catalog_nagencies(cat); i++) {
		const struct agency *a = catalog_agency_at(cat, i);

		option(h, a->code, catalog_text(a->name, c->lang), f->agency);
	}
	html_f(h, "</select></div>\n<div class=\"field\"><label "
	    "for=\"f-days\">%m</label>\n<select id=\"f-days\" name=\"days\">\n",
	    M_F_PERIOD);
	snprintf(days, sizeof(days), "%d", f->days);
	option(h, "7", web_msg(M_DAYS_7, c->lang), days);
	option(h, "30", web_msg(M_DAYS_30, c->lang), days);
	option(h, "90", web_msg(M_DAYS_90, c->lang), days);
	html_f(h, "</select></div>\n<button type=\"submit\">%m</button>\n"
	    "</form></details>\n", M_F_APPLY);
}

struct list {
	struct html *h;
	const struct web_ctx *c;
	size_t n;
};

/* One report in a list; the scripts render the same markup (veche.js). */
static int
on_item(const struct report *r, void *arg)
{
	struct list *l = arg;
	struct html *h = l->h;

	if (++l->n > VECHE_WEB_PAGE)
		return 0;
	html_f(h, "<li class=\"report-item\" data-id=\"%D\"><a "
	    "href=\"/reports/%D\">", r->id, r->id);
	html_status_badge(h, r->status, r->fixed, NULL);
	html_f(h, " <strong>%s</strong> <span class=\"addr\">%s</span> ",
	    service_name(l->c, r->service_code), r->address != NULL ?
	    r->address : web_msg(M_NO_ADDRESS, l->c->lang));
	html_date(h, r->requested);
	html_raw(h, "</a></li>\n");
	return h->failed ? -1 : 0;
}

/* Render the list; returns the number of reports found (up to one more). */
static int
render_list(struct html *h, const struct web_ctx *c, struct web_filters *f,
    size_t *found)
{
	struct list l = { h, c, 0 };

	html_raw(h, "<ol class=\"reports\" id=\"report-list\" tabindex=\"0\">\n");
	if (report_list(c->store, NULL, &f->q, on_item, &l) != 0) {
		if (!db_outage())
			fprintf(stderr, "veche: web list: %s\n",
			    db_error(c->store));
		return -1;
	}
	html_raw(h, "</ol>\n");
	if (l.n == 0)
		html_f(h, "<p class=\"empty\" id=\"list-empty\">%m</p>\n",
		    M_LIST_EMPTY);
	*found = l.n;
	return 0;
}

/*
 * The filters f shows as a query string ("service_code=x&days=30", "" for
 * none; page left out), in request memory, or NULL when out of memory.
 * The feed and the pages' links carry the filters with it.
 */
static const char *
filters_query(struct http_request *req, const struct web_filters *f)
{
	const char *const names[] = { "service_code", "status", "agency" };
	const char *values[] = { f->service, f->status, f->agency };
	char buf[512];
	size_t i, used = 0;
	const char *v;
	int n;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if ((v = values[i]) == NULL)
			continue;
		n = snprintf(buf + used, sizeof(buf) - used, "%s%s=",
		    used ? "&" : "", names[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			return NULL;
		used += (size_t)n;
		/* Values were checked: catalogue codes and status names. */
		for (; *v != '\0'; v++) {
			n = snprintf(buf + used, sizeof(buf) - used,
			    strchr("&=#+%? ", *v) ? "%%%02X" : "%c",
			    (unsigned char)*v);
			if (n < 0 || (size_t)n >= sizeof(buf) - used)
				return NULL;
			used += (size_t)n;
		}
	}
	if (f->days != 90) {
		n = snprintf(buf + used, sizeof(buf) - used, "%sdays=%d",
		    used ? "&" : "", f->days);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			return NULL;
	}
	return http_request_strdup(req, buf);
}

/*
 * The page's feed with the filters shown (h->feed, for the head and the
 * footer) from query (filters_query).
 */
static void
feed_set(struct http_request *req, struct html *h, const char *query)
{
	char buf[600];

	if (query == NULL || query[0] == '\0')
		return;
	if (snprintf(buf, sizeof(buf), "/rss?%s", query) < (int)sizeof(buf))
		h->feed = http_request_strdup(req, buf);
}

/*
 * Under the list: the feed of the filters shown and the e-mail alerts of
 * its agency and category (web_alerts.c).
 */
static void
feeds(struct html *h, const struct web_ctx *c, const struct web_filters *f)
{
	html_f(h, "<p class=\"feeds\" id=\"feeds\"><a href=\"%s\" "
	    "id=\"list-rss\">%m</a></p>\n", h->feed != NULL ? h->feed :
	    "/rss", M_RSS);
	web_alerts_link(h, "agency", f->agency, agency_name(c, f->agency));
	web_alerts_link(h, "service_code", f->service, f->service != NULL ?
	    service_name(c, f->service) : NULL);
}

static void
html_begin(struct http_response *res, struct html *h, const struct web_ctx *c)
{
	web_html_init(h, res, c);
}

int
web_map(struct http_request *req, struct http_response *res, void *arg)
{
	double b[4] = { 0, 0, 0, 0 };
	struct web_filters f;
	struct web_ctx c;
	struct html h;
	struct verr e;
	size_t found;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (web_filters_read(req, &c, &f, &e) == -1)
		return web_fail(req, res, &c, 400, e.field, e.message);
	html_begin(res, &h, &c);
	feed_set(req, &h, filters_query(req, &f));
	catalog_bounds(c.app->catalog, &b[0], &b[1], &b[2], &b[3]);
	html_page_begin(&h, web_msg(M_MAP_TITLE, c.lang), "map", "/", c.csrf,
	    1);
	html_f(&h, "<h1 class=\"visually-hidden\">%m</h1>\n", M_MAP_TITLE);
	filters_form(&h, &c, &f, "/");
	html_f(&h, "<div class=\"map-layout\">\n<div id=\"map\" class=\"map\" "
	    "role=\"region\" aria-label=\"%m\" data-tiles=\"%s\" "
	    "data-bounds=\"%f,%f,%f,%f\" data-now=\"%D\"></div>\n"
	    "<section class=\"side\" aria-labelledby=\"list-title\">\n"
	    "<h2 id=\"list-title\">%m</h2>\n<p id=\"list-count\" "
	    "class=\"count\" aria-live=\"polite\"></p>\n", M_MAP_LABEL,
	    c.app->tiles_url != NULL ? c.app->tiles_url : "none", b[0], b[1],
	    b[2], b[3], app_now(c.app), M_LIST_TITLE);
	if (render_list(&h, &c, &f, &found) == -1)
		return -1;
	html_f(&h, "<p class=\"more\"><a href=\"/reports\">%m</a></p>\n",
	    M_NAV_LIST);
	feeds(&h, &c, &f);
	html_raw(&h, "</section>\n</div>\n");
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* A link to page n of the list with the same filters (query). */
static void
page_link(struct html *h, const char *query, int64_t n, enum msg text,
    const char *rel)
{
	html_f(h, "<a rel=\"%r\" href=\"/reports?page=%D%r%s\">%m</a>", rel,
	    n, query != NULL && query[0] ? "&amp;" : "", query != NULL ?
	    query : "", text);
}

int
web_list(struct http_request *req, struct http_response *res, void *arg)
{
	const char *query;
	struct web_filters f;
	struct web_ctx c;
	struct html h;
	struct verr e;
	size_t found;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (web_filters_read(req, &c, &f, &e) == -1)
		return web_fail(req, res, &c, 400, e.field, e.message);
	html_begin(res, &h, &c);
	query = filters_query(req, &f);
	feed_set(req, &h, query);
	html_page_begin(&h, web_msg(M_LIST_ALL_TITLE, c.lang), "list",
	    "/reports", c.csrf, 0);
	html_f(&h, "<h1>%m</h1>\n", M_LIST_ALL_TITLE);
	filters_form(&h, &c, &f, "/reports");
	if (render_list(&h, &c, &f, &found) == -1)
		return -1;
	html_f(&h, "<nav class=\"pages\" aria-label=\"%m\"><p>", M_PAGE);
	if (f.page > 1)
		page_link(&h, query, f.page - 1, M_PREV, "prev");
	html_f(&h, " <span>%m %D</span> ", M_PAGE, f.page);
	if (found > VECHE_WEB_PAGE)
		page_link(&h, query, f.page + 1, M_NEXT, "next");
	html_raw(&h, "</p></nav>\n");
	feeds(&h, &c, &f);
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* What the report page shows, copied out of the store's callback. */
struct shown {
	struct html *h;
	struct web_ctx *c;
	int created;
	int thanked;                    /* ?fixed=1: the reporter answered */
	int reopened;                   /* ?reopened=1: and reopened it */
	int found;
	int reporter;                   /* the viewer's device sent it */
	struct wf_record wf;            /* strings in request memory */
	struct http_request *req;
};

static const char *
keep(struct http_request *req, const char *s)
{
	return s != NULL ? http_request_strdup(req, s) : NULL;
}

static int
on_wf(const struct wf_record *r, void *arg)
{
	struct shown *s = arg;

	s->wf = *r;
	s->wf.token = NULL;
	s->wf.agency = NULL;
	s->wf.status_notes = NULL;
	s->wf.answer = keep(s->req, r->answer);
	s->wf.extension_reason = keep(s->req, r->extension_reason);
	s->wf.forwarded_from = NULL;
	s->wf.forward_reason = NULL;
	s->wf.service_code = NULL;
	return 0;
}

/*
 * Whether the viewer is the reporter: the device that sent the report, or
 * the signed-in citizen account that did.  -1 on a store error.
 */
static int
is_reporter(struct http_request *req, const struct web_ctx *c,
    const struct wf_record *w, int64_t id)
{
	const struct actor *a = auth_actor(req, c->app);

	if (a != NULL && a->role == ROLE_CITIZEN && a->user_id != 0 &&
	    a->user_id == w->reporter_user)
		return 1;
	return report_from_device(c->store, id, c->device);
}

struct followups {
	struct html *h;
	size_t n;
};

static int
on_followup(int64_t id, void *arg)
{
	struct followups *f = arg;

	if (f->n++ == 0)
		html_f(f->h, "<p class=\"related\" id=\"followups\">%m",
		    M_FOLLOWUPS);
	html_f(f->h, " <a href=\"/reports/%D\">№%D</a>", id, id);
	return f->h->failed ? -1 : 0;
}

/* The earlier report this one follows up, and the later ones. */
static int
related(struct shown *s, int64_t id)
{
	struct html *h = s->h;
	struct followups f = { s->h, 0 };
	int rc;

	if (s->wf.related != 0)
		html_f(h, "<p class=\"related\" id=\"related-earlier\">%m "
		    "<a href=\"/reports/%D\">№%D</a></p>\n", M_FOLLOWUP_OF,
		    s->wf.related, s->wf.related);
	rc = workflow_followups(s->c->store, id, VECHE_MAX_HISTORY, on_followup,
	    &f);
	if (f.n > 0)
		html_raw(h, "</p>\n");
	return rc;
}

/* The reporter's "is it fixed?" and, past the reopening window, the way
 * to a new report that follows this one up. */
static void
verdict(struct shown *s, int64_t id)
{
	struct html *h = s->h;
	const struct wf_record *w = &s->wf;
	int open = workflow_reopenable(w, app_now(s->c->app));

	if (!s->reporter || (w->status != STATUS_ANSWERED &&
	    w->status != STATUS_CLOSED))
		return;
	if (w->fixed < 0)
		html_f(h, "<form method=\"post\" action=\"/reports/%D/fixed\" "
		    "class=\"fixed-form\" id=\"fixed-form\">\n<fieldset>"
		    "<legend>%m</legend>\n<p class=\"hint\">%m %m</p>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<button type=\"submit\" name=\"fixed\" value=\"yes\" "
		    "id=\"fixed-yes\">%m</button>\n<button type=\"submit\" "
		    "name=\"fixed\" value=\"no\" id=\"fixed-no\">%m</button>\n"
		    "</fieldset></form>\n", id, M_FIXED_Q, M_FIXED_HINT,
		    open ? M_FIXED_HINT_REOPEN : M_FIXED_HINT_LATE,
		    s->c->csrf, M_YES, M_NO);
	if (!open && w->fixed != 1)
		html_f(h, "<p class=\"followup\"><a id=\"followup-link\" "
		    "class=\"button\" href=\"/new?related=%D\">%m</a></p>\n",
		    id, M_FOLLOWUP_OFFER);
}

/* The official answer, the extension and the reporter's verdict. */
static void
outcome(struct shown *s, int64_t id)
{
	struct html *h = s->h;
	const struct wf_record *w = &s->wf;

	if (w->reopened > 0 && w->status == STATUS_IN_PROGRESS) {
		html_f(h, "<p class=\"notice reopened\" id=\"reopened-notice\" "
		    "role=\"status\">%m <strong>", M_REOPENED_NOTICE);
		html_date(h, w->expected);
		html_raw(h, "</strong></p>\n");
	}
	if (s->reopened)
		html_f(h, "<p class=\"notice\" role=\"status\" "
		    "id=\"thanks-reopened\">%m</p>\n", M_THANKS_REOPENED);

	if (w->extension_reason != NULL)
		html_f(h, "<section class=\"extension\" id=\"extension\" "
		    "aria-labelledby=\"extension-title\"><h2 "
		    "id=\"extension-title\">%m</h2>\n<p>%s</p></section>\n",
		    M_EXTENDED, w->extension_reason);
	if (w->answer == NULL)
		return;
	html_f(h, "<section class=\"answer\" id=\"official-answer\" "
	    "aria-labelledby=\"answer-title\"><h2 id=\"answer-title\">%m</h2>\n"
	    "<p class=\"meta\">", M_ANSWER);
	html_date(h, w->answered);
	html_f(h, "</p>\n<p class=\"answer-text\">%s</p>\n", w->answer);
	if (w->fixed >= 0)
		html_f(h, "<p id=\"fixed-state\" class=\"fixed-%r\">%m: "
		    "<strong>%m</strong></p>\n", w->fixed ? "yes" : "no",
		    M_FIXED_STATE, w->fixed ? M_FIXED_YES : M_FIXED_NO);
	if (s->thanked)
		html_f(h, "<p class=\"notice\" role=\"status\">%m</p>\n",
		    M_THANKS_FIXED);
	verdict(s, id);
	html_raw(h, "</section>\n");
}

static int
on_update(const struct wf_history *u, void *arg)
{
	struct shown *s = arg;
	struct html *h = s->h;
	char *note = workflow_history_note(s->c->app->catalog, u, h->lang);

	html_f(h, "<li class=\"tl-%r\">", u->action >= 0 ?
	    workflow_action_name(u->action) : "status");
	html_date(h, u->created);
	html_f(h, " <span class=\"badge status-%r\">%s</span>",
	    report_status_name(u->status), web_status_text(u->status, h->lang));
	if (u->action >= 0 && u->action != WF_REGISTER &&
	    u->action != WF_START)
		html_f(h, " <strong>%s</strong>", web_action_done(u->action,
		    h->lang));
	if (note != NULL)
		html_f(h, " <span class=\"note\">%s</span>", note);
	free(note);
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* The thumbnail of one of our photos, else the URL itself. */
static void
photo_item(struct html *h, const char *url, size_t i)
{
	size_t n = strlen(url);
	char thumb[VECHE_MAX_URL + 16];

	if (strstr(url, "/media/") != NULL && n > 4 &&
	    strcmp(url + n - 4, ".jpg") == 0)
		snprintf(thumb, sizeof(thumb), "%.*s-thumb.jpg", (int)(n - 4),
		    url);
	else
		snprintf(thumb, sizeof(thumb), "%s", url);
	html_f(h, "<li><a href=\"%s\"><img src=\"%s\" alt=\"%m %d\" "
	    "loading=\"lazy\"></a></li>\n", url, thumb, M_PHOTO_ALT,
	    (int)i + 1);
}

static int
on_report(const struct report *r, void *arg)
{
	struct shown *s = arg;
	struct html *h = s->h;
	struct web_ctx *c = s->c;
	int64_t votes = 0;
	int voted = 0;
	size_t i;
	char title[300], path[64];

	s->found = 1;
	snprintf(title, sizeof(title), "%s%lld: %s", web_msg(M_REPORT_NO,
	    c->lang), (long long)r->id, service_name(c, r->service_code));
	snprintf(path, sizeof(path), "/reports/%lld", (long long)r->id);
	if (social_votes(c->store, r->id, c->device, &votes, &voted) == -1)
		return -1;
	html_page_begin(h, title, "report", path, c->csrf, 1);
	html_f(h, "<article class=\"report\" id=\"report\" data-id=\"%D\">\n",
	    r->id);
	if (s->created)
		html_f(h, "<section class=\"notice\" role=\"status\">"
		    "<h2>%m</h2>\n<p>%m%D. %m</p>\n<p>%m: %s</p>\n<p>%m "
		    "%m: <strong>", M_THANKS, M_REPORT_NO, r->id,
		    M_THANKS_TEXT, M_ADDRESS, r->address != NULL ? r->address :
		    web_msg(M_NO_ADDRESS, c->lang), M_DEADLINE_TEXT,
		    M_ANSWER_DUE);
	if (s->created) {
		html_date(h, r->expected);
		html_raw(h, "</strong></p></section>\n");
	}
	html_f(h, "<h1>%s</h1>\n<p class=\"status\">", title);
	/* A closed report not fixed says so, as the lists do. */
	html_status_badge(h, s->wf.status, s->wf.fixed, "status-badge");
	html_f(h, "</p>\n<dl class=\"facts\">\n"
	    "<dt>%m</dt><dd>%s</dd>\n<dt>%m</dt><dd>%s</dd>\n<dt>%m</dt><dd>",
	    M_ADDRESS,
	    r->address != NULL ? r->address : web_msg(M_NO_ADDRESS, c->lang),
	    M_AGENCY, agency_name(c, r->agency) ? agency_name(c, r->agency) :
	    "—", M_SUBMITTED);
	html_date(h, r->requested);
	html_f(h, "</dd>\n<dt>%m</dt><dd>", M_REGISTER_DUE);
	html_date(h, r->register_due);
	html_f(h, "</dd>\n<dt>%m</dt><dd>", M_ANSWER_DUE);
	html_date(h, r->expected);
	html_raw(h, "</dd>\n</dl>\n");
	/* An incident: its source and reaction clock (web_incident.c). */
	if (web_incident_report(h, c, r->id) == -1)
		return -1;
	if (related(s, r->id) != 0)
		return -1;
	if (r->has_point)
		html_f(h, "<div id=\"report-map\" class=\"minimap\" "
		    "role=\"region\" aria-label=\"%m\" data-tiles=\"%s\" "
		    "data-lat=\"%f\" data-lon=\"%f\" data-status=\"%r\"></div>\n",
		    M_REPORT_MAP, c->app->tiles_url != NULL ?
		    c->app->tiles_url : "none", r->lat, r->lon,
		    report_status_name(r->status));
	outcome(s, r->id);
	html_f(h, "<h2>%m</h2>\n<p class=\"description\">%s</p>\n",
	    M_DESCRIPTION, r->description);
	if (r->nmedia > 0) {
		html_f(h, "<h2>%m</h2>\n<ul class=\"photos\">\n", M_PHOTOS);
		for (i = 0; i < r->nmedia; i++)
			photo_item(h, r->media[i], i);
		html_raw(h, "</ul>\n");
	}
	html_f(h, "<section class=\"votes\" id=\"votes\" aria-labelledby="
	    "\"votes-title\">\n<h2 id=\"votes-title\">%m</h2>\n"
	    "<p>%m <strong id=\"vote-count\">%D</strong></p>\n", M_VOTES,
	    M_VOTES_COUNT, votes);
	if (voted)
		html_f(h, "<p class=\"voted\" id=\"vote-state\">%m</p>\n",
		    M_VOTED);
	else
		html_f(h, "<form method=\"post\" action=\"/api/v1/reports/%D/"
		    "votes\" class=\"vote-form\" id=\"vote-form\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<button type=\"submit\" id=\"vote-button\">%m</button>\n"
		    "</form>\n<p class=\"voted\" id=\"vote-state\" hidden>%m</p>\n",
		    r->id, c->csrf, M_VOTE, M_VOTED);
	html_f(h, "</section>\n<section class=\"timeline\" aria-labelledby="
	    "\"timeline-title\">\n<h2 id=\"timeline-title\">%m</h2>\n"
	    "<ol class=\"timeline\" id=\"timeline\">\n", M_TIMELINE);
	return h->failed ? -1 : 0;
}

int
web_report(struct http_request *req, struct http_response *res, void *arg)
{
	struct shown s;
	struct web_ctx c;
	struct html h;
	int64_t id;
	char idtext[48], action[64];
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &c, 404, "id", "no such report");
	html_begin(res, &h, &c);
	s.h = &h;
	s.c = &c;
	s.created = http_request_param(req, "created") != NULL;
	s.thanked = http_request_param(req, "fixed") != NULL;
	s.reopened = http_request_param(req, "reopened") != NULL;
	if (social_comment_order(req, COMMENT_ORDER_SCORE) == -1)
		return web_fail(req, res, &c, 400, "order", "order: score or "
		    "new");
	s.found = 0;
	s.reporter = 0;
	s.req = req;
	memset(&s.wf, 0, sizeof(s.wf));
	s.wf.fixed = -1;
	rc = workflow_get(c.store, id, on_wf, &s);
	if (rc == 1)
		return web_fail(req, res, &c, 404, "id", "no such report");
	if (rc != 0 || (s.reporter = is_reporter(req, &c, &s.wf, id)) == -1)
		return -1;
	rc = report_get(c.store, NULL, id, on_report, &s);
	if (rc == 1)
		return web_fail(req, res, &c, 404, "id", "no such report");
	if (rc != 0 || workflow_history(c.store, id, VECHE_MAX_HISTORY,
	    on_update, &s) != 0)
		return -1;
	html_raw(&h, "</ol>\n</section>\n");
	snprintf(idtext, sizeof(idtext), "/reports/%lld", (long long)id);
	snprintf(action, sizeof(action), "/api/v1/reports/%lld/comments",
	    (long long)id);
	if (web_comments_section(&h, &c, req, "report", id, idtext,
	    action) == -1)
		return -1;
	/* "What we changed" notes and "Propose a lasting fix". */
	if (web_proposals_report(&h, &c, id) == -1)
		return -1;
	html_f(&h, "<section class=\"share\" aria-labelledby=\"share-title\">\n"
	    "<h2 id=\"share-title\">%m</h2>\n<div class=\"field\"><label "
	    "for=\"share-url\">%m</label>\n<input id=\"share-url\" readonly "
	    "value=\"%s\"></div>\n<button type=\"button\" id=\"copy-link\" "
	    "hidden>%m</button>\n</section>\n", M_SHARE,
	    M_SHARE_LINK, web_url(req, &c, http_request_path(req)), M_COPY);
	/* Alerts about this report by e-mail (web_alerts.c). */
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	web_alerts_form(&h, c.csrf, idtext, NULL, NULL, NULL);
	html_raw(&h, "</article>\n");
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* The inputs of one service attribute, named attr[service][code]. */
static void
attr_input(struct html *h, const struct service *s,
    const struct service_attr *a)
{
	const char *label = catalog_text(a->description, h->lang);
	size_t i;

	if (!a->variable)
		return;
	if (label == NULL)
		label = a->code;
	if (a->type == ATTR_MULTIVALUELIST) {
		html_f(h, "<fieldset class=\"attr\"><legend>%s</legend>\n", label);
		for (i = 0; i < a->nchoices; i++)
			html_f(h, "<div class=\"check\"><input type=\"checkbox\" "
			    "id=\"a-%s-%s-%s\" name=\"attr[%s][%s][]\" "
			    "value=\"%s\"><label for=\"a-%s-%s-%s\">%s</label>"
			    "</div>\n", s->code, a->code, a->choices[i].key,
			    s->code, a->code, a->choices[i].key, s->code, a->code,
			    a->choices[i].key, catalog_text(a->choices[i].name, h->lang));
		html_raw(h, "</fieldset>\n");
		return;
	}
	html_f(h, "<div class=\"field\"><label for=\"a-%s-%s\">%s%r</label>\n",
	    s->code, a->code, label, a->required ? " *" : "");
	if (a->type == ATTR_SINGLEVALUELIST) {
		html_f(h, "<select id=\"a-%s-%s\" name=\"attr[%s][%s]\"%r>\n"
		    "<option value=\"\">%m</option>\n", s->code, a->code, s->code,
		    a->code, a->required ? " data-required=\"1\"" : "", M_CHOOSE);
		for (i = 0; i < a->nchoices; i++)
			html_f(h, "<option value=\"%s\">%s</option>\n",
			    a->choices[i].key, catalog_text(a->choices[i].name, h->lang));
		html_raw(h, "</select></div>\n");
		return;
	}
	html_f(h, "<input id=\"a-%s-%s\" name=\"attr[%s][%s]\" type=\"%r\"%r>"
	    "</div>\n", s->code, a->code, s->code, a->code,
	    a->type == ATTR_NUMBER ? "number" : a->type == ATTR_DATETIME ?
	    "datetime-local" : "text", a->required ?
	    " data-required=\"1\"" : "");
}

/* The earlier report a new one follows up: its place and service. */
struct prefill {
	struct http_request *req;
	int64_t id;                     /* 0: none */
	const char *service;
	const char *address;
	char lat[32], lon[32];
};

static int
on_prefill(const struct report *r, void *arg)
{
	struct prefill *p = arg;

	p->service = keep(p->req, r->service_code);
	p->address = keep(p->req, r->address);
	if (r->has_point) {
		snprintf(p->lat, sizeof(p->lat), "%.6f", r->lat);
		snprintf(p->lon, sizeof(p->lon), "%.6f", r->lon);
	}
	return 0;
}

int
web_new(struct http_request *req, struct http_response *res, void *arg)
{
	const struct catalog *cat;
	double b[4] = { 0, 0, 0, 0 };
	const char *group = NULL;
	const char *v = http_request_param(req, "related");
	struct prefill p;
	struct web_ctx c;
	struct html h;
	size_t i, j, n, *order;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	cat = c.app->catalog;
	memset(&p, 0, sizeof(p));
	p.req = req;
	if (v != NULL) {
		if (parse_int64(v, 1, INT64_MAX, &p.id) == -1)
			return web_fail(req, res, &c, 400, "related", "related: "
			    "a report number");
		if ((rc = report_get(c.store, NULL, p.id, on_prefill, &p)) == 1)
			return web_fail(req, res, &c, 404, "related",
			    "related: no such report");
		if (rc != 0)
			return -1;
	}
	html_begin(res, &h, &c);
	catalog_bounds(cat, &b[0], &b[1], &b[2], &b[3]);
	html_page_begin(&h, web_msg(M_NEW_TITLE, c.lang), "new", "/new",
	    c.csrf, 1);
	html_f(&h, "<h1>%m</h1>\n<form id=\"report-form\" class=\"report-form\" "
	    "method=\"post\" action=\"/api/v1/reports\" "
	    "enctype=\"multipart/form-data\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	    M_NEW_TITLE, c.csrf);
	if (p.id != 0)
		html_f(&h, "<input type=\"hidden\" name=\"related\" "
		    "value=\"%D\">\n<p class=\"notice\" id=\"related-notice\">"
		    "%m <a href=\"/reports/%D\">№%D</a></p>\n", p.id,
		    M_NEW_RELATED, p.id, p.id);
	html_f(&h, "<fieldset id=\"step-place\"><legend>%m</legend>\n"
	    "<p class=\"hint\" id=\"pick-hint\">%m</p>\n"
	    "<div id=\"pick-map\" class=\"map pick\" role=\"region\" "
	    "aria-label=\"%m\" data-tiles=\"%s\" data-bounds=\"%f,%f,%f,%f\">"
	    "</div>\n"
	    "<div class=\"field search\" id=\"addr-search-box\" hidden>"
	    "<label for=\"addr-search\">%m</label>\n"
	    "<input id=\"addr-search\" type=\"search\" autocomplete=\"off\">\n"
	    "<button type=\"button\" id=\"addr-search-go\">%m</button>\n"
	    "<ul id=\"addr-results\" class=\"results\" aria-live=\"polite\">"
	    "</ul></div>\n"
	    "<div class=\"field\"><label for=\"address\">%m</label>\n"
	    "<input id=\"address\" name=\"address_string\" maxlength=\"1000\" "
	    "autocomplete=\"street-address\" value=\"%s\"></div>\n"
	    "<div class=\"coords\"><div class=\"field\"><label for=\"lat\">%m"
	    "</label>\n<input id=\"lat\" name=\"lat\" inputmode=\"decimal\" "
	    "required pattern=\"-?[0-9]+([.][0-9]+)?\" value=\"%s\"></div>\n"
	    "<div class=\"field\"><label for=\"long\">%m</label>\n"
	    "<input id=\"long\" name=\"long\" inputmode=\"decimal\" required "
	    "pattern=\"-?[0-9]+([.][0-9]+)?\" value=\"%s\"></div></div>\n"
	    "</fieldset>\n",
	    M_STEP_PLACE, M_PICK_HINT, M_REPORT_MAP,
	    c.app->tiles_url != NULL ? c.app->tiles_url : "none", b[0], b[1],
	    b[2], b[3], M_ADDR_SEARCH, M_ADDR_SEARCH_BTN, M_ADDR,
	    p.address ? p.address : "", M_LAT, p.lat, M_LON, p.lon);
	html_f(&h, "<fieldset id=\"step-service\"><legend>%m</legend>\n"
	    "<div class=\"field search\" id=\"service-search-box\" hidden>"
	    "<label for=\"service-search\">%m</label>\n<input "
	    "id=\"service-search\" type=\"search\" autocomplete=\"off\"></div>\n"
	    /* Filled by veche.js from the description (issue 13). */
	    "<div id=\"service-suggest\" class=\"suggest\" hidden>"
	    "<p id=\"service-suggest-title\">%m</p>\n<div role=\"group\" "
	    "aria-labelledby=\"service-suggest-title\" "
	    "id=\"service-suggest-list\"></div></div>\n"
	    "<p id=\"service-suggest-live\" class=\"visually-hidden\" "
	    "aria-live=\"polite\"></p>\n",
	    M_STEP_SERVICE, M_SERVICE_SEARCH, M_SUGGEST_TITLE);
	if ((order = grouped(cat, c.lang, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct service *s = catalog_service_at(cat, order[i]);
		const char *g = catalog_text(s->group, c.lang);
		int chosen = p.service != NULL && strcmp(p.service, s->code) == 0;

		if (g == NULL)
			g = "";
		if (group == NULL || strcmp(g, group) != 0) {
			html_f(&h, "%r<fieldset class=\"service-group\">"
			    "<legend>%s</legend>\n", group ? "</fieldset>\n" : "",
			    g);
			group = g;
		}
		html_f(&h, "<div class=\"service\" data-search=\"%s %s %s\">"
		    "<input type=\"radio\" name=\"service_code\" id=\"svc-%s\" "
		    "value=\"%s\" required%r><label for=\"svc-%s\">%s",
		    catalog_text(s->name, c.lang), s->keywords ? s->keywords : "",
		    catalog_text(s->description, c.lang) ?
		    catalog_text(s->description, c.lang) : "",
		    s->code, s->code, chosen ? " checked" : "", s->code,
		    catalog_text(s->name, c.lang));
		if (catalog_text(s->description, c.lang) != NULL)
			html_f(&h, " <span class=\"hint\">%s</span>",
			    catalog_text(s->description, c.lang));
		html_raw(&h, "</label></div>\n");
	}
	free(order);
	if (group != NULL)
		html_raw(&h, "</fieldset>\n");
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *s = catalog_service_at(cat, i);

		if (s->nattrs == 0)
			continue;
		html_f(&h, "<fieldset class=\"attrs\" id=\"attrs-%s\" "
		    "data-service=\"%s\"><legend>%m%s</legend>\n", s->code,
		    s->code, M_ATTRS_FOR, catalog_text(s->name, c.lang));
		for (j = 0; j < s->nattrs; j++)
			attr_input(&h, s, &s->attrs[j]);
		html_raw(&h, "</fieldset>\n");
	}
	html_f(&h, "</fieldset>\n<fieldset id=\"step-details\"><legend>%m"
	    "</legend>\n<div class=\"field\"><label for=\"description\">%m"
	    "</label>\n<textarea id=\"description\" name=\"description\" "
	    "rows=\"5\" required maxlength=\"4000\"></textarea></div>\n"
	    "<div class=\"field\"><label for=\"photos\">%m</label>\n"
	    "<input type=\"file\" id=\"photos\" name=\"photo\" multiple "
	    "accept=\"image/jpeg,image/png,image/webp\" "
	    "aria-describedby=\"photos-hint\">\n<p class=\"hint\" "
	    "id=\"photos-hint\">%m</p></div>\n<ul id=\"photo-previews\" "
	    "class=\"photos\" aria-live=\"polite\"></ul>\n"
	    "<div id=\"media-inputs\"></div>\n</fieldset>\n",
	    M_STEP_DETAILS, M_DESCRIPTION, M_PHOTOS_LABEL, M_PHOTOS_HINT);
	html_f(&h, "<fieldset id=\"step-contact\"><legend>%m</legend>\n"
	    "<p class=\"privacy\" id=\"privacy\">%m</p>\n"
	    "<div class=\"field\"><label for=\"first_name\">%m</label>\n"
	    "<input id=\"first_name\" name=\"first_name\" maxlength=\"200\" "
	    "value=\"%s\" "             /* a signed-in user's (web_account.c) */
	    "autocomplete=\"given-name\" aria-describedby=\"privacy\"></div>\n"
	    "<div class=\"field\"><label for=\"last_name\">%m</label>\n"
	    "<input id=\"last_name\" name=\"last_name\" maxlength=\"200\" "
	    "autocomplete=\"family-name\" aria-describedby=\"privacy\"></div>\n"
	    "<div class=\"field\"><label for=\"email\">%m</label>\n"
	    "<input id=\"email\" name=\"email\" type=\"email\" "
	    "maxlength=\"254\" autocomplete=\"email\" value=\"%s\" "
	    "aria-describedby=\"privacy\"></div>\n"
	    "<div class=\"field\"><label for=\"phone\">%m</label>\n"
	    "<input id=\"phone\" name=\"phone\" type=\"tel\" maxlength=\"32\" "
	    "autocomplete=\"tel\" aria-describedby=\"privacy\"></div>\n"
	    "</fieldset>\n"
	    "<section id=\"nearby\" class=\"nearby\" hidden "
	    "aria-labelledby=\"nearby-title\">\n<h2 id=\"nearby-title\" "
	    "tabindex=\"-1\">%m</h2>\n<p>%m</p>\n<ul id=\"nearby-list\"></ul>\n"
	    "</section>\n<p id=\"form-error\" class=\"error\" role=\"alert\" "
	    "hidden></p>\n<button type=\"submit\" id=\"submit\">%m</button>\n"
	    "</form>\n", M_STEP_CONTACT, M_PRIVACY, M_FIRST_NAME, c.who,
	    M_LAST_NAME, M_EMAIL, c.email, M_PHONE, M_NEARBY, M_NEARBY_TEXT, M_SUBMIT);
	html_page_end(&h);
	return h.failed ? -1 : 0;
}

/* POST /reports/{id}/fixed: the reporter's "is it fixed?" from the page. */
static int
on_token(const struct wf_record *r, void *arg)
{
	struct shown *s = arg;

	s->wf = *r;
	s->wf.token = keep(s->req, r->token);
	s->wf.agency = NULL;
	s->wf.status_notes = NULL;
	s->wf.answer = NULL;
	s->wf.forwarded_from = NULL;
	s->wf.forward_reason = NULL;
	s->wf.extension_reason = NULL;
	s->wf.service_code = NULL;
	return 0;
}

/*
 * "Yes" records the verdict; "no" within the reopening window reopens
 * the report (the agency hears of it through the outbox, as with the
 * API's reopen), after it records the verdict and the page offers a new
 * report that follows this one up.
 */
int
web_fixed(struct http_request *req, struct http_response *res, void *arg)
{
	const char *v = http_request_param(req, "fixed");
	struct wf_outcome out;
	struct wf_input in;
	struct web_ctx c;
	struct shown s;
	struct verr e;
	char loc[64];
	int64_t id;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &c, 404, "id", "no such report");
	if (!web_csrf_ok(req, &c))
		return web_fail(req, res, &c, 403, "csrf", "csrf: missing or "
		    "wrong token: reload the page");
	if (v == NULL || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
		return web_fail(req, res, &c, 400, "fixed", "fixed: yes or no");
	memset(&s, 0, sizeof(s));
	s.c = &c;
	s.req = req;
	/* The device that sent the report stands for its token. */
	if ((rc = workflow_get(c.store, id, on_token, &s)) == 1)
		return web_fail(req, res, &c, 404, "id", "no such report");
	if (rc != 0 || (s.reporter = is_reporter(req, &c, &s.wf, id)) == -1)
		return -1;
	if (!s.reporter)
		return web_fail(req, res, &c, 403, "token", "only the reporter, "
		    "on the device that sent the report or signed in with the "
		    "account that did, may answer this");
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.now = app_now(c.app);
	in.action = v[0] == 'n' && s.wf.fixed < 0 &&
	    workflow_reopenable(&s.wf, in.now) ? WF_REOPEN : WF_FIXED;
	in.report_id = id;
	in.token = s.wf.token;
	in.fixed = v[0] == 'y';
	if (workflow_apply(c.store, c.app->catalog, &in, &out, &e) == -1)
		return web_fail(req, res, &c, e.kind == VERR_CONFLICT ? 409 :
		    e.kind == VERR_FORBIDDEN ? 403 : e.kind == VERR_NOT_FOUND ?
		    404 : e.kind == VERR_INVALID ? 400 : 500, e.field[0] ?
		    e.field : NULL, e.message);
	cache_bump(c.app->cache);
	snprintf(loc, sizeof(loc), "/reports/%lld?%s=1", (long long)id,
	    in.action == WF_REOPEN ? "reopened" : "fixed");
	http_response_status(res, 303);
	http_response_kind(res, HTTP_TYPE_TEXT);
	if (http_response_header(res, "Location", loc) == -1)
		return -1;
	return http_response_printf(res, "See %s\n", loc);
}
