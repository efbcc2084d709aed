/*
 * csv.c: an RFC 4180 reader with hard limits, and labelled data sets on it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/csv.h"
#include "text/ctx.h"

/* One test text in SPLIT_MOD, chosen by hash. */
#define SPLIT_MOD	5

struct text_csv {
	const char *buf;
	size_t len, pos, line;
	char *scratch;
	size_t scratch_len, scratch_cap;
	size_t off[TEXT_MAX_CSV_FIELDS];
	struct text_csv_field field[TEXT_MAX_CSV_FIELDS];
};

struct text_csv *
text_csv_new(const char *buf, size_t len)
{
	struct text_csv *csv;

	if ((csv = calloc(1, sizeof(*csv))) == NULL)
		return NULL;
	csv->buf = buf;
	csv->len = len;
	csv->line = 1;
	return csv;
}

void
text_csv_free(struct text_csv *csv)
{
	if (csv == NULL)
		return;
	free(csv->scratch);
	free(csv);
}

static int
append(struct text_csv *csv, char c)
{
	void *p = csv->scratch;

	if (text_grow(&p, &csv->scratch_cap, csv->scratch_len + 1, 1,
	    TEXT_MAX_CSV_FIELD * TEXT_MAX_CSV_FIELDS) == -1)
		return -1;
	csv->scratch = p;
	csv->scratch[csv->scratch_len++] = c;
	return 0;
}

int
text_csv_next(struct text_csv *csv, const struct text_csv_field **fields,
    size_t *n, struct text_error *err)
{
	const char *b = csv->buf;
	size_t nf = 0, start, qpos, qline, k;

	*n = 0;
	if (csv->pos >= csv->len)
		return 0;
	csv->scratch_len = 0;
	for (;;) {
		if (nf == TEXT_MAX_CSV_FIELDS) {
			text_error_set(err, csv->pos, csv->line,
			    "line %zu: more than %u fields in a record",
			    csv->line, (unsigned)TEXT_MAX_CSV_FIELDS);
			return -1;
		}
		start = csv->scratch_len;
		if (csv->pos < csv->len && b[csv->pos] == '"') {
			qpos = csv->pos++;
			qline = csv->line;
			for (;;) {
				if (csv->pos >= csv->len) {
					text_error_set(err, qpos, qline,
					    "line %zu: quote opened at byte %zu "
					    "is never closed", qline, qpos);
					return -1;
				}
				if (b[csv->pos] == '"') {
					if (csv->pos + 1 < csv->len &&
					    b[csv->pos + 1] == '"') {
						if (append(csv, '"') == -1)
							goto toolong;
						csv->pos += 2;
						continue;
					}
					csv->pos++;
					break;
				}
				if (b[csv->pos] == '\n')
					csv->line++;
				if (append(csv, b[csv->pos++]) == -1)
					goto toolong;
				if (csv->scratch_len - start > TEXT_MAX_CSV_FIELD)
					goto toolong;
			}
			if (csv->pos < csv->len && b[csv->pos] != ',' &&
			    b[csv->pos] != '\n' && !(b[csv->pos] == '\r' &&
			    (csv->pos + 1 == csv->len || b[csv->pos + 1] == '\n'))) {
				text_error_set(err, csv->pos, csv->line,
				    "line %zu: expected ',' or end of line after "
				    "the closing quote at byte %zu", csv->line,
				    csv->pos - 1);
				return -1;
			}
		} else {
			while (csv->pos < csv->len && b[csv->pos] != ',' &&
			    b[csv->pos] != '\n' && !(b[csv->pos] == '\r' &&
			    (csv->pos + 1 == csv->len || b[csv->pos + 1] == '\n'))) {
				if (append(csv, b[csv->pos++]) == -1 ||
				    csv->scratch_len - start > TEXT_MAX_CSV_FIELD)
					goto toolong;
			}
		}
		csv->off[nf] = start;
		csv->field[nf++].len = csv->scratch_len - start;
		if (csv->pos < csv->len && b[csv->pos] == ',') {
			csv->pos++;
			continue;
		}
		if (csv->pos < csv->len && b[csv->pos] == '\r')
			csv->pos++;
		if (csv->pos < csv->len && b[csv->pos] == '\n') {
			csv->pos++;
			csv->line++;
		}
		break;
	}
	for (k = 0; k < nf; k++)
		csv->field[k].s = csv->scratch ? csv->scratch + csv->off[k] : "";
	*fields = csv->field;
	*n = nf;
	return 1;
toolong:
	text_error_set(err, csv->pos, csv->line,
	    "line %zu: a field is longer than %u bytes", csv->line,
	    (unsigned)TEXT_MAX_CSV_FIELD);
	return -1;
}

enum text_split
text_split_of(const char *text, size_t len)
{
	return mix64(fnv1a(FNV_OFFSET, text, len)) % SPLIT_MOD == 0 ?
	    TEXT_SPLIT_TEST : TEXT_SPLIT_TRAIN;
}

size_t
text_dataset_keep(struct text_dataset *ds, enum text_split part)
{
	size_t i, k = 0;

	for (i = 0; i < ds->n; i++)
		if (text_split_of(ds->samples[i].text, ds->samples[i].len) == part)
			ds->samples[k++] = ds->samples[i];
	ds->n = k;
	return k;
}

void
text_dataset_free(struct text_dataset *ds)
{
	if (ds == NULL)
		return;
	free(ds->samples);
	free(ds->data);
	free(ds);
}

static int
column(const struct text_csv_field *f, size_t n, const char *a, const char *b)
{
	size_t k;

	for (k = 0; k < n; k++)
		if ((f[k].len == strlen(a) && strncasecmp(f[k].s, a, f[k].len) == 0) ||
		    (f[k].len == strlen(b) && strncasecmp(f[k].s, b, f[k].len) == 0))
			return (int)k;
	return -1;
}

static size_t
line_of(const char *buf, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The index of label s[0..len) in ds, added if new.  Returns it, or -1 when
 * the label is malformed or one too many.
 */
static int
label_add(struct text_dataset *ds, const char *s, size_t len)
{
	unsigned k;

	if (!text_label_ok(s, len))
		return -1;
	for (k = 0; k < ds->nlabels; k++)
		if (strlen(ds->names[k]) == len && memcmp(ds->names[k], s, len) == 0)
			return (int)k;
	if (ds->nlabels == TEXT_MAX_LABELS)
		return -1;
	memcpy(ds->names[k], s, len);
	ds->names[k][len] = '\0';
	ds->labels[k] = ds->names[k];
	ds->nlabels++;
	return (int)k;
}

/* Sort the labels by name and renumber the samples to match. */
static void
labels_sort(struct text_dataset *ds)
{
	unsigned map[TEXT_MAX_LABELS], k, j;
	size_t i;

	qsort(ds->labels, ds->nlabels, sizeof(*ds->labels), label_cmp);
	for (k = 0; k < ds->nlabels; k++)
		for (j = 0; j < ds->nlabels; j++)
			if (ds->labels[j] == ds->names[k])
				map[k] = j;
	for (i = 0; i < ds->n; i++)
		ds->samples[i].label = map[ds->samples[i].label];
}

/*
 * Read a labelled CSV.  text_col NULL: sentiment (columns Sentence or text,
 * Sentiment or label); otherwise the named columns and any labels.
 */
static struct text_dataset *
dataset_load(const char *path, const char *text_col, const char *label_col,
    struct text_error *err)
{
	struct text_dataset *ds = NULL;
	struct text_csv *csv = NULL;
	const struct text_csv_field *f;
	char *buf = NULL;
	const char *body;
	size_t len, n, bad, used = 0, cap = 0, line;
	int tcol, lcol, r;
	enum text_sentiment sent = TEXT_SENTIMENT_NEUTRAL;
	void *p;

	if ((buf = text_file_read(path, TEXT_MAX_DATA_FILE, &len, err)) == NULL)
		goto fail;
	body = buf;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	if (text_utf8_check(body, len, &bad) == -1) {
		text_error_set(err, bad, line_of(body, bad),
		    "%s: line %zu: invalid UTF-8 at byte %zu", path,
		    line_of(body, bad), bad);
		goto fail;
	}
	if ((ds = calloc(1, sizeof(*ds))) == NULL ||
	    (ds->data = malloc(len + 1)) == NULL ||
	    (csv = text_csv_new(body, len)) == NULL)
		goto nomem;
	if ((r = text_csv_next(csv, &f, &n, err)) <= 0) {
		if (r == 0)
			text_error_set(err, 0, 1, "%s is empty", path);
		goto fail;
	}
	if (text_col != NULL) {
		tcol = column(f, n, text_col, text_col);
		lcol = column(f, n, label_col, label_col);
		if (tcol < 0 || lcol < 0) {
			text_error_set(err, 0, 1, "%s: the header has no %s "
			    "column", path, tcol < 0 ? text_col : label_col);
			goto fail;
		}
	} else {
		tcol = column(f, n, "sentence", "text");
		lcol = column(f, n, "sentiment", "label");
	}
	if (tcol < 0 || lcol < 0) {
		text_error_set(err, 0, 1, "%s: the header must name a text "
		    "column (Sentence or text) and a label column (Sentiment "
		    "or label)", path);
		goto fail;
	}
	for (;;) {
		line = csv->line;
		if ((r = text_csv_next(csv, &f, &n, err)) == 0)
			break;
		if (r == -1)
			goto fail;
		if (n == 1 && f[0].len == 0)
			continue;	/* blank line */
		if (n <= (size_t)tcol || n <= (size_t)lcol) {
			text_error_set(err, csv->pos, line,
			    "%s: line %zu: %zu fields, expected %d", path, line,
			    n, (tcol > lcol ? tcol : lcol) + 1);
			goto fail;
		}
		p = ds->samples;
		if (ds->n >= TEXT_MAX_SAMPLES || text_grow(&p, &cap, ds->n + 1,
		    sizeof(*ds->samples), TEXT_MAX_SAMPLES) == -1) {
			text_error_set(err, csv->pos, line,
			    "%s: more than %u rows or out of memory", path,
			    (unsigned)TEXT_MAX_SAMPLES);
			goto fail;
		}
		ds->samples = p;
		if (text_col != NULL) {
			int li;

			if (f[lcol].len == 0)
				continue;
			if ((li = label_add(ds, f[lcol].s, f[lcol].len)) < 0) {
				text_error_set(err, csv->pos, line,
				    "%s: line %zu: label \"%.*s\" must be 1 to "
				    "%d bytes without spaces, at most %d labels",
				    path, line, (int)(f[lcol].len > 40 ? 40 :
				    f[lcol].len), f[lcol].s, TEXT_MAX_LABEL,
				    TEXT_MAX_LABELS);
				goto fail;
			}
			ds->samples[ds->n].label = (unsigned)li;
			ds->samples[ds->n].mixed = 0;
		} else if (text_sentiment_parse(f[lcol].s, f[lcol].len,
		    &sent, &ds->samples[ds->n].mixed) == -1) {
			text_error_set(err, csv->pos, line,
			    "%s: line %zu: unknown label \"%.*s\" (expected "
			    "negative, neutral, positive or mixed)", path, line,
			    (int)(f[lcol].len > 40 ? 40 : f[lcol].len), f[lcol].s);
			goto fail;
		} else
			ds->samples[ds->n].label = (unsigned)sent;
		/* Fields never add bytes, so the copies fit in len + 1. */
		memcpy(ds->data + used, f[tcol].s, f[tcol].len);
		ds->samples[ds->n].len = f[tcol].len;
		ds->samples[ds->n].line = line;
		ds->samples[ds->n].text = ds->data + used;
		used += f[tcol].len;
		ds->n++;
	}
	if (text_col != NULL)
		labels_sort(ds);
	text_csv_free(csv);
	free(buf);
	return ds;
nomem:
	text_error_set(err, (size_t)-1, 0, "out of memory reading %s", path);
fail:
	text_csv_free(csv);
	text_dataset_free(ds);
	free(buf);
	return NULL;
}

struct text_dataset *
text_dataset_load(const char *path, struct text_error *err)
{
	return dataset_load(path, NULL, NULL, err);
}

struct text_dataset *
text_dataset_load_labels(const char *path, const char *text_col,
    const char *label_col, struct text_error *err)
{
	return dataset_load(path, text_col, label_col, err);
}
