/*
 * letter.h: the body of an e-mail in two alternatives written side by side:
 * plain text and HTML (every piece of text escaped here), for
 * mail_message_alt_new.  Used by the outbox's e-mail about reports
 * (delivery.c) and the account e-mails (api/web_account.c).
 *
 * A letter owns two malloc'd buffers of VECHE_MAX_LETTER bytes each;
 * writing past the end truncates (marked "...") instead of overflowing.
 */
#ifndef VECHE_LETTER_H
#define VECHE_LETTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"

struct letter {
	char *text;
	char *html;
	size_t cap;
	enum lang lang;                 /* of dates */
};

/* Start a letter with an HTML head titled title.  0, or -1 out of memory. */
int letter_init(struct letter *l, enum lang lang, const char *title);

/* Close the HTML.  The buffers stay the letter's. */
void letter_end(struct letter *l);

/* Free both buffers.  Accepts a letter letter_init failed on. */
void letter_free(struct letter *l);

/* A paragraph: text (newlines kept: <br> in HTML). */
void letter_para(struct letter *l, const char *text);

/* "label: value" (value NULL or "" writes nothing). */
void letter_field(struct letter *l, const char *label, const char *value);

/* "label: date" of Unix time t in the deployment's zone (0: nothing). */
void letter_date(struct letter *l, const char *label, int64_t t);

/* The same for a W3C date-time string (as event payloads carry). */
void letter_date_w3c(struct letter *l, const char *label, const char *w3c);

/* A link: "label: url" in text, <a href> in HTML.  url is escaped. */
void letter_link(struct letter *l, const char *label, const char *url);

/*
 * A date and time in the deployment's zone: "15.06.2026 10:00" (Russian),
 * "2026-06-15 10:00" (English).  Empty for 0.
 */
void letter_format_date(int64_t t, enum lang lang, char *out, size_t len);

#endif
