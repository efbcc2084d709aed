/*
 * test_account.c: users, passwords (Argon2id) and sessions on an
 * in-memory store: every refusal names its field and writes nothing,
 * sign-in fails alike for unknown logins and wrong passwords, sessions
 * rotate and expire, and each account change is in the audit log.
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
#include "veche.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/session.h"
#include "store/store.h"

#define NOW 1790000000

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
	setenv("VECHE_PWHASH_FAST", "1", 1);
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
audit_entries(struct store *s)
{
	struct audit_check chk;
	struct verr e;

	assert_int_equal(audit_verify(s, &chk, &e), 0);
	return chk.entries;
}

static void
test_roles_round_trip(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < ROLE_SYSTEM; r++)
		assert_int_equal(account_role_parse(account_role_name(r)), r);
	assert_int_equal(account_role_parse("system"), ROLE__MAX);
	assert_int_equal(account_role_parse("root"), ROLE__MAX);
	assert_int_equal(account_role_parse(NULL), ROLE__MAX);
}

static void
test_create_and_authenticate(void **state)
{
	struct env *env = *state;
	const char *ag[] = { "roads", "west" };
	struct actor a;
	struct verr e;
	int64_t id;

	assert_int_equal(account_create(env->s, env->c, NULL, "op1",
	    "secret password", ROLE_OPERATOR, ag, 2, NOW, &id, &e), 0);
	assert_true(id > 0);
	assert_int_equal(account_authenticate(env->s, "op1", "secret password",
	    &a, &e), 0);
	assert_int_equal(a.role, ROLE_OPERATOR);
	assert_int_equal(a.user_id, id);
	assert_string_equal(a.name, "op1");
	assert_int_equal(a.nagencies, 2);
	assert_string_equal(a.agencies[0], "roads");
	assert_int_equal(account_authenticate(env->s, "op1", "wrong password",
	    &a, &e), -1);
	assert_int_equal(e.kind, VERR_FORBIDDEN);
	assert_int_equal(account_authenticate(env->s, "ghost",
	    "secret password", &a, &e), -1);
	assert_int_equal(e.kind, VERR_FORBIDDEN);
	assert_int_equal(audit_entries(env->s), 1);
}

static void
test_refusals_write_nothing(void **state)
{
	struct env *env = *state;
	const char *ag[] = { "roads" }, *bad[] = { "nowhere" };
	struct verr e;

	assert_int_equal(account_create(env->s, env->c, NULL, "Upper",
	    "secret password", ROLE_CITIZEN, NULL, 0, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "login");
	assert_int_equal(account_create(env->s, env->c, NULL, "ok", "short",
	    ROLE_CITIZEN, NULL, 0, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "password");
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "secret password", ROLE_OPERATOR, NULL, 0, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "agency");
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "secret password", ROLE_ADMIN, ag, 1, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "agency");
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "secret password", ROLE_HEAD, bad, 1, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "agency");
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "secret password", ROLE_SYSTEM, NULL, 0, NOW, NULL, &e), -1);
	assert_string_equal(e.field, "role");
	assert_int_equal(audit_entries(env->s), 0);
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "secret password", ROLE_CITIZEN, NULL, 0, NOW, NULL, &e), 0);
	assert_int_equal(account_create(env->s, env->c, NULL, "ok",
	    "other password", ROLE_CITIZEN, NULL, 0, NOW, NULL, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	assert_int_equal(audit_entries(env->s), 1);
}

static void
test_password_is_argon2id(void **state)
{
	struct env *env = *state;
	struct actor a;
	struct verr e;

	assert_int_equal(account_create(env->s, env->c, NULL, "u",
	    "first password", ROLE_CITIZEN, NULL, 0, NOW, NULL, &e), 0);
	assert_int_equal(account_set_password(env->s, NULL, "u",
	    "second password", NOW, &e), 0);
	assert_int_equal(account_authenticate(env->s, "u", "first password",
	    &a, &e), -1);
	assert_int_equal(account_authenticate(env->s, "u", "second password",
	    &a, &e), 0);
	assert_int_equal(account_set_password(env->s, NULL, "nobody",
	    "second password", NOW, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
	assert_int_equal(audit_entries(env->s), 2);
}

static void
test_sessions_rotate_and_expire(void **state)
{
	struct env *env = *state;
	char t1[SESSION_TOKEN_LEN], c1[SESSION_TOKEN_LEN];
	char t2[SESSION_TOKEN_LEN], c2[SESSION_TOKEN_LEN];
	char csrf[SESSION_TOKEN_LEN];
	const char *ag[] = { "east" };
	struct verr e;
	int64_t id, user;

	assert_int_equal(account_create(env->s, env->c, NULL, "h",
	    "secret password", ROLE_HEAD, ag, 1, NOW, &id, &e), 0);
	assert_int_equal(session_start(env->s, id, NULL, NOW, t1, c1, &e), 0);
	assert_int_equal(session_find(env->s, t1, NOW + 10, &user, csrf), 0);
	assert_int_equal(user, id);
	assert_string_equal(csrf, c1);
	assert_true(session_csrf_ok(c1, csrf));
	assert_false(session_csrf_ok(c1, "nope"));
	assert_false(session_csrf_ok(c1, NULL));
	/* Signing in again ends the old session. */
	assert_int_equal(session_start(env->s, id, t1, NOW + 20, t2, c2, &e),
	    0);
	assert_string_not_equal(t1, t2);
	assert_int_equal(session_find(env->s, t1, NOW + 30, &user, csrf), 1);
	assert_int_equal(session_find(env->s, t2, NOW + 30, &user, csrf), 0);
	assert_int_equal(session_find(env->s, t2, NOW + 20 +
	    VECHE_SESSION_TTL, &user, csrf), 1);
	assert_int_equal(session_find(env->s, "garbage", NOW, &user, csrf),
	    1);
	/* A role change ends every session of the user. */
	assert_int_equal(account_set_role(env->s, env->c, NULL, id,
	    ROLE_CITIZEN, NULL, 0, NOW, &e), 0);
	assert_int_equal(session_find(env->s, t2, NOW + 40, &user, csrf), 1);
	assert_int_equal(session_end(env->s, t2, NOW), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_round_trip),
		cmocka_unit_test_setup_teardown(test_create_and_authenticate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_is_argon2id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_rotate_and_expire,
		    setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
