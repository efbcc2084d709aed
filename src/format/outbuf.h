/*
 * outbuf.h: a small staging buffer in front of a sink, for the writers
 * that produce a response's bytes directly (jsonw.h, xmlw.h).
 *
 * The buffer lives inside the struct (usually on the caller's stack): a
 * writer copies its bytes here and the sink (http_response_append, a
 * file, a test's string) gets them OUTBUF_SIZE at a time, so no value
 * costs a malloc or a callback.  The first failure of the sink is
 * sticky: later writes are dropped and outbuf_flush returns -1.
 */
#ifndef VECHE_FORMAT_OUTBUF_H
#define VECHE_FORMAT_OUTBUF_H

#include <stddef.h>
#include <string.h>

#define OUTBUF_SIZE 8192

/* Where the bytes go: returns 0, or -1 to stop the writer. */
typedef int (*outbuf_sink)(const char *data, size_t len, void *arg);

struct outbuf {
	outbuf_sink sink;
	void *arg;
	size_t len;
	int failed;
	char buf[OUTBUF_SIZE];
};

/* Start o empty, writing to sink(arg). */
void outbuf_init(struct outbuf *o, outbuf_sink sink, void *arg);

/* The slow half of outbuf_put: flush, then pass or keep s. */
void outbuf_put_long(struct outbuf *o, const char *s, size_t n);

/* Hand what is buffered to the sink.  Returns 0, or -1 once any write
 * failed. */
int outbuf_flush(struct outbuf *o);

/* Append n bytes of s. */
static inline void
outbuf_put(struct outbuf *o, const char *s, size_t n)
{
	if (n <= OUTBUF_SIZE - o->len) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else
		outbuf_put_long(o, s, n);
}

/* Append a NUL-terminated string. */
static inline void
outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

/*
 * Room for n bytes (n <= OUTBUF_SIZE) that the caller writes in place:
 * where they go.  outbuf_used then counts what it wrote.
 */
static inline char *
outbuf_room(struct outbuf *o, size_t n)
{
	if (n > OUTBUF_SIZE - o->len)
		outbuf_flush(o);
	return o->buf + o->len;
}

/* The caller wrote up to end (from outbuf_room's answer, within its n). */
static inline void
outbuf_used(struct outbuf *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}

static inline void
outbuf_putc(struct outbuf *o, char c)
{
	if (o->len == OUTBUF_SIZE)
		outbuf_flush(o);
	o->buf[o->len++] = c;
}

#endif
