/* opendata.c: the open data dump's reads (opendata.h). */
#include <stdint.h>
#include <string.h>

#include "veche.h"
#include "base/draft.h"
#include "core/opendata.h"
#include "store/store.h"
#include "store/store_drafts.h"
#include "store/store_ratings.h"

/* rc of a stream: -1 sets e from the store. */
static int
stream_rc(struct store *s, int rc, struct verr *e)
{
	if (rc == -1)
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return rc;
}

int
opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg,
    struct verr *e)
{
	return stream_rc(s, store_opendata_reports_each(s, fn, arg), e);
}

int
opendata_history_each(struct store *s,
    int (*fn)(const struct opendata_event *, void *), void *arg,
    struct verr *e)
{
	return stream_rc(s, store_ratings_history_each(s, fn, arg), e);
}

int
opendata_low_memory(struct store *s, struct verr *e)
{
	return stream_rc(s, store_ratings_low_memory(s), e);
}

/* The drafts' callbacks, and each draft's rows read after it. */
struct drafts_walk {
	struct store *s;
	int (*fn_draft)(const struct draft *, void *);
	int (*fn_para)(const struct draft_para *, void *);
	int (*fn_proposal)(const struct draft_proposal *, void *);
	void *arg;
};

static int
on_draft(const struct draft *d, void *arg)
{
	const struct drafts_walk *w = arg;
	int v, rc;

	if ((rc = w->fn_draft(d, w->arg)) != 0)
		return rc;
	for (v = 1; v <= d->version; v++)
		if ((rc = store_draft_paras(w->s, d->id, v, w->fn_para,
		    w->arg)) != 0)
			return rc;
	return store_draft_proposals(w->s, d->id, 0, VECHE_DRAFT_SUMMARY,
	    w->fn_proposal, w->arg);
}

int
opendata_drafts_each(struct store *s,
    int (*fn_draft)(const struct draft *, void *),
    int (*fn_para)(const struct draft_para *, void *),
    int (*fn_proposal)(const struct draft_proposal *, void *), void *arg,
    struct verr *e)
{
	struct drafts_walk w = { s, fn_draft, fn_para, fn_proposal, arg };
	struct draft_filter f;

	memset(&f, 0, sizeof(f));
	f.when = DRAFT_ANY;
	f.limit = (size_t)INT64_MAX;
	return stream_rc(s, store_draft_each(s, &f, on_draft, &w), e);
}
