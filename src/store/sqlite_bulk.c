/*
 * sqlite_bulk.c: loading many reports at once in the SQLite backend (see
 * store_bulk.h and sqlite_internal.h).  Owns no tables: it defers the
 * report module's search and spatial entries (struct store's defer_index,
 * read by sqlite_reports.c, which hands each point to sq_bulk_point) and
 * drops and remakes the secondary indexes of the tables a load fills, from
 * their own CREATE statements in sqlite_master, so that whatever the
 * migrations made is made again.  Its one row of its own is the settings'
 * mark of a load without a journal (BULK_MARK), gone when the load ends.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "veche.h"
#include "store/sql_store.h"
#include "store/sqlite_internal.h"
#include "store/store.h"
#include "store/rtree_pack.h"
#include "store/store_bulk.h"
#include "store/store_delivery.h"
#include "store/store_workflow.h"

#define BULK_MAX_INDEXES 32     /* indexes dropped at most; more stay */
#define BULK_MAX_SQL 512        /* the longest CREATE INDEX dropped */
#define BULK_POINTS_FIRST 4096  /* points a batch holds before it grows */
#define BULK_HASH_MAX 129       /* an audit entry's hash, hex, and NUL */
/* The setting a fresh load writes first and deletes last. */
#define BULK_MARK "bulk_load_unfinished"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum {
	BK_LAST_ID,
	BK_INDEXES,
	BK_GEO,
	BK_SEARCH_KEYS,
	BK_TEXT,
	BK_TEXT_MERGE,
	BK_GEO_EMPTY,
	BK_GEO_SQL,
	BK_PAGE_SIZE,
	BK_TEXT_SQL,
	BK_MARK_GET,
	BK_MARK_PUT,
	BK_MARK_DEL,
	BK_JOURNAL_OFF,
	BK_JOURNAL_WAL,
	BK_SIDE_OK,
	BK_TRIGGERS,
	BK_VACUUM_INTO,
	BK_KEYS_EMPTY,
	BK__MAX
};

static const char *const stmt_sql[BK__MAX] = {
	[BK_LAST_ID] = "SELECT coalesce(max(id), 0) FROM reports",
	/* The tables a load fills: a row each per report or history entry. */
	[BK_INDEXES] = ("SELECT name, sql, tbl_name FROM sqlite_master WHERE type = "
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
	/* Read from the R*Tree's own table, without opening the R*Tree. */
	[BK_GEO_EMPTY] = ("SELECT NOT EXISTS (SELECT 1 FROM report_geo_rowid) "
	    "AND NOT EXISTS (SELECT 1 FROM report_geo_node WHERE nodeno > 1)"),
	[BK_GEO_SQL] = ("SELECT sql FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'report_geo'"),
	[BK_PAGE_SIZE] = "PRAGMA page_size",
	[BK_TEXT_SQL] = ("SELECT sql FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'report_text'"),
	/* A load without a journal under way, or one that crashed. */
	[BK_MARK_GET] = ("SELECT count(*) FROM settings WHERE key = '"
	    BULK_MARK "'"),
	[BK_MARK_PUT] = ("INSERT INTO settings(key, value) VALUES ('"
	    BULK_MARK "', 'a bulk load without a journal')"),
	[BK_MARK_DEL] = "DELETE FROM settings WHERE key = '" BULK_MARK "'",
	/* Both answer the mode the file is in after. */
	[BK_JOURNAL_OFF] = "PRAGMA journal_mode = OFF",
	[BK_JOURNAL_WAL] = "PRAGMA journal_mode = WAL",
	/*
	 * The events and audit entries may be written beside (struct
	 * bulk_side) when no event is there yet and none makes a delivery:
	 * no subscription, no mail.
	 */
	[BK_SIDE_OK] = ("SELECT NOT EXISTS (SELECT 1 FROM events) AND NOT "
	    "EXISTS (SELECT 1 FROM report_updates) AND NOT EXISTS (SELECT 1 "
	    "FROM subscriptions) AND NOT EXISTS (SELECT 1 FROM settings WHERE "
	    "key = 'mail.smtp_url' AND value <> '')"),
	/* Every trigger: none fires in the side file until the load is in. */
	[BK_TRIGGERS] = ("SELECT name, sql FROM sqlite_master WHERE type = "
	    "'trigger' ORDER BY name"),
	/* The side file: the database as the load starts (side_start). */
	[BK_VACUUM_INTO] = "VACUUM INTO ?1",
	/* No search key yet: BK_SEARCH_KEYS's keys are (requested, id) ranks. */
	[BK_KEYS_EMPTY] = ("SELECT NOT EXISTS (SELECT 1 FROM "
	    "report_search_keys)"),
};

/*
 * The R*Tree built beside the load (geo_main): the rows BK_GEO's statement
 * would insert at the end (the values report_insert bound to lat and lon,
 * which it stored), packed whole (rtree_pack.h) into an R*Tree of the same
 * definition, which rtree_pack writes for, and page size in a file of its
 * own, whose three tables store_bulk_end then copies into the empty ones
 * of the database.
 */
static const char geo_create_sql[] = ("CREATE VIRTUAL TABLE report_geo USING "
    "rtree(id, min_lat, max_lat, min_lon, max_lon)");
/* The R*Tree's and the text index's own tables, copied whole. */
static const char *const geo_tables[] = {
	"report_geo_node", "report_geo_rowid", "report_geo_parent",
};
static const char *const text_tables[] = {
	"report_text_data", "report_text_idx", "report_text_docsize",
	"report_text_config",
};
/* BK_TEXT from the database attached as src into a file's report_text. */
static const char text_fill_sql[] = ("INSERT INTO main.report_text(rowid, "
    "description, address) SELECT k.key, r.description, r.address FROM "
    "src.report_search_keys k CROSS JOIN src.reports r WHERE r.id = "
    "k.report AND r.id > ?1 ORDER BY k.key");
static const char text_merge_sql[] = ("INSERT INTO main.report_text("
    "report_text) VALUES('optimize')");
/* A kept report's row of BK_TEXT, of BK_SEARCH_KEYS (struct bulk_docs). */
static const char text_put_sql[] = ("INSERT INTO main.report_text(rowid, "
    "description, address) VALUES (?1, ?2, ?3)");
static const char keys_put_sql[] = ("INSERT INTO report_search_keys(key, "
    "report) VALUES (?1, ?2)");

/* A report's point, as report_insert stored it (sq_bulk_point). */
struct bulk_point {
	int64_t id;
	double lat, lon;
};

/* The points of one transaction of the load. */
struct bulk_batch {
	struct bulk_batch *next;
	size_t n, cap;
	struct bulk_point p[];
};

struct bulk_geo {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bulk_batch *fill;        /* the loader's open transaction's */
	int lost;                       /* a point could not be kept */
	struct bulk_batch *head, **tail;    /* committed, for the thread */
	int stop;                       /* the load is over: a last pass */
	int go;                         /* every point handed over: build */
	int failed;                     /* the file is not to be used */
	int joined;                     /* geo_finish has run: result */
	int result;
	int64_t last_id0;               /* the last report before the load */
	int page_size;
	char db_path[PATH_MAX];
	char path[PATH_MAX];            /* the R*Tree's own file */
	char create[BULK_MAX_SQL];      /* report_geo's CREATE statement */
};

/*
 * A loaded report's text as report_insert stored it (sq_bulk_text), for
 * the text index built from memory: description and address are offsets
 * into the arena (address BULK_NO_TEXT: NULL).
 */
struct bulk_doc {
	int64_t id, requested;
	size_t description, address;
};

#define BULK_NO_TEXT SIZE_MAX
#define BULK_DOCS_FIRST 65536           /* documents before the first growth */

/*
 * The texts of a fresh load without search keys yet, so that the text
 * index is built from memory as soon as the loop ends, on a thread that
 * never reads the database (text_main): its keys are BK_SEARCH_KEYS's,
 * the (requested, id) rank within each second.  Only the committed ones
 * (committed) are used.
 */
struct bulk_docs {
	struct bulk_doc *v;
	size_t n, cap, committed;
	char *arena;
	size_t len, alen;
	int lost;                       /* out of memory: the SQL way */
};

/*
 * The text index built beside the remade indexes (text_main): the database's
 * report_text (its day marks) copied into a file of its own, then BK_TEXT's
 * rows and merge there, read from the database or, when docs is set, from
 * the texts kept in memory; store_bulk_end copies its tables back.
 */
struct bulk_text {
	pthread_t thread;
	int failed;
	int joined;                     /* the thread is over */
	int in;                         /* its tables are in the database */
	int64_t last_id;
	int page_size;
	const char *db_path;            /* the geo thread's */
	const struct bulk_docs *docs;   /* the load's, sorted, or NULL */
	char path[PATH_MAX];
	char create[BULK_MAX_SQL];      /* report_text's CREATE statement */
};

const struct stmt_table store_bulk_stmts = { stmt_sql, BK__MAX };

struct bulk_index {
	char name[128];
	char table[64];
	char sql[BULK_MAX_SQL];
	int made;                       /* made again already */
};

/*
 * The tables written beside the load (side_main): each row of theirs is
 * encoded by the loader into a batch (side_int, side_text), the batches
 * handed to a thread that inserts them, with the ids the database would
 * have given, into a copy of the database made as the load starts
 * (DB-bulkside, VACUUM INTO; no journal, no fsync), and makes the dropped
 * indexes there at the end.  store_bulk_end then copies the loader's
 * tables into that file by SQLite's transfer of whole records (INSERT INTO
 * t SELECT * FROM src.t: its reports, about a third of the bytes, not the
 * events, audit entries and history, two thirds) and renames it over the
 * database (side_fill, sq_replace_file).  The rows and their order are
 * those the loader would have written.
 */
enum side_table {
	SIDE_EVENTS,
	SIDE_AUDIT,
	SIDE_UPDATES,
	SIDE__MAX
};

static const char *const side_names[SIDE__MAX] = {
	[SIDE_EVENTS] = "events",
	[SIDE_AUDIT] = "audit_log",
	[SIDE_UPDATES] = "report_updates",
};

/* What store_event_insert and store_audit_insert write, with the id. */
static const char *const side_put_sql[SIDE__MAX] = {
	[SIDE_EVENTS] = ("INSERT INTO events(id, type, report, agency, detail, "
	    "payload, key, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
	[SIDE_AUDIT] = ("INSERT INTO audit_log(id, created, actor_role, "
	    "actor_id, actor_name, action, object, before, after, prev, hash, "
	    "request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12)"),
	[SIDE_UPDATES] = ("INSERT INTO report_updates(id, report, status, "
	    "description, media_url, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
};

#define BULK_MAX_TRIGGERS 64            /* triggers of the database */
#define BULK_MAX_TRIGGER_SQL 2048

/*
 * A trigger of the database, dropped in the side file while the load is
 * written there (SQLite copies records whole only into a table without
 * triggers) and made again from its own text once it is all in.
 */
struct bulk_trigger {
	char name[128];
	char sql[BULK_MAX_TRIGGER_SQL];
};

#define SIDE_BATCH_BYTES (1u << 20)     /* a batch handed over at this size */
#define SIDE_QUEUE_MAX (64u << 20)      /* the loader waits above this */
#define SIDE_MAX_COLS 12

/* Rows of side tables: a byte of table, a byte of columns, the values. */
struct side_batch {
	struct side_batch *next;
	size_t len, cap;
	unsigned char *buf;
};

struct bulk_side {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	struct side_batch *fill;        /* the loader's */
	struct side_batch *head, **tail;
	size_t queued;                  /* bytes handed over, not yet written */
	int stop, failed, lost;
	int64_t next_event;             /* the id the next event gets */
	int64_t next_update;            /* ... the next history row */
	int64_t audit_id;               /* the last audit entry's */
	char audit_hash[BULK_HASH_MAX];
	int page_size;
	char path[PATH_MAX];
	char index_sql[BULK_MAX_INDEXES][BULK_MAX_SQL];  /* the dropped ones */
	size_t nindex;
	struct bulk_trigger trig[BULK_MAX_TRIGGERS];
	size_t ntrig;
};

/* The report a bulk load holds until its status is final (no UPDATE). */
enum held_text {
	HELD_TOKEN,
	HELD_SERVICE,
	HELD_AGENCY,
	HELD_NOTES,
	HELD_ADDRESS,
	HELD_ADDRESS_ID,
	HELD_ZIPCODE,
	HELD_DESCRIPTION,
	HELD__MAX
};

struct bulk_held {
	int on;                         /* r is held, not yet written */
	int64_t next_id;                /* the id the next report gets */
	struct report r;
	struct {
		char *p;
		size_t cap;
	} text[HELD__MAX];
};

struct store_bulk {
	int64_t last_id;                /* the last report before the load */
	struct bulk_index idx[BULK_MAX_INDEXES];
	size_t nidx;                    /* dropped, to be made again */
	struct bulk_geo *geo;           /* the R*Tree built beside, or NULL */
	struct bulk_side *side;         /* events and audit beside, or NULL */
	struct bulk_docs *docs;         /* texts kept for the index, or NULL */
	int hold;                       /* reports held until final (held) */
	struct bulk_held held;
	int marked;                     /* BULK_MARK written at begin */
	int no_journal;                 /* the loop runs with journal_mode OFF */
	int rolled_back;                /* ... and a transaction rolled back */
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
 * A load's settings: index sorts may use a second core, a large page
 * cache, no fsync.  0, or -1 with s->err.
 */
static int
bulk_settings(struct store *s)
{
	if (run(s, "PRAGMA threads = " VECHE_STR(VECHE_SEED_SORT_THREADS),
	    "bulk load settings") == -1 ||
	    run(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SEED_CACHE_KIB_NEG),
	    "bulk load settings") == -1 ||
	    run(s, "PRAGMA synchronous = OFF", "bulk load settings") == -1)
		return -1;
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
	    run(s, "PRAGMA threads = 0", "restoring the sorter's threads") ||
	    run(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SQLITE_CACHE_KIB_NEG),
	    "restoring the page cache") || run(s, "PRAGMA foreign_keys = ON",
	    "restoring foreign keys") || (checkpoint && run(s,
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
	snprintf(x->table, sizeof(x->table), "%s", sq_col_text(st, 2));
	x->made = 0;
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

/*
 * A file of a helper thread's own: the database's page size (an R*Tree's
 * node size follows it), no journal, no fsync.  NULL on failure.
 */
static sqlite3 *
side_open(const char *path, int page_size)
{
	sqlite3 *db = NULL;
	char pragma[64];

	snprintf(pragma, sizeof(pragma), "PRAGMA page_size = %d", page_size);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
	    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous "
	    "= OFF; PRAGMA cache_size = " VECHE_STR(VECHE_SEED_CACHE_KIB_NEG),
	    NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* The veche_stem tokenizer on a connection of a helper's own. */
static int
side_stem(sqlite3 *db)
{
	struct store *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->db = db;
	rc = sq_stem_register(s);
	free(s);
	return rc;
}

/* Attach file as schema on db (outside a transaction); 0 or -1. */
static int
attach(sqlite3 *db, const char *file, const char *schema)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("ATTACH ? AS \"%w\"", schema);
	int rc = -1;

	if (sql != NULL && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = 0;
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

/* Replace the rows of db's table by those of schema's; 0 or -1. */
static int
table_refill(sqlite3 *db, const char *schema, const char *table)
{
	char *sql = sqlite3_mprintf("DELETE FROM main.\"%w\"; INSERT INTO "
	    "main.\"%w\" SELECT * FROM \"%w\".\"%w\"", table, table, schema,
	    table);
	int rc = -1;

	if (sql != NULL && sqlite3_exec(db, sql, NULL, NULL, NULL) ==
	    SQLITE_OK)
		rc = 0;
	sqlite3_free(sql);
	return rc;
}

/*
 * Replace the rows of db's tables by those of the same tables in file, in
 * one transaction: 0, or -1 with nothing changed.
 */
static int
tables_copy(sqlite3 *db, const char *file, const char *const *tables,
    size_t n)
{
	size_t i;
	int ok = -1;

	if (attach(db, file, "side") == -1)
		return -1;
	/*
	 * Deferred: BEGIN IMMEDIATE would take the write lock of the attached
	 * file too, and the text index's thread, which attaches the database
	 * to copy from it, then waited for the loader's index transaction
	 * (longer than the busy timeout at a few hundred thousand reports)
	 * and failed over to the slower SQL way.
	 */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (table_refill(db, "side", tables[i]) == -1) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		ok = 0;
	else
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_exec(db, "DETACH side", NULL, NULL, NULL);
	return ok;
}

/*
 * Copy a helper's tables into the database on a connection of its own
 * (another connection's commit makes the loader's drop what it cached of
 * them): 0 or -1 with nothing changed.
 */
static int
side_copy_back(const char *db_path, const char *file,
    const char *const *tables, size_t n)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_busy_timeout(db, 10000) == SQLITE_OK)
		rc = tables_copy(db, file, tables, n);
	sqlite3_close(db);
	return rc;
}

/* Free a list of batches. */
static void
batches_free(struct bulk_batch *b)
{
	struct bulk_batch *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

/*
 * The R*Tree's thread: once the load has handed over every committed
 * transaction's points (store_bulk_committed, then geo_go), the tree
 * written whole into its own file (rtree_pack.h).  It never reads the
 * database, so the load may run without a journal.  A stop before geo_go
 * writes nothing (the file is not used).
 */
static void *
geo_main(void *arg)
{
	struct bulk_geo *g = arg;
	struct bulk_batch *list, *b;
	struct rtree_point *pts = NULL;
	sqlite3 *dst = NULL;
	size_t n = 0, i;
	int go, failed = 1;

	pthread_mutex_lock(&g->mu);
	while (!g->go && !g->stop)
		pthread_cond_wait(&g->cv, &g->mu);
	go = g->go;
	list = g->head;
	g->head = NULL;
	g->tail = &g->head;
	pthread_mutex_unlock(&g->mu);
	if (!go)
		goto out;
	for (b = list; b != NULL; b = b->next)
		n += b->n;
	if (n > 0 && (pts = malloc(n * sizeof(*pts))) == NULL)
		goto out;
	n = 0;
	for (b = list; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++)
			pts[n++] = (struct rtree_point){ b->p[i].id,
			    b->p[i].lat, b->p[i].lon };
	batches_free(list);
	list = NULL;
	if ((dst = side_open(g->path, g->page_size)) == NULL ||
	    sqlite3_exec(dst, g->create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(dst, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    rtree_pack(dst, "report_geo", pts, n) == -1 ||
	    sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	failed = 0;
out:
	batches_free(list);
	free(pts);
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK)
		failed = 1;
	pthread_mutex_lock(&g->mu);
	g->failed = failed;
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

void
sq_bulk_point(struct store *s, int64_t id, double lat, double lon)
{
	struct bulk_geo *g = s->bulk->geo;
	struct bulk_batch *f;
	size_t cap;

	if (g == NULL || g->lost)
		return;
	if ((f = g->fill) == NULL || f->n == f->cap) {
		cap = f == NULL ? BULK_POINTS_FIRST : f->cap * 2;
		if ((f = realloc(f, sizeof(*f) + cap * sizeof(f->p[0]))) ==
		    NULL) {
			g->lost = 1;    /* the SQL way at the end, then */
			return;
		}
		if (g->fill == NULL) {
			f->next = NULL;
			f->n = 0;
		}
		f->cap = cap;
		g->fill = f;
	}
	f->p[f->n].id = id;
	f->p[f->n].lat = lat;
	f->p[f->n++].lon = lon;
}

/* A CREATE statement into a char[BULK_MAX_SQL]; "" if it does not fit. */
static int
text_row(sqlite3_stmt *st, void *arg)
{
	char *create = arg;
	int n = snprintf(create, BULK_MAX_SQL, "%s", sq_col_text(st, 0));

	if (n <= 0 || n >= BULK_MAX_SQL)
		create[0] = '\0';
	return 0;
}

/* ---- The report held until its status is final ---- */

/* Keep a copy of v in slot i of the held report; its copy or NULL. */
static const char *
held_keep(struct bulk_held *h, enum held_text i, const char *v, int *oom)
{
	size_t n;
	char *p;

	if (v == NULL)
		return NULL;
	n = strlen(v) + 1;
	if (n > h->text[i].cap) {
		if ((p = realloc(h->text[i].p, n)) == NULL) {
			*oom = 1;
			return NULL;
		}
		h->text[i].p = p;
		h->text[i].cap = n;
	}
	memcpy(h->text[i].p, v, n);
	return h->text[i].p;
}

static void
held_free(struct bulk_held *h)
{
	size_t i;

	for (i = 0; i < HELD__MAX; i++)
		free(h->text[i].p);
}

int
sq_bulk_flush(struct store *s)
{
	struct store_bulk *b = s->bulk;
	int64_t id;

	if (b == NULL || !b->held.on)
		return 0;
	b->held.on = 0;
	if (sq_report_row_insert(s, &b->held.r, &id) == -1)
		return -1;
	/* The only writer: the ids handed out are the table's. */
	if (id != b->held.r.id) {
		snprintf(s->err, sizeof(s->err), "writing report: id %lld "
		    "where %lld was handed out", (long long)id,
		    (long long)b->held.r.id);
		return -1;
	}
	return 0;
}

int
sq_bulk_report_hold(struct store *s, const struct report *r, int64_t *id)
{
	struct store_bulk *b = s->bulk;
	struct bulk_held *h = &b->held;
	int oom = 0;

	if (!b->hold)
		return 1;
	if (sq_bulk_flush(s) == -1)
		return -1;
	h->r = *r;
	h->r.token = held_keep(h, HELD_TOKEN, r->token, &oom);
	h->r.service_code = held_keep(h, HELD_SERVICE, r->service_code, &oom);
	h->r.agency = held_keep(h, HELD_AGENCY, r->agency, &oom);
	h->r.status_notes = held_keep(h, HELD_NOTES, r->status_notes, &oom);
	h->r.address = held_keep(h, HELD_ADDRESS, r->address, &oom);
	h->r.address_id = held_keep(h, HELD_ADDRESS_ID, r->address_id, &oom);
	h->r.zipcode = held_keep(h, HELD_ZIPCODE, r->zipcode, &oom);
	h->r.description = held_keep(h, HELD_DESCRIPTION, r->description,
	    &oom);
	/* sq_report_row_insert writes the row alone: not these. */
	h->r.media = NULL;
	h->r.nmedia = 0;
	h->r.attrs = NULL;
	h->r.nattrs = 0;
	if (oom) {
		snprintf(s->err, sizeof(s->err), "writing report: out of "
		    "memory");
		return -1;
	}
	h->r.id = *id = h->next_id++;
	h->on = 1;
	return 0;
}

int
sq_bulk_report_status(struct store *s, int64_t id, int status,
    const char *note, int64_t now)
{
	struct bulk_held *h = &s->bulk->held;
	int oom = 0;

	if (!h->on || h->r.id != id)
		return 1;
	/* What ST_REPORT_SET_STATUS does to the row. */
	h->r.status = (enum report_status)status;
	if (note != NULL)
		h->r.status_notes = held_keep(h, HELD_NOTES, note, &oom);
	h->r.updated = now;
	if (oom) {
		snprintf(s->err, sizeof(s->err), "changing report status: out "
		    "of memory");
		return -1;
	}
	return 0;
}

/* ---- Events and audit entries beside ---- */

static void
side_batches_free(struct side_batch *b)
{
	struct side_batch *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b->buf);
		free(b);
	}
}

/* Room for n more bytes in the loader's batch; 0 or -1. */
static int
side_room(struct bulk_side *w, size_t n)
{
	struct side_batch *f = w->fill;
	unsigned char *p;
	size_t cap;

	if (f == NULL) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			return -1;
		w->fill = f;
	}
	if (f->len + n <= f->cap)
		return 0;
	cap = f->cap ? f->cap : SIDE_BATCH_BYTES + 4096;
	while (cap < f->len + n)
		cap *= 2;
	if ((p = realloc(f->buf, cap)) == NULL)
		return -1;
	f->buf = p;
	f->cap = cap;
	return 0;
}

static void
side_put(struct bulk_side *w, const void *v, size_t n)
{
	memcpy(w->fill->buf + w->fill->len, v, n);
	w->fill->len += n;
}

/* A value: 'i' and 8 bytes; 'n'; or 't', 4 bytes of length, the bytes. */
static void
side_int(struct bulk_side *w, int64_t v)
{
	side_put(w, "i", 1);
	side_put(w, &v, sizeof(v));
}

static void
side_text(struct bulk_side *w, const char *v)
{
	uint32_t n;

	if (v == NULL) {
		side_put(w, "n", 1);
		return;
	}
	n = (uint32_t)strlen(v);
	side_put(w, "t", 1);
	side_put(w, &n, sizeof(n));
	side_put(w, v, n);
}

/* The bytes side_text takes for v. */
static size_t
side_len(const char *v)
{
	return 1 + sizeof(uint32_t) + (v != NULL ? strlen(v) : 0);
}

/*
 * Hand the loader's batch to the thread once it is full (or the last);
 * the loader waits while SIDE_QUEUE_MAX bytes are not written yet.
 */
static void
side_hand(struct bulk_side *w, int last)
{
	struct side_batch *f = w->fill;

	if (f == NULL || (!last && f->len < SIDE_BATCH_BYTES))
		return;
	w->fill = NULL;
	pthread_mutex_lock(&w->mu);
	while (!last && w->queued > SIDE_QUEUE_MAX && !w->failed)
		pthread_cond_wait(&w->room, &w->mu);
	/* A thread that failed takes no more: the load fails at its end. */
	if (w->failed) {
		pthread_mutex_unlock(&w->mu);
		side_batches_free(f);
		w->lost = 1;
		return;
	}
	*w->tail = f;
	w->tail = &f->next;
	w->queued += f->len;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* A row's head (its table, its number of values) and room for n bytes. */
static int
side_row(struct store *s, struct bulk_side *w, enum side_table t, int ncols,
    size_t n)
{
	unsigned char head[2] = { (unsigned char)t, (unsigned char)ncols };

	if (w->lost || side_room(w, n + sizeof(head)) == -1) {
		w->lost = 1;
		snprintf(s->err, sizeof(s->err), "writing %s beside the load "
		    "failed (out of memory, or its file could not be written)",
		    side_names[t]);
		return -1;
	}
	side_put(w, head, sizeof(head));
	return 0;
}

int
sq_bulk_event(struct store *s, const struct store_event *ev, int64_t *id)
{
	struct bulk_side *w = s->bulk->side;

	if (w == NULL)
		return 1;
	if (side_row(s, w, SIDE_EVENTS, 8, 3 * 9 + side_len(ev->type) +
	    side_len(ev->agency) + side_len(ev->detail) +
	    side_len(ev->payload) + side_len(ev->key)) == -1)
		return -1;
	*id = w->next_event++;
	side_int(w, *id);
	side_text(w, ev->type);
	side_int(w, ev->report_id);
	side_text(w, ev->agency);
	side_text(w, ev->detail);
	side_text(w, ev->payload);
	side_text(w, ev->key);
	side_int(w, ev->created);
	side_hand(w, 0);
	return 0;
}

int
sq_bulk_update(struct store *s, const struct report_update *u)
{
	struct bulk_side *w = s->bulk->side;

	if (w == NULL)
		return 1;
	if (side_row(s, w, SIDE_UPDATES, 6, 4 * 9 +
	    side_len(u->description) + side_len(u->media_url)) == -1)
		return -1;
	side_int(w, w->next_update++);
	side_int(w, u->report_id);
	side_int(w, (int64_t)u->status);
	side_text(w, u->description);
	side_text(w, u->media_url);
	side_int(w, u->created);
	side_hand(w, 0);
	return 0;
}

int
sq_bulk_audit_last(struct store *s, int64_t *id, char *hash, size_t len)
{
	struct bulk_side *w = s->bulk->side;

	if (w == NULL)
		return 1;
	*id = w->audit_id;
	snprintf(hash, len, "%s", w->audit_hash);
	return 0;
}

int
sq_bulk_audit(struct store *s, const struct store_audit *e)
{
	struct bulk_side *w = s->bulk->side;
	const char *rid = e->request_id != NULL ? e->request_id : "";

	if (w == NULL)
		return 1;
	if (side_row(s, w, SIDE_AUDIT, 12, 3 * 9 + side_len(e->actor_role) +
	    side_len(e->actor_name) + side_len(e->action) +
	    side_len(e->object) + side_len(e->before) + side_len(e->after) +
	    side_len(e->prev) + side_len(e->hash) + side_len(rid)) == -1)
		return -1;
	side_int(w, e->id);
	side_int(w, e->created);
	side_text(w, e->actor_role);
	side_int(w, e->actor_id);
	side_text(w, e->actor_name);
	side_text(w, e->action);
	side_text(w, e->object);
	side_text(w, e->before);
	side_text(w, e->after);
	side_text(w, e->prev);
	side_text(w, e->hash);
	side_text(w, rid);
	w->audit_id = e->id;
	snprintf(w->audit_hash, sizeof(w->audit_hash), "%s", e->hash);
	side_hand(w, 0);
	return 0;
}

/*
 * One batch's rows into the side file, in the thread's one transaction;
 * 0 or -1.
 */
static int
side_write(sqlite3_stmt *const *put, const struct side_batch *b)
{
	const unsigned char *p = b->buf, *end = b->buf + b->len;
	sqlite3_stmt *st;
	int64_t v;
	uint32_t n;
	int i, ncols, ok = 0;

	while (p < end && ok == 0) {
		if (p[0] >= SIDE__MAX || p[1] > SIDE_MAX_COLS) {
			ok = -1;
			break;
		}
		st = put[p[0]];
		ncols = p[1];
		p += 2;
		for (i = 1; i <= ncols; i++) {
			if (*p == 'i') {
				memcpy(&v, p + 1, sizeof(v));
				sqlite3_bind_int64(st, i, v);
				p += 1 + sizeof(v);
			} else if (*p == 't') {
				memcpy(&n, p + 1, sizeof(n));
				sqlite3_bind_text(st, i, (const char *)p + 1 +
				    sizeof(n), (int)n, SQLITE_STATIC);
				p += 1 + sizeof(n) + n;
			} else {
				sqlite3_bind_null(st, i);
				p++;
			}
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			ok = -1;
		sqlite3_reset(st);
	}
	return ok;
}

/*
 * The side thread: the batches handed over into its file as they come,
 * then, once the load is over, the events' indexes made there.
 */
static void *
side_main(void *arg)
{
	struct bulk_side *w = arg;
	struct side_batch *list = NULL, *b;
	sqlite3_stmt *put[SIDE__MAX] = { NULL };
	sqlite3 *db = NULL;
	size_t i;
	int stop = 0, failed = 1;

	if ((db = side_open(w->path, w->page_size)) == NULL ||
	    sqlite3_exec(db, "PRAGMA cache_size = " VECHE_STR(
	    VECHE_SEED_SIDE_CACHE_KIB_NEG), NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA threads = " VECHE_STR(
	    VECHE_SEED_SORT_THREADS), NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < w->ntrig; i++) {
		char *drop = sqlite3_mprintf("DROP TRIGGER \"%w\"",
		    w->trig[i].name);

		if (drop == NULL || sqlite3_exec(db, drop, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			sqlite3_free(drop);
			goto out;
		}
		sqlite3_free(drop);
	}
	for (i = 0; i < SIDE__MAX; i++)
		if (sqlite3_prepare_v2(db, side_put_sql[i], -1, &put[i], NULL)
		    != SQLITE_OK)
			goto out;
	/*
	 * One transaction for the whole load: a commit a batch wrote each
	 * table's last pages and the events' key index again every time
	 * (6.1 GB written for a file of 1.7 GB at a million reports).
	 */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	while (!stop) {
		pthread_mutex_lock(&w->mu);
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		list = w->head;
		w->head = NULL;
		w->tail = &w->head;
		stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		for (b = list; b != NULL; b = b->next) {
			if (side_write(put, b) == -1)
				goto out;
			pthread_mutex_lock(&w->mu);
			w->queued -= b->len;
			pthread_cond_signal(&w->room);
			pthread_mutex_unlock(&w->mu);
		}
		side_batches_free(list);
		list = NULL;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < w->nindex; i++)
		if (sqlite3_exec(db, w->index_sql[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto out;
	failed = 0;
out:
	side_batches_free(list);
	for (i = 0; i < SIDE__MAX; i++)
		sqlite3_finalize(put[i]);
	if (sqlite3_close(db) != SQLITE_OK)
		failed = 1;
	pthread_mutex_lock(&w->mu);
	w->failed = failed;
	pthread_cond_broadcast(&w->room);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* 1 if table is written beside. */
static int
side_table(const char *table)
{
	size_t i;

	for (i = 0; i < SIDE__MAX; i++)
		if (strcmp(table, side_names[i]) == 0)
			return 1;
	return 0;
}

/* A side table's trigger, remembered; -1 past what fits. */
static int
trigger_row(sqlite3_stmt *st, void *arg)
{
	struct bulk_side *w = arg;
	struct bulk_trigger *t;
	int n, m;

	if (w->ntrig >= BULK_MAX_TRIGGERS)
		return -1;
	t = &w->trig[w->ntrig];
	n = snprintf(t->name, sizeof(t->name), "%s", sq_col_text(st, 0));
	m = snprintf(t->sql, sizeof(t->sql), "%s", sq_col_text(st, 1));
	if (n <= 0 || (size_t)n >= sizeof(t->name) || m <= 0 ||
	    (size_t)m >= sizeof(t->sql))
		return -1;
	w->ntrig++;
	return 0;
}

/*
 * Start the side thread for a fresh load whose events make no delivery,
 * its file a copy of the database as the load starts: its state, or NULL
 * (events and audit entries on the loader's connection, as before).  The
 * audit chain goes on in memory from the log's last entry.  Called outside
 * a transaction.
 */
static struct bulk_side *
side_start(struct store *s, struct store_bulk *b, const struct bulk_geo *g)
{
	struct bulk_side *w;
	sqlite3_stmt *st;
	int64_t ok = 0;
	size_t i;
	int n;

	if (sq_row(s, sq_stmt(s, STORE_MOD_BULK, BK_SIDE_OK), "reading the "
	    "events", sq_int64_row, &ok) != 0 || !ok ||
	    (w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->tail = &w->head;
	w->next_event = w->next_update = 1;
	w->page_size = g->page_size;
	n = snprintf(w->path, sizeof(w->path), "%s-bulkside", g->db_path);
	if (n <= 0 || (size_t)n >= sizeof(w->path) ||
	    store_audit_last(s, &w->audit_id, w->audit_hash,
	    sizeof(w->audit_hash)) == -1)
		goto fail;
	/*
	 * Every dropped index made there at the end: those of its tables
	 * from their rows, the others empty, filled by side_fill's copy.
	 */
	for (i = 0; i < b->nidx; i++)
		snprintf(w->index_sql[w->nindex++], BULK_MAX_SQL, "%s",
		    b->idx[i].sql);
	if (sq_rows(s, sq_stmt(s, STORE_MOD_BULK, BK_TRIGGERS), "reading "
	    "triggers", trigger_row, w) != 0)
		goto fail;
	unlink(w->path);
	st = sq_stmt(s, STORE_MOD_BULK, BK_VACUUM_INTO);
	sqlite3_bind_text(st, 1, w->path, -1, SQLITE_STATIC);
	if (sq_step_done(s, st, "copying the database for the load") == -1) {
		unlink(w->path);
		goto fail;
	}
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&w->work, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&w->room, NULL) != 0)
		goto fail_work;
	if (pthread_create(&w->thread, NULL, side_main, w) == 0)
		return w;
	pthread_cond_destroy(&w->room);
fail_work:
	pthread_cond_destroy(&w->work);
fail_mu:
	pthread_mutex_destroy(&w->mu);
	unlink(w->path);
fail:
	free(w);
	return NULL;
}

/* The last batch to the thread, which then makes the indexes. */
static void
side_stop(struct bulk_side *w)
{
	if (!w->lost)
		side_hand(w, 1);
	side_batches_free(w->fill);
	w->fill = NULL;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* Wait for the thread stopped: 0 if its file is good. */
static int
side_finish(struct bulk_side *w)
{
	int failed;

	pthread_join(w->thread, NULL);
	side_batches_free(w->head);
	failed = w->failed || w->lost;
	pthread_cond_destroy(&w->room);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	return failed ? -1 : 0;
}

static int geo_finish(struct bulk_geo *g);

/* Wait for the text index's thread: 0 if its file is good. */
static int
text_join(struct bulk_text *t)
{
	if (!t->joined) {
		pthread_join(t->thread, NULL);
		t->joined = 1;
	}
	return t->failed ? -1 : 0;
}

/* A helper's file whose tables side_fill copies instead of the database's. */
struct fill_from {
	const char *path;
	const char *const *tables;
	size_t n;
};

/* Whether table is one of those the files x give. */
static int
fill_given(const char *table, const struct fill_from *x, size_t nx)
{
	size_t i, j;

	for (i = 0; i < nx; i++)
		for (j = 0; j < x[i].n; j++)
			if (strcmp(table, x[i].tables[j]) == 0)
				return 1;
	return 0;
}

/*
 * The tables side_fill copies from the database: its own, but those
 * written beside and the virtual ones (their own tables are copied), and
 * none of SQLite's but sqlite_sequence.
 */
static const char fill_tables_sql[] = ("SELECT name FROM src.sqlite_master "
    "WHERE type = 'table' AND (name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR "
    "name = 'sqlite_sequence') AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
    "ORDER BY name");

/*
 * The names fill_tables_sql lists on db, but the side tables' and those
 * the files x give: n or -1.
 */
static ssize_t
fill_tables(sqlite3 *db, char ***names, const struct fill_from *x,
    size_t nx)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int rc;

	if (sqlite3_prepare_v2(db, fill_tables_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (name == NULL || side_table(name) || fill_given(name, x, nx))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[n] = strdup(name)) == NULL)
			break;
		n++;
	}
	sqlite3_finalize(st);
	*names = v;
	if (rc != SQLITE_DONE) {
		while (n > 0)
			free(v[--n]);
		free(v);
		*names = NULL;
		return -1;
	}
	return (ssize_t)n;
}

/*
 * The side file made the whole database, on a connection of its own:
 * every table of the database at db_path but those written beside
 * (fill_tables) copied into its (empty, or as the load started) table,
 * into the indexes the side thread made, those of the files x from them;
 * then, in a second transaction (the file is not the database yet), the
 * text index's tables from the text thread's file once it is done (t,
 * then t->in) or else from the database, and the triggers made again.
 * 0, or -1 (the file then is not to be used).
 */
static int
side_fill(const char *db_path, const struct bulk_side *w,
    const struct fill_from *x, size_t nx, struct bulk_text *t)
{
	const struct fill_from text = { NULL, text_tables, NELEM(text_tables) };
	const char *from = "src";
	sqlite3 *db;
	char **names = NULL, schema[32];
	ssize_t n = -1, i;
	size_t j, k, attached = 0;
	int rc = -1, began = 0;

	if ((db = side_open(w->path, w->page_size)) == NULL)
		return -1;
	/* Appends: the side thread's small cache. */
	if (sqlite3_exec(db, "PRAGMA cache_size = " VECHE_STR(
	    VECHE_SEED_SIDE_CACHE_KIB_NEG), NULL, NULL, NULL) != SQLITE_OK ||
	    attach(db, db_path, "src") == -1)
		goto out;
	attached = 1;
	for (j = 0; j < nx; j++) {
		snprintf(schema, sizeof(schema), "x%zu", j);
		if (attach(db, x[j].path, schema) == -1)
			goto out;
		attached++;
	}
	/* Read by mapping, not by a copy of each page into the cache. */
	if (sqlite3_exec(db, "PRAGMA src.mmap_size = " VECHE_STR(
	    VECHE_SQLITE_MMAP), NULL, NULL, NULL) != SQLITE_OK ||
	    (n = fill_tables(db, &names, x, nx)) < 0 ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	began = 1;
	for (i = 0; i < n; i++)
		if ((t == NULL || !fill_given(names[i], &text, 1)) &&
		    table_refill(db, "src", names[i]) == -1)
			goto out;
	for (j = 0; j < nx; j++) {
		snprintf(schema, sizeof(schema), "x%zu", j);
		for (k = 0; k < x[j].n; k++)
			if (table_refill(db, schema, x[j].tables[k]) == -1)
				goto out;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	began = 0;
	/* The text index's thread, most often done by now. */
	if (t != NULL && text_join(t) == 0 && attach(db, t->path, "late") == 0)
		from = "late";
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	began = 1;
	for (k = 0; t != NULL && k < text.n; k++)
		if (table_refill(db, from, text.tables[k]) == -1)
			goto out;
	for (j = 0; j < w->ntrig; j++)
		if (sqlite3_exec(db, w->trig[j].sql, NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		began = 0;
		rc = 0;
		if (t != NULL && strcmp(from, "late") == 0)
			t->in = 1;
	}
out:
	if (began)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (strcmp(from, "late") == 0)
		sqlite3_exec(db, "DETACH late", NULL, NULL, NULL);
	if (attached > 0)
		sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
	for (j = 0; j + 1 < attached; j++) {
		snprintf(schema, sizeof(schema), "DETACH x%zu", j);
		sqlite3_exec(db, schema, NULL, NULL, NULL);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}

/*
 * The load made whole in the side file (side_fill), with the R*Tree's
 * tables and the text index's (t, or NULL) when their threads made them
 * (then *geo_in, t->in), renamed over the database and s opened on
 * it again, in the load's settings; every dropped index is there.  0, or
 * -1: the database keeps its mark, and s may have no connection left
 * (s->db NULL).
 */
static int
side_swap(struct store *s, struct store_bulk *b, const struct bulk_side *w,
    struct bulk_text *t, int *geo_in)
{
	struct fill_from x[1];
	size_t i, nx = 0;
	int geo = 0;

	/* Both are done by now, most often: waiting costs nothing. */
	if (geo_finish(b->geo) == 0) {
		x[nx++] = (struct fill_from){ b->geo->path, geo_tables,
		    NELEM(geo_tables) };
		geo = 1;
	}
	if (side_fill(b->geo->db_path, w, x, nx, t) == -1) {
		snprintf(s->err, sizeof(s->err), "copying the load into the "
		    "events written beside failed");
		return -1;
	}
	if (sq_replace_file(s, w->path) == -1 || bulk_settings(s) == -1)
		return -1;
	for (i = 0; i < b->nidx; i++)
		b->idx[i].made = 1;
	*geo_in = geo;
	return 0;
}

/*
 * Start the R*Tree's thread when the database is a file and its R*Tree is
 * empty (a fresh database); otherwise store_bulk_end fills it in SQL.
 * Returns the thread's state or NULL (not an error: the slower way).
 */
static struct bulk_geo *
geo_start(struct store *s, int64_t last_id)
{
	struct bulk_geo *g;
	const char *db = sqlite3_db_filename(s->db, "main");
	int64_t empty = 0, page = 0;
	int n;

	if (db == NULL || db[0] == '\0' || sq_row(s, sq_stmt(s,
	    STORE_MOD_BULK, BK_GEO_EMPTY), "reading the R*Tree",
	    sq_int64_row, &empty) != 0 || !empty || sq_row(s, sq_stmt(s,
	    STORE_MOD_BULK, BK_PAGE_SIZE), "reading the page size",
	    sq_int64_row, &page) != 0 || page <= 0 || page > 65536 ||
	    (g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->last_id0 = last_id;
	g->tail = &g->head;
	g->page_size = (int)page;
	n = snprintf(g->path, sizeof(g->path), "%s-bulkgeo", db);
	if (n <= 0 || (size_t)n >= sizeof(g->path) ||
	    snprintf(g->db_path, sizeof(g->db_path), "%s", db) >=
	    (int)sizeof(g->db_path) || sq_rows(s, sq_stmt(s, STORE_MOD_BULK,
	    BK_GEO_SQL), "reading the R*Tree's definition", text_row, g->create) !=
	    0 || strcmp(g->create, geo_create_sql) != 0)
		goto fail;
	unlink(g->path);                /* a crashed load's */
	if (pthread_mutex_init(&g->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&g->cv, NULL) != 0) {
		pthread_mutex_destroy(&g->mu);
		goto fail;
	}
	if (pthread_create(&g->thread, NULL, geo_main, g) != 0) {
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		goto fail;
	}
	return g;
fail:
	free(g);
	return NULL;
}

/*
 * Let the thread insert the points handed over (it holds them until then:
 * while the side thread runs, the loop has both cores' work without it).
 */
static void
geo_go(struct bulk_geo *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->go = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/*
 * Tell the thread to make a last pass, wait for it; 0 if its file is good.
 * The points of a transaction not committed are dropped.
 */
static int
geo_finish(struct bulk_geo *g)
{
	int failed;

	if (g->joined)
		return g->result;
	batches_free(g->fill);
	g->fill = NULL;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	batches_free(g->head);          /* left by a thread that failed */
	failed = g->failed || g->lost;
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	g->joined = 1;
	g->result = failed ? -1 : 0;
	return g->result;
}

/* ---- The text index beside ---- */

static void
docs_free(struct bulk_docs *d)
{
	if (d == NULL)
		return;
	free(d->v);
	free(d->arena);
	free(d);
}

/* v (NULL: BULK_NO_TEXT) into the arena: its offset. */
static size_t
docs_keep(struct bulk_docs *d, const char *v)
{
	size_t n, off, cap;
	char *a;

	if (v == NULL)
		return BULK_NO_TEXT;
	n = strlen(v) + 1;
	if (n > d->alen - d->len) {
		for (cap = d->alen ? d->alen : 1u << 20; cap - d->len < n;)
			cap *= 2;
		if ((a = realloc(d->arena, cap)) == NULL) {
			d->lost = 1;
			return BULK_NO_TEXT;
		}
		d->arena = a;
		d->alen = cap;
	}
	off = d->len;
	memcpy(d->arena + off, v, n);
	d->len += n;
	return off;
}

void
sq_bulk_text(struct store *s, int64_t id, int64_t requested,
    const char *description, const char *address)
{
	struct bulk_docs *d = s->bulk->docs;
	struct bulk_doc *v;
	size_t cap;

	if (d == NULL || d->lost)
		return;
	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : BULK_DOCS_FIRST;
		if ((v = realloc(d->v, cap * sizeof(*v))) == NULL) {
			d->lost = 1;    /* the SQL way at the end, then */
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	v = &d->v[d->n];
	v->id = id;
	v->requested = requested;
	/* What sq_report_row_insert stores. */
	v->description = docs_keep(d, description ? description : "");
	v->address = docs_keep(d, address);
	if (!d->lost)
		d->n++;
}

/* BK_SEARCH_KEYS's order: requested, then id. */
static int
doc_cmp(const void *a, const void *b)
{
	const struct bulk_doc *x = a, *y = b;

	if (x->requested != y->requested)
		return x->requested < y->requested ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * The key BK_SEARCH_KEYS gives the i-th of the sorted committed texts when
 * no key is there yet: its second, then its place in that second (*place,
 * the (i-1)-th's on entry).
 */
static int64_t
doc_key(const struct bulk_docs *d, size_t i, int64_t *place)
{
	const struct bulk_doc *v = &d->v[i];

	*place = i > 0 && v->requested == d->v[i - 1].requested ? *place + 1 :
	    0;
	return (int64_t)((uint64_t)v->requested << SEARCH_KEY_BITS) + *place;
}

/*
 * The committed texts (sorted: docs_sort), in key order, into db: with
 * text, each under its key (doc_key) into the file's report_text
 * (text_put_sql); without, each key and its report into
 * report_search_keys (keys_put_sql).  0 or -1.
 */
static int
docs_put(sqlite3 *db, const struct bulk_docs *d, int text)
{
	const struct bulk_doc *v;
	sqlite3_stmt *st = NULL;
	int64_t place = 0;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(db, text ? text_put_sql : keys_put_sql, -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < d->committed; i++) {
		v = &d->v[i];
		sqlite3_bind_int64(st, 1, doc_key(d, i, &place));
		if (!text)
			sqlite3_bind_int64(st, 2, v->id);
		else {
			sqlite3_bind_text(st, 2, d->arena + v->description,
			    -1, SQLITE_STATIC);
			if (v->address == BULK_NO_TEXT)
				sqlite3_bind_null(st, 3);
			else
				sqlite3_bind_text(st, 3, d->arena + v->address,
				    -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * The text index's file: report_text made there and the database's copied
 * in (its day marks), closed so that FTS5 then reads what was copied; 0 or
 * -1.
 */
static int
text_file(const struct bulk_text *t)
{
	sqlite3 *dst;
	int rc = -1;

	if ((dst = side_open(t->path, t->page_size)) != NULL &&
	    side_stem(dst) == 0 &&
	    sqlite3_exec(dst, t->create, NULL, NULL, NULL) == SQLITE_OK &&
	    tables_copy(dst, t->db_path, text_tables, NELEM(text_tables)) == 0)
		rc = 0;
	if (sqlite3_close(dst) != SQLITE_OK)
		rc = -1;
	return rc;
}

/*
 * The text index's thread: its file made (text_file) unless the caller
 * did, then the loaded reports' text, in key order, from memory (t->docs)
 * or from the database, and the merge into one segment.
 */
static void *
text_main(void *arg)
{
	struct bulk_text *t = arg;
	sqlite3 *dst = NULL;
	sqlite3_stmt *st = NULL;
	int failed = 1;

	if (t->docs == NULL && text_file(t) == -1)
		goto out;
	if ((dst = side_open(t->path, t->page_size)) == NULL ||
	    side_stem(dst) == -1)
		goto out;
	if (t->docs != NULL) {
		if (sqlite3_exec(dst, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
		    docs_put(dst, t->docs, 1) == -1)
			goto out;
	} else {
		if (sqlite3_prepare_v2(dst, "ATTACH ? AS src", -1, &st, NULL)
		    != SQLITE_OK)
			goto out;
		sqlite3_bind_text(st, 1, t->db_path, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_exec(dst, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(dst, text_fill_sql, -1, &st, NULL) !=
		    SQLITE_OK)
			goto out;
		sqlite3_bind_int64(st, 1, t->last_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
	}
	if (sqlite3_exec(dst, text_merge_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	failed = 0;
out:
	sqlite3_finalize(st);
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK)
		failed = 1;
	t->failed = failed;
	return NULL;
}

/* The text index's state for a fresh database (g: its R*Tree's), or NULL. */
static struct bulk_text *
text_new(struct store *s, const struct bulk_geo *g)
{
	struct bulk_text *t;
	int n;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->last_id = g->last_id0;
	t->page_size = g->page_size;
	t->db_path = g->db_path;
	n = snprintf(t->path, sizeof(t->path), "%s-bulktext", g->db_path);
	if (n <= 0 || (size_t)n >= sizeof(t->path) || sq_rows(s, sq_stmt(s,
	    STORE_MOD_BULK, BK_TEXT_SQL), "reading the text index's "
	    "definition", text_row, t->create) != 0 || t->create[0] == '\0') {
		free(t);
		return NULL;
	}
	unlink(t->path);
	return t;
}

/*
 * Start the text index's thread once the search keys are committed, for a
 * load whose R*Tree was built beside (a fresh database).  NULL: BK_TEXT
 * does it in the loader's transaction.
 */
static struct bulk_text *
text_start(struct store *s, const struct bulk_geo *g)
{
	struct bulk_text *t;

	if ((t = text_new(s, g)) == NULL)
		return NULL;
	if (pthread_create(&t->thread, NULL, text_main, t) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

/*
 * The texts kept in memory, all of the load's committed reports' (none
 * lost, no transaction rolled back), sorted in key order; NULL when not
 * kept (freed).  Read only after: by the text thread and the search keys.
 */
static const struct bulk_docs *
docs_sort(struct store_bulk *b)
{
	struct bulk_docs *d = b->docs;

	if (d == NULL)
		return NULL;
	if (d->lost || b->rolled_back || b->geo == NULL) {
		docs_free(d);
		b->docs = NULL;
		return NULL;
	}
	qsort(d->v, d->committed, sizeof(d->v[0]), doc_cmp);
	return d;
}

/*
 * Start the text index's thread on the sorted texts kept in memory, d
 * (the load's until its end), its file made here while the database has
 * no writer: the thread never reads the database, so the loader goes on
 * meanwhile.  NULL: the thread did not start; text_start or BK_TEXT does
 * it later.
 */
static struct bulk_text *
text_docs_start(struct store *s, struct store_bulk *b,
    const struct bulk_docs *d)
{
	struct bulk_text *t;

	if (d == NULL || (t = text_new(s, b->geo)) == NULL)
		return NULL;
	t->docs = d;
	if (text_file(t) == 0 &&
	    pthread_create(&t->thread, NULL, text_main, t) == 0)
		return t;
	unlink(t->path);
	free(t);
	return NULL;
}

void
store_bulk_committed(struct store_bulk *b)
{
	struct bulk_geo *g;

	if (b == NULL)
		return;
	if (b->docs != NULL)
		b->docs->committed = b->docs->n;
	if ((g = b->geo) == NULL || g->fill == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	*g->tail = g->fill;
	g->tail = &g->fill->next;
	g->fill = NULL;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static const char unfinished_msg[] = "this database holds a bulk load that "
    "did not finish (setting " BULK_MARK "): it was written without a "
    "journal and may be damaged; seed into a new file";

int
store_bulk_unfinished(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int marked = 0;

	/* Not a file, or one without settings: nothing to say. */
	sq_init();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, stmt_sql[BK_MARK_GET], -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		marked = sqlite3_column_int64(st, 0) > 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (marked)
		snprintf(err, errlen, "%s: %s", path, unfinished_msg);
	return marked;
}

/* A rollback without a journal: the file may hold part of it. */
static void
on_rollback(void *arg)
{
	struct store_bulk *b = arg;

	b->rolled_back = 1;
}

/*
 * PRAGMA journal_mode (statement idx); 0 if the file is in mode after
 * (SQLite keeps the mode it had when it cannot change it), else -1.
 */
static int
journal_set(struct store *s, int idx, const char *mode)
{
	char got[BULK_MAX_SQL] = "";

	if (sq_rows(s, sq_stmt(s, STORE_MOD_BULK, idx), "setting the "
	    "journal", text_row, got) != 0)
		return -1;
	if (strcmp(got, mode) != 0) {
		snprintf(s->err, sizeof(s->err), "the database stayed in "
		    "journal mode %.32s (wanted %.32s)", got, mode);
		return -1;
	}
	return 0;
}

/* Stop the R*Tree's thread and forget its file (a load that did not start). */
static void
geo_drop(struct bulk_geo *g)
{
	if (g == NULL)
		return;
	geo_finish(g);
	unlink(g->path);
	free(g);
}

struct store_bulk *
store_bulk_begin(struct store *s, size_t n)
{
	struct store_bulk *b;
	int64_t count = 0, marks = 0, keys_empty = 0;

	if (s->db == NULL)      /* PostgreSQL: sql_bulk_pg.c */
		return sql_bulk_pg_begin(s, calloc(1, sizeof(*b)), n);
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return NULL;
	}
	/*
	 * Sorting the indexes anew may use a second core; the loop's cache
	 * is smaller than the end's (store_bulk_end).
	 */
	if (run(s, "PRAGMA threads = " VECHE_STR(VECHE_SEED_SORT_THREADS),
	    "bulk load settings") == -1 ||
	    run(s, "PRAGMA cache_size = " VECHE_STR(
	    VECHE_SEED_LOOP_CACHE_KIB_NEG), "bulk load settings") == -1 ||
	    store_begin(s) == -1)
		goto fail;
	if (sq_row(s, sq_stmt(s, STORE_MOD_BULK, BK_MARK_GET), "reading the "
	    "settings", sq_int64_row, &marks) != 0)
		goto rollback;
	if (marks > 0) {
		snprintf(s->err, sizeof(s->err), "%s", unfinished_msg);
		goto rollback;
	}
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
	/*
	 * A fresh file (its R*Tree empty): the R*Tree on a thread, and the
	 * loop without a journal, marked until store_bulk_end has made it
	 * whole (the mark committed and synced first).
	 */
	if ((b->geo = geo_start(s, b->last_id)) != NULL) {
		if (sq_step_done(s, sq_stmt(s, STORE_MOD_BULK, BK_MARK_PUT),
		    "marking the load") == -1)
			goto rollback;
		b->marked = 1;
		/* No search key yet: the text index from memory at the end. */
		if (sq_row(s, sq_stmt(s, STORE_MOD_BULK, BK_KEYS_EMPTY),
		    "reading the search keys", sq_int64_row, &keys_empty) != 0)
			goto rollback;
		if (keys_empty)
			b->docs = calloc(1, sizeof(*b->docs));
	}
	if (store_commit(s) == -1)
		goto rollback;
	if (run(s, "PRAGMA synchronous = OFF", "bulk load settings") == -1)
		goto fail;
	/* Another connection to the file keeps it in WAL: no harm. */
	if (b->marked && journal_set(s, BK_JOURNAL_OFF, "off") == 0) {
		b->no_journal = 1;
		sqlite3_rollback_hook(s->db, on_rollback, b);
		/*
		 * The only writer: each report held until its status is final
		 * (its other rows, written first, name it before it is there:
		 * no foreign key checks), the events and the audit log beside.
		 */
		if (run(s, "PRAGMA foreign_keys = OFF", "bulk load settings") ==
		    0) {
			b->hold = 1;
			b->held.next_id = b->last_id + 1;
			b->side = side_start(s, b, b->geo);
		}
	}
	s->defer_index = 1;
	s->bulk = b;
	return b;
rollback:
	store_rollback(s);
fail:
	geo_drop(b->geo);
	docs_free(b->docs);
	settings_usual(s, 0);
	free(b);
	return NULL;
}

/* The text index in SQL, in the loader's transaction. */
static int
text_in_sql(struct store *s, int64_t last_id)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_BULK, BK_TEXT);

	sqlite3_bind_int64(st, 1, last_id);
	if (sq_step_done(s, st, "indexing report text") == -1 ||
	    sq_step_done(s, sq_stmt(s, STORE_MOD_BULK, BK_TEXT_MERGE),
	    "merging the text index") == -1)
		return -1;
	return 0;
}

/*
 * Wait for the text index's thread and copy its tables in; when it or the
 * copy failed, the text index in SQL (when ok: not after a failure).
 * Frees t.  0 or -1.
 */
static int
text_finish(struct store *s, struct bulk_text *t, int64_t last_id, int ok)
{
	int rc = 0;

	text_join(t);
	if (ok && !t->in && (t->failed || side_copy_back(t->db_path, t->path,
	    text_tables, NELEM(text_tables)) == -1)) {
		if (store_begin(s) == -1)
			rc = -1;
		else if (text_in_sql(s, last_id) == -1 ||
		    store_commit(s) == -1) {
			store_rollback(s);
			rc = -1;
		}
	}
	unlink(t->path);
	free(t);
	return rc;
}

/*
 * The dropped indexes of the tables not written beside (side: of those
 * too) made again, in a transaction of their own; 0 or -1.
 */
static int
indexes_remake(struct store *s, struct store_bulk *b, int side)
{
	size_t i;

	if (store_begin(s) == -1)
		return -1;
	for (i = 0; i < b->nidx; i++)
		if (!b->idx[i].made && (side || !side_table(b->idx[i].table)) &&
		    run(s, b->idx[i].sql, "making an index again") == -1) {
			store_rollback(s);
			return -1;
		}
	if (store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	for (i = 0; i < b->nidx; i++)
		if (side || !side_table(b->idx[i].table))
			b->idx[i].made = 1;
	return 0;
}

/* The sorted texts' keys on the loader's connection; 0 or -1. */
static int
keys_of_docs(struct store *s, const struct bulk_docs *d)
{
	if (docs_put(s->db, d, 0) == -1) {
		sq_set_err(s, "keying report text");
		return -1;
	}
	return 0;
}

/*
 * The loaded reports' text keys, in a transaction of their own, from the
 * sorted texts d when kept (the same keys) or by BK_SEARCH_KEYS; 0 or -1.
 */
static int
keys_in(struct store *s, int64_t last_id, const struct bulk_docs *d)
{
	sqlite3_stmt *st = sq_stmt(s, STORE_MOD_BULK, BK_SEARCH_KEYS);

	if (store_begin(s) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, last_id);
	if ((d != NULL ? keys_of_docs(s, d) : sq_step_done(s, st,
	    "keying report text")) == -1 || store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

/* Delete the load's mark, synced, and checkpoint; 0 or -1. */
static int
unmark(struct store *s)
{
	if (store_begin(s) == -1)
		return -1;
	if (sq_step_done(s, sq_stmt(s, STORE_MOD_BULK, BK_MARK_DEL),
	    "unmarking the load") == -1 || store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	return run(s, "PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint");
}

int
store_bulk_end(struct store *s, struct store_bulk *b)
{
	const struct bulk_docs *docs = NULL;
	struct bulk_text *text = NULL;
	sqlite3_stmt *st;
	size_t i;
	int ok = 0, geo_done = 0, geo_in = 0, broken = 0, keyed = 0;

	if (s->db == NULL)      /* PostgreSQL: sql_bulk_pg.c */
		return sql_bulk_pg_end(s, b);
	if (b == NULL)
		return 0;
	s->defer_index = 0;
	s->bulk = NULL;
	/*
	 * The index sorts' memory (SQLite's sorter keeps to the cache size);
	 * should this fail, they only spill to temporary files.
	 */
	(void)run(s, "PRAGMA cache_size = " VECHE_STR(VECHE_SEED_CACHE_KIB_NEG),
	    "bulk load settings");
	/* Still held: a report of a transaction never committed. */
	b->held.on = 0;
	/*
	 * The rows written beside in, still without a journal; the search
	 * keys first, while the side thread makes its indexes.
	 */
	/* The text index from memory, beside all that follows. */
	docs = docs_sort(b);
	text = text_docs_start(s, b, docs);
	/* The R*Tree beside all that follows. */
	geo_go(b->geo);
	if (b->side != NULL) {
		side_stop(b->side);
		if (!b->rolled_back && keys_in(s, b->last_id, docs) == 0)
			keyed = 1;
		/* The reports' indexes while the side thread finishes. */
		if (keyed && indexes_remake(s, b, 0) == -1)
			broken = 1;
		if (side_finish(b->side) == -1) {
			snprintf(s->err, sizeof(s->err), "the events and audit "
			    "entries written beside the load were lost");
			broken = 1;
		} else if (!broken && keyed) {
			/* The side file becomes the database. */
			if (side_swap(s, b, b->side, text, &geo_in) == -1)
				broken = 1;
		} else
			broken = 1;
		unlink(b->side->path);
	}
	/* The database could not be opened again: nothing more to do. */
	if (s->db == NULL) {
		if (text != NULL)
			text_finish(s, text, b->last_id, 0);
		geo_drop(b->geo);
		b->geo = NULL;
		goto done;
	}
	/* WAL again: the helpers' connections read beside the loader's. */
	if (b->no_journal) {
		sqlite3_rollback_hook(s->db, NULL, NULL);
		if (journal_set(s, BK_JOURNAL_WAL, "wal") == -1)
			broken = 1;
	}
	if (b->geo != NULL) {
		geo_done = geo_in || (geo_finish(b->geo) == 0 && !broken &&
		    side_copy_back(b->geo->db_path, b->geo->path, geo_tables,
		    NELEM(geo_tables)) == 0);
		unlink(b->geo->path);
	}
	if (broken || store_begin(s) == -1)
		goto out;
	st = sq_stmt(s, STORE_MOD_BULK, BK_GEO);
	sqlite3_bind_int64(st, 1, b->last_id);
	if (!geo_done && sq_step_done(s, st, "indexing report locations") ==
	    -1)
		goto rollback;
	st = sq_stmt(s, STORE_MOD_BULK, BK_SEARCH_KEYS);
	sqlite3_bind_int64(st, 1, b->last_id);
	if (!keyed && (docs != NULL ? keys_of_docs(s, docs) : sq_step_done(s,
	    st, "keying report text")) == -1)
		goto rollback;
	/* A fresh database: the text index beside the indexes made again. */
	if (geo_done && text == NULL) {
		if (store_commit(s) == -1)
			goto rollback;
		text = text_start(s, b->geo);
		if (store_begin(s) == -1)
			goto out;
	}
	if (text == NULL && text_in_sql(s, b->last_id) == -1)
		goto rollback;
	for (i = 0; i < b->nidx; i++)
		if (!b->idx[i].made && run(s, b->idx[i].sql, "making an index "
		    "again") == -1)
			goto rollback;
	if (store_commit(s) == -1)
		goto rollback;
	ok = 1;
	goto out;
rollback:
	store_rollback(s);
out:
	if (text != NULL && text_finish(s, text, b->last_id, ok) == -1)
		ok = 0;
	/* FULL again, then the WAL into the file, synced. */
	if (settings_usual(s, 1) == -1)
		ok = 0;
	if (ok && b->rolled_back) {
		snprintf(s->err, sizeof(s->err), "a transaction of the load "
		    "was rolled back without a journal: the database keeps "
		    "its mark (" BULK_MARK "); seed into a new file");
		ok = 0;
	}
	/* Whole and synced: the mark goes last. */
	if (ok && b->marked && unmark(s) == -1)
		ok = 0;
done:
	free(b->geo);
	free(b->side);
	docs_free(b->docs);
	held_free(&b->held);
	free(b);
	return ok ? 0 : -1;
}
