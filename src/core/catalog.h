/*
 * catalog.h: a read-only snapshot of the city's configuration: services,
 * agencies with their areas, and the deployment settings.  Built from the
 * store at start-up (and again after an import); shared by all threads.
 */
#ifndef VECHE_CATALOG_H
#define VECHE_CATALOG_H

#include <stddef.h>

#include "base/model.h"

struct store;
struct catalog;

/*
 * Load a snapshot from the store, parsing every agency area.  Returns it,
 * or NULL with a message in err.  Free with catalog_free.
 */
struct catalog *catalog_load(struct store *s, char *err, size_t errlen);
void catalog_free(struct catalog *c);

/* Settings: jurisdiction id ("" if none), time zone, fallback agency code. */
const char *catalog_jurisdiction(const struct catalog *c);
const char *catalog_timezone(const struct catalog *c);
const char *catalog_fallback(const struct catalog *c);

size_t catalog_nservices(const struct catalog *c);
const struct service *catalog_service_at(const struct catalog *c, size_t i);
/* The service with this code, or NULL. */
const struct service *catalog_service(const struct catalog *c,
    const char *code);

size_t catalog_nagencies(const struct catalog *c);
const struct agency *catalog_agency_at(const struct catalog *c, size_t i);
const struct agency *catalog_agency(const struct catalog *c,
    const char *code);

/*
 * A catalogue text (a service's or agency's name, a description...) in
 * language l, falling back to Russian; NULL when it has neither.  The
 * string belongs to the catalogue.
 */
const char *catalog_text(const char *const v[LANG__MAX], enum lang l);

/* The attribute code of service svc, or NULL. */
const struct service_attr *catalog_service_attr(const struct service *svc,
    const char *code);

/*
 * The agency responsible for a report of service at the point: among the
 * agencies that handle the service, one whose area contains the point, else
 * one with no area (it serves the whole city), else the fallback agency.
 * Without a point only agencies with no area qualify.  Returns the agency
 * code (owned by the catalogue) or NULL when no agency and no fallback.
 */
const char *catalog_route(const struct catalog *c, const char *service,
    int has_point, double lat, double lon);

/*
 * The bounding box of all agency areas: 0, or -1 when no agency has an
 * area.
 */
int catalog_bounds(const struct catalog *c, double *min_lat, double *min_lon,
    double *max_lat, double *max_lon);

/*
 * Every agency as stored (not the snapshot): for pages that list what the
 * database holds now.  Returns 0, fn's non-zero result, or -1 (db_error).
 */
int catalog_agency_each(struct store *s,
    int (*fn)(const struct agency *, void *), void *arg);

/*
 * The answer templates the desk offers, as stored when the snapshot was
 * made (oldest first); catalog_template_at is NULL past the end.
 */
size_t catalog_ntemplates(const struct catalog *c);
const struct answer_template *catalog_template_at(const struct catalog *c,
    size_t i);

/* Every service as stored, disabled ones too (the snapshot has none). */
int catalog_service_each(struct store *s,
    int (*fn)(const struct service *, void *), void *arg);

/* 1 if agency ag handles service code, else 0 (catalog_route's rule). */
int catalog_handles(const struct agency *ag, const char *service);

#endif
