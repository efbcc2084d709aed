/*
 * calls.c: the rules of open calls for a public post (core/calls.h): the
 * phases by the clock, who may do what in which phase, the checks of what
 * is typed, and the audit entry of every change, written in the change's
 * transaction.
 */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/audit.h"
#include "core/calls.h"
#include "core/datetime.h"
#include "core/export.h"
#include "core/parse.h"
#include "core/text_check.h"
#include "store/store.h"
#include "store/store_calls.h"

static const char *const phase_names[CALL_PHASE__MAX] = {
	"announced", "applications", "discussion", "pending", "decided",
};

static const char *const state_names[CANDIDATE_STATE__MAX] = {
	"active", "withdrawn", "rejected",
};

enum call_phase
call_phase(const struct call *c, int64_t now)
{
	if (c->decided != 0)
		return CALL_DECIDED;
	if (now < c->opens)
		return CALL_ANNOUNCED;
	if (now <= c->apps_close)
		return CALL_APPLICATIONS;
	if (now <= c->discussion_close)
		return CALL_DISCUSSION;
	return CALL_PENDING;
}

const char *
call_phase_name(enum call_phase p)
{
	return (unsigned)p < CALL_PHASE__MAX ? phase_names[p] : "";
}

const char *
candidate_state_name(enum candidate_state st)
{
	return (unsigned)st < CANDIDATE_STATE__MAX ? state_names[st] : "";
}

int
call_may_manage(const struct actor *act)
{
	return act != NULL && act->role == ROLE_ADMIN;
}

/* A write's transaction: open it, or say why not. */
static int
tx_open(struct store *s, struct verr *e)
{
	if (store_begin(s) == 0)
		return 0;
	return verr_set(e, VERR_INTERNAL, NULL, "calls: %s", store_error(s));
}

/* Commit after rc 0, else roll back; -1 keeps (or sets) e. */
static int
tx_close(struct store *s, int rc, struct verr *e)
{
	if (rc == 0 && store_commit(s) == 0)
		return 0;
	if (e->kind == VERR_NONE)
		verr_set(e, VERR_INTERNAL, NULL, "calls: %s", store_error(s));
	store_rollback(s);
	return -1;
}

static int
check_call(const struct call_input *in, struct verr *e)
{
	static const struct { const char *field; int flags; size_t max; }
	    rules[] = {
		{ "post", TEXT_CHECK_REQUIRED, VECHE_CALL_MAX_POST },
		{ "body", TEXT_CHECK_REQUIRED, VECHE_CALL_MAX_BODY },
		{ "members", TEXT_CHECK_REQUIRED | TEXT_CHECK_MULTILINE,
		    VECHE_CALL_MAX_MEMBERS },
		{ "requirements", TEXT_CHECK_REQUIRED | TEXT_CHECK_MULTILINE,
		    VECHE_CALL_MAX_REQUIREMENTS },
	};
	const char *v[] = { in->post, in->body, in->members, in->requirements };
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (text_check(rules[i].field, v[i], rules[i].flags,
		    rules[i].max, e) == -1)
			return -1;
	return 0;
}

/* The four dates, in order: 0, or -1 with e naming the field. */
static int
call_dates(const struct call_input *in, struct call *c, struct verr *e)
{
	if (export_parse_date(in->opens, 0, "opens", &c->opens, e) == -1 ||
	    export_parse_date(in->apps_close, 1, "applications_close",
	    &c->apps_close, e) == -1 ||
	    export_parse_date(in->discussion_close, 1, "discussion_close",
	    &c->discussion_close, e) == -1 ||
	    export_parse_date(in->decision, 1, "decision", &c->decision_due,
	    e) == -1)
		return -1;
	if (c->apps_close < c->opens)
		return verr_set(e, VERR_INVALID, "applications_close",
		    "applications_close: before the applications open");
	if (c->discussion_close < c->apps_close)
		return verr_set(e, VERR_INVALID, "discussion_close",
		    "discussion_close: before the applications close");
	if (c->decision_due < c->discussion_close)
		return verr_set(e, VERR_INVALID, "decision", "decision: before "
		    "the discussion closes");
	return 0;
}

int
call_announce(struct store *s, const struct actor *act,
    const struct call_input *in, int64_t now, int64_t *id, struct verr *e)
{
	struct call c;
	char obj[48];
	int rc;

	memset(&c, 0, sizeof(c));
	if (!call_may_manage(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "administrator announces a call");
	if (check_call(in, e) == -1 || call_dates(in, &c, e) == -1)
		return -1;
	c.post = in->post;
	c.body = in->body;
	c.members = in->members;
	c.requirements = in->requirements;
	c.created = now;
	if (tx_open(s, e) == -1)
		return -1;
	if ((rc = store_call_add(s, &c, id)) == 0) {
		snprintf(obj, sizeof(obj), "call:%lld", (long long)*id);
		rc = audit_append(s, act, "call.announce", obj, NULL,
		    "phase=announced", now, e);
	}
	return tx_close(s, rc, e);
}

int
call_get(struct store *s, int64_t id,
    int (*fn)(const struct call *, void *), void *arg)
{
	return store_call_get(s, id, fn, arg);
}

int
call_each(struct store *s, int oldest,
    int (*fn)(const struct call *, void *), void *arg)
{
	/* Oldest first is the open data dump's order: every call. */
	return store_call_each(s, oldest ? (size_t)-1 : VECHE_CALL_LIST,
	    oldest, fn, arg);
}

int
candidate_each(struct store *s, int64_t call,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	/* Every call's (the dump) has no limit: SQLite reads LIMIT -1 so. */
	return store_candidate_each(s, call, call > 0 ?
	    VECHE_CALL_CANDIDATES : (size_t)-1, fn, arg);
}

int
candidate_get(struct store *s, int64_t id,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	return store_candidate_get(s, id, fn, arg);
}

static int
found(const struct candidate *k, void *arg)
{
	(void)k;
	(void)arg;
	return 0;
}

int
candidate_present(struct store *s, int64_t id)
{
	return store_candidate_get(s, id, found, NULL);
}

int
candidate_supported(struct store *s, const struct actor *act, int64_t id)
{
	if (act == NULL || act->user_id <= 0)
		return 0;
	return store_candidate_supported(s, id, act->user_id);
}

/* What a change needs to know: numbers only, no strings. */
struct loaded {
	struct call c;
	struct candidate k;
	int have_c, have_k;
};

static int
on_call(const struct call *c, void *arg)
{
	struct loaded *o = arg;

	o->c = *c;
	o->c.post = o->c.body = o->c.members = o->c.requirements = NULL;
	o->c.reasons = o->c.vote = NULL;
	o->have_c = 1;
	return 0;
}

static int
on_candidate(const struct candidate *k, void *arg)
{
	struct loaded *o = arg;

	o->k = *k;
	o->k.name = o->k.experience = o->k.education = NULL;
	o->k.programme = o->k.reason = NULL;
	o->have_k = 1;
	return 0;
}

/* Call id into o, or -1 with e. */
static int
load_call(struct store *s, int64_t id, struct loaded *o, struct verr *e)
{
	int rc = store_call_get(s, id, on_call, o);

	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !o->have_c)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no call %lld",
		    (long long)id);
	return 0;
}

/* Candidate id and its call into o, or -1 with e. */
static int
load_candidate(struct store *s, int64_t id, struct loaded *o,
    struct verr *e)
{
	int rc = store_candidate_get(s, id, on_candidate, o);

	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !o->have_k)
		return verr_set(e, VERR_NOT_FOUND, "cid", "cid: no candidate "
		    "%lld", (long long)id);
	return load_call(s, o->k.call, o, e);
}

static int
signed_in(const struct actor *act, struct verr *e)
{
	if (act != NULL && act->user_id > 0)
		return 0;
	return verr_set(e, VERR_FORBIDDEN, "session", "session: sign in with "
	    "an account first");
}

static int
check_application(const struct candidate_input *in, struct verr *e)
{
	if (text_check("name", in->name, TEXT_CHECK_REQUIRED,
	    VECHE_CALL_MAX_NAME, e) == -1 ||
	    text_check("experience", in->experience, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_EXPERIENCE, e) == -1 ||
	    text_check("education", in->education, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_EDUCATION, e) == -1)
		return -1;
	return text_check("programme", in->programme, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_PROGRAMME, e);
}

/* 0 while c takes applications at now, else -1 with e saying why not. */
static int
applications_open(const struct call *c, int64_t now, struct verr *e)
{
	char when[DATETIME_LEN];

	switch (call_phase(c, now)) {
	case CALL_APPLICATIONS:
		return 0;
	case CALL_ANNOUNCED:
		return verr_set(e, VERR_CONFLICT, "phase", "phase: applications "
		    "open at %s", datetime_format(c->opens, when,
		    sizeof(when)));
	default:
		return verr_set(e, VERR_CONFLICT, "phase", "phase: applications "
		    "closed at %s", datetime_format(c->apps_close, when,
		    sizeof(when)));
	}
}

/*
 * k's account has an application to k's call already: re-activate it
 * with k's profile when it is withdrawn (*again 1, its id in *id), else
 * VERR_CONFLICT naming "call".
 */
static int
reapply(struct store *s, const struct candidate *k, int64_t *id, int *again,
    struct verr *e)
{
	struct loaded o;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = store_candidate_mine(s, k->call, k->user, on_candidate,
	    &o)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !o.have_k || o.k.state != CANDIDATE_WITHDRAWN)
		return verr_set(e, VERR_CONFLICT, "call", "call: this account "
		    "has applied to this call already (the application is %s)",
		    o.have_k ? candidate_state_name(o.k.state) : "active");
	if ((rc = store_candidate_reapply(s, o.k.id, k, k->created)) == 1)
		return verr_set(e, VERR_CONFLICT, "state", "state: changed "
		    "just now; reload");
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	*id = o.k.id;
	*again = 1;
	return 0;
}

int
candidate_mine(struct store *s, const struct actor *act, int64_t call,
    int (*fn)(const struct candidate *, void *), void *arg)
{
	if (act == NULL || act->user_id <= 0)
		return 1;
	return store_candidate_mine(s, call, act->user_id, fn, arg);
}

int
call_audience(struct store *s, int64_t call,
    int (*fn)(int64_t user, int candidate, void *), void *arg)
{
	return store_call_audience(s, call, VECHE_CALL_AUDIENCE, fn, arg);
}

int
call_apply(struct store *s, const struct actor *act, int64_t call,
    const struct candidate_input *in, int64_t now, int64_t *id,
    struct verr *e)
{
	struct candidate k;
	struct loaded o;
	char obj[48], after[48];
	int rc, again = 0;

	memset(&o, 0, sizeof(o));
	memset(&k, 0, sizeof(k));
	if (signed_in(act, e) == -1 || check_application(in, e) == -1 ||
	    tx_open(s, e) == -1)
		return -1;
	if ((rc = load_call(s, call, &o, e)) == 0 &&
	    (rc = applications_open(&o.c, now, e)) == 0) {
		k.call = call;
		k.user = act->user_id;
		k.name = in->name;
		k.experience = in->experience;
		k.education = in->education;
		k.programme = in->programme;
		k.created = now;
		if ((rc = store_candidate_add(s, &k, id)) == 2)
			rc = reapply(s, &k, id, &again, e);
	}
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "candidate:%lld", (long long)*id);
		snprintf(after, sizeof(after), "call=%lld state=active",
		    (long long)call);
		rc = audit_append(s, act, again ? "call.reapply" : "call.apply",
		    obj, again ? "state=withdrawn" : NULL, after, now, e);
	}
	return tx_close(s, rc, e);
}

/* The changes of one candidate, by what. */
enum change { CH_EDIT, CH_WITHDRAW, CH_REJECT, CH_SUPPORT };

static const char *const change_actions[] = {
	[CH_EDIT] = "call.edit", [CH_WITHDRAW] = "call.withdraw",
	[CH_REJECT] = "call.reject", [CH_SUPPORT] = "call.support",
};

/* Whether what may happen to o's candidate, by act, at now: 0 or -1. */
static int
may_change(const struct loaded *o, const struct actor *act,
    enum change what, int64_t now, struct verr *e)
{
	enum call_phase ph = call_phase(&o->c, now);
	int own = act != NULL && act->user_id == o->k.user;

	if (what == CH_REJECT && !call_may_manage(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "administrator rejects an application");
	if ((what == CH_EDIT || what == CH_WITHDRAW) && !own)
		return verr_set(e, VERR_FORBIDDEN, "cid", "cid: only the "
		    "candidate changes their application");
	if (o->k.state != CANDIDATE_ACTIVE)
		return verr_set(e, VERR_CONFLICT, "state", "state: the "
		    "application is %s", candidate_state_name(o->k.state));
	if (what == CH_EDIT)
		return applications_open(&o->c, now, e);
	if (what == CH_SUPPORT && ph != CALL_APPLICATIONS &&
	    ph != CALL_DISCUSSION)
		return verr_set(e, VERR_CONFLICT, "phase", "phase: supports "
		    "are taken until the discussion closes; the call is %s",
		    call_phase_name(ph));
	if (ph == CALL_DECIDED)
		return verr_set(e, VERR_CONFLICT, "phase", "phase: the call is "
		    "decided");
	return 0;
}

/* One change of candidate id: checks, the write, its audit entry. */
static int
candidate_change(struct store *s, const struct actor *act, int64_t id,
    enum change what, const struct candidate_input *in, const char *reason,
    int64_t now, struct verr *e)
{
	struct candidate k;
	struct loaded o;
	char obj[48];
	int rc;

	memset(&o, 0, sizeof(o));
	if (signed_in(act, e) == -1)
		return -1;
	if (what == CH_EDIT && check_application(in, e) == -1)
		return -1;
	if (what == CH_REJECT && text_check("reason", reason,
	    TEXT_CHECK_REQUIRED | TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_REASON,
	    e) == -1)
		return -1;
	if (tx_open(s, e) == -1)
		return -1;
	if ((rc = load_candidate(s, id, &o, e)) == 0)
		rc = may_change(&o, act, what, now, e);
	if (rc == 0) {
		switch (what) {
		case CH_EDIT:
			memset(&k, 0, sizeof(k));
			k.name = in->name;
			k.experience = in->experience;
			k.education = in->education;
			k.programme = in->programme;
			rc = store_candidate_edit(s, id, &k, now);
			break;
		case CH_WITHDRAW:
			rc = store_candidate_move(s, id, CANDIDATE_ACTIVE,
			    CANDIDATE_WITHDRAWN, NULL, now);
			break;
		case CH_REJECT:
			rc = store_candidate_move(s, id, CANDIDATE_ACTIVE,
			    CANDIDATE_REJECTED, reason, now);
			break;
		default:
			if ((rc = store_candidate_support(s, id, act->user_id,
			    now)) == 2)
				rc = verr_set(e, VERR_CONFLICT, "support",
				    "support: this account supports the "
				    "candidate already");
			break;
		}
		if (rc == 1)
			rc = verr_set(e, VERR_CONFLICT, "state", "state: "
			    "changed just now; reload");
	}
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "candidate:%lld", (long long)id);
		rc = audit_append(s, act, change_actions[what], obj, NULL,
		    what == CH_REJECT ? reason : NULL, now, e);
	}
	return tx_close(s, rc, e);
}

int
candidate_edit(struct store *s, const struct actor *act, int64_t id,
    const struct candidate_input *in, int64_t now, struct verr *e)
{
	return candidate_change(s, act, id, CH_EDIT, in, NULL, now, e);
}

int
candidate_withdraw(struct store *s, const struct actor *act, int64_t id,
    int64_t now, struct verr *e)
{
	return candidate_change(s, act, id, CH_WITHDRAW, NULL, NULL, now, e);
}

int
candidate_reject(struct store *s, const struct actor *act, int64_t id,
    const char *reason, int64_t now, struct verr *e)
{
	return candidate_change(s, act, id, CH_REJECT, NULL, reason, now, e);
}

int
candidate_support(struct store *s, const struct actor *act, int64_t id,
    int64_t now, struct verr *e)
{
	return candidate_change(s, act, id, CH_SUPPORT, NULL, NULL, now, e);
}

/* The chosen candidate of a decision ("none": 0), checked against call. */
static int
chosen_of(struct store *s, int64_t call, const char *v, int64_t *chosen,
    struct verr *e)
{
	struct loaded o;
	int rc;

	*chosen = 0;
	if (v == NULL || v[0] == '\0')
		return verr_set(e, VERR_INVALID, "chosen", "chosen: a "
		    "candidate's number, or none");
	if (strcmp(v, "none") == 0)
		return 0;
	if (parse_int64(v, 1, INT64_MAX, chosen) == -1)
		return verr_set(e, VERR_INVALID, "chosen", "chosen: a "
		    "candidate's number, or none, not '%.20s'", v);
	memset(&o, 0, sizeof(o));
	if ((rc = store_candidate_get(s, *chosen, on_candidate, &o)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !o.have_k || o.k.call != call)
		return verr_set(e, VERR_INVALID, "chosen", "chosen: no "
		    "candidate %lld of this call", (long long)*chosen);
	if (o.k.state != CANDIDATE_ACTIVE)
		return verr_set(e, VERR_INVALID, "chosen", "chosen: candidate "
		    "%lld is %s", (long long)*chosen,
		    candidate_state_name(o.k.state));
	return 0;
}

int
call_decide(struct store *s, const struct actor *act, int64_t call,
    const char *chosen, const char *reasons, const char *vote, int64_t now,
    struct verr *e)
{
	struct loaded o;
	enum call_phase ph;
	char obj[48], after[64], when[DATETIME_LEN];
	int64_t k = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	if (!call_may_manage(act))
		return verr_set(e, VERR_FORBIDDEN, "role", "role: only an "
		    "administrator publishes the commission's decision");
	if (text_check("reasons", reasons, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_REASON, e) == -1 ||
	    text_check("vote", vote, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_CALL_MAX_REASON, e) == -1 ||
	    tx_open(s, e) == -1)
		return -1;
	if ((rc = load_call(s, call, &o, e)) == 0 &&
	    (ph = call_phase(&o.c, now)) != CALL_PENDING)
		rc = verr_set(e, VERR_CONFLICT, "phase", ph == CALL_DECIDED ?
		    "phase: the call is decided already" : "phase: the "
		    "decision comes after the discussion closes at %s",
		    datetime_format(o.c.discussion_close, when, sizeof(when)));
	if (rc == 0 && (rc = chosen_of(s, call, chosen, &k, e)) == 0 &&
	    (rc = store_call_decide(s, call, now, k, reasons, vote)) == 1)
		rc = verr_set(e, VERR_CONFLICT, "phase", "phase: the call is "
		    "decided already");
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "call:%lld", (long long)call);
		snprintf(after, sizeof(after), "phase=decided chosen=%lld",
		    (long long)k);
		rc = audit_append(s, act, "call.decide", obj, "phase=pending",
		    after, now, e);
	}
	return tx_close(s, rc, e);
}
