/* worker.c: the background thread skeleton (worker.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/worker.h"
#include "store/store.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* on CLOCK_MONOTONIC */
	atomic_int stop;
	worker_round_fn round;
	void *arg;
	struct store *store;        /* the worker's own connection, or NULL */
};

/* Wait up to ms, or until told to stop.  Called with the lock held. */
static void
wait_ms(struct worker *w, int64_t ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!atomic_load(&w->stop) &&
	    pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
		;
}

static void *
run(void *p)
{
	struct worker *w = p;
	int64_t ms;

	while (!atomic_load(&w->stop)) {
		ms = w->round(w, w->arg);
		if (ms <= 0)
			continue;
		pthread_mutex_lock(&w->lock);
		wait_ms(w, ms);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/* worker_start with store (may be NULL), which the worker then owns. */
static struct worker *
start(const char *name, worker_round_fn round, void *arg,
    struct store *store, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	struct worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		store_close(store);
		return NULL;
	}
	w->round = round;
	w->arg = arg;
	w->store = store;
	atomic_init(&w->stop, 0);
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		snprintf(err, errlen, "%s: cannot start its thread", name);
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		store_close(w->store);
		free(w);
		return NULL;
	}
	return w;
}

struct worker *
worker_start(const char *name, worker_round_fn round, void *arg, char *err,
    size_t errlen)
{
	return start(name, round, arg, NULL, err, errlen);
}

struct worker *
worker_start_db(const char *name, const char *db_path,
    struct store_writer *writer, worker_round_fn round, void *arg,
    char *err, size_t errlen)
{
	struct store *s;

	if ((s = store_open(db_path, err, errlen)) == NULL)
		return NULL;
	if (writer != NULL)
		store_set_writer(s, writer);
	return start(name, round, arg, s, err, errlen);
}

struct store *
worker_store(struct worker *w)
{
	return w->store;
}

int
worker_stopping(struct worker *w)
{
	return atomic_load(&w->stop);
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	atomic_store(&w->stop, 1);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	store_close(w->store);
	free(w);
}
