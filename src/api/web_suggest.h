/*
 * web_suggest.h: GET /api/v1/services/suggest, the services most likely
 * meant by a report's text (core/suggest.h), for the report form and API
 * clients.
 */
#ifndef VECHE_WEB_SUGGEST_H
#define VECHE_WEB_SUGGEST_H

#include <stddef.h>

#include "http/http.h"

/* The module's routes (routes.c lists it). */
const struct http_route *suggest_routes(size_t *n);

#endif
