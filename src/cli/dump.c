/*
 * dump.c: 'veche dump', the open data dump (docs/opendata.md): every
 * public record as CSV (UTF-8, RFC 4180), JSON Lines and, for reports,
 * GeoJSON, with a Frictionless Data package (datapackage.json) that gives
 * each file's schema, the deployment's licence and the ratings' period.
 *
 * Written streaming: each row is written as the store hands it over and
 * then forgotten, so memory does not grow with the number of reports
 * (bench/dump_rss.sh).  Files are written as NAME.part and renamed into
 * place at the end, so a reader never sees half a dump.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "veche.h"
#include "api/app.h"
#include "cli/cli.h"
#include "core/calls.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/drafts.h"
#include "core/export.h"
#include "core/incident.h"
#include "core/opendata.h"
#include "core/ratings.h"
#include "core/report.h"
#include "core/worker.h"
#include "core/workflow.h"

#define DUMP_PATH 1024

enum ftype { F_INT, F_NUM, F_STR, F_TEXT, F_TIME, F_BOOL };

static const char *const ftype_names[] = {
	[F_INT] = "integer", [F_NUM] = "number", [F_STR] = "string",
	[F_TEXT] = "string", [F_TIME] = "datetime", [F_BOOL] = "boolean",
};

struct field {
	const char *name;
	enum ftype type;
	const char *description;
};

/* One value of a row: null, or the member its field's type reads. */
struct val {
	int null;
	int64_t i;
	double d;
	const char *s;
};

struct resource {
	const char *name;
	const char *title;
	const struct field *fields;
	size_t n;
	int geojson;                    /* also NAME.geojson */
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct field report_fields[] = {
	{ "id", F_INT, "report number" },
	{ "service", F_STR, "service (category) code, see services" },
	{ "agency", F_STR, "code of the agency the report is with now" },
	{ "status", F_STR, "submitted, registered, in_progress, answered, "
	    "closed or rejected" },
	{ "lat", F_NUM, "latitude, WGS84" },
	{ "lon", F_NUM, "longitude, WGS84" },
	{ "address", F_TEXT, "address as given" },
	{ "description", F_TEXT, "the report's text as published" },
	{ "requested", F_TIME, "received" },
	{ "updated", F_TIME, "last changed" },
	{ "register_due", F_TIME, "registration deadline of the current "
	    "agency" },
	{ "registered", F_TIME, "registered by the current agency" },
	{ "expected", F_TIME, "answer deadline now in force" },
	{ "extended", F_INT, "times the answer deadline was extended" },
	{ "answered", F_TIME, "time of the latest answer" },
	{ "answer", F_TEXT, "the latest official answer" },
	{ "fixed", F_BOOL, "the reporter's answer to \"is it fixed?\"" },
	{ "reopened", F_INT, "times reopened by the reporter" },
	{ "forwarded_from", F_STR, "the agency that last forwarded it" },
	{ "reject_reason", F_STR, "why it was rejected" },
};

static const struct field history_fields[] = {
	{ "update_id", F_INT, "history entry number" },
	{ "report", F_INT, "report number" },
	{ "created", F_TIME, "when" },
	{ "status", F_STR, "the report's status after the entry" },
	{ "action", F_STR, "submit, register, start, answer, close, reject, "
	    "forward, extend, reopen, fixed, note, or update (a change of "
	    "status without a workflow action)" },
	{ "to_agency", F_STR, "forward: the receiving agency" },
	{ "from_agency", F_STR, "forward: the forwarding agency" },
	{ "register_due", F_TIME, "registration deadline after the action" },
	{ "expected", F_TIME, "answer deadline after the action" },
	{ "fixed", F_BOOL, "\"is it fixed?\" after the action" },
	{ "note", F_TEXT, "the public note" },
};

static const struct field agency_fields[] = {
	{ "code", F_STR, "agency code" },
	{ "name_ru", F_STR, "name in Russian" },
	{ "name_en", F_STR, "name in English" },
};

static const struct field service_fields[] = {
	{ "code", F_STR, "service code" },
	{ "name_ru", F_STR, "name in Russian" },
	{ "name_en", F_STR, "name in English" },
	{ "group_ru", F_STR, "group in Russian" },
	{ "group_en", F_STR, "group in English" },
};

static const struct field rating_fields[] = {
	{ "agency", F_STR, "agency code" },
	{ "rank", F_INT, "rank; empty when too few reports" },
	{ "too_few", F_BOOL, "fewer reports than the threshold" },
	{ "received", F_INT, "stays that began in the period" },
	{ "registered_count", F_INT, "registered within 3 working days" },
	{ "registered_of", F_INT, "of stays due for registration" },
	{ "registered_low", F_NUM, "Wilson 95 % lower bound" },
	{ "registered_high", F_NUM, "Wilson 95 % upper bound" },
	{ "in_time_count", F_INT, "answered in time" },
	{ "in_time_of", F_INT, "of stays due for an answer" },
	{ "in_time_low", F_NUM, "Wilson 95 % lower bound (the ranking key)" },
	{ "in_time_high", F_NUM, "Wilson 95 % upper bound" },
	{ "in_time_extended", F_INT, "answered in time after an extension" },
	{ "answered", F_INT, "stays with a first answer" },
	{ "median_days_to_answer", F_NUM, "median days to the first answer" },
	{ "closed", F_INT, "stays closed" },
	{ "median_days_to_close", F_NUM, "median days to closing" },
	{ "extensions", F_INT, "deadline extensions" },
	{ "forwarded", F_INT, "forwarded away" },
	{ "rejected", F_INT, "rejected" },
	{ "reopened", F_INT, "reopened by the reporter" },
	{ "fixed_yes", F_INT, "\"is it fixed?\" answered yes" },
	{ "fixed_answers", F_INT, "\"is it fixed?\" answers" },
	{ "fixed_low", F_NUM, "Wilson 95 % lower bound" },
	{ "fixed_high", F_NUM, "Wilson 95 % upper bound" },
};

static const struct field incident_fields[] = {
	{ "id", F_INT, "incident number" },
	{ "report", F_INT, "the report it became" },
	{ "agency", F_STR, "the agency it was sent to" },
	{ "network", F_STR, "where the post was written (VK, Telegram, a "
	    "feed's name)" },
	{ "author", F_STR, "the post's public handle" },
	{ "source_url", F_STR, "the post's URL" },
	{ "external_id", F_STR, "the post's id in its source" },
	{ "posts", F_INT, "posts (near-copies) linked" },
	{ "posted", F_TIME, "the post's time: the reaction clock starts" },
	{ "created", F_TIME, "made an incident (counts in this period)" },
	{ "due", F_TIME, "first public answer due" },
	{ "first_answer", F_TIME, "first public answer" },
};

/* Open calls for a public post (core/calls.h): no account, no e-mail. */
static const struct field call_fields[] = {
	{ "id", F_INT, "call number" },
	{ "post", F_TEXT, "the post" },
	{ "body", F_TEXT, "the body that decides (the commission)" },
	{ "members", F_TEXT, "its members" },
	{ "requirements", F_TEXT, "requirements of candidates" },
	{ "opens", F_TIME, "applications open" },
	{ "applications_close", F_TIME, "applications close" },
	{ "discussion_close", F_TIME, "the public discussion closes" },
	{ "decision_due", F_TIME, "the planned decision" },
	{ "phase", F_STR, "announced, applications, discussion, pending or "
	    "decided" },
	{ "candidates", F_INT, "applications not withdrawn" },
	{ "decided", F_TIME, "the decision was published" },
	{ "chosen", F_INT, "the chosen candidate's number; empty: nobody" },
	{ "reasons", F_TEXT, "the decision's reasons" },
	{ "vote", F_TEXT, "the commission's vote" },
};

static const struct field candidate_fields[] = {
	{ "id", F_INT, "candidate number" },
	{ "call", F_INT, "call number" },
	{ "name", F_TEXT, "the public name the candidate gave" },
	{ "experience", F_TEXT, "experience" },
	{ "education", F_TEXT, "education" },
	{ "programme", F_TEXT, "programme" },
	{ "state", F_STR, "active, withdrawn or rejected" },
	{ "reason", F_TEXT, "why the application was rejected" },
	{ "supports", F_INT, "supports (one per account)" },
	{ "applied", F_TIME, "applied" },
	{ "updated", F_TIME, "last edited" },
};

static const struct field draft_fields[] = {
	{ "id", F_INT, "draft number" },
	{ "agency", F_STR, "the owning agency's code" },
	{ "title", F_TEXT, "title" },
	{ "opens", F_TIME, "the discussion opens" },
	{ "closes", F_TIME, "the discussion closes (its last second)" },
	{ "versions", F_INT, "versions published; the last is current" },
	{ "created", F_TIME, "published" },
};

static const struct field draft_paragraph_fields[] = {
	{ "id", F_INT, "paragraph id (the subject of its comments)" },
	{ "draft", F_INT, "draft number" },
	{ "version", F_INT, "version number" },
	{ "number", F_STR, "article.paragraph, as \"3.2\"" },
	{ "article", F_INT, "article number" },
	{ "article_title", F_TEXT, "article title" },
	{ "text", F_TEXT, "the paragraph's text" },
};

static const struct field draft_proposal_fields[] = {
	{ "comment", F_INT, "comment number" },
	{ "paragraph", F_INT, "paragraph id (draft_paragraphs)" },
	{ "version", F_INT, "the version commented on" },
	{ "number", F_STR, "article.paragraph" },
	{ "author", F_TEXT, "the author's public name, empty: anonymous" },
	{ "proposal", F_TEXT, "the comment" },
	{ "wording", F_TEXT, "the proposed wording, if any" },
	{ "created", F_TIME, "when" },
	{ "decision", F_STR, "accepted, partly or rejected; empty: none yet" },
	{ "reason", F_TEXT, "the agency's reason" },
	{ "decided", F_TIME, "when decided" },
};

enum { RES_REPORTS, RES_HISTORY, RES_AGENCIES, RES_SERVICES, RES_RATINGS,
	RES_INCIDENTS, RES_CALLS, RES_CANDIDATES, RES_DRAFTS, RES_DRAFT_PARAGRAPHS,
	RES_DRAFT_PROPOSALS, RES__MAX };

static const struct resource resources[RES__MAX] = {
	[RES_REPORTS] = { "reports", "Reports, without personal data",
	    report_fields, NF(report_fields), 1 },
	[RES_HISTORY] = { "history", "Every report's public history, with "
	    "the deadlines in force after each action", history_fields,
	    NF(history_fields), 0 },
	[RES_AGENCIES] = { "agencies", "Agencies", agency_fields,
	    NF(agency_fields), 0 },
	[RES_SERVICES] = { "services", "Services (categories)",
	    service_fields, NF(service_fields), 0 },
	[RES_RATINGS] = { "ratings", "Ratings of agencies for the period "
	    "(docs/ratings.md)", rating_fields, NF(rating_fields), 0 },
	[RES_INCIDENTS] = { "incidents", "Incidents: posts sent to agencies, "
	    "with their reaction clock (docs/listening.md)", incident_fields,
	    NF(incident_fields), 0 },
	[RES_CALLS] = { "calls", "Open calls for public posts and their "
	    "decisions", call_fields, NF(call_fields), 0 },
	[RES_CANDIDATES] = { "candidates", "Candidates of open calls: public "
	    "profiles and support counts", candidate_fields,
	    NF(candidate_fields), 0 },
	[RES_DRAFTS] = { "drafts", "Drafts of regulations under public "
	    "discussion", draft_fields, NF(draft_fields), 0 },
	[RES_DRAFT_PARAGRAPHS] = { "draft_paragraphs", "Every version's "
	    "articles and paragraphs of the drafts", draft_paragraph_fields,
	    NF(draft_paragraph_fields), 0 },
	[RES_DRAFT_PROPOSALS] = { "draft_proposals", "Proposals on the "
	    "drafts' paragraphs and the agencies' decisions, without personal "
	    "data", draft_proposal_fields, NF(draft_proposal_fields), 0 },
};

/* The licences veche knows by name; others are written with their name. */
static const struct {
	const char *id, *title, *path;
} licences[] = {
	{ "CC-BY-4.0", "Creative Commons Attribution 4.0",
	    "https://creativecommons.org/licenses/by/4.0/" },
	{ "CC0-1.0", "Creative Commons Zero 1.0",
	    "https://creativecommons.org/publicdomain/zero/1.0/" },
	{ "ODbL-1.0", "Open Data Commons Open Database License 1.0",
	    "https://opendatacommons.org/licenses/odbl/1-0/" },
};

/* One resource's open files. */
struct sink {
	const struct resource *r;
	FILE *csv, *jsonl, *geo;
	int64_t rows;
	int first_feature;
};

struct dump {
	const char *dir;
	struct sink sinks[RES__MAX];
	int64_t last_report;            /* of the history entry before */
	int failed;
	char err[DUMP_PATH + 256];
};

static int
csv_write(const void *data, size_t len, void *arg)
{
	return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

static void
part_path(const struct dump *d, const char *name, const char *ext,
    int part, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.%s%s", d->dir, name, ext, part ? ".part" :
	    "");
}

static FILE *
open_part(struct dump *d, const char *name, const char *ext)
{
	char path[DUMP_PATH];
	FILE *f;

	part_path(d, name, ext, 1, path, sizeof(path));
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(errno));
		d->failed = 1;
	}
	return f;
}

/* Open a resource's files and write the CSV header and GeoJSON head. */
static void
sink_open(struct dump *d, int i)
{
	struct sink *k = &d->sinks[i];
	size_t f;

	k->r = &resources[i];
	k->first_feature = 1;
	if ((k->csv = open_part(d, k->r->name, "csv")) == NULL ||
	    (k->jsonl = open_part(d, k->r->name, "jsonl")) == NULL ||
	    (k->r->geojson && (k->geo = open_part(d, k->r->name,
	    "geojson")) == NULL))
		return;
	for (f = 0; f < k->r->n; f++)
		fprintf(k->csv, "%s%s", f ? "," : "", k->r->fields[f].name);
	fputs("\r\n", k->csv);
	if (k->geo != NULL)
		fputs("{\"type\":\"FeatureCollection\",\"features\":[\n",
		    k->geo);
}

static json_t *
val_json(const struct field *f, const struct val *v)
{
	char t[DATETIME_LEN];

	if (v->null)
		return json_null();
	switch (f->type) {
	case F_INT:
		return json_integer(v->i);
	case F_NUM:
		return json_real(v->d);
	case F_TIME:
		return json_string(datetime_format(v->i, t, sizeof(t)));
	case F_BOOL:
		return json_boolean(v->i);
	default:
		return json_string(v->s);
	}
}

static int
val_csv(FILE *out, const struct field *f, const struct val *v)
{
	char buf[64];

	if (v->null)
		return 0;
	switch (f->type) {
	case F_INT:
		fprintf(out, "%lld", (long long)v->i);
		return 0;
	case F_NUM:
		/* Enough digits to read the same double back. */
		snprintf(buf, sizeof(buf), "%.17g", v->d);
		return fputs(buf, out) < 0 ? -1 : 0;
	case F_TIME:
		return fputs(datetime_format(v->i, buf, sizeof(buf)), out) < 0 ?
		    -1 : 0;
	case F_BOOL:
		return fputs(v->i ? "true" : "false", out) < 0 ? -1 : 0;
	default:
		return export_csv_field(v->s, f->type == F_TEXT, csv_write,
		    out);
	}
}

/* Write one row of k to its CSV and JSON Lines files. */
static int
sink_row(struct dump *d, struct sink *k, const struct val *v, json_t **obj)
{
	json_t *o = json_object();
	size_t f;

	if (o == NULL)
		goto fail;
	for (f = 0; f < k->r->n; f++) {
		if ((f && fputc(',', k->csv) == EOF) ||
		    val_csv(k->csv, &k->r->fields[f], &v[f]) == -1 ||
		    json_object_set_new(o, k->r->fields[f].name,
		    val_json(&k->r->fields[f], &v[f])) == -1)
			goto fail;
	}
	if (fputs("\r\n", k->csv) < 0 || json_dumpf(o, k->jsonl,
	    JSON_COMPACT | JSON_PRESERVE_ORDER) == -1 ||
	    fputc('\n', k->jsonl) == EOF)
		goto fail;
	k->rows++;
	if (obj != NULL)
		*obj = o;
	else
		json_decref(o);
	return 0;
fail:
	json_decref(o);
	snprintf(d->err, sizeof(d->err), "writing %s: %s", k->r->name,
	    strerror(errno));
	d->failed = 1;
	return -1;
}

static void
set_s(struct val *v, const char *s)
{
	v->null = s == NULL;
	v->s = s;
}

static void
set_t(struct val *v, int64_t t)
{
	v->null = t == 0;
	v->i = t;
}

static void
set_i(struct val *v, int64_t i)
{
	v->null = 0;
	v->i = i;
}

static void
set_d(struct val *v, double x, int null)
{
	v->null = null;
	v->d = x;
}

static int
on_report(const struct opendata_report *r, void *arg)
{
	struct dump *d = arg;
	struct sink *k = &d->sinks[RES_REPORTS];
	struct val v[NF(report_fields)];
	json_t *props = NULL, *feat;

	memset(v, 0, sizeof(v));
	set_i(&v[0], r->id);
	set_s(&v[1], r->service);
	set_s(&v[2], r->agency);
	set_s(&v[3], report_status_name(r->status));
	set_d(&v[4], r->lat, !r->has_point);
	set_d(&v[5], r->lon, !r->has_point);
	set_s(&v[6], r->address);
	set_s(&v[7], r->description);
	set_t(&v[8], r->requested);
	set_t(&v[9], r->updated);
	set_t(&v[10], r->register_due);
	set_t(&v[11], r->registered);
	set_t(&v[12], r->expected);
	set_i(&v[13], r->extended);
	set_t(&v[14], r->answered);
	set_s(&v[15], r->answer);
	set_i(&v[16], r->fixed == 1);
	v[16].null = r->fixed < 0;
	set_i(&v[17], r->reopened);
	set_s(&v[18], r->forwarded_from);
	set_s(&v[19], r->reject_reason >= 0 ?
	    workflow_reject_name((enum reject_reason)r->reject_reason) : NULL);
	if (sink_row(d, k, v, &props) == -1)
		return -1;
	feat = json_pack("{s:s, s:I, s:o, s:o}", "type", "Feature", "id",
	    (json_int_t)r->id, "geometry", r->has_point ?
	    json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates",
	    r->lon, r->lat) : json_null(), "properties", props);
	if (feat == NULL || fputs(k->first_feature ? "" : ",\n", k->geo) < 0 ||
	    json_dumpf(feat, k->geo, JSON_COMPACT | JSON_PRESERVE_ORDER) ==
	    -1) {
		json_decref(feat);
		snprintf(d->err, sizeof(d->err), "writing reports.geojson");
		d->failed = 1;
		return -1;
	}
	k->first_feature = 0;
	json_decref(feat);
	return 0;
}

static int
on_event(const struct opendata_event *e, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(history_fields)];

	if (e->update_id == 0)
		return 0;
	memset(v, 0, sizeof(v));
	set_i(&v[0], e->update_id);
	set_i(&v[1], e->report_id);
	set_t(&v[2], e->created);
	set_s(&v[3], report_status_name(e->status));
	/* No action: the submission, or a change an older veche wrote. */
	set_s(&v[4], e->action >= 0 ?
	    workflow_action_name((enum wf_action)e->action) :
	    e->report_id != d->last_report ? "submit" : "update");
	d->last_report = e->report_id;
	set_s(&v[5], e->to_agency);
	set_s(&v[6], e->from_agency);
	set_t(&v[7], e->action < 0 ? 0 : e->register_due);
	set_t(&v[8], e->action < 0 ? 0 : e->expected);
	set_i(&v[9], e->fixed == 1);
	v[9].null = e->action < 0 || e->fixed < 0;
	set_s(&v[10], e->note);
	return sink_row(d, &d->sinks[RES_HISTORY], v, NULL);
}

static void
catalogue_rows(struct dump *d, const struct catalog *c)
{
	struct val v[NF(service_fields)];
	size_t i;

	for (i = 0; !d->failed && i < catalog_nagencies(c); i++) {
		const struct agency *a = catalog_agency_at(c, i);

		memset(v, 0, sizeof(v));
		set_s(&v[0], a->code);
		set_s(&v[1], a->name[LANG_RU]);
		set_s(&v[2], a->name[LANG_EN]);
		sink_row(d, &d->sinks[RES_AGENCIES], v, NULL);
	}
	for (i = 0; !d->failed && i < catalog_nservices(c); i++) {
		const struct service *s = catalog_service_at(c, i);

		memset(v, 0, sizeof(v));
		set_s(&v[0], s->code);
		set_s(&v[1], s->name[LANG_RU]);
		set_s(&v[2], s->name[LANG_EN]);
		set_s(&v[3], s->group[LANG_RU]);
		set_s(&v[4], s->group[LANG_EN]);
		sink_row(d, &d->sinks[RES_SERVICES], v, NULL);
	}
}

static void
share_vals(struct val *v, const struct ratings_share *s)
{
	set_i(&v[0], s->k);
	set_i(&v[1], s->n);
	set_d(&v[2], s->lo, s->n == 0);
	set_d(&v[3], s->hi, s->n == 0);
}

static void
rating_rows(struct dump *d, const struct ratings *r)
{
	struct val v[NF(rating_fields)];
	size_t i;

	for (i = 0; !d->failed && i < r->n; i++) {
		const struct ratings_agency *a = &r->agencies[i];

		memset(v, 0, sizeof(v));
		set_s(&v[0], a->code);
		set_i(&v[1], a->rank);
		v[1].null = a->rank == 0;
		set_i(&v[2], a->few);
		set_i(&v[3], a->received);
		share_vals(&v[4], &a->registered);
		share_vals(&v[8], &a->in_time);
		set_i(&v[12], a->in_time_extended);
		set_i(&v[13], a->answered);
		set_d(&v[14], a->median_answer_days, a->median_answer_days < 0);
		set_i(&v[15], a->closed);
		set_d(&v[16], a->median_close_days, a->median_close_days < 0);
		set_i(&v[17], a->extensions);
		set_i(&v[18], a->forwarded);
		set_i(&v[19], a->rejected);
		set_i(&v[20], a->reopened);
		/* fixed_yes, fixed_answers, low, high */
		share_vals(&v[21], &a->fixed);
		sink_row(d, &d->sinks[RES_RATINGS], v, NULL);
	}
}

static int
on_incident(const struct incident *in, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(incident_fields)];

	memset(v, 0, sizeof(v));
	set_i(&v[0], in->id);
	set_i(&v[1], in->report);
	set_s(&v[2], in->agency);
	set_s(&v[3], in->network);
	set_s(&v[4], in->author);
	set_s(&v[5], in->source_url);
	set_s(&v[6], in->external_id);
	set_i(&v[7], in->nposts);
	set_t(&v[8], in->posted);
	set_t(&v[9], in->created);
	set_t(&v[10], in->due);
	set_t(&v[11], in->first_answer);
	sink_row(d, &d->sinks[RES_INCIDENTS], v, NULL);
	return d->failed ? -1 : 0;
}

/* The calls' rows need the dump's instant for their phase. */
struct call_dump {
	struct dump *d;
	int64_t now;
};

static int
on_call(const struct call *k, void *arg)
{
	struct call_dump *cd = arg;
	struct val v[NF(call_fields)];

	memset(v, 0, sizeof(v));
	set_i(&v[0], k->id);
	set_s(&v[1], k->post);
	set_s(&v[2], k->body);
	set_s(&v[3], k->members);
	set_s(&v[4], k->requirements);
	set_t(&v[5], k->opens);
	set_t(&v[6], k->apps_close);
	set_t(&v[7], k->discussion_close);
	set_t(&v[8], k->decision_due);
	set_s(&v[9], call_phase_name(call_phase(k, cd->now)));
	set_i(&v[10], k->candidates);
	set_t(&v[11], k->decided);
	set_i(&v[12], k->chosen);
	v[12].null = k->chosen == 0;
	set_s(&v[13], k->reasons);
	set_s(&v[14], k->vote);
	return sink_row(cd->d, &cd->d->sinks[RES_CALLS], v, NULL);
}

static int
on_candidate(const struct candidate *k, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(candidate_fields)];

	memset(v, 0, sizeof(v));
	set_i(&v[0], k->id);
	set_i(&v[1], k->call);
	set_s(&v[2], k->name);
	set_s(&v[3], k->experience);
	set_s(&v[4], k->education);
	set_s(&v[5], k->programme);
	set_s(&v[6], candidate_state_name(k->state));
	set_s(&v[7], k->reason);
	set_i(&v[8], k->supports);
	set_t(&v[9], k->created);
	set_t(&v[10], k->updated);
	return sink_row(d, &d->sinks[RES_CANDIDATES], v, NULL);
}

static int
on_dump_draft(const struct draft *dr, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(draft_fields)];

	memset(v, 0, sizeof(v));
	set_i(&v[0], dr->id);
	set_s(&v[1], dr->agency);
	set_s(&v[2], dr->title);
	set_t(&v[3], dr->opens);
	set_t(&v[4], dr->closes);
	set_i(&v[5], dr->version);
	set_t(&v[6], dr->created);
	return sink_row(d, &d->sinks[RES_DRAFTS], v, NULL);
}

static int
on_dump_para(const struct draft_para *p, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(draft_paragraph_fields)];
	char num[32];

	snprintf(num, sizeof(num), "%d.%d", p->article, p->number);
	memset(v, 0, sizeof(v));
	set_i(&v[0], p->id);
	set_i(&v[1], p->draft);
	set_i(&v[2], p->version);
	set_s(&v[3], num);
	set_i(&v[4], p->article);
	set_s(&v[5], p->article_title);
	set_s(&v[6], p->text);
	return sink_row(d, &d->sinks[RES_DRAFT_PARAGRAPHS], v, NULL);
}

static int
on_dump_proposal(const struct draft_proposal *p, void *arg)
{
	struct dump *d = arg;
	struct val v[NF(draft_proposal_fields)];
	char num[32];

	snprintf(num, sizeof(num), "%d.%d", p->article, p->number);
	memset(v, 0, sizeof(v));
	set_i(&v[0], p->comment);
	set_i(&v[1], p->paragraph);
	set_i(&v[2], p->version);
	set_s(&v[3], num);
	set_s(&v[4], p->author);
	set_s(&v[5], p->body);
	set_s(&v[6], p->wording);
	set_t(&v[7], p->created);
	set_s(&v[8], p->decision != DRAFT_UNDECIDED ?
	    draft_decision_name(p->decision) : NULL);
	set_s(&v[9], p->reason);
	set_t(&v[10], p->decided);
	return sink_row(d, &d->sinks[RES_DRAFT_PROPOSALS], v, NULL);
}

static json_t *
schema_json(const struct resource *r)
{
	json_t *fields = json_array();
	size_t f;

	for (f = 0; fields != NULL && f < r->n; f++)
		json_array_append_new(fields, json_pack("{s:s, s:s, s:s}",
		    "name", r->fields[f].name, "type",
		    ftype_names[r->fields[f].type], "description",
		    r->fields[f].description));
	return json_pack("{s:o}", "fields", fields);
}

static json_t *
licence_json(const char *id)
{
	size_t i;

	for (i = 0; i < NF(licences); i++)
		if (strcmp(licences[i].id, id) == 0)
			return json_pack("[{s:s, s:s, s:s}]", "name", id,
			    "title", licences[i].title, "path",
			    licences[i].path);
	return json_pack("[{s:s}]", "name", id);
}

/* datapackage.json: every file with its schema, size, rows, licence. */
static int
package_write(struct dump *d, const struct catalog *c, const char *licence,
    const struct ratings *r, int64_t now)
{
	static const struct { const char *ext, *format, *media; } kinds[] = {
		{ "csv", "csv", "text/csv" },
		{ "jsonl", "jsonl", "application/jsonl" },
		{ "geojson", "geojson", "application/geo+json" },
	};
	char path[DUMP_PATH], name[96], when[DATETIME_LEN];
	json_t *res = json_array(), *pkg;
	struct stat sb;
	size_t i, k;
	int rc;

	for (i = 0; res != NULL && i < RES__MAX; i++) {
		const struct sink *s = &d->sinks[i];

		for (k = 0; k < NF(kinds); k++) {
			if (k == 2 && !s->r->geojson)
				continue;
			part_path(d, s->r->name, kinds[k].ext, 1, path,
			    sizeof(path));
			if (stat(path, &sb) == -1)
				sb.st_size = 0;
			snprintf(name, sizeof(name), "%s-%s", s->r->name,
			    kinds[k].ext);
			snprintf(path, sizeof(path), "%s.%s", s->r->name,
			    kinds[k].ext);
			json_array_append_new(res, json_pack("{s:s, s:s, s:s, "
			    "s:s, s:s, s:s, s:I, s:I, s:o}", "name", name,
			    "title", s->r->title, "path", path, "format",
			    kinds[k].format, "mediatype", kinds[k].media,
			    "encoding", "utf-8", "bytes",
			    (json_int_t)sb.st_size, "rows",
			    (json_int_t)s->rows, "schema",
			    schema_json(s->r)));
		}
	}
	datetime_format(now, when, sizeof(when));
	pkg = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s, s:{s:s, "
	    "s:s}, s:i}}", "profile", "tabular-data-package", "name",
	    "veche-open-data", "title", "veche: reports, answers and ratings",
	    "created", when, "licenses", licence_json(licence), "resources",
	    res, "veche", "timezone", catalog_timezone(c), "generated", when,
	    "ratings_period", "from", r->period.from_date, "to",
	    r->period.to_date, "min_reports", VECHE_RATINGS_MIN_REPORTS);
	snprintf(path, sizeof(path), "%s/datapackage.json.part", d->dir);
	rc = pkg == NULL ? -1 : json_dump_file(pkg, path, JSON_INDENT(1) |
	    JSON_PRESERVE_ORDER);
	json_decref(pkg);
	if (rc == -1)
		snprintf(d->err, sizeof(d->err), "writing %s", path);
	return rc;
}

/* Close every file; with ok, move each .part into place. */
static int
finish(struct dump *d, int ok)
{
	static const char *const exts[] = { "csv", "jsonl", "geojson" };
	char from[DUMP_PATH], to[DUMP_PATH];
	size_t i, k;
	int rc = ok ? 0 : -1;

	for (i = 0; i < RES__MAX; i++) {
		FILE **fs[3] = { &d->sinks[i].csv, &d->sinks[i].jsonl,
		    &d->sinks[i].geo };

		for (k = 0; k < 3; k++)
			if (*fs[k] != NULL && fclose(*fs[k]) != 0 && rc == 0) {
				snprintf(d->err, sizeof(d->err), "closing: %s",
				    strerror(errno));
				rc = -1;
			}
	}
	for (i = 0; rc == 0 && i < RES__MAX; i++)
		for (k = 0; rc == 0 && k < 3; k++) {
			if (k == 2 && !resources[i].geojson)
				continue;
			part_path(d, resources[i].name, exts[k], 1, from,
			    sizeof(from));
			part_path(d, resources[i].name, exts[k], 0, to,
			    sizeof(to));
			if (rename(from, to) == -1)
				rc = -1;
		}
	snprintf(from, sizeof(from), "%s/datapackage.json.part", d->dir);
	snprintf(to, sizeof(to), "%s/datapackage.json", d->dir);
	if (rc == 0 && rename(from, to) == -1)
		rc = -1;
	if (rc == -1 && d->err[0] == '\0')
		snprintf(d->err, sizeof(d->err), "renaming into %s: %s",
		    d->dir, strerror(errno));
	return rc;
}

int
cli_dump_write(struct store *s, const struct catalog *c, const char *dir,
    const char *licence, int64_t now, char *err, size_t errlen)
{
	struct ratings_period p;
	struct ratings *r = NULL;
	struct call_dump cd;
	struct dump d;
	struct verr e;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	d.dir = dir;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "--out %s: %s", dir, strerror(errno));
		return -1;
	}
	if (opendata_low_memory(s, &e) == -1) {
		snprintf(err, errlen, "%s", e.message);
		return -1;
	}
	for (i = 0; i < RES__MAX && !d.failed; i++)
		sink_open(&d, (int)i);
	if (!d.failed && opendata_reports_each(s, on_report, &d, &e) == -1)
		d.failed = 1;
	if (!d.failed && fputs("\n]}\n", d.sinks[RES_REPORTS].geo) < 0)
		d.failed = 1;
	if (!d.failed && opendata_history_each(s, on_event, &d, &e) == -1)
		d.failed = 1;
	if (!d.failed)
		catalogue_rows(&d, c);
	if (!d.failed && (ratings_period_parse(NULL, NULL, NULL, now, &p,
	    &e) == -1 || (r = ratings_compute(s, c, &p, now, &e)) == NULL))
		d.failed = 1;
	if (!d.failed)
		rating_rows(&d, r);
	if (!d.failed && incident_each(s, on_incident, &d) != 0)
		d.failed = 1;
	cd.d = &d;
	cd.now = now;
	if (!d.failed && (call_each(s, 1, on_call, &cd) != 0 ||
	    candidate_each(s, 0, on_candidate, &d) != 0)) {
		if (d.err[0] == '\0')
			snprintf(d.err, sizeof(d.err), "reading open "
			    "calls failed");
		d.failed = 1;
	}
	if (!d.failed && opendata_drafts_each(s, on_dump_draft, on_dump_para,
	    on_dump_proposal, &d, &e) != 0)
		d.failed = 1;
	for (i = 0; !d.failed && i < RES__MAX; i++)
		if (fflush(d.sinks[i].csv) != 0 ||
		    fflush(d.sinks[i].jsonl) != 0 ||
		    (d.sinks[i].geo != NULL && fflush(d.sinks[i].geo) != 0))
			d.failed = 1;
	if (!d.failed && package_write(&d, c, licence, r, now) == -1)
		d.failed = 1;
	rc = finish(&d, !d.failed);
	if (rc == -1)
		snprintf(err, errlen, "%s", d.err[0] ? d.err : e.message[0] ?
		    e.message : strerror(errno));
	ratings_free(r);
	return rc;
}

/* veche serve's daily dump: one worker, its own connection. */
struct cli_dump_worker {
	struct worker *w;
	struct app *app;
	const char *db;
	struct store *s;
};

static int64_t
dump_round(struct worker *w, void *arg)
{
	struct cli_dump_worker *dw = arg;
	char err[700];

	(void)w;
	if (dw->s == NULL && (dw->s = db_open(dw->db, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "veche: open data dump: %s\n", err);
		return VECHE_DUMP_RETRY_MS;
	}
	if (cli_dump_write(dw->s, dw->app->catalog, dw->app->data_dir,
	    dw->app->data_licence, clock_now(), err, sizeof(err)) == -1) {
		fprintf(stderr, "veche: open data dump: %s\n", err);
		return VECHE_DUMP_RETRY_MS;
	}
	return VECHE_DUMP_PERIOD_MS;
}

struct cli_dump_worker *
cli_dump_worker_start(struct app *a, const char *db, char *err,
    size_t errlen)
{
	struct cli_dump_worker *dw;

	if ((dw = calloc(1, sizeof(*dw))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dw->app = a;
	dw->db = db;
	if ((dw->w = worker_start("open data dump", dump_round, dw, err,
	    errlen)) == NULL) {
		free(dw);
		return NULL;
	}
	return dw;
}

void
cli_dump_worker_stop(struct cli_dump_worker *dw)
{
	if (dw == NULL)
		return;
	worker_stop(dw->w);
	db_close(dw->s);
	free(dw);
}

static const char usage[] =
    "usage: veche dump [--db FILE] --out DIR [--licence ID]\n"
    "\n"
    "Write the open data dump into DIR (made if missing): reports without\n"
    "personal data, their history, agencies, services and the ratings of\n"
    "the last twelve months, as CSV, JSON Lines and GeoJSON, described by\n"
    "DIR/datapackage.json.  --licence: the data's licence, an SPDX id\n"
    "(default " CLI_DEFAULT_LICENCE ").  See docs/opendata.md.\n";

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "licence", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = CLI_DEFAULT_DB, *out = NULL;
	const char *licence = CLI_DEFAULT_LICENCE;
	struct catalog *c = NULL;
	struct store *s;
	char err[700];
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			licence = optarg;
			if (*licence == '\0' || strlen(licence) > 64)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || out == NULL || strlen(out) > DUMP_PATH - 64)
		goto usage;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	if ((c = cli_load_catalog(s)) != NULL) {
		if (cli_dump_write(s, c, out, licence, clock_now(), err,
		    sizeof(err)) == 0)
			rc = 0;
		else
			fprintf(stderr, "veche: dump: %s\n", err);
	}
	catalog_free(c);
	db_close(s);
	return rc;
usage:
	fputs(usage, stderr);
	return 2;
}

const struct cli_command cli_dump = {
	"dump", NULL, "the open data dump: CSV, JSON Lines, GeoJSON",
	usage, run,
};
