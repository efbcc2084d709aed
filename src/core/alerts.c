/*
 * alerts.c: citizens' e-mail alerts (alerts.h, docs/delivery.md).
 *
 * Matching is done once, when an event is recorded, in the event's own
 * transaction (store_alert_fanout): a subscription made later does not get
 * older news.  The mail is built when the outbox sends it, from the events'
 * stored payloads (public fields only), in the subscription's language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "veche.h"
#include "core/account.h"
#include "core/alerts.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/letter.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/session.h"
#include "core/worker.h"
#include "format/event.h"
#include "store/store.h"
#include "store/store_alerts.h"

#define SALT_HEX 32

/* The unsubscribe token of a subscription with salt: 64 hex. */
static int
unsub_token(struct store *s, const char *salt, char out[65])
{
	unsigned char key[32], mac[32];

	/* The deployment's key of unsubscribe tokens, made on first use. */
	if (db_key(s, "alerts.key", key) == -1)
		return -1;
	crypto_generichash(mac, sizeof(mac), (const unsigned char *)salt,
	    strlen(salt), key, sizeof(key));
	sodium_bin2hex(out, 65, mac, sizeof(mac));
	sodium_memzero(key, sizeof(key));
	return 0;
}

static int
report_exists(const struct report *r, void *arg)
{
	(void)r;
	(void)arg;
	return 0;
}

/* bbox = min_long,min_lat,max_long,max_lat into a. */
static int
parse_bbox(const char *v, struct store_alert *a)
{
	double d[4];
	char part[64];
	const char *p = v, *comma;
	size_t i, len;

	for (i = 0; i < 4; i++) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((comma == NULL) != (i == 3) || len == 0 ||
		    len >= sizeof(part))
			return -1;
		memcpy(part, p, len);
		part[len] = '\0';
		if (parse_double(part, &d[i]) == -1)
			return -1;
		p = comma != NULL ? comma + 1 : p + len;
	}
	if (d[0] < -180 || d[2] > 180 || d[1] < -90 || d[3] > 90 ||
	    d[0] >= d[2] || d[1] >= d[3])
		return -1;
	a->min_lon = d[0];
	a->min_lat = d[1];
	a->max_lon = d[2];
	a->max_lat = d[3];
	return 0;
}

static int
given(const char *v)
{
	return v != NULL && v[0] != '\0';
}

/* The target of in into a; e names the field at fault. */
static int
target(struct store *s, const struct alert_request *in, struct store_alert *a,
    struct verr *e)
{
	struct catalog *cat = NULL;
	char err[256];
	int n = given(in->report) + given(in->bbox) + given(in->agency) +
	    given(in->service_code), rc;

	if (n != 1)
		return verr_set(e, VERR_INVALID, "report", "report: give exactly "
		    "one of report, bbox, agency and service_code");
	if (given(in->report)) {
		a->kind = ALERT_REPORT;
		if (parse_int64(in->report, 1, INT64_MAX, &a->report) == -1)
			return verr_set(e, VERR_INVALID, "report", "report: a "
			    "report number");
		rc = report_get(s, NULL, a->report, report_exists, NULL);
		if (rc == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "%s",
			    store_error(s));
		if (rc != 0)
			return verr_set(e, VERR_INVALID, "report", "report: no "
			    "report %lld", (long long)a->report);
		return 0;
	}
	if (given(in->bbox)) {
		a->kind = ALERT_AREA;
		if (strlen(in->bbox) > 200 || parse_bbox(in->bbox, a) == -1)
			return verr_set(e, VERR_INVALID, "bbox", "bbox: four "
			    "numbers min_long,min_lat,max_long,max_lat with "
			    "min < max");
		return 0;
	}
	if ((cat = catalog_load(s, err, sizeof(err))) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", err);
	if (given(in->agency)) {
		a->kind = ALERT_AGENCY;
		a->code = in->agency;
		if (catalog_agency(cat, in->agency) == NULL)
			verr_set(e, VERR_INVALID, "agency", "agency: no agency "
			    "'%.64s'", in->agency);
	} else {
		a->kind = ALERT_SERVICE;
		a->code = in->service_code;
		if (catalog_service(cat, in->service_code) == NULL)
			verr_set(e, VERR_INVALID, "service_code", "service_code: "
			    "no category '%.64s'", in->service_code);
	}
	catalog_free(cat);
	return e->kind != VERR_NONE ? -1 : 0;
}

int
alerts_subscribe(struct store *s, const struct alert_request *in,
    int64_t now, char token[SESSION_TOKEN_LEN], struct verr *e)
{
	unsigned char raw[SALT_HEX / 2], chash[32], uhash[32];
	char salt[SALT_HEX + 1], unsub[65], email[VECHE_MAX_EMAIL + 1];
	struct store_alert a;
	int64_t id;
	int confirmed, rc;

	token[0] = '\0';
	memset(&a, 0, sizeof(a));
	if (in->email == NULL || strlen(in->email) > VECHE_MAX_EMAIL ||
	    !parse_email_ok(in->email))
		return verr_set(e, VERR_INVALID, "email", "email: an e-mail "
		    "address of at most %d bytes", VECHE_MAX_EMAIL);
	/* One subscriber whatever the letters' case, as accounts are keyed. */
	account_email_key(in->email, email);
	a.email = email;
	if (!given(in->mode) || strcmp(in->mode, "instant") == 0)
		a.daily = 0;
	else if (strcmp(in->mode, "daily") == 0)
		a.daily = 1;
	else
		return verr_set(e, VERR_INVALID, "mode", "mode: 'instant' or "
		    "'daily'");
	if (target(s, in, &a, e) == -1)
		return -1;
	a.lang = (int)in->lang;
	a.created = now;
	if ((rc = store_alert_find(s, &a, &id, &confirmed)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 0 && confirmed)
		return 1;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(salt, sizeof(salt), raw, sizeof(raw));
	a.salt = salt;
	if (unsub_token(s, salt, unsub) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	session_random_token(token);
	session_token_hash(token, chash);
	session_token_hash(unsub, uhash);
	sodium_memzero(unsub, sizeof(unsub));
	if (store_alert_insert(s, &a, chash, uhash, &id) == -1) {
		token[0] = '\0';
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	}
	return 0;
}

int
alerts_confirm(struct store *s, const char *token, int64_t now,
    struct verr *e)
{
	unsigned char hash[32];
	int64_t id;

	if (token == NULL || strlen(token) >= SESSION_TOKEN_LEN)
		return verr_set(e, VERR_NOT_FOUND, "token", "token: unknown or "
		    "expired");
	session_token_hash(token, hash);
	switch (store_alert_confirm(s, hash, now - VECHE_CONFIRM_TTL, &id)) {
	case 0:
		return 0;
	case 1:
		return verr_set(e, VERR_NOT_FOUND, "token", "token: unknown or "
		    "expired");
	default:
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	}
}

int
alerts_unsubscribe(struct store *s, const char *token, struct verr *e)
{
	unsigned char hash[32];

	if (token == NULL || strlen(token) != 64)
		return verr_set(e, VERR_NOT_FOUND, "token", "token: unknown "
		    "(already unsubscribed?)");
	session_token_hash(token, hash);
	switch (store_alert_delete(s, hash)) {
	case 0:
		return 0;
	case 1:
		return verr_set(e, VERR_NOT_FOUND, "token", "token: unknown "
		    "(already unsubscribed?)");
	default:
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	}
}

/* The events a report's subscribers hear of: its public changes. */
static int
public_change(enum event_type ev)
{
	switch (ev) {
	case EVENT_REPORT_REGISTERED:
	case EVENT_REPORT_FORWARDED:
	case EVENT_REPORT_IN_PROGRESS:
	case EVENT_REPORT_ANSWERED:
	case EVENT_REPORT_CLOSED:
	case EVENT_REPORT_REJECTED:
	case EVENT_REPORT_EXTENDED:
	case EVENT_REPORT_REOPENED:
		return 1;
	default:
		return 0;
	}
}

struct match {
	struct store_alert_event ev;
	char agency[VECHE_MAX_CODE + 1], service[VECHE_MAX_CODE + 1];
};

static int
report_facts(const struct report *r, void *arg)
{
	struct match *m = arg;

	m->ev.has_point = r->has_point;
	m->ev.lat = r->lat;
	m->ev.lon = r->lon;
	snprintf(m->agency, sizeof(m->agency), "%s", r->agency ? r->agency :
	    "");
	snprintf(m->service, sizeof(m->service), "%s", r->service_code ?
	    r->service_code : "");
	return 0;
}

int
alerts_fanout(struct store *s, enum event_type ev, int64_t report,
    int64_t event_id, int64_t now_ms, struct verr *e)
{
	struct match m;
	size_t n;
	int rc;

	memset(&m, 0, sizeof(m));
	m.ev.is_new = ev == EVENT_REPORT_CREATED;
	m.ev.is_change = public_change(ev);
	if (!m.ev.is_new && !m.ev.is_change)
		return 0;
	/* Only what the public may see of the report. */
	if ((rc = report_get(s, NULL, report, report_facts, &m)) == 1)
		return 0;
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "alerts: %s",
		    store_error(s));
	m.ev.event = event_id;
	m.ev.report = report;
	m.ev.agency = m.agency[0] ? m.agency : NULL;
	m.ev.service = m.service[0] ? m.service : NULL;
	if (store_alert_fanout(s, &m.ev, now_ms, &n) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "alerts: %s",
		    store_error(s));
	return 0;
}

/* ---- The mail ---- */

enum alw {
	AL_NEW, AL_DIGEST, AL_CATEGORY, AL_ADDRESS, AL_STATUS,
	AL_ANSWER, AL_PAGE, AL_WHY, AL_UNSUB, AL_FOOTER, AL__MAX
};

static const char *const alwords[AL__MAX][LANG__MAX] = {
	[AL_NEW] = { "Новое обращение", "New report" },
	[AL_DIGEST] = { "Сводка оповещений Вече", "Veche alerts digest" },
	[AL_CATEGORY] = { "Категория", "Category" },
	[AL_ADDRESS] = { "Адрес", "Address" },
	[AL_STATUS] = { "Статус", "Status" },
	[AL_ANSWER] = { "Ответ", "Answer" },
	[AL_PAGE] = { "Страница обращения", "Report page" },
	[AL_WHY] = { "Вы получили это письмо, потому что подписались на "
	    "оповещения Вече.", "You get this message because you subscribed "
	    "to Veche alerts." },
	[AL_UNSUB] = { "Отписаться одним нажатием", "Unsubscribe in one click" },
	[AL_FOOTER] = { "-- \nВече: это письмо отправлено автоматически.",
	    "-- \nVeche: this message was sent automatically." },
};

/* What the events of outbox.h mean to a subscriber. */
static const char *
change_text(const char *type, enum lang lang)
{
	static const struct { const char *type, *t[LANG__MAX]; } names[] = {
		{ "report.created", { "подано", "filed" } },
		{ "report.registered", { "зарегистрировано", "registered" } },
		{ "report.forwarded", { "передано другому исполнителю",
		    "forwarded to another agency" } },
		{ "report.in_progress", { "в работе", "in progress" } },
		{ "report.answered", { "дан ответ", "answered" } },
		{ "report.closed", { "закрыто", "closed" } },
		{ "report.rejected", { "отклонено", "rejected" } },
		{ "report.extended", { "срок ответа продлён",
		    "answer deadline extended" } },
		{ "report.reopened", { "возобновлено", "reopened" } },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].type, type) == 0)
			return names[i].t[lang];
	return type;
}

struct mailing {
	struct store *s;
	const char *public_url;
	struct catalog *cat;
	struct letter *l;
	enum lang lang;
	int daily;
	size_t n;
	char to[VECHE_MAX_EMAIL + 1];
	char salt[SALT_HEX + 1];
	char first[512];                /* the subject of a single item */
};

static int
on_sub(const struct store_alert *a, void *arg)
{
	struct mailing *m = arg;

	snprintf(m->to, sizeof(m->to), "%s", a->email);
	snprintf(m->salt, sizeof(m->salt), "%s", a->salt);
	m->lang = (unsigned)a->lang < LANG__MAX ? (enum lang)a->lang : LANG_RU;
	m->daily = a->daily;
	return 0;
}

static int
count_item(const char *type, int64_t report, const char *payload,
    void *arg)
{
	(void)type;
	(void)report;
	(void)payload;
	((struct mailing *)arg)->n++;
	return 0;
}

/* An absolute link under the public URL. */
static void
site_url(const char *public_url, const char *path, char *out, size_t len)
{
	size_t n = strlen(public_url);

	while (n > 0 && public_url[n - 1] == '/')
		n--;
	snprintf(out, len, "%.*s%s", (int)n, public_url, path);
}

static int
write_item(const char *type, int64_t report, const char *payload,
    void *arg)
{
	struct mailing *m = arg;
	struct event_payload *p;
	const struct service *svc;
	const char *code, *notes;
	char head[512], path[64], url[VECHE_MAX_URL + 64];
	long long id = (long long)report;

	if ((p = event_payload_parse(payload)) == NULL)
		return 0;
	if (strcmp(type, "report.created") == 0)
		snprintf(head, sizeof(head), "%s %s%lld",
		    alwords[AL_NEW][m->lang], m->lang == LANG_EN ? "No. " : "№",
		    id);
	else
		snprintf(head, sizeof(head), "%s%lld: %s", m->lang == LANG_EN ?
		    "Report No. " : "Обращение №", id,
		    change_text(type, m->lang));
	if (m->first[0] == '\0')
		snprintf(m->first, sizeof(m->first), "%s", head);
	letter_para(m->l, head);
	code = event_payload_report(p, "service_code");
	svc = m->cat != NULL && *code ? catalog_service(m->cat, code) : NULL;
	letter_field(m->l, alwords[AL_CATEGORY][m->lang], svc != NULL ?
	    catalog_text(svc->name, m->lang) : code);
	letter_field(m->l, alwords[AL_ADDRESS][m->lang],
	    event_payload_report(p, "address"));
	notes = event_payload_get(p, "detail");
	if (strcmp(type, "report.answered") == 0)
		letter_field(m->l, alwords[AL_ANSWER][m->lang], *notes ? notes :
		    event_payload_report(p, "status_notes"));
	if (m->public_url != NULL) {
		snprintf(path, sizeof(path), "/reports/%lld%s", id,
		    m->lang == LANG_EN ? "?lang=en" : "");
		site_url(m->public_url, path, url, sizeof(url));
		letter_link(m->l, alwords[AL_PAGE][m->lang], url);
	}
	event_payload_free(p);
	return 0;
}

int
alerts_mail(struct store *s, const char *public_url, int64_t delivery,
    char *to, size_t tolen, char *subject, size_t slen, struct letter *l,
    char *unsub, size_t ulen)
{
	struct mailing m;
	char token[65], path[128], err[256];
	int rc;

	memset(&m, 0, sizeof(m));
	m.s = s;
	m.public_url = public_url;
	m.l = l;
	unsub[0] = '\0';
	if ((rc = store_alert_of_delivery(s, delivery, on_sub, &m)) != 0)
		return rc;
	if (store_alert_items(s, delivery, count_item, &m) == -1)
		return -1;
	if (m.n == 0)
		return 1;
	if (unsub_token(s, m.salt, token) == -1)
		return -1;
	if (public_url != NULL) {
		snprintf(path, sizeof(path), "/alerts/unsubscribe?token=%s",
		    token);
		site_url(public_url, path, unsub, ulen);
	}
	snprintf(to, tolen, "%s", m.to);
	m.cat = catalog_load(s, err, sizeof(err));
	snprintf(subject, slen, "%s: %zu", alwords[AL_DIGEST][m.lang], m.n);
	if (letter_init(l, m.lang, subject) == -1) {
		catalog_free(m.cat);
		return -1;
	}
	rc = store_alert_items(s, delivery, write_item, &m);
	if (!m.daily && m.first[0] != '\0')
		snprintf(subject, slen, "%s", m.first);
	letter_para(l, alwords[AL_WHY][m.lang]);
	if (unsub[0] != '\0')
		letter_link(l, alwords[AL_UNSUB][m.lang], unsub);
	letter_para(l, alwords[AL_FOOTER][m.lang]);
	letter_end(l);
	catalog_free(m.cat);
	sodium_memzero(token, sizeof(token));
	return rc == -1 ? -1 : 0;
}

/* ---- The daily digest ---- */

struct alerts_digest {
	struct worker *thread;
	int hour;
};

/* One round: at or after the hour, once a local day, queue the digests. */
static int64_t
digest_round(struct worker *w, void *arg)
{
	struct alerts_digest *d = arg;
	struct store *s = worker_store(w);
	time_t t = (time_t)clock_now();
	char today[32], last[32];
	struct tm tm;
	size_t n;

	if (localtime_r(&t, &tm) == NULL || tm.tm_hour < d->hour)
		return VECHE_ALERT_POLL_MS;
	snprintf(today, sizeof(today), "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	if (store_setting_get(s, "alerts.digest_day", last, sizeof(last)) == 0 &&
	    strcmp(last, today) == 0)
		return VECHE_ALERT_POLL_MS;
	if (store_alert_digest(s, clock_now_ms(), &n) == -1 ||
	    store_setting_put(s, "alerts.digest_day", today) == -1) {
		if (!db_outage())
			fprintf(stderr, "veche: alerts digest: %s\n",
			    store_error(s));
	}
	return VECHE_ALERT_POLL_MS;
}

struct alerts_digest *
alerts_digest_start(const char *db_path, struct store_writer *writer,
    int hour, char *err, size_t errlen)
{
	struct alerts_digest *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->hour = hour < 0 || hour > 23 ? VECHE_ALERT_DIGEST_HOUR : hour;
	if ((d->thread = worker_start_db("alerts digest", db_path, writer,
	    digest_round, d, err, errlen)) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
alerts_digest_stop(struct alerts_digest *d)
{
	if (d == NULL)
		return;
	worker_stop(d->thread);
	free(d);
}
