/*
 * feed.h: read what a listening source hands veche (RSS 2.0, Atom 1.0,
 * JSON Feed 1.1, VK API wall.get / wall.getComments responses, Telegram
 * Desktop's result.json) into plain items.  Untrusted bytes: every parser
 * is bounded by the VECHE_FEED_* limits of veche.h, XML is read without
 * network access, external entities or entity expansion, and an error names
 * the place ("line 3: ...", "response.items[2].text: a string").
 *
 * Nothing here knows the store or HTTP; core/listen.c calls feed_parse for
 * fetched feeds and uploaded exports alike.  libxml2 and jansson live here
 * (tests/layers/check_layers.py, "feed").
 */
#ifndef VECHE_FEED_H
#define VECHE_FEED_H

#include <stddef.h>
#include <stdint.h>

enum feed_kind {
	FEED_AUTO,              /* guess from the first bytes (XML or JSON) */
	FEED_RSS,               /* RSS 2.0 (and RDF/RSS 1.0 items) */
	FEED_ATOM,              /* Atom 1.0 */
	FEED_JSONFEED,          /* JSON Feed 1.1 (and 1.0) */
	FEED_VK,                /* VK API wall.get / wall.getComments response */
	FEED_TELEGRAM,          /* Telegram Desktop export, result.json */
	FEED_KIND__MAX
};

/*
 * One item.  guid is never NULL (the item's id, else its URL); url and
 * author may be NULL; author is a public handle only (never an e-mail, a
 * real name from a VK profile or a Telegram display name).  text is plain
 * UTF-8 (HTML stripped): the title and the body.  published is Unix
 * seconds, 0 when the item had no date.
 */
struct feed_item {
	char *guid;
	char *url;
	char *author;
	char *text;
	int64_t published;
};

/* A parsed feed; free with feed_free. */
struct feed {
	enum feed_kind kind;            /* what it turned out to be */
	struct feed_item *items;
	size_t n;
	size_t skipped;                 /* items over VECHE_FEED_MAX_ITEM, or empty */
};

/* "rss", "atom", "jsonfeed", "vk", "telegram"; "auto" for FEED_AUTO. */
const char *feed_kind_name(enum feed_kind k);

/* The kind named s, or FEED_KIND__MAX. */
enum feed_kind feed_kind_parse(const char *s);

/*
 * Parse len bytes of kind (FEED_AUTO: RSS, Atom or JSON Feed, told by the
 * content).  charset is the HTTP Content-Type's charset or NULL: XML
 * without a declaration and JSON in another charset are converted from it
 * (windows-1251, koi8-r ...).  Returns 0 with *out filled (the caller frees
 * it with feed_free), or -1 with a message naming the place in err; *out is
 * then empty.
 */
int feed_parse(enum feed_kind kind, const char *body, size_t len,
    const char *charset, struct feed *out, char *err, size_t errlen);

/* Free what feed_parse filled.  Accepts an empty feed. */
void feed_free(struct feed *f);

/*
 * Convert len bytes from charset to UTF-8 into a new NUL-terminated buffer
 * (*out, *outlen; free()).  Returns 0, or -1 with err set (unknown charset,
 * bytes not in it, longer than VECHE_FEED_MAX_BYTES).
 */
int feed_to_utf8(const char *charset, const char *in, size_t len, char **out,
    size_t *outlen, char *err, size_t errlen);

/* Internals shared by feed.c and feed_json.c. */
int feed_add(struct feed *f, const char *guid, const char *url,
    const char *author, const char *title, const char *body,
    int64_t published, char *err, size_t errlen);
int feed_parse_json(enum feed_kind kind, const char *body, size_t len,
    struct feed *out, char *err, size_t errlen);
char *feed_strip_html(const char *html, size_t len);
int64_t feed_date_rfc3339(const char *s);

#endif
