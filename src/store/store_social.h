/*
 * store_social.h: what citizens add to a report besides the report itself:
 * votes ("me too"), comments, uploaded photos, and the per-address write
 * counters that rate-limit them.  Same conventions as store.h: 0 or -1
 * (store_error says why), 1 for "not found"; records handed to callbacks
 * live only during the call.
 */
#ifndef VECHE_STORE_SOCIAL_H
#define VECHE_STORE_SOCIAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

/* enum comment_status and struct comment are plain records of base/model.h. */

/*
 * Record voter's vote for report at now.  Returns 0 when counted, 2 when
 * this voter already voted for it, 1 when there is no such report.
 */
int store_vote_add(struct store *s, int64_t report, const char *voter,
    int64_t now);

/* The number of votes of report, and whether voter (may be NULL) is one. */
int store_vote_count(struct store *s, int64_t report, const char *voter,
    int64_t *count, int *voted);

/*
 * Add a comment (c->id is ignored; the new id goes to *id): its subject
 * (c->subject_kind, c->subject_id; c->report_id too for a report's, 0
 * otherwise), the signed-in author (c->user_id, 0: none) and the text
 * engine's pre-mark (c->premark, NULL: none).  device is the commenter's
 * device token (private, for moderation), may be NULL.  The caller has
 * checked that the subject exists.
 */
int store_comment_add(struct store *s, const struct comment *c,
    const char *device, int64_t *id);

/*
 * A subject's comments of the given status, oldest first, at most limit
 * (0: all).  The weighed votes (w_useful, w_not_useful) count the
 * established raters' weights in full and the fresh ones' together up to
 * VECHE_COMMENT_FRESH_CAP each way.
 */
int store_comment_each(struct store *s, const char *kind, int64_t subject,
    enum comment_status status, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);

/* An account's comments whose status is in status_mask, newest first. */
int store_comment_by_user(struct store *s, int64_t user, unsigned status_mask,
    size_t limit, int (*fn)(const struct comment *, void *), void *arg);

/* Published comments readers flagged, the heaviest flags first. */
int store_comment_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);

/* Who marks a comment, and how much the mark weighs. */
struct comment_rater {
	const char *who;                /* "account:LOGIN" or a device token */
	double weight;
	int fresh;                      /* a new account or device */
};

/*
 * Mark published comment id for rater r: a flag for the moderators when
 * useful < 0, else a vote, useful (1) or not (0).  One of each per rater
 * and comment.  Returns 0 (counted, the comment's subject in *sub), 2
 * (the rater had marked it so before), 1 (no such published comment) or -1.
 */
int store_comment_mark(struct store *s, int64_t id,
    const struct comment_rater *r, int useful, int64_t now,
    struct comment_subject *sub);

/*
 * When a rater was first seen: account user's creation (user > 0), else
 * device's first vote or comment; 0 when never.
 */
int store_rater_first_seen(struct store *s, int64_t user, const char *device,
    int64_t *since);

/*
 * What an account's standing is made of: the useful and not useful votes
 * on all its comments, and the help map's needs it took and saw done.
 */
int store_user_standing(struct store *s, int64_t user, int64_t *useful,
    int64_t *not_useful, int64_t *helped);

/*
 * The newest comments of every subject whose status is in status_mask
 * (bit 1 << status), at most limit, newest first: the moderation queue.
 */
int store_comment_recent(struct store *s, unsigned status_mask, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);

/*
 * Set the moderation status of comment id, with the moderator's reason
 * (may be NULL) and account; 1 if there is no such comment.
 */
int store_comment_set_status(struct store *s, int64_t id,
    enum comment_status status, const char *reason, int64_t moderator,
    int64_t now);

/* Remember an uploaded photo (id: its hex name under the media folder). */
int store_photo_insert(struct store *s, const char *id, int width,
    int height, int64_t bytes, int64_t now);

/* A report's update history (status changes with notes), oldest first. */
int store_report_history(struct store *s, int64_t report,
    int (*fn)(const struct report_update *, void *), void *arg);

/*
 * Count one write of kind key (e.g. "vote:127.0.0.1") at now unless max
 * were already counted since `since`: *allowed is then 0 and nothing is
 * counted.  Counts older than since are dropped as a side effect.
 */
int store_rate_hit(struct store *s, const char *key, int64_t since,
    int64_t now, int max, int *allowed);

/* Comment id (1 if there is none), in any status. */
int store_comment_get(struct store *s, int64_t id,
    int (*fn)(const struct comment *, void *), void *arg);

/*
 * Record user's appeal against comment at now (the caller checked that
 * the comment is the user's and hidden): 0 and the new id in *id, 2 when
 * the comment was appealed before (nothing changes).
 */
int store_appeal_add(struct store *s, int64_t comment, int64_t user,
    const char *text, int64_t now, int64_t *id);

/*
 * Appeal id with its comment (1 if none); appeals whose state is in
 * state_mask (bit 1 << state): user's newest first (user > 0), else
 * everyone's oldest first (the moderators' queue), at most limit.
 */
int store_appeal_get(struct store *s, int64_t id,
    int (*fn)(const struct comment_appeal *, void *), void *arg);
int store_appeal_each(struct store *s, int64_t user, unsigned state_mask,
    size_t limit, int (*fn)(const struct comment_appeal *, void *),
    void *arg);

/*
 * Decide open appeal id: state (upheld or restored), the reason and the
 * deciding moderator's account.  1 when there is no open appeal id.
 */
int store_appeal_decide(struct store *s, int64_t id, enum appeal_state state,
    const char *reason, int64_t decider, int64_t now);

/* How many active moderators and administrators there are besides user. */
int store_other_moderators(struct store *s, int64_t user, int64_t *n);

#endif
