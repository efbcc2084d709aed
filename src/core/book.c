/* book.c: an agency's head, parent and children (book.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "core/book.h"
#include "store/store.h"
#include "store/store_ratings.h"

struct fill {
	struct book *b;
	int failed;
};

static int
on_head(const struct agency_head *h, void *arg)
{
	struct fill *f = arg;
	int l;

	snprintf(f->b->parent, sizeof(f->b->parent), "%s",
	    h->parent != NULL ? h->parent : "");
	for (l = 0; l < LANG__MAX; l++) {
		f->b->head_name[l] = str_dup_or_null(h->name[l], &f->failed);
		f->b->head_title[l] = str_dup_or_null(h->title[l], &f->failed);
	}
	return 0;
}

static int
on_child(const struct agency_head *h, void *arg)
{
	struct fill *f = arg;
	char **nc;

	if ((nc = realloc(f->b->children, (f->b->nchildren + 1) *
	    sizeof(*nc))) == NULL) {
		f->failed = 1;
		return 1;
	}
	f->b->children = nc;
	if ((nc[f->b->nchildren] = strdup(h->agency)) == NULL) {
		f->failed = 1;
		return 1;
	}
	f->b->nchildren++;
	return 0;
}

struct book *
book_get(struct store *s, const char *code, struct verr *e)
{
	struct fill f;

	memset(&f, 0, sizeof(f));
	if ((f.b = calloc(1, sizeof(*f.b))) == NULL) {
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	if (store_agency_head_get(s, code, on_head, &f) == -1 ||
	    store_agency_children_each(s, code, on_child, &f) == -1) {
		verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
		goto fail;
	}
	if (f.failed) {
		verr_set(e, VERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	return f.b;
fail:
	book_free(f.b);
	return NULL;
}

void
book_free(struct book *b)
{
	size_t i;
	int l;

	if (b == NULL)
		return;
	for (l = 0; l < LANG__MAX; l++) {
		free(b->head_name[l]);
		free(b->head_title[l]);
	}
	for (i = 0; i < b->nchildren; i++)
		free(b->children[i]);
	free(b->children);
	free(b);
}
