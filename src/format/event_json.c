/*
 * event_json.c: event.h: payloads written with jsonw, read with jansson.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/coord.h"
#include "format/event.h"
#include "format/jsonw.h"

struct event_payload {
	json_t *doc;
};

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The payload being written: a malloc'd string that grows. */
struct grown {
	char *s;
	size_t len, cap;
};

static int
grow_sink(const char *data, size_t len, void *arg)
{
	struct grown *g = arg;
	size_t cap;
	char *s;

	if (len >= SIZE_MAX / 2 - g->len)
		return -1;
	if (g->len + len + 1 > g->cap) {
		cap = g->cap ? g->cap : 1024;
		while (cap < g->len + len + 1)
			cap *= 2;
		if ((s = realloc(g->s, cap)) == NULL)
			return -1;
		g->s = s;
		g->cap = cap;
	}
	memcpy(g->s + g->len, data, len);
	g->len += len;
	g->s[g->len] = '\0';
	return 0;
}

/* A coordinate as jansson's JSON_REAL_PRECISION(10) dump writes it. */
static void
coord_member(struct jsonw *w, const char *key, int has, double v)
{
	jsonw_key(w, key);
	if (has)
		jsonw_real(w, coord_round(v), 10);
	else
		jsonw_null(w);
}

/* Members of string values (NULL: null), key and value in turn. */
static void
string_members(struct jsonw *w, const char *const *kv, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		jsonw_key_string(w, kv[i], kv[i + 1]);
}

/* The report's public fields, as the webhook has always carried them. */
static void
report_json(struct jsonw *w, const struct event_doc *d)
{
	const struct report *r = d->report;
	const char *const head[] = {
		"service_code", r->service_code,
		"agency_responsible", r->agency,
		"status", d->report_status,
		"status_notes", r->status_notes,
		"description", r->description,
		"address", r->address,
		"address_id", r->address_id,
		"zipcode", r->zipcode,
	};
	const char *const times[] = {
		"requested_datetime", d->requested,
		"updated_datetime", d->updated,
		"register_due_datetime", d->register_due,
		"expected_datetime", d->expected,
	};
	size_t i;

	jsonw_object_begin(w);
	jsonw_key(w, "service_request_id");
	jsonw_int(w, r->id);
	string_members(w, head, sizeof(head) / sizeof(head[0]));
	coord_member(w, "lat", r->has_point, r->lat);
	coord_member(w, "long", r->has_point, r->lon);
	string_members(w, times, sizeof(times) / sizeof(times[0]));
	jsonw_key(w, "media_urls");
	jsonw_array_begin(w);
	for (i = 0; i < r->nmedia; i++)
		jsonw_string(w, r->media[i]);
	jsonw_array_end(w);
	jsonw_object_end(w);
}

/*
 * Written straight (format/jsonw.h), byte for byte what jansson's
 * JSON_COMPACT | JSON_REAL_PRECISION(10) dump of the same members in the
 * same order gave: one is built for every report written.
 */
char *
event_json(const struct event_doc *d)
{
	const char *const head[] = {
		"id", d->key,
		"event", d->event,
		"created", d->created,
		"agency", d->agency,
		"detail", d->detail,
	};
	const char *const incident[] = {
		"source_url", d->incident_source_url,
		"external_id", d->incident_external_id,
		"author", d->incident_author,
		"network", d->incident_network,
		"answer", d->incident_answer,
		"report_url", d->incident_report_url,
	};
	struct grown g = { NULL, 0, 0 };
	struct jsonw w;

	jsonw_init(&w, 0, grow_sink, &g);
	jsonw_object_begin(&w);
	string_members(&w, head, sizeof(head) / sizeof(head[0]));
	jsonw_key(&w, "report");
	report_json(&w, d);
	if (d->incident) {
		jsonw_key(&w, "incident");
		jsonw_object_begin(&w);
		string_members(&w, incident, sizeof(incident) /
		    sizeof(incident[0]));
		jsonw_object_end(&w);
	}
	jsonw_object_end(&w);
	if (jsonw_finish(&w) == -1) {
		free(g.s);
		return NULL;
	}
	return g.s;
}

char *
event_json_with_contact(const char *payload, const struct contact *c)
{
	json_t *doc, *contact = NULL;
	char *body;

	if ((doc = json_loads(payload, 0, NULL)) == NULL)
		return NULL;
	if (c != NULL && (contact = json_pack("{s:o, s:o, s:o, s:o}",
	    "first_name", jstr(c->first_name), "last_name",
	    jstr(c->last_name), "email", jstr(c->email), "phone",
	    jstr(c->phone))) == NULL) {
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(doc, "contact", contact ? contact : json_null());
	body = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(doc);
	return body;
}

struct event_payload *
event_payload_parse(const char *payload)
{
	struct event_payload *p;

	if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	if ((p->doc = json_loads(payload, 0, NULL)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
event_payload_free(struct event_payload *p)
{
	if (p == NULL)
		return;
	json_decref(p->doc);
	free(p);
}

static const char *
get(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

const char *
event_payload_get(const struct event_payload *p, const char *key)
{
	return get(p->doc, key);
}

const char *
event_payload_report(const struct event_payload *p, const char *key)
{
	return get(json_object_get(p->doc, "report"), key);
}
