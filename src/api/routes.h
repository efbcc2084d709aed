/*
 * routes.h: veche's one routing table and the callbacks the HTTP layer asks
 * of the application: who may call a route, and how errors look.
 */
#ifndef VECHE_ROUTES_H
#define VECHE_ROUTES_H

#include <stddef.h>

#include "http/http.h"

/* Who may call a route (http_route.access bits; 0 is everyone). */
enum access {
	ACCESS_APIKEY = 1u << 0,        /* a valid api_key parameter */
};

/* The table and its length. */
const struct http_route *routes_table(size_t *n);

/* http_access_fn for the table. */
int routes_access(struct http_request *req, const struct http_route *route,
    void *app, const char **field, const char **message);

/* http_error_fn: Open311 errors ({code, description} list) in JSON or XML. */
void routes_error(struct http_request *req, struct http_response *res,
    int status, const char *field, const char *message, void *app);

#endif
