/*
 * test_ratelimit.c: the sign-in counters (src/api/ratelimit.c): a key is
 * blocked at its max-th failure, for twice as long at each new block; a
 * success forgets it; no number of other keys makes the table forget a
 * live counter; a full table refuses keys it lacks instead of evicting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "veche.h"
#include "api/ratelimit.h"

#define NOW 1795773600

/* Fail key n times at now; the result of the last call. */
static int
fail_n(struct ratelimit *rl, const char *key, int max, int n, int64_t now,
    int64_t *retry)
{
	int rc = 0;

	while (n-- > 0)
		rc = ratelimit_fail(rl, key, max, now, retry);
	return rc;
}

static void
test_block_and_doubling(void **state)
{
	struct ratelimit *rl = ratelimit_new(0);
	int64_t retry, now = NOW;

	(void)state;
	assert_non_null(rl);
	assert_int_equal(fail_n(rl, "login:a", 5, 4, now, &retry), 0);
	assert_int_equal(ratelimit_blocked(rl, "login:a", now, &retry), 0);
	assert_int_equal(ratelimit_fail(rl, "login:a", 5, now, &retry), 1);
	assert_int_equal(retry, VECHE_LOGIN_DELAY);
	assert_int_equal(ratelimit_blocked(rl, "login:a", now + 1, &retry), 1);
	assert_int_equal(retry, VECHE_LOGIN_DELAY - 1);
	/* Another key is not touched. */
	assert_int_equal(ratelimit_blocked(rl, "login:b", now, &retry), 0);

	/* Each new block lasts twice as long, up to the maximum. */
	now += VECHE_LOGIN_DELAY;
	assert_int_equal(ratelimit_blocked(rl, "login:a", now, &retry), 0);
	assert_int_equal(fail_n(rl, "login:a", 5, 5, now, &retry), 1);
	assert_int_equal(retry, 2 * VECHE_LOGIN_DELAY);
	now += retry;
	assert_int_equal(fail_n(rl, "login:a", 5, 5, now, &retry), 1);
	assert_int_equal(retry, 4 * VECHE_LOGIN_DELAY);
	for (int i = 0; i < 20; i++) {
		now += retry;
		assert_int_equal(fail_n(rl, "login:a", 5, 5, now, &retry), 1);
	}
	assert_int_equal(retry, VECHE_LOGIN_MAX_DELAY);

	/* A success forgets the failures and the blocks. */
	ratelimit_clear(rl, "login:a");
	assert_int_equal(ratelimit_blocked(rl, "login:a", now, &retry), 0);
	assert_int_equal(fail_n(rl, "login:a", 5, 5, now, &retry), 1);
	assert_int_equal(retry, VECHE_LOGIN_DELAY);
	ratelimit_free(rl);
}

static void
test_window(void **state)
{
	struct ratelimit *rl = ratelimit_new(0);
	int64_t retry;

	(void)state;
	assert_non_null(rl);
	assert_int_equal(fail_n(rl, "addr:10.0.0.1", 3, 2, NOW, &retry), 0);
	/* Failures older than the window no longer count. */
	assert_int_equal(fail_n(rl, "addr:10.0.0.1", 3, 2,
	    NOW + VECHE_LOGIN_WINDOW, &retry), 0);
	assert_int_equal(ratelimit_fail(rl, "addr:10.0.0.1", 3,
	    NOW + VECHE_LOGIN_WINDOW, &retry), 1);
	/* A key quiet for a window after its block is forgotten whole. */
	assert_int_equal(ratelimit_live(rl, NOW + VECHE_LOGIN_WINDOW), 1);
	assert_int_equal(ratelimit_live(rl, NOW + 2 * VECHE_LOGIN_WINDOW +
	    VECHE_LOGIN_DELAY), 0);
	assert_int_equal(fail_n(rl, "addr:10.0.0.1", 3, 3, NOW +
	    3 * VECHE_LOGIN_WINDOW, &retry), 1);
	assert_int_equal(retry, VECHE_LOGIN_DELAY);
	ratelimit_free(rl);
}

/*
 * The attack of issue 9: failures under other names, as many as it takes
 * to share the victim's slot many times over, between guesses on the
 * victim.  The victim's count must survive them all.
 */
static void
test_numerous_names_keep_the_victim(void **state)
{
	struct ratelimit *rl = ratelimit_new(0);
	char name[64];
	int64_t retry;
	int i, round;

	(void)state;
	assert_non_null(rl);
	for (round = 0; round < 4; round++) {
		assert_int_equal(ratelimit_fail(rl, "login:admin1", 5, NOW,
		    &retry), 0);
		for (i = 0; i < 15000; i++) {
			snprintf(name, sizeof(name), "login:evict%d-%d", round,
			    i);
			assert_true(ratelimit_fail(rl, name, 5, NOW, &retry) >=
			    0);
		}
	}
	assert_int_equal(ratelimit_live(rl, NOW), 60001);
	assert_int_equal(ratelimit_blocked(rl, "login:admin1", NOW, &retry),
	    0);
	assert_int_equal(ratelimit_fail(rl, "login:admin1", 5, NOW, &retry),
	    1);
	assert_int_equal(ratelimit_blocked(rl, "login:admin1", NOW, &retry),
	    1);
	ratelimit_free(rl);
}

static void
test_full_table_fails_closed(void **state)
{
	struct ratelimit *rl = ratelimit_new(100);
	char name[64];
	int64_t retry;
	int i;

	(void)state;
	assert_non_null(rl);
	assert_int_equal(ratelimit_fail(rl, "login:victim", 5, NOW, &retry),
	    0);
	for (i = 1; i < 100; i++) {
		snprintf(name, sizeof(name), "login:filler%d", i);
		assert_int_equal(ratelimit_fail(rl, name, 5, NOW, &retry), 0);
	}
	/* Full: a new key is refused, not given someone's slot. */
	assert_int_equal(ratelimit_fail(rl, "login:new", 5, NOW, &retry), -1);
	assert_int_equal(ratelimit_blocked(rl, "login:new", NOW, &retry), 1);
	assert_true(retry > 0);
	/* Keys it holds go on as before. */
	assert_int_equal(ratelimit_blocked(rl, "login:victim", NOW, &retry),
	    0);
	assert_int_equal(fail_n(rl, "login:victim", 5, 4, NOW, &retry), 1);
	/* Once the fillers have aged out there is room again. */
	assert_int_equal(ratelimit_fail(rl, "login:new", 5,
	    NOW + VECHE_LOGIN_WINDOW, &retry), 0);
	assert_int_equal(ratelimit_blocked(rl, "login:new",
	    NOW + VECHE_LOGIN_WINDOW, &retry), 0);
	ratelimit_free(rl);
}

/*
 * In the order the server asks (blocked first, fail only if not blocked):
 * a table that was full lets new keys in again once the old ones age out.
 * Found by review: the flag was cleared only by ratelimit_fail, which a
 * blocked key never reaches, so every new sign-in was refused until a
 * restart.
 */
static void
test_full_table_recovers_for_new_keys(void **state)
{
	struct ratelimit *rl = ratelimit_new(100);
	char name[64];
	int64_t retry, later = NOW + 2 * VECHE_LOGIN_WINDOW;
	int i;

	(void)state;
	assert_non_null(rl);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "login:filler%d", i);
		assert_int_equal(ratelimit_fail(rl, name, 5, NOW, &retry), 0);
	}
	assert_int_equal(ratelimit_fail(rl, "login:new", 5, NOW, &retry), -1);
	assert_int_equal(ratelimit_blocked(rl, "login:new", NOW, &retry), 1);
	/* The fillers age out; the server asks before it counts. */
	assert_int_equal(ratelimit_blocked(rl, "login:new", later, &retry), 0);
	assert_int_equal(ratelimit_blocked(rl, "login:other", later, &retry),
	    0);
	assert_int_equal(ratelimit_fail(rl, "login:new", 5, later, &retry), 0);
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_and_doubling),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_numerous_names_keep_the_victim),
		cmocka_unit_test(test_full_table_fails_closed),
		cmocka_unit_test(test_full_table_recovers_for_new_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
