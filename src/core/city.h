/*
 * city.h: a city's configuration (services, agencies, their areas, the
 * address registry, settings) and the rules it keeps.  The JSON city file
 * is read by api/city.h (format: docs/city.md; data/demo/city.json is an
 * example), which applies these rules as it goes and hands city_import
 * plain records.  Import is idempotent: services and agencies are replaced
 * by code, others are kept.
 */
#ifndef VECHE_CITY_H
#define VECHE_CITY_H

#include <stddef.h>

#include "core/error.h"
#include "base/model.h"
#include "base/opendata.h"

struct store;

/* One address of the registry, checked. */
struct city_address {
	const char *text;
	double lat, lon;
};

/*
 * A city, checked.  Settings are NULL when the file does not set them;
 * strings point at the reader's memory.
 */
struct city {
	const char *jurisdiction_id;
	const char *timezone;
	const char *fallback_agency;
	const char *calendar;           /* a calendar name, or "none" */
	const char *answer_days;        /* "calendar" or "working" */
	const char *near_days;          /* working days, as text */
	const struct service *services;
	size_t nservices;
	const struct agency *agencies;
	size_t nagencies;
	/* Each agency's parent and head (docs/city.md); NULL: none. */
	const struct agency_head *heads;
	size_t nheads;
	const struct city_address *addresses;
	size_t naddresses;
	/* Written last in the same transaction (listening's aliases, sources
	 * and districts), or NULL: 0, or -1 with e set. */
	int (*more)(struct store *s, void *arg, struct verr *e);
	void *more_arg;
};

/*
 * Write c in one transaction: addresses, settings, services, agencies,
 * then c->more.  Returns 0, or -1 with e set (VERR_INTERNAL, or what
 * c->more set); nothing is written then.
 */
int city_import(struct store *s, const struct city *c, struct verr *e);

/*
 * Codes (services, agencies, attributes) are short and plain, since they
 * appear in URLs and field names: 1 to VECHE_MAX_CODE bytes of A-Z, a-z,
 * 0-9, '_' and '-'.  Returns 0, or -1 with e naming path.
 */
int city_check_code(const char *code, const char *path, struct verr *e);

/*
 * Check that geojson (one geometry, as text) is an area veche can route by:
 * a valid Polygon or MultiPolygon.  Returns 0, or -1 with e naming path.
 */
int city_check_area(const char *geojson, const char *path, struct verr *e);

/* Whether lat/lon is a point on the Earth (WGS 84 degrees). */
int city_point_valid(double lat, double lon);

/*
 * Add a GeoJSON area (a Polygon or MultiPolygon, or a Feature or
 * FeatureCollection of them; at most VECHE_MAX_AREA_FILE bytes) to agency
 * code in the store, after checking it with GEOS, with an audit entry for
 * by (agency.area_add) in the same transaction.  The running catalogue is
 * not changed (app_catalog_reload does that).  Returns 0, or -1 with e
 * set: VERR_INVALID (field "area"), VERR_NOT_FOUND (no agency),
 * VERR_INTERNAL.
 */
int city_area_add(struct store *s, const struct actor *by, const char *code,
    const char *geojson, size_t len, int64_t now, struct verr *e);

/*
 * Delete agency code's index-th area (0: the first as stored and listed),
 * with an audit entry for by (agency.area_delete) in the same
 * transaction.  Returns 0, or -1 with e set: VERR_NOT_FOUND (field
 * "area": no such agency or area), VERR_INTERNAL.
 */
int city_area_delete(struct store *s, const struct actor *by,
    const char *code, size_t index, int64_t now, struct verr *e);

/*
 * An administrator's edit of a service (with its attributes, which replace
 * the stored ones) or an agency (name, e-mail, services; its areas stay):
 * create (the code must be new) or update (the code must exist).  All of
 * it is checked first, then written with an audit entry for by
 * (service.create|update, agency.create|update) in one transaction.  The
 * running catalogue is not changed (app_catalog_reload does that).
 * Returns 0, or -1 with e set: VERR_INVALID naming the form field (code,
 * name_ru, email, attr[2][datatype], ...), VERR_NOT_FOUND, VERR_INTERNAL.
 */
int city_service_save(struct store *s, const struct actor *by,
    const struct service *svc, int create, int64_t now, struct verr *e);
int city_agency_save(struct store *s, const struct actor *by,
    const struct agency *ag, int create, int64_t now, struct verr *e);

/*
 * An answer template: create (t->id 0; the new id in *id, may be NULL) or
 * update t->id; delete one.  Checked first (title_ru and text_ru
 * required), then written with an audit entry (template.create|update|
 * delete) in one transaction; the desk offers it after
 * app_catalog_reload.  Returns 0, or -1 with e set: VERR_INVALID naming
 * the field, VERR_NOT_FOUND ("id"), VERR_INTERNAL.
 */
int city_template_save(struct store *s, const struct actor *by,
    const struct answer_template *t, int64_t *id, int64_t now,
    struct verr *e);
int city_template_delete(struct store *s, const struct actor *by,
    int64_t id, int64_t now, struct verr *e);

#endif
