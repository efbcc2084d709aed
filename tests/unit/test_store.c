/*
 * test_store.c: the SQLite store: migrations, every report query filter,
 * paging, transactions that roll back whole, and durability across reopen
 * of a real file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"

#define T0 1795773600   /* 2026-11-27T10:00:00Z */

static int64_t
add(struct store *s, const char *svc, const char *agency, double lat,
    double lon, int64_t when, enum report_status st, const char *text)
{
	static int n;
	struct report r;
	struct contact c = { "Анна", "Иванова", "anna@example.org",
	    "+7 900 123-45-67", NULL, NULL };
	const char *media[] = { "https://example.org/1.jpg",
	    "https://example.org/2.jpg" };
	char token[40];
	int64_t id;

	memset(&r, 0, sizeof(r));
	snprintf(token, sizeof(token), "tok%d", n++);
	r.token = token;
	r.service_code = svc;
	r.agency = agency;
	r.status = st;
	r.has_point = 1;
	r.lat = lat;
	r.lon = lon;
	r.description = text;
	r.address = "ул. Свободы, 1";
	r.media = media;
	r.nmedia = 2;
	r.requested = r.updated = when;
	assert_int_equal(store_report_insert(s, &r, &c, &id), 0);
	return id;
}

struct ids {
	int64_t v[64];
	size_t n;
	const char *media0;
	size_t nmedia;
};

static int
collect(const struct report *r, void *arg)
{
	struct ids *ids = arg;

	if (ids->n < 64)
		ids->v[ids->n++] = r->id;
	ids->nmedia = r->nmedia;
	return 0;
}

static struct ids
run(struct store *s, const struct report_query *q)
{
	struct ids ids;

	memset(&ids, 0, sizeof(ids));
	assert_int_equal(store_report_query(s, q, collect, &ids), 0);
	return ids;
}

static int
setup(void **state)
{
	char err[256];
	struct store *s = store_open(":memory:", err, sizeof(err));

	assert_non_null(s);
	/* 1: west, open, pothole, now; 2: east, closed, heating, a day ago;
	 * 3: far away, open, heating, ten days ago. */
	add(s, "pothole", "roads", 60.10, 30.10, T0, STATUS_SUBMITTED,
	    "Глубокая яма на дороге");
	add(s, "heating", "east", 60.20, 30.80, T0 - 86400, STATUS_CLOSED,
	    "Холодные батареи в подъезде");
	add(s, "heating", "west", 55.75, 37.61, T0 - 10 * 86400,
	    STATUS_IN_PROGRESS, "Нет отопления третий день");
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void
test_migrations(void **state)
{
	assert_true(store_schema_version(*state) >= 1);
}

static void
test_filters(void **state)
{
	struct store *s = *state;
	const char *svcs[] = { "heating" };
	const int64_t ids[] = { 3, 1, 99 };
	struct report_query q;
	struct ids got;

	memset(&q, 0, sizeof(q));
	got = run(s, &q);
	assert_int_equal(got.n, 3);
	/* Newest first by default. */
	assert_int_equal(got.v[0], 1);
	assert_int_equal(got.v[2], 3);
	assert_int_equal(got.nmedia, 2);

	q.services = svcs;
	q.nservices = 1;
	got = run(s, &q);
	assert_int_equal(got.n, 2);

	memset(&q, 0, sizeof(q));
	q.status_mask = 1u << STATUS_CLOSED;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 2);

	memset(&q, 0, sizeof(q));
	q.ids = ids;
	q.nids = 3;
	q.order = ORDER_ID_ASC;
	got = run(s, &q);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0], 1);
	assert_int_equal(got.v[1], 3);

	memset(&q, 0, sizeof(q));
	q.start = T0 - 2 * 86400;
	q.end = T0 - 1;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 2);

	memset(&q, 0, sizeof(q));
	q.updated_after = T0 - 86400;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 1);

	memset(&q, 0, sizeof(q));
	q.agency = "west";
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 3);
}

/* Stops the list at the second report: fn's result comes back. */
static int
collect_two(const struct report *r, void *arg)
{
	struct ids *ids = arg;

	collect(r, ids);
	return ids->n == 2 ? 7 : 0;
}

/*
 * store_report_rows (issue 11: a page of the map's index): the rows of
 * the ids in the order given, a missing id skipped, with their media;
 * fn's non-zero result ends the list and is returned.
 */
static void
test_report_rows(void **state)
{
	struct store *s = *state;
	const int64_t ids[] = { 3, 999, 1, 2 };
	struct ids got;

	memset(&got, 0, sizeof(got));
	assert_int_equal(store_report_rows(s, ids, 4, collect, &got), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.v[0], 3);
	assert_int_equal(got.v[1], 1);
	assert_int_equal(got.v[2], 2);
	assert_int_equal(got.nmedia, 2);

	memset(&got, 0, sizeof(got));
	assert_int_equal(store_report_rows(s, ids, 4, collect_two, &got), 7);
	assert_int_equal(got.n, 2);

	/* Inside a caller's transaction too, which it leaves open. */
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_report_rows(s, ids + 2, 2, collect, &got), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0], 1);
}

/*
 * updated_after with more reports requested since the instant than the
 * page holds (the walk, chosen by a probe on reports_requested) and with
 * fewer (the changes from reports_updated): either way the reports
 * changed since, newest request first, reports requested before the
 * instant but changed after it last.
 */
static void
test_updated_after_pages(void **state)
{
	struct store *s = *state;
	struct report_query q;
	struct ids got;
	int64_t id[8];
	size_t i;

	/* Five old reports (4 and 5 change later), then six new ones. */
	for (i = 0; i < 5; i++)
		id[i] = add(s, "pothole", "roads", 61.0, 31.0,
		    T0 - 5000 + (int64_t)i, STATUS_SUBMITTED, "старое");
	assert_int_equal(store_report_set_status(s, id[3],
	    STATUS_IN_PROGRESS, NULL, T0 + 50), 0);
	assert_int_equal(store_report_set_status(s, id[4], STATUS_CLOSED,
	    NULL, T0 + 60), 0);
	for (i = 0; i < 3; i++)
		add(s, "pothole", "roads", 61.0, 31.0, T0 + 100 + (int64_t)i,
		    STATUS_SUBMITTED, "новое");

	/* Changed after T0 + 1 (not report 1, filed at T0): the three new
	 * ones, then old 5 and old 4, by their requests. */
	memset(&q, 0, sizeof(q));
	q.updated_after = T0 + 1;
	q.order = ORDER_REQUESTED_DESC;
	q.limit = 2;
	got = run(s, &q);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0], id[4] + 3);
	assert_int_equal(got.v[1], id[4] + 2);

	q.limit = 10;
	got = run(s, &q);
	assert_int_equal(got.n, 5);
	assert_int_equal(got.v[0], id[4] + 3);
	assert_int_equal(got.v[2], id[4] + 1);
	assert_int_equal(got.v[3], id[4]);
	assert_int_equal(got.v[4], id[3]);

	/* Pages of two: within the new ones (walked), and across. */
	q.limit = 2;
	q.offset = 1;
	got = run(s, &q);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0], id[4] + 2);
	assert_int_equal(got.v[1], id[4] + 1);
	q.offset = 2;
	got = run(s, &q);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0], id[4] + 1);
	assert_int_equal(got.v[1], id[4]);
}

static void
test_geo_and_text(void **state)
{
	struct store *s = *state;
	struct report_query q;
	struct ids got;

	memset(&q, 0, sizeof(q));
	q.has_bbox = 1;
	q.min_lat = 60.0;
	q.max_lat = 60.5;
	q.min_lon = 30.0;
	q.max_lon = 30.5;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 1);

	/* 60.2,30.8 is about 17 km from 60.1,30.1 and 740 km from Moscow. */
	memset(&q, 0, sizeof(q));
	q.has_radius = 1;
	q.lat = 60.1;
	q.lon = 30.1;
	q.radius_m = 1000;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	q.radius_m = 50000;
	got = run(s, &q);
	assert_int_equal(got.n, 2);

	memset(&q, 0, sizeof(q));
	q.text = "\"батареи\"";
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 2);
}

/*
 * Over GEO_PROBE_LIMIT (2000) reports in one box (2500 here): the store walks the time index
 * instead of the R*Tree; the answer must be the same kind of answer.
 */
static void
test_geo_large_area(void **state)
{
	struct store *s = *state;
	struct report_query q;
	struct ids got;
	int64_t newest = 0;
	int i;

	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < 5000; i++) {
		/* Alternate inside (60.0x, 30.0x) and outside (61.x) the box. */
		double lat = (i % 2) ? 61.0 + i * 1e-5 : 60.0 + i * 1e-5;
		int64_t id = add(s, "pothole", "roads", lat, 30.0 + i * 1e-5,
		    T0 - 6000 + i, STATUS_SUBMITTED, "x");

		if (i % 2 == 0)
			newest = id;
	}
	assert_int_equal(store_commit(s), 0);
	memset(&q, 0, sizeof(q));
	q.has_bbox = 1;
	q.min_lat = 59.99;
	q.max_lat = 60.5;
	q.min_lon = 29.9;
	q.max_lon = 30.2;
	q.limit = 10;
	got = run(s, &q);
	/* Report 1 (T0) is newest of all, then the newest fixture row. */
	assert_int_equal(got.n, 10);
	assert_int_equal(got.v[0], 1);
	assert_int_equal(got.v[1], newest);
	q.limit = 0;
	got = run(s, &q);
	assert_int_equal(got.n, 64);    /* capped by the collector */
	q.has_bbox = 0;
	q.has_radius = 1;
	q.lat = 60.0;
	q.lon = 30.0;
	q.radius_m = 10000;
	q.limit = 5;
	got = run(s, &q);
	assert_int_equal(got.n, 5);
	assert_int_equal(got.v[0], newest);
}

static void
test_paging(void **state)
{
	struct store *s = *state;
	struct report_query q;
	struct ids got;

	memset(&q, 0, sizeof(q));
	q.limit = 2;
	got = run(s, &q);
	assert_int_equal(got.n, 2);
	q.offset = 2;
	got = run(s, &q);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0], 3);
}

static int
on_contact(const struct contact *c, void *arg)
{
	*(int *)arg = strcmp(c->email, "anna@example.org") == 0;
	return 0;
}

static int
count_updates(const struct report_update *u, void *arg)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

static void
test_contact_and_updates(void **state)
{
	struct store *s = *state;
	int ok = 0, n = 0;

	assert_int_equal(store_report_contact(s, 1, on_contact, &ok), 0);
	assert_true(ok);
	assert_int_equal(store_report_contact(s, 42, on_contact, &ok), 1);
	assert_int_equal(store_report_set_status(s, 1, STATUS_REGISTERED,
	    "Зарегистрировано", T0 + 60), 0);
	assert_int_equal(store_report_set_status(s, 77, STATUS_REGISTERED,
	    NULL, T0 + 60), 1);
	assert_int_equal(store_update_query(s, T0 - 1, T0 + 60, 0,
	    count_updates, &n), 0);
	/* The creation of report 1 and its registration. */
	assert_int_equal(n, 2);
}

static void
test_rollback_whole(void **state)
{
	struct store *s = *state;
	struct report r;
	int64_t before, after, id;

	assert_int_equal(store_report_count(s, &before), 0);
	memset(&r, 0, sizeof(r));
	r.token = "twice";
	r.service_code = "pothole";
	r.requested = r.updated = T0;
	assert_int_equal(store_report_insert(s, &r, NULL, &id), 0);
	before++;
	/* The same token again breaks a constraint: nothing is written. */
	assert_int_equal(store_report_insert(s, &r, NULL, &id), -1);
	assert_non_null(strstr(store_error(s), "UNIQUE"));
	assert_int_equal(store_report_count(s, &after), 0);
	assert_int_equal(before, after);
	/* A failure after the report row was written undoes the row too. */
	{
		static const struct attr_value broken = { "size", NULL };

		r.token = "late-failure";
		r.attrs = &broken;
		r.nattrs = 1;
		assert_int_equal(store_report_insert(s, &r, NULL, &id), -1);
		assert_int_equal(store_report_count(s, &after), 0);
		assert_int_equal(before, after);
		r.attrs = NULL;
		r.nattrs = 0;
	}
	/* An outer transaction rolled back takes inner writes with it. */
	assert_int_equal(store_begin(s), 0);
	r.token = "fresh";
	assert_int_equal(store_report_insert(s, &r, NULL, &id), 0);
	if (store_rollback(s) != 0)
		fail_msg("%s", store_error(s));
	assert_int_equal(store_report_count(s, &after), 0);
	assert_int_equal(before, after);
}

static void
test_file_durable(void **state)
{
	char path[] = "/tmp/veche-store-XXXXXX", db[64], err[256];
	struct store *s;
	int64_t n;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	s = store_open(db, err, sizeof(err));
	assert_non_null(s);
	add(s, "pothole", "roads", 60.1, 30.1, T0, STATUS_SUBMITTED, "x");
	store_close(s);
	s = store_open(db, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_report_count(s, &n), 0);
	assert_int_equal(n, 1);
	store_close(s);
	unlink(db);
	snprintf(err, sizeof(err), "%s-wal", db);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", db);
	unlink(err);
	/* A path in a missing folder says what is wrong. */
	assert_null(store_open("/nonexistent/dir/x.db", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/x.db"));
}

/* Group commit: threads share commits; a failing unit leaves nothing. */
struct worker {
	const char *path;
	struct store_writer *w;
	int index;
	int ok;
};

/* A unit's report: token, pothole, text (may be NULL), at T0. */
static int
unit_report(struct store *conn, const char *token, const char *text)
{
	struct report r;
	int64_t id;

	memset(&r, 0, sizeof(r));
	r.token = token;
	r.service_code = "pothole";
	r.description = text;
	r.requested = r.updated = T0;
	return store_report_insert(conn, &r, NULL, &id);
}

static int
insert_unit(struct store *conn, void *arg)
{
	struct worker *wk = arg;
	char token[32];

	snprintf(token, sizeof(token), "unit%d", wk->index);
	if (unit_report(conn, token, NULL) == -1)
		return -1;
	/* Every fifth unit fails after writing: its report must vanish. */
	return wk->index % 5 == 0 ? 1 : 0;
}

static void *
worker_run(void *arg)
{
	struct worker *wk = arg;
	char err[256];
	struct store *s = store_open(wk->path, err, sizeof(err));
	int i;

	if (s == NULL)
		return NULL;
	store_set_writer(s, wk->w);
	for (i = 0; i < 20; i++) {
		struct worker unit = *wk;

		unit.index = wk->index * 100 + i;
		if (store_atomic(s, insert_unit, &unit) == (unit.index % 5 ?
		    0 : 1))
			wk->ok++;
	}
	store_close(s);
	return NULL;
}

/* A fresh database file's name in path (a mkstemps template, ".db"). */
static void
temp_db(char *path)
{
	int fd = mkstemps(path, 3);

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
}

static void
test_group_commit(void **state)
{
	char path[] = "/tmp/veche-group-XXXXXX.db", err[256];
	struct store_writer *w = store_writer_new();
	struct worker wk[4];
	pthread_t th[4];
	struct store *s;
	int64_t n;
	int i;

	(void)state;
	temp_db(path);
	s = store_open(path, err, sizeof(err));
	assert_non_null(s);
	for (i = 0; i < 4; i++) {
		wk[i].path = path;
		wk[i].w = w;
		wk[i].index = i + 1;
		wk[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker_run,
		    &wk[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(wk[i].ok, 20);
	}
	/* 80 units, 16 of them failed. */
	assert_int_equal(store_report_count(s, &n), 0);
	assert_int_equal(n, 64);
	store_close(s);
	store_writer_free(w);
	unlink(path);
}

/*
 * Deferred durability (store_defer_sync): a unit returns with a ticket and
 * is told once on disk; until then it may be unseen.  A unit rolled back
 * in the same transaction leaves no words in the text index, its
 * neighbours' words are found.
 */
struct told {
	pthread_mutex_t m;
	pthread_cond_t c;
	int calls, ok;
};

static void
on_told(void *arg, int ok)
{
	struct told *t = arg;

	pthread_mutex_lock(&t->m);
	t->calls++;
	t->ok = ok;
	pthread_cond_signal(&t->c);
	pthread_mutex_unlock(&t->m);
}

static int
text_unit(struct store *conn, void *arg)
{
	const char *text = arg;
	char token[48];

	snprintf(token, sizeof(token), "text-%s", text);
	if (unit_report(conn, token, text) == -1)
		return -1;
	/* The swings' report fails after writing. */
	return strstr(text, "качели") != NULL ? 1 : 0;
}

static void
test_deferred_durable(void **state)
{
	char path[] = "/tmp/veche-defer-XXXXXX.db", err[256];
	struct store_writer *w = store_writer_new();
	struct told told = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0 };
	struct report_query q;
	struct store *s, *r;
	struct ids got;
	uint64_t t1, t2;
	int64_t n;
	int rc;

	(void)state;
	temp_db(path);
	s = store_open(path, err, sizeof(err));
	r = store_open(path, err, sizeof(err));
	assert_non_null(s);
	assert_non_null(r);
	store_set_writer(s, w);
	store_defer_sync(s, 1);
	assert_int_equal(store_write_pending(s), 0);
	assert_int_equal(store_atomic(s, text_unit, "Огромная яма"), 0);
	t1 = store_write_pending(s);
	assert_true(t1 > 0);
	assert_int_equal(store_write_pending(s), 0);
	assert_int_equal(store_atomic(s, text_unit, "Сломанные качели"), 1);
	assert_int_equal(store_write_pending(s), 0);
	assert_int_equal(store_atomic(s, text_unit, "Провал асфальта"), 0);
	t2 = store_write_pending(s);
	assert_true(t2 >= t1);
	rc = store_durable_notify(s, t2, on_told, &told);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1) {
		pthread_mutex_lock(&told.m);
		while (told.calls == 0)
			pthread_cond_wait(&told.c, &told.m);
		pthread_mutex_unlock(&told.m);
		assert_int_equal(told.calls, 1);
		assert_int_equal(told.ok, 1);
	}
	assert_int_equal(store_durable_wait(s, t1), 0);
	/* On disk, so committed: another connection sees two reports. */
	assert_int_equal(store_report_count(r, &n), 0);
	assert_int_equal(n, 2);
	memset(&q, 0, sizeof(q));
	q.text = "\"яма\"";
	got = run(r, &q);
	assert_int_equal(got.n, 1);
	q.text = "\"асфальта\"";
	got = run(r, &q);
	assert_int_equal(got.n, 1);
	q.text = "\"качели\"";
	got = run(r, &q);
	assert_int_equal(got.n, 0);
	/* Without deferral the unit returns on disk, with no ticket. */
	store_defer_sync(s, 0);
	assert_int_equal(store_atomic(s, text_unit, "Нет воды"), 0);
	assert_int_equal(store_write_pending(s), 0);
	assert_int_equal(store_report_count(r, &n), 0);
	assert_int_equal(n, 3);
	store_close(r);
	store_close(s);
	store_writer_free(w);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_geo_and_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_geo_large_area, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_updated_after_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_contact_and_updates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_whole, setup,
		    teardown),
		cmocka_unit_test(test_file_durable),
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_deferred_durable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
