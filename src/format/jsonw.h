/*
 * jsonw.h: a JSON writer that writes straight into a sink (an HTTP
 * response, a file) through a struct outbuf: no tree, no per-value malloc.
 *
 * For big, hot documents (Open311 lists, the map's answers).  jansson stays
 * for parsing and for small or rare documents; what jsonw writes is what
 * jansson's JSON_COMPACT | JSON_REAL_PRECISION(10) dump of the same values
 * would be (same escapes, no spaces), except that a coordinate never takes
 * an exponent (0.00001, not 1e-05): the same JSON value.
 *
 * Strings are UTF-8: a byte that does not start a valid sequence (overlong,
 * surrogate, past U+10FFFF, cut short) is written as U+FFFD, so the output
 * is always valid JSON.  Control characters are escaped as jansson does
 * (\n, \t ..., \u001F); with JSONW_HTML_SAFE, "</" is written "<\/" so the
 * JSON may sit inside an HTML <script>.
 *
 * Usage: jsonw_init, then values (jsonw_key before each member of an
 * object), then jsonw_finish.  Misuse (a key outside an object, an end
 * without a begin, nesting past JSONW_MAX_DEPTH) makes jsonw_finish fail.
 */
#ifndef VECHE_FORMAT_JSONW_H
#define VECHE_FORMAT_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "format/outbuf.h"

#define JSONW_MAX_DEPTH 32

enum jsonw_flag {
	JSONW_HTML_SAFE = 1     /* "</" as "<\/" */
};

struct jsonw {
	struct outbuf out;
	unsigned flags;
	int depth;
	int after_key;                          /* a key waits for its value */
	int bad;                                /* misuse: see above */
	unsigned char open[JSONW_MAX_DEPTH];    /* '{' or '[' */
	unsigned char first[JSONW_MAX_DEPTH];   /* nothing written yet */
};

/* Start w writing to sink(arg); flags: enum jsonw_flag. */
void jsonw_init(struct jsonw *w, unsigned flags, outbuf_sink sink,
    void *arg);

void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);

/* The name of the next member of the current object. */
void jsonw_key(struct jsonw *w, const char *key);

/* s as a JSON string, or null when s is NULL. */
void jsonw_string(struct jsonw *w, const char *s);
/* The n bytes at s as a JSON string. */
void jsonw_string_n(struct jsonw *w, const char *s, size_t n);

void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);

/*
 * A coordinate in degrees, rounded to COORD_DECIMALS places, without
 * trailing zeros ("57.618998", "40.0"); null when not finite.
 */
void jsonw_coord(struct jsonw *w, double v);

/*
 * The text of a coordinate as jsonw_coord writes it, into buf (at least
 * JSONW_COORD_LEN bytes, NUL-terminated); with point 0, a whole number
 * has no ".0" ("40", as Open311's XML writes it).  Returns the length, or
 * 0 when v is not finite or not a plausible coordinate (|v| >= 1e6).
 */
#define JSONW_COORD_LEN 32
size_t jsonw_coord_text(double v, char *buf, int point);

/* The decimal text of v at p (at most JSONW_INT_LEN bytes, no NUL);
 * returns its end. */
#define JSONW_INT_LEN 20
char *jsonw_int_text(int64_t v, char *p);

/* Any double as jansson writes it with JSON_REAL_PRECISION(prec)
 * (1 to 17); null when not finite. */
void jsonw_real(struct jsonw *w, double v, int prec);

/*
 * The n bytes at s, a whole JSON value the caller formed (numbers and
 * fixed names: nothing is escaped), as the next value.
 */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);

/*
 * The same, formed in place: room for at most n bytes (n <= OUTBUF_SIZE)
 * as the next value; the caller writes there and hands jsonw_raw_end the
 * end of what it wrote.  Between the two, jsonw_escape(&w->out ...) and
 * outbuf_room / outbuf_used on w->out may continue the same value (a
 * value with strings in it).  No copy through a buffer of the caller's.
 */
char *jsonw_raw_begin(struct jsonw *w, size_t n);
void jsonw_raw_end(struct jsonw *w, const char *end);

/* A key and its string value (NULL: null), the common pair. */
void jsonw_key_string(struct jsonw *w, const char *key, const char *s);

/*
 * Flush what is buffered.  Returns 0, or -1 when the sink failed or the
 * document was not closed properly.
 */
int jsonw_finish(struct jsonw *w);

/*
 * Write the escaped body of a JSON string (no quotes) for the n bytes at s
 * to o, as jsonw_string does.  For other writers that embed JSON text.
 */
void jsonw_escape(struct outbuf *o, const char *s, size_t n, unsigned flags);

#endif
