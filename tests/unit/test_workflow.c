/*
 * test_workflow.c: the state machine on an in-memory store: the whole
 * life of an appeal, the transition table for every role, agency scope,
 * the reporter's proof, forwarding, the one extension, reopening within
 * 30 days, inbound status walks, the overdue list, and that a refused
 * action writes nothing (no update, no audit entry).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fixture.h"
#include "veche.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "api/city.h"
#include "core/city.h"
#include "core/datetime.h"
#include "core/report.h"
#include "core/workflow.h"
#include "store/store.h"
#include "store/store_workflow.h"

#define NOW 1790000000          /* 2026-09-21, a Monday */
#define DAY 86400

struct env {
	struct store *s;
	struct catalog *c;
	struct actor op, other, head, admin, mod, citizen, key;
};

static void
actor(struct actor *a, enum role r, int64_t id, const char *agency)
{
	memset(a, 0, sizeof(*a));
	a->role = r;
	a->user_id = id;
	snprintf(a->name, sizeof(a->name), "user%lld", (long long)id);
	if (agency != NULL) {
		snprintf(a->agencies[0], sizeof(a->agencies[0]), "%s", agency);
		a->nagencies = 1;
	}
}

static int
setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	struct verr e;
	char err[512];

	assert_non_null(env);
	assert_int_equal(datetime_set_zone("Europe/Moscow"), 0);
	env->s = store_open(":memory:", err, sizeof(err));
	assert_non_null(env->s);
	assert_int_equal(city_import_json(env->s, fixture_city,
	    strlen(fixture_city), &e), 0);
	env->c = catalog_load(env->s, err, sizeof(err));
	assert_non_null(env->c);
	actor(&env->op, ROLE_OPERATOR, 1, "roads");
	actor(&env->other, ROLE_OPERATOR, 2, "west");
	actor(&env->head, ROLE_HEAD, 3, "roads");
	actor(&env->admin, ROLE_ADMIN, 4, NULL);
	actor(&env->mod, ROLE_MODERATOR, 5, NULL);
	actor(&env->citizen, ROLE_CITIZEN, 6, NULL);
	actor(&env->key, ROLE_SYSTEM, 0, "roads");
	*state = env;
	return 0;
}

static int
teardown(void **state)
{
	struct env *env = *state;

	catalog_free(env->c);
	store_close(env->s);
	free(env);
	return 0;
}

/* A pothole (agency roads) received at now; its token to tok. */
static int64_t
submit(struct env *env, const struct actor *citizen, int64_t now,
    char tok[REPORT_TOKEN_LEN])
{
	struct attr_value size = { "size", "small" };
	struct report_receipt rc;
	struct report_input in;
	struct verr e;

	memset(&in, 0, sizeof(in));
	in.service_code = "pothole";
	in.has_point = 1;
	in.lat = 60.25;
	in.lon = 30.25;
	in.description = "Яма";
	in.attrs = &size;
	in.nattrs = 1;
	in.contact.email = "me@example.org";
	in.now = now;
	in.actor = citizen;
	assert_int_equal(workflow_submit(env->s, env->c, &in, &rc, &e), 0);
	if (tok != NULL)
		snprintf(tok, REPORT_TOKEN_LEN, "%s", rc.token);
	return rc.id;
}

static int
apply(struct env *env, const struct actor *a, int64_t id, enum wf_action ac,
    int64_t now, struct verr *e)
{
	struct wf_outcome out;
	struct wf_input in;

	memset(&in, 0, sizeof(in));
	in.action = ac;
	in.report_id = id;
	in.actor = a;
	in.now = now;
	in.text = ac == WF_ANSWER || ac == WF_NOTE ? "Ответ" : NULL;
	in.reason = REJECT_DUPLICATE;
	if (ac == WF_FORWARD) {
		in.agency = "west";
		in.text = "не наше";
	}
	if (ac == WF_EXTEND) {
		in.days = 10;
		in.text = "экспертиза";
	}
	in.fixed = 1;
	return workflow_apply(env->s, env->c, &in, &out, e);
}

static int
on_record(const struct wf_record *r, void *arg)
{
	struct wf_record *out = arg;

	*out = *r;
	/* Strings are not kept past the call; the tests read numbers. */
	out->agency = out->token = out->status_notes = out->answer = NULL;
	out->forwarded_from = out->forward_reason = NULL;
	out->extension_reason = NULL;
	return 0;
}

static struct wf_record
get(struct env *env, int64_t id)
{
	struct wf_record r;

	assert_int_equal(store_wf_get(env->s, id, on_record, &r), 0);
	return r;
}

static int
count_history(const struct wf_history *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
	return 0;
}

static int
history_len(struct env *env, int64_t id)
{
	int n = 0;

	assert_int_equal(store_wf_history(env->s, id, 0, count_history, &n),
	    0);
	return n;
}

static int64_t
audit_len(struct env *env)
{
	struct audit_check chk;
	struct verr e;

	assert_int_equal(audit_verify(env->s, &chk, &e), 0);
	return chk.entries;
}

static void
test_whole_life(void **state)
{
	struct env *env = *state;
	struct wf_record r;
	struct verr e;
	int64_t id = submit(env, NULL, NOW, NULL);

	assert_int_equal(apply(env, &env->op, id, WF_REGISTER, NOW + 60, &e),
	    0);
	r = get(env, id);
	assert_int_equal(r.status, STATUS_REGISTERED);
	assert_int_equal(r.registered, NOW + 60);
	assert_true(r.expected > NOW + 29 * DAY);
	assert_true(r.forward_due > NOW + 6 * DAY);
	assert_int_equal(apply(env, &env->op, id, WF_START, NOW + 120, &e), 0);
	assert_int_equal(apply(env, &env->op, id, WF_ANSWER, NOW + 180, &e),
	    0);
	r = get(env, id);
	assert_int_equal(r.status, STATUS_ANSWERED);
	assert_int_equal(r.answered, NOW + 180);
	assert_int_equal(r.fixed, -1);
	assert_int_equal(apply(env, &env->head, id, WF_CLOSE, NOW + 240, &e),
	    0);
	assert_int_equal(get(env, id).status, STATUS_CLOSED);
	assert_int_equal(history_len(env, id), 5);
	/* The submission (assignment to the agency) and the four actions. */
	assert_int_equal(audit_len(env), 5);
}

/* Who may do what: the table of workflow.h for every staff role. */
static void
test_transition_table(void **state)
{
	static const struct {
		enum wf_action a;
		enum report_status from;
		const char *allowed;    /* o op, h head, A admin, m mod, k key */
	} rows[] = {
		{ WF_REGISTER, STATUS_SUBMITTED, "ohAk" },
		{ WF_START, STATUS_REGISTERED, "ohAk" },
		{ WF_ANSWER, STATUS_IN_PROGRESS, "ohAk" },
		{ WF_CLOSE, STATUS_ANSWERED, "ohAk" },
		{ WF_REJECT, STATUS_REGISTERED, "ohAkm" },
		{ WF_FORWARD, STATUS_REGISTERED, "ohAk" },
		{ WF_EXTEND, STATUS_IN_PROGRESS, "hAk" },
		{ WF_NOTE, STATUS_REGISTERED, "ohAk" },
		{ WF_REOPEN, STATUS_ANSWERED, "" },
		{ WF_FIXED, STATUS_ANSWERED, "" },
	};
	static const enum wf_action path[] = { WF_REGISTER, WF_START,
	    WF_ANSWER, WF_CLOSE };
	struct env *env = *state;
	const struct { char c; const struct actor *a; } who[] = {
		{ 'o', &env->op }, { 'h', &env->head }, { 'A', &env->admin },
		{ 'm', &env->mod }, { 'k', &env->key }, { 'c', &env->citizen },
		{ 'x', &env->other },
	};
	struct verr e;
	size_t i, j, k;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < sizeof(who) / sizeof(who[0]); j++) {
			int64_t id = submit(env, NULL, NOW, NULL), audit;
			int ok;

			for (k = 0; k < (size_t)rows[i].from && k < 4; k++)
				assert_int_equal(apply(env, &env->admin, id,
				    path[k], NOW + 10, &e), 0);
			assert_int_equal(get(env, id).status, rows[i].from);
			audit = audit_len(env);
			ok = apply(env, who[j].a, id, rows[i].a, NOW + 20, &e);
			if (strchr(rows[i].allowed, who[j].c) != NULL)
				assert_int_equal(ok, 0);
			else {
				assert_int_equal(ok, -1);
				assert_int_equal(e.kind, VERR_FORBIDDEN);
				assert_int_equal(get(env, id).status,
				    rows[i].from);
				assert_int_equal(audit_len(env), audit);
			}
		}
}

static void
test_wrong_state_is_conflict(void **state)
{
	struct env *env = *state;
	struct verr e;
	int64_t id = submit(env, NULL, NOW, NULL);
	int n = history_len(env, id);

	assert_int_equal(apply(env, &env->op, id, WF_ANSWER, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	assert_int_equal(apply(env, &env->op, id, WF_CLOSE, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	assert_int_equal(apply(env, &env->head, id, WF_EXTEND, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	assert_int_equal(history_len(env, id), n);
	/* Only the submission is on record: refused actions leave nothing. */
	assert_int_equal(audit_len(env), 1);
	assert_int_equal(apply(env, &env->op, 999, WF_REGISTER, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_NOT_FOUND);
}

static void
test_forward_restarts_clock(void **state)
{
	struct env *env = *state;
	struct wf_record r;
	struct verr e;
	int64_t id = submit(env, NULL, NOW, NULL), late;

	assert_int_equal(apply(env, &env->op, id, WF_REGISTER, NOW, &e), 0);
	assert_int_equal(apply(env, &env->op, id, WF_FORWARD, NOW + 3 * DAY,
	    &e), 0);
	r = get(env, id);
	assert_int_equal(r.status, STATUS_SUBMITTED);
	assert_int_equal(r.registered, 0);
	assert_true(r.register_due > NOW + 3 * DAY);
	/* Now west's: roads may no longer act, west may. */
	assert_int_equal(apply(env, &env->op, id, WF_REGISTER, NOW + 4 * DAY,
	    &e), -1);
	assert_int_equal(e.kind, VERR_FORBIDDEN);
	assert_int_equal(apply(env, &env->other, id, WF_REGISTER,
	    NOW + 10 * DAY, &e), 0);
	r = get(env, id);
	assert_int_equal(r.registered, NOW + 10 * DAY);
	assert_true(r.expected > NOW + 39 * DAY);
	/* Past the forwarding window: refused. */
	late = submit(env, NULL, NOW, NULL);
	assert_int_equal(apply(env, &env->op, late, WF_REGISTER, NOW, &e), 0);
	assert_int_equal(apply(env, &env->op, late, WF_FORWARD, NOW + 20 * DAY,
	    &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
}

static void
test_one_extension(void **state)
{
	struct env *env = *state;
	struct verr e;
	int64_t id = submit(env, NULL, NOW, NULL), due;

	assert_int_equal(apply(env, &env->op, id, WF_REGISTER, NOW, &e), 0);
	due = get(env, id).expected;
	assert_int_equal(apply(env, &env->head, id, WF_EXTEND, NOW, &e), 0);
	assert_true(get(env, id).expected > due);
	assert_int_equal(get(env, id).extended, 1);
	assert_int_equal(apply(env, &env->admin, id, WF_EXTEND, NOW, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
}

static void
test_reporter_proof_and_reopen_window(void **state)
{
	struct env *env = *state;
	struct wf_outcome out;
	struct wf_input in;
	struct verr e;
	char tok[REPORT_TOKEN_LEN];
	int64_t id = submit(env, &env->citizen, NOW, tok), i;

	for (i = WF_REGISTER; i <= WF_ANSWER; i++)
		assert_int_equal(apply(env, &env->op, id, (enum wf_action)i,
		    NOW, &e), 0);
	/* The account that submitted it is proof enough. */
	assert_int_equal(apply(env, &env->citizen, id, WF_FIXED, NOW, &e), 0);
	assert_int_equal(get(env, id).fixed, 1);
	/* Anyone else needs the token. */
	memset(&in, 0, sizeof(in));
	in.action = WF_REOPEN;
	in.report_id = id;
	in.now = NOW + 31 * DAY;
	in.token = "00000000000000000000000000000000";
	assert_int_equal(workflow_apply(env->s, env->c, &in, &out, &e), -1);
	assert_int_equal(e.kind, VERR_FORBIDDEN);
	in.token = tok;
	assert_int_equal(workflow_apply(env->s, env->c, &in, &out, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	in.now = NOW + 29 * DAY;
	assert_int_equal(workflow_apply(env->s, env->c, &in, &out, &e), 0);
	assert_int_equal(out.status, STATUS_IN_PROGRESS);
	assert_int_equal(get(env, id).fixed, 0);
}

/* The notes of a report's history in lang, joined by "|". */
struct notes {
	const struct catalog *c;
	enum lang lang;
	char text[2048];
};

static int
on_note(const struct wf_history *h, void *arg)
{
	struct notes *n = arg;
	char *t = workflow_history_note(n->c, h, n->lang);
	size_t used = strlen(n->text);

	snprintf(n->text + used, sizeof(n->text) - used, "%s|",
	    t != NULL ? t : "");
	free(t);
	return 0;
}

static void
notes_in(struct env *env, int64_t id, enum lang lang, struct notes *n)
{
	memset(n, 0, sizeof(*n));
	n->c = env->c;
	n->lang = lang;
	assert_int_equal(workflow_history(env->s, id, 0, on_note, n), 0);
}

static int
on_notes(const struct wf_record *r, void *arg)
{
	snprintf(arg, 512, "%s", r->status_notes ? r->status_notes : "");
	return 0;
}

static void
test_reopen_closed_notes_in_both_languages(void **state)
{
	struct env *env = *state;
	struct notes n;
	struct verr e;
	char tok[REPORT_TOKEN_LEN], sn[512];
	int64_t id = submit(env, &env->citizen, NOW, tok), i;

	for (i = WF_REGISTER; i <= WF_CLOSE; i++)
		assert_int_equal(apply(env, &env->op, id, (enum wf_action)i,
		    NOW, &e), 0);
	/* The official answer stays in status_notes after the close. */
	assert_int_equal(store_wf_get(env->s, id, on_notes, sn), 0);
	assert_string_equal(sn, "Ответ Обращение закрыто.");
	assert_int_equal(workflow_reopenable(&(struct wf_record){
	    .status = STATUS_CLOSED, .answered = NOW }, NOW + 30 * DAY), 1);
	assert_int_equal(workflow_reopenable(&(struct wf_record){
	    .status = STATUS_CLOSED, .answered = NOW }, NOW + 31 * DAY), 0);
	/* A closed report is reopened by its reporter within 30 days. */
	assert_int_equal(apply(env, &env->citizen, id, WF_REOPEN,
	    NOW + 10 * DAY, &e), 0);
	assert_int_equal(get(env, id).status, STATUS_IN_PROGRESS);
	assert_int_equal(get(env, id).reopened, 1);
	notes_in(env, id, LANG_EN, &n);
	assert_non_null(strstr(n.text, "|The report is registered; the answer "
	    "is due by 2026-10-21.|Work on the report has started.|Ответ|"
	    "The report is closed.|The reporter says the problem is not "
	    "fixed; the report is reopened.|"));
	notes_in(env, id, LANG_RU, &n);
	assert_non_null(strstr(n.text, "|Обращение зарегистрировано, ответ — "
	    "до 2026-10-21.|Обращение принято в работу.|Ответ|Обращение "
	    "закрыто.|Заявитель: проблема не решена, обращение "
	    "возобновлено.|"));
}

static void
test_status_walk_and_replay(void **state)
{
	struct env *env = *state;
	struct wf_outcome out, again;
	struct wf_input in;
	struct verr e;
	int64_t id = submit(env, NULL, NOW, NULL);

	memset(&in, 0, sizeof(in));
	in.report_id = id;
	in.actor = &env->key;
	in.now = NOW;
	in.text = "Сделано";
	in.external_id = "crm-17";
	assert_int_equal(workflow_to_status(env->s, env->c, &in, STATUS_CLOSED,
	    &out, &e), 0);
	assert_int_equal(out.status, STATUS_CLOSED);
	assert_int_equal(history_len(env, id), 4);
	assert_int_equal(workflow_to_status(env->s, env->c, &in, STATUS_CLOSED,
	    &again, &e), 0);
	assert_true(again.replayed);
	assert_int_equal(again.update_id, out.update_id);
	assert_int_equal(history_len(env, id), 4);
	/* No way back to in progress; nothing written. */
	in.external_id = NULL;
	assert_int_equal(workflow_to_status(env->s, env->c, &in,
	    STATUS_IN_PROGRESS, &out, &e), -1);
	assert_int_equal(e.kind, VERR_CONFLICT);
	/* An answer needs text: the whole walk is undone. */
	id = submit(env, NULL, NOW, NULL);
	in.report_id = id;
	in.text = NULL;
	assert_int_equal(workflow_to_status(env->s, env->c, &in,
	    STATUS_ANSWERED, &out, &e), -1);
	assert_int_equal(get(env, id).status, STATUS_SUBMITTED);
	assert_int_equal(history_len(env, id), 1);
}

static int
count_overdue(const struct wf_record *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void
test_overdue(void **state)
{
	struct env *env = *state;
	struct verr e;
	int n = 0;
	int64_t a = submit(env, NULL, NOW, NULL);

	submit(env, NULL, NOW + 10 * DAY, NULL);
	assert_int_equal(workflow_overdue(env->s, "roads", NOW + 8 * DAY,
	    count_overdue, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(apply(env, &env->op, a, WF_REGISTER, NOW + 8 * DAY,
	    &e), 0);
	n = 0;
	assert_int_equal(workflow_overdue(env->s, NULL, NOW + 9 * DAY,
	    count_overdue, &n), 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(workflow_overdue(env->s, "west", NOW + 90 * DAY,
	    count_overdue, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(workflow_overdue(env->s, NULL, NOW + 90 * DAY,
	    count_overdue, &n), 0);
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_whole_life),
		T(test_transition_table),
		T(test_wrong_state_is_conflict),
		T(test_forward_restarts_clock),
		T(test_one_extension),
		T(test_reporter_proof_and_reopen_window),
		T(test_reopen_closed_notes_in_both_languages),
		T(test_status_walk_and_replay),
		T(test_overdue),
#undef T
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
