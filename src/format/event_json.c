/*
 * event_json.c: event.h over jansson.
 */
#include <stdlib.h>

#include <jansson.h>

#include "base/coord.h"
#include "format/event.h"

struct event_payload {
	json_t *doc;
};

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The report's public fields, as the webhook has always carried them. */
static json_t *
report_json(const struct event_doc *d)
{
	const struct report *r = d->report;
	json_t *o, *media;
	size_t i;

	if ((o = json_object()) == NULL || (media = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < r->nmedia; i++)
		json_array_append_new(media, json_string(r->media[i]));
	json_object_set_new(o, "service_request_id", json_integer(r->id));
	json_object_set_new(o, "service_code", jstr(r->service_code));
	json_object_set_new(o, "agency_responsible", jstr(r->agency));
	json_object_set_new(o, "status", json_string(d->report_status));
	json_object_set_new(o, "status_notes", jstr(r->status_notes));
	json_object_set_new(o, "description", jstr(r->description));
	json_object_set_new(o, "address", jstr(r->address));
	json_object_set_new(o, "address_id", jstr(r->address_id));
	json_object_set_new(o, "zipcode", jstr(r->zipcode));
	json_object_set_new(o, "lat", r->has_point ? json_real(coord_round(r->lat)) :
	    json_null());
	json_object_set_new(o, "long", r->has_point ? json_real(coord_round(r->lon)) :
	    json_null());
	json_object_set_new(o, "requested_datetime", jstr(d->requested));
	json_object_set_new(o, "updated_datetime", jstr(d->updated));
	json_object_set_new(o, "register_due_datetime",
	    jstr(d->register_due));
	json_object_set_new(o, "expected_datetime", jstr(d->expected));
	json_object_set_new(o, "media_urls", media);
	return o;
}

char *
event_json(const struct event_doc *d)
{
	json_t *doc = NULL, *report = NULL;
	char *payload = NULL;

	if ((report = report_json(d)) == NULL || (doc = json_object()) == NULL)
		goto out;
	json_object_set_new(doc, "id", json_string(d->key));
	json_object_set_new(doc, "event", json_string(d->event));
	json_object_set_new(doc, "created", jstr(d->created));
	json_object_set_new(doc, "agency", jstr(d->agency));
	json_object_set_new(doc, "detail", jstr(d->detail));
	json_object_set(doc, "report", report);
	if (d->incident)
		json_object_set_new(doc, "incident", json_pack("{s:o, s:o, s:o,"
		    " s:o, s:o, s:o}", "source_url", jstr(d->incident_source_url),
		    "external_id", jstr(d->incident_external_id), "author",
		    jstr(d->incident_author), "network",
		    jstr(d->incident_network), "answer",
		    jstr(d->incident_answer), "report_url",
		    jstr(d->incident_report_url)));
	payload = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
out:
	json_decref(doc);
	json_decref(report);
	return payload;
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
