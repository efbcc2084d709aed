/*
 * delivery.c: the outbox's events and their delivery (delivery.h).
 *
 * The payload of an event is built once, when the event is recorded, from
 * the report's public fields: every attempt of every recipient sends the
 * same bytes, and the idempotency key inside lets a receiver drop repeats.
 * The reporter's private contact never enters the stored payload; it is
 * added at send time for subscriptions that ask for it (an agency's
 * document-flow system answering 59-FZ appeals needs it), and e-mail to an
 * agency about a new report carries it for the same reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "veche.h"
#include "base/rand.h"
#include "core/alerts.h"
#include "core/catalog.h"
#include "core/account.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/datetime.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "net/net.h"
#include "core/mail.h"
#include "core/outbox.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/trends.h"
#include "core/worker.h"
#include "format/event.h"
#include "store/store.h"
#include "store/store_delivery.h"

#define KEY_HEX 32              /* idempotency key: 16 random bytes */

/* A live worker sends its whole batch inside the lease (veche.h). */
_Static_assert(VECHE_DELIVERY_LEASE_MS > (int64_t)VECHE_DELIVERY_BATCH *
    VECHE_DELIVERY_TIMEOUT_MS, "the lease must outlast a batch of sends");

/* Who gets e-mail about each event (bits 1 << enum delivery_channel). */
static const unsigned event_mail[EVENT__MAX] = {
	[EVENT_REPORT_CREATED] = 1u << DELIVERY_MAIL_AGENCY |
	    1u << DELIVERY_MAIL_REPORTER,      /* the reporter's receipt */
	[EVENT_REPORT_FORWARDED] = 1u << DELIVERY_MAIL_AGENCY,
	[EVENT_REPORT_REOPENED] = 1u << DELIVERY_MAIL_AGENCY,
	[EVENT_DEADLINE_NEAR] = 1u << DELIVERY_MAIL_AGENCY,
	[EVENT_DEADLINE_PASSED] = 1u << DELIVERY_MAIL_AGENCY,
	[EVENT_REPORT_ANSWERED] = 1u << DELIVERY_MAIL_REPORTER,
};

static const char *const channel_names[DELIVERY_CHANNEL__MAX] = {
	[DELIVERY_WEBHOOK] = "webhook",
	[DELIVERY_MAIL_AGENCY] = "mail-agency",
	[DELIVERY_MAIL_REPORTER] = "mail-reporter",
	[DELIVERY_MAIL_ALERT] = "mail-alert",
	[DELIVERY_MAIL_SPIKE] = "mail-spike",
};

int64_t
delivery_now_ms(void)
{
	return clock_now_ms();
}

void
delivery_config_default(struct delivery_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base_ms = VECHE_DELIVERY_BASE_MS;
	cfg->cap_ms = VECHE_DELIVERY_CAP_MS;
	cfg->max_attempts = VECHE_DELIVERY_MAX_ATTEMPTS;
	cfg->timeout_ms = VECHE_DELIVERY_TIMEOUT_MS;
	cfg->poll_ms = VECHE_DELIVERY_POLL_MS;
}

int64_t
delivery_backoff_ms(const struct delivery_config *cfg, int attempts,
    uint32_t rnd)
{
	int64_t d = cfg->base_ms > 0 ? cfg->base_ms : 1;
	int i;

	for (i = 1; i < attempts && d < cfg->cap_ms; i++)
		d *= 2;
	if (d > cfg->cap_ms)
		d = cfg->cap_ms;
	if (d < 2)
		return d;
	return d - (int64_t)(rnd % (uint32_t)(d / 2 + 1));
}

void
delivery_sign(const char *secret, int64_t timestamp, const char *body,
    size_t bodylen, char out[72])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char ts[24];

	snprintf(ts, sizeof(ts), "%lld.", (long long)timestamp);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	    bodylen);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 72 - 7, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* Event types by name; EVENT__MAX if unknown. */
static enum event_type
event_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < EVENT__MAX; i++) {
		const char *n = outbox_event_name((enum event_type)i);

		if (strlen(n) == len && strncmp(n, name, len) == 0)
			return (enum event_type)i;
	}
	return EVENT__MAX;
}

/* ---- Recording events ---- */

/* A time as the payload carries it: NULL (null) for "not yet". */
static const char *
time_text(int64_t t, char *buf, size_t len)
{
	return t == 0 ? NULL : datetime_format(t, buf, len);
}

/* report_get callback: the payload of the event being recorded. */
struct emitted {
	struct event_doc doc;
	char times[5][DATETIME_LEN];
	char *payload;                  /* malloc'd by event_json */
	int64_t created;
};

static int
report_payload(const struct report *r, void *arg)
{
	struct emitted *em = arg;

	em->doc.report = r;
	em->doc.report_status = report_status_name(r->status);
	em->doc.created = time_text(em->created, em->times[0],
	    sizeof(em->times[0]));
	em->doc.requested = time_text(r->requested, em->times[1],
	    sizeof(em->times[1]));
	em->doc.updated = time_text(r->updated, em->times[2],
	    sizeof(em->times[2]));
	em->doc.register_due = time_text(r->register_due, em->times[3],
	    sizeof(em->times[3]));
	em->doc.expected = time_text(r->expected, em->times[4],
	    sizeof(em->times[4]));
	em->payload = event_json(&em->doc);
	em->doc.report = NULL;
	return 0;
}

/* Copy the report's agency: the callback's strings die with the call. */
static int
report_agency(const struct report *r, void *arg)
{
	char *buf = arg;

	snprintf(buf, VECHE_MAX_CODE + 1, "%s", r->agency ? r->agency : "");
	return 0;
}

int
delivery_mail_configured(struct store *s)
{
	char url[VECHE_MAX_URL + 1];

	return store_setting_get(s, "mail.smtp_url", url, sizeof(url)) == 0 &&
	    url[0] != '\0';
}

/*
 * outbox_emit, with incident.answered's object when inc is not NULL; about
 * known, the report as the caller just wrote it, without reading it back,
 * when known is not NULL.
 */
static int
emit(struct store *s, enum event_type ev, int64_t report_id,
    const struct report *known, const char *detail,
    const struct outbox_incident *inc, int64_t now, struct verr *e)
{
	unsigned char raw[KEY_HEX / 2];
	char key[KEY_HEX + 1], agency[VECHE_MAX_CODE + 1];
	struct store_event rec;
	struct emitted em;
	char *payload = NULL;
	int64_t id;
	size_t n;
	int rc, ret = -1;

	if (outbox_event_name(ev) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: unknown event "
		    "%d", (int)ev);
	if (!store_in_transaction(s))
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: %s for report "
		    "%lld outside a transaction", outbox_event_name(ev),
		    (long long)report_id);
	if ((rc = known != NULL ? report_agency(known, agency) : report_get(s,
	    NULL, report_id, report_agency, agency)) == 1)
		return verr_set(e, VERR_NOT_FOUND, "service_request_id",
		    "service_request_id: no report %lld", (long long)report_id);
	if (rc != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "outbox: reading report: %s",
		    store_error(s));
		goto out;
	}
	rand_bytes(raw, sizeof(raw));        /* one getrandom(2) for many */
	sodium_bin2hex(key, sizeof(key), raw, sizeof(raw));
	memset(&em, 0, sizeof(em));
	em.doc.key = key;
	em.doc.event = outbox_event_name(ev);
	em.doc.agency = agency[0] ? agency : NULL;
	em.doc.detail = detail;
	if (inc != NULL) {
		em.doc.incident = 1;
		em.doc.incident_source_url = inc->source_url;
		em.doc.incident_external_id = inc->external_id;
		em.doc.incident_author = inc->author;
		em.doc.incident_network = inc->network;
		em.doc.incident_answer = inc->answer;
		em.doc.incident_report_url = inc->report_url;
	}
	em.created = now;
	if ((known != NULL ? report_show(NULL, known, report_payload, &em) :
	    report_get(s, NULL, report_id, report_payload, &em)) != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "outbox: reading report: %s",
		    store_error(s));
		goto out;
	}
	if ((payload = em.payload) == NULL)
		goto oom;
	if (strlen(payload) > VECHE_MAX_PAYLOAD) {
		verr_set(e, VERR_INTERNAL, NULL, "outbox: payload of report "
		    "%lld is too large", (long long)report_id);
		goto out;
	}
	rec.type = outbox_event_name(ev);
	rec.report_id = report_id;
	rec.agency = agency[0] ? agency : NULL;
	rec.detail = detail;
	rec.payload = payload;
	rec.key = key;
	rec.created = now;
	if (store_event_insert(s, &rec, delivery_mail_configured(s) ? event_mail[ev] :
	    0, now * 1000, &id, &n) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "outbox: %s", store_error(s));
		goto out;
	}
	/* Citizens' alerts (alerts.h) about the same event. */
	if (delivery_mail_configured(s) && alerts_fanout(s, ev, report_id, id,
	    now * 1000, e) == -1)
		goto out;
	ret = 0;
	goto out;
oom:
	verr_set(e, VERR_INTERNAL, NULL, "outbox: out of memory");
out:
	free(payload);
	return ret;
}

int
outbox_emit_json(struct store *s, enum event_type ev, const char *agency,
    const char *members, int64_t now, int64_t *event, struct verr *e)
{
	unsigned char raw[KEY_HEX / 2];
	char key[KEY_HEX + 1], created[DATETIME_LEN];
	struct store_event rec;
	char *payload;
	size_t len, n;
	int64_t id;
	int w, ret = 0;

	if (outbox_event_name(ev) == NULL || !store_in_transaction(s))
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: event %d "
		    "outside a transaction", (int)ev);
	rand_bytes(raw, sizeof(raw));        /* one getrandom(2) for many */
	sodium_bin2hex(key, sizeof(key), raw, sizeof(raw));
	datetime_format(now, created, sizeof(created));
	len = strlen(members) + 160;
	if (len > VECHE_MAX_PAYLOAD)
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: payload of "
		    "%s is too large", outbox_event_name(ev));
	if ((payload = malloc(len)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: out of memory");
	w = snprintf(payload, len, "{\"id\": \"%s\", \"event\": \"%s\", "
	    "\"created\": \"%s\", %s}", key, outbox_event_name(ev), created,
	    members);
	if (w < 0 || (size_t)w >= len) {
		free(payload);
		return verr_set(e, VERR_INTERNAL, NULL, "outbox: payload cut");
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = outbox_event_name(ev);
	rec.agency = agency;
	rec.payload = payload;
	rec.key = key;
	rec.created = now;
	if (store_event_insert(s, &rec, 0, now * 1000, &id, &n) == -1)
		ret = verr_set(e, VERR_INTERNAL, NULL, "outbox: %s",
		    store_error(s));
	else if (event != NULL)
		*event = id;
	free(payload);
	return ret;
}

int
outbox_emit(struct store *s, enum event_type ev, int64_t report_id,
    const char *detail, int64_t now, struct verr *e)
{
	return emit(s, ev, report_id, NULL, detail, NULL, now, e);
}

int
outbox_emit_written(struct store *s, enum event_type ev,
    const struct report *r, int64_t now, struct verr *e)
{
	return emit(s, ev, r->id, r, NULL, NULL, now, e);
}

int
outbox_emit_incident(struct store *s, int64_t report_id,
    const struct outbox_incident *inc, int64_t now, struct verr *e)
{
	return emit(s, EVENT_INCIDENT_ANSWERED, report_id, NULL, inc->answer,
	    inc, now, e);
}

/* ---- Administration ---- */

/* "a,b": known event names, no blanks or repeats. */
static int
check_events(const char *events, struct verr *e)
{
	unsigned seen = 0;
	const char *p = events, *comma;
	enum event_type t;
	size_t len;

	if (*p == '\0')
		return verr_set(e, VERR_INVALID, "events", "events: empty list "
		    "(leave it out for all events)");
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if ((t = event_parse(p, len)) == EVENT__MAX)
			return verr_set(e, VERR_INVALID, "events", "events: "
			    "'%.*s' is not an event (report.created, "
			    "report.answered ... see docs/delivery.md)",
			    (int)(len > 64 ? 64 : len), p);
		if (seen & (1u << t))
			return verr_set(e, VERR_INVALID, "events", "events: "
			    "'%s' twice", outbox_event_name(t));
		seen |= 1u << t;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
count_sub(const struct store_subscription *sub, void *arg)
{
	(void)sub;
	(*(size_t *)arg)++;
	return 0;
}

/* store_agency_each: stop (1) at the agency named arg. */
static int
agency_is(const struct agency *ag, void *arg)
{
	return strcmp(ag->code, arg) == 0;
}

int
delivery_subscribe(struct store *s, const char *url, const char *secret,
    const char *agency, const char *events, int include_contact,
    int64_t now, int64_t *id, struct verr *e)
{
	struct store_subscription sub;
	size_t n = 0, len;
	int rc;

	if (url == NULL || strlen(url) > VECHE_MAX_URL || !parse_url_ok(url))
		return verr_set(e, VERR_INVALID, "url", "url: an absolute http "
		    "or https URL of at most %d bytes", VECHE_MAX_URL);
	len = secret != NULL ? strlen(secret) : 0;
	if (len < VECHE_MIN_SECRET || len > VECHE_MAX_SECRET ||
	    strpbrk(secret, "\r\n") != NULL)
		return verr_set(e, VERR_INVALID, "secret", "secret: %d to %d "
		    "bytes on one line", VECHE_MIN_SECRET, VECHE_MAX_SECRET);
	if (agency != NULL) {
		rc = strlen(agency) > VECHE_MAX_CODE ? 0 :
		    store_agency_each(s, agency_is, (void *)agency);
		if (rc == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "reading "
			    "agencies: %s", store_error(s));
		if (rc != 1)
			return verr_set(e, VERR_INVALID, "agency", "agency: no "
			    "agency '%.64s'", agency);
	}
	if (events != NULL && check_events(events, e) == -1)
		return -1;
	if (store_subscription_each(s, count_sub, &n) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "reading subscriptions: "
		    "%s", store_error(s));
	if (n >= VECHE_MAX_SUBSCRIPTIONS)
		return verr_set(e, VERR_CONFLICT, "url", "url: already %d "
		    "subscriptions, remove one first", VECHE_MAX_SUBSCRIPTIONS);
	memset(&sub, 0, sizeof(sub));
	sub.url = url;
	sub.secret = secret;
	sub.agency = agency;
	sub.events = events;
	sub.include_contact = include_contact;
	sub.created = now;
	if (store_subscription_insert(s, &sub, id) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "adding the "
		    "subscription failed: %s", store_error(s));
	return 0;
}

int
delivery_unsubscribe(struct store *s, int64_t id, struct verr *e)
{
	switch (store_subscription_delete(s, id)) {
	case 0:
		return 0;
	case 1:
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no subscription "
		    "%lld", (long long)id);
	default:
		return verr_set(e, VERR_INTERNAL, NULL, "removing the "
		    "subscription failed: %s", store_error(s));
	}
}

int
delivery_replay(struct store *s, int64_t id, int64_t now_ms, size_t *n,
    struct verr *e)
{
	switch (store_delivery_replay(s, id, now_ms, n)) {
	case 0:
		return 0;
	case 1:
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no dead delivery "
		    "%lld", (long long)id);
	default:
		return verr_set(e, VERR_INTERNAL, NULL, "replay failed: %s",
		    store_error(s));
	}
}

/* ---- Sending ---- */

/* What one send needs, copied out of the store's callback. */
struct job {
	int64_t id;
	enum delivery_channel channel;
	int attempts;
	int64_t report_id;
	char type[32];
	char key[KEY_HEX + 1];
	char *payload;
	char url[VECHE_MAX_URL + 1];
	char secret[VECHE_MAX_SECRET + 1];
	int include_contact;
	char address[VECHE_MAX_EMAIL + 1];
	int redelivery;         /* an earlier send may have arrived */
};

static int
copy_job(const struct store_delivery *d, void *arg)
{
	struct job *j = arg;

	j->id = d->id;
	j->channel = d->channel;
	j->attempts = d->attempts;
	j->report_id = d->report_id;
	snprintf(j->type, sizeof(j->type), "%s", d->event_type);
	snprintf(j->key, sizeof(j->key), "%s", d->event_key);
	snprintf(j->url, sizeof(j->url), "%s", d->url ? d->url : "");
	snprintf(j->secret, sizeof(j->secret), "%s",
	    d->secret ? d->secret : "");
	j->include_contact = d->include_contact;
	snprintf(j->address, sizeof(j->address), "%s",
	    d->address ? d->address : "");
	j->redelivery = d->redelivery;
	return (j->payload = strdup(d->payload)) == NULL ? -1 : 0;
}

/* The payload with the reporter's contact (store_report_contact callback). */
struct body {
	const char *payload;
	char *out;                      /* malloc'd by event_json_with_contact */
	int found;
};

static int
with_contact(const struct contact *c, void *arg)
{
	struct body *b = arg;

	b->found = 1;
	b->out = event_json_with_contact(b->payload, c);
	return b->out == NULL ? -1 : 0;
}

/*
 * The body a webhook sends: the payload, with the contact if the
 * subscription asked for it (null when the report has none).
 */
static char *
webhook_body(struct store *s, const struct job *j)
{
	struct body b = { j->payload, NULL, 0 };

	if (!j->include_contact)
		return strdup(j->payload);
	if (store_report_contact(s, j->report_id, with_contact, &b) < 0)
		return NULL;
	return b.found ? b.out : event_json_with_contact(j->payload, NULL);
}

/*
 * POST the body, signed.  The key, the event and the body are the same on
 * every attempt; X-Veche-Attempt counts the attempts, and
 * X-Veche-Redelivery says that an earlier one may have arrived unrecorded
 * (its sender stopped during it: docs/delivery.md, "Exactly once").
 */
static int
send_webhook(struct store *s, const struct delivery_config *cfg,
    const struct job *j, char *err, size_t errlen)
{
	char hdr[5][160], sig[72];
	const char *headers[8];
	char *body = NULL;
	int64_t ts = clock_now();
	int ret;

	if ((body = webhook_body(s, j)) == NULL) {
		snprintf(err, errlen, "building the body failed");
		return -1;
	}
	delivery_sign(j->secret, ts, body, strlen(body), sig);
	snprintf(hdr[0], sizeof(hdr[0]), "X-Veche-Event: %s", j->type);
	snprintf(hdr[1], sizeof(hdr[1]), "X-Veche-Delivery: %s", j->key);
	snprintf(hdr[2], sizeof(hdr[2]), "X-Veche-Timestamp: %lld",
	    (long long)ts);
	snprintf(hdr[3], sizeof(hdr[3]), "X-Veche-Signature: %s", sig);
	snprintf(hdr[4], sizeof(hdr[4]), "X-Veche-Attempt: %d", j->attempts);
	headers[0] = "Content-Type: application/json";
	headers[1] = hdr[0];
	headers[2] = hdr[1];
	headers[3] = hdr[2];
	headers[4] = hdr[3];
	headers[5] = hdr[4];
	headers[6] = j->redelivery ? "X-Veche-Redelivery: 1" : NULL;
	headers[7] = NULL;
	ret = net_post(j->url, headers, body, strlen(body), cfg->timeout_ms,
	    cfg->allow_private, err, errlen);
	free(body);
	return ret;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* The reporter in an agency's e-mail (store_report_contact callback). */
static int
contact_text(const struct contact *c, void *arg)
{
	struct letter *l = arg;
	char name[2 * VECHE_MAX_NAME * 4 + 2];

	snprintf(name, sizeof(name), "%s %s", or_empty(c->first_name),
	    or_empty(c->last_name));
	letter_field(l, "Заявитель", name[0] != ' ' || name[1] != '\0' ?
	    name : NULL);
	letter_field(l, "E-mail", c->email);
	letter_field(l, "Телефон", c->phone);
	return 0;
}

/* A service's or an agency's name in lang, else its code. */
static const char *
service_name(const struct catalog *c, const char *code, enum lang lang)
{
	const struct service *svc = c != NULL && code != NULL ?
	    catalog_service(c, code) : NULL;

	return svc != NULL ? catalog_text(svc->name, lang) : or_empty(code);
}

static const char *
agency_name(const struct catalog *c, const char *code, enum lang lang)
{
	const struct agency *a = c != NULL && code != NULL ?
	    catalog_agency(c, code) : NULL;

	return a != NULL ? catalog_text(a->name, lang) : or_empty(code);
}

/*
 * The words of the e-mail: { Russian, English }.  The reporter's mails
 * (receipt, answer) are in the language of the page the report was filed
 * from (account_report_lang); the agency's in Russian.
 */
enum mw {
	MW_HELLO, MW_ANSWER_IS, MW_FILED, MW_RECEIPT, MW_CATEGORY, MW_AGENCY,
	MW_ADDRESS, MW_SUBMITTED, MW_ANSWER_DUE, MW_TEXT, MW_PAGE, MW_FOOTER,
	MW__MAX
};

static const char *const mwords[MW__MAX][LANG__MAX] = {
	[MW_HELLO] = { "Здравствуйте!", "Hello!" },
	[MW_ANSWER_IS] = { "На ваше обращение дан ответ:",
	    "Your report has been answered:" },
	[MW_FILED] = { "Обращение подано", "Report filed" },
	[MW_RECEIPT] = { "Ваше обращение принято и зарегистрировано. Ход его "
	    "рассмотрения виден на странице обращения.", "Your report has "
	    "been received and registered. Its progress is shown on the "
	    "report's page." },
	[MW_CATEGORY] = { "Категория", "Category" },
	[MW_AGENCY] = { "Исполнитель", "Responsible agency" },
	[MW_ADDRESS] = { "Адрес", "Address" },
	[MW_SUBMITTED] = { "Подано", "Submitted" },
	[MW_ANSWER_DUE] = { "Срок ответа", "Answer due" },
	[MW_TEXT] = { "Текст обращения", "Report text" },
	[MW_PAGE] = { "Страница обращения", "Report page" },
	[MW_FOOTER] = { "-- \nВече: это письмо отправлено автоматически.",
	    "-- \nVeche: this message was sent automatically." },
};

/* A link to path + id + suffix under the public URL, when there is one. */
static void
page_link(struct letter *l, const struct delivery_config *cfg,
    const char *label, const char *path, long long id, const char *suffix)
{
	char url[VECHE_MAX_URL + 64];
	size_t n;

	if (cfg->public_url == NULL)
		return;
	n = strlen(cfg->public_url);
	while (n > 0 && cfg->public_url[n - 1] == '/')
		n--;
	snprintf(url, sizeof(url), "%.*s%s%lld%s", (int)n, cfg->public_url,
	    path, id, suffix);
	letter_link(l, label, url);
}

/*
 * Subject and body (text and HTML) of the e-mail about an event, in
 * Russian, with names instead of codes and dates in the city's zone.
 */
static int
mail_text(struct store *s, const struct delivery_config *cfg,
    const struct job *j, char *subject, size_t slen, struct letter *l)
{
	struct event_payload *p;
	struct catalog *cat;
	long long id = (long long)j->report_id;
	const char *detail, *notes, *svc, *ag;
	char err[256], para[512];
	int to_agency = j->channel == DELIVERY_MAIL_AGENCY;
	enum lang lang = to_agency ? LANG_RU : account_report_lang(s,
	    j->report_id);

	if ((p = event_payload_parse(j->payload)) == NULL)
		return -1;
	/* Names as the database has them now (an admin may have edited). */
	cat = catalog_load(s, err, sizeof(err));
	detail = event_payload_get(p, "detail");
	notes = event_payload_report(p, "status_notes");
	svc = service_name(cat, event_payload_report(p, "service_code"), lang);
	ag = agency_name(cat, event_payload_report(p, "agency_responsible"),
	    lang);
	subject[0] = '\0';
	if (strcmp(j->type, "report.answered") == 0)
		snprintf(subject, slen, lang == LANG_EN ? "Your report No. %lld "
		    "has been answered" : "Ответ на ваше обращение №%lld", id);
	else if (strncmp(j->type, "deadline.", 9) == 0)
		snprintf(subject, slen, "%s обращения №%lld", strcmp(j->type,
		    "deadline.passed") == 0 ? "Просрочен ответ на" :
		    "Истекает срок ответа на", id);
	else if (!to_agency)
		snprintf(subject, slen, lang == LANG_EN ? "Your report No. %lld "
		    "has been received" : "Ваше обращение №%lld принято", id);
	else
		snprintf(subject, slen, "%s обращение №%lld: %s",
		    strcmp(j->type, "report.forwarded") == 0 ?
		    "Переадресовано" : strcmp(j->type, "report.reopened") ==
		    0 ? "Возобновлено (заявитель: не решено)" : "Новое", id,
		    svc);
	if (letter_init(l, lang, subject) == -1) {
		catalog_free(cat);
		event_payload_free(p);
		return -1;
	}
	if (strcmp(j->type, "report.answered") == 0) {
		letter_para(l, mwords[MW_HELLO][lang]);
		letter_para(l, mwords[MW_ANSWER_IS][lang]);
		letter_para(l, *detail ? detail : notes);
		letter_date_w3c(l, mwords[MW_FILED][lang],
		    event_payload_report(p, "requested_datetime"));
	} else if (strncmp(j->type, "deadline.", 9) == 0) {
		snprintf(para, sizeof(para), "Обращение №%lld ожидает ответа.",
		    id);
		letter_para(l, para);
		letter_field(l, "Категория", svc);
		letter_date_w3c(l, "Срок ответа",
		    event_payload_report(p, "expected_datetime"));
		if (*detail)
			letter_para(l, detail);
	} else if (!to_agency) {
		letter_para(l, mwords[MW_HELLO][lang]);
		letter_para(l, mwords[MW_RECEIPT][lang]);
		letter_field(l, mwords[MW_CATEGORY][lang], svc);
		letter_field(l, mwords[MW_AGENCY][lang], ag);
		letter_field(l, mwords[MW_ADDRESS][lang],
		    event_payload_report(p, "address"));
		letter_date_w3c(l, mwords[MW_SUBMITTED][lang],
		    event_payload_report(p, "requested_datetime"));
		letter_date_w3c(l, mwords[MW_ANSWER_DUE][lang],
		    event_payload_report(p, "expected_datetime"));
	} else {
		snprintf(para, sizeof(para), "Поступило обращение №%lld.", id);
		letter_para(l, para);
		letter_field(l, "Категория", svc);
		letter_field(l, "Исполнитель", ag);
		letter_field(l, "Адрес", event_payload_report(p, "address"));
		letter_date_w3c(l, "Поступило",
		    event_payload_report(p, "requested_datetime"));
		letter_date_w3c(l, "Срок регистрации",
		    event_payload_report(p, "register_due_datetime"));
		letter_date_w3c(l, "Срок ответа",
		    event_payload_report(p, "expected_datetime"));
		if (*detail)
			letter_field(l, "Примечание", detail);
		/* The agency answers the reporter (59-FZ): it gets the contact. */
		(void)store_report_contact(s, j->report_id, contact_text, l);
	}
	letter_field(l, mwords[MW_TEXT][lang], event_payload_report(p,
	    "description"));
	if (to_agency)
		page_link(l, cfg, "Обращение на рабочем месте", "/desk/reports/",
		    id, "");
	page_link(l, cfg, mwords[MW_PAGE][lang], "/reports/", id,
	    lang == LANG_EN ? "?lang=en" : "");
	letter_para(l, mwords[MW_FOOTER][lang]);
	letter_end(l);
	catalog_free(cat);
	event_payload_free(p);
	return 0;
}

/*
 * The SMTP settings of the database into srv, which points into bufs.
 * 0, or -1 with err set when mail is not configured.
 */
struct mail_settings {
	char url[VECHE_MAX_URL + 1], from[VECHE_MAX_EMAIL + 1];
	char user[256], password[256], tls[8];
};

static int
mail_server(struct store *s, long timeout_ms, struct mail_server *srv,
    struct mail_settings *m, char *err, size_t errlen)
{
	memset(srv, 0, sizeof(*srv));
	if (store_setting_get(s, "mail.smtp_url", m->url, sizeof(m->url)) != 0 ||
	    store_setting_get(s, "mail.from", m->from, sizeof(m->from)) != 0) {
		snprintf(err, errlen, "mail is not configured: set mail.smtp_url "
		    "and mail.from (veche serve --smtp --mail-from)");
		return -1;
	}
	srv->url = m->url;
	srv->from = m->from;
	if (store_setting_get(s, "mail.user", m->user, sizeof(m->user)) == 0) {
		srv->user = m->user;
		if (store_setting_get(s, "mail.password", m->password,
		    sizeof(m->password)) == 0)
			srv->password = m->password;
	}
	srv->starttls = store_setting_get(s, "mail.starttls", m->tls,
	    sizeof(m->tls)) == 0 && strcmp(m->tls, "1") == 0;
	srv->timeout_ms = timeout_ms;
	return 0;
}

/*
 * Build and send one message now, with extra header lines (or NULL).
 * 0, or -1 with err set.
 */
static int
mail_now(struct store *s, long timeout_ms, const char *to,
    const char *subject, const struct letter *l, const char *msgid,
    const char *const *headers, char *err, size_t errlen)
{
	struct mail_settings m;
	struct mail_server srv;
	char *msg;
	int ret;

	if (mail_server(s, timeout_ms, &srv, &m, err, errlen) == -1)
		return -1;
	if ((msg = mail_message_hdr_new(m.from, to, subject, l->text, l->html,
	    msgid, clock_now(), headers)) == NULL) {
		snprintf(err, errlen, "cannot build the message to %.100s "
		    "(check mail.from and the address)", to);
		return -1;
	}
	ret = mail_send(&srv, to, msg, err, errlen);
	free(msg);
	return ret;
}

static int
send_mail(struct store *s, const struct delivery_config *cfg,
    const struct job *j, char *err, size_t errlen)
{
	char msgid[128], subject[512];
	struct letter l;
	int ret;

	memset(&l, 0, sizeof(l));
	if (j->address[0] == '\0') {
		snprintf(err, errlen, "the recipient has no e-mail address now");
		return -1;
	}
	snprintf(msgid, sizeof(msgid), "%s.%s@veche", j->key,
	    channel_names[j->channel]);
	if (mail_text(s, cfg, j, subject, sizeof(subject), &l) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = mail_now(s, cfg->timeout_ms, j->address, subject, &l, msgid,
	    NULL, err, errlen);
	letter_free(&l);
	return ret;
}

/*
 * A letter built from its own tables: a citizen's alert (alerts.h, with
 * one-click unsubscribe headers, RFC 8058) or a staff member's spike
 * e-mail (trends.h).  A subscription ended since it was queued sends
 * nothing.
 */
static int
send_letter(struct store *s, const struct delivery_config *cfg,
    const struct job *j, char *err, size_t errlen)
{
	char msgid[128], subject[512], to[VECHE_MAX_EMAIL + 1];
	char unsub[VECHE_MAX_URL + 128], hdr[VECHE_MAX_URL + 160];
	const char *headers[3] = { NULL, NULL, NULL };
	struct letter l;
	int ret;

	memset(&l, 0, sizeof(l));
	unsub[0] = '\0';
	snprintf(msgid, sizeof(msgid), "%s.%s.%lld@veche", j->key,
	    channel_names[j->channel], (long long)j->id);
	ret = j->channel == DELIVERY_MAIL_SPIKE ? trends_mail(s,
	    cfg->public_url, j->id, to, sizeof(to), subject, sizeof(subject),
	    &l) : alerts_mail(s, cfg->public_url, j->id, to, sizeof(to),
	    subject, sizeof(subject), &l, unsub, sizeof(unsub));
	if (ret == 1)
		return 0;
	if (ret == -1) {
		letter_free(&l);
		snprintf(err, errlen, "building the %s failed: %s",
		    channel_names[j->channel], store_error(s));
		return -1;
	}
	if (unsub[0] != '\0') {
		snprintf(hdr, sizeof(hdr), "List-Unsubscribe: <%s>", unsub);
		headers[0] = hdr;
		headers[1] = "List-Unsubscribe-Post: List-Unsubscribe=One-Click";
	}
	ret = mail_now(s, cfg->timeout_ms, to, subject, &l, msgid, headers,
	    err, errlen);
	letter_free(&l);
	return ret;
}

int
delivery_mail_now(struct store *s, const char *to, const char *subject,
    const struct letter *l, char *err, size_t errlen)
{
	unsigned char raw[16];
	char hex[33], msgid[64];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(msgid, sizeof(msgid), "%s.account@veche", hex);
	return mail_now(s, VECHE_DELIVERY_TIMEOUT_MS, to, subject, l, msgid,
	    NULL, err, errlen);
}

/* The name claims go by: cfg's instance, else the host's name. */
static const char *
claimer_of(const struct delivery_config *cfg, char *buf, size_t len)
{
	if (cfg->instance != NULL)
		return cfg->instance;
	if (gethostname(buf, len - 1) != 0 || buf[0] == '\0')
		snprintf(buf, len, "veche");
	buf[len - 1] = '\0';
	return buf;
}

/* Log a store failure of the worker's: -1. */
static int
store_failed(struct store *s)
{
	/* While a database server is away, the store logged it once. */
	if (!db_outage())
		fprintf(stderr, "veche: outbox: %s\n", store_error(s));
	return -1;
}

int
delivery_run(struct store *s, const struct delivery_config *cfg,
    int64_t now_ms, size_t *sent)
{
	int64_t ids[VECHE_DELIVERY_BATCH];
	char err[VECHE_MAX_DELIVERY_ERROR], host[256];
	int64_t t0 = delivery_now_ms(), now;
	const int64_t until = now_ms + VECHE_DELIVERY_LEASE_MS;
	const char *who = claimer_of(cfg, host, sizeof(host));
	size_t n, i, left;
	struct job j;
	int rc, dead;

	*sent = 0;
	if (store_delivery_claim(s, who, now_ms, until, ids,
	    VECHE_DELIVERY_BATCH, &n) == -1)
		return store_failed(s);
	for (i = 0; i < n; i++) {
		/* The round's clock, advanced by the time sending took. */
		now = now_ms + (delivery_now_ms() - t0);
		if (now + cfg->timeout_ms >= until) {
			/* A send could outlast the lease: give the rest back. */
			if (store_delivery_recover(s, who, now, &left) == -1)
				return store_failed(s);
			fprintf(stderr, "veche: outbox: the lease ran short; "
			    "%zu deliveries put back\n", left);
			return 0;
		}
		memset(&j, 0, sizeof(j));
		if ((rc = store_delivery_get(s, ids[i], copy_job, &j)) != 0) {
			free(j.payload);
			if (rc == 1)
				continue;
			return store_failed(s);
		}
		/*
		 * Marked before it leaves: after a kill only the one send
		 * marked may have arrived unrecorded; the rest of the batch
		 * is known unsent and goes out once, to whoever takes it.
		 */
		if ((rc = store_delivery_start(s, j.id, who, now)) != 0) {
			free(j.payload);
			if (rc == -1)
				return store_failed(s);
			fprintf(stderr, "veche: outbox: delivery %lld: the lease "
			    "expired before its send; not sent\n",
			    (long long)j.id);
			continue;
		}
		err[0] = '\0';
		rc = j.channel == DELIVERY_WEBHOOK ?
		    send_webhook(s, cfg, &j, err, sizeof(err)) :
		    j.channel == DELIVERY_MAIL_ALERT ||
		    j.channel == DELIVERY_MAIL_SPIKE ?
		    send_letter(s, cfg, &j, err, sizeof(err)) :
		    send_mail(s, cfg, &j, err, sizeof(err));
		(*sent)++;
		now = now_ms + (delivery_now_ms() - t0);
		if (rc == 0)
			rc = store_delivery_done(s, j.id, who, now);
		else {
			dead = j.attempts >= cfg->max_attempts;
			fprintf(stderr, "veche: outbox: delivery %lld (%s %s) "
			    "attempt %d failed: %s%s\n", (long long)j.id,
			    channel_names[j.channel], j.key, j.attempts, err,
			    dead ? "; dead, replay it from the admin view" : "");
			rc = store_delivery_fail(s, j.id, who, dead, now +
			    delivery_backoff_ms(cfg, j.attempts,
			    randombytes_random()), err, now);
		}
		free(j.payload);
		if (rc == 1)
			fprintf(stderr, "veche: outbox: delivery %lld: the lease "
			    "expired and another worker took it; its outcome "
			    "is that worker's\n", (long long)j.id);
		else if (rc == -1)
			return store_failed(s);
	}
	return 0;
}

/* ---- The worker thread ---- */

struct delivery_worker {
	struct worker *thread;
	struct store *store;
	struct delivery_config cfg;
	char name[256];                 /* cfg.instance points here */
};

/* One round: send what is due; when nothing was, wait a poll interval. */
static int64_t
delivery_round(struct worker *t, void *arg)
{
	struct delivery_worker *w = arg;
	size_t sent;

	(void)t;
	if (delivery_run(w->store, &w->cfg, delivery_now_ms(), &sent) == -1)
		sent = 0;
	return sent > 0 ? 0 : w->cfg.poll_ms;
}

struct delivery_worker *
delivery_worker_start(const char *db_path, struct store_writer *writer,
    const struct delivery_config *cfg, char *err, size_t errlen)
{
	struct delivery_worker *w;
	size_t n;

	if (net_init() == -1) {
		snprintf(err, errlen, "outbox: the network library failed to start");
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	/* One name for this worker's claims, from start to stop. */
	if (claimer_of(cfg, w->name, sizeof(w->name)) != w->name)
		snprintf(w->name, sizeof(w->name), "%s", cfg->instance);
	w->cfg.instance = w->name;
	if ((w->store = store_open(db_path, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	if (writer != NULL)
		store_set_writer(w->store, writer);
	/*
	 * What this instance left in flight when it was killed, and what
	 * dead processes' expired leases hold, is sent again; other live
	 * processes' leases stay theirs.
	 */
	if (store_delivery_recover(w->store, w->name, delivery_now_ms(),
	    &n) == -1) {
		snprintf(err, errlen, "outbox: %s", store_error(w->store));
		goto fail;
	}
	if (n > 0)
		fprintf(stderr, "veche: outbox: %zu deliveries were in flight "
		    "when veche stopped; sending them again\n", n);
	if ((w->thread = worker_start("outbox", delivery_round, w, err,
	    errlen)) == NULL)
		goto fail;
	return w;
fail:
	store_close(w->store);
	free(w);
	return NULL;
}

void
delivery_worker_stop(struct delivery_worker *w)
{
	if (w == NULL)
		return;
	worker_stop(w->thread);
	store_close(w->store);
	free(w);
}

int
delivery_subscriptions(struct store *s,
    int (*fn)(const struct store_subscription *, void *), void *arg)
{
	return store_subscription_each(s, fn, arg);
}

int
delivery_list(struct store *s, enum delivery_state state, size_t limit,
    int (*fn)(const struct store_delivery *, void *), void *arg)
{
	return store_delivery_each(s, state, limit, fn, arg);
}

int
delivery_stats(struct store *s, struct store_delivery_stats *st)
{
	return store_delivery_stats(s, st);
}

int
delivery_emit(struct store *s, enum event_type ev, int64_t report,
    const char *detail, int64_t now, struct verr *e)
{
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (outbox_emit(s, ev, report, detail, now, e) == -1) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s) == -1) {
		store_rollback(s);
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	}
	return 0;
}

int
delivery_set_mail(struct store *s, const char *smtp_url, const char *from)
{
	if (smtp_url != NULL && store_setting_put(s, "mail.smtp_url",
	    smtp_url) == -1)
		return -1;
	if (from != NULL && store_setting_put(s, "mail.from", from) == -1)
		return -1;
	return 0;
}
