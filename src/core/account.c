/* account.c: users, roles and passwords. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "veche.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/catalog.h"
#include "core/clock.h"
#include "core/parse.h"
#include "core/photo.h"
#include "core/session.h"
#include "core/text_check.h"
#include "core/worker.h"
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
	int confirmed;
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
	f->confirmed = u->confirmed;
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

void
account_email_key(const char *email, char out[VECHE_MAX_EMAIL + 1])
{
	size_t i;

	for (i = 0; email[i] != '\0' && i < VECHE_MAX_EMAIL; i++)
		out[i] = email[i] >= 'A' && email[i] <= 'Z' ?
		    (char)(email[i] - 'A' + 'a') : email[i];
	out[i] = '\0';
}

static int
by_email(struct store *s, const char *email, struct found *f)
{
	char key[VECHE_MAX_EMAIL + 1];

	if (strlen(email) > VECHE_MAX_EMAIL)
		return 1;
	account_email_key(email, key);
	return store_user_by_email(s, key, on_user, f);
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
	else {
		rc = store_user_by_login(s, login, on_user, &f);
		/* Citizens of the web sign in with their e-mail. */
		if (rc == 1 && strchr(login, '@') != NULL)
			rc = by_email(s, login, &f);
	}
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
	/* Only the password's owner learns that the address is unconfirmed. */
	if (!f.confirmed)
		return verr_set(e, VERR_FORBIDDEN, "email", "email: confirm "
		    "your e-mail address first: follow the link in the message "
		    "we sent");
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

/* The lifetime of each kind of token. */
static const int64_t token_ttl[ACCOUNT_TOKEN__MAX] = {
	[ACCOUNT_TOKEN_CONFIRM] = VECHE_CONFIRM_TTL,
	[ACCOUNT_TOKEN_RESET] = VECHE_RESET_TTL,
};

/* A new token of kind for user, kept as its digest. */
static int
token_new(struct store *s, int64_t user, enum account_token kind,
    int64_t now, char token[SESSION_TOKEN_LEN])
{
	unsigned char hash[32];

	session_random_token(token);
	session_token_hash(token, hash);
	return store_token_insert(s, hash, user, (int)kind, now,
	    now + token_ttl[kind]);
}

/* The user of a live token of kind, which is used up: 0, 1, -1. */
static int
token_take(struct store *s, const char *token, enum account_token kind,
    int64_t now, int64_t *user)
{
	unsigned char hash[32];

	if (token == NULL || strlen(token) >= SESSION_TOKEN_LEN)
		return 1;
	session_token_hash(token, hash);
	return store_token_take(s, hash, (int)kind, now, user);
}

/*
 * Open a transaction and use up token of kind: 0 with *user, or -1 with e
 * set (VERR_NOT_FOUND "token") and the transaction rolled back.
 */
static int
token_begin(struct store *s, const char *token, enum account_token kind,
    int64_t now, int64_t *user, struct verr *e)
{
	int rc;

	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "using the link: %s",
		    store_error(s));
	rc = token_take(s, token, kind, now, user);
	if (rc == 1)
		verr_set(e, VERR_NOT_FOUND, "token", "token: this link is used "
		    "up, expired or wrong");
	return rc == 0 ? 0 : tx_fail(s, e, "using the link");
}

/*
 * A sign-up with an address that has an account: a password reset token
 * for it (none, "", for a disabled account), and 1.
 */
static int
existing_address(struct store *s, const char *email, int64_t now,
    int64_t *id, char token[SESSION_TOKEN_LEN], struct verr *e)
{
	switch (account_resend(s, email, now, token, id, ACCOUNT_TOKEN_RESET)) {
	case 0:
		return 1;
	case 1:
		token[0] = '\0';
		return 1;
	default:
		return verr_set(e, VERR_INTERNAL, NULL, "signing up: %s",
		    store_error(s));
	}
}

int
account_signup(struct store *s, const char *email, const char *name,
    const char *password, int64_t now, int64_t *id,
    char token[SESSION_TOKEN_LEN], struct verr *e)
{
	char login[32], key[VECHE_MAX_EMAIL + 1], hex[17], object[64];
	char hash[crypto_pwhash_STRBYTES];
	unsigned char raw[8];
	struct actor self;
	int64_t uid = 0;
	int rc;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (email == NULL || strlen(email) > VECHE_MAX_EMAIL ||
	    !parse_email_ok(email))
		return verr_set(e, VERR_INVALID, "email", "email: an e-mail "
		    "address is required (at most %d bytes)", VECHE_MAX_EMAIL);
	if (text_check("name", name, TEXT_CHECK_REQUIRED, VECHE_MAX_NAME,
	    e) == -1 || check_password(password, e) == -1 ||
	    hash_password(password, hash, e) == -1)
		return -1;
	account_email_key(email, key);
	/*
	 * The login is a pseudonym: it is what the audit log names, and the
	 * log is never rewritten, so it must not be the e-mail (docs/auth.md).
	 */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(login, sizeof(login), "citizen-%s", hex);
	memset(&self, 0, sizeof(self));
	self.role = ROLE_CITIZEN;
	snprintf(self.name, sizeof(self.name), "%s", login);
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "signing up: %s",
		    store_error(s));
	rc = store_user_insert(s, login, hash, ROLE_CITIZEN, NULL, 0, now,
	    &uid);
	if (rc == 1) {
		verr_set(e, VERR_INTERNAL, "login", "signing up: the new "
		    "pseudonym is taken: try again");
		return tx_fail(s, e, "signing up");
	}
	if (rc == 0 && (rc = store_user_set_profile(s, uid, key, name,
	    0)) == 1) {
		store_rollback(s);
		sodium_memzero(hash, sizeof(hash));
		return existing_address(s, email, now, id, token, e);
	}
	self.user_id = uid;
	snprintf(object, sizeof(object), "user:%lld", (long long)uid);
	if (rc == -1 || audit_append(s, &self, "user.signup", object, NULL,
	    "role=citizen confirmed=0", now, e) == -1 ||
	    token_new(s, uid, ACCOUNT_TOKEN_CONFIRM, now, token) == -1 ||
	    store_commit(s) == -1)
		return tx_fail(s, e, "signing up");
	sodium_memzero(hash, sizeof(hash));
	if (id != NULL)
		*id = uid;
	return 0;
}

/* Audit what a token did to user, with the user as the actor. */
static int
audit_self(struct store *s, int64_t user, const char *action,
    const char *after, int64_t now, struct verr *e)
{
	struct actor self;
	char object[64];

	memset(&self, 0, sizeof(self));
	self.role = ROLE_CITIZEN;
	self.user_id = user;
	snprintf(self.name, sizeof(self.name), "user:%lld", (long long)user);
	snprintf(object, sizeof(object), "user:%lld", (long long)user);
	return audit_append(s, &self, action, object, NULL, after, now, e);
}

int
account_confirm(struct store *s, const char *token, int64_t now,
    int64_t *id, struct verr *e)
{
	int64_t user = 0;

	if (token_begin(s, token, ACCOUNT_TOKEN_CONFIRM, now, &user, e) == -1)
		return -1;
	if (store_user_confirm(s, user) == -1 ||
	    audit_self(s, user, "user.confirm", "confirmed=1", now, e) == -1 ||
	    store_commit(s) == -1)
		return tx_fail(s, e, "confirming");
	if (id != NULL)
		*id = user;
	return 0;
}

int
account_resend(struct store *s, const char *email, int64_t now,
    char token[SESSION_TOKEN_LEN], int64_t *id, enum account_token kind)
{
	struct found f;
	int rc;

	memset(&f, 0, sizeof(f));
	if (email == NULL || (rc = by_email(s, email, &f)) == 1)
		return 1;
	if (rc == -1)
		return -1;
	if (f.disabled || (kind == ACCOUNT_TOKEN_CONFIRM && f.confirmed))
		return 1;
	if (token_new(s, f.id, kind, now, token) == -1)
		return -1;
	if (id != NULL)
		*id = f.id;
	return 0;
}

int
account_reset(struct store *s, const char *token, const char *password,
    int64_t now, struct verr *e)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t user = 0;

	if (e != NULL)
		e->kind = VERR_NONE;
	if (check_password(password, e) == -1)
		return -1;
	/*
	 * The token first: an Argon2id hash costs VECHE's memory and CPU, so
	 * only a live link pays for one (docs/auth.md).
	 */
	if (token_begin(s, token, ACCOUNT_TOKEN_RESET, now, &user, e) == -1)
		return -1;
	if (hash_password(password, hash, e) == -1)
		return tx_fail(s, e, "resetting");
	/* The link came to the mailbox: that confirms the address too. */
	if (store_user_set_password(s, user, hash) != 0 ||
	    store_user_confirm(s, user) == -1 ||
	    store_session_delete_user(s, user) == -1 ||
	    audit_self(s, user, "user.reset", "password reset by e-mail, "
	    "sessions ended", now, e) == -1 || store_commit(s) == -1)
		return tx_fail(s, e, "resetting");
	sodium_memzero(hash, sizeof(hash));
	return 0;
}

int
account_delete(struct store *s, int64_t id, const char *password,
    int64_t now, struct verr *e)
{
	struct found f;
	int rc, ok;

	if (e != NULL)
		e->kind = VERR_NONE;
	memset(&f, 0, sizeof(f));
	if ((rc = store_user_by_id(s, id, on_user, &f)) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "deleting: %s",
		    store_error(s));
	ok = rc == 0 && password != NULL &&
	    strlen(password) <= VECHE_MAX_PASSWORD &&
	    crypto_pwhash_str_verify(f.pwhash, password, strlen(password)) == 0;
	sodium_memzero(f.pwhash, sizeof(f.pwhash));
	if (!ok)
		return verr_set(e, VERR_FORBIDDEN, "password", "password: "
		    "wrong password");
	if (f.role != ROLE_CITIZEN)
		return verr_set(e, VERR_FORBIDDEN, "role", "role: staff "
		    "accounts are removed by an administrator");
	if (store_begin(s) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "deleting: %s",
		    store_error(s));
	if (audit_self(s, id, "user.delete", "personal data erased, reports "
	    "kept anonymised", now, e) == -1 || store_user_delete(s, id) == -1 ||
	    store_commit(s) == -1)
		return tx_fail(s, e, "deleting");
	return 0;
}

int
account_link_report(struct store *s, const struct actor *a, int64_t report)
{
	if (a == NULL || a->role == ROLE_SYSTEM || a->user_id <= 0)
		return 0;
	return store_user_report_link(s, a->user_id, report);
}

/* Language codes as report_langs keeps them. */
static const char *const lang_codes[LANG__MAX] = {
	[LANG_RU] = "ru",
	[LANG_EN] = "en",
};

int
account_set_report_lang(struct store *s, int64_t report, enum lang lang)
{
	return store_report_lang_put(s, report,
	    lang_codes[(unsigned)lang < LANG__MAX ? lang : LANG_RU]);
}

enum lang
account_report_lang(struct store *s, int64_t report)
{
	char code[8];
	int i;

	if (store_report_lang_get(s, report, code) != 0)
		return LANG_RU;
	for (i = 0; i < LANG__MAX; i++)
		if (strcmp(code, lang_codes[i]) == 0)
			return (enum lang)i;
	return LANG_RU;
}

int
account_reports(struct store *s, int64_t user, int64_t *ids, size_t max,
    size_t *n)
{
	return store_user_reports(s, user, ids, max, n);
}

int
account_hold_report(struct store *s, const char *payload,
    const char *photos, int64_t now, char token[SESSION_TOKEN_LEN],
    struct verr *e)
{
	unsigned char hash[32];

	session_random_token(token);
	session_token_hash(token, hash);
	if (store_held_insert(s, hash, payload, photos, now + VECHE_HELD_TTL) ==
	    -1)
		return verr_set(e, VERR_INTERNAL, NULL, "holding the report: %s",
		    store_error(s));
	return 0;
}

int
account_take_report(struct store *s, const char *token, int64_t now,
    char **payload)
{
	unsigned char hash[32];

	*payload = NULL;
	if (token == NULL || strlen(token) >= SESSION_TOKEN_LEN)
		return 1;
	session_token_hash(token, hash);
	return store_held_take(s, hash, now, payload);
}

/* store_held_expire's callback: the files of one photo go. */
static void
remove_photo(const char *id, void *arg)
{
	photo_remove(arg, id);
}

int
account_expire_held(struct store *s, const char *media_dir, int64_t now,
    size_t *n, struct verr *e)
{
	size_t got, total = 0;

	do {
		if (store_held_expire(s, now, VECHE_HELD_SWEEP_BATCH,
		    media_dir != NULL ? remove_photo : NULL, (void *)media_dir,
		    &got) == -1)
			return verr_set(e, VERR_INTERNAL, NULL, "removing "
			    "expired held reports: %s", store_error(s));
		total += got;
	} while (got == VECHE_HELD_SWEEP_BATCH);
	if (n != NULL)
		*n = total;
	return 0;
}

/* One sweep of expired held reports, then a period's wait. */
static int64_t
sweep_round(struct worker *t, void *arg)
{
	struct verr e;
	size_t n = 0;

	memset(&e, 0, sizeof(e));
	if (account_expire_held(worker_store(t), arg, clock_now(), &n,
	    &e) == -1)
		fprintf(stderr, "veche: held reports: %s\n", e.message);
	else if (n > 0)
		fprintf(stderr, "veche: %zu unconfirmed report%s removed with "
		    "%s photos\n", n, n == 1 ? "" : "s", n == 1 ? "its" :
		    "their");
	return (int64_t)VECHE_HELD_SWEEP_PERIOD * 1000;
}

struct worker *
account_sweeper_start(const char *db_path, struct store_writer *writer,
    const char *media_dir, char *err, size_t errlen)
{
	/* media_dir is the caller's and outlives the worker. */
	return worker_start_db("held report sweeper", db_path, writer,
	    sweep_round, (void *)media_dir, err, errlen);
}
