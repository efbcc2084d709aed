/* delivery.c: webhook, outbox and export commands (cli.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/delivery.h"
#include "core/export.h"
#include "core/outbox.h"
#include "core/parse.h"

static const char usage_webhook[] =
    "usage: veche webhook add --db FILE --url URL --secret S [--agency CODE]\n"
    "                         [--events a,b] [--include-contact]\n"
    "       veche webhook list --db FILE\n"
    "       veche webhook remove --db FILE --id N\n"
    "\n"
    "Subscribe an agency system to signed event webhooks; see\n"
    "docs/delivery.md.  --include-contact adds the reporter's contact.\n";

static const char usage_outbox[] =
    "usage: veche outbox stats --db FILE\n"
    "       veche outbox replay --db FILE [--id N]\n"
    "       veche outbox emit --db FILE --report N --event NAME [--detail T]\n"
    "\n"
    "replay makes dead deliveries (one, or all) pending again; emit records\n"
    "an event by hand (e.g. to notify again after fixing an address).\n";

static const char usage_export[] =
    "usage: veche export csv --db FILE --agency CODE --from DATE --to DATE\n"
    "                        [--bom]\n"
    "\n"
    "Write the agency's reports requested in [from, to] (YYYY-MM-DD) as\n"
    "RFC 4180 CSV to standard output; --bom for spreadsheet programs.\n";

static const char *
cli_delivery_usage(const char *cmd)
{
	if (strcmp(cmd, "webhook") == 0)
		return usage_webhook;
	if (strcmp(cmd, "outbox") == 0)
		return usage_outbox;
	if (strcmp(cmd, "export") == 0)
		return usage_export;
	return NULL;
}

/* Options of all subcommands; each subcommand checks what it needs. */
struct opts {
	const char *db, *url, *secret, *agency, *events, *from, *to, *detail;
	const char *event;
	int64_t id, report;
	int bom, contact;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "secret", required_argument, NULL, 's' },
		{ "agency", required_argument, NULL, 'a' },
		{ "events", required_argument, NULL, 'e' },
		{ "event", required_argument, NULL, 'E' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "detail", required_argument, NULL, 'D' },
		{ "id", required_argument, NULL, 'i' },
		{ "report", required_argument, NULL, 'r' },
		{ "bom", no_argument, NULL, 'b' },
		{ "include-contact", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->db = "veche.db";
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': o->db = optarg; break;
		case 'u': o->url = optarg; break;
		case 's': o->secret = optarg; break;
		case 'a': o->agency = optarg; break;
		case 'e': o->events = optarg; break;
		case 'E': o->event = optarg; break;
		case 'f': o->from = optarg; break;
		case 't': o->to = optarg; break;
		case 'D': o->detail = optarg; break;
		case 'b': o->bom = 1; break;
		case 'c': o->contact = 1; break;
		case 'i':
			if (parse_int64(optarg, 1, INT64_MAX, &o->id) == -1)
				return -1;
			break;
		case 'r':
			if (parse_int64(optarg, 1, INT64_MAX, &o->report) == -1)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static int
print_sub(const struct store_subscription *sub, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%s\n", (long long)sub->id, sub->url,
	    sub->agency ? sub->agency : "*", sub->events ? sub->events : "*",
	    sub->include_contact ? "contact" : "-");
	return 0;
}

static int
write_stdout(const void *data, size_t len, void *arg)
{
	(void)arg;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

/* Set the process time zone from the catalogue (dates are local). */
static int
set_zone(struct store *s)
{
	struct catalog *c;
	char err[600];
	int rc;

	if ((c = catalog_load(s, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return -1;
	}
	rc = datetime_set_zone(catalog_timezone(c));
	catalog_free(c);
	return rc;
}

static int
event_by_name(const char *name)
{
	int i;

	for (i = 0; i < EVENT__MAX; i++)
		if (strcmp(outbox_event_name((enum event_type)i), name) == 0)
			return i;
	return -1;
}

/* Record an event by hand in its own transaction. */
static int
emit(struct store *s, const struct opts *o, struct verr *e)
{
	int ev = o->event ? event_by_name(o->event) : -1;

	if (ev < 0)
		return verr_set(e, VERR_INVALID, "event", "--event: an event "
		    "name such as report.answered");
	return delivery_emit(s, (enum event_type)ev, o->report, o->detail,
	    clock_now(), e);
}

static int
run(const char *cmd, const char *sub, struct store *s, const struct opts *o)
{
	struct store_delivery_stats st;
	struct verr e;
	int64_t id, from, to;
	size_t n;

	memset(&e, 0, sizeof(e));
	if (strcmp(cmd, "webhook") == 0 && strcmp(sub, "add") == 0) {
		if (delivery_subscribe(s, o->url, o->secret, o->agency,
		    o->events, o->contact, clock_now(), &id, &e) == -1)
			goto fail;
		printf("%lld\n", (long long)id);
		return 0;
	}
	if (strcmp(cmd, "webhook") == 0 && strcmp(sub, "list") == 0)
		return delivery_subscriptions(s, print_sub, NULL) == 0 ? 0 :
		    (fprintf(stderr, "veche: %s\n", db_error(s)), 1);
	if (strcmp(cmd, "webhook") == 0 && strcmp(sub, "remove") == 0) {
		if (delivery_unsubscribe(s, o->id, &e) == -1)
			goto fail;
		return 0;
	}
	if (strcmp(cmd, "outbox") == 0 && strcmp(sub, "replay") == 0) {
		if (delivery_replay(s, o->id, delivery_now_ms(), &n, &e) == -1)
			goto fail;
		printf("%zu\n", n);
		return 0;
	}
	if (strcmp(cmd, "outbox") == 0 && strcmp(sub, "stats") == 0) {
		if (delivery_stats(s, &st) == -1) {
			fprintf(stderr, "veche: %s\n", db_error(s));
			return 1;
		}
		printf("events %lld\nsubscriptions %lld\npending %lld\n"
		    "sending %lld\ndelivered %lld\ndead %lld\n",
		    (long long)st.events, (long long)st.subscriptions,
		    (long long)st.count[DELIVERY_PENDING],
		    (long long)st.count[DELIVERY_SENDING],
		    (long long)st.count[DELIVERY_DELIVERED],
		    (long long)st.count[DELIVERY_DEAD]);
		return 0;
	}
	if (strcmp(cmd, "outbox") == 0 && strcmp(sub, "emit") == 0) {
		if (set_zone(s) == -1 || emit(s, o, &e) == -1)
			goto fail;
		return 0;
	}
	if (strcmp(cmd, "export") == 0 && strcmp(sub, "csv") == 0) {
		if (o->agency == NULL) {
			fputs(usage_export, stderr);
			return 2;
		}
		if (set_zone(s) == -1 ||
		    export_parse_date(o->from, 0, "--from", &from, &e) == -1 ||
		    export_parse_date(o->to, 1, "--to", &to, &e) == -1 ||
		    export_csv(s, o->agency, from, to, o->bom, write_stdout,
		    NULL, &e) == -1 || fflush(stdout) != 0)
			goto fail;
		return 0;
	}
	fputs(cli_delivery_usage(cmd), stderr);
	return 2;
fail:
	fprintf(stderr, "veche: %s\n", e.message[0] ? e.message :
	    "failed");
	return 1;
}

static int
cli_delivery(const char *cmd, int argc, char **argv)
{
	const char *usage = cli_delivery_usage(cmd), *sub;
	struct store *s;
	struct opts o;
	char err[600];
	int rc;

	if (usage == NULL || argc < 2) {
		fputs(usage ? usage : "veche: unknown command\n", stderr);
		return 2;
	}
	sub = argv[1];
	if (parse_opts(argc - 1, argv + 1, &o) == -1) {
		fputs(usage, stderr);
		return 2;
	}
	if ((s = db_open(o.db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "veche: %s\n", err);
		return 1;
	}
	rc = run(cmd, sub, s, &o);
	db_close(s);
	return rc;
}

static int
run_webhook(int argc, char **argv)
{
	return cli_delivery("webhook", argc, argv);
}

static int
run_outbox(int argc, char **argv)
{
	return cli_delivery("outbox", argc, argv);
}

static int
run_export(int argc, char **argv)
{
	return cli_delivery("export", argc, argv);
}

const struct cli_command cli_webhook = {
	"webhook", NULL, "signed webhooks to agency systems (add, list, remove)",
	usage_webhook, run_webhook,
};

const struct cli_command cli_outbox = {
	"outbox", NULL, "delivery statistics, replay of dead deliveries",
	usage_outbox, run_outbox,
};

const struct cli_command cli_export = {
	"export", "csv", "an agency's reports for a period as CSV",
	usage_export, run_export,
};

int
cli_delivery_mail_settings(struct store *s, const char *smtp_url,
    const char *from)
{
	if (smtp_url != NULL && *smtp_url != '\0' &&
	    strncmp(smtp_url, "smtp://", 7) != 0 &&
	    strncmp(smtp_url, "smtps://", 8) != 0) {
		fprintf(stderr, "veche: --smtp: smtp://HOST:PORT or "
		    "smtps://HOST:PORT\n");
		return -1;
	}
	if (from != NULL && *from != '\0' && (!parse_email_ok(from) ||
	    strlen(from) > VECHE_MAX_EMAIL)) {
		fprintf(stderr, "veche: --mail-from: an e-mail address\n");
		return -1;
	}
	if (delivery_set_mail(s, smtp_url, from) == -1) {
		fprintf(stderr, "veche: %s\n", db_error(s));
		return -1;
	}
	return 0;
}
