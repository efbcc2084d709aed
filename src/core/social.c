/* social.c: votes, comments and write limits (see social.h). */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/social.h"
#include "core/text_check.h"
#include "store/store.h"
#include "store/store_social.h"

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
	return social_comment_add(s, &in, id, NULL, e);
}

int
social_comment_add(struct store *s, const struct comment_input *in,
    int64_t *id, char *photo, struct verr *e)
{
	const char *author = in->author;
	struct photo_file f;
	struct comment c;
	int rc, own;

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
	memset(&c, 0, sizeof(c));
	c.report_id = in->report;
	c.author = author;
	c.body = in->body;
	c.status = COMMENT_PUBLISHED;
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
	else if ((rc = store_comment_add(s, &c, in->device, id)) == 1)
		rc = verr_set(e, VERR_NOT_FOUND, "id", "id: no report %lld",
		    (long long)in->report);
	else if (rc != 0 || (own && store_commit(s) == -1))
		rc = verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
	if (rc == 0) {
		if (photo != NULL)
			snprintf(photo, PHOTO_ID_LEN, "%s", c.photo != NULL ?
			    c.photo : "");
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
social_comment_mark(struct store *s, int64_t id, const struct actor *a,
    const char *device, enum comment_mark mark, int64_t now, int64_t *report,
    int *already, struct verr *e)
{
	/* "account:" and a login: never a device token (hex), never reused. */
	char account[sizeof("account:") + VECHE_MAX_LOGIN];
	const char *who = device;
	int rc, n;

	*already = 0;
	*report = 0;
	if (a != NULL && a->role != ROLE_SYSTEM && a->user_id > 0) {
		n = snprintf(account, sizeof(account), "account:%s", a->name);
		if (n < 0 || (size_t)n >= sizeof(account))
			return verr_set(e, VERR_INVALID, "voter", "voter: a "
			    "login of at most %d bytes", VECHE_MAX_LOGIN);
		who = account;
	}
	if (who == NULL || who[0] == '\0')
		return verr_set(e, VERR_INVALID, "voter", "voter: a device "
		    "token is needed (enable cookies)");
	if ((unsigned)mark >= COMMENT_MARK__MAX)
		return verr_set(e, VERR_INVALID, "useful", "useful: yes or no");
	rc = store_comment_mark(s, id, who, mark == COMMENT_FLAG ? -1 :
	    mark == COMMENT_USEFUL, now, report);
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

int
social_moderate(struct store *s, const struct actor *by, int64_t id,
    int publish, int64_t now, struct verr *e)
{
	char object[40];
	int rc;

	if (by == NULL || (by->role != ROLE_MODERATOR &&
	    by->role != ROLE_ADMIN))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only "
		    "moderators and administrators moderate comments");
	/* The change and its audit entry commit together. */
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "moderating: %s",
		    store_error(s));
	rc = store_comment_set_status(s, id, publish ? COMMENT_PUBLISHED :
	    COMMENT_HIDDEN);
	if (rc == 1) {
		store_rollback(s);
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no comment %lld",
		    (long long)id);
	}
	snprintf(object, sizeof(object), "comment:%lld", (long long)id);
	if (rc != 0 || audit_append(s, by, publish ? "comment.publish" :
	    "comment.hide", object, NULL, publish ? "status=published" :
	    "status=hidden", now, e) == -1 || store_commit(s) == -1) {
		if (rc != 0 || e->kind != VERR_INTERNAL)
			verr_set(e, VERR_INTERNAL, NULL, "moderating: %s",
			    store_error(s));
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
social_comments(struct store *s, int64_t report, enum comment_status status,
    int by_useful, int (*fn)(const struct comment *, void *), void *arg)
{
	return store_comment_each(s, report, status, by_useful, fn, arg);
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
social_votes(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted)
{
	return store_vote_count(s, report, voter, count, voted);
}
