/*
 * test_listen.c: core/listen.c on a real SQLite store: a batch whose
 * transaction fails leaves nothing behind, not even a near-copy signature
 * in the in-memory index (a later copy of its text starts its own group);
 * a batch's posts over many days are counted once each into every
 * series' day (summed in memory, written at the batch's end), with their
 * matches, and a rolled-back batch counts nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/listen.h"
#include "core/trends.h"
#include "store/store.h"
#include "store/sqlite_internal.h"

#define NOW 1781506800  /* 2026-06-15T10:00+03:00 */

static const char copy_text[] = "Во дворе на улице Свободы третий день нет "
    "горячей воды, управляющая компания не отвечает на звонки";

/* A Telegram export of chat 1 with one message per (id, text). */
static void
export(char *buf, size_t len, int id1, const char *t1, int id2,
    const char *t2)
{
	int n = snprintf(buf, len, "{\"id\": 1, \"messages\": ["
	    "{\"id\": %d, \"type\": \"message\", \"date_unixtime\": "
	    "\"1781503200\", \"text\": \"%s\"}%s", id1, t1, t2 ? "," : "");

	if (t2 != NULL)
		n += snprintf(buf + n, len - (size_t)n, "{\"id\": %d, \"type\": "
		    "\"message\", \"date_unixtime\": \"1781503200\", \"text\": "
		    "\"%s\"}", id2, t2);
	snprintf(buf + n, len - (size_t)n, "]}");
}

static int
on_post(const struct post *p, void *arg)
{
	int64_t *group = arg;

	*group = p->group;
	return 0;
}

struct ids {
	int64_t id[8];
	char guid[8][32];
	size_t n;
};

static int
on_each(const struct post *p, void *arg)
{
	struct ids *ids = arg;

	if (ids->n < 8) {
		ids->id[ids->n] = p->id;
		snprintf(ids->guid[ids->n++], 32, "%s", p->guid);
	}
	return 0;
}

/* A store, listening on it and an upload source "tg". */
struct fx {
	struct store *s;
	struct listen *l;
};

static int
setup(void **state)
{
	static struct fx fx;
	struct verr e;
	char err[256];
	int64_t source;

	memset(&e, 0, sizeof(e));
	if ((fx.s = store_open(":memory:", err, sizeof(err))) == NULL ||
	    (fx.l = listen_new(fx.s, NULL, err, sizeof(err))) == NULL ||
	    listen_source_add(fx.s, "tg", "telegram", NULL, 0, 0, NOW,
	    &source, &e) == -1)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	listen_free(fx->l);
	store_close(fx->s);
	return 0;
}

/* Upload the export of (id1, t1) and (id2, t2) (t2 NULL: one message). */
static int
upload(struct fx *fx, int id1, const char *t1, int id2, const char *t2,
    size_t *added)
{
	char body[2048];
	size_t dupes;
	struct verr e;

	memset(&e, 0, sizeof(e));
	export(body, sizeof(body), id1, t1, id2, t2);
	return listen_import(fx->l, fx->s, "tg", body, strlen(body), NOW,
	    added, &dupes, &e);
}

/* The id of the post of message id (0: none) and its group. */
static int64_t
post_of(struct fx *fx, int id, int64_t *group)
{
	struct post_filter f;
	struct ids ids;
	char guid[32];
	size_t i;

	memset(&f, 0, sizeof(f));
	memset(&ids, 0, sizeof(ids));
	f.limit = 8;
	assert_int_equal(listen_post_each(fx->s, &f, on_each, &ids), 0);
	snprintf(guid, sizeof(guid), "tg:1/%d", id);
	for (i = 0; i < ids.n; i++)
		if (strcmp(ids.guid[i], guid) == 0) {
			assert_int_equal(listen_post_get(fx->s, ids.id[i],
			    on_post, group), 0);
			return ids.id[i];
		}
	return 0;
}

static void
failed_batch_leaves_no_signature(void **state)
{
	struct fx *fx = *state;
	int64_t group = 0, copy;
	size_t added;

	assert_int_equal(upload(fx, 1, "Спасибо за новый парк у реки", 0,
	    NULL, &added), 0);
	assert_int_equal(added, 1);
	/* The second message's insert fails: the whole batch rolls back. */
	assert_int_equal(sqlite3_exec(fx->s->db, "CREATE TEMP TRIGGER boom "
	    "BEFORE INSERT ON posts WHEN NEW.guid = 'tg:1/3' BEGIN "
	    "SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(upload(fx, 2, copy_text, 3, "Любой другой текст про "
	    "погоду и выходные", &added), -1);
	assert_int_equal(sqlite3_exec(fx->s->db, "DROP TRIGGER boom", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(post_of(fx, 2, &group), 0);
	/* A post takes the rolled-back one's row id, then the copy comes. */
	assert_int_equal(upload(fx, 4, "Когда уберут снег с тротуаров на "
	    "площади", 5, copy_text, &added), 0);
	assert_int_equal(added, 2);
	copy = post_of(fx, 5, &group);
	assert_true(copy > 0);
	/* The copy leads its own group: the post it copied was never stored. */
	assert_int_equal(group, copy);
	/* And a copy of the copy, in a later batch, joins it. */
	assert_int_equal(upload(fx, 6, copy_text, 0, NULL, &added), 0);
	assert_true(post_of(fx, 6, &group) > 0);
	assert_int_equal(group, copy);
}

/* Within one batch a copy joins the group of a post stored just before it. */
static void
copies_in_one_batch_group(void **state)
{
	struct fx *fx = *state;
	int64_t group = 0, first, other;
	size_t added;

	assert_int_equal(upload(fx, 7, copy_text, 8, copy_text, &added), 0);
	assert_int_equal(added, 2);
	first = post_of(fx, 7, &other);
	assert_true(post_of(fx, 8, &group) > 0);
	assert_int_equal(group, first);
}

#define SPREAD_DAYS 400        /* more (series, day) pairs than one table */

/* One export of SPREAD_DAYS * 2 messages: two a day, one about a pothole. */
static char *
spread_export(int first_id)
{
	size_t len = SPREAD_DAYS * 2 * 200 + 64, n;
	char *buf = malloc(len);
	int d, k;

	assert_non_null(buf);
	n = (size_t)snprintf(buf, len, "{\"id\": 1, \"messages\": [");
	for (d = 0; d < SPREAD_DAYS; d++)
		for (k = 0; k < 2; k++)
			n += (size_t)snprintf(buf + n, len - n, "%s{\"id\": %d, "
			    "\"type\": \"message\", \"date_unixtime\": \"%d\", "
			    "\"text\": \"%s %d\"}", d + k ? "," : "",
			    first_id + d * 2 + k, NOW - d * 86400,
			    k ? "Опять яма на дороге у дома" : "Открыли новый "
			    "сквер у реки, день", d);
	snprintf(buf + n, len - n, "]}");
	return buf;
}

static void
batch_counts_each_day_once(void **state)
{
	struct fx *fx = *state;
	struct trend_day days[TRENDS_MAX_DAYS];
	struct post_filter f;
	struct ids ids;
	struct verr e;
	int64_t today = trends_day(NOW), qid, d;
	size_t added, dupes;
	char *body;

	memset(&e, 0, sizeof(e));
	assert_int_equal(listen_query_save(fx->l, fx->s, 0, "ямы", "яма",
	    NULL, NOW, &qid, &e), 0);
	body = spread_export(100);
	assert_int_equal(listen_import(fx->l, fx->s, "tg", body, strlen(body),
	    NOW, &added, &dupes, &e), 0);
	assert_int_equal(added, SPREAD_DAYS * 2);
	/* Every day of the last 366: two posts, one matched the query. */
	assert_int_equal(trends_series(fx->s, TREND_ALL, "", today -
	    TRENDS_MAX_DAYS + 1, today, days, &e), 0);
	for (d = 0; d < TRENDS_MAX_DAYS; d++)
		assert_int_equal(days[d].posts, 2);
	assert_int_equal(trends_series(fx->s, TREND_QUERY, "1", today -
	    TRENDS_MAX_DAYS + 1, today, days, &e), 0);
	for (d = 0; d < TRENDS_MAX_DAYS; d++)
		assert_int_equal(days[d].posts, 1);
	/* The oldest days too, beyond one chart's period. */
	assert_int_equal(trends_series(fx->s, TREND_SOURCE, "1", today -
	    SPREAD_DAYS + 1, today - SPREAD_DAYS + 10, days, &e), 0);
	assert_int_equal(days[0].posts, 2);
	assert_int_equal(days[9].posts, 2);
	/* The query's posts are listed by it: every matched one. */
	memset(&f, 0, sizeof(f));
	memset(&ids, 0, sizeof(ids));
	f.query = qid;
	f.limit = 8;
	assert_int_equal(listen_post_each(fx->s, &f, on_each, &ids), 0);
	assert_int_equal(ids.n, 8);
	free(body);

	/* A batch rolled back counts nothing. */
	assert_int_equal(sqlite3_exec(fx->s->db, "CREATE TEMP TRIGGER boom "
	    "BEFORE INSERT ON posts WHEN NEW.guid = 'tg:1/5099' BEGIN "
	    "SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL), SQLITE_OK);
	body = spread_export(5000);
	assert_int_equal(listen_import(fx->l, fx->s, "tg", body, strlen(body),
	    NOW, &added, &dupes, &e), -1);
	free(body);
	assert_int_equal(trends_series(fx->s, TREND_ALL, "", today, today,
	    days, &e), 0);
	assert_int_equal(days[0].posts, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(failed_batch_leaves_no_signature,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(copies_in_one_batch_group,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(batch_counts_each_day_once,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
