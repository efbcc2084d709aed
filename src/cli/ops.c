/*
 * ops.c: 'veche backup' and 'veche restore', and the serve options of
 * metrics and logs.
 *
 * A restore never touches the live file until the copy has proved sound:
 * the backup is first copied to a temporary file next to the database,
 * brought to this veche's schema, checked (SQLite's integrity check and the
 * audit chain), and only then copied into the database in one transaction,
 * which SQLite refuses while any other process has the database open.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "veche.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/db.h"
#include "core/parse.h"
#include "core/report.h"

static const char usage_backup[] =
    "usage: veche backup [--db FILE] --to OUT [--step PAGES]\n"
    "\n"
    "Copy the database to OUT while veche serves and writes to it: the\n"
    "copy is the database as it was when the backup began.  OUT is written\n"
    "to a temporary file next to it and renamed into place when complete.\n"
    "--step: pages copied at a time (default " VECHE_STR(VECHE_BACKUP_STEP_PAGES)
    "); a long copy prints its progress.\n"
    "Photos (the media folder) are files: copy them separately.\n"
    "A PostgreSQL --db (a URL) is refused: use pg_dump or pg_basebackup.\n";

static const char usage_restore[] =
    "usage: veche restore --from BACKUP [--db FILE]\n"
    "\n"
    "Replace the database FILE with the backup, after checking the backup's\n"
    "integrity and audit chain.  Refused while FILE is open (stop veche\n"
    "serve first); FILE is created if missing.\n";

/* Whether a and b name the same existing file. */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int
must_exist(const char *option, const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "veche: %s: %s: %s\n", option, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "veche: %s: %s is not a file\n", option, path);
		return -1;
	}
	return 0;
}

static void
print_progress(int done, int total, void *arg)
{
	const int *step = arg;

	/* Only long copies take several steps and deserve a counter. */
	if (total > *step)
		fprintf(stderr, "\rveche: backup: %d of %d pages (%d%%)%s", done,
		    total, total > 0 ? (int)((int64_t)done * 100 / total) : 100,
		    done == total ? "\n" : "");
}

/*
 * Parse --db, --to/--from into db and other, and --step into *step when
 * step is not NULL; 0, or -1 after usage.
 */
static int
parse(int argc, char **argv, const char *usage, const char *name,
    const char **db, const char **other, int *step)
{
	const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ name, required_argument, NULL, 'o' },
		{ "step", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t v;
	int ch;

	*db = CLI_DEFAULT_DB;
	*other = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			*db = optarg;
			break;
		case 'o':
			*other = optarg;
			break;
		case 's':
			if (step == NULL) {
				fputs(usage, stderr);
				return -1;
			}
			if (parse_int64(optarg, 1, 1000000, &v) == -1) {
				fprintf(stderr, "veche: --step: 1 to 1000000 "
				    "pages\n");
				return -1;
			}
			*step = (int)v;
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
	if (*other == NULL || **other == '\0') {
		fprintf(stderr, "veche: --%s: required\n%s", name, usage);
		return -1;
	}
	return 0;
}

static int
cmd_backup(int argc, char **argv)
{
	const char *db, *to;
	struct store *s;
	char err[600];
	int step = VECHE_BACKUP_STEP_PAGES;

	if (parse(argc, argv, usage_backup, "to", &db, &to, &step) == -1)
		return 2;
	if (db_is_url(db)) {
		fprintf(stderr, "veche: --db: %s is a PostgreSQL database: back "
		    "it up with pg_dump (one database) or pg_basebackup (the "
		    "whole server); veche backup copies SQLite files\n", db);
		return 2;
	}
	if (must_exist("--db", db) == -1)
		return 2;
	if (same_file(db, to)) {
		fprintf(stderr, "veche: --to: %s is the database itself\n", to);
		return 2;
	}
	if ((s = db_open(db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return 1;
	}
	if (db_backup(s, to, step, print_progress, &step) == -1) {
		fprintf(stderr, "veche: backup failed: %s\n", db_error(s));
		db_close(s);
		return 1;
	}
	db_close(s);
	fprintf(stderr, "veche: backed up %s to %s\n", db, to);
	return 0;
}

/* Bring the copy at path to this veche's schema and check it.  0 or -1. */
static int
check_copy(const char *path, const char *from)
{
	struct audit_check chk;
	struct store *s;
	struct verr e;
	char err[600], why[300];
	int64_t reports = 0;
	int rc = -1, r;

	if ((s = db_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --from: %s: %s\n", from, err);
		return -1;
	}
	if ((r = db_integrity(s, why, sizeof(why))) != 0) {
		fprintf(stderr, "veche: --from: %s is damaged: %s\n", from,
		    r == 1 ? why : db_error(s));
		goto out;
	}
	if ((r = audit_verify(s, &chk, &e)) != 0) {
		fprintf(stderr, "veche: --from: %s: audit log %s\n", from,
		    r == 1 ? chk.why : e.message);
		goto out;
	}
	if (report_count(s, &reports) == -1) {
		fprintf(stderr, "veche: --from: %s: %s\n", from, db_error(s));
		goto out;
	}
	fprintf(stderr, "veche: %s: %lld reports, %lld audit entries, chain "
	    "intact\n", from, (long long)reports, (long long)chk.entries);
	rc = 0;
out:
	db_close(s);
	return rc;
}

/* Remove the database file path and the files SQLite keeps beside it. */
static void
remove_copy(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
	    "-journal" };
	char side[4200];
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (snprintf(side, sizeof(side), "%s%s", path, suffixes[i]) <
		    (int)sizeof(side))
			unlink(side);
}

static int
cmd_restore(int argc, char **argv)
{
	const char *db, *from;
	char tmp[4096], err[600];
	int fd, rc = 1, r;

	if (parse(argc, argv, usage_restore, "from", &db, &from, NULL) == -1)
		return 2;
	if (db_is_url(db)) {
		fprintf(stderr, "veche: --db: %s is a PostgreSQL database: "
		    "restore it with pg_restore or psql from pg_dump's file; "
		    "veche restore writes SQLite files\n", db);
		return 2;
	}
	if (must_exist("--from", from) == -1)
		return 2;
	if (same_file(db, from)) {
		fprintf(stderr, "veche: --from: %s is the database itself\n",
		    from);
		return 2;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.restore-XXXXXX", db) >=
	    (int)sizeof(tmp) || (fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "veche: --db: cannot create a file next to %s: "
		    "%s\n", db, strerror(errno));
		return 1;
	}
	close(fd);
	if ((r = db_restore_file(from, tmp, err, sizeof(err))) != 0) {
		fprintf(stderr, "veche: --from: %s\n", r == 1 ? "busy" : err);
		goto out;
	}
	if (check_copy(tmp, from) == -1)
		goto out;
	r = db_restore_file(tmp, db, err, sizeof(err));
	if (r == 1)
		fprintf(stderr, "veche: --db: %s is open in another process "
		    "(veche serve?): stop it, then restore\n", db);
	else if (r == -1)
		fprintf(stderr, "veche: restore failed, %s unchanged: %s\n", db,
		    err);
	else {
		fprintf(stderr, "veche: restored %s into %s\n", from, db);
		rc = 0;
	}
out:
	remove_copy(tmp);
	return rc;
}

const struct cli_command cli_backup = {
	"backup", NULL, "copy the database while veche runs", usage_backup,
	cmd_backup,
};

const struct cli_command cli_restore = {
	"restore", NULL, "replace the database with a checked backup",
	usage_restore, cmd_restore,
};

int
cli_ops_metrics_token(const char *path, char *buf, size_t len)
{
	FILE *f;
	size_t n, i;
	int ok = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "veche: --metrics-token-file: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)len, f) != NULL) {
		n = strcspn(buf, "\r\n");
		buf[n] = '\0';
		ok = n >= VECHE_MIN_METRICS_TOKEN && n <= VECHE_MAX_METRICS_TOKEN;
		for (i = 0; ok && i < n; i++)
			if (buf[i] <= ' ' || buf[i] == 0x7f)
				ok = 0;
	}
	fclose(f);
	if (!ok) {
		sodium_memzero(buf, len);
		fprintf(stderr, "veche: --metrics-token-file: the first line of "
		    "%s must be a token of %d to %d printable characters without "
		    "spaces\n", path, VECHE_MIN_METRICS_TOKEN,
		    VECHE_MAX_METRICS_TOKEN);
		return -1;
	}
	return 0;
}

int
cli_ops_log_format(const char *arg)
{
	if (strcmp(arg, "text") == 0)
		return 0;
	if (strcmp(arg, "json") == 0)
		return 1;
	fprintf(stderr, "veche: --log-format: 'text' or 'json', not '%.40s'\n",
	    arg);
	return -1;
}
