/*
 * tokenize.h: normalise and tokenise Russian and English text.
 *
 * text_analyze turns one UTF-8 text into tokens: it validates the bytes,
 * normalises (NFKC, Unicode case folding, ё -> е, default-ignorable code
 * points such as soft hyphens dropped), splits into words, numbers,
 * hashtags, @mentions, URLs, e-mail addresses and emoji, and stems words
 * with Snowball (Russian for Cyrillic words, English for Latin ones).
 * Every token keeps the byte offsets of its source in the original input,
 * so a caller can highlight it.  docs/text.md describes the rules.
 *
 * Threads: a struct text_ctx holds the Snowball stemmers and scratch
 * buffers, none of which may be shared.  Use one context per thread.
 */
#ifndef VECHE_TEXT_TOKENIZE_H
#define VECHE_TEXT_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "text/base.h"

struct text_ctx;

enum text_token_kind {
	TEXT_TOKEN_WORD,
	TEXT_TOKEN_NUMBER,
	TEXT_TOKEN_HASHTAG,
	TEXT_TOKEN_MENTION,
	TEXT_TOKEN_URL,
	TEXT_TOKEN_EMAIL,
	TEXT_TOKEN_EMOJI,
	TEXT_TOKEN__MAX
};

/* The script of a word's letters (after homoglyph repair, see docs). */
enum text_script {
	TEXT_SCRIPT_NONE,	/* no letters: numbers, emoji, ... */
	TEXT_SCRIPT_LATIN,
	TEXT_SCRIPT_CYRILLIC,
	TEXT_SCRIPT_MIXED,	/* Latin and Cyrillic that repair could not settle */
	TEXT_SCRIPT_OTHER,	/* Greek, Arabic, CJK, ... */
	TEXT_SCRIPT__MAX
};

/*
 * One token.  start/end are byte offsets into the caller's input
 * ([start, end)).  norm is the normalised form; stem is the Snowball stem for
 * words (equal to norm for other kinds and for words that are not stemmed).
 * For a hashtag, norm includes the '#', stem is the stem of the tag's body.
 * Neither string is NUL-terminated; both belong to the context.
 */
struct text_token {
	enum text_token_kind kind;
	enum text_script script;
	size_t start, end;
	const char *norm;
	size_t norm_len;
	const char *stem;
	size_t stem_len;
	int stop;		/* 1: a stop word of its language */
};

/*
 * The analysis of one text.  src is the caller's input (not copied); norm is
 * the whole normalised text; tokens are in text order.  Everything but src
 * belongs to the context and is valid until the next text_analyze or
 * text_ctx_free on that context.
 */
struct text_doc {
	const char *src;
	size_t src_len;
	const char *norm;
	size_t norm_len;
	const struct text_token *tokens;
	size_t ntokens;
};

/*
 * Create a context: loads the stop-word lists text/stop-ru.txt and
 * text/stop-en.txt from datadir (NULL: $VECHE_DATADIR, then the built-in
 * path) and creates the stemmers.  Returns NULL with err set when a file is
 * missing or malformed or memory runs out.  Free with text_ctx_free.
 */
struct text_ctx *text_ctx_new(const char *datadir, struct text_error *err);

/*
 * A context for text_stem_word alone: the stemmers, no stop-word lists (no
 * data file is read).  NULL when out of memory.  text_analyze needs
 * text_ctx_new's context.  Free with text_ctx_free.
 */
struct text_ctx *text_stem_ctx_new(void);

/*
 * The Snowball stem of one word of len bytes as a tokenizer gives it (lower
 * case): Russian for Cyrillic letters, English for Latin ones.  A word with
 * anything else (digits, other scripts, both scripts) or longer than
 * TEXT_MAX_STEM_WORD is its own stem (*out = w).  *out belongs to ctx or is
 * w, valid until the next call on ctx.  Returns 0, or -1 when the stemmer
 * runs out of memory.
 */
int text_stem_word(struct text_ctx *ctx, const char *w, size_t len,
    const char **out, size_t *outlen);

/* Free a context.  Accepts NULL. */
void text_ctx_free(struct text_ctx *ctx);

/*
 * Analyse len bytes at s into doc.  Returns 0, or -1 with err set: malformed
 * UTF-8 (err->offset is the byte offset of the first bad byte), input longer
 * than TEXT_MAX_INPUT, more than TEXT_MAX_TOKENS tokens, out of memory.
 */
int text_analyze(struct text_ctx *ctx, const char *s, size_t len,
    struct text_doc *doc, struct text_error *err);

/*
 * Check that len bytes at s are well-formed UTF-8 (no overlong forms,
 * surrogates or code points past U+10FFFF).  Returns 0, or -1 and stores the
 * offset of the first bad byte in *bad.
 */
int text_utf8_check(const char *s, size_t len, size_t *bad);

/* "word", "number", ...; "?" outside the enum. */
const char *text_token_kind_name(enum text_token_kind kind);

#endif
