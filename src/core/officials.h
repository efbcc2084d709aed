/*
 * officials.h: officials' pages (docs/officials.md).
 *
 * A staff member (operator or head) may turn on a public profile (off by
 * default): a display name, a position, one of their agencies and a short
 * bio; an e-mail and a phone kept private (the digests' e-mail goes
 * there).  With a public profile they post short notes (citizens comment
 * through the one comment system, kind "official_note") and ask
 * "questions of the day" that signed-in citizens answer, once each, until
 * the question's closing time; after it, a digest groups the answers by
 * sentiment (the text engine's model) and by topic (shared stems).
 *
 * Reads decide what a caller sees: the private fields only reach the
 * profile's owner (official_profile_get with viewer the owner) and the
 * mailer (official_mail_to).
 */
#ifndef VECHE_CORE_OFFICIALS_H
#define VECHE_CORE_OFFICIALS_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/model.h"
#include "base/official.h"
#include "core/error.h"

struct store;

/* Whether act is staff who may have a profile (an operator or a head). */
int official_is_staff(const struct actor *act);

/* A profile as typed; NULL or "": absent. */
struct official_input {
	const char *public;             /* "1", "on", "true": public */
	const char *name;
	const char *position;
	const char *agency;             /* absent: the account's first */
	const char *bio;
	const char *email;              /* private */
	const char *phone;              /* private */
};

/*
 * act (staff) saves its profile: 0, or -1 with e naming the field
 * (VERR_FORBIDDEN naming "role" for anyone but staff).
 */
int official_profile_save(struct store *s, const struct actor *act,
    const struct official_input *in, int64_t now, struct verr *e);

/*
 * The profile of user as viewer (may be NULL) may see it, to fn: the
 * owner sees everything, others a public profile without e-mail and
 * phone.  0, 1 when there is none to see, -1.
 */
int official_profile_get(struct store *s, const struct actor *viewer,
    int64_t user, int (*fn)(const struct official_profile *, void *),
    void *arg);

/* The public profiles of agency (NULL: all), without private fields. */
int official_each(struct store *s, const char *agency,
    int (*fn)(const struct official_profile *, void *), void *arg);

/*
 * act, with a public profile, posts a note (1 to VECHE_OFFICIAL_MAX_NOTE
 * characters): 0 with *id, or -1 with e (VERR_CONFLICT naming "profile"
 * while the profile is not public).
 */
int official_note_post(struct store *s, const struct actor *act,
    const char *body, int64_t now, int64_t *id, struct verr *e);

/* Note id of a public profile to fn: 0, 1 when none, -1. */
int official_note_get(struct store *s, int64_t id,
    int (*fn)(const struct official_note *, void *), void *arg);

/*
 * For the comment system's kinds (core/social.c): 0 when note id exists
 * (of a public profile), 1 when not, -1 on a store error.
 */
int official_note_exists(struct store *s, int64_t id);

/* The notes of user, newest first (at most VECHE_OFFICIAL_LIST). */
int official_note_each(struct store *s, int64_t user,
    int (*fn)(const struct official_note *, void *), void *arg);

/*
 * act, with a public profile, asks text, answered from now until closes:
 * "HH:MM" (today in the deployment's zone) or a W3C date-time, after now
 * and at most VECHE_OFFICIAL_WINDOW_DAYS ahead.  0 with *id, or -1 with e
 * naming "text" or "closes".
 */
int official_question_ask(struct store *s, const struct actor *act,
    const char *text, const char *closes, int64_t now, int64_t *id,
    struct verr *e);

/* Question id (of a public profile) to fn: 0, 1 when none, -1. */
int official_question_get(struct store *s, int64_t id,
    int (*fn)(const struct official_question *, void *), void *arg);

/* The questions of user, newest first (at most VECHE_OFFICIAL_LIST). */
int official_question_each(struct store *s, int64_t user,
    int (*fn)(const struct official_question *, void *), void *arg);

/* Whether q takes answers at now. */
int official_question_open(const struct official_question *q, int64_t now);

/*
 * act (signed in) answers question id: 0 with *aid, or -1 with e:
 * VERR_NOT_FOUND, VERR_INVALID naming "body", VERR_CONFLICT naming
 * "closes" after the closing time or "answer" for a second answer.  The
 * answer carries the account's public name, or none ("a citizen").
 */
int official_answer(struct store *s, const struct actor *act, int64_t id,
    const char *body, int64_t now, int64_t *aid, struct verr *e);

/* The answers of question id, oldest first, to fn. */
int official_answer_each(struct store *s, int64_t id,
    int (*fn)(const struct official_answer *, void *), void *arg);

/* A topic of a digest: answers sharing a key stem. */
struct official_topic {
	char stem[64];                  /* the stem, as the text engine made it */
	char word[64];                  /* a word it stands for, as first typed */
	int64_t count;                  /* answers in the group */
	const char *samples[VECHE_OFFICIAL_SAMPLES];    /* representatives */
	int64_t sample_ids[VECHE_OFFICIAL_SAMPLES];
	size_t nsamples;
};

/* A question's digest (docs/officials.md, "The digest"). */
struct official_digest {
	int64_t total;
	int64_t sentiment[3];           /* negative, neutral, positive */
	struct official_topic topics[VECHE_OFFICIAL_TOPICS];
	size_t ntopics;
	int64_t other;                  /* answers in no group */
	char **bodies;                  /* the answers' copies samples point at */
	size_t nbodies;
};

/*
 * The digest of question q's answers into *d (free with
 * official_digest_free).  0, or -1 with e (the text engine missing).
 */
int official_digest(struct store *s, const struct official_question *q,
    struct official_digest *d, struct verr *e);

void official_digest_free(struct official_digest *d);

/*
 * Claim the mailing of closed question q's digest: 0 with the private
 * e-mail of its official in to (size bytes; "" when none was given) when
 * this call claimed it (so exactly one caller mails), 1 when it is not
 * closed at now or was claimed before, -1.
 */
int official_mail_to(struct store *s, const struct official_question *q,
    int64_t now, char *to, size_t size);

/*
 * Mail the digest of every question closed at now and not mailed yet (at
 * most VECHE_OFFICIAL_DUE a call) to its official's private e-mail, in
 * Russian and English, with a link under public_url (may be NULL: none).
 * Each is claimed first (official_mail_to), so each digest is mailed once
 * whoever else runs this; a question whose official gave no e-mail is
 * claimed and not mailed; a failed send is logged and not retried.
 * Returns how many were claimed, or -1 on a store error.
 */
int official_digests_mail(struct store *s, const char *public_url,
    int64_t now);

/*
 * The worker that mails due digests (official_digests_mail every
 * VECHE_OFFICIAL_POLL_MS by clock_now()), on its own connection to
 * db_path.  NULL with a message in err.
 */
struct store_writer;
struct official_mailer;
struct official_mailer *official_mailer_start(const char *db_path,
    struct store_writer *writer, const char *public_url, char *err,
    size_t errlen);

/* Stop the worker and free it; accepts NULL. */
void official_mailer_stop(struct official_mailer *m);

#endif
