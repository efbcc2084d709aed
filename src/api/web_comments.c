/*
 * web_comments.c: the comments section every subject's page shows (a
 * report's, a proposal's: one function for both) and an author's public
 * profile (/people/{id}).  The writes are social.c's; the order, the
 * scores and the reputations are core's (core/social.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veche.h"
#include "api/app.h"
#include "api/auth.h"
#include "api/web.h"
#include "api/web_html.h"
#include "core/parse.h"
#include "core/social.h"
#include "http/http.h"

/* What one comment's rendering needs. */
struct section {
	struct html *h;
	struct web_ctx *c;
	int64_t marked;                 /* ?flagged=ID or ?voted=ID */
	int flagged;                    /* marked is a flag */
	size_t n;
};

/* The author's name, linked to the profile of a signed-in author, with
 * the reputation badge. */
static void
author(struct html *h, const struct comment *cm)
{
	const char *name = cm->author != NULL ? cm->author :
	    web_msg(M_ANONYMOUS, h->lang);

	if (cm->user_id <= 0) {
		html_f(h, "<strong>%s</strong> ", name);
		return;
	}
	html_f(h, "<a class=\"comment-author\" href=\"/people/%D\"><strong>%s"
	    "</strong></a> <span class=\"badge reputation\" title=\"%m\">%m "
	    "%d</span> ", cm->user_id, name, M_C_REP, M_C_REP,
	    (int)(cm->reputation * 100 + 0.5));
}

/*
 * One comment: its photo, the readers' "useful or not" (a form each, so
 * they work without scripts) and a flag for the moderators.
 */
static int
on_comment(const struct comment *cm, void *arg)
{
	struct section *s = arg;
	struct html *h = s->h;

	s->n++;
	html_f(h, "<li id=\"comment-%D\" data-useful=\"%D\" data-score=\"%d\">"
	    "<p class=\"meta\">", cm->id, cm->useful - cm->not_useful,
	    (int)(cm->score * 1000 + 0.5));
	author(h, cm);
	html_date(h, cm->created);
	html_f(h, "</p><p class=\"body\">%s</p>\n", cm->body);
	if (cm->photo != NULL)
		html_f(h, "<p class=\"comment-photo\"><a href=\"/media/%s.jpg\">"
		    "<img src=\"/media/%s-thumb.jpg\" alt=\"%m\" "
		    "loading=\"lazy\"></a></p>\n", cm->photo, cm->photo,
		    M_PHOTO_ALT);
	if (s->marked == cm->id)
		html_f(h, "<p class=\"notice\" role=\"status\">%m</p>\n",
		    s->flagged ? M_C_FLAGGED : M_C_VOTED);
	html_f(h, "<div class=\"comment-actions\"><span class=\"score\">%m: "
	    "<strong>+%D</strong> / <strong>−%D</strong></span>\n"
	    "<form method=\"post\" action=\"/api/v1/comments/%D/votes\" "
	    "class=\"comment-vote\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><button type=\"submit\" name=\"useful\" "
	    "value=\"yes\" class=\"secondary\">%m</button> <button "
	    "type=\"submit\" name=\"useful\" value=\"no\" "
	    "class=\"secondary\">%m</button></form>\n"
	    "<form method=\"post\" action=\"/api/v1/comments/%D/flag\" "
	    "class=\"comment-flag\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><button type=\"submit\" class=\"secondary\">%m"
	    "</button></form></div></li>\n", M_C_SCORE, cm->useful,
	    cm->not_useful, cm->id, s->c->csrf, M_C_USEFUL, M_C_NOT_USEFUL,
	    cm->id, s->c->csrf, M_C_FLAG);
	return h->failed ? -1 : 0;
}

/* The signed-in author's appeals: which comments, in which state. */
struct appealed {
	struct {
		int64_t id, comment;
		enum appeal_state state;
	} v[VECHE_MODERATION_LIST];
	size_t n;
};

static int
on_appealed(const struct comment_appeal *a, void *arg)
{
	struct appealed *ap = arg;

	if (ap->n == sizeof(ap->v) / sizeof(ap->v[0]))
		return 1;
	ap->v[ap->n].id = a->id;
	ap->v[ap->n].comment = a->comment;
	ap->v[ap->n++].state = a->state;
	return 0;
}

/* Read user's appeals into ap.  0 or -1. */
static int
appealed_read(struct store *s, int64_t user, struct appealed *ap)
{
	ap->n = 0;
	return social_appeals(s, user, ~0u, sizeof(ap->v) / sizeof(ap->v[0]),
	    on_appealed, ap) == -1 ? -1 : 0;
}

/*
 * Under the author's own hidden comment: why, and the appeal's form, or
 * its state with a link to the decision on the profile.
 */
static void
appeal_block(struct html *h, const struct web_ctx *c,
    const struct comment *cm, const struct appealed *ap)
{
	size_t i;

	html_f(h, "<p class=\"notice\" id=\"hidden-why-%D\">%m %s</p>\n",
	    cm->id, M_C_HIDDEN_WHY, cm->reason != NULL ? cm->reason : "—");
	for (i = 0; i < ap->n && ap->v[i].comment != cm->id; i++)
		;
	if (i < ap->n) {
		html_f(h, "<p class=\"notice\"><a href=\"/people/%D#appeal-%D\">"
		    "%m</a></p>\n", cm->user_id, ap->v[i].id,
		    ap->v[i].state == APPEAL_OPEN ? M_A_OPEN :
		    ap->v[i].state == APPEAL_RESTORED ? M_A_RESTORED :
		    M_A_UPHELD);
		return;
	}
	html_f(h, "<form method=\"post\" action=\"/api/v1/comments/%D/"
	    "appeal\" class=\"appeal-form\" id=\"appeal-form-%D\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	    "<div class=\"field\"><label for=\"appeal-text-%D\">%m</label>\n"
	    "<textarea id=\"appeal-text-%D\" name=\"text\" rows=\"3\" "
	    "required maxlength=\"2000\"></textarea></div>\n<button "
	    "type=\"submit\" id=\"appeal-send-%D\">%m</button></form>\n",
	    cm->id, cm->id, c->csrf, cm->id, M_A_TEXT, cm->id, cm->id,
	    M_A_SEND);
}

/* The signed-in author's hidden comments on one subject. */
struct own_hidden {
	struct html *h;
	const struct web_ctx *c;
	const char *kind;
	int64_t id;
	struct appealed ap;
	size_t n;
};

static int
on_own_hidden(const struct comment *cm, void *arg)
{
	struct own_hidden *o = arg;
	struct html *h = o->h;

	if (cm->subject_kind == NULL || strcmp(cm->subject_kind, o->kind) != 0 ||
	    cm->subject_id != o->id)
		return 0;
	if (o->n++ == 0)
		html_f(h, "<div class=\"own-hidden\" id=\"own-hidden\">\n");
	html_f(h, "<div class=\"own-hidden-comment\" id=\"own-hidden-%D\">"
	    "<p class=\"meta\"><strong>%m</strong> ", cm->id, M_A_YOURS);
	html_date(h, cm->created);
	html_f(h, "</p><p class=\"body\">%s</p>\n", cm->body);
	appeal_block(h, o->c, cm, &o->ap);
	html_raw(h, "</div>\n");
	return h->failed ? -1 : 0;
}

/* The signed-in author's hidden comments on kind id, with appeals. */
static int
own_hidden(struct html *h, struct web_ctx *c, const char *kind, int64_t id)
{
	struct own_hidden *o;
	int rc = -1;

	if (c->act == NULL || c->act->user_id <= 0)
		return 0;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -1;
	o->h = h;
	o->c = c;
	o->kind = kind;
	o->id = id;
	if (appealed_read(c->store, c->act->user_id, &o->ap) == 0 &&
	    social_comments_by(c->store, c->act->user_id,
	    1u << COMMENT_HIDDEN, VECHE_COMMENT_LIST, on_own_hidden, o) == 0)
		rc = 0;
	if (rc == 0 && o->n > 0)
		html_raw(h, "</div>\n");
	free(o);
	return rc;
}

int
web_comments_section(struct html *h, struct web_ctx *c,
    struct http_request *req, const char *kind, int64_t id,
    const char *path, const char *action)
{
	struct section s;
	const char *v;
	int64_t held = 0;
	int order;

	if ((order = social_comment_order(req, COMMENT_ORDER_SCORE)) == -1)
		order = COMMENT_ORDER_SCORE;
	memset(&s, 0, sizeof(s));
	s.h = h;
	s.c = c;
	s.flagged = http_request_param(req, "flagged") != NULL;
	v = http_request_param(req, s.flagged ? "flagged" : "voted");
	if (v == NULL || parse_int64(v, 1, INT64_MAX, &s.marked) == -1)
		s.marked = 0;
	v = http_request_param(req, "held");
	if (v == NULL || parse_int64(v, 1, INT64_MAX, &held) == -1)
		held = 0;
	html_f(h, "<section class=\"comments\" id=\"comments\" "
	    "aria-labelledby=\"comments-title\">\n<h2 id=\"comments-title\">"
	    "%m</h2>\n", M_COMMENTS);
	if (held != 0)
		html_f(h, "<p class=\"notice\" role=\"status\" id=\"held\">%m"
		    "</p>\n", M_C_HELD);
	html_f(h, "<nav class=\"comment-order\" aria-label=\"%m\"><a "
	    "href=\"%s?order=score#comments\" id=\"order-useful\"%r>%m</a> · "
	    "<a href=\"%s?order=new#comments\" id=\"order-new\"%r>%m</a></nav>\n"
	    "<ol class=\"comments\" id=\"comment-list\">\n", M_C_ORDER, path,
	    order == COMMENT_ORDER_SCORE ? " aria-current=\"true\"" : "",
	    M_C_ORDER_USEFUL, path, order == COMMENT_ORDER_NEW ?
	    " aria-current=\"true\"" : "", M_C_ORDER_NEW);
	if (social_comments(c->store, kind, id, COMMENT_PUBLISHED,
	    (enum comment_order)order, on_comment, &s) != 0)
		return -1;
	html_raw(h, "</ol>\n");
	if (own_hidden(h, c, kind, id) == -1)
		return -1;
	if (social_kind_needs_account(kind) && (c->act == NULL ||
	    c->act->user_id <= 0)) {
		html_f(h, "<p><a href=\"/login?next=%s\" id=\"comment-sign-in\">"
		    "%m</a></p>\n</section>\n", path, M_C_SIGN_IN);
		return h->failed ? -1 : 0;
	}
	html_f(h, "<form method=\"post\" action=\"%s\" "
	    "class=\"comment-form\" id=\"comment-form\" "
	    "enctype=\"multipart/form-data\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", action,
	    c->csrf);
	if (strcmp(kind, "report") != 0)
		html_f(h, "<input type=\"hidden\" name=\"subject\" "
		    "value=\"%s:%D\">\n", kind, id);
	html_f(h, "<div class=\"field\"><label for=\"c-author\">%m</label>\n"
	    "<input id=\"c-author\" name=\"author\" maxlength=\"200\" "
	    "autocomplete=\"nickname\"></div>\n"
	    "<div class=\"field\"><label for=\"c-body\">%m</label>\n"
	    "<textarea id=\"c-body\" name=\"body\" rows=\"3\" required "
	    "maxlength=\"2000\"></textarea></div>\n"
	    "<div class=\"field\"><label for=\"c-photo\">%m</label>\n"
	    "<input type=\"file\" id=\"c-photo\" name=\"photo\" "
	    "accept=\"image/jpeg,image/png,image/webp\"></div>\n"
	    "<button type=\"submit\">%m</button>\n</form>\n</section>\n",
	    M_C_AUTHOR, M_C_BODY, M_C_PHOTO, M_C_SEND);
	return h->failed ? -1 : 0;
}

/* The profile's list: one comment with a link to its subject. */
struct profile {
	struct html *h;
	const struct web_ctx *c;
	struct appealed *ap;            /* the author's own (own only) */
	int own;                        /* the author looks at it */
	const char *name;               /* the latest name used, or NULL */
	char namebuf[VECHE_MAX_NAME * 4 + 1];
	size_t n;
};

static int
on_name(const struct comment *cm, void *arg)
{
	struct profile *p = arg;

	p->n++;
	if (p->name == NULL && cm->author != NULL) {
		snprintf(p->namebuf, sizeof(p->namebuf), "%s", cm->author);
		p->name = p->namebuf;
	}
	return 0;
}

static int
on_own(const struct comment *cm, void *arg)
{
	struct profile *p = arg;
	struct html *h = p->h;
	char page[64];

	if (social_subject_path(cm->subject_kind, cm->subject_id, page,
	    sizeof(page)) == -1)
		return 0;
	p->n++;
	html_f(h, "<li id=\"profile-comment-%D\"><p class=\"meta\">", cm->id);
	html_date(h, cm->created);
	html_f(h, " %m <a href=\"%s#comment-%D\">%s</a></p><p class=\"body\">"
	    "%s</p>\n", M_C_ON, page, cm->id, page, cm->body);
	if (cm->status == COMMENT_HIDDEN)
		appeal_block(h, p->c, cm, p->ap);
	else if (cm->status == COMMENT_PENDING)
		html_f(h, "<p class=\"notice\" id=\"held-%D\">%m</p>\n", cm->id,
		    M_C_HELD);
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

/* One of the author's appeals on the profile, with its decision. */
static int
on_profile_appeal(const struct comment_appeal *a, void *arg)
{
	struct profile *p = arg;
	struct html *h = p->h;
	char page[64];

	if (social_subject_path(a->subject_kind, a->subject_id, page,
	    sizeof(page)) == -1)
		return 0;
	p->n++;
	html_f(h, "<li id=\"appeal-%D\" data-state=\"%s\"><p class=\"meta\">"
	    "%m ", a->id, social_appeal_state_name(a->state), M_A_AGAINST);
	html_date(h, a->created);
	html_f(h, " <a href=\"%s\">%s</a></p><p class=\"body\">%s</p>\n",
	    page, page, a->text);
	if (a->state == APPEAL_OPEN)
		html_f(h, "<p class=\"notice\" id=\"appeal-state-%D\">%m</p>\n",
		    a->id, M_A_OPEN);
	else
		html_f(h, "<p class=\"notice\" id=\"appeal-state-%D\">%m %s"
		    "</p>\n", a->id, a->state == APPEAL_RESTORED ?
		    M_A_RESTORED : M_A_UPHELD, a->reason != NULL ? a->reason :
		    "—");
	html_raw(h, "</li>\n");
	return h->failed ? -1 : 0;
}

int
web_profile(struct http_request *req, struct http_response *res, void *arg)
{
	struct profile p;
	struct web_ctx c;
	struct html h;
	struct verr e;
	double rep;
	int64_t id;
	unsigned mask = 1u << COMMENT_PUBLISHED;
	char title[VECHE_MAX_NAME * 4 + 64], path[48];

	if (web_begin(req, res, arg, &c) == -1)
		return 0;
	if (parse_int64(http_request_var(req, "id"), 1, INT64_MAX, &id) == -1)
		return web_fail(req, res, &c, 404, "id", "id: no such member");
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	p.own = c.act != NULL && c.act->user_id == id;
	p.c = &c;
	if (p.own && ((p.ap = http_request_alloc(req, sizeof(*p.ap))) == NULL ||
	    appealed_read(c.store, id, p.ap) == -1))
		return -1;
	/* The author alone sees the comments moderators hid or hold. */
	if (p.own)
		mask |= 1u << COMMENT_HIDDEN | 1u << COMMENT_PENDING;
	if (social_comments_by(c.store, id, 1u << COMMENT_PUBLISHED,
	    VECHE_COMMENT_LIST, on_name, &p) != 0 ||
	    social_reputation(c.store, id, &rep, &e) == -1)
		return -1;
	/* A member with nothing public has no public page. */
	if (p.n == 0 && !p.own)
		return web_fail(req, res, &c, 404, "id", "id: no such member");
	p.n = 0;
	if (p.name != NULL)
		snprintf(title, sizeof(title), "%s", p.name);
	else
		snprintf(title, sizeof(title), "%s %lld", web_msg(M_PROFILE,
		    c.lang), (long long)id);
	snprintf(path, sizeof(path), "/people/%lld", (long long)id);
	web_html_init(&h, res, &c);
	p.h = &h;
	html_page_begin(&h, title, "profile", path, c.csrf, 0);
	html_f(&h, "<h1>%s</h1>\n<p class=\"reputation\" id=\"reputation\">"
	    "<span class=\"badge reputation\">%m %d</span></p>\n<p "
	    "class=\"hint\">%m</p>\n<h2>%m</h2>\n<ol class=\"comments\" "
	    "id=\"profile-comments\">\n", title, M_C_REP,
	    (int)(rep * 100 + 0.5), M_PROFILE_REP_HINT, M_COMMENTS);
	if (social_comments_by(c.store, id, mask, VECHE_COMMENT_LIST, on_own,
	    &p) != 0)
		return -1;
	html_raw(&h, "</ol>\n");
	if (p.n == 0)
		html_f(&h, "<p>%m</p>\n", M_NO_COMMENTS);
	/* The author's appeals and their decisions, to the author alone. */
	if (p.own && p.ap->n > 0) {
		html_f(&h, "<h2 id=\"appeals-title\">%m</h2>\n<ol "
		    "class=\"appeals\" id=\"appeals\">\n", M_A_TITLE);
		if (social_appeals(c.store, id, ~0u, VECHE_COMMENT_LIST,
		    on_profile_appeal, &p) != 0)
			return -1;
		html_raw(&h, "</ol>\n");
	}
	html_page_end(&h);
	return h.failed ? -1 : 0;
}
