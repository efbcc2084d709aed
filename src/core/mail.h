/*
 * mail.h: e-mail out: RFC 5322 messages with UTF-8 text (RFC 2047 subject,
 * quoted-printable body).  Submission over SMTP is net/net.h's mail_send.
 */
#ifndef VECHE_MAIL_H
#define VECHE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "net/net.h"     /* struct mail_server, mail_send */

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
 * The same with two alternatives: text (text/plain) and html (text/html,
 * which the caller has escaped), as multipart/alternative; html NULL gives
 * mail_message_new's plain message.
 */
char *mail_message_alt_new(const char *from, const char *to,
    const char *subject, const char *text, const char *html,
    const char *message_id, int64_t date);

/*
 * The same with extra header lines (printable ASCII "Name: value", no line
 * ends; NULL-terminated list, or NULL), such as List-Unsubscribe.
 */
char *mail_message_hdr_new(const char *from, const char *to,
    const char *subject, const char *text, const char *html,
    const char *message_id, int64_t date, const char *const *headers);

/*
 * Encode a header value as RFC 2047 encoded-words (UTF-8, base64), folded
 * so no line passes 76 bytes; pure printable ASCII is copied as is.
 * Returns 0, or -1 if out is too small.
 */
int mail_encode_header(const char *text, char *out, size_t outlen);


#endif
