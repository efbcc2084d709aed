/*
 * test_delivery.c: the outbox and its delivery: events exist only with
 * their transaction, fan-out to subscriptions and e-mail recipients, the
 * backoff schedule, the dead-letter state and replay, webhook signatures,
 * e-mail encoding, and CSV export quoting (read back with the RFC 4180
 * reader of src/text/csv.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "veche.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/delivery.h"
#include "core/export.h"
#include "core/letter.h"
#include "core/mail.h"
#include "core/outbox.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_delivery.h"
#include "text/csv.h"

static const char city[] =
    "{\"jurisdiction_id\": \"t\", \"timezone\": \"Europe/Moscow\","
    " \"fallback_agency\": \"admin\","
    " \"services\": [{\"code\": \"other\", \"name\": \"Другое\"},"
    "  {\"code\": \"noise\", \"name\": \"Шум\"}],"
    " \"agencies\": ["
    "  {\"code\": \"roads\", \"name\": \"Дороги\", \"email\":"
    "   \"roads@city.test\", \"services\": [\"other\"]},"
    "  {\"code\": \"admin\", \"name\": \"Администрация\","
    "   \"services\": [\"noise\"]}]}";

struct env {
	struct store *s;
	struct catalog *c;
};

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	struct verr e;
	char err[512];

	assert_non_null(env);
	assert_true(sodium_init() >= 0);
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	env->s = store_open(":memory:", err, sizeof(err));
	assert_non_null(env->s);
	assert_int_equal(city_import_json(env->s, city, strlen(city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	catalog_free(env->c);
	store_close(env->s);
	free(env);
	return 0;
}

static int64_t
submit(struct env *env, const char *service, const char *text,
    const char *email)
{
	struct report_input in;
	struct report_receipt rc;
	struct verr e;

	memset(&in, 0, sizeof(in));
	in.service_code = service;
	in.description = text;
	in.address = "ул. Ленина, 1";
	in.contact.first_name = "Анна";
	in.contact.email = email;
	in.now = 1764230400;
	assert_int_equal(report_submit(env->s, env->c, &in, &rc, &e), 0);
	return rc.id;
}

static int
count_event(int64_t id, const struct store_event *ev, void *arg)
{
	(void)id;
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int
nevents(struct store *s)
{
	int n = 0;

	assert_int_equal(store_event_each(s, count_event, &n), 0);
	return n;
}

/* Deliveries in a state, by channel. */
struct tally {
	int channel[DELIVERY_CHANNEL__MAX];
	int total;
	int attempts;
	char last_error[256];
	char address[256];
	char agency_address[256];       /* of the last mail to an agency */
};

static int
tally_one(const struct store_delivery *d, void *arg)
{
	struct tally *t = arg;

	t->channel[d->channel]++;
	t->total++;
	t->attempts = d->attempts;
	snprintf(t->last_error, sizeof(t->last_error), "%s",
	    d->last_error ? d->last_error : "");
	if (d->address != NULL)
		snprintf(t->address, sizeof(t->address), "%s", d->address);
	if (d->address != NULL && d->channel == DELIVERY_MAIL_AGENCY)
		snprintf(t->agency_address, sizeof(t->agency_address), "%s",
		    d->address);
	return 0;
}

static struct tally
tally(struct store *s, enum delivery_state st)
{
	struct tally t;

	memset(&t, 0, sizeof(t));
	assert_int_equal(store_delivery_each(s, st, 0, tally_one, &t), 0);
	return t;
}

static void
test_emit_rolled_back_leaves_nothing(void **state)
{
	struct env *env = *state;
	int64_t id, n = -1;

	assert_int_equal(store_begin(env->s), 0);
	id = submit(env, "other", "Откатится", NULL);
	assert_true(id > 0);
	assert_int_equal(nevents(env->s), 1);
	assert_int_equal(store_rollback(env->s), 0);
	assert_int_equal(nevents(env->s), 0);
	assert_int_equal(store_report_count(env->s, &n), 0);
	assert_int_equal(n, 0);
	/* Committed: the event stays. */
	submit(env, "other", "Останется", NULL);
	assert_int_equal(nevents(env->s), 1);
}

static void
test_emit_outside_transaction_refused(void **state)
{
	struct env *env = *state;
	int64_t id = submit(env, "other", "Текст", NULL);
	struct verr e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(outbox_emit(env->s, EVENT_REPORT_ANSWERED, id, NULL,
	    1764230500, &e), -1);
	assert_int_equal(e.kind, VERR_INTERNAL);
	assert_int_equal(nevents(env->s), 1);
}

static void
test_fanout(void **state)
{
	struct env *env = *state;
	struct tally t;
	struct verr e;
	int64_t sid, rid;

	assert_int_equal(delivery_subscribe(env->s, "http://a.test/hook",
	    "0123456789abcdef", NULL, NULL, 0, 1, &sid, &e), 0);
	assert_int_equal(delivery_subscribe(env->s, "http://b.test/hook",
	    "0123456789abcdef", "roads", NULL, 1, 1, &sid, &e), 0);
	assert_int_equal(delivery_subscribe(env->s, "http://c.test/hook",
	    "0123456789abcdef", "admin", NULL, 0, 1, &sid, &e), 0);
	assert_int_equal(delivery_subscribe(env->s, "https://d.test/hook",
	    "0123456789abcdef", NULL, "report.answered,report.closed", 0, 1,
	    &sid, &e), 0);
	/* Bad subscriptions are refused with the field named. */
	assert_int_equal(delivery_subscribe(env->s, "ftp://x", "0123456789abcdef",
	    NULL, NULL, 0, 1, &sid, &e), -1);
	assert_string_equal(e.field, "url");
	assert_int_equal(delivery_subscribe(env->s, "http://x.test", "short",
	    NULL, NULL, 0, 1, &sid, &e), -1);
	assert_string_equal(e.field, "secret");
	assert_int_equal(delivery_subscribe(env->s, "http://x.test",
	    "0123456789abcdef", "nosuch", NULL, 0, 1, &sid, &e), -1);
	assert_string_equal(e.field, "agency");
	assert_int_equal(delivery_subscribe(env->s, "http://x.test",
	    "0123456789abcdef", NULL, "report.created,bogus", 0, 1, &sid, &e),
	    -1);
	assert_string_equal(e.field, "events");

	/* Without mail configured: webhooks only (all + roads). */
	rid = submit(env, "other", "Без почты", "anna@mail.test");
	t = tally(env->s, DELIVERY_PENDING);
	assert_int_equal(t.channel[DELIVERY_WEBHOOK], 2);
	assert_int_equal(t.total, 2);

	/* With mail: the agency hears of new reports, the reporter of answers
	 * and of the receipt of its report. */
	assert_int_equal(store_setting_put(env->s, "mail.smtp_url",
	    "smtp://127.0.0.1:1"), 0);
	rid = submit(env, "other", "С почтой", "anna@mail.test");
	t = tally(env->s, DELIVERY_PENDING);
	assert_int_equal(t.channel[DELIVERY_WEBHOOK], 4);
	assert_int_equal(t.channel[DELIVERY_MAIL_AGENCY], 1);
	assert_int_equal(t.channel[DELIVERY_MAIL_REPORTER], 1);
	assert_string_equal(t.agency_address, "roads@city.test");

	assert_int_equal(store_begin(env->s), 0);
	assert_int_equal(outbox_emit(env->s, EVENT_REPORT_ANSWERED, rid,
	    "Яму заделали", 1764230500, &e), 0);
	assert_int_equal(store_commit(env->s), 0);
	t = tally(env->s, DELIVERY_PENDING);
	/* all + roads + the answered/closed filter */
	assert_int_equal(t.channel[DELIVERY_WEBHOOK], 7);
	assert_int_equal(t.channel[DELIVERY_MAIL_REPORTER], 2);

	/* An agency without an address and a reporter without one: no mail. */
	rid = submit(env, "noise", "Шумят", NULL);
	t = tally(env->s, DELIVERY_PENDING);
	assert_int_equal(t.channel[DELIVERY_MAIL_AGENCY], 1);
	assert_int_equal(t.channel[DELIVERY_WEBHOOK], 9);   /* all + admin */
	(void)rid;
}

static void
test_backoff_schedule(void **state)
{
	struct delivery_config cfg;
	int a;

	(void)state;
	delivery_config_default(&cfg);
	cfg.base_ms = 1000;
	cfg.cap_ms = 8000;
	/* No jitter drawn: exactly base * 2^(n-1), capped. */
	assert_int_equal(delivery_backoff_ms(&cfg, 1, 0), 1000);
	assert_int_equal(delivery_backoff_ms(&cfg, 2, 0), 2000);
	assert_int_equal(delivery_backoff_ms(&cfg, 3, 0), 4000);
	assert_int_equal(delivery_backoff_ms(&cfg, 4, 0), 8000);
	assert_int_equal(delivery_backoff_ms(&cfg, 5, 0), 8000);
	assert_int_equal(delivery_backoff_ms(&cfg, 60, 0), 8000);
	/* Jitter takes off at most half. */
	for (a = 1; a <= 6; a++) {
		int64_t d = delivery_backoff_ms(&cfg, a, 0);
		uint32_t r;

		for (r = 0; r < 5000; r += 7) {
			int64_t j = delivery_backoff_ms(&cfg, a, r * 2654435761u);

			assert_true(j >= d / 2 && j <= d);
		}
	}
}

static void
test_dead_letter_and_replay(void **state)
{
	struct env *env = *state;
	struct delivery_config cfg;
	struct tally t;
	struct verr e;
	int64_t sid, now = 1764230400000;
	size_t sent, n;
	int i;

	delivery_config_default(&cfg);
	cfg.base_ms = 10;
	cfg.cap_ms = 100;
	cfg.max_attempts = 3;
	cfg.timeout_ms = 2000;
	/* Port 1 on loopback refuses at once. */
	assert_int_equal(delivery_subscribe(env->s, "http://127.0.0.1:1/hook",
	    "0123456789abcdef", NULL, NULL, 0, 1, &sid, &e), 0);
	submit(env, "other", "Не доставится", NULL);
	for (i = 1; i <= 3; i++) {
		now += 1000;
		assert_int_equal(delivery_run(env->s, &cfg, now, &sent), 0);
		assert_int_equal(sent, 1);
		t = tally(env->s, i < 3 ? DELIVERY_PENDING : DELIVERY_DEAD);
		assert_int_equal(t.total, 1);
		assert_int_equal(t.attempts, i);
		assert_true(t.last_error[0] != '\0');
	}
	/* Dead: nothing is due any more. */
	assert_int_equal(delivery_run(env->s, &cfg, now + 3600000, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(delivery_replay(env->s, 999, now, &n, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
	assert_int_equal(delivery_replay(env->s, 0, now, &n, &e), 0);
	assert_int_equal(n, 1);
	t = tally(env->s, DELIVERY_PENDING);
	assert_int_equal(t.total, 1);
	assert_int_equal(t.attempts, 0);
	assert_int_equal(tally(env->s, DELIVERY_DEAD).total, 0);
	/* Not due before now: the backoff is respected. */
	assert_int_equal(delivery_run(env->s, &cfg, now - 1, &sent), 0);
	assert_int_equal(sent, 0);
}

static void
test_in_flight_recovered(void **state)
{
	struct env *env = *state;
	int64_t ids[4], sid;
	struct verr e;
	size_t n;

	assert_int_equal(delivery_subscribe(env->s, "http://a.test/",
	    "0123456789abcdef", NULL, NULL, 0, 1, &sid, &e), 0);
	submit(env, "other", "В полёте", NULL);
	assert_int_equal(store_delivery_claim(env->s, "w", INT64_MAX / 2,
	    INT64_MAX / 2 + 1, ids, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tally(env->s, DELIVERY_SENDING).total, 1);
	/* A claim is exclusive while its lease lives. */
	assert_int_equal(store_delivery_claim(env->s, "v", INT64_MAX / 2,
	    INT64_MAX / 2 + 1, ids, 4, &n), 0);
	assert_int_equal(n, 0);
	/* As after kill -9 and a restart under the same name. */
	assert_int_equal(store_delivery_recover(env->s, "w", 5, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tally(env->s, DELIVERY_PENDING).total, 1);
	assert_int_equal(store_delivery_claim(env->s, "w", 5, 6, ids, 4, &n),
	    0);
	assert_int_equal(n, 1);
}

/*
 * A round whose sends could outlast the lease sends nothing and puts the
 * claimed deliveries back, pending, for a round that has the time.
 */
static void
test_lease_too_short_gives_back(void **state)
{
	struct env *env = *state;
	struct delivery_config cfg;
	struct tally t;
	struct verr e;
	int64_t sid, now = 1764230400000;
	size_t sent;

	delivery_config_default(&cfg);
	cfg.instance = "w";
	cfg.timeout_ms = VECHE_DELIVERY_LEASE_MS;
	assert_int_equal(delivery_subscribe(env->s, "http://127.0.0.1:1/hook",
	    "0123456789abcdef", NULL, NULL, 0, 1, &sid, &e), 0);
	submit(env, "other", "Не успеет", NULL);
	assert_int_equal(delivery_run(env->s, &cfg, now, &sent), 0);
	assert_int_equal(sent, 0);
	t = tally(env->s, DELIVERY_PENDING);
	assert_int_equal(t.total, 1);
	assert_int_equal(t.last_error[0], '\0');
	assert_int_equal(tally(env->s, DELIVERY_SENDING).total, 0);
	/* With time to send, the next round sends it (refused: port 1). */
	cfg.timeout_ms = 2000;
	assert_int_equal(delivery_run(env->s, &cfg, now, &sent), 0);
	assert_int_equal(sent, 1);
}

static void
test_signature(void **state)
{
	char sig[72];

	(void)state;
	/* python3: hmac.new(b"secret-0123456789", b'1700000000.{"a":1}',
	 * hashlib.sha256).hexdigest() */
	delivery_sign("secret-0123456789", 1700000000, "{\"a\":1}", 7, sig);
	assert_string_equal(sig, "sha256=692511b180bbcd561410894fd2bedac27a99"
	    "690e45169490ea808f433b5d0097");
}

static void
test_mail_message(void **state)
{
	char *m;
	char subj[256];

	(void)state;
	m = mail_message_new("veche@city.test", "roads@city.test",
	    "Новое обращение №1: яма", "Строка один\nx=1 и точка\n.\n",
	    "abc.mail@veche", 1700000000);
	assert_non_null(m);
	assert_non_null(strstr(m, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(m, "Content-Transfer-Encoding: "
	    "quoted-printable\r\n"));
	assert_non_null(strstr(m, "x=3D1"));
	assert_non_null(strstr(m, "\r\n=2E\r\n"));
	assert_null(strstr(m, "\n\n"));         /* CRLF only */
	free(m);
	/* Header injection through the subject or an address: refused. */
	assert_null(mail_message_new("veche@city.test", "a@b.test",
	    "x\r\nBcc: evil@x.test", "b", "id@veche", 0));
	assert_null(mail_message_new("veche@city.test", "a@b.test\r\nBcc: e@x",
	    "x", "b", "id@veche", 0));
	/* ASCII stays readable; long UTF-8 is folded at character bounds. */
	assert_int_equal(mail_encode_header("Hello", subj, sizeof(subj)), 0);
	assert_string_equal(subj, "Hello");
	assert_int_equal(mail_encode_header("Ёжик ёжик ёжик ёжик ёжик ёжик "
	    "ёжик", subj, sizeof(subj)), 0);
	assert_non_null(strstr(subj, "?=\r\n =?UTF-8?B?"));
}

/* Both alternatives of a letter; text escaped in the HTML only. */
static void
test_mail_alternatives(void **state)
{
	struct letter l;
	char *m;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	assert_int_equal(letter_init(&l, LANG_RU, "Тема <1>"), 0);
	letter_field(&l, "Адрес", "ул. <b>Мира</b> & Co");
	letter_date(&l, "Подано", 1781506800);  /* 2026-06-15T07:00Z */
	letter_link(&l, "Страница", "http://x.test/reports/1?a=1&b=2");
	letter_end(&l);
	assert_non_null(strstr(l.text, "Адрес: ул. <b>Мира</b> & Co\n"));
	assert_non_null(strstr(l.html, "ул. &lt;b&gt;Мира&lt;/b&gt; &amp; Co"));
	assert_null(strstr(l.html, "<b>Мира"));
	assert_non_null(strstr(l.text, "Подано: 15.06.2026 10:00\n"));
	assert_non_null(strstr(l.html, "href=\"http://x.test/reports/1?a=1"
	    "&amp;b=2\""));
	m = mail_message_alt_new("veche@city.test", "a@b.test", "Тема",
	    l.text, l.html, "id@veche", 1700000000);
	assert_non_null(m);
	assert_non_null(strstr(m, "Content-Type: multipart/alternative; "
	    "boundary=\"=_veche_alt_7f3a\"\r\n"));
	assert_non_null(strstr(m, "\r\n--=_veche_alt_7f3a\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(m, "\r\n--=_veche_alt_7f3a\r\nContent-Type: "
	    "text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(m, "\r\n--=_veche_alt_7f3a--\r\n"));
	free(m);
	letter_free(&l);
}

/* Collect written bytes. */
struct sink {
	char buf[8192];
	size_t len;
};

static int
sink_write(const void *p, size_t n, void *arg)
{
	struct sink *k = arg;

	if (n > sizeof(k->buf) - k->len - 1)
		return -1;
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
	return 0;
}

static void
test_csv_field_quoting(void **state)
{
	struct sink k;

	(void)state;
#define FIELD(in, text, want) do { \
	memset(&k, 0, sizeof(k)); \
	assert_int_equal(export_csv_field(in, text, sink_write, &k), 0); \
	assert_string_equal(k.buf, want); \
} while (0)
	FIELD("plain", 1, "plain");
	FIELD("a,b", 1, "\"a,b\"");
	FIELD("say \"hi\"", 1, "\"say \"\"hi\"\"\"");
	FIELD("two\r\nlines", 1, "\"two\r\nlines\"");
	FIELD("Ёлки, палки", 1, "\"Ёлки, палки\"");
	FIELD("=SUM(A1)", 1, "'=SUM(A1)");
	FIELD("-12.5", 0, "-12.5");
	FIELD(" pad", 1, "\" pad\"");
	FIELD(NULL, 1, "");
#undef FIELD
}

static void
test_csv_export_reads_back(void **state)
{
	struct env *env = *state;
	const char *text = "Яма, \"глубокая\"\nвторая строка";
	const struct text_csv_field *f;
	struct text_error terr;
	struct text_csv *csv;
	struct sink k;
	struct verr e;
	size_t n;
	int64_t from, to;

	submit(env, "other", text, "anna@mail.test");
	submit(env, "noise", "чужое агентство", NULL);
	assert_int_equal(export_parse_date("2025-11-27", 0, "from", &from, &e),
	    0);
	assert_int_equal(export_parse_date("2025-11-27", 1, "to", &to, &e), 0);
	assert_int_equal(to - from, 86399);
	assert_int_equal(export_parse_date("2025-02-30", 0, "from", &from, &e),
	    -1);
	assert_string_equal(e.field, "from");
	assert_int_equal(export_parse_date("2025-11-27", 0, "from", &from, &e),
	    0);
	memset(&k, 0, sizeof(k));
	assert_int_equal(export_csv(env->s, "roads", from, to, 1, sink_write,
	    &k, &e), 0);
	assert_memory_equal(k.buf, "\xef\xbb\xbf" "id,requested,", 16);
	assert_non_null(strstr(k.buf, "\r\n"));
	csv = text_csv_new(k.buf + 3, k.len - 3);
	assert_non_null(csv);
	assert_int_equal(text_csv_next(csv, &f, &n, &terr), 1);
	assert_int_equal(n, 18);
	assert_int_equal(text_csv_next(csv, &f, &n, &terr), 1);
	assert_int_equal(n, 18);
	assert_int_equal(f[10].len, strlen(text));
	assert_memory_equal(f[10].s, text, strlen(text));
	assert_memory_equal(f[5].s, "roads", 5);
	assert_memory_equal(f[16].s, "anna@mail.test", 14);
	/* Only roads' report, and nothing after it. */
	assert_int_equal(text_csv_next(csv, &f, &n, &terr), 0);
	text_csv_free(csv);
	/* Without the BOM the file starts with the header. */
	memset(&k, 0, sizeof(k));
	assert_int_equal(export_csv(env->s, "roads", from, to, 0, sink_write,
	    &k, &e), 0);
	assert_memory_equal(k.buf, "id,", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_emit_rolled_back_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_emit_outside_transaction_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fanout, setup, teardown),
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test_setup_teardown(test_dead_letter_and_replay,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_flight_recovered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lease_too_short_gives_back,
		    setup, teardown),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_mail_message),
		cmocka_unit_test(test_mail_alternatives),
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test_setup_teardown(test_csv_export_reads_back,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
