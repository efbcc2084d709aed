/*
 * help.c: the help map's rules (core/help.h): situations, posts and their
 * checks, matching, taking and finishing needs, and who sees a contact.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/datetime.h"
#include "core/help.h"
#include "core/parse.h"
#include "core/text_check.h"
#include "geo/geo.h"
#include "store/store.h"
#include "store/store_help.h"

static const char *const type_names[HELP_TYPE__MAX] = { "need", "offer" };
static const char *const kind_names[HELP_KIND__MAX] = {
	"evacuation", "water", "food", "medicine", "transport", "housing",
	"equipment", "volunteers",
};
static const char *const state_names[HELP_STATE__MAX] = {
	"open", "taken", "done", "expired",
};

static int
name_parse(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
help_type_name(enum help_type t)
{
	return (unsigned)t < HELP_TYPE__MAX ? type_names[t] : "";
}

const char *
help_kind_name(enum help_kind k)
{
	return (unsigned)k < HELP_KIND__MAX ? kind_names[k] : "";
}

const char *
help_state_name(enum help_state s)
{
	return (unsigned)s < HELP_STATE__MAX ? state_names[s] : "";
}

int
help_type_parse(const char *s)
{
	return name_parse(type_names, HELP_TYPE__MAX, s);
}

int
help_kind_parse(const char *s)
{
	return name_parse(kind_names, HELP_KIND__MAX, s);
}

int
help_state_parse(const char *s)
{
	return name_parse(state_names, HELP_STATE__MAX, s);
}

int
help_coordinator(const struct actor *act)
{
	return act != NULL && (act->role == ROLE_MODERATOR ||
	    act->role == ROLE_ADMIN);
}

int
help_urgent(const struct help_post *p, int64_t now)
{
	return p->type == HELP_NEED && (p->state == HELP_OPEN ||
	    p->state == HELP_TAKEN) && p->until - now <= VECHE_HELP_URGENT;
}

int
help_situation_has(const struct help_situation *sit, enum help_kind k)
{
	return (unsigned)k < HELP_KIND__MAX && (sit->kinds & (1u << k)) != 0;
}

/* Situations */

static int
on_situation(const struct help_situation_row *r, void *arg)
{
	struct help_situation *out = arg;
	char err[256];

	out->id = r->id;
	snprintf(out->slug, sizeof(out->slug), "%s", r->slug);
	snprintf(out->title, sizeof(out->title), "%s", r->title);
	out->kinds = r->kinds;
	out->lat = r->lat;
	out->lon = r->lon;
	out->radius_m = r->area != NULL ? 0 : r->radius_m;
	out->min_lat = r->min_lat;
	out->min_lon = r->min_lon;
	out->max_lat = r->max_lat;
	out->max_lon = r->max_lon;
	out->opened = r->opened;
	out->closed = r->closed;
	/* Checked when it was opened; a failure here is the store's. */
	if (r->area != NULL &&
	    (out->area = geo_area_parse(r->area, err, sizeof(err))) == NULL)
		return -1;
	return 0;
}

int
help_situation_load(struct store *s, const char *slug,
    struct help_situation *out)
{
	memset(out, 0, sizeof(*out));
	if (slug == NULL || strlen(slug) > VECHE_HELP_MAX_SLUG)
		return 1;
	return store_help_situation_get(s, slug, on_situation, out);
}

void
help_situation_clear(struct help_situation *sit)
{
	if (sit == NULL)
		return;
	geo_area_free(sit->area);
	sit->area = NULL;
}

int
help_situation_each(struct store *s,
    int (*fn)(const struct help_situation_row *, void *), void *arg)
{
	return store_help_situation_each(s, fn, arg);
}

static int
slug_ok(const char *s)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > VECHE_HELP_MAX_SLUG || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* A coordinate field: present, a number within [-lim, lim]. */
static int
coordinate(const char *field, const char *v, double lim, double *out,
    struct verr *e)
{
	if (v == NULL || v[0] == '\0')
		return verr_set(e, VERR_INVALID, field, "%s: required", field);
	if (parse_double(v, out) == -1 || *out < -lim || *out > lim)
		return verr_set(e, VERR_INVALID, field, "%s: a number from %g "
		    "to %g", field, -lim, lim);
	return 0;
}

int
help_situation_open(struct store *s, const struct actor *act,
    const struct help_situation_input *in, int64_t now, int64_t *id,
    struct verr *e)
{
	struct help_situation_row row;
	struct geo_area *area = NULL;
	char err[256];
	double r;
	int rc;

	if (act == NULL || act->role != ROLE_ADMIN)
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "administrator opens a situation");
	if (!slug_ok(in->slug))
		return verr_set(e, VERR_INVALID, "slug", "slug: 1 to %d "
		    "characters a-z, 0-9 and -", VECHE_HELP_MAX_SLUG);
	if (text_check("title", in->title, TEXT_CHECK_REQUIRED,
	    VECHE_HELP_MAX_TITLE, e) == -1)
		return -1;
	if ((in->kinds & ((1u << HELP_KIND__MAX) - 1)) == 0)
		return verr_set(e, VERR_INVALID, "kind", "kind: choose at least "
		    "one kind of help");
	memset(&row, 0, sizeof(row));
	row.slug = in->slug;
	row.title = in->title;
	row.kinds = in->kinds & ((1u << HELP_KIND__MAX) - 1);
	row.opened = now;
	if (in->area != NULL && in->area[0] != '\0') {
		if (strlen(in->area) > VECHE_HELP_MAX_AREA)
			return verr_set(e, VERR_INVALID, "area", "area: at most "
			    "%u bytes", VECHE_HELP_MAX_AREA);
		if ((area = geo_area_parse(in->area, err, sizeof(err))) ==
		    NULL)
			return verr_set(e, VERR_INVALID, "area", "area: %s",
			    err);
		geo_area_bounds(area, &row.min_lat, &row.min_lon, &row.max_lat,
		    &row.max_lon);
		geo_area_free(area);
		row.area = in->area;
		row.lat = (row.min_lat + row.max_lat) / 2;
		row.lon = (row.min_lon + row.max_lon) / 2;
	} else {
		if (coordinate("lat", in->lat, 90, &row.lat, e) == -1 ||
		    coordinate("long", in->lon, 180, &row.lon, e) == -1)
			return -1;
		if (in->radius == NULL || parse_double(in->radius, &r) == -1 ||
		    r < 1 || r > VECHE_HELP_MAX_RADIUS)
			return verr_set(e, VERR_INVALID, "radius", "radius: "
			    "metres from 1 to %d (or give an area)",
			    VECHE_HELP_MAX_RADIUS);
		row.radius_m = r;
		row.min_lat = row.lat - r / 111320.0;
		row.max_lat = row.lat + r / 111320.0;
		r = r / (111320.0 * fmax(cos(row.lat * M_PI / 180), 0.01));
		row.min_lon = row.lon - r;
		row.max_lon = row.lon + r;
	}
	if ((rc = store_help_situation_add(s, &row, id)) == 2)
		return verr_set(e, VERR_CONFLICT, "slug", "slug: '%s' is taken",
		    in->slug);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
help_situation_close(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t now, struct verr *e)
{
	int rc;

	if (act == NULL || act->role != ROLE_ADMIN)
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "administrator closes a situation");
	if ((rc = store_help_situation_close(s, sit->id, now)) == 1)
		return verr_set(e, VERR_CONFLICT, "situation", "situation: "
		    "closed already");
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

/* Posts */

static int
inside(const struct help_situation *sit, double lat, double lon)
{
	if (sit->area != NULL)
		return geo_area_contains(sit->area, lat, lon);
	return geo_distance_m(sit->lat, sit->lon, lat, lon) <= sit->radius_m;
}

int
help_post_submit(struct store *s, const struct help_situation *sit,
    const struct help_input *in, int64_t now, int64_t *id, struct verr *e)
{
	struct help_contact c;
	struct help_post p;
	char err[128];
	int k;

	memset(&p, 0, sizeof(p));
	if (sit->closed != 0)
		return verr_set(e, VERR_CONFLICT, "situation", "situation: "
		    "closed, it takes no more posts");
	if ((k = help_type_parse(in->type)) < 0)
		return verr_set(e, VERR_INVALID, "type", "type: need or offer");
	p.type = (enum help_type)k;
	if ((k = help_kind_parse(in->kind)) < 0 ||
	    !help_situation_has(sit, (enum help_kind)k))
		return verr_set(e, VERR_INVALID, "kind", "kind: '%.40s' is not "
		    "a kind of help this situation takes", in->kind != NULL ?
		    in->kind : "");
	p.kind = (enum help_kind)k;
	if (in->count == NULL || parse_int64(in->count, 1,
	    VECHE_HELP_MAX_COUNT, &p.count) == -1)
		return verr_set(e, VERR_INVALID, "count", "count: a whole number "
		    "from 1 to %d", VECHE_HELP_MAX_COUNT);
	if (in->until == NULL || datetime_parse(in->until, &p.until, err,
	    sizeof(err)) == -1)
		return verr_set(e, VERR_INVALID, "until", "until: a date-time "
		    "such as 2026-06-15T18:00:00+03:00");
	if (p.until <= now)
		return verr_set(e, VERR_INVALID, "until", "until: already past");
	if (p.until - now > VECHE_HELP_MAX_UNTIL)
		return verr_set(e, VERR_INVALID, "until", "until: at most %d "
		    "days ahead", VECHE_HELP_MAX_UNTIL / 86400);
	if (text_check("description", in->description, TEXT_CHECK_MULTILINE,
	    VECHE_HELP_MAX_TEXT, e) == -1)
		return -1;
	if (coordinate("lat", in->lat, 90, &p.lat, e) == -1 ||
	    coordinate("long", in->lon, 180, &p.lon, e) == -1)
		return -1;
	if (!inside(sit, p.lat, p.lon))
		return verr_set(e, VERR_INVALID, "lat", "lat, long: the point "
		    "is outside the situation's area");
	if (text_check("name", in->name, TEXT_CHECK_REQUIRED, VECHE_MAX_NAME,
	    e) == -1)
		return -1;
	c.name = in->name;
	c.phone = in->phone != NULL && in->phone[0] != '\0' ? in->phone : NULL;
	c.email = in->email != NULL && in->email[0] != '\0' ? in->email : NULL;
	if (c.phone == NULL && c.email == NULL)
		return verr_set(e, VERR_INVALID, "phone", "phone: give a phone "
		    "or an e-mail to be reached at");
	if (c.phone != NULL && (strlen(c.phone) > VECHE_MAX_PHONE ||
	    !parse_phone_ok(c.phone)))
		return verr_set(e, VERR_INVALID, "phone", "phone: digits, "
		    "+ ( ) - and spaces, 5 to 15 digits");
	if (c.email != NULL && (strlen(c.email) > VECHE_MAX_EMAIL ||
	    !parse_email_ok(c.email)))
		return verr_set(e, VERR_INVALID, "email", "email: not an e-mail "
		    "address");
	p.situation = sit->id;
	p.description = in->description != NULL ? in->description : "";
	p.created = now;
	if (store_help_post_add(s, &p, &c, id) != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

struct view {
	int64_t now;
	int (*fn)(const struct help_post *, void *);
	void *arg;
};

/* Decide expiry, then hand the post on. */
static int
on_view(const struct help_post *p, void *arg)
{
	const struct view *v = arg;
	struct help_post q = *p;

	if (q.state == HELP_OPEN && q.until <= v->now)
		q.state = HELP_EXPIRED;
	return v->fn(&q, v->arg);
}

int
help_post_get(struct store *s, const struct help_situation *sit, int64_t id,
    int64_t now, int (*fn)(const struct help_post *, void *), void *arg)
{
	struct view v = { now, fn, arg };

	return store_help_post_get(s, sit->id, id, on_view, &v);
}

int
help_post_each(struct store *s, const struct help_filter *f,
    int (*fn)(const struct help_post *, void *), void *arg)
{
	struct view v = { f->now, fn, arg };

	return store_help_post_each(s, f, on_view, &v);
}

struct gather {
	struct help_post found[VECHE_HELP_MATCHES];
	size_t n;
	const struct help_post *need;
};

static int
on_match(const struct help_post *p, void *arg)
{
	struct gather *g = arg;

	if (g->n >= VECHE_HELP_MATCHES)
		return 1;
	g->found[g->n] = *p;
	g->found[g->n].description = NULL;     /* gone after this call */
	g->found[g->n].distance_m = geo_distance_m(g->need->lat,
	    g->need->lon, p->lat, p->lon);
	g->n++;
	return 0;
}

int
help_matches(struct store *s, const struct help_post *need, int64_t now,
    int (*fn)(const struct help_post *, void *), void *arg)
{
	struct gather *g;
	double r, dlat, dlon, coslat;
	size_t i;
	int rc = 0;

	if (need->type != HELP_NEED)
		return 0;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return -1;
	g->need = need;
	coslat = fmax(cos(need->lat * M_PI / 180), 0.01);
	for (r = 1000;; r *= 4) {
		if (r > VECHE_HELP_MATCH_RADIUS)
			r = VECHE_HELP_MATCH_RADIUS;
		dlat = r / 111320.0;
		dlon = dlat / coslat;
		g->n = 0;
		if (store_help_matches(s, need->situation, need->kind,
		    need->lat, need->lon, coslat, need->lat - dlat,
		    need->lon - dlon, need->lat + dlat, need->lon + dlon, now,
		    VECHE_HELP_MATCHES, on_match, g) == -1) {
			rc = -1;
			goto out;
		}
		/* Enough, and the last one within the circle the box holds. */
		if (r >= VECHE_HELP_MATCH_RADIUS || (g->n == VECHE_HELP_MATCHES
		    && g->found[g->n - 1].distance_m <= r))
			break;
	}
	for (i = 0; i < g->n && rc == 0; i++)
		if (g->found[i].distance_m <= VECHE_HELP_MATCH_RADIUS)
			rc = fn(&g->found[i], arg);
out:
	free(g);
	return rc;
}

struct one {
	struct help_post p;
	int found;
};

static int
on_one(const struct help_post *p, void *arg)
{
	struct one *o = arg;

	o->p = *p;
	o->p.description = NULL;
	o->found = 1;
	return 0;
}

/* Post id of sit into *o (expiry decided), or -1 with e. */
static int
load_post(struct store *s, const struct help_situation *sit, int64_t id,
    int64_t now, struct one *o, struct verr *e)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = help_post_get(s, sit, id, now, on_one, o)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !o->found)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no such post");
	return 0;
}

/* A signed-in account's action on post id: the post into *o, or -1. */
static int
account_post(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int64_t now, struct one *o,
    struct verr *e)
{
	if (act == NULL || act->user_id <= 0)
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign in "
		    "with an account first");
	return load_post(s, sit, id, now, o, e);
}

int
help_take(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int64_t now,
    struct verr *e)
{
	struct one o;
	int64_t held;
	int rc;

	if (account_post(s, act, sit, id, now, &o, e) == -1)
		return -1;
	if (o.p.type != HELP_NEED)
		return verr_set(e, VERR_CONFLICT, "id", "id: an offer is not "
		    "taken, a need is");
	if (o.p.state != HELP_OPEN)
		return verr_set(e, VERR_CONFLICT, "id", "id: the need is %s",
		    help_state_name(o.p.state));
	/* The count and the take in one transaction: the cap holds. */
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (store_help_taken_count(s, act->user_id, &held) == -1)
		goto fail;
	if (held >= VECHE_HELP_MAX_TAKEN) {
		store_rollback(s);
		return verr_set(e, VERR_CONFLICT, "taken", "taken: you hold "
		    "%d needs already; mark one done before taking another",
		    VECHE_HELP_MAX_TAKEN);
	}
	if ((rc = store_help_take(s, id, act->user_id, now)) == 1) {
		store_rollback(s);
		return verr_set(e, VERR_CONFLICT, "id", "id: taken by someone "
		    "else just now");
	}
	if (rc != 0 || store_commit(s) == -1)
		goto fail;
	return 0;
fail:
	verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	store_rollback(s);
	return -1;
}

int
help_done(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int64_t now,
    struct verr *e)
{
	struct one o;

	if (account_post(s, act, sit, id, now, &o, e) == -1)
		return -1;
	if (o.p.state != HELP_TAKEN)
		return verr_set(e, VERR_CONFLICT, "id", "id: the need is not "
		    "taken");
	if (o.p.volunteer != act->user_id && !help_coordinator(act))
		return verr_set(e, VERR_FORBIDDEN, "id", "id: only the "
		    "volunteer who took it or a coordinator marks it done");
	if (store_help_done(s, id, now) != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
help_verify(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int verified,
    int64_t now, struct verr *e)
{
	struct one o;

	if (!help_coordinator(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only a "
		    "coordinator (moderator or administrator) verifies posts");
	if (load_post(s, sit, id, now, &o, e) == -1)
		return -1;
	if (store_help_verify(s, id, verified) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

void
help_point(const struct actor *act, const struct help_post *p,
    double *lat, double *lon)
{
	double k = pow(10, VECHE_HELP_PUBLIC_DECIMALS);

	if (help_coordinator(act) || (act != NULL && act->user_id > 0 &&
	    p->volunteer == act->user_id)) {
		*lat = p->lat;
		*lon = p->lon;
		return;
	}
	*lat = round(p->lat * k) / k;
	*lon = round(p->lon * k) / k;
}

int
help_contact(struct store *s, const struct actor *act,
    const struct help_post *p, int64_t now,
    int (*fn)(const struct help_contact *, void *), void *arg)
{
	char object[40];
	struct verr e;

	if (act == NULL)
		return 1;
	if (help_coordinator(act))
		return store_help_contact(s, p->id, fn, arg);
	if (!(act->user_id > 0 && p->volunteer == act->user_id &&
	    p->type == HELP_NEED))
		return 1;
	/* A volunteer's read is on the record (the audit chain, no contact). */
	snprintf(object, sizeof(object), "help_post:%lld", (long long)p->id);
	memset(&e, 0, sizeof(e));
	if (audit_append(s, act, "help.contact", object, NULL, NULL, now,
	    &e) == -1)
		return -1;
	return store_help_contact(s, p->id, fn, arg);
}
