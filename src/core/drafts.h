/*
 * drafts.h: public discussion of drafts of regulations, by paragraph
 * (docs/participation.md "Drafts of regulations").
 *
 * The owning agency's staff (operators, heads) or an administrator publish
 * a draft: a title, the agency, a discussion period and the text, pasted
 * and split here into numbered articles and paragraphs (draft_split).  They
 * publish new versions; every version is kept.  Signed-in citizens comment
 * on a paragraph of the current version while the period is open, with an
 * optional proposed wording: the comment lives in the one comment system
 * (core/social.h, subject kind "draft_paragraph"), so votes, flags,
 * ordering and moderation are its.  The agency answers each proposal:
 * accepted, partly accepted or rejected, with a reason (required for the
 * last two).  Every change is one transaction with its audit entry.
 */
#ifndef VECHE_CORE_DRAFTS_H
#define VECHE_CORE_DRAFTS_H

#include <stddef.h>
#include <stdint.h>

#include "veche.h"
#include "base/draft.h"
#include "base/model.h"
#include "core/error.h"

struct store;

/*
 * Split text: a line "Статья N. Title" or "Article N. Title" starts
 * article N (numbers rise, each once); inside an article a line starting
 * with a marker ("1.", "2)", "а)", "b)") starts a paragraph, a blank line
 * ends one, and a block of lines after a blank line is a paragraph too.
 * Paragraphs are numbered from 1 in each article ("3.2").  Returns 0 with
 * *out filled (free with draft_text_free), or -1 with e set: VERR_INVALID
 * naming "text", its message naming the line ("text: line 4: ...").
 */
int draft_split(const char *text, struct draft_text *out, struct verr *e);

/* Free what draft_split made; accepts a zeroed or freed one. */
void draft_text_free(struct draft_text *t);

/* One step of a word diff. */
enum draft_diff_op { DRAFT_SAME, DRAFT_INS, DRAFT_DEL };

/*
 * The word-level difference from old to new (words are runs of non-blank
 * bytes; a longest common subsequence of at most VECHE_DRAFT_DIFF_WORDS
 * words each side, past which the whole old text is deleted and the new
 * inserted): fn gets each word in order with its operation.  Returns 0,
 * fn's non-zero result, or -1 out of memory.
 */
int draft_diff(const char *old, const char *new,
    int (*fn)(enum draft_diff_op op, const char *word, size_t len, void *),
    void *arg);

/* "accepted", "partly", "rejected" ("" undecided); the parse: -1 unknown. */
const char *draft_decision_name(enum draft_decision d);
int draft_decision_parse(const char *s);

/* Whether d takes comments at now (opens <= now <= closes). */
int draft_is_open(const struct draft *d, int64_t now);

/* Whether act may publish and answer drafts of agency (staff, admins). */
int draft_may_edit(const struct actor *act, const char *agency);

/* A draft as typed; NULL or "": absent. */
struct draft_input {
	const char *agency;             /* a code of the catalogue (caller checks) */
	const char *title;
	const char *opens, *closes;     /* YYYY-MM-DD or a W3C date-time */
	const char *text;
};

/*
 * act publishes a draft with its first version: 0 with *id, or -1 with e
 * naming the field (VERR_FORBIDDEN naming "agency" for another agency's
 * staff); nothing is written then.
 */
int draft_publish(struct store *s, const struct actor *act,
    const struct draft_input *in, int64_t now, int64_t *id, struct verr *e);

/*
 * act publishes text as draft id's next version: 0 with its number in *n,
 * or -1 with e (VERR_NOT_FOUND "id", VERR_FORBIDDEN "agency", "text").
 */
int draft_version_add(struct store *s, const struct actor *act, int64_t id,
    const char *text, int64_t now, int *n, struct verr *e);

/* Draft id to fn: 0, 1 when none, -1. */
int draft_get(struct store *s, int64_t id,
    int (*fn)(const struct draft *, void *), void *arg);

/* Drafts matching f (limit at most VECHE_DRAFT_LIST), newest first. */
int draft_each(struct store *s, const struct draft_filter *f,
    int (*fn)(const struct draft *, void *), void *arg);

/* Version v of draft's paragraphs in order, with comment counts, to fn. */
int draft_paras(struct store *s, int64_t draft, int version,
    int (*fn)(const struct draft_para *, void *), void *arg);

/* Paragraph id to fn: 0, 1 when none, -1. */
int draft_para_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_para *, void *), void *arg);

/*
 * The comment kind's existence check (core/social.c): 0 when paragraph id
 * takes comments now (it exists, is of its draft's current version and the
 * period is open by clock_now()), 1 when not, -1 on a store error.
 */
int draft_para_present(struct store *s, int64_t id);

/* A comment on a paragraph as a citizen sends it. */
struct draft_comment_input {
	int64_t paragraph;
	const struct actor *by;         /* signed in */
	const char *author;             /* the public name, or NULL */
	const char *body;
	const char *wording;            /* the proposed text, or NULL */
	const char *device;
	enum lang lang;                 /* written in: the decision's mail's */
	int64_t now;
};

/*
 * A signed-in citizen comments on a paragraph, with an optional wording;
 * the comment (social_comment_add: pre-marks, moderation) and the wording
 * commit together.  Returns 0 with the comment's id in *id and *held as
 * social_comment_add's, or -1 with e: VERR_FORBIDDEN "session",
 * VERR_NOT_FOUND "paragraph", VERR_CONFLICT "period" (not open) or
 * "version" (an older version's paragraph), VERR_INVALID "body",
 * "wording", "author".
 */
int draft_comment(struct store *s, const struct draft_comment_input *in,
    int64_t *id, const char **held, struct verr *e);

/*
 * act (the owning agency's staff or an administrator) answers proposal
 * (a comment) with decision ("accepted", "partly", "rejected") and reason
 * (required unless accepted).  Returns 0 with the proposal's author
 * account in *author (0: anonymous), the language it was written in in
 * *lang (its author's mail's) and its paragraph in *paragraph, or
 * -1 with e:
 * VERR_INVALID "decision" / "reason", VERR_NOT_FOUND "comment",
 * VERR_FORBIDDEN "agency", VERR_CONFLICT "decision" (answered already).
 */
int draft_decide(struct store *s, const struct actor *act, int64_t comment,
    const char *decision, const char *reason, int64_t now, int64_t *author,
    enum lang *lang, int64_t *paragraph, struct verr *e);

/*
 * The draft's participants: each account that published a comment on any
 * of its versions, once, with the language it last wrote in, to fn (at
 * most VECHE_DRAFT_SUMMARY; anonymous comments have no account).  Returns
 * 0, or -1 on a store error.
 */
int draft_participants(struct store *s, int64_t draft,
    int (*fn)(int64_t user, enum lang lang, void *), void *arg);

/*
 * The published proposals of draft (paragraph 0) or of one paragraph, by
 * version, article, paragraph and time, at most VECHE_DRAFT_SUMMARY, to fn.
 * The records hold the public name only, never an e-mail.
 */
int draft_proposals(struct store *s, int64_t draft, int64_t paragraph,
    int (*fn)(const struct draft_proposal *, void *), void *arg);

#endif
