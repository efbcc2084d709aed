/*
 * region.h: many cities in one process (veche serve --region FILE,
 * docs/city.md "The region file", docs/scaling.md "Many cities in one
 * deployment").
 *
 * Each city keeps its own store, catalogue, workers, response cache and
 * map index: its own struct app.  One HTTP server is in front; region_site
 * chooses the app of a request by its Host header.  The region's own app
 * (over the region's staff store) answers at the region's host and at any
 * host the file does not name: the cities with their figures, the
 * region's ratings, the open data index, the regional staff's queue, and
 * Open311 for the city its jurisdiction_id names.
 */
#ifndef VECHE_API_REGION_H
#define VECHE_API_REGION_H

#include <stddef.h>

#include "http/http.h"

struct app;

/* One city of the region file.  Paths are resolved against the file's
 * folder; NULL where the file gave none. */
struct region_city_conf {
	const char *db;
	const char *host;               /* lower case, no port */
	const char *name[2];            /* ru, en; NULL: its jurisdiction_id */
	const char *media;
	const char *data_dir;
	const char *public_url;         /* NULL: SCHEME://HOST[:PORT] */
};

/* The region file. */
struct region_conf {
	const char *name[2];            /* ru, en (en defaults to ru) */
	const char *host;               /* lower case, no port */
	const char *staff_db;           /* the regional staff's store */
	const char *public_url;         /* NULL: SCHEME://HOST[:PORT] */
	struct region_city_conf *cities;
	size_t ncities;
	void *doc;                      /* what the strings live in */
};

/*
 * Read and check the region file at path.  Returns it (free with
 * region_conf_free), or NULL with err naming the field and the rule
 * ("cities[1].host: 'a.example' is also cities[0]'s").
 */
struct region_conf *region_conf_load(const char *path, char *err,
    size_t errlen);
/* The same from len bytes of text, as if read from path. */
struct region_conf *region_conf_parse(const char *text, size_t len,
    const char *path, char *err, size_t errlen);
void region_conf_free(struct region_conf *rc);

struct region;

/*
 * The region of conf: the region's app (staff, over conf->staff_db) and
 * each city's app, cities[i] for conf->cities[i], each with its catalogue
 * loaded; routes (nroutes) the cities' routing table.  Refuses two cities
 * with one jurisdiction_id, a city without one, and cities of different
 * time zones.  Sets staff->region and each city's.  Returns it (free with
 * region_free, which frees none of the apps), or NULL with err.
 */
struct region *region_new(const struct region_conf *conf, struct app *staff,
    struct app *const *cities, const struct http_route *routes,
    size_t nroutes, char *err, size_t errlen);
void region_free(struct region *r);

/* The region's own routing table (its pages and Open311 forwards). */
const struct http_route *region_routes(const struct region *r, size_t *n);

/* Set city i's public URL (the string must outlive r). */
void region_city_url(struct region *r, size_t i, const char *url);

/* http_config.site: the city whose host the request names, else the region. */
const struct http_site *region_site(struct http_request *req, void *app);

#endif
