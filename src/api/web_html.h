/*
 * web_html.h: building HTML pages into a response, with one escaping
 * function for every piece of text that did not come from this source
 * tree, and the interface's words in Russian and English.
 *
 * The page layout (html_page_begin/html_page_end) is shared by every page,
 * citizens' and staff's alike: a page module writes only what goes inside
 * <main>.  Pages carry no inline script or style (the CSP forbids them):
 * behaviour comes from the files of web/js/, looks from /static/css/veche.css.
 */
#ifndef VECHE_WEB_HTML_H
#define VECHE_WEB_HTML_H

#include <stdint.h>

#include "base/model.h"

struct http_response;

struct html {
	struct http_response *res;
	enum lang lang;
	int failed;                     /* a write failed: answer 500 */
	/* The header's account links: the signed-in user's name and session
	 * CSRF token (web_html_account), or NULL: "Sign in". */
	const char *account;
	const char *account_csrf;
	/* The page's RSS feed, path and query ("/rss?agency=roads"), for
	 * the head's link and the footer's; NULL: the whole city, "/rss"
	 * (web_html_account sets NULL: every page passes there). */
	const char *feed;
};

/* The interface's words.  Add a name here and its text in web_html.c. */
enum msg {
	M_SITE, M_TAGLINE, M_SKIP, M_NAV_MAP, M_NAV_LIST, M_NAV_NEW,
	M_LANG_OTHER, M_LANG_OTHER_CODE, M_FOOTER,
	M_MAP_TITLE, M_MAP_LABEL, M_FILTERS, M_F_CATEGORY, M_F_STATUS,
	M_F_AGENCY, M_F_PERIOD, M_F_ALL, M_F_OPEN, M_F_CLOSED, M_F_APPLY,
	M_DAYS_7, M_DAYS_30, M_DAYS_90, M_LIST_TITLE, M_LIST_EMPTY,
	M_LIST_ALL_TITLE, M_PREV, M_NEXT, M_PAGE, M_RSS,
	M_REPORT_NO, M_ADDRESS, M_SUBMITTED, M_REGISTER_DUE, M_ANSWER_DUE,
	M_AGENCY, M_DESCRIPTION, M_PHOTOS, M_PHOTO_ALT, M_TIMELINE,
	M_TL_CREATED, M_VOTES, M_VOTES_COUNT, M_VOTE, M_VOTED,
	M_COMMENTS, M_NO_COMMENTS, M_C_AUTHOR, M_C_BODY, M_C_SEND,
	M_ANONYMOUS, M_SHARE, M_SHARE_LINK, M_COPY, M_THANKS,
	M_THANKS_TEXT, M_DEADLINE_TEXT, M_NOT_FOUND, M_NOT_FOUND_TEXT,
	M_ERROR, M_BACK, M_NO_ADDRESS, M_REPORT_MAP,
	M_NEW_TITLE, M_STEP_PLACE, M_PICK_HINT, M_ADDR_SEARCH,
	M_ADDR_SEARCH_BTN, M_ADDR, M_LAT, M_LON, M_STEP_SERVICE,
	M_SERVICE_SEARCH, M_STEP_DETAILS, M_PHOTOS_LABEL, M_PHOTOS_HINT,
	M_STEP_CONTACT, M_PRIVACY, M_FIRST_NAME, M_LAST_NAME, M_EMAIL,
	M_PHONE, M_SUBMIT, M_NEARBY, M_NEARBY_TEXT, M_ATTRS_FOR,
	M_CHOOSE, M_TOO_MANY, M_STATUS_TITLE,
	M_NAV_DESK, M_SIGN_IN, M_LOGIN, M_PASSWORD, M_SIGN_IN_BTN, M_SIGN_OUT,
	M_LOGIN_FAILED, M_SIGNED_IN_AS, M_DESK_TITLE, M_DEADLINE, M_OVERDUE,
	M_OVERDUE_ONLY, M_SELECT_REPORT, M_BULK, M_QUEUE_EMPTY, M_DL_REGISTER,
	M_DL_ANSWER, M_REPORT, M_CONTACT, M_ACTIONS, M_NOTE_OPT, M_ANSWER_TEXT,
	M_TEMPLATE, M_TEMPLATE_NONE, M_REASON, M_DAYS, M_TO_AGENCY, M_DONE,
	M_NO_ACTIONS, M_MODERATION, M_M_PENDING, M_M_RECENT, M_M_HIDDEN,
	M_M_REPORTS, M_HIDE, M_PUBLISH, M_NONE, M_ADMIN, M_CALENDAR_GAP,
	M_CALENDAR_GAP_FIX, M_USERS, M_KEYS,
	M_SERVICES, M_AGENCIES, M_OUTBOX, M_ROLE, M_CREATE_USER, M_SET_ROLE,
	M_NAME, M_CODE, M_CREATE_KEY, M_KEY_ONCE, M_REVOKED, M_ACTIVE,
	M_CREATED, M_OPTIONAL, M_AREAS, M_AREA_FILE, M_UPLOAD, M_AREA_SAVED,
	M_AGENCY_MAP, M_WHOLE_CITY, M_REPLAY, M_EVENT, M_RECIPIENT,
	M_LAST_ERROR, M_ATTEMPTS, M_USER_CREATED, M_ROLE_SET, M_REPLAYED,
	M_HIDDEN_DONE, M_PUBLISHED_DONE, M_FIXED_Q, M_FIXED_HINT, M_YES, M_NO,
	M_FIXED_STATE, M_FIXED_YES, M_FIXED_NO, M_ANSWER, M_EXTENDED,
	M_THANKS_FIXED, M_PAGE_OF, M_DESK_NAV,
	/* Listening (web_listen.c) */
	M_LISTEN, M_L_SOURCE, M_L_SENTIMENT, M_L_QUERY, M_L_SINCE, M_L_UNTIL,
	M_L_COMPLAINT, M_L_PLACE, M_L_AUTHOR, M_L_GROUP, M_L_LANGUAGE,
	M_L_CSV, M_L_SOURCES, M_L_LAST_SUCCESS, M_L_NEXT_FETCH, M_L_PER_DAY,
	M_L_NEGATIVE, M_L_NEUTRAL, M_L_POSITIVE, M_L_POST, M_L_EMPTY,
	M_L_TEXT, M_L_PUBLISHED, M_L_FETCHES,
	/* Citizens' accounts (web_account.c). */
	M_MY_REPORTS, M_ACCOUNT_NAV,
	/* Admin catalogue editing (issue 12 item 6). */
	M_AREA, M_AREA_DELETE, M_AREA_DELETED, M_ROUTING, M_BY_AREA,
	M_ELSEWHERE, M_FALLBACK, M_NOBODY, M_EDIT, M_SAVE, M_NEW_AGENCY,
	M_AGENCY_SAVED, M_NAME_RU, M_NAME_EN, M_HANDLES,
	M_NEW_SERVICE, M_SERVICE_SAVED, M_DESC_RU, M_DESC_EN, M_GROUP_RU,
	M_GROUP_EN, M_KEYWORDS, M_DISABLED, M_ATTRIBUTE, M_DATATYPE,
	M_REQUIRED, M_VALUES, M_VALUES_HINT, M_ATTRS_HINT, M_ACTIVE_SERVICE,
	M_TEMPLATES, M_NEW_TEMPLATE, M_TITLE_RU, M_TITLE_EN, M_TEXT_RU,
	M_TEXT_EN, M_DELETE, M_TEMPLATE_SAVED, M_TEMPLATE_DELETED,
	/* reopen (issue 12): "not fixed", follow-ups, comments */
	M_CLOSED_UNFIXED, M_REOPENED_NOTICE, M_FIXED_HINT_REOPEN,
	M_FIXED_HINT_LATE, M_FOLLOWUP_OFFER, M_FOLLOWUP_OF, M_FOLLOWUPS,
	M_THANKS_REOPENED, M_REOPENED_MARK, M_NEW_RELATED, M_C_FLAG,
	M_C_FLAGGED, M_C_USEFUL, M_C_NOT_USEFUL, M_C_SCORE, M_C_ORDER,
	M_C_ORDER_NEW, M_C_ORDER_USEFUL, M_C_PHOTO, M_M_FLAGGED,
	M_C_VOTED,
	/* ratings and open data (web_ratings.c, web_data.c) */
	M_NAV_RATINGS, M_NAV_DATA,
	/* listening's admin page (web_listen.c) */
	M_LA_MANAGE, M_LA_ADD, M_LA_KIND, M_LA_URL, M_LA_INTERVAL, M_LA_REMOVE,
	M_LA_IMPORT, M_LA_FILE, M_LA_ADDED, M_LA_REMOVED, M_LA_IMPORTED,
	M_LA_NO_UPLOAD,
	/* Help map (web_help.c, issue 15). */
	M_HELP_NAV, M_HELP_TITLE, M_HELP_NONE, M_HELP_OPEN_SIT, M_HELP_SLUG,
	M_HELP_SIT_TITLE, M_HELP_KINDS, M_HELP_AREA, M_HELP_CENTRE, M_HELP_RADIUS,
	M_HELP_CLOSE, M_HELP_CLOSED, M_HELP_NEED, M_HELP_OFFER, M_HELP_POST_NEW,
	M_HELP_TYPE, M_HELP_KIND, M_HELP_COUNT, M_HELP_UNTIL, M_HELP_H6, M_HELP_H12,
	M_HELP_H24, M_HELP_D3, M_HELP_D7, M_HELP_PRIVATE, M_HELP_POST_BTN,
	M_HELP_URGENT, M_HELP_UNVERIFIED, M_HELP_VERIFIED, M_HELP_STATE,
	M_HELP_S_OPEN, M_HELP_S_TAKEN, M_HELP_S_DONE, M_HELP_S_EXPIRED,
	M_HELP_S_LIVE, M_HELP_PERIOD, M_HELP_P_24, M_HELP_P_72, M_HELP_P_168,
	M_HELP_MATCHES, M_HELP_NO_MATCHES, M_HELP_DISTANCE, M_HELP_TAKE,
	M_HELP_DONE_BTN, M_HELP_VERIFY, M_HELP_UNVERIFY, M_HELP_SIGN_IN_TAKE,
	M_HELP_POST, M_HELP_EXPORT, M_HELP_LIST, M_HELP_LIST_EMPTY,
	M_HELP_MAP_LABEL, M_HELP_POSTED, M_HELP_TAKEN_MSG, M_HELP_DONE_MSG,
	M_HELP_VERIFIED_MSG, M_HELP_MAP_HINT, M_HELP_K_EVACUATION, M_HELP_K_WATER,
	M_HELP_K_FOOD, M_HELP_K_MEDICINE, M_HELP_K_TRANSPORT, M_HELP_K_HOUSING,
	M_HELP_K_EQUIPMENT, M_HELP_K_VOLUNTEERS,
	/* Proposals (web_proposals.c, issue 15; its other words are its own). */
	M_PROP_NAV,
	/* Evaluation of comments (web_comments.c, issue 15). */
	M_C_HELD, M_C_REP, M_C_PREMARK, M_C_REASON, M_C_OBSCENE, M_C_THREAT,
	M_C_HIDDEN_WHY, M_PROFILE, M_PROFILE_REP_HINT, M_C_ON,
	/* Appeals against a hidden comment (web_comments.c, web_desk.c). */
	M_A_TITLE, M_A_TEXT, M_A_SEND, M_A_OPEN, M_A_UPHELD, M_A_RESTORED,
	M_A_UPHOLD, M_A_RESTORE, M_A_DONE, M_A_MAIL_SUBJECT, M_A_YOURS,
	M_A_AGAINST, M_MY_PROFILE,
	/* Officials' pages (web_officials.c, issue 14; its other words are its own). */
	M_OFFICIALS_NAV,
	/* Service suggestions on the report form (web_pages.c, issue 13). */
	M_SUGGEST_TITLE,
	/* Open calls (web_calls.c, issue 15; its other words are its own). */
	M_CALL_NAV,
	/* Drafts of regulations (web_drafts.c; its other words are its own). */
	M_DRAFT_NAV,
	/* partfix: comments on a kind that needs an account (web_comments.c). */
	M_C_SIGN_IN,
	M__MAX
};

/* The text of m in lang. */
const char *web_msg(enum msg m, enum lang lang);

/* A workflow action (enum wf_action) as a button, and as a timeline entry. */
const char *web_action_text(int action, enum lang lang);
const char *web_action_done(int action, enum lang lang);

/* A rejection reason (enum reject_reason) in words. */
const char *web_reject_text(int reason, enum lang lang);

/*
 * The answer templates of catalogue snapshot c (edited on /admin/templates):
 * their number, and template i's title and text ("" past the end).
 */
struct catalog;
size_t web_ntemplates(const struct catalog *c);
const char *web_template_title(const struct catalog *c, size_t i,
    enum lang lang);
const char *web_template_text(const struct catalog *c, size_t i,
    enum lang lang);

/* A report status in words ("Зарегистрировано" ...). */
const char *web_status_text(enum report_status st, enum lang lang);

/*
 * The one escaping function: append s with &, <, >, " and ' replaced by
 * entities (so it is safe in element text and quoted attributes).  NULL
 * appends nothing.
 */
void html_text(struct html *h, const char *s);

/* The entity html_text writes for c, or NULL when c is written as is. */
const char *html_entity(char c);

/* Append trusted markup from this source tree as is. */
void html_raw(struct html *h, const char *s);

/*
 * Append fmt with: %s a string escaped by html_text, %r trusted markup
 * (raw), %m a msg in the page's language (escaped), %d an int, %D an
 * int64_t, %f a double with 6 decimals, %% a percent sign.  Nothing else
 * is understood (an unknown directive is written as is).
 */
void html_f(struct html *h, const char *fmt, ...);

/* A date in the deployment's time zone, "27.11.2026" or "2026-11-27". */
void html_date(struct html *h, int64_t t);

/*
 * Everything before <main>'s content: head, header with navigation and
 * the language switch (a link to path with ?lang=...), then <main>.
 * title is escaped; page names the page for the scripts (data-page);
 * csrf is this client's CSRF token for the scripts (may be NULL).
 */
void html_page_begin(struct html *h, const char *title, const char *page,
    const char *path, const char *csrf, int with_map);

/* Close <main> and the page. */
void html_page_end(struct html *h);

/*
 * unify (issue 12): a report's status badge, as every page and list shows
 * it: status st, or "closed, not fixed" in its own colour and words when
 * report_closed_unfixed(st, fixed).  id names the element (NULL: none).
 */
void html_status_badge(struct html *h, enum report_status st, int fixed,
    const char *id);

#endif
