/*
 * test_audit.c: the audit log's hash chain on an in-memory store: it
 * verifies when untouched and names the first entry that was edited,
 * removed or whose link was rewritten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"
#include "store/store.h"
#include "store/sqlite_internal.h"

static struct store *
filled(int n)
{
	struct actor a;
	struct verr e;
	char err[256], obj[32];
	struct store *s = store_open(":memory:", err, sizeof(err));
	int i;

	assert_non_null(s);
	memset(&a, 0, sizeof(a));
	a.role = ROLE_OPERATOR;
	a.user_id = 7;
	snprintf(a.name, sizeof(a.name), "op");
	for (i = 1; i <= n; i++) {
		snprintf(obj, sizeof(obj), "report:%d", i);
		assert_int_equal(audit_append(s, i % 2 ? &a : NULL,
		    "report.register", obj, "status=submitted",
		    "status=registered text=line\nbreak", 1000 + i, &e), 0);
	}
	return s;
}

/* Tamper as someone with the database file would. */
static void
tamper(struct store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
test_intact(void **state)
{
	struct store *s = filled(5);
	struct audit_check chk;
	struct verr e;

	(void)state;
	assert_int_equal(audit_verify(s, &chk, &e), 0);
	assert_int_equal(chk.entries, 5);
	assert_int_equal(chk.bad_id, 0);
	assert_int_equal(strlen(chk.head), 64);
	store_close(s);
}

static void
test_empty(void **state)
{
	struct store *s = filled(0);
	struct audit_check chk;
	struct verr e;

	(void)state;
	assert_int_equal(audit_verify(s, &chk, &e), 0);
	assert_int_equal(chk.entries, 0);
	store_close(s);
}

static void
test_edited_field(void **state)
{
	static const char *const edits[] = {
		"UPDATE audit_log SET after = 'status=closed' WHERE id = 3",
		"UPDATE audit_log SET actor_name = 'admin' WHERE id = 3",
		"UPDATE audit_log SET created = created + 1 WHERE id = 3",
		"UPDATE audit_log SET actor_id = 1 WHERE id = 3",
		"UPDATE audit_log SET object = 'report:9' WHERE id = 3",
		"UPDATE audit_log SET before = '' WHERE id = 3",
	};
	struct audit_check chk;
	struct verr e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct store *s = filled(5);

		tamper(s, edits[i]);
		assert_int_equal(audit_verify(s, &chk, &e), 1);
		assert_int_equal(chk.bad_id, 3);
		assert_non_null(strstr(chk.why, "entry 3"));
		store_close(s);
	}
}

static void
test_removed_and_relinked(void **state)
{
	struct audit_check chk;
	struct verr e;
	struct store *s = filled(5);

	(void)state;
	tamper(s, "DELETE FROM audit_log WHERE id = 2");
	assert_int_equal(audit_verify(s, &chk, &e), 1);
	assert_int_equal(chk.bad_id, 3);
	store_close(s);
	/* Recomputing one hash does not help: the next link breaks. */
	s = filled(5);
	tamper(s, "UPDATE audit_log SET hash = (SELECT hash FROM audit_log "
	    "WHERE id = 1) WHERE id = 2");
	assert_int_equal(audit_verify(s, &chk, &e), 1);
	assert_int_equal(chk.bad_id, 2);
	store_close(s);
	s = filled(5);
	tamper(s, "UPDATE audit_log SET prev = (SELECT hash FROM audit_log "
	    "WHERE id = 1) WHERE id = 4");
	assert_int_equal(audit_verify(s, &chk, &e), 1);
	assert_int_equal(chk.bad_id, 4);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_edited_field),
		cmocka_unit_test(test_removed_and_relinked),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
