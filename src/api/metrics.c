/* metrics.c: the counters behind GET /metrics and the page itself. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/app.h"
#include "api/metrics.h"
#include "core/db.h"
#include "core/delivery.h"
#include "core/escalation.h"
#include "http/http.h"

/* Upper bounds of the latency buckets, microseconds (+Inf follows). */
static const int64_t bucket_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000, 5000000, 10000000,
};
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

/* Status classes 1xx to 5xx; index 0 is unused. */
#define NCLASSES 6

/* One route's counters, on a cache line of its own. */
struct route_counters {
	_Atomic uint64_t requests[NCLASSES];
	_Atomic uint64_t buckets[NBUCKETS + 1];   /* not cumulative; last: +Inf */
	_Atomic uint64_t sum_us;
} __attribute__((aligned(64)));

/* Slots past the routing table: static files, and requests with no route. */
enum { SLOT_STATIC, SLOT_NONE, SLOT__MAX };
static const char *const slot_names[SLOT__MAX] = { "(static)", "(none)" };

struct metrics {
	const struct http_route *routes;
	size_t nroutes;
	struct route_counters *c;         /* nroutes + SLOT__MAX */
	_Atomic uint64_t aborted;         /* ended with no answer */
	_Atomic int64_t connections;
	_Atomic(struct escalation_worker *) scanner;
	unsigned char token_hash[crypto_generichash_BYTES];
	int enabled;
};

struct metrics *
metrics_new(const struct http_route *routes, size_t nroutes,
    const char *token)
{
	struct metrics *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->c = aligned_alloc(64, (nroutes + SLOT__MAX) * sizeof(*m->c));
	if (m->c == NULL) {
		free(m);
		return NULL;
	}
	memset(m->c, 0, (nroutes + SLOT__MAX) * sizeof(*m->c));
	m->routes = routes;
	m->nroutes = nroutes;
	if (token != NULL) {
		crypto_generichash(m->token_hash, sizeof(m->token_hash),
		    (const unsigned char *)token, strlen(token), NULL, 0);
		m->enabled = 1;
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->c);
	sodium_memzero(m->token_hash, sizeof(m->token_hash));
	free(m);
}

void
metrics_observe(struct metrics *m, const struct http_exchange *ex)
{
	struct route_counters *c;
	size_t slot, b;
	int64_t us;

	if (m == NULL)
		return;
	if (ex->status < 100 || ex->status > 599) {
		atomic_fetch_add_explicit(&m->aborted, 1, memory_order_relaxed);
		return;
	}
	if (ex->route >= 0 && (size_t)ex->route < m->nroutes)
		slot = (size_t)ex->route;
	else
		slot = m->nroutes + (ex->route == HTTP_ROUTE_STATIC ?
		    SLOT_STATIC : SLOT_NONE);
	c = &m->c[slot];
	us = ex->duration_us > 0 ? ex->duration_us : 0;
	for (b = 0; b < NBUCKETS && us > bucket_us[b]; b++)
		;
	atomic_fetch_add_explicit(&c->requests[ex->status / 100], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->sum_us, (uint64_t)us,
	    memory_order_relaxed);
}

void
metrics_connection(struct metrics *m, int delta)
{
	if (m != NULL)
		atomic_fetch_add_explicit(&m->connections, delta,
		    memory_order_relaxed);
}

void
metrics_watch_scanner(struct metrics *m, struct escalation_worker *w)
{
	if (m != NULL)
		atomic_store(&m->scanner, w);
}

/* Whether the request carries "Authorization: Bearer <the token>". */
static int
authorized(const struct metrics *m, struct http_request *req)
{
	unsigned char h[crypto_generichash_BYTES];
	const char *v = http_request_header(req, "Authorization");
	size_t n;

	if (v == NULL || strncmp(v, "Bearer ", 7) != 0)
		return 0;
	v += 7;
	if ((n = strlen(v)) > VECHE_MAX_METRICS_TOKEN)
		return 0;
	crypto_generichash(h, sizeof(h), (const unsigned char *)v, n, NULL, 0);
	return sodium_memcmp(h, m->token_hash, sizeof(h)) == 0;
}

/* The label set of slot: route pattern and method. */
static void
labels(const struct metrics *m, size_t slot, const char **route,
    const char **method)
{
	if (slot < m->nroutes) {
		*route = m->routes[slot].pattern;
		*method = http_method_name(m->routes[slot].method);
	} else {
		*route = slot_names[slot - m->nroutes];
		*method = "any";
	}
}

static uint64_t
load(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/*
 * Patterns are ours and hold none of the characters the format escapes
 * (backslash, double quote, newline); the check keeps it that way.
 */
static int
label_safe(const char *s)
{
	return strpbrk(s, "\\\"\n") == NULL;
}

static void
write_requests(struct metrics *m, struct http_response *res)
{
	const char *route, *method;
	size_t slot;
	int k;

	http_response_printf(res, "# HELP veche_http_requests_total HTTP "
	    "requests answered, by route pattern, method and status class.\n"
	    "# TYPE veche_http_requests_total counter\n");
	for (slot = 0; slot < m->nroutes + SLOT__MAX; slot++) {
		labels(m, slot, &route, &method);
		if (!label_safe(route))
			continue;
		for (k = 1; k < NCLASSES; k++) {
			uint64_t v = load(&m->c[slot].requests[k]);

			if (v > 0)
				http_response_printf(res, "veche_http_requests_"
				    "total{route=\"%s\",method=\"%s\",status=\""
				    "%dxx\"} %llu\n", route, method, k,
				    (unsigned long long)v);
		}
	}
	http_response_printf(res, "# HELP veche_http_requests_aborted_total "
	    "HTTP requests that ended without an answer.\n"
	    "# TYPE veche_http_requests_aborted_total counter\n"
	    "veche_http_requests_aborted_total %llu\n",
	    (unsigned long long)load(&m->aborted));
}

static void
write_latency(struct metrics *m, struct http_response *res)
{
	const char *route, *method;
	uint64_t cum, n;
	size_t slot, b;

	http_response_printf(res, "# HELP veche_http_request_duration_seconds "
	    "Time from the request line to the end of the answer.\n"
	    "# TYPE veche_http_request_duration_seconds histogram\n");
	for (slot = 0; slot < m->nroutes + SLOT__MAX; slot++) {
		struct route_counters *c = &m->c[slot];

		labels(m, slot, &route, &method);
		for (b = 0, n = 0; b <= NBUCKETS; b++)
			n += load(&c->buckets[b]);
		if (n == 0 || !label_safe(route))
			continue;
		for (b = 0, cum = 0; b <= NBUCKETS; b++) {
			cum += load(&c->buckets[b]);
			if (b < NBUCKETS)
				http_response_printf(res, "veche_http_request_"
				    "duration_seconds_bucket{route=\"%s\","
				    "method=\"%s\",le=\"%g\"} %llu\n", route,
				    method, (double)bucket_us[b] / 1e6,
				    (unsigned long long)cum);
			else
				http_response_printf(res, "veche_http_request_"
				    "duration_seconds_bucket{route=\"%s\","
				    "method=\"%s\",le=\"+Inf\"} %llu\n", route,
				    method, (unsigned long long)cum);
		}
		http_response_printf(res, "veche_http_request_duration_seconds_"
		    "sum{route=\"%s\",method=\"%s\"} %.6f\n"
		    "veche_http_request_duration_seconds_count{route=\"%s\","
		    "method=\"%s\"} %llu\n", route, method,
		    (double)load(&c->sum_us) / 1e6, route, method,
		    (unsigned long long)cum);
	}
}

/* What the store and the workers know, read now.  0 or -1. */
static int
write_state(struct metrics *m, struct store *s, struct http_response *res)
{
	struct store_delivery_stats st;
	struct escalation_worker *w;

	if (delivery_stats(s, &st) == -1) {
		fprintf(stderr, "veche: metrics: %s\n", db_error(s));
		return -1;
	}
	http_response_printf(res, "# HELP veche_http_connections_open Client "
	    "connections open now.\n"
	    "# TYPE veche_http_connections_open gauge\n"
	    "veche_http_connections_open %lld\n"
	    "# HELP veche_outbox_depth Deliveries waiting or in flight.\n"
	    "# TYPE veche_outbox_depth gauge\n"
	    "veche_outbox_depth %lld\n"
	    "# HELP veche_outbox_dead_letters Deliveries given up on (replay "
	    "makes them pending).\n"
	    "# TYPE veche_outbox_dead_letters gauge\n"
	    "veche_outbox_dead_letters %lld\n"
	    "# HELP veche_sqlite_busy_retries_total Waits for a database lock "
	    "held by another process.\n"
	    "# TYPE veche_sqlite_busy_retries_total counter\n"
	    "veche_sqlite_busy_retries_total %llu\n",
	    (long long)atomic_load_explicit(&m->connections,
	    memory_order_relaxed),
	    (long long)(st.count[DELIVERY_PENDING] + st.count[DELIVERY_SENDING]),
	    (long long)st.count[DELIVERY_DEAD],
	    (unsigned long long)db_busy_retries());
	if ((w = atomic_load(&m->scanner)) != NULL)
		http_response_printf(res, "# HELP veche_deadline_scan_lag_seconds "
		    "Time since the deadline scanner last completed a scan.\n"
		    "# TYPE veche_deadline_scan_lag_seconds gauge\n"
		    "veche_deadline_scan_lag_seconds %.3f\n",
		    (double)escalation_worker_lag_ms(w) / 1000.0);
	return 0;
}

static int
metrics_get(struct http_request *req, struct http_response *res, void *arg)
{
	struct app *a = arg;
	struct metrics *m = a->metrics;
	struct store *s;

	if (m == NULL || !m->enabled) {
		http_response_error(req, res, 404, NULL, "no such resource");
		return 0;
	}
	if (!authorized(m, req)) {
		http_response_header(res, "WWW-Authenticate",
		    "Bearer realm=\"veche metrics\"");
		http_response_error(req, res, 401, "Authorization",
		    "Authorization: 'Bearer' and the metrics token required");
		return 0;
	}
	if ((s = app_store(a)) == NULL) {
		http_response_error(req, res, 503, NULL, "database unavailable");
		return 0;
	}
	http_response_status(res, 200);
	http_response_type(res, "text/plain; version=0.0.4; charset=utf-8");
	http_response_header(res, "Cache-Control", "no-store");
	write_requests(m, res);
	write_latency(m, res);
	return write_state(m, s, res);
}

static const struct http_route metrics_table[] = {
	{ HTTP_GET, "/metrics", metrics_get, 0, NULL, 0 },
};

const struct http_route *
metrics_routes(size_t *n)
{
	*n = sizeof(metrics_table) / sizeof(metrics_table[0]);
	return metrics_table;
}
