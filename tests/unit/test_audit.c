/*
 * test_audit.c: the audit log's hash chain on an in-memory store: it
 * verifies when untouched and names the first entry that was edited,
 * removed or whose link was rewritten, including an entry's request id;
 * and group commits write each unit's own request id.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"
#include "store/store.h"
#include "store/sqlite_internal.h"
#include "store/store_workflow.h"

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
		/* Odd entries come from an HTTP request (hash format 2). */
		store_set_request_id(s, i % 2 ? "0123456789abcdef" : NULL);
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
		"UPDATE audit_log SET request_id = 'forged-id-9' WHERE id = 3",
		"UPDATE audit_log SET request_id = '' WHERE id = 3",
		"UPDATE audit_log SET request_id = 'added-id-99' WHERE id = 2",
	};
	struct audit_check chk;
	struct verr e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct store *s = filled(5);

		tamper(s, edits[i]);
		assert_int_equal(audit_verify(s, &chk, &e), 1);
		if (strstr(edits[i], "id = 2") != NULL) {
			assert_int_equal(chk.bad_id, 2);
		} else {
			assert_int_equal(chk.bad_id, 3);
			assert_non_null(strstr(chk.why, "entry 3"));
		}
		store_close(s);
	}
}

#define THREADS 4
#define UNITS 25

struct writer_arg {
	const char *path;
	struct store_writer *w;
	int n;
};

static int
append_unit(struct store *conn, void *arg)
{
	struct verr e;

	return audit_append(conn, NULL, "report.submit", arg, NULL, NULL, 1,
	    &e);
}

/* One "server thread": its own connection and request ids. */
static void *
writer_run(void *p)
{
	struct writer_arg *a = p;
	char err[256], id[32], obj[32];
	struct store *s = store_open(a->path, err, sizeof(err));
	int i;

	if (s == NULL)
		return p;
	store_set_writer(s, a->w);
	for (i = 0; i < UNITS; i++) {
		snprintf(id, sizeof(id), "thread%d-unit%02d", a->n, i);
		snprintf(obj, sizeof(obj), "%s", id);
		store_set_request_id(s, id);
		if (store_atomic(s, append_unit, obj) != 0)
			break;
	}
	/* The connection's own id is back after leading a batch. */
	if (i == UNITS && strcmp(store_request_id(s), id) != 0)
		i = -1;
	store_close(s);
	return i == UNITS ? NULL : p;
}

static int
object_is_id(const struct store_audit *e, void *arg)
{
	int *n = arg;

	(*n)++;
	return strcmp(e->object, e->request_id) != 0;
}

static void
test_group_commit_keeps_request_ids(void **state)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	struct writer_arg args[THREADS];
	pthread_t t[THREADS];
	struct audit_check chk;
	struct store_writer *w = store_writer_new();
	struct store *s;
	struct verr e;
	char path[] = "/tmp/veche-test-audit-XXXXXX", err[256], side[64];
	void *rv;
	int i, fd, n = 0;

	(void)state;
	assert_non_null(w);
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	s = store_open(path, err, sizeof(err));
	assert_non_null(s);
	for (i = 0; i < THREADS; i++) {
		args[i].path = path;
		args[i].w = w;
		args[i].n = i;
		assert_int_equal(pthread_create(&t[i], NULL, writer_run,
		    &args[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &rv), 0);
		assert_null(rv);
	}
	assert_int_equal(store_audit_each(s, object_is_id, &n), 0);
	assert_int_equal(n, THREADS * UNITS);
	assert_int_equal(audit_verify(s, &chk, &e), 0);
	store_close(s);
	store_writer_free(w);
	for (i = 0; i < 3; i++) {
		snprintf(side, sizeof(side), "%s%s", path, suffixes[i]);
		unlink(side);
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
		cmocka_unit_test(test_group_commit_keeps_request_ids),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
