/*
 * exchange.c: a request's id, and the account of it handed to the
 * observer (logs, metrics) when it is over.
 */
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "base/rand.h"
#include "http/internal.h"

/* 8 to 64 bytes of [A-Za-z0-9._-]: safe in a header, a log and the audit. */
static int
id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < VECHE_MIN_REQUEST_ID || n > VECHE_MAX_REQUEST_ID)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
http_request_take_id(struct http_request *req)
{
	unsigned char raw[VECHE_REQUEST_ID_HEX / 2];
	const char *h;

	h = MHD_lookup_connection_value(req->con, MHD_HEADER_KIND,
	    "X-Request-Id");
	if (h != NULL && id_ok(h)) {
		memcpy(req->id, h, strlen(h) + 1);
		return 0;
	}
	rand_bytes(raw, sizeof(raw));
	sodium_bin2hex(req->id, sizeof(req->id), raw, sizeof(raw));
	return h == NULL ? 0 : -1;
}

const char *
http_request_id(const struct http_request *req)
{
	return req->id;
}

void
http_request_observe(struct http_request *req)
{
	const struct http_config *cfg;
	struct http_exchange ex;
	struct timespec now;
	char path[VECHE_MAX_URI + 1];
	size_t n = 0;

	if (req == NULL || (cfg = &req->srv->cfg)->observe == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (req->uri != NULL) {
		n = strcspn(req->uri, "?");
		memcpy(path, req->uri, n);
	}
	path[n] = '\0';
	memset(&ex, 0, sizeof(ex));
	ex.request_id = req->id;
	ex.method = http_method_name(req->method);
	if (req->route != NULL) {
		ex.route = (long)(req->route - req->routes);
		ex.pattern = req->route->pattern;
	}
	else if (req->path != NULL && req->state == REQ_DONE &&
	    strncmp(req->path, "/static/", 8) == 0 && cfg->static_dir != NULL)
		ex.route = HTTP_ROUTE_STATIC;
	else
		ex.route = HTTP_ROUTE_NONE;
	ex.path = path;
	ex.status = req->sent_status;
	ex.bytes = req->sent_bytes;
	ex.duration_us = (int64_t)(now.tv_sec - req->arrived.tv_sec) * 1000000 +
	    (now.tv_nsec - req->arrived.tv_nsec) / 1000;
	ex.remote = req->remote;
	cfg->observe(&ex, req->site_app);
}
