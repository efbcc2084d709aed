/*
 * store_posts.h: listening's tables (sqlite_posts.c): sources and their
 * fetch state, posts with their analysis, saved queries, which queries
 * match which post, agencies' aliases and districts' names.  Same conventions as store.h:
 * 0 or -1 (store_error says why), 1 for "not found", 2 for "already there".
 */
#ifndef VECHE_STORE_POSTS_H
#define VECHE_STORE_POSTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/post.h"

struct store;

/* Add a source (src->id ignored); 2 when the name is taken. */
int store_source_add(struct store *s, const struct source *src, int64_t *id);

/* Add the source named src->name, or change its kind, url and interval. */
int store_source_put(struct store *s, const struct source *src);

/* Remove a source and its posts; 1 when there is none. */
int store_source_remove(struct store *s, int64_t id);

/* Every source by name, or one (id > 0; 1 when none), or those due at now (due). */
int store_source_each(struct store *s, int64_t id, int64_t due,
    int (*fn)(const struct source *, void *), void *arg);

/* The source named name to fn; 1 when none. */
int store_source_by_name(struct store *s, const char *name,
    int (*fn)(const struct source *, void *), void *arg);

/* Record a fetch's outcome. */
int store_source_result(struct store *s, int64_t id,
    const struct source_result *r);

/* Posts of source published since since. */
int store_source_posts_since(struct store *s, int64_t source, int64_t since,
    int64_t *n);

/*
 * Insert p (p->group 0: its own id).  Returns 0 with *id, or 2 when
 * (source, guid) is stored already.
 */
int store_post_insert(struct store *s, const struct post *p, int64_t *id);

/* A post that matched a saved query. */
struct store_match {
	int64_t query, post;
};

/*
 * Record the n matches m (a batch's, best in (query, post) order: the
 * primary key's) with one prepared statement, in the caller's
 * transaction.  0 or -1.
 */
int store_matches_insert(struct store *s, const struct store_match *m,
    size_t n);

/* Posts matching f, newest first. */
int store_post_each(struct store *s, const struct post_filter *f,
    int (*fn)(const struct post *, void *), void *arg);

/* One post; 1 when none. */
int store_post_get(struct store *s, int64_t id,
    int (*fn)(const struct post *, void *), void *arg);

/*
 * Analysts' corrections (posts migration 6), in the caller's transaction:
 * record c (c->id ignored) and set the post's sentiment to
 * c->new_sentiment: 0 with *id.  A post's corrections newest first
 * (post > 0), or every corrected post's latest correction with the post's
 * body in post order (post 0), to fn.
 */
int store_correction_add(struct store *s, const struct post_correction *c,
    int64_t *id);
int store_correction_each(struct store *s, int64_t post,
    int (*fn)(const struct post_correction *, void *), void *arg);

/* The saved queries post matches. */
int store_post_queries(struct store *s, int64_t post,
    int (*fn)(const struct saved_query *, void *), void *arg);

/* The newest limit posts' signatures, oldest first (for the dedupe index). */
int store_post_signatures(struct store *s, size_t limit,
    int (*fn)(int64_t id, int64_t group, const unsigned char *sig,
    size_t len, void *), void *arg);

/* Saved queries: add (2: name taken), replace (1: none), remove (1: none). */
int store_query_add(struct store *s, const struct saved_query *q,
    int64_t *id);
int store_query_update(struct store *s, const struct saved_query *q);
int store_query_remove(struct store *s, int64_t id);
int store_query_each(struct store *s, int64_t id,
    int (*fn)(const struct saved_query *, void *), void *arg);

/* Replace agency's aliases with list; every agency's aliases to fn. */
int store_alias_set(struct store *s, const char *agency,
    const char *const *list, size_t n);
int store_alias_each(struct store *s,
    int (*fn)(const char *agency, const char *alias, void *), void *arg);

/*
 * Districts named in posts: forget every one (clear), add district's
 * names (set), every (district, name) to fn (each).
 */
int store_district_clear(struct store *s);
int store_district_set(struct store *s, const char *district,
    const char *const *names, size_t n);
int store_district_each(struct store *s,
    int (*fn)(const char *district, const char *name, void *), void *arg);

/* Every address of the registry, for finding places in posts. */
int store_posts_addresses(struct store *s,
    int (*fn)(const char *address, double lat, double lon, void *),
    void *arg);

/*
 * Trends (core/trends.h): add posts and negative posts to series (dim,
 * key) on a local day, in the caller's transaction; a series' stored
 * days in [from, to] to fn in day order.
 */
int store_trend_add(struct store *s, int dim, const char *key, int64_t day,
    int64_t posts, int64_t negative);
int store_trend_each(struct store *s, int dim, const char *key, int64_t from,
    int64_t to, int (*fn)(int64_t day, int64_t posts, int64_t negative,
    void *), void *arg);

/* Record a spike (sp->id ignored): 0 with *id, 2 when its day has one. */
int store_spike_add(struct store *s, const struct trend_spike *sp,
    int64_t *id);

/* Spikes of days [from, to], newest first, at most limit. */
int store_spike_each(struct store *s, int64_t from, int64_t to, size_t limit,
    int (*fn)(const struct trend_spike *, void *), void *arg);

/*
 * Spike e-mail (core/trends.h).  Subscribe (sub->id ignored; the same
 * user and series again updates e-mail and language): 0 with *id.
 * Remove user's subscription id and its unsent mail: 0, 1 when none.
 * A user's subscriptions (user 0: all) by id to fn.
 */
int store_spike_sub_put(struct store *s, const struct spike_sub *sub,
    int64_t *id);
int store_spike_sub_remove(struct store *s, int64_t id, int64_t user);
int store_spike_sub_each(struct store *s, int64_t user,
    int (*fn)(const struct spike_sub *, void *), void *arg);

/*
 * Queue one e-mail delivery (channel DELIVERY_MAIL_SPIKE) of event for
 * every subscription to all series or to series (dim, key), due at
 * now_ms, tied to spike; *n receives how many.  In the caller's
 * transaction.  0 or -1.
 */
int store_spike_mail_fanout(struct store *s, int64_t event, int64_t spike,
    int dim, const char *key, int64_t now_ms, size_t *n);

/*
 * The subscription and spike of spike-mail delivery to fn: 0, fn's
 * result, 1 when the subscription is gone, -1.
 */
int store_spike_mail_get(struct store *s, int64_t delivery,
    int (*fn)(const struct spike_sub *, const struct trend_spike *, void *),
    void *arg);

#endif
