/*
 * model.h: veche's domain records, shared by core and store.
 *
 * These are plain data: no behaviour lives here.  Strings in records handed
 * out by the store point into storage that lives only as long as the call
 * that produced them (see store.h); records built by core own nothing and
 * point at the caller's memory.
 */
#ifndef VECHE_MODEL_H
#define VECHE_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Interface languages.  Russian is the default. */
enum lang {
	LANG_RU,
	LANG_EN,
	LANG__MAX
};

/*
 * The life of an appeal.  Order matters to nobody but the store, which keeps
 * the number; names are the API's.
 */
enum report_status {
	STATUS_SUBMITTED,
	STATUS_REGISTERED,
	STATUS_IN_PROGRESS,
	STATUS_ANSWERED,
	STATUS_CLOSED,
	STATUS_REJECTED,
	STATUS__MAX
};

/* Who acts.  Anonymous callers have no actor at all. */
enum role {
	ROLE_CITIZEN,           /* a registered resident */
	ROLE_MODERATOR,         /* moderates reports and comments */
	ROLE_OPERATOR,          /* works an agency's queue */
	ROLE_HEAD,              /* heads an agency: operator rights and more */
	ROLE_ADMIN,             /* configures the deployment */
	ROLE_SYSTEM,            /* an integrating system, by API key */
	ROLE__MAX
};

#define ACTOR_MAX_AGENCIES 16

/*
 * The caller of an action, for access checks and the audit trail.  agencies
 * are the agencies an operator, head or API key is bound to (none: not
 * bound, which for an admin or moderator means all).
 */
struct actor {
	enum role role;
	int64_t user_id;                /* 0 for API keys */
	char name[256];                 /* login or key name, for the audit log */
	char agencies[ACTOR_MAX_AGENCIES][65];
	size_t nagencies;
};

/* Open311 service attribute data types. */
enum attr_type {
	ATTR_STRING,
	ATTR_NUMBER,
	ATTR_DATETIME,
	ATTR_TEXT,
	ATTR_SINGLEVALUELIST,
	ATTR_MULTIVALUELIST,
	ATTR__MAX
};

/* Open311 service types. */
enum service_type {
	SERVICE_REALTIME,
	SERVICE_BATCH,
	SERVICE_BLACKBOX,
	SERVICE_TYPE__MAX
};

struct attr_choice {
	const char *key;
	const char *name[LANG__MAX];
};

struct service_attr {
	const char *code;
	enum attr_type type;
	int required;
	int variable;          /* 0: informational only, no value taken */
	int order;
	const char *description[LANG__MAX];
	const char *datatype_description[LANG__MAX];
	const struct attr_choice *choices;
	size_t nchoices;
};

struct service {
	const char *code;
	const char *name[LANG__MAX];
	const char *description[LANG__MAX];
	const char *group[LANG__MAX];   /* Open311 "group" */
	const char *keywords;           /* comma-separated */
	enum service_type type;
	const struct service_attr *attrs;
	size_t nattrs;
	int disabled;                   /* kept, but takes no new reports */
};

struct agency {
	const char *code;
	const char *name[LANG__MAX];
	const char *email;
	const char *const *services;    /* service codes handled */
	size_t nservices;
	const char *const *areas;       /* GeoJSON geometries or features */
	size_t nareas;
};

/* An answer template the desk offers (titles and texts per language). */
struct answer_template {
	int64_t id;
	const char *title[LANG__MAX];
	const char *text[LANG__MAX];
};

/* One attribute value of a report; a multivaluelist has one per key. */
struct attr_value {
	const char *code;
	const char *value;
};

/* The reporter's private contact data: never in public output. */
struct contact {
	const char *first_name;
	const char *last_name;
	const char *email;
	const char *phone;
	const char *device_id;
	const char *account_id;
};

/*
 * A report.  Times are Unix seconds (UTC); 0 means unknown.  has_point says
 * whether lat/lon hold a location.
 */
struct report {
	int64_t id;
	const char *token;
	const char *service_code;
	const char *agency;             /* agency_responsible */
	enum report_status status;
	const char *status_notes;       /* latest public note, or NULL */
	int has_point;
	double lat;
	double lon;
	const char *address;
	const char *address_id;
	const char *zipcode;
	const char *description;
	const char *const *media;
	size_t nmedia;
	const struct attr_value *attrs;
	size_t nattrs;
	int64_t requested;
	int64_t updated;
	int64_t register_due;           /* 59-FZ registration deadline */
	int64_t expected;               /* answer deadline */
	int reject_reason;              /* enum reject_reason; -1: none */
	int fixed;                      /* reporter's "is it fixed?": 1 yes,
	                                   0 no, -1 not answered */
};

/* A public change to a report, as FixMyStreet's servicerequestupdates. */
struct report_update {
	int64_t id;
	int64_t report_id;
	enum report_status status;
	const char *description;
	const char *media_url;
	int64_t created;
};

/* The reasons a report may be rejected for. */
enum reject_reason {
	REJECT_DUPLICATE,
	REJECT_NO_CONTACT,              /* no contact data where required */
	REJECT_OBSCENE,                 /* obscene or threatening language */
	REJECT_NOT_GOVERNMENT,          /* not a government matter */
	REJECT_UNREADABLE,
	REJECT__MAX
};

/*
 * What the workflow knows of a report.  Times are Unix seconds, 0 for
 * "not yet"; reject_reason and fixed are -1 when unset.
 */
struct wf_record {
	int64_t id;
	const char *token;
	const char *agency;
	enum report_status status;
	const char *status_notes;
	int64_t requested;
	int64_t updated;
	int64_t register_due;           /* registration deadline */
	int64_t registered;             /* by the current agency */
	int64_t forward_due;            /* forwarding allowed until */
	int64_t expected;               /* answer deadline */
	int64_t answered;
	const char *answer;
	int reject_reason;
	const char *forwarded_from;
	const char *forward_reason;
	const char *extension_reason;
	int extended;                   /* the one extension was used */
	int fixed;                      /* reporter's "is it fixed?" */
	int64_t reporter_user;          /* 0: no account */
	int reopened;                   /* times reopened */
	int64_t related;                /* the report this one follows up */
	const char *service_code;       /* only from store_wf_queue */
};

/* One public entry of a report's history. */
struct wf_history {
	int64_t update_id;
	enum report_status status;
	int action;                     /* -1: creation */
	const char *description;
	const char *agency;             /* forward: the receiving agency */
	int64_t due;                    /* register, extend: answer deadline */
	int64_t created;
	const char *own;                /* the actor's own words; NULL for an
					   update stored before they were */
	int detail;                     /* reject: reason; fixed: 1 yes */
};

/* What an agency desk's queue shows. */
struct wf_queue {
	const char *const *agencies;    /* the agencies served */
	size_t nagencies;
	int all_agencies;               /* ignore agencies: every one */
	unsigned status_mask;           /* 1 << status of open ones; 0: all */
	const char *service;            /* NULL: every service */
	int64_t before;                 /* running deadline before; 0: any */
	size_t limit, offset;
};

/* Orders for report queries. */
enum report_order {
	ORDER_REQUESTED_DESC,
	ORDER_UPDATED_DESC,
	ORDER_ID_ASC,
	ORDER__MAX
};

/*
 * A report query.  Zero means "no filter" for every field; lists with n == 0
 * are absent.  Times are Unix seconds: start/end bound requested (inclusive),
 * updated_after/updated_before bound updated (exclusive).  status_mask has
 * bit (1 << status) set for each status wanted.
 */
struct report_query {
	const int64_t *ids;
	size_t nids;
	const char *const *services;
	size_t nservices;
	unsigned status_mask;
	int64_t start;
	int64_t end;
	int64_t updated_after;
	int64_t updated_before;
	int has_bbox;
	double min_lat, min_lon, max_lat, max_lon;
	int has_radius;
	double lat, lon, radius_m;
	const char *agency;
	const char *text;               /* full-text match (FTS5 query syntax) */
	enum report_order order;
	int64_t after_id;               /* 0, or only ids above it (keyset) */
	size_t limit;                   /* 0: no limit */
	size_t offset;
};

/* One API key as listed (never the key itself). */
struct store_apikey {
	const char *name;
	const char *agency;             /* "" when not scoped */
	int64_t created;
	int revoked;
};

/* Where a delivery goes. */
enum delivery_channel {
	DELIVERY_WEBHOOK,               /* a subscription's URL */
	DELIVERY_MAIL_AGENCY,           /* the event's agency's e-mail */
	DELIVERY_MAIL_REPORTER,         /* the reporter's e-mail */
	DELIVERY_MAIL_ALERT,            /* a citizen's alert (core/alerts.h) */
	DELIVERY_MAIL_SPIKE,            /* a staff member's spike e-mail (trends.h) */
	DELIVERY_CHANNEL__MAX
};

/* The life of a delivery. */
enum delivery_state {
	DELIVERY_PENDING,               /* waiting for next_attempt */
	DELIVERY_SENDING,               /* claimed by the worker, in flight */
	DELIVERY_DELIVERED,
	DELIVERY_DEAD,                  /* gave up; replay makes it pending */
	DELIVERY_STATE__MAX
};

/* A webhook endpoint.  agency NULL: all; events NULL: all ("a,b" list). */
struct store_subscription {
	int64_t id;
	const char *url;
	const char *secret;
	const char *agency;
	const char *events;
	int include_contact;
	int64_t created;
};

/*
 * A delivery with what sending it needs.  Times in ms are Unix
 * milliseconds.  url/secret are set for webhooks; address is the mail
 * recipient looked up now (NULL if gone).
 */
struct store_delivery {
	int64_t id;
	enum delivery_channel channel;
	enum delivery_state state;
	int attempts;
	int64_t next_attempt_ms;
	int64_t updated_ms;
	const char *last_error;
	int64_t event_id;
	const char *event_type;
	const char *event_key;
	const char *payload;
	int64_t report_id;
	const char *agency;
	int64_t event_created;
	int64_t subscription_id;        /* 0 for e-mail */
	const char *url;
	const char *secret;
	int include_contact;
	const char *address;
	int redelivery;                 /* an earlier send may have arrived */
};

struct store_delivery_stats {
	int64_t events;
	int64_t subscriptions;
	int64_t count[DELIVERY_STATE__MAX];
	int64_t oldest_pending_ms;      /* next_attempt of the oldest, or 0 */
};

/* Comment moderation states; only COMMENT_PUBLISHED ones are public. */
enum comment_status {
	COMMENT_PUBLISHED,
	COMMENT_PENDING,
	COMMENT_HIDDEN,
	COMMENT_STATUS__MAX
};

struct comment {
	int64_t id;
	int64_t report_id;              /* the subject when it is a report, else 0 */
	const char *subject_kind;       /* "report", "proposal" (core/social.c) */
	int64_t subject_id;
	const char *author;             /* display name, or NULL: anonymous */
	int64_t user_id;                /* the signed-in author's account, or 0 */
	const char *body;
	enum comment_status status;
	int64_t created;
	const char *photo;              /* a photo's id (media/<id>.jpg), or NULL */
	int64_t useful, not_useful;     /* readers' votes */
	int64_t flags;                  /* readers who flagged it */
	double w_useful, w_not_useful;  /* the votes weighed by standing */
	double w_flags;                 /* the flags weighed by standing */
	double score;                   /* Wilson lower bound of w_useful (core) */
	double reputation;              /* the author's (core), 0 to 1 */
	const char *premark;            /* the text engine's "obscene", "threat" */
	const char *reason;             /* the moderator's, when hidden */
};

/* What a comment is about: a kind ("report", "proposal") and an id. */
struct comment_subject {
	char kind[16];
	int64_t id;
};

/* A moderated author's appeal against a hidden comment (core/social.h). */
enum appeal_state {
	APPEAL_OPEN,
	APPEAL_UPHELD,                  /* the comment stays hidden */
	APPEAL_RESTORED,                /* the comment is published again */
	APPEAL_STATE__MAX
};

struct comment_appeal {
	int64_t id;
	int64_t comment;
	int64_t user;                   /* the author's account */
	const char *text;
	int64_t created;
	enum appeal_state state;
	const char *reason;             /* the decision's, NULL while open */
	int64_t decider;                /* the deciding moderator, or 0 */
	int64_t decided;                /* 0 while open */
	/* The comment appealed against, as it is now. */
	const char *subject_kind;
	int64_t subject_id;
	const char *body;
	const char *hide_reason;        /* why it was hidden, or NULL */
	int64_t hider;                  /* the moderator who hid it, or 0 */
};

/* A user as stored.  pwhash is libsodium's crypto_pwhash_str string. */
struct store_user {
	int64_t id;
	const char *login;
	const char *pwhash;
	enum role role;
	int disabled;
	const char *const *agencies;
	size_t nagencies;
	int64_t created;
	const char *email;              /* a citizen's e-mail, or NULL */
	const char *name;               /* a citizen's name, or NULL */
	int confirmed;                  /* 0: e-mail not confirmed yet */
};

#endif
