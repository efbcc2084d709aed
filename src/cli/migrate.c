/*
 * migrate.c: 'veche migrate', a SQLite deployment copied into PostgreSQL
 * and verified (cli.h; docs/scaling.md, "veche migrate").
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/copy.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/db.h"
#include "core/error.h"
#include "core/parse.h"

static const char usage[] =
    "usage: veche migrate --from FILE --to URL [--batch N] "
    "[--method copy|insert]\n"
    "\n"
    "Copy the SQLite database FILE into the empty PostgreSQL database at\n"
    "URL (postgresql://...), table by table in batches of N rows (default\n"
    "10000) a transaction, by COPY (default) or multi-row INSERT; rebuild\n"
    "the text index there; continue the id sequences after the copied\n"
    "ids.  Then compare every table's rows on both sides (printed as a\n"
    "table) and verify the audit log's hash chain on the target.  Stop\n"
    "writes first (stop veche serve); start it again with --db URL.\n"
    "Prints a progress line every few seconds.  Exit 0 when everything\n"
    "was copied and verified; 1 otherwise, naming the tables and columns\n"
    "of modules not yet on PostgreSQL that stayed behind.\n";

#define PROGRESS_EVERY 2.0      /* seconds between progress lines */

struct progress {
	struct timespec start;
	double last;
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
print_progress(const char *table, int64_t table_rows, int64_t rows,
    int64_t total, void *arg)
{
	struct progress *p = arg;
	double t = seconds_since(&p->start);

	if (rows < total && t - p->last < PROGRESS_EVERY)
		return;
	p->last = t;
	fprintf(stderr, "veche: migrate: %s: %" PRId64 " rows; %" PRId64
	    " of %" PRId64 " in all (%" PRId64 "%%), %.0f a second\n", table,
	    table_rows, rows, total, total > 0 ? rows * 100 / total : 100,
	    t > 0 ? (double)rows / t : 0.0);
}

static int
parse(int argc, char **argv, const char **from, const char **to,
    struct copy_opts *o)
{
	const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "method", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t v;
	int ch;

	*from = *to = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			*from = optarg;
			break;
		case 't':
			*to = optarg;
			break;
		case 'b':
			if (parse_int64(optarg, 1, 1000000, &v) == -1) {
				fprintf(stderr, "veche: --batch: 1 to 1000000 "
				    "rows\n");
				return -1;
			}
			o->batch = v;
			break;
		case 'm':
			if (strcmp(optarg, "copy") == 0)
				o->method = COPY_METHOD_COPY;
			else if (strcmp(optarg, "insert") == 0)
				o->method = COPY_METHOD_INSERT;
			else {
				fprintf(stderr, "veche: --method: copy or "
				    "insert\n");
				return -1;
			}
			break;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return -1;
	}
	if (*from == NULL || *to == NULL) {
		fprintf(stderr, "veche: --%s: required\n%s", *from == NULL ?
		    "from" : "to", usage);
		return -1;
	}
	if (strncmp(*to, "postgresql://", 13) != 0 &&
	    strncmp(*to, "postgres://", 11) != 0) {
		fprintf(stderr, "veche: --to: a PostgreSQL URL "
		    "(postgresql://...)\n");
		return -1;
	}
	return 0;
}

static const char *const state_names[COPY_STATE__MAX] = {
	[COPY_COPIED] = "copied",
	[COPY_REBUILT] = "rebuilt",
	[COPY_MISSING] = "not copied",
	[COPY_KEPT] = "kept",
};

/* The table of counts; returns how many tables were left behind. */
static size_t
print_tables(const struct copy_report *r)
{
	const struct copy_table *t;
	size_t i, missing = 0;

	printf("%-28s %-10s %-10s %12s %12s\n", "table", "module", "state",
	    "source", "target");
	for (i = 0; i < r->n; i++) {
		t = &r->t[i];
		if (t->state == COPY_MISSING) {
			missing++;
			printf("%-28s %-10s %-10s %12" PRId64 " %12s\n",
			    t->name, t->module, state_names[t->state],
			    t->from_rows, "-");
			continue;
		}
		printf("%-28s %-10s %-10s %12" PRId64 " %12" PRId64 "%s\n",
		    t->name, t->module, state_names[t->state], t->from_rows,
		    t->to_rows, t->from_rows == t->to_rows ? "" :
		    "  DIFFERENT");
	}
	for (i = 0; i < r->n; i++)
		if (r->t[i].state == COPY_MISSING)
			printf("not copied: table %s (module %s not yet on "
			    "PostgreSQL)\n", r->t[i].name, r->t[i].module[0] ?
			    r->t[i].module : "?");
	for (i = 0; i < r->nlost; i++)
		printf("not copied: column %s.%s (module %s not yet on "
		    "PostgreSQL)\n", r->lost[i].table, r->lost[i].column,
		    r->lost[i].module[0] ? r->lost[i].module : "?");
	if (r->lost_more > 0)
		printf("not copied: %zu more columns\n", r->lost_more);
	return missing;
}

/*
 * audit verify on the target beside the source: 0 when both chains are
 * intact and as long, 1 otherwise (or not yet possible), -1 on error.
 */
static int
verify_audit(struct store *from, const char *url,
    const struct copy_report *r)
{
	struct audit_check a, b;
	struct store *to;
	struct verr e;
	char err[512], modules[256] = "";
	size_t i, n;
	int rc;

	if ((to = db_copy_open_full(url, err, sizeof(err))) == NULL ||
	    !db_copy_has_audit(to)) {
		/* The modules of the tables left behind, each once. */
		for (i = 0; i < r->n; i++) {
			if (r->t[i].state != COPY_MISSING ||
			    strstr(modules, r->t[i].module) != NULL)
				continue;
			n = strlen(modules);
			snprintf(modules + n, sizeof(modules) - n, "%s%s",
			    n ? ", " : "", r->t[i].module);
		}
		printf("audit verify: not yet: %s not converted\n", to == NULL ?
		    modules : "workflow module (the audit log)");
		db_close(to);
		return 1;
	}
	if (audit_verify(from, &a, &e) == -1 || (rc = audit_verify(to, &b,
	    &e)) == -1) {
		fprintf(stderr, "veche: audit verify: %s\n", e.message);
		db_close(to);
		return -1;
	}
	db_close(to);
	if (rc == 1) {
		printf("audit verify: entry %lld of the target is broken: %s\n",
		    (long long)b.bad_id, b.why);
		return 1;
	}
	printf("audit verify: %lld entries, chain intact (source: %lld, head "
	    "%s)\n", (long long)b.entries, (long long)a.entries, b.head);
	return a.entries == b.entries && strcmp(a.head, b.head) == 0 ? 0 : 1;
}

static int
run(int argc, char **argv)
{
	struct copy_opts o = { .method = COPY_METHOD_COPY,
	    .progress = print_progress };
	static struct copy_report r;
	struct store *from = NULL, *to = NULL;
	const char *path, *url;
	struct progress p = { { 0, 0 }, 0 };
	struct stat st;
	char err[1024], skipped[2048];
	int rc, status = 1, counts;
	size_t missing;

	if (parse(argc, argv, &path, &url, &o) == -1)
		return 2;
	/* Opening would create an empty database at a mistyped path. */
	if (stat(path, &st) == -1) {
		fprintf(stderr, "veche: --from %s: %s\n", path, strerror(errno));
		return 1;
	}
	if ((from = cli_open_store(path)) == NULL)
		return 1;
	if ((to = db_copy_target(url, skipped, sizeof(skipped), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --to: %s\n", err);
		goto out;
	}
	if (skipped[0] != '\0')
		printf("target schema: waiting for modules not yet on "
		    "PostgreSQL: %s\n", skipped);
	o.arg = &p;
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	if ((rc = db_copy(from, to, &o, &r, err, sizeof(err))) == -1) {
		fprintf(stderr, "veche: migrate: %s\n", err);
		goto out;
	}
	fprintf(stderr, "veche: migrate: %" PRId64 " rows copied in %.1f s\n",
	    r.rows, seconds_since(&p.start));
	if ((counts = db_copy_verify(from, to, &r, err, sizeof(err))) == -1) {
		fprintf(stderr, "veche: migrate: verifying: %s\n", err);
		goto out;
	}
	db_close(to);
	to = NULL;
	missing = print_tables(&r);
	printf("rows: %s\n", counts == 0 ? "equal in every copied table" :
	    "DIFFERENT (see the table above)");
	if (verify_audit(from, url, &r) == 0 && rc == 0 && counts == 0)
		status = 0;
	if (rc == 1)
		fprintf(stderr, "veche: migrate: incomplete: %zu tables and "
		    "%zu columns of modules not yet on PostgreSQL stayed "
		    "behind; the rest is copied and counted\n", missing,
		    r.nlost + r.lost_more);
out:
	db_close(to);
	db_close(from);
	return status;
}

const struct cli_command cli_migrate = {
	"migrate", NULL, "copy a SQLite database into PostgreSQL and verify "
	    "it", usage, run,
};
