/*
 * web_geojson.c: GET /api/v1/reports.geojson, the live reports as a GeoJSON
 * FeatureCollection with the map's filters (bbox, service_code, status,
 * agency, and the period as days or from/to dates), in report number order,
 * paged by keyset (after: the last number of the page before, which the
 * next link carries, so a deep page costs what the first does) or, for the
 * first VECHE_GEOJSON_MAX_PAGE_NUMBER pages, by page (docs/api.md).  Only
 * public fields, as the map shows them.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_ratings.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/export.h"
#include "core/parse.h"
#include "core/report.h"
#include "http/http.h"

#define DAY 86400

struct collect {
	json_t *features;
	size_t n, limit;
	int more;                       /* a row past limit: a next page */
	int64_t last;                   /* the page's last report number */
};

static int
on_report(const struct report *r, void *arg)
{
	struct collect *k = arg;
	char req[DATETIME_LEN], upd[DATETIME_LEN];
	json_t *f;

	if (k->n == k->limit) {
		k->more = 1;
		return 1;
	}
	f = json_pack("{s:s, s:I, s:o, s:{s:I, s:s, s:s, s:s?, s:s?, s:s, "
	    "s:s, s:s}}", "type", "Feature", "id", (json_int_t)r->id,
	    "geometry", r->has_point ? json_pack("{s:s, s:[f, f]}", "type",
	    "Point", "coordinates", r->lon, r->lat) : json_null(),
	    "properties", "id", (json_int_t)r->id, "service_code",
	    r->service_code, "status", report_status_name(r->status),
	    "agency", r->agency, "address", r->address, "description",
	    r->description ? r->description : "", "requested_datetime",
	    datetime_format(r->requested, req, sizeof(req)),
	    "updated_datetime", datetime_format(r->updated, upd,
	    sizeof(upd)));
	if (f == NULL || json_array_append_new(k->features, f) == -1)
		return -1;
	k->n++;
	k->last = r->id;
	return 0;
}

/* The query's filters from the request; 0, or -1 with e naming the field. */
static int
read_query(struct http_request *req, const struct web_ctx *c,
    struct report_query *q, const char **service, int64_t *limit,
    int64_t *page, struct verr *e)
{
	const char *v, *from = http_request_param(req, "from"),
	    *to = http_request_param(req, "to");
	int64_t days = 90;
	int st;

	if ((v = http_request_param(req, "service_code")) != NULL) {
		if (catalog_service(c->app->catalog, v) == NULL)
			return verr_set(e, VERR_INVALID, "service_code",
			    "service_code: no service '%.64s'", v);
		*service = v;
		q->services = service;
		q->nservices = 1;
	}
	if ((v = http_request_param(req, "agency")) != NULL &&
	    catalog_agency(c->app->catalog, q->agency = v) == NULL)
		return verr_set(e, VERR_INVALID, "agency", "agency: no agency "
		    "'%.64s'", v);
	if ((v = http_request_param(req, "status")) != NULL) {
		for (st = 0; st < STATUS__MAX; st++)
			if ((strcmp(v, "open") == 0 &&
			    !report_status_closed((enum report_status)st)) ||
			    (strcmp(v, "closed") == 0 &&
			    report_status_closed((enum report_status)st)) ||
			    strcmp(v, report_status_name(
			    (enum report_status)st)) == 0)
				q->status_mask |= 1u << st;
		if (q->status_mask == 0)
			return verr_set(e, VERR_INVALID, "status", "status: "
			    "'%.40s' is not open, closed or a status name", v);
	}
	if ((v = http_request_param(req, "bbox")) != NULL &&
	    web_bbox_param(v, q) == -1)
		return verr_set(e, VERR_INVALID, "bbox", "bbox: four numbers "
		    "min_long,min_lat,max_long,max_lat");
	if ((v = http_request_param(req, "days")) != NULL &&
	    (from != NULL || to != NULL))
		return verr_set(e, VERR_INVALID, "days", "days: give either "
		    "days or from/to");
	if (v != NULL && parse_int64(v, 1, 3650, &days) == -1)
		return verr_set(e, VERR_INVALID, "days", "days: '%.40s' is not "
		    "a number of days from 1 to 3650", v);
	q->end = app_now(c->app);
	q->start = q->end - days * DAY;
	if (from != NULL && export_parse_date(from, 0, "from", &q->start, e)
	    == -1)
		return -1;
	if (to != NULL && export_parse_date(to, 1, "to", &q->end, e) == -1)
		return -1;
	if (q->start > q->end)
		return verr_set(e, VERR_INVALID, "to", "to: before from");
	if ((v = http_request_param(req, "limit")) != NULL &&
	    parse_int64(v, 1, VECHE_GEOJSON_MAX_PAGE, limit) == -1)
		return verr_set(e, VERR_INVALID, "limit", "limit: '%.40s' is "
		    "not a number from 1 to %d", v, VECHE_GEOJSON_MAX_PAGE);
	if ((v = http_request_param(req, "page")) != NULL &&
	    parse_int64(v, 1, VECHE_GEOJSON_MAX_PAGE_NUMBER, page) == -1)
		return verr_set(e, VERR_INVALID, "page", "page: '%.40s' is not "
		    "a number from 1 to %d; further pages by after (the next "
		    "link)", v, VECHE_GEOJSON_MAX_PAGE_NUMBER);
	if ((v = http_request_param(req, "after")) != NULL) {
		if (http_request_param(req, "page") != NULL)
			return verr_set(e, VERR_INVALID, "after", "after: give "
			    "either after or page");
		if (parse_int64(v, 0, INT64_MAX, &q->after_id) == -1)
			return verr_set(e, VERR_INVALID, "after", "after: "
			    "'%.40s' is not a report number", v);
	}
	return 0;
}

const char *
web_page_link(struct http_request *req, const char *path,
    const char *const *keep, const char *name, const char *value)
{
	char buf[2048];
	size_t i, used;
	const char *v;
	int n;

	n = snprintf(buf, sizeof(buf), "%s?%s=%s", path, name, value);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return NULL;
	used = (size_t)n;
	for (i = 0; keep[i] != NULL; i++) {
		if ((v = http_request_param(req, keep[i])) == NULL)
			continue;
		n = snprintf(buf + used, sizeof(buf) - used, "&%s=", keep[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			return NULL;
		used += (size_t)n;
		/* Values were checked: codes, numbers, dates, commas. */
		for (; *v != '\0' && used + 4 < sizeof(buf); v++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
			    strchr("&=#+% ", *v) ? "%%%02X" : "%c",
			    (unsigned char)*v);
	}
	return http_request_strdup(req, buf);
}

/* This request's query string with after set to last, for the links. */
static const char *
next_link(struct http_request *req, int64_t last)
{
	static const char *const keep[] = { "bbox", "service_code", "status",
	    "agency", "days", "from", "to", "limit", NULL };
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)last);
	return web_page_link(req, "/api/v1/reports.geojson", keep, "after",
	    num);
}

int
web_reports_geojson(struct http_request *req, struct http_response *res,
    void *arg)
{
	struct report_query q;
	struct collect k;
	struct web_ctx c;
	struct verr e;
	const char *service = NULL, *next;
	int64_t limit = VECHE_GEOJSON_PAGE, page = 1;
	json_t *doc, *links;
	char hdr[2200];

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;
	memset(&q, 0, sizeof(q));
	memset(&e, 0, sizeof(e));
	if (read_query(req, &c, &q, &service, &limit, &page, &e) == -1)
		return web_fail(req, res, &c, 400, e.field, e.message);
	q.order = ORDER_ID_ASC;
	q.limit = (size_t)limit + 1;    /* one more: is there a next page? */
	q.offset = (size_t)((page - 1) * limit);
	memset(&k, 0, sizeof(k));
	k.limit = (size_t)limit;
	if ((k.features = json_array()) == NULL ||
	    report_list(c.store, NULL, &q, on_report, &k) == -1) {
		json_decref(k.features);
		return -1;
	}
	links = json_array();
	if (k.more && (next = next_link(req, k.last)) != NULL) {
		json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "rel",
		    "next", "href", next, "type", "application/geo+json"));
		snprintf(hdr, sizeof(hdr), "<%s>; rel=\"next\"", next);
		http_response_header(res, "Link", hdr);
	}
	doc = json_pack("{s:s, s:o, s:o, s:I, s:o}", "type",
	    "FeatureCollection", "features", k.features, "page",
	    q.after_id != 0 ? json_null() : json_integer((json_int_t)page),
	    "limit", (json_int_t)limit, "links", links);
	return social_send_json(res, 200, doc);
}
