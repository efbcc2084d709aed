/*
 * sqlite_stem.c: the "veche_stem" FTS5 tokenizer of report_text (core
 * migration 6): the words of another FTS5 tokenizer (its name and
 * arguments follow, as in 'veche_stem unicode61 remove_diacritics 2'),
 * each replaced by its stem from the stemmer start-up handed to
 * store_set_stemmer (store.h).  Documents and MATCH queries go through the
 * same tokenizer, so "ямы" finds "яма".  Without a stemmer (unit tests)
 * the words are indexed as the inner tokenizer gives them.  A column of
 * just SEARCH_DAY_MARK's byte is that one token (core migration 8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "store/store.h"

/* Set once at start-up, before any store_open; read-only after. */
static const struct store_stemmer *stemmer;

void
store_set_stemmer(const struct store_stemmer *st)
{
	stemmer = st;
}

/* One tokenizer instance: per FTS5 table and connection. */
struct stem_tok {
	fts5_tokenizer inner_api;
	Fts5Tokenizer *inner;
	void *state;                    /* the stemmer's, or NULL */
};

/* What stem_token forwards to. */
struct stem_call {
	struct stem_tok *t;
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
};

static void
stem_delete(Fts5Tokenizer *tok)
{
	struct stem_tok *t = (struct stem_tok *)tok;

	if (t == NULL)
		return;
	if (t->inner != NULL)
		t->inner_api.xDelete(t->inner);
	if (t->state != NULL)
		stemmer->close(t->state);
	free(t);
}

static int
stem_create(void *arg, const char **argv, int argc, Fts5Tokenizer **out)
{
	fts5_api *api = arg;
	struct stem_tok *t;
	void *inner_arg = NULL;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return SQLITE_NOMEM;
	rc = api->xFindTokenizer(api, argc > 0 ? argv[0] : "unicode61",
	    &inner_arg, &t->inner_api);
	if (rc == SQLITE_OK)
		rc = t->inner_api.xCreate(inner_arg, argc > 0 ? argv + 1 : NULL,
		    argc > 0 ? argc - 1 : 0, &t->inner);
	if (rc == SQLITE_OK && stemmer != NULL &&
	    (t->state = stemmer->open()) == NULL)
		rc = SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		stem_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static int
stem_token(void *arg, int flags, const char *w, int len, int start, int end)
{
	const struct stem_call *c = arg;
	const char *stem;
	size_t slen;

	if (c->t->state == NULL || len <= 0)
		return c->token(c->ctx, flags, w, len, start, end);
	if (stemmer->stem(c->t->state, w, (size_t)len, &stem, &slen) == -1)
		return SQLITE_NOMEM;
	return c->token(c->ctx, flags, stem, (int)slen, start, end);
}

static int
stem_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
    int len, int (*token)(void *, int, const char *, int, int, int))
{
	struct stem_tok *t = (struct stem_tok *)tok;
	struct stem_call c = { t, ctx, token };

	/* The day mark (core migration 8): a byte no word is made of. */
	if (len == 1 && text[0] == SEARCH_DAY_MARK[0])
		return token(ctx, 0, text, len, 0, len);
	/* A prefix ("ям*") is matched as typed: its stem would be wrong. */
	if (flags & FTS5_TOKENIZE_PREFIX)
		return t->inner_api.xTokenize(t->inner, ctx, flags, text, len,
		    token);
	return t->inner_api.xTokenize(t->inner, &c, flags, text, len,
	    stem_token);
}

int
sq_stem_register(struct store *s)
{
	fts5_tokenizer tok = { stem_create, stem_delete, stem_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK) {
		sq_set_err(s, "finding FTS5");
		return -1;
	}
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xCreateTokenizer(api, "veche_stem", api, &tok,
	    NULL) != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "registering the veche_stem "
		    "tokenizer: this SQLite has no FTS5");
		return -1;
	}
	return 0;
}
