/*
 * base.c: error formatting, data-file lookup and bounded file reading for
 * the text modules.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "text/base.h"
#include "text/ctx.h"

#ifndef VECHE_DATADIR
#define VECHE_DATADIR "data"
#endif

void
text_error_set(struct text_error *err, size_t offset, size_t line,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->offset = offset;
	err->line = line;
	va_start(ap, fmt);
	/* A message cut short is still a message: truncation is acceptable. */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int
text_data_path(const char *dir, const char *name, char *buf, size_t size)
{
	int n;

	if (dir == NULL || *dir == '\0')
		dir = getenv("VECHE_DATADIR");
	if (dir == NULL || *dir == '\0')
		dir = VECHE_DATADIR;
	n = snprintf(buf, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

char *
text_file_read(const char *path, size_t max, size_t *len,
    struct text_error *err)
{
	FILE *f = NULL;
	char *buf = NULL, *tmp;
	size_t cap = 0, n = 0, got;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		text_error_set(err, (size_t)-1, 0, "cannot open %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				text_error_set(err, (size_t)-1, 0,
				    "%s is larger than %zu bytes", path, max);
				goto fail;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((tmp = realloc(buf, cap + 1)) == NULL) {
				text_error_set(err, (size_t)-1, 0,
				    "out of memory reading %s", path);
				goto fail;
			}
			buf = tmp;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		text_error_set(err, (size_t)-1, 0, "cannot read %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	if (n > max) {
		text_error_set(err, (size_t)-1, 0,
		    "%s is larger than %zu bytes", path, max);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (f != NULL)
		fclose(f);
	free(buf);
	return NULL;
}

int
text_grow(void **buf, size_t *cap, size_t need, size_t esize, size_t max)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -1;
	ncap = *cap < 64 ? 64 : *cap;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > SIZE_MAX / esize)
		return -1;
	if ((p = realloc(*buf, ncap * esize)) == NULL)
		return -1;
	*buf = p;
	*cap = ncap;
	return 0;
}

int
text_parse_double(const char *s, size_t len, double lo, double hi,
    double *out)
{
	char buf[64], *end;
	double v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n')
		return -1;
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int
text_parse_ulong(const char *s, size_t len, unsigned long lo,
    unsigned long hi, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (ULONG_MAX - (unsigned long)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
