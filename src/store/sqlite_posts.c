/*
 * sqlite_posts.c: the posts module of the store (store_posts.h):
 * listening's sources, posts, saved queries, matches, agency aliases,
 * district names, trends and spike e-mail.  On the statement layer
 * (sql.h); users are the accounts module's, deliveries the delivery
 * module's, addresses the core's.
 */
#include <string.h>

#include "store/sql_store.h"
#include "store/store_posts.h"

static const char *const posts_migrations[] = {
	/* 1: sources, posts, saved queries, matches, agency aliases. */
	"CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL, url TEXT, interval INTEGER NOT NULL,"
	" timeout_ms INTEGER NOT NULL, etag TEXT, last_modified TEXT,"
	" next_fetch INTEGER NOT NULL DEFAULT 0,"
	" failures INTEGER NOT NULL DEFAULT 0, last_success INTEGER,"
	" last_attempt INTEGER, last_error TEXT,"
	" fetches INTEGER NOT NULL DEFAULT 0,"
	" not_modified INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE posts(id INTEGER PRIMARY KEY, source INTEGER NOT NULL"
	" REFERENCES sources(id) ON DELETE CASCADE, guid TEXT NOT NULL,"
	" url TEXT, author TEXT, published INTEGER NOT NULL,"
	" fetched INTEGER NOT NULL, body TEXT NOT NULL, lang TEXT NOT NULL,"
	" sentiment INTEGER NOT NULL, negative REAL NOT NULL,"
	" complaint REAL NOT NULL, agency TEXT, place TEXT, lat REAL,"
	" lon REAL, grp INTEGER NOT NULL, signature BLOB,"
	" UNIQUE(source, guid));"
	"CREATE INDEX posts_time ON posts(published, id);"
	"CREATE INDEX posts_source ON posts(source, published);"
	"CREATE TABLE saved_queries(id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, query TEXT NOT NULL, owner TEXT,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE post_matches(query INTEGER NOT NULL REFERENCES"
	" saved_queries(id) ON DELETE CASCADE, post INTEGER NOT NULL"
	" REFERENCES posts(id) ON DELETE CASCADE, PRIMARY KEY(query, post))"
	" WITHOUT ROWID;"
	"CREATE INDEX post_matches_post ON post_matches(post);"
	"CREATE TABLE agency_aliases(agency TEXT NOT NULL, alias TEXT NOT NULL,"
	" PRIMARY KEY(agency, alias)) WITHOUT ROWID;",
	/* 2: districts named in posts (city file "districts"). */
	"CREATE TABLE district_names(district TEXT NOT NULL, name TEXT NOT NULL,"
	" PRIMARY KEY(district, name)) WITHOUT ROWID;"
	"ALTER TABLE posts ADD COLUMN district TEXT;",
	/*
	 * 3: trends (core/trends.h): posts and negative posts per local day
	 * and series (dim 0 all, 1 saved query, 2 agency, 3 district, 4
	 * source), kept by the ingest's transaction; the spikes raised.
	 * Posts stored before are counted in by the process's time zone.
	 */
	"CREATE TABLE post_days(dim INTEGER NOT NULL, key TEXT NOT NULL,"
	" day INTEGER NOT NULL, posts INTEGER NOT NULL,"
	" negative INTEGER NOT NULL, PRIMARY KEY(dim, key, day)) WITHOUT ROWID;"
	"CREATE TABLE listen_spikes(id INTEGER PRIMARY KEY,"
	" dim INTEGER NOT NULL, key TEXT NOT NULL, day INTEGER NOT NULL,"
	" negative INTEGER NOT NULL, mean REAL NOT NULL, sd REAL NOT NULL,"
	" created INTEGER NOT NULL, UNIQUE(dim, key, day));"
	"CREATE INDEX listen_spikes_day ON listen_spikes(day, id);"
	"INSERT INTO post_days SELECT dim, key, day, count(*),"
	" sum(sentiment = 0) FROM (SELECT CAST(julianday(published,"
	" 'unixepoch', 'localtime') - 2440587.5 AS INTEGER) AS day, sentiment,"
	" id FROM posts) p JOIN (SELECT 0 AS dim, '' AS key, id AS post"
	" FROM posts UNION ALL SELECT 1, CAST(query AS TEXT), post"
	" FROM post_matches UNION ALL SELECT 2, agency, id FROM posts"
	" WHERE agency IS NOT NULL UNION ALL SELECT 3, district, id"
	" FROM posts WHERE district IS NOT NULL UNION ALL SELECT 4,"
	" CAST(source AS TEXT), id FROM posts) k ON k.post = p.id"
	" GROUP BY dim, key, day;",
	/*
	 * 4 (spike mail): staff's subscriptions to spike e-mail (dim 0: all
	 * series) and the deliveries they were sent (outbox channel 4).
	 */
	"CREATE TABLE spike_subs(id INTEGER PRIMARY KEY, user INTEGER NOT NULL"
	" REFERENCES users(id) ON DELETE CASCADE, email TEXT NOT NULL,"
	" lang TEXT NOT NULL, dim INTEGER NOT NULL, key TEXT NOT NULL,"
	" created INTEGER NOT NULL, UNIQUE(user, dim, key));"
	"CREATE INDEX spike_subs_series ON spike_subs(dim, key);"
	"CREATE TABLE spike_mail(delivery INTEGER PRIMARY KEY REFERENCES"
	" deliveries(id) ON DELETE CASCADE, sub INTEGER NOT NULL REFERENCES"
	" spike_subs(id) ON DELETE CASCADE, spike INTEGER NOT NULL"
	" REFERENCES listen_spikes(id) ON DELETE CASCADE);"
	"CREATE INDEX spike_mail_sub ON spike_mail(sub);",
	/*
	 * 5 (ingest speed): no read uses posts_source (EXPLAIN QUERY PLAN:
	 * the list scans posts_time; a source's counts search the unique
	 * (source, guid) index as well), so a post stops paying its insert.
	 */
	"DROP INDEX posts_source;",
	/*
	 * 6 (analysts' corrections): who corrected a post's sentiment and
	 * service, when, from what to what; the post's sentiment column holds
	 * the latest, its service is its latest correction's.
	 */
	"CREATE TABLE post_corrections(id INTEGER PRIMARY KEY,"
	" post INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	" by TEXT NOT NULL, at INTEGER NOT NULL,"
	" old_sentiment INTEGER NOT NULL, new_sentiment INTEGER NOT NULL,"
	" old_service TEXT, new_service TEXT);"
	"CREATE INDEX post_corrections_post ON post_corrections(post, id);",
};

const struct migration_set store_posts_schema = {
	"posts", posts_migrations,
	sizeof(posts_migrations) / sizeof(posts_migrations[0])
};

/*
 * The same steps on PostgreSQL: signatures as BYTEA, "user" and "by"
 * quoted (reserved there).  Step 3's count of posts stored before takes
 * the day in the session's time zone (to_timestamp ... AT TIME ZONE), as
 * SQLite's julianday(..., 'localtime') takes the process's.
 */
static const char *const posts_migrations_pg[] = {
	/* 1: sources, posts, saved queries, matches, agency aliases. */
	"CREATE TABLE sources(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL, url TEXT, interval BIGINT NOT NULL,"
	" timeout_ms BIGINT NOT NULL, etag TEXT, last_modified TEXT,"
	" next_fetch BIGINT NOT NULL DEFAULT 0,"
	" failures BIGINT NOT NULL DEFAULT 0, last_success BIGINT,"
	" last_attempt BIGINT, last_error TEXT,"
	" fetches BIGINT NOT NULL DEFAULT 0,"
	" not_modified BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL);"
	"CREATE TABLE posts(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, source BIGINT NOT NULL"
	" REFERENCES sources(id) ON DELETE CASCADE, guid TEXT NOT NULL,"
	" url TEXT, author TEXT, published BIGINT NOT NULL,"
	" fetched BIGINT NOT NULL, body TEXT NOT NULL, lang TEXT NOT NULL,"
	" sentiment INTEGER NOT NULL, negative DOUBLE PRECISION NOT NULL,"
	" complaint DOUBLE PRECISION NOT NULL, agency TEXT, place TEXT,"
	" lat DOUBLE PRECISION, lon DOUBLE PRECISION, grp BIGINT NOT NULL,"
	" signature BYTEA, UNIQUE(source, guid));"
	"CREATE INDEX posts_time ON posts(published, id);"
	"CREATE INDEX posts_source ON posts(source, published);"
	"CREATE TABLE saved_queries(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL,"
	" owner TEXT, created BIGINT NOT NULL);"
	"CREATE TABLE post_matches(query BIGINT NOT NULL REFERENCES"
	" saved_queries(id) ON DELETE CASCADE, post BIGINT NOT NULL"
	" REFERENCES posts(id) ON DELETE CASCADE, PRIMARY KEY(query, post));"
	"CREATE INDEX post_matches_post ON post_matches(post);"
	"CREATE TABLE agency_aliases(agency TEXT NOT NULL, alias TEXT NOT NULL,"
	" PRIMARY KEY(agency, alias));",
	/* 2: districts named in posts (city file "districts"). */
	"CREATE TABLE district_names(district TEXT NOT NULL,"
	" name TEXT NOT NULL, PRIMARY KEY(district, name));"
	"ALTER TABLE posts ADD COLUMN district TEXT;",
	/* 3: trends: posts per local day and series; the spikes raised. */
	"CREATE TABLE post_days(dim INTEGER NOT NULL, key TEXT NOT NULL,"
	" day BIGINT NOT NULL, posts BIGINT NOT NULL,"
	" negative BIGINT NOT NULL, PRIMARY KEY(dim, key, day));"
	"CREATE TABLE listen_spikes(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, dim INTEGER NOT NULL, key TEXT NOT NULL,"
	" day BIGINT NOT NULL, negative BIGINT NOT NULL,"
	" mean DOUBLE PRECISION NOT NULL, sd DOUBLE PRECISION NOT NULL,"
	" created BIGINT NOT NULL, UNIQUE(dim, key, day));"
	"CREATE INDEX listen_spikes_day ON listen_spikes(day, id);"
	"INSERT INTO post_days SELECT dim, key, day, count(*),"
	" sum(CASE WHEN sentiment = 0 THEN 1 ELSE 0 END) FROM (SELECT"
	" floor(extract(epoch FROM to_timestamp(published) AT TIME ZONE"
	" current_setting('TimeZone')) / 86400)::BIGINT AS day, sentiment,"
	" id FROM posts) p JOIN (SELECT 0 AS dim, '' AS key, id AS post"
	" FROM posts UNION ALL SELECT 1, CAST(query AS TEXT), post"
	" FROM post_matches UNION ALL SELECT 2, agency, id FROM posts"
	" WHERE agency IS NOT NULL UNION ALL SELECT 3, district, id"
	" FROM posts WHERE district IS NOT NULL UNION ALL SELECT 4,"
	" CAST(source AS TEXT), id FROM posts) k ON k.post = p.id"
	" GROUP BY dim, key, day;",
	/* 4 (spike mail): staff's subscriptions, their deliveries. */
	"CREATE TABLE spike_subs(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY, \"user\" BIGINT NOT NULL"
	" REFERENCES users(id) ON DELETE CASCADE, email TEXT NOT NULL,"
	" lang TEXT NOT NULL, dim INTEGER NOT NULL, key TEXT NOT NULL,"
	" created BIGINT NOT NULL, UNIQUE(\"user\", dim, key));"
	"CREATE INDEX spike_subs_series ON spike_subs(dim, key);"
	"CREATE TABLE spike_mail(delivery BIGINT PRIMARY KEY REFERENCES"
	" deliveries(id) ON DELETE CASCADE, sub BIGINT NOT NULL REFERENCES"
	" spike_subs(id) ON DELETE CASCADE, spike BIGINT NOT NULL"
	" REFERENCES listen_spikes(id) ON DELETE CASCADE);"
	"CREATE INDEX spike_mail_sub ON spike_mail(sub);",
	/* 5 (ingest speed): no read uses posts_source. */
	"DROP INDEX posts_source;",
	/* 6 (analysts' corrections). */
	"CREATE TABLE post_corrections(id BIGINT GENERATED BY DEFAULT AS"
	" IDENTITY PRIMARY KEY,"
	" post BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	" \"by\" TEXT NOT NULL, at BIGINT NOT NULL,"
	" old_sentiment INTEGER NOT NULL, new_sentiment INTEGER NOT NULL,"
	" old_service TEXT, new_service TEXT);"
	"CREATE INDEX post_corrections_post ON post_corrections(post, id);",
};

const struct migration_set store_posts_schema_pg = {
	"posts", posts_migrations_pg,
	sizeof(posts_migrations_pg) / sizeof(posts_migrations_pg[0])
};

enum {
	Q_SOURCE_ADD, Q_SOURCE_REMOVE, Q_SOURCE_EACH, Q_SOURCE_ONE,
	Q_SOURCE_DUE, Q_SOURCE_NAME, Q_SOURCE_RESULT, Q_SOURCE_SINCE,
	Q_POST_INSERT, Q_POST_GROUP, Q_MATCH_INSERT, Q_POST_EACH, Q_POST_ONE,
	Q_POST_QUERIES, Q_SIGNATURES, Q_QUERY_ADD, Q_QUERY_UPDATE,
	Q_QUERY_REMOVE, Q_QUERY_EACH, Q_QUERY_ONE, Q_ALIAS_CLEAR,
	Q_ALIAS_ADD, Q_ALIAS_EACH, Q_ADDRESS_EACH, Q_SOURCE_PUT,
	Q_DISTRICT_CLEAR, Q_DISTRICT_ADD, Q_DISTRICT_EACH,
	Q_DAY_ADD, Q_DAY_RANGE, Q_SPIKE_ADD, Q_SPIKE_EACH,
	Q_SUB_PUT, Q_SUB_UNSENT, Q_SUB_REMOVE, Q_SUB_EACH, Q_SUB_MATCH,
	Q_MAIL_QUEUE, Q_MAIL_TIE, Q_MAIL_GET,
	Q_CORR_ADD, Q_CORR_SENTIMENT, Q_CORR_EACH, Q_CORR_LATEST,
	Q__MAX
};

_Static_assert(Q__MAX <= STORE_MOD_STMTS, "too many posts statements");

#define SOURCE_COLUMNS "id, name, kind, url, interval, timeout_ms, etag," \
	" last_modified, next_fetch, failures, last_success, last_attempt," \
	" last_error, fetches, not_modified, created," \
	" (SELECT count(*) FROM posts WHERE posts.source = sources.id)"
#define POST_COLUMNS "p.id, p.source, s.name, p.guid, p.url, p.author," \
	" p.published, p.fetched, p.body, p.lang, p.sentiment, p.negative," \
	" p.complaint, p.agency, p.place, p.lat, p.lon, p.grp, p.district"
#define QUERY_COLUMNS "id, name, query, owner, created"

static const char *const sql[Q__MAX] = {
	[Q_SOURCE_ADD] = "INSERT INTO sources(name, kind, url, interval,"
	    " timeout_ms, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT DO NOTHING RETURNING id",
	[Q_SOURCE_REMOVE] = "DELETE FROM sources WHERE id = ?1",
	[Q_SOURCE_EACH] = "SELECT " SOURCE_COLUMNS " FROM sources ORDER BY name",
	[Q_SOURCE_ONE] = "SELECT " SOURCE_COLUMNS " FROM sources WHERE id = ?1",
	[Q_SOURCE_DUE] = "SELECT " SOURCE_COLUMNS " FROM sources"
	    " WHERE url IS NOT NULL AND next_fetch <= ?1 ORDER BY next_fetch, id",
	[Q_SOURCE_NAME] = "SELECT " SOURCE_COLUMNS " FROM sources"
	    " WHERE name = ?1",
	[Q_SOURCE_RESULT] = "UPDATE sources SET"
	    " etag = CASE WHEN ?2 THEN coalesce(?3, etag) ELSE etag END,"
	    " last_modified = CASE WHEN ?2 THEN coalesce(?4, last_modified)"
	    " ELSE last_modified END,"
	    " last_success = CASE WHEN ?2 THEN ?6 ELSE last_success END,"
	    " last_error = CASE WHEN ?2 THEN NULL ELSE ?5 END,"
	    " last_attempt = ?6, next_fetch = ?7, failures = ?8,"
	    " fetches = fetches + 1, not_modified = not_modified + ?9"
	    " WHERE id = ?1",
	[Q_SOURCE_SINCE] = "SELECT count(*) FROM posts WHERE source = ?1"
	    " AND fetched >= ?2",
	[Q_POST_INSERT] = "INSERT INTO posts(source, guid, url, author,"
	    " published, fetched, body, lang, sentiment, negative, complaint,"
	    " agency, place, lat, lon, grp, signature, district) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	    " ?17, ?18)"
	    " ON CONFLICT DO NOTHING RETURNING id",
	[Q_POST_GROUP] = "UPDATE posts SET grp = id WHERE id = ?1",
	[Q_MATCH_INSERT] = "INSERT INTO post_matches(query, post)"
	    " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	/*
	 * A filter off is tested first, so SQLite skips the rest (the
	 * EXISTS above all); the casts give PostgreSQL each parameter's type
	 * where it first meets it (a time or an id BIGINT, not INTEGER).
	 */
	[Q_POST_EACH] = "SELECT " POST_COLUMNS " FROM posts p"
	    " JOIN sources s ON s.id = p.source"
	    " WHERE (CAST(?1 AS BIGINT) = 0 OR p.source = ?1)"
	    " AND (CAST(?2 AS BIGINT) = 0 OR EXISTS (SELECT 1"
	    " FROM post_matches m WHERE m.query = ?2 AND m.post = p.id))"
	    " AND (?3 = 0 OR p.sentiment = ?3 - 1)"
	    " AND (CAST(?4 AS TEXT) IS NULL OR p.agency = ?4)"
	    " AND (CAST(?5 AS BIGINT) = 0 OR p.published >= ?5)"
	    " AND (CAST(?6 AS BIGINT) = 0 OR p.published < ?6)"
	    " AND (CAST(?9 AS TEXT) IS NULL OR p.district = ?9)"
	    " ORDER BY p.published DESC, p.id DESC LIMIT ?7 OFFSET ?8",
	[Q_POST_ONE] = "SELECT " POST_COLUMNS " FROM posts p"
	    " JOIN sources s ON s.id = p.source WHERE p.id = ?1",
	[Q_POST_QUERIES] = "SELECT q.id, q.name, q.query, q.owner, q.created"
	    " FROM post_matches m JOIN saved_queries q ON q.id = m.query"
	    " WHERE m.post = ?1 ORDER BY q.name",
	[Q_SIGNATURES] = "SELECT id, grp, signature FROM (SELECT id, grp,"
	    " signature FROM posts ORDER BY id DESC LIMIT ?1) AS last"
	    " ORDER BY id",
	[Q_QUERY_ADD] = "INSERT INTO saved_queries(name, query, owner, created)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING id",
	[Q_QUERY_UPDATE] = "UPDATE saved_queries SET name = ?2, query = ?3"
	    " WHERE id = ?1",
	[Q_QUERY_REMOVE] = "DELETE FROM saved_queries WHERE id = ?1",
	[Q_QUERY_EACH] = "SELECT " QUERY_COLUMNS " FROM saved_queries"
	    " ORDER BY name",
	[Q_QUERY_ONE] = "SELECT " QUERY_COLUMNS " FROM saved_queries"
	    " WHERE id = ?1",
	[Q_ALIAS_CLEAR] = "DELETE FROM agency_aliases WHERE agency = ?1",
	[Q_ALIAS_ADD] = "INSERT INTO agency_aliases(agency, alias)"
	    " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[Q_ALIAS_EACH] = "SELECT agency, alias FROM agency_aliases"
	    " ORDER BY agency, alias",
	/* The core schema's address registry, read whole for place-finding. */
	[Q_ADDRESS_EACH] = "SELECT address, lat, lon FROM addresses ORDER BY id",
	/* The city file's sources: by name, fetch state and posts kept. */
	[Q_SOURCE_PUT] = "INSERT INTO sources(name, kind, url, interval,"
	    " timeout_ms, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(name) DO UPDATE SET kind = excluded.kind,"
	    " url = excluded.url, interval = excluded.interval",
	[Q_DISTRICT_CLEAR] = "DELETE FROM district_names",
	[Q_DISTRICT_ADD] = "INSERT INTO district_names(district, name)"
	    " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[Q_DISTRICT_EACH] = "SELECT district, name FROM district_names"
	    " ORDER BY district, name",
	/* Trends: one post into a series' day; a series' days; spikes. */
	[Q_DAY_ADD] = "INSERT INTO post_days(dim, key, day, posts, negative)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(dim, key, day) DO UPDATE"
	    " SET posts = post_days.posts + excluded.posts,"
	    " negative = post_days.negative + excluded.negative",
	[Q_DAY_RANGE] = "SELECT day, posts, negative FROM post_days"
	    " WHERE dim = ?1 AND key = ?2 AND day BETWEEN ?3 AND ?4"
	    " ORDER BY day",
	[Q_SPIKE_ADD] = "INSERT INTO listen_spikes(dim, key, day, negative,"
	    " mean, sd, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT DO NOTHING RETURNING id",
	[Q_SPIKE_EACH] = "SELECT id, dim, key, day, negative, mean, sd, created"
	    " FROM listen_spikes WHERE day BETWEEN ?1 AND ?2"
	    " ORDER BY day DESC, id DESC LIMIT ?3",
	/* Spike e-mail: subscriptions, their deliveries. */
	[Q_SUB_PUT] = "INSERT INTO spike_subs(\"user\", email, lang, dim,"
	    " key, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT(\"user\", dim, key) DO UPDATE"
	    " SET email = excluded.email, lang = excluded.lang RETURNING id",
	[Q_SUB_UNSENT] = "DELETE FROM deliveries WHERE state <> 2 AND id IN"
	    " (SELECT m.delivery FROM spike_mail m JOIN spike_subs s"
	    " ON s.id = m.sub WHERE s.id = ?1 AND s.\"user\" = ?2)",
	[Q_SUB_REMOVE] = "DELETE FROM spike_subs WHERE id = ?1"
	    " AND \"user\" = ?2",
	[Q_SUB_EACH] = "SELECT id, \"user\", email, lang, dim, key, created"
	    " FROM spike_subs WHERE \"user\" = ?1 OR ?1 = 0 ORDER BY id",
	[Q_SUB_MATCH] = "SELECT id FROM spike_subs WHERE dim = 0"
	    " OR (dim = ?1 AND key = ?2) ORDER BY id",
	[Q_MAIL_QUEUE] = "INSERT INTO deliveries(event, channel, state,"
	    " next_attempt, updated) VALUES (?1, 4, 0, ?2, ?2) RETURNING id",
	[Q_MAIL_TIE] = "INSERT INTO spike_mail(delivery, sub, spike)"
	    " VALUES (?1, ?2, ?3)",
	[Q_MAIL_GET] = "SELECT s.id, s.\"user\", s.email, s.lang, s.dim, s.key,"
	    " s.created, p.id, p.dim, p.key, p.day, p.negative, p.mean, p.sd,"
	    " p.created FROM spike_mail m JOIN spike_subs s ON s.id = m.sub"
	    " JOIN listen_spikes p ON p.id = m.spike WHERE m.delivery = ?1",
	/* Analysts' corrections. */
	[Q_CORR_ADD] = "INSERT INTO post_corrections(post, \"by\", at,"
	    " old_sentiment, new_sentiment, old_service, new_service)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[Q_CORR_SENTIMENT] = "UPDATE posts SET sentiment = ?2 WHERE id = ?1",
	[Q_CORR_EACH] = "SELECT c.id, c.post, c.\"by\", c.at, c.old_sentiment,"
	    " c.new_sentiment, c.old_service, c.new_service, NULL"
	    " FROM post_corrections c WHERE c.post = ?1 ORDER BY c.id DESC",
	[Q_CORR_LATEST] = "SELECT c.id, c.post, c.\"by\", c.at,"
	    " c.old_sentiment, c.new_sentiment, c.old_service, c.new_service,"
	    " p.body FROM post_corrections c JOIN posts p ON p.id = c.post"
	    " WHERE c.id = (SELECT max(id) FROM post_corrections l"
	    " WHERE l.post = c.post) ORDER BY c.post",
};

/* PostgreSQL runs every text as written. */
const struct stmt_table store_posts_stmts = { sql, Q__MAX };

#define ST(i) ss_stmt(s, STORE_MOD_POSTS, (i))

/*
 * Run an INSERT ... ON CONFLICT DO NOTHING RETURNING id: 0 with *id, 2
 * when the row was there already (no id returned), -1.
 */
static int
insert_id(struct store *s, struct sql_stmt *st, const char *what,
    int64_t *id)
{
	int rc = ss_row(s, st, what, ss_int64_row, id);

	return rc == 1 ? 2 : rc;
}

/* Statement idx (Q_SOURCE_ADD or Q_SOURCE_PUT) bound to src, or NULL. */
static struct sql_stmt *
source_bind(struct store *s, int idx, const struct source *src)
{
	struct sql_stmt *st = ST(idx);

	if (st == NULL)
		return NULL;
	sql_bind_text(st, 1, src->name);
	sql_bind_text(st, 2, src->kind);
	sql_bind_text(st, 3, src->url);
	sql_bind_int64(st, 4, src->interval);
	sql_bind_int64(st, 5, src->timeout_ms);
	sql_bind_int64(st, 6, src->created);
	return st;
}

int
store_source_add(struct store *s, const struct source *src, int64_t *id)
{
	return insert_id(s, source_bind(s, Q_SOURCE_ADD, src),
	    "writing a source", id);
}

int
store_source_put(struct store *s, const struct source *src)
{
	return ss_done(s, source_bind(s, Q_SOURCE_PUT, src),
	    "writing a source");
}

/* Run a one-statement write bound to id: 0, 1 when nothing changed. */
static int
write_id(struct store *s, int idx, int64_t id, const char *what)
{
	struct sql_stmt *st = ST(idx);

	sql_bind_int64(st, 1, id);
	return ss_changed(s, st, what);
}

int
store_source_remove(struct store *s, int64_t id)
{
	return write_id(s, Q_SOURCE_REMOVE, id, "removing a source");
}

struct rows {
	int (*source)(const struct source *, void *);
	int (*post)(const struct post *, void *);
	int (*query)(const struct saved_query *, void *);
	void *arg;
};

static int
source_row(struct sql_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct source src;

	memset(&src, 0, sizeof(src));
	src.id = sql_column_int64(st, 0);
	src.name = sql_column_text(st, 1);
	src.kind = sql_column_text(st, 2);
	src.url = sql_column_text(st, 3);
	src.interval = sql_column_int64(st, 4);
	src.timeout_ms = sql_column_int64(st, 5);
	src.etag = sql_column_text(st, 6);
	src.last_modified = sql_column_text(st, 7);
	src.next_fetch = sql_column_int64(st, 8);
	src.failures = sql_column_int64(st, 9);
	src.last_success = sql_column_int64(st, 10);
	src.last_attempt = sql_column_int64(st, 11);
	src.last_error = sql_column_text(st, 12);
	src.fetches = sql_column_int64(st, 13);
	src.not_modified = sql_column_int64(st, 14);
	src.created = sql_column_int64(st, 15);
	src.posts = sql_column_int64(st, 16);
	return r->source(&src, r->arg);
}

int
store_source_each(struct store *s, int64_t id, int64_t due,
    int (*fn)(const struct source *, void *), void *arg)
{
	struct rows r = { .source = fn, .arg = arg };
	struct sql_stmt *st;

	if (id > 0) {
		st = ST(Q_SOURCE_ONE);
		if (st != NULL)
			sql_bind_int64(st, 1, id);
		return ss_row(s, st, "reading a source", source_row, &r);
	}
	st = ST(due > 0 ? Q_SOURCE_DUE : Q_SOURCE_EACH);
	if (st != NULL && due > 0)
		sql_bind_int64(st, 1, due);
	return ss_rows(s, st, "reading sources", source_row, &r);
}

int
store_source_by_name(struct store *s, const char *name,
    int (*fn)(const struct source *, void *), void *arg)
{
	struct rows r = { .source = fn, .arg = arg };
	struct sql_stmt *st = ST(Q_SOURCE_NAME);

	if (st != NULL)
		sql_bind_text(st, 1, name);
	return ss_row(s, st, "reading a source", source_row, &r);
}

int
store_source_result(struct store *s, int64_t id,
    const struct source_result *res)
{
	struct sql_stmt *st = ST(Q_SOURCE_RESULT);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, id);
	sql_bind_int(st, 2, res->ok);
	sql_bind_text(st, 3, res->etag);
	sql_bind_text(st, 4, res->last_modified);
	sql_bind_text(st, 5, res->error);
	sql_bind_int64(st, 6, res->at);
	sql_bind_int64(st, 7, res->next_fetch);
	sql_bind_int64(st, 8, res->failures);
	sql_bind_int(st, 9, res->not_modified);
	return ss_done(s, st, "recording a fetch");
}

int
store_source_posts_since(struct store *s, int64_t source, int64_t since,
    int64_t *n)
{
	struct sql_stmt *st = ST(Q_SOURCE_SINCE);

	*n = 0;
	if (st != NULL) {
		sql_bind_int64(st, 1, source);
		sql_bind_int64(st, 2, since);
	}
	return ss_row(s, st, "counting posts", ss_int64_row, n) == -1 ? -1 : 0;
}

static int
bind_real_or_null(struct sql_stmt *st, int i, int have, double v)
{
	return have ? sql_bind_double(st, i, v) : sql_bind_null(st, i);
}

int
store_post_insert(struct store *s, const struct post *p, int64_t *id)
{
	struct sql_stmt *st = ST(Q_POST_INSERT);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, p->source);
	sql_bind_text(st, 2, p->guid);
	sql_bind_text(st, 3, p->url);
	sql_bind_text(st, 4, p->author);
	sql_bind_int64(st, 5, p->published);
	sql_bind_int64(st, 6, p->fetched);
	sql_bind_text(st, 7, p->body);
	sql_bind_text(st, 8, p->lang);
	sql_bind_int(st, 9, (int)p->sentiment);
	sql_bind_double(st, 10, p->negative);
	sql_bind_double(st, 11, p->complaint);
	sql_bind_text(st, 12, p->agency);
	sql_bind_text(st, 13, p->place);
	bind_real_or_null(st, 14, p->place != NULL, p->lat);
	bind_real_or_null(st, 15, p->place != NULL, p->lon);
	sql_bind_int64(st, 16, p->group);
	if (p->signature != NULL)
		sql_bind_blob(st, 17, p->signature, p->signature_len);
	else
		sql_bind_null(st, 17);
	sql_bind_text(st, 18, p->district);
	if ((rc = insert_id(s, st, "storing a post", id)) != 0)
		return rc;
	if (p->group == 0 && write_id(s, Q_POST_GROUP, *id,
	    "grouping a post") == -1)
		return -1;
	return 0;
}

int
store_matches_insert(struct store *s, const struct store_match *m,
    size_t n)
{
	struct sql_stmt *st;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((st = ST(Q_MATCH_INSERT)) == NULL)
			return -1;
		sql_bind_int64(st, 1, m[i].query);
		sql_bind_int64(st, 2, m[i].post);
		if (ss_done(s, st, "storing a match") == -1)
			return -1;
	}
	return 0;
}

static int
post_row(struct sql_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct post p;

	memset(&p, 0, sizeof(p));
	p.id = sql_column_int64(st, 0);
	p.source = sql_column_int64(st, 1);
	p.source_name = sql_column_text(st, 2);
	p.guid = sql_column_text(st, 3);
	p.url = sql_column_text(st, 4);
	p.author = sql_column_text(st, 5);
	p.published = sql_column_int64(st, 6);
	p.fetched = sql_column_int64(st, 7);
	p.body = sql_column_text(st, 8);
	p.lang = sql_column_text(st, 9);
	p.sentiment = (enum post_sentiment)sql_column_int(st, 10);
	p.negative = sql_column_double(st, 11);
	p.complaint = sql_column_double(st, 12);
	p.agency = sql_column_text(st, 13);
	p.place = sql_column_text(st, 14);
	p.lat = sql_column_double(st, 15);
	p.lon = sql_column_double(st, 16);
	p.group = sql_column_int64(st, 17);
	p.district = sql_column_text(st, 18);
	return r->post(&p, r->arg);
}

int
store_post_each(struct store *s, const struct post_filter *f,
    int (*fn)(const struct post *, void *), void *arg)
{
	struct rows r = { .post = fn, .arg = arg };
	struct sql_stmt *st = ST(Q_POST_EACH);

	if (st != NULL) {
		sql_bind_int64(st, 1, f->source);
		sql_bind_int64(st, 2, f->query);
		sql_bind_int(st, 3, f->sentiment);
		sql_bind_text(st, 4, f->agency);
		sql_bind_int64(st, 5, f->since);
		sql_bind_int64(st, 6, f->until);
		sql_bind_int64(st, 7, (int64_t)f->limit);
		sql_bind_int64(st, 8, (int64_t)f->offset);
		sql_bind_text(st, 9, f->district);
	}
	return ss_rows(s, st, "reading posts", post_row, &r);
}

int
store_post_get(struct store *s, int64_t id,
    int (*fn)(const struct post *, void *), void *arg)
{
	struct rows r = { .post = fn, .arg = arg };
	struct sql_stmt *st = ST(Q_POST_ONE);

	if (st != NULL)
		sql_bind_int64(st, 1, id);
	return ss_row(s, st, "reading a post", post_row, &r);
}

static int
query_row(struct sql_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct saved_query q;

	q.id = sql_column_int64(st, 0);
	q.name = sql_column_text(st, 1);
	q.query = sql_column_text(st, 2);
	q.owner = sql_column_text(st, 3);
	q.created = sql_column_int64(st, 4);
	return r->query(&q, r->arg);
}

int
store_post_queries(struct store *s, int64_t post,
    int (*fn)(const struct saved_query *, void *), void *arg)
{
	struct rows r = { .query = fn, .arg = arg };
	struct sql_stmt *st = ST(Q_POST_QUERIES);

	if (st != NULL)
		sql_bind_int64(st, 1, post);
	return ss_rows(s, st, "reading a post's queries", query_row, &r);
}

int
store_correction_add(struct store *s, const struct post_correction *c,
    int64_t *id)
{
	struct sql_stmt *st = ST(Q_CORR_ADD);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, c->post);
	sql_bind_text(st, 2, c->by);
	sql_bind_int64(st, 3, c->at);
	sql_bind_int(st, 4, (int)c->old_sentiment);
	sql_bind_int(st, 5, (int)c->new_sentiment);
	sql_bind_text(st, 6, c->old_service);
	sql_bind_text(st, 7, c->new_service);
	if (insert_id(s, st, "storing a correction", id) != 0)
		return -1;
	if ((st = ST(Q_CORR_SENTIMENT)) == NULL)
		return -1;
	sql_bind_int64(st, 1, c->post);
	sql_bind_int(st, 2, (int)c->new_sentiment);
	return ss_done(s, st, "correcting a post's sentiment");
}

struct corr_rows {
	int (*fn)(const struct post_correction *, void *);
	void *arg;
};

static int
corr_row(struct sql_stmt *st, void *arg)
{
	const struct corr_rows *r = arg;
	struct post_correction c;

	c.id = sql_column_int64(st, 0);
	c.post = sql_column_int64(st, 1);
	c.by = sql_column_text(st, 2);
	c.at = sql_column_int64(st, 3);
	c.old_sentiment = (enum post_sentiment)sql_column_int(st, 4);
	c.new_sentiment = (enum post_sentiment)sql_column_int(st, 5);
	c.old_service = sql_column_text(st, 6);
	c.new_service = sql_column_text(st, 7);
	c.body = sql_column_text(st, 8);
	return r->fn(&c, r->arg);
}

int
store_correction_each(struct store *s, int64_t post,
    int (*fn)(const struct post_correction *, void *), void *arg)
{
	struct corr_rows r = { fn, arg };
	struct sql_stmt *st = ST(post > 0 ? Q_CORR_EACH : Q_CORR_LATEST);

	if (st != NULL && post > 0)
		sql_bind_int64(st, 1, post);
	return ss_rows(s, st, "reading corrections", corr_row, &r);
}

struct sig_rows {
	int (*fn)(int64_t, int64_t, const unsigned char *, size_t, void *);
	void *arg;
};

static int
sig_row(struct sql_stmt *st, void *arg)
{
	const struct sig_rows *r = arg;

	return r->fn(sql_column_int64(st, 0), sql_column_int64(st, 1),
	    sql_column_blob(st, 2), sql_column_bytes(st, 2),
	    r->arg);
}

int
store_post_signatures(struct store *s, size_t limit,
    int (*fn)(int64_t id, int64_t group, const unsigned char *sig,
    size_t len, void *), void *arg)
{
	struct sig_rows r = { fn, arg };
	struct sql_stmt *st = ST(Q_SIGNATURES);

	if (st != NULL)
		sql_bind_int64(st, 1, (int64_t)limit);
	return ss_rows(s, st, "reading signatures", sig_row, &r);
}

int
store_query_add(struct store *s, const struct saved_query *q, int64_t *id)
{
	struct sql_stmt *st = ST(Q_QUERY_ADD);

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, q->name);
	sql_bind_text(st, 2, q->query);
	sql_bind_text(st, 3, q->owner);
	sql_bind_int64(st, 4, q->created);
	return insert_id(s, st, "saving a query", id);
}

int
store_query_update(struct store *s, const struct saved_query *q)
{
	struct sql_stmt *st = ST(Q_QUERY_UPDATE);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, q->id);
	sql_bind_text(st, 2, q->name);
	sql_bind_text(st, 3, q->query);
	return ss_changed(s, st, "changing a query");
}

int
store_query_remove(struct store *s, int64_t id)
{
	return write_id(s, Q_QUERY_REMOVE, id, "removing a query");
}

int
store_query_each(struct store *s, int64_t id,
    int (*fn)(const struct saved_query *, void *), void *arg)
{
	struct rows r = { .query = fn, .arg = arg };
	struct sql_stmt *st = ST(id > 0 ? Q_QUERY_ONE : Q_QUERY_EACH);

	if (id > 0) {
		if (st != NULL)
			sql_bind_int64(st, 1, id);
		return ss_row(s, st, "reading a query", query_row, &r);
	}
	return ss_rows(s, st, "reading queries", query_row, &r);
}

/*
 * Clear with clear (-1: nothing to clear; bound to key unless key is
 * NULL), then add each name of list under owner with add, in one
 * transaction.
 */
static int
names_set(struct store *s, int clear, int add, const char *key,
    const char *owner, const char *const *list, size_t n)
{
	struct sql_stmt *st;
	size_t i;
	int own, rc = 0;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	if (clear >= 0) {
		if ((st = ST(clear)) == NULL)
			rc = -1;
		else {
			if (key != NULL)
				sql_bind_text(st, 1, key);
			rc = ss_done(s, st, "clearing names");
		}
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if ((st = ST(add)) == NULL) {
			rc = -1;
			break;
		}
		sql_bind_text(st, 1, owner);
		sql_bind_text(st, 2, list[i]);
		rc = ss_done(s, st, "adding a name");
	}
	return ss_tx_finish(s, own, rc);
}

int
store_alias_set(struct store *s, const char *agency,
    const char *const *list, size_t n)
{
	return names_set(s, Q_ALIAS_CLEAR, Q_ALIAS_ADD, agency, agency, list,
	    n);
}

int
store_district_clear(struct store *s)
{
	return names_set(s, Q_DISTRICT_CLEAR, Q_DISTRICT_ADD, NULL, NULL,
	    NULL, 0);
}

int
store_district_set(struct store *s, const char *district,
    const char *const *names, size_t n)
{
	return names_set(s, -1, Q_DISTRICT_ADD, NULL, district, names, n);
}

struct alias_rows {
	int (*fn)(const char *, const char *, void *);
	void *arg;
};

static int
alias_row(struct sql_stmt *st, void *arg)
{
	const struct alias_rows *r = arg;

	return r->fn(sql_column_text(st, 0), sql_column_text(st, 1), r->arg);
}

int
store_alias_each(struct store *s,
    int (*fn)(const char *agency, const char *alias, void *), void *arg)
{
	struct alias_rows r = { fn, arg };

	return ss_rows(s, ST(Q_ALIAS_EACH), "reading aliases", alias_row, &r);
}

int
store_district_each(struct store *s,
    int (*fn)(const char *district, const char *name, void *), void *arg)
{
	struct alias_rows r = { fn, arg };

	return ss_rows(s, ST(Q_DISTRICT_EACH), "reading districts", alias_row,
	    &r);
}

struct address_rows {
	int (*fn)(const char *, double, double, void *);
	void *arg;
};

static int
address_row(struct sql_stmt *st, void *arg)
{
	const struct address_rows *r = arg;

	return r->fn(sql_column_text(st, 0), sql_column_double(st, 1),
	    sql_column_double(st, 2), r->arg);
}

int
store_posts_addresses(struct store *s,
    int (*fn)(const char *address, double lat, double lon, void *),
    void *arg)
{
	struct address_rows r = { fn, arg };

	return ss_rows(s, ST(Q_ADDRESS_EACH), "reading addresses",
	    address_row, &r);
}

int
store_trend_add(struct store *s, int dim, const char *key, int64_t day,
    int64_t posts, int64_t negative)
{
	struct sql_stmt *st = ST(Q_DAY_ADD);

	if (st == NULL)
		return -1;
	sql_bind_int(st, 1, dim);
	sql_bind_text(st, 2, key);
	sql_bind_int64(st, 3, day);
	sql_bind_int64(st, 4, posts);
	sql_bind_int64(st, 5, negative);
	return ss_done(s, st, "counting a post's day");
}

struct day_rows {
	int (*fn)(int64_t, int64_t, int64_t, void *);
	void *arg;
};

static int
day_row(struct sql_stmt *st, void *arg)
{
	const struct day_rows *r = arg;

	return r->fn(sql_column_int64(st, 0), sql_column_int64(st, 1),
	    sql_column_int64(st, 2), r->arg);
}

int
store_trend_each(struct store *s, int dim, const char *key, int64_t from,
    int64_t to, int (*fn)(int64_t day, int64_t posts, int64_t negative,
    void *), void *arg)
{
	struct day_rows r = { fn, arg };
	struct sql_stmt *st = ST(Q_DAY_RANGE);

	if (st != NULL) {
		sql_bind_int(st, 1, dim);
		sql_bind_text(st, 2, key);
		sql_bind_int64(st, 3, from);
		sql_bind_int64(st, 4, to);
	}
	return ss_rows(s, st, "reading a trend", day_row, &r);
}

int
store_spike_add(struct store *s, const struct trend_spike *sp, int64_t *id)
{
	struct sql_stmt *st = ST(Q_SPIKE_ADD);

	if (st == NULL)
		return -1;
	sql_bind_int(st, 1, (int)sp->dim);
	sql_bind_text(st, 2, sp->key);
	sql_bind_int64(st, 3, sp->day);
	sql_bind_int64(st, 4, sp->negative);
	sql_bind_double(st, 5, sp->mean);
	sql_bind_double(st, 6, sp->sd);
	sql_bind_int64(st, 7, sp->created);
	return insert_id(s, st, "recording a spike", id);
}

struct spike_rows {
	int (*fn)(const struct trend_spike *, void *);
	void *arg;
};

static int
spike_row(struct sql_stmt *st, void *arg)
{
	const struct spike_rows *r = arg;
	struct trend_spike sp;

	sp.id = sql_column_int64(st, 0);
	sp.dim = (enum trend_dim)sql_column_int(st, 1);
	sp.key = sql_column_text(st, 2);
	sp.day = sql_column_int64(st, 3);
	sp.negative = sql_column_int64(st, 4);
	sp.mean = sql_column_double(st, 5);
	sp.sd = sql_column_double(st, 6);
	sp.created = sql_column_int64(st, 7);
	return r->fn(&sp, r->arg);
}

int
store_spike_each(struct store *s, int64_t from, int64_t to, size_t limit,
    int (*fn)(const struct trend_spike *, void *), void *arg)
{
	struct spike_rows r = { fn, arg };
	struct sql_stmt *st = ST(Q_SPIKE_EACH);

	if (st != NULL) {
		sql_bind_int64(st, 1, from);
		sql_bind_int64(st, 2, to);
		sql_bind_int64(st, 3, (int64_t)limit);
	}
	return ss_rows(s, st, "reading spikes", spike_row, &r);
}

/* ---- Spike e-mail ---- */

int
store_spike_sub_put(struct store *s, const struct spike_sub *sub,
    int64_t *id)
{
	struct sql_stmt *st = ST(Q_SUB_PUT);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, sub->user);
	sql_bind_text(st, 2, sub->email);
	sql_bind_text(st, 3, sub->lang);
	sql_bind_int(st, 4, (int)sub->dim);
	sql_bind_text(st, 5, sub->key);
	sql_bind_int64(st, 6, sub->created);
	return ss_row(s, st, "subscribing to spike e-mail", ss_int64_row, id)
	    == 0 ? 0 : -1;
}

int
store_spike_sub_remove(struct store *s, int64_t id, int64_t user)
{
	static const int steps[] = { Q_SUB_UNSENT, Q_SUB_REMOVE };
	struct sql_stmt *st;
	size_t i;
	int rc = 0;

	/* The last step's count says whether there was a subscription. */
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		st = ST(steps[i]);
		sql_bind_int64(st, 1, id);
		sql_bind_int64(st, 2, user);
		if ((rc = ss_changed(s, st, "ending a spike subscription")) ==
		    -1)
			return -1;
	}
	return rc;
}

/* A spike_subs row from column first on. */
static void
read_sub(struct sql_stmt *st, int first, struct spike_sub *sub)
{
	sub->id = sql_column_int64(st, first);
	sub->user = sql_column_int64(st, first + 1);
	sub->email = sql_column_text(st, first + 2);
	sub->lang = sql_column_text(st, first + 3);
	sub->dim = (enum trend_dim)sql_column_int(st, first + 4);
	sub->key = sql_column_text(st, first + 5);
	sub->created = sql_column_int64(st, first + 6);
}

struct sub_rows {
	int (*sub)(const struct spike_sub *, void *);
	int (*mail)(const struct spike_sub *, const struct trend_spike *,
	    void *);
	void *arg;
};

static int
sub_row(struct sql_stmt *st, void *arg)
{
	const struct sub_rows *r = arg;
	struct spike_sub sub;

	read_sub(st, 0, &sub);
	return r->sub(&sub, r->arg);
}

int
store_spike_sub_each(struct store *s, int64_t user,
    int (*fn)(const struct spike_sub *, void *), void *arg)
{
	struct sub_rows r = { fn, NULL, arg };
	struct sql_stmt *st = ST(Q_SUB_EACH);

	if (st != NULL)
		sql_bind_int64(st, 1, user);
	return ss_rows(s, st, "reading spike subscriptions", sub_row, &r);
}

/* Collect the subscriptions a spike reaches (at most VECHE_MAX_SPIKE_SUBS). */
struct sub_ids {
	int64_t id[VECHE_MAX_SPIKE_SUBS];
	size_t n;
};

static int
sub_id_row(struct sql_stmt *st, void *arg)
{
	struct sub_ids *ids = arg;

	if (ids->n < VECHE_MAX_SPIKE_SUBS)
		ids->id[ids->n++] = sql_column_int64(st, 0);
	return 0;
}

int
store_spike_mail_fanout(struct store *s, int64_t event, int64_t spike,
    int dim, const char *key, int64_t now_ms, size_t *n)
{
	struct sub_ids ids;
	struct sql_stmt *st = ST(Q_SUB_MATCH);
	int64_t delivery;
	size_t i;

	*n = 0;
	ids.n = 0;
	if (st != NULL) {
		sql_bind_int(st, 1, dim);
		sql_bind_text(st, 2, key);
	}
	if (ss_rows(s, st, "finding spike subscribers", sub_id_row, &ids)
	    == -1)
		return -1;
	for (i = 0; i < ids.n; i++) {
		if ((st = ST(Q_MAIL_QUEUE)) == NULL)
			return -1;
		sql_bind_int64(st, 1, event);
		sql_bind_int64(st, 2, now_ms);
		if (insert_id(s, st, "queueing spike e-mail", &delivery) != 0)
			return -1;
		if ((st = ST(Q_MAIL_TIE)) == NULL)
			return -1;
		sql_bind_int64(st, 1, delivery);
		sql_bind_int64(st, 2, ids.id[i]);
		sql_bind_int64(st, 3, spike);
		if (ss_done(s, st, "queueing spike e-mail") == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

static int
mail_row(struct sql_stmt *st, void *arg)
{
	const struct sub_rows *r = arg;
	struct spike_sub sub;
	struct trend_spike sp;

	read_sub(st, 0, &sub);
	sp.id = sql_column_int64(st, 7);
	sp.dim = (enum trend_dim)sql_column_int(st, 8);
	sp.key = sql_column_text(st, 9);
	sp.day = sql_column_int64(st, 10);
	sp.negative = sql_column_int64(st, 11);
	sp.mean = sql_column_double(st, 12);
	sp.sd = sql_column_double(st, 13);
	sp.created = sql_column_int64(st, 14);
	return r->mail(&sub, &sp, r->arg);
}

int
store_spike_mail_get(struct store *s, int64_t delivery,
    int (*fn)(const struct spike_sub *, const struct trend_spike *, void *),
    void *arg)
{
	struct sub_rows r = { NULL, fn, arg };
	struct sql_stmt *st = ST(Q_MAIL_GET);

	if (st != NULL)
		sql_bind_int64(st, 1, delivery);
	return ss_row(s, st, "reading a spike e-mail", mail_row, &r);
}
