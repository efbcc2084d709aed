/*
 * report_read.c: what a caller may read of a report (report.h, Reads).
 * The store returns rows as written; report_view is the one place that
 * decides what of them a caller sees, and every read here applies it.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/map_index.h"
#include "core/report.h"
#include "core/workflow.h"
#include "store/store.h"

void
report_view(const struct actor *actor, const struct report *r,
    struct report_view *out)
{
	memset(out, 0, sizeof(*out));
	/* Obscene or threatening text is not republished, whoever asks. */
	out->text = !(r->status == STATUS_REJECTED &&
	    r->reject_reason == REJECT_OBSCENE);
	/* Moderators judge the text, not the person: no contact data. */
	out->contact = actor != NULL &&
	    workflow_actor_serves(actor, r->agency);
}

/* A caller's callback with the view of its actor applied to each row. */
struct viewed {
	const struct actor *actor;
	int (*fn)(const struct report *, void *);
	void *arg;
};

static int
apply_view(const struct report *r, void *arg)
{
	struct viewed *v = arg;
	struct report_view sight;
	struct report shown;

	report_view(v->actor, r, &sight);
	shown = *r;
	if (!sight.text)
		shown.description = NULL;
	return v->fn(&shown, v->arg);
}

int
report_show(const struct actor *actor, const struct report *r,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct viewed v = { actor, fn, arg };

	return apply_view(r, &v);
}

int
report_list(struct store *s, const struct actor *actor,
    const struct report_query *q, int (*fn)(const struct report *, void *),
    void *arg)
{
	struct viewed v = { actor, fn, arg };

	return store_report_query(s, q, apply_view, &v);
}

int
report_list_area(struct map_index *m, struct store *s,
    const struct actor *actor, const struct report_query *q,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct viewed v = { actor, fn, arg };
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if ((rc = map_index_page(m, s, q, &ids, &n)) == 1)
		return report_list(s, actor, q, fn, arg);
	if (rc == -1 || n == 0)
		return rc;
	/* The page's rows by primary key, in the index's order: no sort. */
	rc = store_report_rows(s, ids, n, apply_view, &v);
	free(ids);
	return rc;
}

int
report_page_area(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers, size_t *n)
{
	int rc;

	*vers = NULL;
	if ((rc = map_index_page(m, s, q, ids, n)) != 0 || *n == 0)
		return rc;
	if ((*vers = malloc(*n * sizeof(**vers))) == NULL) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	map_index_versions(m, NULL, *ids, *n, *vers, NULL);
	return 0;
}

/* A page's result rc: on a failure or an empty page, its lists freed. */
static int
page_end(int rc, int64_t **ids, uint32_t **vers, size_t *n)
{
	if (rc != 0 || *n == 0) {
		free(*ids);
		free(*vers);
		*ids = NULL;
		*vers = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * Whether q asks for the newest of a period, or of what changed since an
 * instant, nothing else.
 */
static int
newest(const struct report_query *q)
{
	return q->updated_before == 0 &&
	    q->nids == 0 && q->nservices == 0 && q->status_mask == 0 &&
	    !q->has_bbox && !q->has_radius && q->agency == NULL &&
	    q->text == NULL && q->after_id == 0 &&
	    q->order == ORDER_REQUESTED_DESC && q->limit > 0 &&
	    q->limit <= VECHE_MAP_PAGE_MAX;
}

/*
 * A poll's page (q->updated_after) when at least offset + limit reports
 * of the window were requested since the instant, each changed since as
 * the map's index last read it: they are the window's newest, so the
 * page is the last limit of them.  The walk reads the time index alone
 * (ids, no rows); the times of change come from the index, read after
 * the ids as the versions are.  ids and vers hold offset + limit.
 * Returns 0 with the page in ids, vers and *n; 1 when one of them was
 * not changed since (the clock went back: ask the store); 2 when fewer
 * were requested since; -1.
 */
static int
requested_since(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t *ids, uint32_t *vers, size_t *n)
{
	size_t want = q->offset + q->limit, i;
	int64_t from = q->start ? q->start : INT64_MIN, *upd;
	int rc = 2;

	*n = 0;
	/* Times are whole seconds: after the instant is from its next. */
	if (from <= q->updated_after)
		from = q->updated_after + 1;
	if ((upd = malloc(want * sizeof(*upd))) == NULL)
		return -1;
	if (store_report_newest(s, INT64_MIN, from, q->end ? q->end :
	    INT64_MAX, 0, want, ids, n) == -1)
		rc = -1;
	else if (*n == want) {
		if (map_index_versions(m, s, ids, want, vers, upd) == -1)
			rc = -1;
		else {
			for (i = 0; i < want && vers[i] != 0 &&
			    upd[i] > q->updated_after; i++)
				;
			rc = i == want ? 0 : 1;
		}
	}
	free(upd);
	if (rc != 0) {
		*n = 0;
		return rc;
	}
	memmove(ids, ids + q->offset, q->limit * sizeof(*ids));
	memmove(vers, vers + q->offset, q->limit * sizeof(*vers));
	*n = q->limit;
	return 0;
}

/*
 * The page of a poll, as report_page_newest says; ids and vers hold
 * offset + limit when that is at most VECHE_MAP_PAGE_MAX, else limit.
 * *versions: whether vers was filled too.
 */
static int
poll_page(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t *ids, uint32_t *vers, size_t *n,
    int *versions)
{
	int64_t start = q->start ? q->start : INT64_MIN;
	int64_t end = q->end ? q->end : INT64_MAX;
	int rc = 1;

	/*
	 * When a whole page was requested and changed after the instant, no
	 * report requested before it is newer: that is the page (a report
	 * is changed after its request, unless the clock went back, hence
	 * the test of the change too).  When fewer were requested since
	 * and few changed, their page comes from the changes' index.
	 */
	*versions = 0;
	if (q->updated_after < INT64_MAX &&
	    q->offset <= VECHE_MAP_PAGE_MAX - q->limit &&
	    (rc = requested_since(m, s, q, ids, vers, n)) != 1) {
		*versions = rc == 0;
		return rc == 2 ? store_report_changed(s, q->updated_after,
		    start, end, q->offset, q->limit, ids, n) : rc;
	}
	if (store_report_newest(s, q->updated_after, start, end, q->offset,
	    q->limit, ids, n) == -1)
		return -1;
	return *n < q->limit ? store_report_changed(s, q->updated_after,
	    start, end, q->offset, q->limit, ids, n) : 0;
}

int
report_page_newest(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers, size_t *n)
{
	size_t cap = q->limit;
	int rc, versions = 0;

	*ids = NULL;
	*vers = NULL;
	*n = 0;
	if (!newest(q))
		return 1;
	if (q->updated_after != 0 && q->offset <= VECHE_MAP_PAGE_MAX - q->limit)
		cap = q->offset + q->limit;
	if ((*ids = malloc(cap * sizeof(**ids))) == NULL ||
	    (*vers = malloc(cap * sizeof(**vers))) == NULL)
		rc = -1;
	else if (q->updated_after != 0)
		rc = poll_page(m, s, q, *ids, *vers, n, &versions);
	else
		rc = store_report_newest(s, INT64_MIN, q->start ? q->start :
		    INT64_MIN, q->end ? q->end : INT64_MAX, q->offset,
		    q->limit, *ids, n);
	/*
	 * The versions are read after the ids, so an item is never older
	 * than the row the ids were chosen by (requested_since read them).
	 */
	if (rc == 0 && *n > 0 && !versions &&
	    map_index_versions(m, s, *ids, *n, *vers, NULL) == -1)
		rc = -1;
	return page_end(rc, ids, vers, n);
}

/* Whether q asks for a text search's page newest first, of a period or none. */
static int
text_newest(const struct report_query *q)
{
	return q->text != NULL && q->updated_before == 0 &&
	    q->updated_after == 0 && q->nids == 0 && q->nservices == 0 &&
	    q->status_mask == 0 && !q->has_bbox && !q->has_radius &&
	    q->agency == NULL && q->after_id == 0 &&
	    q->order == ORDER_REQUESTED_DESC && q->limit > 0 &&
	    q->limit <= VECHE_MAP_PAGE_MAX &&
	    q->offset <= VECHE_MAP_PAGE_MAX - q->limit;
}

int
report_page_text(struct map_index *m, struct store *s,
    const struct report_query *q, int64_t **ids, uint32_t **vers, size_t *n)
{
	int rc;

	*ids = NULL;
	*vers = NULL;
	*n = 0;
	if (!text_newest(q))
		return 1;
	if ((*ids = malloc(q->limit * sizeof(**ids))) == NULL ||
	    (*vers = malloc(q->limit * sizeof(**vers))) == NULL)
		rc = -1;
	else
		rc = store_report_text_ids(s, q->text, q->start, q->end,
		    q->offset, q->limit, *ids, n);
	/* After the ids, as report_page_newest: never an older item. */
	if (rc == 0 && *n > 0 &&
	    map_index_versions(m, s, *ids, *n, *vers, NULL) == -1)
		rc = -1;
	return page_end(rc, ids, vers, n);
}

int
report_rows(struct store *s, const struct actor *actor, const int64_t *ids,
    size_t n, int (*fn)(const struct report *, void *), void *arg)
{
	struct viewed v = { actor, fn, arg };

	return n > 0 ? store_report_rows(s, ids, n, apply_view, &v) : 0;
}

int
report_get(struct store *s, const struct actor *actor, int64_t id,
    int (*fn)(const struct report *, void *), void *arg)
{
	struct viewed v = { actor, fn, arg };

	return store_report_get(s, id, apply_view, &v);
}

int
report_by_token(struct store *s, const struct actor *actor,
    const char *token, int (*fn)(const struct report *, void *), void *arg)
{
	struct viewed v = { actor, fn, arg };

	return store_report_by_token(s, token, apply_view, &v);
}

static int
on_sight(const struct report *r, void *arg)
{
	struct viewed *v = arg;
	struct report_view sight;

	report_view(v->actor, r, &sight);
	*(int *)v->arg = sight.contact;
	return 0;
}

int
report_contact(struct store *s, const struct actor *actor, int64_t id,
    int (*fn)(const struct contact *, void *), void *arg)
{
	int may = 0, rc;
	struct viewed v = { actor, NULL, &may };

	if (actor == NULL)
		return 0;
	if ((rc = store_report_get(s, id, on_sight, &v)) != 0)
		return rc;
	return may ? store_report_contact(s, id, fn, arg) : 0;
}

struct device {
	const char *device;
	int same;
};

static int
on_device(const struct contact *ct, void *arg)
{
	struct device *d = arg;
	size_t n = strlen(d->device);

	d->same = ct->device_id != NULL && strlen(ct->device_id) == n &&
	    sodium_memcmp(ct->device_id, d->device, n) == 0;
	return 0;
}

int
report_from_device(struct store *s, int64_t id, const char *device)
{
	struct device d = { device, 0 };

	if (device == NULL)
		return 0;
	return store_report_contact(s, id, on_device, &d) == -1 ? -1 : d.same;
}

int
report_updates(struct store *s, int64_t after, int64_t before, size_t limit,
    int (*fn)(const struct report_update *, void *), void *arg)
{
	return store_update_query(s, after, before, limit, fn, arg);
}

int
report_count(struct store *s, int64_t *count)
{
	return store_report_count(s, count);
}
