/*
 * account.h: people who sign in: citizens (optional: reporting needs no
 * account), moderators, agency operators and heads (bound to agencies) and
 * administrators.  Passwords are kept as libsodium Argon2id strings
 * (crypto_pwhash_str) at the INTERACTIVE cost; VECHE_PWHASH_FAST=1 in the
 * environment lowers new hashes to libsodium's minimum cost, for tests only.
 * Every change to an account is written to the audit log in the same
 * transaction.
 */
#ifndef VECHE_ACCOUNT_H
#define VECHE_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/session.h"
#include "base/model.h"
#include "veche.h"

struct catalog;
struct store;

/* "citizen", "moderator", "operator", "head", "admin", "system". */
const char *account_role_name(enum role r);
/* The role named so, or ROLE__MAX.  "system" is not a user role. */
enum role account_role_parse(const char *name);

/*
 * Create a user.  login: 1 to VECHE_MAX_LOGIN bytes of [a-z0-9._@-];
 * password: VECHE_MIN_PASSWORD to VECHE_MAX_PASSWORD bytes; operators and
 * heads need 1 to ACTOR_MAX_AGENCIES agencies of catalogue c, other roles
 * none.  by is who does it (for the audit log).  The new id goes to *id
 * (may be NULL).  Returns 0, or -1 with e set: VERR_INVALID naming the
 * field, VERR_CONFLICT for a taken login, VERR_INTERNAL.
 */
int account_create(struct store *s, const struct catalog *c,
    const struct actor *by, const char *login, const char *password,
    enum role role, const char *const *agencies, size_t nagencies,
    int64_t now, int64_t *id, struct verr *e);

/*
 * Set the password of login and end its sessions.  Returns 0, or -1 with e
 * set (VERR_NOT_FOUND, VERR_INVALID on "password", VERR_INTERNAL).
 */
int account_set_password(struct store *s, const struct actor *by,
    const char *login, const char *password, int64_t now, struct verr *e);

/*
 * Set the role and agencies of user id, under the rules of
 * account_create, and end its sessions.  Returns 0, or -1 with e set.
 */
int account_set_role(struct store *s, const struct catalog *c,
    const struct actor *by, int64_t id, enum role role,
    const char *const *agencies, size_t nagencies, int64_t now,
    struct verr *e);

/*
 * Check login and password.  Returns 0 and fills *out, or -1 with e set:
 * VERR_FORBIDDEN (field "password") for an unknown login, a wrong password
 * or a disabled account alike, VERR_INTERNAL.  Takes as long for an unknown
 * login as for a known one.
 */
int account_authenticate(struct store *s, const char *login,
    const char *password, struct actor *out, struct verr *e);

/* The actor of user id: 0, 1 if no such (or disabled) user, -1. */
int account_actor(struct store *s, int64_t id, struct actor *out);

/*
 * Reads: every user by id; one user (1 if there is none).  Records live
 * only during fn.  Return 0, fn's non-zero result, or -1 (db_error).
 */
int account_each(struct store *s,
    int (*fn)(const struct store_user *, void *), void *arg);
int account_get(struct store *s, int64_t id,
    int (*fn)(const struct store_user *, void *), void *arg);

/*
 * Citizens' web accounts (docs/auth.md).  A sign-up gives an unconfirmed
 * account that cannot sign in until the link of its confirmation e-mail is
 * followed.  Tokens are single-use, expire (VECHE_CONFIRM_TTL,
 * VECHE_RESET_TTL) and are kept only as digests; a new one of a kind
 * replaces the user's previous one.  token buffers are SESSION_TOKEN_LEN
 * (core/session.h) bytes.
 */
enum account_token {
	ACCOUNT_TOKEN_CONFIRM,
	ACCOUNT_TOKEN_RESET,
	ACCOUNT_TOKEN__MAX
};

/*
 * Sign up a citizen: email (also the sign-in name), name, password.  The
 * login is a pseudonym ("citizen-" and hex) so that the audit log holds
 * no e-mail.  Returns 0 with a new account's confirmation token; 1 when
 * the address already has an account (nothing created): token is then a
 * password reset token of that account (*id), "" if it is disabled, so
 * that the caller can answer as for a new address and tell the owner
 * (docs/auth.md: no account enumeration); -1 with e set: VERR_INVALID
 * naming the field, VERR_INTERNAL.  The password is hashed either way, so
 * both answers take as long.
 */
int account_signup(struct store *s, const char *email, const char *name,
    const char *password, int64_t now, int64_t *id,
    char token[SESSION_TOKEN_LEN], struct verr *e);

/* Use a confirmation token: 0 (user in *id), or -1 (VERR_NOT_FOUND). */
int account_confirm(struct store *s, const char *token, int64_t now,
    int64_t *id, struct verr *e);

/*
 * email as accounts are keyed by it (ASCII letters in lower case, at most
 * VECHE_MAX_EMAIL bytes) into out; rate limits per address use it too.
 */
void account_email_key(const char *email, char out[VECHE_MAX_EMAIL + 1]);

/*
 * A new token of kind for the account of email (a confirmation only for an
 * unconfirmed one).  Returns 0 with token and *id, 1 when there is no such
 * account (the caller answers the same either way), -1.
 */
int account_resend(struct store *s, const char *email, int64_t now,
    char token[SESSION_TOKEN_LEN], int64_t *id, enum account_token kind);

/*
 * Use a reset token to set a new password; ends the user's sessions and
 * confirms the address.  The token is checked before the password is
 * hashed: a wrong link costs no Argon2id.  0, or -1 with e set
 * (VERR_INVALID "password", VERR_NOT_FOUND "token").
 */
int account_reset(struct store *s, const char *token, const char *password,
    int64_t now, struct verr *e);

/*
 * Delete citizen id after checking password: its name, e-mail, password
 * hash, sessions and tokens, and the contact data of the reports it
 * filed; the reports stay, anonymised.  0, or -1 with e set
 * (VERR_FORBIDDEN "password" or "role").
 */
int account_delete(struct store *s, int64_t id, const char *password,
    int64_t now, struct verr *e);

/*
 * Link report to the signed-in user a (nothing for NULL or an API key):
 * reports.reporter_user, the one link that "my reports", account deletion
 * and the reporter's own actions read.  In the caller's transaction; 0 or
 * -1.
 */
int account_link_report(struct store *s, const struct actor *a,
    int64_t report);

/*
 * The reporter's language of report: record lang (in the caller's
 * transaction; 0 or -1); read it (LANG_RU when none was recorded or the
 * store fails).
 */
int account_set_report_lang(struct store *s, int64_t report, enum lang lang);
enum lang account_report_lang(struct store *s, int64_t report);

/*
 * Reports held for confirmation (serve --confirm-reports, docs/auth.md):
 * keep payload (the submission, as the caller serialised it) and the ids
 * of its photos (photos, space-separated, may be "") under a new token
 * that lives VECHE_HELD_TTL; take it back, once, by the token (0 with
 * *payload malloc'd for the caller to free, 1 when the token is used up,
 * expired or wrong, -1).
 */
int account_hold_report(struct store *s, const char *payload,
    const char *photos, int64_t now, char token[SESSION_TOKEN_LEN],
    struct verr *e);
int account_take_report(struct store *s, const char *token, int64_t now,
    char **payload);

/*
 * Remove the held reports that expired by now, their photos' rows and
 * files under media_dir (may be NULL: rows only).  *n (may be NULL)
 * receives how many reports went.  0, or -1 with e set.
 */
int account_expire_held(struct store *s, const char *media_dir, int64_t now,
    size_t *n, struct verr *e);

/*
 * A thread (core/worker.h) that runs account_expire_held every
 * VECHE_HELD_SWEEP_PERIOD seconds (and at once) on its own connection to
 * db_path, attached to writer (may be NULL); worker_stop ends it.
 * media_dir must outlive it.  NULL with err set.
 */
struct store_writer;
struct worker;
struct worker *account_sweeper_start(const char *db_path,
    struct store_writer *writer, const char *media_dir, char *err,
    size_t errlen);

/* The ids of the reports user filed, newest first, at most max. */
int account_reports(struct store *s, int64_t user, int64_t *ids, size_t max,
    size_t *n);

#endif
