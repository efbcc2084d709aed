/*
 * test_list_items.c: the rendered items of Open311 lists (api/list_items.h):
 * an item is served only for its report, version, variant and catalogue;
 * a report's variants live side by side; a newer rendering replaces the
 * older of its variant; past the byte budget the oldest kept go first and
 * the memory held stays within it; threads keeping and reading at once
 * read only whole items.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/list_items.h"

/* What the store holds for one report: its bytes, or "" when none. */
static void
held(struct list_items *c, int64_t id, uint32_t ver, unsigned variant,
    const void *catalog, const char *want)
{
	struct list_item_key k = { catalog, variant };
	struct list_item_span at;
	char *buf = NULL;
	size_t used = 0, cap = 0;
	int n;

	n = list_items_get(c, &id, &ver, 1, &k, &at, &buf, &used, &cap);
	if (*want == '\0') {
		assert_int_equal(n, 0);
		assert_int_equal(at.len, 0);
	} else {
		assert_int_equal(n, 1);
		assert_int_equal(at.len, strlen(want));
		assert_memory_equal(buf + at.off, want, at.len);
	}
	free(buf);
}

static void
put(struct list_items *c, int64_t id, uint32_t ver, unsigned variant,
    const void *catalog, const char *s)
{
	struct list_item_key k = { catalog, variant };

	list_items_put(c, id, ver, &k, s, strlen(s));
}

static void
test_keys(void **state)
{
	struct list_items *c = list_items_new(1 << 20);
	int cat1, cat2;

	(void)state;
	assert_non_null(c);
	held(c, 7, 1, 0, &cat1, "");
	put(c, 7, 1, 0, &cat1, "{\"id\":7}");
	held(c, 7, 1, 0, &cat1, "{\"id\":7}");
	held(c, 7, 2, 0, &cat1, "");            /* the report changed */
	held(c, 7, 1, 1, &cat1, "");            /* another variant */
	held(c, 7, 1, 0, &cat2, "");            /* another catalogue */
	held(c, 8, 1, 0, &cat1, "");            /* another report */
	held(c, 1 << 30, 1, 0, &cat1, "");      /* past every slot */
	put(c, 7, 1, 1, &cat1, "<request>7</request>");
	held(c, 7, 1, 0, &cat1, "{\"id\":7}");
	held(c, 7, 1, 1, &cat1, "<request>7</request>");
	put(c, 7, 2, 0, &cat1, "{\"id\":7,\"v\":2}");
	held(c, 7, 1, 0, &cat1, "");
	held(c, 7, 2, 0, &cat1, "{\"id\":7,\"v\":2}");
	held(c, 7, 1, 1, &cat1, "<request>7</request>");
	list_items_free(c);
	list_items_free(NULL);
}

/* A page of several: each held item where it says, in order. */
static void
test_page(void **state)
{
	struct list_items *c = list_items_new(1 << 20);
	struct list_item_key k = { NULL, 3 };
	int64_t ids[4] = { 40, 10, 30, 20 };
	uint32_t vers[4] = { 1, 1, 2, 1 };
	struct list_item_span at[4];
	char *buf = NULL;
	size_t used = 0, cap = 0;

	(void)state;
	list_items_put(c, 10, 1, &k, "ten", 3);
	list_items_put(c, 30, 1, &k, "thirty", 6);     /* an older version */
	list_items_put(c, 20, 1, &k, "twenty", 6);
	assert_int_equal(list_items_get(c, ids, vers, 4, &k, at, &buf, &used,
	    &cap), 2);
	assert_int_equal(at[0].len, 0);
	assert_int_equal(at[2].len, 0);
	assert_memory_equal(buf + at[1].off, "ten", 3);
	assert_memory_equal(buf + at[3].off, "twenty", 6);
	assert_int_equal(used, 9);
	free(buf);
	list_items_free(c);
}

/* Past the budget the oldest go; the bytes held stay within it. */
static void
test_budget(void **state)
{
	size_t budget = 64 * 1024, bytes, n;
	struct list_items *c = list_items_new(budget);
	uint64_t hits, misses;
	char item[200];
	int64_t id;

	(void)state;
	memset(item, 'x', sizeof(item) - 1);
	item[sizeof(item) - 1] = '\0';
	for (id = 1; id <= 20000; id++)
		put(c, id, 1, 0, NULL, item);
	list_items_stats(c, &bytes, &n, &hits, &misses);
	assert_true(bytes <= budget);
	assert_true(n > 100);
	assert_true(n < 20000);
	held(c, 1, 1, 0, NULL, "");             /* the first kept went */
	held(c, 20000, 1, 0, NULL, item);       /* the last stays */
	/* The same report rendered again and again takes one place. */
	for (id = 0; id < 10000; id++)
		put(c, 5, (uint32_t)id, 0, NULL, item);
	held(c, 5, 9999, 0, NULL, item);
	list_items_stats(c, &bytes, &n, &hits, &misses);
	assert_true(bytes <= budget);
	/* An item over a sixteenth of the budget is not kept. */
	{
		char *big = malloc(budget / 8);

		assert_non_null(big);
		memset(big, 'y', budget / 8 - 1);
		big[budget / 8 - 1] = '\0';
		put(c, 3, 1, 0, NULL, big);
		held(c, 3, 1, 0, NULL, "");
		free(big);
	}
	list_items_free(c);
}

struct worker {
	struct list_items *c;
	unsigned seed;
	int bad;
};

/* Keep and read items whose bytes name their id and version. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct list_item_key k = { NULL, 0 };
	char text[64], *buf = NULL;
	size_t cap = 0;
	int i;

	for (i = 0; i < 20000; i++) {
		int64_t id = rand_r(&w->seed) % 5000;
		uint32_t ver = (uint32_t)(rand_r(&w->seed) % 3);
		struct list_item_span at;
		size_t used = 0;
		int len = snprintf(text, sizeof(text), "%lld/%u", (long long)id,
		    ver);

		if (i % 3 == 0)
			list_items_put(w->c, id, ver, &k, text, (size_t)len);
		else if (list_items_get(w->c, &id, &ver, 1, &k, &at, &buf,
		    &used, &cap) == 1 && (at.len != (size_t)len ||
		    memcmp(buf + at.off, text, at.len) != 0))
			w->bad = 1;
	}
	free(buf);
	return NULL;
}

static void
test_threads(void **state)
{
	struct list_items *c = list_items_new(32 * 1024);
	struct worker w[4];
	pthread_t t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ c, (unsigned)i + 1, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_false(w[i].bad);
	}
	list_items_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
