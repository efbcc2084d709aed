/*
 * test_map_index.c: the map index's Open311 pages (map_index_page, issue
 * 11) against the same page worked out by brute force from the reports
 * the test wrote: every report of the box (the rows' doubles, edges
 * included), the period and the status, newest first, sliced.  Boxes at
 * random, on the edges of the index's buckets, and with reports on their
 * own edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/map_index.h"
#include "store/store.h"

#define T0      1795773600      /* 2026-11-27T10:00:00Z */
#define DAY     86400
#define NREP    3000
#define LAT0    57.60
#define LON0    39.85
#define SPAN    0.05            /* degrees: a few dozen buckets */
#define CELLS   65536.0         /* the buckets' cells per world side */

struct rep {
	int64_t id;
	double lat, lon;
	int64_t requested;
	int status;
};

static struct rep reps[NREP];
static size_t nreps;
static uint64_t seed = 42;

static double
rnd(void)
{
	seed = seed * 6364136223846793005u + 1442695040888963407u;
	return (double)(seed >> 11) / 9007199254740992.0;
}

/* The longitude of the west edge of bucket column x, the latitude of
 * the north edge of bucket row y (Web Mercator). */
static double
edge_lon(double x)
{
	return x / CELLS * 360.0 - 180.0;
}

static double
edge_lat(double y)
{
	return atan(sinh(M_PI * (1.0 - 2.0 * y / CELLS))) * 180.0 / M_PI;
}

static void
add(struct store *s, double lat, double lon, int64_t requested, int status)
{
	struct report r;
	char token[32];
	int64_t id;

	memset(&r, 0, sizeof(r));
	snprintf(token, sizeof(token), "t%zu", nreps);
	r.token = token;
	r.service_code = "pothole";
	r.status = (enum report_status)status;
	r.has_point = 1;
	r.lat = lat;
	r.lon = lon;
	r.description = "яма";
	r.requested = r.updated = requested;
	assert_int_equal(store_report_insert(s, &r, NULL, &id), 0);
	reps[nreps++] = (struct rep){ id, lat, lon, requested, status };
}

static int
newest_first(const void *a, const void *b)
{
	const struct rep *x = a, *y = b;

	if (x->requested != y->requested)
		return x->requested < y->requested ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The page of q, by brute force, into want; its length. */
static size_t
expected(const struct report_query *q, int64_t *want)
{
	struct rep *all = calloc(nreps, sizeof(*all));
	size_t i, n = 0, k = 0;

	assert_non_null(all);
	for (i = 0; i < nreps; i++) {
		const struct rep *r = &reps[i];

		if (r->lat < q->min_lat || r->lat > q->max_lat ||
		    r->lon < q->min_lon || r->lon > q->max_lon ||
		    (q->start && r->requested < q->start) ||
		    (q->end && r->requested > q->end) ||
		    (q->status_mask && !((q->status_mask >> r->status) & 1)))
			continue;
		all[n++] = *r;
	}
	qsort(all, n, sizeof(*all), newest_first);
	for (i = q->offset; i < n && k < q->limit; i++)
		want[k++] = all[i].id;
	free(all);
	return k;
}

static void
check(struct map_index *m, struct store *s, struct report_query *q)
{
	int64_t want[100], *got = NULL;
	size_t nwant, ngot = 0, i;

	q->has_bbox = 1;
	q->order = ORDER_REQUESTED_DESC;
	nwant = expected(q, want);
	assert_int_equal(map_index_page(m, s, q, &got, &ngot), 0);
	if (ngot != nwant)
		fail_msg("box %.9f,%.9f,%.9f,%.9f offset %zu: %zu ids, "
		    "want %zu", q->min_lon, q->min_lat, q->max_lon, q->max_lat,
		    q->offset, ngot, nwant);
	for (i = 0; i < nwant; i++)
		assert_int_equal(got[i], want[i]);
	free(got);
}

static int
setup(void **state)
{
	char err[256];
	struct store *s;
	double bx, by;
	size_t i;

	assert_int_equal(clock_configure("@1795773600", err, sizeof(err)), 0);
	assert_non_null(s = store_open(":memory:", err, sizeof(err)));
	nreps = 0;
	assert_int_equal(store_begin(s), 0);
	/* Whole seconds shared by several reports: ties go by id. */
	for (i = 0; i < NREP - 200; i++)
		add(s, LAT0 + rnd() * SPAN, LON0 + rnd() * SPAN,
		    T0 - (int64_t)(rnd() * 120) * DAY / 4, (int)(rnd() * 5));
	/* Reports on the buckets' edges, where rounding decides. */
	bx = floor((LON0 + SPAN / 2 + 180.0) / 360.0 * CELLS);
	by = floor((1.0 - log(tan(LAT0 * M_PI / 180.0) +
	    1.0 / cos(LAT0 * M_PI / 180.0)) / M_PI) / 2.0 * CELLS);
	for (i = 0; i < 200; i++)
		add(s, i % 2 ? edge_lat(by - (double)(i % 7)) : LAT0 + rnd() *
		    SPAN, i % 3 ? edge_lon(bx + (double)(i % 5)) : LON0 +
		    rnd() * SPAN, T0 - (int64_t)i * 3600, (int)(i % 5));
	assert_int_equal(store_commit(s), 0);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void
test_random_boxes(void **state)
{
	struct store *s = *state;
	struct map_index *m = map_index_new();
	struct report_query q;
	int k;

	assert_non_null(m);
	for (k = 0; k < 300; k++) {
		double w = rnd() * 0.02, h = rnd() * 0.012;

		memset(&q, 0, sizeof(q));
		q.min_lon = LON0 + rnd() * (SPAN - w);
		q.min_lat = LAT0 + rnd() * (SPAN - h);
		q.max_lon = q.min_lon + w;
		q.max_lat = q.min_lat + h;
		q.limit = k % 4 == 0 ? 1 : 50;
		q.offset = (size_t)(k % 3) * q.limit;
		if (k % 2)
			q.start = T0 - 90 * DAY;
		if (k % 5)
			q.end = T0 - (int64_t)(k % 7) * DAY;
		if (k % 6 == 0)
			q.status_mask = 1u << STATUS_SUBMITTED |
			    1u << STATUS_CLOSED;
		check(m, s, &q);
	}
	/* The whole area, and a box holding nothing. */
	memset(&q, 0, sizeof(q));
	q.min_lon = LON0 - 1;
	q.min_lat = LAT0 - 1;
	q.max_lon = LON0 + 1;
	q.max_lat = LAT0 + 1;
	q.limit = 100;
	q.offset = 100;
	check(m, s, &q);
	memset(&q, 0, sizeof(q));
	q.min_lon = q.max_lon = LON0 - 0.5;
	q.min_lat = q.max_lat = LAT0;
	q.limit = 50;
	check(m, s, &q);
	map_index_free(m);
}

/* Boxes whose edges are the buckets' edges or pass through reports. */
static void
test_edges(void **state)
{
	struct store *s = *state;
	struct map_index *m = map_index_new();
	struct report_query q;
	double bx, by;
	size_t i;

	assert_non_null(m);
	bx = floor((LON0 + SPAN / 2 + 180.0) / 360.0 * CELLS);
	by = floor((1.0 - log(tan(LAT0 * M_PI / 180.0) +
	    1.0 / cos(LAT0 * M_PI / 180.0)) / M_PI) / 2.0 * CELLS);
	for (i = 0; i < 40; i++) {
		memset(&q, 0, sizeof(q));
		q.min_lon = edge_lon(bx + (double)(i % 5));
		q.max_lon = edge_lon(bx + (double)(i % 5) + 1 + (double)(i % 2));
		q.max_lat = edge_lat(by - (double)(i % 7));
		q.min_lat = edge_lat(by - (double)(i % 7) + 1 +
		    (double)(i % 3));
		q.limit = 50;
		q.offset = (i % 2) * 50;
		check(m, s, &q);
	}
	/* A box whose every edge passes through a report. */
	for (i = 0; i + 1 < nreps && i < 400; i += 2) {
		memset(&q, 0, sizeof(q));
		q.min_lon = fmin(reps[i].lon, reps[i + 1].lon);
		q.max_lon = fmax(reps[i].lon, reps[i + 1].lon);
		q.min_lat = fmin(reps[i].lat, reps[i + 1].lat);
		q.max_lat = fmax(reps[i].lat, reps[i + 1].lat);
		q.limit = 20;
		check(m, s, &q);
	}
	map_index_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_boxes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
