/*
 * web_desk.c: the staff's sign-in, the agency desk (the queue of the
 * signed-in operator's or head's agencies by running deadline, a report's
 * staff view with a form per allowed action) and the moderators' page.
 * Every action calls workflow_apply, as the JSON API does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_incident.h"
#include "api/web_staff.h"
#include "core/account.h"
#include "core/catalog.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/session.h"
#include "core/social.h"
#include "core/workflow.h"
#include "http/http.h"

/* The staff pages' shared pieces (web_staff.h). */

int
staff_begin(struct http_request *req, struct http_response *res, void *arg,
    struct staff *st)
{
	memset(st, 0, sizeof(*st));
	if (web_begin(req, res, arg, &st->c) == -1)
		return -1;
	st->act = auth_actor(req, st->c.app);
	st->csrf = auth_csrf(req);
	if (st->act == NULL || st->csrf == NULL) {
		/* The table admits only signed-in roles: a key has no desk. */
		web_fail(req, res, &st->c, 403, "session", "sign in at /login");
		return -1;
	}
	st->h.res = res;
	st->h.lang = st->c.lang;
	web_html_account(&st->h, &st->c);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
	return 0;
}

void
staff_csrf_field(struct staff *st)
{
	html_f(&st->h, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	    st->csrf);
}

void
staff_page_begin(struct staff *st, const char *title, const char *page,
    const char *path, int with_map)
{
	struct html *h = &st->h;
	enum role r = st->act->role;

	html_page_begin(h, title, page, path, st->csrf, with_map);
	html_f(h, "<nav class=\"desk-nav\" aria-label=\"%m\"><ul>\n",
	    M_DESK_NAV);
	if (r == ROLE_OPERATOR || r == ROLE_HEAD || r == ROLE_ADMIN)
		html_f(h, "<li><a href=\"/desk\">%m</a></li>\n", M_DESK_TITLE);
	if (r == ROLE_MODERATOR || r == ROLE_ADMIN)
		html_f(h, "<li><a href=\"/desk/moderation\">%m</a></li>\n",
		    M_MODERATION);
	if (r == ROLE_ADMIN)
		html_f(h, "<li><a href=\"/admin\">%m</a></li>\n", M_ADMIN);
	/* Signing out is the site header's (html_page_begin): one button. */
	html_f(h, "<li class=\"who\">%m <strong>%s</strong> (%s)</li>\n"
	    "</ul></nav>\n", M_SIGNED_IN_AS, st->act->name,
	    account_role_name(r));
}

int
staff_redirect(struct http_response *res, const char *location)
{
	http_response_reset(res);
	http_response_status(res, 303);
	http_response_kind(res, HTTP_TYPE_TEXT);
	if (http_response_header(res, "Location", location) == -1)
		return -1;
	return http_response_printf(res, "See %s\n", location);
}

int
staff_status(const struct verr *e)
{
	switch (e->kind) {
	case VERR_INVALID:
		return 400;
	case VERR_FORBIDDEN:
		return 403;
	case VERR_NOT_FOUND:
		return 404;
	case VERR_CONFLICT:
		return 409;
	default:
		return 500;
	}
}

int
staff_fail(struct http_request *req, struct http_response *res,
    struct staff *st, const struct verr *e)
{
	return web_fail(req, res, &st->c, staff_status(e), e->field[0] ?
	    e->field : NULL, e->message);
}

/* Where a signed-in actor starts. */
static const char *
home_of(const struct actor *a)
{
	return a->role == ROLE_MODERATOR ? "/desk/moderation" :
	    a->role == ROLE_CITIZEN ? "/my" : "/desk";
}

/* Only a path of the staff's pages may follow a sign-in. */
static int
next_ok(const char *next)
{
	return next != NULL && (strncmp(next, "/desk", 5) == 0 ||
	    strncmp(next, "/admin", 6) == 0 || strcmp(next, "/my") == 0 ||
	    strcmp(next, "/new") == 0 || strcmp(next, "/account") == 0) && strstr(next, "//") == NULL &&
	    strchr(next, '\\') == NULL && strlen(next) < 200;
}

static void
login_form(struct html *h, const struct web_ctx *c, const char *next,
    int failed)
{
	html_page_begin(h, web_msg(M_SIGN_IN, c->lang), "login", "/login",
	    c->csrf, 0);
	html_f(h, "<h1>%m</h1>\n", M_SIGN_IN);
	if (failed)
		html_f(h, "<p class=\"error\" role=\"alert\" id=\"login-error\">"
		    "%m</p>\n", failed == 429 ? M_TOO_MANY : M_LOGIN_FAILED);
	html_f(h, "<form method=\"post\" action=\"/login\" class=\"login-form\" "
	    "id=\"login-form\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n", c->csrf);
	if (next_ok(next))
		html_f(h, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n",
		    next);
	html_f(h, "<div class=\"field\"><label for=\"login\">%m</label>\n"
	    "<input id=\"login\" name=\"login\" required maxlength=\"64\" "
	    "autocomplete=\"username\" autocapitalize=\"none\"></div>\n"
	    "<div class=\"field\"><label for=\"password\">%m</label>\n"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "required autocomplete=\"current-password\"></div>\n"
	    "<button type=\"submit\" id=\"login-submit\">%m</button>\n"
	    "</form>\n", M_LOGIN, M_PASSWORD, M_SIGN_IN_BTN);
	web_account_login_links(h);     /* sign up, forgot password */
	html_page_end(h);
}

static int
login_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct web_ctx c;
	struct html h;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	h.res = res;
	h.lang = c.lang;
	h.failed = 0;
	web_html_account(&h, &c);
	http_response_kind(res, HTTP_TYPE_HTML);
	http_response_header(res, "Cache-Control", "no-store");
	login_form(&h, &c, http_request_param(req, "next"), 0);
	return h.failed ? -1 : 0;
}

/* POST /login: the form's double-submit token, then auth_sign_in. */
static int
login_post(struct http_request *req, struct http_response *res, void *arg)
{
	const char *next = http_request_param(req, "next");
	char csrf[SESSION_TOKEN_LEN];
	struct actor act;
	struct web_ctx c;
	struct verr e;
	struct html h;
	int rc;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (!web_csrf_ok(req, &c))
		return web_fail(req, res, &c, 403, "csrf", "csrf: the form is "
		    "out of date: reload the page and try again");
	memset(&e, 0, sizeof(e));
	rc = auth_sign_in(req, res, c.app, http_request_param(req, "login"),
	    http_request_param(req, "password"), &act, csrf, &e);
	if (rc == 0)
		return staff_redirect(res, next_ok(next) ? next :
		    home_of(&act));
	if (rc == 403 && strcmp(e.field, "email") == 0)
		return web_account_unconfirmed(res, &c);
	if (rc >= 500 || rc == 403)     /* 403: a form on another site */
		return web_fail(req, res, &c, rc, e.field[0] ? e.field : NULL,
		    e.message);
	h.res = res;
	h.lang = c.lang;
	h.failed = 0;
	web_html_account(&h, &c);
	http_response_status(res, rc == 429 ? 429 : 401);
	http_response_kind(res, HTTP_TYPE_HTML);
	login_form(&h, &c, next, rc);
	return h.failed ? -1 : 0;
}

static int
logout_post(struct http_request *req, struct http_response *res, void *arg)
{
	if (auth_sign_out(req, res, arg) == -1)
		return -1;
	return staff_redirect(res, "/login");
}

/* The desk's queue. */

struct queue_filter {
	const char *status;             /* a status name, or NULL: all open */
	const char *service;
	int overdue;
	int64_t page;
};

struct queue_view {
	struct staff *st;
	int64_t now;
	size_t n;
	int many;                       /* the actor serves several agencies */
};

static const char *
agency_name(const struct staff *st, const char *code)
{
	const struct agency *a;

	if (code == NULL || (a = catalog_agency(st->c.app->catalog, code)) ==
	    NULL)
		return code != NULL ? code : "—";
	return catalog_text(a->name, st->c.lang);
}

static const char *
service_name(const struct staff *st, const char *code)
{
	const struct service *s;

	if (code == NULL || (s = catalog_service(st->c.app->catalog, code)) ==
	    NULL)
		return code != NULL ? code : "—";
	return catalog_text(s->name, st->c.lang);
}

static int
on_queued(const struct wf_record *r, void *arg)
{
	struct queue_view *v = arg;
	struct html *h = &v->st->h;
	int64_t due = 0;
	const char *kind = workflow_deadline(r, &due);
	int late = kind != NULL && due != 0 && due < v->now;
	int reopened = r->reopened > 0 && r->status == STATUS_IN_PROGRESS;

	if (++v->n > VECHE_DESK_PAGE)
		return 0;
	html_f(h, "<tr class=\"%r%r\" data-id=\"%D\" data-due=\"%D\">\n"
	    "<td><input type=\"checkbox\" name=\"id\" value=\"%D\" "
	    "id=\"sel-%D\" aria-label=\"%m %D\"></td>\n"
	    "<td><a href=\"/desk/reports/%D\">%D</a></td>\n"
	    "<td>%s</td>\n<td><span class=\"badge status-%r\">%s</span>",
	    late ? "overdue" : "on-time", reopened ? " reopened" : "", r->id,
	    due, r->id, r->id, M_SELECT_REPORT, r->id, r->id, r->id,
	    service_name(v->st, r->service_code),
	    report_status_name(r->status), web_status_text(r->status,
	    h->lang));
	if (reopened)
		html_f(h, " <strong class=\"badge reopened-mark\">%m</strong>",
		    M_REOPENED_MARK);
	html_raw(h, "</td>\n");
	if (v->many)
		html_f(h, "<td>%s</td>\n", agency_name(v->st, r->agency));
	html_f(h, "<td class=\"due\">%m: ", kind != NULL &&
	    strcmp(kind, "register") == 0 ? M_DL_REGISTER : M_DL_ANSWER);
	html_date(h, due);
	if (late)
		html_f(h, " <strong class=\"late\">%m</strong>", M_OVERDUE);
	html_raw(h, "</td>\n</tr>\n");
	return h->failed ? -1 : 0;
}

static void
queue_link(struct html *h, const struct queue_filter *f, int64_t page,
    enum msg text, const char *rel)
{
	html_f(h, "<a rel=\"%r\" href=\"/desk?page=%D", rel, page);
	if (f->status != NULL)
		html_f(h, "&amp;status=%s", f->status);
	if (f->service != NULL)
		html_f(h, "&amp;service_code=%s", f->service);
	if (f->overdue)
		html_raw(h, "&amp;overdue=1");
	html_f(h, "\">%m</a>", text);
}

static void
select_option(struct html *h, const char *value, const char *text,
    const char *current)
{
	html_f(h, "<option value=\"%s\"%r>%s</option>\n", value,
	    current != NULL && strcmp(current, value) == 0 ? " selected" : "",
	    text);
}

static void
queue_filters(struct staff *st, const struct queue_filter *f)
{
	const struct catalog *cat = st->c.app->catalog;
	struct html *h = &st->h;
	size_t i;
	int s;

	html_f(h, "<form class=\"filters\" id=\"desk-filters\" method=\"get\" "
	    "action=\"/desk\" aria-label=\"%m\">\n<div class=\"field\">"
	    "<label for=\"q-status\">%m</label>\n<select id=\"q-status\" "
	    "name=\"status\">\n", M_FILTERS, M_F_STATUS);
	select_option(h, "", web_msg(M_F_OPEN, h->lang), f->status ? NULL :
	    "");
	for (s = STATUS_SUBMITTED; s <= STATUS_IN_PROGRESS; s++)
		select_option(h, report_status_name((enum report_status)s),
		    web_status_text((enum report_status)s, h->lang), f->status);
	html_f(h, "</select></div>\n<div class=\"field\"><label "
	    "for=\"q-service\">%m</label>\n<select id=\"q-service\" "
	    "name=\"service_code\">\n", M_F_CATEGORY);
	select_option(h, "", web_msg(M_F_ALL, h->lang), f->service ? NULL :
	    "");
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *sv = catalog_service_at(cat, i);

		select_option(h, sv->code, catalog_text(sv->name, h->lang),
		    f->service);
	}
	html_f(h, "</select></div>\n<div class=\"check\"><input "
	    "type=\"checkbox\" id=\"q-overdue\" name=\"overdue\" value=\"1\"%r>"
	    "<label for=\"q-overdue\">%m</label></div>\n<button "
	    "type=\"submit\">%m</button>\n</form>\n", f->overdue ? " checked" :
	    "", M_OVERDUE_ONLY, M_F_APPLY);
}

/* The flash of a redirect: ?done=ACTION[&n=N&failed=F]. */
static void
flash(struct staff *st, struct http_request *req)
{
	const char *done = http_request_param(req, "done");
	const char *v;
	enum wf_action a = workflow_action_parse(done);
	int64_t n = -1, failed = 0;

	if (a == WF__MAX)
		return;
	if ((v = http_request_param(req, "n")) != NULL)
		parse_int64(v, 0, 100000, &n);
	if ((v = http_request_param(req, "failed")) != NULL)
		parse_int64(v, 0, 100000, &failed);
	html_f(&st->h, "<p class=\"notice flash\" role=\"status\" "
	    "id=\"flash\">%m %s", M_DONE, web_action_done(a, st->h.lang));
	if (n >= 0)
		html_f(&st->h, " — %D", n);
	if (failed > 0)
		html_f(&st->h, " (%m: %D)", M_ERROR, failed);
	html_raw(&st->h, "</p>\n");
}

static int
desk(struct http_request *req, struct http_response *res, void *arg)
{
	const char *list[ACTOR_MAX_AGENCIES];
	struct queue_filter f;
	struct queue_view v;
	struct wf_queue q;
	struct staff st;
	const char *p;
	size_t i;
	int s;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	f.page = 1;
	p = http_request_param(req, "status");
	if (p != NULL && (s = report_status_parse(p)) <= STATUS_IN_PROGRESS) {
		f.status = p;
		q.status_mask = 1u << s;
	}
	p = http_request_param(req, "service_code");
	if (p != NULL && catalog_service(st.c.app->catalog, p) != NULL)
		q.service = f.service = p;
	p = http_request_param(req, "overdue");
	f.overdue = p != NULL && strcmp(p, "1") == 0;
	p = http_request_param(req, "page");
	if (p != NULL && parse_int64(p, 1, 100000, &f.page) == -1)
		f.page = 1;
	for (i = 0; i < st.act->nagencies && i < ACTOR_MAX_AGENCIES; i++)
		list[i] = st.act->agencies[i];
	q.agencies = list;
	q.nagencies = i;
	q.all_agencies = st.act->role == ROLE_ADMIN;
	v.st = &st;
	v.now = app_now(st.c.app);
	v.n = 0;
	v.many = q.all_agencies || q.nagencies > 1;
	q.before = f.overdue ? v.now : 0;
	q.limit = VECHE_DESK_PAGE + 1;
	q.offset = (size_t)(f.page - 1) * VECHE_DESK_PAGE;
	staff_page_begin(&st, web_msg(M_DESK_TITLE, st.c.lang), "desk",
	    "/desk", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_DESK_TITLE);
	flash(&st, req);
	/* Incidents awaiting a first answer, overdue first (web_incident.c). */
	if (f.page == 1 && web_incident_desk(&st) == -1)
		return -1;
	queue_filters(&st, &f);
	html_f(&st.h, "<form method=\"post\" action=\"/desk/bulk\" "
	    "id=\"bulk-form\">\n");
	staff_csrf_field(&st);
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"queue\" "
	    "id=\"queue\">\n<caption class=\"visually-hidden\">%m</caption>\n"
	    "<thead><tr><th scope=\"col\"><span class=\"visually-hidden\">%m"
	    "</span></th><th scope=\"col\">№</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th>", M_DESK_TITLE, M_SELECT_REPORT,
	    M_F_CATEGORY, M_F_STATUS);
	if (v.many)
		html_f(&st.h, "<th scope=\"col\">%m</th>", M_AGENCY);
	html_f(&st.h, "<th scope=\"col\">%m</th></tr></thead>\n<tbody>\n",
	    M_DEADLINE);
	if (workflow_queue(st.c.store, &q, on_queued, &v) != 0)
		return -1;
	html_raw(&st.h, "</tbody>\n</table></div>\n");
	if (v.n == 0)
		html_f(&st.h, "<p class=\"empty\">%m</p>\n", M_QUEUE_EMPTY);
	html_f(&st.h, "<fieldset class=\"bulk\"><legend>%m</legend>\n"
	    "<button type=\"submit\" name=\"action\" value=\"register\" "
	    "id=\"bulk-register\">%s</button>\n"
	    "<button type=\"submit\" name=\"action\" value=\"start\" "
	    "id=\"bulk-start\">%s</button>\n</fieldset>\n</form>\n", M_BULK,
	    web_action_text(WF_REGISTER, st.c.lang),
	    web_action_text(WF_START, st.c.lang));
	html_f(&st.h, "<nav class=\"pages\" aria-label=\"%m\"><p>",
	    M_PAGE_OF);
	if (f.page > 1)
		queue_link(&st.h, &f, f.page - 1, M_PREV, "prev");
	html_f(&st.h, " <span>%m %D</span> ", M_PAGE, f.page);
	if (v.n > VECHE_DESK_PAGE)
		queue_link(&st.h, &f, f.page + 1, M_NEXT, "next");
	html_raw(&st.h, "</p></nav>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* One action of a desk form on report id; 0 or -1 with e set. */
static int
act(struct staff *st, enum wf_action a, int64_t id, const char *text,
    struct wf_input *in, struct verr *e)
{
	struct wf_outcome out;

	in->action = a;
	in->report_id = id;
	in->actor = st->act;
	in->now = app_now(st->c.app);
	if (in->text == NULL)
		in->text = text;
	if (workflow_apply(st->c.store, st->c.app->catalog, in, &out, e) == -1)
		return -1;
	if (!out.replayed)
		cache_bump(st->c.app->cache);
	return 0;
}

/* POST /desk/bulk: register or start the checked reports. */
static int
desk_bulk(struct http_request *req, struct http_response *res, void *arg)
{
	const char *action = http_request_param(req, "action");
	const struct http_param *p;
	enum wf_action a = workflow_action_parse(action);
	int64_t id, ok = 0, failed = 0;
	struct staff st;
	size_t np, i;
	char loc[96];

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (a != WF_REGISTER && a != WF_START)
		return web_fail(req, res, &st.c, 400, "action", "action: "
		    "register or start");
	p = http_request_params(req, &np);
	for (i = 0; i < np; i++) {
		struct wf_input in;
		struct verr e;

		if (strcmp(p[i].name, "id") != 0 ||
		    parse_int64(p[i].value, 1, INT64_MAX, &id) == -1)
			continue;
		memset(&in, 0, sizeof(in));
		memset(&e, 0, sizeof(e));
		if (act(&st, a, id, NULL, &in, &e) == 0)
			ok++;
		else
			failed++;
	}
	snprintf(loc, sizeof(loc), "/desk?done=%s&n=%lld&failed=%lld",
	    workflow_action_name(a), (long long)ok, (long long)failed);
	return staff_redirect(res, loc);
}

/* The staff view of a report. */

struct record_copy {
	struct http_request *req;
	struct wf_record r;
	int found;
};

static const char *
keep(struct http_request *req, const char *s)
{
	return s != NULL ? http_request_strdup(req, s) : NULL;
}

static int
on_record(const struct wf_record *r, void *arg)
{
	struct record_copy *rc = arg;

	rc->r = *r;
	rc->r.token = NULL;
	rc->r.agency = keep(rc->req, r->agency);
	rc->r.status_notes = NULL;
	rc->r.answer = keep(rc->req, r->answer);
	rc->r.forwarded_from = keep(rc->req, r->forwarded_from);
	rc->r.forward_reason = keep(rc->req, r->forward_reason);
	rc->r.extension_reason = keep(rc->req, r->extension_reason);
	rc->r.service_code = NULL;
	rc->found = 1;
	return 0;
}

static int
on_facts(const struct report *r, void *arg)
{
	struct staff *st = arg;
	struct html *h = &st->h;
	size_t i;

	html_f(h, "<dt>%m</dt><dd>%s</dd>\n<dt>%m</dt><dd>%s</dd>\n"
	    "<dt>%m</dt><dd>", M_F_CATEGORY, service_name(st,
	    r->service_code), M_ADDRESS, r->address != NULL ? r->address :
	    web_msg(M_NO_ADDRESS, h->lang), M_SUBMITTED);
	html_date(h, r->requested);
	html_f(h, "</dd>\n</dl>\n<h2>%m</h2>\n<p class=\"description\">%s</p>\n",
	    M_DESCRIPTION, r->description);
	if (r->nmedia > 0) {
		html_f(h, "<h2>%m</h2>\n<ul class=\"photos\">\n", M_PHOTOS);
		for (i = 0; i < r->nmedia; i++)
			html_f(h, "<li><a href=\"%s\">%m %d</a></li>\n",
			    r->media[i], M_PHOTO_ALT, (int)i + 1);
		html_raw(h, "</ul>\n");
	}
	return h->failed ? -1 : 0;
}

static int
on_contact(const struct contact *ct, void *arg)
{
	struct html *h = arg;

	html_f(h, "<section class=\"contact\" aria-labelledby=\"contact-title\">"
	    "<h2 id=\"contact-title\">%m</h2>\n<dl class=\"facts\" "
	    "id=\"contact\">\n<dt>%m</dt><dd>%s %s</dd>\n<dt>%m</dt><dd>%s</dd>\n"
	    "<dt>%m</dt><dd>%s</dd>\n</dl></section>\n", M_CONTACT,
	    M_FIRST_NAME, ct->first_name ? ct->first_name : "—",
	    ct->last_name ? ct->last_name : "", M_EMAIL, ct->email ? ct->email :
	    "—", M_PHONE, ct->phone ? ct->phone : "—");
	return h->failed ? -1 : 0;
}

static int
on_history(const struct wf_history *u, void *arg)
{
	struct staff *st = arg;
	struct html *h = &st->h;
	char *note = workflow_history_note(st->c.app->catalog, u, h->lang);

	html_raw(h, "<li>");
	html_date(h, u->created);
	html_f(h, " <span class=\"badge status-%r\">%s</span> <strong>%s"
	    "</strong>", report_status_name(u->status),
	    web_status_text(u->status, h->lang), u->action < 0 ?
	    web_msg(M_TL_CREATED, h->lang) : web_action_done(u->action,
	    h->lang));
	if (note != NULL)
		html_f(h, " <span class=\"note\">%s</span>", note);
	free(note);
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* The opening of an action's form. */
static void
form_open(struct staff *st, int64_t id, enum wf_action a)
{
	const char *name = workflow_action_name(a);

	html_f(&st->h, "<form method=\"post\" action=\"/desk/reports/%D/%s\" "
	    "class=\"action-form\" id=\"form-%s\" aria-labelledby="
	    "\"h-%s\">\n<h3 id=\"h-%s\">%s</h3>\n", id, name, name, name,
	    name, web_action_text(a, st->h.lang));
	staff_csrf_field(st);
}

static void
form_close(struct staff *st, enum wf_action a)
{
	html_f(&st->h, "<button type=\"submit\" id=\"do-%s\">%s</button>\n"
	    "</form>\n", workflow_action_name(a), web_action_text(a,
	    st->h.lang));
}

static void
note_field(struct staff *st, const char *name, const char *field,
    enum msg label, int required)
{
	html_f(&st->h, "<div class=\"field\"><label for=\"%s-%s\">%m</label>\n"
	    "<textarea id=\"%s-%s\" name=\"%s\" rows=\"2\" maxlength=\"%d\"%r>"
	    "</textarea></div>\n", name, field, label, name, field, field,
	    required ? VECHE_MAX_REASON : VECHE_MAX_DESCRIPTION,
	    required ? " required" : "");
}

/* The form of an action that takes only an optional note; 1 if shown. */
static int
note_form(struct staff *st, const struct wf_record *r, enum wf_action a,
    const char *id)
{
	if (!workflow_may(st->act, r, a))
		return 0;
	form_open(st, r->id, a);
	note_field(st, id, "note", M_NOTE_OPT, 0);
	form_close(st, a);
	return 1;
}

static void
action_forms(struct staff *st, const struct wf_record *r)
{
	const struct catalog *cat = st->c.app->catalog;
	struct html *h = &st->h;
	size_t i;
	int any = 0, k;

	html_f(h, "<section class=\"actions\" aria-labelledby=\"actions-title\">"
	    "<h2 id=\"actions-title\">%m</h2>\n", M_ACTIONS);
	any |= note_form(st, r, WF_REGISTER, "register");
	any |= note_form(st, r, WF_START, "start");
	if (workflow_may(st->act, r, WF_ANSWER)) {
		form_open(st, r->id, WF_ANSWER);
		html_f(h, "<div class=\"field\"><label for=\"answer-template\">"
		    "%m</label>\n<select id=\"answer-template\" "
		    "name=\"template\" aria-describedby=\"answer-template-hint\">"
		    "\n<option value=\"\">%m</option>\n", M_TEMPLATE,
		    M_TEMPLATE_NONE);
		for (i = 0; i < web_ntemplates(st->c.app->catalog); i++)
			html_f(h, "<option value=\"%d\" data-text=\"%s\">%s"
			    "</option>\n", (int)i, web_template_text(
			    st->c.app->catalog, i, h->lang), web_template_title(
			    st->c.app->catalog, i, h->lang));
		html_f(h, "</select>\n<p class=\"hint\" "
		    "id=\"answer-template-hint\">%m: %m</p></div>\n"
		    "<div class=\"field\"><label for=\"answer-text\">%m</label>\n"
		    "<textarea id=\"answer-text\" name=\"text\" rows=\"6\" "
		    "maxlength=\"%d\"></textarea></div>\n", M_TEMPLATE,
		    M_TEMPLATE_NONE, M_ANSWER_TEXT, VECHE_MAX_DESCRIPTION);
		form_close(st, WF_ANSWER);
		any = 1;
	}
	any |= note_form(st, r, WF_CLOSE, "close");
	if (workflow_may(st->act, r, WF_FORWARD)) {
		form_open(st, r->id, WF_FORWARD);
		html_f(h, "<div class=\"field\"><label for=\"forward-agency\">%m"
		    "</label>\n<select id=\"forward-agency\" name=\"agency\" "
		    "required>\n<option value=\"\">%m</option>\n", M_TO_AGENCY,
		    M_CHOOSE);
		for (i = 0; i < catalog_nagencies(cat); i++) {
			const struct agency *ag = catalog_agency_at(cat, i);

			if (r->agency != NULL && strcmp(ag->code, r->agency) == 0)
				continue;
			html_f(h, "<option value=\"%s\">%s</option>\n", ag->code,
			    catalog_text(ag->name, h->lang));
		}
		html_raw(h, "</select></div>\n");
		note_field(st, "forward", "reason", M_REASON, 1);
		form_close(st, WF_FORWARD);
		any = 1;
	}
	if (workflow_may(st->act, r, WF_EXTEND) && !r->extended) {
		form_open(st, r->id, WF_EXTEND);
		html_f(h, "<div class=\"field\"><label for=\"extend-days\">%m"
		    "</label>\n<input id=\"extend-days\" name=\"days\" "
		    "type=\"number\" min=\"1\" max=\"%d\" value=\"%d\" required>"
		    "</div>\n", M_DAYS, VECHE_DAYS_EXTENSION,
		    VECHE_DAYS_EXTENSION);
		note_field(st, "extend", "reason", M_REASON, 1);
		form_close(st, WF_EXTEND);
		any = 1;
	}
	if (workflow_may(st->act, r, WF_REJECT)) {
		form_open(st, r->id, WF_REJECT);
		html_f(h, "<div class=\"field\"><label for=\"reject-reason\">%m"
		    "</label>\n<select id=\"reject-reason\" name=\"reason\" "
		    "required>\n<option value=\"\">%m</option>\n", M_REASON,
		    M_CHOOSE);
		for (k = 0; k < REJECT__MAX; k++)
			html_f(h, "<option value=\"%s\">%s</option>\n",
			    workflow_reject_name((enum reject_reason)k),
			    web_reject_text(k, h->lang));
		html_raw(h, "</select></div>\n");
		note_field(st, "reject", "note", M_NOTE_OPT, 0);
		form_close(st, WF_REJECT);
		any = 1;
	}
	if (workflow_may(st->act, r, WF_NOTE)) {
		form_open(st, r->id, WF_NOTE);
		note_field(st, "note", "text", M_NOTE_OPT, 0);
		form_close(st, WF_NOTE);
		any = 1;
	}
	if (!any)
		html_f(h, "<p>%m</p>\n", M_NO_ACTIONS);
	html_raw(h, "</section>\n");
}

static int
desk_report(struct http_request *req, struct http_response *res, void *arg)
{
	struct record_copy rc;
	struct staff st;
	char title[120], path[64];
	int64_t id, due = 0;
	const char *kind;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such report");
	memset(&rc, 0, sizeof(rc));
	rc.req = req;
	if (workflow_get(st.c.store, id, on_record, &rc) == -1)
		return -1;
	if (!rc.found)
		return web_fail(req, res, &st.c, 404, "id", "no such report");
	snprintf(title, sizeof(title), "%s%lld", web_msg(M_REPORT_NO,
	    st.c.lang), (long long)id);
	snprintf(path, sizeof(path), "/desk/reports/%lld", (long long)id);
	staff_page_begin(&st, title, "desk-report", path, 0);
	html_f(&st.h, "<article class=\"desk-report\" id=\"report\" "
	    "data-id=\"%D\">\n<h1>%s</h1>\n", id, title);
	flash(&st, req);
	kind = workflow_deadline(&rc.r, &due);
	html_f(&st.h, "<p class=\"status\"><span class=\"badge status-%r\" "
	    "id=\"status\">%s</span> <a href=\"/reports/%D\">%m</a></p>\n"
	    "<dl class=\"facts\">\n<dt>%m</dt><dd>%s</dd>\n",
	    report_status_name(rc.r.status), web_status_text(rc.r.status,
	    st.c.lang), id, M_SHARE_LINK, M_AGENCY, agency_name(&st,
	    rc.r.agency));
	if (kind != NULL) {
		html_f(&st.h, "<dt>%m</dt><dd id=\"deadline\">%m: ", M_DEADLINE,
		    strcmp(kind, "register") == 0 ? M_DL_REGISTER :
		    M_DL_ANSWER);
		html_date(&st.h, due);
		if (due < app_now(st.c.app))
			html_f(&st.h, " <strong class=\"late\">%m</strong>",
			    M_OVERDUE);
		html_raw(&st.h, "</dd>\n");
	}
	if (rc.r.answer != NULL)
		html_f(&st.h, "<dt>%m</dt><dd id=\"answer\">%s</dd>\n",
		    M_ANSWER, rc.r.answer);
	if (rc.r.extension_reason != NULL)
		html_f(&st.h, "<dt>%m</dt><dd>%s</dd>\n", M_EXTENDED,
		    rc.r.extension_reason);
	if (report_get(st.c.store, st.act, id, on_facts, &st) != 0)
		return -1;
	if (report_contact(st.c.store, st.act, id, on_contact, &st.h) == -1)
		return -1;
	if (web_incident_report(&st.h, &st.c, id) == -1)
		return -1;
	action_forms(&st, &rc.r);
	html_f(&st.h, "<section aria-labelledby=\"history-title\"><h2 "
	    "id=\"history-title\">%m</h2>\n<ol class=\"timeline\" "
	    "id=\"history\">\n", M_TIMELINE);
	if (workflow_history(st.c.store, id, VECHE_MAX_HISTORY, on_history,
	    &st) != 0)
		return -1;
	html_raw(&st.h, "</ol></section>\n</article>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* POST /desk/reports/{id}/{action}: the form's fields to workflow_apply. */
static int
desk_action(struct http_request *req, struct http_response *res, void *arg)
{
	const char *v = http_request_var(req, "action"), *tpl;
	enum wf_action a = workflow_action_parse(v);
	struct wf_input in;
	struct staff st;
	struct verr e;
	int64_t id, n;
	char loc[96];

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1 ||
	    a == WF__MAX || a == WF_REOPEN || a == WF_FIXED)
		return web_fail(req, res, &st.c, 404, "action", "no such "
		    "action");
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	switch (a) {
	case WF_ANSWER:
		in.text = http_request_param(req, "text");
		/* Without scripts the template itself is the answer. */
		tpl = http_request_param(req, "template");
		if (in.text == NULL && tpl != NULL &&
		    parse_int64(tpl, 0, (int64_t)web_ntemplates(
		    st.c.app->catalog) - 1, &n) == 0)
			in.text = web_template_text(st.c.app->catalog,
			    (size_t)n, st.c.lang);
		break;
	case WF_NOTE:
		in.text = http_request_param(req, "text");
		break;
	case WF_REJECT:
		in.reason = workflow_reject_parse(http_request_param(req,
		    "reason"));
		if (in.reason == REJECT__MAX)
			return web_fail(req, res, &st.c, 400, "reason",
			    "reason: choose one of the list");
		in.text = http_request_param(req, "note");
		break;
	case WF_FORWARD:
		in.agency = http_request_param(req, "agency");
		in.text = http_request_param(req, "reason");
		break;
	case WF_EXTEND:
		v = http_request_param(req, "days");
		if (v == NULL || parse_int64(v, 1, VECHE_DAYS_EXTENSION,
		    &n) == -1)
			return web_fail(req, res, &st.c, 400, "days", "days: a "
			    "whole number from 1 to 30");
		in.days = (int)n;
		in.text = http_request_param(req, "reason");
		break;
	default:
		in.text = http_request_param(req, "note");
		break;
	}
	if (act(&st, a, id, NULL, &in, &e) == -1)
		return staff_fail(req, res, &st, &e);
	snprintf(loc, sizeof(loc), "/desk/reports/%lld?done=%s", (long long)id,
	    workflow_action_name(a));
	return staff_redirect(res, loc);
}

/* Moderation. */

/* A section of the moderation page: its element id and the staff page. */
struct mod_section {
	struct staff *st;
	const char *id;
};

static int
on_comment(const struct comment *cm, void *arg)
{
	const struct mod_section *sec = arg;
	struct staff *st = sec->st;
	struct html *h = &st->h;
	/* A flagged comment is listed twice: ids of the others stay. */
	const char *pre = strcmp(sec->id, "flagged") == 0 ? "flagged-" : "";
	const char *verb = cm->status == COMMENT_PUBLISHED ? "hide" :
	    "publish";
	char page[64];

	if (social_subject_path(cm->subject_kind, cm->subject_id, page,
	    sizeof(page)) == -1)
		snprintf(page, sizeof(page), "/reports/%lld",
		    (long long)cm->report_id);
	html_f(h, "<li id=\"%rmod-comment-%D\"><p class=\"meta\"><a "
	    "href=\"%s#comments\">%s</a> · <strong>%s</strong> ", pre, cm->id,
	    page, page, cm->author != NULL ? cm->author :
	    web_msg(M_ANONYMOUS, h->lang));
	html_date(h, cm->created);
	if (cm->flags > 0)
		html_f(h, " <strong class=\"badge flags\">%m: %D</strong>",
		    M_C_FLAG, cm->flags);
	if (cm->premark != NULL)
		html_f(h, " <strong class=\"badge premark\" id=\"%rpremark-%D\">"
		    "%m: %m</strong>", pre, cm->id, M_C_PREMARK,
		    strcmp(cm->premark, "threat") == 0 ? M_C_THREAT :
		    M_C_OBSCENE);
	html_f(h, "</p><p class=\"body\">%s</p>\n", cm->body);
	if (cm->status == COMMENT_HIDDEN && cm->reason != NULL)
		html_f(h, "<p class=\"meta\">%m: %s</p>\n", M_C_REASON,
		    cm->reason);
	html_f(h, "<form method=\"post\" action=\"/desk/comments/%D/%r\" "
	    "class=\"inline\">\n", cm->id, verb);
	staff_csrf_field(st);
	if (cm->status != COMMENT_HIDDEN)
		html_f(h, "<label for=\"%rreason-%D\">%m</label> <input "
		    "id=\"%rreason-%D\" name=\"reason\" maxlength=\"1000\"%r>\n",
		    pre, cm->id, M_C_REASON, pre, cm->id,
		    cm->status == COMMENT_PUBLISHED ? " required" : "");
	html_f(h, "<button type=\"submit\" id=\"%r%r-%D\">%m</button></form>"
	    "\n", pre, verb, cm->id, cm->status == COMMENT_PUBLISHED ?
	    M_HIDE : M_PUBLISH);
	if (cm->status == COMMENT_PENDING) {
		/* Held on arrival: the moderator may also hide it for good. */
		html_f(h, "<form method=\"post\" action=\"/desk/comments/%D/"
		    "hide\" class=\"inline\">\n", cm->id);
		staff_csrf_field(st);
		html_f(h, "<label for=\"%rhreason-%D\">%m</label> <input "
		    "id=\"%rhreason-%D\" name=\"reason\" maxlength=\"1000\" "
		    "required>\n<button type=\"submit\" id=\"%rhide-%D\">%m"
		    "</button></form>\n", pre, cm->id, M_C_REASON, pre, cm->id,
		    pre, cm->id, M_HIDE);
	}
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* A list of comments: those in mask, or (mask 0) those readers flagged. */
static int
comment_section(struct staff *st, const char *id, enum msg title,
    unsigned mask)
{
	struct mod_section sec = { st, id };

	html_f(&st->h, "<section aria-labelledby=\"%s-title\"><h2 "
	    "id=\"%s-title\">%m</h2>\n<ul class=\"moderation\" id=\"%s\">\n",
	    id, id, title, id);
	if ((mask == 0 ? social_comments_flagged(st->c.store,
	    VECHE_MODERATION_LIST, on_comment, &sec) :
	    social_comments_recent(st->c.store, mask, VECHE_MODERATION_LIST,
	    on_comment, &sec)) != 0)
		return -1;
	html_raw(&st->h, "</ul></section>\n");
	return 0;
}

/* One open appeal: the hidden comment, why, the appeal and two forms. */
static int
on_appeal(const struct comment_appeal *a, void *arg)
{
	struct staff *st = arg;
	struct html *h = &st->h;
	char page[64];
	int v;

	if (social_subject_path(a->subject_kind, a->subject_id, page,
	    sizeof(page)) == -1)
		snprintf(page, sizeof(page), "/");
	html_f(h, "<li id=\"mod-appeal-%D\"><p class=\"meta\"><a href=\"%s"
	    "#comments\">%s</a> · ", a->id, page, page);
	html_date(h, a->created);
	html_f(h, "</p><p class=\"body\">%s</p>\n<p class=\"meta\">%m: %s"
	    "</p>\n<p class=\"body\">%m: %s</p>\n", a->body != NULL ?
	    a->body : "", M_C_REASON, a->hide_reason != NULL ? a->hide_reason :
	    "—", M_A_AGAINST, a->text);
	for (v = 0; v < 2; v++) {
		const char *verb = v ? "restore" : "uphold";

		html_f(h, "<form method=\"post\" action=\"/desk/appeals/%D/%r\" "
		    "class=\"inline\">\n", a->id, verb);
		staff_csrf_field(st);
		html_f(h, "<label for=\"%r-reason-%D\">%m</label> <input "
		    "id=\"%r-reason-%D\" name=\"reason\" maxlength=\"1000\" "
		    "required>\n<button type=\"submit\" id=\"%r-%D\">%m"
		    "</button></form>\n", verb, a->id, M_C_REASON, verb, a->id,
		    verb, a->id, v ? M_A_RESTORE : M_A_UPHOLD);
	}
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

static int
on_new_report(const struct wf_record *r, void *arg)
{
	struct staff *st = arg;

	html_f(&st->h, "<li><a href=\"/desk/reports/%D\">%m%D</a> %s ", r->id,
	    M_REPORT_NO, r->id, service_name(st, r->service_code));
	html_date(&st->h, r->requested);
	html_raw(&st->h, "</li>\n");
	return st->h.failed ? -1 : 0;
}

static int
moderation(struct http_request *req, struct http_response *res, void *arg)
{
	const char *done;
	struct wf_queue q;
	struct staff st;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_MODERATION, st.c.lang), "moderation",
	    "/desk/moderation", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_MODERATION);
	done = http_request_param(req, "done");
	if (done != NULL && (strcmp(done, "hide") == 0 ||
	    strcmp(done, "publish") == 0 || strcmp(done, "appeal") == 0))
		html_f(&st.h, "<p class=\"notice flash\" role=\"status\" "
		    "id=\"flash\">%m</p>\n", done[0] == 'h' ? M_HIDDEN_DONE :
		    done[0] == 'a' ? M_A_DONE : M_PUBLISHED_DONE);
	if (comment_section(&st, "flagged", M_M_FLAGGED, 0) == -1 ||
	    comment_section(&st, "pending", M_M_PENDING,
	    1u << COMMENT_PENDING) == -1 ||
	    comment_section(&st, "recent", M_M_RECENT,
	    1u << COMMENT_PUBLISHED) == -1 ||
	    comment_section(&st, "hidden", M_M_HIDDEN,
	    1u << COMMENT_HIDDEN) == -1)
		return -1;
	/* Open appeals, oldest first. */
	html_f(&st.h, "<section aria-labelledby=\"appeals-title\"><h2 "
	    "id=\"appeals-title\">%m</h2>\n<ul class=\"moderation\" "
	    "id=\"appeals\">\n", M_A_TITLE);
	if (social_appeals(st.c.store, 0, 1u << APPEAL_OPEN,
	    VECHE_MODERATION_LIST, on_appeal, &st) != 0)
		return -1;
	html_raw(&st.h, "</ul></section>\n");
	html_f(&st.h, "<section aria-labelledby=\"new-title\"><h2 "
	    "id=\"new-title\">%m</h2>\n<ul id=\"new-reports\">\n",
	    M_M_REPORTS);
	memset(&q, 0, sizeof(q));
	q.all_agencies = 1;
	q.status_mask = 1u << STATUS_SUBMITTED;
	q.limit = VECHE_MODERATION_LIST;
	if (workflow_queue(st.c.store, &q, on_new_report, &st) != 0)
		return -1;
	html_raw(&st.h, "</ul></section>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

static int
moderate(struct http_request *req, struct http_response *res, void *arg)
{
	const char *verb = http_request_var(req, "verb");
	struct staff st;
	struct verr e;
	int64_t id;
	int publish;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1 ||
	    verb == NULL || (strcmp(verb, "hide") != 0 &&
	    strcmp(verb, "publish") != 0))
		return web_fail(req, res, &st.c, 404, "id", "no such comment");
	publish = verb[0] == 'p';
	memset(&e, 0, sizeof(e));
	if (social_moderate_why(st.c.store, st.act, id, publish,
	    http_request_param(req, "reason"), app_now(st.c.app), &e) == -1)
		return staff_fail(req, res, &st, &e);
	cache_bump(st.c.app->cache);
	return staff_redirect(res, publish ? "/desk/moderation?done=publish" :
	    "/desk/moderation?done=hide");
}

/* The author's e-mail, when the account has one. */
static int
on_author(const struct store_user *u, void *arg)
{
	char *to = arg;

	snprintf(to, VECHE_MAX_EMAIL + 1, "%s", u->email != NULL &&
	    u->confirmed ? u->email : "");
	return 0;
}

/*
 * Tell author of the decision on the appeal against comment by e-mail,
 * when the account has an address (in Russian and English: the author's
 * language is not known).  A failure is logged: the decision stands.
 */
static void
appeal_mail(struct http_request *req, struct staff *st, int64_t author,
    int64_t comment, int restore, const char *reason)
{
	char to[VECHE_MAX_EMAIL + 1], err[VECHE_MAX_DELIVERY_ERROR];
	char subject[160], path[48];
	struct letter l;
	int lang;

	to[0] = '\0';
	if (account_get(st->c.store, author, on_author, to) != 0 ||
	    to[0] == '\0')
		return;
	snprintf(subject, sizeof(subject), "%s / %s",
	    web_msg(M_A_MAIL_SUBJECT, LANG_RU),
	    web_msg(M_A_MAIL_SUBJECT, LANG_EN));
	snprintf(path, sizeof(path), "/people/%lld", (long long)author);
	memset(&l, 0, sizeof(l));
	if (letter_init(&l, LANG_RU, subject) == -1)
		return;
	for (lang = 0; lang < LANG__MAX; lang++) {
		letter_para(&l, web_msg(restore ? M_A_RESTORED : M_A_UPHELD,
		    (enum lang)lang));
		letter_para(&l, reason);
	}
	letter_link(&l, web_msg(M_PROFILE, LANG_RU), web_url(req, &st->c,
	    path));
	letter_para(&l, "-- \nВече / Veche");
	letter_end(&l);
	if (delivery_mail_now(st->c.store, to, subject, &l, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "veche: appeal %lld mail: %s\n",
		    (long long)comment, err);
	letter_free(&l);
}

/* POST /desk/appeals/{id}/uphold or /restore, with a reason. */
static int
decide_appeal(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *verb = http_request_var(req, "verb");
	const char *reason = http_request_param(req, "reason");
	int64_t id, author, comment;
	struct staff st;
	struct verr e;
	int restore;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1 ||
	    verb == NULL || (strcmp(verb, "uphold") != 0 &&
	    strcmp(verb, "restore") != 0))
		return web_fail(req, res, &st.c, 404, "id", "no such appeal");
	restore = verb[0] == 'r';
	memset(&e, 0, sizeof(e));
	if (social_appeal_decide(st.c.store, st.act, id, restore, reason,
	    app_now(st.c.app), &author, &comment, &e) == -1)
		return staff_fail(req, res, &st, &e);
	cache_bump(st.c.app->cache);
	appeal_mail(req, &st, author, comment, restore, reason);
	return staff_redirect(res, "/desk/moderation?done=appeal");
}

#define LANG_P "lang"
#define STAFF_ONLY (ACCESS_OPERATOR | ACCESS_HEAD | ACCESS_ADMIN)
#define MODERATORS (ACCESS_MODERATOR | ACCESS_ADMIN)

static const char *const p_login_page[] = { LANG_P, "next", NULL };
static const char *const p_login[] = { LANG_P, "csrf", "login", "password",
	"next", NULL };
static const char *const p_csrf[] = { LANG_P, "csrf", NULL };
static const char *const p_desk[] = { LANG_P, "status", "service_code",
	"overdue", "page", "done", "n", "failed", NULL };
static const char *const p_bulk[] = { LANG_P, "csrf", "action", "id*",
	NULL };
static const char *const p_view[] = { LANG_P, "done", NULL };
static const char *const p_moderate[] = { LANG_P, "csrf", "reason", NULL };
static const char *const p_action[] = { LANG_P, "csrf", "text", "note",
	"template", "reason", "agency", "days", NULL };

static const struct http_route desk_table[] = {
	{ HTTP_GET, "/login", login_page, 0, p_login_page, 0 },
	{ HTTP_POST, "/login", login_post, 0, p_login, 0 },
	{ HTTP_POST, "/logout", logout_post, ACCESS_USER, p_csrf, 0 },
	{ HTTP_GET, "/desk", desk, STAFF_ONLY, p_desk, 0 },
	{ HTTP_POST, "/desk/bulk", desk_bulk, STAFF_ONLY, p_bulk, 0 },
	{ HTTP_GET, "/desk/moderation", moderation, MODERATORS, p_view, 0 },
	{ HTTP_POST, "/desk/comments/{id}/{verb}", moderate, MODERATORS,
	    p_moderate, 0 },
	{ HTTP_POST, "/desk/appeals/{id}/{verb}", decide_appeal, MODERATORS,
	    p_moderate, 0 },
	{ HTTP_GET, "/desk/reports/{id}", desk_report,
	    STAFF_ONLY | ACCESS_MODERATOR, p_view, 0 },
	{ HTTP_POST, "/desk/reports/{id}/{action}", desk_action,
	    STAFF_ONLY | ACCESS_MODERATOR, p_action, 0 },
};

const struct http_route *
desk_routes(size_t *n)
{
	*n = sizeof(desk_table) / sizeof(desk_table[0]);
	return desk_table;
}
