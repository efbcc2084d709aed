/*
 * city.h: import a city's configuration (services, agencies, their areas,
 * settings) from a JSON file.  The format is described in docs/city.md;
 * data/demo/city.json is an example.  Import is idempotent: services and
 * agencies are replaced by code, others are kept.
 */
#ifndef VECHE_CITY_H
#define VECHE_CITY_H

#include <stddef.h>

#include "core/error.h"

struct store;

/*
 * Parse and validate the whole file, then write it in one transaction.
 * Returns 0, or -1 with e saying where the file is wrong (field is a JSON
 * path such as "services[2].attributes[0].datatype").
 */
int city_import_file(struct store *s, const char *path, struct verr *e);

/* The same from JSON text in memory. */
int city_import_json(struct store *s, const char *json, size_t len,
    struct verr *e);

/*
 * Add a GeoJSON area (a Polygon or MultiPolygon, or a Feature or
 * FeatureCollection of them; at most VECHE_MAX_AREA_FILE bytes) to agency
 * code in the store, after checking it with GEOS.  The running
 * catalogue is not changed: it takes effect at the next start.  Returns
 * 0, or -1 with e set: VERR_INVALID (field "area"), VERR_NOT_FOUND (no
 * agency), VERR_INTERNAL.
 */
int city_area_add(struct store *s, const char *code, const char *geojson,
    size_t len, struct verr *e);

#endif
