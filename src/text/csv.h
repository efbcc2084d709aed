/*
 * csv.h: RFC 4180 CSV reading and labelled sentiment data sets.
 *
 * The reader works on a buffer the caller keeps alive: fields separated by
 * commas, records by LF or CRLF, double-quoted fields with "" for a quote
 * and line breaks inside.  Every field is bounded (TEXT_MAX_CSV_FIELD) and
 * so is a record (TEXT_MAX_CSV_FIELDS).
 */
#ifndef VECHE_TEXT_CSV_H
#define VECHE_TEXT_CSV_H

#include <stddef.h>

#include "text/base.h"
#include "text/sentiment.h"

struct text_csv;

/* One field of the current record.  Not NUL-terminated; owned by the reader. */
struct text_csv_field {
	const char *s;
	size_t len;
};

/*
 * A reader over buf[0..len), which must outlive it.  Returns NULL when out of
 * memory.  Free with text_csv_free.
 */
struct text_csv *text_csv_new(const char *buf, size_t len);

/* Free a reader.  Accepts NULL. */
void text_csv_free(struct text_csv *csv);

/*
 * Read the next record.  Returns 1 and sets *fields and *n (valid until the
 * next call), 0 at the end of input, or -1 with err set (err->offset is the
 * byte offset in buf, err->line the 1-based line): an unclosed quote, text
 * after a closing quote, a field or record past its limit.
 */
int text_csv_next(struct text_csv *csv, const struct text_csv_field **fields,
    size_t *n, struct text_error *err);

/*
 * A labelled data set read from CSV.  samples[i].text points into it.
 * nlabels 0: sentiment labels (enum text_sentiment); otherwise
 * samples[i].label indexes labels[], sorted by name.
 */
struct text_dataset {
	struct text_sample *samples;
	size_t n;
	unsigned nlabels;
	const char *labels[TEXT_MAX_LABELS];
	char names[TEXT_MAX_LABELS][TEXT_MAX_LABEL + 1]; /* private */
	char *data;		/* private: the texts */
};

/* Which part of the fixed train/test split (docs/text.md) a text is in. */
enum text_split {
	TEXT_SPLIT_TRAIN,
	TEXT_SPLIT_TEST,
	TEXT_SPLIT__MAX
};

/*
 * Read a labelled CSV file whose header names a text column ("Sentence" or
 * "text") and a label column ("Sentiment" or "label"); labels as
 * text_sentiment_parse takes them.  Returns the data set (free with
 * text_dataset_free), or NULL with err set: unreadable file, bad CSV,
 * missing column, unknown label, malformed UTF-8 (err names line and byte).
 */
struct text_dataset *text_dataset_load(const char *path,
    struct text_error *err);

/*
 * Read a CSV file with any labels: the text in column text_col, the label in
 * label_col (header names, case-insensitive), up to TEXT_MAX_LABELS distinct
 * labels of 1 to TEXT_MAX_LABEL bytes without spaces.  Rows with an empty
 * label are skipped.  As text_dataset_load otherwise.
 */
struct text_dataset *text_dataset_load_labels(const char *path,
    const char *text_col, const char *label_col, struct text_error *err);

/* Free a data set.  Accepts NULL. */
void text_dataset_free(struct text_dataset *ds);

/*
 * The part of the fixed split a text belongs to: TEST for one in five texts,
 * chosen by a hash of its bytes, so the split does not depend on file order.
 */
enum text_split text_split_of(const char *text, size_t len);

/*
 * Keep only the samples of part in ds (in place, order kept).  Returns the
 * number kept.
 */
size_t text_dataset_keep(struct text_dataset *ds, enum text_split part);

#endif
