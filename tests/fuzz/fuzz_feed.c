/*
 * fuzz_feed.c: feed_parse, every format (RSS 2.0, RDF, Atom 1.0, JSON Feed,
 * VK API responses, Telegram Desktop exports) and every charset path.
 *
 * The input's first line names the kind and, optionally, a charset
 * ("rss", "telegram windows-1251", "auto koi8-r"); an unknown kind reads as
 * "auto".  The rest is the body.  feed_parse either refuses it with a
 * message (and leaves the feed empty) or returns items that keep feed.h's
 * promises: a guid, non-empty text within VECHE_FEED_MAX_ITEM, valid UTF-8
 * everywhere, a URL only when it is http(s), an author that is never an
 * e-mail address, at most VECHE_FEED_MAX_ITEMS items.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "feed/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s is valid UTF-8 (no overlongs, no surrogates). */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int c, min;
	int n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0)
			n = 1, c = *p & 0x1F, min = 0x80;
		else if ((*p & 0xF0) == 0xE0)
			n = 2, c = *p & 0x0F, min = 0x800;
		else if ((*p & 0xF8) == 0xF0)
			n = 3, c = *p & 0x07, min = 0x10000;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (p[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void
check(const struct feed *f)
{
	const struct feed_item *it;
	size_t i;

	if (f->n > VECHE_FEED_MAX_ITEMS || (f->n > 0 && f->items == NULL))
		abort();
	for (i = 0; i < f->n; i++) {
		it = &f->items[i];
		if (it->guid == NULL || it->guid[0] == '\0' ||
		    strlen(it->guid) > VECHE_FEED_MAX_FIELD || !utf8_ok(it->guid))
			abort();
		if (it->text == NULL || it->text[0] == '\0' ||
		    strlen(it->text) > VECHE_FEED_MAX_ITEM + 1 ||
		    !utf8_ok(it->text))
			abort();
		if (it->url != NULL && ((strncmp(it->url, "http://", 7) != 0 &&
		    strncmp(it->url, "https://", 8) != 0) || !utf8_ok(it->url)))
			abort();
		if (it->author != NULL && (strchr(it->author, '@') != NULL ||
		    it->author[0] == '\0' || !utf8_ok(it->author)))
			abort();
		if (it->published < 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *sp;
	char head[64], *charset = NULL, err[256];
	enum feed_kind kind;
	struct feed f;
	size_t hl;

	nl = memchr(s, '\n', size);
	hl = nl != NULL ? (size_t)(nl - s) : 0;
	if (hl >= sizeof(head))
		hl = 0;
	memcpy(head, s, hl);
	head[hl] = '\0';
	if (memchr(head, '\0', hl) != NULL)
		head[0] = '\0';
	if ((sp = strchr(head, ' ')) != NULL) {
		head[sp - head] = '\0';
		charset = head + (sp - head) + 1;
	}
	if ((kind = feed_kind_parse(head)) == FEED_KIND__MAX)
		kind = FEED_AUTO;
	if (nl != NULL && hl > 0) {
		s += hl + 1;
		size -= hl + 1;
	}
	err[0] = '\0';
	if (feed_parse(kind, s, size, charset, &f, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || f.n != 0 || f.items != NULL)
			abort();
	} else
		check(&f);
	feed_free(&f);
	return 0;
}
