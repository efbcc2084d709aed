/*
 * report.h: a citizen's report from submission on.
 *
 * report_submit validates everything a report carries against the service's
 * definition, routes it to the responsible agency, sets its 59-FZ deadlines
 * and stores it in one transaction with its audit entry (the assignment to
 * the agency), its outbox event and the rows of its uploaded photos.
 * Nothing is written when it refuses: photos are decoded only once the rest
 * of the report is valid, and their files are deleted again if anything
 * after fails.
 */
#ifndef VECHE_REPORT_H
#define VECHE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "base/model.h"

struct catalog;
struct store;
struct map_index;

#define REPORT_TOKEN_LEN 33   /* 32 hex digits and NUL */

/* An uploaded image, as sent (JPEG, PNG or WebP bytes). */
struct report_upload {
	const void *data;
	size_t len;
};

/* What a client sends.  Strings may be NULL; has_point says lat/lon are set. */
struct report_input {
	const char *service_code;
	int has_point;
	double lat;
	double lon;
	const char *address;
	const char *address_id;
	const char *zipcode;
	const char *description;
	const char *const *media;
	size_t nmedia;
	/* Photos to keep with the report: files under photo_dir, media URLs
	 * photo_url + "<id>.jpg" after the media above. */
	const struct report_upload *photos;
	size_t nphotos;
	const char *photo_dir;
	const char *photo_url;
	const struct attr_value *attrs; /* as sent: code and raw value */
	size_t nattrs;
	struct contact contact;
	const struct actor *actor;      /* who submits: a key, a user; NULL: anonymous */
	int64_t now;                    /* receipt time */
	int64_t related;                /* the earlier report this follows up
					   (workflow_submit links it); 0 */
	enum lang lang;                 /* of the page filed from: the
	                                 * reporter's e-mail (default Russian) */
	int attrs_optional;             /* required attributes may be left
	                                 * out (staff's incidents: the post
	                                 * says what it says) */
	/* Further writes in the report's own transaction (an incident's
	 * rows, core/incident.c), given the new id; NULL: none. */
	int (*also)(struct store *conn, int64_t id, void *arg,
	    struct verr *e);
	void *also_arg;
};

/* What the store gave back after a successful submission. */
struct report_receipt {
	int64_t id;
	char token[REPORT_TOKEN_LEN];
	const char *agency;             /* owned by the catalogue */
	int64_t register_due;
	int64_t expected;
};

/*
 * Validate, route and store a report with its photos.  Returns 0 and fills
 * *out, or -1 with e saying which field broke which rule (VERR_INVALID;
 * "photo" for an upload that is not an image within the limits) or that
 * storing failed (VERR_INTERNAL).  On -1 no row and no photo file remains.
 */
int report_submit(struct store *s, const struct catalog *c,
    const struct report_input *in, struct report_receipt *out,
    struct verr *e);

/*
 * Check in as report_submit would, without storing anything (a report held
 * for confirmation is checked when it is filed).  0, or -1 with e set.
 */
int report_check(const struct catalog *c, const struct report_input *in,
    struct verr *e);

/*
 * Change a report's status with a public note (may be NULL).  Returns 0, or
 * -1 with e set (VERR_NOT_FOUND for an unknown id).
 */
int report_set_status(struct store *s, int64_t id, enum report_status status,
    const char *note, int64_t now, struct verr *e);

/* Status names ("submitted" ...) and their Open311 open/closed class. */
const char *report_status_name(enum report_status st);
enum report_status report_status_parse(const char *name); /* __MAX if unknown */
int report_status_closed(enum report_status st);

/*
 * 1 if a report in status st whose reporter answered fixed (1 yes, 0 no,
 * -1 not answered) is "closed, not fixed": closed, and the reporter said
 * it is not (after the reopening window).  Every page and list shows it so.
 */
int report_closed_unfixed(enum report_status st, int fixed);

/* Attribute data type names as Open311 spells them. */
const char *report_attr_type_name(enum attr_type t);
enum attr_type report_attr_type_parse(const char *name);  /* __MAX if unknown */

/*
 * Reads.  Every read of a report by the layers above core goes through
 * these functions, and what the caller may see of it is decided once, by
 * report_view: the store hands over rows as written.
 */

/* What a caller may see of one report. */
struct report_view {
	int text;           /* the description (0: moderation withheld it) */
	int contact;        /* the reporter's name, e-mail and phone */
};

/*
 * Decide what actor (NULL: the public) may see of r:
 *   - the text of a report rejected for obscene or threatening language is
 *     not republished, to anyone (the store keeps it);
 *   - contact data go to admins and to those who serve r's agency (its
 *     operators, heads and API keys bound to it or to none), never to
 *     moderators or the public;
 *   - the reporter (report_from_device, or the report's token) sees what
 *     the public sees: veche never shows contact data back.
 */
void report_view(const struct actor *actor, const struct report *r,
    struct report_view *out);

/* fn's result on r (held by the caller) as actor may see it. */
int report_show(const struct actor *actor, const struct report *r,
    int (*fn)(const struct report *, void *), void *arg);

/*
 * The reports matching q, one report found by id, or by the reporter's
 * token, as actor (NULL: the public) may see them: fn gets each row with
 * report_view applied (a row lives only during the call).  Return 0,
 * fn's non-zero result, 1 when report_get/report_by_token find nothing,
 * or -1 (db_error says why).
 */
int report_list(struct store *s, const struct actor *actor,
    const struct report_query *q, int (*fn)(const struct report *, void *),
    void *arg);
/*
 * As report_list, the page's ids taken from the map's in-memory index
 * when q is a list by box, period and status (map_index_page), then its
 * rows read by primary key; any other q goes to report_list.  The same
 * reports in the same order as report_list (issue 11).
 */
int report_list_area(struct map_index *m, struct store *s,
    const struct actor *actor, const struct report_query *q,
    int (*fn)(const struct report *, void *), void *arg);
/*
 * The page of q from the map's in-memory index, as report_list_area reads
 * it, without its rows: *ids newest first and *vers each one's version
 * in the index (map_index_versions), both malloc'd (the caller frees;
 * NULL when the page is empty), *n of them.  Returns 0, 1 when the index
 * does not answer q (report_list it), or -1.
 */
int report_page_area(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers,
    size_t *n);
/*
 * As report_page_area, for the newest of a period (q->start to q->end,
 * nothing else) or a poll of the reports changed since an instant in it
 * (q->updated_after) when a whole page of them was requested since: the
 * ids from the time index (store_report_newest), then their versions in
 * the map's index caught up.  Returns 0 (*n 0: an empty page), 1 when q
 * is not such a list or fewer were requested since (report_list it), or
 * -1.
 */
int report_page_newest(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers,
    size_t *n);
/*
 * As report_page_newest, for a text search newest first (q->text, and
 * q->start to q->end or no period, nothing else): the ids from the text
 * index (store_report_text_ids), then their versions in the map's index
 * caught up.  Returns 0 (*n 0: an empty page), 1 when q is not such a
 * search or the store does not answer it so (report_list it), or -1.
 */
int report_page_text(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers,
    size_t *n);
/*
 * The rows of the n reports ids, in that order (a report not found is
 * left out), as actor (NULL: the public) may see them, to fn.  Returns 0,
 * fn's non-zero result, or -1.
 */
int report_rows(struct store *s, const struct actor *actor, const int64_t *ids,
    size_t n, int (*fn)(const struct report *, void *), void *arg);
int report_get(struct store *s, const struct actor *actor, int64_t id,
    int (*fn)(const struct report *, void *), void *arg);
int report_by_token(struct store *s, const struct actor *actor,
    const char *token, int (*fn)(const struct report *, void *), void *arg);

/*
 * The contact data of report id, when report_view lets actor (NULL: the
 * public, who never may) see them: fn is called once if so, not at all if
 * not.  Returns 0, 1 when there is no such report or it has no contact
 * row, or -1.
 */
int report_contact(struct store *s, const struct actor *actor, int64_t id,
    int (*fn)(const struct contact *, void *), void *arg);

/*
 * 1 if device (the browser's device cookie) sent report id, 0 if not or
 * there is no such report, -1 on error.  The comparison is constant-time.
 */
int report_from_device(struct store *s, int64_t id, const char *device);

/*
 * Public updates created in (after, before] (0: unbounded), oldest first,
 * at most limit (0: no limit).  Returns as report_list.
 */
int report_updates(struct store *s, int64_t after, int64_t before,
    size_t limit, int (*fn)(const struct report_update *, void *), void *arg);

/* How many reports there are. */
int report_count(struct store *s, int64_t *count);

#endif
