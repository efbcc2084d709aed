/* officials.c: officials' profiles, notes, questions and digests. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/account.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/datetime.h"
#include "core/delivery.h"
#include "core/letter.h"
#include "core/officials.h"
#include "core/text_check.h"
#include "core/worker.h"
#include "store/store.h"
#include "store/store_officials.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

int
official_is_staff(const struct actor *act)
{
	return act != NULL && act->user_id > 0 && (act->role ==
	    ROLE_OPERATOR || act->role == ROLE_HEAD);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static int
truthy(const char *s)
{
	return s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "on") == 0 ||
	    strcmp(s, "true") == 0 || strcmp(s, "yes") == 0);
}

/* A private e-mail: one '@' with something either side, no spaces. */
static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strcspn(s, " \t\r\n<>,;\"") ==
	    strlen(s) && strlen(s) <= VECHE_MAX_EMAIL;
}

/* A private phone: digits, spaces and + - ( ). */
static int
phone_ok(const char *s)
{
	return strlen(s) <= VECHE_OFFICIAL_MAX_PHONE &&
	    strspn(s, "0123456789 +-()") == strlen(s) &&
	    strpbrk(s, "0123456789") != NULL;
}

int
official_profile_save(struct store *s, const struct actor *act,
    const struct official_input *in, int64_t now, struct verr *e)
{
	struct official_profile p;
	size_t i;

	if (!official_is_staff(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "agency's operators and heads have officials' pages");
	memset(&p, 0, sizeof(p));
	p.user = act->user_id;
	p.public = truthy(in->public);
	if (blank(in->name))
		return verr_set(e, VERR_INVALID, "name", "name: required");
	if (text_check("name", in->name, 0, VECHE_OFFICIAL_MAX_NAME, e) ==
	    -1 || text_check("position", in->position, 0,
	    VECHE_OFFICIAL_MAX_NAME, e) == -1 || text_check("bio", in->bio,
	    TEXT_CHECK_MULTILINE, VECHE_OFFICIAL_MAX_BIO, e) == -1)
		return -1;
	p.name = in->name;
	p.position = blank(in->position) ? NULL : in->position;
	p.bio = blank(in->bio) ? NULL : in->bio;
	if (blank(in->agency))
		p.agency = act->nagencies > 0 ? act->agencies[0] : NULL;
	else {
		for (i = 0; i < act->nagencies; i++)
			if (strcmp(act->agencies[i], in->agency) == 0)
				p.agency = act->agencies[i];
		if (p.agency == NULL)
			return verr_set(e, VERR_INVALID, "agency", "agency: "
			    "one of your agencies");
	}
	if (!blank(in->email) && !email_ok(in->email))
		return verr_set(e, VERR_INVALID, "email", "email: an address "
		    "as name@example.org");
	if (!blank(in->phone) && !phone_ok(in->phone))
		return verr_set(e, VERR_INVALID, "phone", "phone: digits, "
		    "spaces and + - ( ), at most %d", VECHE_OFFICIAL_MAX_PHONE);
	p.email = blank(in->email) ? NULL : in->email;
	p.phone = blank(in->phone) ? NULL : in->phone;
	p.updated = now;
	if (store_official_profile_put(s, &p) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "profiles: %s",
		    store_error(s));
	return 0;
}

struct view {
	int (*fn)(const struct official_profile *, void *);
	void *arg;
	int owner;
};

/* What a viewer may see: the owner everything, others public fields. */
static int
view(const struct official_profile *p, void *arg)
{
	const struct view *v = arg;
	struct official_profile q = *p;

	if (v->owner)
		return v->fn(p, v->arg);
	if (!p->public)
		return 1;
	q.email = NULL;
	q.phone = NULL;
	return v->fn(&q, v->arg);
}

int
official_profile_get(struct store *s, const struct actor *viewer,
    int64_t user, int (*fn)(const struct official_profile *, void *),
    void *arg)
{
	struct view v = { fn, arg, viewer != NULL && viewer->user_id > 0 &&
	    viewer->user_id == user };

	return store_official_profile_get(s, user, view, &v);
}

int
official_each(struct store *s, const char *agency,
    int (*fn)(const struct official_profile *, void *), void *arg)
{
	struct view v = { fn, arg, 0 };

	return store_official_profile_each(s, agency, view, &v);
}

static int
found(const struct official_profile *p, void *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

/* 0 when user's profile is public, 1 when not, -1. */
static int
public_profile(struct store *s, int64_t user)
{
	return official_profile_get(s, NULL, user, found, NULL);
}

/* Writers need a public profile: 0, or -1 with e. */
static int
may_write(struct store *s, const struct actor *act, struct verr *e)
{
	int rc;

	if (!official_is_staff(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "agency's operators and heads have officials' pages");
	if ((rc = public_profile(s, act->user_id)) == 1)
		return verr_set(e, VERR_CONFLICT, "profile", "profile: turn "
		    "your public profile on first");
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "profiles: %s",
		    store_error(s));
	return 0;
}

int
official_note_post(struct store *s, const struct actor *act,
    const char *body, int64_t now, int64_t *id, struct verr *e)
{
	if (may_write(s, act, e) == -1)
		return -1;
	if (blank(body))
		return verr_set(e, VERR_INVALID, "body", "body: write the note");
	if (text_check("body", body, TEXT_CHECK_MULTILINE,
	    VECHE_OFFICIAL_MAX_NOTE, e) == -1)
		return -1;
	if (store_official_note_add(s, act->user_id, body, now, id) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "notes: %s",
		    store_error(s));
	return 0;
}

struct gate {
	struct store *s;
	int (*nfn)(const struct official_note *, void *);
	int (*qfn)(const struct official_question *, void *);
	void *arg;
	int hidden;
};

/* Notes and questions show only while their author's profile is public. */
static int
gate_note(const struct official_note *n, void *arg)
{
	struct gate *g = arg;
	int rc = public_profile(g->s, n->user);

	if (rc != 0)
		return g->hidden = rc == 1, rc == 1 ? 0 : -1;
	return g->nfn(n, g->arg);
}

static int
gate_question(const struct official_question *q, void *arg)
{
	struct gate *g = arg;
	int rc = public_profile(g->s, q->user);

	if (rc != 0)
		return g->hidden = rc == 1, rc == 1 ? 0 : -1;
	return g->qfn(q, g->arg);
}

int
official_note_get(struct store *s, int64_t id,
    int (*fn)(const struct official_note *, void *), void *arg)
{
	struct gate g = { s, fn, NULL, arg, 0 };
	int rc = store_official_note_get(s, id, gate_note, &g);

	return rc == 0 && g.hidden ? 1 : rc;
}

static int
note_found(const struct official_note *n, void *arg)
{
	(void)n;
	(void)arg;
	return 0;
}

int
official_note_exists(struct store *s, int64_t id)
{
	return official_note_get(s, id, note_found, NULL);
}

int
official_note_each(struct store *s, int64_t user,
    int (*fn)(const struct official_note *, void *), void *arg)
{
	return store_official_note_each(s, user, VECHE_OFFICIAL_LIST, fn,
	    arg);
}

/* "HH:MM" today (local), or a W3C date-time, into *t: 0 or -1. */
static int
closing_time(const char *v, int64_t now, int64_t *t)
{
	char err[128];
	time_t tt = (time_t)now;
	struct tm tm;
	int hh, mm;

	if (strlen(v) == 5 && v[2] == ':' && strspn(v, "0123456789:") == 5) {
		hh = (v[0] - '0') * 10 + (v[1] - '0');
		mm = (v[3] - '0') * 10 + (v[4] - '0');
		if (hh > 23 || mm > 59 || localtime_r(&tt, &tm) == NULL)
			return -1;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		*t = (int64_t)mktime(&tm);
		return 0;
	}
	return datetime_parse(v, t, err, sizeof(err));
}

int
official_question_ask(struct store *s, const struct actor *act,
    const char *text, const char *closes, int64_t now, int64_t *id,
    struct verr *e)
{
	struct official_question q;

	if (may_write(s, act, e) == -1)
		return -1;
	if (blank(text))
		return verr_set(e, VERR_INVALID, "text", "text: ask the "
		    "question");
	if (text_check("text", text, TEXT_CHECK_MULTILINE,
	    VECHE_OFFICIAL_MAX_QUESTION, e) == -1)
		return -1;
	memset(&q, 0, sizeof(q));
	if (blank(closes) || closing_time(closes, now, &q.closes) == -1)
		return verr_set(e, VERR_INVALID, "closes", "closes: the hour "
		    "answers end, as 18:00 (today) or 2026-06-15T18:00+03:00");
	if (q.closes <= now)
		return verr_set(e, VERR_INVALID, "closes", "closes: later "
		    "than now");
	if (q.closes > now + VECHE_OFFICIAL_WINDOW_DAYS * 86400)
		return verr_set(e, VERR_INVALID, "closes", "closes: at most "
		    "%d days ahead", VECHE_OFFICIAL_WINDOW_DAYS);
	q.user = act->user_id;
	q.text = text;
	q.created = now;
	if (store_official_question_add(s, &q, id) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "questions: %s",
		    store_error(s));
	return 0;
}

int
official_question_get(struct store *s, int64_t id,
    int (*fn)(const struct official_question *, void *), void *arg)
{
	struct gate g = { s, NULL, fn, arg, 0 };
	int rc = store_official_question_get(s, id, gate_question, &g);

	return rc == 0 && g.hidden ? 1 : rc;
}

int
official_question_each(struct store *s, int64_t user,
    int (*fn)(const struct official_question *, void *), void *arg)
{
	return store_official_question_each(s, user, VECHE_OFFICIAL_LIST, fn,
	    arg);
}

int
official_question_open(const struct official_question *q, int64_t now)
{
	return now >= q->created && now < q->closes;
}

static int
copy_question(const struct official_question *q, void *arg)
{
	struct official_question *out = arg;

	*out = *q;
	out->text = NULL;               /* lives only in the callback */
	return 0;
}

static int
copy_name(const struct store_user *u, void *arg)
{
	char *name = arg;

	if (u->role == ROLE_CITIZEN && u->name != NULL)
		snprintf(name, VECHE_MAX_NAME * 4 + 1, "%s", u->name);
	return 0;
}

int
official_answer(struct store *s, const struct actor *act, int64_t id,
    const char *body, int64_t now, int64_t *aid, struct verr *e)
{
	char name[VECHE_MAX_NAME * 4 + 1] = "", when[DATETIME_LEN];
	struct official_question q;
	struct official_answer a;
	int rc;

	if (act == NULL || act->user_id <= 0)
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign "
		    "in to answer");
	if ((rc = official_question_get(s, id, copy_question, &q)) == 1)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no question %lld",
		    (long long)id);
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "questions: %s",
		    store_error(s));
	if (!official_question_open(&q, now))
		return verr_set(e, VERR_CONFLICT, "closes", "closes: answers "
		    "ended at %s", datetime_format(q.closes, when,
		    sizeof(when)));
	if (blank(body))
		return verr_set(e, VERR_INVALID, "body", "body: write the "
		    "answer");
	if (text_check("body", body, TEXT_CHECK_MULTILINE,
	    VECHE_OFFICIAL_MAX_ANSWER, e) == -1)
		return -1;
	if (account_get(s, act->user_id, copy_name, name) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "accounts: %s",
		    store_error(s));
	memset(&a, 0, sizeof(a));
	a.question = id;
	a.user = act->user_id;
	a.name = name[0] != '\0' ? name : NULL;
	a.body = body;
	a.created = now;
	if ((rc = store_official_answer_add(s, &a, aid)) == 2)
		return verr_set(e, VERR_CONFLICT, "answer", "answer: you "
		    "answered this question already (one answer each)");
	if (rc != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "answers: %s",
		    store_error(s));
	return 0;
}

int
official_answer_each(struct store *s, int64_t id,
    int (*fn)(const struct official_answer *, void *), void *arg)
{
	return store_official_answer_each(s, id, fn, arg);
}

/* The digest. */

struct collect {
	char **bodies;
	int64_t *ids;
	size_t n, cap;
};

static int
collect(const struct official_answer *a, void *arg)
{
	struct collect *c = arg;
	char **nb;
	int64_t *ni;
	size_t cap;

	if (c->n >= VECHE_OFFICIAL_ANSWERS)
		return 0;
	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 16;
		if ((nb = realloc(c->bodies, cap * sizeof(*nb))) == NULL)
			return -1;
		c->bodies = nb;
		if ((ni = realloc(c->ids, cap * sizeof(*ni))) == NULL)
			return -1;
		c->ids = ni;
		c->cap = cap;
	}
	if ((c->bodies[c->n] = strdup(a->body)) == NULL)
		return -1;
	c->ids[c->n++] = a->id;
	return 0;
}

/* One stem and the answers having it. */
struct stem {
	char stem[64];
	char word[64];
	unsigned char *has;             /* per answer */
	int64_t df;
};

static int
stem_cmp(const void *x, const void *y)
{
	const struct stem *a = x, *b = y;

	if (a->df != b->df)
		return a->df > b->df ? -1 : 1;
	return strcmp(a->stem, b->stem);
}

/* Note answer i's stem t in stems (grown as needed): 0 or -1. */
static int
stem_note(struct stem **stems, size_t *n, size_t nanswers, size_t i,
    const struct text_token *t)
{
	struct stem *ns;
	size_t k, len = t->stem_len < 63 ? t->stem_len : 63;
	size_t wl = t->norm_len < 63 ? t->norm_len : 63;

	for (k = 0; k < *n; k++)
		if (strlen((*stems)[k].stem) == len &&
		    memcmp((*stems)[k].stem, t->stem, len) == 0)
			break;
	if (k == *n) {
		if ((ns = realloc(*stems, (*n + 1) * sizeof(*ns))) == NULL)
			return -1;
		*stems = ns;
		memset(&ns[k], 0, sizeof(ns[k]));
		memcpy(ns[k].stem, t->stem, len);
		memcpy(ns[k].word, t->norm, wl);
		if ((ns[k].has = calloc(nanswers, 1)) == NULL)
			return -1;
		(*n)++;
	}
	if (!(*stems)[k].has[i]) {
		(*stems)[k].has[i] = 1;
		(*stems)[k].df++;
	}
	return 0;
}

int
official_digest(struct store *s, const struct official_question *q,
    struct official_digest *d, struct verr *e)
{
	double prob[TEXT_SENTIMENT__MAX];
	struct text_model *model = NULL;
	struct text_ctx *ctx = NULL;
	struct text_error terr;
	struct stem *stems = NULL;
	unsigned char *taken = NULL;
	struct official_topic *tp;
	struct collect c;
	struct text_doc doc;
	size_t i, k, j, nstems = 0;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	memset(&c, 0, sizeof(c));
	memset(&terr, 0, sizeof(terr));
	if (official_answer_each(s, q->id, collect, &c) != 0) {
		verr_set(e, VERR_INTERNAL, NULL, "answers: %s", store_error(s));
		goto out;
	}
	d->bodies = c.bodies;
	d->nbodies = c.n;
	d->total = (int64_t)c.n;
	if (c.n == 0) {
		rc = 0;
		goto out;
	}
	if ((ctx = text_ctx_new(NULL, &terr)) == NULL ||
	    (model = text_model_load_default(NULL, &terr)) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "text engine: %s", terr.msg);
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		if (text_analyze(ctx, c.bodies[i], strlen(c.bodies[i]), &doc,
		    &terr) == -1) {
			d->sentiment[TEXT_SENTIMENT_NEUTRAL]++;
			continue;
		}
		d->sentiment[text_sentiment_predict(model, ctx, &doc, prob)]++;
		/* Key stems: words, not stop words, of 3 bytes or more. */
		for (k = 0; k < doc.ntokens; k++)
			if (doc.tokens[k].kind == TEXT_TOKEN_WORD &&
			    !doc.tokens[k].stop && doc.tokens[k].stem_len >= 3 &&
			    stem_note(&stems, &nstems, c.n, i,
			    &doc.tokens[k]) == -1) {
				verr_set(e, VERR_INTERNAL, NULL, "digest: out of "
				    "memory");
				goto out;
			}
	}
	if (nstems > 0)
		qsort(stems, nstems, sizeof(*stems), stem_cmp);
	if ((taken = calloc(c.n, 1)) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "digest: out of memory");
		goto out;
	}
	/* Each answer joins the group of its most frequent shared stem. */
	for (k = 0; k < nstems && d->ntopics < VECHE_OFFICIAL_TOPICS &&
	    stems[k].df >= 2; k++) {
		tp = &d->topics[d->ntopics];
		memset(tp, 0, sizeof(*tp));
		for (j = 0; j < c.n; j++) {
			if (!stems[k].has[j] || taken[j])
				continue;
			taken[j] = 1;
			tp->count++;
			if (tp->nsamples < VECHE_OFFICIAL_SAMPLES) {
				tp->samples[tp->nsamples] = c.bodies[j];
				tp->sample_ids[tp->nsamples++] = c.ids[j];
			}
		}
		if (tp->count < 2) {
			/* Its answers went to bigger groups: let them go. */
			for (j = 0; j < tp->nsamples; j++)
				for (i = 0; i < c.n; i++)
					if (c.ids[i] == tp->sample_ids[j])
						taken[i] = 0;
			continue;
		}
		snprintf(tp->stem, sizeof(tp->stem), "%s", stems[k].stem);
		snprintf(tp->word, sizeof(tp->word), "%s", stems[k].word);
		d->ntopics++;
	}
	for (j = 0; j < c.n; j++)
		d->other += !taken[j];
	rc = 0;
out:
	for (k = 0; k < nstems; k++)
		free(stems[k].has);
	free(stems);
	free(taken);
	free(c.ids);
	if (rc == -1) {
		d->bodies = c.bodies;
		d->nbodies = c.n;
		official_digest_free(d);
	}
	text_model_free(model);
	text_ctx_free(ctx);
	return rc;
}

void
official_digest_free(struct official_digest *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nbodies; i++)
		free(d->bodies[i]);
	free(d->bodies);
	memset(d, 0, sizeof(*d));
}

static int
copy_email(const struct official_profile *p, void *arg)
{
	struct { char *to; size_t size; } *m = arg;

	snprintf(m->to, m->size, "%s", p->email != NULL ? p->email : "");
	return 0;
}

int
official_mail_to(struct store *s, const struct official_question *q,
    int64_t now, char *to, size_t size)
{
	struct { char *to; size_t size; } m = { to, size };
	struct actor owner;
	int rc;

	to[0] = '\0';
	if (q->mailed != 0 || now < q->closes)
		return 1;
	if ((rc = store_official_question_mailed(s, q->id, now)) != 0)
		return rc;
	memset(&owner, 0, sizeof(owner));
	owner.user_id = q->user;
	rc = official_profile_get(s, &owner, q->user, copy_email, &m);
	return rc == -1 ? -1 : 0;
}

/* ---- The digest by e-mail (docs/officials.md) ---- */

enum dm { DM_SUBJECT, DM_ANSWERS, DM_NEGATIVE, DM_NEUTRAL, DM_POSITIVE,
	DM_TOPIC, DM_LINK, DM__MAX };

static const char *const dm_words[DM__MAX][LANG__MAX] = {
	[DM_SUBJECT] = { "Срез мнений по вопросу дня",
	    "Cross-section of opinions on the question of the day" },
	[DM_ANSWERS] = { "Ответы жителей", "Residents' answers" },
	[DM_NEGATIVE] = { "негативные", "negative" },
	[DM_NEUTRAL] = { "нейтральные", "neutral" },
	[DM_POSITIVE] = { "позитивные", "positive" },
	[DM_TOPIC] = { "Тема", "Topic" },
	[DM_LINK] = { "Срез мнений", "Cross-section of opinions" },
};

/* A question copied out of the store's callback. */
struct due_question {
	struct official_question q;
	char text[VECHE_OFFICIAL_MAX_QUESTION * 4 + 1];
	int found;
};

static int
on_due_question(const struct official_question *q, void *arg)
{
	struct due_question *d = arg;

	d->q = *q;
	snprintf(d->text, sizeof(d->text), "%s", q->text != NULL ? q->text :
	    "");
	d->q.text = d->text;
	d->found = 1;
	return 0;
}

/* The letter of digest dg of question q, both languages in one. */
static int
digest_letter(struct letter *l, const struct official_question *q,
    const struct official_digest *dg, const char *url, char *subject,
    size_t size)
{
	char line[256];
	size_t i;
	int lang, k;

	snprintf(subject, size, "%s / %s", dm_words[DM_SUBJECT][LANG_RU],
	    dm_words[DM_SUBJECT][LANG_EN]);
	if (letter_init(l, LANG_RU, subject) == -1)
		return -1;
	letter_para(l, q->text);
	for (lang = 0; lang < LANG__MAX; lang++) {
		snprintf(line, sizeof(line), "%s: %" PRId64,
		    dm_words[DM_ANSWERS][lang], dg->total);
		letter_para(l, line);
		for (k = 0; k < 3; k++) {
			snprintf(line, sizeof(line), "%s: %" PRId64,
			    dm_words[DM_NEGATIVE + k][lang], dg->sentiment[k]);
			letter_para(l, line);
		}
		for (i = 0; i < dg->ntopics; i++) {
			snprintf(line, sizeof(line), "%s «%s»: %" PRId64,
			    dm_words[DM_TOPIC][lang], dg->topics[i].word,
			    dg->topics[i].count);
			letter_para(l, line);
		}
	}
	if (url != NULL)
		letter_link(l, dm_words[DM_LINK][LANG_RU], url);
	letter_para(l, "-- \nВече / Veche");
	letter_end(l);
	return 0;
}

/* Claim and mail question id's digest: 1 when claimed, 0 not, -1. */
static int
digest_mail(struct store *s, int64_t id, const char *public_url,
    int64_t now)
{
	char to[VECHE_MAX_EMAIL + 1], url[VECHE_MAX_URL + 64], subject[160];
	char err[VECHE_MAX_DELIVERY_ERROR];
	struct official_digest dg;
	struct due_question *d;
	struct letter l;
	struct verr e;
	size_t n;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	if ((rc = store_official_question_get(s, id, on_due_question, d)) != 0
	    || !d->found) {
		free(d);
		return rc == -1 ? -1 : 0;
	}
	if ((rc = official_mail_to(s, &d->q, now, to, sizeof(to))) != 0 ||
	    to[0] == '\0') {
		free(d);
		return rc == -1 ? -1 : rc == 0;
	}
	memset(&e, 0, sizeof(e));
	memset(&l, 0, sizeof(l));
	if (official_digest(s, &d->q, &dg, &e) == -1) {
		fprintf(stderr, "veche: digest mail: %s\n", e.message);
		free(d);
		return 1;
	}
	if (public_url != NULL) {
		n = strlen(public_url);
		while (n > 0 && public_url[n - 1] == '/')
			n--;
		snprintf(url, sizeof(url), "%.*s/officials/questions/%" PRId64
		    "/digest", (int)n, public_url, id);
	}
	if (digest_letter(&l, &d->q, &dg, public_url != NULL ? url : NULL,
	    subject, sizeof(subject)) == 0 && delivery_mail_now(s, to, subject,
	    &l, err, sizeof(err)) == -1)
		fprintf(stderr, "veche: digest mail: %s\n", err);
	letter_free(&l);
	official_digest_free(&dg);
	free(d);
	return 1;
}

int
official_digests_mail(struct store *s, const char *public_url, int64_t now)
{
	int64_t ids[VECHE_OFFICIAL_DUE];
	size_t n, i;
	int rc, claimed = 0;

	if (store_official_questions_due(s, now, ids, VECHE_OFFICIAL_DUE,
	    &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((rc = digest_mail(s, ids[i], public_url, now)) == -1)
			return -1;
		claimed += rc;
	}
	return claimed;
}

struct official_mailer {
	struct worker *thread;
	char public_url[VECHE_MAX_URL + 1];
	int have_url;
};

static int64_t
mailer_round(struct worker *w, void *arg)
{
	struct official_mailer *m = arg;
	struct store *s = worker_store(w);

	if (official_digests_mail(s, m->have_url ? m->public_url : NULL,
	    clock_now()) == -1 && !db_outage())
		fprintf(stderr, "veche: officials' digests: %s\n",
		    store_error(s));
	return VECHE_OFFICIAL_POLL_MS;
}

struct official_mailer *
official_mailer_start(const char *db_path, struct store_writer *writer,
    const char *public_url, char *err, size_t errlen)
{
	struct official_mailer *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (public_url != NULL) {
		snprintf(m->public_url, sizeof(m->public_url), "%s", public_url);
		m->have_url = 1;
	}
	if ((m->thread = worker_start_db("officials' digests", db_path, writer,
	    mailer_round, m, err, errlen)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
official_mailer_stop(struct official_mailer *m)
{
	if (m == NULL)
		return;
	worker_stop(m->thread);
	free(m);
}
