/*
 * city.c: the city file's reader (api/city.h).  It walks the JSON in file
 * order, applying core's rules as it goes (codes, attribute types, areas,
 * deadline settings), and hands core/city.c plain records to write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "veche.h"
#include "base/arena.h"
#include "api/city.h"
#include "core/city.h"
#include "core/clock.h"
#include "core/listen.h"
#include "core/datetime.h"
#include "core/parse.h"
#include "core/deadline.h"
#include "core/report.h"

static const char *const lang_keys[LANG__MAX] = {
	[LANG_RU] = "ru",
	[LANG_EN] = "en",
};

static const char *const service_type_names[SERVICE_TYPE__MAX] = {
	[SERVICE_REALTIME] = "realtime",
	[SERVICE_BATCH] = "batch",
	[SERVICE_BLACKBOX] = "blackbox",
};

/* A field that is a string or {"ru": ..., "en": ...}; ru is required if req. */
static int
get_lang(json_t *obj, const char *key, const char *out[LANG__MAX], int req,
    const char *path, struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	int l;

	for (l = 0; l < LANG__MAX; l++)
		out[l] = NULL;
	if (v == NULL || json_is_null(v)) {
		if (req)
			return verr_set(e, VERR_INVALID, path, "%s.%s: required",
			    path, key);
		return 0;
	}
	if (json_is_string(v)) {
		out[LANG_RU] = json_string_value(v);
		return 0;
	}
	if (!json_is_object(v))
		return verr_set(e, VERR_INVALID, path, "%s.%s: a string or an "
		    "object {\"ru\": ..., \"en\": ...}", path, key);
	for (l = 0; l < LANG__MAX; l++) {
		json_t *t = json_object_get(v, lang_keys[l]);

		if (t != NULL && !json_is_string(t))
			return verr_set(e, VERR_INVALID, path, "%s.%s.%s: a "
			    "string", path, key, lang_keys[l]);
		out[l] = json_string_value(t);
	}
	if (req && out[LANG_RU] == NULL)
		return verr_set(e, VERR_INVALID, path, "%s.%s.ru: required",
		    path, key);
	return 0;
}

static int
get_str(json_t *obj, const char *key, const char **out, int req,
    const char *path, struct verr *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (req)
			return verr_set(e, VERR_INVALID, path, "%s.%s: required",
			    path, key);
		return 0;
	}
	if (!json_is_string(v))
		return verr_set(e, VERR_INVALID, path, "%s.%s: must be a string",
		    path, key);
	*out = json_string_value(v);
	return 0;
}

static int
parse_attr(struct arena *a, json_t *j, struct service_attr *out,
    const char *path, struct verr *e)
{
	const char *type;
	json_t *v;
	size_t i;
	char sub[160];

	if (!json_is_object(j))
		return verr_set(e, VERR_INVALID, path, "%s: an object", path);
	if (get_str(j, "code", &out->code, 1, path, e) ||
	    get_str(j, "datatype", &type, 1, path, e) ||
	    get_lang(j, "description", out->description, 1, path, e) ||
	    get_lang(j, "datatype_description", out->datatype_description, 0,
	    path, e))
		return -1;
	snprintf(sub, sizeof(sub), "%s.code", path);
	if (city_check_code(out->code, sub, e) == -1)
		return -1;
	if ((out->type = report_attr_type_parse(type)) == ATTR__MAX)
		return verr_set(e, VERR_INVALID, path, "%s.datatype: '%s' is not "
		    "one of string, number, datetime, text, singlevaluelist, "
		    "multivaluelist", path, type);
	out->required = json_is_true(json_object_get(j, "required"));
	v = json_object_get(j, "variable");
	out->variable = v == NULL || json_is_true(v);
	out->order = (int)json_integer_value(json_object_get(j, "order"));
	v = json_object_get(j, "values");
	if (out->type == ATTR_SINGLEVALUELIST ||
	    out->type == ATTR_MULTIVALUELIST) {
		struct attr_choice *ch;

		if (!json_is_array(v) || json_array_size(v) == 0)
			return verr_set(e, VERR_INVALID, path, "%s.values: a "
			    "list datatype needs a non-empty array of {key, "
			    "name}", path);
		ch = arena_alloc(a, json_array_size(v) * sizeof(*ch));
		if (ch == NULL)
			return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		for (i = 0; i < json_array_size(v); i++) {
			json_t *c = json_array_get(v, i);

			snprintf(sub, sizeof(sub), "%s.values[%zu]", path, i);
			if (!json_is_object(c) || get_str(c, "key", &ch[i].key,
			    1, sub, e) || get_lang(c, "name", ch[i].name, 1,
			    sub, e))
				return verr_set(e, VERR_INVALID, sub, "%s: an "
				    "object {key, name}", sub);
		}
		out->choices = ch;
		out->nchoices = json_array_size(v);
	}
	return 0;
}

static int
parse_service(struct arena *a, json_t *j, struct service *out,
    const char *path, struct verr *e)
{
	const char *type = NULL;
	json_t *attrs, *kw;
	struct service_attr *sa;
	size_t i;
	char sub[128];

	if (!json_is_object(j))
		return verr_set(e, VERR_INVALID, path, "%s: an object", path);
	if (get_str(j, "code", &out->code, 1, path, e) ||
	    get_lang(j, "name", out->name, 1, path, e) ||
	    get_lang(j, "description", out->description, 0, path, e) ||
	    get_lang(j, "group", out->group, 0, path, e) ||
	    get_str(j, "type", &type, 0, path, e))
		return -1;
	snprintf(sub, sizeof(sub), "%s.code", path);
	if (city_check_code(out->code, sub, e) == -1)
		return -1;
	out->type = SERVICE_REALTIME;
	out->disabled = json_is_true(json_object_get(j, "disabled"));
	if (type != NULL) {
		for (i = 0; i < SERVICE_TYPE__MAX; i++)
			if (strcmp(type, service_type_names[i]) == 0)
				break;
		if (i == SERVICE_TYPE__MAX)
			return verr_set(e, VERR_INVALID, path, "%s.type: one of "
			    "realtime, batch, blackbox", path);
		out->type = (enum service_type)i;
	}
	kw = json_object_get(j, "keywords");
	if (json_is_string(kw))
		out->keywords = json_string_value(kw);
	else if (json_is_array(kw)) {
		json_t *joined = json_string("");
		size_t k;

		for (k = 0; k < json_array_size(kw); k++) {
			const char *w = json_string_value(json_array_get(kw, k));
			char *cat;
			size_t n;

			if (w == NULL)
				continue;
			n = strlen(json_string_value(joined)) + strlen(w) + 2;
			if ((cat = arena_alloc(a, n)) == NULL)
				break;
			snprintf(cat, n, "%s%s%s", json_string_value(joined),
			    k ? "," : "", w);
			json_string_set(joined, cat);
		}
		out->keywords = arena_strdup(a, json_string_value(joined));
		json_decref(joined);
	}
	attrs = json_object_get(j, "attributes");
	if (attrs == NULL)
		return 0;
	if (!json_is_array(attrs))
		return verr_set(e, VERR_INVALID, path, "%s.attributes: an array",
		    path);
	if ((sa = arena_alloc(a, (json_array_size(attrs) + 1) *
	    sizeof(*sa))) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < json_array_size(attrs); i++) {
		snprintf(sub, sizeof(sub), "%s.attributes[%zu]", path, i);
		if (parse_attr(a, json_array_get(attrs, i), &sa[i], sub, e))
			return -1;
		if (sa[i].order == 0)
			sa[i].order = (int)i + 1;
	}
	out->attrs = sa;
	out->nattrs = json_array_size(attrs);
	return 0;
}

/* Collect areas: geometries, Features, or FeatureCollections of them. */
static int
collect_areas(struct arena *a, json_t *j, const char ***areas, size_t *n,
    size_t *cap, const char *path, struct verr *e)
{
	const char *type = json_string_value(json_object_get(j, "type"));
	char *text;

	if (type != NULL && strcmp(type, "FeatureCollection") == 0) {
		json_t *f = json_object_get(j, "features");
		size_t i;

		for (i = 0; i < json_array_size(f); i++)
			if (collect_areas(a, json_array_get(f, i), areas, n,
			    cap, path, e) == -1)
				return -1;
		return 0;
	}
	if (type != NULL && strcmp(type, "Feature") == 0)
		j = json_object_get(j, "geometry");
	if ((text = json_dumps(j, JSON_COMPACT)) == NULL)
		return verr_set(e, VERR_INVALID, path, "%s: not a GeoJSON "
		    "object", path);
	if (city_check_area(text, path, e) == -1) {
		free(text);
		return -1;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		const char **v = arena_alloc(a, ncap * sizeof(*v));

		if (v == NULL) {
			free(text);
			return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		}
		if (*n > 0)
			memcpy(v, *areas, *n * sizeof(*v));
		*areas = v;
		*cap = ncap;
	}
	(*areas)[(*n)++] = arena_strdup(a, text);
	free(text);
	return 0;
}

static int
parse_agency(struct arena *a, json_t *j, struct agency *out,
    const char *path, struct verr *e)
{
	json_t *svcs, *areas;
	const char **codes, **list = NULL;
	size_t i, n = 0, cap = 0;
	char sub[128];

	if (!json_is_object(j))
		return verr_set(e, VERR_INVALID, path, "%s: an object", path);
	if (get_str(j, "code", &out->code, 1, path, e) ||
	    get_lang(j, "name", out->name, 1, path, e) ||
	    get_str(j, "email", &out->email, 0, path, e))
		return -1;
	snprintf(sub, sizeof(sub), "%s.code", path);
	if (city_check_code(out->code, sub, e) == -1)
		return -1;
	svcs = json_object_get(j, "services");
	if (svcs != NULL && !json_is_array(svcs))
		return verr_set(e, VERR_INVALID, path, "%s.services: an array "
		    "of service codes", path);
	codes = arena_alloc(a, (json_array_size(svcs) + 1) * sizeof(*codes));
	if (codes == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < json_array_size(svcs); i++)
		if ((codes[i] = json_string_value(json_array_get(svcs,
		    i))) == NULL)
			return verr_set(e, VERR_INVALID, path, "%s.services[%zu]:"
			    " a service code", path, i);
	out->services = codes;
	out->nservices = json_array_size(svcs);
	areas = json_object_get(j, "areas");
	if (areas != NULL) {
		json_t *items = areas;

		if (!json_is_array(areas)) {
			items = json_array();
			json_array_append(items, areas);
		}
		for (i = 0; i < json_array_size(items); i++) {
			snprintf(sub, sizeof(sub), "%s.areas[%zu]", path, i);
			if (collect_areas(a, json_array_get(items, i), &list,
			    &n, &cap, sub, e) == -1) {
				if (items != areas)
					json_decref(items);
				return -1;
			}
		}
		if (items != areas)
			json_decref(items);
	}
	out->areas = list;
	out->nareas = n;
	return 0;
}

static int
known_service(const struct service *svcs, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(svcs[i].code, code) == 0)
			return 1;
	return 0;
}

/*
 * The deadline settings (docs/deadlines.md): "calendar" (a calendar name,
 * or "none"), "answer_days" ("calendar" or "working"), "deadline_near_days"
 * (working days); each optional.  near receives the last as text.
 */
static int
get_deadline_settings(json_t *root, const char **calendar,
    const char **answer, char *near, size_t nearlen, struct verr *e)
{
	json_t *v;
	size_t n;

	if (get_str(root, "calendar", calendar, 0, "city", e) ||
	    get_str(root, "answer_days", answer, 0, "city", e))
		return -1;
	if (*calendar != NULL && ((n = strlen(*calendar)) == 0 ||
	    n > VECHE_MAX_CALENDAR_NAME || strspn(*calendar,
	    "abcdefghijklmnopqrstuvwxyz0123456789_") != n))
		return verr_set(e, VERR_INVALID, "calendar", "calendar: '%.40s' "
		    "is not a calendar name (a-z, 0-9, _; e.g. \"ru\" for "
		    "data/calendar/ru-YYYY.txt, or \"none\")", *calendar);
	if (*answer != NULL && deadline_count_parse(*answer) ==
	    DEADLINE_COUNT__MAX)
		return verr_set(e, VERR_INVALID, "answer_days", "answer_days: "
		    "\"calendar\" or \"working\"");
	near[0] = '\0';
	v = json_object_get(root, "deadline_near_days");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > VECHE_MAX_NEAR_DAYS)
			return verr_set(e, VERR_INVALID, "deadline_near_days",
			    "deadline_near_days: a number of working days from "
			    "0 to %d", VECHE_MAX_NEAR_DAYS);
		snprintf(near, nearlen, "%lld",
		    (long long)json_integer_value(v));
	}
	return 0;
}

static int
parse_addresses(struct arena *a, json_t *list, struct city_address **out,
    size_t *n, struct verr *e)
{
	struct city_address *rows;
	size_t i, chars, bad;
	char path[48];

	*out = NULL;
	*n = 0;
	if (list == NULL)
		return 0;
	if (!json_is_array(list))
		return verr_set(e, VERR_INVALID, "addresses", "addresses: an "
		    "array of {address, lat, long}");
	if ((rows = arena_alloc(a, (json_array_size(list) + 1) *
	    sizeof(*rows))) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);
		json_t *la = json_object_get(o, "lat");
		json_t *lo = json_object_get(o, "long");

		snprintf(path, sizeof(path), "addresses[%zu]", i);
		if (get_str(o, "address", &rows[i].text, 1, path, e) == -1)
			return -1;
		if (!json_is_number(la) || !json_is_number(lo) ||
		    !city_point_valid(json_number_value(la),
		    json_number_value(lo)))
			return verr_set(e, VERR_INVALID, path, "%s: lat and long "
			    "must be numbers in range", path);
		if (parse_utf8(rows[i].text, 0, &chars, &bad) == -1 ||
		    chars == 0 || chars > VECHE_MAX_ADDRESS)
			return verr_set(e, VERR_INVALID, path, "%s.address: one "
			    "line of 1 to %d characters", path,
			    VECHE_MAX_ADDRESS);
		rows[i].lat = json_number_value(la);
		rows[i].lon = json_number_value(lo);
	}
	*out = rows;
	*n = json_array_size(list);
	return 0;
}

/*
 * Listening's optional "aliases" of each agency (docs/city.md): an array
 * of at most VECHE_MAX_ALIASES strings of 1..VECHE_MAX_ALIAS bytes.
 * Checked first (write 0), written after the import (write 1).
 */
static int
agency_aliases(struct store *s, json_t *ags, int write, struct verr *e)
{
	const char *list[VECHE_MAX_ALIASES];
	json_t *ag, *al;
	size_t i, j, n;

	json_array_foreach(ags, i, ag) {
		al = json_object_get(ag, "aliases");
		if (al == NULL)
			continue;
		if (!json_is_array(al) || json_array_size(al) >
		    VECHE_MAX_ALIASES)
			return verr_set(e, VERR_INVALID, "aliases", "agencies[%zu]"
			    ".aliases: an array of at most %d names", i,
			    VECHE_MAX_ALIASES);
		n = json_array_size(al);
		for (j = 0; j < n; j++) {
			list[j] = json_string_value(json_array_get(al, j));
			if (list[j] == NULL || list[j][0] == '\0' ||
			    strlen(list[j]) > VECHE_MAX_ALIAS)
				return verr_set(e, VERR_INVALID, "aliases",
				    "agencies[%zu].aliases[%zu]: a name of 1 to "
				    "%d bytes", i, j, VECHE_MAX_ALIAS);
		}
		if (write && listen_aliases_set(s, json_string_value(
		    json_object_get(ag, "code")), list, n, e) == -1)
			return -1;
	}
	return 0;
}

/* The index of agency code among agencies[0..n-1], or n. */
static size_t
agency_index(const struct agency *agencies, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(agencies[i].code, code) == 0)
			break;
	return i;
}

/*
 * Each agency's optional "parent" (an agency of this file above it, with
 * no cycle) and "head" ({"name": ..., "title": ...}, each a text or
 * {"ru": ..., "en": ...}) into heads[0..nag-1].  Returns 0, or -1 with e
 * naming the field.
 */
static int
parse_heads(json_t *ags, const struct agency *agencies, size_t nag,
    struct agency_head *heads, struct verr *e)
{
	char path[64], sub[80];
	json_t *j, *head;
	size_t i, up, steps;

	for (i = 0; i < nag; i++) {
		j = json_array_get(ags, i);
		snprintf(path, sizeof(path), "agencies[%zu]", i);
		snprintf(sub, sizeof(sub), "%s.head", path);
		memset(&heads[i], 0, sizeof(heads[i]));
		heads[i].agency = agencies[i].code;
		if (get_str(j, "parent", &heads[i].parent, 0, path, e) == -1)
			return -1;
		if (heads[i].parent != NULL && (agency_index(agencies, nag,
		    heads[i].parent) == nag || i == agency_index(agencies, nag,
		    heads[i].parent)))
			return verr_set(e, VERR_INVALID, path, "%s.parent: '%.64s'"
			    " is not another agency in this file", path,
			    heads[i].parent);
		if ((head = json_object_get(j, "head")) == NULL ||
		    json_is_null(head))
			continue;
		if (!json_is_object(head))
			return verr_set(e, VERR_INVALID, sub, "%s: an object "
			    "with name and title", sub);
		if (get_lang(head, "name", heads[i].name, 1, sub, e) == -1 ||
		    get_lang(head, "title", heads[i].title, 0, sub, e) == -1)
			return -1;
	}
	/* Up the parents from each: a chain longer than nag is a cycle. */
	for (i = 0; i < nag; i++) {
		for (up = i, steps = 0; heads[up].parent != NULL &&
		    steps <= nag; steps++)
			up = agency_index(agencies, nag, heads[up].parent);
		if (steps > nag)
			return verr_set(e, VERR_INVALID, "agencies", "agencies[%zu]"
			    ".parent: the parents form a cycle", i);
	}
	return 0;
}

/* Put path before e's message ("sources[2]" + "url: ..."). */
static int
at(struct verr *e, const char *field, const char *path)
{
	char msg[sizeof(e->message)];

	snprintf(msg, sizeof(msg), "%s", e->message);
	return verr_set(e, e->kind, field, "%s.%s", path, msg);
}

/*
 * Listening's "sources": [{"name", "url", "kind", "interval"}] (docs/city.md),
 * added or changed by name.  Checked first (s NULL), then written.
 */
static int
city_sources(struct store *s, json_t *list, struct verr *e)
{
	const char *name, *url, *kind;
	json_t *src, *iv;
	char path[32];
	size_t i;

	if (list == NULL)
		return 0;
	if (!json_is_array(list) || json_array_size(list) >
	    VECHE_MAX_CITY_SOURCES)
		return verr_set(e, VERR_INVALID, "sources", "sources: an array "
		    "of at most %d sources", VECHE_MAX_CITY_SOURCES);
	json_array_foreach(list, i, src) {
		snprintf(path, sizeof(path), "sources[%zu]", i);
		if (!json_is_object(src))
			return verr_set(e, VERR_INVALID, "sources", "%s: an "
			    "object {\"name\", \"url\", \"kind\", "
			    "\"interval\"}", path);
		if (get_str(src, "name", &name, 1, path, e) ||
		    get_str(src, "kind", &kind, 1, path, e) ||
		    get_str(src, "url", &url, 0, path, e))
			return -1;
		iv = json_object_get(src, "interval");
		if (iv != NULL && !json_is_integer(iv))
			return verr_set(e, VERR_INVALID, "sources", "%s.interval:"
			    " seconds, an integer", path);
		if (s == NULL)
			continue;
		if (listen_source_put(s, name, kind, url, iv != NULL ?
		    json_integer_value(iv) : 0, clock_now(), e) == -1)
			return e->kind == VERR_INVALID ? at(e, "sources", path) :
			    -1;
	}
	return 0;
}

/*
 * Listening's "districts": [{"name", "aliases"}]: names a post may use for
 * a district (docs/listening.md).  When present they replace the stored
 * ones.  Checked first (s NULL), then written.
 */
static int
city_districts(struct store *s, json_t *list, struct verr *e)
{
	const char *names[VECHE_MAX_ALIASES + 1];
	json_t *d, *al;
	size_t i, j, n;

	if (list == NULL)
		return 0;
	if (!json_is_array(list) || json_array_size(list) >
	    VECHE_MAX_DISTRICTS)
		return verr_set(e, VERR_INVALID, "districts", "districts: an "
		    "array of at most %d districts", VECHE_MAX_DISTRICTS);
	if (s != NULL && listen_districts_clear(s, e) == -1)
		return -1;
	json_array_foreach(list, i, d) {
		names[0] = json_string_value(json_object_get(d, "name"));
		if (names[0] == NULL || names[0][0] == '\0' ||
		    strlen(names[0]) > VECHE_MAX_ALIAS)
			return verr_set(e, VERR_INVALID, "districts",
			    "districts[%zu].name: a name of 1 to %d bytes", i,
			    VECHE_MAX_ALIAS);
		al = json_object_get(d, "aliases");
		if (al != NULL && (!json_is_array(al) || json_array_size(al) >
		    VECHE_MAX_ALIASES))
			return verr_set(e, VERR_INVALID, "districts",
			    "districts[%zu].aliases: an array of at most %d "
			    "names", i, VECHE_MAX_ALIASES);
		n = json_array_size(al);
		for (j = 0; j < n; j++) {
			names[j + 1] = json_string_value(json_array_get(al, j));
			if (names[j + 1] == NULL || names[j + 1][0] == '\0' ||
			    strlen(names[j + 1]) > VECHE_MAX_ALIAS)
				return verr_set(e, VERR_INVALID, "districts",
				    "districts[%zu].aliases[%zu]: a name of 1 "
				    "to %d bytes", i, j, VECHE_MAX_ALIAS);
		}
		if (s != NULL && listen_district_set(s, names, n + 1, e) == -1)
			return -1;
	}
	return 0;
}

/* Listening's parts of the file, written inside city_import's transaction. */
struct listening {
	json_t *agencies, *sources, *districts;
};

static int
write_listening(struct store *s, void *arg, struct verr *e)
{
	struct listening *li = arg;

	if (agency_aliases(s, li->agencies, 1, e) == -1 ||
	    city_sources(s, li->sources, e) == -1 ||
	    city_districts(s, li->districts, e) == -1)
		return -1;
	return 0;
}

static int
import(struct store *s, json_t *root, struct arena *a, struct verr *e)
{
	struct listening li;
	json_t *svcs, *ags;
	struct service *services = NULL;
	struct agency *agencies = NULL;
	struct agency_head *heads = NULL;
	const char *jur = NULL, *tz = NULL, *fallback = NULL;
	const char *calendar = NULL, *answer = NULL;
	struct city_address *addrs;
	struct city c;
	size_t i, j, nsvc, nag, naddrs;
	char path[64], near[16];

	if (!json_is_object(root))
		return verr_set(e, VERR_INVALID, "", "the file must hold a JSON "
		    "object");
	if (get_str(root, "jurisdiction_id", &jur, 0, "city", e) ||
	    get_str(root, "timezone", &tz, 0, "city", e) ||
	    get_str(root, "fallback_agency", &fallback, 0, "city", e))
		return -1;
	if (get_deadline_settings(root, &calendar, &answer, near,
	    sizeof(near), e) == -1)
		return -1;
	if (tz != NULL && datetime_set_zone(tz) == -1)
		return verr_set(e, VERR_INVALID, "timezone", "timezone: '%s' is "
		    "not a known time zone (e.g. Europe/Moscow)", tz);
	svcs = json_object_get(root, "services");
	ags = json_object_get(root, "agencies");
	if ((svcs != NULL && !json_is_array(svcs)) ||
	    (ags != NULL && !json_is_array(ags)))
		return verr_set(e, VERR_INVALID, "services", "services and "
		    "agencies must be arrays");
	nsvc = json_array_size(svcs);
	nag = json_array_size(ags);
	services = arena_alloc(a, (nsvc + 1) * sizeof(*services));
	agencies = arena_alloc(a, (nag + 1) * sizeof(*agencies));
	heads = arena_alloc(a, (nag + 1) * sizeof(*heads));
	if (services == NULL || agencies == NULL || heads == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < nsvc; i++) {
		snprintf(path, sizeof(path), "services[%zu]", i);
		if (parse_service(a, json_array_get(svcs, i), &services[i],
		    path, e) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(services[j].code, services[i].code) == 0)
				return verr_set(e, VERR_INVALID, path, "%s.code: "
				    "'%s' appears twice", path,
				    services[i].code);
	}
	for (i = 0; i < nag; i++) {
		snprintf(path, sizeof(path), "agencies[%zu]", i);
		if (parse_agency(a, json_array_get(ags, i), &agencies[i],
		    path, e) == -1)
			return -1;
		for (j = 0; j < agencies[i].nservices; j++)
			if (!known_service(services, nsvc,
			    agencies[i].services[j]))
				return verr_set(e, VERR_INVALID, path,
				    "%s.services[%zu]: '%s' is not a service "
				    "in this file", path, j,
				    agencies[i].services[j]);
	}
	if (parse_heads(ags, agencies, nag, heads, e) == -1)
		return -1;
	if (fallback != NULL) {
		for (i = 0; i < nag; i++)
			if (strcmp(agencies[i].code, fallback) == 0)
				break;
		if (i == nag)
			return verr_set(e, VERR_INVALID, "fallback_agency",
			    "fallback_agency: '%s' is not an agency in this "
			    "file", fallback);
	}
	if (parse_addresses(a, json_object_get(root, "addresses"), &addrs,
	    &naddrs, e) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.jurisdiction_id = jur;
	c.timezone = tz;
	c.fallback_agency = fallback;
	c.calendar = calendar;
	c.answer_days = answer;
	c.near_days = near[0] ? near : NULL;
	c.services = services;
	c.nservices = nsvc;
	c.agencies = agencies;
	c.nagencies = nag;
	c.heads = heads;
	c.nheads = nag;
	c.addresses = addrs;
	c.naddresses = naddrs;
	li.agencies = ags;
	li.sources = json_object_get(root, "sources");
	li.districts = json_object_get(root, "districts");
	if (agency_aliases(s, ags, 0, e) == -1 ||
	    city_sources(NULL, li.sources, e) == -1 ||
	    city_districts(NULL, li.districts, e) == -1)
		return -1;
	c.more = write_listening;
	c.more_arg = &li;
	return city_import(s, &c, e);
}

/* Import a parsed document; takes ownership of root. */
static int
import_root(struct store *s, json_t *root, struct verr *e)
{
	struct arena *a;
	int rc;

	if ((a = arena_new(0)) == NULL) {
		json_decref(root);
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	}
	rc = import(s, root, a, e);
	arena_free(a);
	json_decref(root);
	return rc;
}

int
city_import_json(struct store *s, const char *json, size_t len,
    struct verr *e)
{
	json_error_t jerr;
	json_t *root;

	if ((root = json_loadb(json, len, 0, &jerr)) == NULL)
		return verr_set(e, VERR_INVALID, "", "line %d, column %d: %s",
		    jerr.line, jerr.column, jerr.text);
	return import_root(s, root, e);
}

int
city_import_file(struct store *s, const char *path, struct verr *e)
{
	json_error_t jerr;
	json_t *root;

	if ((root = json_load_file(path, 0, &jerr)) == NULL)
		return verr_set(e, VERR_INVALID, "", "%s: line %d, column %d: %s",
		    path, jerr.line, jerr.column, jerr.text);
	return import_root(s, root, e);
}
