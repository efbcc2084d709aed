/*
 * region.c: many cities in one process (region.h).  The dispatch by Host,
 * the region's routing table, Open311 forwarded by jurisdiction_id, and the
 * region's pages: its cities with their figures, its ratings (each city's
 * own ratings code, one table), its open data and the regional staff's
 * queue.  Every figure is read from the city's own store through core.
 *
 * The figures of every city (one snapshot per period) are read at most
 * once per VECHE_REGION_FIGURES_TTL seconds of veche's clock and shared by
 * the pages meanwhile, which say when they were read ("as of"): at a
 * million reports a city's counts and ratings cost 0.1 to 0.5 s a read.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/region.h"
#include "api/render.h"
#include "api/reply.h"
#include "api/routes.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/ratings.h"
#include "core/report.h"
#include "core/workflow.h"

/* Items of one agency's queue on the regional desk. */
#define REGION_DESK_ITEMS 20

/* Periods whose figures are kept at once (the default and a few more). */
#define REGION_SNAPSHOTS 4

struct snapshot;

struct region_city {
	const struct region_city_conf *conf;
	struct app *app;
	char *jurisdiction;
	const char *url;                /* its public URL, no trailing '/' */
	struct http_site site;
};

struct region {
	const struct region_conf *conf;
	struct app *staff;
	struct region_city *cities;
	size_t n;
	struct http_site site;          /* the region's own */
	struct http_route *routes;
	size_t nroutes;
	const struct http_route **forward;  /* per region route: the city's
	                                       route it forwards to, or NULL */
	char served[1024];              /* "a, b, c": for refusals */
	pthread_mutex_t lock;           /* snaps and their counts */
	struct snapshot *snaps[REGION_SNAPSHOTS];
};

static struct region *
region_of(void *app)
{
	return ((struct app *)app)->region;
}

static const char *
city_name(const struct region_city *c, enum lang l)
{
	const char *n = c->conf->name[l == LANG_EN];

	return n != NULL ? n : c->jurisdiction;
}

/* ---- Dispatch ---- */

const struct http_site *
region_site(struct http_request *req, void *app)
{
	struct region *r = region_of(app);
	const char *host = http_request_header(req, "Host"), *end;
	size_t i, n;

	if (r == NULL || host == NULL)
		return NULL;
	/* The port is not the city's: "[::1]:8080", "a.example:8080". */
	if (host[0] == '[')
		end = strchr(host, ']');
	else
		end = strchr(host, ':');
	n = end != NULL ? (size_t)(end - host + (host[0] == '[')) :
	    strlen(host);
	/* A fully qualified name may end in '.'. */
	if (n > 0 && host[n - 1] == '.')
		n--;
	for (i = 0; i < r->n; i++)
		if (strlen(r->cities[i].conf->host) == n &&
		    strncasecmp(r->cities[i].conf->host, host, n) == 0)
			return &r->cities[i].site;
	return &r->site;
}

/* The city of the request's jurisdiction_id, or NULL after refusing. */
static struct region_city *
choose(struct http_request *req, struct http_response *res,
    struct region *r)
{
	const char *jur = http_request_param(req, "jurisdiction_id");
	size_t i;

	if (jur == NULL) {
		reply_bad(req, res, 400, "jurisdiction_id", "jurisdiction_id: "
		    "required at the region's address; one of: %s", r->served);
		return NULL;
	}
	for (i = 0; i < r->n; i++)
		if (strcmp(r->cities[i].jurisdiction, jur) == 0)
			return &r->cities[i];
	reply_bad(req, res, 404, "jurisdiction_id", "jurisdiction_id: "
	    "'%.64s' is not served here; one of: %s", jur, r->served);
	return NULL;
}

/*
 * Answer req as city c's route would at its own host: the request is
 * handed to c's app (its store, writer and errors), checked as the
 * server checks a routed request, and given to the route's handler.
 */
static int
city_call(struct http_request *req, struct http_response *res,
    struct region_city *c, const struct http_route *route)
{
	const char *field = NULL, *message = NULL;
	int status;

	http_request_set_app(req, c->app);
	routes_before(req, c->app);
	if (route->access != 0 && (status = routes_access(req, route, c->app,
	    &field, &message)) != 0) {
		if (status < 400 || status > 599)
			status = 403;
		http_response_error(req, res, status, field, message != NULL ?
		    message : "access denied");
		return 0;
	}
	return route->handler(req, res, c->app);
}

/* An Open311 route at the region's host: to the city jurisdiction_id names. */
static int
region_forward(struct http_request *req, struct http_response *res,
    void *app)
{
	struct region *r = region_of(app);
	const struct http_route *route = http_request_route(req);
	struct region_city *c;

	if ((c = choose(req, res, r)) == NULL)
		return 0;
	return city_call(req, res, c, r->forward[route - r->routes]);
}

/* ---- What each city's figures are ---- */

struct figures {
	struct wf_counts counts;        /* awaiting an answer, overdue, soon */
	struct ratings *ratings;        /* of the period asked for */
	int64_t received;               /* the sum of its agencies' */
	struct ratings_share in_time;   /* the sum of its agencies' */
	int64_t reports;                /* every report of the city */
};

/*
 * The reports of c awaiting an answer whose running deadline is before
 * before, most overdue first, at most VECHE_MAX_OVERDUE, into fn.
 */
static int
city_due(struct region_city *c, int64_t before,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	struct store *s = app_store(c->app);

	if (s == NULL)
		return -1;
	return workflow_overdue(s, NULL, before, fn, arg);
}

/*
 * City c's figures at now for period p (NULL: no ratings): its open,
 * overdue and due-soon reports, its agencies' ratings and their sums.
 * Returns 0, or -1 with e set.
 */
static int
city_figures(struct region_city *c, const struct ratings_period *p,
    int64_t now, struct figures *f, struct verr *e)
{
	struct store *s = app_store(c->app);
	size_t i;

	memset(f, 0, sizeof(*f));
	if (s == NULL || workflow_counts(s, now, &f->counts) == -1 ||
	    report_count(s, &f->reports) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s: the database is "
		    "unavailable", c->jurisdiction);
	if (p == NULL)
		return 0;
	if ((f->ratings = ratings_compute(s, c->app->catalog, p, now,
	    e)) == NULL)
		return -1;
	for (i = 0; i < f->ratings->n; i++) {
		f->received += f->ratings->agencies[i].received;
		f->in_time.k += f->ratings->agencies[i].in_time.k;
		f->in_time.n += f->ratings->agencies[i].in_time.n;
	}
	ratings_wilson(f->in_time.k, f->in_time.n, &f->in_time);
	return 0;
}

/* Every city's figures into fs[r->n]; free with figures_free. */
static int
all_figures(struct region *r, const struct ratings_period *p, int64_t now,
    struct figures *fs, struct verr *e)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (city_figures(&r->cities[i], p, now, &fs[i], e) == -1)
			return -1;
	return 0;
}

static void
figures_free(struct figures *fs, size_t n)
{
	size_t i;

	for (i = 0; fs != NULL && i < n; i++)
		ratings_free(fs[i].ratings);
	free(fs);
}

/*
 * Every city's figures for one period as read at as_of, shared by the
 * requests that render them while the region keeps it (r->snaps).
 */
struct snapshot {
	unsigned refs;                  /* the region's slot and each reader */
	int refreshing;                 /* a reader is reading its successor */
	int64_t from, to;               /* the period */
	int64_t as_of;                  /* veche's clock when read */
	struct figures *fs;             /* r->n */
};

/* Drop a reference to s (NULL: nothing); the last frees it. */
static void
snapshot_release(struct region *r, struct snapshot *s)
{
	unsigned left;

	if (s == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	left = --s->refs;
	pthread_mutex_unlock(&r->lock);
	if (left == 0) {
		figures_free(s->fs, r->n);
		free(s);
	}
}

/*
 * The slot of period p: the one holding it, else an empty one, else the
 * one read longest ago.  Under r->lock.
 */
static size_t
snapshot_slot(const struct region *r, const struct ratings_period *p)
{
	size_t i, k = 0;

	for (i = 0; i < REGION_SNAPSHOTS; i++) {
		const struct snapshot *s = r->snaps[i];

		if (s != NULL && s->from == p->from && s->to == p->to)
			return i;
		if (s == NULL)
			k = i;
		else if (r->snaps[k] != NULL && s->as_of < r->snaps[k]->as_of)
			k = i;
	}
	return k;
}

/*
 * The figures of period p at now, one reference for the caller: the kept
 * ones while read less than VECHE_REGION_FIGURES_TTL seconds before now
 * (or while another reader reads their successor), else read now and
 * kept.  NULL with e set (a city's error) or e unset (out of memory).
 */
static struct snapshot *
snapshot_get(struct region *r, const struct ratings_period *p, int64_t now,
    struct verr *e)
{
	struct snapshot *s, *old;
	size_t k;

	pthread_mutex_lock(&r->lock);
	k = snapshot_slot(r, p);
	if ((s = r->snaps[k]) != NULL && (s->from != p->from ||
	    s->to != p->to))
		s = NULL;
	/* A clock set back reads anew. */
	if (s != NULL && (s->refreshing || (now >= s->as_of &&
	    now - s->as_of < VECHE_REGION_FIGURES_TTL))) {
		s->refs++;
		pthread_mutex_unlock(&r->lock);
		return s;
	}
	if (s != NULL)
		s->refreshing = 1;
	pthread_mutex_unlock(&r->lock);
	old = s;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->fs = calloc(r->n, sizeof(*s->fs))) == NULL ||
	    all_figures(r, p, now, s->fs, e) == -1) {
		if (s != NULL)
			figures_free(s->fs, r->n);
		free(s);
		s = NULL;
	} else {
		s->refs = 2;            /* the caller's and the slot's */
		s->from = p->from;
		s->to = p->to;
		s->as_of = now;
	}
	pthread_mutex_lock(&r->lock);
	if (old != NULL)
		old->refreshing = 0;
	old = NULL;
	if (s != NULL) {
		/* Another period may have taken the slot meanwhile. */
		k = snapshot_slot(r, p);
		old = r->snaps[k];
		r->snaps[k] = s;
	}
	pthread_mutex_unlock(&r->lock);
	snapshot_release(r, old);
	return s;
}

/* The period a request asks for (ratings.h); -1 after answering 400. */
static int
period_of(struct http_request *req, struct http_response *res, int64_t now,
    struct ratings_period *p)
{
	struct verr e;

	memset(&e, 0, sizeof(e));
	if (ratings_period_parse(http_request_param(req, "period"),
	    http_request_param(req, "from"), http_request_param(req, "to"),
	    now, p, &e) == -1) {
		reply_verr(req, res, &e);
		return -1;
	}
	return 0;
}

static json_t *
share_json(const struct ratings_share *s)
{
	return json_pack("{s:I, s:I, s:f, s:f, s:f}", "k", (json_int_t)s->k,
	    "n", (json_int_t)s->n, "p", s->p, "lo", s->lo, "hi", s->hi);
}

static json_t *
city_json(const struct region_city *c, const struct figures *f,
    enum lang l)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
	    "jurisdiction_id", c->jurisdiction, "name", city_name(c, l),
	    "url", c->url != NULL ? c->url : "", "reports",
	    (json_int_t)f->reports, "open", (json_int_t)f->counts.open,
	    "overdue", (json_int_t)f->counts.overdue, "due_soon",
	    (json_int_t)f->counts.due_soon);

	if (o != NULL && f->ratings != NULL)
		json_object_set_new(o, "total", json_pack("{s:I, s:o}",
		    "received", (json_int_t)f->received, "in_time",
		    share_json(&f->in_time)));
	return o;
}

/* ---- The region's pages ---- */

enum rmsg {
	R_CITIES, R_CITY, R_OPEN, R_OVERDUE, R_DUE_SOON, R_IN_TIME, R_REPORTS,
	R_RATINGS, R_AGENCY, R_RECEIVED, R_RANK, R_TOTAL, R_DATA, R_DATA_INTRO,
	R_DESK, R_DESK_NONE, R_DUE, R_FEW, R_REGION_TOTAL, R_AS_OF,
	R__MAX
};

static const char *const rtext[R__MAX][LANG__MAX] = {
	[R_CITIES] = { "Города", "Cities" },
	[R_CITY] = { "Город", "City" },
	[R_OPEN] = { "Ждут ответа", "Awaiting an answer" },
	[R_OVERDUE] = { "Просрочено", "Overdue" },
	[R_DUE_SOON] = { "Срок скоро", "Due soon" },
	[R_IN_TIME] = { "Отвечено в срок", "Answered in time" },
	[R_REPORTS] = { "Обращений", "Reports" },
	[R_RATINGS] = { "Рейтинг ведомств региона",
	    "The region's agency ratings" },
	[R_AGENCY] = { "Ведомство", "Agency" },
	[R_RECEIVED] = { "Получено", "Received" },
	[R_RANK] = { "Место в городе", "Rank in its city" },
	[R_TOTAL] = { "Всего по городу", "City total" },
	[R_DATA] = { "Открытые данные региона", "The region's open data" },
	[R_DATA_INTRO] = { "Каждый город публикует свою выгрузку; ниже — "
	    "ссылки на них и сводные цифры региона.",
	    "Each city publishes its own dump; below are links to them and "
	    "the region's combined figures." },
	[R_DESK] = { "Очередь региона", "The region's queue" },
	[R_DESK_NONE] = { "Нет просроченных и близких к сроку обращений.",
	    "No overdue reports and none due soon." },
	[R_DUE] = { "Срок", "Due" },
	[R_FEW] = { "мало обращений", "too few reports" },
	[R_REGION_TOTAL] = { "Весь регион", "The whole region" },
	[R_AS_OF] = { "Данные на", "Figures as of" },
};

static const char *
rt(enum rmsg m, enum lang l)
{
	return rtext[m][l];
}

/* A share as "83 % (10 из 12)"; "—" when nothing was due. */
static void
html_share(struct html *h, const struct ratings_share *s)
{
	if (s->n == 0) {
		html_raw(h, "—");
		return;
	}
	html_f(h, "%D %% (%D / %D)", (int64_t)(s->p * 100 + 0.5), s->k, s->n);
}

/* The page's start: web_begin, the layout, the title. */
static int
page_begin(struct http_request *req, struct http_response *res, void *app,
    struct web_ctx *c, struct html *h, enum rmsg title, const char *path)
{
	struct region *r = region_of(app);

	if (web_begin(req, res, app, c) == -1)
		return -1;
	web_html_init(h, res, c);
	html_page_begin(h, rt(title, c->lang), "region", path, c->csrf, 0);
	html_f(h, "<h1>%s</h1>\n<p class=\"region\">%s</p>\n",
	    rt(title, c->lang), r->conf->name[c->lang == LANG_EN]);
	html_f(h, "<nav class=\"region-nav\"><a href=\"/\">%s</a> · <a "
	    "href=\"/ratings\">%s</a> · <a href=\"/data\">%s</a> · <a "
	    "href=\"/desk\">%s</a></nav>\n", rt(R_CITIES, c->lang),
	    rt(R_RATINGS, c->lang), rt(R_DATA, c->lang), rt(R_DESK, c->lang));
	return 0;
}

static int
page_end(struct html *h)
{
	html_page_end(h);
	return h->failed ? -1 : 0;
}

/*
 * A table that scrolls inside its box on a narrow screen, not the page,
 * named for screen readers by its caption (title).
 */
static void
table_begin(struct html *h, const char *cls, const char *title)
{
	html_f(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
	    "aria-label=\"%s\">\n<table class=\"%s\"><caption>%s</caption>\n",
	    title, cls, title);
}

static void
table_end(struct html *h)
{
	html_raw(h, "</table></div>\n");
}

/*
 * The period a request asks for and every city's figures in it, into *p
 * and *snap (release with snapshot_release; the figures as of
 * (*snap)->as_of, snapshot_get): 1, else 0 after answering (a bad
 * period, a city's error) or -1.
 */
static int
region_figures(struct http_request *req, struct http_response *res,
    struct region *r, int64_t now, struct ratings_period *p,
    struct snapshot **snap)
{
	struct verr e;

	memset(&e, 0, sizeof(e));
	*snap = NULL;
	if (period_of(req, res, now, p) == -1)
		return 0;
	if ((*snap = snapshot_get(r, p, now, &e)) == NULL)
		return e.kind == VERR_NONE ? -1 : reply_verr(req, res, &e) == -1 ?
		    -1 : 0;
	return 1;
}

/* "Figures as of 14:05, 27.11.2026" under a page's title. */
static void
html_as_of(struct html *h, int64_t t)
{
	char iso[DATETIME_LEN], text[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return;
	strftime(text, sizeof(text), h->lang == LANG_EN ? "%H:%M, %Y-%m-%d" :
	    "%H:%M, %d.%m.%Y", &tm);
	html_f(h, "<p class=\"as-of\">%s <time datetime=\"%s\">%s</time>"
	    "</p>\n", rt(R_AS_OF, h->lang), datetime_format(t, iso,
	    sizeof(iso)), text);
}

/* The "as_of" member of a JSON answer: the snapshot's time, W3C. */
static json_t *
as_of_json(const struct snapshot *s)
{
	char iso[DATETIME_LEN];

	return json_string(datetime_format(s->as_of, iso, sizeof(iso)));
}

/* GET / at the region's host: the cities, their figures and links. */
static int
region_home(struct http_request *req, struct http_response *res, void *app)
{
	struct region *r = region_of(app);
	struct ratings_period p;
	struct snapshot *snap;
	struct figures *fs;
	struct web_ctx c;
	struct html h;
	int64_t now = app_now(app);
	size_t i;
	int rc = -1;

	if ((rc = region_figures(req, res, r, now, &p, &snap)) != 1)
		return rc;
	fs = snap->fs;
	if (page_begin(req, res, app, &c, &h, R_CITIES, "/") == -1) {
		rc = 0;
		goto out;
	}
	html_as_of(&h, snap->as_of);
	table_begin(&h, "cities", rt(R_CITIES, c.lang));
	html_f(&h, "<tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th></tr>\n", rt(R_CITY, c.lang),
	    rt(R_OPEN, c.lang), rt(R_OVERDUE, c.lang), rt(R_IN_TIME, c.lang),
	    rt(R_REPORTS, c.lang));
	for (i = 0; i < r->n; i++) {
		const struct region_city *cy = &r->cities[i];

		html_f(&h, "<tr data-jurisdiction=\"%s\"><td><a href=\"%s/\">"
		    "%s</a></td><td class=\"open\">", cy->jurisdiction,
		    cy->url != NULL ? cy->url : "", city_name(cy, c.lang));
		html_f(&h, "%D</td><td class=\"overdue\">%D</td><td class=\""
		    "in-time\">", fs[i].counts.open, fs[i].counts.overdue);
		html_share(&h, &fs[i].in_time);
		html_f(&h, "</td><td class=\"reports\">%D</td></tr>\n",
		    fs[i].reports);
	}
	table_end(&h);
	rc = page_end(&h);
out:
	snapshot_release(r, snap);
	return rc;
}

/* GET /cities.json: the same as data. */
static int
region_cities_json(struct http_request *req, struct http_response *res,
    void *app)
{
	struct region *r = region_of(app);
	struct ratings_period p;
	struct snapshot *snap;
	json_t *list;
	int64_t now = app_now(app);
	size_t i;
	int rc;

	if ((rc = region_figures(req, res, r, now, &p, &snap)) != 1)
		return rc;
	list = json_array();
	for (i = 0; list != NULL && i < r->n; i++)
		json_array_append_new(list, city_json(&r->cities[i],
		    &snap->fs[i], LANG_RU));
	if (list == NULL) {
		snapshot_release(r, snap);
		return -1;
	}
	rc = reply_json(res, 200, json_pack("{s:s, s:s, s:o, s:o}", "name",
	    r->conf->name[0], "name_en", r->conf->name[1], "as_of",
	    as_of_json(snap), "cities", list));
	snapshot_release(r, snap);
	return rc;
}

/* One agency's row of the region's ratings. */
static json_t *
agency_json(const struct region_city *c, const struct ratings_agency *a)
{
	const struct agency *ag = catalog_agency(c->app->catalog, a->code);
	const char *name = ag != NULL ? catalog_text(ag->name, LANG_RU) : NULL;

	return json_pack("{s:s, s:s, s:s, s:s?, s:I, s:o, s:I, s:f, s:i, "
	    "s:b}", "jurisdiction_id", c->jurisdiction, "city",
	    city_name(c, LANG_RU), "agency", a->code, "name", name,
	    "received", (json_int_t)a->received, "in_time",
	    share_json(&a->in_time), "answered", (json_int_t)a->answered,
	    "median_answer_days", a->median_answer_days, "rank", a->rank,
	    "few", a->few);
}

/* GET /ratings.json: every city's agencies in one list, each city's total. */
static int
region_ratings_json(struct http_request *req, struct http_response *res,
    void *app)
{
	struct region *r = region_of(app);
	struct ratings_period p;
	struct snapshot *snap;
	struct figures *fs;
	json_t *agencies, *cities, *doc;
	int64_t now = app_now(app);
	size_t i, j;
	int rc;

	if ((rc = region_figures(req, res, r, now, &p, &snap)) != 1)
		return rc;
	fs = snap->fs;
	agencies = json_array();
	cities = json_array();
	for (i = 0; agencies != NULL && cities != NULL && i < r->n; i++) {
		for (j = 0; j < fs[i].ratings->n; j++)
			json_array_append_new(agencies, agency_json(
			    &r->cities[i], &fs[i].ratings->agencies[j]));
		json_array_append_new(cities, city_json(&r->cities[i], &fs[i],
		    LANG_RU));
	}
	doc = json_pack("{s:{s:s, s:s}, s:o, s:o*, s:o*}", "period", "from",
	    p.from_date, "to", p.to_date, "as_of", as_of_json(snap),
	    "agencies", agencies, "cities", cities);
	snapshot_release(r, snap);
	if (doc == NULL)
		return -1;
	return reply_json(res, 200, doc);
}

/* GET /ratings: the same as a table. */
static int
region_ratings_page(struct http_request *req, struct http_response *res,
    void *app)
{
	struct region *r = region_of(app);
	struct ratings_period p;
	struct snapshot *snap;
	struct figures *fs;
	struct web_ctx c;
	struct html h;
	int64_t now = app_now(app);
	size_t i, j;
	int rc = -1;

	if ((rc = region_figures(req, res, r, now, &p, &snap)) != 1)
		return rc;
	fs = snap->fs;
	if (page_begin(req, res, app, &c, &h, R_RATINGS, "/ratings") == -1) {
		rc = 0;
		goto out;
	}
	html_as_of(&h, snap->as_of);
	html_f(&h, "<p>%s — %s</p>\n", p.from_date, p.to_date);
	table_begin(&h, "ratings", rt(R_RATINGS, c.lang));
	html_f(&h, "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
	    "</th></tr>\n", rt(R_CITY, c.lang), rt(R_AGENCY, c.lang),
	    rt(R_RECEIVED, c.lang), rt(R_IN_TIME, c.lang),
	    rt(R_RANK, c.lang));
	for (i = 0; i < r->n; i++) {
		const struct region_city *cy = &r->cities[i];

		for (j = 0; j < fs[i].ratings->n; j++) {
			const struct ratings_agency *a =
			    &fs[i].ratings->agencies[j];
			const struct agency *ag = catalog_agency(
			    cy->app->catalog, a->code);

			html_f(&h, "<tr data-jurisdiction=\"%s\" data-agency="
			    "\"%s\"><td>%s</td><td>%s</td><td>%D</td><td>",
			    cy->jurisdiction, a->code, city_name(cy, c.lang),
			    ag != NULL ? catalog_text(ag->name, c.lang) :
			    a->code, a->received);
			html_share(&h, &a->in_time);
			if (a->few)
				html_f(&h, "</td><td>%s</td></tr>\n",
				    rt(R_FEW, c.lang));
			else
				html_f(&h, "</td><td>%d</td></tr>\n", a->rank);
		}
		html_f(&h, "<tr class=\"total\" data-jurisdiction=\"%s\"><td>"
		    "%s</td><td>%s</td><td>%D</td><td>", cy->jurisdiction,
		    city_name(cy, c.lang), rt(R_TOTAL, c.lang),
		    fs[i].received);
		html_share(&h, &fs[i].in_time);
		html_raw(&h, "</td><td></td></tr>\n");
	}
	table_end(&h);
	rc = page_end(&h);
out:
	snapshot_release(r, snap);
	return rc;
}

/* GET /data: each city's open data, and the region's sums. */
static int
region_data(struct http_request *req, struct http_response *res, void *app)
{
	struct region *r = region_of(app);
	struct ratings_period p;
	struct snapshot *snap;
	struct figures *fs;
	struct ratings_share all;
	struct web_ctx c;
	struct html h;
	int64_t now = app_now(app), reports = 0, received = 0, open = 0;
	size_t i;
	int rc = -1;

	memset(&all, 0, sizeof(all));
	if ((rc = region_figures(req, res, r, now, &p, &snap)) != 1)
		return rc;
	fs = snap->fs;
	if (page_begin(req, res, app, &c, &h, R_DATA, "/data") == -1) {
		rc = 0;
		goto out;
	}
	html_f(&h, "<p>%s</p>\n", rt(R_DATA_INTRO, c.lang));
	html_as_of(&h, snap->as_of);
	table_begin(&h, "data", rt(R_DATA, c.lang));
	html_f(&h, "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
	    "</th></tr>\n", rt(R_CITY, c.lang),
	    rt(R_REPORTS, c.lang), rt(R_OPEN, c.lang),
	    rt(R_RECEIVED, c.lang), rt(R_IN_TIME, c.lang));
	for (i = 0; i < r->n; i++) {
		const struct region_city *cy = &r->cities[i];

		html_f(&h, "<tr data-jurisdiction=\"%s\"><td><a href=\"%s/data"
		    "\">%s</a> (<a href=\"%s/data/datapackage.json\">"
		    "datapackage.json</a>)</td><td>%D</td><td>",
		    cy->jurisdiction, cy->url, city_name(cy, c.lang), cy->url,
		    fs[i].reports);
		html_f(&h, "%D</td><td>%D</td><td>", fs[i].counts.open,
		    fs[i].received);
		html_share(&h, &fs[i].in_time);
		html_raw(&h, "</td></tr>\n");
		reports += fs[i].reports;
		open += fs[i].counts.open;
		received += fs[i].received;
		all.k += fs[i].in_time.k;
		all.n += fs[i].in_time.n;
	}
	ratings_wilson(all.k, all.n, &all);
	html_f(&h, "<tr class=\"total\"><td>%s</td><td>%D</td><td>%D</td>"
	    "<td>%D</td><td>", rt(R_REGION_TOTAL, c.lang), reports, open,
	    received);
	html_share(&h, &all);
	html_raw(&h, "</td></tr>\n");
	table_end(&h);
	rc = page_end(&h);
out:
	snapshot_release(r, snap);
	return rc;
}

/*
 * The regional desk (GET /desk): a city's reports overdue or due within
 * the near horizon, most overdue first (at most VECHE_MAX_OVERDUE, through
 * the deadlines' index), then grouped by agency.
 */
struct desk_row {
	int64_t id, due;
	char agency[65];
};

struct desk_rows {
	struct desk_row *rows;
	size_t n, cap;
};

/* Writing one city's groups. */
struct desk_city {
	struct html *h;
	const struct region_city *c;
	enum lang lang;
	int64_t now;
	char agency[65];                /* the group open, "" none */
	size_t in_agency;
	size_t shown;
};

static void
desk_item(struct desk_city *d, const struct desk_row *w)
{
	const struct agency *ag;

	if (strcmp(d->agency, w->agency) != 0) {
		if (d->agency[0] != '\0')
			html_raw(d->h, "</ul>\n");
		snprintf(d->agency, sizeof(d->agency), "%s", w->agency);
		d->in_agency = 0;
		ag = catalog_agency(d->c->app->catalog, w->agency);
		html_f(d->h, "<h3 data-agency=\"%s\">%s</h3>\n<ul>\n",
		    w->agency, ag != NULL ? catalog_text(ag->name, d->lang) :
		    w->agency);
	}
	if (d->in_agency++ >= REGION_DESK_ITEMS)
		return;
	html_f(d->h, "<li class=\"%s\"><a href=\"%s/reports/%D\">№%D</a> — "
	    "%s ", w->due < d->now ? "overdue" : "due-soon", d->c->url, w->id,
	    w->id, rt(w->due < d->now ? R_OVERDUE : R_DUE_SOON, d->lang));
	html_date(d->h, w->due);
	html_raw(d->h, "</li>\n");
	d->shown++;
}

static int
keep_row(const struct wf_record *w, void *arg)
{
	struct desk_rows *d = arg;
	struct desk_row *p;
	int64_t due = 0;

	if (workflow_deadline(w, &due) == NULL)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;

		if ((p = realloc(d->rows, cap * sizeof(*p))) == NULL)
			return -1;
		d->rows = p;
		d->cap = cap;
	}
	p = &d->rows[d->n++];
	p->id = w->id;
	p->due = due;
	snprintf(p->agency, sizeof(p->agency), "%s", w->agency);
	return 0;
}

static int
by_agency(const void *a, const void *b)
{
	const struct desk_row *x = a, *y = b;
	int c = strcmp(x->agency, y->agency);

	if (c != 0)
		return c;
	return x->due < y->due ? -1 : x->due > y->due;
}

static int
region_desk(struct http_request *req, struct http_response *res, void *app)
{
	struct region *r = region_of(app);
	struct desk_rows rows;
	struct desk_city d;
	struct web_ctx c;
	struct html h;
	int64_t horizon;
	size_t i, k;
	int rc;

	if (page_begin(req, res, app, &c, &h, R_DESK, "/desk") == -1)
		return 0;
	memset(&d, 0, sizeof(d));
	d.h = &h;
	d.lang = c.lang;
	d.now = app_now(app);
	horizon = deadline_near_horizon(d.now, deadline_near_days());
	for (i = 0; i < r->n; i++) {
		memset(&rows, 0, sizeof(rows));
		d.c = &r->cities[i];
		d.agency[0] = '\0';
		d.shown = 0;
		html_f(&h, "<section class=\"desk-city\" data-jurisdiction="
		    "\"%s\"><h2><a href=\"%s/\">%s</a></h2>\n",
		    d.c->jurisdiction, d.c->url, city_name(d.c, c.lang));
		rc = city_due(&r->cities[i], horizon, keep_row, &rows);
		if (rc == -1) {
			free(rows.rows);
			return -1;
		}
		qsort(rows.rows, rows.n, sizeof(*rows.rows), by_agency);
		for (k = 0; k < rows.n; k++)
			desk_item(&d, &rows.rows[k]);
		free(rows.rows);
		if (d.agency[0] != '\0')
			html_raw(&h, "</ul>\n");
		if (d.shown == 0)
			html_f(&h, "<p>%s</p>\n", rt(R_DESK_NONE, c.lang));
		html_raw(&h, "</section>\n");
	}
	return page_end(&h);
}

/* GET /open311/discovery.json at the region's host: every city's endpoint. */
static int
region_discovery(struct http_request *req, struct http_response *res,
    void *app)
{
	struct region *r = region_of(app);
	const struct http_route *route = http_request_route(req);
	const char *fmt = http_request_var(req, "format");
	enum render_format f = RENDER_JSON;
	struct region_city *c;
	json_t *eps, *doc;
	char url[600], changeset[DATETIME_LEN];
	size_t i;

	/* One city's own discovery, when a jurisdiction_id names it. */
	if (r->forward[route - r->routes] != NULL &&
	    http_request_param(req, "jurisdiction_id") != NULL) {
		if ((c = choose(req, res, r)) == NULL)
			return 0;
		return city_call(req, res, c, r->forward[route - r->routes]);
	}
	datetime_format(r->staff->started, changeset, sizeof(changeset));
	if (fmt != NULL && (f = render_format_parse(fmt)) == RENDER__MAX)
		return reply_bad(req, res, 404, "format", "format: json or xml");
	if ((eps = json_array()) == NULL)
		return -1;
	for (i = 0; i < r->n; i++) {
		snprintf(url, sizeof(url), "%s/open311/v2", r->cities[i].url);
		json_array_append_new(eps, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:[ss]}", "specification",
		    "http://wiki.open311.org/GeoReport_v2", "url", url,
		    "jurisdiction_id", r->cities[i].jurisdiction, "name",
		    city_name(&r->cities[i], LANG_RU), "type", "production",
		    "changeset", changeset, "formats", "text/xml",
		    "application/json"));
	}
	doc = json_pack("{s:s, s:s, s:o}", "changeset", changeset, "contact",
	    r->conf->name[0], "endpoints", eps);
	if (doc == NULL)
		return -1;
	if (render_doc(res, f, doc, "discovery") == -1) {
		json_decref(doc);
		return -1;
	}
	json_decref(doc);
	return 0;
}

/* ---- The region ---- */

static const char *const p_lang[] = { "lang", "period", "from", "to", NULL };
static const char *const p_o311[] = { "jurisdiction_id", "locale", NULL };

#define REGION_STAFF (ACCESS_OPERATOR | ACCESS_HEAD | ACCESS_ADMIN)

static const struct http_route region_pages[] = {
	{ HTTP_GET, "/", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/cities.json", region_cities_json, 0, p_lang, 0 },
	{ HTTP_GET, "/ratings", region_ratings_page, 0, p_lang, 0 },
	{ HTTP_GET, "/ratings.json", region_ratings_json, 0, p_lang, 0 },
	{ HTTP_GET, "/data", region_data, 0, p_lang, 0 },
	{ HTTP_GET, "/desk", region_desk, REGION_STAFF, p_lang, 0 },
	{ HTTP_GET, "/open311/discovery.{format}", region_discovery, 0,
	    p_o311, 0 },
	/* The layout's links to a city's pages: at the region, which city. */
	{ HTTP_GET, "/reports", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/new", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/proposals", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/officials", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/calls", region_home, 0, p_lang, 0 },
	{ HTTP_GET, "/drafts", region_home, 0, p_lang, 0 },
};

/* The city routes the region's staff sign in and out with. */
static const char *const sign_in[] = { "/login", "/logout",
	"/api/v1/login", "/api/v1/logout", "/api/v1/me", NULL };

static int
is_sign_in(const char *pattern)
{
	size_t i;

	for (i = 0; sign_in[i] != NULL; i++)
		if (strcmp(pattern, sign_in[i]) == 0)
			return 1;
	return 0;
}

/*
 * The region's table: its pages, the cities' sign-in routes as they are
 * (on the region's store), and every Open311 route of the cities, which
 * region_forward hands to the city its jurisdiction_id names (discovery
 * without one lists them all).
 */
static int
build_routes(struct region *r, const struct http_route *routes, size_t n)
{
	const size_t npages = sizeof(region_pages) / sizeof(region_pages[0]);
	size_t i, k = 0;

	r->routes = calloc(npages + n, sizeof(*r->routes));
	r->forward = calloc(npages + n, sizeof(*r->forward));
	if (r->routes == NULL || r->forward == NULL)
		return -1;
	for (i = 0; i < npages; i++)
		r->routes[k++] = region_pages[i];
	for (i = 0; i < n; i++) {
		if (is_sign_in(routes[i].pattern)) {
			r->routes[k++] = routes[i];
		} else if (strncmp(routes[i].pattern, "/open311/", 9) == 0) {
			r->routes[k] = routes[i];
			r->routes[k].access = 0;
			r->forward[k] = &routes[i];
			r->routes[k++].handler = strcmp(routes[i].pattern,
			    "/open311/v2/discovery.{format}") == 0 ?
			    region_discovery : region_forward;
		}
	}
	r->nroutes = k;
	return 0;
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Each city's jurisdiction and zone: present, distinct, one zone. */
static int
check_cities(struct region *r, char *err, size_t errlen)
{
	const char *zone0 = catalog_timezone(r->cities[0].app->catalog);
	size_t i, j, len = 0;

	for (i = 0; i < r->n; i++) {
		struct region_city *c = &r->cities[i];
		const char *jur = catalog_jurisdiction(c->app->catalog);
		const char *zone = catalog_timezone(c->app->catalog);

		if (jur == NULL || jur[0] == '\0')
			return fail(err, errlen, "cities[%zu].db: its city has "
			    "no jurisdiction_id; import a city file with one "
			    "('veche city import')", i);
		if ((c->jurisdiction = strdup(jur)) == NULL)
			return fail(err, errlen, "out of memory");
		for (j = 0; j < i; j++)
			if (strcmp(r->cities[j].jurisdiction, jur) == 0)
				return fail(err, errlen, "cities[%zu].db: "
				    "jurisdiction_id '%s' is also cities[%zu]'s",
				    i, jur, j);
		if (strcmp(zone, zone0) != 0)
			return fail(err, errlen, "cities[%zu].db: time zone "
			    "'%s' is not cities[0]'s '%s': the cities of one "
			    "process share its time zone; run one process per "
			    "time zone", i, zone, zone0);
		len += (size_t)snprintf(r->served + len, len <
		    sizeof(r->served) ? sizeof(r->served) - len : 0, "%s%s",
		    i > 0 ? ", " : "", jur);
		if (len >= sizeof(r->served))
			len = sizeof(r->served);
	}
	return 0;
}

struct region *
region_new(const struct region_conf *conf, struct app *staff,
    struct app *const *cities, const struct http_route *routes,
    size_t nroutes, char *err, size_t errlen)
{
	struct region *r;
	size_t i;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->cities = calloc(conf->ncities, sizeof(*r->cities))) == NULL) {
		free(r);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	r->conf = conf;
	r->staff = staff;
	r->n = conf->ncities;
	pthread_mutex_init(&r->lock, NULL);
	for (i = 0; i < r->n; i++) {
		r->cities[i].conf = &conf->cities[i];
		r->cities[i].app = cities[i];
		r->cities[i].site.routes = routes;
		r->cities[i].site.nroutes = nroutes;
		r->cities[i].site.app = cities[i];
		cities[i]->region = r;
	}
	if (check_cities(r, err, errlen) == -1 ||
	    build_routes(r, routes, nroutes) == -1) {
		if (err[0] == '\0')
			fail(err, errlen, "out of memory");
		region_free(r);
		return NULL;
	}
	r->site.routes = r->routes;
	r->site.nroutes = r->nroutes;
	r->site.app = staff;
	staff->region = r;
	return r;
}

void
region_free(struct region *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < REGION_SNAPSHOTS; i++)
		snapshot_release(r, r->snaps[i]);
	pthread_mutex_destroy(&r->lock);
	for (i = 0; i < r->n; i++)
		free(r->cities[i].jurisdiction);
	free(r->cities);
	free(r->routes);
	free(r->forward);
	free(r);
}

const struct http_route *
region_routes(const struct region *r, size_t *n)
{
	*n = r->nroutes;
	return r->routes;
}

void
region_city_url(struct region *r, size_t i, const char *url)
{
	r->cities[i].url = url;
}
