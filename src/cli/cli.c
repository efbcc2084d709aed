/*
 * cli.c: the table of veche's commands and veche --help, which lists it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Where a summary starts on its line: after "  NAME VERB" padded. */
#define SUMMARY_COLUMN 17

const struct cli_command *const cli_commands[] = {
	&cli_serve, &cli_city, &cli_seed, &cli_apikey, &cli_user, &cli_audit,
	&cli_deadlines, &cli_text, &cli_webhook, &cli_outbox, &cli_export,
	&cli_backup, &cli_restore, &cli_source, &cli_dump, &cli_migrate, NULL,
};

const struct cli_command *
cli_command_find(const char *name)
{
	const struct cli_command *const *c;

	for (c = cli_commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static void
print_summary(FILE *f, const struct cli_command *c)
{
	const char *s;
	int n;

	n = fprintf(f, "  %s%s%s", c->name, c->verb != NULL ? " " : "",
	    c->verb != NULL ? c->verb : "");
	fprintf(f, "%*s", n < SUMMARY_COLUMN ? SUMMARY_COLUMN - n : 1, "");
	for (s = c->summary; *s != '\0'; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%*s", SUMMARY_COLUMN, "");
	}
	fputc('\n', f);
}

void
cli_help(FILE *f)
{
	const struct cli_command *const *c;

	fputs("usage: veche COMMAND [options]\n"
	    "\n"
	    "veche: a civic feedback platform (city problem reports, agency\n"
	    "workflow under 59-FZ, Open311 GeoReport v2).\n"
	    "\n"
	    "commands:\n", f);
	for (c = cli_commands; *c != NULL; c++)
		print_summary(f, *c);
	fputs("\nRun 'veche COMMAND --help' for a command's options.\n", f);
}
