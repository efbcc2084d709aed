/*
 * store_help.h: the help map's tables (sqlite_help.c): situations, posts,
 * their private contacts (a table of their own, read only through
 * store_help_contact) and the posts' R*Tree.  Same conventions as store.h:
 * 0 or -1 (store_error says why), 1 for "not found" or "nothing changed",
 * 2 for "already there".  Records are base/help.h's.
 */
#ifndef VECHE_STORE_HELP_H
#define VECHE_STORE_HELP_H

#include <stddef.h>
#include <stdint.h>

#include "base/help.h"

struct store;

/* Add a situation (row->id ignored): 0 with *id, 2 when the slug is taken. */
int store_help_situation_add(struct store *s,
    const struct help_situation_row *row, int64_t *id);

/* Close situation id at now: 1 when there is none or it is closed. */
int store_help_situation_close(struct store *s, int64_t id, int64_t now);

/* The situation with slug to fn: 1 when there is none. */
int store_help_situation_get(struct store *s, const char *slug,
    int (*fn)(const struct help_situation_row *, void *), void *arg);

/* Every situation, open ones first, newest first. */
int store_help_situation_each(struct store *s,
    int (*fn)(const struct help_situation_row *, void *), void *arg);

/*
 * Add post p (id, state, verified, volunteer, taken, done ignored) with its
 * contact c and its R*Tree entry, in one transaction: 0 with *id.
 */
int store_help_post_add(struct store *s, const struct help_post *p,
    const struct help_contact *c, int64_t *id);

/* Post id of situation to fn: 1 when there is none. */
int store_help_post_get(struct store *s, int64_t situation, int64_t id,
    int (*fn)(const struct help_post *, void *), void *arg);

/* Posts matching f, newest first, at most f->limit. */
int store_help_post_each(struct store *s, const struct help_filter *f,
    int (*fn)(const struct help_post *, void *), void *arg);

/*
 * The open, unexpired offers of kind in situation whose point lies in the
 * box, nearest to (lat, lon) first by a flat-earth distance (lon scaled by
 * coslat), then the largest count: at most limit, to fn.
 */
int store_help_matches(struct store *s, int64_t situation,
    enum help_kind kind, double lat, double lon, double coslat,
    double min_lat, double min_lon, double max_lat, double max_lon,
    int64_t now, size_t limit,
    int (*fn)(const struct help_post *, void *), void *arg);

/*
 * Take need id for volunteer (open, not expired at now): 0, or 1 when it
 * is not an open need.
 */
int store_help_take(struct store *s, int64_t id, int64_t volunteer,
    int64_t now);

/* How many needs volunteer holds taken (not done) into *n: 0 or -1. */
int store_help_taken_count(struct store *s, int64_t volunteer, int64_t *n);

/* Mark taken post id done: 0, or 1 when it is not taken. */
int store_help_done(struct store *s, int64_t id, int64_t now);

/* Set post id's verified flag: 0, or 1 when there is no such post. */
int store_help_verify(struct store *s, int64_t id, int verified);

/* Post id's contact to fn: 1 when there is none. */
int store_help_contact(struct store *s, int64_t id,
    int (*fn)(const struct help_contact *, void *), void *arg);

#endif
