/*
 * sqlite_catalog.c: the catalogue of the SQLite backend (see
 * sqlite_internal.h and store.h): services with their attributes and
 * values, agencies with the services they answer for and their areas.
 * The tables are the core schema's (sqlite.c; on PostgreSQL sql_store.c's
 * store_core_schema_pg).  On the statement layer (sql.h): every text is
 * shared by both engines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "store/sql_store.h"
#include "store/store.h"

enum {
	ST_SERVICE_PUT,
	ST_SERVICE_ATTRS_DEL,
	ST_SERVICE_ATTR_PUT,
	ST_SERVICE_CHOICE_PUT,
	ST_SERVICE_LIST,
	ST_SERVICE_ATTRS,
	ST_SERVICE_CHOICES,
	ST_AGENCY_PUT,
	ST_AGENCY_SERVICES_DEL,
	ST_AGENCY_AREAS_DEL,
	ST_AGENCY_SERVICE_PUT,
	ST_AGENCY_AREA_PUT,
	ST_AGENCY_LIST,
	ST_AGENCY_SERVICES,
	ST_AGENCY_AREAS,
	ST_AGENCY_AREA_ADD,
	ST_AGENCY_AREA_DEL,
	ST_TEMPLATE_LIST,
	ST_TEMPLATE_INSERT,
	ST_TEMPLATE_UPDATE,
	ST_TEMPLATE_DELETE,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_SERVICE_PUT] = "INSERT INTO services(code, name_ru, name_en, "
	    "desc_ru, desc_en, group_ru, group_en, keywords, type, disabled) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "ON CONFLICT(code) DO UPDATE SET name_ru = excluded.name_ru, "
	    "name_en = excluded.name_en, "
	    "desc_ru = excluded.desc_ru, desc_en = excluded.desc_en, "
	    "group_ru = excluded.group_ru, group_en = excluded.group_en, "
	    "keywords = excluded.keywords, type = excluded.type, "
	    "disabled = excluded.disabled",
	[ST_SERVICE_ATTRS_DEL] = "DELETE FROM service_attrs WHERE service = ?1",
	[ST_SERVICE_ATTR_PUT] = "INSERT INTO service_attrs(service, code, type, "
	    "required, variable, ord, desc_ru, desc_en, dtdesc_ru, dtdesc_en) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_SERVICE_CHOICE_PUT] = "INSERT INTO service_attr_choices(service, "
	    "attr, key, name_ru, name_en, ord) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SERVICE_LIST] = "SELECT code, name_ru, name_en, desc_ru, desc_en, "
	    "group_ru, group_en, keywords, type, disabled FROM services "
	    "ORDER BY code",
	[ST_SERVICE_ATTRS] = "SELECT code, type, required, variable, ord, "
	    "desc_ru, desc_en, dtdesc_ru, dtdesc_en FROM service_attrs "
	    "WHERE service = ?1 ORDER BY ord, code",
	[ST_SERVICE_CHOICES] = "SELECT key, name_ru, name_en "
	    "FROM service_attr_choices WHERE service = ?1 AND attr = ?2 "
	    "ORDER BY ord",
	[ST_AGENCY_PUT] = "INSERT INTO agencies(code, name_ru, name_en, email) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(code) DO UPDATE SET "
	    "name_ru = excluded.name_ru, name_en = excluded.name_en, "
	    "email = excluded.email",
	[ST_AGENCY_SERVICES_DEL] = "DELETE FROM agency_services "
	    "WHERE agency = ?1",
	[ST_AGENCY_AREAS_DEL] = "DELETE FROM agency_areas WHERE agency = ?1",
	[ST_AGENCY_SERVICE_PUT] = "INSERT INTO agency_services(agency, "
	    "service) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[ST_AGENCY_AREA_PUT] = "INSERT INTO agency_areas(agency, ord, geojson) "
	    "VALUES (?1, ?2, ?3)",
	[ST_AGENCY_LIST] = "SELECT code, name_ru, name_en, email FROM agencies "
	    "ORDER BY code",
	[ST_AGENCY_SERVICES] = "SELECT service FROM agency_services "
	    "WHERE agency = ?1 ORDER BY service",
	[ST_AGENCY_AREAS] = "SELECT geojson FROM agency_areas WHERE agency = ?1 "
	    "ORDER BY ord",
	[ST_TEMPLATE_LIST] = "SELECT id, title_ru, text_ru, title_en, text_en "
	    "FROM answer_templates ORDER BY id",
	[ST_TEMPLATE_INSERT] = "INSERT INTO answer_templates(title_ru, "
	    "text_ru, title_en, text_en) VALUES (?1, ?2, ?3, ?4) RETURNING id",
	[ST_TEMPLATE_UPDATE] = "UPDATE answer_templates SET title_ru = ?1, "
	    "text_ru = ?2, title_en = ?3, text_en = ?4 WHERE id = ?5",
	[ST_TEMPLATE_DELETE] = "DELETE FROM answer_templates WHERE id = ?1",
	/* The index-th area in order, as the admin page lists them. */
	[ST_AGENCY_AREA_DEL] = "DELETE FROM agency_areas WHERE agency = ?1 "
	    "AND ord = (SELECT ord FROM agency_areas WHERE agency = ?1 "
	    "ORDER BY ord LIMIT 1 OFFSET ?2)",
	/* No row (1) without the agency: an aggregate alone would give one. */
	[ST_AGENCY_AREA_ADD] = "INSERT INTO agency_areas(agency, ord, geojson) "
	    "SELECT code, coalesce((SELECT max(ord) + 1 FROM agency_areas "
	    "WHERE agency = ?1), 0), ?2 FROM agencies WHERE code = ?1",
};

const struct stmt_table store_catalog_stmts = { stmt_sql, ST__MAX };

#define ST(i) ss_stmt(s, STORE_MOD_CATALOG, (i))

static int
service_put(struct store *s, const struct service *svc)
{
	struct sql_stmt *st = ST(ST_SERVICE_PUT);
	size_t i, j;

	sql_bind_text(st, 1, svc->code);
	sql_bind_text(st, 2, svc->name[LANG_RU]);
	sql_bind_text(st, 3, svc->name[LANG_EN]);
	sql_bind_text(st, 4, svc->description[LANG_RU]);
	sql_bind_text(st, 5, svc->description[LANG_EN]);
	sql_bind_text(st, 6, svc->group[LANG_RU]);
	sql_bind_text(st, 7, svc->group[LANG_EN]);
	sql_bind_text(st, 8, svc->keywords);
	sql_bind_int(st, 9, (int)svc->type);
	sql_bind_int(st, 10, svc->disabled != 0);
	if (ss_done(s, st, "writing service") == -1)
		return -1;
	st = ST(ST_SERVICE_ATTRS_DEL);
	sql_bind_text(st, 1, svc->code);
	if (ss_done(s, st, "replacing service attributes") == -1)
		return -1;
	for (i = 0; i < svc->nattrs; i++) {
		const struct service_attr *a = &svc->attrs[i];

		st = ST(ST_SERVICE_ATTR_PUT);
		sql_bind_text(st, 1, svc->code);
		sql_bind_text(st, 2, a->code);
		sql_bind_int(st, 3, (int)a->type);
		sql_bind_int(st, 4, a->required);
		sql_bind_int(st, 5, a->variable);
		sql_bind_int(st, 6, a->order);
		sql_bind_text(st, 7, a->description[LANG_RU]);
		sql_bind_text(st, 8, a->description[LANG_EN]);
		sql_bind_text(st, 9, a->datatype_description[LANG_RU]);
		sql_bind_text(st, 10, a->datatype_description[LANG_EN]);
		if (ss_done(s, st, "writing service attribute") == -1)
			return -1;
		for (j = 0; j < a->nchoices; j++) {
			st = ST(ST_SERVICE_CHOICE_PUT);
			sql_bind_text(st, 1, svc->code);
			sql_bind_text(st, 2, a->code);
			sql_bind_text(st, 3, a->choices[j].key);
			sql_bind_text(st, 4, a->choices[j].name[LANG_RU]);
			sql_bind_text(st, 5, a->choices[j].name[LANG_EN]);
			sql_bind_int64(st, 6, (int64_t)j);
			if (ss_done(s, st, "writing attribute value") == -1)
				return -1;
		}
	}
	return 0;
}

int
store_service_put(struct store *s, const struct service *svc)
{
	int own;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, service_put(s, svc) == 0);
}

/*
 * Strings copied out of rows so that nested statements can step: a list of
 * allocations freed together.
 */
struct strpool {
	char **p;
	size_t n, cap;
};

static const char *
pool_dup(struct strpool *sp, const char *str)
{
	char *c;

	if (str == NULL)
		return NULL;
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 32;
		char **np = realloc(sp->p, cap * sizeof(*np));

		if (np == NULL)
			return NULL;
		sp->p = np;
		sp->cap = cap;
	}
	if ((c = strdup(str)) == NULL)
		return NULL;
	sp->p[sp->n++] = c;
	return c;
}

static void
pool_free(struct strpool *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free(sp->p[i]);
	free(sp->p);
	memset(sp, 0, sizeof(*sp));
}

/* The attributes of one service as service_attrs_load collects them. */
struct attrs_load {
	struct store *s;
	struct strpool *sp;
	struct service_attr *attrs;
	struct attr_choice **ch;        /* ch[i]: the values of attrs[i] */
	size_t n, cap;
	size_t at, m, mcap;             /* attrs[at]'s values read so far */
};

static int
oom(struct store *s)
{
	snprintf(s->err, sizeof(s->err), "out of memory");
	return -1;
}

static int
attr_row(struct sql_stmt *st, void *arg)
{
	struct attrs_load *l = arg;
	struct strpool *sp = l->sp;
	struct service_attr *a;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		void *na = realloc(l->attrs, ncap * sizeof(*l->attrs));
		void *nc = na ? realloc(l->ch, ncap * sizeof(*l->ch)) : NULL;

		if (na != NULL)
			l->attrs = na;
		if (nc == NULL)
			return oom(l->s);
		l->ch = nc;
		l->cap = ncap;
	}
	a = &l->attrs[l->n];
	memset(a, 0, sizeof(*a));
	l->ch[l->n] = NULL;
	l->n++;
	a->code = pool_dup(sp, sql_column_text(st, 0));
	a->type = (enum attr_type)sql_column_int(st, 1);
	a->required = sql_column_int(st, 2);
	a->variable = sql_column_int(st, 3);
	a->order = sql_column_int(st, 4);
	a->description[LANG_RU] = pool_dup(sp, sql_column_text(st, 5));
	a->description[LANG_EN] = pool_dup(sp, sql_column_text(st, 6));
	a->datatype_description[LANG_RU] = pool_dup(sp, sql_column_text(st, 7));
	a->datatype_description[LANG_EN] = pool_dup(sp, sql_column_text(st, 8));
	return a->code == NULL ? oom(l->s) : 0;
}

static int
choice_row(struct sql_stmt *st, void *arg)
{
	struct attrs_load *l = arg;
	struct attr_choice **ch = &l->ch[l->at];

	if (l->m == l->mcap) {
		size_t ncap = l->mcap ? l->mcap * 2 : 8;
		void *nc = realloc(*ch, ncap * sizeof(**ch));

		if (nc == NULL)
			return oom(l->s);
		*ch = nc;
		l->mcap = ncap;
	}
	(*ch)[l->m].key = pool_dup(l->sp, sql_column_text(st, 0));
	(*ch)[l->m].name[LANG_RU] = pool_dup(l->sp, sql_column_text(st, 1));
	(*ch)[l->m].name[LANG_EN] = pool_dup(l->sp, sql_column_text(st, 2));
	l->m++;
	return 0;
}

/* Load the attributes of one service into malloc'd arrays (freed by caller). */
static int
service_attrs_load(struct store *s, const char *code, struct strpool *sp,
    struct service_attr **out, size_t *nout, struct attr_choice ***choices)
{
	struct sql_stmt *st = ST(ST_SERVICE_ATTRS), *cs;
	struct attrs_load l = { .s = s, .sp = sp };
	size_t i;

	sql_bind_text(st, 1, code);
	if (ss_rows(s, st, "reading service attributes", attr_row, &l) != 0)
		goto fail;
	for (l.at = 0; l.at < l.n; l.at++) {
		l.m = l.mcap = 0;
		cs = ST(ST_SERVICE_CHOICES);
		sql_bind_text(cs, 1, code);
		sql_bind_text(cs, 2, l.attrs[l.at].code);
		if (ss_rows(s, cs, "reading attribute values", choice_row,
		    &l) != 0)
			goto fail;
		l.attrs[l.at].choices = l.ch[l.at];
		l.attrs[l.at].nchoices = l.m;
	}
	*out = l.attrs;
	*nout = l.n;
	*choices = l.ch;
	return 0;
fail:
	for (i = 0; i < l.n && l.ch != NULL; i++)
		free(l.ch[i]);
	free(l.ch);
	free(l.attrs);
	return -1;
}

/* What store_service_each hands each row. */
struct service_rows {
	struct store *s;
	struct strpool sp;
	int (*fn)(const struct service *, void *);
	void *arg;
};

static int
service_row(struct sql_stmt *st, void *arg)
{
	struct service_rows *e = arg;
	struct strpool *sp = &e->sp;
	struct service svc;
	struct service_attr *attrs = NULL;
	struct attr_choice **ch = NULL;
	size_t i;
	int ret;

	memset(&svc, 0, sizeof(svc));
	svc.code = pool_dup(sp, sql_column_text(st, 0));
	svc.name[LANG_RU] = pool_dup(sp, sql_column_text(st, 1));
	svc.name[LANG_EN] = pool_dup(sp, sql_column_text(st, 2));
	svc.description[LANG_RU] = pool_dup(sp, sql_column_text(st, 3));
	svc.description[LANG_EN] = pool_dup(sp, sql_column_text(st, 4));
	svc.group[LANG_RU] = pool_dup(sp, sql_column_text(st, 5));
	svc.group[LANG_EN] = pool_dup(sp, sql_column_text(st, 6));
	svc.keywords = pool_dup(sp, sql_column_text(st, 7));
	svc.type = (enum service_type)sql_column_int(st, 8);
	svc.disabled = sql_column_int(st, 9);
	if (svc.code == NULL || service_attrs_load(e->s, svc.code, sp,
	    &attrs, &svc.nattrs, &ch) == -1)
		return -1;
	svc.attrs = attrs;
	ret = e->fn(&svc, e->arg);
	for (i = 0; i < svc.nattrs; i++)
		free(ch[i]);
	free(ch);
	free(attrs);
	pool_free(sp);
	return ret;
}

int
store_service_each(struct store *s, int (*fn)(const struct service *, void *),
    void *arg)
{
	struct service_rows e = { s, { 0 }, fn, arg };
	int ret;

	ret = ss_rows(s, ST(ST_SERVICE_LIST),
	    "listing services", service_row, &e);
	pool_free(&e.sp);
	return ret;
}

/* Write ag; its areas too when with_areas, else the stored ones stay. */
static int
agency_put(struct store *s, const struct agency *ag, int with_areas)
{
	struct sql_stmt *st = ST(ST_AGENCY_PUT);
	size_t i;

	sql_bind_text(st, 1, ag->code);
	sql_bind_text(st, 2, ag->name[LANG_RU]);
	sql_bind_text(st, 3, ag->name[LANG_EN]);
	sql_bind_text(st, 4, ag->email);
	if (ss_done(s, st, "writing agency") == -1)
		return -1;
	st = ST(ST_AGENCY_SERVICES_DEL);
	sql_bind_text(st, 1, ag->code);
	if (ss_done(s, st, "replacing agency services") == -1)
		return -1;
	if (with_areas) {
		st = ST(ST_AGENCY_AREAS_DEL);
		sql_bind_text(st, 1, ag->code);
		if (ss_done(s, st, "replacing agency areas") == -1)
			return -1;
	}
	for (i = 0; i < ag->nservices; i++) {
		st = ST(ST_AGENCY_SERVICE_PUT);
		sql_bind_text(st, 1, ag->code);
		sql_bind_text(st, 2, ag->services[i]);
		if (ss_done(s, st, "writing agency service") == -1)
			return -1;
	}
	for (i = 0; with_areas && i < ag->nareas; i++) {
		st = ST(ST_AGENCY_AREA_PUT);
		sql_bind_text(st, 1, ag->code);
		sql_bind_int64(st, 2, (int64_t)i);
		sql_bind_text(st, 3, ag->areas[i]);
		if (ss_done(s, st, "writing agency area") == -1)
			return -1;
	}
	return 0;
}

int
store_agency_put(struct store *s, const struct agency *ag)
{
	int own;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, agency_put(s, ag, 1) == 0);
}

int
store_agency_update(struct store *s, const struct agency *ag)
{
	int own;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, agency_put(s, ag, 0) == 0);
}

/* One text column of rows collected into a pool (strings_load). */
struct strings_load {
	struct store *s;
	struct strpool *sp;
	const char **v;
	size_t n, cap;
};

static int
string_row(struct sql_stmt *st, void *arg)
{
	struct strings_load *l = arg;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		void *nv = realloc(l->v, ncap * sizeof(*l->v));

		if (nv == NULL)
			return oom(l->s);
		l->v = nv;
		l->cap = ncap;
	}
	return (l->v[l->n++] = pool_dup(l->sp, sql_column_text(st, 0))) == NULL ?
	    oom(l->s) : 0;
}

/* Collect one text column of a statement bound to code into a pool. */
static int
strings_load(struct store *s, int which, const char *code,
    struct strpool *sp, const char ***out, size_t *nout)
{
	struct sql_stmt *st = ST(which);
	struct strings_load l = { .s = s, .sp = sp };

	sql_bind_text(st, 1, code);
	if (ss_rows(s, st, "reading agency", string_row, &l) != 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

/* What store_agency_each hands each row. */
struct agency_rows {
	struct store *s;
	struct strpool sp;
	int (*fn)(const struct agency *, void *);
	void *arg;
};

static int
agency_row(struct sql_stmt *st, void *arg)
{
	struct agency_rows *e = arg;
	struct strpool *sp = &e->sp;
	struct agency ag;
	const char **svcs = NULL, **areas = NULL;
	int ret;

	memset(&ag, 0, sizeof(ag));
	ag.code = pool_dup(sp, sql_column_text(st, 0));
	ag.name[LANG_RU] = pool_dup(sp, sql_column_text(st, 1));
	ag.name[LANG_EN] = pool_dup(sp, sql_column_text(st, 2));
	ag.email = pool_dup(sp, sql_column_text(st, 3));
	if (ag.code == NULL ||
	    strings_load(e->s, ST_AGENCY_SERVICES, ag.code, sp, &svcs,
	    &ag.nservices) == -1 ||
	    strings_load(e->s, ST_AGENCY_AREAS, ag.code, sp, &areas,
	    &ag.nareas) == -1) {
		free(svcs);
		return -1;
	}
	ag.services = svcs;
	ag.areas = areas;
	ret = e->fn(&ag, e->arg);
	free(svcs);
	free(areas);
	pool_free(sp);
	return ret;
}

int
store_agency_each(struct store *s, int (*fn)(const struct agency *, void *),
    void *arg)
{
	struct agency_rows e = { s, { 0 }, fn, arg };
	int ret;

	ret = ss_rows(s, ST(ST_AGENCY_LIST),
	    "listing agencies", agency_row, &e);
	pool_free(&e.sp);
	return ret;
}

int
store_agency_area_add(struct store *s, const char *code, const char *geojson)
{
	struct sql_stmt *st = ST(ST_AGENCY_AREA_ADD);
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_text(st, 1, code);
	sql_bind_text(st, 2, geojson);
	rc = ss_changed(s, st, "adding an agency area");
	return ss_tx_finish(s, own, rc);
}

int
store_agency_area_delete(struct store *s, const char *code, size_t index)
{
	struct sql_stmt *st = ST(ST_AGENCY_AREA_DEL);
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_text(st, 1, code);
	sql_bind_int64(st, 2, (int64_t)index);
	rc = ss_changed(s, st, "deleting an agency area");
	return ss_tx_finish(s, own, rc);
}

/* What store_template_each hands each row. */
struct template_rows {
	int (*fn)(const struct answer_template *, void *);
	void *arg;
};

static int
template_row(struct sql_stmt *st, void *arg)
{
	struct template_rows *e = arg;
	struct answer_template t;

	memset(&t, 0, sizeof(t));
	t.id = sql_column_int64(st, 0);
	t.title[LANG_RU] = sql_column_text(st, 1);
	t.text[LANG_RU] = sql_column_text(st, 2);
	t.title[LANG_EN] = sql_column_text(st, 3);
	t.text[LANG_EN] = sql_column_text(st, 4);
	return e->fn(&t, e->arg);
}

int
store_template_each(struct store *s,
    int (*fn)(const struct answer_template *, void *), void *arg)
{
	struct template_rows e = { fn, arg };

	return ss_rows(s, ST(ST_TEMPLATE_LIST),
	    "listing answer templates", template_row, &e);
}

int
store_template_put(struct store *s, const struct answer_template *t,
    int64_t *id)
{
	struct sql_stmt *st = ST(t->id ?
	    ST_TEMPLATE_UPDATE : ST_TEMPLATE_INSERT);
	int64_t new_id = 0;
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_text(st, 1, t->title[LANG_RU]);
	sql_bind_text(st, 2, t->text[LANG_RU]);
	sql_bind_text(st, 3, t->title[LANG_EN]);
	sql_bind_text(st, 4, t->text[LANG_EN]);
	if (t->id) {
		sql_bind_int64(st, 5, (int64_t)t->id);
		rc = ss_changed(s, st, "writing an answer template");
		new_id = t->id;
	} else
		rc = ss_row(s, st, "writing an answer template", ss_int64_row,
		    &new_id) == 0 ? 0 : -1;
	if (rc == 0 && id != NULL)
		*id = new_id;
	return ss_tx_finish(s, own, rc);
}

int
store_template_delete(struct store *s, int64_t id)
{
	struct sql_stmt *st = ST(ST_TEMPLATE_DELETE);
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_int64(st, 1, (int64_t)id);
	rc = ss_changed(s, st, "deleting an answer template");
	return ss_tx_finish(s, own, rc);
}
