/*
 * web_rss.c: GET /rss, an RSS 2.0 feed of the newest reports, for the
 * whole city or the filters of the map and the list (service_code,
 * agency, status, days: web_filters_read) and an area (bbox =
 * min_long,min_lat,max_long,max_lat), written with libxml2's writer so that
 * every text is escaped by it.  A report's description is plain text, sent
 * as HTML that shows it as typed (plain_element).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "core/report.h"
#include "http/http.h"

struct feed {
	xmlTextWriterPtr w;
	struct http_request *req;
	const struct web_ctx *c;
	int failed;
};

static void
element(struct feed *f, const char *name, const char *text)
{
	if (xmlTextWriterWriteElement(f->w, BAD_CAST name,
	    BAD_CAST (text != NULL ? text : "")) < 0)
		f->failed = 1;
}

/*
 * Plain text as an RSS description.  Readers take a description as HTML,
 * so the text is escaped as HTML first (html_entity) and the writer then
 * escapes that as XML: a reader shows "<b>" as typed, not bold.
 */
static void
plain_element(struct feed *f, const char *name, const char *text)
{
	const char *run, *ent;

	if (xmlTextWriterStartElement(f->w, BAD_CAST name) < 0)
		goto fail;
	for (run = text; text != NULL && *text != '\0'; text++) {
		if ((ent = html_entity(*text)) == NULL)
			continue;
		if ((text > run && xmlTextWriterWriteFormatString(f->w, "%.*s",
		    (int)(text - run), run) < 0) ||
		    xmlTextWriterWriteString(f->w, BAD_CAST ent) < 0)
			goto fail;
		run = text + 1;
	}
	if ((text != NULL && text > run &&
	    xmlTextWriterWriteString(f->w, BAD_CAST run) < 0) ||
	    xmlTextWriterEndElement(f->w) < 0)
		goto fail;
	return;
fail:
	f->failed = 1;
}

/* RFC 822 date, as RSS 2.0 wants. */
static void
rfc822(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static int
on_item(const struct report *r, void *arg)
{
	struct feed *f = arg;
	const struct service *svc = catalog_service(f->c->app->catalog,
	    r->service_code);
	char number[32], path[64], date[64];

	snprintf(number, sizeof(number), "%lld: ", (long long)r->id);
	snprintf(path, sizeof(path), "/reports/%lld", (long long)r->id);
	rfc822(r->requested, date, sizeof(date));
	if (xmlTextWriterStartElement(f->w, BAD_CAST "item") < 0)
		return f->failed = 1, -1;
	/* Written in pieces: an address may be long, and is never cut. */
	if (xmlTextWriterStartElement(f->w, BAD_CAST "title") < 0 ||
	    xmlTextWriterWriteString(f->w,
	    BAD_CAST web_msg(M_REPORT_NO, f->c->lang)) < 0 ||
	    xmlTextWriterWriteString(f->w, BAD_CAST number) < 0 ||
	    xmlTextWriterWriteString(f->w, BAD_CAST (svc != NULL ?
	    catalog_text(svc->name, f->c->lang) : r->service_code)) < 0 ||
	    (r->address != NULL && (xmlTextWriterWriteString(f->w,
	    BAD_CAST " — ") < 0 || xmlTextWriterWriteString(f->w,
	    BAD_CAST r->address) < 0)) ||
	    xmlTextWriterWriteString(f->w, BAD_CAST " (") < 0 ||
	    xmlTextWriterWriteString(f->w,
	    BAD_CAST web_status_text(r->status, f->c->lang)) < 0 ||
	    xmlTextWriterWriteString(f->w, BAD_CAST ")") < 0 ||
	    xmlTextWriterEndElement(f->w) < 0)
		f->failed = 1;
	element(f, "link", web_url(f->req, f->c, path));
	plain_element(f, "description", r->description);
	element(f, "category", r->service_code);
	element(f, "pubDate", date);
	if (xmlTextWriterStartElement(f->w, BAD_CAST "guid") < 0 ||
	    xmlTextWriterWriteAttribute(f->w, BAD_CAST "isPermaLink",
	    BAD_CAST "true") < 0 ||
	    xmlTextWriterWriteString(f->w, BAD_CAST web_url(f->req, f->c,
	    path)) < 0 || xmlTextWriterEndElement(f->w) < 0 ||
	    xmlTextWriterEndElement(f->w) < 0)
		f->failed = 1;
	return f->failed ? -1 : 0;
}

int
web_bbox_param(const char *v, struct report_query *q)
{
	char part[4][64];
	double d[4];
	const char *p = v;
	size_t i, n;

	for (i = 0; i < 4; i++) {
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(part[i]) || (i < 3 && p[n] != ',') ||
		    (i == 3 && p[n] != '\0'))
			return -1;
		memcpy(part[i], p, n);
		part[i][n] = '\0';
		if (parse_double(part[i], &d[i]) == -1)
			return -1;
		p += n + (i < 3);
	}
	if (d[0] > d[2] || d[1] > d[3] || d[1] < -90 || d[3] > 90 ||
	    d[0] < -180 || d[2] > 180)
		return -1;
	q->has_bbox = 1;
	q->min_lon = d[0];
	q->min_lat = d[1];
	q->max_lon = d[2];
	q->max_lat = d[3];
	return 0;
}

int
web_rss(struct http_request *req, struct http_response *res, void *arg)
{
	const char *bbox = http_request_param(req, "bbox");
	const struct service *service = NULL;
	const struct agency *agency = NULL;
	xmlBufferPtr buf = NULL;
	struct web_filters wf;
	struct web_ctx c;
	struct feed f;
	struct verr e;
	char title[400];
	int rc = -1;

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	c.html = 0;     /* errors as the API's, not as pages */
	/* The map's and the list's filters, read as they read them. */
	memset(&e, 0, sizeof(e));
	if (web_filters_read(req, &c, &wf, &e) == -1)
		return web_fail(req, res, &c, 400, e.field, e.message);
	if (bbox != NULL && web_bbox_param(bbox, &wf.q) == -1)
		return web_fail(req, res, &c, 400, "bbox", "bbox: four numbers "
		    "min_long,min_lat,max_long,max_lat");
	wf.q.limit = VECHE_RSS_ITEMS;
	wf.q.offset = 0;
	if (wf.service != NULL)
		service = catalog_service(c.app->catalog, wf.service);
	if (wf.agency != NULL)
		agency = catalog_agency(c.app->catalog, wf.agency);
	snprintf(title, sizeof(title), "%s — %s%s%s%s%s",
	    web_msg(M_SITE, c.lang), web_msg(M_LIST_ALL_TITLE, c.lang),
	    service ? ": " : "", service ? catalog_text(service->name, c.lang) :
	    "", agency ? (service ? ", " : ": ") : "", agency ?
	    catalog_text(agency->name, c.lang) : "");
	memset(&f, 0, sizeof(f));
	f.req = req;
	f.c = &c;
	if ((buf = xmlBufferCreate()) == NULL ||
	    (f.w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto out;
	if (xmlTextWriterStartDocument(f.w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(f.w, BAD_CAST "rss") < 0 ||
	    xmlTextWriterWriteAttribute(f.w, BAD_CAST "version",
	    BAD_CAST "2.0") < 0 ||
	    xmlTextWriterStartElement(f.w, BAD_CAST "channel") < 0)
		goto out;
	element(&f, "title", title);
	element(&f, "link", web_url(req, &c, "/reports"));
	element(&f, "description", web_msg(M_TAGLINE, c.lang));
	element(&f, "language", c.lang == LANG_EN ? "en" : "ru");
	if (report_list(c.store, NULL, &wf.q, on_item, &f) != 0 || f.failed)
		goto out;
	if (xmlTextWriterEndDocument(f.w) < 0)
		goto out;
	xmlFreeTextWriter(f.w);
	f.w = NULL;
	http_response_kind(res, HTTP_TYPE_RSS);
	rc = http_response_append(res, xmlBufferContent(buf),
	    (size_t)xmlBufferLength(buf));
out:
	if (f.w != NULL)
		xmlFreeTextWriter(f.w);
	xmlBufferFree(buf);
	return rc;
}

/*
 * The same writer for other feeds (web.h: web_feed_begin, an officials'
 * notes): a channel of title at link_path, then items, then the end.
 */
struct web_feed {
	struct feed f;
	xmlBufferPtr buf;
};

struct web_feed *
web_feed_begin(struct http_request *req, const struct web_ctx *c,
    const char *title, const char *link_path, const char *description)
{
	struct web_feed *wf;

	if ((wf = calloc(1, sizeof(*wf))) == NULL)
		return NULL;
	wf->f.req = req;
	wf->f.c = c;
	if ((wf->buf = xmlBufferCreate()) == NULL ||
	    (wf->f.w = xmlNewTextWriterMemory(wf->buf, 0)) == NULL ||
	    xmlTextWriterStartDocument(wf->f.w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(wf->f.w, BAD_CAST "rss") < 0 ||
	    xmlTextWriterWriteAttribute(wf->f.w, BAD_CAST "version",
	    BAD_CAST "2.0") < 0 ||
	    xmlTextWriterStartElement(wf->f.w, BAD_CAST "channel") < 0)
		wf->f.failed = 1;
	else {
		element(&wf->f, "title", title);
		element(&wf->f, "link", web_url(req, c, link_path));
		element(&wf->f, "description", description);
		element(&wf->f, "language", c->lang == LANG_EN ? "en" : "ru");
	}
	return wf;
}

void
web_feed_item(struct web_feed *wf, const char *title, const char *path,
    const char *text, int64_t date)
{
	const char *url = web_url(wf->f.req, wf->f.c, path);
	char when[64];

	if (wf->f.failed)
		return;
	rfc822(date, when, sizeof(when));
	if (xmlTextWriterStartElement(wf->f.w, BAD_CAST "item") < 0) {
		wf->f.failed = 1;
		return;
	}
	element(&wf->f, "title", title);
	element(&wf->f, "link", url);
	plain_element(&wf->f, "description", text);
	element(&wf->f, "pubDate", when);
	if (xmlTextWriterStartElement(wf->f.w, BAD_CAST "guid") < 0 ||
	    xmlTextWriterWriteAttribute(wf->f.w, BAD_CAST "isPermaLink",
	    BAD_CAST "true") < 0 ||
	    xmlTextWriterWriteString(wf->f.w, BAD_CAST url) < 0 ||
	    xmlTextWriterEndElement(wf->f.w) < 0 ||
	    xmlTextWriterEndElement(wf->f.w) < 0)
		wf->f.failed = 1;
}

int
web_feed_end(struct web_feed *wf, struct http_response *res)
{
	int rc = -1;

	if (wf == NULL)
		return -1;
	if (!wf->f.failed && xmlTextWriterEndDocument(wf->f.w) >= 0) {
		xmlFreeTextWriter(wf->f.w);
		wf->f.w = NULL;
		http_response_kind(res, HTTP_TYPE_RSS);
		rc = http_response_append(res, xmlBufferContent(wf->buf),
		    (size_t)xmlBufferLength(wf->buf));
	}
	if (wf->f.w != NULL)
		xmlFreeTextWriter(wf->f.w);
	xmlBufferFree(wf->buf);
	free(wf);
	return rc;
}
