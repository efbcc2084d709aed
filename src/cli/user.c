/*
 * user.c: 'veche user create' and 'veche user passwd', accounts from the
 * command line (the first admin); the password never as an argument.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "veche.h"
#include "cli/cli.h"
#include "core/account.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/db.h"

static const char usage[] =
    "usage: veche user create [--db FILE] --login LOGIN --role ROLE\n"
    "                         [--agency CODE]... [--password-file FILE]\n"
    "       veche user passwd [--db FILE] --login LOGIN [--password-file FILE]\n"
    "\n"
    "ROLE is citizen, moderator, operator, head or admin; operators and\n"
    "heads take one --agency or more.  The password is the first line of\n"
    "FILE, or of standard input: never an argument.  On a terminal it is\n"
    "asked for twice, without echo.  See docs/auth.md.\n";

/*
 * One line from the terminal on stdin after prompt (on stderr), typed
 * without echo.  Returns 0, or -1 when the terminal gave nothing.
 */
static int
ask(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int restore, ok;

	/* Echo off before the prompt: what is typed after it never shows. */
	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1)
			restore = 0;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	ok = fgets(buf, (int)len, stdin) != NULL;
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &old);
	else
		fputc('\n', stderr);
	return ok ? 0 : -1;
}

/* The first line of path (NULL: standard input), without its newline. */
static int
read_password(const char *path, char *buf, size_t len)
{
	FILE *f = path != NULL ? fopen(path, "r") : stdin;
	char again[VECHE_MAX_PASSWORD + 2];
	size_t n;
	int rc = -1, same, tty = path == NULL && isatty(STDIN_FILENO);

	if (f == NULL) {
		fprintf(stderr, "veche: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (tty) {
		/* A person types it: ask twice, echo nothing. */
		if (ask("Password: ", buf, len) == -1 || ask("Repeat the "
		    "password: ", again, sizeof(again)) == -1) {
			fprintf(stderr, "veche: no password given\n");
			return -1;
		}
		n = strcspn(buf, "\r\n");
		again[strcspn(again, "\r\n")] = '\0';
		same = strlen(again) == n && memcmp(buf, again, n) == 0;
		sodium_memzero(again, sizeof(again));
		if (!same) {
			fprintf(stderr, "veche: the passwords differ\n");
			return -1;
		}
	}
	if (tty || fgets(buf, (int)len, f) != NULL) {
		n = strcspn(buf, "\r\n");
		if (buf[n] == '\0' && n == len - 1)
			fprintf(stderr, "veche: the password is longer than "
			    "%d bytes\n", VECHE_MAX_PASSWORD);
		else {
			buf[n] = '\0';
			rc = 0;
		}
	} else
		fprintf(stderr, "veche: no password given (first line of %s)\n",
		    path != NULL ? path : "standard input");
	if (f != stdin)
		fclose(f);
	return rc;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "login", required_argument, NULL, 'l' },
		{ "role", required_argument, NULL, 'r' },
		{ "agency", required_argument, NULL, 'a' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = CLI_DEFAULT_DB, *login = NULL, *role = NULL, *pwfile = NULL;
	const char *agencies[ACTOR_MAX_AGENCIES];
	char pw[VECHE_MAX_PASSWORD + 2];
	struct catalog *c = NULL;
	struct store *s = NULL;
	struct verr e;
	size_t nag = 0;
	static const char *const verbs[] = { "create", "passwd", NULL };
	int ch, verb, create, rc = 1;
	enum role r = ROLE__MAX;

	if ((verb = cli_verb(&argc, &argv, verbs)) == -1)
		goto usage;
	create = verb == 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			login = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'a':
			if (nag == ACTOR_MAX_AGENCIES)
				goto usage;
			agencies[nag++] = optarg;
			break;
		case 'p':
			pwfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || login == NULL || (create && role == NULL) ||
	    (!create && (role != NULL || nag > 0)))
		goto usage;
	if (create && (r = account_role_parse(role)) == ROLE__MAX) {
		fprintf(stderr, "veche: --role: one of citizen, moderator, "
		    "operator, head, admin\n");
		return 2;
	}
	if (read_password(pwfile, pw, sizeof(pw)) == -1)
		return 1;
	if ((s = cli_open_store(db)) == NULL)
		goto out;
	if (create && (c = cli_load_catalog(s)) == NULL)
		goto out;
	if (create ? account_create(s, c, NULL, login, pw, r, agencies, nag,
	    clock_now(), NULL, &e) : account_set_password(s, NULL,
	    login, pw, clock_now(), &e)) {
		fprintf(stderr, "veche: %s\n", e.message);
		goto out;
	}
	fprintf(stderr, create ? "veche: user '%s' created\n" :
	    "veche: password of '%s' set; its sessions ended\n", login);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	catalog_free(c);
	db_close(s);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_user = {
	"user", NULL, "create a user, set a password (the first admin)",
	usage, run,
};
