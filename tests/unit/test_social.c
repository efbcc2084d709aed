/*
 * test_social.c: votes, comments, moderation and rate limits on an
 * in-memory store: one vote per voter, comments checked, moderation only by
 * moderators and on the audit record, limits per address and hour.
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
#include "core/audit.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/report.h"
#include "core/social.h"
#include "store/store.h"

#define NOW 1795773600

struct env {
	struct store *s;
	struct catalog *c;
	int64_t report;
};

static int
setup(void **state)
{
	static const struct attr_value size = { "size", "small" };
	struct env *env = calloc(1, sizeof(*env));
	struct report_input in;
	struct report_receipt rc;
	struct verr e;
	char err[512];

	assert_non_null(env);
	env->s = store_open(":memory:", err, sizeof(err));
	assert_non_null(env->s);
	assert_int_equal(city_import_json(env->s, fixture_city,
	    strlen(fixture_city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	memset(&in, 0, sizeof(in));
	in.service_code = "pothole";
	in.has_point = 1;
	in.lat = 60.1;
	in.lon = 30.1;
	in.attrs = &size;
	in.nattrs = 1;
	in.now = NOW;
	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	env->report = rc.id;
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

static void
test_one_vote_per_voter(void **state)
{
	struct env *env = *state;
	int64_t count = 0;
	int already = -1;
	struct verr e;

	assert_int_equal(social_vote(env->s, env->report, "device-a", NOW,
	    &count, &already, &e), 0);
	assert_int_equal(count, 1);
	assert_int_equal(already, 0);
	assert_int_equal(social_vote(env->s, env->report, "device-a", NOW + 5,
	    &count, &already, &e), 0);
	assert_int_equal(count, 1);
	assert_int_equal(already, 1);
	assert_int_equal(social_vote(env->s, env->report, "device-b", NOW,
	    &count, &already, &e), 0);
	assert_int_equal(count, 2);
	assert_int_equal(social_vote(env->s, 9999, "device-a", NOW, &count,
	    &already, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
}

static void
test_comments_checked(void **state)
{
	struct env *env = *state;
	struct verr e;
	int64_t id;
	char *big;

	assert_int_equal(social_comment(env->s, env->report, "Анна",
	    "Подтверждаю, яма глубокая", "dev", NOW, &id, &e), 0);
	assert_true(id > 0);
	assert_int_equal(social_comment(env->s, env->report, NULL, "   ",
	    NULL, NOW, &id, &e), -1);
	assert_int_equal(e.kind, VERR_INVALID);
	big = malloc(VECHE_MAX_COMMENT + 2);
	assert_non_null(big);
	memset(big, 'a', VECHE_MAX_COMMENT + 1);
	big[VECHE_MAX_COMMENT + 1] = '\0';
	assert_int_equal(social_comment(env->s, env->report, NULL, big, NULL,
	    NOW, &id, &e), -1);
	assert_int_equal(e.kind, VERR_INVALID);
	free(big);
	assert_int_equal(social_comment(env->s, 4242, NULL, "текст", NULL,
	    NOW, &id, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
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
test_moderation_audited(void **state)
{
	struct env *env = *state;
	struct actor mod, op;
	struct verr e;
	int64_t id, before;

	memset(&mod, 0, sizeof(mod));
	mod.role = ROLE_MODERATOR;
	mod.user_id = 7;
	snprintf(mod.name, sizeof(mod.name), "moder");
	op = mod;
	op.role = ROLE_OPERATOR;
	assert_int_equal(social_comment(env->s, env->report, NULL, "спам",
	    NULL, NOW, &id, &e), 0);
	before = audit_entries(env->s);
	assert_int_equal(social_moderate(env->s, &op, id, 0, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_FORBIDDEN);
	assert_int_equal(social_moderate(env->s, NULL, id, 0, NOW, &e), -1);
	assert_int_equal(audit_entries(env->s), before);
	assert_int_equal(social_moderate(env->s, &mod, id, 0, NOW, &e), 0);
	assert_int_equal(audit_entries(env->s), before + 1);
	assert_int_equal(social_moderate(env->s, &mod, id, 1, NOW, &e), 0);
	assert_int_equal(audit_entries(env->s), before + 2);
	assert_int_equal(social_moderate(env->s, &mod, 999, 0, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
	assert_int_equal(audit_entries(env->s), before + 2);
}

static void
test_rate_limit(void **state)
{
	struct env *env = *state;
	struct verr e;
	int i;

	for (i = 0; i < VECHE_RATE_VOTES; i++)
		assert_int_equal(social_rate(env->s, RATE_VOTE, "192.0.2.1",
		    NOW + i, &e), 0);
	assert_int_equal(social_rate(env->s, RATE_VOTE, "192.0.2.1",
	    NOW + i, &e), 1);
	/* Another address, another kind and the next hour are free. */
	assert_int_equal(social_rate(env->s, RATE_VOTE, "192.0.2.2", NOW, &e),
	    0);
	assert_int_equal(social_rate(env->s, RATE_COMMENT, "192.0.2.1", NOW,
	    &e), 0);
	assert_int_equal(social_rate(env->s, RATE_VOTE, "192.0.2.1",
	    NOW + VECHE_RATE_WINDOW + 10, &e), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_vote_per_voter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_comments_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_moderation_audited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
	};

	if (sodium_init() < 0 || datetime_set_zone("Europe/Moscow") == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
