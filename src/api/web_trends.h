/*
 * web_trends.h: listening's trends (web_trends.c): the staff page
 * /listen/trends with its charts, data table and spikes, their CSV, and
 * /api/v1/trends.json and /api/v1/spikes.json.
 */
#ifndef VECHE_API_WEB_TRENDS_H
#define VECHE_API_WEB_TRENDS_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *trends_routes(size_t *n);

#endif
