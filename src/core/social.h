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
 * Comments belong to a subject: a kind and an id.  The kinds are one
 * table in social.c (name, page, existence check); adding a kind is one
 * line there (docs/participation.md says how).
 */

/*
 * The page path of a subject ("/reports/5") into buf (size bytes), or -1
 * when kind is unknown or the path does not fit.
 */
int social_subject_path(const char *kind, int64_t id, char *buf,
    size_t size);

/*
 * Whether comments on kind need a signed-in author (the kinds table's
 * flag): 1 or 0 (0 for an unknown kind too).  social_comment_add
 * refuses an anonymous comment on such a kind, VERR_FORBIDDEN naming
 * "session".
 */
int social_kind_needs_account(const char *kind);

/*
 * Parse "kind:id" ("proposal:5") into kind (at least 16 bytes) and *id.
 * Returns 0, or -1 with e set (VERR_INVALID naming field).
 */
int social_subject_parse(const char *field, const char *s, char *kind,
    int64_t *id, struct verr *e);

/*
 * Add a comment on a report: author may be NULL (anonymous), at most
 * VECHE_MAX_NAME characters on one line; body 1 to VECHE_MAX_COMMENT
 * characters, not blank.  device (may be NULL) is kept for moderation.
 * Returns 0 and the id in *id, or -1 with e set.
 */
int social_comment(struct store *s, int64_t report, const char *author,
    const char *body, const char *device, int64_t now, int64_t *id,
    struct verr *e);

/* A comment as a citizen sends it, with an optional photo. */
struct comment_input {
	int64_t report;                 /* a report's comment, or 0: subject */
	const char *subject_kind;       /* with report 0: "proposal", ... */
	int64_t subject_id;
	const struct actor *by;         /* signed in, or NULL */
	const char *author;             /* NULL: anonymous */
	const char *body;
	const char *device;             /* kept for moderation, or NULL */
	const void *photo;              /* an image's bytes, or NULL */
	size_t photo_len;
	const char *photo_dir;          /* where photos go (with photo) */
	int64_t now;
};

/*
 * Add a comment with an optional photo ("still not fixed", with a
 * picture): the image goes through the reports' sandboxed pipeline
 * (photo_save) before anything is written, then the photo's row and the
 * comment commit together; a refused comment leaves no file and no row.
 * The text engine pre-marks obscene or threatening text (59-FZ art. 11,
 * text/abuse.h): such a comment is held (COMMENT_PENDING) for a
 * moderator, and *held (may be NULL) says which mark ("obscene",
 * "threat") or NULL.  A signed-in citizen's comment records the account
 * (its reputation, its profile).  Returns 0 and the id in *id, with the
 * photo's id in photo (NULL: not wanted; "" without a photo),
 * PHOTO_ID_LEN bytes; -1 with e set: VERR_NOT_FOUND naming "id" (no such
 * subject), VERR_FORBIDDEN naming "session" (an anonymous comment on a
 * kind that needs an account), VERR_INVALID naming the field ("subject", "body", "author",
 * "photo").
 */
int social_comment_add(struct store *s, const struct comment_input *in,
    int64_t *id, char *photo, const char **held, struct verr *e);

/* What a reader says about a comment. */
enum comment_mark {
	COMMENT_FLAG,                   /* for the moderators */
	COMMENT_USEFUL,
	COMMENT_NOT_USEFUL,
	COMMENT_MARK__MAX
};

/*
 * The weight of a reader's vote or flag (docs/participation.md): an
 * account or device first seen less than VECHE_COMMENT_FRESH_DAYS ago is
 * fresh (VECHE_COMMENT_FRESH_WEIGHT, and all fresh votes on a comment
 * count at most VECHE_COMMENT_FRESH_CAP each way); else an account weighs
 * 1 + its reputation, an anonymous device VECHE_COMMENT_DEVICE_WEIGHT.
 * Returns 0, or -1 with e set.
 */
int social_rater_weight(struct store *s, int64_t user, const char *device,
    int64_t now, double *weight, int *fresh, struct verr *e);

/*
 * Mark published comment id for a reader: the signed-in account of a
 * (a user, not a key), whichever device it uses, else the device token
 * device; one flag and one vote per reader and comment, weighed by
 * social_rater_weight.  Returns 0 with the comment's subject in *sub and
 * *already 1 when the reader had marked it so before (nothing changes
 * then); -1 with e set: VERR_NOT_FOUND, VERR_INVALID (no account, no
 * device), VERR_INTERNAL.
 */
int social_comment_mark(struct store *s, int64_t id, const struct actor *a,
    const char *device, enum comment_mark mark, int64_t now,
    struct comment_subject *sub, int *already, struct verr *e);

/*
 * Moderate comment id: publish (1) or hide (0) it, at time now, with an
 * audit entry naming the moderator (and the reason, social_moderate_why)
 * in the same transaction.  social_moderate_why requires a reason to hide
 * (1 to VECHE_MAX_REASON characters; the author sees it on the profile).
 * Only moderators and administrators may.  Returns 0, or -1 with e set:
 * VERR_FORBIDDEN, VERR_INVALID ("reason"), VERR_NOT_FOUND, VERR_INTERNAL.
 */
int social_moderate(struct store *s, const struct actor *by, int64_t id,
    int publish, int64_t now, struct verr *e);
int social_moderate_why(struct store *s, const struct actor *by, int64_t id,
    int publish, const char *reason, int64_t now, struct verr *e);

/*
 * An account's reputation, 0 to 1: the Wilson lower bound (ratings.h) of
 * useful among the rated votes on all its comments, each need it took on
 * the help map and saw done counting as VECHE_COMMENT_HELP_WEIGHT useful
 * votes.  It weighs the account's votes and flags on comments, nothing
 * else: never a proposal's support, never a vote on a report.  Returns 0,
 * or -1 with e set.
 */
int social_reputation(struct store *s, int64_t user, double *reputation,
    struct verr *e);

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

/* How a subject's comments are listed. */
enum comment_order {
	COMMENT_ORDER_SCORE,            /* by score, ties oldest first */
	COMMENT_ORDER_NEW,              /* oldest first */
	COMMENT_ORDER__MAX
};

/*
 * The comments of a subject in status (COMMENT_PUBLISHED for the public),
 * at most VECHE_COMMENT_LIST, in order, each with its score (the Wilson
 * lower bound of its weighed useful votes among its weighed votes) and
 * its author's reputation.  Returns 0, fn's non-zero result, or -1.
 */
int social_comments(struct store *s, const char *kind, int64_t subject,
    enum comment_status status, enum comment_order order,
    int (*fn)(const struct comment *, void *), void *arg);

/*
 * The moderation queue: the published comments readers flagged, heaviest
 * flags first (each flag weighs as its flagger's vote would); the latest
 * comments whose status is in status_mask (1 << status), at most limit;
 * an account's comments in status_mask, newest first; the votes of
 * report and whether voter cast one.  Return 0, fn's non-zero result, or
 * -1 (db_error).
 */
int social_comments_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);
int social_comments_recent(struct store *s, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg);
int social_comments_by(struct store *s, int64_t user, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg);
int social_votes(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted);

/*
 * Appeals (docs/participation.md): the author of a hidden comment,
 * signed in, appeals once with text (1 to VECHE_MAX_APPEAL characters);
 * a moderator decides: upheld (stays hidden) or restored (published),
 * with a reason (1 to VECHE_MAX_REASON characters).  The moderator who
 * hid the comment does not decide its appeal while another active
 * moderator or administrator exists.  Each appeal and decision appends
 * to the audit chain ("comment.appeal", "comment.appeal.uphold",
 * "comment.appeal.restore") with who and the text or reason, in the
 * same transaction.
 *
 * social_appeal: 0 and the appeal's id in *id, or -1 with e set:
 * VERR_FORBIDDEN ("session": not signed in; "id": not the author's),
 * VERR_NOT_FOUND ("id"), VERR_CONFLICT ("id": not hidden, or appealed
 * before), VERR_INVALID ("text"), VERR_INTERNAL.
 *
 * social_appeal_decide: 0 with the decided appeal's author in *author
 * and comment in *comment, or -1 with e set: VERR_FORBIDDEN ("role";
 * "moderator": the one who hid it, while another can decide),
 * VERR_INVALID ("reason"), VERR_NOT_FOUND ("id"), VERR_CONFLICT ("id":
 * decided before), VERR_INTERNAL.
 */
int social_appeal(struct store *s, const struct actor *by, int64_t comment,
    const char *text, int64_t now, int64_t *id, struct verr *e);
int social_appeal_decide(struct store *s, const struct actor *by,
    int64_t appeal, int restore, const char *reason, int64_t now,
    int64_t *author, int64_t *comment, struct verr *e);

/*
 * Appeals whose state is in state_mask (1 << state): user's newest first
 * (user > 0), or everyone's oldest first (user 0: the moderators'
 * queue), at most limit.  Returns 0, fn's non-zero result, or -1.
 */
int social_appeals(struct store *s, int64_t user, unsigned state_mask,
    size_t limit, int (*fn)(const struct comment_appeal *, void *),
    void *arg);

/* "open", "upheld", "restored"; NULL for an unknown state. */
const char *social_appeal_state_name(enum appeal_state st);

#endif
