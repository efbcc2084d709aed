/*
 * geo.h: points, distances and areas (GeoJSON polygons through GEOS).
 *
 * Coordinates are WGS84 degrees.  GeoJSON orders them [longitude, latitude];
 * veche's functions take (lat, lon) as people say them.
 */
#ifndef VECHE_GEO_H
#define VECHE_GEO_H

#include <stddef.h>

struct geo_area;

/* 1 if lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
int geo_point_valid(double lat, double lon);

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/*
 * Parse an area: a GeoJSON Polygon or MultiPolygon geometry, or a Feature
 * or FeatureCollection of them.  The geometry must be valid (closed rings,
 * no self-intersection).  Returns the area or NULL with a message in err.
 * Safe to share between threads.  Free with geo_area_free.
 */
struct geo_area *geo_area_parse(const char *geojson, char *err,
    size_t errlen);

/* 1 if the point lies inside or on the boundary of the area, else 0. */
int geo_area_contains(struct geo_area *a, double lat, double lon);

/* The area's bounding box. */
void geo_area_bounds(const struct geo_area *a, double *min_lat,
    double *min_lon, double *max_lat, double *max_lon);

void geo_area_free(struct geo_area *a);

#endif
