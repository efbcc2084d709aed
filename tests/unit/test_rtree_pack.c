/*
 * test_rtree_pack.c: an R*Tree written whole (store/rtree_pack.h) is one
 * SQLite accepts and answers as the same points inserted one by one: it
 * passes rtreecheck(), stores the same rounded boxes, finds the same ids
 * in every box asked, and takes insertions and deletions after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/rtree_pack.h"

#define BOXES 60                /* boxes asked of each tree */

/* A deterministic generator: the same points on every run. */
static uint64_t
next_u64(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static double
unit(uint64_t *s)
{
	return (double)next_u64(s) / (double)(1ULL << 53);
}

static sqlite3 *
open_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE packed USING "
	    "rtree(id, min_lat, max_lat, min_lon, max_lon); CREATE VIRTUAL "
	    "TABLE inserted USING rtree(id, min_lat, max_lat, min_lon, "
	    "max_lon)", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/* The one value sql answers, as text. */
static void
text_of(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static long long
int_of(sqlite3 *db, const char *sql)
{
	char v[32];

	text_of(db, sql, v, sizeof(v));
	return atoll(v);
}

/* The same points into "inserted", by SQL, as a bulk load did before. */
static void
insert_all(sqlite3 *db, const char *table, const struct rtree_point *p,
    size_t n)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	size_t i;

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (?, ?, ?, ?, ?)",
	    table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, p[i].id);
		sqlite3_bind_double(st, 2, p[i].lat);
		sqlite3_bind_double(st, 3, p[i].lat);
		sqlite3_bind_double(st, 4, p[i].lon);
		sqlite3_bind_double(st, 5, p[i].lon);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Both trees hold the same rows, boxes rounded alike, and are whole. */
static void
assert_same_rows(sqlite3 *db)
{
	char v[256];

	text_of(db, "SELECT rtreecheck('packed')", v, sizeof(v));
	assert_string_equal(v, "ok");
	assert_int_equal(int_of(db, "SELECT count(*) FROM packed"),
	    int_of(db, "SELECT count(*) FROM inserted"));
	assert_int_equal(int_of(db, "SELECT count(*) FROM (SELECT * FROM "
	    "packed EXCEPT SELECT * FROM inserted)"), 0);
	assert_int_equal(int_of(db, "SELECT count(*) FROM (SELECT * FROM "
	    "inserted EXCEPT SELECT * FROM packed)"), 0);
}

/* Every box asked finds the same ids in both trees (as a sorted list). */
static void
assert_same_answers(sqlite3 *db, uint64_t *rng, double lat0, double lon0,
    double span, size_t held)
{
	sqlite3_stmt *st = NULL;
	char *a = NULL, *b = NULL;
	const char *sql = "SELECT (SELECT group_concat(id) FROM (SELECT id "
	    "FROM packed WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= "
	    "?3 AND min_lon <= ?4 ORDER BY id)), (SELECT group_concat(id) FROM "
	    "(SELECT id FROM inserted WHERE max_lat >= ?1 AND min_lat <= ?2 "
	    "AND max_lon >= ?3 AND min_lon <= ?4 ORDER BY id)), (SELECT "
	    "count(*) FROM packed WHERE max_lat >= ?1 AND min_lat <= ?2 AND "
	    "max_lon >= ?3 AND min_lon <= ?4)";
	int i, nonempty = 0;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < BOXES; i++) {
		double lat = lat0 + unit(rng) * span, lon = lon0 + unit(rng) *
		    span, h = unit(rng) * span / 4, w = unit(rng) * span / 4;

		sqlite3_bind_double(st, 1, lat);
		sqlite3_bind_double(st, 2, lat + h);
		sqlite3_bind_double(st, 3, lon);
		sqlite3_bind_double(st, 4, lon + w);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		a = (char *)sqlite3_column_text(st, 0);
		b = (char *)sqlite3_column_text(st, 1);
		if (a == NULL || b == NULL)
			assert_ptr_equal(a, b);
		else
			assert_string_equal(a, b);
		nonempty += sqlite3_column_int(st, 2) > 0;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/*
	 * With many points the boxes are not all empty: the answers
	 * compared mean something.
	 */
	if (held >= 1000)
		assert_true(nonempty > BOXES / 4);
}

/*
 * n points in a city-sized square (with duplicates of place and values
 * a float cannot hold exactly), packed and inserted; compared, then
 * more inserted and some deleted in both, compared again.
 */
static void
check_points(size_t n)
{
	const double lat0 = 57.56, lon0 = 39.75, span = 0.2;
	struct rtree_point *p = calloc(n + 200, sizeof(*p));
	uint64_t rng = 42 + n;
	sqlite3 *db = open_db();
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n + 200; i++) {
		p[i].id = (int64_t)(3 * i + 1);
		if (i > 0 && i % 7 == 0) {
			p[i].lat = p[i - 1].lat;        /* the same place */
			p[i].lon = p[i - 1].lon;
		} else {
			p[i].lat = lat0 + unit(&rng) * span;
			p[i].lon = lon0 + unit(&rng) * span;
		}
	}
	if (n > 2)
		p[1].lat = -p[1].lat;                   /* a negative value */
	exec_ok(db, "BEGIN");
	assert_int_equal(rtree_pack(db, "packed", p, n), 0);
	exec_ok(db, "COMMIT");
	insert_all(db, "inserted", p, n);
	assert_same_rows(db);
	if (n > 0)
		assert_same_answers(db, &rng, lat0, lon0, span, n);
	/* Later reports go in as SQLite's own insertions. */
	insert_all(db, "packed", p + n, 200);
	insert_all(db, "inserted", p + n, 200);
	exec_ok(db, "DELETE FROM packed WHERE id % 5 = 0; DELETE FROM inserted "
	    "WHERE id % 5 = 0");
	assert_same_rows(db);
	assert_same_answers(db, &rng, lat0, lon0, span, n + 200);
	sqlite3_close(db);
	free(p);
}

static void
test_empty(void **state)
{
	(void)state;
	check_points(0);
}

/* One node: the root is the leaf. */
static void
test_one_node(void **state)
{
	(void)state;
	check_points(1);
	check_points(51);
}

/* Two levels, the last leaf part full. */
static void
test_two_levels(void **state)
{
	(void)state;
	check_points(52);
	check_points(2000);
}

/* Four levels, as a million reports make. */
static void
test_many_levels(void **state)
{
	(void)state;
	check_points(150000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_node),
		cmocka_unit_test(test_two_levels),
		cmocka_unit_test(test_many_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
