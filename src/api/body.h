/*
 * body.h: JSON request bodies of the action routes (api/workflow.c): one
 * parser, one way to read a member as the text a form field would carry.
 */
#ifndef VECHE_API_BODY_H
#define VECHE_API_BODY_H

#include <stddef.h>

#include <jansson.h>

/*
 * Parse len bytes as one JSON object; a repeated member, a NUL in a string
 * (\u0000) and anything but an object are refused.  Returns a new reference
 * the caller releases with json_decref, or NULL with a message in err that
 * says where ("... at line 1, column 9").
 */
json_t *body_json_parse(const void *body, size_t len, char *err,
    size_t errlen);

/*
 * Member name of body as text: a string as it is, an integer in decimal
 * (written to buf), a boolean as "true"/"false".  NULL when absent, empty
 * or of another type (null, a real number, an array, an object).  The text
 * lives in body or buf.
 */
const char *body_json_field(const json_t *body, const char *name, char *buf,
    size_t buflen);

#endif
