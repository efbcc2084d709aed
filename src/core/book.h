/*
 * book.h: an agency's complaint book (docs/ratings.md, "Agency pages"):
 * who heads it, the agency above it and those under it, from the city
 * file's optional "head" and "parent" (docs/city.md).  A governor's or a
 * mayor's book is the book of an agency with children: its page covers
 * them all.
 */
#ifndef VECHE_BOOK_H
#define VECHE_BOOK_H

#include <stddef.h>

#include "veche.h"
#include "base/model.h"
#include "core/error.h"

struct store;

struct book {
	char parent[VECHE_MAX_CODE + 1];    /* "" when none */
	char *head_name[LANG__MAX];         /* NULL when not given */
	char *head_title[LANG__MAX];
	char **children;                    /* codes of the agencies under it */
	size_t nchildren;
};

/*
 * The book of agency code (which the caller has checked exists).  Returns
 * a book the caller frees with book_free, or NULL with e set.
 */
struct book *book_get(struct store *s, const char *code, struct verr *e);

void book_free(struct book *b);

#endif
