/*
 * draft.h: the records of drafts of regulations discussed by paragraph
 * (docs/participation.md), shared by core (core/drafts.c decides), the
 * store (store/sqlite_drafts.c keeps) and api (api/web_drafts.c shows).
 * Strings in a record handed to a callback live until the callback
 * returns; the caller copies what it keeps.
 */
#ifndef VECHE_BASE_DRAFT_H
#define VECHE_BASE_DRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

/* A draft as stored. */
struct draft {
	int64_t id;
	const char *agency;             /* the owning agency's code */
	const char *title;
	int64_t opens, closes;          /* comments taken in [opens, closes] */
	int64_t created;
	int version;                    /* the current (latest) version */
	int64_t proposals;              /* published comments on all versions */
};

/* One paragraph of one version. */
struct draft_para {
	int64_t id;                     /* the comment subject's id */
	int64_t draft;
	int version;
	int article;                    /* the article's number */
	const char *article_title;
	int number;                     /* its place in the article, from 1 */
	const char *text;
	int64_t comments;               /* published comments on it */
};

/* A pasted text split into articles and paragraphs; owns its strings
 * (core/drafts.h draft_split, draft_text_free). */
struct draft_text {
	struct draft_para *paras;       /* id, draft, version, comments 0 */
	size_t nparas;
	size_t narticles;
};

/* What the agency decided on a proposal; stored as these numbers. */
enum draft_decision {
	DRAFT_UNDECIDED,
	DRAFT_ACCEPTED,
	DRAFT_PARTLY,                   /* partly accepted */
	DRAFT_REJECTED,
	DRAFT_DECISION__MAX
};

/* A proposal: a published comment on a paragraph, with its decision. */
struct draft_proposal {
	int64_t comment;
	int64_t paragraph;
	int version;
	int article, number;            /* the paragraph's "3.2" */
	const char *paragraph_text;
	const char *author;             /* the public name, or NULL */
	int64_t user;                   /* the author's account, or 0 */
	const char *body;
	const char *wording;            /* the proposed text, or NULL */
	int64_t created;
	enum draft_decision decision;
	const char *reason;             /* NULL when none */
	int64_t decided;                /* 0: not yet */
	enum lang lang;                 /* written in (LANG_RU: unknown) */
};

/* Which drafts a list reads. */
enum draft_when {
	DRAFT_ANY,
	DRAFT_OPEN,                     /* opens <= now <= closes */
	DRAFT_CLOSED,                   /* closes < now */
	DRAFT_UPCOMING,                 /* now < opens */
	DRAFT_WHEN__MAX
};

struct draft_filter {
	enum draft_when when;
	const char *agency;             /* NULL: all */
	int64_t now;
	size_t limit;
};

#endif
