/*
 * escalation.h: watching 59-FZ deadlines.  The scanner finds reports whose
 * running deadline (registration while submitted, then the answer or the
 * extended answer) is near or has passed, and emits EVENT_DEADLINE_NEAR or
 * EVENT_DEADLINE_PASSED through the outbox exactly once per report,
 * deadline, due date and kind of notice.
 * The overdue lists (per agency, or all for the administrator) come from
 * the same data.
 *
 * "Near" is deadline_near_days() working days (deadline.h), set per
 * deployment by the "deadline_near_days" setting.
 */
#ifndef VECHE_ESCALATION_H
#define VECHE_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/deadline.h"
#include "core/error.h"

struct store;

/* One deadline of one report, as a scan or a list sees it. */
struct escalation_item {
	int64_t report_id;
	const char *agency;             /* NULL when unrouted */
	enum deadline_kind kind;
	int64_t due;
	enum deadline_state state;      /* DEADLINE_NEAR or DEADLINE_PASSED */
};

/*
 * Scan at `now`: for every open deadline that is near or passed and not
 * notified yet, record the notice and emit its event (detail: "KIND DUE",
 * e.g. "answer 2026-02-12T23:59:59+03:00") in the same transaction; the
 * notices of one batch of reports share a transaction.  A deadline found
 * passed without a near notice gets only the passed one.  fn (may be NULL)
 * is called for each notice after its batch is committed; a non-zero return
 * stops the scan (returned as 0: what was committed stays sent).  *emitted
 * (may be NULL) receives the number of notices.  Returns 0, or -1 with e
 * set; notices committed before the error stay sent.  Called periodically by the server and by
 * 'veche deadlines scan'; safe to run concurrently (a notice is recorded
 * once whichever connection wins).
 */
int escalation_scan(struct store *s, int64_t now,
    int (*fn)(const struct escalation_item *, void *), void *arg,
    size_t *emitted, struct verr *e);

/* The lease a scanning process holds (store_lease_try): one at a time. */
#define ESCALATION_LEASE "veche.deadline_scanner"

/*
 * escalation_scan under the scanner's lease, as the server's scanner and
 * 'veche deadlines scan' run it, so that of several processes on one
 * database one scans at a time (SQLite: always granted).  Under the lease
 * it reads when the last scan was (the database's, whoever made it) and,
 * with period > 0 (seconds), scans only if that was at least
 * ESCALATION_DUE(period) ago (or is in the future: the clock was set
 * back), so a fleet whose every process runs a round each period scans
 * about once a period between them; period 0 scans regardless.  With a
 * period it scans what changed since (ESCALATION_MARGIN below), and
 * every report once a day and without one.  A scan done is recorded at
 * now.  Returns 0 after a scan, 1 when another
 * connection holds the lease or the last scan is recent (nothing scanned:
 * that scan sent the same notices), or -1 with e set.
 */
int escalation_scan_leased(struct store *s, int64_t now, int64_t period,
    int (*fn)(const struct escalation_item *, void *), void *arg,
    size_t *emitted, struct verr *e);

/*
 * How long after the last scan another is due: nine tenths of a period,
 * so a round that wakes a little early (timers, a scan's own length)
 * does not skip a whole period.
 */
#define ESCALATION_DUE(period) ((period) - (period) / 10)

/*
 * With a period, a scan reads only what can have come due since the last
 * scan and what changed from ESCALATION_MARGIN seconds before it (a write
 * begun before that scan and committed after; the clocks of a fleet's
 * processes a little apart) (store_deadline_open_since), and every report
 * when the last such full scan is ESCALATION_FULL_EVERY seconds old or
 * more (a calendar changed under open deadlines; a change written with an
 * older time).  A scan stopped part-way is not recorded.
 */
#define ESCALATION_MARGIN 600
#define ESCALATION_FULL_EVERY 86400

struct escalation_worker;
struct store_writer;

/*
 * Start a thread that scans every period seconds (and at once) on its own
 * connection to db_path, attached to writer (may be NULL).  Returns NULL
 * with a message in err.
 */
struct escalation_worker *escalation_worker_start(const char *db_path,
    struct store_writer *writer, int period, char *err, size_t errlen);

/*
 * Milliseconds since the worker last completed a scan (since it started,
 * before the first), on the monotonic clock: how far behind deadline
 * notices may be.  Safe to call from any thread while w runs.
 */
int64_t escalation_worker_lag_ms(struct escalation_worker *w);

/* Stop the thread (between batches of a scan) and free it.  Accepts NULL. */
void escalation_worker_stop(struct escalation_worker *w);


#endif
