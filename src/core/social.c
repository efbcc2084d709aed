/* social.c: votes, comments and write limits (see social.h). */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/parse.h"
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
	struct comment c;
	int rc;

	if (body == NULL || !has_text(body))
		return verr_set(e, VERR_INVALID, "body", "body: write the "
		    "comment");
	if (text_check("body", body, TEXT_CHECK_MULTILINE, VECHE_MAX_COMMENT,
	    e) == -1)
		return -1;
	if (author != NULL && !has_text(author))
		author = NULL;
	if (author != NULL && text_check("author", author, 0, VECHE_MAX_NAME,
	    e) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.report_id = report;
	c.author = author;
	c.body = body;
	c.status = COMMENT_PUBLISHED;
	c.created = now;
	rc = store_comment_add(s, &c, device, id);
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no report %lld",
		    (long long)report);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "comments: %s",
		    store_error(s));
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
    int (*fn)(const struct comment *, void *), void *arg)
{
	return store_comment_each(s, report, status, fn, arg);
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
