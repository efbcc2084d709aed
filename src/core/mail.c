/*
 * mail.c: building and sending e-mail.  Every header is generated here from
 * checked values: addresses must pass parse_email_ok and nothing that goes
 * into a header may hold CR or LF, so no input can add a header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "veche.h"
#include "core/mail.h"
#include "core/parse.h"

/* A bounded output buffer. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (n >= b->cap - b->len) {
		b->err = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static int
ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for junk). */
static size_t
seq_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

int
mail_encode_header(const char *text, char *out, size_t outlen)
{
	/* 45 bytes make 60 of base64: "=?UTF-8?B?" + 60 + "?=" fits a line. */
	const size_t chunk = 45;
	struct buf b = { out, 0, outlen, 0 };
	size_t len = strlen(text), i = 0, n, k;
	char enc[64];

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (ascii_printable(text) && len <= 900) {
		put_str(&b, text);
		return b.err ? -1 : 0;
	}
	while (i < len) {
		/* Whole characters only: an encoded-word must not split one. */
		for (n = 0; i + n < len; n += k) {
			k = seq_len((unsigned char)text[i + n]);
			if (n + k > chunk)
				break;
		}
		if (n == 0)
			n = len - i < chunk ? len - i : chunk;
		if (i + n > len)
			n = len - i;
		sodium_bin2base64(enc, sizeof(enc),
		    (const unsigned char *)text + i, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (i > 0)
			put_str(&b, "\r\n ");
		put_str(&b, "=?UTF-8?B?");
		put_str(&b, enc);
		put_str(&b, "?=");
		i += n;
	}
	return b.err ? -1 : 0;
}

/* Body in quoted-printable (RFC 2045), CRLF line ends, lines <= 76. */
static void
put_qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	char q[4];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int lit;

		if (c == '\r')
			continue;
		if (c == '\n') {
			/* Trailing white space would be lost in transit. */
			if (b->len > 0 && !b->err && (b->p[b->len - 1] == ' ' ||
			    b->p[b->len - 1] == '\t')) {
				char last = b->p[b->len - 1];

				b->len--;
				q[0] = '=';
				q[1] = hex[(unsigned char)last >> 4];
				q[2] = hex[last & 15];
				put(b, q, 3);
			}
			put(b, "\r\n", 2);
			col = 0;
			continue;
		}
		/* A dot first on a line is safe in QP, but "=2E" avoids SMTP's
		 * dot-stuffing mistakes in poor relays. */
		lit = (c >= 33 && c <= 126 && c != '=' && !(c == '.' &&
		    col == 0)) || c == ' ' || c == '\t';
		if (col + (lit ? 1 : 3) > 75) {
			put(b, "=\r\n", 3);
			col = 0;
		}
		if (lit) {
			put(b, (const char *)&c, 1);
			col++;
		} else {
			q[0] = '=';
			q[1] = hex[c >> 4];
			q[2] = hex[c & 15];
			put(b, q, 3);
			col += 3;
		}
	}
	put(b, "\r\n", 2);
}

/* RFC 5322 dates are in English whatever the locale: formatted by hand. */
static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/*
 * The boundary of a multipart/alternative message: "=_" never occurs in
 * quoted-printable text ("=" is followed by hex digits or a line end), so
 * no part can contain it.
 */
#define ALT_BOUNDARY "=_veche_alt_7f3a"

static void
put_part_header(struct buf *b, const char *type)
{
	put_str(b, "Content-Type: ");
	put_str(b, type);
	put_str(b, "; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
}

char *
mail_message_alt_new(const char *from, const char *to, const char *subject,
    const char *text, const char *html, const char *message_id,
    int64_t date)
{
	return mail_message_hdr_new(from, to, subject, text, html, message_id,
	    date, NULL);
}

char *
mail_message_hdr_new(const char *from, const char *to, const char *subject,
    const char *text, const char *html, const char *message_id,
    int64_t date, const char *const *headers)
{
	struct buf b = { NULL, 0, VECHE_MAX_MAIL, 0 };
	char subj[2048], when[64];
	time_t t = (time_t)date;
	struct tm tm;
	size_t i;

	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		if (!ascii_printable(headers[i]) ||
		    strchr(headers[i], ':') == NULL)
			return NULL;
	if (!parse_email_ok(from) || !parse_email_ok(to) ||
	    strlen(from) > VECHE_MAX_EMAIL || strlen(to) > VECHE_MAX_EMAIL ||
	    strpbrk(subject, "\r\n") != NULL || !ascii_printable(message_id) ||
	    strpbrk(message_id, "<> ") != NULL)
		return NULL;
	if (mail_encode_header(subject, subj, sizeof(subj)) == -1)
		return NULL;
	if (gmtime_r(&t, &tm) == NULL)
		return NULL;
	snprintf(when, sizeof(when), "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	b.p[0] = '\0';
	put_str(&b, "Date: ");
	put_str(&b, when);
	put_str(&b, "\r\nFrom: <");
	put_str(&b, from);
	put_str(&b, ">\r\nTo: <");
	put_str(&b, to);
	put_str(&b, ">\r\nSubject: ");
	put_str(&b, subj);
	put_str(&b, "\r\nMessage-ID: <");
	put_str(&b, message_id);
	put_str(&b, ">\r\nMIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-generated\r\n");
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		put_str(&b, headers[i]);
		put_str(&b, "\r\n");
	}
	if (html == NULL) {
		put_part_header(&b, "text/plain");
		put_str(&b, "\r\n");
		put_qp(&b, text);
	} else {
		put_str(&b, "Content-Type: multipart/alternative; boundary=\""
		    ALT_BOUNDARY "\"\r\n\r\n--" ALT_BOUNDARY "\r\n");
		put_part_header(&b, "text/plain");
		put_str(&b, "\r\n");
		put_qp(&b, text);
		put_str(&b, "--" ALT_BOUNDARY "\r\n");
		put_part_header(&b, "text/html");
		put_str(&b, "\r\n");
		put_qp(&b, html);
		put_str(&b, "--" ALT_BOUNDARY "--\r\n");
	}
	if (b.err) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *
mail_message_new(const char *from, const char *to, const char *subject,
    const char *body, const char *message_id, int64_t date)
{
	return mail_message_alt_new(from, to, subject, body, NULL, message_id,
	    date);
}
