/*
 * form.h: veche's parsers for request input, free of libmicrohttpd.
 *
 *  - query strings and application/x-www-form-urlencoded bodies,
 *  - multipart/form-data bodies (RFC 7578),
 *  - header values of the form `type; name=value; name="value"`
 *    (Content-Type, and Content-Disposition inside multipart parts).
 *
 * Everything a parser returns lives in the arena it was given (arena.h) and
 * dies with it; nothing here is freed on its own.  On error a parser returns
 * -1 and fills a struct form_error whose message names the input ("query",
 * "body"), the field when known, the rule and the byte offset (counted from
 * 0), e.g. "body: invalid percent-escape in field 'description' at byte 17".
 * Parameters added before an error stay in the list; callers drop the
 * request.
 */
#ifndef VECHE_HTTP_FORM_H
#define VECHE_HTTP_FORM_H

#include <stddef.h>

#include "http/http.h"
#include "veche.h"

struct arena;

#define FORM_FIELD_SIZE   72    /* field shown in errors: 64 bytes and "..." */
#define FORM_MESSAGE_SIZE 256

struct form_error {
	char field[FORM_FIELD_SIZE];      /* printable ASCII, "" if none */
	char message[FORM_MESSAGE_SIZE];  /* names input, field and rule */
};

/*
 * A list of parameters in arrival order; start it zeroed.  v lives in the
 * arena that the parsers were given.  One list may collect the query and
 * the body: VECHE_MAX_PARAMS bounds the total.
 */
struct form_params {
	struct http_param *v;
	size_t n;
	size_t cap;
};

struct form_header_param {
	const char *name;     /* lower case */
	const char *value;    /* unquoted */
};

/* A parsed header value such as a Content-Type. */
struct form_ctype {
	const char *type;     /* lower case, e.g. "multipart/form-data" */
	struct form_header_param params[VECHE_MAX_HEADER_PARAMS];
	size_t nparams;
};

/*
 * Percent-decode the len bytes at s into dst (room for len + 1 bytes; dst
 * is NUL-terminated), turning '+' into a space when plus is set.  *dstlen
 * receives the decoded length.  Returns 0, or -1 with *bad set to the offset
 * of an invalid escape ('%' not followed by two hex digits).  Decoded NUL
 * bytes are kept; callers that forbid them check.
 */
int form_decode(const char *s, size_t len, int plus, char *dst,
    size_t *dstlen, size_t *bad);

/*
 * Parse a query string or urlencoded body of len bytes and append its
 * fields to out, marked with source.  '+' is a space, repeated names are kept
 * in order, "a" and "a=" give an empty value, empty pairs ("&&") and empty
 * names are skipped.  Errors: invalid escape, a NUL byte (literal or %00) in
 * a name or a value (the field is named), a name longer than
 * VECHE_MAX_PARAM_NAME, more than VECHE_MAX_PARAMS fields in out, out of
 * memory.
 */
int form_parse_urlencoded(struct arena *a, struct form_params *out,
    enum http_param_source source, const char *data, size_t len,
    struct form_error *err);

/*
 * Parse a Content-Type value (media type and parameters; type and parameter
 * names are lower-cased, quoted values unquoted) into *out.  Errors: syntax,
 * duplicate parameter, more than VECHE_MAX_HEADER_PARAMS, out of memory.
 */
int form_parse_content_type(struct arena *a, const char *value,
    struct form_ctype *out, struct form_error *err);

/* The value of parameter name (case-insensitive) in ct, or NULL. */
const char *form_ctype_param(const struct form_ctype *ct, const char *name);

/*
 * Parse a multipart/form-data body of len bytes, whose parsed Content-Type
 * is ct, and append its parts to out as HTTP_PARAM_BODY fields.  A part with
 * a filename (filename*= wins over filename=) gets filename and content_type
 * (the part's media type, lower case, without parameters, or
 * "application/octet-stream"); other parts get NULL for both.  File values
 * may hold NUL bytes (value_len is their length); a NUL byte in any other
 * part is an error naming the field.  Errors: ct is not
 * multipart/form-data or has no valid boundary, no boundary in the body, a
 * part without Content-Disposition form-data or name, malformed part
 * headers, part headers over VECHE_MAX_PART_HEADER, missing final boundary,
 * the same limits as form_parse_urlencoded.
 */
int form_parse_multipart(struct arena *a, struct form_params *out,
    const struct form_ctype *ct, const void *body, size_t len,
    struct form_error *err);

/* One segment of a bracketed name: len bytes at s (not NUL-terminated). */
struct form_segment {
	const char *s;
	size_t len;
};

/*
 * Read a bracketed field name "PREFIX[a][b]" or "PREFIX[a][b][]" (the
 * Open311 attribute[code], the web form's attr[service][code]): exactly
 * nseg non-empty segments after prefix, none holding '[' or ']', then
 * optionally "[]" (*list set to 1).  Returns 0 with seg[0..nseg) pointing
 * into name, or -1 when name is not of that form.
 */
int form_name_segments(const char *name, const char *prefix,
    struct form_segment *seg, size_t nseg, int *list);

#endif
