/*
 * incident.c: incidents of the listening loop (incident.h).
 *
 * The reaction clock starts at the post's time (its publication, else when
 * it was fetched), not at the incident's creation: the citizen waits from
 * the moment they wrote, and a post noticed late is late already.  The
 * hours are calendar hours: social networks do not keep office hours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "core/catalog.h"
#include "core/incident.h"
#include "core/listen.h"
#include "core/outbox.h"
#include "core/report.h"
#include "core/suggest.h"
#include "store/store.h"
#include "store/store_incidents.h"

/* The post, copied out of its callback. */
struct post_copy {
	int found;
	int64_t id, source, group, published, fetched;
	char *body, *url, *guid, *author, *agency, *place, *district;
	int has_point;
	double lat, lon;
	char network[VECHE_MAX_SOURCE_NAME + 1];
};

static int
on_post(const struct post *p, void *arg)
{
	struct post_copy *pc = arg;
	const char *from[] = { p->body, p->url, p->guid, p->author, p->agency,
	    p->place, p->district };
	char **to[] = { &pc->body, &pc->url, &pc->guid, &pc->author,
	    &pc->agency, &pc->place, &pc->district };
	size_t i;

	pc->found = 1;
	pc->id = p->id;
	pc->source = p->source;
	pc->group = p->group;
	pc->published = p->published;
	pc->fetched = p->fetched;
	pc->has_point = p->place != NULL;
	pc->lat = p->lat;
	pc->lon = p->lon;
	/* The strings die with the call. */
	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		if (from[i] != NULL && (*to[i] = strdup(from[i])) == NULL)
			return -1;
	return 0;
}

static void
post_copy_free(struct post_copy *pc)
{
	free(pc->body);
	free(pc->url);
	free(pc->guid);
	free(pc->author);
	free(pc->agency);
	free(pc->place);
	free(pc->district);
}

/* The network a post was written on, as the report page names it. */
static int
on_source(const struct source *src, void *arg)
{
	struct post_copy *pc = arg;
	const char *name = src->name;

	if (strcmp(src->kind, "vk") == 0)
		name = "VK";
	else if (strcmp(src->kind, "telegram") == 0)
		name = "Telegram";
	snprintf(pc->network, sizeof(pc->network), "%s", name);
	return 0;
}

/* ---- The service from the text ---- */

/* ASCII and Cyrillic (А-Я, Ё) lower-cased into out; cut at outlen. */
static void
lower(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p != '\0' && n + 2 < outlen) {
		if (p[0] == 0xD0 && p[1] >= 0x90 && p[1] <= 0x9F) {
			out[n++] = (char)0xD0;          /* А-П -> а-п */
			out[n++] = (char)(p[1] + 0x20);
			p += 2;
		} else if (p[0] == 0xD0 && p[1] >= 0xA0 && p[1] <= 0xAF) {
			out[n++] = (char)0xD1;          /* Р-Я -> р-я */
			out[n++] = (char)(p[1] - 0x20);
			p += 2;
		} else if (p[0] == 0xD0 && p[1] == 0x81) {
			out[n++] = (char)0xD1;          /* Ё -> ё */
			out[n++] = (char)0x91;
			p += 2;
		} else {
			out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 :
			    *p);
			p++;
		}
	}
	out[n] = '\0';
}

/*
 * 1 if the word w[0..len) (lower-cased) occurs in text by its stem: its
 * first five letters (all of a shorter word), so that "яма" finds "ямы"
 * only through the word itself and "дорога" finds "дороги".
 */
static int
occurs(const char *text, const char *w, size_t len)
{
	char stem[64];
	size_t n = 0, letters = 0;

	while (n < len && letters < 5 && n < sizeof(stem) - 4) {
		size_t k = ((unsigned char)w[n] & 0xE0) == 0xC0 ? 2 : 1;

		memcpy(stem + n, w + n, k);
		n += k;
		letters++;
	}
	if (letters < 3)
		return 0;               /* "и", "на": no evidence */
	if (letters == 5 && n >= 4) {
		/* Leave off the last letter: the inflection. */
		n -= ((unsigned char)stem[n - 2] & 0xE0) == 0xC0 ? 2 : 1;
	}
	stem[n] = '\0';
	return strstr(text, stem) != NULL;
}

/* How many of the words of list (separated by sep or blanks) occur. */
static int
score_words(const char *text, const char *list)
{
	char low[1024];
	const char *p;
	int score = 0;

	if (list == NULL)
		return 0;
	lower(list, low, sizeof(low));
	for (p = low; *p != '\0';) {
		size_t len = strcspn(p, ", ;");

		if (len > 0 && occurs(text, p, len))
			score++;
		p += len;
		p += strspn(p, ", ;");
	}
	return score;
}

/* The classifier's best service for text, if it has a model: or NULL. */
static const struct service *
trained(const struct catalog *c, struct suggest *sg, const char *text)
{
	const struct service *sv;
	struct suggest_item best;
	struct verr e;
	size_t found = 0;

	memset(&e, 0, sizeof(e));
	if (sg == NULL || suggest_services(sg, text, strlen(text), &best, 1,
	    &found, &e) == -1 || found == 0)
		return NULL;
	sv = catalog_service(c, best.code);
	return sv != NULL && !sv->disabled ? sv : NULL;
}

const struct service *
incident_suggest(const struct catalog *c, struct suggest *sg,
    const char *text, const char *agency)
{
	const struct agency *ag = agency != NULL ? catalog_agency(c, agency) :
	    NULL;
	const struct service *best = trained(c, sg, text), *first = NULL;
	char *low;
	size_t i, n = strlen(text) + 1;
	int best_score = 0;

	if (best != NULL)
		return best;
	if ((low = malloc(n)) == NULL)
		return NULL;
	lower(text, low, n);
	for (i = 0; i < catalog_nservices(c); i++) {
		const struct service *sv = catalog_service_at(c, i);
		int sc;

		if (sv->disabled || (ag != NULL && !catalog_handles(ag,
		    sv->code)))
			continue;
		if (first == NULL)
			first = sv;
		sc = score_words(low, sv->keywords) +
		    score_words(low, sv->name[LANG_RU]);
		if (sc > best_score) {
			best = sv;
			best_score = sc;
		}
	}
	free(low);
	if (best == NULL && first == NULL && ag != NULL)
		return incident_suggest(c, NULL, text, NULL);
	return best != NULL ? best : first;
}

/* ---- Making an incident ---- */

/* VERR_CONFLICT if a post of posts[0..n) is an incident's already. */
static int
already(struct store *s, const int64_t *posts, size_t n, int64_t *report,
    struct verr *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = store_incident_of_post(s, posts[i], report)) == 1)
			continue;
		if (rc == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "%s",
			    store_error(s));
		return verr_set(e, VERR_CONFLICT, "post", "post: post %lld is "
		    "an incident already: report %lld (/reports/%lld)",
		    (long long)posts[i], (long long)*report,
		    (long long)*report);
	}
	return 0;
}

struct making {
	const struct incident_input *in;
	struct post_copy *post;
	const int64_t *posts;
	size_t n;
	int64_t due;
	const char *agency;             /* where catalog_route sends it */
	int64_t *conflict;
};

/* The incident's rows, in the report's own transaction (report_submit). */
static int
make_rows(struct store *conn, int64_t report, void *arg, struct verr *e)
{
	struct making *m = arg;
	struct incident row;
	char url[VECHE_MAX_URL + 1];
	int64_t id;

	if (already(conn, m->posts, m->n, m->conflict, e) == -1)
		return -1;
	snprintf(url, sizeof(url), "%s%lld", m->in->report_url != NULL ?
	    m->in->report_url : "/reports/", (long long)report);
	memset(&row, 0, sizeof(row));
	row.report = report;
	row.post = m->post->id;
	row.source_url = m->post->url;
	row.external_id = m->post->guid;
	row.author = m->post->author;
	row.network = m->post->network;
	row.report_url = url;
	row.posted = m->post->published > 0 ? m->post->published :
	    m->post->fetched;
	row.created = m->in->now;
	row.due = m->due;
	row.agency = m->agency;
	if (store_incident_insert(conn, &row, m->posts, m->n, &id) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(conn));
	return 0;
}

int
incident_create(struct store *s, const struct catalog *c,
    const struct incident_input *in, struct incident_receipt *out,
    struct verr *e)
{
	struct post_copy pc;
	struct report_input ri;
	struct report_receipt rr;
	struct making m;
	struct actor maker;
	const struct service *sv = NULL;
	char desc[VECHE_MAX_DESCRIPTION + 1];
	size_t n = 0, cut;
	int rc, ret = -1;

	memset(&m, 0, sizeof(m));
	memset(out, 0, sizeof(*out));
	memset(&pc, 0, sizeof(pc));
	rc = listen_post_get(s, in->post, on_post, &pc);
	if (rc == 1 || (rc == 0 && !pc.found)) {
		verr_set(e, VERR_NOT_FOUND, "id", "id: no post %lld",
		    (long long)in->post);
		goto out;
	}
	if (rc != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "reading the post: %s",
		    store_error(s));
		goto out;
	}
	if (listen_source_each(s, pc.source, on_source, &pc) != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "reading the source: %s",
		    store_error(s));
		goto out;
	}
	{
		int64_t *list = malloc(sizeof(*list) * VECHE_INCIDENT_GROUP);

		if (list == NULL) {
			verr_set(e, VERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		list[n++] = pc.id;
		if (in->group) {
			size_t k, j, got = 0;
			int64_t *g = malloc(sizeof(*g) * VECHE_INCIDENT_GROUP);

			if (g == NULL || store_incident_group_posts(s, pc.group,
			    g, VECHE_INCIDENT_GROUP, &got) == -1) {
				free(g);
				free(list);
				verr_set(e, VERR_INTERNAL, NULL, "reading the "
				    "group: %s", store_error(s));
				goto out;
			}
			for (k = 0; k < got && n < VECHE_INCIDENT_GROUP; k++) {
				for (j = 0; j < n && list[j] != g[k]; j++)
					;
				if (j == n)
					list[n++] = g[k];
			}
			free(g);
		}
		m.posts = list;
	}
	m.n = n;
	if (already(s, m.posts, n, &out->report, e) == -1)
		goto free_list;
	if (in->service_code != NULL && *in->service_code != '\0')
		sv = catalog_service(c, in->service_code);
	else
		sv = incident_suggest(c, in->suggest, pc.body, pc.agency);
	if (sv == NULL) {
		verr_set(e, VERR_INVALID, "service_code", "service_code: "
		    "unknown service '%.64s' (GET services.json lists them)",
		    in->service_code != NULL ? in->service_code : "");
		goto free_list;
	}
	/* The text, cut on a character's boundary to a report's limit. */
	cut = strlen(pc.body);
	if (cut > VECHE_MAX_DESCRIPTION) {
		cut = VECHE_MAX_DESCRIPTION;
		while (cut > 0 && ((unsigned char)pc.body[cut] & 0xC0) == 0x80)
			cut--;
	}
	memcpy(desc, pc.body, cut);
	desc[cut] = '\0';
	/* Audited under the maker's name, but no one's own report. */
	memset(&maker, 0, sizeof(maker));
	if (in->actor != NULL)
		maker = *in->actor;
	maker.user_id = 0;
	memset(&ri, 0, sizeof(ri));
	ri.service_code = sv->code;
	if (in->has_point) {
		ri.has_point = 1;
		ri.lat = in->lat;
		ri.lon = in->lon;
	} else if (pc.has_point) {
		ri.has_point = 1;
		ri.lat = pc.lat;
		ri.lon = pc.lon;
	}
	ri.address = pc.place != NULL ? pc.place : pc.district;
	ri.description = desc;
	ri.attrs_optional = 1;
	ri.actor = in->actor != NULL ? &maker : NULL;
	ri.now = in->now;
	ri.lang = in->lang;
	m.in = in;
	m.post = &pc;
	m.due = (pc.published > 0 ? pc.published : pc.fetched) +
	    (int64_t)(in->hours > 0 ? in->hours : VECHE_INCIDENT_HOURS) * 3600;
	m.conflict = &out->report;
	m.agency = catalog_route(c, sv->code, ri.has_point, ri.lat, ri.lon);
	ri.also = make_rows;
	ri.also_arg = &m;
	if (report_submit(s, c, &ri, &rr, e) == -1)
		goto free_list;
	out->report = rr.id;
	out->nposts = n;
	out->due = m.due;
	ret = 0;
free_list:
	free((void *)m.posts);
out:
	post_copy_free(&pc);
	return ret;
}

int
incident_of_post(struct store *s, int64_t post, int64_t *report)
{
	return store_incident_of_post(s, post, report);
}

int
incident_by_report(struct store *s, int64_t report,
    int (*fn)(const struct incident *, void *), void *arg)
{
	return store_incident_by_report(s, report, fn, arg);
}

/* ---- The first answer ---- */

struct answering {
	int found;
	struct outbox_incident ev;
	char *copy[5];
};

static int
on_incident_copy(const struct incident *in, void *arg)
{
	struct answering *a = arg;
	const char *src[5] = { in->source_url, in->external_id, in->author,
	    in->network, in->report_url };
	int i;

	a->found = 1;
	for (i = 0; i < 5; i++)
		if (src[i] != NULL && (a->copy[i] = strdup(src[i])) == NULL)
			return -1;
	a->ev.source_url = a->copy[0];
	a->ev.external_id = a->copy[1];
	a->ev.author = a->copy[2];
	a->ev.network = a->copy[3];
	a->ev.report_url = a->copy[4];
	return 0;
}

int
incident_answered(struct store *s, int64_t report, const char *text,
    int64_t now, struct verr *e)
{
	struct answering a;
	int rc, i, ret = -1;

	memset(&a, 0, sizeof(a));
	rc = store_incident_by_report(s, report, on_incident_copy, &a);
	if (rc == 1 || (rc == 0 && !a.found))
		ret = 0;
	else if (rc != 0)
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	else if (store_incident_answered(s, report, now) == -1)
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	else {
		a.ev.answer = text;
		ret = outbox_emit_incident(s, report, &a.ev, now, e);
	}
	for (i = 0; i < 5; i++)
		free(a.copy[i]);
	return ret;
}

enum incident_clock
incident_clock(const struct incident *in, int64_t now, int64_t *hours)
{
	if (in->first_answer != 0) {
		*hours = (in->first_answer - in->posted) / 3600;
		return in->first_answer <= in->due ?
		    INCIDENT_ANSWERED_IN_TIME : INCIDENT_ANSWERED_LATE;
	}
	if (now <= in->due) {
		*hours = (in->due - now + 3599) / 3600;
		return INCIDENT_RUNNING;
	}
	/* Whole hours late, and at least one: "overdue by 0 h" says nothing. */
	*hours = (now - in->due) / 3600;
	if (*hours < 1)
		*hours = 1;
	return INCIDENT_OVERDUE;
}

/* ---- Reads for the desk and the dump ---- */

struct open_filter {
	const struct actor *actor;
	int (*fn)(const struct incident *, void *);
	void *arg;
};

static int
serves(const struct actor *a, const char *agency)
{
	size_t i;

	if (a->role == ROLE_ADMIN || a->role == ROLE_MODERATOR)
		return 1;
	for (i = 0; agency != NULL && i < a->nagencies; i++)
		if (strcmp(a->agencies[i], agency) == 0)
			return 1;
	return 0;
}

static int
on_open(const struct incident *in, void *arg)
{
	const struct open_filter *f = arg;

	if (report_status_closed((enum report_status)in->report_status) ||
	    !serves(f->actor, in->agency))
		return 0;
	return f->fn(in, f->arg);
}

int
incident_open_each(struct store *s, const struct actor *actor,
    int (*fn)(const struct incident *, void *), void *arg)
{
	struct open_filter f = { actor, fn, arg };

	return store_incident_open_each(s, VECHE_INCIDENT_DESK, on_open, &f);
}

int
incident_each(struct store *s,
    int (*fn)(const struct incident *, void *), void *arg)
{
	return store_incident_each(s, 0, 0, fn, arg);
}

/* ---- Online activity ---- */

struct tally {
	struct incident_ratings *r;
	int64_t **hours;                /* seconds to first answer, per agency */
	size_t *nhours;
	int64_t *due_n, *ok;
	int64_t now;
};

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
on_tally(const struct incident *in, void *arg)
{
	struct tally *t = arg;
	size_t i;
	int64_t *grown;

	for (i = 0; i < t->r->n; i++)
		if (in->agency != NULL && strcmp(t->r->agencies[i].code,
		    in->agency) == 0)
			break;
	if (i == t->r->n)
		return 0;               /* an agency no longer in the catalogue */
	t->r->agencies[i].received++;
	if (in->first_answer != 0) {
		t->r->agencies[i].answered++;
		t->due_n[i]++;
		if (in->first_answer <= in->due)
			t->ok[i]++;
		grown = realloc(t->hours[i], (t->nhours[i] + 1) *
		    sizeof(*grown));
		if (grown == NULL)
			return -1;
		t->hours[i] = grown;
		grown[t->nhours[i]++] = in->first_answer - in->posted;
	} else if (in->due < t->now)
		t->due_n[i]++;
	return 0;
}

static double
median_hours(int64_t *v, size_t n)
{
	double m;

	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_int64);
	m = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] +
	    (double)v[n / 2]) / 2;
	return m / 3600.0;
}

struct incident_ratings *
incident_ratings_compute(struct store *s, const struct catalog *c,
    int64_t from, int64_t to, int64_t now, struct verr *e)
{
	struct incident_ratings *r;
	struct tally t;
	size_t i, n = catalog_nagencies(c);
	int rc;

	memset(&t, 0, sizeof(t));
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->agencies = calloc(n + 1, sizeof(*r->agencies))) == NULL ||
	    (t.hours = calloc(n + 1, sizeof(*t.hours))) == NULL ||
	    (t.nhours = calloc(n + 1, sizeof(*t.nhours))) == NULL ||
	    (t.due_n = calloc(n + 1, sizeof(*t.due_n))) == NULL ||
	    (t.ok = calloc(n + 1, sizeof(*t.ok))) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	r->n = n;
	for (i = 0; i < n; i++)
		r->agencies[i].code = catalog_agency_at(c, i)->code;
	t.r = r;
	t.now = now;
	if ((rc = store_incident_each(s, from, to, on_tally, &t)) != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "reading incidents: %s",
		    rc == -1 ? store_error(s) : "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		ratings_wilson(t.ok[i], t.due_n[i], &r->agencies[i].in_time);
		r->agencies[i].median_answer_hours = median_hours(t.hours[i],
		    t.nhours[i]);
	}
	goto out;
fail:
	incident_ratings_free(r);
	r = NULL;
out:
	for (i = 0; t.hours != NULL && i < n; i++)
		free(t.hours[i]);
	free(t.hours);
	free(t.nhours);
	free(t.due_n);
	free(t.ok);
	return r;
}

void
incident_ratings_free(struct incident_ratings *r)
{
	if (r == NULL)
		return;
	free(r->agencies);
	free(r);
}

const struct incident_figures *
incident_ratings_find(const struct incident_ratings *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->agencies[i].code, code) == 0)
			return &r->agencies[i];
	return NULL;
}
