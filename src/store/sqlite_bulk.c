/*
 * sqlite_bulk.c: loading many reports at once in the SQLite backend (see
 * store_bulk.h and sqlite_internal.h).  Owns no tables: it defers the
 * report module's search and spatial entries (struct store's defer_index,
 * read by sqlite_reports.c) and drops and remakes the secondary indexes of
 * the tables a load fills, from their own CREATE statements in
 * sqlite_master, so that whatever the migrations made is made again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "store/sqlite_internal.h"
#include "store/store.h"
#include "store/store_bulk.h"

#define BULK_MAX_INDEXES 32     /* indexes dropped at most; more stay */
#define BULK_MAX_SQL 512        /* the longest CREATE INDEX dropped */

enum {
	BK_LAST_ID,
	BK_INDEXES,
	BK_GEO,
	BK_SEARCH_KEYS,
	BK_TEXT,
	BK_TEXT_MERGE,
	BK__MAX
};

static const char *const stmt_sql[BK__MAX] = {
	[BK_LAST_ID] = "SELECT coalesce(max(id), 0) FROM reports",
	/* The tables a load fills: a row each per report or history entry. */
	[BK_INDEXES] = ("SELECT name, sql FROM sqlite_master WHERE type = "
	    "'index' AND sql IS NOT NULL AND tbl_name IN ('reports', "
	    "'report_updates', 'events') ORDER BY name"),
	/* What report_insert (sqlite_reports.c) writes for each report. */
	[BK_GEO] = ("INSERT INTO report_geo(id, min_lat, max_lat, min_lon, "
	    "max_lon) SELECT id, lat, lat, lon, lon FROM reports WHERE id > ? "
	    "AND lat IS NOT NULL AND lon IS NOT NULL"),
	/* The loaded reports' text keys after those of the same second. */
	[BK_SEARCH_KEYS] = ("INSERT INTO report_search_keys(key, report) "
	    "SELECT coalesce((SELECT max(k.key) + 1 FROM report_search_keys k "
	    "WHERE k.key >= r.requested << " SEARCH_KEY_SHIFT " AND k.key < "
	    "(r.requested + 1) << " SEARCH_KEY_SHIFT "), r.requested << "
	    SEARCH_KEY_SHIFT ") + row_number() OVER (PARTITION BY r.requested "
	    "ORDER BY r.id) - 1, r.id FROM reports r WHERE r.id > ?1"),
	[BK_TEXT] = ("INSERT INTO report_text(rowid, description, address) "
	    "SELECT k.key, r.description, r.address FROM report_search_keys k "
	    "CROSS JOIN reports r WHERE r.id = k.report AND r.id > ?1 "
	    "ORDER BY k.key"),
	/* One segment, not the load's ten or more (core migration 8). */
	[BK_TEXT_MERGE] = ("INSERT INTO report_text(report_text) "
	    "VALUES('optimize')"),
};

const struct stmt_table store_bulk_stmts = { stmt_sql, BK__MAX };

struct bulk_index {
	char name[128];
	char sql[BULK_MAX_SQL];
};

struct store_bulk {
	int64_t last_id;                /* the last report before the load */
	struct bulk_index idx[BULK_MAX_INDEXES];
	size_t nidx;                    /* dropped, to be made again */
};

/* Run fixed SQL (ours or sqlite_master's, never user input). */
static int
run(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sq_set_err(s, what);
		return -1;
	}
	return 0;
}

/*
 * The connection's usual settings back (store_open's), the WAL written into
 * the file and synced when checkpoint is set.  0 with s->err as it was, or
 * -1 with s->err saying what failed.
 */
static int
settings_usual(struct store *s, int checkpoint)
{
	char why[sizeof(s->err)];

	snprintf(why, sizeof(why), "%s", s->err);
	if (run(s, "PRAGMA synchronous = FULL", "restoring synchronous") ||
	    run(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SQLITE_CACHE_KIB_NEG),
	    "restoring the page cache") || (checkpoint && run(s,
	    "PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint")))
		return -1;
	snprintf(s->err, sizeof(s->err), "%s", why);
	return 0;
}

static int
index_row(sqlite3_stmt *st, void *arg)
{
	struct store_bulk *b = arg;
	struct bulk_index *x;
	int n, m;

	if (b->nidx >= BULK_MAX_INDEXES)
		return 0;
	x = &b->idx[b->nidx];
	n = snprintf(x->name, sizeof(x->name), "%s", sq_col_text(st, 0));
	m = snprintf(x->sql, sizeof(x->sql), "%s", sq_col_text(st, 1));
	/* One that does not fit stays in place, maintained row by row. */
	if (n > 0 && (size_t)n < sizeof(x->name) && m > 0 &&
	    (size_t)m < sizeof(x->sql))
		b->nidx++;
	return 0;
}

/* Drop the secondary indexes of the filled tables, remembering them. */
static int
drop_indexes(struct store *s, struct store_bulk *b)
{
	char sql[sizeof(b->idx[0].name) + 32];
	size_t i;

	if (sq_rows(s, sq_stmt(s, STORE_MOD_BULK, BK_INDEXES),
	    "listing indexes", index_row, b) != 0)
		return -1;
	for (i = 0; i < b->nidx; i++) {
		snprintf(sql, sizeof(sql), "DROP INDEX \"%s\"", b->idx[i].name);
		if (run(s, sql, "dropping an index") == -1)
			return -1;
	}
	return 0;
}

struct store_bulk *
store_bulk_begin(struct store *s, size_t n)
{
	struct store_bulk *b;
	int64_t count = 0;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	if (run(s, "PRAGMA synchronous = OFF", "bulk load settings") == -1 ||
	    run(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SEED_CACHE_KIB_NEG),
	    "bulk load settings") == -1 || store_begin(s) == -1)
		goto fail;
	if (sq_row(s, sq_stmt(s, STORE_MOD_BULK, BK_LAST_ID), "reading the "
	    "last report", sq_int64_row, &b->last_id) != 0 ||
	    store_report_count(s, &count) == -1)
		goto rollback;
	/*
	 * Sorting an index anew costs about what inserting its rows one by
	 * one in random order saves once the load is the larger part.
	 */
	if ((size_t)count < n && drop_indexes(s, b) == -1)
		goto rollback;
	if (store_commit(s) == -1)
		goto rollback;
	s->defer_index = 1;
	return b;
rollback:
	store_rollback(s);
fail:
	settings_usual(s, 0);
	free(b);
	return NULL;
}

int
store_bulk_end(struct store *s, struct store_bulk *b)
{
	sqlite3_stmt *st;
	size_t i;
	int ok = 0;

	if (b == NULL)
		return 0;
	s->defer_index = 0;
	if (store_begin(s) == -1)
		goto out;
	st = sq_stmt(s, STORE_MOD_BULK, BK_GEO);
	sqlite3_bind_int64(st, 1, b->last_id);
	if (sq_step_done(s, st, "indexing report locations") == -1)
		goto rollback;
	st = sq_stmt(s, STORE_MOD_BULK, BK_SEARCH_KEYS);
	sqlite3_bind_int64(st, 1, b->last_id);
	if (sq_step_done(s, st, "keying report text") == -1)
		goto rollback;
	st = sq_stmt(s, STORE_MOD_BULK, BK_TEXT);
	sqlite3_bind_int64(st, 1, b->last_id);
	if (sq_step_done(s, st, "indexing report text") == -1 ||
	    sq_step_done(s, sq_stmt(s, STORE_MOD_BULK, BK_TEXT_MERGE),
	    "merging the text index") == -1)
		goto rollback;
	for (i = 0; i < b->nidx; i++)
		if (run(s, b->idx[i].sql, "making an index again") == -1)
			goto rollback;
	if (store_commit(s) == -1)
		goto rollback;
	ok = 1;
	goto out;
rollback:
	store_rollback(s);
out:
	/* FULL again, then the WAL into the file, synced. */
	if (settings_usual(s, 1) == -1)
		ok = 0;
	free(b);
	return ok ? 0 : -1;
}
