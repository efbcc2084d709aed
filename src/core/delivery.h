/*
 * delivery.h: delivering outbox events (outbox.h) to agency systems and
 * people: HMAC-signed JSON webhooks to subscribed endpoints and e-mail,
 * at least once, with exponential backoff and a dead-letter state.
 *
 * outbox_emit (defined in delivery.c) records an event with its payload
 * and one pending delivery per recipient in the caller's transaction.  A
 * worker thread claims due deliveries, sends them outside any transaction
 * and records the outcome; a delivery is marked delivered only after the
 * recipient accepted it, so a crash in between sends it again (receivers
 * de-duplicate by the event's idempotency key).  See docs/delivery.md.
 */
#ifndef VECHE_DELIVERY_H
#define VECHE_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "base/model.h"
#include "core/outbox.h"

struct store;
struct store_writer;

/* Retry policy and sending limits; delivery_config_default fills it. */
struct delivery_config {
	int64_t base_ms;                /* first retry delay */
	int64_t cap_ms;                 /* longest retry delay */
	int max_attempts;               /* then dead */
	long timeout_ms;                /* one send */
	int64_t poll_ms;                /* idle wake-up of the worker */
	const char *public_url;         /* links in e-mail, or NULL */
	int allow_private;              /* webhooks to loopback, private and
	                                   link-local addresses (net.h) */
	const char *instance;           /* the name claims go by (the
	                                   lease's holder), stable across
	                                   restarts of one process; NULL:
	                                   the host's name */
};

/* The defaults of veche.h. */
void delivery_config_default(struct delivery_config *cfg);

/*
 * The delay before the next attempt after `attempts` failed ones (1, 2 ...):
 * base * 2^(attempts - 1), at most cap, less a jitter of up to half chosen
 * by rnd ("equal jitter"), so it lies in [d/2, d].
 */
int64_t delivery_backoff_ms(const struct delivery_config *cfg, int attempts,
    uint32_t rnd);

/*
 * HMAC-SHA256 signature header value of a webhook: "sha256=" and the hex
 * HMAC of "<timestamp>.<body>" under secret.  out needs 72 bytes.
 */
void delivery_sign(const char *secret, int64_t timestamp, const char *body,
    size_t bodylen, char out[72]);

/*
 * Subscribe a webhook endpoint.  url: absolute http(s) URL; secret: 16 to
 * 256 bytes; agency: an agency code or NULL (all); events: comma-separated
 * event names or NULL (all); include_contact: add the reporter's contact
 * to payloads.  The new id goes to *id.  Returns 0, or -1 with e set.
 */
int delivery_subscribe(struct store *s, const char *url, const char *secret,
    const char *agency, const char *events, int include_contact,
    int64_t now, int64_t *id, struct verr *e);

/* Remove a subscription and its undelivered deliveries (VERR_NOT_FOUND). */
int delivery_unsubscribe(struct store *s, int64_t id, struct verr *e);

/*
 * Make dead delivery id (0: all dead ones) pending again with fresh
 * attempts.  *n receives how many.  VERR_NOT_FOUND if id is not dead.
 */
int delivery_replay(struct store *s, int64_t id, int64_t now_ms, size_t *n,
    struct verr *e);

/*
 * One round of the worker: claim due deliveries at now_ms for
 * cfg->instance, leased for VECHE_DELIVERY_LEASE_MS, send each and record
 * the outcome (ignored if the lease was lost to another process).  *sent
 * receives the number attempted.  Returns 0, or
 * -1 if the store failed (logged).
 */
int delivery_run(struct store *s, const struct delivery_config *cfg,
    int64_t now_ms, size_t *sent);

/* The current time in Unix milliseconds. */
int64_t delivery_now_ms(void);

struct delivery_worker;

/*
 * Start the worker thread on its own connection to db_path (attached to
 * writer, which may be NULL).  It first makes due again the deliveries
 * that this instance (cfg->instance), killed, left in flight and those
 * whose lease has expired.  cfg is copied (public_url must outlive the
 * worker).  Returns NULL with a message in err.
 */
struct delivery_worker *delivery_worker_start(const char *db_path,
    struct store_writer *writer, const struct delivery_config *cfg,
    char *err, size_t errlen);

/* Stop the worker after its current send and free it.  Accepts NULL. */
void delivery_worker_stop(struct delivery_worker *w);

/*
 * Reads: every subscription by id; deliveries in state, at most limit;
 * counts of events, subscriptions and deliveries by state.  Return 0, fn's
 * non-zero result, or -1 (db_error).
 */
int delivery_subscriptions(struct store *s,
    int (*fn)(const struct store_subscription *, void *), void *arg);
int delivery_list(struct store *s, enum delivery_state state, size_t limit,
    int (*fn)(const struct store_delivery *, void *), void *arg);
int delivery_stats(struct store *s, struct store_delivery_stats *st);

/*
 * Record event ev for report by hand, in its own transaction.  Returns 0,
 * or -1 with e set.
 */
int delivery_emit(struct store *s, enum event_type ev, int64_t report,
    const char *detail, int64_t now, struct verr *e);

struct letter;

/*
 * Send an e-mail now, outside the outbox, with the database's SMTP
 * settings: for messages that carry a single-use token (account
 * confirmation, password reset), which must not be written to the
 * database as the outbox would.  Returns 0, or -1 with err set (mail not
 * configured, a bad address, the server refused).
 */
int delivery_mail_now(struct store *s, const char *to, const char *subject,
    const struct letter *l, char *err, size_t errlen);

/* 1 if outgoing mail is configured (the mail.smtp_url setting), else 0. */
int delivery_mail_configured(struct store *s);

/*
 * Keep the mail settings: the SMTP server URL and the sender address
 * (either may be NULL: left as it is).  Returns 0 or -1 (db_error).
 */
int delivery_set_mail(struct store *s, const char *smtp_url,
    const char *from);

#endif
