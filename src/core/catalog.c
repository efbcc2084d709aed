/* catalog.c: the configuration snapshot and routing by category and area. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "core/catalog.h"
#include "geo/geo.h"
#include "store/store.h"

#define SETTING_LEN 256

struct catalog {
	struct arena *arena;
	struct service *services;
	size_t nservices, capservices;
	struct agency *agencies;
	struct geo_area ***areas;       /* areas[i][j]: agency i, area j */
	size_t nagencies, capagencies;
	struct answer_template *templates;
	size_t ntemplates, captemplates;
	char jurisdiction[SETTING_LEN];
	char timezone[SETTING_LEN];
	char fallback[SETTING_LEN];
	char err[512];
};

/* Copy a string into the arena; 0, or -1 when out of memory. */
static int
dup(struct arena *a, const char **dst, const char *src)
{
	*dst = arena_strdup(a, src);
	return (src != NULL && *dst == NULL) ? -1 : 0;
}

static int
dup_lang(struct arena *a, const char *dst[LANG__MAX],
    const char *const src[LANG__MAX])
{
	int l;

	for (l = 0; l < LANG__MAX; l++)
		if (dup(a, &dst[l], src[l]) == -1)
			return -1;
	return 0;
}

static int
copy_service(struct catalog *c, const struct service *in)
{
	struct arena *a = c->arena;
	struct service *svc;
	struct service_attr *attrs;
	size_t i, j;

	if (c->nservices == c->capservices) {
		size_t cap = c->capservices ? c->capservices * 2 : 16;
		void *n = realloc(c->services, cap * sizeof(*c->services));

		if (n == NULL)
			return -1;
		c->services = n;
		c->capservices = cap;
	}
	svc = &c->services[c->nservices];
	*svc = *in;
	if (dup(a, &svc->code, in->code) || dup(a, &svc->keywords,
	    in->keywords) || dup_lang(a, svc->name, in->name) ||
	    dup_lang(a, svc->description, in->description) ||
	    dup_lang(a, svc->group, in->group))
		return -1;
	if ((attrs = arena_alloc(a, (in->nattrs + 1) * sizeof(*attrs))) == NULL)
		return -1;
	for (i = 0; i < in->nattrs; i++) {
		const struct service_attr *ia = &in->attrs[i];
		struct service_attr *oa = &attrs[i];
		struct attr_choice *ch;

		*oa = *ia;
		if (dup(a, &oa->code, ia->code) ||
		    dup_lang(a, oa->description, ia->description) ||
		    dup_lang(a, oa->datatype_description,
		    ia->datatype_description))
			return -1;
		if ((ch = arena_alloc(a, (ia->nchoices + 1) *
		    sizeof(*ch))) == NULL)
			return -1;
		for (j = 0; j < ia->nchoices; j++)
			if (dup(a, &ch[j].key, ia->choices[j].key) ||
			    dup_lang(a, ch[j].name, ia->choices[j].name))
				return -1;
		oa->choices = ch;
	}
	svc->attrs = attrs;
	c->nservices++;
	return 0;
}

static int
on_service(const struct service *svc, void *arg)
{
	struct catalog *c = arg;

	/* A disabled service is not offered and takes no new reports. */
	if (svc->disabled)
		return 0;
	if (copy_service(c, svc) == -1) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return -1;
	}
	return 0;
}

static int
copy_strings(struct arena *a, const char *const **dst,
    const char *const *src, size_t n)
{
	const char **v;
	size_t i;

	if ((v = arena_alloc(a, (n + 1) * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (dup(a, &v[i], src[i]) == -1)
			return -1;
	*dst = v;
	return 0;
}

static int
on_agency(const struct agency *in, void *arg)
{
	struct catalog *c = arg;
	struct agency *ag;
	struct geo_area **areas;
	size_t i;

	if (c->nagencies == c->capagencies) {
		size_t cap = c->capagencies ? c->capagencies * 2 : 16;
		void *n = realloc(c->agencies, cap * sizeof(*c->agencies));
		void *m = n ? realloc(c->areas, cap * sizeof(*c->areas)) : NULL;

		if (n != NULL)
			c->agencies = n;
		if (m == NULL)
			goto oom;
		c->areas = m;
		c->capagencies = cap;
	}
	ag = &c->agencies[c->nagencies];
	*ag = *in;
	c->areas[c->nagencies] = NULL;
	if (dup(c->arena, &ag->code, in->code) || dup(c->arena, &ag->email,
	    in->email) || dup_lang(c->arena, ag->name, in->name) ||
	    copy_strings(c->arena, &ag->services, in->services,
	    in->nservices) || copy_strings(c->arena, &ag->areas, in->areas,
	    in->nareas))
		goto oom;
	if ((areas = calloc(in->nareas + 1, sizeof(*areas))) == NULL)
		goto oom;
	c->areas[c->nagencies++] = areas;
	for (i = 0; i < in->nareas; i++) {
		char why[256];

		if ((areas[i] = geo_area_parse(in->areas[i], why,
		    sizeof(why))) == NULL) {
			snprintf(c->err, sizeof(c->err), "agency %s, area %zu: "
			    "%s", in->code, i + 1, why);
			return -1;
		}
	}
	return 0;
oom:
	snprintf(c->err, sizeof(c->err), "out of memory");
	return -1;
}

static int
on_template(const struct answer_template *t, void *arg)
{
	struct catalog *c = arg;
	struct answer_template *out;

	if (c->ntemplates == c->captemplates) {
		size_t cap = c->captemplates ? c->captemplates * 2 : 8;
		void *n = realloc(c->templates, cap * sizeof(*c->templates));

		if (n == NULL)
			goto oom;
		c->templates = n;
		c->captemplates = cap;
	}
	out = &c->templates[c->ntemplates];
	out->id = t->id;
	if (dup_lang(c->arena, out->title, t->title) == -1 ||
	    dup_lang(c->arena, out->text, t->text) == -1)
		goto oom;
	c->ntemplates++;
	return 0;
oom:
	snprintf(c->err, sizeof(c->err), "out of memory");
	return -1;
}

struct catalog *
catalog_load(struct store *s, char *err, size_t errlen)
{
	struct catalog *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->arena = arena_new(0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (store_setting_get(s, "jurisdiction_id", c->jurisdiction,
	    sizeof(c->jurisdiction)) == -1 ||
	    store_setting_get(s, "timezone", c->timezone,
	    sizeof(c->timezone)) == -1 ||
	    store_setting_get(s, "fallback_agency", c->fallback,
	    sizeof(c->fallback)) == -1) {
		snprintf(err, errlen, "reading settings: %s", store_error(s));
		goto fail;
	}
	if (c->timezone[0] == '\0')
		snprintf(c->timezone, sizeof(c->timezone), "UTC");
	if (store_service_each(s, on_service, c) != 0 ||
	    store_agency_each(s, on_agency, c) != 0 ||
	    store_template_each(s, on_template, c) != 0) {
		snprintf(err, errlen, "loading the catalogue: %s",
		    c->err[0] ? c->err : store_error(s));
		goto fail;
	}
	return c;
fail:
	catalog_free(c);
	return NULL;
}

void
catalog_free(struct catalog *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nagencies; i++) {
		for (j = 0; j < c->agencies[i].nareas && c->areas[i]; j++)
			geo_area_free(c->areas[i][j]);
		free(c->areas[i]);
	}
	free(c->areas);
	free(c->agencies);
	free(c->services);
	free(c->templates);
	arena_free(c->arena);
	free(c);
}

const char *
catalog_jurisdiction(const struct catalog *c)
{
	return c->jurisdiction;
}

const char *
catalog_timezone(const struct catalog *c)
{
	return c->timezone;
}

const char *
catalog_fallback(const struct catalog *c)
{
	return c->fallback;
}

size_t
catalog_nservices(const struct catalog *c)
{
	return c->nservices;
}

const struct service *
catalog_service_at(const struct catalog *c, size_t i)
{
	return i < c->nservices ? &c->services[i] : NULL;
}

const struct service *
catalog_service(const struct catalog *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].code, code) == 0)
			return &c->services[i];
	return NULL;
}

size_t
catalog_nagencies(const struct catalog *c)
{
	return c->nagencies;
}

const struct agency *
catalog_agency_at(const struct catalog *c, size_t i)
{
	return i < c->nagencies ? &c->agencies[i] : NULL;
}

const struct agency *
catalog_agency(const struct catalog *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nagencies; i++)
		if (strcmp(c->agencies[i].code, code) == 0)
			return &c->agencies[i];
	return NULL;
}

const char *
catalog_text(const char *const v[LANG__MAX], enum lang l)
{
	return v[l] != NULL ? v[l] : v[LANG_RU];
}

const struct service_attr *
catalog_service_attr(const struct service *svc, const char *code)
{
	size_t i;

	for (i = 0; i < svc->nattrs; i++)
		if (strcmp(svc->attrs[i].code, code) == 0)
			return &svc->attrs[i];
	return NULL;
}

static int
handles(const struct agency *ag, const char *service)
{
	size_t i;

	for (i = 0; i < ag->nservices; i++)
		if (strcmp(ag->services[i], service) == 0)
			return 1;
	return 0;
}

const char *
catalog_route(const struct catalog *c, const char *service, int has_point,
    double lat, double lon)
{
	const char *citywide = NULL;
	size_t i, j;

	for (i = 0; i < c->nagencies; i++) {
		const struct agency *ag = &c->agencies[i];

		if (!handles(ag, service))
			continue;
		if (ag->nareas == 0) {
			if (citywide == NULL)
				citywide = ag->code;
			continue;
		}
		if (!has_point)
			continue;
		for (j = 0; j < ag->nareas; j++)
			if (geo_area_contains(c->areas[i][j], lat, lon))
				return ag->code;
	}
	if (citywide != NULL)
		return citywide;
	return c->fallback[0] ? c->fallback : NULL;
}

int
catalog_bounds(const struct catalog *c, double *min_lat, double *min_lon,
    double *max_lat, double *max_lon)
{
	double a, b, d, e;
	size_t i, j;
	int any = 0;

	for (i = 0; i < c->nagencies; i++)
		for (j = 0; j < c->agencies[i].nareas; j++) {
			geo_area_bounds(c->areas[i][j], &a, &b, &d, &e);
			if (!any || a < *min_lat)
				*min_lat = a;
			if (!any || b < *min_lon)
				*min_lon = b;
			if (!any || d > *max_lat)
				*max_lat = d;
			if (!any || e > *max_lon)
				*max_lon = e;
			any = 1;
		}
	return any ? 0 : -1;
}

size_t
catalog_ntemplates(const struct catalog *c)
{
	return c->ntemplates;
}

const struct answer_template *
catalog_template_at(const struct catalog *c, size_t i)
{
	return i < c->ntemplates ? &c->templates[i] : NULL;
}

int
catalog_service_each(struct store *s,
    int (*fn)(const struct service *, void *), void *arg)
{
	return store_service_each(s, fn, arg);
}

int
catalog_handles(const struct agency *ag, const char *service)
{
	return handles(ag, service);
}

int
catalog_agency_each(struct store *s, int (*fn)(const struct agency *, void *),
    void *arg)
{
	return store_agency_each(s, fn, arg);
}
