/*
 * web_listen.c: listening for the staff (docs/listening.md).  Moderators
 * and admins (the roles that may read what is said about the city; there
 * is no analyst role yet) read the list, a post and the sources' health;
 * admins and API keys add sources and upload exports; saved queries are
 * kept by moderators and admins.  HTML, CSV and JSON call the same core
 * reads (core/listen.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "api/web_incident.h"
#include "api/web_listen.h"
#include "api/web_staff.h"
#include "core/catalog.h"
#include "core/listen.h"
#include "core/parse.h"
#include "core/trends.h"
#include "http/http.h"

#define READERS (ACCESS_MODERATOR | ACCESS_ADMIN | ACCESS_APIKEY)
#define WRITERS (ACCESS_ADMIN | ACCESS_APIKEY)
#define PAGE_READERS (ACCESS_MODERATOR | ACCESS_ADMIN)

static const enum msg sentiment_msg[POST_SENTIMENT__MAX] = {
	M_L_NEGATIVE, M_L_NEUTRAL, M_L_POSITIVE,
};

/* The words of the post page's corrections, this file's own. */
enum cw {
	C_TITLE, C_SENTIMENT, C_SERVICE, C_NONE, C_SAVE, C_CORRECTED,
	C_BY, C_HINT, C__MAX
};

static const char *const cwords[C__MAX][LANG__MAX] = {
	[C_TITLE] = { "Исправить анализ", "Correct the analysis" },
	[C_SENTIMENT] = { "Тональность", "Sentiment" },
	[C_SERVICE] = { "Категория", "Category" },
	[C_NONE] = { "— не указана —", "— none —" },
	[C_SAVE] = { "Сохранить исправление", "Save the correction" },
	[C_CORRECTED] = { "исправлено аналитиком", "corrected by an analyst" },
	[C_BY] = { "Исправил(а)", "Corrected by" },
	[C_HINT] = { "Исправление учитывается в трендах с этого момента и "
	    "при следующем обучении моделей.", "A correction counts in the "
	    "trends from now on and in the next training of the models." },
};

static const char *
cw(enum cw w, enum lang l)
{
	return (unsigned)l < LANG__MAX && (unsigned)w < C__MAX ?
	    cwords[w][l] : "";
}

/* The app's store and listening, or an error sent (NULL). */
static struct store *
begin(struct http_request *req, struct http_response *res, struct app *a)
{
	struct store *s = app_store(a);

	if (s == NULL || a->listen == NULL) {
		http_response_error(req, res, 503, NULL, "listening is not "
		    "available: try again later");
		return NULL;
	}
	return s;
}

/* An optional number parameter in [min, max]: 0 ok (*v 0 when absent). */
static int
opt_int(struct http_request *req, struct http_response *res,
    const char *name, int64_t min, int64_t max, int64_t *v)
{
	const char *p = http_request_param(req, name);

	*v = 0;
	if (p == NULL || p[0] == '\0')
		return 0;
	if (parse_int64(p, min, max, v) == -1) {
		reply_bad(req, res, 400, name, "%s: a number from %" PRId64
		    " to %" PRId64, name, min, max);
		return -1;
	}
	return 0;
}

/* A date parameter "2026-06-15" as Unix seconds (UTC midnight). */
static int
opt_date(struct http_request *req, struct http_response *res,
    const char *name, int64_t *v)
{
	const char *p = http_request_param(req, name);
	int64_t day;

	*v = 0;
	if (p == NULL || p[0] == '\0')
		return 0;
	if (trends_day_parse(p, &day) == -1) {
		reply_bad(req, res, 400, name, "%s: a date as 2026-06-15", name);
		return -1;
	}
	*v = day * 86400;
	return 0;
}

/* The list's filters from the query string; -1 when a refusal was sent. */
static int
read_filter(struct http_request *req, struct http_response *res,
    struct post_filter *f, int64_t *page)
{
	const char *sent = http_request_param(req, "sentiment");
	const char *agency = http_request_param(req, "agency");
	const char *district = http_request_param(req, "district");
	int k;

	memset(f, 0, sizeof(*f));
	if (opt_int(req, res, "source", 1, INT64_MAX, &f->source) ||
	    opt_int(req, res, "query", 1, INT64_MAX, &f->query) ||
	    opt_date(req, res, "since", &f->since) ||
	    opt_date(req, res, "until", &f->until) ||
	    opt_int(req, res, "page", 1, 100000, page))
		return -1;
	if (f->until != 0)
		f->until += 86400;      /* the whole last day */
	if (sent != NULL && sent[0] != '\0') {
		if ((k = listen_sentiment_parse(sent)) < 0) {
			reply_bad(req, res, 400, "sentiment", "sentiment: "
			    "negative, neutral or positive");
			return -1;
		}
		f->sentiment = k + 1;
	}
	f->agency = agency != NULL && agency[0] != '\0' ? agency : NULL;
	f->district = district != NULL && district[0] != '\0' ? district :
	    NULL;
	if (*page == 0)
		*page = 1;
	f->limit = VECHE_LISTEN_PAGE;
	f->offset = (size_t)(*page - 1) * VECHE_LISTEN_PAGE;
	return 0;
}

static json_t *
post_json(const struct post *p)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:s,"
	    " s:s, s:f, s:f, s:o, s:I}", "id", (json_int_t)p->id, "source_id",
	    (json_int_t)p->source, "source", p->source_name ? p->source_name :
	    "", "url", reply_str(p->url), "author", reply_str(p->author),
	    "published", reply_time(p->published), "fetched",
	    reply_time(p->fetched), "text", p->body ? p->body : "", "language",
	    p->lang ? p->lang : "und", "sentiment",
	    listen_sentiment_name(p->sentiment), "negative", p->negative,
	    "complaint", p->complaint, "agency", reply_str(p->agency),
	    "group", (json_int_t)p->group);

	if (o == NULL)
		return NULL;
	if (p->place != NULL)
		json_object_set_new(o, "place", json_pack("{s:s, s:f, s:f}",
		    "address", p->place, "lat", p->lat, "long", p->lon));
	else
		json_object_set_new(o, "place", json_null());
	json_object_set_new(o, "district", reply_str(p->district));
	return o;
}

struct post_list {
	struct store *s;
	json_t *list;
	struct staff *st;
	struct http_response *res;
};

static int
on_query_id(const struct saved_query *q, void *arg)
{
	return json_array_append_new(arg, json_pack("{s:I, s:s}", "id",
	    (json_int_t)q->id, "name", q->name));
}

static int
on_post_json(const struct post *p, void *arg)
{
	struct post_list *pl = arg;
	json_t *o = post_json(p), *qs = json_array();

	if (o == NULL || qs == NULL || listen_post_queries(pl->s, p->id,
	    on_query_id, qs) != 0) {
		json_decref(o);
		json_decref(qs);
		return -1;
	}
	json_object_set_new(o, "queries", qs);
	return json_array_append_new(pl->list, o);
}

static int
posts_json(struct http_request *req, struct http_response *res, void *arg)
{
	struct post_filter f;
	struct post_list pl;
	struct store *s;
	int64_t page;

	if ((s = begin(req, res, arg)) == NULL || read_filter(req, res, &f,
	    &page) == -1)
		return 0;
	memset(&pl, 0, sizeof(pl));
	pl.s = s;
	if ((pl.list = json_array()) == NULL)
		return -1;
	if (listen_post_each(s, &f, on_post_json, &pl) != 0) {
		json_decref(pl.list);
		return -1;
	}
	return reply_json(res, 200, json_pack("{s:I, s:o}", "page",
	    (json_int_t)page, "posts", pl.list));
}

static int
one_post(const struct post *p, void *arg)
{
	return on_post_json(p, arg);
}

static int
post_get_json(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct post_list pl;
	struct store *s;
	int64_t id;
	int rc;

	if ((s = begin(req, res, arg)) == NULL)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "id", "no such post");
	memset(&pl, 0, sizeof(pl));
	pl.s = s;
	if ((pl.list = json_array()) == NULL)
		return -1;
	if ((rc = listen_post_get(s, id, one_post, &pl)) != 0) {
		json_decref(pl.list);
		return rc == 1 ? reply_bad(req, res, 404, "id", "no such post") :
		    -1;
	}
	return reply_json(res, 200, json_incref(json_array_get(pl.list, 0))) ==
	    0 ? (json_decref(pl.list), 0) : (json_decref(pl.list), -1);
}

/* The upload of req's "file" to its "source" (listen_import). */
static int
import_file(struct http_request *req, struct app *a, struct store *s,
    size_t *added, size_t *dupes, struct verr *e)
{
	const struct http_param *p;
	const char *file = NULL;
	size_t np, i, len = 0;

	p = http_request_params(req, &np);
	for (i = 0; i < np; i++)
		if (strcmp(p[i].name, "file") == 0) {
			file = p[i].value;
			len = p[i].value_len;
		}
	memset(e, 0, sizeof(*e));
	return listen_import(a->listen, s, http_request_param(req, "source"),
	    file, len, app_now(a), added, dupes, e);
}

static int
import_posts(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct app *a = arg;
	size_t added, dupes;
	struct store *s;
	struct verr e;

	if ((s = begin(req, res, a)) == NULL)
		return 0;
	if (import_file(req, a, s, &added, &dupes, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 200, json_pack("{s:I, s:I}", "added",
	    (json_int_t)added, "skipped", (json_int_t)dupes));
}

struct health {
	struct store *s;
	int64_t now;
	json_t *list;
	struct staff *st;
};

static int
on_source_json(const struct source *src, void *arg)
{
	struct health *h = arg;
	int64_t day = 0;

	if (listen_source_day(h->s, src->id, h->now, &day) == -1)
		return -1;
	return json_array_append_new(h->list, json_pack("{s:I, s:s, s:s, s:o,"
	    " s:I, s:I, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "id",
	    (json_int_t)src->id, "name", src->name, "kind", src->kind, "url",
	    reply_str(src->url), "interval", (json_int_t)src->interval,
	    "timeout_ms", (json_int_t)src->timeout_ms, "last_success",
	    reply_time(src->last_success), "last_attempt",
	    reply_time(src->last_attempt), "last_error",
	    reply_str(src->last_error), "next_fetch", src->url != NULL ?
	    reply_time(src->next_fetch > 0 ? src->next_fetch : src->created) :
	    json_null(), "failures", (json_int_t)src->failures, "fetches",
	    (json_int_t)src->fetches, "not_modified",
	    (json_int_t)src->not_modified, "posts", (json_int_t)src->posts,
	    "posts_per_day", (json_int_t)day));
}

static int
sources_json(struct http_request *req, struct http_response *res, void *arg)
{
	struct health h;

	memset(&h, 0, sizeof(h));
	if ((h.s = begin(req, res, arg)) == NULL)
		return 0;
	h.now = app_now(arg);
	if ((h.list = json_array()) == NULL)
		return -1;
	if (listen_source_each(h.s, 0, on_source_json, &h) != 0) {
		json_decref(h.list);
		return -1;
	}
	return reply_json(res, 200, h.list);
}

static int
source_add(struct http_request *req, struct http_response *res, void *arg)
{
	int64_t interval, timeout, id;
	struct store *s;
	struct verr e;

	if ((s = begin(req, res, arg)) == NULL || opt_int(req, res,
	    "interval", 1, INT32_MAX, &interval) || opt_int(req, res,
	    "timeout_ms", 1, INT32_MAX, &timeout))
		return 0;
	memset(&e, 0, sizeof(e));
	if (listen_source_add(s, http_request_param(req, "name"),
	    http_request_param(req, "kind"), http_request_param(req, "url"),
	    interval, timeout, app_now(arg), &id, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int
source_remove(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct store *s;
	struct verr e;
	int64_t id;

	if ((s = begin(req, res, arg)) == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "id", "no such source");
	if (listen_source_remove(s, id, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 200, json_pack("{s:b}", "removed", 1));
}

static int
on_query_json(const struct saved_query *q, void *arg)
{
	return json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:o, s:o}",
	    "id", (json_int_t)q->id, "name", q->name, "query", q->query,
	    "owner", reply_str(q->owner), "created", reply_time(q->created)));
}

static int
queries_json(struct http_request *req, struct http_response *res, void *arg)
{
	struct store *s;
	json_t *list;

	if ((s = begin(req, res, arg)) == NULL)
		return 0;
	if ((list = json_array()) == NULL)
		return -1;
	if (listen_query_each(s, 0, on_query_json, list) != 0) {
		json_decref(list);
		return -1;
	}
	return reply_json(res, 200, list);
}

static int
query_save(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *a = arg;
	const struct actor *act = auth_actor(req, a);
	const char *var = http_request_var(req, "id");
	struct store *s;
	struct verr e;
	int64_t id = 0, out = 0;

	if ((s = begin(req, res, a)) == NULL)
		return 0;
	if (var != NULL && parse_int64(var, 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "id", "no such query");
	memset(&e, 0, sizeof(e));
	if (listen_query_save(a->listen, s, id, http_request_param(req, "name"),
	    http_request_param(req, "query"), act != NULL ? act->name : NULL,
	    app_now(a), &out, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, id == 0 ? 201 : 200, json_pack("{s:I}", "id",
	    (json_int_t)out));
}

static int
query_remove(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct app *a = arg;
	struct store *s;
	struct verr e;
	int64_t id;

	if ((s = begin(req, res, a)) == NULL)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "id", "no such query");
	memset(&e, 0, sizeof(e));
	if (listen_query_remove(a->listen, s, id, &e) == -1)
		return reply_verr(req, res, &e);
	return reply_json(res, 200, json_pack("{s:b}", "removed", 1));
}

/* HTML */

struct page {
	struct staff *st;
	size_t n;
};

static void
sentiment_cell(struct html *h, enum post_sentiment s)
{
	html_f(h, "<span class=\"sentiment sentiment-%s\">%m</span>",
	    listen_sentiment_name(s), (unsigned)s < POST_SENTIMENT__MAX ?
	    sentiment_msg[s] : M_NONE);
}

static int
on_post_row(const struct post *p, void *arg)
{
	struct page *pg = arg;
	struct html *h = &pg->st->h;
	char excerpt[241];
	size_t n;

	/* A short excerpt, cut at a UTF-8 boundary. */
	n = strlen(p->body);
	if (n > sizeof(excerpt) - 1) {
		n = sizeof(excerpt) - 1;
		while (n > 0 && ((unsigned char)p->body[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(excerpt, p->body, n);
	excerpt[n] = '\0';
	html_f(h, "<tr id=\"post-%D\"><td>", p->id);
	html_date(h, p->published);
	html_f(h, "</td><td>%s</td><td>%s</td><td><a href=\"/listen/posts/%D\">"
	    "%s</a></td><td>", p->source_name, p->author ? p->author : "",
	    p->id, excerpt);
	sentiment_cell(h, p->sentiment);
	html_f(h, "</td><td>%s</td><td>%s</td></tr>\n", p->agency ?
	    p->agency : "", p->place ? p->place : p->district ? p->district :
	    "");
	pg->n++;
	return h->failed ? -1 : 0;
}

struct options {
	struct html *h;
	int64_t chosen;
};

static int
on_source_option(const struct source *src, void *arg)
{
	struct options *o = arg;

	html_f(o->h, "<option value=\"%D\"%r>%s</option>\n", src->id,
	    src->id == o->chosen ? " selected" : "", src->name);
	return 0;
}

static int
on_query_option(const struct saved_query *q, void *arg)
{
	struct options *o = arg;

	html_f(o->h, "<option value=\"%D\"%r>%s</option>\n", q->id,
	    q->id == o->chosen ? " selected" : "", q->name);
	return 0;
}

static void
filter_form(struct staff *st, struct http_request *req,
    const struct post_filter *f)
{
	struct options o = { &st->h, f->source };
	const char *since = http_request_param(req, "since");
	const char *until = http_request_param(req, "until");
	int i;

	html_f(&st->h, "<form method=\"get\" action=\"/listen\" class=\"filters"
	    "\" id=\"listen-filters\">\n<label for=\"f-source\">%m</label>"
	    "<select id=\"f-source\" name=\"source\"><option value=\"\">%m"
	    "</option>\n", M_L_SOURCE, M_F_ALL);
	listen_source_each(st->c.store, 0, on_source_option, &o);
	html_f(&st->h, "</select>\n<label for=\"f-query\">%m</label><select "
	    "id=\"f-query\" name=\"query\"><option value=\"\">%m</option>\n",
	    M_L_QUERY, M_F_ALL);
	o.chosen = f->query;
	listen_query_each(st->c.store, 0, on_query_option, &o);
	html_f(&st->h, "</select>\n<label for=\"f-sentiment\">%m</label>"
	    "<select id=\"f-sentiment\" name=\"sentiment\"><option value=\"\">"
	    "%m</option>\n", M_L_SENTIMENT, M_F_ALL);
	for (i = 0; i < POST_SENTIMENT__MAX; i++)
		html_f(&st->h, "<option value=\"%s\"%r>%m</option>\n",
		    listen_sentiment_name((enum post_sentiment)i),
		    f->sentiment == i + 1 ? " selected" : "", sentiment_msg[i]);
	html_f(&st->h, "</select>\n<label for=\"f-agency\">%m</label><input "
	    "id=\"f-agency\" name=\"agency\" value=\"%s\">\n", M_F_AGENCY,
	    f->agency ? f->agency : "");
	html_f(&st->h, "<label for=\"f-district\">%r</label><input "
	    "id=\"f-district\" name=\"district\" value=\"%s\">\n",
	    st->h.lang == LANG_EN ? "District" : "Район", f->district ?
	    f->district : "");
	html_f(&st->h, "<label for=\"f-since\">%m</label><input type=\"date\" "
	    "id=\"f-since\" name=\"since\" value=\"%s\">\n<label for=\"f-until"
	    "\">%m</label><input type=\"date\" id=\"f-until\" name=\"until\" "
	    "value=\"%s\">\n<button type=\"submit\">%m</button></form>\n",
	    M_L_SINCE, since ? since : "", M_L_UNTIL, until ? until : "",
	    M_F_APPLY);
}

static int
listen_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct post_filter f;
	struct page pg;
	struct staff st;
	int64_t page;
	const char *q;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (st.c.app->listen == NULL)
		return web_fail(req, res, &st.c, 503, NULL, "listening is not "
		    "available");
	if (read_filter(req, res, &f, &page) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_LISTEN, st.c.lang), "listen",
	    "/listen", 0);
	html_f(&st.h, "<h1>%m</h1>\n<p><a href=\"/listen/sources\">%m</a> · "
	    "<a id=\"listen-trends\" href=\"/listen/trends\">%r</a></p>\n",
	    M_LISTEN, M_L_SOURCES, st.h.lang == LANG_EN ? "Trends" :
	    "Динамика");
	filter_form(&st, req, &f);
	q = http_request_query(req);
	html_f(&st.h, "<p><a id=\"listen-csv\" href=\"/listen.csv%r%s\">%m</a>"
	    "</p>\n", q[0] ? "?" : "", q, M_L_CSV);
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"posts\">\n<caption"
	    " class=\"visually-hidden\">%m</caption>\n<thead><tr><th scope=\""
	    "col\">%m</th><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th><th scope=\"col\">%m</th><th scope=\"col"
	    "\">%m</th><th scope=\"col\">%m</th></tr></thead>\n<tbody>\n",
	    M_LISTEN, M_L_PUBLISHED, M_L_SOURCE, M_L_AUTHOR, M_L_TEXT,
	    M_L_SENTIMENT, M_AGENCY, M_L_PLACE);
	memset(&pg, 0, sizeof(pg));
	pg.st = &st;
	if (listen_post_each(st.c.store, &f, on_post_row, &pg) != 0)
		return -1;
	html_raw(&st.h, "</tbody></table></div>\n");
	if (pg.n == 0)
		html_f(&st.h, "<p id=\"listen-empty\">%m</p>\n", M_L_EMPTY);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

static int
on_match_item(const struct saved_query *q, void *arg)
{
	html_f(arg, "<li>%s <code>%s</code></li>\n", q->name, q->query);
	return 0;
}

/* The latest correction of a post, copied out of its callback. */
struct latest {
	int found;
	char by[VECHE_MAX_LOGIN + 1];
	int64_t at;
	char service[VECHE_MAX_CODE + 1];
};

static int
on_latest(const struct post_correction *c, void *arg)
{
	struct latest *lt = arg;

	if (lt->found)
		return 0;       /* newest first */
	lt->found = 1;
	snprintf(lt->by, sizeof(lt->by), "%s", c->by);
	lt->at = c->at;
	if (c->new_service != NULL)
		snprintf(lt->service, sizeof(lt->service), "%s",
		    c->new_service);
	return 0;
}

/* The form that corrects p's sentiment and service (moderators, admins). */
static void
correct_form(struct staff *st, const struct post *p, const struct latest *lt)
{
	const struct catalog *cat = st->c.app->catalog;
	struct html *h = &st->h;
	enum lang l = h->lang;
	size_t i;
	int k;

	html_f(h, "<section class=\"post-correct\" aria-labelledby=\""
	    "correct-title\"><h2 id=\"correct-title\">%s</h2>\n<form method="
	    "\"post\" action=\"/listen/posts/%D/correct\" id=\"correct-form"
	    "\" aria-describedby=\"correct-hint\">\n", cw(C_TITLE, l), p->id);
	staff_csrf_field(st);
	html_f(h, "<p class=\"hint\" id=\"correct-hint\">%s</p>\n<div class="
	    "\"field\"><label for=\"c-sentiment\">%s</label>\n<select id=\""
	    "c-sentiment\" name=\"sentiment\">\n", cw(C_HINT, l),
	    cw(C_SENTIMENT, l));
	for (k = 0; k < POST_SENTIMENT__MAX; k++)
		html_f(h, "<option value=\"%s\"%r>%m</option>\n",
		    listen_sentiment_name((enum post_sentiment)k),
		    (int)p->sentiment == k ? " selected" : "", sentiment_msg[k]);
	html_f(h, "</select></div>\n<div class=\"field\"><label for=\""
	    "c-service\">%s</label>\n<select id=\"c-service\" name=\""
	    "service_code\">\n<option value=\"\">%s</option>\n",
	    cw(C_SERVICE, l), cw(C_NONE, l));
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *sv = catalog_service_at(cat, i);

		if (sv->disabled)
			continue;
		html_f(h, "<option value=\"%s\"%r>%s</option>\n", sv->code,
		    strcmp(sv->code, lt->service) == 0 ? " selected" : "",
		    catalog_text(sv->name, l));
	}
	html_f(h, "</select></div>\n<button type=\"submit\" id=\"correct-save"
	    "\">%s</button>\n</form>\n</section>\n", cw(C_SAVE, l));
}

static int
on_post_page(const struct post *p, void *arg)
{
	struct staff *st = arg;
	struct html *h = &st->h;
	struct latest lt;
	char title[64];

	snprintf(title, sizeof(title), "%s %lld", web_msg(M_L_POST, h->lang),
	    (long long)p->id);
	/* With the map: the incident form's place picker (web_incident.c). */
	staff_page_begin(st, title, "listen-post", "/listen", 1);
	html_f(h, "<h1>%s</h1>\n<blockquote id=\"post-text\">%s</blockquote>\n"
	    "<dl class=\"post-analysis\">\n<dt>%m</dt><dd>%s</dd>\n", title,
	    p->body, M_L_SOURCE, p->source_name);
	if (p->url != NULL)
		html_f(h, "<dt>URL</dt><dd><a href=\"%s\" rel=\"noopener "
		    "noreferrer nofollow\">%s</a></dd>\n", p->url, p->url);
	html_f(h, "<dt>%m</dt><dd>%s</dd>\n<dt>%m</dt><dd>", M_L_AUTHOR,
	    p->author ? p->author : "—", M_L_PUBLISHED);
	html_date(h, p->published);
	html_f(h, "</dd>\n<dt>%m</dt><dd>%s</dd>\n<dt>%m</dt><dd id=\""
	    "post-sentiment\">", M_L_LANGUAGE, p->lang, M_L_SENTIMENT);
	sentiment_cell(h, p->sentiment);
	memset(&lt, 0, sizeof(lt));
	if (listen_correction_each(st->c.store, p->id, on_latest, &lt) != 0)
		return -1;
	if (lt.found)
		html_f(h, " <span class=\"corrected\">(%s)</span>",
		    cw(C_CORRECTED, h->lang));
	html_raw(h, "</dd>\n");
	if (lt.found) {
		const struct service *sv = lt.service[0] != '\0' ?
		    catalog_service(st->c.app->catalog, lt.service) : NULL;

		html_f(h, "<dt>%s</dt><dd id=\"post-service\">%s <span class="
		    "\"corrected\">(%s)</span></dd>\n<dt>%s</dt><dd id=\""
		    "post-corrected\">%s, ", cw(C_SERVICE, h->lang), sv != NULL ?
		    catalog_text(sv->name, h->lang) : "—", cw(C_CORRECTED,
		    h->lang), cw(C_BY, h->lang), lt.by);
		html_date(h, lt.at);
		html_raw(h, "</dd>\n");
	}
	html_f(h, "<dt>%m</dt><dd>%d%%</dd>\n<dt>%m</dt><dd id=\"post-agency\">"
	    "%s</dd>\n<dt>%m</dt><dd id=\"post-place\">%s</dd>\n<dt>%m</dt>"
	    "<dd>%D</dd>\n<dt>%m</dt><dd><ul id=\"post-queries\">\n",
	    M_L_COMPLAINT, (int)(p->complaint * 100 + 0.5), M_AGENCY,
	    p->agency ? p->agency : "—", M_L_PLACE, p->place ? p->place :
	    p->district ? p->district : "—",
	    M_L_GROUP, p->group, M_L_QUERY);
	if (listen_post_queries(st->c.store, p->id, on_match_item, h) != 0)
		return -1;
	html_raw(h, "</ul></dd>\n</dl>\n");
	correct_form(st, p, &lt);
	/* Make it an incident, or its report (web_incident.c). */
	return web_incident_post(st, p);
}

static int
post_page(struct http_request *req, struct http_response *res, void *arg)
{
	struct staff st;
	int64_t id;
	int rc;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1 ||
	    (rc = listen_post_get(st.c.store, id, on_post_page, &st)) == 1)
		return web_fail(req, res, &st.c, 404, "id", "no such post");
	if (rc != 0)
		return -1;
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* POST /listen/posts/{id}/correct: 303 back to the post's page. */
static int
post_correct(struct http_request *req, struct http_response *res, void *arg)
{
	struct listen_correction in;
	struct staff st;
	struct verr e;
	const char *svc;
	char loc[64];
	int64_t id;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX,
	    &in.post) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such post");
	in.sentiment = http_request_param(req, "sentiment");
	svc = http_request_param(req, "service_code");
	in.service = svc != NULL && *svc != '\0' ? svc : NULL;
	in.actor = st.act;
	in.now = app_now(st.c.app);
	if (listen_post_correct(st.c.store, st.c.app->catalog, &in, &id,
	    &e) == -1)
		return staff_fail(req, res, &st, &e);
	snprintf(loc, sizeof(loc), "/listen/posts/%lld", (long long)in.post);
	return staff_redirect(res, loc);
}

/* A post as a CSV row (web_csv_field: RFC 4180, formulas defused). */
static int
on_post_csv(const struct post *p, void *arg)
{
	struct http_response *res = arg;
	char id[24], published[24], complaint[32], group[24];
	const char *f[12];
	size_t i;

	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	snprintf(published, sizeof(published), "%lld", (long long)p->published);
	snprintf(complaint, sizeof(complaint), "%.3f", p->complaint);
	snprintf(group, sizeof(group), "%lld", (long long)p->group);
	f[0] = id;
	f[1] = published;
	f[2] = p->source_name;
	f[3] = p->url;
	f[4] = p->author;
	f[5] = listen_sentiment_name(p->sentiment);
	f[6] = complaint;
	f[7] = p->agency;
	f[8] = p->place;
	f[9] = p->district;
	f[10] = group;
	f[11] = p->body;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		/* Numbers as numbers; every other field is defused. */
		if ((i > 0 && http_response_append(res, ",", 1) == -1) ||
		    web_csv_field(res, f[i], f[i] != id && f[i] != published &&
		    f[i] != complaint && f[i] != group) == -1)
			return -1;
	return http_response_append(res, "\r\n", 2);
}

static int
posts_csv(struct http_request *req, struct http_response *res, void *arg)
{
	struct post_filter f;
	struct store *s;
	int64_t page;

	if ((s = begin(req, res, arg)) == NULL || read_filter(req, res, &f,
	    &page) == -1)
		return 0;
	f.limit = VECHE_LISTEN_CSV_MAX;
	f.offset = 0;
	http_response_kind(res, HTTP_TYPE_CSV);
	http_response_header(res, "Content-Disposition",
	    "attachment; filename=\"posts.csv\"");
	http_response_printf(res, "id,published,source,url,author,sentiment,"
	    "complaint,agency,place,district,group,text\r\n");
	return listen_post_each(s, &f, on_post_csv, res) != 0 ? -1 : 0;
}

static int
on_source_row(const struct source *src, void *arg)
{
	struct health *h = arg;
	struct html *o = &h->st->h;
	int64_t day = 0;

	if (listen_source_day(h->s, src->id, h->now, &day) == -1)
		return -1;
	html_f(o, "<tr id=\"source-%D\"><td>%s</td><td>%s</td><td>", src->id,
	    src->name, src->kind);
	if (src->last_success)
		html_date(o, src->last_success);
	html_f(o, "</td><td class=\"last-error\">%s</td><td>%D</td><td>%D"
	    "</td><td>", src->last_error ? src->last_error : "", day,
	    src->fetches);
	if (src->url != NULL)
		html_date(o, src->next_fetch > 0 ? src->next_fetch :
		    src->created);
	html_raw(o, "</td></tr>\n");
	return o->failed ? -1 : 0;
}

static int
sources_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct staff st;
	struct health h;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_L_SOURCES, st.c.lang), "listen-sources",
	    "/listen/sources", 0);
	html_f(&st.h, "<h1>%m</h1>\n", M_L_SOURCES);
	if (st.act->role == ROLE_ADMIN)
		html_f(&st.h, "<p><a id=\"manage-sources\" href=\"/admin/"
		    "sources\">%m</a></p>\n", M_LA_MANAGE);
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\""
	    "sources\">\n<caption class=\"visually-hidden\">%m</caption>\n"
	    "<thead><tr><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\">%m</th><th scope=\"col\">%m</th><th scope=\"col"
	    "\">%m</th><th scope=\"col\">%m</th><th scope=\"col\">%m</th></tr>"
	    "</thead>\n<tbody>\n", M_L_SOURCES, M_NAME, M_CODE,
	    M_L_LAST_SUCCESS, M_LAST_ERROR, M_L_PER_DAY, M_L_FETCHES,
	    M_L_NEXT_FETCH);
	memset(&h, 0, sizeof(h));
	h.s = st.c.store;
	h.now = app_now(arg);
	h.st = &st;
	if (listen_source_each(h.s, 0, on_source_row, &h) != 0)
		return -1;
	html_raw(&st.h, "</tbody></table></div>\n");
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* The admin page: sources with a remove button, add, upload an export. */

static int
on_admin_source(const struct source *src, void *arg)
{
	struct staff *st = arg;
	struct html *o = &st->h;

	html_f(o, "<tr id=\"admin-source-%D\"><td>%s</td><td>%s</td><td>%s"
	    "</td><td>%D</td><td>%D</td><td><form method=\"post\" action=\""
	    "/admin/sources/%D/remove\" class=\"inline\">", src->id,
	    src->name, src->kind, src->url ? src->url : "—", src->interval,
	    src->posts, src->id);
	staff_csrf_field(st);
	html_f(o, "<button type=\"submit\" class=\"secondary\">%m<span class=\""
	    "visually-hidden\"> %s</span></button></form></td></tr>\n",
	    M_LA_REMOVE, src->name);
	return o->failed ? -1 : 0;
}

static int
on_upload_option(const struct source *src, void *arg)
{
	struct options *o = arg;

	if (src->url == NULL) {
		html_f(o->h, "<option value=\"%s\">%s (%s)</option>\n",
		    src->name, src->name, src->kind);
		o->chosen++;
	}
	return 0;
}

static void
admin_flash(struct staff *st, struct http_request *req)
{
	const char *done = http_request_param(req, "done");
	const char *added = http_request_param(req, "added");
	int64_t n;

	if (done == NULL)
		return;
	if (strcmp(done, "added") == 0)
		html_f(&st->h, "<p class=\"notice flash\" role=\"status\" id=\""
		    "flash\">%m</p>\n", M_LA_ADDED);
	else if (strcmp(done, "removed") == 0)
		html_f(&st->h, "<p class=\"notice flash\" role=\"status\" id=\""
		    "flash\">%m</p>\n", M_LA_REMOVED);
	else if (strcmp(done, "imported") == 0 && added != NULL &&
	    parse_int64(added, 0, INT64_MAX, &n) == 0)
		html_f(&st->h, "<p class=\"notice flash\" role=\"status\" id=\""
		    "flash\">%m %D</p>\n", M_LA_IMPORTED, n);
}

static int
admin_sources_page(struct http_request *req, struct http_response *res,
    void *arg)
{
	/* listen_source_add's kinds (core checks them). */
	static const char *const kinds[] = { "rss", "atom", "jsonfeed", "vk",
	    "telegram" };
	struct options o;
	struct staff st;
	size_t k;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	staff_page_begin(&st, web_msg(M_LA_MANAGE, st.c.lang),
	    "admin-sources", "/admin/sources", 0);
	html_f(&st.h, "<h1>%m</h1>\n<p><a href=\"/listen/sources\">%m</a></p>"
	    "\n", M_LA_MANAGE, M_L_SOURCES);
	admin_flash(&st, req);
	html_f(&st.h, "<div class=\"table-wrap\" tabindex=\"0\"><table id=\"admin-sources\">"
	    "\n<caption class=\"visually-hidden\">%m</caption>\n<thead><tr>"
	    "<th scope=\"col\">%m</th><th scope=\"col\">%m</th><th scope=\""
	    "col\">URL</th><th scope=\"col\">%m</th><th scope=\"col\">%m</th>"
	    "<th scope=\"col\"><span class=\"visually-hidden\">%m</span></th>"
	    "</tr></thead>\n<tbody>\n", M_L_SOURCES, M_NAME, M_LA_KIND,
	    M_LA_INTERVAL, M_LISTEN, M_LA_REMOVE);
	if (listen_source_each(st.c.store, 0, on_admin_source, &st) != 0)
		return -1;
	html_f(&st.h, "</tbody></table></div>\n<form method=\"post\" action=\""
	    "/admin/sources\" id=\"source-form\" class=\"admin-form\" "
	    "aria-labelledby=\"source-title\">\n<h2 id=\"source-title\">%m"
	    "</h2>\n", M_LA_ADD);
	staff_csrf_field(&st);
	html_f(&st.h, "<div class=\"field\"><label for=\"source-name\">%m"
	    "</label>\n<input id=\"source-name\" name=\"name\" required "
	    "maxlength=\"%d\"></div>\n<div class=\"field\"><label for=\""
	    "source-kind\">%m</label>\n<select id=\"source-kind\" name=\"kind"
	    "\">\n", M_NAME, VECHE_MAX_SOURCE_NAME, M_LA_KIND);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		html_f(&st.h, "<option value=\"%s\">%s</option>\n", kinds[k],
		    kinds[k]);
	html_f(&st.h, "</select></div>\n<div class=\"field\"><label for=\""
	    "source-url\">%m</label>\n<input type=\"url\" id=\"source-url\" "
	    "name=\"url\" maxlength=\"%d\"></div>\n<div class=\"field\">"
	    "<label for=\"source-interval\">%m</label>\n<input type=\"number\" "
	    "id=\"source-interval\" name=\"interval\" min=\"%d\" max=\"%d\" "
	    "value=\"900\"></div>\n<button type=\"submit\" id=\"source-add\">"
	    "%m</button>\n</form>\n", M_LA_URL, VECHE_MAX_SOURCE_URL,
	    M_LA_INTERVAL, VECHE_FEED_MIN_INTERVAL, VECHE_FEED_MAX_INTERVAL,
	    M_LA_ADD);
	html_f(&st.h, "<form method=\"post\" action=\"/admin/sources/import\" "
	    "enctype=\"multipart/form-data\" id=\"import-form\" class=\""
	    "admin-form\" aria-labelledby=\"import-title\">\n<h2 id=\""
	    "import-title\">%m</h2>\n", M_LA_IMPORT);
	staff_csrf_field(&st);
	html_f(&st.h, "<div class=\"field\"><label for=\"import-source\">%m"
	    "</label>\n<select id=\"import-source\" name=\"source\" required>"
	    "\n", M_L_SOURCE);
	memset(&o, 0, sizeof(o));
	o.h = &st.h;
	if (listen_source_each(st.c.store, 0, on_upload_option, &o) != 0)
		return -1;
	html_raw(&st.h, "</select></div>\n");
	if (o.chosen == 0)
		html_f(&st.h, "<p class=\"hint\" id=\"no-upload\">%m</p>\n",
		    M_LA_NO_UPLOAD);
	html_f(&st.h, "<div class=\"field\"><label for=\"import-file\">%m"
	    "</label>\n<input type=\"file\" id=\"import-file\" name=\"file\" "
	    "required accept=\".json,application/json\"></div>\n<button type=\""
	    "submit\" id=\"import-upload\">%m</button>\n</form>\n", M_LA_FILE,
	    M_UPLOAD);
	html_page_end(&st.h);
	return st.h.failed ? -1 : 0;
}

/* 303 back to the admin page with what was done. */
static int
admin_back(struct http_request *req, struct http_response *res,
    const char *done, int64_t added)
{
	char *loc;
	size_t n = 80;

	if ((loc = http_request_alloc(req, n)) == NULL)
		return -1;
	if (added >= 0)
		snprintf(loc, n, "/admin/sources?done=%s&added=%lld", done,
		    (long long)added);
	else
		snprintf(loc, n, "/admin/sources?done=%s", done);
	return staff_redirect(res, loc);
}

static int
admin_source_add(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *iv = http_request_param(req, "interval");
	struct staff st;
	struct verr e;
	int64_t interval = 0, id;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (st.c.app->listen == NULL)
		return web_fail(req, res, &st.c, 503, NULL, "listening is not "
		    "available");
	/* Not a number: out of range, so core's refusal names the field. */
	if (iv != NULL && iv[0] != '\0' && parse_int64(iv, 1, INT32_MAX,
	    &interval) == -1)
		interval = -1;
	memset(&e, 0, sizeof(e));
	if (listen_source_add(st.c.store, http_request_param(req, "name"),
	    http_request_param(req, "kind"), http_request_param(req, "url"),
	    interval, 0, app_now(st.c.app), &id, &e) == -1)
		return staff_fail(req, res, &st, &e);
	return admin_back(req, res, "added", -1);
}

static int
admin_source_remove(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct staff st;
	struct verr e;
	int64_t id;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &st.c, 404, "id", "no such source");
	memset(&e, 0, sizeof(e));
	if (listen_source_remove(st.c.store, id, &e) == -1)
		return staff_fail(req, res, &st, &e);
	return admin_back(req, res, "removed", -1);
}

static int
admin_import(struct http_request *req, struct http_response *res, void *arg)
{
	size_t added, dupes;
	struct staff st;
	struct verr e;

	if (staff_begin(req, res, arg, &st) == -1)
		return 0;
	if (st.c.app->listen == NULL)
		return web_fail(req, res, &st.c, 503, NULL, "listening is not "
		    "available");
	if (import_file(req, st.c.app, st.c.store, &added, &dupes, &e) == -1)
		return staff_fail(req, res, &st, &e);
	return admin_back(req, res, "imported", (int64_t)added);
}

#define LANG_P "lang"

static const char *const p_key[] = { "api_key", NULL };
static const char *const p_list[] = { "api_key", LANG_P, "source", "query",
	"sentiment", "agency", "district", "since", "until", "page", NULL };
static const char *const p_page[] = { LANG_P, NULL };
static const char *const p_import[] = { "api_key", "csrf", "source", "file",
	NULL };
static const char *const p_source[] = { "api_key", "csrf", "name", "kind",
	"url", "interval", "timeout_ms", NULL };
static const char *const p_query[] = { "api_key", "csrf", "name", "query",
	NULL };
static const char *const p_csrf[] = { "api_key", "csrf", NULL };
static const char *const p_admin[] = { LANG_P, "done", "added", NULL };
static const char *const p_admin_add[] = { LANG_P, "csrf", "name", "kind",
	"url", "interval", NULL };
static const char *const p_admin_import[] = { LANG_P, "csrf", "source",
	"file", NULL };
static const char *const p_admin_csrf[] = { LANG_P, "csrf", NULL };
static const char *const p_correct[] = { LANG_P, "csrf", "sentiment",
	"service_code", NULL };

static const struct http_route listen_table[] = {
	{ HTTP_GET, "/listen", listen_page, PAGE_READERS, p_list, 0 },
	{ HTTP_GET, "/listen.csv", posts_csv, READERS, p_list, 0 },
	{ HTTP_GET, "/listen/sources", sources_page, PAGE_READERS, p_page, 0 },
	{ HTTP_GET, "/listen/posts/{id}", post_page, PAGE_READERS, p_page, 0 },
	{ HTTP_POST, "/listen/posts/{id}/correct", post_correct, PAGE_READERS,
	    p_correct, 0 },
	{ HTTP_GET, "/api/v1/posts.json", posts_json, READERS, p_list, 0 },
	{ HTTP_GET, "/api/v1/posts/{id}", post_get_json, READERS, p_key, 0 },
	{ HTTP_POST, "/api/v1/posts/import", import_posts, WRITERS, p_import,
	    VECHE_FEED_MAX_BYTES + 64 * 1024 },
	{ HTTP_GET, "/api/v1/sources.json", sources_json, READERS, p_key, 0 },
	{ HTTP_POST, "/api/v1/sources", source_add, WRITERS, p_source, 0 },
	{ HTTP_DELETE, "/api/v1/sources/{id}", source_remove, WRITERS, p_csrf,
	    0 },
	{ HTTP_GET, "/api/v1/queries.json", queries_json, READERS, p_key, 0 },
	{ HTTP_POST, "/api/v1/queries", query_save, READERS, p_query, 0 },
	{ HTTP_POST, "/api/v1/queries/{id}", query_save, READERS, p_query, 0 },
	{ HTTP_DELETE, "/api/v1/queries/{id}", query_remove, READERS, p_csrf,
	    0 },
	{ HTTP_GET, "/admin/sources", admin_sources_page, ACCESS_ADMIN, p_admin,
	    0 },
	{ HTTP_POST, "/admin/sources", admin_source_add, ACCESS_ADMIN,
	    p_admin_add, 0 },
	{ HTTP_POST, "/admin/sources/import", admin_import, ACCESS_ADMIN,
	    p_admin_import, VECHE_FEED_MAX_BYTES + 64 * 1024 },
	{ HTTP_POST, "/admin/sources/{id}/remove", admin_source_remove,
	    ACCESS_ADMIN, p_admin_csrf, 0 },
};

const struct http_route *
listen_routes(size_t *n)
{
	*n = sizeof(listen_table) / sizeof(listen_table[0]);
	return listen_table;
}
