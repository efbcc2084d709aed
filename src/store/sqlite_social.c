/*
 * sqlite_social.c: the social module of the store (store_social.h):
 * votes, comments, photos and the rate-limit counters.  On the statement
 * layer (sql.h); users are the accounts module's, help_posts the help
 * map's, report_updates the core's.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "base/help.h"
#include "store/sql_store.h"
#include "store/store_social.h"

static const char *const social_migrations[] = {
	/* 1: votes, comments, photos, rate counters. */
	"CREATE TABLE votes(report INTEGER NOT NULL REFERENCES reports(id)"
	" ON DELETE CASCADE, voter TEXT NOT NULL, created INTEGER NOT NULL,"
	" PRIMARY KEY(report, voter)) WITHOUT ROWID;"
	"CREATE TABLE comments(id INTEGER PRIMARY KEY,"
	" report INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	" author TEXT, body TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0,"
	" device TEXT, created INTEGER NOT NULL);"
	"CREATE INDEX comments_report ON comments(report, status, id);"
	"CREATE TABLE photos(id TEXT PRIMARY KEY, width INTEGER NOT NULL,"
	" height INTEGER NOT NULL, bytes INTEGER NOT NULL,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE rate_hits(key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX rate_hits_key ON rate_hits(key, at);",
	/*
	 * 2 (reopen): a comment's photo (an id of photos), readers' flags
	 * for the moderators and "useful or not" votes, one of each per
	 * device.
	 */
	"ALTER TABLE comments ADD COLUMN photo TEXT;"
	"CREATE TABLE comment_flags(comment INTEGER NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, flagger TEXT NOT NULL,"
	" created INTEGER NOT NULL, PRIMARY KEY(comment, flagger))"
	" WITHOUT ROWID;"
	"CREATE TABLE comment_votes(comment INTEGER NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, voter TEXT NOT NULL,"
	" useful INTEGER NOT NULL, created INTEGER NOT NULL,"
	" PRIMARY KEY(comment, voter)) WITHOUT ROWID;",
	/*
	 * 3 (comments on any subject, docs/participation.md): a comment
	 * belongs to a subject (a kind and an id; report stays set for a
	 * report's, so deleting the report still deletes them), the
	 * signed-in author's account, the text engine's pre-mark, the
	 * moderator's reason; votes and flags carry the rater's weight.
	 * SQLite cannot drop NOT NULL from report: the table is rebuilt,
	 * and the marks, whose foreign keys would cascade on the drop, are
	 * kept aside and put back.
	 */
	"CREATE TABLE comments_v3(id INTEGER PRIMARY KEY,"
	" subject_kind TEXT NOT NULL, subject INTEGER NOT NULL,"
	" report INTEGER REFERENCES reports(id) ON DELETE CASCADE,"
	" author TEXT, body TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0,"
	" device TEXT, created INTEGER NOT NULL, photo TEXT,"
	" user INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	" premark TEXT, reason TEXT, moderator INTEGER, moderated INTEGER);"
	"INSERT INTO comments_v3(id, subject_kind, subject, report, author,"
	" body, status, device, created, photo) SELECT id, 'report', report,"
	" report, author, body, status, device, created, photo FROM comments;"
	"CREATE TABLE comment_votes_keep AS SELECT * FROM comment_votes;"
	"CREATE TABLE comment_flags_keep AS SELECT * FROM comment_flags;"
	"DROP TABLE comment_votes; DROP TABLE comment_flags;"
	"DROP TABLE comments;"
	"ALTER TABLE comments_v3 RENAME TO comments;"
	"CREATE INDEX comments_subject ON comments(subject_kind, subject,"
	" status, id);"
	"CREATE INDEX comments_user ON comments(user, id);"
	"CREATE TABLE comment_flags(comment INTEGER NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, flagger TEXT NOT NULL,"
	" created INTEGER NOT NULL, weight REAL NOT NULL DEFAULT 1,"
	" PRIMARY KEY(comment, flagger)) WITHOUT ROWID;"
	"CREATE TABLE comment_votes(comment INTEGER NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, voter TEXT NOT NULL,"
	" useful INTEGER NOT NULL, created INTEGER NOT NULL,"
	" weight REAL NOT NULL DEFAULT 1, fresh INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(comment, voter)) WITHOUT ROWID;"
	"INSERT INTO comment_flags(comment, flagger, created)"
	" SELECT comment, flagger, created FROM comment_flags_keep;"
	"INSERT INTO comment_votes(comment, voter, useful, created)"
	" SELECT comment, voter, useful, created FROM comment_votes_keep;"
	"DROP TABLE comment_votes_keep; DROP TABLE comment_flags_keep;"
	"CREATE INDEX comment_votes_voter ON comment_votes(voter, created);",
	/*
	 * 4 (first seen, docs/participation.md): a device's first vote or
	 * comment is found by index, so weighing a vote stays O(log n) as
	 * votes and comments grow (comment_votes has its index since 3).
	 */
	"CREATE INDEX votes_voter ON votes(voter, created);"
	"CREATE INDEX comments_device ON comments(device, created);",
	/*
	 * 5 (appeals): a moderated author's one appeal against a hidden
	 * comment, and the decision on it (state 0 open, 1 upheld,
	 * 2 restored) with the deciding moderator and the reason.
	 */
	"CREATE TABLE comment_appeals(id INTEGER PRIMARY KEY,"
	" comment INTEGER NOT NULL UNIQUE REFERENCES comments(id)"
	" ON DELETE CASCADE, user INTEGER NOT NULL REFERENCES users(id)"
	" ON DELETE CASCADE, text TEXT NOT NULL, created INTEGER NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0, reason TEXT, decider INTEGER,"
	" decided INTEGER);"
	"CREATE INDEX comment_appeals_user ON comment_appeals(user, id);"
	"CREATE INDEX comment_appeals_state ON comment_appeals(state, id);",
};

const struct migration_set store_social_schema = {
	"social", social_migrations,
	sizeof(social_migrations) / sizeof(social_migrations[0])
};

/*
 * The same steps on PostgreSQL ("user" quoted: it is reserved there).
 * Step 3 changes comments in place, which PostgreSQL can (dropping NOT
 * NULL from report, adding the columns), instead of SQLite's rebuild; the
 * columns and indexes it leaves are SQLite's.
 */
static const char *const social_migrations_pg[] = {
	/* 1: votes, comments, photos, rate counters. */
	"CREATE TABLE votes(report BIGINT NOT NULL REFERENCES reports(id)"
	" ON DELETE CASCADE, voter TEXT NOT NULL, created BIGINT NOT NULL,"
	" PRIMARY KEY(report, voter));"
	"CREATE TABLE comments(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
	" PRIMARY KEY,"
	" report BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	" author TEXT, body TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0,"
	" device TEXT, created BIGINT NOT NULL);"
	"CREATE INDEX comments_report ON comments(report, status, id);"
	"CREATE TABLE photos(id TEXT PRIMARY KEY, width INTEGER NOT NULL,"
	" height INTEGER NOT NULL, bytes BIGINT NOT NULL,"
	" created BIGINT NOT NULL);"
	"CREATE TABLE rate_hits(key TEXT NOT NULL, at BIGINT NOT NULL);"
	"CREATE INDEX rate_hits_key ON rate_hits(key, at);",
	/* 2 (reopen): a comment's photo, readers' flags and votes. */
	"ALTER TABLE comments ADD COLUMN photo TEXT;"
	"CREATE TABLE comment_flags(comment BIGINT NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, flagger TEXT NOT NULL,"
	" created BIGINT NOT NULL, PRIMARY KEY(comment, flagger));"
	"CREATE TABLE comment_votes(comment BIGINT NOT NULL"
	" REFERENCES comments(id) ON DELETE CASCADE, voter TEXT NOT NULL,"
	" useful INTEGER NOT NULL, created BIGINT NOT NULL,"
	" PRIMARY KEY(comment, voter));",
	/* 3 (comments on any subject): subject, account, marks, weights. */
	"ALTER TABLE comments ADD COLUMN subject_kind TEXT,"
	" ADD COLUMN subject BIGINT,"
	" ADD COLUMN \"user\" BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	" ADD COLUMN premark TEXT, ADD COLUMN reason TEXT,"
	" ADD COLUMN moderator BIGINT, ADD COLUMN moderated BIGINT;"
	"UPDATE comments SET subject_kind = 'report', subject = report;"
	"ALTER TABLE comments ALTER COLUMN subject_kind SET NOT NULL,"
	" ALTER COLUMN subject SET NOT NULL, ALTER COLUMN report DROP NOT NULL;"
	"DROP INDEX comments_report;"
	"CREATE INDEX comments_subject ON comments(subject_kind, subject,"
	" status, id);"
	"CREATE INDEX comments_user ON comments(\"user\", id);"
	"ALTER TABLE comment_flags ADD COLUMN weight DOUBLE PRECISION NOT NULL"
	" DEFAULT 1;"
	"ALTER TABLE comment_votes ADD COLUMN weight DOUBLE PRECISION NOT NULL"
	" DEFAULT 1, ADD COLUMN fresh INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX comment_votes_voter ON comment_votes(voter, created);",
	/* 4 (first seen): a device's first vote or comment by index. */
	"CREATE INDEX votes_voter ON votes(voter, created);"
	"CREATE INDEX comments_device ON comments(device, created);",
	/* 5 (appeals): one appeal against a hidden comment, its decision. */
	"CREATE TABLE comment_appeals(id BIGINT GENERATED BY DEFAULT AS"
	" IDENTITY PRIMARY KEY,"
	" comment BIGINT NOT NULL UNIQUE REFERENCES comments(id)"
	" ON DELETE CASCADE, \"user\" BIGINT NOT NULL REFERENCES users(id)"
	" ON DELETE CASCADE, text TEXT NOT NULL, created BIGINT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0, reason TEXT, decider BIGINT,"
	" decided BIGINT);"
	"CREATE INDEX comment_appeals_user ON comment_appeals(\"user\", id);"
	"CREATE INDEX comment_appeals_state ON comment_appeals(state, id);",
};

const struct migration_set store_social_schema_pg = {
	"social", social_migrations_pg,
	sizeof(social_migrations_pg) / sizeof(social_migrations_pg[0])
};

enum {
	Q_REPORT_EXISTS,
	Q_VOTE_INSERT,
	Q_VOTE_COUNT,
	Q_VOTE_MINE,
	Q_COMMENT_INSERT,
	Q_COMMENT_EACH,
	Q_PHOTO_INSERT,
	Q_HISTORY,
	Q_RATE_PRUNE,
	Q_RATE_COUNT,
	Q_RATE_INSERT,
	Q_COMMENT_RECENT,
	Q_COMMENT_SET,
	Q_COMMENT_FLAGGED,
	Q_COMMENT_SUBJECT,
	Q_FLAG_INSERT,
	Q_CVOTE_INSERT,
	Q_USER_CREATED,
	Q_DEVICE_FIRST,
	Q_USER_RATED,
	Q_USER_HELPED,
	Q_USER_COMMENTS,
	Q_COMMENT_GET,
	Q_APPEAL_INSERT,
	Q_APPEAL_GET,
	Q_APPEAL_BY_USER,
	Q_APPEAL_QUEUE,
	Q_APPEAL_DECIDE,
	Q_OTHER_MODERATORS,
	Q_RATE_LOCK,
	Q__MAX
};

_Static_assert(Q__MAX <= STORE_MOD_STMTS, "too many social statements");

#define STR_(x) #x
#define STR(x) STR_(x)

/* The weight of comment_votes v matching cond, 0 when none. */
#define WSUM(cond) "COALESCE((SELECT sum(v.weight) FROM comment_votes v " \
	"WHERE v.comment = comments.id AND " cond "), 0)"
/*
 * Established raters' weight, plus the fresh ones' up to the cap; least
 * is the two-argument min (SQLite's min(a, b), PostgreSQL's least).
 */
#define WVOTES(least, useful) "(" WSUM("v.useful = " useful \
	" AND v.fresh = 0") " + " least "(" STR(VECHE_COMMENT_FRESH_CAP) ", " \
	WSUM("v.useful = " useful " AND v.fresh = 1") "))"

/*
 * The columns comment_rows reads, in its order: up and down the votes,
 * then the subject, the author's account, the marks and the weights.
 */
#define COMMENT_COLUMNS_(least) "id, report, author, body, status, " \
	"created, photo, (SELECT count(*) FROM comment_votes v WHERE " \
	"v.comment = comments.id AND v.useful = 1) AS up, (SELECT count(*) " \
	"FROM comment_votes v WHERE v.comment = comments.id AND " \
	"v.useful = 0) AS down, (SELECT count(*) FROM comment_flags f WHERE " \
	"f.comment = comments.id) AS flags, subject_kind, subject, \"user\", " \
	"premark, reason, " WVOTES(least, "1") " AS wup, " \
	WVOTES(least, "0") " AS wdown, COALESCE((SELECT sum(f.weight) FROM " \
	"comment_flags f WHERE f.comment = comments.id), 0) AS wflags"
#define COMMENT_COLUMNS COMMENT_COLUMNS_("min")
#define COMMENT_COLUMNS_PG COMMENT_COLUMNS_("least")

/*
 * The comment reads, by the columns and the limit's text (SQLite's -1 is
 * no limit; PostgreSQL's NULL is).  A mask of states is cast: PostgreSQL
 * would type it as the INTEGER it shifts, and "every state" (0xFFFFFFFF)
 * does not fit one.
 */
#define COMMENT_EACH(cols, lim) "SELECT " cols " FROM comments" \
	" WHERE subject_kind = ?1 AND subject = ?2 AND status = ?3" \
	" ORDER BY id LIMIT " lim
#define COMMENT_RECENT(cols, lim) "SELECT " cols " FROM comments" \
	" WHERE ((CAST(?1 AS BIGINT) >> status) & 1) = 1 ORDER BY id DESC LIMIT " lim
#define COMMENT_FLAGGED(cols, lim) "SELECT " cols " FROM comments" \
	" WHERE status = 0 AND EXISTS (SELECT 1 FROM comment_flags f" \
	" WHERE f.comment = comments.id)" \
	" ORDER BY wflags DESC, flags DESC, id DESC LIMIT " lim
#define USER_COMMENTS(cols, lim) "SELECT " cols " FROM comments" \
	" WHERE \"user\" = ?1 AND ((CAST(?2 AS BIGINT) >> status) & 1) = 1" \
	" ORDER BY id DESC LIMIT " lim
#define COMMENT_GET(cols) "SELECT " cols " FROM comments WHERE id = ?1"

/* The columns appeal_row reads, in its order, with the comment's. */
#define APPEAL_COLUMNS "a.id, a.comment, a.\"user\", a.text, a.created, " \
	"a.state, a.reason, a.decider, a.decided, c.subject_kind, " \
	"c.subject, c.body, c.reason, c.moderator FROM comment_appeals a " \
	"JOIN comments c ON c.id = a.comment"
#define APPEAL_BY_USER(lim) "SELECT " APPEAL_COLUMNS " WHERE a.\"user\" =" \
	" ?1 AND ((CAST(?2 AS BIGINT) >> a.state) & 1) = 1 ORDER BY a.id DESC LIMIT " lim
#define APPEAL_QUEUE(lim) "SELECT " APPEAL_COLUMNS " WHERE" \
	" ((CAST(?1 AS BIGINT) >> a.state) & 1) = 1 ORDER BY a.id LIMIT " lim

/* The subject of a published comment about to be marked. */
#define COMMENT_SUBJECT "SELECT subject_kind, subject FROM comments" \
	" WHERE id = ?1 AND status = 0"

static const char *const sql[Q__MAX] = {
	[Q_REPORT_EXISTS] = "SELECT 1 FROM reports WHERE id = ?1",
	[Q_VOTE_INSERT] = "INSERT INTO votes(report, voter, created)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[Q_VOTE_COUNT] = "SELECT count(*) FROM votes WHERE report = ?1",
	[Q_VOTE_MINE] = "SELECT 1 FROM votes WHERE report = ?1"
	    " AND voter = ?2",
	[Q_COMMENT_INSERT] = "INSERT INTO comments(subject_kind, subject,"
	    " report, author, body, status, device, created, photo, \"user\","
	    " premark) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	    " RETURNING id",
	[Q_COMMENT_EACH] = COMMENT_EACH(COMMENT_COLUMNS, "?4"),
	[Q_PHOTO_INSERT] = "INSERT INTO photos(id,"
	    " width, height, bytes, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_HISTORY] = "SELECT id, status, description,"
	    " media_url, created FROM report_updates WHERE report = ?1"
	    " ORDER BY created, id",
	[Q_RATE_PRUNE] = "DELETE FROM rate_hits WHERE key = ?1"
	    " AND at < ?2",
	[Q_RATE_COUNT] = "SELECT count(*) FROM rate_hits"
	    " WHERE key = ?1",
	[Q_RATE_INSERT] = "INSERT INTO rate_hits(key, at)"
	    " VALUES (?1, ?2)",
	[Q_COMMENT_RECENT] = COMMENT_RECENT(COMMENT_COLUMNS, "?2"),
	[Q_COMMENT_SET] = "UPDATE comments SET status = ?2, reason = ?3,"
	    " moderator = ?4, moderated = ?5 WHERE id = ?1",
	[Q_COMMENT_FLAGGED] = COMMENT_FLAGGED(COMMENT_COLUMNS, "?1"),
	[Q_COMMENT_SUBJECT] = COMMENT_SUBJECT,
	[Q_FLAG_INSERT] = "INSERT INTO comment_flags(comment, flagger,"
	    " created, weight) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[Q_CVOTE_INSERT] = "INSERT INTO comment_votes(comment, voter,"
	    " useful, created, weight, fresh) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT DO NOTHING",
	[Q_USER_CREATED] = "SELECT created FROM users WHERE id = ?1",
	[Q_DEVICE_FIRST] = "SELECT min(t) FROM (SELECT min(created) AS t"
	    " FROM votes WHERE voter = ?1 UNION ALL SELECT min(created)"
	    " FROM comment_votes WHERE voter = ?1 UNION ALL SELECT"
	    " min(created) FROM comments WHERE device = ?1) AS first",
	[Q_USER_RATED] = "SELECT"
	    " COALESCE(sum(CASE WHEN v.useful = 1 THEN 1 ELSE 0 END), 0),"
	    " COALESCE(sum(CASE WHEN v.useful = 0 THEN 1 ELSE 0 END), 0)"
	    " FROM comments c JOIN comment_votes v ON v.comment = c.id"
	    " WHERE c.\"user\" = ?1",
	/* The help map's needs this account took and saw done. */
	[Q_USER_HELPED] = "SELECT count(*) FROM help_posts"
	    " WHERE volunteer = ?1 AND state = ?2",
	[Q_USER_COMMENTS] = USER_COMMENTS(COMMENT_COLUMNS, "?3"),
	[Q_COMMENT_GET] = COMMENT_GET(COMMENT_COLUMNS),
	[Q_APPEAL_INSERT] = "INSERT INTO comment_appeals(comment, \"user\","
	    " text, created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
	    " RETURNING id",
	[Q_APPEAL_GET] = "SELECT " APPEAL_COLUMNS " WHERE a.id = ?1",
	[Q_APPEAL_BY_USER] = APPEAL_BY_USER("?3"),
	[Q_APPEAL_QUEUE] = APPEAL_QUEUE("?2"),
	[Q_APPEAL_DECIDE] = "UPDATE comment_appeals SET state = ?2,"
	    " reason = ?3, decider = ?4, decided = ?5 WHERE id = ?1"
	    " AND state = 0",
	/* Active moderators and administrators besides ?1. */
	[Q_OTHER_MODERATORS] = "SELECT count(*) FROM users WHERE id <> ?1"
	    " AND disabled = 0 AND role IN (?2, ?3)",
	/* SQLite's one writer already serialises a key's count: a no-op. */
	[Q_RATE_LOCK] = "SELECT ?1",
};

/* The advisory lock class of rate keys (PostgreSQL), any fixed number. */
#define RATE_LOCK_CLASS 7311

/*
 * PostgreSQL's texts: least for min(a, b), no limit as NULL; a mark
 * holds its comment (FOR SHARE) so a moderator's hiding waits for it, as
 * SQLite's one writer makes it.
 */
static const char *const sql_pg[Q__MAX] = {
	[Q_COMMENT_SUBJECT] = COMMENT_SUBJECT " FOR SHARE",
	/*
	 * A key's prune, count and insert under a lock of the key until
	 * commit, so processes sharing the database count one at a time
	 * (READ COMMITTED would let two each see the other's row missing).
	 * The two-number form, class RATE_LOCK_CLASS, keeps these apart from
	 * one-number advisory locks.
	 */
	[Q_RATE_LOCK] = "SELECT pg_advisory_xact_lock(" STR(RATE_LOCK_CLASS)
	    ", hashtext(?1))",
	[Q_COMMENT_EACH] = COMMENT_EACH(COMMENT_COLUMNS_PG, "nullif(?4, -1)"),
	[Q_COMMENT_RECENT] = COMMENT_RECENT(COMMENT_COLUMNS_PG,
	    "nullif(?2, -1)"),
	[Q_COMMENT_FLAGGED] = COMMENT_FLAGGED(COMMENT_COLUMNS_PG,
	    "nullif(?1, -1)"),
	[Q_USER_COMMENTS] = USER_COMMENTS(COMMENT_COLUMNS_PG,
	    "nullif(?3, -1)"),
	[Q_COMMENT_GET] = COMMENT_GET(COMMENT_COLUMNS_PG),
	[Q_APPEAL_BY_USER] = APPEAL_BY_USER("nullif(?3, -1)"),
	[Q_APPEAL_QUEUE] = APPEAL_QUEUE("nullif(?2, -1)"),
};

const struct stmt_table store_social_stmts = { sql, Q__MAX };
const struct stmt_table store_social_stmts_pg = { sql_pg, Q__MAX };

/* 0 if report exists, 1 if not, -1 on error. */
static int
report_exists(struct store *s, int64_t report)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_REPORT_EXISTS);

	sql_bind_int64(st, 1, report);
	return ss_row(s, st, "looking a report up", NULL, NULL);
}

static int
vote_add(struct store *s, int64_t report, const char *voter, int64_t now)
{
	struct sql_stmt *st;
	int rc;

	if ((rc = report_exists(s, report)) != 0)
		return rc;
	st = ss_stmt(s, STORE_MOD_SOCIAL, Q_VOTE_INSERT);
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, report);
	sql_bind_text(st, 2, voter);
	sql_bind_int64(st, 3, now);
	rc = ss_changed(s, st, "adding a vote");
	return rc == 1 ? 2 : rc;
}

int
store_vote_add(struct store *s, int64_t report, const char *voter,
    int64_t now)
{
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	rc = vote_add(s, report, voter, now);
	if (ss_tx_end(s, own, rc != -1) == -1)
		return -1;
	return rc;
}

int
store_vote_count(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_VOTE_COUNT);
	int rc;

	*count = 0;
	*voted = 0;
	sql_bind_int64(st, 1, report);
	if (ss_row(s, st, "counting votes", ss_int64_row, count) != 0)
		return -1;
	if (voter == NULL)
		return 0;
	st = ss_stmt(s, STORE_MOD_SOCIAL, Q_VOTE_MINE);
	sql_bind_int64(st, 1, report);
	sql_bind_text(st, 2, voter);
	if ((rc = ss_row(s, st, "looking a vote up", NULL, NULL)) == -1)
		return -1;
	*voted = rc == 0;
	return 0;
}

static int
comment_add(struct store *s, const struct comment *c, const char *device,
    int64_t *id)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_INSERT);

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, c->subject_kind);
	sql_bind_int64(st, 2, c->subject_id);
	if (c->report_id > 0)
		sql_bind_int64(st, 3, c->report_id);
	else
		sql_bind_null(st, 3);
	sql_bind_text(st, 4, c->author);
	sql_bind_text(st, 5, c->body);
	sql_bind_int(st, 6, (int)c->status);
	sql_bind_text(st, 7, device);
	sql_bind_int64(st, 8, c->created);
	sql_bind_text(st, 9, c->photo);
	if (c->user_id > 0)
		sql_bind_int64(st, 10, c->user_id);
	else
		sql_bind_null(st, 10);
	sql_bind_text(st, 11, c->premark);
	return ss_row(s, st, "adding a comment", ss_int64_row, id) == 0 ?
	    0 : -1;
}

int
store_comment_add(struct store *s, const struct comment *c,
    const char *device, int64_t *id)
{
	int own, rc;

	if (ss_tx_begin(s, &own) == -1)
		return -1;
	rc = comment_add(s, c, device, id);
	if (ss_tx_end(s, own, rc != -1) == -1)
		return -1;
	return rc;
}

/* What comment_row hands a comment to. */
struct comment_rows {
	int (*fn)(const struct comment *, void *);
	void *arg;
};

/* A row of COMMENT_COLUMNS to fn. */
static int
comment_row(struct sql_stmt *st, void *arg)
{
	const struct comment_rows *e = arg;
	struct comment c;

	c.id = sql_column_int64(st, 0);
	c.report_id = sql_column_int64(st, 1);
	c.author = sql_column_text(st, 2);
	c.body = sql_column_text(st, 3);
	c.status = (enum comment_status)sql_column_int(st, 4);
	c.created = sql_column_int64(st, 5);
	c.photo = sql_column_text(st, 6);
	c.useful = sql_column_int64(st, 7);
	c.not_useful = sql_column_int64(st, 8);
	c.flags = sql_column_int64(st, 9);
	c.subject_kind = sql_column_text(st, 10);
	c.subject_id = sql_column_int64(st, 11);
	c.user_id = sql_column_int64(st, 12);
	c.premark = sql_column_text(st, 13);
	c.reason = sql_column_text(st, 14);
	c.w_useful = sql_column_double(st, 15);
	c.w_not_useful = sql_column_double(st, 16);
	c.w_flags = sql_column_double(st, 17);
	c.score = 0;
	c.reputation = 0;
	return e->fn(&c, e->arg);
}

/* Step a bound comment query, calling fn for each row; then reset it. */
static int
comment_rows(struct store *s, struct sql_stmt *st,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct comment_rows e = { fn, arg };

	return ss_rows(s, st, "reading comments", comment_row, &e);
}

int
store_comment_each(struct store *s, const char *kind, int64_t subject,
    enum comment_status status, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_EACH);

	if (st == NULL)
		return -1;
	sql_bind_text(st, 1, kind);
	sql_bind_int64(st, 2, subject);
	sql_bind_int(st, 3, (int)status);
	sql_bind_int64(st, 4, limit ? (int64_t)limit : -1);
	return comment_rows(s, st, fn, arg);
}

int
store_comment_by_user(struct store *s, int64_t user, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_USER_COMMENTS);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, user);
	sql_bind_int64(st, 2, (int64_t)status_mask);
	sql_bind_int64(st, 3, limit ? (int64_t)limit : -1);
	return comment_rows(s, st, fn, arg);
}

int
store_comment_recent(struct store *s, unsigned status_mask, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_RECENT);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, (int64_t)status_mask);
	sql_bind_int64(st, 2, limit ? (int64_t)limit : -1);
	return comment_rows(s, st, fn, arg);
}

int
store_comment_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_FLAGGED);

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, limit ? (int64_t)limit : -1);
	return comment_rows(s, st, fn, arg);
}

/* The subject of published comment id: 0, 1 when none, -1. */
static int
subject_row(struct sql_stmt *st, void *arg)
{
	struct comment_subject *sub = arg;
	const char *kind = sql_column_text(st, 0);

	snprintf(sub->kind, sizeof(sub->kind), "%s", kind != NULL ? kind : "");
	sub->id = sql_column_int64(st, 1);
	return 0;
}

/*
 * One mark of who on published comment id: a flag (useful < 0) or a
 * vote.  0 counted, 2 already there, 1 no such comment, -1.
 */
static int
comment_mark(struct store *s, int64_t id, const struct comment_rater *r,
    int useful, int64_t now, struct comment_subject *sub)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_SUBJECT);
	int rc;

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, id);
	if ((rc = ss_row(s, st, "looking a comment up", subject_row,
	    sub)) != 0)
		return rc;
	st = ss_stmt(s, STORE_MOD_SOCIAL, useful < 0 ? Q_FLAG_INSERT :
	    Q_CVOTE_INSERT);
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, id);
	sql_bind_text(st, 2, r->who);
	if (useful < 0) {
		sql_bind_int64(st, 3, now);
		sql_bind_double(st, 4, r->weight);
	} else {
		sql_bind_int(st, 3, useful != 0);
		sql_bind_int64(st, 4, now);
		sql_bind_double(st, 5, r->weight);
		sql_bind_int(st, 6, r->fresh != 0);
	}
	rc = ss_changed(s, st, "marking a comment");
	return rc == 1 ? 2 : rc;
}

int
store_comment_mark(struct store *s, int64_t id, const struct comment_rater *r,
    int useful, int64_t now, struct comment_subject *sub)
{
	int own, rc;

	memset(sub, 0, sizeof(*sub));
	if (ss_tx_begin(s, &own) == -1)
		return -1;
	rc = comment_mark(s, id, r, useful, now, sub);
	if (ss_tx_end(s, own, rc != -1) == -1)
		return -1;
	return rc;
}

int
store_rater_first_seen(struct store *s, int64_t user, const char *device,
    int64_t *since)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, user > 0 ?
	    Q_USER_CREATED : Q_DEVICE_FIRST);
	int rc;

	*since = 0;
	if (st == NULL)
		return -1;
	if (user > 0)
		sql_bind_int64(st, 1, user);
	else
		sql_bind_text(st, 1, device);
	rc = ss_row(s, st, "looking a rater up", ss_int64_row, since);
	return rc == -1 ? -1 : 0;
}

/* Two numbers of one row to int64_t[2]. */
static int
two_int64(struct sql_stmt *st, void *arg)
{
	int64_t *v = arg;

	v[0] = sql_column_int64(st, 0);
	v[1] = sql_column_int64(st, 1);
	return 0;
}

int
store_user_standing(struct store *s, int64_t user, int64_t *useful,
    int64_t *not_useful, int64_t *helped)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_USER_RATED);
	int64_t v[2] = { 0, 0 };

	*useful = *not_useful = *helped = 0;
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, user);
	if (ss_row(s, st, "reading an author's ratings", two_int64, v) == -1)
		return -1;
	*useful = v[0];
	*not_useful = v[1];
	if ((st = ss_stmt(s, STORE_MOD_SOCIAL, Q_USER_HELPED)) == NULL)
		return -1;
	sql_bind_int64(st, 1, user);
	sql_bind_int(st, 2, HELP_DONE);
	return ss_row(s, st, "reading an author's help", ss_int64_row,
	    helped) == -1 ? -1 : 0;
}

int
store_comment_set_status(struct store *s, int64_t id,
    enum comment_status status, const char *reason, int64_t moderator,
    int64_t now)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_SET);
	int own, rc;

	if (st == NULL || ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_int64(st, 1, id);
	sql_bind_int(st, 2, (int)status);
	sql_bind_text(st, 3, reason);
	if (moderator > 0)
		sql_bind_int64(st, 4, moderator);
	else
		sql_bind_null(st, 4);
	sql_bind_int64(st, 5, now);
	rc = ss_changed(s, st, "moderating a comment");
	return ss_tx_finish(s, own, rc);
}

int
store_photo_insert(struct store *s, const char *id, int width, int height,
    int64_t bytes, int64_t now)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_PHOTO_INSERT);
	int own;

	if (st == NULL || ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_text(st, 1, id);
	sql_bind_int(st, 2, width);
	sql_bind_int(st, 3, height);
	sql_bind_int64(st, 4, bytes);
	sql_bind_int64(st, 5, now);
	return ss_tx_end(s, own, ss_done(s, st, "adding a photo") == 0);
}

/* What history_row hands an update of one report to. */
struct history_rows {
	int64_t report;
	int (*fn)(const struct report_update *, void *);
	void *arg;
};

static int
history_row(struct sql_stmt *st, void *arg)
{
	const struct history_rows *e = arg;
	struct report_update u;

	u.id = sql_column_int64(st, 0);
	u.report_id = e->report;
	u.status = (enum report_status)sql_column_int(st, 1);
	u.description = sql_column_text(st, 2);
	u.media_url = sql_column_text(st, 3);
	u.created = sql_column_int64(st, 4);
	if ((unsigned)u.status >= STATUS__MAX)
		return 0;
	return e->fn(&u, e->arg);
}

int
store_report_history(struct store *s, int64_t report,
    int (*fn)(const struct report_update *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_HISTORY);
	struct history_rows e = { report, fn, arg };

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, report);
	return ss_rows(s, st, "reading a report's history", history_row, &e);
}

static int
rate_hit(struct store *s, const char *key, int64_t since, int64_t now,
    int max, int *allowed)
{
	struct sql_stmt *st;
	int64_t n = 0;

	st = ss_stmt(s, STORE_MOD_SOCIAL, Q_RATE_LOCK);
	sql_bind_text(st, 1, key);
	if (ss_row(s, st, "locking a rate key", NULL, NULL) == -1)
		return -1;
	if ((st = ss_stmt(s, STORE_MOD_SOCIAL, Q_RATE_PRUNE)) == NULL)
		return -1;
	sql_bind_text(st, 1, key);
	sql_bind_int64(st, 2, since);
	if (ss_done(s, st, "pruning rate counters") == -1)
		return -1;
	st = ss_stmt(s, STORE_MOD_SOCIAL, Q_RATE_COUNT);
	sql_bind_text(st, 1, key);
	if (ss_row(s, st, "counting writes", ss_int64_row, &n) != 0)
		return -1;
	if (n >= max) {
		*allowed = 0;
		return 0;
	}
	if ((st = ss_stmt(s, STORE_MOD_SOCIAL, Q_RATE_INSERT)) == NULL)
		return -1;
	sql_bind_text(st, 1, key);
	sql_bind_int64(st, 2, now);
	if (ss_done(s, st, "counting a write") == -1)
		return -1;
	*allowed = 1;
	return 0;
}

int
store_rate_hit(struct store *s, const char *key, int64_t since, int64_t now,
    int max, int *allowed)
{
	int own;

	*allowed = 0;
	if (ss_tx_begin(s, &own) == -1)
		return -1;
	return ss_tx_end(s, own, rate_hit(s, key, since, now, max,
	    allowed) == 0);
}

int
store_comment_get(struct store *s, int64_t id,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_COMMENT_GET);
	struct comment_rows e = { fn, arg };

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, id);
	return ss_row(s, st, "reading a comment", comment_row, &e);
}

int
store_appeal_add(struct store *s, int64_t comment, int64_t user,
    const char *text, int64_t now, int64_t *id)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_APPEAL_INSERT);
	int rc;

	*id = 0;
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, comment);
	sql_bind_int64(st, 2, user);
	sql_bind_text(st, 3, text);
	sql_bind_int64(st, 4, now);
	/* No row: the comment has its appeal already. */
	rc = ss_row(s, st, "adding an appeal", ss_int64_row, id);
	return rc == 1 ? 2 : rc;
}

/* What appeal_row hands an appeal to. */
struct appeal_rows {
	int (*fn)(const struct comment_appeal *, void *);
	void *arg;
};

/* A row of APPEAL_COLUMNS to fn. */
static int
appeal_row(struct sql_stmt *st, void *arg)
{
	const struct appeal_rows *e = arg;
	struct comment_appeal a;

	a.id = sql_column_int64(st, 0);
	a.comment = sql_column_int64(st, 1);
	a.user = sql_column_int64(st, 2);
	a.text = sql_column_text(st, 3);
	a.created = sql_column_int64(st, 4);
	a.state = (enum appeal_state)sql_column_int(st, 5);
	a.reason = sql_column_text(st, 6);
	a.decider = sql_column_int64(st, 7);
	a.decided = sql_column_int64(st, 8);
	a.subject_kind = sql_column_text(st, 9);
	a.subject_id = sql_column_int64(st, 10);
	a.body = sql_column_text(st, 11);
	a.hide_reason = sql_column_text(st, 12);
	a.hider = sql_column_int64(st, 13);
	if ((unsigned)a.state >= APPEAL_STATE__MAX)
		return 0;
	return e->fn(&a, e->arg);
}

int
store_appeal_get(struct store *s, int64_t id,
    int (*fn)(const struct comment_appeal *, void *), void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_APPEAL_GET);
	struct appeal_rows e = { fn, arg };

	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, id);
	return ss_row(s, st, "reading an appeal", appeal_row, &e);
}

int
store_appeal_each(struct store *s, int64_t user, unsigned state_mask,
    size_t limit, int (*fn)(const struct comment_appeal *, void *),
    void *arg)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, user > 0 ?
	    Q_APPEAL_BY_USER : Q_APPEAL_QUEUE);
	struct appeal_rows e = { fn, arg };
	int i = 1;

	if (st == NULL)
		return -1;
	if (user > 0)
		sql_bind_int64(st, i++, user);
	sql_bind_int64(st, i++, (int64_t)state_mask);
	sql_bind_int64(st, i, limit ? (int64_t)limit : -1);
	return ss_rows(s, st, "reading appeals", appeal_row, &e);
}

int
store_appeal_decide(struct store *s, int64_t id, enum appeal_state state,
    const char *reason, int64_t decider, int64_t now)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_APPEAL_DECIDE);
	int own, rc;

	if (st == NULL || ss_tx_begin(s, &own) == -1)
		return -1;
	sql_bind_int64(st, 1, id);
	sql_bind_int(st, 2, (int)state);
	sql_bind_text(st, 3, reason);
	sql_bind_int64(st, 4, decider);
	sql_bind_int64(st, 5, now);
	rc = ss_changed(s, st, "deciding an appeal");
	return ss_tx_finish(s, own, rc);
}

int
store_other_moderators(struct store *s, int64_t user, int64_t *n)
{
	struct sql_stmt *st = ss_stmt(s, STORE_MOD_SOCIAL, Q_OTHER_MODERATORS);

	*n = 0;
	if (st == NULL)
		return -1;
	sql_bind_int64(st, 1, user);
	sql_bind_int(st, 2, ROLE_MODERATOR);
	sql_bind_int(st, 3, ROLE_ADMIN);
	return ss_row(s, st, "counting moderators", ss_int64_row, n) == 0 ?
	    0 : -1;
}
