/*
 * common.c: what several commands share (cli.h): the --db option, the
 * store and catalog they open, the demo data and the deadline set-up.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "cli/cli.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/clock.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/demo.h"
#include "core/error.h"
#include "core/db.h"

int
cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
cli_verb(int *argc, char ***argv, const char *const verbs[])
{
	int i;

	if (*argc < 2)
		return -1;
	for (i = 0; verbs[i] != NULL; i++)
		if (strcmp((*argv)[1], verbs[i]) == 0) {
			(*argc)--;
			(*argv)++;
			return i;
		}
	return -1;
}

const char *
cli_data_dir(void)
{
	const char *d = getenv("VECHE_DATADIR");

	return d != NULL && *d != '\0' ? d : VECHE_DATADIR;
}

const char *
cli_web_dir(void)
{
	const char *d = getenv("VECHE_WEBDIR");

	return d != NULL && *d != '\0' ? d : VECHE_WEBDIR;
}

char **
cli_db_only_args(int argc, char **argv, const char *verb, const char *usage,
    int npos, const char **db)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *const verbs[] = { verb, NULL };
	int ch;

	*db = CLI_DEFAULT_DB;
	if (cli_verb(&argc, &argv, verbs) == -1)
		goto usage;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'd')
			goto usage;
		*db = optarg;
	}
	if (argc - optind != npos)
		goto usage;
	return argv + optind;
usage:
	fputs(usage, stderr);
	return NULL;
}

struct store *
cli_open_store(const char *path)
{
	struct store *s;
	char err[600];

	if ((s = db_open(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "veche: %s\n", err);
	return s;
}

struct catalog *
cli_load_catalog(struct store *s)
{
	struct catalog *c;
	char err[600];

	if ((c = catalog_load(s, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return NULL;
	}
	if (datetime_set_zone(catalog_timezone(c)) == -1) {
		fprintf(stderr, "veche: unknown time zone '%s' in the database; "
		    "fix it with 'veche city import'\n", catalog_timezone(c));
		catalog_free(c);
		return NULL;
	}
	return c;
}

int
cli_import_city(struct store *s, const char *path)
{
	struct verr e;

	if (city_import_file(s, path, &e) == -1) {
		fprintf(stderr, "veche: %s: %s\n", path, e.message);
		return -1;
	}
	return 0;
}

/* Seconds on CLOCK_MONOTONIC: how long the seed runs, not the app's time. */
static double
elapsed_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Where the progress of a seed stands. */
struct seed_clock {
	struct timespec start;
	double last;                    /* seconds of the last line */
};

#define SEED_PROGRESS_EVERY 2.0        /* seconds between progress lines */

/* A line every SEED_PROGRESS_EVERY seconds: done, rate, time left. */
static void
print_progress(size_t done, size_t total, void *arg)
{
	struct seed_clock *c = arg;
	double t = elapsed_since(&c->start), rate;

	if (done < total && t - c->last < SEED_PROGRESS_EVERY)
		return;
	c->last = t;
	rate = t > 0 ? (double)done / t : 0;
	fprintf(stderr, "veche: seeding reports: %zu of %zu (%zu%%), %.0f a "
	    "second, %.0f s so far", done, total, total ? done * 100 / total :
	    100, rate, t);
	if (done < total)
		fprintf(stderr, ", about %.0f s to go\n", rate > 0 ?
		    (double)(total - done) / rate : 0);
	else
		fputs("; indexing them\n", stderr);
}

/* The same for the copy into PostgreSQL that may end a seed. */
static void
print_copied(int64_t rows, int64_t total, void *arg)
{
	struct seed_clock *c = arg;
	double t = elapsed_since(&c->start);

	if (rows < total && t - c->last < SEED_PROGRESS_EVERY)
		return;
	c->last = t;
	fprintf(stderr, "veche: copying into PostgreSQL: %" PRId64 " of %"
	    PRId64 " rows (%" PRId64 "%%), %.0f s so far%s\n", rows, total,
	    total > 0 ? rows * 100 / total : 100, t, rows < total ? "" :
	    "; indexing them");
}

int
cli_seed_reports(struct store *s, const struct catalog *c, size_t n,
    int days, uint64_t seed)
{
	struct seed_clock clk = { { 0, 0 }, 0 };
	struct demo_progress p = { print_progress, &clk, print_copied };
	struct verr e;

	clock_gettime(CLOCK_MONOTONIC, &clk.start);
	if (demo_seed(s, c, n, days, seed, clock_now(), &p, &e) == -1) {
		fprintf(stderr, "veche: seeding failed: %s\n", e.message);
		return -1;
	}
	fprintf(stderr, "veche: seeded %zu reports in %.1f s\n", n,
	    elapsed_since(&clk.start));
	return 0;
}

struct calendar *
cli_setup_deadlines(struct store *s, int *ok)
{
	struct calendar *cal;
	char err[800], what[1024];
	int year;

	if ((cal = deadline_configure(s, cli_data_dir(), ok, err,
	    sizeof(err))) == NULL && !*ok) {
		fprintf(stderr, "veche: %s\n", err);
		return NULL;
	}
	if (clock_is_set()) {
		char when[DATETIME_LEN];

		fprintf(stderr, "veche: the clock is set by VECHE_CLOCK; "
		    "now is %s\n", datetime_format(clock_now(), when,
		    sizeof(when)));
	}
	fprintf(stderr, "veche: %s\n", calendar_describe(cal, what,
	    sizeof(what)));
	if ((year = deadline_calendar_gap(clock_now(),
	    VECHE_CALENDAR_WARN_DAYS)) != 0)
		fprintf(stderr, "veche: warning: the working-day calendar has "
		    "no year %d; deadlines in it count Monday to Friday: add "
		    "data/calendar/ru-%d.txt (see data/calendar/README.md)\n",
		    year, year);
	return cal;
}
