/*
 * trends.h: listening's trends (docs/listening.md): posts and negative
 * posts per day of the city's time zone for every series (all posts, a
 * saved query, an agency, a district, a source), counted into a daily
 * table by the ingest's own transaction so that a chart reads at most a
 * year of rows, never the posts; and the spike rule on negative posts.
 *
 * Spike rule: after each ingest batch, inside its transaction, every
 * query, agency and district series that got a negative post published
 * today is checked: today's negative count n is a spike when
 * n >= TRENDS_SPIKE_MIN and n > mean + 3 sd of the 28 days before (days
 * without posts count as 0; sd is the population deviation).  A spike is
 * recorded once per series and day and leaves through the outbox as the
 * event listen.spike (webhooks; the agency's filter for agency series).
 */
#ifndef VECHE_TRENDS_H
#define VECHE_TRENDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "base/post.h"
#include "core/error.h"

struct store;
struct trends_batch;

#define TRENDS_SPIKE_MIN 5      /* negative posts a day at least to spike */
#define TRENDS_SPIKE_DAYS 28    /* the days a spike is measured against */
#define TRENDS_SPIKE_SIGMAS 3.0
#define TRENDS_MAX_DAYS 366     /* one chart's period at most */
#define TRENDS_DEFAULT_DAYS 90

/* The local day (days since 1970-01-01 in the process's zone) of t. */
int64_t trends_day(int64_t t);

/* "2026-06-15" of a local day into buf (11 bytes); returns buf. */
char *trends_day_text(int64_t day, char *buf, size_t len);

/* A "YYYY-MM-DD" date as a local day: 0, or -1 when it is not one. */
int trends_day_parse(const char *s, int64_t *day);

/* "all", "query", "agency", "district", "source"; TREND__MAX if unknown. */
const char *trends_dim_name(enum trend_dim d);
enum trend_dim trends_dim_parse(const char *s);

/*
 * A batch's counts of series' days, summed in memory; free with
 * trends_batch_free.
 */
struct trends_batch *trends_batch_new(void);
void trends_batch_free(struct trends_batch *tb);
/* Forget what was counted (the writer may run a batch again). */
void trends_batch_reset(struct trends_batch *tb);

/*
 * Count stored post p, which matched the saved queries queries[nq], into
 * its series' days (all, its source, each query, its agency, its
 * district) in tb's memory.  0, or -1 when out of memory.
 */
int trends_post(struct trends_batch *tb, const struct post *p,
    const int64_t *queries, size_t nq);

/*
 * An analyst changed stored post p's sentiment (p->sentiment, the old one)
 * to to: move it between the negative and the other posts of every series'
 * day it counts in (queries[nq]: the saved queries it matched), in the
 * caller's transaction.  Spikes already raised stay; none is raised.  0,
 * or -1 with e set.
 */
int trends_resentiment(struct store *s, const struct post *p,
    const int64_t *queries, size_t nq, enum post_sentiment to,
    struct verr *e);

/*
 * Write tb's counts, each (series, day) once, in key order, then check
 * the series with negative posts of now's day for spikes at now (the
 * rule above), record each new one and emit listen.spike, all inside
 * the ingest's transaction; tb is reset.  *raised receives the number of
 * spikes (may be NULL).  0, or -1 with e set.
 */
int trends_check(struct store *s, struct trends_batch *tb, int64_t now,
    size_t *raised, struct verr *e);

/* One day of a series. */
struct trend_day {
	int64_t day;
	int64_t posts, negative;
};

/*
 * Series (dim, key) over the days [from, to] (at most TRENDS_MAX_DAYS)
 * into out[to - from + 1], days without posts as 0.  0, or -1 with e
 * (VERR_INVALID naming "since" for a bad period).
 */
int trends_series(struct store *s, enum trend_dim dim, const char *key,
    int64_t from, int64_t to, struct trend_day *out, struct verr *e);

/* Spikes of days [from, to], newest first, at most limit. */
int trends_spike_each(struct store *s, int64_t from, int64_t to,
    size_t limit, int (*fn)(const struct trend_spike *, void *), void *arg);

/*
 * Spike e-mail.  A signed-in staff member (act->user_id) subscribes
 * email to the spikes of every series (dim TREND_ALL, key ignored) or of
 * one query, agency or district series (dim, key), in lang; the same
 * series again replaces the address and language.  Each spike raised
 * afterwards queues one e-mail per subscriber through the outbox (channel
 * DELIVERY_MAIL_SPIKE) when mail is configured.  0 with *id, or -1 with
 * e (VERR_INVALID naming "email", "series" or "key"; VERR_FORBIDDEN
 * without a user).
 */
int trends_mail_subscribe(struct store *s, const struct actor *act,
    const char *email, enum lang lang, enum trend_dim dim, const char *key,
    int64_t now, int64_t *id, struct verr *e);

/*
 * End act's subscription id and drop its unsent e-mail: 0, or -1 with e
 * (VERR_NOT_FOUND naming "id" when act has no such subscription).
 */
int trends_mail_unsubscribe(struct store *s, const struct actor *act,
    int64_t id, struct verr *e);

/* act's subscriptions by id to fn: 0, fn's non-zero result, or -1. */
int trends_mail_each(struct store *s, const struct actor *act,
    int (*fn)(const struct spike_sub *, void *), void *arg);

struct letter;

/*
 * The e-mail of spike-mail delivery (delivery.c): the recipient into to,
 * the subject, and letter l (which the caller frees with letter_free) in
 * the subscriber's language, linking the series' trends page under
 * public_url (may be NULL: no link).  0; 1 when the subscription ended
 * (send nothing); -1 (store_error, or out of memory).
 */
int trends_mail(struct store *s, const char *public_url, int64_t delivery,
    char *to, size_t tolen, char *subject, size_t slen, struct letter *l);

#endif
