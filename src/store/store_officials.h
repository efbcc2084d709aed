/*
 * store_officials.h: the tables of officials' pages (sqlite_officials.c):
 * profiles, notes, questions of the day and answers.  Same conventions as
 * store.h: 0 or -1 (store_error says why), 1 for "not found" or "nothing
 * changed", 2 for "already there".  Records are base/official.h's; a
 * profile read joins the account, so a disabled account or one that is
 * no longer staff has no profile to read.
 */
#ifndef VECHE_STORE_OFFICIALS_H
#define VECHE_STORE_OFFICIALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/official.h"

struct store;

/* Insert or replace p (by p->user). */
int store_official_profile_put(struct store *s,
    const struct official_profile *p);

/* The profile of user to fn: 1 when there is none. */
int store_official_profile_get(struct store *s, int64_t user,
    int (*fn)(const struct official_profile *, void *), void *arg);

/*
 * Public profiles of staff accounts, of agency (NULL: all), ordered by
 * agency, heads first, then name; to fn.
 */
int store_official_profile_each(struct store *s, const char *agency,
    int (*fn)(const struct official_profile *, void *), void *arg);

/* Add a note of user: 0 with *id. */
int store_official_note_add(struct store *s, int64_t user, const char *body,
    int64_t now, int64_t *id);

/* Note id to fn: 1 when none. */
int store_official_note_get(struct store *s, int64_t id,
    int (*fn)(const struct official_note *, void *), void *arg);

/* The notes of user, newest first, at most limit, to fn. */
int store_official_note_each(struct store *s, int64_t user, size_t limit,
    int (*fn)(const struct official_note *, void *), void *arg);

/* Add question q (id, mailed, answers ignored): 0 with *id. */
int store_official_question_add(struct store *s,
    const struct official_question *q, int64_t *id);

/* Question id to fn: 1 when none. */
int store_official_question_get(struct store *s, int64_t id,
    int (*fn)(const struct official_question *, void *), void *arg);

/* The questions of user, newest first, at most limit, to fn. */
int store_official_question_each(struct store *s, int64_t user,
    size_t limit, int (*fn)(const struct official_question *, void *),
    void *arg);

/* Add answer a: 0 with *id, 2 when a->user answered already. */
int store_official_answer_add(struct store *s,
    const struct official_answer *a, int64_t *id);

/* The answers of question, oldest first, to fn. */
int store_official_answer_each(struct store *s, int64_t question,
    int (*fn)(const struct official_answer *, void *), void *arg);

/*
 * Mark question id's digest mailed at now, once: 0 when this call marked
 * it, 1 when it was marked before.
 */
int store_official_question_mailed(struct store *s, int64_t id,
    int64_t now);

/*
 * The questions closed at now whose digest is not mailed yet, the
 * earliest closed first, at most max ids into ids (*n of them).
 */
int store_official_questions_due(struct store *s, int64_t now, int64_t *ids,
    size_t max, size_t *n);

#endif
