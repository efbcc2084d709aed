/*
 * tokenize.c: split normalised text into tokens and stem the words.
 *
 * One left-to-right pass over the normalised text.  At each code point the
 * scanner decides what may start here: a run of letters and digits (a word
 * or number, which may turn out to be the start of a URL, domain or e-mail
 * address), '#' or '@' after a non-word character (hashtag, mention), an
 * emoji sequence, or a separator.  The rules are in docs/text.md.
 */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "text/ctx.h"

enum cls {
	CL_OTHER,	/* spaces, punctuation, symbols */
	CL_LETTER,
	CL_DIGIT,
	CL_MARK,	/* combining mark: continues a word */
	CL_EMOJI,
	CL_EMOJI_EXT,	/* ZWJ, variation selector, skin tone, keycap, tag */
	CL_RI		/* regional indicator: two make a flag */
};

static const char *const kind_names[TEXT_TOKEN__MAX] = {
	"word", "number", "hashtag", "mention", "url", "email", "emoji"
};

/* Top-level domains that make "name.tld" a link without "http://". */
static const char *const tlds[] = {
	"ru", "su", "com", "org", "net", "info", "io", "me", "by", "kz", "ua",
	"uk", "de", "gov", "edu", "online", "site", "xyz", "tv", "ly", "co",
	"app", "dev", "ai", "eu", "us", "рф", "рус", "москва", NULL
};

/* Latin letters that look like Cyrillic ones, and their twins. */
static const char lat_glyph[] = "aceopxykmthb";
static const uint32_t cyr_glyph[] = {
	0x430, 0x441, 0x435, 0x43E, 0x440, 0x445, 0x443, 0x43A, 0x43C, 0x442,
	0x43D, 0x432
};

struct run {
	size_t lat, cyr, other, digits;
	int curly;		/* has U+2019 between letters */
};

const char *
text_token_kind_name(enum text_token_kind kind)
{
	if ((unsigned)kind >= TEXT_TOKEN__MAX)
		return "?";
	return kind_names[kind];
}

int
text_utf8_check(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0) {
			*bad = i;
			return -1;
		}
		i += n;
	}
	return 0;
}

static enum cls
classify(uint32_t cp, enum text_script *script)
{
	utf8proc_category_t cat;

	*script = TEXT_SCRIPT_NONE;
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
			*script = TEXT_SCRIPT_LATIN;
			return CL_LETTER;
		}
		return cp >= '0' && cp <= '9' ? CL_DIGIT : CL_OTHER;
	}
	if (cp >= 0x430 && cp <= 0x44F) {
		*script = TEXT_SCRIPT_CYRILLIC;
		return CL_LETTER;
	}
	if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x20E3 ||
	    (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F))
		return CL_EMOJI_EXT;
	if (cp >= 0x1F1E6 && cp <= 0x1F1FF)
		return CL_RI;
	if ((cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
	    (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x2B00 && cp <= 0x2BFF) ||
	    cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299 ||
	    cp == 0xA9 || cp == 0xAE)
		return CL_EMOJI;
	cat = utf8proc_category((utf8proc_int32_t)cp);
	switch (cat) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		if (cp >= 0x400 && cp <= 0x52F)
			*script = TEXT_SCRIPT_CYRILLIC;
		else if (cp <= 0x24F || (cp >= 0x1E00 && cp <= 0x1EFF))
			*script = TEXT_SCRIPT_LATIN;
		else
			*script = TEXT_SCRIPT_OTHER;
		return CL_LETTER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CL_MARK;
	case UTF8PROC_CATEGORY_ND:
		return CL_DIGIT;
	default:
		return CL_OTHER;
	}
}

/* Decode at t[i] (valid UTF-8: ctx->norm); *cls and *script describe it. */
static size_t
next_cp(const char *t, size_t i, size_t n, uint32_t *cp, enum cls *cls,
    enum text_script *script)
{
	size_t len;

	if (i >= n) {
		*cp = 0;
		*cls = CL_OTHER;
		*script = TEXT_SCRIPT_NONE;
		return 0;
	}
	len = utf8_decode((const unsigned char *)t + i, n - i, cp);
	*cls = classify(*cp, script);
	return len;
}

/* Whether the code point ending just before t[i] is a letter or digit. */
static int
after_word(const char *t, size_t i)
{
	size_t j = i;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	if (i == 0)
		return 0;
	j--;
	while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
		j--;
	next_cp(t, j, i, &cp, &c, &sc);
	return c == CL_LETTER || c == CL_DIGIT || c == CL_MARK || cp == '_';
}

static int
is_letter_at(const char *t, size_t i, size_t n)
{
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	return next_cp(t, i, n, &cp, &c, &sc) > 0 && c == CL_LETTER;
}

static int
is_digit_at(const char *t, size_t i, size_t n)
{
	return i < n && t[i] >= '0' && t[i] <= '9';
}

/*
 * A run of letters, digits and marks from i; an apostrophe between letters
 * and '.' or ',' between digits of a number stay inside.  Returns its end.
 */
static size_t
scan_word(const char *t, size_t i, size_t n, struct run *r)
{
	size_t j = i, len;
	uint32_t cp;
	enum cls c;
	enum text_script sc;
	int last_letter = 0;

	memset(r, 0, sizeof(*r));
	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0) {
		if (c == CL_LETTER) {
			if (sc == TEXT_SCRIPT_LATIN)
				r->lat++;
			else if (sc == TEXT_SCRIPT_CYRILLIC)
				r->cyr++;
			else
				r->other++;
			last_letter = 1;
		} else if (c == CL_DIGIT) {
			r->digits++;
			last_letter = 0;
		} else if (c == CL_MARK && j > i) {
			/* keeps last_letter */
		} else if ((cp == '\'' || cp == 0x2019) && last_letter &&
		    is_letter_at(t, j + len, n)) {
			if (cp == 0x2019)
				r->curly = 1;
		} else if ((cp == '.' || cp == ',') && r->digits > 0 &&
		    r->lat + r->cyr + r->other == 0 && is_digit_at(t, j + 1, n)) {
			/* 3,5 or 1.000 */
		} else
			break;
		j += len;
	}
	return j;
}

static int
is_space(uint32_t cp)
{
	return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
	    cp == 0x3000;
}

/* A URL from i to the next space or quote, without trailing punctuation. */
static size_t
scan_url(const char *t, size_t i, size_t n)
{
	size_t j = i, len, open = 0, close = 0;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0) {
		if (is_space(cp) || cp == '<' || cp == '>' || cp == '"' ||
		    cp == 0xAB || cp == 0xBB || cp == 0x201C || cp == 0x201D ||
		    c == CL_EMOJI || c == CL_RI)
			break;
		if (cp == '(')
			open++;
		else if (cp == ')')
			close++;
		j += len;
	}
	while (j > i) {
		char ch = t[j - 1];

		if (ch == ')' && close > open) {
			close--;
			j--;
		} else if (strchr(".,;:!?']}", ch) != NULL && ch != '\0')
			j--;
		else
			break;
	}
	return j;
}

/*
 * Labels of letters, digits and '-' joined by '.', from i.  Returns the end
 * and the start of the last label in *last, or i if there is no dot.
 */
static size_t
scan_domain(const char *t, size_t i, size_t n, size_t *last)
{
	size_t j = i, len, labels = 0, start = i;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	for (;;) {
		size_t k = j;

		while ((len = next_cp(t, k, n, &cp, &c, &sc)) > 0 &&
		    (c == CL_LETTER || c == CL_DIGIT || cp == '-'))
			k += len;
		if (k == j)
			break;
		labels++;
		start = j;
		j = k;
		if (j + 1 < n && t[j] == '.' && is_letter_at(t, j + 1, n))
			j++;
		else if (j + 1 < n && t[j] == '.' && is_digit_at(t, j + 1, n))
			j++;
		else
			break;
	}
	if (labels < 2)
		return i;
	*last = start;
	return j;
}

static int
known_tld(const char *t, size_t len)
{
	size_t k;

	for (k = 0; tlds[k] != NULL; k++)
		if (strlen(tlds[k]) == len && memcmp(tlds[k], t, len) == 0)
			return 1;
	return 0;
}

/* "name.tld" or "name.tld/path" from i; returns the end or i. */
static size_t
scan_bare_url(const char *t, size_t i, size_t n)
{
	size_t end, last;

	if ((end = scan_domain(t, i, n, &last)) == i)
		return i;
	if (!known_tld(t + last, end - last) || is_letter_at(t, end, n))
		return i;
	if (end < n && t[end] == '/')
		return scan_url(t, i, n);
	return end;
}

/* local@domain.tld from i; returns the end or i. */
static size_t
scan_email(const char *t, size_t i, size_t n)
{
	size_t j = i, len, end, last, k;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0 &&
	    (c == CL_LETTER || c == CL_DIGIT || (cp < 0x80 &&
	    strchr("._%+-", (int)cp) != NULL && cp != 0)))
		j += len;
	if (j == i || j >= n || t[j] != '@' || t[j - 1] == '.')
		return i;
	if ((end = scan_domain(t, j + 1, n, &last)) == j + 1)
		return i;
	for (k = last; k < end; k += len) {
		len = next_cp(t, k, n, &cp, &c, &sc);
		if (c != CL_LETTER)
			return i;
	}
	if (end - last < 2)
		return i;
	return end;
}

/* An emoji sequence from i (which holds an emoji or regional indicator). */
static size_t
scan_emoji(const char *t, size_t i, size_t n)
{
	size_t j = i, len, l2;
	uint32_t cp, cp2;
	enum cls c, c2;
	enum text_script sc;

	len = next_cp(t, j, n, &cp, &c, &sc);
	j += len;
	if (c == CL_RI) {
		if ((l2 = next_cp(t, j, n, &cp2, &c2, &sc)) > 0 && c2 == CL_RI)
			j += l2;
		return j;
	}
	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0) {
		if (c == CL_EMOJI_EXT && cp != 0x200D) {
			j += len;
			continue;
		}
		if (cp == 0x200D && (l2 = next_cp(t, j + len, n, &cp2, &c2,
		    &sc)) > 0 && c2 == CL_EMOJI) {
			j += len + l2;
			continue;
		}
		break;
	}
	return j;
}

static int
add_token(struct text_ctx *ctx, enum text_token_kind kind, size_t ns,
    size_t ne, struct text_error *err)
{
	struct text_token *tk;
	void *p = ctx->tok;

	if (text_grow(&p, &ctx->tok_cap, ctx->ntok + 1, sizeof(*tk),
	    TEXT_MAX_TOKENS) == -1) {
		text_error_set(err, ctx->map[ns], 0,
		    "more than %u tokens in one text", (unsigned)TEXT_MAX_TOKENS);
		return -1;
	}
	ctx->tok = p;
	tk = &ctx->tok[ctx->ntok++];
	memset(tk, 0, sizeof(*tk));
	tk->kind = kind;
	tk->norm = ctx->norm + ns;
	tk->norm_len = ne - ns;
	tk->stem = tk->norm;
	tk->stem_len = tk->norm_len;
	/* Source offsets are filled in by text_analyze once all is done. */
	tk->start = ns;
	tk->end = ne;
	return 0;
}

static char *
arena_put(struct text_ctx *ctx, const char *s, size_t len)
{
	char *d;

	if (ctx->arena_len + len > ctx->arena_cap)
		return NULL;
	d = ctx->arena + ctx->arena_len;
	memcpy(d, s, len);
	ctx->arena_len += len;
	return d;
}

/*
 * Rewrite the word's letters into one script when the others are look-alikes
 * ("пpивет" with a Latin p), and U+2019 into '.  Returns the script and
 * points the token at the repaired form in the arena.
 */
static enum text_script
repair(struct text_ctx *ctx, struct text_token *tk, const struct run *r)
{
	enum text_script want, sc;
	enum cls c;
	uint32_t cp;
	size_t i, len, k;
	char *d;
	const char *lg;

	if (r->other > 0)
		return r->lat + r->cyr > 0 ? TEXT_SCRIPT_MIXED : TEXT_SCRIPT_OTHER;
	if (r->lat > 0 && r->cyr > 0)
		want = r->cyr >= r->lat ? TEXT_SCRIPT_CYRILLIC : TEXT_SCRIPT_LATIN;
	else
		want = r->cyr > 0 ? TEXT_SCRIPT_CYRILLIC : TEXT_SCRIPT_LATIN;
	if (!(r->lat > 0 && r->cyr > 0) && !r->curly)
		return want;
	/* Check every foreign letter has a twin before writing anything. */
	for (i = 0; i < tk->norm_len; i += len) {
		len = next_cp(tk->norm, i, tk->norm_len, &cp, &c, &sc);
		if (c != CL_LETTER || sc == want)
			continue;
		if (want == TEXT_SCRIPT_CYRILLIC &&
		    (cp >= 0x80 || strchr(lat_glyph, (int)cp) == NULL))
			return TEXT_SCRIPT_MIXED;
		if (want == TEXT_SCRIPT_LATIN) {
			for (k = 0; k < sizeof(cyr_glyph) / sizeof(*cyr_glyph); k++)
				if (cyr_glyph[k] == cp)
					break;
			if (k == sizeof(cyr_glyph) / sizeof(*cyr_glyph))
				return TEXT_SCRIPT_MIXED;
		}
	}
	d = ctx->arena + ctx->arena_len;
	for (i = 0; i < tk->norm_len; i += len) {
		char buf[4];
		size_t bl;

		len = next_cp(tk->norm, i, tk->norm_len, &cp, &c, &sc);
		if (cp == 0x2019)
			cp = '\'';
		else if (c == CL_LETTER && sc != want) {
			if (want == TEXT_SCRIPT_CYRILLIC) {
				lg = strchr(lat_glyph, (int)cp);
				cp = cyr_glyph[lg - lat_glyph];
			} else {
				for (k = 0; cyr_glyph[k] != cp; k++)
					continue;
				cp = (uint32_t)lat_glyph[k];
			}
		}
		bl = utf8_encode(cp, buf);
		if (arena_put(ctx, buf, bl) == NULL)
			return TEXT_SCRIPT_MIXED;
	}
	tk->norm = d;
	tk->norm_len = (size_t)(ctx->arena + ctx->arena_len - d);
	return want;
}

/* Stem body (a word's letters) into the token's stem. */
static int
stem_into(struct text_ctx *ctx, struct text_token *tk, enum text_script sc,
    const char *w, size_t len)
{
	const char *st;
	size_t sl;
	char *d;

	if (stem_apply(ctx, sc, w, len, &st, &sl) == -1)
		return -1;
	if (st == w) {
		tk->stem = w;
		tk->stem_len = len;
		return 0;
	}
	if ((d = arena_put(ctx, st, sl)) == NULL)
		return 0;	/* cannot happen: the arena is sized for it */
	tk->stem = d;
	tk->stem_len = sl;
	return 0;
}

static int
finish_word(struct text_ctx *ctx, struct text_token *tk, const struct run *r)
{
	if (r->lat + r->cyr + r->other == 0) {
		tk->kind = TEXT_TOKEN_NUMBER;
		return 0;
	}
	tk->script = repair(ctx, tk, r);
	tk->stem = tk->norm;
	tk->stem_len = tk->norm_len;
	tk->stop = stopset_has(ctx->stop, tk->norm, tk->norm_len);
	if (r->digits > 0)
		return 0;
	return stem_into(ctx, tk, tk->script, tk->norm, tk->norm_len);
}

/* Hashtag '#body' at i, or i if there is none. */
static size_t
scan_hashtag(const char *t, size_t i, size_t n)
{
	size_t j = i + 1, len, letters = 0;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0 &&
	    (c == CL_LETTER || c == CL_DIGIT || c == CL_MARK || cp == '_')) {
		if (c == CL_LETTER)
			letters++;
		j += len;
	}
	return letters > 0 ? j : i;
}

/* Mention '@name' at i, or i if there is none. */
static size_t
scan_mention(const char *t, size_t i, size_t n)
{
	size_t j = i + 1, len;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	while ((len = next_cp(t, j, n, &cp, &c, &sc)) > 0 &&
	    (c == CL_LETTER || c == CL_DIGIT || cp == '_' || cp == '.'))
		j += len;
	while (j > i + 1 && t[j - 1] == '.')
		j--;
	return j > i + 1 ? j : i;
}

static int
word_at(const char *t, size_t i, size_t e, const char *w)
{
	size_t len = strlen(w);

	return e - i == len && memcmp(t + i, w, len) == 0;
}

static int
tokenize(struct text_ctx *ctx, int has_at, struct text_error *err)
{
	const char *t = ctx->norm;
	size_t n = ctx->norm_len, i = 0, e, len;
	struct text_token *tk;
	struct run r;
	uint32_t cp;
	enum cls c;
	enum text_script sc;

	while ((len = next_cp(t, i, n, &cp, &c, &sc)) > 0) {
		if (c == CL_LETTER || c == CL_DIGIT) {
			e = scan_word(t, i, n, &r);
			if (e + 2 < n && t[e] == ':' && t[e + 1] == '/' &&
			    t[e + 2] == '/' && (word_at(t, i, e, "http") ||
			    word_at(t, i, e, "https") || word_at(t, i, e, "ftp"))) {
				e = scan_url(t, i, n);
				if (add_token(ctx, TEXT_TOKEN_URL, i, e, err) == -1)
					return -1;
				i = e;
				continue;
			}
			if (e < n && word_at(t, i, e, "www") && t[e] == '.') {
				e = scan_url(t, i, n);
				if (add_token(ctx, TEXT_TOKEN_URL, i, e, err) == -1)
					return -1;
				i = e;
				continue;
			}
			if (has_at && e < n && strchr("@.+-_%", t[e]) != NULL &&
			    t[e] != '\0') {
				size_t m = scan_email(t, i, n);

				if (m != i) {
					if (add_token(ctx, TEXT_TOKEN_EMAIL, i, m,
					    err) == -1)
						return -1;
					i = m;
					continue;
				}
			}
			if (e < n && t[e] == '.') {
				size_t m = scan_bare_url(t, i, n);

				if (m != i) {
					if (add_token(ctx, TEXT_TOKEN_URL, i, m,
					    err) == -1)
						return -1;
					i = m;
					continue;
				}
			}
			if (add_token(ctx, TEXT_TOKEN_WORD, i, e, err) == -1)
				return -1;
			if (finish_word(ctx, &ctx->tok[ctx->ntok - 1], &r) == -1)
				goto nomem;
			i = e;
			continue;
		}
		if (c == CL_EMOJI || c == CL_RI) {
			e = scan_emoji(t, i, n);
			if (add_token(ctx, TEXT_TOKEN_EMOJI, i, e, err) == -1)
				return -1;
			i = e;
			continue;
		}
		if ((cp == '#' || cp == '@') && !after_word(t, i)) {
			e = cp == '#' ? scan_hashtag(t, i, n) :
			    scan_mention(t, i, n);
			if (e != i) {
				if (add_token(ctx, cp == '#' ? TEXT_TOKEN_HASHTAG :
				    TEXT_TOKEN_MENTION, i, e, err) == -1)
					return -1;
				tk = &ctx->tok[ctx->ntok - 1];
				if (cp == '#' && scan_word(t, i + 1, n, &r) == e &&
				    r.digits == 0 && r.other == 0 &&
				    (r.lat == 0 || r.cyr == 0)) {
					if (stem_into(ctx, tk, r.cyr > 0 ?
					    TEXT_SCRIPT_CYRILLIC : TEXT_SCRIPT_LATIN,
					    t + i + 1, e - i - 1) == -1)
						goto nomem;
				} else if (cp == '#') {
					tk->stem = t + i + 1;
					tk->stem_len = e - i - 1;
				}
				i = e;
				continue;
			}
		}
		i += len;
	}
	return 0;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory while stemming");
	return -1;
}

int
text_analyze(struct text_ctx *ctx, const char *s, size_t len,
    struct text_doc *doc, struct text_error *err)
{
	size_t k, ns, ne;
	void *p;

	memset(doc, 0, sizeof(*doc));
	ctx->ntok = 0;
	ctx->arena_len = 0;
	if (text_normalize(ctx, s, len, err) == -1)
		return -1;
	/* Repairs at most double a word and stems never outgrow it. */
	p = ctx->arena;
	if (text_grow(&p, &ctx->arena_cap, 4 * ctx->norm_len + 64, 1,
	    SIZE_MAX / 8) == -1) {
		text_error_set(err, (size_t)-1, 0, "out of memory");
		return -1;
	}
	ctx->arena = p;
	if (tokenize(ctx, memchr(ctx->norm, '@', ctx->norm_len) != NULL,
	    err) == -1)
		return -1;
	for (k = 0; k < ctx->ntok; k++) {
		ns = ctx->tok[k].start;
		ne = ctx->tok[k].end;
		ctx->tok[k].start = ctx->map[ns];
		ctx->tok[k].end = norm_segment_end(s, len, ctx->map[ne - 1]);
	}
	doc->src = s;
	doc->src_len = len;
	doc->norm = ctx->norm;
	doc->norm_len = ctx->norm_len;
	doc->tokens = ctx->tok;
	doc->ntokens = ctx->ntok;
	return 0;
}

struct text_ctx *
text_stem_ctx_new(void)
{
	struct text_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->stem_ru = sb_stemmer_new("russian", NULL);
	ctx->stem_en = sb_stemmer_new("english", NULL);
	ctx->cache = stem_cache_new();
	if (ctx->stem_ru == NULL || ctx->stem_en == NULL || ctx->cache == NULL) {
		text_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

int
text_stem_word(struct text_ctx *ctx, const char *w, size_t len,
    const char **out, size_t *outlen)
{
	enum text_script script = TEXT_SCRIPT_NONE;
	size_t i = 0, n;
	uint32_t cp;

	*out = w;
	*outlen = len;
	/* Letters of one script only: a word with digits is its own stem. */
	while (i < len) {
		enum text_script s;

		if ((n = utf8_decode((const unsigned char *)w + i, len - i,
		    &cp)) == 0)
			return 0;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			s = TEXT_SCRIPT_LATIN;
		else if (cp >= 0x400 && cp <= 0x4ff)
			s = TEXT_SCRIPT_CYRILLIC;
		else
			return 0;
		if (script != TEXT_SCRIPT_NONE && s != script)
			return 0;
		script = s;
		i += n;
	}
	if (script == TEXT_SCRIPT_NONE)
		return 0;
	/* ё -> е, as text_normalize does: "лёд" and "лед" are one word. */
	if (script == TEXT_SCRIPT_CYRILLIC && len <= TEXT_MAX_STEM_WORD &&
	    memmem(w, len, "\xd1\x91", 2) != NULL) {
		char buf[TEXT_MAX_STEM_WORD];

		memcpy(buf, w, len);
		for (i = 0; i + 1 < len; i++)
			if (buf[i] == '\xd1' && buf[i + 1] == '\x91') {
				buf[i] = '\xd0';
				buf[i + 1] = '\xb5';
			}
		return stem_apply(ctx, script, buf, len, out, outlen);
	}
	return stem_apply(ctx, script, w, len, out, outlen);
}

struct text_ctx *
text_ctx_new(const char *datadir, struct text_error *err)
{
	struct text_ctx *ctx = NULL;
	struct stopset *set;
	char path[TEXT_MAX_PATH];
	static const char *const lists[] = {
		"text/stop-ru.txt", "text/stop-en.txt"
	};
	size_t k;

	if ((ctx = text_stem_ctx_new()) == NULL)
		goto nomem;
	for (k = 0; k < sizeof(lists) / sizeof(*lists); k++) {
		if (text_data_path(datadir, lists[k], path, sizeof(path)) == -1) {
			text_error_set(err, (size_t)-1, 0,
			    "data directory path too long");
			goto fail;
		}
		/* The first list creates the set, the second adds to it. */
		if ((set = stopset_load(ctx, path, ctx->stop, err)) == NULL)
			goto fail;
		ctx->stop = set;
	}
	return ctx;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory");
fail:
	text_ctx_free(ctx);
	return NULL;
}

void
text_ctx_free(struct text_ctx *ctx)
{
	if (ctx == NULL)
		return;
	sb_stemmer_delete(ctx->stem_ru);
	sb_stemmer_delete(ctx->stem_en);
	stopset_free(ctx->stop);
	stem_cache_free(ctx->cache);
	free(ctx->norm);
	free(ctx->map);
	free(ctx->ucs);
	free(ctx->tok);
	free(ctx->arena);
	free(ctx->feat.idx);
	free(ctx->feat.val);
	free(ctx->feat.slot);
	free(ctx->feat.stamp);
	free(ctx->feat.chars);
	free(ctx->feat.cps);
	free(ctx);
}
