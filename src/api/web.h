/*
 * web.h: the web routes (see web.c).
 */
#ifndef VECHE_API_WEB_H
#define VECHE_API_WEB_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *web_routes(size_t *n);

#endif
