/*
 * main.c: veche's command line.  Wiring only: parse arguments, open the
 * store, call core, run the server.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "veche.h"
#include "api/app.h"
#include "api/routes.h"
#include "core/apikey.h"
#include "core/catalog.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/demo.h"
#include "core/parse.h"
#include "http/http.h"
#include "store/store.h"
#include "text/cli.h"

#define DEFAULT_DB      "veche.db"
#define DEFAULT_LISTEN  "127.0.0.1:8080"
#define DEMO_REPORTS    300
#define DEMO_DAYS       120

static const char usage_main[] =
    "usage: veche COMMAND [options]\n"
    "\n"
    "veche: a civic feedback platform (city problem reports, agency\n"
    "workflow under 59-FZ, Open311 GeoReport v2).\n"
    "\n"
    "commands:\n"
    "  serve          run the web server and the Open311 API\n"
    "  city import    load services, agencies and areas from a JSON file\n"
    "  seed           add generated demo reports (for demos, benchmarks)\n"
    "  apikey create  issue an API key for an integrating system\n"
    "  text           Russian/English text tools (tokens, sentiment, ...)\n"
    "\n"
    "Run 'veche COMMAND --help' for a command's options.\n";

static const char usage_serve[] =
    "usage: veche serve [--db FILE] [--listen HOST:PORT] [--demo]\n"
    "                   [--demo-reports N] [--threads N] [--public-url URL]\n"
    "\n"
    "  --db FILE          SQLite database (default " DEFAULT_DB "), created\n"
    "                     if missing\n"
    "  --listen HOST:PORT address to serve on (default " DEFAULT_LISTEN ");\n"
    "                     port 0 picks a free port\n"
    "  --demo             if the database is empty, load the demo city\n"
    "                     (data/demo/city.json) and demo reports\n"
    "  --demo-reports N   how many demo reports (default 300)\n"
    "  --threads N        worker threads (default 4)\n"
    "  --public-url URL   the address clients use (default http://HOST:PORT)\n"
    "  --no-cache         render every GET anew (see docs/performance.md)\n"
    "\n"
    "Prints 'veche: listening on URL' when ready; stops on SIGINT/SIGTERM.\n";

static const char usage_city[] =
    "usage: veche city import [--db FILE] FILE.json\n"
    "\n"
    "Load (or update) services, agencies, their areas and settings from a\n"
    "city file; see docs/city.md and data/demo/city.json.\n";

static const char usage_seed[] =
    "usage: veche seed [--db FILE] [--reports N] [--days D] [--seed S]\n"
    "\n"
    "Add N (default 300) generated reports spread over the last D (default\n"
    "120) days inside the city's areas.  Import a city first.\n";

static const char usage_apikey[] =
    "usage: veche apikey create [--db FILE] --name NAME [--agency CODE]\n"
    "\n"
    "Print a new API key once; only its hash is stored.  --agency scopes\n"
    "the key to one agency.\n";

/* The folder of shipped data files (the demo city, text models). */
static const char *
data_dir(void)
{
	const char *d = getenv("VECHE_DATADIR");

	return d != NULL && *d != '\0' ? d : VECHE_DATADIR;
}

static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

static struct store *
open_store(const char *path)
{
	struct store *s;
	char err[600];

	if ((s = store_open(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "veche: %s\n", err);
	return s;
}

static struct catalog *
load_catalog(struct store *s)
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

static void
print_progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rveche: seeding reports: %zu of %zu (%zu%%)", done,
	    total, total ? done * 100 / total : 100);
	if (done == total)
		fputc('\n', stderr);
}

static int
seed_reports(struct store *s, const struct catalog *c, size_t n, int days,
    uint64_t seed)
{
	struct demo_progress p = { print_progress, NULL };
	struct verr e;

	if (demo_seed(s, c, n, days, seed, (int64_t)time(NULL), &p, &e) == -1) {
		fprintf(stderr, "veche: seeding failed: %s\n", e.message);
		return -1;
	}
	return 0;
}

static int
import_city(struct store *s, const char *path)
{
	struct verr e;

	if (city_import_file(s, path, &e) == -1) {
		fprintf(stderr, "veche: %s: %s\n", path, e.message);
		return -1;
	}
	return 0;
}

/* Load the demo city and reports into an empty database. */
static int
demo_setup(struct store *s, size_t nreports)
{
	struct catalog *c = NULL;
	char path[1024];
	int64_t count;
	int rc = -1;

	if ((c = load_catalog(s)) == NULL)
		return -1;
	if (catalog_nservices(c) == 0) {
		snprintf(path, sizeof(path), "%s/demo/city.json", data_dir());
		fprintf(stderr, "veche: loading the demo city from %s\n", path);
		catalog_free(c);
		if (import_city(s, path) == -1 || (c = load_catalog(s)) == NULL)
			return -1;
	}
	if (store_report_count(s, &count) == -1) {
		fprintf(stderr, "veche: %s\n", store_error(s));
		goto out;
	}
	if (count == 0 && seed_reports(s, c, nreports, DEMO_DAYS, 1) == -1)
		goto out;
	rc = 0;
out:
	catalog_free(c);
	return rc;
}

/* Split "host:port" or "[v6]:port". */
static int
parse_listen(const char *s, char *host, size_t hostlen, unsigned *port)
{
	const char *colon;
	int64_t p;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		snprintf(host, hostlen, "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		snprintf(host, hostlen, "%.*s", (int)(colon - s), s);
	}
	if (host[0] == '\0' || parse_int64(colon + 1, 0, 65535, &p) == -1)
		return -1;
	*port = (unsigned)p;
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "demo", no_argument, NULL, 'D' },
		{ "demo-reports", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB, *listen = DEFAULT_LISTEN, *url = NULL;
	int64_t threads = VECHE_DEFAULT_THREADS, nreports = DEMO_REPORTS;
	struct http_config cfg;
	struct http_server *srv = NULL;
	struct http_route *routes = NULL;
	struct store *s = NULL;
	struct app app;
	char host[256], err[600], public_url[512], static_dir[1024];
	unsigned port;
	int ch, demo = 0, rc = 1, sig, app_ready = 0;
	sigset_t set;

	memset(&app, 0, sizeof(app));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'D':
			demo = 1;
			break;
		case 'n':
			if (parse_int64(optarg, 1, 100000000, &nreports) == -1) {
				fprintf(stderr, "veche: --demo-reports: a "
				    "positive number\n");
				return 2;
			}
			break;
		case 't':
			if (parse_int64(optarg, 1, 256, &threads) == -1) {
				fprintf(stderr, "veche: --threads: 1 to 256\n");
				return 2;
			}
			break;
		case 'u':
			url = optarg;
			break;
		case 'C':
			app.no_cache = 1;
			break;
		default:
			fputs(usage_serve, stderr);
			return 2;
		}
	}
	if (optind != argc || parse_listen(listen, host, sizeof(host),
	    &port) == -1) {
		fprintf(stderr, "veche: --listen: expected HOST:PORT, e.g. "
		    "127.0.0.1:8080\n");
		return 2;
	}
	if ((s = open_store(db)) == NULL)
		return 1;
	if (demo && demo_setup(s, (size_t)nreports) == -1)
		goto out;
	if ((app.catalog = load_catalog(s)) == NULL)
		goto out;
	if (catalog_nservices(app.catalog) == 0)
		fprintf(stderr, "veche: warning: the city has no services yet; "
		    "load one with 'veche city import' or start with --demo\n");
	app.db_path = db;
	if (app_init(&app) == -1) {
		fprintf(stderr, "veche: cannot set up threads\n");
		goto out;
	}
	app_ready = 1;

	/* Signals are taken by sigwait below, not by the worker threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = host;
	cfg.port = port;
	cfg.threads = (unsigned)threads;
	if ((routes = routes_build(&cfg.nroutes)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		goto out;
	}
	cfg.routes = routes;
	cfg.access = routes_access;
	cfg.error = routes_error;
	cfg.app = &app;
	snprintf(static_dir, sizeof(static_dir), "%s/../web", data_dir());
	cfg.static_dir = static_dir;
	if ((srv = http_server_start(&cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		goto out;
	}
	port = http_server_port(srv);
	if (url == NULL) {
		snprintf(public_url, sizeof(public_url), strchr(host, ':') ?
		    "http://[%s]:%u" : "http://%s:%u", host, port);
		url = public_url;
	}
	app.public_url = url;
	printf("veche: listening on %s/\n", url);
	printf("veche: Open311 API at %s/open311/v2/discovery.json\n", url);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "veche: stopping (signal %d)\n", sig);
	rc = 0;
out:
	http_server_stop(srv);
	free(routes);
	if (app_ready)
		app_finish(&app);
	catalog_free(app.catalog);
	store_close(s);
	return rc;
}

/* Options shared by the small commands: --db and the ones they list. */
static int
cmd_city(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB;
	struct store *s;
	int ch, rc;

	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fputs(usage_city, stderr);
		return 2;
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'd') {
			fputs(usage_city, stderr);
			return 2;
		}
		db = optarg;
	}
	if (optind != argc - 1) {
		fputs(usage_city, stderr);
		return 2;
	}
	if ((s = open_store(db)) == NULL)
		return 1;
	rc = import_city(s, argv[optind]);
	if (rc == 0)
		fprintf(stderr, "veche: imported %s into %s\n", argv[optind], db);
	store_close(s);
	return rc == 0 ? 0 : 1;
}

static int
cmd_seed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "reports", required_argument, NULL, 'n' },
		{ "days", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB;
	int64_t n = DEMO_REPORTS, days = DEMO_DAYS, seed = 1;
	struct catalog *c = NULL;
	struct store *s;
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
	if ((s = open_store(db)) == NULL)
		return 1;
	if ((c = load_catalog(s)) != NULL &&
	    seed_reports(s, c, (size_t)n, (int)days, (uint64_t)seed) == 0)
		rc = 0;
	catalog_free(c);
	store_close(s);
	return rc;
usage:
	fputs(usage_seed, stderr);
	return 2;
}

static int
cmd_apikey(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "agency", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB, *name = NULL, *agency = NULL;
	struct catalog *c = NULL;
	struct store *s;
	struct verr e;
	char key[APIKEY_LEN];
	int ch, rc = 1;

	if (argc < 2 || strcmp(argv[1], "create") != 0) {
		fputs(usage_apikey, stderr);
		return 2;
	}
	argc--;
	argv++;
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
			fputs(usage_apikey, stderr);
			return 2;
		}
	}
	if (optind != argc || name == NULL) {
		fputs(usage_apikey, stderr);
		return 2;
	}
	if ((s = open_store(db)) == NULL)
		return 1;
	if ((c = load_catalog(s)) == NULL)
		goto out;
	if (apikey_create(s, c, name, agency, (int64_t)time(NULL), key,
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
	store_close(s);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (sodium_init() < 0) {
		fprintf(stderr, "veche: libsodium failed to start\n");
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("veche %s\n", VECHE_VERSION);
		return 0;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "text") == 0)
		return text_cli(argc, argv);
	if (wants_help(argc, argv)) {
		fputs(strcmp(cmd, "serve") == 0 ? usage_serve :
		    strcmp(cmd, "city") == 0 ? usage_city :
		    strcmp(cmd, "seed") == 0 ? usage_seed :
		    strcmp(cmd, "apikey") == 0 ? usage_apikey : usage_main,
		    stdout);
		return 0;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "city") == 0)
		return cmd_city(argc, argv);
	if (strcmp(cmd, "seed") == 0)
		return cmd_seed(argc, argv);
	if (strcmp(cmd, "apikey") == 0)
		return cmd_apikey(argc, argv);
	fprintf(stderr, "veche: unknown command '%s'\n\n%s", cmd, usage_main);
	return 2;
}
