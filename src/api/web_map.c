/*
 * web_map.c: what the map needs besides reports, so that it works with no
 * tile server: the agencies' areas of the city as GeoJSON (the base layer
 * drawn when there are no tiles) and tiles from a local MBTiles file
 * (veche serve --tiles mbtiles:PATH; core/tiles.h).  Public data only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "api/web.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "core/tiles.h"
#include "http/http.h"

/* A day: tiles of a file change only with a new file and a restart. */
#define TILE_CACHE "public, max-age=86400"

/* One feature for geometry g of agency a, or NULL (out of memory). */
static json_t *
area_feature(const struct agency *a, json_t *g)
{
	json_t *props;

	props = json_pack("{s:s, s:{s:s?, s:s?}}", "agency", a->code, "name",
	    "ru", a->name[LANG_RU], "en", a->name[LANG_EN]);
	if (props == NULL)
		return NULL;
	return json_pack("{s:s, s:O, s:o}", "type", "Feature", "geometry", g,
	    "properties", props);
}

/* Append area (a stored geometry, Feature or FeatureCollection) to fc. */
static int
add_area(json_t *features, const struct agency *a, const char *area)
{
	json_t *doc, *list, *f, *g;
	const char *type;
	size_t i;
	int rc = 0;

	/* Stored areas were checked on the way in: skip what does not parse. */
	if ((doc = json_loads(area, 0, NULL)) == NULL)
		return 0;
	type = json_string_value(json_object_get(doc, "type"));
	if (type != NULL && strcmp(type, "FeatureCollection") == 0)
		list = json_object_get(doc, "features");
	else
		list = NULL;
	for (i = 0; list != NULL ? i < json_array_size(list) : i < 1; i++) {
		f = list != NULL ? json_array_get(list, i) : doc;
		type = json_string_value(json_object_get(f, "type"));
		g = type != NULL && strcmp(type, "Feature") == 0 ?
		    json_object_get(f, "geometry") : f;
		if (!json_is_object(g))
			continue;
		if (json_array_append_new(features, area_feature(a, g)) == -1) {
			rc = -1;
			break;
		}
	}
	json_decref(doc);
	return rc;
}

static int
map_areas(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *app = arg;
	const struct catalog *cat = app->catalog;
	json_t *fc, *features;
	char *text = NULL;
	size_t i, j;
	int rc = -1;

	(void)req;
	if ((features = json_array()) == NULL)
		return -1;
	fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features",
	    features);
	if (fc == NULL)
		return -1;
	for (i = 0; i < catalog_nagencies(cat); i++) {
		const struct agency *a = catalog_agency_at(cat, i);

		for (j = 0; j < a->nareas; j++)
			if (add_area(features, a, a->areas[j]) == -1)
				goto out;
	}
	if ((text = json_dumps(fc, JSON_COMPACT)) == NULL)
		goto out;
	http_response_type(res, "application/geo+json");
	/* An area uploaded now is drawn on the next load. */
	http_response_header(res, "Cache-Control", "no-cache");
	rc = http_response_append(res, text, strlen(text));
out:
	free(text);
	json_decref(fc);
	return rc;
}

static int
tile_var(struct http_request *req, const char *name, int64_t *v)
{
	return parse_int64(http_request_var(req, name), 0, INT32_MAX, v);
}

static int
map_tile(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *app = arg;
	unsigned char *data = NULL;
	int64_t z, x, y;
	size_t len;
	int rc;

	if (app->tiles == NULL) {
		http_response_error(req, res, 404, NULL, "no tiles here: veche "
		    "serve --tiles mbtiles:PATH serves them");
		return 0;
	}
	if (tile_var(req, "z", &z) == -1 || tile_var(req, "x", &x) == -1 ||
	    tile_var(req, "y", &y) == -1) {
		http_response_error(req, res, 404, NULL, "no such tile");
		return 0;
	}
	rc = tiles_get(app->tiles, (int)z, (int)x, (int)y, &data, &len);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		http_response_error(req, res, 404, NULL, "no such tile");
		http_response_header(res, "Cache-Control", TILE_CACHE);
		return 0;
	}
	http_response_type(res, "image/png");
	http_response_header(res, "Cache-Control", TILE_CACHE);
	rc = http_response_append(res, data, len);
	free(data);
	return rc;
}

static const char *const p_clusters[] = {
	"lang", "bbox", "zoom", "service_code", "status", "agency", "days",
	NULL
};

static const struct http_route map_table[] = {
	{ HTTP_GET, "/map/clusters.json", web_map_clusters, 0, p_clusters, 0 },
	{ HTTP_GET, "/map/areas.geojson", map_areas, 0, NULL, 0 },
	{ HTTP_GET, "/tiles/{z}/{x}/{y}.png", map_tile, 0, NULL, 0 },
};

const struct http_route *
map_routes(size_t *n)
{
	*n = sizeof(map_table) / sizeof(map_table[0]);
	return map_table;
}
