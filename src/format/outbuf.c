/* outbuf.c: the staging buffer of the direct writers. */
#include "format/outbuf.h"

void
outbuf_init(struct outbuf *o, outbuf_sink sink, void *arg)
{
	o->sink = sink;
	o->arg = arg;
	o->len = 0;
	o->failed = 0;
}

int
outbuf_flush(struct outbuf *o)
{
	if (o->len > 0 && !o->failed && o->sink(o->buf, o->len, o->arg) == -1)
		o->failed = 1;
	o->len = 0;
	return o->failed ? -1 : 0;
}

void
outbuf_put_long(struct outbuf *o, const char *s, size_t n)
{
	outbuf_flush(o);
	if (n >= OUTBUF_SIZE) {
		/* A long text goes straight through: no copy here. */
		if (!o->failed && o->sink(s, n, o->arg) == -1)
			o->failed = 1;
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}
