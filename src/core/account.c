/* account.c: users, roles and passwords. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "store/store.h"
#include "store/store_accounts.h"

static const char *const role_names[ROLE__MAX] = {
	[ROLE_CITIZEN] = "citizen",
	[ROLE_MODERATOR] = "moderator",
	[ROLE_OPERATOR] = "operator",
	[ROLE_HEAD] = "head",
	[ROLE_ADMIN] = "admin",
	[ROLE_SYSTEM] = "system",
};

const char *
account_role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : "unknown";
}

enum role
account_role_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < ROLE_SYSTEM; i++)
		if (strcmp(role_names[i], name) == 0)
			return (enum role)i;
	return ROLE__MAX;
}

/* The Argon2id cost of new hashes (see account.h). */
static void
pw_cost(unsigned long long *ops, size_t *mem)
{
	const char *fast = getenv("VECHE_PWHASH_FAST");

	if (fast != NULL && strcmp(fast, "1") == 0) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
}

static int
check_login(const char *login, struct verr *e)
{
	size_t n = login != NULL ? strlen(login) : 0;

	if (n == 0 || n > VECHE_MAX_LOGIN ||
	    strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._@-") != n)
		return verr_set(e, VERR_INVALID, "login", "login: 1 to %d "
		    "characters of a-z, 0-9, '.', '_', '@' and '-'",
		    VECHE_MAX_LOGIN);
	return 0;
}

static int
check_password(const char *pw, struct verr *e)
{
	size_t n = pw != NULL ? strlen(pw) : 0;

	if (n < VECHE_MIN_PASSWORD || n > VECHE_MAX_PASSWORD)
		return verr_set(e, VERR_INVALID, "password", "password: %d to "
		    "%d bytes", VECHE_MIN_PASSWORD, VECHE_MAX_PASSWORD);
	return 0;
}

static int
hash_password(const char *pw, char out[crypto_pwhash_STRBYTES],
    struct verr *e)
{
	unsigned long long ops;
	size_t mem;

	pw_cost(&ops, &mem);
	if (crypto_pwhash_str(out, pw, strlen(pw), ops, mem) != 0)
		return verr_set(e, VERR_INTERNAL, NULL, "hashing the password "
		    "failed: out of memory");
	return 0;
}

/* Operators and heads work for agencies; nobody else is bound to one. */
static int
check_agencies(const struct catalog *c, enum role role,
    const char *const *agencies, size_t n, struct verr *e)
{
	size_t i;

	if (role == ROLE_OPERATOR || role == ROLE_HEAD) {
		if (n == 0 || n > ACTOR_MAX_AGENCIES)
			return verr_set(e, VERR_INVALID, "agency", "agency: an "
			    "%s needs 1 to %d agencies", account_role_name(role),
			    ACTOR_MAX_AGENCIES);
	} else if (n > 0)
		return verr_set(e, VERR_INVALID, "agency", "agency: only "
		    "operators and heads are bound to agencies");
	for (i = 0; i < n; i++)
		if (c == NULL || catalog_agency(c, agencies[i]) == NULL)
			return verr_set(e, VERR_INVALID, "agency", "agency: no "
			    "agency '%.64s' (import the city first)",
			    agencies[i]);
	return 0;
}

/* "role=operator agencies=a,b" for the audit log. */
static void
describe(char *buf, size_t len, const char *login, enum role role,
    const char *const *agencies, size_t n)
{
	size_t i, used;

	used = (size_t)snprintf(buf, len, "login=%s role=%s agencies=", login,
	    account_role_name(role));
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "," : "", agencies[i]);
}

static int
tx_fail(struct store *s, struct verr *e, const char *what)
{
	if (e != NULL && e->kind == VERR_NONE)
		verr_set(e, VERR_INTERNAL, NULL, "%s: %s", what, store_error(s));
	store_rollback(s);
	return -1;
}

int
account_create(struct store *s, const struct catalog *c,
    const struct actor *by, const char *login, const char *password,
    enum role role, const char *const *agencies, size_t nagencies,
    int64_t now, int64_t *id, struct verr *e)
{
	char hash[crypto_pwhash_STRBYTES], object[64], after[1400];
	int64_t uid = 0;
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (check_login(login, e) == -1 || check_password(password, e) == -1)
		return -1;
	if ((unsigned)role >= ROLE_SYSTEM)
		return verr_set(e, VERR_INVALID, "role", "role: one of citizen, "
		    "moderator, operator, head, admin");
	if (check_agencies(c, role, agencies, nagencies, e) == -1 ||
	    hash_password(password, hash, e) == -1)
		return -1;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "creating the user: %s",
		    store_error(s));
	rc = store_user_insert(s, login, hash, role, agencies, nagencies, now,
	    &uid);
	if (rc == 1) {
		verr_set(e, VERR_CONFLICT, "login", "login: '%s' is taken",
		    login);
		return tx_fail(s, e, "creating the user");
	}
	if (rc == -1)
		return tx_fail(s, e, "creating the user");
	snprintf(object, sizeof(object), "user:%lld", (long long)uid);
	describe(after, sizeof(after), login, role, agencies, nagencies);
	if (audit_append(s, by, "user.create", object, NULL, after, now,
	    e) == -1)
		return tx_fail(s, e, "creating the user");
	if (store_commit(s) == -1)
		return tx_fail(s, e, "creating the user");
	sodium_memzero(hash, sizeof(hash));
	if (id != NULL)
		*id = uid;
	return 0;
}

struct found {
	int64_t id;
	char login[VECHE_MAX_LOGIN + 1];
	char pwhash[crypto_pwhash_STRBYTES];
	enum role role;
	int disabled;
	char agencies[ACTOR_MAX_AGENCIES][VECHE_MAX_CODE + 1];
	size_t nagencies;
};

static int
on_user(const struct store_user *u, void *arg)
{
	struct found *f = arg;
	size_t i;

	f->id = u->id;
	snprintf(f->login, sizeof(f->login), "%s", u->login);
	snprintf(f->pwhash, sizeof(f->pwhash), "%s", u->pwhash);
	f->role = u->role;
	f->disabled = u->disabled;
	f->nagencies = u->nagencies;
	for (i = 0; i < u->nagencies; i++)
		snprintf(f->agencies[i], sizeof(f->agencies[i]), "%s",
		    u->agencies[i]);
	return 0;
}

static void
found_actor(const struct found *f, struct actor *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->role = f->role;
	out->user_id = f->id;
	snprintf(out->name, sizeof(out->name), "%s", f->login);
	for (i = 0; i < f->nagencies && i < ACTOR_MAX_AGENCIES; i++)
		snprintf(out->agencies[i], sizeof(out->agencies[i]), "%s",
		    f->agencies[i]);
	out->nagencies = f->nagencies;
}

int
account_set_password(struct store *s, const struct actor *by,
    const char *login, const char *password, int64_t now, struct verr *e)
{
	char hash[crypto_pwhash_STRBYTES], object[64];
	struct found f;
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (check_login(login, e) == -1 || check_password(password, e) == -1 ||
	    hash_password(password, hash, e) == -1)
		return -1;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "setting the password: "
		    "%s", store_error(s));
	memset(&f, 0, sizeof(f));
	rc = store_user_by_login(s, login, on_user, &f);
	if (rc == 1) {
		verr_set(e, VERR_NOT_FOUND, "login", "login: no user '%s'",
		    login);
		return tx_fail(s, e, "setting the password");
	}
	snprintf(object, sizeof(object), "user:%lld", (long long)f.id);
	if (rc == -1 || store_user_set_password(s, f.id, hash) != 0 ||
	    store_session_delete_user(s, f.id) == -1 ||
	    audit_append(s, by, "user.passwd", object, NULL,
	    "password changed, sessions ended", now, e) == -1 ||
	    store_commit(s) == -1)
		return tx_fail(s, e, "setting the password");
	sodium_memzero(hash, sizeof(hash));
	return 0;
}

int
account_set_role(struct store *s, const struct catalog *c,
    const struct actor *by, int64_t id, enum role role,
    const char *const *agencies, size_t nagencies, int64_t now,
    struct verr *e)
{
	char object[64], before[1400], after[1400];
	const char *list[ACTOR_MAX_AGENCIES];
	struct found f;
	size_t i;
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if ((unsigned)role >= ROLE_SYSTEM)
		return verr_set(e, VERR_INVALID, "role", "role: one of citizen, "
		    "moderator, operator, head, admin");
	if (check_agencies(c, role, agencies, nagencies, e) == -1)
		return -1;
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "setting the role: %s",
		    store_error(s));
	memset(&f, 0, sizeof(f));
	rc = store_user_by_id(s, id, on_user, &f);
	if (rc == 1) {
		verr_set(e, VERR_NOT_FOUND, "id", "id: no user %lld",
		    (long long)id);
		return tx_fail(s, e, "setting the role");
	}
	for (i = 0; i < f.nagencies; i++)
		list[i] = f.agencies[i];
	describe(before, sizeof(before), f.login, f.role, list, f.nagencies);
	describe(after, sizeof(after), f.login, role, agencies, nagencies);
	snprintf(object, sizeof(object), "user:%lld", (long long)id);
	if (rc == -1 || store_user_set_role(s, id, role, agencies,
	    nagencies) != 0 || store_session_delete_user(s, id) == -1 ||
	    audit_append(s, by, "user.role", object, before, after, now,
	    e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "setting the role");
	return 0;
}

int
account_authenticate(struct store *s, const char *login,
    const char *password, struct actor *out, struct verr *e)
{
	struct found f;
	int rc, ok;

	memset(&f, 0, sizeof(f));
	if (login == NULL || password == NULL ||
	    strlen(login) > VECHE_MAX_LOGIN ||
	    strlen(password) > VECHE_MAX_PASSWORD)
		rc = 1;
	else
		rc = store_user_by_login(s, login, on_user, &f);
	if (rc == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "signing in: %s",
		    store_error(s));
	if (rc == 0)
		ok = crypto_pwhash_str_verify(f.pwhash, password,
		    strlen(password)) == 0;
	else {
		char waste[crypto_pwhash_STRBYTES];

		/* Hash anyway, so that an unknown login takes as long. */
		ok = 0;
		if (password != NULL)
			hash_password(password, waste, NULL);
	}
	sodium_memzero(f.pwhash, sizeof(f.pwhash));
	if (rc != 0 || !ok || f.disabled)
		return verr_set(e, VERR_FORBIDDEN, "password", "login or "
		    "password is wrong");
	found_actor(&f, out);
	return 0;
}

int
account_actor(struct store *s, int64_t id, struct actor *out)
{
	struct found f;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = store_user_by_id(s, id, on_user, &f)) != 0)
		return rc;
	if (f.disabled)
		return 1;
	found_actor(&f, out);
	return 0;
}

int
account_each(struct store *s, int (*fn)(const struct store_user *, void *),
    void *arg)
{
	return store_user_each(s, fn, arg);
}

int
account_get(struct store *s, int64_t id,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	return store_user_by_id(s, id, fn, arg);
}
