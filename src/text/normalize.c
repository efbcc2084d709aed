/*
 * normalize.c: NFKC, case folding and ё -> е, with a map back to the source.
 *
 * The input is cut into segments: a starter code point and the combining
 * marks after it.  Composition never crosses a segment boundary (Hangul
 * jamo excepted, handled by keeping V/T jamo in the segment), so each
 * segment can be normalised on its own and every output byte can point back
 * at the source byte where its segment began.  ASCII and basic Cyrillic
 * followed by a starter take a table path; everything else goes through
 * utf8proc (NFKC_Casefold without dropping the code points emoji need).
 */
#include <string.h>

#include <utf8proc.h>

#include "text/ctx.h"

/* Normalised text may be longer than its source (NFKC expands some). */
#define NORM_MAX	(4u * TEXT_MAX_INPUT)

#define UTF8PROC_OPTS \
	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | \
	 UTF8PROC_CASEFOLD)

static int
reserve(struct text_ctx *ctx, size_t more)
{
	void *p = ctx->norm;
	size_t cap = ctx->norm_cap, mcap = ctx->norm_cap;
	void *m = ctx->map;

	if (ctx->norm_len + more <= ctx->norm_cap)
		return 0;
	if (text_grow(&p, &cap, ctx->norm_len + more, 1, NORM_MAX) == -1)
		return -1;
	ctx->norm = p;
	if (text_grow(&m, &mcap, cap, sizeof(uint32_t), NORM_MAX) == -1)
		return -1;
	ctx->map = m;
	ctx->norm_cap = cap < mcap ? cap : mcap;
	return 0;
}

/*
 * Whether the code point starting at s[0] (n bytes left) may change how the
 * code point before it normalises: a combining mark or a Hangul V/T jamo.
 * ASCII and two-byte Cyrillic (lead bytes D0, D1) never do.
 */
static int
joins_previous(const unsigned char *s, size_t n)
{
	uint32_t cp;
	const utf8proc_property_t *p;

	if (n == 0 || s[0] < 0x80 || s[0] == 0xD0 || s[0] == 0xD1)
		return 0;
	if (utf8_decode(s, n, &cp) == 0)
		return 0;	/* reported when the loop reaches it */
	if (cp >= 0x1161 && cp <= 0x11C2)
		return 1;
	p = utf8proc_get_property((utf8proc_int32_t)cp);
	return p->combining_class != 0;
}

size_t
norm_segment_end(const char *s, size_t len, size_t at)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	if (at >= len || (n = utf8_decode(u + at, len - at, &cp)) == 0)
		return at < len ? at + 1 : len;
	at += n;
	while (at < len && joins_previous(u + at, len - at))
		at += utf8_decode(u + at, len - at, &cp);
	return at;
}

/* Default-ignorable code points that emoji sequences need kept. */
static int
keep_ignorable(uint32_t cp)
{
	return cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	    (cp >= 0xE0020 && cp <= 0xE007F);
}

static void
put(struct text_ctx *ctx, uint32_t cp, uint32_t src)
{
	size_t n, i;

	if (cp == 0x0451)	/* ё */
		cp = 0x0435;	/* е */
	n = utf8_encode(cp, ctx->norm + ctx->norm_len);
	for (i = 0; i < n; i++)
		ctx->map[ctx->norm_len + i] = src;
	ctx->norm_len += n;
}

/* Normalise the segment s[0..n) that starts at source offset src. */
static int
slow_segment(struct text_ctx *ctx, const unsigned char *s, size_t n,
    uint32_t src, struct text_error *err)
{
	utf8proc_ssize_t got, i;
	void *p;
	size_t cap;

	for (;;) {
		got = utf8proc_decompose((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)n, ctx->ucs,
		    (utf8proc_ssize_t)ctx->ucs_cap, UTF8PROC_OPTS);
		if (got < 0) {
			text_error_set(err, src, 0,
			    "cannot normalise text at byte %u: %s",
			    (unsigned)src, utf8proc_errmsg(got));
			return -1;
		}
		if ((size_t)got <= ctx->ucs_cap)
			break;
		p = ctx->ucs;
		cap = ctx->ucs_cap;
		if (text_grow(&p, &cap, (size_t)got, sizeof(int32_t),
		    NORM_MAX) == -1)
			goto nomem;
		ctx->ucs = p;
		ctx->ucs_cap = cap;
	}
	got = utf8proc_normalize_utf32(ctx->ucs, got, UTF8PROC_OPTS);
	if (got < 0) {
		text_error_set(err, src, 0, "cannot normalise text at byte %u",
		    (unsigned)src);
		return -1;
	}
	if (reserve(ctx, (size_t)got * 4) == -1)
		goto nomem;
	for (i = 0; i < got; i++) {
		uint32_t cp = (uint32_t)ctx->ucs[i];

		if (utf8proc_get_property(ctx->ucs[i])->ignorable &&
		    !keep_ignorable(cp))
			continue;
		put(ctx, cp, src);
	}
	return 0;
nomem:
	text_error_set(err, src, 0,
	    "text too long or out of memory while normalising (limit %u bytes)",
	    (unsigned)NORM_MAX);
	return -1;
}

int
text_normalize(struct text_ctx *ctx, const char *s, size_t len,
    struct text_error *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, j;
	uint32_t cp, next;

	ctx->norm_len = 0;
	if (len > TEXT_MAX_INPUT) {
		text_error_set(err, TEXT_MAX_INPUT, 0,
		    "text is longer than %u bytes", (unsigned)TEXT_MAX_INPUT);
		return -1;
	}
	/* Most text keeps its length; reserve once, grow on expansion. */
	if (reserve(ctx, len + 16) == -1)
		goto nomem;
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0) {
			text_error_set(err, i, 0,
			    "invalid UTF-8 at byte %zu", i);
			return -1;
		}
		if (reserve(ctx, 4) == -1)
			goto nomem;
		if (cp < 0x80 && !joins_previous(u + i + 1, len - i - 1)) {
			ctx->norm[ctx->norm_len] = (char)(cp >= 'A' && cp <= 'Z' ?
			    cp + 32 : cp);
			ctx->map[ctx->norm_len++] = (uint32_t)i;
			i += 1;
			continue;
		}
		if (cp >= 0x400 && cp <= 0x45F &&
		    !joins_previous(u + i + n, len - i - n)) {
			if (cp <= 0x40F)
				cp += 0x50;
			else if (cp <= 0x42F)
				cp += 0x20;
			put(ctx, cp, (uint32_t)i);
			i += n;
			continue;
		}
		/* A starter and whatever joins it. */
		j = i + n;
		while (j < len && joins_previous(u + j, len - j))
			j += utf8_decode(u + j, len - j, &next);
		if (slow_segment(ctx, u + i, j - i, (uint32_t)i, err) == -1)
			return -1;
		i = j;
	}
	return 0;
nomem:
	text_error_set(err, i, 0,
	    "text too long or out of memory while normalising (limit %u bytes)",
	    (unsigned)NORM_MAX);
	return -1;
}
