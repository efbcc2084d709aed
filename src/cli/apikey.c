/* apikey.c: 'veche apikey create', a key for an integrating system (cli.h). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/apikey.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/db.h"

static const char usage[] =
    "usage: veche apikey create [--db FILE] --name NAME [--agency CODE]\n"
    "\n"
    "Print a new API key once; only its hash is stored.  --agency scopes\n"
    "the key to one agency.\n";

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "agency", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = CLI_DEFAULT_DB, *name = NULL, *agency = NULL;
	struct catalog *c = NULL;
	struct store *s;
	struct verr e;
	char key[APIKEY_LEN];
	static const char *const verbs[] = { "create", NULL };
	int ch, rc = 1;

	if (cli_verb(&argc, &argv, verbs) == -1)
		goto usage;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'a':
			agency = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || name == NULL)
		goto usage;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	if ((c = cli_load_catalog(s)) == NULL)
		goto out;
	if (apikey_create(s, c, name, agency, clock_now(), key,
	    &e) == -1) {
		fprintf(stderr, "veche: %s\n", e.message);
		goto out;
	}
	printf("%s\n", key);
	fprintf(stderr, "veche: API key '%s' created; it is shown only once\n",
	    name);
	rc = 0;
out:
	catalog_free(c);
	db_close(s);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_apikey = {
	"apikey", "create", "issue an API key for an integrating system",
	usage, run,
};
