/*
 * source.c: 'veche source add|list|remove', listening's sources from the
 * command line (cli.h; docs/listening.md).  The same core verbs as
 * POST /api/v1/sources.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/error.h"
#include "core/listen.h"
#include "core/parse.h"

static const char usage[] =
    "usage: veche source add [--db FILE] --name NAME --kind KIND [--url URL]\n"
    "                        [--interval SECONDS] [--timeout-ms MS]\n"
    "       veche source list [--db FILE]\n"
    "       veche source remove [--db FILE] --id ID\n"
    "\n"
    "Listening's sources.  KIND is rss, atom or jsonfeed (fetched from URL\n"
    "every SECONDS, 900 by default) or vk or telegram (uploaded exports,\n"
    "no URL).  list prints id, name, kind, URL, fetches, posts and the last\n"
    "error, tab-separated.\n";

static int
print_source(const struct source *src, void *arg)
{
	(void)arg;
	printf("%" PRId64 "\t%s\t%s\t%s\t%" PRId64 "\t%" PRId64 "\t%s\n",
	    src->id, src->name, src->kind, src->url ? src->url : "-",
	    src->fetches, src->posts, src->last_error ? src->last_error : "-");
	return 0;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "url", required_argument, NULL, 'u' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "id", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const verbs[] = { "add", "list", "remove", NULL };
	const char *db = CLI_DEFAULT_DB, *name = NULL, *kind = NULL;
	const char *url = NULL, *interval = NULL, *timeout = NULL, *id = NULL;
	int64_t iv = 0, to = 0, sid = 0;
	struct store *s;
	struct verr e;
	int verb, ch, rc = 1;

	if ((verb = cli_verb(&argc, &argv, verbs)) == -1)
		goto usage;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'u': url = optarg; break;
		case 'i': interval = optarg; break;
		case 't': timeout = optarg; break;
		case 'x': id = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc || (verb == 0 && (name == NULL || kind == NULL)) ||
	    (verb == 2 && id == NULL))
		goto usage;
	if ((interval != NULL && parse_int64(interval, 1, INT32_MAX, &iv) ==
	    -1) || (timeout != NULL && parse_int64(timeout, 1, INT32_MAX, &to)
	    == -1) || (id != NULL && parse_int64(id, 1, INT64_MAX, &sid) == -1))
		goto usage;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	memset(&e, 0, sizeof(e));
	if (verb == 0 && listen_source_add(s, name, kind, url, iv, to,
	    clock_now(), &sid, &e) == 0) {
		printf("%" PRId64 "\n", sid);
		rc = 0;
	} else if (verb == 1) {
		rc = listen_source_each(s, 0, print_source, NULL) == 0 ? 0 : 1;
		if (rc != 0)
			fprintf(stderr, "veche: %s\n", db_error(s));
	} else if (verb == 2 && listen_source_remove(s, sid, &e) == 0)
		rc = 0;
	if (rc != 0 && e.message[0] != '\0')
		fprintf(stderr, "veche: %s\n", e.message);
	db_close(s);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_source = {
	"source", "add|list|remove", "listening's sources (feeds, exports)",
	usage, run,
};
