/*
 * sqlite_help.c: the help map module of the SQLite backend (store_help.h):
 * situations, posts, their private contacts and the posts' R*Tree.  Kinds,
 * types and states are stored as the numbers of base/help.h's enums.
 */
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_help.h"

static const char *const help_migrations[] = {
	/* 1: situations, posts, contacts apart, the posts' R*Tree. */
	"CREATE TABLE help_situations(id INTEGER PRIMARY KEY,"
	" slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	" kinds INTEGER NOT NULL, area TEXT, lat REAL NOT NULL,"
	" lon REAL NOT NULL, radius REAL NOT NULL, min_lat REAL NOT NULL,"
	" min_lon REAL NOT NULL, max_lat REAL NOT NULL, max_lon REAL NOT NULL,"
	" opened INTEGER NOT NULL, closed INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE help_posts(id INTEGER PRIMARY KEY, situation INTEGER"
	" NOT NULL REFERENCES help_situations(id) ON DELETE CASCADE,"
	" type INTEGER NOT NULL, kind INTEGER NOT NULL, count INTEGER NOT NULL,"
	" until INTEGER NOT NULL, description TEXT NOT NULL, lat REAL NOT NULL,"
	" lon REAL NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
	" verified INTEGER NOT NULL DEFAULT 0, volunteer INTEGER,"
	" created INTEGER NOT NULL, taken INTEGER, done INTEGER);"
	"CREATE INDEX help_posts_time ON help_posts(situation, created);"
	"CREATE TABLE help_contacts(post INTEGER PRIMARY KEY REFERENCES"
	" help_posts(id) ON DELETE CASCADE, name TEXT NOT NULL, phone TEXT,"
	" email TEXT);"
	"CREATE VIRTUAL TABLE help_geo USING rtree(id, min_lat, max_lat,"
	" min_lon, max_lon);",
};

const struct migration_set store_help_schema = {
	"help", help_migrations,
	sizeof(help_migrations) / sizeof(help_migrations[0])
};

enum {
	Q_SIT_ADD, Q_SIT_CLOSE, Q_SIT_GET, Q_SIT_EACH, Q_POST_ADD,
	Q_CONTACT_ADD, Q_GEO_ADD, Q_POST_GET, Q_POST_EACH, Q_POST_BOX,
	Q_POST_WIDE, Q_BOX_COUNT,
	Q_MATCHES, Q_TAKE, Q_DONE, Q_VERIFY, Q_CONTACT, Q_TAKEN_COUNT,
	Q__MAX
};

#define SIT_COLUMNS "id, slug, title, kinds, area, lat, lon, radius," \
	" min_lat, min_lon, max_lat, max_lon, opened, closed"
#define POST_COLUMNS "p.id, p.situation, p.type, p.kind, p.count, p.until," \
	" p.description, p.lat, p.lon, p.state, p.verified," \
	" coalesce(p.volunteer, 0), p.created, coalesce(p.taken, 0)," \
	" coalesce(p.done, 0)"
/*
 * ?1 situation, ?2 type+1, ?3 kind+1, ?4 state+1, ?5 now, ?6 since,
 * ?12 ?13 the (created, id) the page starts below (0: the newest).
 */
#define POST_WHERE " p.situation = ?1 AND (?2 = 0 OR p.type = ?2 - 1)" \
	" AND (?3 = 0 OR p.kind = ?3 - 1) AND (CASE ?4" \
	" WHEN 0 THEN p.state = 1 OR (p.state = 0 AND p.until > ?5)" \
	" WHEN 1 THEN p.state = 0 AND p.until > ?5" \
	" WHEN 2 THEN p.state = 1 WHEN 3 THEN p.state = 2" \
	" WHEN 4 THEN p.state = 0 AND p.until <= ?5 ELSE 1 END)" \
	" AND p.created >= ?6 AND (?12 = 0 OR p.created < ?12" \
	" OR (p.created = ?12 AND p.id < ?13))"

/*
 * Box queries read the R*Tree first: CROSS JOIN keeps SQLite from
 * driving them by the situation's index and scanning the R*Tree once per
 * post (measured: 58 ms against 0.2 ms for a 1 km box among 100,000 posts;
 * docs/performance.md, "Help map").  A box holding many posts (the whole
 * area) is better walked newest first by the time index, which stops at
 * the limit (Q_POST_WIDE), so store_help_post_each counts the box first.
 */
static const char *const sql[Q__MAX] = {
	[Q_SIT_ADD] = "INSERT INTO help_situations(slug, title, kinds, area,"
	    " lat, lon, radius, min_lat, min_lon, max_lat, max_lon, opened)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	    " ON CONFLICT DO NOTHING",
	[Q_SIT_CLOSE] = "UPDATE help_situations SET closed = ?2"
	    " WHERE id = ?1 AND closed = 0",
	[Q_SIT_GET] = "SELECT " SIT_COLUMNS " FROM help_situations"
	    " WHERE slug = ?1",
	[Q_SIT_EACH] = "SELECT " SIT_COLUMNS " FROM help_situations"
	    " ORDER BY closed != 0, opened DESC, id DESC",
	[Q_POST_ADD] = "INSERT INTO help_posts(situation, type, kind, count,"
	    " until, description, lat, lon, created) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9)",
	[Q_CONTACT_ADD] = "INSERT INTO help_contacts(post, name, phone, email)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[Q_GEO_ADD] = "INSERT INTO help_geo(id, min_lat, max_lat, min_lon,"
	    " max_lon) VALUES (?1, ?2, ?2, ?3, ?3)",
	[Q_POST_GET] = "SELECT " POST_COLUMNS " FROM help_posts p"
	    " WHERE p.situation = ?1 AND p.id = ?2",
	[Q_POST_EACH] = "SELECT " POST_COLUMNS " FROM help_posts p WHERE"
	    POST_WHERE " ORDER BY p.created DESC, p.id DESC LIMIT ?7",
	[Q_POST_BOX] = "SELECT " POST_COLUMNS " FROM help_geo g"
	    " CROSS JOIN help_posts p ON p.id = g.id WHERE g.max_lat >= ?8"
	    " AND g.min_lat <= ?9 AND g.max_lon >= ?10 AND g.min_lon <= ?11"
	    " AND" POST_WHERE " ORDER BY p.created DESC, p.id DESC LIMIT ?7",
	[Q_POST_WIDE] = "SELECT " POST_COLUMNS " FROM help_posts p"
	    " JOIN help_geo g ON g.id = p.id WHERE g.max_lat >= ?8"
	    " AND g.min_lat <= ?9 AND g.max_lon >= ?10 AND g.min_lon <= ?11"
	    " AND" POST_WHERE " ORDER BY p.created DESC, p.id DESC LIMIT ?7",
	[Q_BOX_COUNT] = "SELECT count(*) FROM (SELECT 1 FROM help_geo"
	    " WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lon >= ?3"
	    " AND min_lon <= ?4 LIMIT ?5)",
	[Q_MATCHES] = "SELECT " POST_COLUMNS ", (p.lat - ?1) * (p.lat - ?1) +"
	    " (p.lon - ?2) * (p.lon - ?2) * ?3 * ?3 AS d2 FROM help_geo g"
	    " CROSS JOIN help_posts p ON p.id = g.id WHERE g.max_lat >= ?4"
	    " AND g.min_lat <= ?5 AND g.max_lon >= ?6 AND g.min_lon <= ?7"
	    " AND p.situation = ?8 AND p.type = 1 AND p.kind = ?9"
	    " AND p.state = 0 AND p.until > ?10"
	    " ORDER BY d2, p.count DESC, p.id LIMIT ?11",
	[Q_TAKE] = "UPDATE help_posts SET state = 1, volunteer = ?2, taken = ?3"
	    " WHERE id = ?1 AND type = 0 AND state = 0 AND until > ?3",
	[Q_DONE] = "UPDATE help_posts SET state = 2, done = ?2"
	    " WHERE id = ?1 AND state = 1",
	[Q_VERIFY] = "UPDATE help_posts SET verified = ?2 WHERE id = ?1",
	[Q_CONTACT] = "SELECT name, phone, email FROM help_contacts"
	    " WHERE post = ?1",
	[Q_TAKEN_COUNT] = "SELECT count(*) FROM help_posts"
	    " WHERE volunteer = ?1 AND state = 1",
};

const struct stmt_table store_help_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_HELP, (i))

int
store_help_situation_add(struct store *s, const struct help_situation_row *r,
    int64_t *id)
{
	sqlite3_stmt *st = ST(Q_SIT_ADD);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, r->slug);
	sq_bind_text(st, 2, r->title);
	sqlite3_bind_int64(st, 3, (int64_t)r->kinds);
	sq_bind_text(st, 4, r->area);
	sqlite3_bind_double(st, 5, r->lat);
	sqlite3_bind_double(st, 6, r->lon);
	sqlite3_bind_double(st, 7, r->radius_m);
	sqlite3_bind_double(st, 8, r->min_lat);
	sqlite3_bind_double(st, 9, r->min_lon);
	sqlite3_bind_double(st, 10, r->max_lat);
	sqlite3_bind_double(st, 11, r->max_lon);
	sqlite3_bind_int64(st, 12, r->opened);
	if (sq_step_done(s, st, "storing a situation") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 2;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_help_situation_close(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = ST(Q_SIT_CLOSE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (sq_step_done(s, st, "closing a situation") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

struct sit_rows {
	int (*fn)(const struct help_situation_row *, void *);
	void *arg;
};

static int
sit_row(sqlite3_stmt *st, void *arg)
{
	const struct sit_rows *r = arg;
	struct help_situation_row row;

	memset(&row, 0, sizeof(row));
	row.id = sqlite3_column_int64(st, 0);
	row.slug = sq_col_text(st, 1);
	row.title = sq_col_text(st, 2);
	row.kinds = (unsigned)sqlite3_column_int64(st, 3);
	row.area = sq_col_text(st, 4);
	row.lat = sqlite3_column_double(st, 5);
	row.lon = sqlite3_column_double(st, 6);
	row.radius_m = sqlite3_column_double(st, 7);
	row.min_lat = sqlite3_column_double(st, 8);
	row.min_lon = sqlite3_column_double(st, 9);
	row.max_lat = sqlite3_column_double(st, 10);
	row.max_lon = sqlite3_column_double(st, 11);
	row.opened = sqlite3_column_int64(st, 12);
	row.closed = sqlite3_column_int64(st, 13);
	return r->fn(&row, r->arg);
}

int
store_help_situation_get(struct store *s, const char *slug,
    int (*fn)(const struct help_situation_row *, void *), void *arg)
{
	struct sit_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_SIT_GET);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, slug);
	return sq_row(s, st, "reading a situation", sit_row, &r);
}

int
store_help_situation_each(struct store *s,
    int (*fn)(const struct help_situation_row *, void *), void *arg)
{
	struct sit_rows r = { fn, arg };

	return sq_rows(s, ST(Q_SIT_EACH), "reading situations", sit_row, &r);
}

/* The post's row, contact and R*Tree entry; the caller holds the transaction. */
static int
post_write(struct store *s, const struct help_post *p,
    const struct help_contact *c, int64_t *id)
{
	sqlite3_stmt *st;

	if ((st = ST(Q_POST_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->situation);
	sqlite3_bind_int(st, 2, (int)p->type);
	sqlite3_bind_int(st, 3, (int)p->kind);
	sqlite3_bind_int64(st, 4, p->count);
	sqlite3_bind_int64(st, 5, p->until);
	sq_bind_text(st, 6, p->description != NULL ? p->description : "");
	sqlite3_bind_double(st, 7, p->lat);
	sqlite3_bind_double(st, 8, p->lon);
	sqlite3_bind_int64(st, 9, p->created);
	if (sq_step_done(s, st, "storing a help post") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	if ((st = ST(Q_CONTACT_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *id);
	sq_bind_text(st, 2, c->name);
	sq_bind_text(st, 3, c->phone);
	sq_bind_text(st, 4, c->email);
	if (sq_step_done(s, st, "storing a help post's contact") == -1)
		return -1;
	if ((st = ST(Q_GEO_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_double(st, 2, p->lat);
	sqlite3_bind_double(st, 3, p->lon);
	return sq_step_done(s, st, "indexing a help post");
}

int
store_help_post_add(struct store *s, const struct help_post *p,
    const struct help_contact *c, int64_t *id)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = post_write(s, p, c, id);
	return sq_tx_finish(s, own, rc);
}

struct post_rows {
	int (*fn)(const struct help_post *, void *);
	void *arg;
};

static int
post_row(sqlite3_stmt *st, void *arg)
{
	const struct post_rows *r = arg;
	struct help_post p;

	memset(&p, 0, sizeof(p));
	p.id = sqlite3_column_int64(st, 0);
	p.situation = sqlite3_column_int64(st, 1);
	p.type = (enum help_type)sqlite3_column_int(st, 2);
	p.kind = (enum help_kind)sqlite3_column_int(st, 3);
	p.count = sqlite3_column_int64(st, 4);
	p.until = sqlite3_column_int64(st, 5);
	p.description = sq_col_text(st, 6);
	p.lat = sqlite3_column_double(st, 7);
	p.lon = sqlite3_column_double(st, 8);
	p.state = (enum help_state)sqlite3_column_int(st, 9);
	p.verified = sqlite3_column_int(st, 10);
	p.volunteer = sqlite3_column_int64(st, 11);
	p.created = sqlite3_column_int64(st, 12);
	p.taken = sqlite3_column_int64(st, 13);
	p.done = sqlite3_column_int64(st, 14);
	if ((unsigned)p.type >= HELP_TYPE__MAX ||
	    (unsigned)p.kind >= HELP_KIND__MAX ||
	    (unsigned)p.state >= HELP_STATE__MAX)
		return 0;               /* not ours to show */
	return r->fn(&p, r->arg);
}

int
store_help_post_get(struct store *s, int64_t situation, int64_t id,
    int (*fn)(const struct help_post *, void *), void *arg)
{
	struct post_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_POST_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, situation);
	sqlite3_bind_int64(st, 2, id);
	return sq_row(s, st, "reading a help post", post_row, &r);
}

int
store_help_post_each(struct store *s, const struct help_filter *f,
    int (*fn)(const struct help_post *, void *), void *arg)
{
	struct post_rows r = { fn, arg };
	sqlite3_stmt *st;
	int64_t n = 0;

	if (f->bbox) {
		/* Many posts in the box: the time index's plan (above). */
		if ((st = ST(Q_BOX_COUNT)) == NULL)
			return -1;
		sqlite3_bind_double(st, 1, f->min_lat);
		sqlite3_bind_double(st, 2, f->max_lat);
		sqlite3_bind_double(st, 3, f->min_lon);
		sqlite3_bind_double(st, 4, f->max_lon);
		sqlite3_bind_int64(st, 5, (int64_t)f->limit * 4 + 1);
		if (sq_row(s, st, "counting a box", sq_int64_row, &n) == -1)
			return -1;
	}
	st = ST(!f->bbox ? Q_POST_EACH : n > (int64_t)f->limit * 4 ?
	    Q_POST_WIDE : Q_POST_BOX);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, f->situation);
	sqlite3_bind_int(st, 2, f->type);
	sqlite3_bind_int(st, 3, f->kind);
	sqlite3_bind_int(st, 4, f->state);
	sqlite3_bind_int64(st, 5, f->now);
	sqlite3_bind_int64(st, 6, f->since);
	sqlite3_bind_int64(st, 7, (int64_t)f->limit);
	sqlite3_bind_int64(st, 12, f->before_created);
	sqlite3_bind_int64(st, 13, f->before_id);
	if (f->bbox) {
		sqlite3_bind_double(st, 8, f->min_lat);
		sqlite3_bind_double(st, 9, f->max_lat);
		sqlite3_bind_double(st, 10, f->min_lon);
		sqlite3_bind_double(st, 11, f->max_lon);
	}
	return sq_rows(s, st, "reading help posts", post_row, &r);
}

int
store_help_matches(struct store *s, int64_t situation, enum help_kind kind,
    double lat, double lon, double coslat, double min_lat, double min_lon,
    double max_lat, double max_lon, int64_t now, size_t limit,
    int (*fn)(const struct help_post *, void *), void *arg)
{
	struct post_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_MATCHES);

	if (st == NULL)
		return -1;
	sqlite3_bind_double(st, 1, lat);
	sqlite3_bind_double(st, 2, lon);
	sqlite3_bind_double(st, 3, coslat);
	sqlite3_bind_double(st, 4, min_lat);
	sqlite3_bind_double(st, 5, max_lat);
	sqlite3_bind_double(st, 6, min_lon);
	sqlite3_bind_double(st, 7, max_lon);
	sqlite3_bind_int64(st, 8, situation);
	sqlite3_bind_int(st, 9, (int)kind);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, (int64_t)limit);
	return sq_rows(s, st, "matching help posts", post_row, &r);
}

/* Step an update of one post bound to ?1 id and ?2, ?3: 0, or 1 unchanged. */
static int
update(struct store *s, int idx, int64_t id, int64_t a, int64_t b,
    const char *what)
{
	sqlite3_stmt *st = ST(idx);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, a);
	if (idx == Q_TAKE)
		sqlite3_bind_int64(st, 3, b);
	if (sq_step_done(s, st, what) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_help_take(struct store *s, int64_t id, int64_t volunteer, int64_t now)
{
	return update(s, Q_TAKE, id, volunteer, now, "taking a need");
}

int
store_help_taken_count(struct store *s, int64_t volunteer, int64_t *n)
{
	sqlite3_stmt *st = ST(Q_TAKEN_COUNT);

	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, volunteer);
	return sq_row(s, st, "counting taken needs", sq_int64_row, n) == -1 ?
	    -1 : 0;
}

int
store_help_done(struct store *s, int64_t id, int64_t now)
{
	return update(s, Q_DONE, id, now, 0, "marking a need done");
}

int
store_help_verify(struct store *s, int64_t id, int verified)
{
	return update(s, Q_VERIFY, id, verified != 0, 0, "verifying a post");
}

struct contact_rows {
	int (*fn)(const struct help_contact *, void *);
	void *arg;
};

static int
contact_row(sqlite3_stmt *st, void *arg)
{
	const struct contact_rows *r = arg;
	struct help_contact c;

	c.name = sq_col_text(st, 0);
	c.phone = sq_col_text(st, 1);
	c.email = sq_col_text(st, 2);
	return r->fn(&c, r->arg);
}

int
store_help_contact(struct store *s, int64_t id,
    int (*fn)(const struct help_contact *, void *), void *arg)
{
	struct contact_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_CONTACT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a help post's contact", contact_row, &r);
}
