/*
 * web_calls.h: open calls for a public post, their pages and API
 * (web_calls.c; core/calls.h; docs/participation.md "Open calls").
 */
#ifndef VECHE_API_WEB_CALLS_H
#define VECHE_API_WEB_CALLS_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *calls_routes(size_t *n);

#endif
