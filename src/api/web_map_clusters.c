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

/* A report's service code and the name the list shows for it, with
 * their lengths. */
struct named {
	const char *code;               /* the pointer the report carried */
	const char *name;
	size_t code_len, name_len;
};

#define NAMED_MEMO 16

/* What on_report writes a report to. */
struct listed {
	const struct web_ctx *c;
	struct jsonw *w;
	/* Service names already found: the index's reports carry its own
	 * copy of each code, one pointer per service. */
	struct named named[NAMED_MEMO];
	size_t nnamed;
};

static int
to_response(const char *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

/* Service code's entry (its name is the code when the catalog has none):
 * found once a view (the index's reports carry its own copy of each
 * code, one pointer per service), else into *spare. */
static const struct named *
named_of(struct listed *l, const char *code, struct named *spare)
{
	const struct service *svc;
	struct named *n;
	size_t i;

	for (i = 0; i < l->nnamed; i++)
		if (l->named[i].code == code)
			return &l->named[i];
	n = l->nnamed < NAMED_MEMO ? &l->named[l->nnamed++] : spare;
	svc = catalog_service(l->c->app->catalog, code);
	n->code = code;
	n->name = svc != NULL ? catalog_text(svc->name, l->c->lang) : code;
	n->code_len = strlen(code);
	n->name_len = n->name != NULL ? strlen(n->name) : 0;
	return n;
}

/* A string literal at p, its length known at compile time; p moves on. */
#define PUT(p, lit)     (memcpy((p), "" lit, sizeof(lit) - 1), \
			    (p) += sizeof(lit) - 1)

/* A coordinate as jsonw_coord writes it (null: not finite) at p. */
static char *
put_coord(char *p, double v)
{
	size_t n = jsonw_coord_text(v, p, 1);

	if (n == 0)
		PUT(p, "null");
	else
		p += n;
	return p;
}

/* The quoted, escaped text of the n bytes at s (null when s is NULL). */
static void
put_string(struct jsonw *w, const char *s, size_t n)
{
	if (s == NULL) {
		outbuf_put(&w->out, "null", 4);
		return;
	}
	outbuf_putc(&w->out, '"');
	jsonw_escape(&w->out, s, n, 0);
	outbuf_putc(&w->out, '"');
}

/*
 * One report of the list, written in place (its keys and numbers need no
 * escaping; its strings are escaped as jsonw_string does): what
 * jsonw_key and jsonw_string would write, without escaping each key.
 */
static int
on_report(const struct report *r, void *arg)
{
	struct listed *l = arg;
	struct jsonw *w = l->w;
	const char *status = report_status_name(r->status);
	const struct named *n;
	struct named spare;
	size_t slen = strlen(status);
	char *p;

	if (!r->has_point)
		return 0;
	/* Status names are short: 64 bytes hold one. */
	if (slen > 64)
		return -1;
	p = jsonw_raw_begin(w, 2 * JSONW_COORD_LEN + JSONW_INT_LEN + 64 + 64);
	PUT(p, "{\"id\":");
	p = jsonw_int_text(r->id, p);
	PUT(p, ",\"lat\":");
	p = put_coord(p, r->lat);
	PUT(p, ",\"long\":");
	p = put_coord(p, r->lon);
	PUT(p, ",\"status\":\"");
	memcpy(p, status, slen);
	p += slen;
	PUT(p, "\",\"service_code\":");
	outbuf_used(&w->out, p);
	if (r->service_code != NULL) {
		n = named_of(l, r->service_code, &spare);
		put_string(w, n->code, n->code_len);
		outbuf_put(&w->out, ",\"service_name\":", 16);
		put_string(w, n->name, n->name_len);
	} else
		outbuf_put(&w->out, "null,\"service_name\":null", 24);
	outbuf_put(&w->out, ",\"address\":", 11);
	put_string(w, r->address, r->address != NULL ? strlen(r->address) :
	    0);
	p = outbuf_room(&w->out, DATETIME_LEN + 64);
	PUT(p, ",\"requested_datetime\":\"");
	/* The date's text is digits and signs: nothing to escape. */
	datetime_format_memo(&l->c->app->dates, r->requested, p,
	    DATETIME_LEN);
	p += strlen(p);
	/* fixed: the reporter's "is it fixed?" (null: not asked), so the
	 * map's list says "closed, not fixed" as the other lists do. */
	if (r->fixed < 0)
		PUT(p, "\",\"fixed\":null}");
	else if (r->fixed)
		PUT(p, "\",\"fixed\":true}");
	else
		PUT(p, "\",\"fixed\":false}");
	jsonw_raw_end(w, p);
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

/* A cluster's member for status st, "name": (the names' lengths found
 * once a view, not once a cluster), each in a fixed width so that it is
 * copied whole. */
#define STATUS_KEY 32

struct status_keys {
	char text[STATUS__MAX][STATUS_KEY];
	size_t len[STATUS__MAX];
};

static void
status_keys_init(struct status_keys *k)
{
	int st;

	memset(k, 0, sizeof(*k));
	for (st = 0; st < STATUS__MAX; st++) {
		int n = snprintf(k->text[st], sizeof(k->text[st]), "\"%s\":",
		    report_status_name((enum report_status)st));

		k->len[st] = n > 0 && (size_t)n < sizeof(k->text[st]) ?
		    (size_t)n : 0;
	}
}

/*
 * The clusters, each formed in place in the writer's buffer: a view has
 * hundreds, and each is numbers and fixed names only, so nothing needs
 * the writer's escaping.  A cluster takes at most CLUSTER_LEN bytes.
 */
#define CLUSTER_LEN     (2 * JSONW_COORD_LEN + (STATUS__MAX + 1) * \
			    (JSONW_INT_LEN + STATUS_KEY + 1) + 48)

static void
clusters_json(struct jsonw *w, const struct map_result *m)
{
	struct status_keys keys;
	size_t i;
	int st, first;
	char *p;

	_Static_assert(CLUSTER_LEN <= OUTBUF_SIZE, "a cluster's room");
	status_keys_init(&keys);
	jsonw_array_begin(w);
	for (i = 0; i < m->nclusters; i++) {
		const struct map_cluster *cl = &m->clusters[i];

		p = jsonw_raw_begin(w, CLUSTER_LEN);
		PUT(p, "{\"lat\":");
		p = put_coord(p, cl->lat);
		PUT(p, ",\"long\":");
		p = put_coord(p, cl->lon);
		PUT(p, ",\"count\":");
		p = jsonw_int_text(cl->count, p);
		PUT(p, ",\"status\":{");
		for (st = 0, first = 1; st < STATUS__MAX; st++)
			if (cl->by_status[st] > 0) {
				if (!first)
					*p++ = ',';
				/* The whole width: a copy of known size. */
				memcpy(p, keys.text[st], STATUS_KEY);
				p += keys.len[st];
				p = jsonw_int_text(cl->by_status[st], p);
				first = 0;
			}
		PUT(p, "}}");
		jsonw_raw_end(w, p);
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

	/* Public data: no cookies made, no account looked up. */
	if (web_begin_public(req, res, arg, &c) == -1)
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
		if (on_report(report_of(&m.reports[i], &shown), &l) == -1)
			goto out;
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
