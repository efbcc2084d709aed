/*
 * query.h: topic queries ("all posts about heating in the Leninsky
 * district") compiled once and matched against many texts.
 *
 * The language (docs/text.md has the grammar):
 *
 *	отопление             any form of the word (same Snowball stem)
 *	отоплен*              any word starting with "отоплен"
 *	"ленинский район"     these words in this order and form
 *	#жкх  @mayor          a hashtag, a mention
 *	a AND b, a b          both (AND may be left out)
 *	a OR b                either
 *	NOT a                 not a
 *	a NEAR/3 b            a and b with at most 3 words between them
 *	( ... )               grouping; NOT binds tighter than NEAR, then
 *	                      AND, then OR
 *
 * A set indexes every query under terms that any matching text must
 * contain, so a text only evaluates the queries its own words point to
 * (plus the few that have no such term, like NOT a).
 *
 * Threads: a built set is read-only and may be shared; each thread matches
 * with its own struct text_matcher and struct text_ctx.
 */
#ifndef VECHE_TEXT_QUERY_H
#define VECHE_TEXT_QUERY_H

#include <stddef.h>

#include "text/tokenize.h"

struct text_query_set;
struct text_matcher;

/* An empty set, or NULL when out of memory.  Free with text_query_set_free. */
struct text_query_set *text_query_set_new(void);

/* Free a set.  Accepts NULL.  Its matchers must be freed first. */
void text_query_set_free(struct text_query_set *set);

/*
 * Compile query (len bytes) and add it to set under id (copied; at most
 * TEXT_MAX_QUERY_ID bytes of printable ASCII, unique in the set).  ctx
 * normalises and stems the terms.  Returns 0, or -1 with err set: err->offset
 * is the byte offset in query and the message says what was expected there
 * ("at byte 12: expected a word, a \"phrase\" or '(' after AND").
 */
int text_query_set_add(struct text_query_set *set, struct text_ctx *ctx,
    const char *id, const char *query, size_t len, struct text_error *err);

/*
 * Add every query of a file: one "id<TAB>query" per line, blank lines and
 * lines starting with '#' skipped.  Returns 0, or -1 with err set (err->line
 * is the file line, err->offset the byte offset in that line's query).
 * Queries before the bad line stay added.
 */
int text_query_set_load(struct text_query_set *set, struct text_ctx *ctx,
    const char *path, struct text_error *err);

/* The number of queries, and the id of query i (i < count). */
size_t text_query_set_count(const struct text_query_set *set);
const char *text_query_set_id(const struct text_query_set *set, size_t i);

/* How many queries have no required term and are tried on every text. */
size_t text_query_set_unindexed(const struct text_query_set *set);

/*
 * Write query i in canonical form into buf (size bytes, NUL-terminated):
 * "(AND stem:отоплен (OR exact:#жкх prefix:батаре))".  For tests and
 * debugging.  Returns 0, or -1 if it does not fit.
 */
int text_query_format(const struct text_query_set *set, size_t i, char *buf,
    size_t size);

/* A matcher for set, or NULL when out of memory.  Free with text_matcher_free. */
struct text_matcher *text_matcher_new(const struct text_query_set *set);

/* Free a matcher.  Accepts NULL. */
void text_matcher_free(struct text_matcher *m);

/*
 * Match an analysed text against every query of the matcher's set.  Stores
 * the indices of the matching queries in ascending order in *hits (owned by
 * the matcher, valid until its next run) and their number in *n.  Returns 0,
 * or -1 when out of memory.
 */
int text_matcher_run(struct text_matcher *m, const struct text_doc *doc,
    const size_t **hits, size_t *n);

#endif
