/*
 * sqlite_drafts.c: drafts of regulations as structured rows (draft,
 * version, article, paragraph), the wordings proposed with comments and
 * the agency's decisions (store_drafts.h).  The comments themselves are
 * the comment system's (sqlite_social.c, subject kind "draft_paragraph");
 * the reads here join them for counts and the summary, published only.
 */
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store_drafts.h"

static const char *const drafts_migrations[] = {
	/* 1: drafts, versions, articles, paragraphs, wordings, decisions. */
	"CREATE TABLE drafts(id INTEGER PRIMARY KEY, agency TEXT NOT NULL,"
	" title TEXT NOT NULL, opens INTEGER NOT NULL, closes INTEGER NOT NULL,"
	" created INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX drafts_agency ON drafts(agency, created);"
	"CREATE TABLE draft_versions(draft INTEGER NOT NULL REFERENCES"
	" drafts(id) ON DELETE CASCADE, n INTEGER NOT NULL,"
	" created INTEGER NOT NULL, PRIMARY KEY(draft, n)) WITHOUT ROWID;"
	"CREATE TABLE draft_articles(id INTEGER PRIMARY KEY,"
	" draft INTEGER NOT NULL, version INTEGER NOT NULL,"
	" number INTEGER NOT NULL, title TEXT NOT NULL,"
	" FOREIGN KEY(draft, version) REFERENCES draft_versions(draft, n)"
	" ON DELETE CASCADE, UNIQUE(draft, version, number));"
	"CREATE TABLE draft_paragraphs(id INTEGER PRIMARY KEY,"
	" draft INTEGER NOT NULL, version INTEGER NOT NULL,"
	" article INTEGER NOT NULL REFERENCES draft_articles(id)"
	" ON DELETE CASCADE, number INTEGER NOT NULL, body TEXT NOT NULL);"
	"CREATE INDEX draft_paragraphs_version ON"
	" draft_paragraphs(draft, version);"
	"CREATE TABLE draft_wordings(comment INTEGER PRIMARY KEY,"
	" paragraph INTEGER NOT NULL, body TEXT NOT NULL);"
	"CREATE TABLE draft_decisions(comment INTEGER PRIMARY KEY,"
	" decision INTEGER NOT NULL, reason TEXT, by_user INTEGER,"
	" decided INTEGER NOT NULL);",
	/* 2 (partfix): the language each proposal was written in, for the
	 * decision's e-mail (accounts keep no language). */
	"CREATE TABLE draft_comment_langs(comment INTEGER PRIMARY KEY,"
	" lang INTEGER NOT NULL);",
};

const struct migration_set store_drafts_schema = {
	"drafts", drafts_migrations,
	sizeof(drafts_migrations) / sizeof(drafts_migrations[0])
};

enum {
	Q_ADD, Q_VERSION, Q_ARTICLE, Q_PARA, Q_CURRENT, Q_GET, Q_EACH,
	Q_PARAS, Q_PARA_GET, Q_WORDING, Q_DECIDE, Q_PROPOSALS, Q_PROPOSAL,
	Q_LANG, Q_PARTICIPANTS, Q__MAX
};

#define PUBLISHED_ON(p) "c.subject_kind = 'draft_paragraph' AND" \
	" c.subject = " p " AND c.status = 0"
#define COLUMNS "d.id, d.agency, d.title, d.opens, d.closes, d.created," \
	" d.version, (SELECT count(*) FROM draft_paragraphs p JOIN comments c" \
	" ON " PUBLISHED_ON("p.id") " WHERE p.draft = d.id)"
#define PARA_COLUMNS "p.id, p.draft, p.version, a.number, a.title," \
	" p.number, p.body, (SELECT count(*) FROM comments c WHERE " \
	PUBLISHED_ON("p.id") ") FROM draft_paragraphs p JOIN draft_articles a" \
	" ON a.id = p.article"
#define PROPOSAL_COLUMNS "c.id, p.id, p.version, a.number, p.number," \
	" p.body, c.author, coalesce(c.user, 0), c.body, w.body, c.created," \
	" coalesce(dd.decision, 0), dd.reason, coalesce(dd.decided, 0)," \
	" coalesce(cl.lang, 0)" \
	" FROM comments c JOIN draft_paragraphs p ON " PUBLISHED_ON("p.id") \
	" JOIN draft_articles a ON a.id = p.article" \
	" LEFT JOIN draft_wordings w ON w.comment = c.id" \
	" LEFT JOIN draft_decisions dd ON dd.comment = c.id" \
	" LEFT JOIN draft_comment_langs cl ON cl.comment = c.id"

static const char *const sql[Q__MAX] = {
	[Q_ADD] = "INSERT INTO drafts(agency, title, opens, closes, created)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_VERSION] = "INSERT INTO draft_versions(draft, n, created)"
	    " VALUES (?1, ?2, ?3)",
	[Q_ARTICLE] = "INSERT INTO draft_articles(draft, version, number,"
	    " title) VALUES (?1, ?2, ?3, ?4)",
	[Q_PARA] = "INSERT INTO draft_paragraphs(draft, version, article,"
	    " number, body) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_CURRENT] = "UPDATE drafts SET version = ?2 WHERE id = ?1",
	[Q_GET] = "SELECT " COLUMNS " FROM drafts d WHERE d.id = ?1",
	[Q_EACH] = "SELECT " COLUMNS " FROM drafts d"
	    " WHERE (?1 IS NULL OR d.agency = ?1) AND (?2 = 0"
	    " OR (?2 = 1 AND d.opens <= ?3 AND ?3 <= d.closes)"
	    " OR (?2 = 2 AND d.closes < ?3) OR (?2 = 3 AND ?3 < d.opens))"
	    " ORDER BY d.created DESC, d.id DESC LIMIT ?4",
	[Q_PARAS] = "SELECT " PARA_COLUMNS " WHERE p.draft = ?1"
	    " AND p.version = ?2 ORDER BY a.number, p.number",
	[Q_PARA_GET] = "SELECT " PARA_COLUMNS " WHERE p.id = ?1",
	[Q_WORDING] = "INSERT INTO draft_wordings(comment, paragraph, body)"
	    " VALUES (?1, ?2, ?3)",
	[Q_DECIDE] = "INSERT INTO draft_decisions(comment, decision, reason,"
	    " by_user, decided) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT DO NOTHING",
	[Q_PROPOSALS] = "SELECT " PROPOSAL_COLUMNS " WHERE p.draft = ?1"
	    " AND (?2 = 0 OR p.id = ?2) ORDER BY p.version, a.number,"
	    " p.number, c.created, c.id LIMIT ?3",
	[Q_PROPOSAL] = "SELECT " PROPOSAL_COLUMNS " WHERE c.id = ?1",
	/* One row per account; the bare lang is its latest comment's
	 * (SQLite takes bare columns from the max(c.id) row). */
	[Q_PARTICIPANTS] = "SELECT c.user, coalesce(cl.lang, 0), max(c.id)"
	    " FROM draft_paragraphs p JOIN comments c ON " PUBLISHED_ON("p.id")
	    " LEFT JOIN draft_comment_langs cl ON cl.comment = c.id"
	    " WHERE p.draft = ?1 AND c.user IS NOT NULL GROUP BY c.user"
	    " ORDER BY c.user LIMIT ?2",
	[Q_LANG] = "INSERT INTO draft_comment_langs(comment, lang)"
	    " VALUES (?1, ?2)",
};

const struct stmt_table store_drafts_stmts = { sql, Q__MAX };

#define ST(i) sq_stmt(s, STORE_MOD_DRAFTS, (i))

int
store_draft_add(struct store *s, const struct draft *d, int64_t *id)
{
	sqlite3_stmt *st = ST(Q_ADD);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, d->agency);
	sq_bind_text(st, 2, d->title);
	sqlite3_bind_int64(st, 3, d->opens);
	sqlite3_bind_int64(st, 4, d->closes);
	sqlite3_bind_int64(st, 5, d->created);
	if (sq_step_done(s, st, "storing a draft") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* The version's rows; the caller holds the transaction. */
static int
version_write(struct store *s, int64_t draft, int n,
    const struct draft_text *t, int64_t now)
{
	sqlite3_stmt *st;
	int64_t article = 0;
	size_t i;

	if ((st = ST(Q_VERSION)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, draft);
	sqlite3_bind_int(st, 2, n);
	sqlite3_bind_int64(st, 3, now);
	if (sq_step_done(s, st, "storing a draft's version") == -1)
		return -1;
	for (i = 0; i < t->nparas; i++) {
		if (t->paras[i].number == 1) {
			if ((st = ST(Q_ARTICLE)) == NULL)
				return -1;
			sqlite3_bind_int64(st, 1, draft);
			sqlite3_bind_int(st, 2, n);
			sqlite3_bind_int(st, 3, t->paras[i].article);
			sq_bind_text(st, 4, t->paras[i].article_title);
			if (sq_step_done(s, st, "storing an article") == -1)
				return -1;
			article = sqlite3_last_insert_rowid(s->db);
		}
		if ((st = ST(Q_PARA)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, draft);
		sqlite3_bind_int(st, 2, n);
		sqlite3_bind_int64(st, 3, article);
		sqlite3_bind_int(st, 4, t->paras[i].number);
		sq_bind_text(st, 5, t->paras[i].text);
		if (sq_step_done(s, st, "storing a paragraph") == -1)
			return -1;
	}
	if ((st = ST(Q_CURRENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, draft);
	sqlite3_bind_int(st, 2, n);
	return sq_step_done(s, st, "making a version current");
}

int
store_draft_version_add(struct store *s, int64_t draft, int n,
    const struct draft_text *t, int64_t now)
{
	int own, rc;

	if (sq_tx_begin(s, &own) == -1)
		return -1;
	rc = version_write(s, draft, n, t, now);
	return sq_tx_finish(s, own, rc);
}

struct rows {
	int (*fn)(const struct draft *, void *);
	void *arg;
};

static int
row(sqlite3_stmt *st, void *arg)
{
	const struct rows *r = arg;
	struct draft d;

	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	d.agency = sq_col_text(st, 1);
	d.title = sq_col_text(st, 2);
	d.opens = sqlite3_column_int64(st, 3);
	d.closes = sqlite3_column_int64(st, 4);
	d.created = sqlite3_column_int64(st, 5);
	d.version = sqlite3_column_int(st, 6);
	d.proposals = sqlite3_column_int64(st, 7);
	return r->fn(&d, r->arg);
}

int
store_draft_get(struct store *s, int64_t id,
    int (*fn)(const struct draft *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a draft", row, &r);
}

int
store_draft_each(struct store *s, const struct draft_filter *f,
    int (*fn)(const struct draft *, void *), void *arg)
{
	struct rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_EACH);

	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, f->agency);
	sqlite3_bind_int(st, 2, (int)f->when);
	sqlite3_bind_int64(st, 3, f->now);
	sqlite3_bind_int64(st, 4, (int64_t)f->limit);
	return sq_rows(s, st, "reading drafts", row, &r);
}

struct para_rows {
	int (*fn)(const struct draft_para *, void *);
	void *arg;
};

static int
para_row(sqlite3_stmt *st, void *arg)
{
	const struct para_rows *r = arg;
	struct draft_para p;

	memset(&p, 0, sizeof(p));
	p.id = sqlite3_column_int64(st, 0);
	p.draft = sqlite3_column_int64(st, 1);
	p.version = sqlite3_column_int(st, 2);
	p.article = sqlite3_column_int(st, 3);
	p.article_title = sq_col_text(st, 4);
	p.number = sqlite3_column_int(st, 5);
	p.text = sq_col_text(st, 6);
	p.comments = sqlite3_column_int64(st, 7);
	return r->fn(&p, r->arg);
}

int
store_draft_paras(struct store *s, int64_t draft, int version,
    int (*fn)(const struct draft_para *, void *), void *arg)
{
	struct para_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_PARAS);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, draft);
	sqlite3_bind_int(st, 2, version);
	return sq_rows(s, st, "reading paragraphs", para_row, &r);
}

int
store_draft_para_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_para *, void *), void *arg)
{
	struct para_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_PARA_GET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a paragraph", para_row, &r);
}

int
store_draft_wording_add(struct store *s, int64_t comment, int64_t paragraph,
    const char *text)
{
	sqlite3_stmt *st = ST(Q_WORDING);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, comment);
	sqlite3_bind_int64(st, 2, paragraph);
	sq_bind_text(st, 3, text);
	return sq_step_done(s, st, "storing a wording");
}

int
store_draft_lang_add(struct store *s, int64_t comment, enum lang lang)
{
	sqlite3_stmt *st = ST(Q_LANG);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, comment);
	sqlite3_bind_int(st, 2, (int)lang);
	return sq_step_done(s, st, "storing a proposal's language");
}

int
store_draft_decide(struct store *s, int64_t comment, enum draft_decision d,
    const char *reason, int64_t by, int64_t now)
{
	sqlite3_stmt *st = ST(Q_DECIDE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, comment);
	sqlite3_bind_int(st, 2, (int)d);
	sq_bind_text(st, 3, reason);
	if (by > 0)
		sqlite3_bind_int64(st, 4, by);
	sqlite3_bind_int64(st, 5, now);
	if (sq_step_done(s, st, "storing a decision") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 2;
}

struct proposal_rows {
	int (*fn)(const struct draft_proposal *, void *);
	void *arg;
};

static int
proposal_row(sqlite3_stmt *st, void *arg)
{
	const struct proposal_rows *r = arg;
	struct draft_proposal p;

	memset(&p, 0, sizeof(p));
	p.comment = sqlite3_column_int64(st, 0);
	p.paragraph = sqlite3_column_int64(st, 1);
	p.version = sqlite3_column_int(st, 2);
	p.article = sqlite3_column_int(st, 3);
	p.number = sqlite3_column_int(st, 4);
	p.paragraph_text = sq_col_text(st, 5);
	p.author = sq_col_text(st, 6);
	p.user = sqlite3_column_int64(st, 7);
	p.body = sq_col_text(st, 8);
	p.wording = sq_col_text(st, 9);
	p.created = sqlite3_column_int64(st, 10);
	p.decision = (enum draft_decision)sqlite3_column_int(st, 11);
	p.reason = sq_col_text(st, 12);
	p.decided = sqlite3_column_int64(st, 13);
	if ((unsigned)p.decision >= DRAFT_DECISION__MAX)
		p.decision = DRAFT_UNDECIDED;
	p.lang = (enum lang)sqlite3_column_int(st, 14);
	if ((unsigned)p.lang >= LANG__MAX)
		p.lang = LANG_RU;
	return r->fn(&p, r->arg);
}

int
store_draft_proposals(struct store *s, int64_t draft, int64_t paragraph,
    size_t limit, int (*fn)(const struct draft_proposal *, void *),
    void *arg)
{
	struct proposal_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_PROPOSALS);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, draft);
	sqlite3_bind_int64(st, 2, paragraph);
	sqlite3_bind_int64(st, 3, (int64_t)limit);
	return sq_rows(s, st, "reading proposals", proposal_row, &r);
}

int
store_draft_proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_proposal *, void *), void *arg)
{
	struct proposal_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_PROPOSAL);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sq_row(s, st, "reading a proposal", proposal_row, &r);
}

struct participant_rows {
	int (*fn)(int64_t, enum lang, void *);
	void *arg;
};

static int
participant_row(sqlite3_stmt *st, void *arg)
{
	const struct participant_rows *r = arg;
	int lang = sqlite3_column_int(st, 1);

	return r->fn(sqlite3_column_int64(st, 0), lang >= 0 && lang < LANG__MAX ?
	    (enum lang)lang : LANG_RU, r->arg);
}

int
store_draft_participants(struct store *s, int64_t draft, size_t limit,
    int (*fn)(int64_t, enum lang, void *), void *arg)
{
	struct participant_rows r = { fn, arg };
	sqlite3_stmt *st = ST(Q_PARTICIPANTS);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, draft);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return sq_rows(s, st, "reading a draft's participants",
	    participant_row, &r);
}
