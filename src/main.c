/*
 * main.c: veche's command line.  Wiring only: start libsodium, the clock
 * and the search stemmer, look argv[1] up in the table of commands
 * (cli/cli.h) and run it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "cli/cli.h"
#include "cli/photo_worker.h"
#include "core/clock.h"
#include "core/search.h"

int
main(int argc, char **argv)
{
	const struct cli_command *c;
	char err[512];
	const char *cmd;

	/* The confined photo decoder: nothing else of veche is started. */
	if (argc >= 2 && strcmp(argv[1], "photo-worker") == 0)
		return cli_photo_worker(argc - 1, argv + 1);
	if (sodium_init() < 0) {
		fprintf(stderr, "veche: libsodium failed to start\n");
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		cli_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("veche %s\n", VECHE_VERSION);
		return 0;
	}
	/* The one clock (core/clock.h): tests and demos may set it. */
	if (clock_configure(getenv("VECHE_CLOCK"), err, sizeof(err)) == -1) {
		fprintf(stderr, "veche: %s\n", err);
		return 2;
	}
	/* Report text is indexed and searched by stems (core/search.h). */
	search_configure();
	cmd = argv[1];
	argc--;
	argv++;
	if ((c = cli_command_find(cmd)) == NULL) {
		fprintf(stderr, "veche: unknown command '%s'; the commands "
		    "are:\n\n", cmd);
		cli_help(stderr);
		return 2;
	}
	if (c->usage != NULL && cli_wants_help(argc, argv)) {
		fputs(c->usage, stdout);
		return 0;
	}
	return c->run(argc, argv);
}
