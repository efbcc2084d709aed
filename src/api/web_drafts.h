/*
 * web_drafts.h: drafts of regulations' pages and API (web_drafts.c;
 * core/drafts.h; docs/participation.md).
 */
#ifndef VECHE_API_WEB_DRAFTS_H
#define VECHE_API_WEB_DRAFTS_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *drafts_routes(size_t *n);

#endif
