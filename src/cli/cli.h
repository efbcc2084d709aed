/*
 * cli.h: veche's commands.  main.c looks argv[1] up in the one table,
 * cli_commands, and runs what it finds; each command lives in its own
 * file of src/cli/ and exports its table entry (struct cli_command).
 * common.c holds what several commands share: the --db option, opening
 * the store and the catalog, the demo data and the deadline set-up.
 *
 * Every command prints its own errors on stderr ("veche: ...") and returns
 * the process exit status: 0 done, 1 failed, 2 usage.
 */
#ifndef VECHE_CLI_CLI_H
#define VECHE_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_DEFAULT_DB     "veche.db"
#define CLI_DEMO_REPORTS   300          /* seed and serve --demo */
#define CLI_DEMO_DAYS      120

struct calendar;
struct catalog;
struct store;

struct cli_command {
	const char *name;               /* argv[1] */
	const char *verb;               /* shown after the name by veche --help
					   ("city import"), or NULL */
	const char *summary;            /* veche --help's line; a "\n" goes on
					   in the summary column */
	const char *usage;              /* veche NAME --help prints it; NULL:
					   the command answers --help itself */
	int (*run)(int argc, char **argv);  /* argv[0] is the name */
};

/* The commands in the order veche --help lists them, ending with NULL. */
extern const struct cli_command *const cli_commands[];

/* The command called name, or NULL. */
const struct cli_command *cli_command_find(const char *name);

/* Print veche --help (usage and the table's summaries) to f. */
void cli_help(FILE *f);

/* The table's entries, one per file of src/cli/. */
extern const struct cli_command cli_serve;      /* serve.c */
extern const struct cli_command cli_city;       /* city.c */
extern const struct cli_command cli_seed;       /* seed.c */
extern const struct cli_command cli_apikey;     /* apikey.c */
extern const struct cli_command cli_user;       /* user.c */
extern const struct cli_command cli_audit;      /* audit.c */
extern const struct cli_command cli_deadlines;  /* deadlines.c */
extern const struct cli_command cli_text;       /* text.c */
extern const struct cli_command cli_webhook;    /* delivery.c */
extern const struct cli_command cli_outbox;     /* delivery.c */
extern const struct cli_command cli_export;     /* delivery.c */
extern const struct cli_command cli_backup;     /* ops.c */
extern const struct cli_command cli_restore;    /* ops.c */
extern const struct cli_command cli_source;     /* source.c */
extern const struct cli_command cli_dump;       /* dump.c */
extern const struct cli_command cli_migrate;    /* migrate.c */

/* common.c */

/* Whether --help or -h is among argv[1..argc-1]. */
int cli_wants_help(int argc, char **argv);

/*
 * The verb of "NAME VERB [options]": the index of argv[1] in verbs (ending
 * with NULL), with *argc and *argv moved on to the verb (getopt's argv[0]);
 * -1 if there is no such verb.
 */
int cli_verb(int *argc, char ***argv, const char *const verbs[]);

/* The folder of shipped data files: $VECHE_DATADIR or the built-in one. */
const char *cli_data_dir(void);

/* The folder of the web pages' files: $VECHE_WEBDIR or the built-in one. */
const char *cli_web_dir(void);

/*
 * The arguments of a command whose only option is --db: "VERB [--db FILE]
 * ARG..." with exactly npos arguments.  Sets *db and returns the arguments
 * (argv's own storage), or NULL after printing usage.
 */
char **cli_db_only_args(int argc, char **argv, const char *verb,
    const char *usage, int npos, const char **db);

/* Open the store at path; NULL after saying why.  db_close() it. */
struct store *cli_open_store(const char *path);

/*
 * Load the catalog and set the time zone it names; NULL after saying why.
 * The caller frees it (catalog_free).
 */
struct catalog *cli_load_catalog(struct store *s);

/* Import the city file path into s; 0, or -1 after saying why. */
int cli_import_city(struct store *s, const char *path);

/* Add n demo reports over the last days days; 0, or -1 after saying why. */
int cli_seed_reports(struct store *s, const struct catalog *c, size_t n,
    int days, uint64_t seed);

/*
 * Install the deployment's working-day calendar and deadline settings and
 * log which years the calendar covers.  Returns the calendar (NULL for
 * "none"), which the caller frees; *ok = 0 after saying what went wrong.
 */
struct calendar *cli_setup_deadlines(struct store *s, int *ok);

/* delivery.c */

/*
 * Store the mail settings veche serve was given (NULL: keep the stored
 * one; "": remove).  Returns 0, or -1 with a message on stderr.
 */
int cli_delivery_mail_settings(struct store *s, const char *smtp_url,
    const char *from);

/* dump.c */

/* The open data's licence unless a deployment names another. */
#define CLI_DEFAULT_LICENCE "CC-BY-4.0"

/*
 * Write the open data dump of s into dir (made if missing), as of now,
 * under licence (an SPDX id).  Returns 0, or -1 with a message in err.
 */
int cli_dump_write(struct store *s, const struct catalog *c, const char *dir,
    const char *licence, int64_t now, char *err, size_t errlen);

struct app;
struct cli_dump_worker;

/*
 * veche serve --data-dir: a thread that writes the dump into a->data_dir
 * under a->data_licence at once and then every VECHE_DUMP_PERIOD_MS, with
 * its own connection to db.  NULL with a message in err.
 */
struct cli_dump_worker *cli_dump_worker_start(struct app *a, const char *db,
    char *err, size_t errlen);

/* Stop it (waits for a dump under way).  Accepts NULL. */
void cli_dump_worker_stop(struct cli_dump_worker *dw);

/* ops.c */

/*
 * Read the metrics token: the first line of path, VECHE_MIN_METRICS_TOKEN
 * to VECHE_MAX_METRICS_TOKEN printable bytes without spaces, into buf (at
 * least VECHE_MAX_METRICS_TOKEN + 2 bytes).  Returns 0, or -1 after saying
 * why on stderr (naming --metrics-token-file).
 */
int cli_ops_metrics_token(const char *path, char *buf, size_t len);

/* "text" (0) or "json" (1) for --log-format; -1 after saying why. */
int cli_ops_log_format(const char *arg);

#endif
