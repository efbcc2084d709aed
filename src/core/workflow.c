/* workflow.c: the state machine of an appeal (see workflow.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/datetime.h"
#include "core/deadline.h"
#include "core/incident.h"
#include "core/outbox.h"
#include "core/parse.h"
#include "core/report.h"
#include "core/text_check.h"
#include "core/workflow.h"
#include "store/store.h"
#include "store/store_workflow.h"

#define DAY 86400
#define R(x) (1u << (x))
#define STAFF (R(ROLE_OPERATOR) | R(ROLE_HEAD) | R(ROLE_ADMIN) | \
	R(ROLE_SYSTEM))
#define OPEN (R(STATUS_SUBMITTED) | R(STATUS_REGISTERED) | \
	R(STATUS_IN_PROGRESS))

/* Who may take an action, from which statuses, and what it tells. */
static const struct rule {
	const char *name;
	unsigned roles;                 /* R(ROLE_x) */
	int reporter;                   /* the reporter's own action */
	unsigned from;                  /* R(STATUS_x) */
	enum event_type event;          /* EVENT__MAX: none */
} rules[WF__MAX] = {
	[WF_REGISTER] = { "register", STAFF, 0, R(STATUS_SUBMITTED),
	    EVENT_REPORT_REGISTERED },
	[WF_START] = { "start", STAFF, 0, R(STATUS_REGISTERED),
	    EVENT_REPORT_IN_PROGRESS },
	[WF_ANSWER] = { "answer", STAFF, 0, R(STATUS_REGISTERED) |
	    R(STATUS_IN_PROGRESS), EVENT_REPORT_ANSWERED },
	[WF_CLOSE] = { "close", STAFF, 0, R(STATUS_ANSWERED),
	    EVENT_REPORT_CLOSED },
	[WF_REJECT] = { "reject", STAFF | R(ROLE_MODERATOR), 0, OPEN,
	    EVENT_REPORT_REJECTED },
	[WF_FORWARD] = { "forward", STAFF, 0, R(STATUS_SUBMITTED) |
	    R(STATUS_REGISTERED), EVENT_REPORT_FORWARDED },
	[WF_EXTEND] = { "extend", R(ROLE_HEAD) | R(ROLE_ADMIN) |
	    R(ROLE_SYSTEM), 0, R(STATUS_REGISTERED) | R(STATUS_IN_PROGRESS),
	    EVENT_REPORT_EXTENDED },
	[WF_REOPEN] = { "reopen", 0, 1, R(STATUS_ANSWERED) |
	    R(STATUS_CLOSED), EVENT_REPORT_REOPENED },
	[WF_FIXED] = { "fixed", 0, 1, R(STATUS_ANSWERED) | R(STATUS_CLOSED),
	    EVENT__MAX },
	[WF_NOTE] = { "note", STAFF, 0, OPEN | R(STATUS_ANSWERED) |
	    R(STATUS_CLOSED) | R(STATUS_REJECTED), EVENT__MAX },
};

static const char *const reject_names[REJECT__MAX] = {
	[REJECT_DUPLICATE] = "duplicate",
	[REJECT_NO_CONTACT] = "no_contact",
	[REJECT_OBSCENE] = "obscene",
	[REJECT_NOT_GOVERNMENT] = "not_government",
	[REJECT_UNREADABLE] = "unreadable",
};

/* What the public reads about a rejection, in each language. */
static const char *const reject_text[REJECT__MAX][LANG__MAX] = {
	[REJECT_DUPLICATE] = { "повторное обращение", "a repeated report" },
	[REJECT_NO_CONTACT] = { "не указаны контактные данные",
	    "no contact details given" },
	[REJECT_OBSCENE] = { "нецензурные или оскорбительные выражения, угрозы",
	    "obscene or insulting language, threats" },
	[REJECT_NOT_GOVERNMENT] = { "вопрос не относится к ведению органов "
	    "власти", "not a matter for the authorities" },
	[REJECT_UNREADABLE] = { "текст не поддаётся прочтению",
	    "the text cannot be read" },
};

/*
 * The words the system writes for an action, in each language: a head
 * that goes before the actor's own text; an action with a date, an agency
 * or a reason has it between pre and post.  An action marked alone has
 * the head only when the actor gave no text of its own.
 */
static const struct {
	const char *pre[LANG__MAX];
	const char *post[LANG__MAX];
	int alone;
} note_words[WF__MAX] = {
	[WF_REGISTER] = { { "Обращение зарегистрировано, ответ — до ",
	    "The report is registered; the answer is due by " },
	    { ".", "." }, 0 },
	[WF_START] = { { "Обращение принято в работу.",
	    "Work on the report has started." }, { "", "" }, 1 },
	[WF_CLOSE] = { { "Обращение закрыто.", "The report is closed." },
	    { "", "" }, 1 },
	[WF_REJECT] = { { "Обращение отклонено: ",
	    "The report is rejected: " }, { ".", "." }, 0 },
	[WF_FORWARD] = { { "Обращение перенаправлено: «",
	    "The report is forwarded to “" }, { "».", "”." }, 0 },
	[WF_EXTEND] = { { "Срок ответа продлён до ",
	    "The answer deadline is extended to " }, { ".", "." }, 0 },
	[WF_REOPEN] = { { "Заявитель: проблема не решена, обращение "
	    "возобновлено.", "The reporter says the problem is not fixed; "
	    "the report is reopened." }, { "", "" }, 0 },
};

/* The reporter's verdict, no and yes. */
static const char *const fixed_words[2][LANG__MAX] = {
	{ "Заявитель: проблема не решена.",
	    "The reporter says the problem is not fixed." },
	{ "Заявитель: проблема решена.",
	    "The reporter says the problem is fixed." },
};

const char *
workflow_action_name(enum wf_action a)
{
	return (unsigned)a < WF__MAX ? rules[a].name : NULL;
}

enum wf_action
workflow_action_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < WF__MAX; i++)
		if (strcmp(rules[i].name, name) == 0)
			return (enum wf_action)i;
	return WF__MAX;
}

const char *
workflow_reject_name(enum reject_reason r)
{
	return (unsigned)r < REJECT__MAX ? reject_names[r] : NULL;
}

enum reject_reason
workflow_reject_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < REJECT__MAX; i++)
		if (strcmp(reject_names[i], name) == 0)
			return (enum reject_reason)i;
	return REJECT__MAX;
}

int
workflow_actor_serves(const struct actor *a, const char *agency)
{
	size_t i;

	if (a == NULL)
		return 0;
	if (a->role == ROLE_ADMIN || (a->role == ROLE_SYSTEM &&
	    a->nagencies == 0))
		return 1;
	if ((a->role != ROLE_OPERATOR && a->role != ROLE_HEAD &&
	    a->role != ROLE_SYSTEM) || agency == NULL)
		return 0;
	for (i = 0; i < a->nagencies && i < ACTOR_MAX_AGENCIES; i++)
		if (strcmp(a->agencies[i], agency) == 0)
			return 1;
	return 0;
}

const char *
workflow_deadline(const struct wf_record *r, int64_t *due)
{
	*due = 0;
	switch (r->status) {
	case STATUS_SUBMITTED:
		*due = r->register_due;
		return "register";
	case STATUS_REGISTERED:
	case STATUS_IN_PROGRESS:
		*due = r->expected;
		return "answer";
	default:
		return NULL;
	}
}

/* A report's record with its strings copied out of the store. */
struct held {
	struct wf_record r;
	char *str[7];
	int found;
};

static const char *
keep(struct held *h, int i, const char *v)
{
	if (v == NULL)
		return NULL;
	h->str[i] = strdup(v);
	return h->str[i] != NULL ? h->str[i] : "";
}

static int
on_record(const struct wf_record *r, void *arg)
{
	struct held *h = arg;

	h->r = *r;
	h->r.token = keep(h, 0, r->token);
	h->r.agency = keep(h, 1, r->agency);
	h->r.status_notes = keep(h, 2, r->status_notes);
	h->r.answer = keep(h, 3, r->answer);
	h->r.forwarded_from = keep(h, 4, r->forwarded_from);
	h->r.forward_reason = keep(h, 5, r->forward_reason);
	h->r.extension_reason = keep(h, 6, r->extension_reason);
	h->found = 1;
	return 0;
}

static void
held_free(struct held *h)
{
	size_t i;

	for (i = 0; i < sizeof(h->str) / sizeof(h->str[0]); i++)
		free(h->str[i]);
	memset(h, 0, sizeof(*h));
}

/* The input an action needs, before anything is read. */
static int
check_input(const struct wf_input *in, struct verr *e)
{
	switch (in->action) {
	case WF_ANSWER:
	case WF_NOTE:
		return text_check("text", in->text, TEXT_CHECK_MULTILINE |
		    TEXT_CHECK_REQUIRED, VECHE_MAX_DESCRIPTION, e);
	case WF_REJECT:
		if ((unsigned)in->reason >= REJECT__MAX)
			return verr_set(e, VERR_INVALID, "reason", "reason: one "
			    "of duplicate, no_contact, obscene, not_government, "
			    "unreadable");
		return text_check("text", in->text, TEXT_CHECK_MULTILINE,
		    VECHE_MAX_DESCRIPTION, e);
	case WF_FORWARD:
		if (in->agency == NULL || *in->agency == '\0')
			return verr_set(e, VERR_INVALID, "agency", "agency: "
			    "required: the agency to forward to");
		return text_check("reason", in->text, TEXT_CHECK_MULTILINE |
		    TEXT_CHECK_REQUIRED, VECHE_MAX_REASON, e);
	case WF_EXTEND:
		if (in->days < 1 || in->days > VECHE_DAYS_EXTENSION)
			return verr_set(e, VERR_INVALID, "days", "days: 1 to %d",
			    VECHE_DAYS_EXTENSION);
		return text_check("reason", in->text, TEXT_CHECK_MULTILINE |
		    TEXT_CHECK_REQUIRED, VECHE_MAX_REASON, e);
	case WF_FIXED:
		if (in->fixed != 0 && in->fixed != 1)
			return verr_set(e, VERR_INVALID, "fixed", "fixed: yes or "
			    "no");
		return 0;
	default:
		return text_check("text", in->text, TEXT_CHECK_MULTILINE,
		    VECHE_MAX_DESCRIPTION, e);
	}
}

/* The token matches, in constant time. */
static int
token_ok(const char *want, const char *given)
{
	size_t n;

	if (want == NULL || given == NULL)
		return 0;
	n = strlen(want);
	return n > 0 && strlen(given) == n &&
	    sodium_memcmp(want, given, n) == 0;
}

static int
permitted(const struct rule *ru, const struct wf_input *in,
    const struct wf_record *r, struct verr *e)
{
	const struct actor *a = in->actor;

	if (ru->reporter) {
		if (token_ok(r->token, in->token))
			return 0;
		if (a != NULL && a->role == ROLE_CITIZEN &&
		    r->reporter_user != 0 && a->user_id == r->reporter_user)
			return 0;
		return verr_set(e, VERR_FORBIDDEN, "token", "token: only the "
		    "reporter may %s report %" PRId64 ": give the report's "
		    "token or sign in with the account that submitted it",
		    ru->name, r->id);
	}
	if (a == NULL || !(ru->roles & R(a->role)))
		return verr_set(e, VERR_FORBIDDEN, "role", "a %s may not %s "
		    "a report", a != NULL ? account_role_name(a->role) :
		    "visitor", ru->name);
	if (a->role != ROLE_MODERATOR && !workflow_actor_serves(a, r->agency))
		return verr_set(e, VERR_FORBIDDEN, "agency", "report %" PRId64
		    " belongs to agency '%s', which you do not serve", r->id,
		    r->agency != NULL ? r->agency : "(none)");
	return 0;
}

int
workflow_may(const struct actor *a, const struct wf_record *r,
    enum wf_action action)
{
	const struct rule *ru;
	struct wf_input in;

	if ((unsigned)action >= WF__MAX || a == NULL)
		return 0;
	ru = &rules[action];
	if (ru->reporter || !(ru->from & R(r->status)))
		return 0;
	memset(&in, 0, sizeof(in));
	in.actor = a;
	return permitted(ru, &in, r, NULL) == 0;
}

/* A malloc'd "fmt + text" note; NULL when out of memory. */
static char *
compose(const char *head, const char *text)
{
	size_t n = strlen(head) + (text ? strlen(text) : 0) + 4;
	char *b = malloc(n);

	if (b != NULL)
		snprintf(b, n, "%s%s%s", head, text ? " " : "", text ? text : "");
	return b;
}

/* "status=... agency=... due=... extended=... fixed=..." for the audit. */
static char *
state_text(const struct wf_record *r, const char *text)
{
	int64_t due;
	const char *kind = workflow_deadline(r, &due);
	size_t n = 512 + (text ? strlen(text) : 0);
	char *b = malloc(n);

	if (b == NULL)
		return NULL;
	snprintf(b, n, "status=%s agency=%s deadline=%s:%" PRId64
	    " extended=%d fixed=%d%s%s", report_status_name(r->status),
	    r->agency ? r->agency : "", kind ? kind : "none", due, r->extended,
	    r->fixed, text ? " text=" : "", text ? text : "");
	return b;
}

static const char *
day(int64_t t, char *buf, size_t len)
{
	char full[DATETIME_LEN];

	datetime_format(t, full, sizeof(full));
	snprintf(buf, len, "%.10s", full);
	return buf;
}

char *
workflow_note(const struct catalog *c, const struct wf_note *n,
    enum lang lang)
{
	const char *own = n->own != NULL && *n->own != '\0' ? n->own : NULL;
	const char *arg = NULL;
	const struct agency *ag;
	char d[16], head[600];
	unsigned act = (unsigned)n->action;

	if ((unsigned)lang >= LANG__MAX)
		lang = LANG_RU;
	if (act == WF_FIXED)
		return compose(fixed_words[n->detail != 0][lang], own);
	if (act >= WF__MAX || note_words[act].pre[lang] == NULL ||
	    (note_words[act].alone && own != NULL))
		return strdup(own != NULL ? own : "");
	switch (act) {
	case WF_REGISTER:
	case WF_EXTEND:
		arg = day(n->due, d, sizeof(d));
		break;
	case WF_REJECT:
		arg = (unsigned)n->detail < REJECT__MAX ?
		    reject_text[n->detail][lang] : "";
		break;
	case WF_FORWARD:
		ag = c != NULL && n->agency != NULL ? catalog_agency(c,
		    n->agency) : NULL;
		arg = ag != NULL ? catalog_text(ag->name, lang) : n->agency;
		if (arg == NULL)
			arg = "";
		break;
	default:
		break;
	}
	snprintf(head, sizeof(head), "%s%s%s", note_words[act].pre[lang],
	    arg != NULL ? arg : "", arg != NULL ? note_words[act].post[lang] :
	    "");
	return compose(head, own);
}

char *
workflow_history_note(const struct catalog *c, const struct wf_history *u,
    enum lang lang)
{
	struct wf_note n;

	if (u->own == NULL || u->action < 0)
		return u->description != NULL ? strdup(u->description) : NULL;
	memset(&n, 0, sizeof(n));
	n.action = u->action;
	n.due = u->due;
	n.agency = u->agency;
	n.detail = u->detail;
	n.own = u->own;
	return workflow_note(c, &n, lang);
}

/*
 * The new state n of held report o under action in, the public note
 * (malloc'd into *note) and, when it differs from the note, the new
 * status_notes (malloc'd into *notes).  Returns 0 or -1 with e set.
 */
static int
transition(const struct catalog *c, const struct wf_input *in,
    const struct wf_record *o, struct wf_record *n, struct wf_update *u,
    char **note, char **notes, struct verr *e)
{
	const char *text = in->text != NULL && *in->text ? in->text : NULL;
	struct wf_note parts;
	const struct agency *ag = NULL;
	char d[16];

	*n = *o;
	*note = *notes = NULL;
	memset(&parts, 0, sizeof(parts));
	parts.action = (int)in->action;
	parts.own = text;
	switch (in->action) {
	case WF_REGISTER:
		n->status = STATUS_REGISTERED;
		n->registered = in->now;
		n->forward_due = deadline_forward_due(in->now);
		n->expected = deadline_answer_due(in->now);
		parts.due = u->due = n->expected;
		break;
	case WF_START:
		n->status = STATUS_IN_PROGRESS;
		break;
	case WF_ANSWER:
		n->status = STATUS_ANSWERED;
		n->answered = in->now;
		n->answer = text;
		n->fixed = -1;
		break;
	case WF_CLOSE:
		n->status = STATUS_CLOSED;
		break;
	case WF_REJECT:
		n->status = STATUS_REJECTED;
		n->reject_reason = (int)in->reason;
		parts.detail = (int)in->reason;
		break;
	case WF_FORWARD:
		if ((ag = catalog_agency(c, in->agency)) == NULL)
			return verr_set(e, VERR_INVALID, "agency", "agency: no "
			    "agency '%.64s'", in->agency);
		if (o->agency != NULL && strcmp(o->agency, ag->code) == 0)
			return verr_set(e, VERR_INVALID, "agency", "agency: the "
			    "report is already with '%s'", ag->code);
		if (o->status == STATUS_REGISTERED && o->forward_due != 0 &&
		    in->now > o->forward_due)
			return verr_set(e, VERR_CONFLICT, "status", "forward: "
			    "allowed within %d days of registration, until %s",
			    VECHE_DAYS_FORWARD, day(o->forward_due, d,
			    sizeof(d)));
		n->status = STATUS_SUBMITTED;
		n->forwarded_from = o->agency;
		n->agency = ag->code;
		n->forward_reason = text;
		/* The receiving agency's clock starts anew. */
		n->register_due = deadline_register_due(in->now);
		n->expected = deadline_expected(in->now);
		n->registered = 0;
		n->forward_due = 0;
		n->extended = 0;
		n->extension_reason = NULL;
		parts.agency = u->agency = ag->code;
		break;
	case WF_EXTEND:
		if (deadline_extend(o->expected, in->days, o->extended,
		    &n->expected, e) == -1)
			return -1;
		n->extended = o->extended + 1;
		n->extension_reason = text;
		parts.due = u->due = n->expected;
		break;
	case WF_REOPEN:
		if (in->now > deadline_reopen_until(o->answered))
			return verr_set(e, VERR_CONFLICT, "status", "reopen: "
			    "allowed within %d days of the answer, until %s",
			    VECHE_DAYS_REOPEN, day(deadline_reopen_until(
			    o->answered), d, sizeof(d)));
		n->status = STATUS_IN_PROGRESS;
		n->fixed = 0;
		n->reopened = o->reopened + 1;
		n->expected = deadline_answer_due(in->now);
		break;
	case WF_FIXED:
		if (o->fixed != -1)
			return verr_set(e, VERR_CONFLICT, "fixed", "fixed: the "
			    "reporter has answered already");
		n->fixed = in->fixed;
		parts.detail = in->fixed;
		parts.own = NULL;
		break;
	case WF_NOTE:
		break;
	default:
		return verr_set(e, VERR_INVALID, "action", "action: unknown");
	}
	u->own = parts.own != NULL ? parts.own : "";
	u->detail = parts.detail;
	if ((*note = workflow_note(c, &parts, LANG_RU)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
	/* The reporter's own verdict stays in the history, not in the notes. */
	if (in->action == WF_FIXED)
		return 0;
	n->status_notes = *note;
	/*
	 * Once answered, the official answer stays what Open311 and the
	 * open data show: a closing note or a later note follows it.
	 */
	if ((in->action == WF_CLOSE || in->action == WF_NOTE) &&
	    o->answer != NULL && *o->answer != '\0' &&
	    (o->status == STATUS_ANSWERED || o->status == STATUS_CLOSED)) {
		if ((*notes = compose(o->answer, *note)) == NULL)
			return verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		n->status_notes = *notes;
	}
	return 0;
}

/* One action inside the caller's transaction. */
static int
step(struct store *s, const struct catalog *c, const struct wf_input *in,
    struct wf_outcome *out, struct verr *e)
{
	const struct rule *ru = &rules[in->action];
	struct actor anon;
	struct held h;
	struct wf_record n;
	struct wf_update u;
	char *note = NULL, *notes = NULL, *before = NULL, *after = NULL;
	char object[48];
	char action[32];
	int rc, ret = -1;

	memset(&h, 0, sizeof(h));
	rc = store_wf_get(s, in->report_id, on_record, &h);
	if (rc == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
		goto out;
	}
	if (rc == 1 || !h.found) {
		verr_set(e, VERR_NOT_FOUND, "id", "id: no report %" PRId64,
		    in->report_id);
		goto out;
	}
	if (permitted(ru, in, &h.r, e) == -1)
		goto out;
	if (!(ru->from & R(h.r.status))) {
		verr_set(e, VERR_CONFLICT, "status", "cannot %s a report that "
		    "is %s", ru->name, report_status_name(h.r.status));
		goto out;
	}
	memset(&u, 0, sizeof(u));
	if (transition(c, in, &h.r, &n, &u, &note, &notes, e) == -1)
		goto out;
	u.action = (int)in->action;
	u.note = note;
	u.external_id = in->external_id;
	if (store_wf_apply(s, &n, &u, in->now, &out->update_id) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
		goto out;
	}
	before = state_text(&h.r, NULL);
	after = state_text(&n, in->action == WF_FIXED ? NULL : note);
	if (before == NULL || after == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (in->actor == NULL) {
		memset(&anon, 0, sizeof(anon));
		anon.role = ROLE_CITIZEN;
		snprintf(anon.name, sizeof(anon.name), "reporter (token)");
	}
	snprintf(object, sizeof(object), "report:%" PRId64, in->report_id);
	snprintf(action, sizeof(action), "report.%s", ru->name);
	if (audit_append(s, in->actor != NULL ? in->actor : &anon, action,
	    object, before, after, in->now, e) == -1)
		goto out;
	if (ru->event != EVENT__MAX && outbox_emit(s, ru->event,
	    in->report_id, in->action == WF_FORWARD ? n.agency : in->text,
	    in->now, e) == -1)
		goto out;
	/* An incident's answer goes back where the citizen wrote. */
	if ((in->action == WF_ANSWER || in->action == WF_NOTE) &&
	    in->text != NULL && incident_answered(s, in->report_id, in->text,
	    in->now, e) == -1)
		goto out;
	out->status = n.status;
	ret = 0;
out:
	free(after);
	free(before);
	free(notes);
	free(note);
	held_free(&h);
	return ret;
}

/* Begin a transaction unless the caller holds one; *own says which. */
static int
tx_begin(struct store *s, int *own, struct verr *e)
{
	*own = !store_in_transaction(s);
	if (*own && store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
}

static int
tx_finish(struct store *s, int own, int ok, struct verr *e)
{
	if (!own)
		return ok ? 0 : -1;
	if (ok && store_commit(s) == 0)
		return 0;
	if (ok)
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	store_rollback(s);
	return -1;
}

/* 1 when external_id was applied before (out filled), 0 if not, -1. */
static int
replayed(struct store *s, const struct wf_input *in, struct wf_outcome *out,
    struct verr *e)
{
	int rc;

	if (in->external_id == NULL)
		return 0;
	if (strlen(in->external_id) > VECHE_MAX_CODE)
		return verr_set(e, VERR_INVALID, "update_id", "update_id: at "
		    "most %d bytes", VECHE_MAX_CODE);
	rc = store_wf_external(s, in->report_id, in->external_id,
	    &out->update_id);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	out->replayed = rc == 0;
	return rc == 0;
}

int
workflow_apply(struct store *s, const struct catalog *c,
    const struct wf_input *in, struct wf_outcome *out, struct verr *e)
{
	int own, rc;

	memset(out, 0, sizeof(*out));
	if ((unsigned)in->action >= WF__MAX)
		return verr_set(e, VERR_INVALID, "action", "action: unknown");
	if (check_input(in, e) == -1 || tx_begin(s, &own, e) == -1)
		return -1;
	if ((rc = replayed(s, in, out, e)) == 0)
		rc = step(s, c, in, out, e);
	else if (rc == 1)
		rc = 0;
	return tx_finish(s, own, rc == 0, e);
}

/* The actions from status `from` to `to`; 0, or -1 if there is no way. */
static int
path(enum report_status from, enum report_status to, int has_text,
    enum wf_action steps[4], size_t *n)
{
	*n = 0;
	/* "Still open" from a system, for a report already in progress. */
	if (to == STATUS_REGISTERED && from == STATUS_IN_PROGRESS)
		to = from;
	if (from == to) {
		if (!has_text)
			return -1;
		steps[(*n)++] = WF_NOTE;
		return 0;
	}
	if (to == STATUS_REJECTED) {
		if (!(OPEN & R(from)))
			return -1;
		steps[(*n)++] = WF_REJECT;
		return 0;
	}
	if (from == STATUS_SUBMITTED)
		steps[(*n)++] = WF_REGISTER;
	else if (from != STATUS_REGISTERED && from != STATUS_IN_PROGRESS &&
	    from != STATUS_ANSWERED)
		return -1;
	switch (to) {
	case STATUS_REGISTERED:
		return from == STATUS_SUBMITTED ? 0 : -1;
	case STATUS_IN_PROGRESS:
		if (from == STATUS_ANSWERED)
			return -1;
		if (from != STATUS_IN_PROGRESS)
			steps[(*n)++] = WF_START;
		return 0;
	case STATUS_ANSWERED:
		if (from == STATUS_ANSWERED)
			return -1;
		steps[(*n)++] = WF_ANSWER;
		return 0;
	case STATUS_CLOSED:
		if (from != STATUS_ANSWERED)
			steps[(*n)++] = WF_ANSWER;
		steps[(*n)++] = WF_CLOSE;
		return 0;
	default:
		return -1;
	}
}

struct status_of {
	enum report_status status;
	int found;
};

static int
on_status(const struct wf_record *r, void *arg)
{
	struct status_of *st = arg;

	st->status = r->status;
	st->found = 1;
	return 0;
}

int
workflow_to_status(struct store *s, const struct catalog *c,
    const struct wf_input *in, enum report_status target,
    struct wf_outcome *out, struct verr *e)
{
	enum wf_action steps[4];
	struct status_of st;
	struct wf_input one;
	size_t n, i, textstep;
	int own, rc, has_text = in->text != NULL && *in->text != '\0';

	memset(out, 0, sizeof(*out));
	if ((unsigned)target >= STATUS__MAX || target == STATUS_SUBMITTED)
		return verr_set(e, VERR_INVALID, "status", "status: cannot be "
		    "set back to submitted");
	if (tx_begin(s, &own, e) == -1)
		return -1;
	if ((rc = replayed(s, in, out, e)) != 0)
		return tx_finish(s, own, rc == 1, e);
	memset(&st, 0, sizeof(st));
	rc = store_wf_get(s, in->report_id, on_status, &st);
	if (rc == -1)
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	else if (rc == 1 || !st.found) {
		verr_set(e, VERR_NOT_FOUND, "service_request_id",
		    "service_request_id: no request %" PRId64, in->report_id);
		rc = -1;
	} else if (path(st.status, target, has_text, steps, &n) == -1) {
		verr_set(e, VERR_CONFLICT, "status", "status: a report that is "
		    "%s cannot become %s", report_status_name(st.status),
		    report_status_name(target));
		rc = -1;
	}
	if (rc != 0)
		return tx_finish(s, own, 0, e);
	/* The text is the answer if there is one, else the last step's. */
	for (textstep = n - 1, i = 0; i < n; i++)
		if (steps[i] == WF_ANSWER)
			textstep = i;
	for (i = 0; i < n && rc == 0; i++) {
		one = *in;
		one.action = steps[i];
		one.text = i == textstep ? in->text : NULL;
		one.external_id = i == n - 1 ? in->external_id : NULL;
		if (check_input(&one, e) == -1)
			rc = -1;
		else
			rc = step(s, c, &one, out, e);
	}
	return tx_finish(s, own, rc == 0, e);
}

/* 1 if report id exists, 0 if not, -1 with e set. */
static int
report_exists(struct store *s, int64_t id, struct verr *e)
{
	struct status_of st;
	int rc;

	memset(&st, 0, sizeof(st));
	rc = store_wf_get(s, id, on_status, &st);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return rc == 0 && st.found;
}

int
workflow_submit(struct store *s, const struct catalog *c,
    const struct report_input *in, struct report_receipt *out,
    struct verr *e)
{
	int own, rc;

	if (in->related != 0 && (rc = report_exists(s, in->related, e)) != 1)
		return rc == 0 ? verr_set(e, VERR_INVALID, "related", "related: "
		    "no report %" PRId64, in->related) : -1;
	if (tx_begin(s, &own, e) == -1)
		return -1;
	rc = report_submit(s, c, in, out, e);
	if (rc == 0 && in->related != 0 &&
	    store_wf_set_related(s, out->id, in->related) == -1)
		rc = verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return tx_finish(s, own, rc == 0, e);
}

int
workflow_followups(struct store *s, int64_t id, size_t limit,
    int (*fn)(int64_t, void *), void *arg)
{
	return store_wf_followups(s, id, limit, fn, arg);
}

int
workflow_reopenable(const struct wf_record *r, int64_t now)
{
	return (rules[WF_REOPEN].from & R(r->status)) && r->answered != 0 &&
	    now <= deadline_reopen_until(r->answered);
}

int
workflow_counts(struct store *s, int64_t now, struct wf_counts *out)
{
	int64_t n[3];

	if (store_wf_counts(s, now, deadline_near_horizon(now,
	    deadline_near_days()), n) == -1)
		return -1;
	out->open = n[0];
	out->overdue = n[1];
	out->due_soon = n[2];
	return 0;
}

int
workflow_overdue(struct store *s, const char *agency, int64_t now,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	return store_wf_due(s, agency, now, VECHE_MAX_OVERDUE, fn, arg);
}

int
workflow_get(struct store *s, int64_t id,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	return store_wf_get(s, id, fn, arg);
}

int
workflow_history(struct store *s, int64_t id, size_t limit,
    int (*fn)(const struct wf_history *, void *), void *arg)
{
	return store_wf_history(s, id, limit, fn, arg);
}

int
workflow_queue(struct store *s, const struct wf_queue *q,
    int (*fn)(const struct wf_record *, void *), void *arg)
{
	return store_wf_queue(s, q, fn, arg);
}
