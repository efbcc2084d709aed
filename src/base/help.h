/*
 * help.h: the help map's records (docs/participation.md), shared by core
 * (core/help.c decides), the store (store/sqlite_help.c keeps) and api
 * (api/web_help.c shows).  Strings in a record handed to a callback live
 * until the callback returns; the caller copies what it keeps.
 */
#ifndef VECHE_BASE_HELP_H
#define VECHE_BASE_HELP_H

#include <stddef.h>
#include <stdint.h>

/* A need ("I need help") or an offer ("I can help"). */
enum help_type {
	HELP_NEED,
	HELP_OFFER,
	HELP_TYPE__MAX
};

/* What is needed or offered; a situation admits some of them. */
enum help_kind {
	HELP_EVACUATION,
	HELP_WATER,
	HELP_FOOD,
	HELP_MEDICINE,
	HELP_TRANSPORT,
	HELP_HOUSING,
	HELP_EQUIPMENT,
	HELP_VOLUNTEERS,
	HELP_KIND__MAX
};

/*
 * Where a post stands.  The store keeps open, taken and done; expired is
 * an open post whose "until" has passed, decided by core on reading.
 */
enum help_state {
	HELP_OPEN,
	HELP_TAKEN,
	HELP_DONE,
	HELP_EXPIRED,
	HELP_STATE__MAX
};

/* A situation as stored: area is GeoJSON, or NULL for centre + radius. */
struct help_situation_row {
	int64_t id;
	const char *slug;
	const char *title;
	unsigned kinds;                 /* bit 1 << enum help_kind */
	const char *area;
	double lat, lon, radius_m;      /* the centre (also of a GeoJSON area) */
	double min_lat, min_lon, max_lat, max_lon;
	int64_t opened, closed;         /* closed 0: still open */
};

/* A post as stored, without its contact (kept apart, help_contact). */
struct help_post {
	int64_t id;
	int64_t situation;
	enum help_type type;
	enum help_kind kind;
	int64_t count;
	int64_t until;
	const char *description;
	double lat, lon;
	enum help_state state;
	int verified;
	int64_t volunteer;              /* user id of who took it, 0: none */
	int64_t created, taken, done;
	double distance_m;              /* matches: from the need (core fills) */
};

/* A post's private contact: name, and a phone or an e-mail. */
struct help_contact {
	const char *name;
	const char *phone;
	const char *email;
};

/* Which posts a list reads (store_help_post_each). */
struct help_filter {
	int64_t situation;
	int type;                       /* enum help_type + 1, 0: both */
	int kind;                       /* enum help_kind + 1, 0: all */
	int state;                      /* enum help_state + 1, 0: not done or
	                                   expired (the live ones) */
	int64_t since;                  /* created at or after, 0: any time */
	int64_t now;                    /* for expiry */
	int bbox;                       /* whether the box below applies */
	double min_lat, min_lon, max_lat, max_lon;
	int64_t before_created;         /* keyset paging: only posts older */
	int64_t before_id;              /* than (created, id); 0: from the newest */
	size_t limit;
};

#endif
