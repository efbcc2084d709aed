/*
 * city_edit.c: an administrator's edits of the catalogue (core/city.h):
 * services with their attributes, agencies, their areas.  Each edit is
 * checked whole, then written with its audit entry in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/city.h"
#include "core/parse.h"
#include "core/report.h"
#include "geo/geo.h"
#include "store/store.h"

/* A stored service or agency looked up by code, described for the audit. */
struct found {
	const char *code;
	int found;
	char text[1024];
};

/* Append prefix and v (NULL: nothing after the prefix) to buf. */
static void
add(char *buf, size_t len, const char *prefix, const char *v)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s", prefix, v != NULL ? v : "");
}

static void
describe_service(const struct service *svc, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	add(buf, len, "name=", svc->name[LANG_RU]);
	add(buf, len, "|", svc->name[LANG_EN]);
	add(buf, len, "; group=", svc->group[LANG_RU]);
	add(buf, len, "; disabled=", svc->disabled ? "1" : "0");
	add(buf, len, "; attributes=", NULL);
	for (i = 0; i < svc->nattrs; i++) {
		add(buf, len, i ? "," : "", NULL);
		add(buf, len, "", svc->attrs[i].code);
		add(buf, len, ":", NULL);
		add(buf, len, "", report_attr_type_name(svc->attrs[i].type));
		add(buf, len, svc->attrs[i].required ? "*" : "", NULL);
	}
}

static void
describe_agency(const struct agency *ag, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	add(buf, len, "name=", ag->name[LANG_RU]);
	add(buf, len, "|", ag->name[LANG_EN]);
	add(buf, len, "; email=", ag->email);
	add(buf, len, "; services=", NULL);
	for (i = 0; i < ag->nservices; i++) {
		add(buf, len, i ? "," : "", NULL);
		add(buf, len, "", ag->services[i]);
	}
}

static int
on_service(const struct service *svc, void *arg)
{
	struct found *f = arg;

	if (strcmp(svc->code, f->code) == 0) {
		f->found = 1;
		describe_service(svc, f->text, sizeof(f->text));
	}
	return 0;
}

static int
on_agency(const struct agency *ag, void *arg)
{
	struct found *f = arg;

	if (strcmp(ag->code, f->code) == 0) {
		f->found = 1;
		describe_agency(ag, f->text, sizeof(f->text));
	}
	return 0;
}

/* A text of at most max characters; required when req. */
static int
check_text(const char *v, int req, size_t max, const char *field,
    struct verr *e)
{
	size_t chars, bad;

	if (v == NULL || *v == '\0')
		return req ? verr_set(e, VERR_INVALID, field, "%s: required",
		    field) : 0;
	if (parse_utf8(v, 1, &chars, &bad) == -1 || chars > max)
		return verr_set(e, VERR_INVALID, field, "%s: text of at most "
		    "%zu characters", field, max);
	return 0;
}

static int
check_attr(const struct service_attr *a, size_t i, struct verr *e)
{
	char field[48];
	size_t j, k;
	int list = a->type == ATTR_SINGLEVALUELIST ||
	    a->type == ATTR_MULTIVALUELIST;

	snprintf(field, sizeof(field), "attr[%zu][code]", i);
	if (city_check_code(a->code, field, e) == -1)
		return -1;
	snprintf(field, sizeof(field), "attr[%zu][datatype]", i);
	if ((unsigned)a->type >= ATTR__MAX)
		return verr_set(e, VERR_INVALID, field, "%s: one of string, "
		    "number, datetime, text, singlevaluelist, multivaluelist",
		    field);
	snprintf(field, sizeof(field), "attr[%zu][desc_ru]", i);
	if (check_text(a->description[LANG_RU], 1, VECHE_MAX_NAME, field,
	    e) == -1)
		return -1;
	snprintf(field, sizeof(field), "attr[%zu][desc_en]", i);
	if (check_text(a->description[LANG_EN], 0, VECHE_MAX_NAME, field,
	    e) == -1)
		return -1;
	snprintf(field, sizeof(field), "attr[%zu][values]", i);
	if (list && a->nchoices == 0)
		return verr_set(e, VERR_INVALID, field, "%s: a list datatype "
		    "needs at least one value", field);
	if (!list && a->nchoices > 0)
		return verr_set(e, VERR_INVALID, field, "%s: only list "
		    "datatypes take values", field);
	for (j = 0; j < a->nchoices; j++) {
		if (city_check_code(a->choices[j].key, field, e) == -1 ||
		    check_text(a->choices[j].name[LANG_RU], 1, VECHE_MAX_NAME,
		    field, e) == -1 || check_text(a->choices[j].name[LANG_EN],
		    0, VECHE_MAX_NAME, field, e) == -1)
			return -1;
		for (k = 0; k < j; k++)
			if (strcmp(a->choices[k].key, a->choices[j].key) == 0)
				return verr_set(e, VERR_INVALID, field, "%s: key "
				    "'%s' twice", field, a->choices[j].key);
	}
	return 0;
}

static int
check_service(const struct service *svc, struct verr *e)
{
	size_t i, j;

	if (city_check_code(svc->code != NULL ? svc->code : "", "code", e) ==
	    -1 || check_text(svc->name[LANG_RU], 1, VECHE_MAX_NAME, "name_ru",
	    e) == -1 || check_text(svc->name[LANG_EN], 0, VECHE_MAX_NAME,
	    "name_en", e) == -1 || check_text(svc->description[LANG_RU], 0,
	    VECHE_MAX_DESCRIPTION, "desc_ru", e) == -1 ||
	    check_text(svc->description[LANG_EN], 0, VECHE_MAX_DESCRIPTION,
	    "desc_en", e) == -1 || check_text(svc->group[LANG_RU], 0,
	    VECHE_MAX_NAME, "group_ru", e) == -1 ||
	    check_text(svc->group[LANG_EN], 0, VECHE_MAX_NAME, "group_en",
	    e) == -1 || check_text(svc->keywords, 0, VECHE_MAX_DESCRIPTION,
	    "keywords", e) == -1)
		return -1;
	if ((unsigned)svc->type >= SERVICE_TYPE__MAX)
		return verr_set(e, VERR_INVALID, "type", "type: one of realtime, "
		    "batch, blackbox");
	if (svc->nattrs > VECHE_MAX_SERVICE_ATTRS)
		return verr_set(e, VERR_INVALID, "attr", "attr: at most %d "
		    "attributes", VECHE_MAX_SERVICE_ATTRS);
	for (i = 0; i < svc->nattrs; i++) {
		if (check_attr(&svc->attrs[i], i, e) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(svc->attrs[j].code, svc->attrs[i].code) == 0) {
				char field[48];

				snprintf(field, sizeof(field), "attr[%zu][code]",
				    i);
				return verr_set(e, VERR_INVALID, field, "%s: "
				    "'%s' twice", field, svc->attrs[i].code);
			}
	}
	return 0;
}

/* Roll back and return -1; e says why (what and the store's error if unset). */
static int
tx_fail(struct store *s, struct verr *e, const char *what)
{
	if (e != NULL && e->kind == VERR_NONE)
		verr_set(e, VERR_INTERNAL, NULL, "%s: %s", what, store_error(s));
	store_rollback(s);
	return -1;
}

/*
 * The stored thing of code (services or agencies by each), described in
 * f->text; whether it must (exists 1) or must not (0) be there decides
 * the error.
 */
static int
look_up(struct store *s, int agency, const char *code, int exists,
    struct found *f, struct verr *e)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->code = code;
	rc = agency ? store_agency_each(s, on_agency, f) :
	    store_service_each(s, on_service, f);
	if (rc != 0)
		return -1;
	if (exists && !f->found)
		return verr_set(e, VERR_NOT_FOUND, "code", "code: no %s '%s'",
		    agency ? "agency" : "service", code);
	if (!exists && f->found)
		return verr_set(e, VERR_INVALID, "code", "code: %s '%s' exists "
		    "already", agency ? "an agency" : "a service", code);
	return 0;
}

int
city_service_save(struct store *s, const struct actor *by,
    const struct service *svc, int create, int64_t now, struct verr *e)
{
	char object[96], after[1024];
	struct found f;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (check_service(svc, e) == -1)
		return -1;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "saving the service: %s",
		    store_error(s));
	if (look_up(s, 0, svc->code, !create, &f, e) == -1)
		return tx_fail(s, e, "saving the service");
	describe_service(svc, after, sizeof(after));
	snprintf(object, sizeof(object), "service:%s", svc->code);
	if (store_service_put(s, svc) == -1 || audit_append(s, by, create ?
	    "service.create" : "service.update", object, create ? NULL :
	    f.text, after, now, e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "saving the service");
	return 0;
}

/* Every service code of ag is a stored service. */
static int
check_agency_services(struct store *s, const struct agency *ag,
    struct verr *e)
{
	struct found f;
	size_t i;

	for (i = 0; i < ag->nservices; i++) {
		memset(&f, 0, sizeof(f));
		f.code = ag->services[i];
		if (store_service_each(s, on_service, &f) != 0)
			return -1;
		if (!f.found)
			return verr_set(e, VERR_INVALID, "service", "service: no "
			    "service '%.64s'", ag->services[i]);
	}
	return 0;
}

int
city_agency_save(struct store *s, const struct actor *by,
    const struct agency *ag, int create, int64_t now, struct verr *e)
{
	char object[96], after[1024];
	struct found f;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (city_check_code(ag->code != NULL ? ag->code : "", "code", e) ==
	    -1 || check_text(ag->name[LANG_RU], 1, VECHE_MAX_NAME, "name_ru",
	    e) == -1 || check_text(ag->name[LANG_EN], 0, VECHE_MAX_NAME,
	    "name_en", e) == -1)
		return -1;
	if (ag->email != NULL && *ag->email != '\0' &&
	    (strlen(ag->email) > VECHE_MAX_EMAIL || !parse_email_ok(ag->email)))
		return verr_set(e, VERR_INVALID, "email", "email: an e-mail "
		    "address of at most %d bytes", VECHE_MAX_EMAIL);
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "saving the agency: %s",
		    store_error(s));
	if (look_up(s, 1, ag->code, !create, &f, e) == -1 ||
	    check_agency_services(s, ag, e) == -1)
		return tx_fail(s, e, "saving the agency");
	describe_agency(ag, after, sizeof(after));
	snprintf(object, sizeof(object), "agency:%s", ag->code);
	if (store_agency_update(s, ag) == -1 || audit_append(s, by, create ?
	    "agency.create" : "agency.update", object, create ? NULL : f.text,
	    after, now, e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "saving the agency");
	return 0;
}

int
city_area_add(struct store *s, const struct actor *by, const char *code,
    const char *geojson, size_t len, int64_t now, struct verr *e)
{
	struct geo_area *ga;
	char why[300], object[96], after[64];
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (geojson == NULL || len == 0 || len > VECHE_MAX_AREA_FILE ||
	    strlen(geojson) != len)
		return verr_set(e, VERR_INVALID, "area", "area: a GeoJSON file "
		    "of at most %u bytes", VECHE_MAX_AREA_FILE);
	if ((ga = geo_area_parse(geojson, why, sizeof(why))) == NULL)
		return verr_set(e, VERR_INVALID, "area", "area: %s", why);
	geo_area_free(ga);
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "storing the area: %s",
		    store_error(s));
	rc = store_agency_area_add(s, code, geojson);
	if (rc == 1) {
		verr_set(e, VERR_NOT_FOUND, "agency", "agency: no agency "
		    "'%.64s'", code ? code : "");
		return tx_fail(s, e, "storing the area");
	}
	snprintf(object, sizeof(object), "agency:%.64s", code);
	snprintf(after, sizeof(after), "area of %zu bytes", len);
	if (rc != 0 || audit_append(s, by, "agency.area_add", object, NULL,
	    after, now, e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "storing the area");
	return 0;
}

int
city_area_delete(struct store *s, const struct actor *by, const char *code,
    size_t index, int64_t now, struct verr *e)
{
	char object[96], before[64];
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (code == NULL || store_begin(s) == -1)
		return verr_set(e, code == NULL ? VERR_INVALID : VERR_INTERNAL,
		    "agency", "agency: %s", code == NULL ? "required" :
		    store_error(s));
	rc = store_agency_area_delete(s, code, index);
	if (rc == 1) {
		verr_set(e, VERR_NOT_FOUND, "area", "area: agency '%.64s' has "
		    "no area %zu", code, index + 1);
		return tx_fail(s, e, "deleting the area");
	}
	snprintf(object, sizeof(object), "agency:%.64s", code);
	snprintf(before, sizeof(before), "area %zu", index + 1);
	if (rc != 0 || audit_append(s, by, "agency.area_delete", object, before,
	    NULL, now, e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "deleting the area");
	return 0;
}

static void
describe_template(const struct answer_template *t, char *buf, size_t len)
{
	buf[0] = '\0';
	add(buf, len, "title=", t->title[LANG_RU]);
	add(buf, len, "|", t->title[LANG_EN]);
	add(buf, len, "; text=", t->text[LANG_RU]);
	add(buf, len, "|", t->text[LANG_EN]);
}

/* Looking a template up by id, for the audit's "before". */
struct found_template {
	int64_t id;
	int found;
	char text[1024];
};

static int
on_template(const struct answer_template *t, void *arg)
{
	struct found_template *f = arg;

	if (t->id == f->id) {
		f->found = 1;
		describe_template(t, f->text, sizeof(f->text));
	}
	return 0;
}

static int
template_before(struct store *s, int64_t id, struct found_template *f,
    struct verr *e)
{
	memset(f, 0, sizeof(*f));
	f->id = id;
	if (store_template_each(s, on_template, f) != 0)
		return -1;
	if (!f->found)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no answer "
		    "template %lld", (long long)id);
	return 0;
}

int
city_template_save(struct store *s, const struct actor *by,
    const struct answer_template *t, int64_t *id, int64_t now,
    struct verr *e)
{
	char object[48], after[1024];
	struct found_template f;
	int64_t newid = 0;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (check_text(t->title[LANG_RU], 1, VECHE_MAX_NAME, "title_ru", e) ==
	    -1 || check_text(t->text[LANG_RU], 1, VECHE_MAX_DESCRIPTION,
	    "text_ru", e) == -1 || check_text(t->title[LANG_EN], 0,
	    VECHE_MAX_NAME, "title_en", e) == -1 ||
	    check_text(t->text[LANG_EN], 0, VECHE_MAX_DESCRIPTION, "text_en",
	    e) == -1)
		return -1;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "saving the template: "
		    "%s", store_error(s));
	if (t->id != 0 && template_before(s, t->id, &f, e) == -1)
		return tx_fail(s, e, "saving the template");
	describe_template(t, after, sizeof(after));
	if (store_template_put(s, t, &newid) != 0)
		return tx_fail(s, e, "saving the template");
	snprintf(object, sizeof(object), "template:%lld", (long long)newid);
	if (audit_append(s, by, t->id ? "template.update" : "template.create",
	    object, t->id ? f.text : NULL, after, now, e) == -1 ||
	    store_commit(s) == -1)
		return tx_fail(s, e, "saving the template");
	if (id != NULL)
		*id = newid;
	return 0;
}

int
city_template_delete(struct store *s, const struct actor *by, int64_t id,
    int64_t now, struct verr *e)
{
	char object[48];
	struct found_template f;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "deleting the template: "
		    "%s", store_error(s));
	snprintf(object, sizeof(object), "template:%lld", (long long)id);
	if (template_before(s, id, &f, e) == -1 ||
	    store_template_delete(s, id) != 0 ||
	    audit_append(s, by, "template.delete", object, f.text, NULL, now,
	    e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "deleting the template");
	return 0;
}
