/*
 * base.h: limits, errors and data-file lookup shared by the text modules.
 *
 * Every bounded buffer in src/text takes its size from here.  Inputs past a
 * limit are refused with an error that names the limit, never truncated
 * silently and never overflowed.
 */
#ifndef VECHE_TEXT_BASE_H
#define VECHE_TEXT_BASE_H

#include <stddef.h>

/* Analysis */
#define TEXT_MAX_INPUT        (1u * 1024 * 1024) /* bytes of one text */
#define TEXT_MAX_TOKENS       65536   /* tokens in one text */
#define TEXT_MAX_STEM_WORD    128     /* bytes: longer words are not stemmed */
#define TEXT_MAX_WORD_LIST    100000  /* stop words or lexicon entries in a file */
#define TEXT_MAX_DATA_FILE    (256u * 1024 * 1024) /* bytes of a data, model or CSV file */
#define TEXT_MAX_PATH         4096    /* bytes of a file path */

/* Queries */
#define TEXT_MAX_QUERY        4096    /* bytes of one query */
#define TEXT_MAX_QUERY_ID     64      /* bytes of a query id */
#define TEXT_MAX_QUERY_NODES  256     /* operators and terms in one query */
#define TEXT_MAX_QUERY_DEPTH  32      /* nesting of parentheses and NOT */
#define TEXT_MAX_QUERIES      1000000 /* queries in one set */
#define TEXT_MAX_NEAR         1000    /* n in NEAR/n */
#define TEXT_MIN_PREFIX       2       /* code points before '*' */
#define TEXT_MAX_SPANS        4096    /* positions one operand of NEAR may yield */

/* CSV */
#define TEXT_MAX_CSV_FIELD    (64u * 1024) /* bytes of one field */
#define TEXT_MAX_CSV_FIELDS   64      /* fields in one row */
#define TEXT_MAX_SAMPLES      1000000 /* labelled rows in a data set */

/* Near-duplicates */
#define TEXT_MAX_DEDUPE_ITEMS (16u * 1024 * 1024) /* texts one index remembers */

/* Sentiment model */
#define TEXT_MIN_HASH_BITS    10
#define TEXT_MAX_HASH_BITS    24
#define TEXT_MAX_LABELS       64      /* classes one model tells apart */
#define TEXT_MAX_LABEL        64      /* bytes of a label name */

/*
 * What went wrong and where.  offset is a byte offset into the input that
 * was being read (text, query, file), or (size_t)-1 when no position applies;
 * line is 1-based for files, 0 otherwise.  msg is always NUL-terminated.
 */
struct text_error {
	size_t offset;
	size_t line;
	char msg[256];
};

/* Set err (may be NULL) to a formatted message; offset and line as above. */
void text_error_set(struct text_error *err, size_t offset, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Put the path of data file name ("text/stop-ru.txt") into buf (size bytes).
 * dir is used when not NULL; otherwise $VECHE_DATADIR, otherwise the
 * compile-time VECHE_DATADIR.  Returns 0, or -1 if the path does not fit.
 */
int text_data_path(const char *dir, const char *name, char *buf, size_t size);

/*
 * Read a whole file into a NUL-terminated heap buffer (the caller frees it)
 * and store its length in *len.  Returns NULL with err set if the file cannot
 * be read or is larger than max bytes.
 */
char *text_file_read(const char *path, size_t max, size_t *len,
    struct text_error *err);

/*
 * Strict number parsers: the whole of s[0..len) must be the number (no
 * spaces, no trailing text) and within [lo, hi].  Return 0, or -1.
 */
int text_parse_double(const char *s, size_t len, double lo, double hi,
    double *out);
int text_parse_ulong(const char *s, size_t len, unsigned long lo,
    unsigned long hi, unsigned long *out);

#endif
