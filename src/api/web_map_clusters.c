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

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/error.h"
#include "core/map_index.h"
#include "core/parse.h"
#include "core/report.h"
#include "http/http.h"

/* What on_report adds a report to. */
struct listed {
	const struct web_ctx *c;
	json_t *reports;
};

static int
on_report(const struct report *r, void *arg)
{
	struct listed *l = arg;
	const struct service *svc = catalog_service(l->c->app->catalog,
	    r->service_code);
	const char *name = svc != NULL ? catalog_text(svc->name, l->c->lang) :
	    r->service_code;
	char when[32];

	if (!r->has_point)
		return 0;
	/* fixed: the reporter's "is it fixed?" (null: not asked), so the
	 * map's list says "closed, not fixed" as the other lists do. */
	return json_array_append_new(l->reports, json_pack("{s:I, s:f, s:f, "
	    "s:s, s:s, s:s?, s:s?, s:s, s:o}", "id", (json_int_t)r->id, "lat",
	    r->lat, "long", r->lon, "status", report_status_name(r->status),
	    "service_code", r->service_code, "service_name", name, "address",
	    r->address, "requested_datetime", datetime_format(r->requested,
	    when, sizeof(when)), "fixed", r->fixed < 0 ? json_null() :
	    json_boolean(r->fixed)));
}

static json_t *
clusters_json(const struct map_result *m)
{
	json_t *list = json_array(), *by;
	size_t i;
	int st;

	for (i = 0; list != NULL && i < m->nclusters; i++) {
		const struct map_cluster *cl = &m->clusters[i];

		if ((by = json_object()) == NULL)
			goto fail;
		for (st = 0; st < STATUS__MAX; st++)
			if (cl->by_status[st] > 0 && json_object_set_new(by,
			    report_status_name((enum report_status)st),
			    json_integer(cl->by_status[st])) == -1) {
				json_decref(by);
				goto fail;
			}
		if (json_array_append_new(list, json_pack("{s:f, s:f, s:I, s:o}",
		    "lat", cl->lat, "long", cl->lon, "count",
		    (json_int_t)cl->count, "status", by)) == -1)
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

int
web_map_clusters(struct http_request *req, struct http_response *res,
    void *arg)
{
	const char *bbox, *zv, *field;
	struct map_result m = { 0 };
	struct report_query ids;
	struct web_filters f;
	struct listed l = { NULL, NULL };
	struct web_ctx c;
	struct verr e;
	json_t *doc = NULL, *clusters = NULL;
	char *text = NULL;
	int64_t zoom;
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
	if (map_index_view(c.app->map, c.store, &f.q, (int)zoom, &m) == -1)
		return -1;
	l.c = &c;
	if ((l.reports = json_array()) == NULL)
		goto out;
	if (m.nids > 0) {
		memset(&ids, 0, sizeof(ids));
		ids.ids = m.ids;
		ids.nids = m.nids;
		ids.order = ORDER_REQUESTED_DESC;
		/* No actor: what anyone may see, never a contact. */
		if (report_list(c.store, NULL, &ids, on_report, &l) != 0)
			goto out;
	}
	if ((clusters = clusters_json(&m)) == NULL)
		goto out;
	doc = json_pack("{s:I, s:I, s:b, s:O, s:O}", "zoom", (json_int_t)zoom,
	    "total", (json_int_t)m.total, "all", m.all, "clusters", clusters,
	    "reports", l.reports);
	if (doc == NULL || (text = json_dumps(doc, JSON_COMPACT)) == NULL)
		goto out;
	http_response_type(res, "application/json");
	http_response_header(res, "Cache-Control", "no-cache");
	rc = http_response_append(res, text, strlen(text));
out:
	free(text);
	json_decref(doc);
	json_decref(clusters);
	json_decref(l.reports);
	map_result_free(&m);
	return rc;
}
