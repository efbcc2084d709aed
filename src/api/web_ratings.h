/*
 * web_ratings.h: agencies' ratings (GET /ratings, /ratings/methodology,
 * /api/v1/ratings.json) and the live GeoJSON of reports
 * (GET /api/v1/reports.geojson), the open data catalogue (GET /data,
 * web_data.c); docs/ratings.md, docs/opendata.md.
 */
#ifndef VECHE_API_WEB_RATINGS_H
#define VECHE_API_WEB_RATINGS_H

#include <stddef.h>

struct http_route;

/* This module's rows of the routing table. */
const struct http_route *ratings_routes(size_t *n);

/* The agencies' complaint books (web_book.c): /agencies/{code}. */
const struct http_route *book_routes(size_t *n);

/* The open data catalogue's rows (web_data.c): /data, /data/{name}. */
const struct http_route *data_routes(size_t *n);

struct html;
struct http_request;
struct http_response;
struct web_ctx;

/*
 * Start a public page of this module (web_ratings.c, web_book.c,
 * web_data.c) into res: HTML, not cached, the layout's head and header.
 */
void ratings_page_begin(struct http_response *res, struct html *h,
    const struct web_ctx *c, const char *title, const char *page,
    const char *path);

/* GET /api/v1/reports.geojson (web_geojson.c). */
int web_reports_geojson(struct http_request *, struct http_response *,
    void *);

#endif
