/*
 * feed.c: RSS 2.0 and Atom 1.0 through libxml2, what every format shares
 * (items, limits, dates, HTML to text, charsets) and the dispatch.  JSON
 * formats are in feed_json.c.
 *
 * XML safety: xmlReadMemory with XML_PARSE_NONET (no network), without
 * XML_PARSE_NOENT (entities are not substituted), XML_PARSE_DTDLOAD
 * (no external DTD) or XML_PARSE_HUGE (libxml2's own size and depth limits
 * stay on); a document that declares entities of its own is refused before
 * any text is read, so no entity expansion (a "billion laughs") can happen.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "veche.h"
#include "feed/feed.h"

static const char *const kind_names[FEED_KIND__MAX] = {
	[FEED_AUTO] = "auto", [FEED_RSS] = "rss", [FEED_ATOM] = "atom",
	[FEED_JSONFEED] = "jsonfeed", [FEED_VK] = "vk",
	[FEED_TELEGRAM] = "telegram",
};

const char *
feed_kind_name(enum feed_kind k)
{
	return (unsigned)k < FEED_KIND__MAX ? kind_names[k] : "?";
}

enum feed_kind
feed_kind_parse(const char *s)
{
	int k;

	for (k = 0; s != NULL && k < FEED_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return (enum feed_kind)k;
	return FEED_KIND__MAX;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
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

void
feed_free(struct feed *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->items[i].guid);
		free(f->items[i].url);
		free(f->items[i].author);
		free(f->items[i].text);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

/* A copy of s cut to at most max bytes (at a UTF-8 boundary), or NULL. */
static char *
dup_field(const char *s, size_t max)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * A public handle from an author field: an e-mail address is never kept
 * ("ivan@mail.ru (Ivan)" keeps nothing: the name beside an address is the
 * person's, not a handle).
 */
static char *
public_handle(const char *s)
{
	if (s == NULL || strchr(s, '@') != NULL)
		return NULL;
	return dup_field(s, VECHE_FEED_MAX_FIELD);
}

int
feed_add(struct feed *f, const char *guid, const char *url,
    const char *author, const char *title, const char *body,
    int64_t published, char *err, size_t errlen)
{
	struct feed_item *it, *grown;
	size_t tl, bl;
	char *text;

	tl = title != NULL ? strlen(title) : 0;
	bl = body != NULL ? strlen(body) : 0;
	/* A body that starts with the title (common in RSS) is enough. */
	if (tl > 0 && bl >= tl && strncmp(body, title, tl) == 0)
		tl = 0;
	if (tl + bl > VECHE_FEED_MAX_ITEM || tl + bl == 0 ||
	    (guid == NULL && url == NULL)) {
		f->skipped++;
		return 0;
	}
	if (f->n >= VECHE_FEED_MAX_ITEMS)
		return fail(err, errlen, "more than %d items",
		    VECHE_FEED_MAX_ITEMS);
	if ((text = malloc(tl + bl + 2)) == NULL)
		return fail(err, errlen, "out of memory");
	snprintf(text, tl + bl + 2, "%s%s%s", tl ? title : "",
	    tl && bl ? "\n" : "", bl ? body : "");
	if ((grown = realloc(f->items, (f->n + 1) * sizeof(*grown))) ==
	    NULL) {
		free(text);
		return fail(err, errlen, "out of memory");
	}
	f->items = grown;
	it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->text = text;
	it->guid = dup_field(guid != NULL ? guid : url, VECHE_FEED_MAX_FIELD);
	it->url = url != NULL && (strncmp(url, "http://", 7) == 0 ||
	    strncmp(url, "https://", 8) == 0) ? dup_field(url,
	    VECHE_FEED_MAX_FIELD) : NULL;
	it->author = public_handle(author);
	/* A date before 1970 (a typo, a year of 1013) is no date. */
	it->published = published > 0 ? published : 0;
	if (it->guid == NULL) {
		free(it->text);
		free(it->url);
		free(it->author);
		f->skipped++;
		return 0;
	}
	f->n++;
	return 0;
}

/* Plain text of an HTML fragment (tags dropped, entities decoded). */
char *
feed_strip_html(const char *html, size_t len)
{
	htmlDocPtr doc;
	xmlChar *t;
	char *out;

	if (len == 0 || (memchr(html, '<', len) == NULL && memchr(html, '&',
	    len) == NULL))
		return dup_field(html, len);
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_PARSE_NONET |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return NULL;
	t = xmlNodeGetContent((xmlNodePtr)doc);
	out = dup_field((const char *)t, VECHE_FEED_MAX_ITEM + 1);
	xmlFree(t);
	xmlFreeDoc(doc);
	return out;
}

/* Two digits at s, or -1. */
static int
two(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Seconds east of UTC of "Z", "+03:00", "+0300", or -1 when not one. */
static int
zone_offset(const char *s, long *off)
{
	int h, m;

	while (*s == ' ')
		s++;
	if (*s == 'Z' || strcmp(s, "GMT") == 0 || strcmp(s, "UT") == 0 ||
	    strcmp(s, "UTC") == 0) {
		*off = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	if ((h = two(s + 1)) < 0)
		return -1;
	m = two(s + (s[3] == ':' ? 4 : 3));
	if (m < 0)
		return -1;
	*off = (long)(h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return 0;
}

/* "2026-06-15T09:00:00+03:00" (fraction allowed); 0 when not a date. */
int64_t
feed_date_rfc3339(const char *s)
{
	struct tm tm;
	const char *p;
	long off;
	int y;

	if (s == NULL || strlen(s) < 19 || sscanf(s, "%4d", &y) != 1 ||
	    s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' &&
	    s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = two(s + 5) - 1;
	tm.tm_mday = two(s + 8);
	tm.tm_hour = two(s + 11);
	tm.tm_min = two(s + 14);
	tm.tm_sec = two(s + 17);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
		return 0;
	p = s + 19;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '\0')
		off = 0;
	else if (zone_offset(p, &off) == -1)
		return 0;
	return (int64_t)timegm(&tm) - off;
}

/* RFC 822 as RSS has it: "Mon, 15 Jun 2026 09:00:00 +0300"; 0 if not. */
static int64_t
date_rfc822(const char *s)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char m[4], zone[8];
	struct tm tm;
	long off;
	int d, y, hh, mm, ss = 0, i;
	const char *p;

	if (s == NULL)
		return 0;
	if ((p = strchr(s, ',')) != NULL)
		s = p + 1;
	zone[0] = '\0';
	if (sscanf(s, " %d %3s %d %d:%d:%d %7s", &d, m, &y, &hh, &mm, &ss,
	    zone) < 6)
		return 0;
	memset(&tm, 0, sizeof(tm));
	for (i = 0; i < 12; i++)
		if (strcasecmp(m, mon[i]) == 0)
			tm.tm_mon = i;
	if (i == 12 && strcasecmp(m, mon[tm.tm_mon]) != 0)
		return 0;
	tm.tm_year = (y < 100 ? y + 2000 : y) - 1900;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	if (zone_offset(zone, &off) == -1)
		off = 0;
	return (int64_t)timegm(&tm) - off;
}

int
feed_to_utf8(const char *charset, const char *in, size_t len, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	size_t cap = len * 4 + 1, inleft = len, outleft;
	char *buf, *ip = (char *)in, *op;
	iconv_t cd;

	*out = NULL;
	if (cap > VECHE_FEED_MAX_BYTES + 1)
		cap = VECHE_FEED_MAX_BYTES + 1;
	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return fail(err, errlen, "charset '%.40s' is not one veche "
		    "knows", charset);
	if ((buf = malloc(cap)) == NULL) {
		iconv_close(cd);
		return fail(err, errlen, "out of memory");
	}
	op = buf;
	outleft = cap - 1;
	if (iconv(cd, &ip, &inleft, &op, &outleft) == (size_t)-1) {
		int e = errno;

		iconv_close(cd);
		free(buf);
		if (e == E2BIG)
			return fail(err, errlen, "longer than %u bytes in "
			    "UTF-8", VECHE_FEED_MAX_BYTES);
		return fail(err, errlen, "byte %zu is not %.40s", len - inleft,
		    charset);
	}
	iconv_close(cd);
	*op = '\0';
	*out = buf;
	*outlen = (size_t)(op - buf);
	return 0;
}

/* The first child element of n named name (any namespace), or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
	return NULL;
}

/* The text of n's child name (xmlFree), or NULL. */
static char *
child_text(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = child(n, name);

	return c != NULL ? (char *)xmlNodeGetContent(c) : NULL;
}

/* An item's text from HTML or plain text; NULL when there is none. */
static char *
text_of(char *raw)
{
	char *t;

	if (raw == NULL)
		return NULL;
	t = feed_strip_html(raw, strlen(raw));
	xmlFree(raw);
	return t;
}

/* The href of the Atom entry's alternate (or first) link, xmlFree'd by caller. */
static char *
atom_link(xmlNodePtr entry)
{
	xmlNodePtr c;
	xmlChar *href = NULL, *rel;

	for (c = entry->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(c->name, (const xmlChar *)"link") != 0)
			continue;
		rel = xmlGetProp(c, (const xmlChar *)"rel");
		if (rel == NULL || xmlStrcmp(rel, (const xmlChar *)
		    "alternate") == 0) {
			xmlFree(href);
			href = xmlGetProp(c, (const xmlChar *)"href");
			xmlFree(rel);
			break;
		}
		if (href == NULL)
			href = xmlGetProp(c, (const xmlChar *)"href");
		xmlFree(rel);
	}
	return (char *)href;
}

static int
read_entry(struct feed *f, xmlNodePtr n, int atom, char *err, size_t errlen)
{
	char *guid, *url, *author = NULL, *title, *body, *date;
	xmlNodePtr a;
	int64_t when;
	int rc;

	if (atom) {
		guid = child_text(n, "id");
		url = atom_link(n);
		if ((a = child(n, "author")) != NULL)
			author = child_text(a, "name");
		body = text_of(child_text(n, "content"));
		if (body == NULL)
			body = text_of(child_text(n, "summary"));
		if ((date = child_text(n, "published")) == NULL)
			date = child_text(n, "updated");
		when = feed_date_rfc3339(date);
	} else {
		guid = child_text(n, "guid");
		url = child_text(n, "link");
		if ((author = child_text(n, "creator")) == NULL)
			author = child_text(n, "author");
		body = text_of(child_text(n, "encoded"));
		if (body == NULL)
			body = text_of(child_text(n, "description"));
		if ((date = child_text(n, "pubDate")) != NULL)
			when = date_rfc822(date);
		else
			when = feed_date_rfc3339(date = child_text(n, "date"));
	}
	title = text_of(child_text(n, "title"));
	rc = feed_add(f, guid, url, author, title, body, when, err, errlen);
	xmlFree(guid);
	xmlFree(url);
	xmlFree(author);
	xmlFree(date);
	free(title);
	free(body);
	return rc;
}

/* Whether the document declares entities of its own (refused). */
static int
declares_entities(xmlDocPtr doc)
{
	return (doc->intSubset != NULL && (doc->intSubset->entities != NULL ||
	    doc->intSubset->pentities != NULL)) || doc->extSubset != NULL;
}

static int
parse_xml(enum feed_kind kind, const char *body, size_t len,
    const char *charset, struct feed *f, char *err, size_t errlen)
{
	xmlParserCtxtPtr ctx;
	xmlDocPtr doc;
	xmlNodePtr root, n, chan;
	const xmlError *xe;
	int rc = 0, atom;

	if ((ctx = xmlNewParserCtxt()) == NULL)
		return fail(err, errlen, "out of memory");
	doc = xmlCtxtReadMemory(ctx, body, (int)len, NULL, charset,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || !ctx->wellFormed) {
		xe = xmlCtxtGetLastError(ctx);
		if (xe != NULL && xe->message != NULL)
			fail(err, errlen, "not well-formed XML: line %d: %.*s",
			    xe->line, (int)strcspn(xe->message, "\n"),
			    xe->message);
		else
			fail(err, errlen, "not well-formed XML");
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return -1;
	}
	xmlFreeParserCtxt(ctx);
	if (declares_entities(doc)) {
		xmlFreeDoc(doc);
		return fail(err, errlen, "line 1: a feed may not declare "
		    "entities or a DTD");
	}
	root = xmlDocGetRootElement(doc);
	atom = root != NULL && xmlStrcmp(root->name, (const xmlChar *)"feed")
	    == 0;
	if (root == NULL || (!atom && xmlStrcmp(root->name, (const xmlChar *)
	    "rss") != 0 && xmlStrcmp(root->name, (const xmlChar *)"RDF") != 0)
	    || (kind == FEED_ATOM && !atom) || (kind == FEED_RSS && atom)) {
		fail(err, errlen, "line %d: the root element <%s> is not %s",
		    root != NULL ? (int)xmlGetLineNo(root) : 1, root != NULL ?
		    (const char *)root->name : "", kind == FEED_ATOM ?
		    "Atom's <feed>" : kind == FEED_RSS ? "RSS's <rss>" :
		    "<rss> or Atom's <feed>");
		xmlFreeDoc(doc);
		return -1;
	}
	f->kind = atom ? FEED_ATOM : FEED_RSS;
	chan = atom ? root : child(root, "channel");
	if (chan == NULL) {
		xmlFreeDoc(doc);
		return fail(err, errlen, "line %d: <rss> without a <channel>",
		    (int)xmlGetLineNo(root));
	}
	/* RSS 1.0 (RDF) puts its items beside the channel. */
	for (n = (xmlStrcmp(root->name, (const xmlChar *)"RDF") == 0 ? root :
	    chan)->children; n != NULL && rc == 0; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name,
		    (const xmlChar *)(atom ? "entry" : "item")) == 0)
			rc = read_entry(f, n, atom, err, errlen);
	xmlFreeDoc(doc);
	return rc;
}

int
feed_parse(enum feed_kind kind, const char *body, size_t len,
    const char *charset, struct feed *out, char *err, size_t errlen)
{
	char *conv = NULL;
	size_t i, convlen;
	int rc, json;

	memset(out, 0, sizeof(*out));
	if (len > VECHE_FEED_MAX_BYTES)
		return fail(err, errlen, "longer than %u bytes",
		    VECHE_FEED_MAX_BYTES);
	if (charset != NULL && (charset[0] == '\0' ||
	    strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8")
	    == 0))
		charset = NULL;
	for (i = 0; i < len && isspace((unsigned char)body[i]); i++)
		;
	json = kind == FEED_JSONFEED || kind == FEED_VK ||
	    kind == FEED_TELEGRAM || (kind == FEED_AUTO && i < len &&
	    (body[i] == '{' || body[i] == '['));
	if (!json) {
		if (i == len)
			return fail(err, errlen, "empty");
		rc = parse_xml(kind, body, len, charset, out, err, errlen);
	} else {
		if (charset != NULL) {
			if (feed_to_utf8(charset, body, len, &conv, &convlen,
			    err, errlen) == -1)
				return -1;
			body = conv;
			len = convlen;
		}
		rc = feed_parse_json(kind == FEED_AUTO ? FEED_JSONFEED : kind,
		    body, len, out, err, errlen);
		free(conv);
	}
	if (rc == -1)
		feed_free(out);
	return rc;
}
