/*
 * listen_fetch.c: the fetcher thread of listening (listen.h).  Every
 * VECHE_FEED_POLL_MS it asks the store for sources due at clock_now() and
 * fetches them one after another, each bounded by its own time limit and
 * VECHE_FEED_MAX_BYTES, so a slow or broken source only delays the others
 * by its limit and never stops them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/listen.h"
#include "core/worker.h"
#include "net/fetch.h"
#include "store/store.h"
#include "store/store_posts.h"

struct listen_fetcher {
	struct listen *l;
	struct store *s;
	struct worker *thread;
	int allow_private;
};

/* A due source, copied out of the row. */
struct due {
	int64_t id, interval, timeout_ms, failures;
	char kind[16];
	char *url, *etag, *last_modified;
};

struct due_list {
	struct due *v;
	size_t n, cap;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
on_due(const struct source *src, void *arg)
{
	struct due_list *d = arg;
	struct due *x;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;

		if ((x = realloc(d->v, cap * sizeof(*x))) == NULL)
			return -1;
		d->v = x;
		d->cap = cap;
	}
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->id = src->id;
	x->interval = src->interval;
	x->timeout_ms = src->timeout_ms;
	x->failures = src->failures;
	snprintf(x->kind, sizeof(x->kind), "%s", src->kind);
	x->url = dup_or_null(src->url);
	x->etag = dup_or_null(src->etag);
	x->last_modified = dup_or_null(src->last_modified);
	return x->url == NULL ? -1 : 0;
}

/* interval * 2^failures, at most VECHE_FEED_MAX_BACKOFF. */
static int64_t
backoff(int64_t interval, int64_t failures)
{
	int64_t wait = interval;

	while (failures-- > 0 && wait < VECHE_FEED_MAX_BACKOFF)
		wait *= 2;
	return wait < VECHE_FEED_MAX_BACKOFF ? wait : VECHE_FEED_MAX_BACKOFF;
}

static void
fetch_one(struct listen_fetcher *f, const struct due *d)
{
	struct net_get rq;
	struct net_got got;
	struct source_result r;
	struct verr e;
	char err[512];
	size_t added, dupes;
	int64_t now;

	memset(&rq, 0, sizeof(rq));
	rq.url = d->url;
	rq.etag = d->etag;
	rq.last_modified = d->last_modified;
	rq.timeout_ms = d->timeout_ms;
	rq.max_bytes = VECHE_FEED_MAX_BYTES;
	rq.allow_private = f->allow_private;
	memset(&r, 0, sizeof(r));
	memset(&e, 0, sizeof(e));
	err[0] = '\0';
	if (net_get(&rq, &got, err, sizeof(err)) == 0) {
		r.ok = 1;
		if (got.status == 304)
			r.not_modified = 1;
		else if (listen_ingest(f->l, f->s, d->id, d->kind, got.body,
		    got.len, got.charset[0] ? got.charset : NULL, clock_now(),
		    &added, &dupes, &e) == -1) {
			r.ok = 0;
			snprintf(err, sizeof(err), "%s", e.message);
		}
		/* Validators only from an answer that was read. */
		if (r.ok) {
			r.etag = got.etag[0] ? got.etag : NULL;
			r.last_modified = got.last_modified[0] ?
			    got.last_modified : NULL;
		}
	}
	now = clock_now();
	r.at = now;
	r.error = r.ok ? NULL : err;
	r.failures = r.ok ? 0 : d->failures + 1;
	r.next_fetch = now + backoff(d->interval, r.failures);
	if (store_source_result(f->s, d->id, &r) == -1)
		fprintf(stderr, "veche: listening: %s\n", store_error(f->s));
	net_got_free(&got);
}

static int64_t
fetch_round(struct worker *w, void *arg)
{
	struct listen_fetcher *f = arg;
	struct due_list d;
	size_t i;

	memset(&d, 0, sizeof(d));
	if (store_source_each(f->s, 0, clock_now(), on_due, &d) == -1 &&
	    !db_outage())
		fprintf(stderr, "veche: listening: %s\n", store_error(f->s));
	for (i = 0; i < d.n; i++) {
		if (!worker_stopping(w) && d.v[i].url != NULL)
			fetch_one(f, &d.v[i]);
		free(d.v[i].url);
		free(d.v[i].etag);
		free(d.v[i].last_modified);
	}
	free(d.v);
	return VECHE_FEED_POLL_MS;
}

struct listen_fetcher *
listen_fetcher_start(struct listen *l, const char *db_path,
    struct store_writer *writer, int allow_private, char *err, size_t errlen)
{
	struct listen_fetcher *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->l = l;
	f->allow_private = allow_private;
	if ((f->s = store_open(db_path, err, errlen)) == NULL) {
		free(f);
		return NULL;
	}
	store_set_writer(f->s, writer);
	if ((f->thread = worker_start("listening fetcher", fetch_round, f, err,
	    errlen)) == NULL) {
		store_close(f->s);
		free(f);
		return NULL;
	}
	return f;
}

void
listen_fetcher_stop(struct listen_fetcher *f)
{
	if (f == NULL)
		return;
	worker_stop(f->thread);
	store_close(f->s);
	free(f);
}
