/* reqlog.c: JSON request log lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "veche.h"
#include "api/reqlog.h"
#include "http/http.h"

struct out {
	char *p;
	size_t len, n;
	int over;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->over || n >= o->len - o->n) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* s as a JSON string, at most max bytes of it. */
static void
put_str(struct out *o, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i;

	put(o, "\"", 1);
	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			put(o, "\\", 1);
			put(o, s + i, 1);
		} else if (c < 0x20 || c >= 0x7f) {
			/* Raw paths are ASCII; anything else is shown, not kept. */
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(o, esc, sizeof(esc));
		} else
			put(o, s + i, 1);
	}
	put(o, "\"", 1);
}

/* ,"name":v */
static void
put_num(struct out *o, const char *name, long long v)
{
	char num[96];
	int n = snprintf(num, sizeof(num), ",\"%s\":%lld", name, v);

	if (n < 0 || (size_t)n >= sizeof(num))
		o->over = 1;
	else
		put(o, num, (size_t)n);
}

size_t
reqlog_format(const struct http_exchange *ex, int64_t now,
    char *buf, size_t len)
{
	struct out o = { buf, len, 0, 0 };
	char when[32];
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return 0;
	put(&o, "{\"time\":", 8);
	put_str(&o, when, sizeof(when));
	put(&o, ",\"request_id\":", 14);
	put_str(&o, ex->request_id, VECHE_MAX_REQUEST_ID);
	put(&o, ",\"method\":", 10);
	put_str(&o, ex->method, 16);
	put(&o, ",\"route\":", 9);
	if (ex->pattern != NULL)
		put_str(&o, ex->pattern, 256);
	else
		put(&o, "null", 4);
	put(&o, ",\"path\":", 8);
	put_str(&o, ex->path, VECHE_LOG_MAX_PATH);
	put_num(&o, "status", ex->status);
	put_num(&o, "bytes", (long long)ex->bytes);
	put_num(&o, "duration_us", (long long)ex->duration_us);
	put(&o, ",\"client\":", 10);
	put_str(&o, ex->remote, 64);
	put(&o, "}\n", 2);
	return o.over ? 0 : o.n;
}

void
reqlog_write(const struct http_exchange *ex, int64_t now)
{
	char line[VECHE_MAX_LOG_LINE];
	size_t n = reqlog_format(ex, now, line, sizeof(line));

	/* A lost log line must not stop the request; there is no one to tell. */
	if (n > 0 && write(STDERR_FILENO, line, n) != (ssize_t)n)
		return;
}
