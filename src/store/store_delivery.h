/*
 * store_delivery.h: the outbox tables of the store (sqlite_delivery.c):
 * events, webhook subscriptions and deliveries (one per event and
 * recipient).  Conventions as in store.h: 0 or -1, 1 for "not found",
 * records handed to callbacks live only during the call.
 */
#ifndef VECHE_STORE_DELIVERY_H
#define VECHE_STORE_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

/*
 * enum delivery_channel, delivery_state and struct store_subscription,
 * store_delivery, store_delivery_stats are plain records of base/model.h.
 */

/* An event as recorded by outbox_emit. */
struct store_event {
	const char *type;               /* "report.created" ... */
	int64_t report_id;
	const char *agency;             /* responsible when it happened, or NULL */
	const char *detail;             /* or NULL */
	const char *payload;            /* JSON */
	const char *key;                /* idempotency key, unique */
	int64_t created;                /* Unix seconds */
};

/*
 * Insert an event and its pending deliveries, due at now_ms: one per
 * subscription whose agency and event filters match, and one per mail
 * channel in mail_mask (bit 1 << channel) whose recipient has an address.
 * Must run inside the caller's transaction (-1 otherwise).  *ndeliveries
 * receives the fan-out.
 */
int store_event_insert(struct store *s, const struct store_event *ev,
    unsigned mail_mask, int64_t now_ms, int64_t *id, size_t *ndeliveries);

/* Number of events, and each event in id order (for tests, tools). */
int store_event_each(struct store *s,
    int (*fn)(int64_t id, const struct store_event *, void *), void *arg);

/* Subscriptions: insert (new id in *id), delete (1 if none), list. */
int store_subscription_insert(struct store *s,
    const struct store_subscription *sub, int64_t *id);
int store_subscription_delete(struct store *s, int64_t id);
int store_subscription_each(struct store *s,
    int (*fn)(const struct store_subscription *, void *), void *arg);

/*
 * Claim up to max deliveries for claimer (a name of the claiming process,
 * stable across its restarts) at now_ms, leased until until_ms: first
 * those "sending" whose lease has expired (their holder died or stalled),
 * then the due pending ones (next_attempt <= now_ms), the longest due
 * first.  They become "sending" with one more attempt (an expired one
 * whose holder never began to send it reuses that claim's), in one
 * transaction; their ids go to ids[] (the expired ones, then the pending
 * ones, each in id order), their number to *n.  On PostgreSQL claims
 * running at once in several processes skip each other's rows (FOR
 * UPDATE SKIP LOCKED): no live lease is taken twice.
 */
int store_delivery_claim(struct store *s, const char *claimer, int64_t now_ms,
    int64_t until_ms, int64_t *ids, size_t max, size_t *n);

/* One delivery with its event and recipient; 1 if not found. */
int store_delivery_get(struct store *s, int64_t id,
    int (*fn)(const struct store_delivery *, void *), void *arg);

/* Deliveries in state, oldest first, at most limit. */
int store_delivery_each(struct store *s, enum delivery_state state,
    size_t limit, int (*fn)(const struct store_delivery *, void *),
    void *arg);

/*
 * Mark a delivery claimer holds as being sent, just before the send: 0, or
 * 1 (nothing changed: do not send) when claimer's lease on it is not live
 * at now_ms.  The outcome (done, fail) clears the mark.  A delivery taken
 * back from a holder that stopped while marked (a kill; a stall past the
 * lease) may have arrived: its next attempts carry the redelivery flag.
 * One taken back unmarked was never sent: it gives back the attempt its
 * claim counted.
 */
int store_delivery_start(struct store *s, int64_t id, const char *claimer,
    int64_t now_ms);

/*
 * A delivery claimer holds succeeded: 0, or 1 (nothing changed) when it
 * is not sending under claimer's lease any more (the lease expired and
 * another claim took it: that holder records the outcome).
 */
int store_delivery_done(struct store *s, int64_t id, const char *claimer,
    int64_t now_ms);

/*
 * A delivery claimer holds failed with error: pending again at next_ms,
 * or dead if dead is set.  0, or 1 as store_delivery_done.
 */
int store_delivery_fail(struct store *s, int64_t id, const char *claimer,
    int dead, int64_t next_ms, const char *error, int64_t now_ms);

/*
 * Make pending, due no later than now_ms, the deliveries left "sending"
 * whose lease has expired at now_ms or which claimer holds (a process
 * restarted under the same name: its predecessor died), and only those:
 * a live lease of another process stays.  A released delivery whose send
 * had begun (store_delivery_start) is sent again as a redelivery; one
 * never sent goes out once, its attempt given back.  *n receives their
 * number.
 */
int store_delivery_recover(struct store *s, const char *claimer,
    int64_t now_ms, size_t *n);

/*
 * Make dead deliveries pending with their attempts reset: delivery id, or
 * all dead ones if id is 0.  *n receives the number; with an id, 1 if it
 * is not a dead delivery.
 */
int store_delivery_replay(struct store *s, int64_t id, int64_t now_ms,
    size_t *n);

int store_delivery_stats(struct store *s, struct store_delivery_stats *st);

#endif
