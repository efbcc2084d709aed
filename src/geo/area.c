/*
 * area.c: polygons through GEOS.  A GEOS context is not thread-safe, so each
 * area has its own context and a mutex around it.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geos_c.h>
#include <jansson.h>

#include "geo/geo.h"

struct geo_area {
	GEOSContextHandle_t ctx;
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
	pthread_mutex_t lock;
	double min_lat, min_lon, max_lat, max_lon;
	char msg[256];                  /* last GEOS message, for errors */
};

int
geo_point_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 &&
	    lon >= -180.0 && lon <= 180.0;
}

double
geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371008.8, rad = M_PI / 180.0;
	double a;

	lat1 *= rad;
	lat2 *= rad;
	a = pow(sin((lat2 - lat1) / 2), 2) +
	    cos(lat1) * cos(lat2) * pow(sin((lon2 - lon1) * rad / 2), 2);
	return 2 * r * asin(fmin(1.0, sqrt(a)));
}

static void
geos_message_r(const char *msg, void *userdata)
{
	struct geo_area *a = userdata;

	snprintf(a->msg, sizeof(a->msg), "%s", msg);
}

/*
 * The shape of an area's GeoJSON, checked before GEOS reads it: GEOS 3.11's
 * reader trusts it and dereferences a position with no numbers in it
 * (found by fuzz_city: a Polygon ring holding []).  Every position must be
 * two or three numbers, every ring four or more positions, and the only
 * geometries are Polygon and MultiPolygon, bare or inside a Feature, a
 * FeatureCollection or a GeometryCollection.  Returns 0 or -1 with a
 * message naming the place.
 */
static int
check_ring(const json_t *ring, const char *where, char *err, size_t errlen)
{
	size_t i, j, n;
	const json_t *pos;

	if (!json_is_array(ring) || json_array_size(ring) < 4) {
		snprintf(err, errlen, "%s: a ring must be an array of at least "
		    "4 positions, the last equal to the first", where);
		return -1;
	}
	json_array_foreach(ring, i, pos) {
		n = json_array_size(pos);
		if (!json_is_array(pos) || n < 2 || n > 3) {
			snprintf(err, errlen, "%s: position %zu must be "
			    "[longitude, latitude]", where, i);
			return -1;
		}
		for (j = 0; j < n; j++)
			if (!json_is_number(json_array_get(pos, j))) {
				snprintf(err, errlen, "%s: position %zu must "
				    "hold numbers only", where, i);
				return -1;
			}
	}
	return 0;
}

static int
check_polygon(const json_t *rings, const char *where, char *err,
    size_t errlen)
{
	const json_t *ring;
	size_t i;

	if (!json_is_array(rings) || json_array_size(rings) == 0) {
		snprintf(err, errlen, "%s: a Polygon's coordinates must be a "
		    "non-empty array of rings", where);
		return -1;
	}
	json_array_foreach(rings, i, ring)
		if (check_ring(ring, where, err, errlen) == -1)
			return -1;
	return 0;
}

static int
check_shape(const json_t *g, int depth, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *list, *item;
	size_t i;

	if (depth > 8) {
		snprintf(err, errlen, "GeoJSON nested too deep");
		return -1;
	}
	if (!json_is_object(g) || type == NULL) {
		snprintf(err, errlen, "a GeoJSON object with a \"type\" is "
		    "expected");
		return -1;
	}
	if (strcmp(type, "Feature") == 0)
		return check_shape(json_object_get(g, "geometry"), depth + 1,
		    err, errlen);
	if (strcmp(type, "FeatureCollection") == 0 ||
	    strcmp(type, "GeometryCollection") == 0) {
		list = json_object_get(g, type[0] == 'F' ? "features" :
		    "geometries");
		if (!json_is_array(list) || json_array_size(list) == 0) {
			snprintf(err, errlen, "an empty %s is not an area",
			    type);
			return -1;
		}
		json_array_foreach(list, i, item)
			if (check_shape(item, depth + 1, err, errlen) == -1)
				return -1;
		return 0;
	}
	list = json_object_get(g, "coordinates");
	if (strcmp(type, "Polygon") == 0)
		return check_polygon(list, "Polygon", err, errlen);
	if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(list) || json_array_size(list) == 0) {
			snprintf(err, errlen, "MultiPolygon: coordinates must "
			    "be a non-empty array of polygons");
			return -1;
		}
		json_array_foreach(list, i, item)
			if (check_polygon(item, "MultiPolygon", err,
			    errlen) == -1)
				return -1;
		return 0;
	}
	snprintf(err, errlen, "an area must be a Polygon or MultiPolygon, "
	    "got %.40s", type);
	return -1;
}

static int
check_geojson(const char *geojson, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	int rc;

	if ((root = json_loads(geojson, 0, &je)) == NULL) {
		snprintf(err, errlen, "not valid GeoJSON: %s (line %d)",
		    je.text, je.line);
		return -1;
	}
	rc = check_shape(root, 0, err, errlen);
	json_decref(root);
	return rc;
}

/* 1 if g is made only of polygons (possibly inside collections). */
static int
only_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
	int type = GEOSGeomTypeId_r(ctx, g), i, n;

	if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
		return 1;
	if (type != GEOS_GEOMETRYCOLLECTION)
		return 0;
	n = GEOSGetNumGeometries_r(ctx, g);
	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!only_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i)))
			return 0;
	return 1;
}

struct geo_area *
geo_area_parse(const char *geojson, char *err, size_t errlen)
{
	struct geo_area *a = NULL;
	GEOSGeoJSONReader *rd = NULL;
	char *why = NULL;

	if (check_geojson(geojson, err, errlen) == -1)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&a->lock, NULL);
	if ((a->ctx = GEOS_init_r()) == NULL) {
		snprintf(err, errlen, "cannot start GEOS");
		goto fail;
	}
	GEOSContext_setErrorMessageHandler_r(a->ctx, geos_message_r, a);
	if ((rd = GEOSGeoJSONReader_create_r(a->ctx)) == NULL ||
	    (a->geom = GEOSGeoJSONReader_readGeometry_r(a->ctx, rd,
	    geojson)) == NULL) {
		snprintf(err, errlen, "not valid GeoJSON: %s",
		    a->msg[0] ? a->msg : "unreadable");
		goto fail;
	}
	if (!only_polygons(a->ctx, a->geom)) {
		snprintf(err, errlen, "an area must be a Polygon or "
		    "MultiPolygon, got %s", GEOSGeomType_r(a->ctx, a->geom));
		goto fail;
	}
	if (GEOSisValid_r(a->ctx, a->geom) != 1) {
		why = GEOSisValidReason_r(a->ctx, a->geom);
		snprintf(err, errlen, "invalid polygon: %s",
		    why ? why : "unknown reason");
		GEOSFree_r(a->ctx, why);
		goto fail;
	}
	if (GEOSGeom_getXMin_r(a->ctx, a->geom, &a->min_lon) != 1 ||
	    GEOSGeom_getXMax_r(a->ctx, a->geom, &a->max_lon) != 1 ||
	    GEOSGeom_getYMin_r(a->ctx, a->geom, &a->min_lat) != 1 ||
	    GEOSGeom_getYMax_r(a->ctx, a->geom, &a->max_lat) != 1 ||
	    !geo_point_valid(a->min_lat, a->min_lon) ||
	    !geo_point_valid(a->max_lat, a->max_lon)) {
		snprintf(err, errlen, "area coordinates out of range: GeoJSON "
		    "takes [longitude, latitude] in degrees");
		goto fail;
	}
	if ((a->prep = GEOSPrepare_r(a->ctx, a->geom)) == NULL) {
		snprintf(err, errlen, "cannot prepare area: %s", a->msg);
		goto fail;
	}
	GEOSGeoJSONReader_destroy_r(a->ctx, rd);
	return a;
fail:
	if (rd != NULL)
		GEOSGeoJSONReader_destroy_r(a->ctx, rd);
	geo_area_free(a);
	return NULL;
}

int
geo_area_contains(struct geo_area *a, double lat, double lon)
{
	GEOSGeometry *pt;
	int in = 0;

	if (lat < a->min_lat || lat > a->max_lat || lon < a->min_lon ||
	    lon > a->max_lon)
		return 0;
	pthread_mutex_lock(&a->lock);
	if ((pt = GEOSGeom_createPointFromXY_r(a->ctx, lon, lat)) != NULL) {
		in = GEOSPreparedIntersects_r(a->ctx, a->prep, pt) == 1;
		GEOSGeom_destroy_r(a->ctx, pt);
	}
	pthread_mutex_unlock(&a->lock);
	return in;
}

void
geo_area_bounds(const struct geo_area *a, double *min_lat, double *min_lon,
    double *max_lat, double *max_lon)
{
	*min_lat = a->min_lat;
	*min_lon = a->min_lon;
	*max_lat = a->max_lat;
	*max_lon = a->max_lon;
}

void
geo_area_free(struct geo_area *a)
{
	if (a == NULL)
		return;
	if (a->ctx != NULL) {
		if (a->prep != NULL)
			GEOSPreparedGeom_destroy_r(a->ctx, a->prep);
		if (a->geom != NULL)
			GEOSGeom_destroy_r(a->ctx, a->geom);
		GEOS_finish_r(a->ctx);
	}
	pthread_mutex_destroy(&a->lock);
	free(a);
}
