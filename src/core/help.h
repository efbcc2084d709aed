/*
 * help.h: the help map (docs/participation.md): an administrator opens a
 * situation (a fire, a flood) with the kinds of help it takes and an area;
 * anyone posts a need or an offer at a point in it; coordinators verify
 * posts; a signed-in volunteer takes a need and marks it done; posts
 * expire at their "until" (clock_now(), decided on reading).
 *
 * Contact data (name, phone, e-mail) is kept apart and handed out only by
 * help_contact: to coordinators (moderators and admins; there is no
 * separate coordinator role) and to the volunteer who took the need.
 * Every other read carries no contact.
 */
#ifndef VECHE_CORE_HELP_H
#define VECHE_CORE_HELP_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/help.h"
#include "base/model.h"
#include "core/error.h"

struct store;
struct geo_area;

/* Names as the API and the CSV write them ("need", "water", "taken"). */
const char *help_type_name(enum help_type t);
const char *help_kind_name(enum help_kind k);
const char *help_state_name(enum help_state s);
/* The enum's value of a name, or -1. */
int help_type_parse(const char *s);
int help_kind_parse(const char *s);
int help_state_parse(const char *s);

/* A situation, loaded (help_situation_load); free with help_situation_clear. */
struct help_situation {
	int64_t id;
	char slug[VECHE_HELP_MAX_SLUG + 1];
	char title[VECHE_HELP_MAX_TITLE * 4 + 1];
	unsigned kinds;                 /* bit 1 << enum help_kind */
	double lat, lon, radius_m;      /* radius 0: area is a polygon */
	double min_lat, min_lon, max_lat, max_lon;
	int64_t opened, closed;
	struct geo_area *area;          /* owned; NULL for centre + radius */
};

/* Load the situation slug into *out: 0, 1 when none, -1 (store error). */
int help_situation_load(struct store *s, const char *slug,
    struct help_situation *out);
void help_situation_clear(struct help_situation *sit);

/* Every situation (open first) to fn, as stored. */
int help_situation_each(struct store *s,
    int (*fn)(const struct help_situation_row *, void *), void *arg);

/* An administrator's new situation, as typed (NULL or "": absent). */
struct help_situation_input {
	const char *slug;               /* a-z 0-9 -, the page's address */
	const char *title;
	unsigned kinds;                 /* at least one */
	const char *area;               /* GeoJSON polygon, or: */
	const char *lat, *lon, *radius; /* centre and radius in metres */
};

/*
 * Open a situation (admins only): 0 with *id, or -1 with e naming the
 * field (slug taken: VERR_CONFLICT).
 */
int help_situation_open(struct store *s, const struct actor *act,
    const struct help_situation_input *in, int64_t now, int64_t *id,
    struct verr *e);

/* Close it (admins only); a closed situation takes no posts. */
int help_situation_close(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t now, struct verr *e);

/* Whether kind k is one of sit's. */
int help_situation_has(const struct help_situation *sit, enum help_kind k);

/* A post as typed: the web form, or an API key's JSON. */
struct help_input {
	const char *type, *kind, *count, *until, *description;
	const char *lat, *lon;
	const char *name, *phone, *email;
};

/*
 * Check in and add it to sit, contact and all, in one transaction: 0 with
 * *id, or -1 with e naming the first field at fault (nothing written).
 */
int help_post_submit(struct store *s, const struct help_situation *sit,
    const struct help_input *in, int64_t now, int64_t *id, struct verr *e);

/* Post id of sit (state expired when due), to fn: 0, 1 when none, -1. */
int help_post_get(struct store *s, const struct help_situation *sit,
    int64_t id, int64_t now, int (*fn)(const struct help_post *, void *),
    void *arg);

/* Posts matching f (f->now set), with expiry decided. */
int help_post_each(struct store *s, const struct help_filter *f,
    int (*fn)(const struct help_post *, void *), void *arg);

/*
 * The offers for need: same kind, open, not expired, nearest first (then
 * the largest count), within VECHE_HELP_MATCH_RADIUS, at most
 * VECHE_HELP_MATCHES; each with distance_m.  The box grows from 1 km until
 * enough offers lie within the circle it is sure of.
 */
int help_matches(struct store *s, const struct help_post *need, int64_t now,
    int (*fn)(const struct help_post *, void *), void *arg);

/*
 * The point of p as act (NULL: the public) may see it: exact for a
 * coordinator and for the volunteer who took p, else rounded to
 * VECHE_HELP_PUBLIC_DECIMALS decimals (about 100 m).
 */
void help_point(const struct actor *act, const struct help_post *p,
    double *lat, double *lon);

/* Whether act coordinates (moderators and admins). */
int help_coordinator(const struct actor *act);

/* Whether p is a need due within VECHE_HELP_URGENT of now and not done. */
int help_urgent(const struct help_post *p, int64_t now);

/*
 * A signed-in account takes need id of sit: 0, or -1 with e (409 "taken"
 * when it holds VECHE_HELP_MAX_TAKEN needs not yet done).
 */
int help_take(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int64_t now,
    struct verr *e);

/* The volunteer who took id, or a coordinator, marks it done. */
int help_done(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int64_t now,
    struct verr *e);

/* A coordinator marks post id verified (or not). */
int help_verify(struct store *s, const struct actor *act,
    const struct help_situation *sit, int64_t id, int verified,
    int64_t now, struct verr *e);

/*
 * p's contact to fn when act may see it (a coordinator, or the volunteer
 * who took p): 0 when shown, 1 when not allowed or none, -1.  A
 * volunteer's read appends "help.contact" to the audit log at now.
 */
int help_contact(struct store *s, const struct actor *act,
    const struct help_post *p, int64_t now,
    int (*fn)(const struct help_contact *,
    void *), void *arg);

#endif
