/*
 * social.h: what citizens do with reports besides filing them: vote for a
 * report ("me too"), comment on it, and the per-address limits on how
 * often they may.
 */
#ifndef VECHE_SOCIAL_H
#define VECHE_SOCIAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "base/model.h"

struct actor;
struct store;

/*
 * Count voter's vote (a device token) for report.  Returns 0 and the
 * report's vote count in *count, with *already 1 when this voter had voted
 * before (nothing changes then); -1 with e set: VERR_NOT_FOUND,
 * VERR_INVALID (no voter) or VERR_INTERNAL.
 */
int social_vote(struct store *s, int64_t report, const char *voter,
    int64_t now, int64_t *count, int *already, struct verr *e);

/*
 * Add a published comment: author may be NULL (anonymous), at most
 * VECHE_MAX_NAME characters on one line; body 1 to VECHE_MAX_COMMENT
 * characters, not blank.  device (may be NULL) is kept for moderation.
 * Returns 0 and the id in *id, or -1 with e set.
 */
int social_comment(struct store *s, int64_t report, const char *author,
    const char *body, const char *device, int64_t now, int64_t *id,
    struct verr *e);

/* A comment as a citizen sends it, with an optional photo. */
struct comment_input {
	int64_t report;
	const char *author;             /* NULL: anonymous */
	const char *body;
	const char *device;             /* kept for moderation, or NULL */
	const void *photo;              /* an image's bytes, or NULL */
	size_t photo_len;
	const char *photo_dir;          /* where photos go (with photo) */
	int64_t now;
};

/*
 * social_comment with an optional photo ("still not fixed", with a
 * picture): the image goes through the reports' sandboxed pipeline
 * (photo_save) before anything is written, then the photo's row and the
 * comment commit together; a refused comment leaves no file and no row.
 * Returns as social_comment, with the photo's id in photo (NULL: not
 * wanted; "" without a photo), PHOTO_ID_LEN bytes; "photo" names an
 * image that is not one.
 */
int social_comment_add(struct store *s, const struct comment_input *in,
    int64_t *id, char *photo, struct verr *e);

/* What a reader says about a comment. */
enum comment_mark {
	COMMENT_FLAG,                   /* for the moderators */
	COMMENT_USEFUL,
	COMMENT_NOT_USEFUL,
	COMMENT_MARK__MAX
};

/*
 * Mark published comment id for a reader: the signed-in account of a
 * (a user, not a key), whichever device it uses, else the device token
 * device; one flag and one vote per reader and comment.  Returns 0 with
 * the comment's report in *report and *already 1 when the reader had
 * marked it so before (nothing changes then); -1 with e set:
 * VERR_NOT_FOUND, VERR_INVALID (no account, no device), VERR_INTERNAL.
 */
int social_comment_mark(struct store *s, int64_t id, const struct actor *a,
    const char *device, enum comment_mark mark, int64_t now, int64_t *report,
    int *already, struct verr *e);

/*
 * Moderate comment id: publish (1) or hide (0) it, at time now, with an
 * audit entry in the same transaction.  Only moderators and administrators
 * may.  Returns 0, or -1 with e set: VERR_FORBIDDEN, VERR_NOT_FOUND,
 * VERR_INTERNAL.
 */
int social_moderate(struct store *s, const struct actor *by, int64_t id,
    int publish, int64_t now, struct verr *e);

/* The kinds of rate-limited writes. */
enum rate_kind {
	RATE_REPORT,
	RATE_VOTE,
	RATE_COMMENT,
	RATE_PHOTO,
	RATE_SIGNUP,                    /* new accounts (each costs a password hash) */
	RATE_HELP,                      /* help map posts from the web form */
	RATE__MAX
};

/*
 * Count one write of kind from who (a client's key: api's auth_rate gives
 * auth_addr_key's, an IPv6 client by its /64) within the hourly limit of
 * veche.h.  Returns 0 when allowed, 1 when over the limit (nothing
 * counted), -1 with e set on a store error.
 */
int social_rate(struct store *s, enum rate_kind kind, const char *who,
    int64_t now, struct verr *e);

/*
 * Reads: the comments of report in status (COMMENT_PUBLISHED for the
 * public), oldest first or the most useful first (by_useful); the
 * published comments readers flagged, most flags first; the latest
 * comments whose status is in
 * status_mask (1 << status), at most limit, for moderation; the votes of
 * report and whether voter cast one.  Return 0, fn's non-zero result, or
 * -1 (db_error).
 */
int social_comments(struct store *s, int64_t report,
    enum comment_status status, int by_useful,
    int (*fn)(const struct comment *, void *), void *arg);
int social_comments_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);
int social_comments_recent(struct store *s, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg);
int social_votes(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted);

#endif
