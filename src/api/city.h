/*
 * api/city.h: read a city file (JSON, docs/city.md) and import it through
 * core/city.h.  The reader checks the file whole, in file order, with core's
 * rules, before anything is written.
 */
#ifndef VECHE_API_CITY_H
#define VECHE_API_CITY_H

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

#endif
