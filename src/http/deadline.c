/*
 * deadline.c: each connection's deadline, kept by one watcher thread.
 *
 * An idle timeout alone does not stop a client that sends one header line
 * every few seconds: each line resets it.  So every connection also has a
 * deadline counted from the start of what it is doing, and the watcher
 * shuts the socket down when it passes:
 *
 *   accepted, or done with a request:  the whole next header block must be
 *     in within the header timeout (after a finished request, the idle
 *     timeout is added: a keep-alive client may wait before asking again);
 *   headers in:  the whole body must be in within the body timeout;
 *   handler running, response going out:  no deadline of ours (MHD's idle
 *     timeout still applies).
 *
 * MHD tells us of each connection (MHD_OPTION_NOTIFY_CONNECTION) before it
 * first reads and after it stops using the socket but before closing it;
 * the watcher's lock is held across the notice and across the shutdown(),
 * so the watcher never touches a descriptor that MHD has closed.  After
 * shutdown() MHD's event loop sees the end of the stream and closes the
 * connection itself, with its usual clean-up.
 *
 * Deadlines are read on CLOCK_MONOTONIC: they measure the network, not the
 * application's settable "now".
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http/internal.h"

struct conn {
	struct conn *prev, *next;
	int fd;
	_Atomic int64_t deadline;       /* monotonic ms; 0: none */
	int shut;                       /* shutdown() done */
};

struct deadline_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int stop;
	struct conn head;               /* sentinel of a circular list */
	int64_t header_ms, body_ms, idle_ms, period_ms;
	_Atomic unsigned long expired;  /* connections shut by a deadline */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
watch_main(void *arg)
{
	struct deadline_watch *w = arg;
	struct timespec until;
	struct conn *c;
	int64_t now, d, next;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		now = mono_ms();
		for (c = w->head.next; c != &w->head; c = c->next) {
			d = atomic_load(&c->deadline);
			if (d != 0 && now >= d && !c->shut) {
				shutdown(c->fd, SHUT_RDWR);
				c->shut = 1;
				atomic_fetch_add(&w->expired, 1);
			}
		}
		next = now + w->period_ms;
		until.tv_sec = (time_t)(next / 1000);
		until.tv_nsec = (long)(next % 1000) * 1000000;
		while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock,
		    &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct deadline_watch *
deadline_watch_start(unsigned header_s, unsigned body_s, unsigned idle_s)
{
	struct deadline_watch *w;
	pthread_condattr_t ca;
	int64_t shortest;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->head.next = w->head.prev = &w->head;
	w->header_ms = (int64_t)header_s * 1000;
	w->body_ms = (int64_t)body_s * 1000;
	w->idle_ms = (int64_t)idle_s * 1000;
	/* Look four times per shortest deadline: late by a quarter at most. */
	shortest = w->header_ms < w->body_ms ? w->header_ms : w->body_ms;
	w->period_ms = shortest / 4;
	if (w->period_ms < 50)
		w->period_ms = 50;
	if (w->period_ms > 1000)
		w->period_ms = 1000;
	if (pthread_mutex_init(&w->lock, NULL) != 0)
		goto fail_free;
	if (pthread_condattr_init(&ca) != 0)
		goto fail_lock;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&w->wake, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		goto fail_lock;
	}
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0)
		goto fail_cond;
	return w;
fail_cond:
	pthread_cond_destroy(&w->wake);
fail_lock:
	pthread_mutex_destroy(&w->lock);
fail_free:
	free(w);
	return NULL;
}

void
deadline_watch_stop(struct deadline_watch *w)
{
	struct conn *c, *next;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	/* MHD has closed every connection by now; free what it left. */
	for (c = w->head.next; c != &w->head; c = next) {
		next = c->next;
		free(c);
	}
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

unsigned long
deadline_watch_expired(const struct deadline_watch *w)
{
	return w != NULL ? atomic_load(&w->expired) : 0;
}

void
deadline_notify(void *cls, struct MHD_Connection *con, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct deadline_watch *w = cls;
	const union MHD_ConnectionInfo *ci;
	struct conn *c;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = NULL;
		ci = MHD_get_connection_info(con,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		/* Without memory the connection goes unwatched, not refused. */
		if (ci == NULL || (c = calloc(1, sizeof(*c))) == NULL)
			return;
		c->fd = ci->connect_fd;
		atomic_store(&c->deadline, mono_ms() + w->header_ms);
		pthread_mutex_lock(&w->lock);
		c->next = &w->head;
		c->prev = w->head.prev;
		c->prev->next = c;
		w->head.prev = c;
		pthread_mutex_unlock(&w->lock);
		*socket_context = c;
		return;
	}
	if ((c = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
	*socket_context = NULL;
}

void
deadline_set(const struct deadline_watch *w, struct MHD_Connection *con,
    enum deadline_phase phase)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *c;
	int64_t d = 0;

	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (w == NULL || ci == NULL || (c = ci->socket_context) == NULL)
		return;
	switch (phase) {
	case DEADLINE_BODY:
		d = mono_ms() + w->body_ms;
		break;
	case DEADLINE_NONE:
		break;
	case DEADLINE_NEXT:
		d = mono_ms() + w->idle_ms + w->header_ms;
		break;
	}
	atomic_store(&c->deadline, d);
}
