/* social.c: votes, comments and write limits (see social.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "base/str.h"
#include "core/audit.h"
#include "core/officials.h"
#include "core/calls.h"
#include "core/drafts.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/proposals.h"
#include "core/ratings.h"
#include "core/report.h"
#include "core/social.h"
#include "core/text_check.h"
#include "store/store.h"
#include "store/store_social.h"
#include "text/abuse.h"
#include "text/tokenize.h"

static const struct {
	const char *name;
	int max;
} rates[RATE__MAX] = {
	[RATE_REPORT] = { "report", VECHE_RATE_REPORTS },
	[RATE_VOTE] = { "vote", VECHE_RATE_VOTES },
	[RATE_COMMENT] = { "comment", VECHE_RATE_COMMENTS },
	[RATE_PHOTO] = { "photo", VECHE_RATE_PHOTOS },
	[RATE_SIGNUP] = { "signup", VECHE_RATE_SIGNUPS },
	[RATE_HELP] = { "help", VECHE_RATE_HELP_POSTS },
};

int
social_vote(struct store *s, int64_t report, const char *voter, int64_t now,
    int64_t *count, int *already, struct verr *e)
{
	int rc, voted;

	*count = 0;
	*already = 0;
	if (voter == NULL || voter[0] == '\0')
		return verr_set(e, VERR_INVALID, "voter", "voter: a device "
		    "token is needed (enable cookies)");
	rc = store_vote_add(s, report, voter, now);
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no report %lld",
		    (long long)report);
	if (rc == -1 || store_vote_count(s, report, NULL, count, &voted) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "votes: %s",
		    store_error(s));
	*already = rc == 2;
	return 0;
}

/* Whether s holds something other than white space. */
static int
has_text(const char *s)
{
	return s[strspn(s, " \t\r\n")] != '\0';
}

static int
found_report(const struct report *r, void *arg)
{
	(void)r;
	(void)arg;
	return 0;
}

static int
found_proposal(const struct proposal *p, void *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

/* 0 when the subject exists, 1 when not, -1 on a store error. */
static int
report_present(struct store *s, int64_t id)
{
	return report_get(s, NULL, id, found_report, NULL);
}

static int
proposal_present(struct store *s, int64_t id)
{
	return proposal_get(s, id, found_proposal, NULL);
}

/*
 * The kinds of subject comments attach to.  Adding one (a draft's
 * paragraph, an official's note, an open call's candidate) is one line:
 * its name (at most 15 bytes, [a-z_]), its page (the id follows), a
 * function saying whether an id exists, and whether its comments need a
 * signed-in author (public discussions in the manner of 59-FZ identify
 * their participants: a draft's proposals are answered to their author,
 * a candidate's critics answer for what they say).
 */
static const struct {
	const char *name;
	const char *page;
	int (*present)(struct store *, int64_t);
	int account;                    /* anonymous comments refused */
} kinds[] = {
	{ "report", "/reports/", report_present, 0 },
	{ "proposal", "/proposals/", proposal_present, 0 },
	{ "official_note", "/officials/notes/", official_note_exists, 0 },
	{ "call_candidate", "/candidates/", candidate_present, 1 },
	{ "draft_paragraph", "/drafts/p/", draft_para_present, 1 },
};

/* The kinds' index of name, or -1. */
static int
kind_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
social_kind_needs_account(const char *kind)
{
	int k = kind_find(kind);

	return k >= 0 && kinds[k].account;
}

int
social_subject_path(const char *kind, int64_t id, char *buf, size_t size)
{
	int k = kind_find(kind), n;

	if (k < 0)
		return -1;
	n = snprintf(buf, size, "%s%lld", kinds[k].page, (long long)id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
social_subject_parse(const char *field, const char *s, char *kind,
    int64_t *id, struct verr *e)
{
	const char *colon = s != NULL ? strchr(s, ':') : NULL;
	size_t n;

	kind[0] = '\0';
	*id = 0;
	if (colon == NULL || (n = (size_t)(colon - s)) == 0 || n >= 16)
		return verr_set(e, VERR_INVALID, field, "%s: a kind and a "
		    "number, as proposal:5", field);
	memcpy(kind, s, n);
	kind[n] = '\0';
	if (kind_find(kind) < 0) {
		char known[160];
		size_t i, used = 0;
		int w;

		known[0] = '\0';
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			w = snprintf(known + used, sizeof(known) - used,
			    "%s%s", i > 0 ? ", " : "", kinds[i].name);
			if (w < 0 || (size_t)w >= sizeof(known) - used)
				break;
			used += (size_t)w;
		}
		return verr_set(e, VERR_INVALID, field, "%s: '%.15s' is not "
		    "something to comment on (%s)", field, kind, known);
	}
	if (parse_int64(colon + 1, 1, INT64_MAX, id) == -1)
		return verr_set(e, VERR_INVALID, field, "%s: the number after "
		    "':' is not an id", field);
	return 0;
}

int
social_comment(struct store *s, int64_t report, const char *author,
    const char *body, const char *device, int64_t now, int64_t *id,
    struct verr *e)
{
	struct comment_input in;

	memset(&in, 0, sizeof(in));
	in.report = report;
	in.author = author;
	in.body = body;
	in.device = device;
	in.now = now;
	return social_comment_add(s, &in, id, NULL, NULL, e);
}

/*
 * The text engine's pre-mark of body (59-FZ art. 11): "obscene",
 * "threat" or NULL in *mark.  Each call builds its own context: comments
 * are few, and a context may not be shared between threads.
 */
static int
premark(const char *body, const char **mark, struct verr *e)
{
	struct text_abuse_set *set = NULL;
	struct text_ctx *ctx = NULL;
	struct text_error terr;
	enum text_abuse kind = TEXT_ABUSE_NONE;
	int rc = -1;

	*mark = NULL;
	memset(&terr, 0, sizeof(terr));
	if ((ctx = text_ctx_new(NULL, &terr)) == NULL ||
	    (set = text_abuse_new(ctx, &terr)) == NULL ||
	    text_abuse_check(set, ctx, body, strlen(body), &kind,
	    &terr) == -1)
		verr_set(e, VERR_INTERNAL, NULL, "pre-marking: %s", terr.msg);
	else {
		*mark = text_abuse_name(kind);
		rc = 0;
	}
	text_abuse_free(set);
	text_ctx_free(ctx);
	return rc;
}

int
social_comment_add(struct store *s, const struct comment_input *in,
    int64_t *id, char *photo, const char **held, struct verr *e)
{
	const char *author = in->author;
	struct photo_file f;
	struct comment c;
	int rc, own, k;

	if (held != NULL)
		*held = NULL;
	memset(&c, 0, sizeof(c));
	c.subject_kind = in->report > 0 ? "report" : in->subject_kind;
	c.subject_id = in->report > 0 ? in->report : in->subject_id;
	if ((k = kind_find(c.subject_kind)) < 0)
		return verr_set(e, VERR_INVALID, "subject", "subject: report "
		    "or proposal");
	if (kinds[k].account && (in->by == NULL || in->by->user_id <= 0))
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign "
		    "in with an account to comment on a %s", c.subject_kind);
	if (in->body == NULL || !has_text(in->body))
		return verr_set(e, VERR_INVALID, "body", "body: write the "
		    "comment");
	if (text_check("body", in->body, TEXT_CHECK_MULTILINE,
	    VECHE_MAX_COMMENT, e) == -1)
		return -1;
	if (author != NULL && !has_text(author))
		author = NULL;
	if (author != NULL && text_check("author", author, 0, VECHE_MAX_NAME,
	    e) == -1)
		return -1;
	if ((rc = kinds[k].present(s, c.subject_id)) == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no %s %lld",
		    c.subject_kind, (long long)c.subject_id);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
	if (premark(in->body, &c.premark, e) == -1)
		return -1;
	c.report_id = strcmp(c.subject_kind, "report") == 0 ? c.subject_id : 0;
	if (in->by != NULL && in->by->role == ROLE_CITIZEN &&
	    in->by->user_id > 0)
		c.user_id = in->by->user_id;
	c.author = author;
	c.body = in->body;
	/* Art. 11: held until a moderator decides, never published first. */
	c.status = c.premark != NULL ? COMMENT_PENDING : COMMENT_PUBLISHED;
	c.created = in->now;
	/* The photo is decoded in the sandboxed worker before anything is
	 * written; its row and the comment then commit together. */
	if (in->photo != NULL) {
		if (photo_save(in->photo_dir, in->photo, in->photo_len, &f,
		    e) == -1)
			return -1;
		c.photo = f.id;
	}
	own = !store_in_transaction(s);
	if (own && store_begin(s) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "comments: %s", store_error(s));
		goto fail;
	}
	if (c.photo != NULL && photo_record(s, &f, in->now, e) == -1)
		rc = -1;
	else if ((rc = store_comment_add(s, &c, in->device, id)) != 0 ||
	    (own && store_commit(s) == -1))
		rc = verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
	if (rc == 0) {
		if (photo != NULL)
			snprintf(photo, PHOTO_ID_LEN, "%s", c.photo != NULL ?
			    c.photo : "");
		if (held != NULL)
			*held = c.premark;
		return 0;
	}
	if (own)
		store_rollback(s);
fail:
	if (c.photo != NULL)
		photo_remove(in->photo_dir, f.id);
	return -1;
}

int
social_reputation(struct store *s, int64_t user, double *reputation,
    struct verr *e)
{
	struct ratings_share share;
	int64_t up, down, helped;
	double k, n;

	*reputation = 0;
	if (user <= 0)
		return 0;
	if (store_user_standing(s, user, &up, &down, &helped) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "reputation: %s",
		    store_error(s));
	k = (double)up + VECHE_COMMENT_HELP_WEIGHT * (double)helped;
	n = (double)(up + down) + VECHE_COMMENT_HELP_WEIGHT * (double)helped;
	ratings_wilson_weighed(k, n, &share);
	*reputation = share.lo;
	return 0;
}

int
social_rater_weight(struct store *s, int64_t user, const char *device,
    int64_t now, double *weight, int *fresh, struct verr *e)
{
	int64_t since;
	double rep;

	*weight = VECHE_COMMENT_FRESH_WEIGHT;
	*fresh = 1;
	if (store_rater_first_seen(s, user, device, &since) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
	if (since <= 0 || now - since < (int64_t)VECHE_COMMENT_FRESH_DAYS *
	    86400)
		return 0;
	*fresh = 0;
	if (user <= 0) {
		*weight = VECHE_COMMENT_DEVICE_WEIGHT;
		return 0;
	}
	if (social_reputation(s, user, &rep, e) == -1)
		return -1;
	*weight = 1 + rep;
	return 0;
}

int
social_comment_mark(struct store *s, int64_t id, const struct actor *a,
    const char *device, enum comment_mark mark, int64_t now,
    struct comment_subject *sub, int *already, struct verr *e)
{
	/* "account:" and a login: never a device token (hex), never reused. */
	char account[sizeof("account:") + VECHE_MAX_LOGIN];
	struct comment_rater r;
	int64_t user = 0;
	int rc, n;

	*already = 0;
	memset(sub, 0, sizeof(*sub));
	r.who = device;
	if (a != NULL && a->role != ROLE_SYSTEM && a->user_id > 0) {
		n = snprintf(account, sizeof(account), "account:%s", a->name);
		if (n < 0 || (size_t)n >= sizeof(account))
			return verr_set(e, VERR_INVALID, "voter", "voter: a "
			    "login of at most %d bytes", VECHE_MAX_LOGIN);
		r.who = account;
		user = a->user_id;
	}
	if (r.who == NULL || r.who[0] == '\0')
		return verr_set(e, VERR_INVALID, "voter", "voter: a device "
		    "token is needed (enable cookies)");
	if ((unsigned)mark >= COMMENT_MARK__MAX)
		return verr_set(e, VERR_INVALID, "useful", "useful: yes or no");
	if (social_rater_weight(s, user, device, now, &r.weight, &r.fresh,
	    e) == -1)
		return -1;
	rc = store_comment_mark(s, id, &r, mark == COMMENT_FLAG ? -1 :
	    mark == COMMENT_USEFUL, now, sub);
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no comment %lld",
		    (long long)id);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
	*already = rc == 2;
	return 0;
}

int
social_rate(struct store *s, enum rate_kind kind, const char *who,
    int64_t now, struct verr *e)
{
	char key[128];
	int allowed;

	if ((unsigned)kind >= RATE__MAX)
		return verr_set(e, VERR_INTERNAL, NULL, "unknown rate kind");
	snprintf(key, sizeof(key), "%s:%.100s", rates[kind].name,
	    who != NULL ? who : "");
	if (store_rate_hit(s, key, now - VECHE_RATE_WINDOW, now,
	    rates[kind].max, &allowed) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "rate: %s",
		    store_error(s));
	return allowed ? 0 : 1;
}

static int moderate(struct store *, const struct actor *, int64_t, int,
    const char *, int, int64_t, struct verr *);

int
social_moderate(struct store *s, const struct actor *by, int64_t id,
    int publish, int64_t now, struct verr *e)
{
	return moderate(s, by, id, publish, NULL, 0, now, e);
}

int
social_moderate_why(struct store *s, const struct actor *by, int64_t id,
    int publish, const char *reason, int64_t now, struct verr *e)
{
	return moderate(s, by, id, publish, reason, 1, now, e);
}

/* social_moderate, the reason required to hide when need_reason. */
static int
moderate(struct store *s, const struct actor *by, int64_t id, int publish,
    const char *reason, int need_reason, int64_t now, struct verr *e)
{
	char object[40], *detail;
	size_t n;
	int rc;

	if (by == NULL || (by->role != ROLE_MODERATOR &&
	    by->role != ROLE_ADMIN))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only "
		    "moderators and administrators moderate comments");
	if (reason != NULL && !has_text(reason))
		reason = NULL;
	if (!publish && reason == NULL && need_reason)
		return verr_set(e, VERR_INVALID, "reason", "reason: say why "
		    "the comment is hidden (the author sees it)");
	if (reason != NULL && text_check("reason", reason,
	    TEXT_CHECK_MULTILINE, VECHE_MAX_REASON, e) == -1)
		return -1;
	n = strlen("status=published reason=") + (reason != NULL ?
	    strlen(reason) : 0) + 1;
	if ((detail = malloc(n)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	snprintf(detail, n, "status=%s%s%s", publish ? "published" : "hidden",
	    reason != NULL ? " reason=" : "", reason != NULL ? reason : "");
	/* The change and its audit entry commit together. */
	if (store_begin(s) == -1) {
		free(detail);
		return verr_set(e, VERR_INTERNAL, NULL, "moderating: %s",
		    store_error(s));
	}
	rc = store_comment_set_status(s, id, publish ? COMMENT_PUBLISHED :
	    COMMENT_HIDDEN, reason, by->user_id, now);
	if (rc == 1) {
		store_rollback(s);
		free(detail);
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no comment %lld",
		    (long long)id);
	}
	snprintf(object, sizeof(object), "comment:%lld", (long long)id);
	if (rc != 0 || audit_append(s, by, publish ? "comment.publish" :
	    "comment.hide", object, NULL, detail, now, e) == -1 ||
	    store_commit(s) == -1) {
		if (rc != 0 || e->kind != VERR_INTERNAL)
			verr_set(e, VERR_INTERNAL, NULL, "moderating: %s",
			    store_error(s));
		store_rollback(s);
		free(detail);
		return -1;
	}
	free(detail);
	return 0;
}

/* A subject's comments copied out of the store, to be scored and sorted. */
struct comment_buf {
	struct comment *v;
	size_t n, cap;
	int failed;
};

static int
on_buffered(const struct comment *cm, void *arg)
{
	struct comment_buf *b = arg;
	struct comment *c;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct comment *v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	c = &b->v[b->n++];
	*c = *cm;
	c->subject_kind = str_dup_or_null(cm->subject_kind, &b->failed);
	c->author = str_dup_or_null(cm->author, &b->failed);
	c->body = str_dup_or_null(cm->body, &b->failed);
	c->photo = str_dup_or_null(cm->photo, &b->failed);
	c->premark = str_dup_or_null(cm->premark, &b->failed);
	c->reason = str_dup_or_null(cm->reason, &b->failed);
	return b->failed ? -1 : 0;
}

static void
buf_free(struct comment_buf *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free((char *)b->v[i].subject_kind);
		free((char *)b->v[i].author);
		free((char *)b->v[i].body);
		free((char *)b->v[i].photo);
		free((char *)b->v[i].premark);
		free((char *)b->v[i].reason);
	}
	free(b->v);
}

/* The highest score first; ties (and equal scores) oldest first. */
static int
by_score(const void *x, const void *y)
{
	const struct comment *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Each comment's score and its author's reputation. */
static int
score_all(struct store *s, struct comment_buf *b)
{
	struct ratings_share share;
	struct verr e;
	size_t i, j;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < b->n; i++) {
		struct comment *c = &b->v[i];

		ratings_wilson_weighed(c->w_useful, c->w_useful +
		    c->w_not_useful, &share);
		c->score = share.lo;
		if (c->user_id <= 0)
			continue;
		for (j = 0; j < i && b->v[j].user_id != c->user_id; j++)
			;
		if (j < i)
			c->reputation = b->v[j].reputation;
		else if (social_reputation(s, c->user_id, &c->reputation,
		    &e) == -1)
			return -1;
	}
	return 0;
}

int
social_comments(struct store *s, const char *kind, int64_t subject,
    enum comment_status status, enum comment_order order,
    int (*fn)(const struct comment *, void *), void *arg)
{
	struct comment_buf b;
	size_t i;
	int rc;

	memset(&b, 0, sizeof(b));
	if (kind_find(kind) < 0)
		return 0;
	rc = store_comment_each(s, kind, subject, status, VECHE_COMMENT_LIST,
	    on_buffered, &b);
	if (rc == 0 && score_all(s, &b) == -1)
		rc = -1;
	if (rc == 0 && order == COMMENT_ORDER_SCORE && b.n > 1)
		qsort(b.v, b.n, sizeof(b.v[0]), by_score);
	for (i = 0; rc == 0 && i < b.n; i++)
		rc = fn(&b.v[i], arg);
	buf_free(&b);
	return rc;
}

int
social_comments_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg)
{
	return store_comment_flagged(s, limit, fn, arg);
}

int
social_comments_recent(struct store *s, unsigned status_mask, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg)
{
	return store_comment_recent(s, status_mask, limit, fn, arg);
}

int
social_comments_by(struct store *s, int64_t user, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg)
{
	return store_comment_by_user(s, user, status_mask, limit, fn, arg);
}

int
social_votes(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted)
{
	return store_vote_count(s, report, voter, count, voted);
}

static const char *const appeal_state_names[APPEAL_STATE__MAX] = {
	[APPEAL_OPEN] = "open",
	[APPEAL_UPHELD] = "upheld",
	[APPEAL_RESTORED] = "restored",
};

const char *
social_appeal_state_name(enum appeal_state st)
{
	return (unsigned)st < APPEAL_STATE__MAX ? appeal_state_names[st] :
	    NULL;
}

/* What an appeal's checks need of its comment. */
struct appeal_target {
	int64_t user;
	enum comment_status status;
};

static int
on_target(const struct comment *c, void *arg)
{
	struct appeal_target *t = arg;

	t->user = c->user_id;
	t->status = c->status;
	return 0;
}

/* "key=" and text into a malloc'd audit detail, or NULL. */
static char *
audit_detail(const char *head, const char *key, const char *text)
{
	size_t n = strlen(head) + strlen(key) + strlen(text) + 3;
	char *d = malloc(n);

	if (d != NULL)
		snprintf(d, n, "%s %s=%s", head, key, text);
	return d;
}

/* Commit, or roll back and set e (unless an audit error set it). */
static int
finish(struct store *s, int rc, const char *what, struct verr *e)
{
	if (rc == 0 && store_commit(s) == 0)
		return 0;
	if (e->kind == VERR_NONE || e->kind == VERR_INTERNAL)
		verr_set(e, VERR_INTERNAL, NULL, "%s: %s", what,
		    store_error(s));
	store_rollback(s);
	return -1;
}

int
social_appeal(struct store *s, const struct actor *by, int64_t comment,
    const char *text, int64_t now, int64_t *id, struct verr *e)
{
	struct appeal_target t = { 0, COMMENT_PUBLISHED };
	char object[40], head[40];
	char *detail = NULL;
	int rc;

	*id = 0;
	if (by == NULL || by->user_id <= 0 || by->role != ROLE_CITIZEN)
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign "
		    "in as the comment's author to appeal");
	if (text == NULL || !has_text(text))
		return verr_set(e, VERR_INVALID, "text", "text: say why the "
		    "comment should be restored");
	if (text_check("text", text, TEXT_CHECK_MULTILINE, VECHE_MAX_APPEAL,
	    e) == -1)
		return -1;
	if ((rc = store_comment_get(s, comment, on_target, &t)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "appeals: %s",
		    store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no comment %lld",
		    (long long)comment);
	if (t.user != by->user_id)
		return verr_set(e, VERR_FORBIDDEN, "id", "id: only the "
		    "comment's author appeals");
	if (t.status != COMMENT_HIDDEN)
		return verr_set(e, VERR_CONFLICT, "id", "id: the comment is "
		    "not hidden");
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "appeals: %s",
		    store_error(s));
	rc = store_appeal_add(s, comment, by->user_id, text, now, id);
	if (rc == 2) {
		store_rollback(s);
		return verr_set(e, VERR_CONFLICT, "id", "id: the comment was "
		    "appealed before (one appeal per comment)");
	}
	snprintf(object, sizeof(object), "comment:%lld", (long long)comment);
	snprintf(head, sizeof(head), "appeal=%lld", (long long)*id);
	if (rc == 0 && (detail = audit_detail(head, "text", text)) == NULL)
		rc = -1;
	if (rc == 0 && audit_append(s, by, "comment.appeal", object, NULL,
	    detail, now, e) == -1)
		rc = -1;
	free(detail);
	return finish(s, rc, "appeals", e);
}

/* What a decision needs of its appeal. */
struct appeal_open {
	int64_t user, comment, hider;
	enum appeal_state state;
};

static int
on_open(const struct comment_appeal *a, void *arg)
{
	struct appeal_open *o = arg;

	o->user = a->user;
	o->comment = a->comment;
	o->hider = a->hider;
	o->state = a->state;
	return 0;
}

int
social_appeal_decide(struct store *s, const struct actor *by,
    int64_t appeal, int restore, const char *reason, int64_t now,
    int64_t *author, int64_t *comment, struct verr *e)
{
	struct appeal_open o;
	char object[40], head[64];
	char *detail = NULL;
	int64_t others = 0;
	int rc;

	*author = *comment = 0;
	memset(&o, 0, sizeof(o));
	if (by == NULL || (by->role != ROLE_MODERATOR &&
	    by->role != ROLE_ADMIN))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only "
		    "moderators and administrators decide appeals");
	if (reason == NULL || !has_text(reason))
		return verr_set(e, VERR_INVALID, "reason", "reason: say why "
		    "(the author sees it)");
	if (text_check("reason", reason, TEXT_CHECK_MULTILINE,
	    VECHE_MAX_REASON, e) == -1)
		return -1;
	if ((rc = store_appeal_get(s, appeal, on_open, &o)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "appeals: %s",
		    store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no appeal %lld",
		    (long long)appeal);
	if (o.state != APPEAL_OPEN)
		return verr_set(e, VERR_CONFLICT, "id", "id: the appeal was "
		    "decided before");
	/* Another pair of eyes: the one who hid it decides only alone. */
	if (o.hider > 0 && o.hider == by->user_id) {
		if (store_other_moderators(s, by->user_id, &others) == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "appeals: %s",
			    store_error(s));
		if (others > 0)
			return verr_set(e, VERR_FORBIDDEN, "moderator",
			    "moderator: you hid this comment; another "
			    "moderator decides its appeal");
	}
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "appeals: %s",
		    store_error(s));
	rc = store_appeal_decide(s, appeal, restore ? APPEAL_RESTORED :
	    APPEAL_UPHELD, reason, by->user_id, now);
	if (rc == 1) {
		store_rollback(s);
		return verr_set(e, VERR_CONFLICT, "id", "id: the appeal was "
		    "decided before");
	}
	if (rc == 0 && restore && store_comment_set_status(s, o.comment,
	    COMMENT_PUBLISHED, NULL, by->user_id, now) != 0)
		rc = -1;
	snprintf(object, sizeof(object), "comment:%lld", (long long)o.comment);
	snprintf(head, sizeof(head), "appeal=%lld decision=%s",
	    (long long)appeal, restore ? "restored" : "upheld");
	if (rc == 0 && (detail = audit_detail(head, "reason", reason)) == NULL)
		rc = -1;
	if (rc == 0 && audit_append(s, by, restore ? "comment.appeal.restore" :
	    "comment.appeal.uphold", object, NULL, detail, now, e) == -1)
		rc = -1;
	free(detail);
	if (finish(s, rc, "appeals", e) == -1)
		return -1;
	*author = o.user;
	*comment = o.comment;
	return 0;
}

int
social_appeals(struct store *s, int64_t user, unsigned state_mask,
    size_t limit, int (*fn)(const struct comment_appeal *, void *),
    void *arg)
{
	return store_appeal_each(s, user, state_mask, limit, fn, arg);
}
