/* worker.c: the background thread skeleton (worker.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/worker.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* on CLOCK_MONOTONIC */
	atomic_int stop;
	worker_round_fn round;
	void *arg;
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

struct worker *
worker_start(const char *name, worker_round_fn round, void *arg, char *err,
    size_t errlen)
{
	pthread_condattr_t ca;
	struct worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	w->round = round;
	w->arg = arg;
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
		free(w);
		return NULL;
	}
	return w;
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
	free(w);
}
