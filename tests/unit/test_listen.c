/*
 * test_listen.c: core/listen.c on a real SQLite store: a batch whose
 * transaction fails leaves nothing behind, not even a near-copy signature
 * in the in-memory index (a later copy of its text starts its own group).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/listen.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(failed_batch_leaves_no_signature,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(copies_in_one_batch_group,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
