/*
 * store_drafts.h: the tables of drafts of regulations, their versions,
 * articles and paragraphs, proposed wordings and the agency's decisions
 * (sqlite_drafts.c).  Same conventions as store.h: 0 or -1 (store_error
 * says why), 1 for "not found", 2 for "already there".  Records are
 * base/draft.h's.  The writes join the caller's transaction (core opens
 * one per change, with its audit entry) or run in one of their own.
 */
#ifndef VECHE_STORE_DRAFTS_H
#define VECHE_STORE_DRAFTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/draft.h"

struct store;

/* Add d (id, version, proposals ignored) with no version yet: 0 with *id. */
int store_draft_add(struct store *s, const struct draft *d, int64_t *id);

/* Add version n of draft with t's articles and paragraphs; it is current. */
int store_draft_version_add(struct store *s, int64_t draft, int n,
    const struct draft_text *t, int64_t now);

/* Draft id to fn: 1 when there is none. */
int store_draft_get(struct store *s, int64_t id,
    int (*fn)(const struct draft *, void *), void *arg);

/* Drafts matching f, newest first, at most f->limit, to fn. */
int store_draft_each(struct store *s, const struct draft_filter *f,
    int (*fn)(const struct draft *, void *), void *arg);

/* Version v of draft's paragraphs in order, with published comments. */
int store_draft_paras(struct store *s, int64_t draft, int version,
    int (*fn)(const struct draft_para *, void *), void *arg);

/* Paragraph id to fn: 1 when there is none. */
int store_draft_para_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_para *, void *), void *arg);

/* Keep the wording proposed with comment on paragraph. */
int store_draft_wording_add(struct store *s, int64_t comment,
    int64_t paragraph, const char *text);

/* Record the decision on comment: 0, or 2 when it has one already. */
/*
 * The accounts with a published comment on any version of draft, at most
 * limit, each once with the language of its latest comment, to fn.
 */
int store_draft_participants(struct store *s, int64_t draft, size_t limit,
    int (*fn)(int64_t, enum lang, void *), void *arg);

/* The language comment (a proposal) was written in. */
int store_draft_lang_add(struct store *s, int64_t comment, enum lang lang);

int store_draft_decide(struct store *s, int64_t comment,
    enum draft_decision d, const char *reason, int64_t by, int64_t now);

/*
 * The published comments on draft's paragraphs (paragraph 0: all, else
 * that one), with wordings and decisions, at most limit, to fn.
 */
int store_draft_proposals(struct store *s, int64_t draft, int64_t paragraph,
    size_t limit, int (*fn)(const struct draft_proposal *, void *),
    void *arg);

/* Published comment id on a draft paragraph to fn: 1 when none. */
int store_draft_proposal_get(struct store *s, int64_t id,
    int (*fn)(const struct draft_proposal *, void *), void *arg);

#endif
