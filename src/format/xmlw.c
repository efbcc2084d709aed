/* xmlw.c: the direct XML writer (xmlw.h). */
#include <string.h>

#include "format/xmlw.h"

void
xmlw_declaration(struct outbuf *o, const char *enc)
{
	outbuf_puts(o, "<?xml version=\"1.0\" encoding=\"");
	outbuf_puts(o, enc);
	outbuf_put(o, "\"?>\n", 4);
}

void
xmlw_end_document(struct outbuf *o)
{
	outbuf_putc(o, '\n');
}

void
xmlw_text_n(struct outbuf *o, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\r': rep = "&#13;"; break;
		default:
			continue;
		}
		outbuf_put(o, s + run, i - run);
		outbuf_puts(o, rep);
		run = i + 1;
	}
	outbuf_put(o, s + run, n - run);
}

void
xmlw_text(struct outbuf *o, const char *s)
{
	xmlw_text_n(o, s, strlen(s));
}

void
xmlw_open(struct outbuf *o, const char *name)
{
	outbuf_putc(o, '<');
	outbuf_puts(o, name);
	outbuf_putc(o, '>');
}

void
xmlw_close(struct outbuf *o, const char *name)
{
	outbuf_put(o, "</", 2);
	outbuf_puts(o, name);
	outbuf_putc(o, '>');
}

void
xmlw_element(struct outbuf *o, const char *name, const char *text)
{
	if (text == NULL) {
		outbuf_putc(o, '<');
		outbuf_puts(o, name);
		outbuf_put(o, "/>", 2);
		return;
	}
	xmlw_open(o, name);
	xmlw_text(o, text);
	xmlw_close(o, name);
}
