/* city.c: 'veche city import', a city file into the database (cli.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "core/db.h"

static const char usage[] =
    "usage: veche city import [--db FILE] FILE.json\n"
    "\n"
    "Load (or update) services, agencies, their areas and settings from a\n"
    "city file; see docs/city.md and data/demo/city.json.\n";

static int
run(int argc, char **argv)
{
	const char *db;
	struct store *s;
	char **args;
	int rc;

	if ((args = cli_db_only_args(argc, argv, "import", usage, 1,
	    &db)) == NULL)
		return 2;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	rc = cli_import_city(s, args[0]);
	if (rc == 0)
		fprintf(stderr, "veche: imported %s into %s\n", args[0], db);
	db_close(s);
	return rc == 0 ? 0 : 1;
}

const struct cli_command cli_city = {
	"city", "import", "load services, agencies and areas from a JSON file",
	usage, run,
};
