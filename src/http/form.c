/*
 * form.c: query string, urlencoded, multipart and header-value parsers
 * (see form.h).  Input is outside data: every length is checked before a
 * byte is read, and every result is bounded by the limits in veche.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "http/form.h"

#define FIELD_SHOWN 64  /* bytes of a field name quoted in an error */

static const char *const source_names[HTTP_PARAM_SOURCE__MAX] = {
	"query",
	"body",
};

/* Copy name into err->field as printable ASCII, cut at FIELD_SHOWN bytes. */
static void
set_field(struct form_error *err, const char *name, size_t len)
{
	size_t i, n;

	n = len > FIELD_SHOWN ? FIELD_SHOWN : len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		err->field[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < len) {
		memcpy(err->field + n, "...", 3);
		n += 3;
	}
	err->field[n] = '\0';
}

/*
 * Fill err: field (may be NULL) and a formatted message.  Always returns -1
 * so that callers can `return fail(...)`.
 */
static int
fail(struct form_error *err, const char *field, size_t fieldlen,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct form_error *err, const char *field, size_t fieldlen,
    const char *fmt, ...)
{
	va_list ap;

	if (field != NULL)
		set_field(err, field, fieldlen);
	else
		err->field[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
form_decode(const char *s, size_t len, int plus, char *dst, size_t *dstlen,
    size_t *bad)
{
	size_t i, j;

	for (i = j = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0) {
				*bad = i;
				dst[j] = '\0';
				*dstlen = j;
				return -1;
			}
			dst[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus) {
			dst[j++] = ' ';
		} else {
			dst[j++] = (char)c;
		}
	}
	dst[j] = '\0';
	*dstlen = j;
	return 0;
}

/* Append one parameter to out, growing it in a. */
static int
params_add(struct arena *a, struct form_params *out,
    const struct http_param *p, struct form_error *err)
{
	const char *label = source_names[p->source];

	if (out->n >= VECHE_MAX_PARAMS)
		return fail(err, p->name, strlen(p->name),
		    "%s: more than %d fields", label, VECHE_MAX_PARAMS);
	if (out->n == out->cap) {
		struct http_param *v;
		size_t cap = out->cap == 0 ? 8 : out->cap * 2;

		if (cap > VECHE_MAX_PARAMS)
			cap = VECHE_MAX_PARAMS;
		v = arena_alloc(a, cap * sizeof(*v));
		if (v == NULL)
			return fail(err, NULL, 0, "%s: out of memory", label);
		if (out->n > 0)
			memcpy(v, out->v, out->n * sizeof(*v));
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *p;
	return 0;
}

/* Check a decoded field name against the rules shared by all parsers. */
static int
check_name(const char *label, const char *name, size_t len, size_t at,
    struct form_error *err)
{
	if (len > VECHE_MAX_PARAM_NAME)
		return fail(err, name, len,
		    "%s: field name longer than %d bytes at byte %zu", label,
		    VECHE_MAX_PARAM_NAME, at);
	if (memchr(name, '\0', len) != NULL)
		return fail(err, NULL, 0,
		    "%s: NUL byte in a field name at byte %zu", label, at);
	return 0;
}

/*
 * The offset of the first NUL in the raw bytes s[0..len): a literal NUL or
 * the escape "%00".  len if there is none.
 */
static size_t
raw_nul(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			return i;
		if (s[i] == '%' && len - i >= 3 && s[i + 1] == '0' &&
		    s[i + 2] == '0')
			return i;
	}
	return len;
}

int
form_parse_urlencoded(struct arena *a, struct form_params *out,
    enum http_param_source source, const char *data, size_t len,
    struct form_error *err)
{
	const char *label = source_names[source];
	size_t i = 0;

	while (i < len) {
		const char *amp, *eq;
		size_t end, nend, nlen, vlen, bad;
		struct http_param p;
		char *name, *value;

		amp = memchr(data + i, '&', len - i);
		end = amp != NULL ? (size_t)(amp - data) : len;
		eq = memchr(data + i, '=', end - i);
		nend = eq != NULL ? (size_t)(eq - data) : end;
		if (nend == i) {
			/* "&&" or "=x": nothing a route could declare. */
			i = end + 1;
			continue;
		}

		name = arena_alloc(a, nend - i + 1);
		if (name == NULL)
			return fail(err, NULL, 0, "%s: out of memory", label);
		if (form_decode(data + i, nend - i, 1, name, &nlen, &bad) == -1)
			return fail(err, NULL, 0,
			    "%s: invalid percent-escape in a field name at "
			    "byte %zu", label, i + bad);
		if (check_name(label, name, nlen, i, err) == -1)
			return -1;

		if (eq != NULL) {
			size_t vstart = nend + 1;

			value = arena_alloc(a, end - vstart + 1);
			if (value == NULL)
				return fail(err, NULL, 0, "%s: out of memory",
				    label);
			if (form_decode(data + vstart, end - vstart, 1, value,
			    &vlen, &bad) == -1)
				return fail(err, name, nlen,
				    "%s: invalid percent-escape in field '%s' "
				    "at byte %zu", label, err->field,
				    vstart + bad);
			/* A value is text: a NUL would cut it short later. */
			if (memchr(value, '\0', vlen) != NULL)
				return fail(err, name, nlen,
				    "%s: NUL byte in field '%s' at byte %zu",
				    label, err->field, vstart + raw_nul(data +
				    vstart, end - vstart));
		} else {
			value = arena_strndup(a, "", 0);
			vlen = 0;
			if (value == NULL)
				return fail(err, NULL, 0, "%s: out of memory",
				    label);
		}

		memset(&p, 0, sizeof(p));
		p.name = name;
		p.value = value;
		p.value_len = vlen;
		p.source = source;
		if (params_add(a, out, &p, err) == -1)
			return -1;
		i = end + 1;
	}
	return 0;
}

/* RFC 9110 token characters. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static size_t
skip_ows(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t
token_end(const char *s, size_t len, size_t i)
{
	while (i < len && is_tchar((unsigned char)s[i]))
		i++;
	return i;
}

static char *
lower_dup(struct arena *a, const char *s, size_t len)
{
	char *p;
	size_t i;

	p = arena_strndup(a, s, len);
	if (p == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
	return p;
}

/*
 * Read a quoted-string starting at s[*i] == '"' into a new arena string.
 * With escapes, a backslash quotes the next byte (RFC 9110); without, it is
 * literal, as browsers write multipart filenames (WHATWG).  Control bytes
 * other than HTAB are refused.
 */
static char *
quoted(struct arena *a, const char *s, size_t len, size_t *i, int escapes,
    const char *what, struct form_error *err)
{
	size_t j, n = 0;
	char *out;

	out = arena_alloc(a, len - *i);
	if (out == NULL) {
		fail(err, NULL, 0, "%s: out of memory", what);
		return NULL;
	}
	for (j = *i + 1; j < len; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c == '"') {
			out[n] = '\0';
			*i = j + 1;
			return out;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fail(err, NULL, 0, "%s: control byte in a quoted "
			    "string at byte %zu", what, j);
			return NULL;
		}
		if (c == '\\' && escapes) {
			if (++j == len)
				break;
			c = (unsigned char)s[j];
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				fail(err, NULL, 0, "%s: control byte in a "
				    "quoted string at byte %zu", what, j);
				return NULL;
			}
		}
		out[n++] = (char)c;
	}
	fail(err, NULL, 0, "%s: unterminated quoted string", what);
	return NULL;
}

/*
 * Parse `type[/subtype] *( OWS ";" OWS name "=" value )` from the len bytes
 * at s.  media asks for a type/subtype; escapes is passed to quoted().
 */
static int
parse_header(struct arena *a, const char *s, size_t len, int media,
    int escapes, const char *what, struct form_ctype *out,
    struct form_error *err)
{
	size_t i, e, k;

	memset(out, 0, sizeof(*out));
	i = skip_ows(s, len, 0);
	e = token_end(s, len, i);
	if (e == i)
		return fail(err, NULL, 0, "%s: missing type", what);
	if (media) {
		if (e == len || s[e] != '/')
			return fail(err, NULL, 0,
			    "%s: type has no '/subtype'", what);
		k = token_end(s, len, e + 1);
		if (k == e + 1)
			return fail(err, NULL, 0, "%s: empty subtype", what);
		e = k;
	}
	if ((out->type = lower_dup(a, s + i, e - i)) == NULL)
		return fail(err, NULL, 0, "%s: out of memory", what);
	i = skip_ows(s, len, e);

	while (i < len) {
		struct form_header_param *p;
		const char *value;
		size_t ne;

		if (s[i] != ';')
			return fail(err, NULL, 0,
			    "%s: expected ';' at byte %zu", what, i);
		i = skip_ows(s, len, i + 1);
		if (i == len)
			break;
		if (s[i] == ';')
			continue;
		ne = token_end(s, len, i);
		if (ne == i || ne == len || s[ne] != '=')
			return fail(err, NULL, 0, "%s: expected name=value "
			    "at byte %zu", what, i);
		if (out->nparams == VECHE_MAX_HEADER_PARAMS)
			return fail(err, NULL, 0, "%s: more than %d "
			    "parameters", what, VECHE_MAX_HEADER_PARAMS);
		p = &out->params[out->nparams];
		if ((p->name = lower_dup(a, s + i, ne - i)) == NULL)
			return fail(err, NULL, 0, "%s: out of memory", what);
		for (k = 0; k < out->nparams; k++)
			if (strcmp(out->params[k].name, p->name) == 0)
				return fail(err, NULL, 0, "%s: parameter '%s' "
				    "given twice", what, p->name);
		i = ne + 1;
		if (i < len && s[i] == '"') {
			value = quoted(a, s, len, &i, escapes, what, err);
			if (value == NULL)
				return -1;
		} else {
			e = token_end(s, len, i);
			if (e == i)
				return fail(err, NULL, 0, "%s: empty value for "
				    "'%s' at byte %zu", what, p->name, i);
			if ((value = arena_strndup(a, s + i, e - i)) == NULL)
				return fail(err, NULL, 0, "%s: out of memory",
				    what);
			i = e;
		}
		p->value = value;
		out->nparams++;
		i = skip_ows(s, len, i);
	}
	return 0;
}

int
form_parse_content_type(struct arena *a, const char *value,
    struct form_ctype *out, struct form_error *err)
{
	return parse_header(a, value, strlen(value), 1, 1, "Content-Type", out,
	    err);
}

const char *
form_ctype_param(const struct form_ctype *ct, const char *name)
{
	size_t i;

	for (i = 0; i < ct->nparams; i++)
		if (strcasecmp(ct->params[i].name, name) == 0)
			return ct->params[i].value;
	return NULL;
}

/* RFC 2046 bchars, space excepted when last. */
static int
check_boundary(const char *b, struct form_error *err)
{
	size_t i, len = strlen(b);

	if (len == 0 || len > VECHE_MAX_BOUNDARY)
		return fail(err, "Content-Type", 12, "Content-Type: boundary "
		    "must have 1 to %d bytes", VECHE_MAX_BOUNDARY);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)b[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("'()+_,-./:=? ", c))
			continue;
		return fail(err, "Content-Type", 12, "Content-Type: invalid "
		    "byte in boundary at byte %zu", i);
	}
	if (b[len - 1] == ' ')
		return fail(err, "Content-Type", 12,
		    "Content-Type: boundary ends with a space");
	return 0;
}

/* RFC 8187 ext-value: charset'language'pct-encoded, UTF-8 only. */
static char *
ext_value(struct arena *a, const char *v, struct form_error *err)
{
	const char *q1, *q2;
	size_t len, n, bad;
	char *out;

	q1 = strchr(v, '\'');
	q2 = q1 != NULL ? strchr(q1 + 1, '\'') : NULL;
	if (q2 == NULL) {
		fail(err, NULL, 0, "body: filename* is not charset'lang'value");
		return NULL;
	}
	if ((size_t)(q1 - v) != 5 || strncasecmp(v, "utf-8", 5) != 0) {
		fail(err, NULL, 0, "body: filename* charset must be UTF-8");
		return NULL;
	}
	len = strlen(q2 + 1);
	if ((out = arena_alloc(a, len + 1)) == NULL) {
		fail(err, NULL, 0, "body: out of memory");
		return NULL;
	}
	if (form_decode(q2 + 1, len, 0, out, &n, &bad) == -1) {
		fail(err, NULL, 0, "body: invalid percent-escape in filename*");
		return NULL;
	}
	if (memchr(out, '\0', n) != NULL) {
		fail(err, NULL, 0, "body: NUL byte in filename*");
		return NULL;
	}
	return out;
}

/* What the headers of one part say. */
struct part {
	const char *name;
	const char *filename;
	const char *content_type;
};

static int
header_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/*
 * Parse the header block of one part (CRLF-separated lines, the last one
 * without its CRLF) from body[hs..he).
 */
static int
part_headers(struct arena *a, const char *body, size_t hs, size_t he,
    struct part *pt, struct form_error *err)
{
	struct form_ctype cd, ct;
	int have_cd = 0, have_ct = 0;
	size_t i = hs;

	memset(pt, 0, sizeof(*pt));
	while (i < he) {
		const char *crlf, *colon;
		size_t le, vs, ve;

		crlf = memmem(body + i, he - i, "\r\n", 2);
		le = crlf != NULL ? (size_t)(crlf - body) : he;
		if (body[i] == ' ' || body[i] == '\t')
			return fail(err, NULL, 0, "body: folded part header "
			    "at byte %zu", i);
		colon = memchr(body + i, ':', le - i);
		if (colon == NULL || colon == body + i ||
		    token_end(body, le, i) != (size_t)(colon - body))
			return fail(err, NULL, 0, "body: malformed part header "
			    "at byte %zu", i);
		vs = skip_ows(body, le, (size_t)(colon - body) + 1);
		ve = le;
		while (ve > vs && (body[ve - 1] == ' ' || body[ve - 1] == '\t'))
			ve--;

		if (header_is(body + i, (size_t)(colon - body) - i,
		    "content-disposition")) {
			if (have_cd++)
				return fail(err, NULL, 0, "body: two "
				    "Content-Disposition headers at byte %zu",
				    i);
			if (parse_header(a, body + vs, ve - vs, 0, 0,
			    "body: Content-Disposition", &cd, err) == -1)
				return -1;
		} else if (header_is(body + i, (size_t)(colon - body) - i,
		    "content-type")) {
			if (have_ct++)
				return fail(err, NULL, 0, "body: two "
				    "Content-Type headers at byte %zu", i);
			if (parse_header(a, body + vs, ve - vs, 1, 1,
			    "body: part Content-Type", &ct, err) == -1)
				return -1;
		}
		i = le + 2;
	}

	if (!have_cd || strcmp(cd.type, "form-data") != 0)
		return fail(err, NULL, 0, "body: part at byte %zu has no "
		    "Content-Disposition: form-data", hs);
	pt->name = form_ctype_param(&cd, "name");
	if (pt->name == NULL || pt->name[0] == '\0')
		return fail(err, NULL, 0, "body: part at byte %zu has no name",
		    hs);
	if (check_name("body", pt->name, strlen(pt->name), hs, err) == -1)
		return -1;
	if (form_ctype_param(&cd, "filename*") != NULL) {
		pt->filename = ext_value(a, form_ctype_param(&cd, "filename*"),
		    err);
		if (pt->filename == NULL) {
			set_field(err, pt->name, strlen(pt->name));
			return -1;
		}
	} else {
		pt->filename = form_ctype_param(&cd, "filename");
	}
	if (pt->filename != NULL)
		pt->content_type = have_ct ? ct.type :
		    "application/octet-stream";
	return 0;
}

int
form_parse_multipart(struct arena *a, struct form_params *out,
    const struct form_ctype *ct, const void *body_, size_t len,
    struct form_error *err)
{
	const char *body = body_;
	char delim[VECHE_MAX_BOUNDARY + 5];   /* "\r\n--" boundary */
	const char *boundary, *hit;
	size_t dl, pos;
	int n;

	if (strcmp(ct->type, "multipart/form-data") != 0)
		return fail(err, "Content-Type", 12,
		    "Content-Type: not multipart/form-data");
	boundary = form_ctype_param(ct, "boundary");
	if (boundary == NULL)
		return fail(err, "Content-Type", 12,
		    "Content-Type: multipart/form-data without a boundary");
	if (check_boundary(boundary, err) == -1)
		return -1;
	n = snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	if (n < 0 || (size_t)n >= sizeof(delim))
		return fail(err, "Content-Type", 12,
		    "Content-Type: boundary too long");
	dl = (size_t)n;

	/* The first delimiter opens the body or ends the preamble. */
	if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
		pos = dl - 2;
	} else {
		hit = memmem(body, len, delim, dl);
		if (hit == NULL)
			return fail(err, NULL, 0,
			    "body: multipart boundary not found");
		pos = (size_t)(hit - body) + dl;
	}

	for (;;) {
		struct http_param p;
		struct part pt;
		size_t hs, he, cs, window;
		const char *nul;
		char *value;

		if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			return 0;   /* close delimiter: the epilogue is ignored */
		pos = skip_ows(body, len, pos);
		if (len - pos < 2)
			return fail(err, NULL, 0,
			    "body: missing final boundary");
		if (body[pos] != '\r' || body[pos + 1] != '\n')
			return fail(err, NULL, 0, "body: boundary line not "
			    "ended by CRLF at byte %zu", pos);
		hs = pos + 2;

		if (len - hs >= 2 && body[hs] == '\r' && body[hs + 1] == '\n') {
			he = hs;
			cs = hs + 2;
		} else {
			window = len - hs;
			if (window > VECHE_MAX_PART_HEADER + 4)
				window = VECHE_MAX_PART_HEADER + 4;
			hit = memmem(body + hs, window, "\r\n\r\n", 4);
			if (hit == NULL) {
				if (window < len - hs)
					return fail(err, NULL, 0, "body: part "
					    "headers at byte %zu longer than "
					    "%d bytes", hs,
					    VECHE_MAX_PART_HEADER);
				return fail(err, NULL, 0,
				    "body: missing final boundary");
			}
			he = (size_t)(hit - body);
			cs = he + 4;
		}
		if (part_headers(a, body, hs, he, &pt, err) == -1)
			return -1;

		hit = memmem(body + cs, len - cs, delim, dl);
		if (hit == NULL)
			return fail(err, pt.name, strlen(pt.name),
			    "body: missing final boundary after field '%s'",
			    err->field);
		value = arena_strndup(a, body + cs, (size_t)(hit - body) - cs);
		if (value == NULL)
			return fail(err, NULL, 0, "body: out of memory");
		/* Files are binary; other parts are text, as in a form. */
		nul = pt.filename == NULL ? memchr(value, '\0',
		    (size_t)(hit - body) - cs) : NULL;
		if (nul != NULL)
			return fail(err, pt.name, strlen(pt.name),
			    "body: NUL byte in field '%s' at byte %zu",
			    err->field, cs + (size_t)(nul - value));

		memset(&p, 0, sizeof(p));
		p.name = pt.name;
		p.value = value;
		p.value_len = (size_t)(hit - body) - cs;
		p.filename = pt.filename;
		p.content_type = pt.content_type;
		p.source = HTTP_PARAM_BODY;
		if (params_add(a, out, &p, err) == -1)
			return -1;
		pos = (size_t)(hit - body) + dl;
	}
}

int
form_name_segments(const char *name, const char *prefix,
    struct form_segment *seg, size_t nseg, int *list)
{
	size_t pl = strlen(prefix), i, n;
	const char *p;

	if (strncmp(name, prefix, pl) != 0)
		return -1;
	p = name + pl;
	for (i = 0; i < nseg; i++) {
		if (*p != '[')
			return -1;
		p++;
		n = strcspn(p, "[]");
		if (n == 0 || p[n] != ']')
			return -1;
		seg[i].s = p;
		seg[i].len = n;
		p += n + 1;
	}
	*list = strcmp(p, "[]") == 0;
	return *list || *p == '\0' ? 0 : -1;
}
