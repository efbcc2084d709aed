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
 * Add a comment (c->id is ignored; the new id goes to *id).  device is the
 * commenter's device token (private, for moderation), may be NULL.
 * Returns 1 when there is no such report.
 */
int store_comment_add(struct store *s, const struct comment *c,
    const char *device, int64_t *id);

/*
 * A report's comments of the given status, oldest first, or the most
 * useful (useful minus not useful votes) first when by_useful.
 */
int store_comment_each(struct store *s, int64_t report,
    enum comment_status status, int by_useful,
    int (*fn)(const struct comment *, void *), void *arg);

/* Published comments readers flagged, most flags first, at most limit. */
int store_comment_flagged(struct store *s, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);

/*
 * Mark published comment id for who (a device token): a flag for the
 * moderators when useful < 0, else a vote, useful (1) or not (0).  One
 * of each per who and comment.  Returns 0 (counted, the comment's report
 * in *report), 2 (who had marked it so before), 1 (no such published
 * comment) or -1.
 */
int store_comment_mark(struct store *s, int64_t id, const char *who,
    int useful, int64_t now, int64_t *report);

/*
 * The newest comments of every report whose status is in status_mask
 * (bit 1 << status), at most limit, newest first: the moderation queue.
 */
int store_comment_recent(struct store *s, unsigned status_mask, size_t limit,
    int (*fn)(const struct comment *, void *), void *arg);

/* Set the moderation status of comment id; 1 if there is no such comment. */
int store_comment_set_status(struct store *s, int64_t id,
    enum comment_status status);

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

#endif
