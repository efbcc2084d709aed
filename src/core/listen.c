/*
 * listen.c: listening's analysis at ingest, its sources, saved queries and
 * reads (listen.h).  The fetcher thread is listen_fetch.c.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/listen.h"
#include "core/parse.h"
#include "core/trends.h"
#include "feed/feed.h"
#include "store/store.h"
#include "store/store_posts.h"
#include "text/complaint.h"
#include "text/dedupe.h"
#include "text/query.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

#define DEFAULT_INTERVAL 900
#define ALIAS_PREFIX "a:"
#define DISTRICT_PREFIX "d:"
#define QUERY_PREFIX "q"
#define PLACE_WORDS 3           /* words of a street name matched at most */
#define HOUSE_GAP 3             /* tokens between a street and its house */

/* One address of the registry as the place index keeps it. */
struct place {
	char *key;                      /* the street's stems, space-separated */
	char *house;                    /* normalised house number */
	char *address;
	double lat, lon;
};

struct listen {
	pthread_mutex_t lock;
	struct text_ctx *ctx;
	struct text_model *model;
	struct text_complaint *scorer;
	struct text_query_set *set;
	struct text_matcher *matcher;
	struct text_dedupe *dedupe;
	struct place *places;           /* sorted by key */
	size_t nplaces, capplaces;
	char **districts;               /* "d:<k>:<n>" queries name districts[k] */
	size_t ndistricts;
};

static const char *const sentiment_names[POST_SENTIMENT__MAX] = {
	"negative", "neutral", "positive",
};

const char *
listen_sentiment_name(enum post_sentiment s)
{
	return (unsigned)s < POST_SENTIMENT__MAX ? sentiment_names[s] : "?";
}

int
listen_sentiment_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < POST_SENTIMENT__MAX; i++)
		if (strcmp(s, sentiment_names[i]) == 0)
			return i;
	return -1;
}

/* Street-type words left out of a street's key ("ул. Свободы" -> свобод). */
static int
street_type(const char *w, size_t n)
{
	static const char *const types[] = { "ул", "улица", "пр", "пр-т",
	    "проспект", "пер", "переулок", "пл", "площадь", "б-р", "бульвар",
	    "ш", "шоссе", "наб", "набережная", "проезд", "мкр", "д", "дом",
	    "st", "street", "ave", "avenue", "rd", "road" };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && memcmp(types[i], w, n) == 0)
			return 1;
	return 0;
}

/* Append n bytes of s and a space to key (len bytes). 0 or -1. */
static int
key_add(char *key, size_t len, const char *s, size_t n)
{
	size_t k = strlen(key);

	if (k + n + 2 > len)
		return -1;
	if (k > 0)
		key[k++] = ' ';
	memcpy(key + k, s, n);
	key[k + n] = '\0';
	return 0;
}

static int
place_cmp(const void *a, const void *b)
{
	return strcmp(((const struct place *)a)->key,
	    ((const struct place *)b)->key);
}

static int
on_address(const char *address, double lat, double lon, void *arg)
{
	struct listen *l = arg;
	struct text_error terr;
	struct text_doc doc;
	const char *comma;
	char key[256] = "", house[32];
	struct place *p;
	size_t i, slen, words = 0;

	if (address == NULL || (comma = strrchr(address, ',')) == NULL)
		return 0;
	slen = (size_t)(comma - address);
	snprintf(house, sizeof(house), "%s", comma + 1 + strspn(comma + 1,
	    " "));
	for (i = 0; house[i] != '\0'; i++)
		if (house[i] >= 'A' && house[i] <= 'Z')
			house[i] = (char)(house[i] - 'A' + 'a');
	if (house[0] == '\0' || text_analyze(l->ctx, address, slen, &doc,
	    &terr) == -1)
		return 0;
	for (i = 0; i < doc.ntokens && words < PLACE_WORDS; i++) {
		const struct text_token *t = &doc.tokens[i];

		if (t->kind != TEXT_TOKEN_WORD || street_type(t->norm,
		    t->norm_len))
			continue;
		if (key_add(key, sizeof(key), t->stem, t->stem_len) == -1)
			return 0;
		words++;
	}
	if (words == 0)
		return 0;
	if (l->nplaces == l->capplaces) {
		size_t cap = l->capplaces ? l->capplaces * 2 : 256;

		if ((p = realloc(l->places, cap * sizeof(*p))) == NULL)
			return -1;
		l->places = p;
		l->capplaces = cap;
	}
	p = &l->places[l->nplaces];
	p->key = strdup(key);
	p->house = strdup(house);
	p->address = strdup(address);
	p->lat = lat;
	p->lon = lon;
	if (p->key == NULL || p->house == NULL || p->address == NULL) {
		free(p->key);
		free(p->house);
		free(p->address);
		return -1;
	}
	l->nplaces++;
	return 0;
}

static void
places_free(struct listen *l)
{
	size_t i;

	for (i = 0; i < l->nplaces; i++) {
		free(l->places[i].key);
		free(l->places[i].house);
		free(l->places[i].address);
	}
	free(l->places);
	l->places = NULL;
	l->nplaces = l->capplaces = 0;
}

/*
 * The place a text names: a street of the registry (its stems, in a row)
 * followed within HOUSE_GAP tokens by one of its house numbers.
 */
static const struct place *
find_place(const struct listen *l, const struct text_doc *doc)
{
	struct place probe, *lo;
	char key[256];
	size_t i, k, j, g;

	if (l->nplaces == 0)
		return NULL;
	for (i = 0; i < doc->ntokens; i++) {
		key[0] = '\0';
		for (k = 0; k < PLACE_WORDS && i + k < doc->ntokens; k++) {
			const struct text_token *t = &doc->tokens[i + k];

			if (t->kind != TEXT_TOKEN_WORD || key_add(key,
			    sizeof(key), t->stem, t->stem_len) == -1)
				break;
			probe.key = key;
			lo = bsearch(&probe, l->places, l->nplaces,
			    sizeof(*l->places), place_cmp);
			if (lo == NULL)
				continue;
			while (lo > l->places && strcmp(lo[-1].key, key) == 0)
				lo--;
			for (g = i + k + 1; g < doc->ntokens &&
			    g <= i + k + 1 + HOUSE_GAP; g++) {
				const struct text_token *h = &doc->tokens[g];

				if (h->kind != TEXT_TOKEN_NUMBER &&
				    h->kind != TEXT_TOKEN_WORD)
					continue;
				for (j = (size_t)(lo - l->places); j <
				    l->nplaces && strcmp(l->places[j].key, key)
				    == 0; j++)
					if (strlen(l->places[j].house) ==
					    h->norm_len && memcmp(l->places[j].house,
					    h->norm, h->norm_len) == 0)
						return &l->places[j];
			}
		}
	}
	return NULL;
}

/*
 * Add a name (an agency's alias, a district's name) as the query id: its
 * words NEAR/0 in a row, operators left out.
 */
static int
add_name(struct listen *l, const char *id, const char *alias)
{
	char q[VECHE_MAX_ALIAS * 8 + 1] = "";
	struct text_error terr;
	const char *p = alias;
	size_t n, words = 0;

	while (*p != '\0') {
		n = strcspn(p, " \t\"«»()*#@,.;:!?/\\");
		if (n > 0 && !(n <= 3 && (strncmp(p, "AND", n) == 0 ||
		    strncmp(p, "OR", n) == 0 || strncmp(p, "NOT", n) == 0)) &&
		    strncmp(p, "NEAR", 4) != 0) {
			size_t k = strlen(q);
			int w = snprintf(q + k, sizeof(q) - k, "%s%.*s",
			    words > 0 ? " NEAR/0 " : "", (int)n, p);

			if (w < 0 || (size_t)w >= sizeof(q) - k) {
				q[k] = '\0';
				break;
			}
			words++;
		}
		p += n;
		p += strspn(p, " \t\"«»()*#@,.;:!?/\\");
	}
	if (words == 0)
		return 0;
	/* An alias that still does not parse is left out, not fatal. */
	(void)text_query_set_add(l->set, l->ctx, id, q, strlen(q), &terr);
	return 0;
}

static int
on_alias(const char *agency, const char *alias, void *arg)
{
	struct listen *l = arg;
	char id[TEXT_MAX_QUERY_ID + 1];

	snprintf(id, sizeof(id), ALIAS_PREFIX "%s:%zu", agency,
	    text_query_set_count(l->set));
	return add_name(l, id, alias);
}

static void
districts_free(char **d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(d[i]);
	free(d);
}

/* District names come ordered by district: one slot per district. */
static int
on_district(const char *district, const char *name, void *arg)
{
	struct listen *l = arg;
	char id[TEXT_MAX_QUERY_ID + 1], **grown;

	if (l->ndistricts == 0 || strcmp(l->districts[l->ndistricts - 1],
	    district) != 0) {
		if ((grown = realloc(l->districts, (l->ndistricts + 1) *
		    sizeof(*grown))) == NULL)
			return -1;
		l->districts = grown;
		if ((grown[l->ndistricts] = strdup(district)) == NULL)
			return -1;
		l->ndistricts++;
	}
	/* Ids are unique in the set: the name's number follows. */
	snprintf(id, sizeof(id), DISTRICT_PREFIX "%zu:%zu", l->ndistricts - 1,
	    text_query_set_count(l->set));
	return add_name(l, id, name);
}

struct load {
	struct listen *l;
	struct verr *e;
};

static int
on_query(const struct saved_query *q, void *arg)
{
	struct load *ld = arg;
	struct text_error terr;
	char id[32];

	snprintf(id, sizeof(id), QUERY_PREFIX "%" PRId64, q->id);
	if (text_query_set_add(ld->l->set, ld->l->ctx, id, q->query,
	    strlen(q->query), &terr) == -1)
		fprintf(stderr, "veche: saved query %" PRId64 " left out: %s\n",
		    q->id, terr.msg);
	return 0;
}

/* Build the set and matcher from s; caller holds the lock. */
static int
reload_locked(struct listen *l, struct store *s, struct verr *e)
{
	struct text_query_set *old = l->set;
	struct text_matcher *oldm = l->matcher;
	char **oldd = l->districts;
	size_t oldn = l->ndistricts;
	struct load ld = { l, e };

	if ((l->set = text_query_set_new()) == NULL) {
		l->set = old;
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	}
	l->districts = NULL;
	l->ndistricts = 0;
	if (store_query_each(s, 0, on_query, &ld) == -1 ||
	    store_alias_each(s, on_alias, l) == -1 ||
	    store_district_each(s, on_district, l) == -1 ||
	    (l->matcher = text_matcher_new(l->set)) == NULL) {
		text_query_set_free(l->set);
		districts_free(l->districts, l->ndistricts);
		l->set = old;
		l->matcher = oldm;
		l->districts = oldd;
		l->ndistricts = oldn;
		return verr_set(e, VERR_INTERNAL, NULL, "loading queries: %s",
		    store_error(s));
	}
	text_matcher_free(oldm);
	text_query_set_free(old);
	districts_free(oldd, oldn);
	return 0;
}

int
listen_reload(struct listen *l, struct store *s, struct verr *e)
{
	int rc;

	pthread_mutex_lock(&l->lock);
	rc = reload_locked(l, s, e);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static int
on_signature(int64_t id, int64_t group, const unsigned char *sig,
    size_t len, void *arg)
{
	struct listen *l = arg;
	struct text_signature ts;

	(void)id;
	if (sig == NULL || len != sizeof(ts.min))
		return 0;
	memcpy(ts.min, sig, sizeof(ts.min));
	ts.empty = 0;
	return text_dedupe_add(l->dedupe, &ts, (uint64_t)group);
}

struct listen *
listen_new(struct store *s, const char *datadir, char *err, size_t errlen)
{
	struct text_error terr;
	struct listen *l;
	struct verr e;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	memset(&terr, 0, sizeof(terr));
	if ((l->ctx = text_ctx_new(datadir, &terr)) == NULL ||
	    (l->model = text_model_load_default(datadir, &terr)) == NULL ||
	    (l->scorer = text_complaint_load_default(l->ctx, datadir,
	    &terr)) == NULL) {
		snprintf(err, errlen, "listening: %s", terr.msg);
		listen_free(l);
		return NULL;
	}
	memset(&e, 0, sizeof(e));
	if ((l->dedupe = text_dedupe_new(TEXT_DEDUPE_THRESHOLD)) == NULL ||
	    store_posts_addresses(s, on_address, l) == -1 ||
	    store_post_signatures(s, VECHE_LISTEN_DEDUPE_LOAD, on_signature,
	    l) == -1 || reload_locked(l, s, &e) == -1) {
		snprintf(err, errlen, "listening: %s", e.message[0] ?
		    e.message : store_error(s));
		listen_free(l);
		return NULL;
	}
	if (l->nplaces > 0)
		qsort(l->places, l->nplaces, sizeof(*l->places), place_cmp);
	return l;
}

void
listen_free(struct listen *l)
{
	if (l == NULL)
		return;
	text_matcher_free(l->matcher);
	text_query_set_free(l->set);
	text_dedupe_free(l->dedupe);
	text_complaint_free(l->scorer);
	text_model_free(l->model);
	text_ctx_free(l->ctx);
	places_free(l);
	districts_free(l->districts, l->ndistricts);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* The language by the script of most words: "ru", "en" or "und". */
static const char *
language(const struct text_doc *doc)
{
	size_t i, cyr = 0, lat = 0;

	for (i = 0; i < doc->ntokens; i++) {
		if (doc->tokens[i].kind != TEXT_TOKEN_WORD)
			continue;
		if (doc->tokens[i].script == TEXT_SCRIPT_CYRILLIC)
			cyr++;
		else if (doc->tokens[i].script == TEXT_SCRIPT_LATIN)
			lat++;
	}
	return cyr == 0 && lat == 0 ? "und" : cyr >= lat ? "ru" : "en";
}

/* One batch of items to store, run by store_atomic. */
/*
 * A near-copy group head stored by this batch: it joins the index only
 * after the batch commits, so a batch that is rolled back (or run again by
 * the writer) leaves no signature of a post that was never stored.
 */
struct pending_sig {
	struct text_signature sig;
	int64_t id;
};

struct batch {
	struct listen *l;
	int64_t source, now;
	const struct feed *feed;
	size_t added, dupes;
	struct pending_sig *pending;    /* feed->n slots */
	size_t npending;
	struct trends_batch *trends;    /* the batch's days of each series */
	struct store_match *match;      /* the batch's matches, written last */
	size_t nmatch, capmatch;
	char err[300];
};

/*
 * The group sig joins: the most similar signature of the index or of the
 * batch's own uncommitted heads (the index's are earlier, so they win
 * ties).  0 when none reaches TEXT_DEDUPE_THRESHOLD.
 */
static int64_t
find_group(const struct batch *b, const struct text_signature *sig)
{
	uint64_t dup;
	double sim, best = 0, x;
	int64_t group = 0;
	size_t i;

	if (text_dedupe_find(b->l->dedupe, sig, &dup, &sim)) {
		group = (int64_t)dup;
		best = sim;
	}
	for (i = 0; i < b->npending; i++) {
		x = text_signature_similarity(sig, &b->pending[i].sig);
		if (x >= TEXT_DEDUPE_THRESHOLD && x > best) {
			best = x;
			group = b->pending[i].id;
		}
	}
	return group;
}

/* Keep post id's matches for the end of the batch: 0 or -1 (memory). */
static int
keep_matches(struct batch *b, int64_t id, const int64_t *queries, size_t nq)
{
	struct store_match *grown;
	size_t i, cap;

	if (b->nmatch + nq > b->capmatch) {
		cap = b->capmatch ? b->capmatch * 2 : 1024;
		while (cap < b->nmatch + nq)
			cap *= 2;
		if ((grown = realloc(b->match, cap * sizeof(*grown))) == NULL)
			return -1;
		b->match = grown;
		b->capmatch = cap;
	}
	for (i = 0; i < nq; i++) {
		b->match[b->nmatch].query = queries[i];
		b->match[b->nmatch++].post = id;
	}
	return 0;
}

/* post_matches' primary key order: (query, post). */
static int
match_cmp(const void *a, const void *b)
{
	const struct store_match *x = a, *y = b;

	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	return x->post < y->post ? -1 : x->post > y->post;
}

/* Analyse item and store it with what it matched. 0 or -1 (b->err). */
static int
ingest_item(struct store *s, struct batch *b, const struct feed_item *it)
{
	struct listen *l = b->l;
	struct text_complaint_result cr;
	struct text_signature sig;
	struct text_error terr;
	struct text_doc doc;
	const struct place *pl;
	const size_t *hits;
	double prob[TEXT_SENTIMENT__MAX];
	int64_t queries[64], id, group = 0;
	const char *agency_id = NULL, *district = NULL;
	char agency[VECHE_MAX_CODE + 1];
	struct post p;
	size_t nh, i, nq = 0;
	int rc;

	if (text_analyze(l->ctx, it->text, strlen(it->text), &doc, &terr)
	    == -1) {
		b->dupes++;     /* not text veche can read: skipped */
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.source = b->source;
	p.guid = it->guid;
	p.url = it->url;
	p.author = it->author;
	p.published = it->published > 0 ? it->published : b->now;
	p.fetched = b->now;
	p.body = it->text;
	p.lang = language(&doc);
	p.sentiment = (enum post_sentiment)text_sentiment_predict(l->model,
	    l->ctx, &doc, prob);
	p.negative = prob[TEXT_SENTIMENT_NEGATIVE];
	text_complaint_score(l->scorer, &doc, prob, &cr);
	p.complaint = cr.score;
	if (text_matcher_run(l->matcher, &doc, &hits, &nh) == -1) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	for (i = 0; i < nh; i++) {
		const char *qid = text_query_set_id(l->set, hits[i]);
		int64_t v;

		if (strncmp(qid, ALIAS_PREFIX, 2) == 0) {
			if (agency_id == NULL)
				agency_id = qid + 2;
		} else if (strncmp(qid, DISTRICT_PREFIX, 2) == 0) {
			char k[24];

			snprintf(k, sizeof(k), "%.*s", (int)strcspn(qid + 2,
			    ":"), qid + 2);
			if (district == NULL && parse_int64(k, 0,
			    (int64_t)l->ndistricts - 1, &v) == 0)
				district = l->districts[v];
		} else if (nq < sizeof(queries) / sizeof(queries[0]) &&
		    parse_int64(qid + 1, 1, INT64_MAX, &v) == 0)
			queries[nq++] = v;
	}
	if (agency_id != NULL) {
		snprintf(agency, sizeof(agency), "%.*s",
		    (int)strcspn(agency_id, ":"), agency_id);
		p.agency = agency;
	}
	if ((pl = find_place(l, &doc)) != NULL) {
		p.place = pl->address;
		p.lat = pl->lat;
		p.lon = pl->lon;
	} else
		p.district = district;  /* no house: the district named, if any */
	if (text_dedupe_signature(l->ctx, &doc, &sig) == -1) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	group = find_group(b, &sig);
	p.group = group;
	if (!sig.empty) {
		p.signature = (const unsigned char *)sig.min;
		p.signature_len = sizeof(sig.min);
	}
	if ((rc = store_post_insert(s, &p, &id)) == -1) {
		snprintf(b->err, sizeof(b->err), "%s", store_error(s));
		return -1;
	}
	if (rc == 2) {
		b->dupes++;
		return 0;
	}
	b->added++;
	if (keep_matches(b, id, queries, nq) == -1 ||
	    trends_post(b->trends, &p, queries, nq) == -1) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	if (group == 0 && !sig.empty) {
		b->pending[b->npending].sig = sig;
		b->pending[b->npending++].id = id;
	}
	return 0;
}

static int
ingest_unit(struct store *s, void *arg)
{
	struct batch *b = arg;
	struct verr e;
	size_t i;

	/* The writer may run a unit again after another unit failed. */
	b->added = b->dupes = b->npending = b->nmatch = 0;
	trends_batch_reset(b->trends);
	for (i = 0; i < b->feed->n; i++)
		if (ingest_item(s, b, &b->feed->items[i]) == -1)
			return -1;
	/* A batch's matches in key order: neighbours share B-tree pages. */
	if (b->nmatch > 1)
		qsort(b->match, b->nmatch, sizeof(b->match[0]), match_cmp);
	if (store_matches_insert(s, b->match, b->nmatch) == -1) {
		snprintf(b->err, sizeof(b->err), "%s", store_error(s));
		return -1;
	}
	/* Spikes are checked after each batch, in its transaction. */
	memset(&e, 0, sizeof(e));
	if (trends_check(s, b->trends, b->now, NULL, &e) == -1) {
		snprintf(b->err, sizeof(b->err), "%.290s", e.message);
		return -1;
	}
	return 0;
}

int
listen_ingest(struct listen *l, struct store *s, int64_t source,
    const char *kind, const char *body, size_t len, const char *charset,
    int64_t now, size_t *added, size_t *dupes, struct verr *e)
{
	struct batch b;
	struct feed f;
	enum feed_kind k = feed_kind_parse(kind);
	char err[300];
	size_t i;
	int rc;

	*added = *dupes = 0;
	if (k == FEED_KIND__MAX)
		return verr_set(e, VERR_INVALID, "kind", "kind: one of rss, "
		    "atom, jsonfeed, vk, telegram");
	/* RSS and Atom sources read either: sites change formats. */
	if (k == FEED_RSS || k == FEED_ATOM)
		k = FEED_AUTO;
	if (feed_parse(k, body, len, charset, &f, err, sizeof(err)) == -1)
		return verr_set(e, VERR_INVALID, "file", "%s", err);
	memset(&b, 0, sizeof(b));
	b.l = l;
	b.source = source;
	b.now = now;
	b.feed = &f;
	if ((f.n > 0 && (b.pending = calloc(f.n, sizeof(*b.pending))) ==
	    NULL) || (b.trends = trends_batch_new()) == NULL) {
		free(b.pending);
		feed_free(&f);
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	}
	pthread_mutex_lock(&l->lock);
	rc = store_atomic(s, ingest_unit, &b);
	/* Only committed posts lead near-copy groups. */
	for (i = 0; rc == 0 && i < b.npending; i++)
		(void)text_dedupe_add(l->dedupe, &b.pending[i].sig,
		    (uint64_t)b.pending[i].id);
	pthread_mutex_unlock(&l->lock);
	free(b.pending);
	free(b.match);
	trends_batch_free(b.trends);
	*dupes = b.dupes + f.skipped;
	feed_free(&f);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "storing posts: %s",
		    b.err[0] ? b.err : store_error(s));
	*added = b.added;
	return 0;
}

struct found {
	int64_t id;
	char kind[16];
	int has_url;
};

static int
on_found(const struct source *src, void *arg)
{
	struct found *f = arg;

	f->id = src->id;
	snprintf(f->kind, sizeof(f->kind), "%s", src->kind);
	f->has_url = src->url != NULL;
	return 0;
}

int
listen_import(struct listen *l, struct store *s, const char *source,
    const char *body, size_t len, int64_t now, size_t *added, size_t *dupes,
    struct verr *e)
{
	struct source_result r;
	struct found f;
	int rc;

	memset(&f, 0, sizeof(f));
	if (source == NULL || source[0] == '\0')
		return verr_set(e, VERR_INVALID, "source", "source: the name "
		    "of an upload source");
	if ((rc = store_source_by_name(s, source, on_found, &f)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "source", "source: no "
		    "source named '%.60s'", source);
	if (f.has_url)
		return verr_set(e, VERR_INVALID, "source", "source: '%.60s' "
		    "is fetched from its URL, not uploaded", source);
	if (body == NULL || len == 0)
		return verr_set(e, VERR_INVALID, "file", "file: the export "
		    "to read");
	if (listen_ingest(l, s, f.id, f.kind, body, len, NULL, now, added,
	    dupes, e) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.ok = 1;
	r.at = now;
	if (store_source_result(s, f.id, &r) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

/* A name: 1..max bytes of printable text (no control bytes). */
static int
check_name(const char *v, size_t max, const char *field, struct verr *e)
{
	size_t i, n = v != NULL ? strlen(v) : 0;

	if (n == 0 || n > max)
		return verr_set(e, VERR_INVALID, field, "%s: 1 to %zu bytes",
		    field, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return verr_set(e, VERR_INVALID, field, "%s: no control "
			    "characters (byte %zu)", field, i);
	return 0;
}

/* Check a source's settings into *src (strings borrowed).  0 or -1 (e). */
static int
source_check(const char *name, const char *kind, const char *url,
    int64_t interval, int64_t timeout_ms, int64_t now, struct source *src,
    struct verr *e)
{
	enum feed_kind k = feed_kind_parse(kind);
	int upload;

	if (check_name(name, VECHE_MAX_SOURCE_NAME, "name", e) == -1)
		return -1;
	if (k == FEED_KIND__MAX || k == FEED_AUTO)
		return verr_set(e, VERR_INVALID, "kind", "kind: one of rss, "
		    "atom, jsonfeed, vk, telegram");
	upload = k == FEED_VK || k == FEED_TELEGRAM;
	if (url != NULL && url[0] == '\0')
		url = NULL;
	if (upload && url != NULL)
		return verr_set(e, VERR_INVALID, "url", "url: %s exports are "
		    "uploaded, not fetched", kind);
	if (!upload && (url == NULL || strlen(url) > VECHE_MAX_SOURCE_URL ||
	    (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8)
	    != 0) || strpbrk(url, " \t\r\n") != NULL))
		return verr_set(e, VERR_INVALID, "url", "url: an http:// or "
		    "https:// address of at most %d bytes",
		    VECHE_MAX_SOURCE_URL);
	if (interval == 0)
		interval = DEFAULT_INTERVAL;
	if (interval < VECHE_FEED_MIN_INTERVAL || interval >
	    VECHE_FEED_MAX_INTERVAL)
		return verr_set(e, VERR_INVALID, "interval", "interval: %d to "
		    "%d seconds", VECHE_FEED_MIN_INTERVAL,
		    VECHE_FEED_MAX_INTERVAL);
	if (timeout_ms == 0)
		timeout_ms = VECHE_FEED_TIMEOUT_MS;
	if (timeout_ms < VECHE_FEED_MIN_TIMEOUT_MS || timeout_ms >
	    VECHE_FEED_TIMEOUT_MS)
		return verr_set(e, VERR_INVALID, "timeout_ms", "timeout_ms: %d "
		    "to %d", VECHE_FEED_MIN_TIMEOUT_MS, VECHE_FEED_TIMEOUT_MS);
	memset(src, 0, sizeof(*src));
	src->name = name;
	src->kind = feed_kind_name(k);
	src->url = url;
	src->interval = interval;
	src->timeout_ms = timeout_ms;
	src->created = now;
	return 0;
}

int
listen_source_add(struct store *s, const char *name, const char *kind,
    const char *url, int64_t interval, int64_t timeout_ms, int64_t now,
    int64_t *id, struct verr *e)
{
	struct source src;
	int rc;

	if (source_check(name, kind, url, interval, timeout_ms, now, &src,
	    e) == -1)
		return -1;
	if ((rc = store_source_add(s, &src, id)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 2)
		return verr_set(e, VERR_CONFLICT, "name", "name: a source "
		    "named '%.60s' exists", name);
	return 0;
}

int
listen_source_put(struct store *s, const char *name, const char *kind,
    const char *url, int64_t interval, int64_t now, struct verr *e)
{
	struct source src;

	if (source_check(name, kind, url, interval, 0, now, &src, e) == -1)
		return -1;
	if (store_source_put(s, &src) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
listen_source_remove(struct store *s, int64_t id, struct verr *e)
{
	int rc = store_source_remove(s, id);

	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "no such source");
	return 0;
}

int
listen_source_each(struct store *s, int64_t id,
    int (*fn)(const struct source *, void *), void *arg)
{
	return store_source_each(s, id, 0, fn, arg);
}

int
listen_source_by_name(struct store *s, const char *name,
    int (*fn)(const struct source *, void *), void *arg)
{
	return store_source_by_name(s, name, fn, arg);
}

int
listen_source_day(struct store *s, int64_t source, int64_t now, int64_t *n)
{
	return store_source_posts_since(s, source, now - 86400, n);
}

int
listen_query_save(struct listen *l, struct store *s, int64_t id,
    const char *name, const char *query, const char *owner, int64_t now,
    int64_t *out, struct verr *e)
{
	struct text_query_set *probe;
	struct text_error terr;
	struct saved_query q;
	int rc;

	if (check_name(name, VECHE_MAX_QUERY_NAME, "name", e) == -1 ||
	    check_name(query, TEXT_MAX_QUERY, "query", e) == -1)
		return -1;
	/* Parse it on its own first: the error names the byte. */
	if ((probe = text_query_set_new()) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	memset(&terr, 0, sizeof(terr));
	pthread_mutex_lock(&l->lock);
	rc = text_query_set_add(probe, l->ctx, "probe", query, strlen(query),
	    &terr);
	pthread_mutex_unlock(&l->lock);
	text_query_set_free(probe);
	if (rc == -1)
		return verr_set(e, VERR_INVALID, "query", "query: %s",
		    terr.msg);
	memset(&q, 0, sizeof(q));
	q.id = id;
	q.name = name;
	q.query = query;
	q.owner = owner;
	q.created = now;
	rc = id == 0 ? store_query_add(s, &q, out) : store_query_update(s,
	    &q);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "no such query");
	if (rc == 2)
		return verr_set(e, VERR_CONFLICT, "name", "name: a query named "
		    "'%.60s' exists", name);
	if (id != 0)
		*out = id;
	return listen_reload(l, s, e);
}

int
listen_query_remove(struct listen *l, struct store *s, int64_t id,
    struct verr *e)
{
	int rc = store_query_remove(s, id);

	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "no such query");
	return listen_reload(l, s, e);
}

int
listen_query_each(struct store *s, int64_t id,
    int (*fn)(const struct saved_query *, void *), void *arg)
{
	return store_query_each(s, id, fn, arg);
}

int
listen_aliases_set(struct store *s, const char *agency,
    const char *const *aliases, size_t n, struct verr *e)
{
	if (store_alias_set(s, agency, aliases, n) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
listen_districts_clear(struct store *s, struct verr *e)
{
	if (store_district_clear(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
listen_district_set(struct store *s, const char *const *names, size_t n,
    struct verr *e)
{
	if (n == 0)
		return verr_set(e, VERR_INVALID, "name", "name: a district's "
		    "name");
	if (store_district_set(s, names[0], names, n) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

int
listen_post_each(struct store *s, const struct post_filter *f,
    int (*fn)(const struct post *, void *), void *arg)
{
	return store_post_each(s, f, fn, arg);
}

int
listen_post_get(struct store *s, int64_t id,
    int (*fn)(const struct post *, void *), void *arg)
{
	return store_post_get(s, id, fn, arg);
}

int
listen_post_queries(struct store *s, int64_t post,
    int (*fn)(const struct saved_query *, void *), void *arg)
{
	return store_post_queries(s, post, fn, arg);
}
