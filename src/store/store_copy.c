/*
 * store_copy.c: copy one store into another and verify it (store_copy.h),
 * through the statement layer (sql.h) on both sides.
 *
 * Statements are built here from catalogue names only (tables and columns
 * the databases list, each checked to be a plain identifier), never from
 * user input, and prepared as the copier's own (sql_stmt_new).  The source
 * is read in one snapshot (a read transaction), table by table, in
 * primary-key order, batch after batch by key ("WHERE (k) > (last) ORDER
 * BY k LIMIT n", so a PostgreSQL source is never read whole into memory);
 * each batch goes into the target in one transaction, as COPY FROM STDIN
 * or as multi-row INSERTs.  The target's secondary indexes are set aside
 * during the copy and built once at its end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"
#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_copy.h"

#define BATCH_DEFAULT 10000     /* rows a transaction on the target */
#define MAX_COLS 64             /* columns of a table */
#define MAX_PARAMS 999          /* sql_pg.c numbers parameters up to ?999 */
#define COPY_FLUSH 65536        /* bytes of COPY text sent at a time */
#define MAX_VALUE (256u << 20)  /* bytes of one row's values, at most */
#define SQL_MAX 16384           /* bytes of one statement we build */

struct col {
	char name[COPY_MAX_NAME];
	int pk;                 /* place in the primary key from 1; 0 none */
	int generated;          /* computed by its table: never written */
	int identity;           /* PostgreSQL identity: its sequence reset */
	int hidden;             /* SQLite virtual table's hidden column */
};

struct table {
	char name[COPY_MAX_NAME];
	int virt;               /* SQLite virtual table */
	int contentless;        /* FTS5 content='': no rows to read */
	int rowid;              /* SQLite table with a rowid to key on */
	int ctid;               /* PostgreSQL: a keyless table keys on ctid */
	struct col col[MAX_COLS];
	size_t ncol;
};

struct catalogue {
	struct table *t;
	size_t n;
};

/*
 * What the target derives and the copy rebuilds: a contentless FTS5 table
 * of SQLite (nothing to read back) filled on the target from copied rows,
 * as the target's migration fills it (core PostgreSQL migration 6; the
 * tsvector is a generated column).  The SQL runs on both engines.  Its
 * rows are counted on the source as the rows it indexes (count): SQLite's
 * report_text also holds the day marks of core migration 8, which
 * PostgreSQL's has no use for.  A load (copy_opts.load) also rebuilds
 * report_geo from the reports' points, as PostgreSQL's report insert
 * writes it (sqlite_reports.c): SQLite's R*Tree keeps 32-bit boxes, a
 * seed straight into PostgreSQL the exact doubles.
 */
static const struct {
	const char *table, *sql, *count;
	int load;               /* rebuilt in a load only, else copied */
} derived[] = {
	{ "report_text", "INSERT INTO report_text(rowid, description, address)"
	    " SELECT k.key, r.description, r.address FROM report_search_keys k"
	    " JOIN reports r ON r.id = k.report",
	    "SELECT count(*) FROM report_search_keys k"
	    " JOIN reports r ON r.id = k.report", 0 },
	{ "report_geo", "INSERT INTO report_geo(id, min_lat, max_lat, min_lon,"
	    " max_lon) SELECT id, lat, lat, lon, lon FROM reports"
	    " WHERE lat IS NOT NULL AND lon IS NOT NULL",
	    "SELECT count(*) FROM report_geo", 1 },
};

/* Whether a load rebuilds table rather than copying it. */
static int
load_derived(const char *table)
{
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
		if (derived[i].load && strcmp(derived[i].table, table) == 0)
			return 1;
	return 0;
}

/* The schema's own bookkeeping: compared, never copied. */
#define VERSIONS_TABLE "schema_versions"

/* A value read from the source, kept until its batch is written. */
struct value {
	enum sql_type type;
	int64_t i;
	double d;
	size_t off, n;          /* text and blobs: bytes in the batch buffer */
};

/* A byte buffer that grows up to MAX_VALUE per batch. */
struct buf {
	char *p;
	size_t n, cap;
};

/* An index of the target dropped for the copy and made again after. */
struct index {
	char name[COPY_MAX_NAME];
	char table[COPY_MAX_NAME];      /* a constraint's table */
	char *def;              /* CREATE INDEX ..., as pg_get_indexdef; a
	                         * constraint's, as pg_get_constraintdef */
};

#define MAX_INDEXES 512

/* The copy under way. */
struct ctx {
	struct sql_conn *from, *to;
	const struct copy_opts *o;
	struct copy_report *r;
	int64_t batch;
	struct buf buf;
	struct value *vals;     /* a batch as read: columns, then keys */
	struct value *rows;     /* the same rows' columns alone */
	struct buf keys;        /* the last row's key text and blobs */
	struct value key[MAX_COLS];
	struct index *idx;      /* the target's indexes set aside */
	size_t nidx;
	struct index *con;      /* its keys, unique and foreign keys, the
	                         * foreign keys first */
	size_t ncon;
	char *err;
	size_t errlen;
};

static int
plain_name(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i + 1 >= COPY_MAX_NAME || !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int
buf_add(struct buf *b, const void *p, size_t n)
{
	char *np;
	size_t cap;

	if (n > MAX_VALUE - b->n)
		return -1;
	if (b->n + n > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

/* Append a, b, c and d to the statement text sql (SQL_MAX bytes). */
static int
cat(char *sql, const char *a, const char *b, const char *c, const char *d)
{
	size_t n = strlen(sql);
	int w = snprintf(sql + n, SQL_MAX - n, "%s%s%s%s", a, b, c, d);

	return w < 0 || (size_t)w >= SQL_MAX - n ? -1 : 0;
}

/* A statement of ours, or NULL with err saying what failed. */
static struct sql_stmt *
prep(struct sql_conn *c, const char *sql, char *err, size_t errlen)
{
	struct sql_stmt *st = sql_stmt_new(c, sql);

	if (st == NULL)
		snprintf(err, errlen, "%s: %.200s", sql_errmsg(c), sql);
	return st;
}

/* Run sql (no rows wanted) on c; -1 with err "what: message". */
static int
exec(struct sql_conn *c, const char *sql, const char *what, char *err,
    size_t errlen)
{
	if (sql_exec(c, sql) == 0)
		return 0;
	snprintf(err, errlen, "%s: %s", what, sql_errmsg(c));
	return -1;
}

/*
 * The rows of table into *n: count(*), or for a derived table the rows
 * it indexes when source says the count is the source's.  -1 with err.
 */
static int
count_rows(struct sql_conn *c, const char *table, int source, int64_t *n,
    char *err, size_t errlen)
{
	char sql[128];
	const char *q = sql;
	struct sql_stmt *st;
	size_t i;
	int rc = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	for (i = 0; source && i < sizeof(derived) / sizeof(derived[0]); i++)
		if (strcmp(derived[i].table, table) == 0)
			q = derived[i].count;
	if ((st = prep(c, q, err, errlen)) == NULL)
		return -1;
	if (sql_step(st) == SQL_ROW) {
		*n = sql_column_int64(st, 0);
		rc = 0;
	} else
		snprintf(err, errlen, "counting %s: %s", table, sql_errmsg(c));
	sql_stmt_free(c, st);
	return rc;
}

/* The catalogue's queries on each engine. */
static const char *const tables_sql[SQL__MAX] = {
	[SQL_SQLITE] = "SELECT l.name, l.type = 'virtual', NOT l.wr,"
	    " coalesce(s.sql, '') FROM pragma_table_list AS l"
	    " JOIN sqlite_schema AS s ON s.name = l.name"
	    " WHERE l.schema = 'main' AND l.type IN ('table', 'virtual')"
	    " AND l.name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY l.name",
	[SQL_PG] = "SELECT table_name, 0, 0, '' FROM information_schema.tables"
	    " WHERE table_schema = current_schema()"
	    " AND table_type = 'BASE TABLE' ORDER BY table_name",
};

static const char *const columns_sql[SQL__MAX] = {
	[SQL_SQLITE] = "SELECT name, pk, hidden IN (2, 3), 0, hidden = 1"
	    " FROM pragma_table_xinfo(?1) ORDER BY cid",
	[SQL_PG] = "SELECT c.column_name, coalesce((SELECT k.ordinal_position"
	    " FROM information_schema.table_constraints t"
	    " JOIN information_schema.key_column_usage k"
	    " ON k.constraint_schema = t.constraint_schema"
	    " AND k.constraint_name = t.constraint_name"
	    " WHERE t.table_schema = c.table_schema"
	    " AND t.table_name = c.table_name"
	    " AND t.constraint_type = 'PRIMARY KEY'"
	    " AND k.column_name = c.column_name), 0),"
	    " c.is_generated = 'ALWAYS', c.is_identity = 'YES', false"
	    " FROM information_schema.columns c"
	    " WHERE c.table_schema = current_schema() AND c.table_name = ?1"
	    " ORDER BY c.ordinal_position",
};

/* Read table t's columns; -1 with err. */
static int
load_columns(struct sql_conn *c, struct sql_stmt *st, struct table *t,
    char *err, size_t errlen)
{
	const char *name;
	struct col *k;
	enum sql_rc rc;

	sql_bind_text(st, 1, t->name);
	while ((rc = sql_step(st)) == SQL_ROW) {
		name = sql_column_text(st, 0);
		if (t->ncol == MAX_COLS || !plain_name(name)) {
			snprintf(err, errlen, "table %s: column %.64s: more "
			    "than %d columns or not a plain name", t->name,
			    name ? name : "", MAX_COLS);
			rc = SQL_ERROR;
			break;
		}
		k = &t->col[t->ncol++];
		snprintf(k->name, sizeof(k->name), "%s", name);
		k->pk = sql_column_int(st, 1);
		k->generated = sql_column_int(st, 2);
		k->identity = sql_column_int(st, 3);
		k->hidden = sql_column_int(st, 4);
	}
	if (rc == SQL_ERROR && err[0] == '\0')
		snprintf(err, errlen, "columns of %s: %s", t->name,
		    sql_errmsg(c));
	sql_reset(st);
	sql_clear(st);
	return rc == SQL_ERROR ? -1 : 0;
}

/* Read c's tables and their columns into *cat; -1 with err. */
static int
load_catalogue(struct sql_conn *c, struct catalogue *cat, char *err,
    size_t errlen)
{
	enum sql_engine e = sql_conn_engine(c);
	struct sql_stmt *tabs = NULL, *cols = NULL;
	const char *name, *sql;
	struct table *t;
	enum sql_rc rc;
	int ret = -1;
	size_t i;

	err[0] = '\0';
	if ((cat->t = calloc(COPY_MAX_TABLES, sizeof(*cat->t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((tabs = prep(c, tables_sql[e], err, errlen)) == NULL ||
	    (cols = prep(c, columns_sql[e], err, errlen)) == NULL)
		goto out;
	while ((rc = sql_step(tabs)) == SQL_ROW) {
		name = sql_column_text(tabs, 0);
		if (cat->n == COPY_MAX_TABLES || !plain_name(name)) {
			snprintf(err, errlen, "table %.64s: more than %d tables "
			    "or not a plain name", name ? name : "",
			    COPY_MAX_TABLES);
			goto out;
		}
		t = &cat->t[cat->n++];
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->virt = sql_column_int(tabs, 1);
		t->ctid = e == SQL_PG;
		t->rowid = sql_column_int(tabs, 2);
		sql = sql_column_text(tabs, 3);
		t->contentless = t->virt && sql != NULL &&
		    strstr(sql, "content=''") != NULL;
	}
	if (rc == SQL_ERROR) {
		snprintf(err, errlen, "reading the catalogue: %s",
		    sql_errmsg(c));
		goto out;
	}
	for (i = 0; i < cat->n; i++)
		if (load_columns(c, cols, &cat->t[i], err, errlen) == -1)
			goto out;
	ret = 0;
out:
	sql_stmt_free(c, tabs);
	sql_stmt_free(c, cols);
	return ret;
}

static const struct table *
find_table(const struct catalogue *cat, const char *name)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		if (strcmp(cat->t[i].name, name) == 0)
			return &cat->t[i];
	return NULL;
}

static const struct col *
find_col(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (strcmp(t->col[i].name, name) == 0)
			return &t->col[i];
	return NULL;
}

/* Whether text holds head followed by name as a whole word. */
static int
has_word(const char *text, const char *head, const char *name)
{
	const char *p = text, *q;
	size_t hn = strlen(head), nn = strlen(name);
	char c;

	while ((p = strstr(p, head)) != NULL) {
		q = p + hn;
		c = q[nn];
		if (strncmp(q, name, nn) == 0 && !((c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			return 1;
		p = q;
	}
	return 0;
}

void
store_copy_module_of(const char *table, const char *column, char *out,
    size_t len)
{
	static const char *const creates[] = { "CREATE TABLE ",
	    "CREATE TABLE IF NOT EXISTS ", "CREATE VIRTUAL TABLE ",
	    "RENAME TO " };
	const struct migration_set *const *sets;
	char head[2 * COPY_MAX_NAME + 32];
	size_t n, i, j, k;

	sets = sq_migration_sets(&n);
	if (column != NULL)
		snprintf(head, sizeof(head), "ALTER TABLE %s ADD COLUMN ",
		    table);
	for (i = 0; i < n; i++)
		for (j = 0; j < sets[i]->n; j++) {
			if (column != NULL) {
				if (has_word(sets[i]->steps[j], head, column))
					goto found;
				continue;
			}
			for (k = 0; k < sizeof(creates) / sizeof(creates[0]);
			    k++)
				if (has_word(sets[i]->steps[j], creates[k],
				    table))
					goto found;
		}
	if (column != NULL) {
		store_copy_module_of(table, NULL, out, len);
		return;
	}
	snprintf(out, len, "%s", "");
	return;
found:
	snprintf(out, len, "%s", sets[i]->module);
}

/*
 * The modules' schema versions must agree where both have them (the same
 * veche opened both, so they do unless the target was made by another;
 * a module of one engine alone, PostgreSQL's shared rate limits, has
 * nothing to compare).  -1 with err naming the module.
 */
static int
check_versions(struct sql_conn *from, struct sql_conn *to, char *err,
    size_t errlen)
{
	struct sql_stmt *a = NULL, *b = NULL;
	const char *sql = "SELECT module, version FROM " VERSIONS_TABLE
	    " ORDER BY module";
	const char *m;
	int64_t va, vb;
	int ret = -1;

	if ((a = prep(to, sql, err, errlen)) == NULL ||
	    (b = prep(from, "SELECT version FROM " VERSIONS_TABLE
	    " WHERE module = ?1", err, errlen)) == NULL)
		goto out;
	while (sql_step(a) == SQL_ROW) {
		m = sql_column_text(a, 0);
		va = sql_column_int64(a, 1);
		sql_bind_text(b, 1, m);
		/* A module of the target's engine alone (ratelimit): -1. */
		vb = sql_step(b) == SQL_ROW ? sql_column_int64(b, 0) : -1;
		sql_reset(b);
		if (vb != -1 && va != vb) {
			snprintf(err, errlen, "the schema of module %s is at "
			    "version %" PRId64 " in the source and %" PRId64
			    " in the target: open both with the same veche",
			    m ? m : "?", vb, va);
			goto out;
		}
	}
	ret = 0;
out:
	sql_stmt_free(to, a);
	sql_stmt_free(from, b);
	return ret;
}

/*
 * Refuse a target holding rows beyond what its migrations seed (counted
 * on a fresh SQLite store: the same steps seed the same rows); mark in
 * seeded[i] the target tables holding just those, which the copy
 * replaces.  Nothing is written.  -1 with err naming the table.
 */
static int
check_empty(struct sql_conn *to, const struct catalogue *dst, int *seeded,
    char *err, size_t errlen)
{
	struct store *fresh = NULL;
	int64_t n, base;
	char ferr[256];
	size_t i;
	int ret = -1;

	for (i = 0; i < dst->n; i++) {
		if (strcmp(dst->t[i].name, VERSIONS_TABLE) == 0)
			continue;
		if (count_rows(to, dst->t[i].name, 0, &n, err, errlen) == -1)
			goto out;
		if (n == 0)
			continue;
		if (fresh == NULL && (fresh = store_open(":memory:", ferr,
		    sizeof(ferr))) == NULL) {
			snprintf(err, errlen, "a fresh schema to compare: %s",
			    ferr);
			goto out;
		}
		/* A table the fresh store lacks seeds nothing. */
		if (count_rows(fresh->conn, dst->t[i].name, 0, &base, ferr,
		    sizeof(ferr)) == -1)
			base = 0;
		if (n != base) {
			snprintf(err, errlen, "the target already holds rows: "
			    "table %s has %" PRId64 "; veche migrate copies into "
			    "an empty database only (drop and create it again, "
			    "or name another)", dst->t[i].name, n);
			goto out;
		}
		seeded[i] = 1;
	}
	ret = 0;
out:
	store_close(fresh);
	return ret;
}

/* SELECT's list: name quoted, or SQLite's rowid (PostgreSQL's ctid) bare. */
static int
add_name(char *sql, const char *name, int first)
{
	if (strcmp(name, "rowid") == 0 || strcmp(name, "ctid") == 0)
		return cat(sql, first ? "" : ", ", name, "", "");
	return cat(sql, first ? "" : ", ", "\"", name, "\"");
}

/* What one table's copy reads and writes. */
struct plan {
	const struct table *src, *dst;
	const char *cols[MAX_COLS];     /* copied, in the target's names */
	size_t ncols;
	const char *keys[MAX_COLS];     /* the source's order */
	size_t nkeys;
	struct copy_table *rt;
};

/*
 * Choose the columns (both sides', not generated on the target; the
 * source's rowid for a target column "rowid") and the key (the primary
 * key, else the rowid); record the source's columns the target lacks.
 */
static int
plan_table(struct ctx *x, struct plan *p)
{
	const struct table *s = p->src, *d = p->dst;
	const struct col *c;
	struct copy_lost *l;
	size_t i;
	int k;

	for (i = 0; i < d->ncol; i++) {
		c = find_col(s, d->col[i].name);
		if (d->col[i].generated)
			continue;
		if ((c != NULL && !c->hidden && !c->generated) ||
		    (c == NULL && s->rowid && strcmp(d->col[i].name,
		    "rowid") == 0))
			p->cols[p->ncols++] = d->col[i].name;
	}
	for (i = 0; i < s->ncol; i++) {
		c = &s->col[i];
		if (c->hidden || c->generated || find_col(d, c->name) != NULL)
			continue;
		if (x->r->nlost == COPY_MAX_LOST) {
			x->r->lost_more++;
			continue;
		}
		l = &x->r->lost[x->r->nlost++];
		snprintf(l->table, sizeof(l->table), "%s", s->name);
		snprintf(l->column, sizeof(l->column), "%s", c->name);
		store_copy_module_of(s->name, c->name, l->module,
		    sizeof(l->module));
	}
	for (k = 1; k <= MAX_COLS; k++)
		for (i = 0; i < s->ncol; i++)
			if (s->col[i].pk == k)
				p->keys[p->nkeys++] = s->col[i].name;
	if (p->nkeys == 0 && s->rowid)
		p->keys[p->nkeys++] = "rowid";
	/* A row's place, stable in the source's snapshot. */
	if (p->nkeys == 0 && s->ctid)
		p->keys[p->nkeys++] = "ctid";
	if (p->nkeys == 0) {
		snprintf(x->err, x->errlen, "table %s has no primary key to "
		    "copy it in order by", s->name);
		return -1;
	}
	if (p->ncols == 0) {
		snprintf(x->err, x->errlen, "table %s: no column of the source "
		    "is in the target's", s->name);
		return -1;
	}
	return 0;
}

/*
 * The source's SELECT: of the first batch (after 0) or the next, batch
 * rows (0: every row).
 */
static int
select_sql(const struct plan *p, int after, int64_t batch, char *sql)
{
	char lim[32];
	size_t i;
	int rc = 0;

	sql[0] = '\0';
	rc |= cat(sql, "SELECT ", "", "", "");
	for (i = 0; i < p->ncols; i++)
		rc |= add_name(sql, p->cols[i], i == 0);
	for (i = 0; i < p->nkeys; i++)
		rc |= add_name(sql, p->keys[i], 0);
	rc |= cat(sql, " FROM \"", p->src->name, "\"", "");
	if (after) {
		rc |= cat(sql, " WHERE (", "", "", "");
		for (i = 0; i < p->nkeys; i++)
			rc |= add_name(sql, p->keys[i], i == 0);
		rc |= cat(sql, ") > (", "", "", "");
		for (i = 0; i < p->nkeys; i++) {
			snprintf(lim, sizeof(lim), "?%zu", i + 1);
			rc |= cat(sql, i ? ", " : "", lim, "", "");
		}
		rc |= cat(sql, ")", "", "", "");
	}
	rc |= cat(sql, " ORDER BY ", "", "", "");
	for (i = 0; i < p->nkeys; i++)
		rc |= add_name(sql, p->keys[i], i == 0);
	if (batch > 0) {
		snprintf(lim, sizeof(lim), " LIMIT %" PRId64, batch);
		rc |= cat(sql, lim, "", "", "");
	}
	return rc ? -1 : 0;
}

/* The target's "t"("a", "b") for COPY and INSERT. */
static int
target_list(const struct plan *p, char *sql)
{
	size_t i;
	int rc = 0;

	rc |= cat(sql, "\"", p->dst->name, "\"(", "");
	for (i = 0; i < p->ncols; i++)
		rc |= cat(sql, i ? ", " : "", "\"", p->cols[i], "\"");
	rc |= cat(sql, ")", "", "", "");
	return rc ? -1 : 0;
}

/* Column col of the source's row as a value (text and blobs into b). */
static int
read_value(struct sql_stmt *st, int col, struct buf *b, struct value *v)
{
	const void *p;

	v->type = sql_column_type(st, col);
	switch (v->type) {
	case SQL_TYPE_INTEGER:
		v->i = sql_column_int64(st, col);
		return 0;
	case SQL_TYPE_FLOAT:
		v->d = sql_column_double(st, col);
		return 0;
	case SQL_TYPE_TEXT:
		p = sql_column_text(st, col);
		break;
	case SQL_TYPE_BLOB:
		p = sql_column_blob(st, col);
		break;
	default:
		return 0;
	}
	v->n = sql_column_bytes(st, col);
	v->off = b->n;
	/* Text keeps its NUL: it is bound as a C string. */
	return buf_add(b, p, v->n) == -1 || (v->type == SQL_TYPE_TEXT &&
	    buf_add(b, "", 1) == -1) ? -1 : 0;
}

static int
bind_value(struct sql_stmt *st, int i, const struct buf *b,
    const struct value *v)
{
	switch (v->type) {
	case SQL_TYPE_INTEGER:
		return sql_bind_int64(st, i, v->i);
	case SQL_TYPE_FLOAT:
		return sql_bind_double(st, i, v->d);
	case SQL_TYPE_TEXT:
		return sql_bind_text(st, i, b->p + v->off);
	case SQL_TYPE_BLOB:
		return sql_bind_blob(st, i, b->p + v->off, v->n);
	default:
		return sql_bind_null(st, i);
	}
}

/* A value in COPY's text format, appended to out. */
static int
copy_text(const struct buf *b, const struct value *v, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";
	char num[40], two[2];
	const unsigned char *p;
	size_t i, from;

	switch (v->type) {
	case SQL_TYPE_INTEGER:
		snprintf(num, sizeof(num), "%" PRId64, v->i);
		return buf_add(out, num, strlen(num));
	case SQL_TYPE_FLOAT:
		snprintf(num, sizeof(num), "%.17g", v->d);
		return buf_add(out, num, strlen(num));
	case SQL_TYPE_TEXT:
		p = (const unsigned char *)b->p + v->off;
		for (i = from = 0; i < v->n; i++) {
			if (p[i] != '\\' && p[i] != '\n' && p[i] != '\r' &&
			    p[i] != '\t')
				continue;
			two[0] = '\\';
			two[1] = p[i] == '\n' ? 'n' : p[i] == '\r' ? 'r' :
			    p[i] == '\t' ? 't' : '\\';
			if (buf_add(out, p + from, i - from) == -1 ||
			    buf_add(out, two, 2) == -1)
				return -1;
			from = i + 1;
		}
		return buf_add(out, p + from, v->n - from);
	case SQL_TYPE_BLOB:
		/* bytea's hex form, its backslash escaped for COPY. */
		if (buf_add(out, "\\\\x", 3) == -1)
			return -1;
		p = (const unsigned char *)b->p + v->off;
		for (i = 0; i < v->n; i++) {
			two[0] = hex[p[i] >> 4];
			two[1] = hex[p[i] & 15];
			if (buf_add(out, two, 2) == -1)
				return -1;
		}
		return 0;
	default:
		return buf_add(out, "\\N", 2);
	}
}

/*
 * Write rows [0, n) of the batch's values (ncols each) with multi-row
 * INSERTs of at most MAX_PARAMS parameters; ins is the statement of
 * per rows, prepared once per table.
 */
static int
insert_rows(struct ctx *x, const struct plan *p, struct sql_stmt **ins,
    size_t per, size_t n)
{
	char sql[SQL_MAX], ph[16];
	struct sql_stmt *st;
	size_t done, rows, i, j;
	int ret = 0;

	for (done = 0; done < n && ret == 0; done += rows) {
		rows = n - done < per ? n - done : per;
		st = *ins;
		if (rows != per || st == NULL) {
			snprintf(sql, sizeof(sql), "INSERT INTO ");
			ret |= target_list(p, sql);
			ret |= cat(sql, " VALUES ", "", "", "");
			for (i = 0; i < rows; i++)
				for (j = 0; j < p->ncols; j++) {
					snprintf(ph, sizeof(ph), "?%zu",
					    i * p->ncols + j + 1);
					ret |= cat(sql, j ? ", " :
					    i ? "), (" : "(", ph, "", "");
				}
			ret |= cat(sql, ")", "", "", "");
			if (ret != 0 || (st = prep(x->to, sql, x->err,
			    x->errlen)) == NULL) {
				if (ret != 0)
					snprintf(x->err, x->errlen, "table %s: "
					    "statement too long", p->dst->name);
				return -1;
			}
			if (rows == per)
				*ins = st;
		}
		for (i = 0; i < rows * p->ncols; i++)
			ret |= bind_value(st, (int)i + 1, &x->buf,
			    &x->rows[done * p->ncols + i]);
		if (ret != 0 || sql_step(st) == SQL_ERROR) {
			snprintf(x->err, x->errlen, "writing %s: %s",
			    p->dst->name, sql_errmsg(x->to));
			ret = -1;
		}
		sql_reset(st);
		sql_clear(st);
		if (st != *ins)
			sql_stmt_free(x->to, st);
	}
	return ret;
}

/*
 * Send the batch's rows as COPY text (tab-separated columns), in the
 * table's one COPY statement, begun here at its first batch (*open) and
 * ended by copy_finish: the server writes one batch while the next is
 * read from the source.
 */
static int
copy_rows(struct ctx *x, const struct plan *p, size_t n, int *open)
{
	char sql[SQL_MAX];
	struct buf out = { NULL, 0, 0 };
	const char *why = NULL;
	size_t i, j;
	int ret = -1;

	snprintf(sql, sizeof(sql), "COPY ");
	/* Every table was truncated in this transaction (truncate_target). */
	if (target_list(p, sql) == -1 || cat(sql, " FROM STDIN WITH (FREEZE)",
	    "", "", "") == -1) {
		snprintf(x->err, x->errlen, "table %s: statement too long",
		    p->dst->name);
		return -1;
	}
	if (!*open && sql_copy_begin(x->to, sql) == -1)
		goto fail;
	*open = 1;
	for (i = 0; i < n && why == NULL; i++) {
		for (j = 0; j < p->ncols && why == NULL; j++)
			if (copy_text(&x->buf, &x->rows[i * p->ncols + j],
			    &out) == -1 || buf_add(&out, j + 1 < p->ncols ?
			    "\t" : "\n", 1) == -1)
				why = "a row too large";
		if (why == NULL && (out.n >= COPY_FLUSH || i + 1 == n)) {
			if (sql_copy_put(x->to, out.p, out.n) == -1)
				why = "";
			out.n = 0;
		}
	}
	if (why != NULL)
		goto fail;
	ret = 0;
	goto out;
fail:
	snprintf(x->err, x->errlen, "copying %s: %s", p->dst->name,
	    why != NULL && *why ? why : sql_errmsg(x->to));
out:
	free(out.p);
	return ret;
}

/*
 * End the table's COPY begun by copy_rows, if open (also after a failure:
 * the connection leaves COPY mode; the transaction is rolled back then).
 * The server's verdict on every row: 0, or -1 with err unless keep.
 */
static int
copy_finish(struct ctx *x, const struct plan *p, int *open, int keep)
{
	if (!*open)
		return 0;
	*open = 0;
	if (sql_copy_end(x->to) == 0)
		return 0;
	if (!keep)
		snprintf(x->err, x->errlen, "copying %s: %s", p->dst->name,
		    sql_errmsg(x->to));
	return -1;
}

/*
 * Bind the key of the batch's last row to next, copied out of the batch's
 * buffer (which the next batch overwrites while next runs).
 */
static int
bind_keys(struct sql_stmt *next, struct ctx *x, const struct plan *p,
    size_t last)
{
	const struct value *v;
	size_t i, width = p->ncols + p->nkeys;
	int rc = 0;

	x->keys.n = 0;
	for (i = 0; i < p->nkeys; i++) {
		v = &x->vals[last * width + p->ncols + i];
		x->key[i] = *v;
		if (v->type == SQL_TYPE_TEXT || v->type == SQL_TYPE_BLOB) {
			x->key[i].off = x->keys.n;
			rc |= buf_add(&x->keys, x->buf.p + v->off,
			    v->n + (v->type == SQL_TYPE_TEXT));
		}
	}
	for (i = 0; i < p->nkeys && rc == 0; i++)
		rc |= bind_value(next, (int)i + 1, &x->keys, &x->key[i]);
	if (rc != 0)
		snprintf(x->err, x->errlen, "table %s: binding its key",
		    p->src->name);
	return rc ? -1 : 0;
}

/*
 * Copy one table, batch by batch: read up to x->batch rows in key order
 * (values and keys kept in x->vals, rows of ncols + nkeys) and write them
 * in one transaction.  SQLite streams one statement over the whole table
 * (a LIMIT and a seek per batch would cost a scan each on an R*Tree, which
 * seeks by rowid only by equality); a PostgreSQL source, whose statements
 * come whole into memory, is read again after the last key each batch.
 */
static int
copy_table(struct ctx *x, struct plan *p)
{
	char sql[SQL_MAX];
	struct sql_stmt *first = NULL, *next = NULL, *rd, *ins = NULL;
	size_t width = p->ncols + p->nkeys, n, i, per;
	int64_t copied = 0, limit;
	enum sql_rc rc = SQL_DONE;
	int ret = -1, more = 1, stream, open = 0;

	stream = sql_conn_engine(x->from) == SQL_SQLITE;
	limit = stream ? 0 : x->batch;
	per = MAX_PARAMS / p->ncols;
	if (select_sql(p, 0, limit, sql) == -1 ||
	    (first = prep(x->from, sql, x->err, x->errlen)) == NULL ||
	    (!stream && (select_sql(p, 1, limit, sql) == -1 ||
	    (next = prep(x->from, sql, x->err, x->errlen)) == NULL)))
		goto out;
	rd = first;
	while (more) {
		x->buf.n = 0;
		for (n = 0; n < (size_t)x->batch &&
		    (rc = sql_step(rd)) == SQL_ROW; n++)
			for (i = 0; i < width; i++)
				if (read_value(rd, (int)i, &x->buf,
				    &x->vals[n * width + i]) == -1) {
					snprintf(x->err, x->errlen, "table %s: "
					    "a batch larger than %u bytes: use a "
					    "smaller batch", p->src->name,
					    MAX_VALUE);
					goto out;
				}
		if (rc == SQL_ERROR) {
			snprintf(x->err, x->errlen, "reading %s: %s",
			    p->src->name, sql_errmsg(x->from));
			goto out;
		}
		if (!stream)
			sql_reset(rd);
		more = n == (size_t)x->batch;
		if (n == 0)
			break;
		/* The keys ride after the copied columns: leave them out. */
		for (i = 0; i < n * p->ncols; i++)
			x->rows[i] = x->vals[(i / p->ncols) * width +
			    i % p->ncols];
		if ((x->o->method == COPY_METHOD_INSERT ?
		    insert_rows(x, p, &ins, per, n) : copy_rows(x, p, n,
		    &open)) == -1)
			goto out;
		copied += (int64_t)n;
		x->r->rows += (int64_t)n;
		if (x->o->progress != NULL)
			x->o->progress(p->src->name, copied, x->r->rows,
			    x->r->total, x->o->arg);
		if (more && !stream) {
			if (bind_keys(next, x, p, n - 1) == -1)
				goto out;
			rd = next;
		}
	}
	ret = copy_finish(x, p, &open, 0);
out:
	copy_finish(x, p, &open, 1);
	sql_stmt_free(x->to, ins);
	sql_stmt_free(x->from, first);
	sql_stmt_free(x->from, next);
	return ret;
}

/* Rebuild a derived table on the target from copied rows; -1 with err. */
static int
rebuild(struct ctx *x, const struct table *src, struct copy_table *rt)
{
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
		if (strcmp(derived[i].table, src->name) == 0)
			break;
	if (i == sizeof(derived) / sizeof(derived[0])) {
		snprintf(x->err, x->errlen, "table %s is a contentless index "
		    "with no rows to copy, and veche knows no way to rebuild "
		    "it on the target", src->name);
		return -1;
	}
	if (exec(x->to, derived[i].sql, src->name, x->err, x->errlen) == -1)
		return -1;
	rt->state = COPY_REBUILT;
	return 0;
}

/*
 * Every identity column of the copied tables (copied[i] for dst->t[i])
 * continues after its max.
 */
static int
reset_sequences(struct ctx *x, const struct catalogue *dst,
    const int *copied)
{
	char sql[384];
	const struct table *t;
	size_t i, j;

	for (i = 0; i < dst->n; i++) {
		t = &dst->t[i];
		if (!copied[i])
			continue;
		for (j = 0; j < t->ncol; j++) {
			if (!t->col[j].identity)
				continue;
			/* Names are plain identifiers (plain_name). */
			snprintf(sql, sizeof(sql), "SELECT setval("
			    "pg_get_serial_sequence('\"%s\"', '%s'), "
			    "coalesce(max(\"%s\"), 0) + 1, false) FROM \"%s\"",
			    t->name, t->col[j].name, t->col[j].name, t->name);
			if (exec(x->to, sql, "resetting a sequence", x->err,
			    x->errlen) == -1)
				return -1;
		}
	}
	return 0;
}

/*
 * The target's session: triggers (the ratings' PL/pgSQL ones would count
 * facts twice) and foreign keys (tables go in name order) do not fire.
 */
static int
quiet_target(struct ctx *x)
{
	if (sql_exec(x->to, "SET session_replication_role = replica") == 0)
		return 0;
	snprintf(x->err, x->errlen, "cannot set session_replication_role = "
	    "replica (so that triggers do not fire during the copy): %s; run "
	    "veche migrate as a superuser of the target, or, on PostgreSQL 15 "
	    "and later, GRANT SET ON PARAMETER session_replication_role TO "
	    "the role it connects as", sql_errmsg(x->to));
	return -1;
}

/*
 * Empty the target's tables marked in touched (migrate: all but the
 * schema's versions; a load: the tables it copies and every empty one),
 * in one statement (foreign keys allow it only so) of the copy's
 * transaction: the rows its migrations seeded go (the copy brings the
 * source's), and a table truncated in the transaction takes COPY FREEZE
 * (rows written frozen: no later pass rewrites their pages to mark them
 * visible).  check_empty or load_select has made sure no other row is
 * there.  -1 with err.
 */
static int
truncate_target(struct ctx *x, const struct catalogue *dst,
    const int *touched)
{
	char *sql;
	size_t i, n = 0, len = 32;
	int rc;

	for (i = 0; i < dst->n; i++)
		len += strlen(dst->t[i].name) + 4;
	if ((sql = malloc(len)) == NULL) {
		snprintf(x->err, x->errlen, "out of memory");
		return -1;
	}
	n = (size_t)snprintf(sql, len, "TRUNCATE");
	for (i = 0; i < dst->n; i++)
		if (touched[i])
			n += (size_t)snprintf(sql + n, len - n, "%s\"%s\"",
			    n > 8 ? ", " : " ", dst->t[i].name);
	rc = n > 8 ? exec(x->to, sql, "emptying the target", x->err,
	    x->errlen) : 0;
	free(sql);
	return rc;
}

/*
 * Set the target's secondary indexes aside (those no constraint owns:
 * keys and unique ones stay, they keep the copy honest): one built at
 * the end from all rows is several times faster than one kept up row by
 * row (a GiST of boxes, a GIN of words).  -1 with err.
 */
static int
drop_indexes(struct ctx *x)
{
	struct sql_stmt *st;
	const char *name, *def;
	char sql[128];
	enum sql_rc rc;
	size_t i;

	if ((x->idx = calloc(MAX_INDEXES, sizeof(*x->idx))) == NULL) {
		snprintf(x->err, x->errlen, "out of memory");
		return -1;
	}
	if ((st = prep(x->to, "SELECT i.relname, pg_get_indexdef(i.oid)"
	    " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
	    " JOIN pg_class t ON t.oid = x.indrelid"
	    " JOIN pg_namespace n ON n.oid = t.relnamespace"
	    " WHERE n.nspname = current_schema() AND NOT EXISTS"
	    " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
	    " ORDER BY i.relname", x->err, x->errlen)) == NULL)
		return -1;
	while ((rc = sql_step(st)) == SQL_ROW && x->nidx < MAX_INDEXES) {
		name = sql_column_text(st, 0);
		def = sql_column_text(st, 1);
		if (!plain_name(name) || def == NULL ||
		    (x->idx[x->nidx].def = strdup(def)) == NULL)
			continue;
		snprintf(x->idx[x->nidx++].name, COPY_MAX_NAME, "%s", name);
	}
	if (rc == SQL_ERROR)
		snprintf(x->err, x->errlen, "listing indexes: %s",
		    sql_errmsg(x->to));
	sql_stmt_free(x->to, st);
	if (rc == SQL_ERROR)
		return -1;
	for (i = 0; i < x->nidx; i++) {
		snprintf(sql, sizeof(sql), "DROP INDEX \"%s\"", x->idx[i].name);
		if (exec(x->to, sql, "setting an index aside", x->err,
		    x->errlen) == -1)
			return -1;
	}
	return 0;
}

/* Build the indexes set aside again (also after a failed copy). */
static int
make_indexes(struct ctx *x)
{
	char why[512];
	size_t i;
	int ret = 0;

	/* Memory for sorting an index's entries: one at a time. */
	sql_exec(x->to, "SET maintenance_work_mem = '256MB'");
	for (i = 0; i < x->nidx; i++) {
		if (x->idx[i].def != NULL && sql_exec(x->to, x->idx[i].def) ==
		    -1 && ret == 0) {
			snprintf(why, sizeof(why), "making index %s again: %s",
			    x->idx[i].name, sql_errmsg(x->to));
			ret = -1;
		}
		free(x->idx[i].def);
		x->idx[i].def = NULL;
	}
	if (ret == -1)
		snprintf(x->err, x->errlen, "%s", why);
	return ret;
}

/*
 * Set the target's keys, unique constraints and foreign keys aside (but
 * schema_versions'), foreign keys first: each key's B-tree is built once
 * at the end from all rows, sorted, where kept up row by row it took
 * about half the server's time of a COPY (perf: _bt_doinsert).  -1 with
 * err.
 */
static int
drop_constraints(struct ctx *x)
{
	struct sql_stmt *st;
	const char *name, *table, *def;
	char sql[3 * COPY_MAX_NAME + 64];
	enum sql_rc rc;
	size_t i;

	if ((x->con = calloc(MAX_INDEXES, sizeof(*x->con))) == NULL) {
		snprintf(x->err, x->errlen, "out of memory");
		return -1;
	}
	if ((st = prep(x->to, "SELECT c.conname, t.relname,"
	    " pg_get_constraintdef(c.oid) FROM pg_constraint c"
	    " JOIN pg_class t ON t.oid = c.conrelid"
	    " JOIN pg_namespace n ON n.oid = t.relnamespace"
	    " WHERE n.nspname = current_schema() AND c.contype IN"
	    " ('p', 'u', 'f') AND t.relname <> '" VERSIONS_TABLE "'"
	    " ORDER BY c.contype = 'f' DESC, t.relname, c.conname",
	    x->err, x->errlen)) == NULL)
		return -1;
	while ((rc = sql_step(st)) == SQL_ROW && x->ncon < MAX_INDEXES) {
		name = sql_column_text(st, 0);
		table = sql_column_text(st, 1);
		def = sql_column_text(st, 2);
		if (!plain_name(name) || !plain_name(table) || def == NULL ||
		    (x->con[x->ncon].def = strdup(def)) == NULL)
			continue;
		snprintf(x->con[x->ncon].name, COPY_MAX_NAME, "%s", name);
		snprintf(x->con[x->ncon++].table, COPY_MAX_NAME, "%s", table);
	}
	if (rc == SQL_ERROR)
		snprintf(x->err, x->errlen, "listing constraints: %s",
		    sql_errmsg(x->to));
	sql_stmt_free(x->to, st);
	if (rc == SQL_ERROR)
		return -1;
	for (i = 0; i < x->ncon; i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" DROP CONSTRAINT"
		    " \"%s\"", x->con[i].table, x->con[i].name);
		if (exec(x->to, sql, "setting a constraint aside", x->err,
		    x->errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Add the constraints set aside again, keys first: each key's index built
 * from the rows, each foreign key checked against them (a row the source
 * let in without its parent fails the copy here).  -1 with err.
 */
static int
make_constraints(struct ctx *x)
{
	struct buf sql = { NULL, 0, 0 };
	struct index *k;
	size_t i;
	int ret = 0;

	for (i = x->ncon; i-- > 0 && ret == 0;) {
		k = &x->con[i];
		sql.n = 0;
		if (buf_add(&sql, "ALTER TABLE \"", 13) == -1 ||
		    buf_add(&sql, k->table, strlen(k->table)) == -1 ||
		    buf_add(&sql, "\" ADD CONSTRAINT \"", 18) == -1 ||
		    buf_add(&sql, k->name, strlen(k->name)) == -1 ||
		    buf_add(&sql, "\" ", 2) == -1 ||
		    buf_add(&sql, k->def, strlen(k->def) + 1) == -1) {
			snprintf(x->err, x->errlen, "out of memory");
			ret = -1;
		} else if (sql_exec(x->to, sql.p) == -1) {
			snprintf(x->err, x->errlen, "adding constraint %s of "
			    "%s again: %s", k->name, k->table,
			    sql_errmsg(x->to));
			ret = -1;
		}
	}
	free(sql.p);
	return ret;
}

/* Plan every source table into r; plans[i] for r->t[i]. */
static int
plan_all(struct ctx *x, const struct catalogue *src,
    const struct catalogue *dst, struct plan *plans)
{
	const struct table *t, *d;
	struct copy_table *rt;
	size_t i;

	for (i = 0; i < src->n; i++) {
		t = &src->t[i];
		if (strcmp(t->name, VERSIONS_TABLE) == 0)
			continue;
		rt = &x->r->t[x->r->n];
		snprintf(rt->name, sizeof(rt->name), "%s", t->name);
		store_copy_module_of(t->name, NULL, rt->module,
		    sizeof(rt->module));
		rt->to_rows = -1;
		d = find_table(dst, t->name);
		rt->state = d == NULL ? COPY_MISSING : t->contentless ||
		    (x->o->load && load_derived(t->name)) ? COPY_REBUILT :
		    COPY_COPIED;
		plans[x->r->n].src = t;
		plans[x->r->n].dst = d;
		plans[x->r->n].rt = rt;
		if (rt->state == COPY_COPIED &&
		    plan_table(x, &plans[x->r->n]) == -1)
			return -1;
		x->r->n++;
	}
	return 0;
}

/* Count the source's rows of the tables to copy (in its snapshot). */
static int
count_source(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->r->n; i++) {
		if (x->r->t[i].state == COPY_MISSING)
			continue;
		if (count_rows(x->from, x->r->t[i].name, x->r->t[i].state ==
		    COPY_REBUILT, &x->r->t[i].from_rows, x->err,
		    x->errlen) == -1)
			return -1;
		if (x->r->t[i].state == COPY_COPIED)
			x->r->total += x->r->t[i].from_rows;
	}
	return 0;
}

static int
kept_by_name(const char *const *keep, const char *name)
{
	for (; keep != NULL && *keep != NULL; keep++)
		if (strcmp(*keep, name) == 0)
			return 1;
	return 0;
}

/*
 * A load: keep the tables the source holds no more rows in than a fresh
 * schema (counted on one in memory, as check_empty does) and those in
 * o->keep; each table still to copy must be empty on the target.  Fills
 * touched (the target's tables to truncate: those copied and every empty
 * one) and copied (those whose sequences continue after the copy), and
 * r->total again.  -1 with err naming the table.
 */
static int
load_select(struct ctx *x, const struct plan *plans,
    const struct catalogue *dst, int *touched, int *copied)
{
	struct store *fresh;
	struct copy_table *rt;
	int64_t base, n;
	size_t i, d;
	char ferr[256];
	int ret = -1;

	if ((fresh = store_open(":memory:", ferr, sizeof(ferr))) == NULL) {
		snprintf(x->err, x->errlen, "a fresh schema to compare: %s",
		    ferr);
		return -1;
	}
	x->r->total = 0;
	for (i = 0; i < x->r->n; i++) {
		rt = &x->r->t[i];
		if (rt->state == COPY_MISSING)
			continue;
		if (count_rows(fresh->conn, rt->name, rt->state ==
		    COPY_REBUILT, &base, ferr, sizeof(ferr)) == -1)
			base = 0;
		if (rt->from_rows <= base || kept_by_name(x->o->keep,
		    rt->name)) {
			rt->state = COPY_KEPT;
			continue;
		}
		if (count_rows(x->to, rt->name, 0, &n, x->err, x->errlen) ==
		    -1)
			goto out;
		if (n != 0) {
			snprintf(x->err, x->errlen, "the target already holds "
			    "rows: table %s has %" PRId64 "; a load copies "
			    "into empty tables only", rt->name, n);
			goto out;
		}
		d = (size_t)(plans[i].dst - dst->t);
		touched[d] = copied[d] = 1;
		if (rt->state == COPY_COPIED)
			x->r->total += rt->from_rows;
	}
	for (d = 0; d < dst->n; d++) {
		if (touched[d] || strcmp(dst->t[d].name, VERSIONS_TABLE) == 0)
			continue;
		if (count_rows(x->to, dst->t[d].name, 0, &n, x->err,
		    x->errlen) == -1)
			goto out;
		touched[d] = n == 0;
	}
	ret = 0;
out:
	store_close(fresh);
	return ret;
}

int
store_copy(struct store *from, struct store *to, const struct copy_opts *o,
    struct copy_report *r, char *err, size_t errlen)
{
	struct catalogue src = { NULL, 0 }, dst = { NULL, 0 };
	struct plan *plans = NULL;
	int *seeded = NULL, *touched = NULL, *copied, snapshot = 0, quiet = 0;
	int ret = -1;
	struct ctx x;
	size_t i, cells, width;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	x.from = from->conn;
	x.to = to->conn;
	x.o = o;
	x.r = r;
	x.err = err;
	x.errlen = errlen;
	x.batch = o->batch > 0 ? o->batch : BATCH_DEFAULT;
	if (sql_conn_engine(x.to) != SQL_PG) {
		snprintf(err, errlen, "the target must be PostgreSQL "
		    "(postgresql://...); to copy a SQLite database use veche "
		    "backup");
		return -1;
	}
	if (x.batch > 1000000)
		x.batch = 1000000;
	if (load_catalogue(x.from, &src, err, errlen) == -1 ||
	    load_catalogue(x.to, &dst, err, errlen) == -1)
		goto out;
	if ((seeded = calloc(dst.n + 1, sizeof(*seeded))) == NULL ||
	    (touched = calloc(2 * (dst.n + 1), sizeof(*touched))) == NULL ||
	    (plans = calloc(src.n + 1, sizeof(*plans))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (check_versions(x.from, x.to, err, errlen) == -1 ||
	    (!o->load && check_empty(x.to, &dst, seeded, err, errlen) == -1) ||
	    plan_all(&x, &src, &dst, plans) == -1)
		goto out;
	/* A batch as read (columns and keys), and its columns alone. */
	for (i = 0, width = 1; i < r->n; i++)
		if (plans[i].ncols + plans[i].nkeys > width)
			width = plans[i].ncols + plans[i].nkeys;
	cells = (size_t)x.batch * width;
	if ((x.vals = calloc(2 * cells, sizeof(*x.vals))) == NULL) {
		snprintf(err, errlen, "out of memory: try a smaller batch");
		goto out;
	}
	x.rows = x.vals + cells;
	/* One snapshot of the source for every table. */
	if (exec(x.from, sql_conn_engine(x.from) == SQL_PG ? "BEGIN ISOLATION "
	    "LEVEL REPEATABLE READ, READ ONLY" : "BEGIN", "reading the source",
	    err, errlen) == -1)
		goto out;
	snapshot = 1;
	if (count_source(&x) == -1)
		goto out;
	copied = touched + dst.n + 1;
	if (o->load) {
		if (load_select(&x, plans, &dst, touched, copied) == -1)
			goto out;
	} else
		for (i = 0; i < dst.n; i++)
			touched[i] = copied[i] = strcmp(dst.t[i].name,
			    VERSIONS_TABLE) != 0;
	if (quiet_target(&x) == -1)
		goto out;
	quiet = 1;
	/*
	 * One transaction on the target: a failed copy leaves nothing, its
	 * indexes set aside come back with the rollback.
	 */
	if (exec(x.to, "BEGIN", "begin", err, errlen) == -1)
		goto out;
	if (truncate_target(&x, &dst, touched) == -1 ||
	    drop_indexes(&x) == -1 || drop_constraints(&x) == -1)
		goto out;
	for (i = 0; i < r->n; i++)
		if (r->t[i].state == COPY_COPIED &&
		    copy_table(&x, &plans[i]) == -1)
			goto out;
	for (i = 0; i < r->n; i++)
		if (r->t[i].state == COPY_REBUILT &&
		    rebuild(&x, plans[i].src, &r->t[i]) == -1)
			goto out;
	if (make_constraints(&x) == -1 || make_indexes(&x) == -1 ||
	    reset_sequences(&x, &dst, copied) == -1 ||
	    exec(x.to, "COMMIT", "commit", err, errlen) == -1)
		goto out;
	ret = 0;
	for (i = 0; i < r->n; i++)
		if (r->t[i].state == COPY_MISSING)
			ret = 1;
	if (r->nlost > 0)
		ret = 1;
out:
	/* A failed copy leaves the target as it was (its error kept). */
	if (ret == -1 && sql_in_transaction(x.to))
		sql_exec(x.to, "ROLLBACK");
	for (i = 0; i < x.nidx; i++)
		free(x.idx[i].def);
	free(x.idx);
	for (i = 0; i < x.ncon; i++)
		free(x.con[i].def);
	free(x.con);
	if (quiet)
		sql_exec(x.to, "RESET session_replication_role");
	if (snapshot)
		sql_exec(x.from, "COMMIT");
	free(x.buf.p);
	free(x.keys.p);
	free(x.vals);
	free(plans);
	free(touched);
	free(seeded);
	free(src.t);
	free(dst.t);
	return ret;
}

int
store_copy_verify(struct store *from, struct store *to,
    struct copy_report *r, char *err, size_t errlen)
{
	struct copy_table *t;
	size_t i;
	int ret = 0;

	for (i = 0; i < r->n; i++) {
		t = &r->t[i];
		if (t->state == COPY_MISSING || t->state == COPY_KEPT)
			continue;
		if (count_rows(from->conn, t->name, t->state == COPY_REBUILT,
		    &t->from_rows, err, errlen) == -1 || count_rows(to->conn,
		    t->name, 0, &t->to_rows, err, errlen) == -1)
			return -1;
		if (t->from_rows != t->to_rows)
			ret = 1;
	}
	return ret;
}

struct store *
store_copy_open_pg(const char *url, char *skipped, size_t skippedlen,
    char *err, size_t errlen)
{
	const struct migration_set *const *sets;
	struct store *s;
	char why[512];
	size_t n, i, len;

	skipped[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* One slot past the subjects' for ss_migrate's version query. */
	if ((s->conn = sql_conn_pg(url, (size_t)STORE_MOD__MAX *
	    STORE_MOD_STMTS + 1, err, errlen)) == NULL) {
		store_close(s);
		return NULL;
	}
	/*
	 * Each module on its own: one whose tables name an unconverted
	 * module's (officials' name accounts' users) waits for it.
	 */
	sets = ss_pg_schemas(&n);
	for (i = 0; i < n; i++) {
		if (ss_migrate(s->conn, &sets[i], 1, why, sizeof(why)) == 0)
			continue;
		if (i == 0) {
			snprintf(err, errlen, "%s", why);
			store_close(s);
			return NULL;
		}
		len = strlen(skipped);
		snprintf(skipped + len, skippedlen - len, "%s%s (%s)",
		    len ? "; " : "", sets[i]->module, why);
	}
	return s;
}

struct store *
store_copy_open_full(const char *url, char *err, size_t errlen)
{
	return ss_open_pg(url, err, errlen);
}

int
store_copy_has_audit(struct store *s)
{
	return s->db != NULL || sql_stmt(s->conn, (size_t)STORE_MOD_WORKFLOW *
	    STORE_MOD_STMTS) != NULL;
}
