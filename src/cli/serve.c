/*
 * serve.c: 'veche serve', the web server and the Open311 API.  The steps,
 * in order: read the options, prepare the database (mail settings, demo
 * data, catalogue, deadlines), start the app, the HTTP server and the
 * background workers, wait for SIGINT or SIGTERM, stop in reverse.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "api/app.h"
#include "api/metrics.h"
#include "api/readroute.h"
#include "api/region.h"
#include "api/routes.h"
#include "cli/cli.h"
#include "core/alerts.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "core/account.h"
#include "core/delivery.h"
#include "core/escalation.h"
#include "core/worker.h"
#include "core/parse.h"
#include "http/http.h"
#include "core/db.h"
#include "core/listen.h"
#include "core/officials.h"
#include "core/suggest.h"
#include "core/report.h"
#include "core/proposals.h"
#include "core/tiles.h"
#include "core/deadline.h"

#define DEFAULT_DB      CLI_DEFAULT_DB
#define DEFAULT_LISTEN  "127.0.0.1:8080"
#define DEFAULT_TILES   "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

static const char usage[] =
    "usage: veche serve [--db FILE] [--listen HOST:PORT] [--demo]\n"
    "                   [--demo-reports N] [--threads N] [--public-url URL]\n"
    "\n"
    "  --db FILE          SQLite database (default " DEFAULT_DB "), created\n"
    "                     if missing, or a PostgreSQL URL (postgresql://...;\n"
    "                     then --media and --data-dir are required)\n"
    "  --region FILE      serve the cities the region file names, each on\n"
    "                     its own database and host, and the region's\n"
    "                     pages at its host (docs/city.md, the region file)\n"
    "  --listen HOST:PORT address to serve on (default " DEFAULT_LISTEN ");\n"
    "                     port 0 picks a free port\n"
    "  --demo             if the database is empty, load the demo city\n"
    "                     (data/demo/city.json) and demo reports\n"
    "  --demo-reports N   how many demo reports (default 300)\n"
    "  --threads N        worker threads (default 8)\n"
    "  --public-url URL   the address clients use (default http://HOST:PORT)\n"
    "  --no-cache         render every GET anew (see docs/performance.md)\n"
    "  --db-read URL      a streaming replica of the PostgreSQL --db: reads\n"
    "                     go there, a client's own writes excepted\n"
    "                     (docs/scaling.md, \"Read replicas\")\n"
    "  --db-read-lag MS   skip the replica while it is further behind\n"
    "                     (default 5000)\n"
    "  --media DIR        folder for citizens' photos (default: media/ next\n"
    "                     to the database)\n"
    "  --tiles URL        map tile URL template, {z}/{x}/{y} (default\n"
    "                     OpenStreetMap's); 'none' shows no tiles (the\n"
    "                     city's areas are drawn instead);\n"
    "                     'mbtiles:PATH' serves /tiles/ from that file\n"
    "  --smtp URL         send e-mail through smtp://HOST:PORT (kept in the\n"
    "                     database as mail.smtp_url; '' turns mail off)\n"
    "  --mail-from ADDR   sender of veche's e-mail (mail.from)\n"
    "  --confirm-reports  hold a report filed without an account until the\n"
    "                     link e-mailed to its reporter is followed\n"
    "  --proposals RULE   supports a proposal needs and in how many days:\n"
    "                     'rf' (100000 in 365), 'city' (1000 in 90, the\n"
    "                     default) or N/DAYS (docs/participation.md)\n"
    "  --retry-base-ms N  first webhook/e-mail retry delay (default 30000)\n"
    "  --retry-cap-ms N   longest retry delay (default 6 hours)\n"
    "  --max-attempts N   attempts before a delivery is dead (default 12)\n"
    "  --instance NAME    the name this process claims deliveries under,\n"
    "                     the same across its restarts and unique among\n"
    "                     the processes of one database (default: the\n"
    "                     host's name; docs/delivery.md)\n"
    "  --digest-hour H    local hour of the daily alerts digest (0-23, 8)\n"
    "  --reaction-hours N hours for an incident's first public answer,\n"
    "                     from the post's time (1-720, default 24)\n"
    "  --suggest-hours H  retrain the service suggestions every H hours\n"
    "                     (default 24; 0: only by 'veche text train-services')\n"
    "  --suggest-model FILE  the suggestions' model (default: services.model\n"
    "                     next to the database; none with a PostgreSQL --db\n"
    "                     unless named, on a folder all processes share)\n"
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
    "  --data-dir DIR     write the open data dump into DIR at start and\n"
    "                     daily, and serve it at /data (docs/opendata.md;\n"
    "                     default: opendata/ next to the database; ''\n"
    "                     publishes none)\n"
    "  --data-licence ID  the open data's licence, an SPDX id (default\n"
    "                     " CLI_DEFAULT_LICENCE ")\n"
    "  --fetch-allow-private  let listening sources fetch from loopback,\n"
    "                     private and link-local addresses (refused by\n"
    "                     default: docs/listening.md)\n"
    "  --webhook-allow-private  let webhooks reach loopback, private and\n"
    "                     link-local addresses: an agency's system on the\n"
    "                     city's own network (refused by default:\n"
    "                     docs/delivery.md)\n"
    "\n"
    "Prints 'veche: listening on URL' when ready; stops on SIGINT/SIGTERM.\n";

/* One run of the server: its options, then what it started. */
struct serve {
	const char *db, *listen, *url, *smtp, *mail_from;
	const char *db_read;            /* --db-read, or NULL */
	int64_t read_lag_ms;            /* --db-read-lag */
	const char *region_file;        /* --region FILE, or NULL */
	int demo, fetch_allow_private;
	int64_t threads, nreports;
	char host[256];
	unsigned port;
	char metrics_token[VECHE_MAX_METRICS_TOKEN + 2];
	int have_token;
	struct delivery_config dcfg;
	struct http_config cfg;

	struct store *s;
	struct calendar *cal;
	struct app app;
	int app_ready;
	sigset_t signals;
	struct http_route *routes;
	struct http_server *srv;
	struct delivery_worker *worker;
	struct escalation_worker *scanner;
	struct worker *sweeper;         /* expired held reports */
	struct alerts_digest *digest;   /* citizens' daily alerts */
	struct official_mailer *questions; /* officials' question digests */
	int digest_hour;
	struct listen_fetcher *fetcher;
	struct cli_dump_worker *dumper;
	int64_t suggest_hours;          /* --suggest-hours, 0: no schedule */
	const char *suggest_model;      /* --suggest-model, or NULL */
	struct worker *trainer;         /* the service suggestions' training */
	int trained;                    /* the trainer's first round is done */
	char public_url[512], static_dir[1024], media_dir[1024];
	char data_dir[1024];
};

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

/* The options into sv; 0, or -1 after saying why (exit status 2). */
static int
parse_args(struct serve *sv, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "demo", no_argument, NULL, 'D' },
		{ "demo-reports", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "db-read", required_argument, NULL, 'e' },
		{ "db-read-lag", required_argument, NULL, 'E' },
		{ "media", required_argument, NULL, 'M' },
		{ "tiles", required_argument, NULL, 'T' },
		{ "smtp", required_argument, NULL, 'S' },
		{ "mail-from", required_argument, NULL, 'F' },
		{ "retry-base-ms", required_argument, NULL, 'B' },
		{ "retry-cap-ms", required_argument, NULL, 'P' },
		{ "max-attempts", required_argument, NULL, 'A' },
		{ "instance", required_argument, NULL, 'i' },
		{ "digest-hour", required_argument, NULL, 'G' },
		{ "trusted-proxy", required_argument, NULL, 'X' },
		{ "max-conn-per-address", required_argument, NULL, 'I' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "body-timeout", required_argument, NULL, 'b' },
		{ "metrics-token-file", required_argument, NULL, 'm' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "confirm-reports", no_argument, NULL, 'R' },
		{ "data-dir", required_argument, NULL, 'O' },
		{ "data-licence", required_argument, NULL, 'c' },
		{ "proposals", required_argument, NULL, 'p' },
		{ "fetch-allow-private", no_argument, NULL, 'W' },
		{ "webhook-allow-private", no_argument, NULL, 'w' },
		{ "reaction-hours", required_argument, NULL, 'r' },
		{ "suggest-hours", required_argument, NULL, 'g' },
		{ "suggest-model", required_argument, NULL, 'y' },
		{ "region", required_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t v, per_address = 0, header_s = 0, body_s = 0;
	char err[160];
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			sv->db = optarg;
			break;
		case 'l':
			sv->listen = optarg;
			break;
		case 'Z':
			sv->region_file = optarg;
			break;
		case 'D':
			sv->demo = 1;
			break;
		case 'W':
			sv->fetch_allow_private = 1;
			break;
		case 'w':
			sv->dcfg.allow_private = 1;
			break;
		case 'n':
			if (parse_int64(optarg, 1, 100000000,
			    &sv->nreports) == -1) {
				fprintf(stderr, "veche: --demo-reports: a "
				    "positive number\n");
				return -1;
			}
			break;
		case 't':
			if (parse_int64(optarg, 1, 256, &sv->threads) == -1) {
				fprintf(stderr, "veche: --threads: 1 to 256\n");
				return -1;
			}
			break;
		case 'u':
			sv->url = optarg;
			break;
		case 'C':
			sv->app.no_cache = 1;
			break;
		case 'e':
			sv->db_read = optarg;
			break;
		case 'E':
			if (parse_int64(optarg, 0, 3600000, &sv->read_lag_ms) ==
			    -1) {
				fprintf(stderr, "veche: --db-read-lag: "
				    "milliseconds, 0 to 3600000\n");
				return -1;
			}
			break;
		case 'R':
			sv->app.confirm_reports = 1;
			break;
		case 'M':
			sv->app.media_dir = optarg;
			break;
		case 'T':
			sv->app.tiles_url = optarg;
			break;
		case 'S':
			sv->smtp = optarg;
			break;
		case 'F':
			sv->mail_from = optarg;
			break;
		case 'B':
		case 'P':
		case 'A':
			if (parse_int64(optarg, 1, ch == 'A' ? 1000 : 86400000,
			    &v) == -1) {
				fprintf(stderr, "veche: --retry-base-ms, "
				    "--retry-cap-ms, --max-attempts: a positive "
				    "number\n");
				return -1;
			}
			if (ch == 'B')
				sv->dcfg.base_ms = v;
			else if (ch == 'P')
				sv->dcfg.cap_ms = v;
			else
				sv->dcfg.max_attempts = (int)v;
			break;
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) > 128) {
				fprintf(stderr, "veche: --instance: 1 to 128 "
				    "bytes\n");
				return -1;
			}
			sv->dcfg.instance = optarg;
			break;
		case 'G':
			if (parse_int64(optarg, 0, 23, &v) == -1) {
				fprintf(stderr, "veche: --digest-hour: 0 to 23\n");
				return -1;
			}
			sv->digest_hour = (int)v;
			break;
		case 'r':
			if (parse_int64(optarg, 1, VECHE_INCIDENT_MAX_HOURS,
			    &v) == -1) {
				fprintf(stderr, "veche: --reaction-hours: 1 to "
				    "%d\n", VECHE_INCIDENT_MAX_HOURS);
				return -1;
			}
			sv->app.reaction_hours = (int)v;
			break;
		case 'g':
			if (parse_int64(optarg, 0, 24 * 366, &v) == -1) {
				fprintf(stderr, "veche: --suggest-hours: 0 to "
				    "8784\n");
				return -1;
			}
			sv->suggest_hours = v;
			break;
		case 'X':
			sv->cfg.trusted_proxies = optarg;
			break;
		case 'I':
			if (parse_int64(optarg, 1, 65535, &per_address) == -1) {
				fprintf(stderr, "veche: --max-conn-per-address: "
				    "1 to 65535\n");
				return -1;
			}
			break;
		case 'H':
		case 'b':
			if (parse_int64(optarg, 1, 3600, ch == 'H' ? &header_s :
			    &body_s) == -1) {
				fprintf(stderr, "veche: --header-timeout, "
				    "--body-timeout: 1 to 3600 seconds\n");
				return -1;
			}
			break;
		case 'm':
			if (cli_ops_metrics_token(optarg, sv->metrics_token,
			    sizeof(sv->metrics_token)) == -1)
				return -1;
			sv->have_token = 1;
			break;
		case 'L':
			if ((sv->app.log_json = cli_ops_log_format(optarg)) == -1)
				return -1;
			break;
		case 'O':
			sv->app.data_dir = optarg;
			break;
		case 'y':
			sv->suggest_model = optarg;
			break;
		case 'p':
			if (proposals_set_rule(optarg, err, sizeof(err)) ==
			    -1) {
				fprintf(stderr, "veche: --proposals: %s\n", err);
				return -1;
			}
			break;
		case 'c':
			if (*optarg == '\0' || strlen(optarg) > 64) {
				fprintf(stderr, "veche: --data-licence: an SPDX "
				    "id such as CC-BY-4.0\n");
				return -1;
			}
			sv->app.data_licence = optarg;
			break;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind != argc || parse_listen(sv->listen, sv->host,
	    sizeof(sv->host), &sv->port) == -1) {
		fprintf(stderr, "veche: --listen: expected HOST:PORT, e.g. "
		    "127.0.0.1:8080\n");
		return -1;
	}
	/* Each city of a region has its own --db: one replica cannot serve. */
	if (sv->db_read != NULL && sv->region_file != NULL) {
		fprintf(stderr, "veche: --db-read: a replica of the one --db; "
		    "not with --region\n");
		return -1;
	}
	sv->cfg.max_per_address = (unsigned)per_address;
	sv->cfg.header_timeout = (unsigned)header_s;
	sv->cfg.body_timeout = (unsigned)body_s;
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

	if ((c = cli_load_catalog(s)) == NULL)
		return -1;
	if (catalog_nservices(c) == 0) {
		snprintf(path, sizeof(path), "%s/demo/city.json",
		    cli_data_dir());
		fprintf(stderr, "veche: loading the demo city from %s\n", path);
		catalog_free(c);
		if (cli_import_city(s, path) == -1 ||
		    (c = cli_load_catalog(s)) == NULL)
			return -1;
	}
	if (report_count(s, &count) == -1) {
		fprintf(stderr, "veche: %s\n", db_error(s));
		goto out;
	}
	if (count == 0 && cli_seed_reports(s, c, nreports, CLI_DEMO_DAYS,
	    1) == -1)
		goto out;
	rc = 0;
out:
	catalog_free(c);
	return rc;
}

/* --tiles mbtiles:PATH: the map's tiles from that file, at /tiles/. */
static int
open_tiles(struct serve *sv)
{
	const char *path;
	char err[512];

	if (strncmp(sv->app.tiles_url, "mbtiles:", 8) != 0)
		return 0;
	path = sv->app.tiles_url + 8;
	if ((sv->app.tiles = tiles_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --tiles: %s\n", err);
		return -1;
	}
	sv->app.tiles_url = "/tiles/{z}/{x}/{y}.png";
	return 0;
}

/*
 * With a PostgreSQL --db nothing is "next to the database", and every
 * process serving it must share the photos and the open data: both
 * folders are named.  0, or -1 after saying which.
 */
static int
need_folders(const struct serve *sv)
{
	if (!db_is_url(sv->db))
		return 0;
	if (sv->app.media_dir == NULL) {
		fprintf(stderr, "veche: --media: with a PostgreSQL --db, name "
		    "the photos folder all processes share\n");
		return -1;
	}
	if (sv->app.data_dir == NULL) {
		fprintf(stderr, "veche: --data-dir: with a PostgreSQL --db, "
		    "name the open data folder all processes share ('' "
		    "publishes none)\n");
		return -1;
	}
	return 0;
}

/*
 * Open the database and make it ready: mail settings, demo data, the
 * catalogue, the deadline calendar, the media folder.  0, or -1 after
 * saying why.
 */
static int
prepare_data(struct serve *sv)
{
	int cal_ok = 0;

	if (need_folders(sv) == -1 || (sv->s = cli_open_store(sv->db)) ==
	    NULL)
		return -1;
	if (cli_delivery_mail_settings(sv->s, sv->smtp, sv->mail_from) == -1)
		return -1;
	if (sv->demo && demo_setup(sv->s, (size_t)sv->nreports) == -1)
		return -1;
	sv->app.catalog = cli_load_catalog(sv->s);
	if (sv->app.catalog == NULL)
		return -1;
	if ((sv->cal = cli_setup_deadlines(sv->s, &cal_ok)) == NULL && !cal_ok)
		return -1;
	if (catalog_nservices(sv->app.catalog) == 0)
		fprintf(stderr, "veche: warning: the city has no services yet; "
		    "load one with 'veche city import' or start with --demo\n");
	sv->app.db_path = sv->db;
	if (sv->app.media_dir == NULL && strcmp(sv->db, ":memory:") != 0) {
		const char *slash = strrchr(sv->db, '/');

		snprintf(sv->media_dir, sizeof(sv->media_dir), "%.*smedia",
		    slash != NULL ? (int)(slash - sv->db + 1) : 0, sv->db);
		sv->app.media_dir = sv->media_dir;
	}
	/* Open data is published unless --data-dir '' turns it off. */
	if (sv->app.data_dir == NULL && strcmp(sv->db, ":memory:") != 0) {
		const char *slash = strrchr(sv->db, '/');

		snprintf(sv->data_dir, sizeof(sv->data_dir), "%.*sopendata",
		    slash != NULL ? (int)(slash - sv->db + 1) : 0, sv->db);
		sv->app.data_dir = sv->data_dir;
	} else if (sv->app.data_dir != NULL && sv->app.data_dir[0] == '\0')
		sv->app.data_dir = NULL;
	if (sv->app.tiles_url == NULL)
		sv->app.tiles_url = DEFAULT_TILES;
	/* Service suggestions: the model beside the database, if any. */
	{
		char path[1024];

		if ((sv->suggest_model != NULL ? snprintf(path, sizeof(path),
		    "%s", sv->suggest_model) < (int)sizeof(path) :
		    suggest_model_path(sv->db, path, sizeof(path)) == 0) &&
		    (sv->app.suggest = suggest_new(path)) == NULL) {
			fprintf(stderr, "veche: out of memory\n");
			return -1;
		}
	}
	return open_tiles(sv);
}

/* The app's threads, with SIGINT and SIGTERM left to wait_for_signal. */
static int
start_app(struct serve *sv)
{
	if (app_init(&sv->app) == -1) {
		fprintf(stderr, "veche: cannot set up threads\n");
		return -1;
	}
	sv->app_ready = 1;
	if (sv->db_read != NULL) {
		char err[600];

		if ((sv->app.reads = readroute_new(sv->s, sv->db,
		    sv->db_read, sv->read_lag_ms, err, sizeof(err))) == NULL) {
			fprintf(stderr, "veche: %s\n", err);
			return -1;
		}
	}
	/* Listening's analysis, shared by handlers and the fetcher. */
	{
		char err[600];

		if ((sv->app.listen = listen_new(sv->s, NULL, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "veche: %s\n", err);
			return -1;
		}
	}
	/* Signals are taken by sigwait, not by the worker threads. */
	sigemptyset(&sv->signals);
	sigaddset(&sv->signals, SIGINT);
	sigaddset(&sv->signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sv->signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The default public URL: http://HOST:PORT of --listen. */
static void
default_url(struct serve *sv)
{
	snprintf(sv->public_url, sizeof(sv->public_url),
	    strchr(sv->host, ':') ? "http://[%s]:%u" : "http://%s:%u",
	    sv->host, sv->port);
	sv->url = sv->public_url;
}

/* The routes, /metrics and the HTTP server; sets the public URL. */
static int
start_http(struct serve *sv)
{
	struct http_config *cfg = &sv->cfg;
	char err[600];

	cfg->host = sv->host;
	cfg->port = sv->port;
	cfg->threads = (unsigned)sv->threads;
	if ((sv->routes = routes_build(&cfg->nroutes)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		return -1;
	}
	cfg->routes = sv->routes;
	if ((sv->app.metrics = metrics_new(sv->routes, cfg->nroutes,
	    sv->have_token ? sv->metrics_token : NULL)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		return -1;
	}
	cfg->before = routes_before;
	cfg->after = routes_after;
	cfg->observe = routes_observe;
	cfg->durable = routes_durable;
	cfg->connection = routes_connection;
	cfg->access = routes_access;
	cfg->error = routes_error;
	cfg->app = &sv->app;
	snprintf(sv->static_dir, sizeof(sv->static_dir), "%s", cli_web_dir());
	cfg->static_dir = sv->static_dir;
	/*
	 * The server's threads read the public URL (sign-in's Origin check,
	 * cookies): set it before they start.  Only with --listen port 0 is
	 * it known after, and then no client can know the port before
	 * "listening on" prints it.
	 */
	if (sv->url == NULL && sv->port != 0)
		default_url(sv);
	sv->app.public_url = sv->url;
	if ((sv->srv = http_server_start(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	sv->port = http_server_port(sv->srv);
	if (sv->url == NULL) {
		default_url(sv);
		sv->app.public_url = sv->url;
	}
	return 0;
}

/*
 * The service suggestions' training: at once when there is no model yet,
 * then every --suggest-hours (docs/text.md).
 */
static int64_t
train_round(struct worker *w, void *arg)
{
	struct serve *sv = arg;
	struct suggest_result r;
	struct verr e;
	char scores[16];
	int64_t period = sv->suggest_hours * 3600 * 1000;

	memset(&e, 0, sizeof(e));
	if (!sv->trained++ && suggest_last_scores(sv->app.suggest, scores,
	    sizeof(scores)) == 0)
		return period;	/* trained before this start */
	if (suggest_train(sv->app.suggest, worker_store(w), &r, &e) == -1)
		fprintf(stderr, "veche: service suggestions: %s\n", e.message);
	else
		fprintf(stderr, "veche: service suggestions: %u services, "
		    "macro-F1 %.3f on %zu held-out reports, %s\n", r.services,
		    r.new_f1, r.held_out, r.replaced ? "in use" :
		    "worse than the previous model, kept that one");
	return period;
}

/* The delivery worker (webhooks, e-mail) and the deadline scanner. */
static int
start_workers(struct serve *sv)
{
	char err[600];

	sv->dcfg.public_url = sv->url;
	if ((sv->worker = delivery_worker_start(sv->db, sv->app.writer,
	    &sv->dcfg, err, sizeof(err))) == NULL ||
	    (sv->scanner = escalation_worker_start(sv->db, sv->app.writer,
	    VECHE_ESCALATION_PERIOD, err, sizeof(err))) == NULL ||
	    (sv->sweeper = account_sweeper_start(sv->db, sv->app.writer,
	    sv->app.media_dir, err, sizeof(err))) == NULL ||
	    (sv->digest = alerts_digest_start(sv->db, sv->app.writer,
	    sv->digest_hour, err, sizeof(err))) == NULL ||
	    (sv->questions = official_mailer_start(sv->db, sv->app.writer,
	    sv->url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	metrics_watch_scanner(sv->app.metrics, sv->scanner);
	/* Listening's fetcher (its analysis was loaded in start_app). */
	if ((sv->fetcher = listen_fetcher_start(sv->app.listen, sv->db,
	    sv->app.writer, sv->fetch_allow_private, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	if (sv->app.data_dir != NULL && (sv->dumper = cli_dump_worker_start(
	    &sv->app, sv->db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	if (sv->app.suggest != NULL && sv->suggest_hours > 0 &&
	    (sv->trainer = worker_start_db("service suggestions", sv->db,
	    NULL, train_round, sv, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	return 0;
}

static void
wait_for_signal(struct serve *sv)
{
	int sig;

	printf("veche: listening on %s/\n", sv->url);
	printf("veche: Open311 API at %s/open311/v2/discovery.json\n",
	    sv->url);
	fflush(stdout);
	while (sigwait(&sv->signals, &sig) != 0)
		;
	fprintf(stderr, "veche: stopping (signal %d)\n", sig);
}

/* Stop and free what was started, in reverse; any step may be missing. */
static void
stop(struct serve *sv)
{
	/* The server first: /metrics reads the scanner. */
	http_server_stop(sv->srv);
	readroute_free(sv->app.reads);
	sv->app.reads = NULL;
	listen_fetcher_stop(sv->fetcher);
	listen_free(sv->app.listen);
	worker_stop(sv->trainer);
	suggest_free(sv->app.suggest);
	cli_dump_worker_stop(sv->dumper);
	official_mailer_stop(sv->questions);
	alerts_digest_stop(sv->digest);
	worker_stop(sv->sweeper);
	escalation_worker_stop(sv->scanner);
	delivery_worker_stop(sv->worker);
	metrics_free(sv->app.metrics);
	sodium_memzero(sv->metrics_token, sizeof(sv->metrics_token));
	free(sv->routes);
	if (sv->app_ready)
		app_finish(&sv->app);
	catalog_free(sv->app.catalog);
	tiles_close(sv->app.tiles);
	db_close(sv->s);
	calendar_free(sv->cal);
}

/*
 * --region FILE: many cities in one process (docs/city.md, "The region
 * file").  Each city is a struct serve of its own (its store, catalogue,
 * app and workers, as with --db), the region's staff another on the
 * region's store; one HTTP server in front picks the app by Host
 * (api/region.h).
 */
struct region_run {
	struct serve *opts;             /* the options, as parsed */
	struct region_conf *conf;
	struct serve *cities;           /* conf->ncities */
	struct app **apps;              /* each city's app, for region_new */
	struct serve staff;             /* the region's own app: no workers */
	struct region *region;
	struct http_route *routes;      /* the cities' table */
	size_t nroutes;
	struct http_server *srv;
	char (*urls)[512];              /* each city's public URL */
	char url[512];                  /* the region's */
};

/*
 * A site's public URL: given, else the scheme and port of --public-url
 * (or http and the listened port) with host.
 */
static void
site_url(const struct region_run *rr, const char *host, const char *given,
    char *buf, size_t len)
{
	const char *pub = rr->opts->url, *auth, *end, *colon;
	char port[16] = "";
	size_t n;

	if (given != NULL) {
		n = strlen(given);
		while (n > 0 && given[n - 1] == '/')
			n--;
		snprintf(buf, len, "%.*s", (int)n, given);
		return;
	}
	if (pub == NULL) {
		snprintf(buf, len, "http://%s:%u", host, rr->opts->port);
		return;
	}
	auth = strstr(pub, "://");
	auth = auth != NULL ? auth + 3 : pub;
	end = auth + strcspn(auth, "/");
	colon = memchr(auth, ']', (size_t)(end - auth));
	colon = memchr(colon != NULL ? colon : auth, ':',
	    (size_t)(end - (colon != NULL ? colon : auth)));
	if (colon != NULL)
		snprintf(port, sizeof(port), "%.*s", (int)(end - colon), colon);
	snprintf(buf, len, "%.*s://%s%s", (int)(auth - pub > 3 ?
	    auth - pub - 3 : 4), auth - pub > 3 ? pub : "http", host, port);
}

/* Every site's public URL, once the port is known. */
static void
region_urls(struct region_run *rr)
{
	size_t i;

	for (i = 0; i < rr->conf->ncities; i++) {
		site_url(rr, rr->conf->cities[i].host,
		    rr->conf->cities[i].public_url, rr->urls[i],
		    sizeof(rr->urls[i]));
		rr->cities[i].url = rr->urls[i];
		rr->cities[i].app.public_url = rr->urls[i];
		region_city_url(rr->region, i, rr->urls[i]);
	}
	site_url(rr, rr->conf->host, rr->conf->public_url, rr->url,
	    sizeof(rr->url));
	rr->staff.url = rr->url;
	rr->staff.app.public_url = rr->url;
}

/*
 * Open every city as --db would, and check that they share what the
 * process holds once: the deadline calendar and its settings (the time
 * zone is region_new's).  0, or -1 after saying why.
 */
static int
region_cities(struct region_run *rr)
{
	char first[1024], this[1024];
	int count0 = 0, near0 = 0;
	size_t i;

	for (i = 0; i < rr->conf->ncities; i++) {
		struct serve *c = &rr->cities[i];
		const struct region_city_conf *cc = &rr->conf->cities[i];

		*c = *rr->opts;
		c->db = cc->db;
		c->app.media_dir = cc->media;
		/* --data-dir '' turns every city's dump off. */
		if (cc->data_dir != NULL)
			c->app.data_dir = cc->data_dir;
		rr->apps[i] = &c->app;
		if (prepare_data(c) == -1)
			return -1;
		calendar_describe(c->cal, i == 0 ? first : this, sizeof(first));
		if (i == 0) {
			count0 = (int)deadline_answer_count();
			near0 = deadline_near_days();
		} else if (strcmp(first, this) != 0 ||
		    count0 != (int)deadline_answer_count() ||
		    near0 != deadline_near_days()) {
			fprintf(stderr, "veche: --region: cities[%zu]: its "
			    "deadline calendar or settings differ from "
			    "cities[0]'s: the cities of one process share "
			    "them; run one process per calendar\n", i);
			return -1;
		}
	}
	return 0;
}

/* The region's own app, on its staff store. */
static int
region_staff(struct region_run *rr)
{
	struct serve *st = &rr->staff;
	struct catalog *c;
	char err[600];

	st->db = rr->conf->staff_db;
	if ((st->s = cli_open_store(st->db)) == NULL)
		return -1;
	/* Not cli_load_catalog: the zone and calendar are the cities'. */
	if ((c = catalog_load(st->s, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s: %s\n", st->db, err);
		return -1;
	}
	st->app.catalog = c;
	st->app.db_path = st->db;
	st->app.tiles_url = DEFAULT_TILES;
	st->app.no_cache = rr->opts->app.no_cache;
	st->app.log_json = rr->opts->app.log_json;
	if (app_init(&st->app) == -1) {
		fprintf(stderr, "veche: cannot set up threads\n");
		return -1;
	}
	st->app_ready = 1;
	st->signals = rr->cities[0].signals;
	return 0;
}

/* Metrics per site and the one HTTP server, choosing by Host. */
static int
region_http(struct region_run *rr)
{
	struct http_config cfg = rr->opts->cfg;
	const struct http_route *rroutes;
	const char *token = rr->opts->have_token ? rr->opts->metrics_token :
	    NULL;
	size_t i, nr;
	char err[600];

	rroutes = region_routes(rr->region, &nr);
	for (i = 0; i < rr->conf->ncities; i++)
		if ((rr->cities[i].app.metrics = metrics_new(rr->routes,
		    rr->nroutes, token)) == NULL)
			goto oom;
	if ((rr->staff.app.metrics = metrics_new(rroutes, nr, token)) == NULL)
		goto oom;
	cfg.host = rr->opts->host;
	cfg.port = rr->opts->port;
	cfg.threads = (unsigned)rr->opts->threads;
	cfg.routes = rroutes;
	cfg.nroutes = nr;
	cfg.app = &rr->staff.app;
	cfg.site = region_site;
	cfg.before = routes_before;
	cfg.observe = routes_observe;
	cfg.durable = routes_durable;
	cfg.connection = routes_connection;
	cfg.access = routes_access;
	cfg.error = routes_error;
	snprintf(rr->staff.static_dir, sizeof(rr->staff.static_dir), "%s",
	    cli_web_dir());
	cfg.static_dir = rr->staff.static_dir;
	if (rr->opts->port != 0)
		region_urls(rr);
	if ((rr->srv = http_server_start(&cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	rr->opts->port = http_server_port(rr->srv);
	region_urls(rr);
	return 0;
oom:
	fprintf(stderr, "veche: out of memory\n");
	return -1;
}

static int
region_start(struct region_run *rr)
{
	char err[600];
	size_t i;

	if (rr->opts->demo || strcmp(rr->opts->db, DEFAULT_DB) != 0 ||
	    rr->opts->app.media_dir != NULL || (rr->opts->app.data_dir !=
	    NULL && rr->opts->app.data_dir[0] != '\0')) {
		fprintf(stderr, "veche: --region: the cities' databases, media "
		    "and data folders are named in the region file; leave out "
		    "--db, --demo, --media and --data-dir (but --data-dir '', "
		    "no dumps)\n");
		return -1;
	}
	if ((rr->conf = region_conf_load(rr->opts->region_file, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --region: %s\n", err);
		return -1;
	}
	rr->cities = calloc(rr->conf->ncities, sizeof(*rr->cities));
	rr->apps = calloc(rr->conf->ncities, sizeof(*rr->apps));
	rr->urls = calloc(rr->conf->ncities, sizeof(*rr->urls));
	if (rr->cities == NULL || rr->apps == NULL || rr->urls == NULL ||
	    (rr->routes = routes_build(&rr->nroutes)) == NULL) {
		fprintf(stderr, "veche: out of memory\n");
		return -1;
	}
	if (region_cities(rr) == -1)
		return -1;
	for (i = 0; i < rr->conf->ncities; i++)
		if (start_app(&rr->cities[i]) == -1)
			return -1;
	if (region_staff(rr) == -1)
		return -1;
	if ((rr->region = region_new(rr->conf, &rr->staff.app, rr->apps,
	    rr->routes, rr->nroutes, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: --region: %s\n", err);
		return -1;
	}
	if (region_http(rr) == -1)
		return -1;
	for (i = 0; i < rr->conf->ncities; i++)
		if (start_workers(&rr->cities[i]) == -1)
			return -1;
	return 0;
}

/* Stop the server, then each city in reverse, then the region's app. */
static void
region_stop(struct region_run *rr)
{
	struct calendar *cal;
	size_t i;

	http_server_stop(rr->srv);
	/*
	 * The deadline calendar in use is the last city's (one per
	 * process): free the calendars once every city's workers stopped.
	 */
	for (i = rr->conf != NULL ? rr->conf->ncities : 0; i-- > 0;)
		if (rr->cities != NULL) {
			cal = rr->cities[i].cal;
			rr->cities[i].cal = NULL;
			stop(&rr->cities[i]);
			rr->cities[i].cal = cal;
		}
	for (i = rr->conf != NULL ? rr->conf->ncities : 0; i-- > 0;)
		if (rr->cities != NULL)
			calendar_free(rr->cities[i].cal);
	stop(&rr->staff);
	region_free(rr->region);
	free(rr->routes);
	free(rr->urls);
	free(rr->apps);
	free(rr->cities);
	region_conf_free(rr->conf);
}

static int
run_region(struct serve *opts)
{
	struct region_run rr;
	int rc = 1;

	memset(&rr, 0, sizeof(rr));
	rr.opts = opts;
	if (region_start(&rr) == 0) {
		fprintf(stderr, "veche: region '%s': %zu cities\n",
		    rr.conf->name[0], rr.conf->ncities);
		wait_for_signal(&rr.staff);
		rc = 0;
	}
	region_stop(&rr);
	sodium_memzero(opts->metrics_token, sizeof(opts->metrics_token));
	return rc;
}

static int
run(int argc, char **argv)
{
	struct serve sv;
	int rc = 1;

	memset(&sv, 0, sizeof(sv));
	sv.db = DEFAULT_DB;
	sv.listen = DEFAULT_LISTEN;
	sv.threads = VECHE_DEFAULT_THREADS;
	sv.read_lag_ms = READROUTE_LAG_MS;
	sv.nreports = CLI_DEMO_REPORTS;
	sv.app.data_licence = CLI_DEFAULT_LICENCE;
	delivery_config_default(&sv.dcfg);
	sv.digest_hour = VECHE_ALERT_DIGEST_HOUR;
	sv.suggest_hours = VECHE_SUGGEST_HOURS;
	if (parse_args(&sv, argc, argv) == -1) {
		sodium_memzero(sv.metrics_token, sizeof(sv.metrics_token));
		return 2;
	}
	if (sv.region_file != NULL)
		return run_region(&sv);
	if (prepare_data(&sv) == 0 && start_app(&sv) == 0 &&
	    start_http(&sv) == 0 && start_workers(&sv) == 0) {
		wait_for_signal(&sv);
		rc = 0;
	}
	stop(&sv);
	return rc;
}

const struct cli_command cli_serve = {
	"serve", NULL, "run the web server and the Open311 API", usage, run,
};
