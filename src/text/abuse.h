/*
 * abuse.h: the pre-marks of 59-FZ art. 11 on citizens' comments: obscene
 * or offensive words, and threats to the life, health or property of an
 * official or their family.  A comment so marked is held for a moderator;
 * nothing here hides anything by itself, and harsh criticism of an agency
 * ("чиновники бездельники, позор") is not marked.
 *
 * The lexicon is built in (abuse.c): roots of Russian obscene words, which
 * match a word that starts with a root after at most one verbal prefix
 * ("за" + "еб..."), English ones by prefix, a few insults by their exact
 * forms, and threats as queries of the text engine (query.h): first-person
 * future forms ("убью", "взорву", "сожгу") and phrases ("kill you").
 * docs/participation.md lists it.
 *
 * Threads: a set is read-only once built; each thread analyses with its
 * own struct text_ctx and a matcher of its own (text_abuse_check makes one).
 */
#ifndef VECHE_TEXT_ABUSE_H
#define VECHE_TEXT_ABUSE_H

#include <stddef.h>

#include "text/tokenize.h"

enum text_abuse {
	TEXT_ABUSE_NONE,
	TEXT_ABUSE_OBSCENE,             /* obscene or offensive words */
	TEXT_ABUSE_THREAT,              /* a threat to life, health, property */
	TEXT_ABUSE__MAX
};

struct text_abuse_set;

/* "obscene", "threat"; NULL for TEXT_ABUSE_NONE or outside the enum. */
const char *text_abuse_name(enum text_abuse kind);

/*
 * The built-in lexicon compiled with ctx, or NULL with err set.  Free with
 * text_abuse_free (accepts NULL).
 */
struct text_abuse_set *text_abuse_new(struct text_ctx *ctx,
    struct text_error *err);
void text_abuse_free(struct text_abuse_set *set);

/*
 * What len bytes at s are, by the lexicon: a threat before obscenity,
 * TEXT_ABUSE_NONE when neither.  Returns 0 with *kind set, or -1 with err
 * set (malformed UTF-8, too long, out of memory).
 */
int text_abuse_check(const struct text_abuse_set *set, struct text_ctx *ctx,
    const char *s, size_t len, enum text_abuse *kind,
    struct text_error *err);

#endif
