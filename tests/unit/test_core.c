/*
 * test_core.c: the domain on an in-memory store: city import, routing by
 * area, report validation (every refusal names its field and writes
 * nothing), deadlines and W3C dates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fixture.h"
#include "core/address.h"
#include "core/apikey.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/report.h"
#include "store/store.h"

struct env {
	struct store *s;
	struct catalog *c;
};

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	struct verr e;
	char err[512];

	assert_non_null(env);
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	env->s = store_open(":memory:", err, sizeof(err));
	assert_non_null(env->s);
	assert_int_equal(city_import_json(env->s, fixture_city,
	    strlen(fixture_city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	catalog_free(env->c);
	store_close(env->s);
	free(env);
	return 0;
}

static int64_t
count(struct store *s)
{
	int64_t n = -1;

	assert_int_equal(store_report_count(s, &n), 0);
	return n;
}

static void
test_catalog_loaded(void **state)
{
	struct env *env = *state;
	const struct service *svc;

	assert_string_equal(catalog_jurisdiction(env->c), "testcity");
	assert_int_equal(catalog_nservices(env->c), 3);
	svc = catalog_service(env->c, "pothole");
	assert_non_null(svc);
	assert_string_equal(svc->name[LANG_EN], "Pothole");
	assert_int_equal(svc->nattrs, 1);
	assert_int_equal(svc->attrs[0].type, ATTR_SINGLEVALUELIST);
	assert_int_equal(svc->attrs[0].nchoices, 2);
	assert_string_equal(svc->attrs[0].choices[1].key, "large");
	assert_int_equal(catalog_nagencies(env->c), 4);
}

static void
test_routing_by_area(void **state)
{
	struct env *env = *state;

	assert_string_equal(catalog_route(env->c, "heating", 1, 60.2, 30.2),
	    "west");
	assert_string_equal(catalog_route(env->c, "heating", 1, 60.2, 30.8),
	    "east");
	/* Outside both districts: nobody handles it there, so the fallback. */
	assert_string_equal(catalog_route(env->c, "heating", 1, 59.0, 30.2),
	    "admin");
	/* A city-wide agency takes its service anywhere. */
	assert_string_equal(catalog_route(env->c, "pothole", 1, 10.0, 10.0),
	    "roads");
	assert_string_equal(catalog_route(env->c, "heating", 0, 0, 0),
	    "admin");
}

static struct report_input
valid_input(void)
{
	static const struct attr_value size = { "size", "large" };
	struct report_input in;

	memset(&in, 0, sizeof(in));
	in.service_code = "pothole";
	in.has_point = 1;
	in.lat = 60.1;
	in.lon = 30.1;
	in.description = "Яма у подъезда, ёлки-палки";
	in.attrs = &size;
	in.nattrs = 1;
	in.now = 1764230400;    /* 2025-11-27T08:00:00Z */
	return in;
}

static int
on_report_copy(const struct report *r, void *arg)
{
	struct report *out = arg;

	out->id = r->id;
	out->status = r->status;
	out->requested = r->requested;
	out->expected = r->expected;
	out->register_due = r->register_due;
	out->nattrs = r->nattrs;
	out->has_point = r->has_point;
	out->lat = r->lat;
	return 0;
}

static void
test_submit_and_read_back(void **state)
{
	struct env *env = *state;
	struct report_input in = valid_input();
	struct report_receipt rc;
	struct report got;
	struct verr e;

	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	assert_true(rc.id > 0);
	assert_string_equal(rc.agency, "roads");
	assert_int_equal(strlen(rc.token), 32);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_report_get(env->s, rc.id, on_report_copy, &got),
	    0);
	assert_int_equal(got.status, STATUS_SUBMITTED);
	assert_int_equal(got.requested, in.now);
	assert_int_equal(got.nattrs, 1);
	assert_true(got.has_point);
	assert_true(got.lat > 60.09 && got.lat < 60.11);
	/* Received Thursday 27 Nov 11:00 Moscow.  No calendar is loaded
	 * here, so working days are Monday to Friday: register within 3 of
	 * them (28 Nov, 1 and 2 Dec), answer 30 days after that, on
	 * Thursday 1 Jan (test_deadline.c covers the Russian calendar). */
	{
		char buf[DATETIME_LEN];

		assert_string_equal(datetime_format(got.register_due, buf,
		    sizeof(buf)), "2025-12-02T23:59:59+03:00");
		assert_string_equal(datetime_format(got.expected, buf,
		    sizeof(buf)), "2026-01-01T23:59:59+03:00");
	}
	assert_int_equal(store_report_get(env->s, rc.id + 1000,
	    on_report_copy, &got), 1);
}

/* Submit in, expect refusal naming field, and nothing stored. */
static void
expect_refused(struct env *env, const struct report_input *in,
    const char *field, const char *words)
{
	struct report_receipt rc;
	struct verr e;
	int64_t before = count(env->s);

	memset(&e, 0, sizeof(e));
	assert_int_equal(report_submit(env->s, env->c, in, &rc, &e), -1);
	assert_int_equal(e.kind, VERR_INVALID);
	assert_string_equal(e.field, field);
	if (strstr(e.message, words) == NULL)
		fail_msg("message '%s' lacks '%s'", e.message, words);
	assert_int_equal(count(env->s), before);
}

static void
test_refusals_name_the_field(void **state)
{
	struct env *env = *state;
	struct report_input in;
	static const struct attr_value bad_choice = { "size", "huge" };
	static const struct attr_value unknown = { "colour", "red" };
	static const struct attr_value bad_number[] = {
		{ "flats", "12abc" },
	};
	static const struct attr_value bad_date[] = {
		{ "since", "2025-13-01T00:00:00Z" },
	};
	static const struct attr_value good_multi[] = {
		{ "what", "a" }, { "what", "b" }, { "flats", "3.5" },
		{ "since", "2025-11-01T10:00:00+03:00" },
	};
	static const char *const bad_media[] = { "javascript:alert(1)" };
	char *longtext;
	struct report_receipt rc;
	struct verr e;

	in = valid_input();
	in.service_code = "no_such";
	expect_refused(env, &in, "service_code", "unknown service");
	in = valid_input();
	in.service_code = NULL;
	expect_refused(env, &in, "service_code", "required");
	in = valid_input();
	in.has_point = 0;
	expect_refused(env, &in, "lat", "location");
	in = valid_input();
	in.lat = 91;
	expect_refused(env, &in, "lat", "out of range");
	in = valid_input();
	in.lon = -181;
	expect_refused(env, &in, "long", "out of range");
	in = valid_input();
	in.nattrs = 0;
	expect_refused(env, &in, "attribute", "attribute[size]: required");
	in = valid_input();
	in.attrs = &bad_choice;
	expect_refused(env, &in, "attribute[size]", "not one of the values");
	in = valid_input();
	in.attrs = &unknown;
	expect_refused(env, &in, "attribute", "no such attribute");
	in = valid_input();
	in.service_code = "heating";
	in.attrs = bad_number;
	expect_refused(env, &in, "attribute[flats]", "not a number");
	in.attrs = bad_date;
	expect_refused(env, &in, "attribute[since]", "calendar date");
	in = valid_input();
	in.media = bad_media;
	in.nmedia = 1;
	expect_refused(env, &in, "media_url", "http");
	in = valid_input();
	in.contact.email = "not-an-address";
	expect_refused(env, &in, "email", "e-mail");
	in = valid_input();
	in.contact.phone = "call me";
	expect_refused(env, &in, "phone", "phone");
	in = valid_input();
	in.description = "bad \xff byte";
	expect_refused(env, &in, "description", "byte 4");

	/* 4000 characters of Cyrillic (8000 bytes) pass; 4001 do not. */
	longtext = malloc(2 * 4001 + 1);
	assert_non_null(longtext);
	for (int i = 0; i < 4001; i++)
		memcpy(longtext + 2 * i, "ж", 2);
	longtext[2 * 4001] = '\0';
	in = valid_input();
	in.description = longtext;
	expect_refused(env, &in, "description", "4001 characters");
	longtext[2 * 4000] = '\0';
	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	free(longtext);

	/* Several values of a multivaluelist, and typed values, pass. */
	in = valid_input();
	in.service_code = "heating";
	in.attrs = good_multi;
	in.nattrs = 4;
	in.lat = 60.3;
	in.lon = 30.7;
	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	assert_string_equal(rc.agency, "east");
}

static void
test_status_and_updates(void **state)
{
	struct env *env = *state;
	struct report_input in = valid_input();
	struct report_receipt rc;
	struct report got;
	struct verr e;

	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	assert_int_equal(report_set_status(env->s, rc.id, STATUS_CLOSED,
	    "Заделали", in.now + 3600, &e), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_report_get(env->s, rc.id, on_report_copy, &got),
	    0);
	assert_int_equal(got.status, STATUS_CLOSED);
	assert_int_equal(report_set_status(env->s, 999999, STATUS_CLOSED,
	    NULL, in.now, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
}

static void
test_datetime(void **state)
{
	int64_t t;
	char err[256], buf[DATETIME_LEN];

	(void)state;
	assert_int_equal(datetime_parse("2026-11-27T10:00:00Z", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(t, 1795773600);
	assert_int_equal(datetime_parse("2026-11-27T13:00:00+03:00", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(t, 1795773600);
	assert_int_equal(datetime_parse("2026-11-27T05:30-0430", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(t, 1795773600);
	assert_int_equal(datetime_parse("2026-11-27T10:00:00.123Z", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(datetime_parse("2026-11-27T10:00:00", &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "time zone"));
	assert_int_equal(datetime_parse("2026-02-29T10:00:00Z", &t, err,
	    sizeof(err)), -1);
	assert_int_equal(datetime_parse("2024-02-29T10:00:00Z", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(datetime_parse("yesterday", &t, err, sizeof(err)), -1);
	assert_int_equal(datetime_parse("2026-11-27T25:00:00Z", &t, err,
	    sizeof(err)), -1);
	assert_string_equal(datetime_format(1795773600, buf, sizeof(buf)),
	    "2026-11-27T13:00:00+03:00");
	/* Found by fuzz_datetime: year 622 in Moscow's local mean time
	 * (+02:30:17) formatted to an offset that parsed back elsewhere. */
	assert_int_equal(datetime_parse("0622-11-27T14:13:04+0300", &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "1900 to 9998"));
	assert_int_equal(datetime_parse("1905-06-01T12:00:00+03:00", &t, err,
	    sizeof(err)), 0);
	assert_string_equal(datetime_format(t, buf, sizeof(buf)),
	    "1905-06-01T09:00:00Z");
}

static void
test_deadlines_cross_year_end(void **state)
{
	char buf[DATETIME_LEN];
	int64_t t;

	(void)state;
	/* 29 Dec 2026 23:30 Moscow, Monday to Friday (no calendar loaded):
	 * register by Friday 1 Jan; 30 days later is Sunday 31 Jan, so the
	 * answer is due the working day before, Friday 29 Jan. */
	assert_int_equal(datetime_parse("2026-12-29T23:30:00+03:00", &t, buf,
	    sizeof(buf)), 0);
	assert_string_equal(datetime_format(deadline_register_due(t), buf,
	    sizeof(buf)), "2027-01-01T23:59:59+03:00");
	assert_string_equal(datetime_format(deadline_expected(t), buf,
	    sizeof(buf)), "2027-01-29T23:59:59+03:00");
}

static void
test_city_import_errors(void **state)
{
	struct env *env = *state;
	struct verr e;
	static const char bad_area[] = "{\"services\": [{\"code\": \"x\","
	    " \"name\": \"X\"}], \"agencies\": [{\"code\": \"a\", \"name\": "
	    "\"A\", \"services\": [\"x\"], \"areas\": [{\"type\": \"Polygon\","
	    " \"coordinates\": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}]}]}";
	static const char bad_type[] = "{\"services\": [{\"code\": \"x\","
	    " \"name\": \"X\", \"attributes\": [{\"code\": \"c\", \"datatype\":"
	    " \"colour\", \"description\": \"d\"}]}]}";
	static const char unknown_svc[] = "{\"agencies\": [{\"code\": \"a\","
	    " \"name\": \"A\", \"services\": [\"nope\"]}]}";

	assert_int_equal(city_import_json(env->s, bad_area, strlen(bad_area),
	    &e), -1);
	assert_non_null(strstr(e.message, "agencies[0].areas[0]"));
	assert_non_null(strstr(e.message, "Self-intersection"));
	assert_int_equal(city_import_json(env->s, bad_type, strlen(bad_type),
	    &e), -1);
	assert_non_null(strstr(e.message, "services[0].attributes[0]"));
	assert_int_equal(city_import_json(env->s, unknown_svc,
	    strlen(unknown_svc), &e), -1);
	assert_non_null(strstr(e.message, "'nope'"));
	assert_int_equal(city_import_json(env->s, "{", 1, &e), -1);
	/* Nothing of the refused files was written. */
	assert_null(catalog_service(env->c, "x"));
}

static int
on_address(const char *address, double lat, double lon, void *arg)
{
	char *out = arg;

	(void)lat;
	(void)lon;
	if (out[0] != '\0')
		strncat(out, "|", 255 - strlen(out));
	strncat(out, address, 255 - strlen(out));
	return 0;
}

static void
test_address_registry(void **state)
{
	struct env *env = *state;
	static const char city[] = "{\"addresses\": ["
	    "{\"address\": \"ул. Свободы, 12\", \"lat\": 60.1, \"long\": 30.1},"
	    "{\"address\": \"ул. Свободы, 120\", \"lat\": 60.2, \"long\": 30.2},"
	    "{\"address\": \"пр-т Ленина, 12\", \"lat\": 60.3, \"long\": 30.3}]}";
	static const char bad[] = "{\"addresses\": [{\"address\": \"x\","
	    " \"lat\": 91, \"long\": 30}]}";
	char found[256], terms[64];
	struct verr e;

	assert_int_equal(city_import_json(env->s, city, strlen(city), &e), 0);
	found[0] = '\0';
	/* Words match the starts of words: "свобод" finds "Свободы". */
	assert_int_equal(address_search(env->s, "свобод 12", 10, on_address,
	    found, &e), 0);
	assert_string_equal(found, "ул. Свободы, 12|ул. Свободы, 120");
	found[0] = '\0';
	assert_int_equal(address_search(env->s, "Ленина", 10, on_address,
	    found, &e), 0);
	assert_string_equal(found, "пр-т Ленина, 12");
	/* Query syntax in the input is only text. */
	found[0] = '\0';
	assert_int_equal(address_search(env->s, "\" OR * NEAR(", 10,
	    on_address, found, &e), 0);
	assert_string_equal(found, "");
	assert_int_equal(address_search(env->s, "  ", 10, on_address, found,
	    &e), -1);
	assert_string_equal(e.field, "q");
	assert_int_equal(search_terms("a \"b", 1, terms, sizeof(terms)), 0);
	assert_string_equal(terms, "\"a\"* \"\"\"b\"*");
	/* A point out of range refuses the whole file. */
	assert_int_equal(city_import_json(env->s, bad, strlen(bad), &e), -1);
	assert_non_null(strstr(e.message, "addresses[0]"));
}

static void
test_apikeys(void **state)
{
	struct env *env = *state;
	char key[APIKEY_LEN], agency[64], name[64];
	struct verr e;

	assert_int_equal(apikey_create(env->s, env->c, "city DMS", "west", 1,
	    key, &e), 0);
	assert_int_equal(strncmp(key, "vk_", 3), 0);
	assert_int_equal(apikey_check(env->s, key, name, sizeof(name), agency,
	    sizeof(agency)), 0);
	assert_string_equal(name, "city DMS");
	assert_string_equal(agency, "west");
	key[5] ^= 1;
	assert_int_equal(apikey_check(env->s, key, name, sizeof(name), agency,
	    sizeof(agency)), 1);
	assert_int_equal(apikey_create(env->s, env->c, "x", "nope", 1, key,
	    &e), -1);
	assert_string_equal(e.field, "agency");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_catalog_loaded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routing_by_area, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_submit_and_read_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals_name_the_field,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_updates, setup,
		    teardown),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_deadlines_cross_year_end),
		cmocka_unit_test_setup_teardown(test_city_import_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_address_registry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_apikeys, setup, teardown),
	};

	if (sodium_init() < 0 || datetime_set_zone("Europe/Moscow") == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
