/*
 * export.h: an agency's reports for a period as CSV (RFC 4180): a header
 * row, CRLF line ends, fields quoted when they hold a comma, quote, CR or
 * LF, UTF-8 with an optional byte-order mark for spreadsheet programs.
 */
#ifndef VECHE_EXPORT_H
#define VECHE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct store;

/* Where the CSV goes: write returns 0, or -1 to stop with an error. */
typedef int (*export_write_fn)(const void *data, size_t len, void *arg);

/*
 * Write the reports of agency requested in [from, to] (Unix seconds), in
 * id order, with the staff-only contact columns.  bom: start with U+FEFF.
 * Returns 0, or -1 with e set (VERR_INTERNAL; a write error too).
 */
int export_csv(struct store *s, const char *agency, int64_t from, int64_t to,
    int bom, export_write_fn write, void *arg, struct verr *e);

/*
 * Write one CSV field: quoted (quotes doubled) when it holds a comma,
 * quote, CR or LF or starts or ends with a blank.  A text field that starts
 * with = + - @, a tab or a CR gets a leading apostrophe, so that a
 * spreadsheet shows it rather than running it as a formula.  NULL writes
 * nothing.  Every CSV veche writes (reports, open data, listening, help)
 * goes through it.
 */
int export_csv_field(const char *v, int text, export_write_fn write,
    void *arg);

/*
 * Parse a period bound: "YYYY-MM-DD" (local time zone; the start of the day,
 * or its last second if end is set) or a W3C date-time.  Returns 0, or -1
 * with e naming field.
 */
int export_parse_date(const char *v, int end, const char *field,
    int64_t *out, struct verr *e);

#endif
