/*
 * demo.h: a demo city's reports, for `veche serve --demo`, screenshots and
 * benchmarks.  Reports are made through report_submit, so they obey every
 * rule a real one does, and move through statuses with public notes.
 */
#ifndef VECHE_DEMO_H
#define VECHE_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct catalog;
struct store;

/*
 * Called every so often with how many reports are done out of total; and,
 * when the load ends by copying them into PostgreSQL (store_bulk.h), copied
 * with the rows copied so far out of theirs (copied may be NULL).
 */
struct demo_progress {
	void (*fn)(size_t done, size_t total, void *arg);
	void *arg;
	void (*copied)(int64_t rows, int64_t total, void *arg);
};

/*
 * Add n reports inside the catalogue's areas, received over the `days` days
 * before now, from a deterministic generator seeded with seed.  Writes in
 * batches of one transaction each.  Returns 0, or -1 with e set.
 */
int demo_seed(struct store *s, const struct catalog *c, size_t n, int days,
    uint64_t seed, int64_t now, const struct demo_progress *progress,
    struct verr *e);

/*
 * 1 if the database file at path holds a seed that did not finish (into a
 * new database the load writes without a journal, marked until its end; a
 * crash leaves the mark and maybe a damaged file), with err saying so;
 * else 0.  Ask before opening: such a file may not open.
 */
int demo_seed_unfinished(const char *path, char *err, size_t errlen);

#endif
