/*
 * alerts.h: citizens' e-mail alerts (docs/delivery.md, "Alerts").  A
 * citizen subscribes an e-mail address to one report, an area (bbox), an
 * agency or a category, instant or as a daily digest.  Nothing but the
 * confirmation is sent until its link is followed (double opt-in); every
 * alert carries a one-click unsubscribe link (RFC 8058).  Alerts go out
 * through the outbox (delivery.c, channel DELIVERY_MAIL_ALERT): a new
 * public report matching a subscription, and each public change of a
 * subscribed report.  Tokens are stored as hashes only: the confirmation
 * token is random and mailed at once; the unsubscribe token is derived
 * from a per-subscription salt under the deployment's key (setting
 * alerts.key), so that every mail can carry it.
 */
#ifndef VECHE_ALERTS_H
#define VECHE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "core/error.h"
#include "core/outbox.h"
#include "core/session.h"

struct store;
struct store_writer;
struct letter;

/* A subscription request as a form gives it (strings may be NULL). */
struct alert_request {
	const char *email;
	const char *report;             /* exactly one of report, bbox, */
	const char *bbox;               /* agency and service_code */
	const char *agency;
	const char *service_code;
	const char *mode;               /* "instant" (default) or "daily" */
	enum lang lang;
};

/*
 * Subscribe.  Returns 0 with a confirmation token in token (mail it to
 * in->email: the database keeps its hash only), 1 when the address already
 * has this subscription confirmed (nothing to send; callers answer the
 * same either way), or -1 with e naming the field (email, report, bbox,
 * agency, service_code, mode) or VERR_INTERNAL.
 */
int alerts_subscribe(struct store *s, const struct alert_request *in,
    int64_t now, char token[SESSION_TOKEN_LEN], struct verr *e);

/* Follow a confirmation link (valid VECHE_CONFIRM_TTL seconds). */
int alerts_confirm(struct store *s, const char *token, int64_t now,
    struct verr *e);

/* End a subscription by its unsubscribe token; VERR_NOT_FOUND if none. */
int alerts_unsubscribe(struct store *s, const char *token, struct verr *e);

/*
 * Record the alerts event ev (already inserted as event_id) about report
 * owes, inside the caller's transaction (outbox_emit calls it).
 */
int alerts_fanout(struct store *s, enum event_type ev, int64_t report,
    int64_t event_id, int64_t now_ms, struct verr *e);

/*
 * The mail of alert delivery `delivery`: recipient into to, subject, the
 * letter (letter_init'ed here: the caller letter_free's it) and the
 * one-click unsubscribe URL under public_url (NULL: the letter has no
 * links and unsub is "").  Returns 0, 1 when the subscription is gone, -1.
 */
int alerts_mail(struct store *s, const char *public_url, int64_t delivery,
    char *to, size_t tolen, char *subject, size_t slen, struct letter *l,
    char *unsub, size_t ulen);

/*
 * Start the digest worker on its own connection to db_path: once a local
 * day, at or after hour (0-23) by clock_now() in the deployment's zone, it
 * queues one digest per daily subscription with alerts waiting.  Returns
 * NULL with a message in err.
 */
struct alerts_digest;
struct alerts_digest *alerts_digest_start(const char *db_path,
    struct store_writer *writer, int hour, char *err, size_t errlen);

/* Stop it and free it.  Accepts NULL. */
void alerts_digest_stop(struct alerts_digest *d);

#endif
