/*
 * jsonw.c: the direct JSON writer (jsonw.h).  Numbers are formatted by
 * hand where it pays (integers, coordinates); other doubles go through
 * snprintf as jansson's do.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/coord.h"
#include "format/jsonw.h"

void
jsonw_init(struct jsonw *w, unsigned flags, outbuf_sink sink, void *arg)
{
	outbuf_init(&w->out, sink, arg);
	w->flags = flags;
	w->depth = 0;
	w->after_key = 0;
	w->bad = 0;
}

/* The separator before a value: none after a key, else a comma unless it
 * is the first item. */
static void
before_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->open[w->depth - 1] == '{')
			w->bad = 1;     /* a member without its key */
		if (!w->first[w->depth - 1])
			outbuf_putc(&w->out, ',');
		w->first[w->depth - 1] = 0;
	}
}

static void
begin(struct jsonw *w, char c)
{
	before_value(w);
	if (w->depth == JSONW_MAX_DEPTH) {
		w->bad = 1;
		return;
	}
	w->open[w->depth] = (unsigned char)c;
	w->first[w->depth] = 1;
	w->depth++;
	outbuf_putc(&w->out, c);
}

static void
end(struct jsonw *w, char open, char close)
{
	if (w->depth == 0 || w->open[w->depth - 1] != open || w->after_key) {
		w->bad = 1;
		return;
	}
	w->depth--;
	outbuf_putc(&w->out, close);
}

void
jsonw_object_begin(struct jsonw *w)
{
	begin(w, '{');
}

void
jsonw_object_end(struct jsonw *w)
{
	end(w, '{', '}');
}

void
jsonw_array_begin(struct jsonw *w)
{
	begin(w, '[');
}

void
jsonw_array_end(struct jsonw *w)
{
	end(w, '[', ']');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;               /* continuation, overlong lead, past U+10FFFF */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = c & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Bytes copied as they are: printable ASCII but '"', '\\' and '/' (which
 * JSONW_HTML_SAFE may escape). */
static const unsigned char plain[256] = {
	['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['@'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['P'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	['`'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['p'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void
jsonw_escape(struct outbuf *o, const char *str, size_t n, unsigned flags)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, k;
	char esc[6];

	while (i < n) {
		unsigned char c = s[i];
		const char *rep = NULL;
		size_t replen = 2;

		if (plain[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* Two-byte sequences (Cyrillic) first, inline. */
			if (c >= 0xc2 && c <= 0xdf && i + 1 < n &&
			    (s[i + 1] & 0xc0) == 0x80) {
				i += 2;
				continue;
			}
			if ((k = utf8_len(s + i, n - i)) > 0) {
				i += k;
				continue;
			}
			rep = "\xef\xbf\xbd";   /* U+FFFD */
			replen = 3;
		} else if (c == '/' && (!(flags & JSONW_HTML_SAFE) || i == 0 ||
		    s[i - 1] != '<')) {
			i++;
			continue;
		} else {
			switch (c) {
			case '"': rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			case '/': rep = "\\/"; break;
			case '\b': rep = "\\b"; break;
			case '\f': rep = "\\f"; break;
			case '\n': rep = "\\n"; break;
			case '\r': rep = "\\r"; break;
			case '\t': rep = "\\t"; break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				rep = esc;
				replen = 6;
			}
		}
		outbuf_put(o, str + run, i - run);
		outbuf_put(o, rep, replen);
		i++;
		run = i;
	}
	outbuf_put(o, str + run, n - run);
}

void
jsonw_string_n(struct jsonw *w, const char *s, size_t n)
{
	before_value(w);
	outbuf_putc(&w->out, '"');
	jsonw_escape(&w->out, s, n, w->flags);
	outbuf_putc(&w->out, '"');
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	if (s == NULL)
		jsonw_null(w);
	else
		jsonw_string_n(w, s, strlen(s));
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	if (w->depth == 0 || w->open[w->depth - 1] != '{' || w->after_key) {
		w->bad = 1;
		return;
	}
	if (!w->first[w->depth - 1])
		outbuf_putc(&w->out, ',');
	w->first[w->depth - 1] = 0;
	outbuf_putc(&w->out, '"');
	jsonw_escape(&w->out, key, strlen(key), w->flags);
	outbuf_put(&w->out, "\":", 2);
	w->after_key = 1;
}

void
jsonw_key_string(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_string(w, s);
}

/* The digits of v from p on, written in place from the last (their
 * count first: no copy, no call for a few bytes); returns their end. */
static char *
put_u64(char *p, uint64_t v)
{
	uint64_t t = v;
	char *end;

	for (end = p + 1; t >= 10; t /= 10)
		end++;
	p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

char *
jsonw_int_text(int64_t v, char *p)
{
	if (v < 0)
		*p++ = '-';
	return put_u64(p, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[JSONW_INT_LEN];

	before_value(w);
	outbuf_put(&w->out, buf, (size_t)(jsonw_int_text(v, buf) - buf));
}

void
jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	before_value(w);
	outbuf_put(&w->out, s, n);
}

char *
jsonw_raw_begin(struct jsonw *w, size_t n)
{
	before_value(w);
	return outbuf_room(&w->out, n);
}

void
jsonw_raw_end(struct jsonw *w, const char *end)
{
	outbuf_used(&w->out, end);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	before_value(w);
	if (v)
		outbuf_put(&w->out, "true", 4);
	else
		outbuf_put(&w->out, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	before_value(w);
	outbuf_put(&w->out, "null", 4);
}

void
jsonw_real(struct jsonw *w, double v, int prec)
{
	char buf[40];
	int n;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	if (prec < 1 || prec > 17)
		prec = 17;
	before_value(w);
	n = snprintf(buf, sizeof(buf), "%.*g", prec, v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2) {
		w->bad = 1;
		return;
	}
	/* jansson's rule: a real always looks like one. */
	if (strpbrk(buf, ".eE") == NULL) {
		buf[n++] = '.';
		buf[n++] = '0';
	}
	outbuf_put(&w->out, buf, (size_t)n);
}

/*
 * k = round(v * 1e6) is coord_round(v) * 1e6 exactly: the quotient
 * k / 1e6 is within half an ulp, and multiplying back errs by under
 * 1e-3 for |k| < 1e12, far from changing the nearest integer; and
 * |coord_round(v)| >= 1e6 exactly when |k| >= 1e12.  So the digits come
 * from k itself, left to right, with no division or second rounding.
 */
size_t
jsonw_coord_text(double v, char *buf, int point)
{
	static const char pairs[201] =
	    "000102030405060708091011121314151617181920212223242526272829"
	    "303132333435363738394041424344454647484950515253545556575859"
	    "606162636465666768697071727374757677787980818283848586878889"
	    "90919293949596979899";
	char *p = buf;
	uint64_t u;
	unsigned fp, i;
	double k;

	if (!isfinite(v))
		return 0;
	k = round(v * 1e6);
	if (fabs(k) >= 1e12)
		return 0;
	u = (uint64_t)fabs(k);
	if (k < 0 && u != 0)
		*p++ = '-';
	p = put_u64(p, u / 1000000);
	fp = (unsigned)(u % 1000000);
	if (fp != 0) {
		/* Six decimals, trailing zeros dropped. */
		*p++ = '.';
		for (i = 0; i < 3; i++) {
			unsigned two = i == 0 ? fp / 10000 : i == 1 ?
			    fp / 100 % 100 : fp % 100;

			*p++ = pairs[2 * two];
			*p++ = pairs[2 * two + 1];
		}
		while (p[-1] == '0')
			p--;
	} else if (point) {
		*p++ = '.';
		*p++ = '0';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

void
jsonw_coord(struct jsonw *w, double v)
{
	char buf[JSONW_COORD_LEN];
	size_t n;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	/* Degrees are small; anything else takes jansson's way. */
	if ((n = jsonw_coord_text(v, buf, 1)) == 0) {
		jsonw_real(w, coord_round(v), 10);
		return;
	}
	before_value(w);
	outbuf_put(&w->out, buf, n);
}

int
jsonw_finish(struct jsonw *w)
{
	if (outbuf_flush(&w->out) == -1)
		return -1;
	return w->bad || w->depth != 0 || w->after_key ? -1 : 0;
}
