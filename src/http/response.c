/*
 * response.c: building a response, and the one place that queues it with
 * the security headers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/arena.h"
#include "http/internal.h"

#define RESPONSE_FIRST_CAP 4096
#define STREAM_BLOCK      (64 * 1024)     /* bytes MHD asks for at a time */

/* A streamed body (http_response_stream): the part being sent and who
 * makes the next. */
struct http_stream {
	int (*next)(struct http_response *, void *);
	void (*done)(void *);
	void *arg;
	struct http_response part;      /* no arena: only its body is used */
	size_t sent;                    /* bytes of part handed to MHD */
};

static const struct {
	const char *name;
	const char *value;
} security_headers[] = {
	{ "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self' data: https:; style-src 'self'; "
	    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "same-origin" },
};

/* Open311 clients run in browsers on other origins. */
#define CORS_PREFIX "/open311/"

void
http_response_init(struct http_response *res, struct arena *arena)
{
	memset(res, 0, sizeof(*res));
	res->arena = arena;
	res->status = 200;
	res->fd = -1;
}

/* MHD's end of a stream, and http_response's: done, then free. */
static void
stream_free(void *cls)
{
	struct http_stream *st = cls;

	if (st == NULL)
		return;
	if (st->done != NULL)
		st->done(st->arg);
	http_response_release(&st->part);
	free(st);
}

static void
drop_stream(struct http_response *res)
{
	stream_free(res->stream);
	res->stream = NULL;
}

/* Back to a fresh 200 with nothing set; the body buffer is kept. */
void
http_response_clear(struct http_response *res)
{
	res->status = 200;
	res->type = NULL;
	res->headers = NULL;
	res->len = 0;
	res->oom = 0;
	drop_stream(res);
	if (res->fd != -1) {
		close(res->fd);
		res->fd = -1;
	}
}

/* Free what the response holds outside the arena. */
void
http_response_release(struct http_response *res)
{
	free(res->body);
	res->body = NULL;
	res->len = res->cap = 0;
	drop_stream(res);
	if (res->fd != -1) {
		close(res->fd);
		res->fd = -1;
	}
}

void
http_response_status(struct http_response *res, int status)
{
	res->status = (status >= 100 && status <= 599) ? status : 500;
}

/* Whether s may go into a header value: no CR, LF or other controls. */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static const char *const type_names[HTTP_TYPE__MAX] = {
	[HTTP_TYPE_JSON] = "application/json",
	[HTTP_TYPE_XML] = "text/xml",
	[HTTP_TYPE_RSS] = "application/rss+xml; charset=utf-8",
	[HTTP_TYPE_HTML] = "text/html; charset=utf-8",
	[HTTP_TYPE_TEXT] = "text/plain; charset=utf-8",
	[HTTP_TYPE_CSV] = "text/csv; charset=utf-8; header=present",
};

void
http_response_kind(struct http_response *res, enum http_type type)
{
	/* The names are static: no copy needed. */
	if ((unsigned)type < HTTP_TYPE__MAX)
		res->type = type_names[type];
	else
		res->oom = 1;
}

void
http_response_type(struct http_response *res, const char *content_type)
{
	if (content_type == NULL) {
		res->type = NULL;
		return;
	}
	if (!header_safe(content_type) ||
	    (res->type = arena_strdup(res->arena, content_type)) == NULL)
		res->oom = 1;
}

int
http_response_header(struct http_response *res, const char *name,
    const char *value)
{
	struct response_header *h, **tail;
	const char *p;

	if (name == NULL || value == NULL || name[0] == '\0' ||
	    !header_safe(value))
		return -1;
	for (p = name; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == ':')
			return -1;
	if (strcasecmp(name, "Content-Type") == 0) {
		http_response_type(res, value);
		return res->oom ? -1 : 0;
	}
	h = arena_alloc(res->arena, sizeof(*h));
	if (h == NULL)
		return -1;
	h->next = NULL;
	h->name = arena_strdup(res->arena, name);
	h->value = arena_strdup(res->arena, value);
	if (h->name == NULL || h->value == NULL)
		return -1;
	for (tail = &res->headers; *tail != NULL; tail = &(*tail)->next)
		continue;
	*tail = h;
	return 0;
}

/* Room for need more bytes (plus a NUL for printf), within the cap. */
static int
reserve(struct http_response *res, size_t need)
{
	size_t cap;
	char *p;

	if (need > VECHE_MAX_RESPONSE - res->len)
		return -1;
	if (res->len + need + 1 <= res->cap)
		return 0;
	cap = res->cap == 0 ? RESPONSE_FIRST_CAP : res->cap;
	while (cap < res->len + need + 1)
		cap *= 2;
	if (cap > VECHE_MAX_RESPONSE + 1)
		cap = VECHE_MAX_RESPONSE + 1;
	p = realloc(res->body, cap);
	if (p == NULL)
		return -1;
	res->body = p;
	res->cap = cap;
	return 0;
}

int
http_response_append(struct http_response *res, const void *data,
    size_t len)
{
	if (len == 0)
		return 0;
	if (reserve(res, len) == -1)
		return -1;
	memcpy(res->body + res->len, data, len);
	res->len += len;
	return 0;
}

int
http_response_printf(struct http_response *res, const char *fmt, ...)
{
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || reserve(res, (size_t)n) == -1) {
		va_end(ap);
		return -1;
	}
	vsnprintf(res->body + res->len, res->cap - res->len, fmt, ap);
	va_end(ap);
	res->len += (size_t)n;
	return 0;
}

void
http_response_reset(struct http_response *res)
{
	res->len = 0;
	drop_stream(res);
}

int
http_response_stream(struct http_response *res,
    int (*next)(struct http_response *, void *), void (*done)(void *),
    void *arg)
{
	struct http_stream *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		if (done != NULL)
			done(arg);
		res->oom = 1;
		return -1;
	}
	st->next = next;
	st->done = done;
	st->arg = arg;
	http_response_init(&st->part, NULL);
	drop_stream(res);
	res->stream = st;
	return 0;
}

/* MHD's reader: what is left of the part, then the next part. */
static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	size_t n;

	(void)pos;
	while (st->sent == st->part.len) {
		st->part.len = st->sent = 0;
		if (st->next(&st->part, st->arg) == -1 || st->part.oom)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (st->part.len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = st->part.len - st->sent < max ? st->part.len - st->sent : max;
	memcpy(buf, st->part.body + st->sent, n);
	st->sent += n;
	return (ssize_t)n;
}

int
http_response_get_status(const struct http_response *res)
{
	return res->status;
}

const char *
http_response_get_type(const struct http_response *res)
{
	return res->type;
}

const void *
http_response_body(const struct http_response *res, size_t *len)
{
	*len = res->len;
	return res->body;
}

void
http_response_error(struct http_request *req, struct http_response *res,
    int status, const char *field, const char *message)
{
	const struct http_server *srv = req->srv;

	http_response_reset(res);
	http_response_status(res, status);
	srv->cfg.error(req, res, status, field, message, req->app);
}

static int
has_header(const struct http_response *res, const char *name)
{
	const struct response_header *h;

	for (h = res->headers; h != NULL; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return 1;
	return 0;
}

static struct MHD_Response *
make_response(struct http_response *res)
{
	struct MHD_Response *r;

	if (res->fd != -1) {
		r = MHD_create_response_from_fd64(res->fd_size, res->fd);
		if (r != NULL)
			res->fd = -1;   /* MHD closes it */
		return r;
	}
	if (res->stream != NULL) {
		/* What the handler wrote goes first. */
		struct http_stream *st = res->stream;

		free(st->part.body);
		st->part.body = res->body;
		st->part.len = res->len;
		st->part.cap = res->cap;
		res->body = NULL;
		res->len = res->cap = 0;
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
		    STREAM_BLOCK, stream_read, st, stream_free);
		if (r != NULL)
			res->stream = NULL;     /* MHD frees it */
		return r;
	}
	if (res->len == 0)
		return MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	r = MHD_create_response_from_buffer_with_free_callback(res->len,
	    res->body, free);
	if (r != NULL) {
		res->body = NULL;   /* MHD frees it */
		res->len = res->cap = 0;
	}
	return r;
}

int
http_response_send(struct http_request *req)
{
	struct http_response *res = &req->res;
	const struct response_header *h;
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i;
	int ok = 1;

	if (res->oom) {
		/* A setter failed: what the handler meant is lost. */
		http_response_clear(res);
		http_response_error(req, res, 500, NULL, "out of memory");
		if (res->oom)
			http_response_clear(res);
		res->status = 500;
	}
	req->sent_status = res->status;
	req->sent_bytes = res->fd != -1 ? res->fd_size : res->len;
	r = make_response(res);
	if (r == NULL)
		return -1;
	if (req->id[0] != '\0' &&
	    MHD_add_response_header(r, "X-Request-Id", req->id) != MHD_YES)
		ok = 0;

	for (h = res->headers; h != NULL; h = h->next)
		if (MHD_add_response_header(r, h->name, h->value) != MHD_YES)
			ok = 0;
	for (i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]);
	    i++)
		if (!has_header(res, security_headers[i].name) &&
		    MHD_add_response_header(r, security_headers[i].name,
		    security_headers[i].value) != MHD_YES)
			ok = 0;
	if ((req->method == HTTP_GET || req->method == HTTP_HEAD) &&
	    req->path != NULL &&
	    strncmp(req->path, CORS_PREFIX, strlen(CORS_PREFIX)) == 0 &&
	    !has_header(res, "Access-Control-Allow-Origin") &&
	    MHD_add_response_header(r, "Access-Control-Allow-Origin", "*") !=
	    MHD_YES)
		ok = 0;
	if (res->type != NULL &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    res->type) != MHD_YES)
		ok = 0;

	req->state = REQ_DONE;
	if (!ok) {
		/* Never answer without the security headers. */
		MHD_destroy_response(r);
		return -1;
	}
	rc = MHD_queue_response(req->con, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return rc == MHD_YES ? 0 : -1;
}

int
http_response_send_error(struct http_request *req, int status,
    const char *field, const char *message)
{
	http_response_error(req, &req->res, status, field, message);
	return http_response_send(req);
}
