/*
 * proposals.c: the rules of proposals and of agencies' notes
 * (core/proposals.h): who may do what, the threshold and its period, the
 * review's deadline (core/deadline.c's answer clock) and the audit entry
 * of every change, written in the change's transaction.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/audit.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/parse.h"
#include "core/proposals.h"
#include "core/report.h"
#include "core/text_check.h"
#include "store/store.h"
#include "store/store_proposals.h"

/* The rule: configuration, set once at start-up (proposals_set_rule). */
static int64_t rule_threshold = 1000;
static int rule_days = 90;

static const char *const state_names[PROPOSAL_STATE__MAX] = {
	"collecting", "review", "accepted", "rejected", "implemented",
};

int
proposals_set_rule(const char *spec, char *err, size_t errlen)
{
	int64_t n, d;
	const char *slash;
	char num[32];

	if (spec == NULL)
		spec = "";
	if (strcmp(spec, "rf") == 0) {
		rule_threshold = 100000;
		rule_days = 365;
		return 0;
	}
	if (strcmp(spec, "city") == 0) {
		rule_threshold = 1000;
		rule_days = 90;
		return 0;
	}
	if ((slash = strchr(spec, '/')) == NULL ||
	    (size_t)(slash - spec) >= sizeof(num))
		goto bad;
	snprintf(num, sizeof(num), "%.*s", (int)(slash - spec), spec);
	if (parse_int64(num, 1, VECHE_PROPOSAL_MAX_THRESHOLD, &n) == -1 ||
	    parse_int64(slash + 1, 1, VECHE_PROPOSAL_MAX_DAYS, &d) == -1)
		goto bad;
	rule_threshold = n;
	rule_days = (int)d;
	return 0;
bad:
	snprintf(err, errlen, "'rf', 'city' or SUPPORTS/DAYS (1 to %d "
	    "supports, 1 to %d days), not '%.40s'",
	    VECHE_PROPOSAL_MAX_THRESHOLD, VECHE_PROPOSAL_MAX_DAYS, spec);
	return -1;
}

int64_t
proposals_threshold(void)
{
	return rule_threshold;
}

int
proposals_days(void)
{
	return rule_days;
}

const char *
proposal_state_name(enum proposal_state st)
{
	return (unsigned)st < PROPOSAL_STATE__MAX ? state_names[st] : "";
}

int
proposal_state_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < PROPOSAL_STATE__MAX; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return -1;
}

int
proposal_lapsed(const struct proposal *p, int64_t now)
{
	return p->state == PROPOSAL_COLLECTING && now >= p->closes;
}

static int
has_agency(const struct actor *act, const char *agency)
{
	size_t i;

	for (i = 0; agency != NULL && i < act->nagencies; i++)
		if (strcmp(act->agencies[i], agency) == 0)
			return 1;
	return 0;
}

int
proposal_may_decide(const struct actor *act, const struct proposal *p)
{
	if (act == NULL)
		return 0;
	if (act->role == ROLE_MODERATOR || act->role == ROLE_ADMIN)
		return 1;
	return (act->role == ROLE_OPERATOR || act->role == ROLE_HEAD) &&
	    has_agency(act, p->agency);
}

int
note_may_publish(const struct actor *act, const char *agency)
{
	if (act == NULL)
		return 0;
	if (act->role == ROLE_ADMIN)
		return 1;
	return (act->role == ROLE_OPERATOR || act->role == ROLE_HEAD) &&
	    has_agency(act, agency);
}

static int
signed_in(const struct actor *act, struct verr *e)
{
	if (act == NULL || act->user_id <= 0)
		return verr_set(e, VERR_FORBIDDEN, "session", "session: sign in "
		    "with an account first");
	return 0;
}

/* A report's agency, copied. */
struct found_report {
	char agency[65];
	int found;
};

static int
on_report(const struct report *r, void *arg)
{
	struct found_report *f = arg;

	snprintf(f->agency, sizeof(f->agency), "%s", r->agency != NULL ?
	    r->agency : "");
	f->found = 1;
	return 0;
}

/* Report number v exists (public): 0 with *id and its agency, or -1 with e. */
static int
report_of(struct store *s, const char *field, const char *v, int64_t *id,
    struct found_report *f, struct verr *e)
{
	int rc;

	memset(f, 0, sizeof(*f));
	if (parse_int64(v, 1, INT64_MAX, id) == -1)
		return verr_set(e, VERR_INVALID, field, "%s: a report number, "
		    "not '%.20s'", field, v);
	if ((rc = report_get(s, NULL, *id, on_report, f)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || !f->found)
		return verr_set(e, VERR_INVALID, field, "%s: no report %lld",
		    field, (long long)*id);
	return 0;
}

static int
check_text(const struct proposal_input *in, struct verr *e)
{
	if (text_check("title", in->title, TEXT_CHECK_REQUIRED,
	    VECHE_PROPOSAL_MAX_TITLE, e) == -1)
		return -1;
	return text_check("text", in->text, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_PROPOSAL_MAX_TEXT, e);
}

/* End a write begun by store_begin: commit, or roll back after -1. */
static int
finish(struct store *s, int rc, struct verr *e)
{
	if (rc == 0 && store_commit(s) == 0)
		return 0;
	if (rc == 0 || e->kind == VERR_NONE)
		verr_set(e, VERR_INTERNAL, NULL, "proposals: %s",
		    store_error(s));
	store_rollback(s);
	return -1;
}

static int
begin(struct store *s, struct verr *e)
{
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "proposals: %s",
		    store_error(s));
	return 0;
}

static void
object(char *buf, size_t len, const char *kind, int64_t id)
{
	snprintf(buf, len, "%s:%lld", kind, (long long)id);
}

int
proposal_submit(struct store *s, const struct actor *act,
    const struct proposal_input *in, int64_t now, int64_t *id,
    struct verr *e)
{
	struct found_report f;
	struct proposal p;
	char obj[48], after[96];
	int rc;

	memset(&p, 0, sizeof(p));
	if (signed_in(act, e) == -1 || check_text(in, e) == -1)
		return -1;
	if (in->report != NULL && in->report[0] != '\0') {
		if (report_of(s, "report", in->report, &p.report, &f, e) == -1)
			return -1;
		p.agency = f.agency[0] != '\0' ? f.agency : NULL;
	}
	p.author = act->user_id;
	p.title = in->title;
	p.text = in->text;
	p.threshold = rule_threshold;
	p.created = now;
	/* The period ends at the end of its last local day. */
	p.closes = datetime_end_of_day(now, rule_days) + 1;
	if (begin(s, e) == -1)
		return -1;
	rc = store_proposal_add(s, &p, id);
	if (rc == 0) {
		object(obj, sizeof(obj), "proposal", *id);
		snprintf(after, sizeof(after), "state=collecting threshold=%lld"
		    " report=%lld", (long long)p.threshold, (long long)p.report);
		rc = audit_append(s, act, "proposal.create", obj, NULL, after,
		    now, e);
	}
	return finish(s, rc, e);
}

int
proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct proposal *, void *), void *arg)
{
	return store_proposal_get(s, id, fn, arg);
}

int
proposal_each(struct store *s, const struct proposal_filter *f,
    int (*fn)(const struct proposal *, void *), void *arg)
{
	struct proposal_filter g = *f;

	if (g.limit == 0 || g.limit > VECHE_PROPOSAL_LIST)
		g.limit = VECHE_PROPOSAL_LIST;
	return store_proposal_each(s, &g, fn, arg);
}

int
proposal_supported(struct store *s, const struct actor *act, int64_t id)
{
	if (act == NULL || act->user_id <= 0)
		return 0;
	return store_proposal_supported(s, id, act->user_id);
}

/* What a change needs to know of a proposal: no strings but the agency. */
struct loaded {
	struct proposal p;
	char agency[65];
};

static int
on_one(const struct proposal *p, void *arg)
{
	struct loaded *o = arg;

	o->p = *p;
	o->p.title = o->p.text = o->p.reason = NULL;
	snprintf(o->agency, sizeof(o->agency), "%s", p->agency != NULL ?
	    p->agency : "");
	o->p.agency = o->agency[0] != '\0' ? o->agency : NULL;
	return 0;
}

/* Proposal id into *o, or -1 with e. */
static int
load(struct store *s, int64_t id, struct loaded *o, struct verr *e)
{
	int rc;

	memset(o, 0, sizeof(*o));
	rc = store_proposal_get(s, id, on_one, o);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	if (rc == 1 || o->p.id == 0)
		return verr_set(e, VERR_NOT_FOUND, "id", "id: no proposal %lld",
		    (long long)id);
	return 0;
}

int
proposal_edit(struct store *s, const struct actor *act, int64_t id,
    const struct proposal_input *in, int64_t now, struct verr *e)
{
	struct loaded o;
	const struct proposal *p = &o.p;
	char obj[48];
	int rc;

	if (signed_in(act, e) == -1)
		return -1;
	if (begin(s, e) == -1)
		return -1;
	if ((rc = load(s, id, &o, e)) == 0) {
		if (p->author != act->user_id)
			rc = verr_set(e, VERR_FORBIDDEN, "id", "id: only its "
			    "author edits a proposal");
		else if (p->supports > 0 || p->state != PROPOSAL_COLLECTING)
			rc = verr_set(e, VERR_CONFLICT, "supports", "supports: "
			    "the text is fixed once the first support is given");
		else if (check_text(in, e) == -1)
			rc = -1;
		else if ((rc = store_proposal_edit(s, id, in->title, in->text,
		    now)) == 1)
			rc = verr_set(e, VERR_CONFLICT, "supports", "supports: "
			    "the text is fixed once the first support is given");
		else if (rc == 0) {
			object(obj, sizeof(obj), "proposal", id);
			rc = audit_append(s, act, "proposal.edit", obj, NULL,
			    "text edited", now, e);
		}
	}
	return finish(s, rc, e);
}

int
proposal_support(struct store *s, const struct actor *act, int64_t id,
    int64_t now, int *review, struct verr *e)
{
	struct loaded o;
	const struct proposal *p = &o.p;
	char obj[48], after[96];
	int64_t due;
	int rc;

	*review = 0;
	if (signed_in(act, e) == -1 || begin(s, e) == -1)
		return -1;
	if (load(s, id, &o, e) != 0)
		return finish(s, -1, e);
	if (p->state != PROPOSAL_COLLECTING)
		return finish(s, verr_set(e, VERR_CONFLICT, "state", "state: "
		    "the proposal is %s, no longer collecting supports",
		    proposal_state_name(p->state)), e);
	if (now >= p->closes)
		return finish(s, verr_set(e, VERR_CONFLICT, "period", "period: "
		    "the collection period ended; supports are no longer "
		    "taken"), e);
	if ((rc = store_proposal_support(s, id, act->user_id, now)) == 2)
		return finish(s, verr_set(e, VERR_CONFLICT, "support",
		    "support: this account supports the proposal already"), e);
	object(obj, sizeof(obj), "proposal", id);
	if (rc == 0)
		rc = audit_append(s, act, "proposal.support", obj, NULL, NULL,
		    now, e);
	if (rc == 0 && p->supports + 1 >= p->threshold) {
		/* The threshold is reached: the official answer is due. */
		due = deadline_answer_due(now);
		if ((rc = store_proposal_move(s, id, PROPOSAL_COLLECTING,
		    PROPOSAL_REVIEW, now, due, 0, NULL, now)) == 0) {
			snprintf(after, sizeof(after), "state=review supports="
			    "%lld answer_due=%lld", (long long)(p->supports + 1),
			    (long long)due);
			/* Entered under the account whose support did it. */
			rc = audit_append(s, act, "proposal.review", obj,
			    "state=collecting", after, now, e);
			*review = 1;
		} else if (rc == 1)
			rc = -1;
	}
	return finish(s, rc, e);
}

int
proposal_decide(struct store *s, const struct actor *act, int64_t id,
    const char *to, const char *reason, int64_t now, struct verr *e)
{
	enum proposal_state from;
	struct loaded o;
	const struct proposal *p = &o.p;
	char obj[48], before[32], after[32], action[48];
	int k, rc;

	if ((k = proposal_state_parse(to)) != PROPOSAL_ACCEPTED &&
	    k != PROPOSAL_REJECTED && k != PROPOSAL_IMPLEMENTED)
		return verr_set(e, VERR_INVALID, "state", "state: accepted, "
		    "rejected or implemented");
	from = k == PROPOSAL_IMPLEMENTED ? PROPOSAL_ACCEPTED : PROPOSAL_REVIEW;
	if (text_check("reason", reason, TEXT_CHECK_REQUIRED |
	    TEXT_CHECK_MULTILINE, VECHE_PROPOSAL_MAX_REASON, e) == -1)
		return -1;
	if (begin(s, e) == -1)
		return -1;
	if (load(s, id, &o, e) != 0)
		return finish(s, -1, e);
	if (!proposal_may_decide(act, p))
		return finish(s, verr_set(e, VERR_FORBIDDEN, "role", "role: "
		    "moderators, administrators and the responsible agency's "
		    "staff decide proposals"), e);
	if (p->state != from)
		return finish(s, verr_set(e, VERR_CONFLICT, "state", "state: "
		    "the proposal is %s; %s needs it %s",
		    proposal_state_name(p->state), to,
		    proposal_state_name(from)), e);
	if ((rc = store_proposal_move(s, id, from, (enum proposal_state)k, 0,
	    0, now, reason, now)) == 1)
		rc = verr_set(e, VERR_CONFLICT, "state", "state: changed just "
		    "now; reload");
	if (rc == 0) {
		object(obj, sizeof(obj), "proposal", id);
		snprintf(action, sizeof(action), "proposal.%s", k ==
		    PROPOSAL_ACCEPTED ? "accept" : k == PROPOSAL_REJECTED ?
		    "reject" : "implement");
		snprintf(before, sizeof(before), "state=%s",
		    proposal_state_name(from));
		snprintf(after, sizeof(after), "state=%s", to);
		rc = audit_append(s, act, action, obj, before, after, now, e);
	}
	return finish(s, rc, e);
}

/* Notes */

/* "YYYY-MM-DD" as the local day's noon, into *out; -1 when malformed. */
static int
parse_day(const char *v, int64_t *out)
{
	int y, m, d, n = 0;
	struct tm tm;
	time_t t;

	if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3
	    || n != 10 || y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_mday != d)
		return -1;
	*out = (int64_t)t;
	return 0;
}

int
note_publish(struct store *s, const struct actor *act, const char *agency,
    const struct note_input *in, int64_t now, int64_t *id, struct verr *e)
{
	int64_t reports[VECHE_NOTE_MAX_REPORTS];
	struct found_report f;
	struct agency_note n;
	char num[32], obj[48], after[64];
	const char *p, *q;
	size_t i;
	int rc;

	memset(&n, 0, sizeof(n));
	if (!note_may_publish(act, agency))
		return verr_set(e, VERR_FORBIDDEN, "agency", "agency: only its "
		    "staff or an administrator publishes its notes");
	if (text_check("title", in->title, TEXT_CHECK_REQUIRED,
	    VECHE_NOTE_MAX_TITLE, e) == -1 || text_check("text", in->text,
	    TEXT_CHECK_REQUIRED | TEXT_CHECK_MULTILINE, VECHE_NOTE_MAX_TEXT,
	    e) == -1)
		return -1;
	n.date = now;
	if (in->date != NULL && in->date[0] != '\0' &&
	    parse_day(in->date, &n.date) == -1)
		return verr_set(e, VERR_INVALID, "date", "date: a day as "
		    "YYYY-MM-DD");
	for (p = in->reports != NULL ? in->reports : ""; *p != '\0'; p = q) {
		while (*p == ',' || *p == ' ')
			p++;
		for (q = p; *q != '\0' && *q != ',' && *q != ' '; q++)
			;
		if (q == p)
			continue;
		if (n.nreports == VECHE_NOTE_MAX_REPORTS)
			return verr_set(e, VERR_INVALID, "reports", "reports: "
			    "at most %d", VECHE_NOTE_MAX_REPORTS);
		snprintf(num, sizeof(num), "%.*s", (int)(q - p) < 31 ?
		    (int)(q - p) : 31, p);
		if (report_of(s, "reports", num, &reports[n.nreports], &f,
		    e) == -1)
			return -1;
		for (i = 0; i < n.nreports; i++)
			if (reports[i] == reports[n.nreports])
				break;
		if (i == n.nreports)
			n.nreports++;
	}
	if (n.nreports == 0)
		return verr_set(e, VERR_INVALID, "reports", "reports: name the "
		    "reports that led to the change");
	n.agency = agency;
	n.title = in->title;
	n.text = in->text;
	n.created = now;
	n.reports = reports;
	if (begin(s, e) == -1)
		return -1;
	rc = store_note_add(s, &n, id);
	if (rc == 0) {
		object(obj, sizeof(obj), "note", *id);
		snprintf(after, sizeof(after), "agency=%.40s reports=%zu",
		    agency, n.nreports);
		rc = audit_append(s, act, "note.publish", obj, NULL, after,
		    now, e);
	}
	return finish(s, rc, e);
}

int
note_each(struct store *s, const char *agency, int64_t report,
    int (*fn)(const struct agency_note *, void *), void *arg)
{
	return store_note_each(s, agency, report, VECHE_NOTE_LIST, fn, arg);
}
