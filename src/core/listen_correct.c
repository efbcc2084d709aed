/*
 * listen_correct.c: analysts' corrections of a post's analysis
 * (listen.h, docs/listening.md "Corrections").  One unit of work records
 * the correction, sets the post's sentiment, moves the post between the
 * negative and the other posts of its series' days (core/trends.h) and
 * appends the audit entry, so the trends never disagree with the posts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/listen.h"
#include "core/trends.h"
#include "store/store.h"
#include "store/store_posts.h"

/* What the unit of work needs of the post, copied out of its callbacks. */
struct corr_post {
	int found;
	struct post p;                  /* agency and district: copies */
	int64_t *queries;
	size_t nq, capq;
	int has_service;
	char service[VECHE_MAX_CODE + 1];
};

static int
on_post(const struct post *p, void *arg)
{
	struct corr_post *cp = arg;

	cp->found = 1;
	memset(&cp->p, 0, sizeof(cp->p));
	cp->p.id = p->id;
	cp->p.source = p->source;
	cp->p.published = p->published;
	cp->p.sentiment = p->sentiment;
	/* The strings die with the call. */
	if ((p->agency != NULL && (cp->p.agency = strdup(p->agency)) ==
	    NULL) || (p->district != NULL && (cp->p.district =
	    strdup(p->district)) == NULL))
		return -1;
	return 0;
}

static int
on_query(const struct saved_query *q, void *arg)
{
	struct corr_post *cp = arg;
	int64_t *grown;

	if (cp->nq == cp->capq) {
		cp->capq = cp->capq ? cp->capq * 2 : 16;
		if ((grown = realloc(cp->queries, cp->capq *
		    sizeof(*grown))) == NULL)
			return -1;
		cp->queries = grown;
	}
	cp->queries[cp->nq++] = q->id;
	return 0;
}

/* The newest correction comes first: its service is the post's. */
static int
on_latest(const struct post_correction *c, void *arg)
{
	struct corr_post *cp = arg;

	if (cp->has_service)
		return 0;
	cp->has_service = 1;
	if (c->new_service != NULL)
		snprintf(cp->service, sizeof(cp->service), "%s", c->new_service);
	return 0;
}

struct correcting {
	const struct listen_correction *in;
	enum post_sentiment to;
	struct verr *e;
	int64_t id;
};

static int
correct_unit(struct store *s, void *arg)
{
	struct correcting *k = arg;
	const struct listen_correction *in = k->in;
	struct corr_post cp;
	struct post_correction c;
	char object[32], before[128], after[128];
	const char *old_service;
	int rc, ret = -1;

	memset(&cp, 0, sizeof(cp));
	rc = store_post_get(s, in->post, on_post, &cp);
	if (rc == 1 || (rc == 0 && !cp.found)) {
		verr_set(k->e, VERR_NOT_FOUND, "id", "id: no post %lld",
		    (long long)in->post);
		goto out;
	}
	if (rc != 0 || store_post_queries(s, in->post, on_query, &cp) != 0 ||
	    store_correction_each(s, in->post, on_latest, &cp) != 0) {
		verr_set(k->e, VERR_INTERNAL, NULL, "reading the post: %s",
		    store_error(s));
		goto out;
	}
	old_service = cp.has_service && cp.service[0] != '\0' ? cp.service :
	    NULL;
	if (cp.p.sentiment == k->to && ((old_service == NULL &&
	    in->service == NULL) || (old_service != NULL && in->service !=
	    NULL && strcmp(old_service, in->service) == 0))) {
		verr_set(k->e, VERR_INVALID, "sentiment", "sentiment: the "
		    "same sentiment and service as now: change one of them");
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.post = in->post;
	c.by = in->actor != NULL ? in->actor->name : "";
	c.at = in->now;
	c.old_sentiment = cp.p.sentiment;
	c.new_sentiment = k->to;
	c.old_service = old_service;
	c.new_service = in->service;
	snprintf(object, sizeof(object), "post:%lld", (long long)in->post);
	snprintf(before, sizeof(before), "sentiment=%s service=%s",
	    listen_sentiment_name(cp.p.sentiment), old_service != NULL ?
	    old_service : "");
	snprintf(after, sizeof(after), "sentiment=%s service=%s",
	    listen_sentiment_name(k->to), in->service != NULL ? in->service :
	    "");
	if (trends_resentiment(s, &cp.p, cp.queries, cp.nq, k->to,
	    k->e) == -1)
		goto out;
	if (store_correction_add(s, &c, &k->id) == -1) {
		verr_set(k->e, VERR_INTERNAL, NULL, "%s", store_error(s));
		goto out;
	}
	if (audit_append(s, in->actor, "post.correct", object, before, after,
	    in->now, k->e) == -1)
		goto out;
	ret = 0;
out:
	free((void *)cp.p.agency);
	free((void *)cp.p.district);
	free(cp.queries);
	return ret;
}

int
listen_post_correct(struct store *s, const struct catalog *cat,
    const struct listen_correction *in, int64_t *id, struct verr *e)
{
	struct correcting k;
	const struct service *sv;
	int to;

	if (in->sentiment == NULL || (to = listen_sentiment_parse(
	    in->sentiment)) < 0)
		return verr_set(e, VERR_INVALID, "sentiment", "sentiment: "
		    "negative, neutral or positive");
	if (in->service != NULL && ((sv = catalog_service(cat,
	    in->service)) == NULL || sv->disabled))
		return verr_set(e, VERR_INVALID, "service_code", "service_code: "
		    "unknown service '%.64s' (GET services.json lists them)",
		    in->service);
	memset(&k, 0, sizeof(k));
	k.in = in;
	k.to = (enum post_sentiment)to;
	k.e = e;
	e->kind = VERR_NONE;
	if (store_atomic(s, correct_unit, &k) != 0) {
		if (e->kind == VERR_NONE)
			verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
		return -1;
	}
	*id = k.id;
	return 0;
}

int
listen_correction_each(struct store *s, int64_t post,
    int (*fn)(const struct post_correction *, void *), void *arg)
{
	return store_correction_each(s, post, fn, arg);
}
