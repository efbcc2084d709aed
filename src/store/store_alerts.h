/*
 * store_alerts.h: citizens' e-mail alerts in the store (sqlite_alerts.c):
 * subscriptions (one report, an area, an agency or a category; instant or
 * a daily digest) and the items each one is owed.  An item is one outbox
 * event for one subscription; the outbox delivery that mails it (channel
 * DELIVERY_MAIL_ALERT) is set on the item when it is queued: at once for
 * an instant subscription, by the digest for a daily one.  Conventions as
 * in store.h: 0 or -1, 1 for "not found"; records handed to callbacks live
 * only during the call.
 */
#ifndef VECHE_STORE_ALERTS_H
#define VECHE_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* What a subscription follows (stored as its number). */
enum alert_kind {
	ALERT_REPORT,           /* one report's public changes */
	ALERT_AREA,             /* new reports inside a bbox */
	ALERT_AGENCY,           /* new reports of an agency */
	ALERT_SERVICE,          /* new reports of a category */
	ALERT_KIND__MAX
};

struct store_alert {
	int64_t id;
	const char *email;
	enum alert_kind kind;
	int64_t report;                 /* ALERT_REPORT */
	const char *code;               /* agency or service code */
	double min_lat, min_lon, max_lat, max_lon;      /* ALERT_AREA */
	int daily;                      /* 1: a daily digest */
	int lang;                       /* enum lang of its mails */
	const char *salt;               /* hex, for the unsubscribe token */
	int confirmed;
	int64_t created;
};

/*
 * The subscription of a->email to the same thing in the same mode, if
 * any: its id to *id and whether it is confirmed to *confirmed.  0, 1 when
 * none, -1.
 */
int store_alert_find(struct store *s, const struct store_alert *a,
    int64_t *id, int *confirmed);

/*
 * Insert an unconfirmed subscription with the hashes of its confirmation
 * and unsubscribe tokens, replacing an unconfirmed one of the same
 * address and target.  The new id to *id.
 */
int store_alert_insert(struct store *s, const struct store_alert *a,
    const unsigned char confirm_hash[32], const unsigned char unsub_hash[32],
    int64_t *id);

/*
 * Confirm the subscription whose confirmation hash is hash, created at or
 * after not_before; the hash is cleared (single use).  Its id to *id.
 * 0, 1 if none, -1.
 */
int store_alert_confirm(struct store *s, const unsigned char hash[32],
    int64_t not_before, int64_t *id);

/*
 * Remove the subscription whose unsubscribe hash is hash, with its items
 * and the mail not yet delivered for it.  0, 1 if none, -1.
 */
int store_alert_delete(struct store *s, const unsigned char hash[32]);

/* Facts of an event's report that alerts match on. */
struct store_alert_event {
	int64_t event;
	int64_t report;
	int has_point;
	double lat, lon;
	const char *agency;
	const char *service;
	int is_new;             /* matches area/agency/service subscriptions */
	int is_change;          /* matches the report's subscriptions */
};

/*
 * Record an item for every confirmed subscription the event matches; for
 * instant ones queue an outbox delivery (channel DELIVERY_MAIL_ALERT) due
 * at now_ms.  Inside the caller's transaction.  *n: items recorded.
 */
int store_alert_fanout(struct store *s, const struct store_alert_event *ev,
    int64_t now_ms, size_t *n);

/*
 * Queue one digest delivery per daily subscription with items not yet
 * queued, due at now_ms, in one transaction.  *n: deliveries queued.
 */
int store_alert_digest(struct store *s, int64_t now_ms, size_t *n);

/* The subscription a delivery mails to; 1 if none (unsubscribed). */
int store_alert_of_delivery(struct store *s, int64_t delivery,
    int (*fn)(const struct store_alert *, void *), void *arg);

/* The events (type, report, payload) a delivery mails, oldest first. */
int store_alert_items(struct store *s, int64_t delivery,
    int (*fn)(const char *type, int64_t report, const char *payload, void *),
    void *arg);

/* Confirmed subscriptions (for tests and stats). */
int store_alert_count(struct store *s, int64_t *n);

#endif
