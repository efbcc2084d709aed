/*
 * test_http_server.c: a real server on 127.0.0.1 with an ephemeral port and
 * a small routing table, spoken to over HTTP with libcurl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "http/http.h"
#include "veche.h"

#define ITEMS_MAX_BODY 1024

static const char csp[] = "default-src 'self'; img-src 'self' data: https:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

/* Handlers. */

static int
h_hello(struct http_request *req, struct http_response *res, void *app)
{
	http_response_type(res, "text/plain; charset=utf-8");
	return http_response_append(res, "hello", 5);
}

static int
h_item(struct http_request *req, struct http_response *res, void *app)
{
	return http_response_printf(res, "item=%s",
	    http_request_var(req, "id"));
}

static int
h_delete(struct http_request *req, struct http_response *res, void *app)
{
	http_response_status(res, 204);
	return 0;
}

static int
h_service(struct http_request *req, struct http_response *res, void *app)
{
	http_response_type(res, "application/json");
	return http_response_printf(res, "code=%s,format=%s",
	    http_request_var(req, "code"), http_request_var(req, "format"));
}

/* Every parameter the handler sees, then what http_request_param says. */
static int
h_echo(struct http_request *req, struct http_response *res, void *app)
{
	const struct http_param *p;
	const char *title;
	size_t i, n;

	p = http_request_params(req, &n);
	for (i = 0; i < n; i++)
		if (http_response_printf(res, "%s:%s=%s\n",
		    p[i].source == HTTP_PARAM_QUERY ? "q" : "b", p[i].name,
		    p[i].value) == -1)
			return -1;
	title = http_request_param(req, "title");
	return http_response_printf(res, "title=%s",
	    title != NULL ? title : "(null)");
}

/* The file part, as "filename|content_type|bytes". */
static int
h_upload(struct http_request *req, struct http_response *res, void *app)
{
	const struct http_param *p;
	size_t i, n;

	p = http_request_params(req, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(p[i].name, "media") != 0 || p[i].filename == NULL)
			continue;
		http_response_type(res, "application/octet-stream");
		if (http_response_printf(res, "%s|%s|", p[i].filename,
		    p[i].content_type) == -1)
			return -1;
		return http_response_append(res, p[i].value, p[i].value_len);
	}
	http_response_error(req, res, 400, "media", "required");
	return 0;
}

static int
h_json(struct http_request *req, struct http_response *res, void *app)
{
	const void *body;
	size_t len;

	body = http_request_body(req, &len);
	http_response_type(res, "application/json");
	return http_response_append(res, body, len);
}

static int
h_private(struct http_request *req, struct http_response *res, void *app)
{
	return http_response_printf(res, "user=%s",
	    (const char *)http_request_user(req));
}

static int
h_fail(struct http_request *req, struct http_response *res, void *app)
{
	http_response_header(res, "X-Leak", "1");
	http_response_append(res, "partial", 7);
	return -1;
}

static int
h_remote(struct http_request *req, struct http_response *res, void *app)
{
	return http_response_printf(res, "%s", http_request_remote(req));
}

/* A streamed body: "head", then parts "part 1" .. "part N", each from one
 * call of next (N = 2000 calls, in order, nothing lost or repeated). */
#define STREAM_PARTS 2000

static int
stream_next(struct http_response *out, void *arg)
{
	int *n = arg;

	if (*n == STREAM_PARTS)
		return 0;
	return http_response_printf(out, "part %d\n", ++*n);
}

static int
h_stream(struct http_request *req, struct http_response *res, void *app)
{
	int *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return -1;
	http_response_append(res, "head\n", 5);
	return http_response_stream(res, stream_next, free, n);
}

/* A stream set, then a failure: the error answers, the stream is freed. */
static int
h_stream_fail(struct http_request *req, struct http_response *res,
    void *app)
{
	int *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return -1;
	if (http_response_stream(res, stream_next, free, n) == -1)
		return -1;
	return -1;
}

/*
 * Answers held until their write is on disk (http_config's durable):
 * /held "writes", and durable_cb keeps its done call-back for the test
 * to call, as the store's syncer would after the fsync.
 */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cond = PTHREAD_COND_INITIALIZER;
static void (*held_done[2])(void *, int);
static void *held_arg[2];
static int nheld;
static __thread int wrote;

static int
h_held(struct http_request *req, struct http_response *res, void *app)
{
	wrote = 1;
	return http_response_append(res, "kept\n", 5);
}

static int
durable_cb(void *app, int hold, void (*done)(void *, int), void *arg)
{
	if (!wrote)
		return 0;
	wrote = 0;
	if (!hold)
		return 0;
	pthread_mutex_lock(&held_lock);
	if (nheld == 2) {
		pthread_mutex_unlock(&held_lock);
		return -1;
	}
	held_done[nheld] = done;
	held_arg[nheld++] = arg;
	pthread_cond_signal(&held_cond);
	pthread_mutex_unlock(&held_lock);
	return 1;
}

static const char *const echo_params[] = { "title", "attribute[", "tag*",
	NULL };
static const char *const upload_params[] = { "media", "title", NULL };
static const char *const key_params[] = { "api_key", NULL };

static const struct http_route routes[] = {
	{ HTTP_GET, "/hello", h_hello, 0, NULL, 0 },
	{ HTTP_GET, "/items/{id}", h_item, 0, NULL, 0 },
	{ HTTP_DELETE, "/items/{id}", h_delete, 0, NULL, 0 },
	{ HTTP_POST, "/items", h_echo, 0, echo_params, ITEMS_MAX_BODY },
	{ HTTP_GET, "/open311/v2/services/{code}.{format}", h_service, 0,
	    NULL, 0 },
	{ HTTP_POST, "/upload", h_upload, 0, upload_params, 0 },
	{ HTTP_POST, "/json", h_json, 0, NULL, 0 },
	{ HTTP_GET, "/private", h_private, 1, key_params, 0 },
	{ HTTP_POST, "/private", h_private, 1, key_params, 0 },
	{ HTTP_GET, "/fail", h_fail, 0, NULL, 0 },
	{ HTTP_GET, "/remote", h_remote, 0, NULL, 0 },
	{ HTTP_GET, "/stream", h_stream, 0, NULL, 0 },
	{ HTTP_GET, "/stream-fail", h_stream_fail, 0, NULL, 0 },
	{ HTTP_GET, "/held", h_held, 0, NULL, 0 },
};

static int
access_cb(struct http_request *req, const struct http_route *route,
    void *app, const char **field, const char **message)
{
	const char *key = http_request_param(req, "api_key");

	if (key == NULL) {
		*field = "api_key";
		*message = "required";
		return 401;
	}
	if (strcmp(key, "good") != 0) {
		*field = "api_key";
		*message = "unknown key";
		return 403;
	}
	http_request_set_user(req, "alice");
	return 0;
}

static void
error_cb(struct http_request *req, struct http_response *res, int status,
    const char *field, const char *message, void *app)
{
	http_response_status(res, status);
	http_response_type(res, "application/json");
	http_response_printf(res, "{\"status\":%d,\"field\":\"%s\","
	    "\"message\":\"%s\"}", status, field != NULL ? field : "",
	    message);
}

/* The server and the static directory, shared by all tests. */
static struct http_server *srv;
static char static_dir[64];
static char top_dir[64];

struct reply {
	long status;
	char body[65536];
	size_t len;
	char headers[16384];
	size_t hlen;
};

static size_t
on_body(char *p, size_t size, size_t n, void *cls)
{
	struct reply *r = cls;
	size_t len = size * n;

	if (len > sizeof(r->body) - 1 - r->len)
		return 0;
	memcpy(r->body + r->len, p, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *cls)
{
	struct reply *r = cls;
	size_t len = size * n;

	if (len > sizeof(r->headers) - 1 - r->hlen)
		return 0;
	memcpy(r->headers + r->hlen, p, len);
	r->hlen += len;
	r->headers[r->hlen] = '\0';
	return len;
}

/* The value of header name in r, copied into buf, or NULL. */
static const char *
header(const struct reply *r, const char *name, char *buf, size_t size)
{
	const char *line = r->headers;
	size_t nlen = strlen(name);

	while (line != NULL && *line != '\0') {
		const char *end = strstr(line, "\r\n");

		if (end == NULL)
			break;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			size_t vlen;

			while (*v == ' ')
				v++;
			vlen = (size_t)(end - v);
			if (vlen >= size)
				return NULL;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		line = end + 2;
	}
	return NULL;
}

enum body_mode { BODY_NONE, BODY_FIXED, BODY_CHUNKED };

struct upload {
	const char *data;
	size_t len;
	size_t off;
};

static size_t
on_read(char *p, size_t size, size_t n, void *cls)
{
	struct upload *u = cls;
	size_t len = size * n;

	if (len > u->len - u->off)
		len = u->len - u->off;
	memcpy(p, u->data + u->off, len);
	u->off += len;
	return len;
}

/*
 * Send method path (with query) and an optional body, fill r.  A mime
 * makes it a multipart POST.
 */
static void
request(const char *method, const char *path, const char *ctype,
    const char *body, size_t len, enum body_mode mode, curl_mime *mime,
    struct reply *r)
{
	struct curl_slist *hdrs = NULL;
	struct upload up = { body, len, 0 };
	char url[VECHE_MAX_URI * 2], buf[256];
	CURL *c;
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s",
	    http_server_port(srv), path);
	c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (ctype != NULL) {
		snprintf(buf, sizeof(buf), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, buf);
	}
	if (mode == BODY_FIXED) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	} else if (mode == BODY_CHUNKED) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
		hdrs = curl_slist_append(hdrs, "Expect:");
	}
	if (mime != NULL)
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
}

static void
get(const char *path, struct reply *r)
{
	request("GET", path, NULL, NULL, 0, BODY_NONE, NULL, r);
}

static void
post(const char *path, const char *ctype, const char *body, struct reply *r)
{
	request("POST", path, ctype, body, strlen(body), BODY_FIXED, NULL, r);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
group_setup(void **state)
{
	struct http_config cfg;
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_ALL) != 0)
		return -1;
	snprintf(top_dir, sizeof(top_dir), "/tmp/veche-http-XXXXXX");
	if (mkdtemp(top_dir) == NULL)
		return -1;
	snprintf(static_dir, sizeof(static_dir), "%s/static", top_dir);
	if (mkdir(static_dir, 0700) == -1)
		return -1;
	write_file(top_dir, "secret.txt", "secret");
	write_file(static_dir, "app.js", "console.log(1);\n");
	write_file(static_dir, ".hidden", "hidden");

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.port = 0;
	cfg.threads = 2;
	cfg.routes = routes;
	cfg.nroutes = sizeof(routes) / sizeof(routes[0]);
	cfg.access = access_cb;
	cfg.error = error_cb;
	cfg.static_dir = static_dir;
	cfg.durable = durable_cb;
	srv = http_server_start(&cfg, err, sizeof(err));
	if (srv == NULL) {
		fprintf(stderr, "http_server_start: %s\n", err);
		return -1;
	}
	if (http_server_port(srv) == 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	char path[256];

	http_server_stop(srv);
	snprintf(path, sizeof(path), "%s/app.js", static_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.hidden", static_dir);
	unlink(path);
	rmdir(static_dir);
	snprintf(path, sizeof(path), "%s/secret.txt", top_dir);
	unlink(path);
	rmdir(top_dir);
	curl_global_cleanup();
	return 0;
}

static void
test_route_vars(void **state)
{
	struct reply r;
	char buf[64];

	get("/hello", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "hello");
	assert_string_equal(header(&r, "Content-Type", buf, sizeof(buf)),
	    "text/plain; charset=utf-8");

	get("/items/42", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "item=42");
	assert_null(header(&r, "Access-Control-Allow-Origin", buf,
	    sizeof(buf)));

	/* Path variables are decoded, and never take a '/'. */
	get("/items/a%20b", &r);
	assert_string_equal(r.body, "item=a b");
	get("/items/a/b", &r);
	assert_int_equal(r.status, 404);

	get("/open311/v2/services/pothole.json", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "code=pothole,format=json");
	assert_string_equal(header(&r, "Access-Control-Allow-Origin", buf,
	    sizeof(buf)), "*");

	request("DELETE", "/items/7", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 204);
}

static void
test_not_found(void **state)
{
	struct reply r;
	char buf[64];

	get("/nope", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "\"status\":404"));
	assert_string_equal(header(&r, "Content-Type", buf, sizeof(buf)),
	    "application/json");
	get("/hello/", &r);
	assert_int_equal(r.status, 404);
}

static void
test_method_not_allowed(void **state)
{
	struct reply r;
	char buf[64];

	request("PUT", "/items/42", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow", buf, sizeof(buf)),
	    "GET, HEAD, DELETE");
	assert_non_null(strstr(r.body, "\"status\":405"));

	request("PATCH", "/hello", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow", buf, sizeof(buf)),
	    "GET, HEAD");

	post("/static/app.js", "text/plain", "x", &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow", buf, sizeof(buf)),
	    "GET, HEAD");
}

static void
test_body_too_large(void **state)
{
	static char big[ITEMS_MAX_BODY + 100];
	struct reply r;

	memset(big, 'x', sizeof(big));
	memcpy(big, "title=", 6);

	request("POST", "/items", "application/x-www-form-urlencoded", big,
	    ITEMS_MAX_BODY, BODY_FIXED, NULL, &r);
	assert_int_equal(r.status, 200);

	request("POST", "/items", "application/x-www-form-urlencoded", big,
	    sizeof(big), BODY_FIXED, NULL, &r);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "\"status\":413"));

	/* No Content-Length: the limit still holds. */
	request("POST", "/items", "application/x-www-form-urlencoded", big,
	    sizeof(big), BODY_CHUNKED, NULL, &r);
	assert_int_equal(r.status, 413);
	request("POST", "/items", "application/x-www-form-urlencoded", big,
	    100, BODY_CHUNKED, NULL, &r);
	assert_int_equal(r.status, 200);
}

static void
test_head(void **state)
{
	struct reply r;
	char buf[64];

	request("HEAD", "/hello", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	assert_string_equal(header(&r, "Content-Length", buf, sizeof(buf)),
	    "5");
	assert_non_null(header(&r, "X-Frame-Options", buf, sizeof(buf)));

	request("HEAD", "/static/app.js", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
}

static void
test_params_declared_only(void **state)
{
	struct reply r;

	post("/items?title=q&evil=1&attribute%5Bk%5D=v&evil=2",
	    "application/x-www-form-urlencoded",
	    "tag=a&attribute[x][]=1&other=2&attributes=no&tag=b&"
	    "attribute[x][]=2", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body,
	    "q:title=q\n"
	    "q:attribute[k]=v\n"
	    "b:tag=a\n"
	    "b:attribute[x][]=1\n"
	    "b:tag=b\n"
	    "b:attribute[x][]=2\n"
	    "title=q");

	/* A declared field that is not a list comes once: in the query, the
	 * body, or one in each, a second one is refused, naming it. */
	post("/items?title=q", "application/x-www-form-urlencoded", "title=t",
	    &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"title\""));
	assert_non_null(strstr(r.body, "given more than once"));
	post("/items", "application/x-www-form-urlencoded", "title=&title=t",
	    &r);
	assert_int_equal(r.status, 400);
	get("/hello?title=1", &r);
	assert_int_equal(r.status, 200);
	post("/items", "application/x-www-form-urlencoded",
	    "attribute[k]=1&attribute[k]=2", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"attribute[k]\""));
	post("/private?api_key=good", "application/x-www-form-urlencoded",
	    "api_key=other", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"api_key\""));

	/* A malformed body names the field. */
	post("/items", "application/x-www-form-urlencoded",
	    "title=ok&description=abc%zz", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"description\""));
	assert_non_null(strstr(r.body, "invalid percent-escape in field "
	    "'description' at byte 24"));

	get("/hello?x=%zz", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "query: invalid percent-escape"));
}

static void
test_access(void **state)
{
	struct reply r;

	get("/private", &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "\"field\":\"api_key\""));
	get("/private?api_key=bad", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "unknown key"));
	get("/private?api_key=good", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "user=alice");

	/* The key may come as a form field. */
	post("/private", "application/x-www-form-urlencoded", "api_key=good",
	    &r);
	assert_int_equal(r.status, 200);
	post("/private", "application/x-www-form-urlencoded", "api_key=bad",
	    &r);
	assert_int_equal(r.status, 403);
}

static void
assert_security_headers(const struct reply *r)
{
	char buf[512];

	assert_string_equal(header(r, "Content-Security-Policy", buf,
	    sizeof(buf)), csp);
	assert_string_equal(header(r, "X-Content-Type-Options", buf,
	    sizeof(buf)), "nosniff");
	assert_string_equal(header(r, "X-Frame-Options", buf, sizeof(buf)),
	    "DENY");
	assert_string_equal(header(r, "Referrer-Policy", buf, sizeof(buf)),
	    "same-origin");
}

static void
test_security_headers(void **state)
{
	struct reply r;

	get("/hello", &r);
	assert_security_headers(&r);
	get("/nope", &r);
	assert_security_headers(&r);
	get("/fail", &r);
	assert_security_headers(&r);
	get("/static/app.js", &r);
	assert_security_headers(&r);
	request("PUT", "/hello", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_security_headers(&r);
}

static void
test_static(void **state)
{
	struct reply r;
	char buf[128];

	get("/static/app.js", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "console.log(1);\n");
	assert_string_equal(header(&r, "Content-Type", buf, sizeof(buf)),
	    "text/javascript; charset=utf-8");
	assert_non_null(header(&r, "Cache-Control", buf, sizeof(buf)));
	get("/static/app.js?v=3", &r);
	assert_int_equal(r.status, 200);

	get("/static/../secret.txt", &r);
	assert_int_equal(r.status, 400);
	assert_null(strstr(r.body, "secret"));
	get("/static/%2e%2e/secret.txt", &r);
	assert_int_equal(r.status, 400);
	get("/static/%2E%2E%2Fsecret.txt", &r);
	assert_int_equal(r.status, 400);
	get("/static//etc/passwd", &r);
	assert_int_equal(r.status, 400);
	get("/static/./app.js", &r);
	assert_int_equal(r.status, 400);
	get("/static/.hidden", &r);
	assert_int_equal(r.status, 404);
	get("/static/missing.js", &r);
	assert_int_equal(r.status, 404);
	get("/static/", &r);
	assert_int_equal(r.status, 400);
}

static void
test_multipart_upload(void **state)
{
	static const char bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--x\0\xff";
	curl_mime *mime;
	curl_mimepart *part;
	struct reply r;
	char want[128];
	size_t n;

	mime = curl_mime_init(NULL);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "title");
	curl_mime_data(part, "Pothole", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "media");
	curl_mime_data(part, bytes, sizeof(bytes) - 1);
	curl_mime_filename(part, "photo.png");
	curl_mime_type(part, "image/png");
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "undeclared");
	curl_mime_data(part, "x", CURL_ZERO_TERMINATED);

	request("POST", "/upload", NULL, NULL, 0, BODY_NONE, mime, &r);
	curl_mime_free(mime);
	assert_int_equal(r.status, 200);
	n = (size_t)snprintf(want, sizeof(want), "photo.png|image/png|");
	memcpy(want + n, bytes, sizeof(bytes) - 1);
	n += sizeof(bytes) - 1;
	assert_int_equal(r.len, n);
	assert_memory_equal(r.body, want, n);

	/* A truncated multipart body is a 400 naming the rule. */
	post("/upload", "multipart/form-data; boundary=b",
	    "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx",
	    &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "missing final boundary"));
	post("/upload", "multipart/form-data", "--b--", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"Content-Type\""));
}

static void
test_raw_body(void **state)
{
	struct reply r;

	post("/json", "application/json", "{\"a\": [1, 2]}", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"a\": [1, 2]}");
	post("/json", "application/json; charset", "{}", &r);
	assert_int_equal(r.status, 400);
}

static void
test_stream(void **state)
{
	struct reply r;
	char buf[64], want[32];
	const char *p;
	int i;

	get("/stream", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(header(&r, "Transfer-Encoding", buf, sizeof(buf)));
	assert_string_equal(buf, "chunked");
	assert_null(header(&r, "Content-Length", buf, sizeof(buf)));
	assert_non_null(header(&r, "X-Content-Type-Options", buf,
	    sizeof(buf)));
	assert_int_equal(strncmp(r.body, "head\n", 5), 0);
	for (p = r.body + 5, i = 1; i <= STREAM_PARTS; i++) {
		snprintf(want, sizeof(want), "part %d\n", i);
		assert_int_equal(strncmp(p, want, strlen(want)), 0);
		p += strlen(want);
	}
	assert_int_equal(*p, '\0');
	request("HEAD", "/stream", NULL, NULL, 0, BODY_NONE, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	get("/stream-fail", &r);
	assert_int_equal(r.status, 500);
	assert_null(strstr(r.body, "part"));
}

static void
test_handler_failure(void **state)
{
	struct reply r;
	char buf[64];

	get("/fail", &r);
	assert_int_equal(r.status, 500);
	assert_null(strstr(r.body, "partial"));
	assert_null(header(&r, "X-Leak", buf, sizeof(buf)));
	assert_non_null(strstr(r.body, "\"status\":500"));
}

struct fetch {
	const char *path;
	struct reply r;
};

static void *
fetch_run(void *arg)
{
	struct fetch *f = arg;

	get(f->path, &f->r);
	return NULL;
}

/*
 * Two answers wait for their writes with both server threads free to
 * answer others; each is sent when told: the write on disk, 200; lost,
 * 500 and not the handler's body.
 */
static void
test_held_answers(void **state)
{
	struct fetch f[2];
	pthread_t th[2];
	struct reply r;
	int i, ok = 0, failed = 0;

	memset(f, 0, sizeof(f));
	for (i = 0; i < 2; i++) {
		f[i].path = "/held";
		assert_int_equal(pthread_create(&th[i], NULL, fetch_run,
		    &f[i]), 0);
	}
	pthread_mutex_lock(&held_lock);
	while (nheld < 2)
		pthread_cond_wait(&held_cond, &held_lock);
	pthread_mutex_unlock(&held_lock);
	get("/hello", &r);
	assert_int_equal(r.status, 200);
	held_done[0](held_arg[0], 1);
	held_done[1](held_arg[1], 0);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (f[i].r.status == 200 &&
		    strcmp(f[i].r.body, "kept\n") == 0)
			ok++;
		else if (f[i].r.status == 500 &&
		    strstr(f[i].r.body, "kept") == NULL)
			failed++;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(failed, 1);
}

static void
test_bad_paths(void **state)
{
	static char longpath[VECHE_MAX_URI + 64];
	struct reply r;

	get("/items/%zz", &r);
	assert_int_equal(r.status, 400);
	get("/items/a%00b", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "NUL"));

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	get(longpath, &r);
	assert_int_equal(r.status, 414);
}

static void
test_remote(void **state)
{
	struct reply r;

	get("/remote", &r);
	assert_string_equal(r.body, "127.0.0.1");
}

static void
test_start_errors(void **state)
{
	struct http_config cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.port = http_server_port(srv);
	cfg.error = error_cb;
	assert_null(http_server_start(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "in use"));

	cfg.port = 0;
	cfg.routes = routes;
	cfg.nroutes = sizeof(routes) / sizeof(routes[0]);
	assert_null(http_server_start(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "access callback"));

	cfg.error = NULL;
	assert_null(http_server_start(&cfg, err, sizeof(err)));
}

/* The status a GET of path on host:port answers (fails if none). */
static long
status_at(const char *host, unsigned port, const char *path)
{
	static struct reply r;
	char url[256];
	CURL *c;
	CURLcode rc;

	memset(&r, 0, sizeof(r));
	snprintf(url, sizeof(url), "http://%s:%u%s", host, port, path);
	c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("GET %s: %s", url, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(c);
	return r.status;
}

static void
test_ipv6_and_localhost(void **state)
{
	struct http_config cfg;
	struct http_server *s;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.error = error_cb;
	cfg.host = "localhost";
	s = http_server_start(&cfg, err, sizeof(err));
	assert_non_null(s);
	assert_int_not_equal(http_server_port(s), 0);
	/* Started is not enough: it answers there (no routes: 404). */
	assert_int_equal(status_at("localhost", http_server_port(s), "/"),
	    404);
	http_server_stop(s);

	/* ::1 may be missing in a container: then starting says why;
	 * where it is there, the server answers on it. */
	cfg.host = "::1";
	s = http_server_start(&cfg, err, sizeof(err));
	if (s == NULL)
		assert_true(err[0] != '\0');
	else
		assert_int_equal(status_at("[::1]", http_server_port(s), "/"),
		    404);
	http_server_stop(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_vars),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_params_declared_only),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_security_headers),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_multipart_upload),
		cmocka_unit_test(test_raw_body),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_handler_failure),
		cmocka_unit_test(test_held_answers),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_remote),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_ipv6_and_localhost),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
