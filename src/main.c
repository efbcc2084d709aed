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
#include "api/cli_delivery.h"
#include "api/metrics.h"
#include "cli/ops.h"
#include "cli/photo_worker.h"
#include "core/delivery.h"
#include "core/account.h"
#include "core/apikey.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/city.h"
#include "core/clock.h"
#include "core/calendar.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/demo.h"
#include "core/escalation.h"
#include "core/parse.h"
#include "core/workflow.h"
#include "http/http.h"
#include "store/store.h"
#include "store/store_workflow.h"
#include "text/cli.h"

#define DEFAULT_DB      "veche.db"
#define DEFAULT_LISTEN  "127.0.0.1:8080"
#define DEMO_REPORTS    300
#define DEMO_DAYS       120
#define DEFAULT_TILES   "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

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
    "  user           create a user, set a password (the first admin)\n"
    "  audit verify   check the audit log's hash chain\n"
    "  deadlines      59-FZ deadlines: notify near and passed ones, list\n"
    "                 overdue reports\n"
    "  text           Russian/English text tools (tokens, sentiment, ...)\n"
    "  webhook        signed webhooks to agency systems (add, list, remove)\n"
    "  outbox         delivery statistics, replay of dead deliveries\n"
    "  export csv     an agency's reports for a period as CSV\n"
    "  backup         copy the database while veche runs\n"
    "  restore        replace the database with a checked backup\n"
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
    "  --threads N        worker threads (default 8)\n"
    "  --public-url URL   the address clients use (default http://HOST:PORT)\n"
    "  --no-cache         render every GET anew (see docs/performance.md)\n"
    "  --media DIR        folder for citizens' photos (default: media/ next\n"
    "                     to the database)\n"
    "  --tiles URL        map tile URL template, {z}/{x}/{y} (default\n"
    "                     OpenStreetMap's); 'none' shows no tiles\n"
    "  --smtp URL         send e-mail through smtp://HOST:PORT (kept in the\n"
    "                     database as mail.smtp_url; '' turns mail off)\n"
    "  --mail-from ADDR   sender of veche's e-mail (mail.from)\n"
    "  --retry-base-ms N  first webhook/e-mail retry delay (default 30000)\n"
    "  --retry-cap-ms N   longest retry delay (default 6 hours)\n"
    "  --max-attempts N   attempts before a delivery is dead (default 12)\n"
    "  --trusted-proxy ADDR[,ADDR]\n"
    "                     reverse proxies whose X-Forwarded-For names the\n"
    "                     client (rate limits count that address)\n"
    "  --max-conn-per-address N\n"
    "                     open connections from one address (default 128)\n"
    "  --header-timeout S seconds a client has to send its headers (10)\n"
    "  --body-timeout S   seconds a client has to send a body (120)\n"
    "  --metrics-token-file FILE  serve GET /metrics to 'Authorization:\n"
    "                     Bearer TOKEN', TOKEN the first line of FILE\n"
    "                     (off without it: 404)\n"
    "  --log-format F     'text' (default) or 'json': a JSON line per\n"
    "                     request on stderr (docs/operations.md)\n"
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

static const char usage_deadlines[] =
    "usage: veche deadlines scan [--db FILE] [--now W3C-DATE]\n"
    "       veche deadlines overdue [--db FILE] [--now W3C-DATE]\n"
    "                               [--agency CODE]\n"
    "\n"
    "scan emits a deadline.near or deadline.passed event, once each, for\n"
    "every registration or answer deadline that is near or has passed, and\n"
    "prints what it emitted (the server does the same periodically).\n"
    "overdue lists the passed deadlines of open reports (of one agency).\n"
    "--now pretends it is that moment, e.g. 2026-05-12T09:00:00+03:00.\n"
    "See docs/deadlines.md.\n";

static const char usage_user[] =
    "usage: veche user create [--db FILE] --login LOGIN --role ROLE\n"
    "                         [--agency CODE]... [--password-file FILE]\n"
    "       veche user passwd [--db FILE] --login LOGIN [--password-file FILE]\n"
    "\n"
    "ROLE is citizen, moderator, operator, head or admin; operators and\n"
    "heads take one --agency or more.  The password is the first line of\n"
    "FILE, or of standard input: never an argument.  See docs/auth.md.\n";

static const char usage_audit[] =
    "usage: veche audit verify [--db FILE]\n"
    "\n"
    "Walk the audit log's hash chain.  Exit 0 and 'audit: N entries, chain\n"
    "intact', or exit 1 naming the first broken entry.\n";

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

/* The folder of the web pages' static files (web/ of the source tree). */
static const char *
web_dir(void)
{
	const char *d = getenv("VECHE_WEBDIR");

	return d != NULL && *d != '\0' ? d : VECHE_WEBDIR;
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

	if (demo_seed(s, c, n, days, seed, clock_now(), &p, &e) == -1) {
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

/*
 * Install the deployment's working-day calendar and deadline settings and
 * log which years the calendar covers.  Returns the calendar (NULL for
 * "none"), which the caller frees; *ok = 0 on error.
 */
static struct calendar *
setup_deadlines(struct store *s, int *ok)
{
	struct calendar *cal;
	char err[800], what[1024];
	int year;

	if ((cal = deadline_configure(s, data_dir(), ok, err,
	    sizeof(err))) == NULL && !*ok) {
		fprintf(stderr, "veche: %s\n", err);
		return NULL;
	}
	if (clock_is_set()) {
		char when[DATETIME_LEN];

		fprintf(stderr, "veche: the clock is set by VECHE_CLOCK; "
		    "now is %s\n", datetime_format(clock_now(), when,
		    sizeof(when)));
	}
	fprintf(stderr, "veche: %s\n", calendar_describe(cal, what,
	    sizeof(what)));
	if ((year = deadline_calendar_gap(clock_now(),
	    VECHE_CALENDAR_WARN_DAYS)) != 0)
		fprintf(stderr, "veche: warning: the working-day calendar has "
		    "no year %d; deadlines in it count Monday to Friday: add "
		    "data/calendar/ru-%d.txt (see data/calendar/README.md)\n",
		    year, year);
	return cal;
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
		{ "media", required_argument, NULL, 'M' },
		{ "tiles", required_argument, NULL, 'T' },
		{ "smtp", required_argument, NULL, 'S' },
		{ "mail-from", required_argument, NULL, 'F' },
		{ "retry-base-ms", required_argument, NULL, 'B' },
		{ "retry-cap-ms", required_argument, NULL, 'P' },
		{ "max-attempts", required_argument, NULL, 'A' },
		{ "trusted-proxy", required_argument, NULL, 'X' },
		{ "max-conn-per-address", required_argument, NULL, 'I' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "body-timeout", required_argument, NULL, 'b' },
		{ "metrics-token-file", required_argument, NULL, 'm' },
		{ "log-format", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB, *listen = DEFAULT_LISTEN, *url = NULL;
	int64_t threads = VECHE_DEFAULT_THREADS, nreports = DEMO_REPORTS;
	struct http_config cfg;
	struct http_server *srv = NULL;
	struct http_route *routes = NULL;
	struct store *s = NULL;
	struct calendar *cal = NULL;
	struct app app;
	char host[256], err[600], public_url[512], static_dir[1024];
	char media_dir[1024];
	unsigned port;
	int ch, demo = 0, rc = 1, sig, app_ready = 0, cal_ok = 0;
	sigset_t set;

	struct delivery_config dcfg;
	struct delivery_worker *worker = NULL;
	struct escalation_worker *scanner = NULL;
	const char *smtp = NULL, *mail_from = NULL, *proxies = NULL;
	int64_t v, per_address = 0, header_s = 0, body_s = 0;
	char metrics_token[VECHE_MAX_METRICS_TOKEN + 2];
	int have_token = 0;

	delivery_config_default(&dcfg);
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
		case 'M':
			app.media_dir = optarg;
			break;
		case 'T':
			app.tiles_url = optarg;
			break;
		case 'S':
			smtp = optarg;
			break;
		case 'F':
			mail_from = optarg;
			break;
		case 'B':
		case 'P':
		case 'A':
			if (parse_int64(optarg, 1, ch == 'A' ? 1000 : 86400000,
			    &v) == -1) {
				fprintf(stderr, "veche: --retry-base-ms, "
				    "--retry-cap-ms, --max-attempts: a positive "
				    "number\n");
				return 2;
			}
			if (ch == 'B')
				dcfg.base_ms = v;
			else if (ch == 'P')
				dcfg.cap_ms = v;
			else
				dcfg.max_attempts = (int)v;
			break;
		case 'X':
			proxies = optarg;
			break;
		case 'I':
			if (parse_int64(optarg, 1, 65535, &per_address) == -1) {
				fprintf(stderr, "veche: --max-conn-per-address: "
				    "1 to 65535\n");
				return 2;
			}
			break;
		case 'H':
		case 'b':
			if (parse_int64(optarg, 1, 3600, ch == 'H' ? &header_s :
			    &body_s) == -1) {
				fprintf(stderr, "veche: --header-timeout, "
				    "--body-timeout: 1 to 3600 seconds\n");
				return 2;
			}
			break;
		case 'm':
			if (cli_ops_metrics_token(optarg, metrics_token,
			    sizeof(metrics_token)) == -1)
				return 2;
			have_token = 1;
			break;
		case 'L':
			if ((app.log_json = cli_ops_log_format(optarg)) == -1)
				return 2;
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
	if (cli_delivery_mail_settings(s, smtp, mail_from) == -1)
		goto out;
	if (demo && demo_setup(s, (size_t)nreports) == -1)
		goto out;
	app.catalog = load_catalog(s);
	if (app.catalog == NULL)
		goto out;
	if ((cal = setup_deadlines(s, &cal_ok)) == NULL && !cal_ok)
		goto out;
	if (catalog_nservices(app.catalog) == 0)
		fprintf(stderr, "veche: warning: the city has no services yet; "
		    "load one with 'veche city import' or start with --demo\n");
	app.db_path = db;
	if (app.media_dir == NULL && strcmp(db, ":memory:") != 0) {
		const char *slash = strrchr(db, '/');

		snprintf(media_dir, sizeof(media_dir), "%.*smedia",
		    slash != NULL ? (int)(slash - db + 1) : 0, db);
		app.media_dir = media_dir;
	}
	if (app.tiles_url == NULL)
		app.tiles_url = DEFAULT_TILES;
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
	cfg.trusted_proxies = proxies;
	cfg.max_per_address = (unsigned)per_address;
	cfg.header_timeout = (unsigned)header_s;
	cfg.body_timeout = (unsigned)body_s;
	if ((routes = routes_build(&cfg.nroutes)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		goto out;
	}
	cfg.routes = routes;
	if ((app.metrics = metrics_new(routes, cfg.nroutes, have_token ?
	    metrics_token : NULL)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		goto out;
	}
	cfg.before = routes_before;
	cfg.observe = routes_observe;
	cfg.connection = routes_connection;
	cfg.access = routes_access;
	cfg.error = routes_error;
	cfg.app = &app;
	snprintf(static_dir, sizeof(static_dir), "%s", web_dir());
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
	dcfg.public_url = url;
	if ((worker = delivery_worker_start(db, app.writer, &dcfg, err,
	    sizeof(err))) == NULL ||
	    (scanner = escalation_worker_start(db, app.writer,
	    VECHE_ESCALATION_PERIOD, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		goto out;
	}
	metrics_watch_scanner(app.metrics, scanner);
	printf("veche: listening on %s/\n", url);
	printf("veche: Open311 API at %s/open311/v2/discovery.json\n", url);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "veche: stopping (signal %d)\n", sig);
	rc = 0;
out:
	/* The server first: /metrics reads the scanner. */
	http_server_stop(srv);
	escalation_worker_stop(scanner);
	delivery_worker_stop(worker);
	metrics_free(app.metrics);
	sodium_memzero(metrics_token, sizeof(metrics_token));
	free(routes);
	if (app_ready)
		app_finish(&app);
	catalog_free(app.catalog);
	store_close(s);
	calendar_free(cal);
	return rc;
}

/*
 * The arguments of a command whose only option is --db: "VERB [--db FILE]
 * ARG..." with exactly npos arguments.  Sets *db and returns the arguments
 * (argv's own storage), or NULL after printing usage.
 */
static char **
db_only_args(int argc, char **argv, const char *verb, const char *usage,
    int npos, const char **db)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*db = DEFAULT_DB;
	if (argc < 2 || strcmp(argv[1], verb) != 0)
		goto usage;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'd')
			goto usage;
		*db = optarg;
	}
	if (argc - optind != npos)
		goto usage;
	return argv + optind;
usage:
	fputs(usage, stderr);
	return NULL;
}

static int
cmd_city(int argc, char **argv)
{
	const char *db;
	struct store *s;
	char **args;
	int rc;

	if ((args = db_only_args(argc, argv, "import", usage_city, 1,
	    &db)) == NULL)
		return 2;
	if ((s = open_store(db)) == NULL)
		return 1;
	rc = import_city(s, args[0]);
	if (rc == 0)
		fprintf(stderr, "veche: imported %s into %s\n", args[0], db);
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
	store_close(s);
	return rc;
}

static int
print_notice(const struct escalation_item *it, void *arg)
{
	char when[DATETIME_LEN];

	(void)arg;
	printf("%s\treport %lld\t%s\tdue %s\t%s\n",
	    it->state == DEADLINE_PASSED ? "deadline.passed" : "deadline.near",
	    (long long)it->report_id, deadline_kind_name(it->kind),
	    datetime_format(it->due, when, sizeof(when)),
	    it->agency != NULL ? it->agency : "-");
	return 0;
}

static int
print_overdue(const struct wf_record *r, void *arg)
{
	char when[DATETIME_LEN];
	const char *kind;
	int64_t due;

	(void)arg;
	kind = workflow_deadline(r, &due);
	printf("overdue\treport %lld\t%s\tdue %s\t%s\n", (long long)r->id,
	    kind != NULL ? kind : "-", datetime_format(due, when, sizeof(when)),
	    r->agency != NULL ? r->agency : "-");
	return 0;
}

static int
cmd_deadlines(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "agency", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB, *when = NULL, *agency = NULL;
	struct calendar *cal = NULL;
	struct catalog *c = NULL;
	struct store *s = NULL;
	struct verr e;
	char err[200];
	int64_t now = clock_now();
	size_t n = 0;
	int ch, rc = 1, scan, ok = 0;

	if (argc < 2 || (strcmp(argv[1], "scan") != 0 &&
	    strcmp(argv[1], "overdue") != 0))
		goto usage;
	scan = strcmp(argv[1], "scan") == 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			when = optarg;
			break;
		case 'a':
			if (scan)
				goto usage;
			agency = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((s = open_store(db)) == NULL)
		return 1;
	if ((c = load_catalog(s)) == NULL ||
	    ((cal = setup_deadlines(s, &ok)) == NULL && !ok))
		goto out;
	if (when != NULL && datetime_parse(when, &now, err, sizeof(err)) == -1) {
		fprintf(stderr, "veche: --now: %s\n", err);
		rc = 2;
		goto out;
	}
	if (scan) {
		if (escalation_scan(s, now, print_notice, NULL, &n, &e) == -1) {
			fprintf(stderr, "veche: %s (%zu emitted before)\n",
			    e.message, n);
			goto out;
		}
		fprintf(stderr, "veche: %zu deadline notice%s emitted\n", n,
		    n == 1 ? "" : "s");
	} else if (workflow_overdue(s, agency, now, print_overdue, NULL) != 0) {
		fprintf(stderr, "veche: overdue list: %s\n", store_error(s));
		goto out;
	}
	rc = 0;
out:
	catalog_free(c);
	store_close(s);
	calendar_free(cal);
	return rc;
usage:
	fputs(usage_deadlines, stderr);
	return 2;
}

/* The first line of path (NULL: standard input), without its newline. */
static int
read_password(const char *path, char *buf, size_t len)
{
	FILE *f = path != NULL ? fopen(path, "r") : stdin;
	size_t n;
	int rc = -1;

	if (f == NULL) {
		fprintf(stderr, "veche: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)len, f) != NULL) {
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
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "login", required_argument, NULL, 'l' },
		{ "role", required_argument, NULL, 'r' },
		{ "agency", required_argument, NULL, 'a' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB, *login = NULL, *role = NULL, *pwfile = NULL;
	const char *agencies[ACTOR_MAX_AGENCIES];
	char pw[VECHE_MAX_PASSWORD + 2];
	struct catalog *c = NULL;
	struct store *s = NULL;
	struct verr e;
	size_t nag = 0;
	int ch, create, rc = 1;
	enum role r = ROLE__MAX;

	if (argc < 2 || (strcmp(argv[1], "create") != 0 &&
	    strcmp(argv[1], "passwd") != 0))
		goto usage;
	create = strcmp(argv[1], "create") == 0;
	argc--;
	argv++;
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
	if ((s = open_store(db)) == NULL)
		goto out;
	if (create && (c = load_catalog(s)) == NULL)
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
	store_close(s);
	return rc;
usage:
	fputs(usage_user, stderr);
	return 2;
}

static int
cmd_audit(int argc, char **argv)
{
	const char *db;
	struct audit_check chk;
	struct store *s;
	struct verr e;
	int rc;

	if (db_only_args(argc, argv, "verify", usage_audit, 0, &db) == NULL)
		return 2;
	if ((s = open_store(db)) == NULL)
		return 1;
	rc = audit_verify(s, &chk, &e);
	store_close(s);
	if (rc == -1) {
		fprintf(stderr, "veche: %s\n", e.message);
		return 1;
	}
	if (rc == 1) {
		printf("audit: entry %lld is broken: %s\n",
		    (long long)chk.bad_id, chk.why);
		return 1;
	}
	printf("audit: %lld entries, chain intact\naudit: head %s\n",
	    (long long)chk.entries, chk.head);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct command {
		const char *name;
		const char *usage;
		int (*run)(int, char **);
	} commands[] = {
		{ "serve", usage_serve, cmd_serve },
		{ "city", usage_city, cmd_city },
		{ "seed", usage_seed, cmd_seed },
		{ "apikey", usage_apikey, cmd_apikey },
		{ "user", usage_user, cmd_user },
		{ "audit", usage_audit, cmd_audit },
		{ "deadlines", usage_deadlines, cmd_deadlines },
	};
	const struct command *c;
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
		fputs(usage_main, argc < 2 ? stderr : stdout);
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
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "text") == 0)
		return text_cli(argc, argv);
	for (c = commands; c < commands + sizeof(commands) /
	    sizeof(commands[0]); c++) {
		if (strcmp(cmd, c->name) != 0)
			continue;
		if (wants_help(argc, argv)) {
			fputs(c->usage, stdout);
			return 0;
		}
		return c->run(argc, argv);
	}
	if (cli_delivery_usage(cmd) != NULL) {
		if (wants_help(argc, argv)) {
			fputs(cli_delivery_usage(cmd), stdout);
			return 0;
		}
		return cli_delivery(cmd, argc, argv);
	}
	if (cli_ops_usage(cmd) != NULL) {
		if (wants_help(argc, argv)) {
			fputs(cli_ops_usage(cmd), stdout);
			return 0;
		}
		return cli_ops(cmd, argc, argv);
	}
	fprintf(stderr, "veche: unknown command '%s'; the commands are:\n\n%s",
	    cmd, usage_main);
	return 2;
}
