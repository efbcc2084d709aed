/*
 * error.h: how core says what went wrong.
 *
 * A core function that can refuse input fills a struct verr: the kind (which
 * the API maps to an HTTP status), the field at fault and a message a person
 * can act on.  verr_set formats the message; the field is copied.
 */
#ifndef VECHE_ERROR_H
#define VECHE_ERROR_H

enum verr_kind {
	VERR_NONE,
	VERR_INVALID,     /* the caller's input breaks a rule: 400 */
	VERR_FORBIDDEN,   /* not allowed for this caller: 403 */
	VERR_NOT_FOUND,   /* no such thing: 404 */
	VERR_CONFLICT,    /* not in this state: 409 */
	VERR_INTERNAL,    /* our fault (store, memory): 500 */
	VERR__MAX
};

struct verr {
	enum verr_kind kind;
	char field[64];
	char message[512];
};

/* Fill e (which may be NULL) and return -1, so callers can `return verr_set(...)`. */
int verr_set(struct verr *e, enum verr_kind kind, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
