/*
 * sink.h: an outbuf_sink (src/format/outbuf.h) that collects the bytes in
 * a malloc'd, NUL-terminated string, for the tests and fuzz targets of the
 * direct writers.  fail_after >= 0 makes it refuse past that many bytes.
 * The caller frees s.
 */
#ifndef VECHE_TEST_SINK_H
#define VECHE_TEST_SINK_H

#include <stdlib.h>
#include <string.h>

struct sbuf {
	char *s;
	size_t len;
	long fail_after;        /* -1: never */
};

static int
sink(const char *data, size_t len, void *arg)
{
	struct sbuf *b = arg;
	char *p;

	if (b->fail_after >= 0 && b->len + len > (size_t)b->fail_after)
		return -1;
	if ((p = realloc(b->s, b->len + len + 1)) == NULL)
		return -1;
	memcpy(p + b->len, data, len);
	b->s = p;
	b->len += len;
	p[b->len] = '\0';
	return 0;
}

#endif
