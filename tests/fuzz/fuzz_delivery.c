/*
 * fuzz_delivery.c: what the delivery module takes from outside: export
 * period bounds (query parameters), and report text that becomes e-mail
 * (subject and body) and CSV fields.
 *
 * The input up to the first NUL is a date for export_parse_date; the rest
 * is the subject and body of a message and one CSV field.  Checks: a built
 * message has CRLF line ends only, no line over 998 bytes and exactly one
 * Subject header in its header block; a quoted CSV field has balanced quotes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/export.h"
#include "core/mail.h"

struct sink {
	size_t len, quotes;
};

static int
count(const void *p, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t i;

	for (i = 0; i < n; i++)
		k->quotes += ((const char *)p)[i] == '"';
	k->len += n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zoned;
	char *buf, *text, *msg, *p;
	struct sink k = { 0, 0 };
	struct verr e;
	int64_t t;
	size_t line;

	if (!zoned) {
		datetime_set_zone("Europe/Moscow");
		zoned = 1;
	}
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	(void)export_parse_date(buf, size & 1, "from", &t, &e);
	text = buf + strlen(buf) + (strlen(buf) < size);
	if (export_csv_field(text, 1, count, &k) == 0 && k.quotes % 2 != 0)
		abort();
	msg = mail_message_new("veche@city.test", "a@agency.test", text, text,
	    "k.mail@veche", 1700000000);
	if (msg != NULL) {
		/* Headers end at the first empty line: one Subject there. */
		if ((p = strstr(msg, "\r\n\r\n")) == NULL)
			abort();
		*p = '\0';
		if (strstr(msg, "\nSubject:") == NULL ||
		    strstr(strstr(msg, "\nSubject:") + 1, "\nSubject:") != NULL)
			abort();
		*p = '\r';
		for (p = msg, line = 0; *p; p++) {
			if (*p == '\n' && (p == msg || p[-1] != '\r'))
				abort();
			if (*p == '\r' && p[1] != '\n')
				abort();
			line = *p == '\n' ? 0 : line + 1;
			if (line > 998)
				abort();
		}
		free(msg);
	}
	free(buf);
	return 0;
}
