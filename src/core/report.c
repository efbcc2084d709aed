/* report.c: validation, routing and storage of new reports. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "base/rand.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/outbox.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/report.h"
#include "core/text_check.h"
#include "geo/geo.h"
#include "store/store.h"

static const char *const status_names[STATUS__MAX] = {
	[STATUS_SUBMITTED] = "submitted",
	[STATUS_REGISTERED] = "registered",
	[STATUS_IN_PROGRESS] = "in_progress",
	[STATUS_ANSWERED] = "answered",
	[STATUS_CLOSED] = "closed",
	[STATUS_REJECTED] = "rejected",
};

static const char *const attr_type_names[ATTR__MAX] = {
	[ATTR_STRING] = "string",
	[ATTR_NUMBER] = "number",
	[ATTR_DATETIME] = "datetime",
	[ATTR_TEXT] = "text",
	[ATTR_SINGLEVALUELIST] = "singlevaluelist",
	[ATTR_MULTIVALUELIST] = "multivaluelist",
};

const char *
report_status_name(enum report_status st)
{
	return (unsigned)st < STATUS__MAX ? status_names[st] : "unknown";
}

enum report_status
report_status_parse(const char *name)
{
	int i;

	for (i = 0; i < STATUS__MAX; i++)
		if (strcmp(status_names[i], name) == 0)
			return (enum report_status)i;
	return STATUS__MAX;
}

int
report_status_closed(enum report_status st)
{
	return st == STATUS_CLOSED || st == STATUS_REJECTED;
}

int
report_closed_unfixed(enum report_status st, int fixed)
{
	return st == STATUS_CLOSED && fixed == 0;
}

const char *
report_attr_type_name(enum attr_type t)
{
	return (unsigned)t < ATTR__MAX ? attr_type_names[t] : "string";
}

enum attr_type
report_attr_type_parse(const char *name)
{
	int i;

	for (i = 0; i < ATTR__MAX; i++)
		if (strcmp(attr_type_names[i], name) == 0)
			return (enum attr_type)i;
	return ATTR__MAX;
}

static int
check_contact(const struct contact *c, struct verr *e)
{
	if (text_check("first_name", c->first_name, 0, VECHE_MAX_NAME, e) ||
	    text_check("last_name", c->last_name, 0, VECHE_MAX_NAME, e) ||
	    text_check("device_id", c->device_id, 0, VECHE_MAX_NAME, e) ||
	    text_check("account_id", c->account_id, 0, VECHE_MAX_NAME, e))
		return -1;
	if (c->email != NULL && (strlen(c->email) > VECHE_MAX_EMAIL ||
	    !parse_email_ok(c->email)))
		return verr_set(e, VERR_INVALID, "email", "email: '%.80s' is "
		    "not an e-mail address", c->email);
	if (c->phone != NULL && (strlen(c->phone) > VECHE_MAX_PHONE ||
	    !parse_phone_ok(c->phone)))
		return verr_set(e, VERR_INVALID, "phone", "phone: '%.40s' is "
		    "not a phone number (5 to 15 digits, with + ( ) - and "
		    "spaces)", c->phone);
	return 0;
}

static int
has_choice(const struct service_attr *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->nchoices; i++)
		if (strcmp(a->choices[i].key, key) == 0)
			return 1;
	return 0;
}

/* Check one attribute value against its definition. */
static int
check_attr_value(const struct service *svc, const struct service_attr *a,
    const char *value, struct verr *e)
{
	char field[VECHE_MAX_CODE + 16], why[160];
	double d;
	int64_t t;

	snprintf(field, sizeof(field), "attribute[%s]", a->code);
	if (text_check(field, value, a->type == ATTR_TEXT ?
	    TEXT_CHECK_MULTILINE : 0, VECHE_MAX_ATTR_VALUE, e) == -1)
		return -1;
	switch (a->type) {
	case ATTR_NUMBER:
		if (parse_double(value, &d) == -1)
			return verr_set(e, VERR_INVALID, field, "%s: '%.40s' is "
			    "not a number", field, value);
		break;
	case ATTR_DATETIME:
		if (datetime_parse(value, &t, why, sizeof(why)) == -1)
			return verr_set(e, VERR_INVALID, field, "%s: %s", field,
			    why);
		break;
	case ATTR_SINGLEVALUELIST:
	case ATTR_MULTIVALUELIST:
		if (!has_choice(a, value))
			return verr_set(e, VERR_INVALID, field, "%s: '%.40s' is "
			    "not one of the values of service %s (GET "
			    "services/%s.json lists them)", field, value,
			    svc->code, svc->code);
		break;
	default:
		break;
	}
	return 0;
}

static int
check_attrs(const struct service *svc, const struct report_input *in,
    struct verr *e)
{
	size_t i, j, seen;

	if (in->nattrs > VECHE_MAX_ATTRS)
		return verr_set(e, VERR_INVALID, "attribute", "attribute: at "
		    "most %d values", VECHE_MAX_ATTRS);
	for (i = 0; i < in->nattrs; i++) {
		const struct attr_value *v = &in->attrs[i];
		const struct service_attr *a = catalog_service_attr(svc,
		    v->code);

		if (a == NULL || !a->variable)
			return verr_set(e, VERR_INVALID, "attribute", "attribute"
			    "[%.64s]: service %s has no such attribute",
			    v->code, svc->code);
		if (check_attr_value(svc, a, v->value, e) == -1)
			return -1;
		if (a->type == ATTR_MULTIVALUELIST)
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(in->attrs[j].code, v->code) == 0)
				return verr_set(e, VERR_INVALID, "attribute",
				    "attribute[%s]: takes one value", v->code);
	}
	for (i = 0; i < svc->nattrs; i++) {
		const struct service_attr *a = &svc->attrs[i];

		if (!a->variable || !a->required || in->attrs_optional)
			continue;
		for (seen = 0, j = 0; j < in->nattrs; j++)
			if (strcmp(in->attrs[j].code, a->code) == 0)
				seen = 1;
		if (!seen)
			return verr_set(e, VERR_INVALID, "attribute",
			    "attribute[%s]: required by service %s", a->code,
			    svc->code);
	}
	return 0;
}

static int
check_input(const struct catalog *c, const struct report_input *in,
    const struct service **svc, struct verr *e)
{
	size_t i;

	if (in->service_code == NULL)
		return verr_set(e, VERR_INVALID, "service_code",
		    "service_code: required (GET services.json lists them)");
	if ((*svc = catalog_service(c, in->service_code)) == NULL)
		return verr_set(e, VERR_INVALID, "service_code", "service_code:"
		    " unknown service '%.64s' (GET services.json lists them)",
		    in->service_code);
	if (!in->has_point && in->address == NULL && in->address_id == NULL)
		return verr_set(e, VERR_INVALID, "lat", "lat: a location is "
		    "required: give lat and long, address_string or "
		    "address_id");
	if (in->has_point && !geo_point_valid(in->lat, in->lon))
		return verr_set(e, VERR_INVALID, in->lat < -90 ||
		    in->lat > 90 ? "lat" : "long", "%s: out of range "
		    "(latitude -90..90, longitude -180..180)",
		    in->lat < -90 || in->lat > 90 ? "lat" : "long");
	if (text_check("description", in->description, TEXT_CHECK_MULTILINE,
	    VECHE_MAX_DESCRIPTION, e) ||
	    text_check("address_string", in->address, 0, VECHE_MAX_ADDRESS,
	    e) || text_check("address_id", in->address_id, 0, VECHE_MAX_CODE,
	    e) || text_check("zipcode", in->zipcode, 0, VECHE_MAX_CODE, e))
		return -1;
	if (in->nmedia + in->nphotos > VECHE_MAX_MEDIA)
		return verr_set(e, VERR_INVALID, in->nphotos > 0 ? "photo" :
		    "media_url", "%s: at most %d photos and media URLs "
		    "together", in->nphotos > 0 ? "photo" : "media_url",
		    VECHE_MAX_MEDIA);
	for (i = 0; i < in->nmedia; i++)
		if (strlen(in->media[i]) > VECHE_MAX_URL ||
		    !parse_url_ok(in->media[i]))
			return verr_set(e, VERR_INVALID, "media_url",
			    "media_url: '%.80s' is not an http(s) URL of at "
			    "most %d bytes", in->media[i], VECHE_MAX_URL);
	if (check_contact(&in->contact, e) == -1)
		return -1;
	return check_attrs(*svc, in, e);
}

static int
contact_empty(const struct contact *c)
{
	return c->first_name == NULL && c->last_name == NULL &&
	    c->email == NULL && c->phone == NULL && c->device_id == NULL &&
	    c->account_id == NULL;
}

/* One report's writes, run by store_atomic (possibly on another thread). */
struct submit_unit {
	const struct report *r;
	const struct photo_file *photos;
	size_t nphotos;
	const struct contact *contact;
	const struct actor *actor;
	int64_t now;
	enum lang lang;
	int (*also)(struct store *, int64_t, void *, struct verr *);
	void *also_arg;
	struct verr *e;
	int64_t id;
};

static int
submit_unit(struct store *conn, void *arg)
{
	struct submit_unit *u = arg;

	static const struct actor anonymous = { ROLE_CITIZEN, 0, "anonymous",
	    { { 0 } }, 0 };
	char object[32], after[160];
	struct report written;
	size_t i;

	for (i = 0; i < u->nphotos; i++)
		if (photo_record(conn, &u->photos[i], u->now, u->e) == -1)
			return -1;
	if (store_report_insert(conn, u->r, u->contact, &u->id) == -1)
		return verr_set(u->e, VERR_INTERNAL, NULL, "storing the report "
		    "failed: %s", store_error(conn));
	/* Filed while signed in: the report is the account's (docs/auth.md). */
	if (account_link_report(conn, u->actor, u->id) == -1 ||
	    account_set_report_lang(conn, u->id, u->lang) == -1)
		return verr_set(u->e, VERR_INTERNAL, NULL, "storing the report "
		    "failed: %s", store_error(conn));
	snprintf(object, sizeof(object), "report:%lld", (long long)u->id);
	snprintf(after, sizeof(after), "status=submitted agency=%s",
	    u->r->agency != NULL ? u->r->agency : "");
	if (audit_append(conn, u->actor != NULL ? u->actor : &anonymous,
	    "report.submit", object, NULL, after, u->now, u->e) == -1)
		return -1;
	/* The event's payload from the report as stored, not read back. */
	written = *u->r;
	written.id = u->id;
	written.reject_reason = written.fixed = -1;
	if (written.description == NULL)
		written.description = "";
	if (outbox_emit_written(conn, EVENT_REPORT_CREATED, &written, u->now,
	    u->e) == -1)
		return -1;
	return u->also != NULL ? u->also(conn, u->id, u->also_arg, u->e) : 0;
}

/* Delete the files of the first n photos in f. */
static void
photos_remove(const char *dir, const struct photo_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		photo_remove(dir, f[i].id);
}

/*
 * Decode and write the input's photos, and list the report's media: the
 * URLs given, then the photos'.  Returns 0, or -1 with e set and no file
 * left.
 */
static int
save_photos(const struct report_input *in, struct photo_file *f,
    char urls[][VECHE_MAX_URL + 1], const char **media, struct verr *e)
{
	size_t i;
	int n;

	for (i = 0; i < in->nmedia; i++)
		media[i] = in->media[i];
	for (i = 0; i < in->nphotos; i++) {
		if (photo_save(in->photo_dir, in->photos[i].data,
		    in->photos[i].len, &f[i], e) == -1) {
			photos_remove(in->photo_dir, f, i);
			return -1;
		}
		n = snprintf(urls[i], VECHE_MAX_URL + 1, "%s%s.jpg",
		    in->photo_url != NULL ? in->photo_url : "", f[i].id);
		if (n < 0 || n > VECHE_MAX_URL) {
			photos_remove(in->photo_dir, f, i + 1);
			return verr_set(e, VERR_INTERNAL, NULL, "photo: the "
			    "media URL is longer than %d bytes", VECHE_MAX_URL);
		}
		media[in->nmedia + i] = urls[i];
	}
	return 0;
}

int
report_check(const struct catalog *c, const struct report_input *in,
    struct verr *e)
{
	const struct service *svc = NULL;

	return check_input(c, in, &svc, e);
}

int
report_submit(struct store *s, const struct catalog *c,
    const struct report_input *in, struct report_receipt *out,
    struct verr *e)
{
	const struct service *svc = NULL;
	struct photo_file photos[VECHE_MAX_MEDIA];
	char urls[VECHE_MAX_MEDIA][VECHE_MAX_URL + 1];
	const char *media[VECHE_MAX_MEDIA];
	unsigned char raw[16];
	struct submit_unit unit;
	struct report r;

	/* Everything else first: a refused report leaves no photo behind. */
	if (check_input(c, in, &svc, e) == -1 ||
	    save_photos(in, photos, urls, media, e) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	rand_bytes(raw, sizeof(raw));
	sodium_bin2hex(out->token, sizeof(out->token), raw, sizeof(raw));
	r.token = out->token;
	r.service_code = svc->code;
	r.agency = catalog_route(c, svc->code, in->has_point, in->lat,
	    in->lon);
	r.status = STATUS_SUBMITTED;
	r.has_point = in->has_point;
	r.lat = in->lat;
	r.lon = in->lon;
	r.address = in->address;
	r.address_id = in->address_id;
	r.zipcode = in->zipcode;
	r.description = in->description;
	r.media = media;
	r.nmedia = in->nmedia + in->nphotos;
	r.attrs = in->attrs;
	r.nattrs = in->nattrs;
	r.requested = r.updated = in->now;
	r.register_due = deadline_register_due(in->now);
	r.expected = deadline_expected(in->now);
	/* The report and the event that tells the agency of it: both or none. */
	unit.r = &r;
	unit.photos = photos;
	unit.nphotos = in->nphotos;
	unit.contact = contact_empty(&in->contact) ? NULL : &in->contact;
	unit.actor = in->actor;
	unit.now = in->now;
	unit.lang = in->lang;
	unit.also = in->also;
	unit.also_arg = in->also_arg;
	unit.e = e;
	unit.id = 0;
	memset(e, 0, sizeof(*e));
	if (store_atomic(s, submit_unit, &unit) != 0) {
		if (e->kind == VERR_NONE)
			verr_set(e, VERR_INTERNAL, NULL, "storing the report "
			    "failed: %s", store_error(s));
		photos_remove(in->photo_dir, photos, in->nphotos);
		return -1;
	}
	out->id = unit.id;
	out->agency = r.agency;
	out->register_due = r.register_due;
	out->expected = r.expected;
	return 0;
}

int
report_set_status(struct store *s, int64_t id, enum report_status status,
    const char *note, int64_t now, struct verr *e)
{
	int rc;

	if ((unsigned)status >= STATUS__MAX)
		return verr_set(e, VERR_INVALID, "status", "status: unknown");
	if (text_check("description", note, TEXT_CHECK_MULTILINE,
	    VECHE_MAX_DESCRIPTION, e) == -1)
		return -1;
	rc = store_report_set_status(s, id, status, note, now);
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "service_request_id",
		    "service_request_id: no report %lld", (long long)id);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "changing the status "
		    "failed: %s", store_error(s));
	return 0;
}
