/*
 * open311_list.c: Open311 lists written directly (open311_list.h).  The
 * fields, their order and their names are those of the Open311 view of a
 * report (docs/api.md); JSON and XML are written by two functions that
 * walk the same table of fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/list_items.h"
#include "api/open311_list.h"
#include "core/catalog.h"
#include "core/report.h"
#include "format/xmlw.h"

/* The Open311 fields of a report, in the order clients have always got. */
enum field {
	F_ID, F_STATUS, F_NOTES, F_SERVICE_NAME, F_SERVICE_CODE,
	F_DESCRIPTION, F_AGENCY, F_NOTICE, F_REQUESTED, F_UPDATED,
	F_EXPECTED, F_ADDRESS, F_ADDRESS_ID, F_ZIPCODE, F_LAT, F_LONG,
	F_MEDIA_URL,
	F__MAX
};

static const char *const field_names[F__MAX] = {
	"service_request_id", "status", "status_notes", "service_name",
	"service_code", "description", "agency_responsible", "service_notice",
	"requested_datetime", "updated_datetime", "expected_datetime",
	"address", "address_id", "zipcode", "lat", "long", "media_url",
};

/* One field's value: a string (NULL: null), an integer or a coordinate. */
struct value {
	enum { V_STR, V_INT, V_COORD } kind;
	const char *s;
	int64_t i;
	double d;
};

/* A time as Open311 writes it, or NULL when t is 0 (not set). */
static const char *
when(struct open311_list *l, int64_t t, char *buf)
{
	return t != 0 ? datetime_format_memo(&l->dates, t, buf, DATETIME_LEN) :
	    NULL;
}

/* The value of field f of r; times are formatted into tbuf. */
static struct value
field(struct open311_list *l, const struct report *r, enum field f,
    char tbuf[3][DATETIME_LEN])
{
	struct value v = { V_STR, NULL, 0, 0 };
	const struct service *svc;

	switch (f) {
	case F_ID:
		v.kind = V_INT;
		v.i = r->id;
		break;
	case F_STATUS:
		v.s = report_status_closed(r->status) ? "closed" : "open";
		break;
	case F_NOTES:
		v.s = r->status_notes;
		break;
	case F_SERVICE_NAME:
		svc = catalog_service(l->catalog, r->service_code);
		v.s = svc != NULL ? catalog_text(svc->name, l->lang) : NULL;
		break;
	case F_SERVICE_CODE:
		v.s = r->service_code;
		break;
	case F_DESCRIPTION:
		v.s = r->description;
		break;
	case F_AGENCY:
		v.s = r->agency;
		break;
	case F_NOTICE:
		break;
	case F_REQUESTED:
		v.s = when(l, r->requested, tbuf[0]);
		break;
	case F_UPDATED:
		v.s = when(l, r->updated, tbuf[1]);
		break;
	case F_EXPECTED:
		v.s = when(l, r->expected, tbuf[2]);
		break;
	case F_ADDRESS:
		v.s = r->address;
		break;
	case F_ADDRESS_ID:
		v.s = r->address_id;
		break;
	case F_ZIPCODE:
		v.s = r->zipcode;
		break;
	case F_LAT:
	case F_LONG:
		if (r->has_point) {
			v.kind = V_COORD;
			v.d = f == F_LAT ? r->lat : r->lon;
		}
		break;
	case F_MEDIA_URL:
		v.s = r->nmedia > 0 ? r->media[0] : NULL;
		break;
	case F__MAX:
		break;
	}
	return v;
}

void
open311_list_begin(struct open311_list *l, enum render_format f,
    const struct catalog *catalog, enum lang lang, int extensions,
    outbuf_sink sink, void *arg)
{
	l->fmt = f;
	l->root = "service_requests";
	l->catalog = catalog;
	l->lang = lang;
	l->extensions = extensions;
	l->n = 0;
	memset(&l->dates, 0, sizeof(l->dates));
	jsonw_init(&l->j, 0, sink, arg);
	/* XML's root is opened with the first item: an empty list is
	 * "<service_requests/>". */
	if (f == RENDER_XML)
		xmlw_declaration(&l->j.out, "UTF-8");
	else
		jsonw_array_begin(&l->j);
}

/* Before an item: XML's root element with the first. */
static void
item_begin(struct open311_list *l)
{
	if (l->fmt == RENDER_XML && l->n == 0)
		xmlw_open(&l->j.out, l->root);
	l->n++;
}

static void
report_json(struct open311_list *l, const struct report *r)
{
	struct jsonw *w = &l->j;
	char tbuf[3][DATETIME_LEN];
	enum field f;
	size_t i;

	jsonw_object_begin(w);
	for (f = 0; f < F__MAX; f++) {
		struct value v = field(l, r, f, tbuf);

		jsonw_key(w, field_names[f]);
		if (v.kind == V_INT)
			jsonw_int(w, v.i);
		else if (v.kind == V_COORD)
			jsonw_coord(w, v.d);
		else
			jsonw_string(w, v.s);
	}
	if (l->extensions) {
		jsonw_key(w, "extended_attributes");
		jsonw_object_begin(w);
		jsonw_key_string(w, "status", report_status_name(r->status));
		jsonw_key_string(w, "register_due",
		    when(l, r->register_due, tbuf[0]));
		/* The reporter's "is it fixed?": lists show "closed, not
		 * fixed". */
		jsonw_key(w, "fixed");
		if (r->fixed < 0)
			jsonw_null(w);
		else
			jsonw_bool(w, r->fixed);
		jsonw_key(w, "media_urls");
		jsonw_array_begin(w);
		for (i = 0; i < r->nmedia; i++)
			jsonw_string(w, r->media[i]);
		jsonw_array_end(w);
		jsonw_object_end(w);
	}
	jsonw_object_end(w);
}

static void
report_xml(struct open311_list *l, const struct report *r)
{
	struct outbuf *o = &l->j.out;
	char tbuf[3][DATETIME_LEN], num[JSONW_COORD_LEN];
	enum field f;
	size_t i;

	xmlw_open(o, "request");
	for (f = 0; f < F__MAX; f++) {
		struct value v = field(l, r, f, tbuf);

		if (v.kind == V_INT) {
			snprintf(num, sizeof(num), "%lld", (long long)v.i);
			v.s = num;
		} else if (v.kind == V_COORD)
			v.s = jsonw_coord_text(v.d, num, 0) > 0 ? num : NULL;
		xmlw_element(o, field_names[f], v.s);
	}
	if (l->extensions) {
		xmlw_open(o, "extended_attributes");
		xmlw_element(o, "status", report_status_name(r->status));
		xmlw_element(o, "register_due",
		    when(l, r->register_due, tbuf[0]));
		xmlw_element(o, "fixed", r->fixed < 0 ? NULL : r->fixed ?
		    "true" : "false");
		if (r->nmedia == 0)
			xmlw_element(o, "media_urls", NULL);
		else {
			xmlw_open(o, "media_urls");
			for (i = 0; i < r->nmedia; i++)
				xmlw_element(o, "media_url", r->media[i]);
			xmlw_close(o, "media_urls");
		}
		xmlw_close(o, "extended_attributes");
	}
	xmlw_close(o, "request");
}

void
open311_list_begin_updates(struct open311_list *l, enum render_format f,
    outbuf_sink sink, void *arg)
{
	open311_list_begin(l, f, NULL, LANG_RU, 0, sink, arg);
	l->root = "service_request_updates";
}

int
open311_list_report(struct open311_list *l, const struct report *r)
{
	item_begin(l);
	if (l->fmt == RENDER_XML)
		report_xml(l, r);
	else
		report_json(l, r);
	return l->j.out.failed ? -1 : 0;
}

/* report_list's callback: r into the list l. */
static int
on_row(const struct report *r, void *arg)
{
	return open311_list_report(arg, r);
}

/* What list_area's rows are rendered into: the page's items. */
struct page_items {
	struct list_page pg;
	struct open311_list *l;         /* the list the items are for */
	struct open311_list one;        /* renders one item at a time */
};

/*
 * report_rows' callback for the reports without a kept item: r's item
 * rendered as the list would write it, into the page and kept.
 */
static int
on_missing(const struct report *r, void *arg)
{
	struct page_items *p = arg;
	size_t i, start = p->pg.used;

	if ((i = list_page_slot(&p->pg, r->id)) == p->pg.n)
		return 0;
	if (p->l->fmt == RENDER_XML)
		report_xml(&p->one, r);
	else
		report_json(&p->one, r);
	if (outbuf_flush(&p->one.j.out) == -1 || p->pg.failed)
		return -1;
	list_page_kept(&p->pg, i, start);
	return 0;
}

int
open311_list_area(struct open311_list *l, struct list_items *items,
    struct map_index *m, struct store *s, const struct report_query *q)
{
	struct list_item_key key;
	struct page_items *p;
	int64_t *ids = NULL;
	uint32_t *vers = NULL;
	size_t n = 0, i;
	int rc;

	if (items == NULL || l->fmt >= RENDER__MAX)
		return report_list_area(m, s, NULL, q, on_row, l);
	/* Not zeroed: one's 8 KB buffer is written before it is read. */
	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	if ((rc = report_page_area(m, s, q, &ids, &vers, &n)) == 1 &&
	    (rc = report_page_newest(m, s, q, &ids, &vers, &n)) == 1 &&
	    (rc = report_page_text(m, s, q, &ids, &vers, &n)) == 1) {
		free(p);
		return report_list(s, NULL, q, on_row, l);
	}
	if (rc == -1 || n == 0) {
		free(p);
		return rc;
	}
	key.catalog = l->catalog;
	key.variant = (unsigned)l->fmt << 8 | (unsigned)l->lang << 1 |
	    (l->extensions != 0);
	p->l = l;
	if ((rc = list_page_begin(&p->pg, items, &key, ids, vers, n)) == 0 &&
	    p->pg.nmissing > 0) {
		p->one.fmt = l->fmt;
		p->one.root = l->root;
		p->one.catalog = l->catalog;
		p->one.lang = l->lang;
		p->one.extensions = l->extensions;
		p->one.n = 0;
		memset(&p->one.dates, 0, sizeof(p->one.dates));
		jsonw_init(&p->one.j, 0, list_page_sink, &p->pg);
		rc = report_rows(s, NULL, p->pg.missing, p->pg.nmissing,
		    on_missing, p) != 0 ? -1 : 0;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		const char *item = p->pg.buf + p->pg.at[i].off;

		if (p->pg.at[i].len == 0)
			continue;
		item_begin(l);
		if (l->fmt == RENDER_XML)
			outbuf_put(&l->j.out, item, p->pg.at[i].len);
		else
			jsonw_raw(&l->j, item, p->pg.at[i].len);
	}
	list_page_end(&p->pg);
	free(p);
	return rc;
}

/*
 * The status names FixMyStreet's Open311 update fetcher understands, for
 * veche's statuses.
 */
static const char *const fms_status[STATUS__MAX] = {
	[STATUS_SUBMITTED] = "open",
	[STATUS_REGISTERED] = "investigating",
	[STATUS_IN_PROGRESS] = "in_progress",
	[STATUS_ANSWERED] = "action_scheduled",
	[STATUS_CLOSED] = "closed",
	[STATUS_REJECTED] = "not_councils_responsibility",
};

int
open311_list_update(struct open311_list *l, const struct report_update *u)
{
	static const char *const names[] = { "update_id",
	    "service_request_id", "status", "extended_status",
	    "updated_datetime", "description", "media_url" };
	char when[DATETIME_LEN], id[24], rid[24];
	const char *v[7];
	size_t i;

	snprintf(id, sizeof(id), "%lld", (long long)u->id);
	snprintf(rid, sizeof(rid), "%lld", (long long)u->report_id);
	v[0] = id;
	v[1] = rid;
	v[2] = (unsigned)u->status < STATUS__MAX ? fms_status[u->status] :
	    "open";
	v[3] = report_status_name(u->status);
	v[4] = datetime_format_memo(&l->dates, u->created, when, sizeof(when));
	v[5] = u->description;
	v[6] = u->media_url;
	item_begin(l);
	if (l->fmt == RENDER_XML) {
		xmlw_open(&l->j.out, "request_update");
		for (i = 0; i < 7; i++)
			xmlw_element(&l->j.out, names[i], v[i]);
		xmlw_close(&l->j.out, "request_update");
	} else {
		jsonw_object_begin(&l->j);
		jsonw_key(&l->j, names[0]);
		jsonw_int(&l->j, u->id);
		jsonw_key(&l->j, names[1]);
		jsonw_int(&l->j, u->report_id);
		for (i = 2; i < 7; i++)
			jsonw_key_string(&l->j, names[i], v[i]);
		jsonw_object_end(&l->j);
	}
	return l->j.out.failed ? -1 : 0;
}

int
open311_list_end(struct open311_list *l)
{
	if (l->fmt == RENDER_XML) {
		if (l->n == 0)
			xmlw_element(&l->j.out, l->root, NULL);
		else
			xmlw_close(&l->j.out, l->root);
		xmlw_end_document(&l->j.out);
		return outbuf_flush(&l->j.out);
	}
	jsonw_array_end(&l->j);
	return jsonw_finish(&l->j);
}
