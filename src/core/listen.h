/*
 * listen.h: listening (docs/listening.md): sources of posts (feeds fetched
 * on a schedule, social-network exports uploaded), each post analysed once
 * at ingest (language, sentiment, complaint score, the agency named, the
 * place, near-copy group, the analysts' saved queries it matches) and the
 * reads of the analysts' list.
 *
 * struct listen holds the text engine (one context, the sentiment model,
 * the complaint scorer, the query set of saved queries and agency aliases,
 * the near-copy index, the place index) behind one mutex: ingest from the
 * fetcher and from uploads runs one batch at a time.
 */
#ifndef VECHE_LISTEN_H
#define VECHE_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/post.h"
#include "core/error.h"

struct actor;
struct catalog;
struct store;
struct store_writer;
struct listen;
struct listen_fetcher;

/*
 * Load the text engine's data from datadir (NULL: $VECHE_DATADIR, then
 * the built-in path) and the saved queries, aliases, addresses and recent
 * signatures from s.  NULL with err set.  Free with listen_free.
 */
struct listen *listen_new(struct store *s, const char *datadir, char *err,
    size_t errlen);
void listen_free(struct listen *l);

/* Rebuild the query set (after a saved query or the aliases changed). */
int listen_reload(struct listen *l, struct store *s, struct verr *e);

/*
 * Analyse and store the items of len bytes of kind (feed.h's names) for
 * source, all in one transaction: *added new posts, *dupes already stored.
 * Returns 0, or -1 with e (VERR_INVALID naming the place in the input;
 * nothing stored then).
 */
int listen_ingest(struct listen *l, struct store *s, int64_t source,
    const char *kind, const char *body, size_t len, const char *charset,
    int64_t now, size_t *added, size_t *dupes, struct verr *e);

/*
 * An upload to the upload source named source (kind vk or telegram): as
 * listen_ingest, with the source's own kind.  VERR_NOT_FOUND: no source;
 * VERR_INVALID: a source with a URL, or a wrong shape.
 */
int listen_import(struct listen *l, struct store *s, const char *source,
    const char *body, size_t len, int64_t now, size_t *added, size_t *dupes,
    struct verr *e);

/*
 * Add a source: name (1..VECHE_MAX_SOURCE_NAME bytes), kind (rss, atom,
 * jsonfeed: url required, http(s); vk, telegram: uploads, no url),
 * interval seconds (0: 900), timeout_ms (0: VECHE_FEED_TIMEOUT_MS).
 */
int listen_source_add(struct store *s, const char *name, const char *kind,
    const char *url, int64_t interval, int64_t timeout_ms, int64_t now,
    int64_t *id, struct verr *e);
/*
 * The city file's source: as listen_source_add, but a source of that name
 * is changed (kind, url, interval), keeping its posts and fetch state.
 */
int listen_source_put(struct store *s, const char *name, const char *kind,
    const char *url, int64_t interval, int64_t now, struct verr *e);
int listen_source_remove(struct store *s, int64_t id, struct verr *e);
int listen_source_each(struct store *s, int64_t id,
    int (*fn)(const struct source *, void *), void *arg);
int listen_source_by_name(struct store *s, const char *name,
    int (*fn)(const struct source *, void *), void *arg);
/* Posts stored from source in the day before now. */
int listen_source_day(struct store *s, int64_t source, int64_t now,
    int64_t *n);

/*
 * Save a topic query (id 0: a new one; else replace id).  A query that does
 * not parse: VERR_INVALID, field "query", the message naming the byte.
 * The set is rebuilt; posts from then on are matched.
 */
int listen_query_save(struct listen *l, struct store *s, int64_t id,
    const char *name, const char *query, const char *owner, int64_t now,
    int64_t *out, struct verr *e);
int listen_query_remove(struct listen *l, struct store *s, int64_t id,
    struct verr *e);
int listen_query_each(struct store *s, int64_t id,
    int (*fn)(const struct saved_query *, void *), void *arg);

/* Replace an agency's aliases (city file "aliases"); the set is rebuilt on reload. */
int listen_aliases_set(struct store *s, const char *agency,
    const char *const *aliases, size_t n, struct verr *e);

/*
 * Districts (city file "districts"): forget them all, then add one by its
 * names (names[0] is the district's own name, the one posts get).  A post
 * that names a district and no house of the registry gets its name;
 * listen_reload picks them up.
 */
int listen_districts_clear(struct store *s, struct verr *e);
int listen_district_set(struct store *s, const char *const *names, size_t n,
    struct verr *e);

/* Reads: the list (f), one post (1: none), the saved queries a post matches. */
int listen_post_each(struct store *s, const struct post_filter *f,
    int (*fn)(const struct post *, void *), void *arg);
int listen_post_get(struct store *s, int64_t id,
    int (*fn)(const struct post *, void *), void *arg);
int listen_post_queries(struct store *s, int64_t post,
    int (*fn)(const struct saved_query *, void *), void *arg);

/* An analyst's correction of a post (listen_correct.c). */
struct listen_correction {
	int64_t post;
	const char *sentiment;          /* "negative", "neutral", "positive" */
	const char *service;            /* a catalogue service's code, or NULL:
	                                 * none */
	const struct actor *actor;      /* who (audited; the login stored) */
	int64_t now;
};

/*
 * Record in->post's correction, set its sentiment, move it between the
 * negative and other posts of its series' days and audit it
 * ("post.correct"), in one transaction.  Returns 0 with *id, or -1 with
 * e: VERR_INVALID naming "sentiment" (not one of the three, or nothing
 * changed) or "service_code" (not a catalogue service), VERR_NOT_FOUND
 * naming "id".
 */
int listen_post_correct(struct store *s, const struct catalog *cat,
    const struct listen_correction *in, int64_t *id, struct verr *e);

/*
 * A post's corrections newest first (post > 0), or every corrected post's
 * latest correction, with the post's body, in post order (post 0).
 */
int listen_correction_each(struct store *s, int64_t post,
    int (*fn)(const struct post_correction *, void *), void *arg);

/* "negative", "neutral", "positive"; the enum of a name or -1. */
const char *listen_sentiment_name(enum post_sentiment s);
int listen_sentiment_parse(const char *s);

/*
 * The fetcher: a thread (core/worker.h) with its own connection that
 * fetches every due source (net/fetch.h), ingests it and records the
 * outcome; after a failure the next fetch waits interval * 2^failures, at
 * most VECHE_FEED_MAX_BACKOFF.  It connects only to public addresses
 * unless allow_private (serve --fetch-allow-private).  NULL with err.
 */
struct listen_fetcher *listen_fetcher_start(struct listen *l,
    const char *db_path, struct store_writer *writer, int allow_private,
    char *err, size_t errlen);
void listen_fetcher_stop(struct listen_fetcher *f);

#endif
