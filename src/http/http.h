/*
 * http.h: veche's HTTP glue over libmicrohttpd.
 *
 * The server owns the socket, reads and bounds each request, parses its query
 * string and body (application/x-www-form-urlencoded or multipart/form-data)
 * with veche's own parsers (form.h), matches it against one routing table,
 * checks access through the application's callback, calls the handler and
 * sends the response through one place that sets the security headers.
 *
 * Handlers never see libmicrohttpd types.  Memory handed out by a request
 * (parameters, path variables, http_request_alloc) lives until the response
 * has been queued; handlers free nothing of it.
 */
#ifndef VECHE_HTTP_H
#define VECHE_HTTP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct http_request;
struct http_response;
struct http_server;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_METHOD__MAX
};

/* Where a parameter came from. */
enum http_param_source {
	HTTP_PARAM_QUERY,
	HTTP_PARAM_BODY,
	HTTP_PARAM_SOURCE__MAX
};

/*
 * One query or form field.  value is NUL-terminated and also carries its
 * length (a multipart file may hold NUL bytes).  filename and content_type
 * are NULL except for multipart file parts.
 */
struct http_param {
	const char *name;
	const char *value;
	size_t value_len;
	const char *filename;
	const char *content_type;
	enum http_param_source source;
};

/*
 * A handler fills the response and returns 0.  Returning -1 means an internal
 * error: the server discards what the handler wrote and answers 500 through
 * the error callback.
 */
typedef int (*http_handler)(struct http_request *, struct http_response *,
    void *app);

/*
 * One row of the routing table.
 *  pattern: literal text with {name} variables; a variable matches one or
 *    more bytes up to the next literal byte of the pattern (or the end) and
 *    never a '/'.  "/open311/v2/services/{code}.{format}" matches
 *    "/open311/v2/services/pothole.json" with code=pothole, format=json.
 *  access: a bitmask the application gives meaning to (roles); 0 is public
 *    and skips the access callback.
 *  params: the query/form fields the route takes, NULL-terminated; a name
 *    ending in '[' declares a prefix ("attribute[" takes attribute[x] and
 *    attribute[x][]).  Undeclared fields are dropped before the handler
 *    runs, so handlers only ever see declared ones.  NULL takes none.
 *    A declared field may come once, counting the query and the body
 *    together (400 naming it otherwise), except a list: a name declared
 *    with a trailing '*' ("photo*" takes photo, photo, ...) or, under a
 *    prefix, a name ending in "[]" (attribute[x][]).
 *  max_body: bytes of body accepted (0: VECHE_MAX_BODY); more gives 413.
 */
struct http_route {
	enum http_method method;
	const char *pattern;
	http_handler handler;
	unsigned access;
	const char *const *params;
	size_t max_body;
};

/*
 * Access callback: decide whether req may call route (route->access != 0).
 * Returns 0 to allow, or an HTTP status (401, 403) to refuse; on refusal it
 * sets *field and *message (static strings) to say why.
 */
typedef int (*http_access_fn)(struct http_request *, const struct http_route *,
    void *app, const char **field, const char **message);

/*
 * Error callback: format an error body for status (400, 403, 404, 405, 413,
 * 500...), naming field (may be NULL) and message.  The server calls it for
 * its own refusals (no route, wrong method, body too large, malformed body,
 * access refused, handler failure); handlers may call it through
 * http_response_error.  It sets the status, content type and body.
 */
typedef void (*http_error_fn)(struct http_request *, struct http_response *,
    int status, const char *field, const char *message, void *app);

/*
 * What the server saw of one request once it is over, for logs and
 * metrics.  Strings live until the observer returns.
 */
struct http_exchange {
	const char *request_id;    /* "" if the request never got that far */
	const char *method;        /* "GET"...; "?" for one veche does not know */
	long route;                /* index in the routing table, or one of: */
#define HTTP_ROUTE_STATIC (-1)     /* a file under /static/ */
#define HTTP_ROUTE_NONE   (-2)     /* refused before routing, or no route */
	const char *pattern;       /* the route's pattern, or NULL */
	const char *path;          /* as sent (percent-encoded), no query; ""
	                              when longer than VECHE_MAX_URI */
	int status;                /* 0: the connection ended with no answer */
	uint64_t bytes;            /* response body bytes */
	int64_t duration_us;       /* from the request line to the end */
	const char *remote;        /* client address */
};

/*
 * One site of a server that serves several (many cities, one region):
 * its routing table and the app its handlers and callbacks are given.
 */
struct http_site {
	const struct http_route *routes;
	size_t nroutes;
	void *app;
};

struct http_config {
	const char *host;          /* address to bind, e.g. "127.0.0.1" or "::1" */
	unsigned port;             /* 0: an ephemeral port (see http_server_port) */
	unsigned threads;          /* worker threads, 0: VECHE_DEFAULT_THREADS */
	const struct http_route *routes;
	size_t nroutes;
	http_access_fn access;     /* required if any route has access != 0 */
	http_error_fn error;       /* required */
	void *app;                 /* passed to handlers and callbacks */
	const char *static_dir;    /* files served under /static/, or NULL */
	/*
	 * Limits; 0 takes the default from veche.h.  A connection over
	 * max_per_address from one address is closed at once.  The header
	 * block must be complete header_timeout seconds after the connection
	 * opened (or after the idle timeout past the previous response); the
	 * body body_timeout seconds after the headers, or the connection is
	 * closed.
	 */
	unsigned max_per_address;  /* VECHE_MAX_CONN_PER_ADDRESS */
	unsigned header_timeout;   /* VECHE_HEADER_TIMEOUT, seconds */
	unsigned body_timeout;     /* VECHE_BODY_TIMEOUT, seconds */
	/*
	 * "ADDR[,ADDR]": peers whose X-Forwarded-For names the client (see
	 * http_request_remote), or NULL for none.
	 */
	const char *trusted_proxies;
	/*
	 * Optional hooks (NULL: none), run on the server's threads; they must
	 * be quick and must not fail.  before runs once a routed request is
	 * complete, ahead of the access check and the handler; observe once
	 * per request when it is over (answered or not); connection with +1
	 * when a client connects and -1 when its connection closes.
	 */
	void (*before)(struct http_request *, void *app);
	/*
	 * after runs once the handler has answered (not after a refusal),
	 * on its thread, before durable: it may add headers to the response.
	 */
	void (*after)(struct http_request *, struct http_response *,
	    void *app);
	void (*observe)(const struct http_exchange *, void *app);
	void (*connection)(int delta, void *app);
	/*
	 * Optional: runs after every handler, before its response is sent,
	 * on the handler's thread.  It returns 0 when the handler left no
	 * write waiting to reach the disk (or it has now reached it), -1 when
	 * one failed to (the client gets a 500 instead), and 1 when
	 * done(done_arg, ok) will be called, once, from another thread when
	 * it has or has failed (ok 0); meanwhile the response waits and the
	 * thread serves other connections.  With hold 0 it may not return 1:
	 * it waits itself.
	 */
	int (*durable)(void *app, int hold, void (*done)(void *, int),
	    void *done_arg);
	/*
	 * Optional: the site a request is for, chosen from its headers (the
	 * Host) once they are in, before it is routed; NULL (or no hook):
	 * routes and app above.  The site's app is then given to the
	 * request's handler and every callback but connection.
	 */
	const struct http_site *(*site)(struct http_request *, void *app);
};

/*
 * Start listening and serving on background threads.  Returns the server, or
 * NULL with a message in err (errlen bytes) that says what to do next
 * ("address in use: choose another --listen port").  Free with
 * http_server_stop.
 * cfg is copied, not what it points to: the routes, strings and app must
 * outlive the server.  A NULL or empty host means "127.0.0.1"; a name such
 * as "localhost" is resolved (IPv4 preferred), "[::1]" is accepted too.
 * A HEAD request takes a HEAD route, else the GET route, and gets no body.
 */
struct http_server *http_server_start(const struct http_config *cfg,
    char *err, size_t errlen);

/* The port actually bound (useful when cfg->port was 0). */
unsigned http_server_port(const struct http_server *srv);

/* Stop serving, wait for handlers to finish and free srv.  Accepts NULL. */
void http_server_stop(struct http_server *srv);

/* Request accessors.  Strings are owned by the request. */
enum http_method http_request_method(const struct http_request *req);
const char *http_request_path(const struct http_request *req); /* decoded */
const char *http_request_query(const struct http_request *req); /* raw, or "" */
const char *http_request_header(const struct http_request *req,
    const char *name);               /* case-insensitive; NULL if absent */
/*
 * The client's address: the socket's peer, or, when the peer is a trusted
 * proxy, the right-most X-Forwarded-For address that is not a trusted proxy.
 */
const char *http_request_remote(const struct http_request *req);
const void *http_request_body(const struct http_request *req, size_t *len);
const struct http_route *http_request_route(const struct http_request *req);
/*
 * The request's id: a well-formed X-Request-Id it came with, else 32 random
 * hex digits.  Every response carries it back in X-Request-Id.
 */
const char *http_request_id(const struct http_request *req);

/* The value of path variable name, or NULL. */
const char *http_request_var(const struct http_request *req,
    const char *name);

/*
 * The first value of a declared parameter: body fields before query fields
 * for POST/PUT, query fields otherwise.  An empty value counts as absent
 * (returns NULL), as Open311 asks for optional parameters.
 */
const char *http_request_param(const struct http_request *req,
    const char *name);

/* All declared parameters in arrival order; *n receives the count. */
const struct http_param *http_request_params(const struct http_request *req,
    size_t *n);

/* Request-scoped memory, freed with the request; NULL when out of memory. */
void *http_request_alloc(struct http_request *req, size_t size);
char *http_request_strdup(struct http_request *req, const char *s);

/*
 * Hand the rest of req to another app (a region's handler forwarding to
 * a city's): its durable hook and errors get app from now on; observe
 * keeps the site's app, whose routing table the route is in.
 */
void http_request_set_app(struct http_request *req, void *app);

/* A slot for the application (e.g. the authenticated principal). */
void http_request_set_user(struct http_request *req, void *user);
void *http_request_user(const struct http_request *req);

/*
 * The content types veche writes, each spelled once (response.c).  JSON
 * carries no charset (RFC 8259 defines none) and XML is exactly "text/xml"
 * (Open311 clients compare the whole header; the XML declaration names
 * UTF-8); the text types say UTF-8.
 */
enum http_type {
	HTTP_TYPE_JSON,         /* application/json */
	HTTP_TYPE_XML,          /* text/xml */
	HTTP_TYPE_RSS,          /* application/rss+xml; charset=utf-8 */
	HTTP_TYPE_HTML,         /* text/html; charset=utf-8 */
	HTTP_TYPE_TEXT,         /* text/plain; charset=utf-8 */
	HTTP_TYPE_CSV,          /* text/csv; charset=utf-8; header=present */
	HTTP_TYPE__MAX
};

/* Response.  The default is 200 with no body and no content type. */
void http_response_status(struct http_response *res, int status);
/* Set the content type to one of veche's own (enum http_type). */
void http_response_kind(struct http_response *res, enum http_type type);
/* Set any other content type (a static file's, an image's); NULL clears. */
void http_response_type(struct http_response *res, const char *content_type);
/* Add a header (copied); security headers are added by the server. */
int http_response_header(struct http_response *res, const char *name,
    const char *value);
/* Append to the body; -1 past VECHE_MAX_RESPONSE or out of memory. */
int http_response_append(struct http_response *res, const void *data,
    size_t len);
int http_response_printf(struct http_response *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The status, content type (or NULL) and body written so far. */
int http_response_get_status(const struct http_response *res);
const char *http_response_get_type(const struct http_response *res);
const void *http_response_body(const struct http_response *res, size_t *len);
/* Drop the body written so far and any stream (keeps status, type and
 * headers). */
void http_response_reset(struct http_response *res);

/*
 * Stream the rest of the body (an export too large to build in memory):
 * after the body written so far is sent, next(out, arg) is called each
 * time the client has taken what it gave.  next appends the next part to
 * out (with http_response_append/printf) and returns 0; it returns 0
 * having appended nothing at the end, -1 on an error (the body ends short:
 * the client sees a truncated transfer).  It runs after the handler has
 * returned, on a server thread, so arg must not point into request memory.
 * done(arg) (or NULL) is called once the response is finished or dropped,
 * also when this function fails (-1, out of memory).  The length is not
 * known ahead: HTTP/1.1 clients get it chunked.
 */
int http_response_stream(struct http_response *res,
    int (*next)(struct http_response *out, void *arg),
    void (*done)(void *arg), void *arg);
/* Format an error through the configured error callback. */
void http_response_error(struct http_request *req, struct http_response *res,
    int status, const char *field, const char *message);

/*
 * Answer with the file rel under dir, sent from the file (never read into
 * memory whole), its type from its extension.  Returns 0, or an HTTP status
 * (400, 404, 500) with *message set; the handler then answers the error.
 */
int http_response_file(struct http_request *req, const char *dir,
    const char *rel, const char **message);

/* Method names: "GET", ...; http_method_parse returns HTTP_METHOD__MAX if unknown. */
const char *http_method_name(enum http_method m);
enum http_method http_method_parse(const char *s);

#endif
