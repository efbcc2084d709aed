/*
 * server.c: the libmicrohttpd daemon and the life of one request.
 *
 * libmicrohttpd calls on_uri once per request with the raw URI; the request
 * object made there becomes *con_cls.  on_request is then called first when
 * the headers are in (REQ_NEW: route, parse the query, check the declared
 * length), then once per body chunk (REQ_BODY, *upload_data_size > 0), then
 * a last time with *upload_data_size == 0 (parse the body, check access,
 * run the handler, queue the response).  A response can only be queued on
 * the first or the last call, so a body that grows past its limit without
 * a Content-Length is drained and answered 413 at the end (or the
 * connection is closed if it keeps coming).  on_completed frees the request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/arena.h"
#include "http/internal.h"
#include "http/remote.h"

#define STATIC_PREFIX "/static/"
#define BODY_FIRST_CAP 16384

/* A message for the error callback, formatted into the request's arena. */
static const char *
msgf(struct http_request *req, const char *fallback, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const char *
msgf(struct http_request *req, const char *fallback, const char *fmt, ...)
{
	char buf[256];
	const char *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return fallback;
	s = arena_strdup(req->arena, buf);
	return s != NULL ? s : fallback;
}

/* Digits only, no sign, no overflow. */
static int
parse_length(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (~0ULL - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

/* What the Content-Length headers of a request say. */
struct lengths {
	const char *first;
	int differ;         /* a second one with another value */
};

static enum MHD_Result
on_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct lengths *l = cls;

	if (key == NULL || value == NULL ||
	    strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (l->first == NULL)
		l->first = value;
	else if (strcmp(l->first, value) != 0)
		l->differ = 1;
	return MHD_YES;
}

static int
send_405(struct http_request *req, unsigned allowed)
{
	char allow[64];

	if (http_route_allow(allowed, allow, sizeof(allow)) == -1 ||
	    http_response_header(&req->res, "Allow", allow) == -1)
		return http_response_send_error(req, 500, NULL, "out of memory");
	return http_response_send_error(req, 405, NULL,
	    msgf(req, "method not allowed", "method not allowed here; "
	    "allowed: %s", allow));
}

static int
serve_static(struct http_request *req)
{
	const char *message = NULL;
	int status;

	if (req->method != HTTP_GET && req->method != HTTP_HEAD)
		return send_405(req, (1u << HTTP_GET) | (1u << HTTP_HEAD));
	status = http_static_serve(req, req->srv->cfg.static_dir,
	    req->path + strlen(STATIC_PREFIX), &message);
	if (status != 0) {
		http_response_clear(&req->res);
		return http_response_send_error(req, status, NULL, message);
	}
	return http_response_send(req);
}

/*
 * First call: the headers are in.  Decode the path, route, parse the query
 * and check the declared body length.  Returns 0 (a response may have been
 * queued) or -1 to drop the connection.
 */
static int
headers_in(struct http_request *req, const char *method)
{
	const struct http_config *cfg = &req->srv->cfg;
	const char *q, *cl;
	struct lengths lengths;
	struct form_error ferr;
	unsigned long long length;
	unsigned allowed;
	size_t rawlen, len, bad;

	req->method = http_method_parse(method);
	remote_set(req);
	deadline_set(req->srv->watch, req->con, DEADLINE_BODY);
	if (http_request_take_id(req) == -1)
		return http_response_send_error(req, 400, "X-Request-Id",
		    "X-Request-Id: 8 to 64 characters of A-Z, a-z, 0-9, '.', "
		    "'_' and '-'");
	if (req->uri == NULL)
		return http_response_send_error(req, 414, NULL, msgf(req,
		    "URI too long", "URI longer than %d bytes",
		    VECHE_MAX_URI));

	q = strchr(req->uri, '?');
	rawlen = q != NULL ? (size_t)(q - req->uri) : strlen(req->uri);
	req->query = q != NULL ? q + 1 : "";
	if (rawlen == 0 || req->uri[0] != '/')
		return http_response_send_error(req, 400, NULL,
		    "path: must start with '/'");
	if ((req->path = arena_alloc(req->arena, rawlen + 1)) == NULL)
		return -1;
	if (form_decode(req->uri, rawlen, 0, req->path, &len, &bad) == -1)
		return http_response_send_error(req, 400, NULL, msgf(req,
		    "path: invalid percent-escape", "path: invalid "
		    "percent-escape at byte %zu", bad));
	if (memchr(req->path, '\0', len) != NULL)
		return http_response_send_error(req, 400, NULL,
		    "path: NUL byte (%00)");

	if (cfg->static_dir != NULL &&
	    strncmp(req->path, STATIC_PREFIX, strlen(STATIC_PREFIX)) == 0) {
		return serve_static(req);
	}

	if (cfg->site != NULL) {
		const struct http_site *site = cfg->site(req, cfg->app);

		if (site != NULL) {
			req->routes = site->routes;
			req->nroutes = site->nroutes;
			req->site_app = req->app = site->app;
		}
	}
	req->route = http_route_find(req->routes, req->nroutes, req->method,
	    req->path, req->arena, req->vars, &req->nvars, &allowed);
	if (req->route == NULL) {
		if (allowed != 0)
			return send_405(req, allowed);
		return http_response_send_error(req, 404, NULL, "no such resource");
	}

	memset(&ferr, 0, sizeof(ferr));
	if (form_parse_urlencoded(req->arena, &req->params, HTTP_PARAM_QUERY,
	    req->query, strlen(req->query), &ferr) == -1)
		return http_response_send_error(req, 400,
		    ferr.field[0] != '\0' ? ferr.field : NULL,
		    msgf(req, "query: malformed", "%s", ferr.message));

	req->body_max = req->route->max_body != 0 ? req->route->max_body :
	    VECHE_MAX_BODY;
	/*
	 * MHD frames the body by the first Content-Length and ignores the
	 * others; two that disagree are a framing error (RFC 9112 6.3), the
	 * stuff of request smuggling.  Repeats of one value are allowed.
	 */
	memset(&lengths, 0, sizeof(lengths));
	MHD_get_connection_values(req->con, MHD_HEADER_KIND, on_header,
	    &lengths);
	if (lengths.differ)
		return http_response_send_error(req, 400, "Content-Length",
		    "Content-Length: given twice with different values");
	cl = lengths.first;
	if (cl != NULL) {
		if (parse_length(cl, &length) == -1)
			return http_response_send_error(req, 400, "Content-Length",
			    "Content-Length: not a number");
		if (length > req->body_max)
			return http_response_send_error(req, 413, NULL, msgf(req,
			    "body too large", "body: longer than %zu bytes",
			    req->body_max));
		/* The declared length is within body_max: allocate once. */
		if (length > 0) {
			req->body = malloc((size_t)length);
			if (req->body == NULL)
				return -1;
			req->body_cap = (size_t)length;
		}
	}
	req->state = REQ_BODY;
	return 0;
}

/* One body chunk.  0, or -1 to drop the connection. */
static int
take(struct http_request *req, const char *data, size_t size)
{
	if (req->too_large) {
		/* Drain, but not for ever. */
		req->discarded += size;
		return req->discarded > req->body_max ? -1 : 0;
	}
	if (size > req->body_max - req->body_len) {
		req->too_large = 1;
		req->discarded = size;
		free(req->body);
		req->body = NULL;
		req->body_len = req->body_cap = 0;
		return 0;
	}
	if (size > req->body_cap - req->body_len) {
		size_t cap = req->body_cap == 0 ? BODY_FIRST_CAP : req->body_cap;
		char *p;

		while (cap < req->body_len + size)
			cap = cap > req->body_max / 2 ? req->body_max : cap * 2;
		p = realloc(req->body, cap);
		if (p == NULL)
			return -1;
		req->body = p;
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, size);
	req->body_len += size;
	return 0;
}

/* Parse the body by its Content-Type into req->params. */
static int
parse_body(struct http_request *req, struct form_error *ferr)
{
	struct form_ctype ct;
	const char *value;

	value = MHD_lookup_connection_value(req->con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (value == NULL)
		return 0;
	if (form_parse_content_type(req->arena, value, &ct, ferr) == -1) {
		snprintf(ferr->field, sizeof(ferr->field), "Content-Type");
		return -1;
	}
	if (strcmp(ct.type, "application/x-www-form-urlencoded") == 0)
		return form_parse_urlencoded(req->arena, &req->params,
		    HTTP_PARAM_BODY, req->body != NULL ? req->body : "",
		    req->body_len, ferr);
	if (strcmp(ct.type, "multipart/form-data") == 0)
		return form_parse_multipart(req->arena, &req->params, &ct,
		    req->body != NULL ? req->body : "", req->body_len, ferr);
	return 0;   /* JSON and the rest: the handler reads the raw body */
}

/* The handler's answer, or a 500 if it or its write failed. */
static int
send_answer(struct http_request *req)
{
	if (!req->held_ok) {
		http_response_clear(&req->res);
		return http_response_send_error(req, 500, NULL, "internal error");
	}
	return http_response_send(req);
}

/* durable's call-back, on another thread: the write is on disk (or not). */
static void
on_durable(void *arg, int ok)
{
	struct http_request *req = arg;
	struct http_holds *h = req->srv->holds;
	struct MHD_Connection *con = req->con;

	if (!ok)
		req->held_ok = 0;
	if (atomic_exchange(&req->hold, HOLD_RESOLVED) == HOLD_SUSPENDED)
		MHD_resume_connection(con);
	/* req may be gone now; the server may not. */
	pthread_mutex_lock(&h->lock);
	if (--h->held == 0)
		pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

/*
 * The handler has answered: send it once the handler's write is on disk.
 * When it is not yet, suspend the connection (the thread goes on with
 * others) and let on_durable resume it; on_request then sends.
 */
static int
settle(struct http_request *req)
{
	const struct http_config *cfg = &req->srv->cfg;
	struct http_holds *h = req->srv->holds;
	int hold, rc, expect = HOLD_WAITING;

	if (cfg->durable == NULL)
		return send_answer(req);
	pthread_mutex_lock(&h->lock);
	if ((hold = !h->stopping))
		h->held++;
	pthread_mutex_unlock(&h->lock);
	atomic_store(&req->hold, HOLD_WAITING);
	rc = cfg->durable(req->app, hold, on_durable, req);
	if (rc != 1) {
		if (hold) {
			pthread_mutex_lock(&h->lock);
			if (--h->held == 0)
				pthread_cond_broadcast(&h->cond);
			pthread_mutex_unlock(&h->lock);
		}
		if (rc == -1)
			req->held_ok = 0;
		return send_answer(req);
	}
	req->state = REQ_HELD;
	MHD_suspend_connection(req->con);
	/* The call-back ran first: nobody else resumes it. */
	if (!atomic_compare_exchange_strong(&req->hold, &expect,
	    HOLD_SUSPENDED))
		MHD_resume_connection(req->con);
	return 0;
}

/*
 * Last call: the body is in.  Parse it, check access, run the handler and
 * queue what it wrote.  0, or -1 to drop the connection.
 */
static int
finish(struct http_request *req)
{
	const struct http_config *cfg = &req->srv->cfg;
	const char *field = NULL, *message = NULL, *repeated;
	struct form_error ferr;
	int status;

	deadline_set(req->srv->watch, req->con, DEADLINE_NONE);
	if (req->too_large)
		return http_response_send_error(req, 413, NULL, msgf(req,
		    "body too large", "body: longer than %zu bytes",
		    req->body_max));

	memset(&ferr, 0, sizeof(ferr));
	if (parse_body(req, &ferr) == -1)
		return http_response_send_error(req, 400,
		    ferr.field[0] != '\0' ? ferr.field : NULL,
		    msgf(req, "body: malformed", "%s", ferr.message));
	if (http_route_filter(req->route, &req->params, &repeated) == -1)
		return http_response_send_error(req, 400, repeated, msgf(req,
		    "parameter given more than once", "%s: given more than "
		    "once (the query and the body count together); send it "
		    "once", repeated));

	if (cfg->before != NULL)
		cfg->before(req, req->app);
	if (req->route->access != 0) {
		status = cfg->access(req, req->route, req->app, &field,
		    &message);
		if (status != 0) {
			if (status < 400 || status > 599)
				status = 403;
			return http_response_send_error(req, status, field,
			    message != NULL ? message : "access denied");
		}
	}

	/* A handler that failed answers 500, which after may still change
	 * (a 503 while the database is away). */
	if (req->route->handler(req, &req->res, req->app) == -1) {
		http_response_clear(&req->res);
		http_response_error(req, &req->res, 500, NULL,
		    "internal error");
	}
	req->held_ok = 1;
	if (cfg->after != NULL)
		cfg->after(req, &req->res, cfg->app);
	return settle(req);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	return http_request_new(cls, uri);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_request *req = *con_cls;
	size_t n;
	int rc = 0;

	if (req == NULL)
		return MHD_NO;   /* on_uri ran out of memory */
	req->con = con;
	switch (req->state) {
	case REQ_NEW:
		rc = headers_in(req, method);
		break;
	case REQ_BODY:
		if (*upload_data_size > 0) {
			n = *upload_data_size;
			*upload_data_size = 0;
			rc = take(req, upload_data, n);
		} else {
			rc = finish(req);
		}
		break;
	case REQ_HELD:
		/* Resumed by on_durable (or by settle itself). */
		*upload_data_size = 0;
		rc = send_answer(req);
		break;
	case REQ_DONE:
		*upload_data_size = 0;
		break;
	}
	/* An answer queued early (404, 413...): no body deadline any more. */
	if (req->state == REQ_DONE)
		deadline_set(req->srv->watch, con, DEADLINE_NONE);
	return rc == 0 ? MHD_YES : MHD_NO;
}

static void
on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;

	deadline_set(srv->watch, con, DEADLINE_NEXT);
	http_request_observe(*con_cls);
	http_request_free(*con_cls);
	*con_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	const struct http_server *srv = cls;

	/* MHD takes one connection callback: the deadlines' and the hook. */
	deadline_notify(srv->watch, con, socket_context, toe);
	if (srv->cfg.connection != NULL)
		srv->cfg.connection(toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1,
		    srv->cfg.app);
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* host (an IPv4 or IPv6 literal, "[::1]", or a name) and port to ss. */
static int
resolve(const char *host, unsigned port, struct sockaddr_storage *ss,
    char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct addrinfo hints, *res = NULL, *ai;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len;
	int rc;

	memset(ss, 0, sizeof(*ss));
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' &&
	    len - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		host = buf;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		seterr(err, errlen, "cannot resolve listen address '%s': %s: "
		    "give an IPv4 or IPv6 address", host, gai_strerror(rc));
		return -1;
	}
	/* Prefer IPv4, which every client of "localhost" tries. */
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET)
			break;
	if (ai == NULL)
		for (ai = res; ai != NULL; ai = ai->ai_next)
			if (ai->ai_family == AF_INET6)
				break;
	if (ai == NULL || ai->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		seterr(err, errlen, "listen address '%s' has no IPv4 or IPv6 "
		    "address", host);
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	if (ai->ai_family == AF_INET)
		sin->sin_port = htons((uint16_t)port);
	else
		sin6->sin6_port = htons((uint16_t)port);
	freeaddrinfo(res);
	return 0;
}

/* Why MHD could not start: try the bind ourselves to learn the errno. */
static void
explain_bind(const struct sockaddr_storage *ss, const char *host,
    unsigned port, char *err, size_t errlen)
{
	socklen_t len = ss->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd, one = 1, e = 0;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		e = errno;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)ss, len) == -1)
			e = errno;
		close(fd);
	}
	if (e == EADDRINUSE)
		seterr(err, errlen, "address %s port %u in use: choose another "
		    "--listen port or stop the other server", host, port);
	else if (e == EACCES)
		seterr(err, errlen, "no permission to bind %s port %u: use a "
		    "port above 1023", host, port);
	else if (e == EADDRNOTAVAIL)
		seterr(err, errlen, "address %s is not on this machine: check "
		    "--listen", host);
	else if (e != 0)
		seterr(err, errlen, "cannot bind %s port %u: %s", host, port,
		    strerror(e));
	else
		seterr(err, errlen, "cannot start the HTTP server on %s port %u "
		    "(threads or memory): try fewer --threads", host, port);
}

static int
check_config(const struct http_config *cfg, char *err, size_t errlen)
{
	size_t i;

	if (cfg->error == NULL) {
		seterr(err, errlen, "http: no error callback configured");
		return -1;
	}
	if (cfg->port > 65535) {
		seterr(err, errlen, "port %u out of range: use 0 to 65535",
		    cfg->port);
		return -1;
	}
	if (cfg->nroutes > 0 && cfg->routes == NULL) {
		seterr(err, errlen, "http: routes missing");
		return -1;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		const struct http_route *r = &cfg->routes[i];

		if ((unsigned)r->method >= HTTP_METHOD__MAX ||
		    r->pattern == NULL || r->pattern[0] != '/' ||
		    r->handler == NULL) {
			seterr(err, errlen, "http: route %zu (%s) is malformed",
			    i, r->pattern != NULL ? r->pattern : "NULL");
			return -1;
		}
		if (r->access != 0 && cfg->access == NULL) {
			seterr(err, errlen, "http: route %s needs an access "
			    "callback", r->pattern);
			return -1;
		}
	}
	return 0;
}

/*
 * Raise the soft RLIMIT_NOFILE to the hard one and return how many
 * connections fit: VECHE_MAX_CONNECTIONS, less if the descriptors are
 * fewer (VECHE_FD_RESERVE are kept for files and the database).
 */
static unsigned
connection_limit(void)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return VECHE_MAX_CONNECTIONS / 16;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= VECHE_MAX_CONNECTIONS + VECHE_FD_RESERVE)
		return VECHE_MAX_CONNECTIONS;
	room = rl.rlim_cur > 2 * VECHE_FD_RESERVE ?
	    rl.rlim_cur - VECHE_FD_RESERVE : rl.rlim_cur / 2;
	return (unsigned)room;
}

static void
holds_free(struct http_holds *h)
{
	if (h == NULL)
		return;
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct http_server *
http_server_start(const struct http_config *cfg, char *err, size_t errlen)
{
	struct http_server *srv = NULL;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	const char *host;
	unsigned threads, flags;

	if (cfg == NULL) {
		seterr(err, errlen, "http: no configuration");
		return NULL;
	}
	if (check_config(cfg, err, errlen) == -1)
		return NULL;
	host = cfg->host != NULL && cfg->host[0] != '\0' ? cfg->host :
	    "127.0.0.1";
	if (resolve(host, cfg->port, &ss, err, errlen) == -1)
		return NULL;
	threads = cfg->threads != 0 ? cfg->threads : VECHE_DEFAULT_THREADS;

	srv = calloc(1, sizeof(*srv));
	if (srv == NULL) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	srv->cfg = *cfg;
	if ((srv->holds = calloc(1, sizeof(*srv->holds))) == NULL) {
		seterr(err, errlen, "out of memory");
		free(srv);
		return NULL;
	}
	pthread_mutex_init(&srv->holds->lock, NULL);
	pthread_cond_init(&srv->holds->cond, NULL);
	if (remote_parse_proxies(cfg->trusted_proxies, &srv->proxies,
	    &srv->nproxies, err, errlen) == -1) {
		holds_free(srv->holds);
		free(srv);
		return NULL;
	}
	srv->watch = deadline_watch_start(
	    cfg->header_timeout ? cfg->header_timeout : VECHE_HEADER_TIMEOUT,
	    cfg->body_timeout ? cfg->body_timeout : VECHE_BODY_TIMEOUT,
	    VECHE_HTTP_TIMEOUT);
	if (srv->watch == NULL) {
		seterr(err, errlen, "cannot start the HTTP deadline thread "
		    "(threads or memory)");
		free(srv->proxies);
		holds_free(srv->holds);
		free(srv);
		return NULL;
	}

	/*
	 * epoll: idle connections cost memory, not time.  Suspending lets a
	 * thread hold many answers waiting for their writes' fsync.
	 */
	flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL,
	    on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_address != 0 ?
	    cfg->max_per_address : (unsigned)VECHE_MAX_CONN_PER_ADDRESS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)VECHE_HTTP_TIMEOUT,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		explain_bind(&ss, host, cfg->port, err, errlen);
		deadline_watch_stop(srv->watch);
		free(srv->proxies);
		holds_free(srv->holds);
		free(srv);
		return NULL;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : cfg->port;
	return srv;
}

unsigned
http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* Held answers are resumed by another thread: let them all be. */
	pthread_mutex_lock(&srv->holds->lock);
	srv->holds->stopping = 1;
	while (srv->holds->held > 0)
		pthread_cond_wait(&srv->holds->cond, &srv->holds->lock);
	pthread_mutex_unlock(&srv->holds->lock);
	MHD_stop_daemon(srv->daemon);
	deadline_watch_stop(srv->watch);
	free(srv->proxies);
	holds_free(srv->holds);
	free(srv);
}
