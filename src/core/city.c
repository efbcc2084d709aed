/*
 * city.c: a city's configuration written to the store, and the rules its
 * file must keep (core/city.h).  Reading the JSON file is api/city.c's.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/city.h"
#include "geo/geo.h"
#include "store/store.h"
#include "store/store_ratings.h"

/* Codes are short and plain, since they appear in URLs and field names. */
int
city_check_code(const char *code, const char *path, struct verr *e)
{
	const char *p;

	if (*code == '\0' || strlen(code) > VECHE_MAX_CODE)
		return verr_set(e, VERR_INVALID, path, "%s: a code of 1 to %d "
		    "bytes", path, VECHE_MAX_CODE);
	for (p = code; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return verr_set(e, VERR_INVALID, path, "%s: '%s' may "
			    "hold only letters A-Z, digits, '_' and '-'",
			    path, code);
	return 0;
}

int
city_import(struct store *s, const struct city *c, struct verr *e)
{
	size_t i;

	if (store_begin(s) == -1)
		goto fail;
	for (i = 0; i < c->naddresses; i++)
		if (store_address_put(s, c->addresses[i].text,
		    c->addresses[i].lat, c->addresses[i].lon) == -1)
			goto rollback;
	if ((c->jurisdiction_id && store_setting_put(s, "jurisdiction_id",
	    c->jurisdiction_id)) ||
	    (c->timezone && store_setting_put(s, "timezone", c->timezone)) ||
	    (c->fallback_agency && store_setting_put(s, "fallback_agency",
	    c->fallback_agency)) ||
	    (c->calendar && store_setting_put(s, "calendar", c->calendar)) ||
	    (c->answer_days && store_setting_put(s, "answer_days",
	    c->answer_days)) ||
	    (c->near_days && store_setting_put(s, "deadline_near_days",
	    c->near_days)))
		goto rollback;
	for (i = 0; i < c->nservices; i++)
		if (store_service_put(s, &c->services[i]) == -1)
			goto rollback;
	for (i = 0; i < c->nagencies; i++)
		if (store_agency_put(s, &c->agencies[i]) == -1)
			goto rollback;
	for (i = 0; i < c->nheads; i++)
		if (store_agency_head_put(s, &c->heads[i]) == -1)
			goto rollback;
	if (c->more != NULL && c->more(s, c->more_arg, e) == -1) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s) == -1)
		goto rollback;
	return 0;
rollback:
	verr_set(e, VERR_INTERNAL, NULL, "writing the city failed: %s",
	    store_error(s));
	store_rollback(s);
	return -1;
fail:
	return verr_set(e, VERR_INTERNAL, NULL, "writing the city failed: %s",
	    store_error(s));
}

int
city_check_area(const char *geojson, const char *path, struct verr *e)
{
	struct geo_area *ga;
	char why[256];

	if ((ga = geo_area_parse(geojson, why, sizeof(why))) == NULL)
		return verr_set(e, VERR_INVALID, path, "%s: %s", path, why);
	geo_area_free(ga);
	return 0;
}

int
city_point_valid(double lat, double lon)
{
	return geo_point_valid(lat, lon);
}
