/* letter.c: e-mail bodies in plain text and HTML (letter.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "veche.h"
#include "core/datetime.h"
#include "core/letter.h"

/* Append n bytes of s to buf (cap bytes); truncation ends it "...". */
static void
add(char *buf, size_t cap, const char *s, size_t n)
{
	size_t len = strlen(buf);

	if (len + 4 >= cap)
		return;
	if (n > cap - len - 4) {
		memcpy(buf + len, s, cap - len - 4);
		memcpy(buf + cap - 4, "...", 4);
		return;
	}
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
}

static void
add_str(char *buf, size_t cap, const char *s)
{
	add(buf, cap, s, strlen(s));
}

/* s into the HTML, escaped; newlines become <br>. */
static void
add_escaped(struct letter *l, const char *s)
{
	const char *run = s, *ent;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		case '\n': ent = "<br>\n"; break;
		default: continue;
		}
		add(l->html, l->cap, run, (size_t)(s - run));
		add_str(l->html, l->cap, ent);
		run = s + 1;
	}
	add(l->html, l->cap, run, (size_t)(s - run));
}

int
letter_init(struct letter *l, enum lang lang, const char *title)
{
	l->cap = VECHE_MAX_LETTER;
	l->lang = lang;
	l->text = malloc(l->cap);
	l->html = malloc(l->cap);
	if (l->text == NULL || l->html == NULL) {
		letter_free(l);
		return -1;
	}
	l->text[0] = l->html[0] = '\0';
	add_str(l->html, l->cap, lang == LANG_EN ? "<!DOCTYPE html>\n"
	    "<html lang=\"en\">\n" : "<!DOCTYPE html>\n<html lang=\"ru\">\n");
	add_str(l->html, l->cap, "<head><meta charset=\"utf-8\"><title>");
	add_escaped(l, title);
	add_str(l->html, l->cap, "</title></head>\n<body>\n");
	return 0;
}

void
letter_end(struct letter *l)
{
	add_str(l->html, l->cap, "</body>\n</html>\n");
}

void
letter_free(struct letter *l)
{
	free(l->text);
	free(l->html);
	l->text = l->html = NULL;
}

void
letter_para(struct letter *l, const char *text)
{
	add_str(l->text, l->cap, text);
	add_str(l->text, l->cap, "\n\n");
	add_str(l->html, l->cap, "<p>");
	add_escaped(l, text);
	add_str(l->html, l->cap, "</p>\n");
}

void
letter_field(struct letter *l, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	add_str(l->text, l->cap, label);
	add_str(l->text, l->cap, ": ");
	add_str(l->text, l->cap, value);
	add_str(l->text, l->cap, "\n");
	add_str(l->html, l->cap, "<p><strong>");
	add_escaped(l, label);
	add_str(l->html, l->cap, ":</strong> ");
	add_escaped(l, value);
	add_str(l->html, l->cap, "</p>\n");
}

void
letter_format_date(int64_t t, enum lang lang, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	out[0] = '\0';
	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		return;
	strftime(out, len, lang == LANG_EN ? "%Y-%m-%d %H:%M" :
	    "%d.%m.%Y %H:%M", &tm);
}

void
letter_date(struct letter *l, const char *label, int64_t t)
{
	char when[32];

	letter_format_date(t, l->lang, when, sizeof(when));
	letter_field(l, label, when);
}

void
letter_date_w3c(struct letter *l, const char *label, const char *w3c)
{
	char err[128];
	int64_t t;

	if (w3c != NULL && w3c[0] != '\0' &&
	    datetime_parse(w3c, &t, err, sizeof(err)) == 0)
		letter_date(l, label, t);
}

void
letter_link(struct letter *l, const char *label, const char *url)
{
	add_str(l->text, l->cap, label);
	add_str(l->text, l->cap, ": ");
	add_str(l->text, l->cap, url);
	add_str(l->text, l->cap, "\n\n");
	add_str(l->html, l->cap, "<p><a href=\"");
	add_escaped(l, url);
	add_str(l->html, l->cap, "\">");
	add_escaped(l, label);
	add_str(l->html, l->cap, "</a></p>\n");
}
