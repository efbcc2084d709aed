/*
 * store_accounts.h: users, their agencies and sessions (sqlite_accounts.c,
 * on SQLite or PostgreSQL: sessions are rows, so every process on one
 * database finds every session).
 *
 * Conventions as in store.h: 0 or -1 (store_error says why), 1 for "not
 * found"; records handed to callbacks live only during the call.
 */
#ifndef VECHE_STORE_ACCOUNTS_H
#define VECHE_STORE_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct store;

#define STORE_SESSION_HASH_LEN 32

/* struct store_user is a plain record of base/model.h. */

/*
 * Insert a user with its agencies; the new id goes to *id.  Returns 0, 1
 * when the login is taken, or -1.  Joins the caller's transaction if one is
 * open.
 */
int store_user_insert(struct store *s, const char *login, const char *pwhash,
    enum role role, const char *const *agencies, size_t nagencies,
    int64_t now, int64_t *id);

/* Look a user up by login or id; 1 if none. */
int store_user_by_login(struct store *s, const char *login,
    int (*fn)(const struct store_user *, void *), void *arg);
int store_user_by_id(struct store *s, int64_t id,
    int (*fn)(const struct store_user *, void *), void *arg);

/* Every user, by id. */
int store_user_each(struct store *s,
    int (*fn)(const struct store_user *, void *), void *arg);

/* Replace a user's password hash; 1 if no such user. */
int store_user_set_password(struct store *s, int64_t id, const char *pwhash);

/* Replace a user's role and agencies; 1 if no such user. */
int store_user_set_role(struct store *s, int64_t id, enum role role,
    const char *const *agencies, size_t nagencies);

/*
 * Sessions: hash is the digest of the cookie token (the token itself is
 * never stored), csrf the form token of the session.
 */
int store_session_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t user,
    const char *csrf, int64_t now, int64_t expires);

/* A live session (expires > now): its user id and CSRF token; 1 if none. */
int store_session_find(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now,
    int64_t *user, char *csrf, size_t csrflen);

/* Remove one session, and every expired one. */
int store_session_delete(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now);

/* Remove every session of a user (after a password change). */
int store_session_delete_user(struct store *s, int64_t user);

/* A user by e-mail (citizens' web accounts); 1 if none. */
int store_user_by_email(struct store *s, const char *email,
    int (*fn)(const struct store_user *, void *), void *arg);

/*
 * Set a user's e-mail, name and confirmation; 1 (nothing changed) when
 * another user holds the e-mail, or there is no user id.
 */
int store_user_set_profile(struct store *s, int64_t id, const char *email,
    const char *name, int confirmed);

/* Mark a user's e-mail confirmed. */
int store_user_confirm(struct store *s, int64_t id);

/*
 * Single-use tokens of a kind (account.h's enum account_token), kept as
 * digests.  Inserting one replaces the user's live token of that kind and
 * sweeps expired ones.  store_token_take removes a live (expires > now)
 * token and gives its user: 0, 1 if there is none, -1.
 */
int store_token_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t user,
    int kind, int64_t now, int64_t expires);
int store_token_take(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int kind, int64_t now,
    int64_t *user);

/*
 * Record that user filed report: the report's column reporter_user, the one
 * link from a report to its account (in the caller's transaction).
 */
int store_user_report_link(struct store *s, int64_t user, int64_t report);

/* The ids of the reports user filed, newest first, at most max. */
int store_user_reports(struct store *s, int64_t user, int64_t *ids,
    size_t max, size_t *n);

/*
 * Delete user id: the contact rows of the reports it filed, the links to
 * them (reporter_user becomes NULL, so that no later account that gets the
 * same id inherits them), its sessions, tokens, agencies and the user row.
 * The reports stay.
 */
int store_user_delete(struct store *s, int64_t id);

/*
 * Reports held until their reporter confirms the e-mail (serve
 * --confirm-reports): payload is the submission as JSON, kept under the
 * digest of the token mailed, with the ids of its photos (photos,
 * space-separated, may be "").  store_held_take removes a live one and
 * gives its payload (malloc'd, the caller frees it): 0, 1 if none, -1.
 */
int store_held_insert(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], const char *payload,
    const char *photos, int64_t expires);

/*
 * Remove at most max held reports that expired (expires <= now) and the
 * rows of their photos, in one transaction; then call fn (may be NULL)
 * with each photo id, whose files the caller removes.  *n receives the
 * number of held reports removed.  0 or -1.
 */
int store_held_expire(struct store *s, int64_t now, size_t max,
    void (*fn)(const char *photo, void *), void *arg, size_t *n);
int store_held_take(struct store *s,
    const unsigned char hash[STORE_SESSION_HASH_LEN], int64_t now,
    char **payload);

/*
 * The language ("ru", "en") of the page report was filed from, for its
 * reporter's e-mail: put (in the caller's transaction), get (1 if none).
 */
int store_report_lang_put(struct store *s, int64_t report, const char *lang);
int store_report_lang_get(struct store *s, int64_t report, char lang[8]);

#endif
