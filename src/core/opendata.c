/* opendata.c: the open data dump's reads (opendata.h). */
#include "core/opendata.h"
#include "store/store.h"
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
