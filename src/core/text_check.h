/*
 * text_check.h: the one check of a text field a citizen or an official
 * typed (a report's description, a comment, an answer): UTF-8, no stray
 * control bytes, not too long, present when required.
 */
#ifndef VECHE_CORE_TEXT_CHECK_H
#define VECHE_CORE_TEXT_CHECK_H

#include <stddef.h>

struct verr;

#define TEXT_CHECK_MULTILINE  0x1       /* newlines and tabs allowed */
#define TEXT_CHECK_REQUIRED   0x2       /* NULL or "" is refused */

/*
 * Check field's value v (NULL or "": absent, accepted unless
 * TEXT_CHECK_REQUIRED) of at most max characters.  Returns 0, or -1 with
 * e set (VERR_INVALID naming field: "FIELD: required", "FIELD: invalid
 * UTF-8 or a control character at byte N", "FIELD: N characters, at most
 * MAX allowed").
 */
int text_check(const char *field, const char *v, int flags, size_t max,
    struct verr *e);

#endif
