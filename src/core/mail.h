/*
 * mail.h: e-mail out: RFC 5322 messages with UTF-8 text (RFC 2047 subject,
 * quoted-printable body) and their submission over SMTP with libcurl.
 */
#ifndef VECHE_MAIL_H
#define VECHE_MAIL_H

#include <stddef.h>
#include <stdint.h>

/* Where and how to submit mail (the "mail.*" settings, docs/delivery.md). */
struct mail_server {
	const char *url;        /* smtp://host:port or smtps://host:port */
	const char *from;       /* envelope and From: address */
	const char *user;       /* or NULL: no AUTH */
	const char *password;
	int starttls;           /* require STARTTLS on smtp:// */
	long timeout_ms;
};

/*
 * Build a message from `from` to `to` with a UTF-8 subject and plain-text
 * body (LF or CRLF line ends), dated date (Unix seconds), with the given
 * Message-ID (without angle brackets).  Returns a malloc'd NUL-terminated
 * message with CRLF line ends (free it), or NULL if an address is not
 * plausible, a header would hold CR/LF, the result exceeds VECHE_MAX_MAIL
 * or memory ran out.
 */
char *mail_message_new(const char *from, const char *to,
    const char *subject, const char *body, const char *message_id,
    int64_t date);

/*
 * Encode a header value as RFC 2047 encoded-words (UTF-8, base64), folded
 * so no line passes 76 bytes; pure printable ASCII is copied as is.
 * Returns 0, or -1 if out is too small.
 */
int mail_encode_header(const char *text, char *out, size_t outlen);

/*
 * Submit message to `to` through srv.  Returns 0 once the server accepted
 * it, or -1 with a reason in err.
 */
int mail_send(const struct mail_server *srv, const char *to,
    const char *message, char *err, size_t errlen);

#endif
