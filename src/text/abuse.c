/* abuse.c: the built-in lexicon of 59-FZ art. 11 pre-marks (see abuse.h). */
#include <stdlib.h>
#include <string.h>

#include "text/abuse.h"
#include "text/query.h"

static const char *const names[TEXT_ABUSE__MAX] = {
	[TEXT_ABUSE_NONE] = NULL,
	[TEXT_ABUSE_OBSCENE] = "obscene",
	[TEXT_ABUSE_THREAT] = "threat",
};

/*
 * Roots of Russian obscene words (normalised: ё is е).  A word matches
 * when it starts with one, alone or after one prefix of `prefixes`; the
 * roots are long enough that no common word starts so ("страхует" has no
 * such prefix before "хуе", "требую" none before "ебу").
 */
static const char *const roots[] = {
	"хуй", "хуе", "хуя", "хуи", "хуев", "пизд", "ебал", "ебан", "ебат",
	"ебл", "ебу", "ебн", "ебет", "ебис", "ебуч", "еби", "бляд", "блят",
	"пидор", "пидар", "пидр", "залуп", "мудак", "мудил", "мудо", "гондон",
	"гандон", "шлюх", "мраз", "ублюд", "выблядок",
};

/* Verbal and nominal prefixes an obscene root takes. */
static const char *const prefixes[] = {
	"", "о", "об", "объ", "обо", "на", "по", "за", "от", "отъ", "до", "вы",
	"рас", "раз", "разъ", "при", "у", "с", "съ", "под", "подъ", "пере",
	"недо", "ни", "вз", "въ", "из", "изъ", "долбо", "про",
};

/* English roots, matched as prefixes of a word. */
static const char *const en_roots[] = {
	"fuck", "motherfuck", "shit", "cunt", "bitch", "asshole", "dickhead",
	"bastard", "faggot", "whore",
};

/* Offensive words matched only in these exact forms. */
static const char *const exact[] = {
	"бля", "сука", "суки", "суку", "сукой", "сучара", "сучка", "тварь",
	"твари", "тварью", "выродок", "выродки", "дебил", "дебилы", "дебилов",
	"урод", "уроды", "уродов",
};

/*
 * Threats, in the query language of query.h: quoted words match that form
 * only, so "взорву" matches and "взорвали" (news of a blast) does not.
 */
static const char *const threats[] = {
	"\"убью\" OR \"убьем\" OR \"прибью\" OR \"пришибу\" OR \"зарежу\" OR "
	"\"застрелю\" OR \"пристрелю\" OR \"задушу\" OR \"закопаю\" OR "
	"\"урою\" OR \"замочу\" OR \"порешу\" OR \"прикончу\"",
	"\"взорву\" OR \"взорвем\" OR \"подорву\" OR \"сожгу\" OR \"сожжем\" OR "
	"\"подожгу\" OR \"спалю\"",
	"\"кровью умоешься\" OR \"тебе конец\" OR \"вам конец\" OR "
	"\"ты труп\" OR \"вы трупы\"",
	"\"kill you\" OR \"will kill\" OR \"shoot you\" OR \"burn your\" OR "
	"\"blow up\" OR \"you are dead\" OR \"gonna kill\"",
};

struct text_abuse_set {
	struct text_query_set *threats;
};

const char *
text_abuse_name(enum text_abuse kind)
{
	return (unsigned)kind < TEXT_ABUSE__MAX ? names[kind] : NULL;
}

struct text_abuse_set *
text_abuse_new(struct text_ctx *ctx, struct text_error *err)
{
	struct text_abuse_set *set;
	size_t i;
	char id[16];

	if ((set = calloc(1, sizeof(*set))) == NULL ||
	    (set->threats = text_query_set_new()) == NULL) {
		text_error_set(err, 0, 0, "out of memory");
		text_abuse_free(set);
		return NULL;
	}
	for (i = 0; i < sizeof(threats) / sizeof(threats[0]); i++) {
		id[0] = 't';
		id[1] = (char)('0' + (char)i);
		id[2] = '\0';
		if (text_query_set_add(set->threats, ctx, id, threats[i],
		    strlen(threats[i]), err) == -1) {
			text_abuse_free(set);
			return NULL;
		}
	}
	return set;
}

void
text_abuse_free(struct text_abuse_set *set)
{
	if (set == NULL)
		return;
	text_query_set_free(set->threats);
	free(set);
}

/* Whether w (n bytes) starts with prefix p. */
static int
starts(const char *w, size_t n, const char *p)
{
	size_t k = strlen(p);

	return k <= n && memcmp(w, p, k) == 0;
}

/* Whether the word w (n bytes, normalised) is obscene or offensive. */
static int
obscene(const char *w, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strlen(exact[i]) == n && memcmp(w, exact[i], n) == 0)
			return 1;
	for (i = 0; i < sizeof(en_roots) / sizeof(en_roots[0]); i++)
		if (starts(w, n, en_roots[i]))
			return 1;
	for (j = 0; j < sizeof(prefixes) / sizeof(prefixes[0]); j++) {
		if (!starts(w, n, prefixes[j]))
			continue;
		k = strlen(prefixes[j]);
		for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
			if (starts(w + k, n - k, roots[i]))
				return 1;
	}
	return 0;
}

int
text_abuse_check(const struct text_abuse_set *set, struct text_ctx *ctx,
    const char *s, size_t len, enum text_abuse *kind,
    struct text_error *err)
{
	struct text_matcher *m;
	struct text_doc doc;
	const size_t *hits;
	size_t i, n;

	*kind = TEXT_ABUSE_NONE;
	if (text_analyze(ctx, s, len, &doc, err) == -1)
		return -1;
	if ((m = text_matcher_new(set->threats)) == NULL) {
		text_error_set(err, 0, 0, "out of memory");
		return -1;
	}
	if (text_matcher_run(m, &doc, &hits, &n) == -1) {
		text_matcher_free(m);
		text_error_set(err, 0, 0, "out of memory");
		return -1;
	}
	text_matcher_free(m);
	if (n > 0) {
		*kind = TEXT_ABUSE_THREAT;
		return 0;
	}
	for (i = 0; i < doc.ntokens; i++)
		if (doc.tokens[i].kind == TEXT_TOKEN_WORD &&
		    obscene(doc.tokens[i].norm, doc.tokens[i].norm_len)) {
			*kind = TEXT_ABUSE_OBSCENE;
			return 0;
		}
	return 0;
}
