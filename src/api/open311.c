/*
 * open311.c: Open311 GeoReport v2, as published at
 * wiki.open311.org/GeoReport_v2, with the widely used extensions described
 * in docs/api.md (paging, bbox, radius, agency, updated_*, FixMyStreet's
 * servicerequestupdates).
 *
 * Each handler parses and validates its parameters, calls core, and hands
 * one jansson document to render_doc, which writes JSON or XML; the lists
 * of requests, the hot path, are written straight into the response by
 * open311_list.c instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "veche.h"
#include "base/coord.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/cache.h"
#include "api/open311.h"
#include "api/open311_list.h"
#include "api/render.h"
#include "api/reply.h"
#include "api/routes.h"
#include "core/address.h"
#include "core/catalog.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/parse.h"
#include "core/report.h"
#include "http/form.h"
#include "http/http.h"

#define DAY 86400
#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"

/* What every Open311 request carries: its format and language. */
struct ctx {
	struct app *app;
	enum render_format fmt;
	enum lang lang;
	struct store *store;
	const char *cache_key;          /* NULL: not cacheable */
	uint64_t gen;                   /* write generation at the start */
};

/*
 * A GET is cached under its path, query and language.  Returns 1 when res
 * was filled from the cache.
 */
static int
cache_lookup(struct http_request *req, struct http_response *res,
    struct ctx *c)
{
	const char *path = http_request_path(req);
	const char *query = http_request_query(req);
	size_t n = strlen(path) + strlen(query) + 8;
	char *key = http_request_alloc(req, n);

	if (key == NULL)
		return 0;
	snprintf(key, n, "%s?%s#%d", path, query, (int)c->lang);
	c->cache_key = key;
	return cache_get(c->app->cache, key, c->gen, res);
}

/*
 * Set up the context: format from the path, language, jurisdiction check and
 * the thread's store.  Returns 0 to go on, 1 when an error was sent.
 */
static int
o311_begin(struct http_request *req, struct http_response *res, void *arg,
    struct ctx *c)
{
	const char *jur = http_request_param(req, "jurisdiction_id");
	const char *loc = http_request_param(req, "locale");
	const char *al = http_request_header(req, "Accept-Language");

	c->app = arg;
	c->fmt = render_format_parse(http_request_var(req, "format"));
	if (c->fmt == RENDER__MAX) {
		reply_bad(req, res, 404, "format", "format: use .json or .xml");
		return 1;
	}
	c->lang = LANG_RU;
	if ((loc != NULL && strncmp(loc, "en", 2) == 0) ||
	    (loc == NULL && al != NULL && strncmp(al, "en", 2) == 0))
		c->lang = LANG_EN;
	if (jur != NULL &&
	    strcmp(jur, catalog_jurisdiction(c->app->catalog)) != 0) {
		reply_bad(req, res, 404, "jurisdiction_id", "jurisdiction_id: '%.64s' "
		    "is not served here; this server serves '%s'", jur,
		    catalog_jurisdiction(c->app->catalog));
		return 1;
	}
	c->cache_key = NULL;
	if (http_request_method(req) == HTTP_GET)
		app_cache_follow(c->app);
	c->gen = cache_generation(c->app->cache);
	/* A client that just wrote reads past the cache (readroute.h). */
	if (http_request_method(req) == HTTP_GET && !app_read_own(c->app) &&
	    cache_lookup(req, res, c))
		return 1;
	if ((c->store = app_store(c->app)) == NULL) {
		reply_bad(req, res, 503, NULL, "database unavailable: try again "
		    "later");
		return 1;
	}
	return 0;
}

static int
send(struct http_response *res, struct ctx *c, json_t *doc, const char *root)
{
	int rc;

	if (doc == NULL)
		return -1;
	rc = render_doc(res, c->fmt, doc, root);
	json_decref(doc);
	if (rc == 0 && c->cache_key != NULL)
		cache_put(c->app->cache, c->cache_key, c->gen, res);
	return rc;
}

/*
 * The endpoint types discovery lists, as in the spec's example: veche is one
 * server, so its test endpoint is the production one (docs/api.md).
 */
static const char *const endpoint_types[] = { "production", "test" };

int
open311_discovery(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct ctx c;
	const struct agency *fb;
	json_t *doc, *eps;
	char url[512], changeset[DATETIME_LEN], contact[512];
	size_t i, n;

	if (o311_begin(req, res, arg, &c))
		return 0;
	/* No double or trailing slash: clients append "/services.xml". */
	n = strlen(c.app->public_url);
	while (n > 0 && c.app->public_url[n - 1] == '/')
		n--;
	snprintf(url, sizeof(url), "%.*s/open311/v2", (int)n,
	    c.app->public_url);
	datetime_format(c.app->started, changeset, sizeof(changeset));
	if ((eps = json_array()) == NULL)
		return -1;
	for (i = 0; i < sizeof(endpoint_types) / sizeof(endpoint_types[0]);
	    i++)
		json_array_append_new(eps, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:[ss]}", "specification", SPEC_URL, "url", url,
		    "changeset", changeset, "type", endpoint_types[i],
		    "formats", "text/xml", "application/json"));
	/* The contact is the fallback agency: the one that answers for all. */
	fb = catalog_agency(c.app->catalog, catalog_fallback(c.app->catalog));
	if (fb != NULL)
		snprintf(contact, sizeof(contact), "%s%s%s%s",
		    catalog_text(fb->name, c.lang), fb->email ? " <" : "",
		    fb->email ? fb->email : "", fb->email ? ">" : "");
	else
		snprintf(contact, sizeof(contact), "%s", c.app->public_url);
	doc = json_pack("{s:s, s:s, s:s, s:o}", "changeset", changeset,
	    "contact", contact, "key_service", c.lang == LANG_EN ?
	    "API keys are issued by the administrator (veche apikey create)" :
	    "Ключ API выдаёт администратор (veche apikey create)",
	    "endpoints", eps);
	return send(res, &c, doc, "discovery");
}

static const char *const service_type_names[SERVICE_TYPE__MAX] = {
	[SERVICE_REALTIME] = "realtime",
	[SERVICE_BATCH] = "batch",
	[SERVICE_BLACKBOX] = "blackbox",
};

int
open311_services(struct http_request *req, struct http_response *res,
    void *arg)
{
	const struct catalog *cat;
	struct ctx c;
	json_t *doc;
	size_t i;

	if (o311_begin(req, res, arg, &c))
		return 0;
	cat = c.app->catalog;
	if ((doc = json_array()) == NULL)
		return -1;
	for (i = 0; i < catalog_nservices(cat); i++) {
		const struct service *s = catalog_service_at(cat, i);

		json_array_append_new(doc, json_pack("{s:s, s:s, s:o, s:b, "
		    "s:s, s:o, s:o}", "service_code", s->code, "service_name",
		    catalog_text(s->name, c.lang), "description",
		    reply_str(catalog_text(s->description, c.lang)), "metadata",
		    s->nattrs > 0, "type", service_type_names[s->type],
		    "keywords", reply_str(s->keywords), "group",
		    reply_str(catalog_text(s->group, c.lang))));
	}
	return send(res, &c, doc, "services");
}

int
open311_service(struct http_request *req, struct http_response *res,
    void *arg)
{
	const struct service *s;
	const char *code = http_request_var(req, "code");
	struct ctx c;
	json_t *attrs, *doc;
	size_t i, j;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if ((s = catalog_service(c.app->catalog, code)) == NULL)
		return reply_bad(req, res, 404, "service_code", "service_code: no "
		    "service '%.64s' (GET services.%s lists them)", code,
		    c.fmt == RENDER_XML ? "xml" : "json");
	attrs = json_array();
	for (i = 0; i < s->nattrs; i++) {
		const struct service_attr *a = &s->attrs[i];
		json_t *values = json_array();

		for (j = 0; j < a->nchoices; j++)
			json_array_append_new(values, json_pack("{s:s, s:s}",
			    "key", a->choices[j].key, "name",
			    catalog_text(a->choices[j].name, c.lang)));
		json_array_append_new(attrs, json_pack("{s:b, s:s, s:s, s:b, "
		    "s:o, s:i, s:o, s:o}", "variable", a->variable, "code",
		    a->code, "datatype", report_attr_type_name(a->type),
		    "required", a->required, "datatype_description",
		    reply_str(catalog_text(a->datatype_description, c.lang)), "order",
		    a->order, "description",
		    reply_str(catalog_text(a->description, c.lang)), "values", values));
	}
	doc = json_pack("{s:s, s:o}", "service_code", s->code, "attributes",
	    attrs);
	return send(res, &c, doc, "service_definition");
}

static int
extensions_on(struct http_request *req)
{
	const char *x = http_request_param(req, "extensions");

	return x != NULL && strcmp(x, "true") == 0;
}

/* report_list's callback: one report into the list being written. */
static int
on_report(const struct report *r, void *arg)
{
	return open311_list_report(arg, r);
}

/* The response's end of a direct writer. */
static int
to_response(const char *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

/* Start the list of c's format in res. */
static void
list_begin(struct open311_list *l, struct http_request *req,
    struct http_response *res, const struct ctx *c)
{
	http_response_kind(res, c->fmt == RENDER_XML ? HTTP_TYPE_XML :
	    HTTP_TYPE_JSON);
	open311_list_begin(l, c->fmt, c->app->catalog, c->lang,
	    extensions_on(req), to_response, res);
}

/* Finish the list and cache the response as send() does. */
static int
list_end(struct open311_list *l, struct http_response *res,
    const struct ctx *c)
{
	if (open311_list_end(l) == -1)
		return -1;
	if (c->cache_key != NULL)
		cache_put(c->app->cache, c->cache_key, c->gen, res);
	return 0;
}

/* Parse a comma-separated list into at most max pieces in req memory. */
static int
split(struct http_request *req, const char *s, const char ***out, size_t *n,
    size_t max)
{
	char *copy = http_request_strdup(req, s), *p, *comma;
	const char **v;

	*n = 0;
	if (copy == NULL || (v = http_request_alloc(req,
	    (max + 1) * sizeof(*v))) == NULL)
		return -1;
	for (p = copy;; p = comma + 1) {
		if (*n == max)
			return -1;
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return -1;
		v[(*n)++] = p;
		if (comma == NULL)
			break;
	}
	*out = v;
	return 0;
}

/* A W3C date parameter: 0 absent, 1 parsed, -1 error already sent. */
static int
date_param(struct http_request *req, struct http_response *res,
    const char *name, int64_t *out)
{
	const char *v = http_request_param(req, name);
	char why[256];

	if (v == NULL)
		return 0;
	if (datetime_parse(v, out, why, sizeof(why)) == -1) {
		reply_bad(req, res, 400, name, "%s: %s", name, why);
		return -1;
	}
	return 1;
}

/*
 * The requested window: both dates, one of them (the other 90 days away) or
 * neither (the last 90 days).  A window may not be longer than 90 days.
 * Returns 0, or -1 when an error was sent.
 */
static int
date_window(struct http_request *req, struct http_response *res, int64_t now,
    int64_t *start, int64_t *end)
{
	const int64_t span = (int64_t)VECHE_OPEN311_DEFAULT_DAYS * DAY;
	int hs, he;

	if ((hs = date_param(req, res, "start_date", start)) == -1 ||
	    (he = date_param(req, res, "end_date", end)) == -1)
		return -1;
	if (!hs && !he) {
		*end = now;
		*start = now - span;
	} else if (!he)
		*end = *start + span;
	else if (!hs)
		*start = *end - span;
	if (*end < *start) {
		reply_bad(req, res, 400, "end_date", "end_date: before start_date");
		return -1;
	}
	if (*end - *start > span) {
		reply_bad(req, res, 400, "end_date", "end_date: the range from "
		    "start_date may not span more than %d days",
		    VECHE_OPEN311_DEFAULT_DAYS);
		return -1;
	}
	return 0;
}

static int
double_param(struct http_request *req, struct http_response *res,
    const char *name, double *out)
{
	const char *v = http_request_param(req, name);

	if (v == NULL)
		return 0;
	if (parse_double(v, out) == -1) {
		reply_bad(req, res, 400, name, "%s: '%.40s' is not a number", name, v);
		return -1;
	}
	return 1;
}

/* Paging: page (from 1) and page_size, or the spec's plain 1000 limit. */
static int
paging(struct http_request *req, struct http_response *res,
    struct report_query *q)
{
	const char *p = http_request_param(req, "page");
	const char *ps = http_request_param(req, "page_size");
	int64_t page = 1, size = VECHE_OPEN311_MAX_RESULTS;

	if (ps != NULL && parse_int64(ps, 1, VECHE_OPEN311_MAX_RESULTS,
	    &size) == -1)
		return reply_bad(req, res, 400, "page_size", "page_size: an integer "
		    "from 1 to %d", VECHE_OPEN311_MAX_RESULTS), -1;
	if (p != NULL) {
		if (parse_int64(p, 1, INT32_MAX, &page) == -1)
			return reply_bad(req, res, 400, "page", "page: an integer from "
			    "1"), -1;
		if (ps == NULL)
			size = VECHE_OPEN311_DEFAULT_PAGE;
	}
	q->limit = (size_t)size;
	q->offset = (size_t)((page - 1) * size);
	return 0;
}

/* Geographic filters: bbox, or lat/long with radius. */
static int
geo_filters(struct http_request *req, struct http_response *res,
    struct report_query *q)
{
	const char *bbox = http_request_param(req, "bbox");
	double v[4];
	int hl, hg, hr;

	if (bbox != NULL) {
		const char **parts;
		size_t n, i;

		if (split(req, bbox, &parts, &n, 4) == -1 || n != 4)
			return reply_bad(req, res, 400, "bbox", "bbox: four numbers "
			    "min_long,min_lat,max_long,max_lat"), -1;
		for (i = 0; i < 4; i++)
			if (parse_double(parts[i], &v[i]) == -1)
				return reply_bad(req, res, 400, "bbox", "bbox: '%.40s' "
				    "is not a number", parts[i]), -1;
		if (!city_point_valid(v[1], v[0]) ||
		    !city_point_valid(v[3], v[2]) || v[0] > v[2] || v[1] > v[3])
			return reply_bad(req, res, 400, "bbox", "bbox: expected "
			    "min_long,min_lat,max_long,max_lat within "
			    "-180..180 and -90..90, minimums first"), -1;
		q->has_bbox = 1;
		q->min_lon = v[0];
		q->min_lat = v[1];
		q->max_lon = v[2];
		q->max_lat = v[3];
	}
	if ((hl = double_param(req, res, "lat", &q->lat)) == -1 ||
	    (hg = double_param(req, res, "long", &q->lon)) == -1 ||
	    (hr = double_param(req, res, "radius", &q->radius_m)) == -1)
		return -1;
	if (hl != hg)
		return reply_bad(req, res, 400, hl ? "long" : "lat", "%s: lat and "
		    "long go together", hl ? "long" : "lat"), -1;
	if (hr && !hl)
		return reply_bad(req, res, 400, "lat", "lat: radius needs lat and "
		    "long"), -1;
	if (hl) {
		if (q->lat < -90 || q->lat > 90)
			return reply_bad(req, res, 400, "lat", "lat: out of range "
			    "(-90..90)"), -1;
		if (q->lon < -180 || q->lon > 180)
			return reply_bad(req, res, 400, "long", "long: out of range "
			    "(-180..180)"), -1;
		if (!hr)
			q->radius_m = 1000;
		if (q->radius_m <= 0 || q->radius_m > VECHE_MAX_RADIUS_M)
			return reply_bad(req, res, 400, "radius", "radius: metres, "
			    "more than 0 and at most %d", VECHE_MAX_RADIUS_M),
			    -1;
		q->has_radius = 1;
	}
	return 0;
}

/* status=open,closed or veche's own status names. */
static int
status_filter(struct http_request *req, struct http_response *res,
    struct report_query *q)
{
	const char *v = http_request_param(req, "status");
	const char **parts;
	size_t n, i;
	int st;

	if (v == NULL)
		return 0;
	if (split(req, v, &parts, &n, STATUS__MAX + 2) == -1)
		return reply_bad(req, res, 400, "status", "status: a comma-separated "
		    "list of open, closed"), -1;
	for (i = 0; i < n; i++) {
		if (strcmp(parts[i], "open") == 0 ||
		    strcmp(parts[i], "closed") == 0) {
			int want_closed = parts[i][0] == 'c';

			for (st = 0; st < STATUS__MAX; st++)
				if (report_status_closed(st) == want_closed)
					q->status_mask |= 1u << st;
		} else if ((st = report_status_parse(parts[i])) != STATUS__MAX)
			q->status_mask |= 1u << st;
		else
			return reply_bad(req, res, 400, "status", "status: '%.40s' is "
			    "not open or closed", parts[i]), -1;
	}
	return 0;
}

/*
 * q as a full-text query (core/address.h) into q->text, in request memory.
 * A blank q filters nothing; one with no word (only commas, say) is a 400.
 * Returns 0, or -1 when an answer was set (the error) or memory ran out.
 */
static int
text_filter(struct http_request *req, struct http_response *res,
    struct report_query *q)
{
	const char *in = http_request_param(req, "q");
	size_t n;
	char *out;

	if (in == NULL || in[strspn(in, " \t\r\n")] == '\0')
		return 0;
	n = 3 * strlen(in) + 4;
	if ((out = http_request_alloc(req, n)) == NULL)
		return reply_bad(req, res, 500, NULL, "out of memory"), -1;
	if (search_terms(in, 0, out, n) == -1)
		return reply_bad(req, res, 400, "q", "q: no word to search for "
		    "(words are separated by spaces and commas)"), -1;
	q->text = out;
	return 0;
}

static int
id_list(struct http_request *req, struct http_response *res,
    struct report_query *q, const char *v)
{
	const char **parts;
	int64_t *ids;
	size_t n, i;

	if (split(req, v, &parts, &n, VECHE_MAX_IDS) == -1 ||
	    (ids = http_request_alloc(req, n * sizeof(*ids))) == NULL)
		return reply_bad(req, res, 400, "service_request_id",
		    "service_request_id: a comma-separated list of at most %d "
		    "ids", VECHE_MAX_IDS), -1;
	for (i = 0; i < n; i++)
		if (parse_int64(parts[i], 1, INT64_MAX, &ids[i]) == -1)
			return reply_bad(req, res, 400, "service_request_id",
			    "service_request_id: '%.40s' is not a request id",
			    parts[i]), -1;
	q->ids = ids;
	q->nids = n;
	q->limit = VECHE_OPEN311_MAX_RESULTS;
	q->order = ORDER_ID_ASC;
	return 0;
}

/* Build the query for GET requests; -1 when an error was sent. */
static int
requests_query(struct http_request *req, struct http_response *res,
    const struct ctx *c, struct report_query *q)
{
	const char *ids = http_request_param(req, "service_request_id");
	const char *svc = http_request_param(req, "service_code");
	const char *ag = http_request_param(req, "agency_responsible");
	size_t i;

	memset(q, 0, sizeof(*q));
	/* A list of ids overrides every other filter, as the spec says. */
	if (ids != NULL)
		return id_list(req, res, q, ids);
	if (svc != NULL) {
		if (split(req, svc, (const char ***)&q->services, &q->nservices,
		    64) == -1)
			return reply_bad(req, res, 400, "service_code", "service_code:"
			    " a comma-separated list of service codes"), -1;
		for (i = 0; i < q->nservices; i++)
			if (catalog_service(c->app->catalog,
			    q->services[i]) == NULL)
				return reply_bad(req, res, 400, "service_code",
				    "service_code: unknown service '%.64s' "
				    "(GET services.json lists them)",
				    q->services[i]), -1;
	}
	if (ag != NULL) {
		if (catalog_agency(c->app->catalog, ag) == NULL)
			return reply_bad(req, res, 400, "agency_responsible",
			    "agency_responsible: unknown agency '%.64s'", ag),
			    -1;
		q->agency = ag;
	}
	if (text_filter(req, res, q) == -1 ||
	    date_window(req, res, app_now(c->app), &q->start, &q->end) == -1 ||
	    date_param(req, res, "updated_after", &q->updated_after) == -1 ||
	    date_param(req, res, "updated_before", &q->updated_before) == -1 ||
	    status_filter(req, res, q) == -1 || geo_filters(req, res, q) == -1 ||
	    paging(req, res, q) == -1)
		return -1;
	q->order = ORDER_REQUESTED_DESC;
	return 0;
}

int
open311_requests(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_query q;
	struct open311_list *l;
	struct ctx c;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if (requests_query(req, res, &c, &q) == -1)
		return 0;
	if ((l = http_request_alloc(req, sizeof(*l))) == NULL)
		return -1;
	list_begin(l, req, res, &c);
	if (open311_list_area(l, c.app->items, c.app->map, c.store,
	    &q) != 0) {
		if (!db_outage())
			fprintf(stderr, "veche: GET requests: %s\n",
			    db_error(c.store));
		return -1;
	}
	return list_end(l, res, &c);
}

int
open311_request(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *idv = http_request_var(req, "id");
	struct open311_list *l;
	struct ctx c;
	int64_t id;
	int rc;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if (parse_int64(idv, 1, INT64_MAX, &id) == -1)
		return reply_bad(req, res, 404, "service_request_id",
		    "service_request_id: '%.40s' is not a request id", idv);
	if ((l = http_request_alloc(req, sizeof(*l))) == NULL)
		return -1;
	list_begin(l, req, res, &c);
	rc = report_get(c.store, NULL, id, on_report, l);
	if (rc == 1)
		return reply_bad(req, res, 404, "service_request_id",
		    "service_request_id: no request %lld", (long long)id);
	if (rc != 0)
		return -1;
	return list_end(l, res, &c);
}

static int
on_token(const struct report *r, void *arg)
{
	json_t *items = arg;

	return json_array_append_new(items, json_pack("{s:I, s:s}",
	    "service_request_id", (json_int_t)r->id, "token", r->token));
}

int
open311_token(struct http_request *req, struct http_response *res, void *arg)
{
	const char *token = http_request_var(req, "token");
	json_t *items;
	struct ctx c;
	int rc;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if ((items = json_array()) == NULL)
		return -1;
	rc = report_by_token(c.store, NULL, token, on_token, items);
	if (rc == 1) {
		json_decref(items);
		return reply_bad(req, res, 404, "token", "token: unknown token");
	}
	if (rc != 0) {
		json_decref(items);
		return -1;
	}
	return send(res, &c, items, "service_requests");
}

static int
on_update(const struct report_update *u, void *arg)
{
	return open311_list_update(arg, u);
}

int
open311_updates(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct open311_list *l;
	int64_t start, end;
	struct ctx c;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if (date_window(req, res, app_now(c.app), &start, &end) == -1)
		return 0;
	if ((l = http_request_alloc(req, sizeof(*l))) == NULL)
		return -1;
	http_response_kind(res, c.fmt == RENDER_XML ? HTTP_TYPE_XML :
	    HTTP_TYPE_JSON);
	open311_list_begin_updates(l, c.fmt, to_response, res);
	/* The window is inclusive of both ends. */
	if (report_updates(c.store, start - 1, end,
	    VECHE_OPEN311_MAX_RESULTS, on_update, l) != 0)
		return -1;
	return list_end(l, res, &c);
}

/* The attribute code of "attribute[code]" or "attribute[code][]", or NULL. */
static const char *
attr_code(struct http_request *req, const char *name)
{
	struct form_segment seg;
	char *code;
	int list;

	if (form_name_segments(name, "attribute", &seg, 1, &list) == -1 ||
	    (code = http_request_alloc(req, seg.len + 1)) == NULL)
		return NULL;
	memcpy(code, seg.s, seg.len);
	code[seg.len] = '\0';
	return code;
}

/*
 * Collect attribute[...] and media_url fields from the request.  Returns 0,
 * or -1 when an error was sent.
 */
static int
post_lists(struct http_request *req, struct http_response *res,
    struct report_input *in)
{
	const struct http_param *p;
	struct attr_value *attrs;
	const char **media;
	size_t n, i;

	p = http_request_params(req, &n);
	attrs = http_request_alloc(req, (n + 1) * sizeof(*attrs));
	media = http_request_alloc(req, (n + 1) * sizeof(*media));
	if (attrs == NULL || media == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		/* A browser sends an untouched file input as an empty part
		 * with an empty file name: that is no file at all. */
		if (p[i].filename != NULL && p[i].filename[0] == '\0' &&
		    p[i].value_len == 0)
			continue;
		if (p[i].filename != NULL)
			return reply_bad(req, res, 400, p[i].name, "%s: file uploads "
			    "are not taken here; give media_url", p[i].name),
			    -1;
		if (strcmp(p[i].name, "media_url") == 0) {
			if (p[i].value[0] != '\0')
				media[in->nmedia++] = p[i].value;
			continue;
		}
		if (strncmp(p[i].name, "attribute[", 10) != 0)
			continue;
		if ((attrs[in->nattrs].code = attr_code(req,
		    p[i].name)) == NULL)
			return reply_bad(req, res, 400, "attribute", "%.80s: expected "
			    "attribute[code] or attribute[code][]", p[i].name),
			    -1;
		if (p[i].value[0] == '\0')
			continue;       /* empty means not given */
		attrs[in->nattrs++].value = p[i].value;
	}
	in->attrs = attrs;
	in->media = media;
	return 0;
}

int
open311_post_request(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_receipt rc;
	struct report_input in;
	struct verr e;
	struct ctx c;
	char reg[DATETIME_LEN], ans[DATETIME_LEN], notice[256];
	int hl, hg;
	json_t *doc;

	if (o311_begin(req, res, arg, &c))
		return 0;
	if (auth_actor(req, c.app) == NULL)
		return reply_bad(req, res, 403, "api_key", "api_key: required "
		    "for this request (ask the administrator for a key)");
	memset(&in, 0, sizeof(in));
	memset(&e, 0, sizeof(e));
	in.service_code = http_request_param(req, "service_code");
	if ((hl = double_param(req, res, "lat", &in.lat)) == -1 ||
	    (hg = double_param(req, res, "long", &in.lon)) == -1)
		return 0;
	if (hl != hg)
		return reply_bad(req, res, 400, hl ? "long" : "lat", "%s: lat and "
		    "long go together", hl ? "long" : "lat");
	in.has_point = hl;
	in.address = http_request_param(req, "address_string");
	in.address_id = http_request_param(req, "address_id");
	in.zipcode = http_request_param(req, "zipcode");
	in.description = http_request_param(req, "description");
	in.contact.first_name = http_request_param(req, "first_name");
	in.contact.last_name = http_request_param(req, "last_name");
	in.contact.email = http_request_param(req, "email");
	in.contact.phone = http_request_param(req, "phone");
	in.contact.device_id = http_request_param(req, "device_id");
	in.contact.account_id = http_request_param(req, "account_id");
	in.now = app_now(c.app);
	in.actor = auth_actor(req, c.app);
	in.lang = c.lang;       /* locale, else Accept-Language: the e-mail's */
	if (post_lists(req, res, &in) == -1)
		return 0;
	if (report_submit(c.store, c.app->catalog, &in, &rc, &e) == -1)
		return reply_verr(req, res, &e);
	cache_bump(c.app->cache);
	datetime_format(rc.register_due, reg, sizeof(reg));
	datetime_format(rc.expected, ans, sizeof(ans));
	if (c.lang == LANG_EN)
		snprintf(notice, sizeof(notice), "Under Federal Law 59-FZ the "
		    "report is registered by %.10s and answered by %.10s.",
		    reg, ans);
	else
		snprintf(notice, sizeof(notice), "По закону 59-ФЗ обращение "
		    "будет зарегистрировано до %.10s, ответ — до %.10s.",
		    reg, ans);
	doc = json_pack("[{s:I, s:s, s:s, s:o}]", "service_request_id",
	    (json_int_t)rc.id, "token", rc.token, "service_notice", notice,
	    "account_id", reply_str(in.contact.account_id));
	http_response_status(res, 201);
	return send(res, &c, doc, "service_requests");
}

const char *
open311_body_refusal(struct http_request *req, const struct http_route *route)
{
	static const char *const forms[] = {
		"application/x-www-form-urlencoded", "multipart/form-data",
	};
	const char *ct = http_request_header(req, "Content-Type");
	size_t len, n, i;
	char *msg;

	if (route->handler != open311_post_request)
		return NULL;
	if (ct == NULL) {
		http_request_body(req, &len);
		return len == 0 ? NULL : "Content-Type: missing; send "
		    "application/x-www-form-urlencoded or multipart/form-data";
	}
	/* The media type, without parameters. */
	n = strcspn(ct, "; \t");
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (n == strlen(forms[i]) && strncasecmp(ct, forms[i], n) == 0)
			return NULL;
	/* Named when it is short printable ASCII, as a media type is. */
	for (i = 0; i < n && n <= 64; i++)
		if (ct[i] <= ' ' || ct[i] >= 0x7f)
			break;
	if (i < n || n == 0 || (msg = http_request_alloc(req, 256)) == NULL)
		return "Content-Type: not supported; send "
		    "application/x-www-form-urlencoded or multipart/form-data";
	snprintf(msg, 256, "Content-Type: '%.*s' is not supported; send "
	    "application/x-www-form-urlencoded or multipart/form-data",
	    (int)n, ct);
	return msg;
}

/* Parameters every Open311 route takes. */
#define O311_COMMON "jurisdiction_id", "locale"

static const char *const p_common[] = { O311_COMMON, NULL };
static const char *const p_requests[] = {
	O311_COMMON, "service_request_id", "service_code", "start_date",
	"end_date", "status", "page", "page_size", "bbox", "lat", "long",
	"radius", "agency_responsible", "updated_after", "updated_before", "q",
	"extensions", NULL
};
static const char *const p_request[] = { O311_COMMON, "extensions", NULL };
static const char *const p_updates[] = {
	O311_COMMON, "start_date", "end_date", NULL
};
static const char *const p_post[] = {
	O311_COMMON, "api_key", "service_code", "lat", "long",
	"address_string", "address_id", "zipcode", "attribute[", "email",
	"device_id", "account_id", "first_name", "last_name", "phone",
	"description", "media_url*", "media", NULL
};

static const struct http_route open311_table[] = {
	{ HTTP_GET, "/open311/v2/discovery.{format}", open311_discovery, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/services.{format}", open311_services, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/services/{code}.{format}", open311_service, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/requests.{format}", open311_requests, 0,
	    p_requests, 0 },
	/* A key, or a signed-in user with the session's CSRF token (the
	 * report is then the account's, docs/auth.md): the handler refuses
	 * anonymous callers, as ACCESS_APIKEY alone did. */
	{ HTTP_POST, "/open311/v2/requests.{format}", open311_post_request,
	    ACCESS_ANON, p_post, 0 },
	{ HTTP_GET, "/open311/v2/requests/{id}.{format}", open311_request, 0,
	    p_request, 0 },
	{ HTTP_GET, "/open311/v2/tokens/{token}.{format}", open311_token, 0,
	    p_common, 0 },
	{ HTTP_GET, "/open311/v2/servicerequestupdates.{format}",
	    open311_updates, 0, p_updates, 0 },
};

const struct http_route *
open311_routes(size_t *n)
{
	*n = sizeof(open311_table) / sizeof(open311_table[0]);
	return open311_table;
}
