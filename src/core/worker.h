/*
 * worker.h: one skeleton for veche's background threads (the outbox
 * delivery, the deadline scanner).
 *
 * A worker calls its round function again and again on its own thread.  A
 * round returns how many milliseconds to wait before the next one (0: go on
 * at once).  Waits are measured on CLOCK_MONOTONIC, so setting the system
 * clock (or veche's own clock, core/clock.h) neither stalls nor hurries
 * them; worker_stop interrupts a wait at once.
 */
#ifndef VECHE_WORKER_H
#define VECHE_WORKER_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct worker;

/* One round; arg is worker_start's.  Returns the wait in ms (>= 0). */
typedef int64_t (*worker_round_fn)(struct worker *w, void *arg);

/*
 * Start a thread that runs round(w, arg) until worker_stop.  name says what
 * it is in error messages.  Returns NULL with a message in err.
 */
struct worker *worker_start(const char *name, worker_round_fn round,
    void *arg, char *err, size_t errlen);

/*
 * worker_start with a database connection of the worker's own: db_path
 * opened (attached to writer, may be NULL) before the thread starts, which
 * round reaches by worker_store(w), closed by worker_stop.
 */
struct store_writer;
struct worker *worker_start_db(const char *name, const char *db_path,
    struct store_writer *writer, worker_round_fn round, void *arg,
    char *err, size_t errlen);
struct store *worker_store(struct worker *w);

/* Whether worker_stop was called: a long round checks it between steps. */
int worker_stopping(struct worker *w);

/*
 * Ask the worker to stop, wait for its current round to end and free it.
 * Accepts NULL.  The caller frees arg afterwards.
 */
void worker_stop(struct worker *w);

#endif
