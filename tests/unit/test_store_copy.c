/*
 * test_store_copy.c: store_copy (src/store/store_copy.h, veche migrate)
 * from a real SQLite file into the real PostgreSQL of the ctest fixture
 * (scripts/pg.sh; its folder in VECHE_PG_DIR), in a database of its own
 * (veche_copy) so that unit/test_sql may run beside it.
 *
 * The source is filled through the converted modules' store functions
 * (API keys: blobs with zero bytes, NULL agencies, Russian names with
 * tabs, newlines and backslashes, ids with a gap; addresses: doubles and
 * Russian text under the text index; agencies' heads with NULLs; the
 * ratings' facts their triggers write) and read back through the same
 * functions on the PostgreSQL store with the same answers.  Until every
 * module is converted, the target first gets the unconverted modules'
 * tables and columns as the source's SQLite schema has them (types
 * translated), so that the converted modules' PostgreSQL schema and
 * statements find what they name; each conversion shrinks that set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/copy.h"
#include "store/sql.h"
#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "store/store_ratings.h"

#include "pg_fixture.h"

#define TEXT_MAX 8192

/*
 * The fixture's server, database veche_copy (second: veche_copy2, a
 * PostgreSQL source's target), made on first use.
 */
static const char *
db_url(int second)
{
	static char url[2][600];

	if (url[second][0] == '\0')
		pg_fixture_url(second ? "veche_copy2" : "veche_copy",
		    url[second], sizeof(url[second]));
	return url[second];
}

static const char *
target_url(void)
{
	return db_url(0);
}

/* Run sql on c or fail the test. */
static void
run_sql(struct sql_conn *c, const char *sql)
{
	if (sql_exec(c, sql) != 0)
		fail_msg("%.300s: %s", sql, sql_errmsg(c));
}

/* Column 0 of every row of sql on c, as "a,b,c" (NULL as "-"). */
static void
column_text(struct sql_conn *c, const char *sql, char *out, size_t len)
{
	struct sql_stmt *st = sql_stmt_new(c, sql);
	const char *v;
	size_t n;

	if (st == NULL)
		fail_msg("%s: %s", sql, sql_errmsg(c));
	out[0] = '\0';
	while (sql_step(st) == SQL_ROW) {
		v = sql_column_text(st, 0);
		n = strlen(out);
		snprintf(out + n, len - n, "%s%s", n ? "," : "", v ? v : "-");
	}
	sql_stmt_free(c, st);
}

/* Is module one of those the PostgreSQL store converts? */
static int
converted(const char *module)
{
	const struct migration_set *const *sets;
	size_t n, i;

	sets = ss_pg_schemas(&n);
	for (i = 0; i < n; i++)
		if (strcmp(sets[i]->module, module) == 0)
			return 1;
	return 0;
}

/*
 * SQLite's DDL as PostgreSQL's: INTEGER as BIGINT, REAL as DOUBLE
 * PRECISION, BLOB as BYTEA, WITHOUT ROWID dropped, the column user quoted.
 */
static void
translate(const char *in, char *out, size_t len)
{
	const char *w;
	size_t n, o = 0;
	char word[64], quote = 0;
	const char *put;

	while (*in != '\0' && o + 32 < len) {
		/* Quoted names and strings stay as they are. */
		if (quote || *in == '\'' || *in == '"') {
			quote = quote == 0 ? *in : *in == quote ? 0 : quote;
			out[o++] = *in++;
			continue;
		}
		if (!((*in >= 'A' && *in <= 'Z') || (*in >= 'a' && *in <= 'z') ||
		    *in == '_')) {
			out[o++] = *in++;
			continue;
		}
		for (w = in; (*in >= 'A' && *in <= 'Z') || (*in >= 'a' &&
		    *in <= 'z') || (*in >= '0' && *in <= '9') || *in == '_';)
			in++;
		n = (size_t)(in - w) < sizeof(word) ? (size_t)(in - w) :
		    sizeof(word) - 1;
		memcpy(word, w, n);
		word[n] = '\0';
		put = strcmp(word, "INTEGER") == 0 ? "BIGINT" :
		    strcmp(word, "REAL") == 0 ? "DOUBLE PRECISION" :
		    strcmp(word, "BLOB") == 0 ? "BYTEA" :
		    strcmp(word, "user") == 0 ? "\"user\"" :
		    strcmp(word, "WITHOUT") == 0 || strcmp(word, "ROWID") == 0 ?
		    "" : word;
		o += (size_t)snprintf(out + o, len - o, "%s", put);
	}
	out[o < len ? o : len - 1] = '\0';
}

/*
 * The target as the converted modules' schema needs it: an empty
 * database with the core schema, the unconverted modules' tables and
 * their columns of converted tables (from the source's SQLite schema),
 * then every converted module's PostgreSQL migrations.
 */
static struct store *
target_prepared(struct store *src, const char *url)
{
	static const struct migration_set *const core[] = {
		&store_core_schema_pg,
	};
	char err[2048], skipped[2048], module[COPY_MAX_NAME];
	char sql[TEXT_MAX], ddl[TEXT_MAX];
	struct sql_stmt *tabs, *cols;
	struct sql_conn *c;
	struct store *to;
	const char *name, *type, *dflt;
	int pass, left;

	c = sql_conn_pg(url, (size_t)STORE_MOD__MAX * STORE_MOD_STMTS + 1, err,
	    sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	run_sql(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	if (ss_migrate(c, core, 1, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	tabs = sql_stmt_new(src->conn, "SELECT name, sql FROM sqlite_schema"
	    " WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
	    " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid");
	cols = sql_stmt_new(src->conn, "SELECT name, type, \"notnull\","
	    " dflt_value FROM pragma_table_info(?1)");
	assert_non_null(tabs);
	assert_non_null(cols);
	/* Tables in passes: one naming another comes after it. */
	for (pass = 0, left = 1; left && pass < 8; pass++) {
		left = 0;
		while (sql_step(tabs) == SQL_ROW) {
			name = sql_column_text(tabs, 0);
			store_copy_module_of(name, NULL, module, sizeof(module));
			if (converted(module) || strcmp(name,
			    "schema_versions") == 0)
				continue;
			translate(sql_column_text(tabs, 1), ddl, sizeof(ddl));
			if (sql_exec(c, ddl) != 0 && strstr(sql_errmsg(c),
			    "already exists") == NULL)
				left = 1;
		}
		sql_reset(tabs);
	}
	/* Unconverted modules' columns of the core's tables. */
	while (sql_step(tabs) == SQL_ROW) {
		name = sql_column_text(tabs, 0);
		store_copy_module_of(name, NULL, module, sizeof(module));
		if (strcmp(module, "core") != 0)
			continue;
		sql_bind_text(cols, 1, name);
		while (sql_step(cols) == SQL_ROW) {
			store_copy_module_of(name, sql_column_text(cols, 0),
			    module, sizeof(module));
			if (converted(module))
				continue;
			type = sql_column_text(cols, 1);
			dflt = sql_column_text(cols, 3);
			snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN "
			    "\"%s\" %s%s%s%s", name, sql_column_text(cols, 0),
			    type, sql_column_int(cols, 2) ? " NOT NULL" : "",
			    dflt ? " DEFAULT " : "", dflt ? dflt : "");
			translate(sql, ddl, sizeof(ddl));
			run_sql(c, ddl);
		}
		sql_reset(cols);
	}
	sql_stmt_free(src->conn, tabs);
	sql_stmt_free(src->conn, cols);
	sql_conn_free(c);
	to = store_copy_open_pg(url, skipped, sizeof(skipped), err,
	    sizeof(err));
	if (to == NULL)
		fail_msg("%s", err);
	assert_string_equal(skipped, "");
	return to;
}

/* What a test fills and reads: its folder and the source store. */
struct fill {
	char dir[64];
	struct store *s;
};

/* Hashes of API keys: zero bytes, a backslash, a tab, a newline. */
static void
key_hash(int i, unsigned char h[STORE_KEY_HASH_LEN])
{
	int j;

	for (j = 0; j < STORE_KEY_HASH_LEN; j++)
		h[j] = (unsigned char)(j * 37 + i);
	h[0] = 0;
	h[1] = '\\';
	h[2] = '\t';
	h[3] = '\n';
	h[4] = (unsigned char)i;
}

/* The source: a SQLite file filled through the store functions. */
static void
fill_source(struct fill *f)
{
	char err[512], path[128];
	unsigned char h[STORE_KEY_HASH_LEN];
	struct agency_head head = { "parks", "roads", { "Иванов И. И.", NULL },
	    { "Начальник\tотдела", NULL } };

	snprintf(f->dir, sizeof(f->dir), "/tmp/veche-test-copy.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/veche.db", f->dir);
	if ((f->s = store_open(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	key_hash(1, h);
	assert_int_equal(store_apikey_insert(f->s, "Городская\tсистема\\n\n"
	    "вторая строка", NULL, h, 1781000000), 0);
	key_hash(2, h);
	assert_int_equal(store_apikey_insert(f->s, "удалённый", "roads", h,
	    1781000001), 0);
	key_hash(3, h);
	assert_int_equal(store_apikey_insert(f->s, "roads app", "roads", h,
	    1781000002), 0);
	/* A gap: ids 1 and 3 stay. */
	run_sql(f->s->conn, "DELETE FROM apikeys WHERE id = 2");
	assert_int_equal(store_address_put(f->s, "улица Ленина, 10",
	    59.934280123456789, 30.335098765432101), 0);
	assert_int_equal(store_address_put(f->s, "проспект Мира, 1",
	    -0.000001234567891, 1e-300), 0);
	assert_int_equal(store_address_put(f->s, "улица Ленина, 12", 59.94,
	    30.34), 0);
	/* The catalogue, reports and workflow as their SQL leaves them. */
	run_sql(f->s->conn, "INSERT INTO agencies(code, name_ru) VALUES"
	    " ('roads', 'Дороги'), ('parks', 'Парки')");
	assert_int_equal(store_agency_head_put(f->s, &head), 0);
	run_sql(f->s->conn, "INSERT INTO reports(id, token, service, agency,"
	    " status, lat, lon, description, requested, updated, register_due,"
	    " expected, registered) VALUES (1, 't1', 'pothole', 'roads', 1,"
	    " 55.751244123456789, 37.618423987654321, 'Яма у дома',"
	    " 1781506800, 1781506800, 1781510400, 1784098800, 1781507000),"
	    " (5, 't5', 'light', NULL, 0, NULL, NULL, 'Не горит фонарь',"
	    " 1781000000, 1781000000, 1781003600, NULL, NULL)");
	run_sql(f->s->conn, "INSERT INTO report_search_keys(key, report)"
	    " VALUES (1781506800 << 24, 1), (1781000000 << 24, 5)");
	run_sql(f->s->conn, "INSERT INTO report_text(rowid, description,"
	    " address) SELECT k.key, r.description, r.address"
	    " FROM report_search_keys k JOIN reports r ON r.id = k.report");
	run_sql(f->s->conn, "INSERT INTO report_updates(id, report, status,"
	    " description, created) VALUES (10, 1, 1, 'Принято', 1781507000),"
	    " (12, 1, 1, NULL, 1781600000)");
	run_sql(f->s->conn, "INSERT INTO workflow_updates(update_id, report,"
	    " action) VALUES (10, 1, 1)");
	run_sql(f->s->conn, "UPDATE reports SET agency = 'parks',"
	    " forwarded_from = 'roads', expected = 1784100000 WHERE id = 1");
	run_sql(f->s->conn, "INSERT INTO workflow_updates(update_id, report,"
	    " action, agency) VALUES (12, 1, 5, 'parks')");
	/* A table without a key (the rowid; on PostgreSQL the ctid). */
	run_sql(f->s->conn, "INSERT INTO rate_hits(key, at) VALUES"
	    " ('ключ', 1), ('ключ', 2), ('другой', 3), ('x', 4), ('y', 5)");
}

static void
fill_gone(struct fill *f)
{
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
}

/* Everything a user of the converted modules reads, as one text. */
struct seen {
	char text[TEXT_MAX];
};

static void
seen_add(struct seen *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
seen_add(struct seen *o, const char *fmt, ...)
{
	size_t n = strlen(o->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->text + n, sizeof(o->text) - n, fmt, ap);
	va_end(ap);
}

static int
on_key(const struct store_apikey *k, void *arg)
{
	seen_add(arg, "key %s/%s/%lld/%d;", k->name, k->agency,
	    (long long)k->created, k->revoked);
	return 0;
}

static int
on_address(const char *address, double lat, double lon, void *arg)
{
	seen_add(arg, "address %s/%.17g/%.17g;", address, lat, lon);
	return 0;
}

static int
on_event(const struct opendata_event *r, void *arg)
{
	seen_add(arg, "event %lld/%s/%lld/%d/%s/%s/%lld/%lld/%s;",
	    (long long)r->report_id, r->agency ? r->agency : "-",
	    (long long)r->update_id, r->action, r->to_agency ? r->to_agency :
	    "-", r->from_agency ? r->from_agency : "-",
	    (long long)r->register_due, (long long)r->expected,
	    r->note ? r->note : "-");
	return 0;
}

static int
on_report(const struct opendata_report *r, void *arg)
{
	seen_add(arg, "report %lld/%s/%d/%.17g/%.17g/%s;", (long long)r->id,
	    r->agency ? r->agency : "-", r->has_point, r->lat, r->lon,
	    r->description);
	return 0;
}

static int
on_head(const struct agency_head *h, void *arg)
{
	seen_add(arg, "head %s/%s/%s/%s/%s/%s;", h->agency, h->parent ?
	    h->parent : "-", h->name[0] ? h->name[0] : "-", h->name[1] ?
	    h->name[1] : "-", h->title[0] ? h->title[0] : "-", h->title[1] ?
	    h->title[1] : "-");
	return 0;
}

/* Read s through the converted modules' functions into o. */
static void
read_all(struct store *s, struct seen *o)
{
	unsigned char h[STORE_KEY_HASH_LEN];
	char name[128], agency[64], ids[256];
	int i;

	memset(o, 0, sizeof(*o));
	assert_int_equal(store_apikey_each(s, on_key, o), 0);
	for (i = 1; i <= 3; i++) {
		key_hash(i, h);
		seen_add(o, "find %d: %d %s %s;", i, store_apikey_find(s, h,
		    name, sizeof(name), agency, sizeof(agency)), name, agency);
	}
	assert_int_equal(store_address_search(s, "\"ленин\"*", 0, on_address,
	    o), 0);
	assert_int_equal(store_address_search(s, "\"мира\"*", 0, on_address,
	    o), 0);
	assert_int_equal(store_agency_head_get(s, "parks", on_head, o), 0);
	assert_int_equal(store_ratings_history_each(s, on_event, o), 0);
	assert_int_equal(store_opendata_reports_each(s, on_report, o), 0);
	column_text(s->conn, "SELECT id FROM apikeys ORDER BY id", ids,
	    sizeof(ids));
	seen_add(o, "key ids %s;", ids);
}

static int64_t
count_of(struct store *s, const char *table)
{
	char sql[128], out[64];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	column_text(s->conn, sql, out, sizeof(out));
	return strtoll(out, NULL, 10);
}

/* Copy f's source into a prepared target: store_copy's result. */
static int
copy_into(struct fill *f, struct store *to, struct copy_report *r,
    enum copy_method method, char *err, size_t errlen)
{
	struct copy_opts o = { .batch = 2, .method = method };

	return store_copy(f->s, to, &o, r, err, errlen);
}

/* The target's indexes, with their definitions. */
#define INDEXES_SQL "SELECT indexdef FROM pg_indexes WHERE schemaname =" \
    " current_schema() ORDER BY indexname"

/* What the source says, the target says after the copy. */
static void
reads_back(enum copy_method method)
{
	static struct copy_report r;
	static char indexes[2][65536];
	struct seen a, b;
	struct store *to, *full;
	struct fill f;
	char err[1024];
	size_t i;

	fill_source(&f);
	to = target_prepared(f.s, target_url());
	column_text(to->conn, INDEXES_SQL, indexes[0], sizeof(indexes[0]));
	assert_true(strlen(indexes[0]) + 1 < sizeof(indexes[0]));
	/* Batches of 2 rows: keys carry from batch to batch. */
	assert_int_equal(copy_into(&f, to, &r, method, err, sizeof(err)), 0);
	/* The indexes set aside for the copy are back, every one. */
	column_text(to->conn, INDEXES_SQL, indexes[1], sizeof(indexes[1]));
	assert_string_equal(indexes[1], indexes[0]);
	assert_non_null(strstr(indexes[0], "report_geo_box"));
	assert_int_equal(r.nlost, 0);
	assert_int_not_equal(store_copy_verify(f.s, to, &r, err, sizeof(err)),
	    -1);
	for (i = 0; i < r.n; i++) {
		if (r.t[i].from_rows != r.t[i].to_rows)
			print_error("table %s: %lld rows in the source, %lld in "
			    "the target\n", r.t[i].name,
			    (long long)r.t[i].from_rows,
			    (long long)r.t[i].to_rows);
		assert_int_not_equal(r.t[i].state, COPY_MISSING);
		assert_int_equal(r.t[i].from_rows, r.t[i].to_rows);
	}
	store_close(to);
	if ((full = store_copy_open_full(target_url(), err, sizeof(err))) ==
	    NULL)
		fail_msg("%s", err);
	read_all(f.s, &a);
	read_all(full, &b);
	assert_string_equal(b.text, a.text);
	/* The text index was rebuilt: a report's word finds it. */
	column_text(full->conn, "SELECT r.id FROM report_text t JOIN"
	    " report_search_keys k ON k.key = t.rowid JOIN reports r"
	    " ON r.id = k.report WHERE t.fts @@ veche_match('\"фонарь\"',"
	    " 'russian')", err, sizeof(err));
	assert_string_equal(err, "5");
	store_close(full);
	fill_gone(&f);
}

static void
test_reads_back_copy(void **state)
{
	(void)state;
	reads_back(COPY_METHOD_COPY);
}

static void
test_reads_back_insert(void **state)
{
	(void)state;
	reads_back(COPY_METHOD_INSERT);
}

/* A new row on the target takes the id after the copied ones. */
static void
test_sequences_continue(void **state)
{
	static struct copy_report r;
	char err[1024], ids[256];
	struct store *to;
	struct fill f;

	(void)state;
	fill_source(&f);
	to = target_prepared(f.s, target_url());
	assert_int_equal(copy_into(&f, to, &r, COPY_METHOD_COPY, err,
	    sizeof(err)), 0);
	run_sql(to->conn, "INSERT INTO apikeys(name, hash, created) VALUES"
	    " ('новый', '\\x00ff', 1782000000)");
	run_sql(to->conn, "INSERT INTO report_updates(report, status,"
	    " created) VALUES (1, 2, 1782000000)");
	column_text(to->conn, "SELECT id FROM apikeys ORDER BY id", ids,
	    sizeof(ids));
	assert_string_equal(ids, "1,3,4");
	column_text(to->conn, "SELECT max(id) FROM report_updates", ids,
	    sizeof(ids));
	assert_string_equal(ids, "13");
	store_close(to);
	fill_gone(&f);
}

/*
 * The ratings' triggers did not fire on the target: the facts are the
 * source's, not those plus the ones inserting workflow_updates would
 * add (the triggers are there: a workflow entry written after the copy
 * adds its fact).
 */
static void
test_triggers_quiet(void **state)
{
	static struct copy_report r;
	char err[1024];
	struct store *to;
	struct fill f;
	int64_t facts;

	(void)state;
	fill_source(&f);
	facts = count_of(f.s, "ratings_facts");
	assert_true(facts > 0);
	to = target_prepared(f.s, target_url());
	assert_int_equal(copy_into(&f, to, &r, COPY_METHOD_COPY, err,
	    sizeof(err)), 0);
	assert_int_equal(count_of(to, "ratings_facts"), facts);
	run_sql(to->conn, "INSERT INTO report_updates(id, report, status,"
	    " created) VALUES (20, 5, 1, 1781100000)");
	run_sql(to->conn, "INSERT INTO workflow_updates(update_id, report,"
	    " action) VALUES (20, 5, 1)");
	assert_int_equal(count_of(to, "ratings_facts"), facts + 1);
	store_close(to);
	fill_gone(&f);
}

/* A target holding rows is refused, naming the table; nothing written. */
static void
test_nonempty_refused(void **state)
{
	static struct copy_report r;
	char err[1024];
	struct store *to;
	struct fill f;

	(void)state;
	fill_source(&f);
	to = target_prepared(f.s, target_url());
	run_sql(to->conn, "INSERT INTO addresses(address, lat, lon) VALUES"
	    " ('переулок Тихий, 3', 1, 2)");
	assert_int_equal(copy_into(&f, to, &r, COPY_METHOD_COPY, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "the target already holds rows: table "
	    "addresses has 1"));
	assert_int_equal(count_of(to, "addresses"), 1);
	assert_int_equal(count_of(to, "apikeys"), 0);
	assert_int_equal(count_of(to, "reports"), 0);
	/* The seeded answer templates are no rows of anyone's. */
	assert_int_equal(count_of(to, "answer_templates"), 3);
	store_close(to);
	fill_gone(&f);
}

/*
 * A PostgreSQL source: the copy of the SQLite file copied again into a
 * second database reads back the same (its catalogue is
 * information_schema; a table without a key goes by ctid).
 */
static void
test_from_postgresql(void **state)
{
	/* Batches of 3 by INSERT: the other method, other batch edges. */
	const struct copy_opts o = { .batch = 3,
	    .method = COPY_METHOD_INSERT };
	static struct copy_report r;
	struct store *mid, *to, *full;
	struct seen a, b;
	struct fill f;
	char err[1024];
	size_t i;

	(void)state;
	fill_source(&f);
	mid = target_prepared(f.s, target_url());
	assert_int_equal(copy_into(&f, mid, &r, COPY_METHOD_COPY, err,
	    sizeof(err)), 0);
	store_close(mid);
	to = target_prepared(f.s, db_url(1));
	if ((mid = store_copy_open_full(target_url(), err, sizeof(err))) ==
	    NULL)
		fail_msg("%s", err);
	if (store_copy(mid, to, &o, &r, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_copy_verify(mid, to, &r, err, sizeof(err)), 0);
	for (i = 0; i < r.n; i++)
		assert_true(r.t[i].state == COPY_COPIED);
	store_close(to);
	if ((full = store_copy_open_full(db_url(1), err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	read_all(f.s, &a);
	read_all(full, &b);
	assert_string_equal(b.text, a.text);
	store_close(full);
	store_close(mid);
	fill_gone(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_back_copy),
		cmocka_unit_test(test_reads_back_insert),
		cmocka_unit_test(test_sequences_continue),
		cmocka_unit_test(test_triggers_quiet),
		cmocka_unit_test(test_nonempty_refused),
		cmocka_unit_test(test_from_postgresql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
