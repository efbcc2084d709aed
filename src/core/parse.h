/*
 * parse.h: the one strict parser for numbers and the checks on text that
 * comes from outside (UTF-8, lengths, e-mail, phone, URL).
 */
#ifndef VECHE_PARSE_H
#define VECHE_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The whole of s is a decimal integer in [min, max]: 0, else -1. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* The whole of s is a finite decimal number (no hex, inf, nan): 0, else -1. */
int parse_double(const char *s, double *out);

/*
 * s is valid UTF-8 without control characters other than tab, CR and LF
 * (multiline) or none at all (single line).  On success *chars receives the
 * number of code points and 0 is returned; on failure -1 and *bad the byte
 * offset of the first bad byte.
 */
int parse_utf8(const char *s, int multiline, size_t *chars, size_t *bad);

/* Plausible e-mail address (one '@', a dotted domain, no spaces). */
int parse_email_ok(const char *s);

/* Phone number: digits with optional + ( ) - and spaces, 5 to 15 digits. */
int parse_phone_ok(const char *s);

/* An absolute http or https URL without spaces or control characters. */
int parse_url_ok(const char *s);

#endif
