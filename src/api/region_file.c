/*
 * region_file.c: the region file of veche serve --region (docs/city.md,
 * "The region file"): its reader and checks.  Errors name the field, as
 * the city file's do.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/region.h"
#include "core/db.h"

#define REGION_MAX_CITIES 256
#define REGION_MAX_HOST 253

struct reader {
	json_t *doc;
	json_t *owned;                  /* strings made here (paths, hosts) */
	const char *dir;                /* the file's folder, "" for cwd */
	size_t dirlen;
	char *err;
	size_t errlen;
};

static int
fail(struct reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->err, rd->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A string kept with the document. */
static const char *
keep(struct reader *rd, const char *s)
{
	json_t *v = json_string(s);

	if (v == NULL || json_array_append_new(rd->owned, v) == -1)
		return NULL;
	return json_string_value(v);
}

/*
 * Field key of object o at place into *out: a non-empty string of at most
 * max bytes, or NULL when absent and not required.
 */
static int
get(struct reader *rd, json_t *o, const char *place, const char *key,
    int required, size_t max, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(rd, "%s%s: required", place, key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max)
		return fail(rd, "%s%s: a string of 1 to %zu bytes", place, key,
		    max);
	*out = json_string_value(v);
	return 0;
}

/* A path, relative ones against the file's folder; a database's URL as is. */
static int
get_path(struct reader *rd, json_t *o, const char *place, const char *key,
    int required, const char **out)
{
	char buf[4096];

	if (get(rd, o, place, key, required, 1024, out) == -1)
		return -1;
	if (*out == NULL || (*out)[0] == '/' || rd->dirlen == 0 ||
	    ((strcmp(key, "db") == 0 || strcmp(key, "staff_db") == 0) &&
	    db_is_url(*out)))
		return 0;
	snprintf(buf, sizeof(buf), "%.*s/%s", (int)rd->dirlen, rd->dir, *out);
	if ((*out = keep(rd, buf)) == NULL)
		return fail(rd, "out of memory");
	return 0;
}

/* A host name: letters, digits, '-' and '.', kept in lower case. */
static int
get_host(struct reader *rd, json_t *o, const char *place, const char **out)
{
	char buf[REGION_MAX_HOST + 1];
	size_t i, n;

	if (get(rd, o, place, "host", 1, REGION_MAX_HOST, out) == -1)
		return -1;
	n = strlen(*out);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)(*out)[i];

		if (!isalnum(ch) && ch != '-' && ch != '.')
			return fail(rd, "%shost: '%.64s' is not a host name "
			    "(letters, digits, '-' and '.'; no port)", place,
			    *out);
		buf[i] = (char)tolower(ch);
	}
	buf[n] = '\0';
	if ((*out = keep(rd, buf)) == NULL)
		return fail(rd, "out of memory");
	return 0;
}

/* Every key of o must be one of known (NULL-terminated). */
static int
only(struct reader *rd, json_t *o, const char *place,
    const char *const *known)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL)
			return fail(rd, "%s%.64s: unknown field", place, key);
	}
	return 0;
}

/* A public URL: http:// or https://, at most 400 bytes. */
static int
get_url(struct reader *rd, json_t *o, const char *place, const char **out)
{
	if (get(rd, o, place, "public_url", 0, 400, out) == -1)
		return -1;
	if (*out != NULL && strncmp(*out, "http://", 7) != 0 &&
	    strncmp(*out, "https://", 8) != 0)
		return fail(rd, "%spublic_url: starts with http:// or https://",
		    place);
	return 0;
}

static int
read_city(struct reader *rd, json_t *o, size_t i, struct region_city_conf *c)
{
	static const char *const known[] = { "db", "host", "name_ru",
		"name_en", "media", "data_dir", "public_url", NULL };
	char place[32];

	snprintf(place, sizeof(place), "cities[%zu].", i);
	if (!json_is_object(o))
		return fail(rd, "cities[%zu]: an object", i);
	if (only(rd, o, place, known) == -1 ||
	    get_path(rd, o, place, "db", 1, &c->db) == -1 ||
	    get_host(rd, o, place, &c->host) == -1 ||
	    get(rd, o, place, "name_ru", 0, 200, &c->name[0]) == -1 ||
	    get(rd, o, place, "name_en", 0, 200, &c->name[1]) == -1 ||
	    get_path(rd, o, place, "media", 0, &c->media) == -1 ||
	    get_path(rd, o, place, "data_dir", 0, &c->data_dir) == -1 ||
	    get_url(rd, o, place, &c->public_url) == -1)
		return -1;
	if (c->name[1] == NULL)
		c->name[1] = c->name[0];
	return 0;
}

/* No two cities share a host or a database, nor the region's host. */
static int
distinct(struct reader *rd, const struct region_conf *rc)
{
	size_t i, j;

	for (i = 0; i < rc->ncities; i++) {
		if (strcmp(rc->cities[i].host, rc->host) == 0)
			return fail(rd, "cities[%zu].host: '%s' is the region's "
			    "host", i, rc->host);
		for (j = 0; j < i; j++) {
			if (strcmp(rc->cities[i].host, rc->cities[j].host) == 0)
				return fail(rd, "cities[%zu].host: '%s' is also "
				    "cities[%zu]'s", i, rc->cities[i].host, j);
			if (strcmp(rc->cities[i].db, rc->cities[j].db) == 0)
				return fail(rd, "cities[%zu].db: '%.200s' is also "
				    "cities[%zu]'s", i, rc->cities[i].db, j);
		}
		if (strcmp(rc->cities[i].db, rc->staff_db) == 0)
			return fail(rd, "cities[%zu].db: '%.200s' is the "
			    "region's staff_db", i, rc->staff_db);
	}
	return 0;
}

static int
read_region(struct reader *rd, struct region_conf *rc)
{
	static const char *const known[] = { "name_ru", "name_en", "host",
		"staff_db", "public_url", "cities", NULL };
	json_t *cities;
	size_t i;

	if (!json_is_object(rd->doc))
		return fail(rd, "region: a JSON object");
	if (only(rd, rd->doc, "", known) == -1 ||
	    get(rd, rd->doc, "", "name_ru", 1, 200, &rc->name[0]) == -1 ||
	    get(rd, rd->doc, "", "name_en", 0, 200, &rc->name[1]) == -1 ||
	    get_host(rd, rd->doc, "", &rc->host) == -1 ||
	    get_path(rd, rd->doc, "", "staff_db", 1, &rc->staff_db) == -1 ||
	    get_url(rd, rd->doc, "", &rc->public_url) == -1)
		return -1;
	if (rc->name[1] == NULL)
		rc->name[1] = rc->name[0];
	cities = json_object_get(rd->doc, "cities");
	if (!json_is_array(cities) || json_array_size(cities) == 0 ||
	    json_array_size(cities) > REGION_MAX_CITIES)
		return fail(rd, "cities: a list of 1 to %d cities",
		    REGION_MAX_CITIES);
	rc->ncities = json_array_size(cities);
	if ((rc->cities = calloc(rc->ncities, sizeof(*rc->cities))) == NULL)
		return fail(rd, "out of memory");
	for (i = 0; i < rc->ncities; i++)
		if (read_city(rd, json_array_get(cities, i), i,
		    &rc->cities[i]) == -1)
			return -1;
	return distinct(rd, rc);
}

/* The region of doc (its reference taken), path naming the file. */
static struct region_conf *
conf_from(json_t *doc, const char *path, char *err, size_t errlen)
{
	struct region_conf *rc = NULL;
	struct reader rd;
	const char *slash = strrchr(path, '/');

	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	rd.errlen = errlen;
	rd.dir = path;
	rd.dirlen = slash != NULL ? (size_t)(slash - path) : 0;
	if (slash == path)
		rd.dirlen = 1;  /* "/region.json": the root */
	rd.doc = doc;
	/* rc->doc holds the file and the strings keep() makes. */
	if ((rc = calloc(1, sizeof(*rc))) == NULL ||
	    (rc->doc = json_array()) == NULL ||
	    json_array_append_new(rc->doc, rd.doc) == -1 ||
	    (rd.owned = json_array()) == NULL ||
	    json_array_append_new(rc->doc, rd.owned) == -1) {
		fail(&rd, "out of memory");
		if (rc == NULL || rc->doc == NULL)
			json_decref(rd.doc);
		region_conf_free(rc);
		return NULL;
	}
	if (read_region(&rd, rc) == -1) {
		region_conf_free(rc);
		return NULL;
	}
	return rc;
}

struct region_conf *
region_conf_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc;

	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
		return NULL;
	}
	return conf_from(doc, path, err, errlen);
}

struct region_conf *
region_conf_parse(const char *text, size_t len, const char *path, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *doc;

	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
		return NULL;
	}
	return conf_from(doc, path, err, errlen);
}

void
region_conf_free(struct region_conf *rc)
{
	if (rc == NULL)
		return;
	json_decref(rc->doc);
	free(rc->cities);
	free(rc);
}
