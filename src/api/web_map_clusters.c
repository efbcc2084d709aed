/*
 * web_map_clusters.c: GET /map/clusters.json, what the public map shows of
 * a view (issue 11): bbox=min_long,min_lat,max_long,max_lat and zoom, with
 * the map's filters (service_code, status, agency, days as on /).  Every
 * report in the view is counted (core/map_index.h): clusters of a grid per
 * zoom when there are more than VECHE_MAP_POINTS, each report when fewer,
 * and for the list beside the map the reports themselves (all of them, or
 * the newest VECHE_MAP_LIST).  Public data only: no reporter's name,
 * e-mail or phone is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/error.h"
#include "core/map_index.h"
#include "core/parse.h"
#include "core/report.h"
#include "format/jsonw.h"
#include "http/http.h"

/* What on_report writes a report to. */
struct listed {
	const struct web_ctx *c;
	struct jsonw *w;
	struct datetime_memo when;
};

static int
to_response(const char *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

/* The members "lat" and "long". */
static void
point_json(struct jsonw *w, double lat, double lon)
{
	jsonw_key(w, "lat");
	jsonw_coord(w, lat);
	jsonw_key(w, "long");
	jsonw_coord(w, lon);
}

static int
on_report(const struct report *r, void *arg)
{
	struct listed *l = arg;
	struct jsonw *w = l->w;
	const struct service *svc = catalog_service(l->c->app->catalog,
	    r->service_code);
	char when[DATETIME_LEN];

	if (!r->has_point)
		return 0;
	jsonw_object_begin(w);
	jsonw_key(w, "id");
	jsonw_int(w, r->id);
	point_json(w, r->lat, r->lon);
	jsonw_key_string(w, "status", report_status_name(r->status));
	jsonw_key_string(w, "service_code", r->service_code);
	jsonw_key_string(w, "service_name", svc != NULL ?
	    catalog_text(svc->name, l->c->lang) : r->service_code);
	jsonw_key_string(w, "address", r->address);
	jsonw_key_string(w, "requested_datetime", datetime_format_memo(
	    &l->when, r->requested, when, sizeof(when)));
	/* fixed: the reporter's "is it fixed?" (null: not asked), so the
	 * map's list says "closed, not fixed" as the other lists do. */
	jsonw_key(w, "fixed");
	if (r->fixed < 0)
		jsonw_null(w);
	else
		jsonw_bool(w, r->fixed);
	jsonw_object_end(w);
	return 0;
}

/* A report of the index's list as the store's lists give one. */
static const struct report *
report_of(const struct map_report *mr, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->id = mr->id;
	r->has_point = 1;
	r->lat = mr->lat;
	r->lon = mr->lon;
	r->status = mr->status;
	r->service_code = mr->service;
	r->address = mr->address;
	r->requested = mr->requested;
	r->fixed = mr->fixed;
	return r;
}

/*
 * One cluster's JSON, formed in a buffer: a view has hundreds, and each is
 * numbers and fixed names only, so nothing needs the writer's escaping.
 * Status names are short and counts at most 20 digits: 512 bytes hold it.
 */
struct piece {
	char buf[512];
	size_t n;
};

static void
piece_put_n(struct piece *p, const char *s, size_t n)
{
	memcpy(p->buf + p->n, s, n);
	p->n += n;
}

/* A string literal, its length known at compile time. */
#define piece_put(p, lit)       piece_put_n((p), "" lit, sizeof(lit) - 1)

static void
piece_int(struct piece *p, int64_t v)
{
	char d[24];
	size_t k = sizeof(d);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		d[--k] = '-';
	memcpy(p->buf + p->n, d + k, sizeof(d) - k);
	p->n += sizeof(d) - k;
}

/* A coordinate as jsonw_coord writes it (null: not finite). */
static void
piece_coord(struct piece *p, double v)
{
	size_t n = jsonw_coord_text(v, p->buf + p->n, 1);

	if (n == 0)
		piece_put(p, "null");
	else
		p->n += n;
}

/* A cluster's member for status st, "name": (the names' lengths found
 * once a view, not once a cluster). */
struct status_keys {
	char text[STATUS__MAX][32];
	size_t len[STATUS__MAX];
};

static void
status_keys_init(struct status_keys *k)
{
	int st;

	for (st = 0; st < STATUS__MAX; st++) {
		int n = snprintf(k->text[st], sizeof(k->text[st]), "\"%s\":",
		    report_status_name((enum report_status)st));

		k->len[st] = n > 0 && (size_t)n < sizeof(k->text[st]) ?
		    (size_t)n : 0;
	}
}

static void
clusters_json(struct jsonw *w, const struct map_result *m)
{
	struct status_keys keys;
	struct piece p;
	size_t i;
	int st, first;

	_Static_assert(JSONW_COORD_LEN * 2 + 24 * (STATUS__MAX + 1) +
	    (32 + 1) * STATUS__MAX + 48 < sizeof(p.buf), "a cluster's piece");
	status_keys_init(&keys);
	jsonw_array_begin(w);
	for (i = 0; i < m->nclusters; i++) {
		const struct map_cluster *cl = &m->clusters[i];

		p.n = 0;
		piece_put(&p, "{\"lat\":");
		piece_coord(&p, cl->lat);
		piece_put(&p, ",\"long\":");
		piece_coord(&p, cl->lon);
		piece_put(&p, ",\"count\":");
		piece_int(&p, cl->count);
		piece_put(&p, ",\"status\":{");
		for (st = 0, first = 1; st < STATUS__MAX; st++)
			if (cl->by_status[st] > 0) {
				if (!first)
					piece_put(&p, ",");
				piece_put_n(&p, keys.text[st], keys.len[st]);
				piece_int(&p, cl->by_status[st]);
				first = 0;
			}
		piece_put(&p, "}}");
		jsonw_raw(w, p.buf, p.n);
	}
	jsonw_array_end(w);
}

int
web_map_clusters(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *bbox, *zv, *field;
	struct map_result m = { 0 };
	struct report_query ids;
	struct web_filters f;
	struct listed l;
	struct web_ctx c;
	struct verr e;
	struct jsonw *w = NULL;
	struct report shown;
	int64_t zoom;
	size_t i;
	int rc = -1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;     /* errors as the API's: this is the map's JSON */
	if (web_filters_read(req, &c, &f, &e) == -1)
		return web_fail(req, res, &c, 400, e.field, e.message);
	if ((bbox = http_request_param(req, "bbox")) == NULL ||
	    web_bbox_param(bbox, &f.q) == -1)
		return web_fail(req, res, &c, 400, "bbox", "bbox: four numbers "
		    "min_long,min_lat,max_long,max_lat are required");
	if ((zv = http_request_param(req, "zoom")) == NULL ||
	    parse_int64(zv, 0, VECHE_MAP_MAX_ZOOM, &zoom) == -1)
		return web_fail(req, res, &c, 400, "zoom", "zoom: a whole "
		    "number from 0 to 19 is required");
	if (map_view_check(f.q.min_lat, f.q.min_lon, f.q.max_lat,
	    f.q.max_lon, (int)zoom, &field) == -1)
		return web_fail(req, res, &c, 400, field, "bbox: an empty box, "
		    "or more than 4096 cells of 64 px at this zoom");
	/* The primary's: the index follows its change notices. */
	if (map_index_view(c.app->map, app_store_primary(c.app), &f.q,
	    (int)zoom, &m) == -1)
		return -1;
	/* The writer's buffer (8 KB) is too big for a server thread's stack
	 * to spare lightly: the request's memory. */
	if ((w = http_request_alloc(req, sizeof(*w))) == NULL)
		goto out;
	http_response_type(res, "application/json");
	http_response_header(res, "Cache-Control", "no-cache");
	jsonw_init(w, 0, to_response, res);
	jsonw_object_begin(w);
	jsonw_key(w, "zoom");
	jsonw_int(w, zoom);
	jsonw_key(w, "total");
	jsonw_int(w, m.total);
	jsonw_key(w, "all");
	jsonw_bool(w, m.all);
	jsonw_key(w, "clusters");
	clusters_json(w, &m);
	jsonw_key(w, "reports");
	jsonw_array_begin(w);
	memset(&l, 0, sizeof(l));
	l.c = &c;
	l.w = w;
	/* The list from the index, or by id from the store when the index
	 * could not keep what it shows. */
	for (i = 0; i < m.nreports; i++)
		on_report(report_of(&m.reports[i], &shown), &l);
	if (m.nreports == 0 && m.nids > 0) {
		memset(&ids, 0, sizeof(ids));
		ids.ids = m.ids;
		ids.nids = m.nids;
		ids.order = ORDER_REQUESTED_DESC;
		/* No actor: what anyone may see, never a contact. */
		if (report_list(c.store, NULL, &ids, on_report, &l) != 0)
			goto out;
	}
	jsonw_array_end(w);
	jsonw_object_end(w);
	rc = jsonw_finish(w);
out:
	map_result_free(&m);
	return rc;
}
