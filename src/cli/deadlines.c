/*
 * deadlines.c: 'veche deadlines scan' and 'veche deadlines overdue', the
 * 59-FZ deadlines from the command line (docs/deadlines.md).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/escalation.h"
#include "core/workflow.h"
#include "core/db.h"

static const char usage[] =
    "usage: veche deadlines scan [--db FILE] [--now W3C-DATE]\n"
    "       veche deadlines overdue [--db FILE] [--now W3C-DATE]\n"
    "                               [--agency CODE]\n"
    "\n"
    "scan emits a deadline.near or deadline.passed event, once each, for\n"
    "every registration or answer deadline that is near or has passed, and\n"
    "prints what it emitted (the server does the same periodically).  Of\n"
    "several processes on one database one scans at a time: scan exits\n"
    "with status 3 when another (a server's scanner) is scanning; its scan\n"
    "sends the same notices, so there is nothing to do but run again\n"
    "later if you want this one's list.\n"
    "overdue lists the passed deadlines of open reports (of one agency).\n"
    "--now pretends it is that moment, e.g. 2026-05-12T09:00:00+03:00.\n"
    "See docs/deadlines.md.\n";

static int
print_notice(const struct escalation_item *it, void *arg)
{
	char when[DATETIME_LEN];

	(void)arg;
	printf("%s\treport %lld\t%s\tdue %s\t%s\n",
	    it->state == DEADLINE_PASSED ? "deadline.passed" : "deadline.near",
	    (long long)it->report_id, deadline_kind_name(it->kind),
	    datetime_format(it->due, when, sizeof(when)),
	    it->agency != NULL ? it->agency : "-");
	return 0;
}

static int
print_overdue(const struct wf_record *r, void *arg)
{
	char when[DATETIME_LEN];
	const char *kind;
	int64_t due;

	(void)arg;
	kind = workflow_deadline(r, &due);
	printf("overdue\treport %lld\t%s\tdue %s\t%s\n", (long long)r->id,
	    kind != NULL ? kind : "-", datetime_format(due, when, sizeof(when)),
	    r->agency != NULL ? r->agency : "-");
	return 0;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "agency", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = CLI_DEFAULT_DB, *when = NULL, *agency = NULL;
	struct calendar *cal = NULL;
	struct catalog *c = NULL;
	struct store *s = NULL;
	struct verr e;
	char err[200];
	int64_t now = clock_now();
	size_t n = 0;
	static const char *const verbs[] = { "scan", "overdue", NULL };
	int ch, rc = 1, verb, scan, ok = 0, held;

	if ((verb = cli_verb(&argc, &argv, verbs)) == -1)
		goto usage;
	scan = verb == 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			when = optarg;
			break;
		case 'a':
			if (scan)
				goto usage;
			agency = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	if ((c = cli_load_catalog(s)) == NULL ||
	    ((cal = cli_setup_deadlines(s, &ok)) == NULL && !ok))
		goto out;
	if (when != NULL && datetime_parse(when, &now, err, sizeof(err)) == -1) {
		fprintf(stderr, "veche: --now: %s\n", err);
		rc = 2;
		goto out;
	}
	if (scan) {
		/* Asked for: scans whenever the last scan was. */
		if ((held = escalation_scan_leased(s, now, 0, print_notice,
		    NULL, &n, &e)) == -1) {
			fprintf(stderr, "veche: %s (%zu emitted before)\n",
			    e.message, n);
			goto out;
		}
		if (held == 1) {
			fprintf(stderr, "veche: deadlines not scanned: another "
			    "process (a server's deadline scanner) holds the "
			    "lease %s and is scanning; its scan sends the same "
			    "notices.  Run again when it is done to see this "
			    "list\n", ESCALATION_LEASE);
			rc = 3;
			goto out;
		}
		fprintf(stderr, "veche: %zu deadline notice%s emitted\n", n,
		    n == 1 ? "" : "s");
	} else if (workflow_overdue(s, agency, now, print_overdue, NULL) != 0) {
		fprintf(stderr, "veche: overdue list: %s\n", db_error(s));
		goto out;
	}
	rc = 0;
out:
	catalog_free(c);
	db_close(s);
	calendar_free(cal);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_deadlines = {
	"deadlines", NULL, "59-FZ deadlines: notify near and passed ones, list\n"
	"overdue reports", usage, run,
};
