/* seed.c: 'veche seed', generated demo reports (cli.h). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/catalog.h"
#include "core/parse.h"
#include "core/db.h"
#include "core/demo.h"


static const char usage[] =
    "usage: veche seed [--db FILE] [--reports N] [--days D] [--seed S]\n"
    "\n"
    "Add N (default 300) generated reports spread over the last D (default\n"
    "120) days inside the city's areas.  Import a city first.\n"
    "\n"
    "A bulk load: without fsync until the end, search, spatial and (when N\n"
    "is more than the database holds) secondary indexes made once at the\n"
    "end.  Into a new database it writes without a journal, marked until\n"
    "the end: a crash part-way leaves a file that veche seed refuses; seed\n"
    "a new one.  Prints a progress line every few seconds.\n";

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "reports", required_argument, NULL, 'n' },
		{ "days", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = CLI_DEFAULT_DB;
	int64_t n = CLI_DEMO_REPORTS, days = CLI_DEMO_DAYS, seed = 1;
	struct catalog *c = NULL;
	struct store *s;
	char err[600];
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			if (parse_int64(optarg, 1, 100000000, &n) == -1)
				goto usage;
			break;
		case 'D':
			if (parse_int64(optarg, 1, 3650, &days) == -1)
				goto usage;
			break;
		case 's':
			if (parse_int64(optarg, 0, INT64_MAX, &seed) == -1)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	/* A crashed load's file may not even open: say why first. */
	if (demo_seed_unfinished(db, err, sizeof(err))) {
		fprintf(stderr, "veche: %s\n", err);
		return 1;
	}
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	if ((c = cli_load_catalog(s)) != NULL &&
	    cli_seed_reports(s, c, (size_t)n, (int)days, (uint64_t)seed) == 0)
		rc = 0;
	catalog_free(c);
	db_close(s);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_seed = {
	"seed", NULL, "add generated demo reports (for demos, benchmarks)",
	usage, run,
};
