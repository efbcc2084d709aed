/*
 * web_listen.h: listening's pages and API (web_listen.c): the analysts'
 * list /listen with filters, a post's page, the CSV export, the sources'
 * health, and /api/v1 sources, saved queries, posts and uploads.
 */
#ifndef VECHE_API_WEB_LISTEN_H
#define VECHE_API_WEB_LISTEN_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *listen_routes(size_t *n);

#endif
