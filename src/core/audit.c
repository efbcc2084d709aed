/* audit.c: the hash chain of the audit log. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/account.h"
#include "core/audit.h"
#include "store/store.h"
#include "store/store_workflow.h"

/* The "previous hash" of the first entry. */
static const char genesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void
feed(crypto_generichash_state *h, const char *v)
{
	char len[24];

	/* Length-prefixed, so that no field can run into the next. */
	snprintf(len, sizeof(len), "%zu:", strlen(v));
	crypto_generichash_update(h, (const unsigned char *)len, strlen(len));
	crypto_generichash_update(h, (const unsigned char *)v, strlen(v));
	crypto_generichash_update(h, (const unsigned char *)"\n", 1);
}

static void
feed_int(crypto_generichash_state *h, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	feed(h, num);
}

/* The hash of entry e (whose prev field holds the previous hash). */
static void
entry_hash(const struct store_audit *e, char out[AUDIT_HASH_HEX])
{
	const char *rid = e->request_id != NULL ? e->request_id : "";
	unsigned char d[32];
	crypto_generichash_state h;

	/*
	 * An entry caused by an HTTP request also hashes its request id
	 * (format 2), so that it cannot be changed or removed unnoticed; an
	 * entry without one keeps format 1, which older entries were made in.
	 */
	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	feed(&h, rid[0] != '\0' ? "veche-audit-2" : "veche-audit-1");
	feed_int(&h, e->id);
	feed_int(&h, e->created);
	feed(&h, e->actor_role);
	feed_int(&h, e->actor_id);
	feed(&h, e->actor_name);
	feed(&h, e->action);
	feed(&h, e->object);
	feed(&h, e->before);
	feed(&h, e->after);
	if (rid[0] != '\0')
		feed(&h, rid);
	feed(&h, e->prev);
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(out, AUDIT_HASH_HEX, d, sizeof(d));
}

/* Entries a chainer's transaction moves from the queue at most. */
#define CHAIN_BATCH 256
/* Turns a writer waits for its entry to be chained before leaving it. */
#define CHAIN_TURNS 64

/* store_audit_chain's seal: e's hash, into arg (AUDIT_HASH_HEX bytes). */
static int
seal(struct store_audit *e, void *arg)
{
	if (e->prev[0] == '\0')
		e->prev = genesis;
	entry_hash(e, arg);
	e->hash = arg;
	return 0;
}

int
audit_chain(struct store *s, int64_t *chained, struct verr *e)
{
	char hash[AUDIT_HASH_HEX];
	size_t n;

	*chained = 0;
	do {
		if (store_audit_chain(s, CHAIN_BATCH, seal, hash, &n) == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "chaining the "
			    "audit log: %s", store_error(s));
		*chained += (int64_t)n;
	} while (n == CHAIN_BATCH);
	return 0;
}

/*
 * A writer's entry chained before it leaves: by the chainer it becomes
 * (its turn taken, the queue chained until a take finds it empty), or by
 * the chainer of the moment.  That one's batch may have been read before
 * this entry committed: wait for its turn to end (every waiter at once,
 * none holding the chain) and look again.  0, 1 when still queued after
 * CHAIN_TURNS (the next writer chains it), -1 with e set.
 */
static int
chain_mine(struct store *s, struct verr *e)
{
	int64_t n;
	int turn, rc, held;

	for (turn = 0; turn < CHAIN_TURNS; turn++) {
		if ((held = store_audit_chainer_try(s)) == -1)
			goto fail;
		if (held) {
			do
				rc = audit_chain(s, &n, e);
			while (rc == 0 && n > 0);
			if (store_audit_chainer_release(s) == -1 && rc == 0)
				goto fail;
			return rc;
		}
		if ((rc = store_audit_queued(s)) <= 0) {
			if (rc == -1)
				goto fail;
			return 0;
		}
		if (store_audit_chainer_wait(s) == -1)
			goto fail;
	}
	return 1;
fail:
	return verr_set(e, VERR_INTERNAL, NULL, "chaining the audit log: %s",
	    store_error(s));
}

/*
 * After a transaction that queued entries commits: chain them (and what
 * other writers queued meanwhile) before the request that wrote them is
 * answered.  The write is done whatever happens here; a failure leaves
 * the entries queued for the next chainer.
 */
static void
chain_after_commit(struct store *s)
{
	struct verr e;

	if (chain_mine(s, &e) == -1)
		fprintf(stderr, "veche: %s\n", e.message);
}

static int
append(struct store *s, const struct actor *actor, const char *action,
    const char *object, const char *before, const char *after, int64_t now)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	struct store_audit e;
	int64_t last;

	memset(&e, 0, sizeof(e));
	e.created = now;
	e.actor_role = actor != NULL ? account_role_name(actor->role) :
	    "console";
	e.actor_id = actor != NULL ? actor->user_id : 0;
	e.actor_name = actor != NULL ? actor->name : "command line";
	e.action = action;
	e.object = object;
	e.before = before != NULL ? before : "";
	e.after = after != NULL ? after : "";
	e.request_id = store_request_id(s);
	/* Several writers: queued, chained after the commit (docs/scaling.md). */
	if (store_audit_defers(s))
		return store_audit_pend(s, &e, chain_after_commit);
	if (store_audit_last(s, &last, prev, sizeof(prev)) == -1)
		return -1;
	e.id = last + 1;
	e.prev = prev[0] != '\0' ? prev : genesis;
	entry_hash(&e, hash);
	e.hash = hash;
	return store_audit_insert(s, &e);
}

int
audit_append(struct store *s, const struct actor *actor, const char *action,
    const char *object, const char *before, const char *after, int64_t now,
    struct verr *e)
{
	int own = !store_in_transaction(s), rc;

	if (own && store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "audit log: %s",
		    store_error(s));
	rc = append(s, actor, action, object, before, after, now);
	if (own) {
		if (rc == 0 && store_commit(s) == -1)
			rc = -1;
		if (rc == -1)
			store_rollback(s);
	}
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "audit log: %s",
		    store_error(s));
	return 0;
}

struct walk {
	struct audit_check *out;
	int64_t last_id;
	char prev[AUDIT_HASH_HEX];
};

static int
check_entry(const struct store_audit *e, void *arg)
{
	struct walk *w = arg;
	struct audit_check *out = w->out;
	char hash[AUDIT_HASH_HEX];

	out->entries++;
	if (e->id != w->last_id + 1) {
		out->bad_id = e->id;
		snprintf(out->why, sizeof(out->why), "entry %" PRId64 " follows "
		    "entry %" PRId64 ": entries were removed", e->id,
		    w->last_id);
		return 1;
	}
	if (strcmp(e->prev, w->prev) != 0) {
		out->bad_id = e->id;
		snprintf(out->why, sizeof(out->why), "entry %" PRId64 " does "
		    "not carry the hash of the entry before it: the chain was "
		    "altered there", e->id);
		return 1;
	}
	entry_hash(e, hash);
	if (strcmp(hash, e->hash) != 0) {
		out->bad_id = e->id;
		snprintf(out->why, sizeof(out->why), "entry %" PRId64 " does "
		    "not match its hash: it was edited", e->id);
		return 1;
	}
	w->last_id = e->id;
	snprintf(w->prev, sizeof(w->prev), "%s", e->hash);
	return 0;
}

int
audit_verify(struct store *s, struct audit_check *out, struct verr *e)
{
	struct walk w;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.out = out;
	snprintf(w.prev, sizeof(w.prev), "%s", genesis);
	rc = store_audit_each(s, check_entry, &w);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "audit log: %s",
		    store_error(s));
	snprintf(out->head, sizeof(out->head), "%s", w.prev);
	if (store_audit_pending(s, &out->pending) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "audit log: %s",
		    store_error(s));
	return rc == 0 ? 0 : 1;
}

void
audit_set_request_id(struct store *s, const char *id)
{
	store_set_request_id(s, id);
}
