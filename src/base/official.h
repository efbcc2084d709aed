/*
 * official.h: the records of officials' pages (docs/officials.md): a staff
 * member's public profile, their short notes, their "questions of the
 * day" and the citizens' answers.  Shared by core (core/officials.c
 * decides), the store (store/sqlite_officials.c keeps) and api
 * (api/web_officials.c shows).  Strings in a record handed to a callback
 * live until the callback returns; the caller copies what it keeps.
 */
#ifndef VECHE_BASE_OFFICIAL_H
#define VECHE_BASE_OFFICIAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

/*
 * A staff member's profile.  email and phone are private: for the
 * digests' e-mail only, never shown (core/officials.c hands them to the
 * owner and the mailer, nobody else).
 */
struct official_profile {
	int64_t user;
	int public;                     /* 0: private (the default) */
	const char *name;               /* display name */
	const char *position;
	const char *agency;             /* one of the account's agencies */
	const char *bio;
	const char *email;              /* private, may be NULL */
	const char *phone;              /* private, may be NULL */
	enum role role;                 /* the account's role now */
	int64_t updated;
};

/* A short note of an official (plain text, links made clickable). */
struct official_note {
	int64_t id;
	int64_t user;
	const char *body;
	int64_t created;
};

/* A "question of the day": answered from created until closes. */
struct official_question {
	int64_t id;
	int64_t user;
	const char *text;
	int64_t created;
	int64_t closes;
	int64_t mailed;                 /* the digest was mailed at, 0: not */
	int64_t answers;                /* how many answers it has */
};

/* A citizen's answer; name is the citizen's public name or NULL. */
struct official_answer {
	int64_t id;
	int64_t question;
	int64_t user;
	const char *name;
	const char *body;
	int64_t created;
};

#endif
