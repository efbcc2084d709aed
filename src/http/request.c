/*
 * request.c: the request object and what handlers may read from it.
 */
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "base/arena.h"
#include "http/internal.h"

static const char *const method_names[HTTP_METHOD__MAX] = {
	"GET",
	"HEAD",
	"POST",
	"PUT",
	"DELETE",
};

const char *
http_method_name(enum http_method m)
{
	if ((unsigned)m >= HTTP_METHOD__MAX)
		return "?";
	return method_names[m];
}

enum http_method
http_method_parse(const char *s)
{
	int m;

	if (s == NULL)
		return HTTP_METHOD__MAX;
	for (m = 0; m < HTTP_METHOD__MAX; m++)
		if (strcmp(s, method_names[m]) == 0)
			return (enum http_method)m;
	return HTTP_METHOD__MAX;
}

/*
 * A new request for the raw uri, with its arena.  A uri longer than
 * VECHE_MAX_URI is not kept (req->uri stays NULL; the server answers 414).
 * Returns NULL when out of memory.  Free with http_request_free.
 */
struct http_request *
http_request_new(const struct http_server *srv, const char *uri)
{
	struct http_request *req;
	size_t len;

	req = calloc(1, sizeof(*req));
	if (req == NULL)
		return NULL;
	req->srv = srv;
	req->state = REQ_NEW;
	req->method = HTTP_METHOD__MAX;
	req->query = "";
	req->routes = srv->cfg.routes;
	req->nroutes = srv->cfg.nroutes;
	req->site_app = req->app = srv->cfg.app;
	clock_gettime(CLOCK_MONOTONIC, &req->arrived);
	req->arena = arena_new(VECHE_MAX_REQUEST_MEMORY);
	if (req->arena == NULL)
		goto fail;
	http_response_init(&req->res, req->arena);
	len = strlen(uri);
	if (len <= VECHE_MAX_URI &&
	    (req->uri = arena_strndup(req->arena, uri, len)) == NULL)
		goto fail;
	return req;
fail:
	arena_free(req->arena);
	free(req);
	return NULL;
}

/* Free req, its body, its response and its arena.  Accepts NULL. */
void
http_request_free(struct http_request *req)
{
	if (req == NULL)
		return;
	http_response_release(&req->res);
	free(req->body);
	arena_free(req->arena);
	free(req);
}

enum http_method
http_request_method(const struct http_request *req)
{
	return req->method;
}

const char *
http_request_path(const struct http_request *req)
{
	return req->path != NULL ? req->path : "";
}

const char *
http_request_query(const struct http_request *req)
{
	return req->query;
}

const char *
http_request_header(const struct http_request *req, const char *name)
{
	if (req->con == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(req->con, MHD_HEADER_KIND, name);
}

const char *
http_request_remote(const struct http_request *req)
{
	return req->remote;
}

const void *
http_request_body(const struct http_request *req, size_t *len)
{
	if (len != NULL)
		*len = req->body_len;
	return req->body != NULL ? req->body : "";
}

const struct http_route *
http_request_route(const struct http_request *req)
{
	return req->route;
}

const char *
http_request_var(const struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nvars; i++)
		if (strcmp(req->vars[i].name, name) == 0)
			return req->vars[i].value;
	return NULL;
}

/* The first value of name from source, or NULL. */
static const struct http_param *
first_param(const struct http_request *req, const char *name,
    enum http_param_source source)
{
	size_t i;

	for (i = 0; i < req->params.n; i++)
		if (req->params.v[i].source == source &&
		    strcmp(req->params.v[i].name, name) == 0)
			return &req->params.v[i];
	return NULL;
}

const char *
http_request_param(const struct http_request *req, const char *name)
{
	enum http_param_source order[2] = { HTTP_PARAM_QUERY, HTTP_PARAM_BODY };
	const struct http_param *p;
	int i;

	if (req->method == HTTP_POST || req->method == HTTP_PUT) {
		order[0] = HTTP_PARAM_BODY;
		order[1] = HTTP_PARAM_QUERY;
	}
	/* An empty first value in one source gives way to the other. */
	for (i = 0; i < 2; i++) {
		p = first_param(req, name, order[i]);
		if (p != NULL && p->value_len > 0)
			return p->value;
	}
	return NULL;
}

const struct http_param *
http_request_params(const struct http_request *req, size_t *n)
{
	*n = req->params.n;
	return req->params.v;
}

void *
http_request_alloc(struct http_request *req, size_t size)
{
	return arena_alloc(req->arena, size);
}

char *
http_request_strdup(struct http_request *req, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strdup(req->arena, s);
}

void
http_request_set_app(struct http_request *req, void *app)
{
	req->app = app;
}

void
http_request_set_user(struct http_request *req, void *user)
{
	req->user = user;
}

void *
http_request_user(const struct http_request *req)
{
	return req->user;
}
