/*
 * test_open311_list.c: the Open311 lists written directly
 * (src/api/open311_list.c) against what clients got before: the same
 * reports as a jansson document (the former report_json, kept here as the
 * reference) rendered by render_doc.  JSON must parse to the same value
 * (and, coordinates being plain here, be the same bytes); XML must be the
 * same bytes as libxml2's writer produced.  Reports with every field
 * filled (Unicode, quotes, control characters, markup, a very long text,
 * several photos), with every optional field absent, in both languages,
 * with and without extensions=true, and the empty list; and the service
 * request updates (FixMyStreet's servicerequestupdates) the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fixture.h"
#include "sink.h"
#include "api/city.h"
#include "api/open311_list.h"
#include "api/render.h"
#include "api/reply.h"
#include "base/coord.h"
#include "core/catalog.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/report.h"
#include "http/internal.h"
#include "store/store.h"

struct env {
	struct store *s;
	struct catalog *c;
	char *longtext;
};

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	struct verr e;
	char err[512];
	size_t i, n = 20000;

	assert_non_null(env);
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	env->s = store_open(":memory:", err, sizeof(err));
	assert_non_null(env->s);
	assert_int_equal(city_import_json(env->s, fixture_city,
	    strlen(fixture_city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	env->longtext = malloc(n + 1);
	assert_non_null(env->longtext);
	for (i = 0; i < n; i += 2)
		memcpy(env->longtext + i, i % 100 == 0 ? "\n\"" : "я", 2);
	env->longtext[n] = '\0';
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	catalog_free(env->c);
	store_close(env->s);
	free(env->longtext);
	free(env);
	return 0;
}

/* The Open311 view of a report as open311.c built it with jansson. */
static json_t *
reference_json(const struct report *r, const struct catalog *cat,
    enum lang lang, int extensions)
{
	const struct service *svc = catalog_service(cat, r->service_code);
	json_t *o;

	o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:n, s:o, s:o, "
	    "s:o, s:o, s:o, s:o}",
	    "service_request_id", (json_int_t)r->id,
	    "status", report_status_closed(r->status) ? "closed" : "open",
	    "status_notes", reply_str(r->status_notes),
	    "service_name", reply_str(svc ? catalog_text(svc->name, lang) :
	    NULL),
	    "service_code", r->service_code,
	    "description", reply_str(r->description),
	    "agency_responsible", reply_str(r->agency),
	    "service_notice",
	    "requested_datetime", reply_time(r->requested),
	    "updated_datetime", reply_time(r->updated),
	    "expected_datetime", reply_time(r->expected),
	    "address", reply_str(r->address),
	    "address_id", reply_str(r->address_id),
	    "zipcode", reply_str(r->zipcode));
	assert_non_null(o);
	json_object_set_new(o, "lat", r->has_point ?
	    json_real(coord_round(r->lat)) : json_null());
	json_object_set_new(o, "long", r->has_point ?
	    json_real(coord_round(r->lon)) : json_null());
	json_object_set_new(o, "media_url", reply_str(r->nmedia > 0 ?
	    r->media[0] : NULL));
	if (extensions) {
		json_t *x = json_object(), *m = json_array();
		size_t i;

		for (i = 0; i < r->nmedia; i++)
			json_array_append_new(m, json_string(r->media[i]));
		json_object_set_new(x, "status",
		    json_string(report_status_name(r->status)));
		json_object_set_new(x, "register_due",
		    reply_time(r->register_due));
		json_object_set_new(x, "fixed", r->fixed < 0 ? json_null() :
		    json_boolean(r->fixed));
		json_object_set_new(x, "media_urls", m);
		json_object_set_new(o, "extended_attributes", x);
	}
	return o;
}

/*
 * What the direct writer wrote (b) against the reference document doc
 * rendered by render_doc under root in format f: JSON the same value, and
 * both formats the same bytes.  Frees doc and b.
 */
static void
expect_same(enum render_format f, json_t *doc, const char *root,
    struct sbuf *b)
{
	struct http_response res;
	const void *want;
	size_t wlen;

	http_response_init(&res, NULL);
	assert_int_equal(render_doc(&res, f, doc, root), 0);
	want = http_response_body(&res, &wlen);
	assert_non_null(b->s);
	if (f == RENDER_JSON) {
		json_error_t err;
		json_t *got = json_loadb(b->s, b->len, 0, &err);

		assert_non_null(got);
		assert_true(json_equal(got, doc));
		json_decref(got);
	}
	assert_int_equal(b->len, wlen);
	assert_memory_equal(b->s, want, wlen);
	json_decref(doc);
	http_response_release(&res);
	free(b->s);
}

/* Render reports both ways in format f and compare. */
static void
compare(const struct env *env, const struct report *r, size_t n,
    enum render_format f, enum lang lang, int extensions)
{
	struct open311_list *l = calloc(1, sizeof(*l));
	struct sbuf b = { NULL, 0, -1 };
	json_t *doc = json_array();
	size_t i;

	assert_non_null(l);
	for (i = 0; i < n; i++)
		json_array_append_new(doc, reference_json(&r[i], env->c, lang,
		    extensions));
	open311_list_begin(l, f, env->c, lang, extensions, sink, &b);
	for (i = 0; i < n; i++)
		assert_int_equal(open311_list_report(l, &r[i]), 0);
	assert_int_equal(open311_list_end(l), 0);
	expect_same(f, doc, "service_requests", &b);
	free(l);
}

static void
test_lists_as_before(void **state)
{
	struct env *env = *state;
	static const char *const media[] = {
		"https://example.org/photo/1.jpg?a=1&b=\"2\"",
		"https://example.org/фото/2.jpg", "/media/3.webp",
	};
	struct report r[4];
	enum render_format f;
	int lang, x;

	memset(r, 0, sizeof(r));
	/* Every field filled, with everything an escaper can trip on. */
	r[0].id = 9007199254740993;
	r[0].service_code = "pothole";
	r[0].agency = "roads";
	r[0].status = STATUS_CLOSED;
	r[0].status_notes = "Отремонтировано & <проверено> \"ОК\"\r\n";
	r[0].has_point = 1;
	r[0].lat = 57.6189984;
	r[0].lon = 39.8500001;
	r[0].address = "ул. Ленина, 5 — «угол»\t\x01\x1f";
	r[0].address_id = "fias:1234";
	r[0].zipcode = "150000";
	r[0].description = "</script><b>яма</b> \\ \xf0\x9f\x98\x80 "
	    "\xe2\x80\xa8 ë\x7f";
	r[0].media = media;
	r[0].nmedia = 3;
	r[0].requested = 1781506800;     /* 2026-06-15T10:00+03:00 */
	r[0].updated = 1781593200;
	r[0].register_due = 1781766000;
	r[0].expected = 1784098800;
	r[0].fixed = 1;
	/* Every optional field absent; a service the catalog lacks. */
	r[1].id = 2;
	r[1].service_code = "gone";
	r[1].status = STATUS_SUBMITTED;
	r[1].requested = 1781506800;
	r[1].fixed = -1;
	/* Empty strings, whole and negative coordinates, "not fixed". */
	r[2].id = 3;
	r[2].service_code = "heating";
	r[2].agency = "west";
	r[2].status = STATUS_REJECTED;
	r[2].status_notes = "";
	r[2].address = "";
	r[2].description = env->longtext;
	r[2].has_point = 1;
	r[2].lat = 60.0;
	r[2].lon = -0.5;
	r[2].media = media + 2;
	r[2].nmedia = 1;
	r[2].requested = 1700000000;     /* another day, another offset era */
	r[2].updated = 1200000000;
	r[2].fixed = 0;
	/* A tiny coordinate and a time long ago. */
	r[3].id = 4;
	r[3].service_code = "other";
	r[3].status = STATUS_IN_PROGRESS;
	r[3].has_point = 1;
	r[3].lat = 0.25;
	r[3].lon = 179.999999;
	r[3].requested = 86400 * 365;
	r[3].fixed = -1;

	for (f = 0; f < RENDER__MAX; f++)
		for (lang = 0; lang < LANG__MAX; lang++)
			for (x = 0; x < 2; x++) {
				compare(env, r, 4, f, (enum lang)lang, x);
				compare(env, r + 1, 1, f, (enum lang)lang, x);
				compare(env, r, 0, f, (enum lang)lang, x);
			}
}

/* The updates as open311.c built them with jansson. */
static json_t *
reference_update(const struct report_update *u)
{
	static const char *const fms[STATUS__MAX] = {
		[STATUS_SUBMITTED] = "open",
		[STATUS_REGISTERED] = "investigating",
		[STATUS_IN_PROGRESS] = "in_progress",
		[STATUS_ANSWERED] = "action_scheduled",
		[STATUS_CLOSED] = "closed",
		[STATUS_REJECTED] = "not_councils_responsibility",
	};
	char when[DATETIME_LEN];

	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o}",
	    "update_id", (json_int_t)u->id,
	    "service_request_id", (json_int_t)u->report_id,
	    "status", fms[u->status],
	    "extended_status", report_status_name(u->status),
	    "updated_datetime", datetime_format(u->created, when,
	    sizeof(when)),
	    "description", reply_str(u->description),
	    "media_url", reply_str(u->media_url));
}

static void
test_updates_as_before(void **state)
{
	struct report_update u[3];
	enum render_format f;
	size_t n, i;

	(void)state;
	memset(u, 0, sizeof(u));
	u[0].id = 10;
	u[0].report_id = 9007199254740993;
	u[0].status = STATUS_ANSWERED;
	u[0].description = "Ответ: <b>\"готово\"</b> & \r\n\x02";
	u[0].media_url = "https://example.org/a.jpg?x=1&y=2";
	u[0].created = 1781506800;
	u[1].id = 11;
	u[1].report_id = 2;
	u[1].status = STATUS_REJECTED;
	u[1].created = 1700000000;
	u[2].id = 12;
	u[2].report_id = 3;
	u[2].status = STATUS_SUBMITTED;
	u[2].description = "";
	u[2].created = 86400;
	for (f = 0; f < RENDER__MAX; f++)
		for (n = 0; n <= 3; n += 3) {
			struct open311_list *l = calloc(1, sizeof(*l));
			struct sbuf b = { NULL, 0, -1 };
			json_t *doc = json_array();

			assert_non_null(l);
			for (i = 0; i < n; i++)
				json_array_append_new(doc,
				    reference_update(&u[i]));
			open311_list_begin_updates(l, f, sink, &b);
			for (i = 0; i < n; i++)
				assert_int_equal(open311_list_update(l, &u[i]),
				    0);
			assert_int_equal(open311_list_end(l), 0);
			expect_same(f, doc, "service_request_updates", &b);
			free(l);
		}
}

/* A failing sink ends the list with an error, not a partial success. */
static int
refuse(const char *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	(void)arg;
	return -1;
}

static void
test_sink_failure(void **state)
{
	struct env *env = *state;
	struct open311_list *l = calloc(1, sizeof(*l));
	struct report r;

	assert_non_null(l);
	memset(&r, 0, sizeof(r));
	r.id = 1;
	r.service_code = "pothole";
	r.description = env->longtext;
	r.fixed = -1;
	open311_list_begin(l, RENDER_JSON, env->c, LANG_RU, 0, refuse, NULL);
	assert_int_equal(open311_list_report(l, &r), -1);
	assert_int_equal(open311_list_end(l), -1);
	free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lists_as_before, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_updates_as_before, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sink_failure, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
