/*
 * web_rss.c: GET /rss, an RSS 2.0 feed of the newest reports, for the
 * whole city or the filters of the map and the list (service_code,
 * agency, status, days: web_filters_read) and an area (bbox =
 * min_long,min_lat,max_long,max_lat), written straight into the response
 * with format/xmlw.h (the bytes libxml2's writer wrote before, without its
 * tree of buffers), every text escaped by it.  A report's description is
 * plain text, sent as HTML that shows it as typed (plain_element).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/list_items.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "core/report.h"
#include "format/xmlw.h"
#include "http/http.h"

struct feed {
	struct outbuf out;              /* into the response */
	struct http_request *req;
	const struct web_ctx *c;
};

/* The response's end of the writer. */
static int
to_response(const char *data, size_t len, void *arg)
{
	return http_response_append(arg, data, len);
}

static void
element(struct feed *f, const char *name, const char *text)
{
	xmlw_element(&f->out, name, text != NULL ? text : "");
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

	if (text == NULL || *text == '\0') {
		xmlw_element(&f->out, name, NULL);
		return;
	}
	xmlw_open(&f->out, name);
	/* Runs without html_entity's five characters, found by strcspn. */
	for (run = text; *(text = run + strcspn(run, "&<>\"'")) != '\0';
	    run = text + 1) {
		ent = html_entity(*text);
		xmlw_text_n(&f->out, run, (size_t)(text - run));
		xmlw_text(&f->out, ent);
	}
	xmlw_text(&f->out, run);
	xmlw_close(&f->out, name);
}

/* v in decimal, written backwards to end at end (at most 20 bytes before
 * it): where it starts.  By hand: snprintf was a tenth of a feed's time. */
static char *
digits(int64_t v, char *end)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--end = '-';
	return end;
}

/* Two digits of v (0 to 99) at p. */
static char *
two(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

#define RFC822_LEN 32            /* "Mon, 15 Jun 2026 07:00:00 +0000" */

/* RFC 822 date in UTC, as RSS 2.0 wants ("Mon, 15 Jun 2026 07:00:00
 * +0000"), without strftime's locale. */
static void
rfc822(int64_t t, char *buf, size_t len)
{
	static const char *const wday[7] = { "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat", "Sun" };
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t s = t - day * 86400;
	int y, m, d;

	char *p = buf;

	calendar_date((int32_t)day, &y, &m, &d);
	if (len < RFC822_LEN || y < 0 || y > 9999) {
		snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		    wday[calendar_weekday((int32_t)day)], d, mon[m - 1], y,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
		return;
	}
	memcpy(p, wday[calendar_weekday((int32_t)day)], 3);
	p[3] = ',';
	p[4] = ' ';
	p = two(p + 5, d);
	*p++ = ' ';
	memcpy(p, mon[m - 1], 3);
	p[3] = ' ';
	p = two(two(p + 4, y / 100), y % 100);
	*p++ = ' ';
	p = two(p, (int)(s / 3600));
	*p++ = ':';
	p = two(p, (int)(s / 60 % 60));
	*p++ = ':';
	p = two(p, (int)(s % 60));
	memcpy(p, " +0000", 7);
}

/* An item's link and guid, and its end. */
static void
item_end(struct feed *f, const char *url)
{
	outbuf_puts(&f->out, "<guid isPermaLink=\"true\">");
	xmlw_text(&f->out, url);
	outbuf_puts(&f->out, "</guid></item>");
}

/* r's id as text in num (24 bytes) and its page's path in path (64). */
static const char *
report_path(int64_t id, char *num, char *path, size_t *n)
{
	const char *s;

	/* "N: " and "/reports/N". */
	num[21] = ':';
	num[22] = ' ';
	num[23] = '\0';
	s = digits(id, num + 21);
	*n = (size_t)(num + 21 - s);
	memcpy(path, "/reports/", 9);
	memcpy(path + 9, s, *n);
	path[9 + *n] = '\0';
	return s;
}

/* An item's start, up to its link: the title. */
static void
item_head(struct feed *f, const struct report *r)
{
	const struct service *svc = catalog_service(f->c->app->catalog,
	    r->service_code);
	char num[24], path[64];
	const char *id;
	size_t n;

	id = report_path(r->id, num, path, &n);
	xmlw_open(&f->out, "item");
	/* Written in pieces: an address may be long, and is never cut. */
	xmlw_open(&f->out, "title");
	xmlw_text(&f->out, web_msg(M_REPORT_NO, f->c->lang));
	xmlw_text(&f->out, id);
	xmlw_text(&f->out, svc != NULL ? catalog_text(svc->name, f->c->lang) :
	    r->service_code);
	if (r->address != NULL) {
		xmlw_text(&f->out, " — ");
		xmlw_text(&f->out, r->address);
	}
	xmlw_text(&f->out, " (");
	xmlw_text(&f->out, web_status_text(r->status, f->c->lang));
	xmlw_text(&f->out, ")");
	xmlw_close(&f->out, "title");
}

/* An item's middle, after its link: description, category, date. */
static void
item_body(struct feed *f, const struct report *r)
{
	char date[64];

	rfc822(r->requested, date, sizeof(date));
	plain_element(f, "description", r->description);
	element(f, "category", r->service_code);
	element(f, "pubDate", date);
}

/* Report id's link and guid around the item's middle (n bytes at body,
 * or item_body of r when body is NULL), and its end. */
static void
item_links(struct feed *f, int64_t id, const struct report *r,
    const char *body, size_t n)
{
	char num[24], path[64];
	const char *url;
	size_t len;

	report_path(id, num, path, &len);
	url = web_url(f->req, f->c, path);
	element(f, "link", url);
	if (body != NULL)
		outbuf_put(&f->out, body, n);
	else
		item_body(f, r);
	item_end(f, url != NULL ? url : "");
}

static int
on_item(const struct report *r, void *arg)
{
	struct feed *f = arg;

	item_head(f, r);
	item_links(f, r->id, r, NULL, 0);
	return f->out.failed ? -1 : 0;
}

/*
 * The items of a feed's page as rendered (api/list_items.h), without the
 * links, which name the server as the request does: a 4-byte length of
 * the head (item_head), the head, then the middle (item_body).
 */
#define RSS_VARIANT     (1u << 16)      /* beside Open311's variants */

struct rss_page {
	struct list_page pg;
	struct feed one;                /* renders one item into the page */
};

/* report_rows' callback for the reports without a kept item. */
static int
on_missing(const struct report *r, void *arg)
{
	struct rss_page *p = arg;
	size_t i, start = p->pg.used;
	uint32_t head;

	if ((i = list_page_slot(&p->pg, r->id)) == p->pg.n)
		return 0;
	if (list_page_sink("\0\0\0\0", 4, &p->pg) == -1)
		return -1;
	item_head(&p->one, r);
	if (outbuf_flush(&p->one.out) == -1)
		return -1;
	head = (uint32_t)(p->pg.used - start - 4);
	memcpy(p->pg.buf + start, &head, 4);
	item_body(&p->one, r);
	if (outbuf_flush(&p->one.out) == -1 || p->pg.failed)
		return -1;
	list_page_kept(&p->pg, i, start);
	return 0;
}

/*
 * The feed's reports: the newest of the period from the time index, each
 * item copied when kept at the map index's version of its report
 * (report_page_newest, as Open311's lists); any other filter read and
 * written row by row.
 */
static int
feed_items(struct feed *f, const struct report_query *q)
{
	const struct web_ctx *c = f->c;
	struct list_item_key key;
	struct rss_page *p;
	int64_t *ids = NULL;
	uint32_t *vers = NULL, head;
	size_t n = 0, i;
	int rc;

	if (c->app->items == NULL)
		return report_list(c->store, NULL, q, on_item, f);
	/* Not zeroed: one's 8 KB buffer is written before it is read. */
	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	rc = report_page_newest(c->app->map, c->store, q, &ids, &vers, &n);
	if (rc != 0 || n == 0) {
		free(p);
		return rc == 1 ? report_list(c->store, NULL, q, on_item, f) :
		    rc;
	}
	key.catalog = c->app->catalog;
	key.variant = RSS_VARIANT | (unsigned)c->lang;
	p->one.req = f->req;
	p->one.c = c;
	outbuf_init(&p->one.out, list_page_sink, &p->pg);
	if ((rc = list_page_begin(&p->pg, c->app->items, &key, ids, vers,
	    n)) == 0 && p->pg.nmissing > 0)
		rc = report_rows(c->store, NULL, p->pg.missing,
		    p->pg.nmissing, on_missing, p) != 0 ? -1 : 0;
	for (i = 0; rc == 0 && i < n; i++) {
		const char *item = p->pg.buf + p->pg.at[i].off;
		size_t len = p->pg.at[i].len;

		if (len < 4)
			continue;
		memcpy(&head, item, 4);
		outbuf_put(&f->out, item + 4, head);
		item_links(f, ids[i], NULL, item + 4 + head, len - 4 - head);
	}
	if (rc == 0 && f->out.failed)
		rc = -1;
	list_page_end(&p->pg);
	free(p);
	return rc;
}

/* Start the feed in res: the channel's title, link and description. */
static void
channel_begin(struct feed *f, struct http_request *req,
    const struct web_ctx *c, struct http_response *res, const char *title,
    const char *link_path, const char *description)
{
	f->req = req;
	f->c = c;
	outbuf_init(&f->out, to_response, res);
	http_response_kind(res, HTTP_TYPE_RSS);
	xmlw_declaration(&f->out, "UTF-8");
	outbuf_puts(&f->out, "<rss version=\"2.0\"><channel>");
	element(f, "title", title);
	element(f, "link", web_url(req, c, link_path));
	element(f, "description", description);
	element(f, "language", c->lang == LANG_EN ? "en" : "ru");
}

/* Close the channel and flush: 0, or -1 when the response is full. */
static int
channel_end(struct feed *f)
{
	outbuf_puts(&f->out, "</channel></rss>");
	xmlw_end_document(&f->out);
	return outbuf_flush(&f->out);
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
	struct web_filters wf;
	struct web_ctx c;
	struct feed f;
	struct verr e;
	char title[400];

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
	channel_begin(&f, req, &c, res, title, "/reports",
	    web_msg(M_TAGLINE, c.lang));
	if (feed_items(&f, &wf.q) != 0)
		return -1;
	return channel_end(&f);
}

/*
 * The same writer for other feeds (web.h: web_feed_begin, an officials'
 * notes): a channel of title at link_path, then items, then the end.
 */
struct web_feed {
	struct feed f;
};

struct web_feed *
web_feed_begin(struct http_request *req, struct http_response *res,
    const struct web_ctx *c, const char *title, const char *link_path,
    const char *description)
{
	struct web_feed *wf;

	if ((wf = http_request_alloc(req, sizeof(*wf))) == NULL)
		return NULL;
	channel_begin(&wf->f, req, c, res, title, link_path, description);
	return wf;
}

void
web_feed_item(struct web_feed *wf, const char *title, const char *path,
    const char *text, int64_t date)
{
	const char *url = web_url(wf->f.req, wf->f.c, path);
	char when[64];

	rfc822(date, when, sizeof(when));
	xmlw_open(&wf->f.out, "item");
	element(&wf->f, "title", title);
	element(&wf->f, "link", url);
	plain_element(&wf->f, "description", text);
	element(&wf->f, "pubDate", when);
	item_end(&wf->f, url != NULL ? url : "");
}

int
web_feed_end(struct web_feed *wf)
{
	return wf != NULL ? channel_end(&wf->f) : -1;
}
