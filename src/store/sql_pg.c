/*
 * sql_pg.c: the PostgreSQL half of the statement layer (sql.h), on libpq.
 *
 * A statement is prepared once per connection (PQprepare, named "v<slot>")
 * from the shared text with ?N rewritten to $N.  The first sql_step runs
 * it (PQexecPrepared) and keeps the whole PGresult; later steps walk its
 * rows.  Parameters go as text, which the server parses into whatever
 * type it inferred for them, except blobs, sent binary (bytea, zero bytes
 * and all).  Results come as text: integers and doubles are parsed here,
 * booleans read as 1/0, bytea is unescaped once per column and row.
 *
 * The connection owns its statements (struct sql_pg_stmt) and the result
 * each holds; errors land in the connection's err with libpq's message.
 *
 * A step that changes rows announces its commit on CHANNEL (sql.h): in a
 * transaction the NOTIFY rides with the COMMIT, in one round trip; alone,
 * it follows the statement.  Listeners count what arrived (sql_notices).
 *
 * A session the server ended (a restart, a failover) is made again by the
 * next call outside a transaction (ready, reconnect): an idle socket is
 * looked at without waiting first, so a server's farewell is found before
 * a statement is sent into it.  Statements keep their text and the
 * session they were prepared in, and are prepared again in a new one.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/sql.h"

/* The channel of change notices (sql.h, docs/scaling.md). */
#define CHANNEL "veche_changed"

#define PARAM_TEXT 32           /* an int64 or a %.17g double, with NUL */

struct sql_pg_stmt {
	struct sql_conn *c;
	char name[24];
	char *text;                     /* with $N, to prepare it again */
	uint64_t gen;                   /* the session it is prepared in */
	int nparams;
	const char **values;            /* [nparams]: NULL for SQL NULL */
	int *lengths, *formats;
	char (*num)[PARAM_TEXT];        /* text of numbers bound */
	PGresult *res;                  /* of the run under way, or NULL */
	int row, nrows, ncols;
	unsigned char **blob;           /* [ncols]: this row's bytea, or NULL */
	size_t *blobn;
};

/* Ignore the server's notices (CREATE ... IF NOT EXISTS and the like). */
static void
on_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void set_err(struct sql_conn *, const char *, const char *);

/*
 * c->err = what: the server's message for r (its primary text and its
 * detail, on one line), or libpq's when there is no r.
 */
static void
set_err_result(struct sql_conn *c, const char *what, const PGresult *r)
{
	const char *primary, *detail, *state;

	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary == NULL) {
		set_err(c, what, r ? PQresultErrorMessage(r) :
		    PQerrorMessage(c->pg));
		return;
	}
	detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	snprintf(c->err, sizeof(c->err), "%s%s%s%s%s%s", what,
	    *what ? ": " : "", primary, detail ? " (" : "",
	    detail ? detail : "", detail ? ")" : "");
	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	/* Kept until the next BEGIN: later statements of the aborted
	 * transaction fail with 25P02, which says nothing of why. */
	if (strcmp(c->sqlstate, "40001") == 0 ||
	    strcmp(c->sqlstate, "40P01") == 0)
		c->retryable = 1;
}

/* c->err = what: libpq's message, without its last newline. */
static void
set_err(struct sql_conn *c, const char *what, const char *msg)
{
	size_t n;

	snprintf(c->err, sizeof(c->err), "%s%s%s", what, *what ? ": " : "",
	    msg && *msg ? msg : "unknown error");
	c->sqlstate[0] = '\0';
	n = strlen(c->err);
	while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
		c->err[--n] = '\0';
}

/*
 * This process's own announced commits.  The server hands a NOTIFY to the
 * process's other connections only when it next writes to their sockets,
 * which can be after the writer's answer went out: a read right after it
 * would miss its own write.  Its other connections count these at once
 * (sql_pg_notices); the NOTIFY that follows counts again, a needless
 * re-read at worst.
 */
static _Atomic uint64_t own_commits;

/*
 * The server processes (host, port, pid) of this process's connections:
 * a NOTIFY one of them sent was counted by own_commits already, so the
 * others skip it and a commit is seen once.
 */
#define OWN_BACKENDS 1024
static pthread_mutex_t own_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t server;
	int pid;
} own_backends[OWN_BACKENDS];
static size_t own_n;

/* The server c talks to, as a number (FNV-1a of host and port). */
static uint64_t
server_of(PGconn *pg)
{
	const char *parts[2] = { PQhost(pg), PQport(pg) };
	uint64_t h = 14695981039346656037u;
	size_t i;
	const char *p;

	for (i = 0; i < 2; i++) {
		for (p = parts[i] ? parts[i] : ""; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211u;
		h = (h ^ '/') * 1099511628211u;
	}
	return h;
}

/* Note c's server process as ours (on = 1) or forget it (on = 0). */
static void
own_backend(struct sql_conn *c, int on)
{
	uint64_t server = server_of(c->pg);
	int pid = c->pid;
	size_t i;

	pthread_mutex_lock(&own_lock);
	for (i = 0; i < own_n; i++)
		if (own_backends[i].pid == pid &&
		    own_backends[i].server == server)
			break;
	if (on && i == own_n && own_n < OWN_BACKENDS) {
		own_backends[own_n].server = server;
		own_backends[own_n++].pid = pid;
	} else if (!on && i < own_n)
		own_backends[i] = own_backends[--own_n];
	pthread_mutex_unlock(&own_lock);
}

/* Whether pid on c's server is one of this process's connections. */
static int
is_own_backend(struct sql_conn *c, int pid)
{
	uint64_t server = server_of(c->pg);
	size_t i;
	int yes = 0;

	pthread_mutex_lock(&own_lock);
	for (i = 0; i < own_n && !yes; i++)
		yes = own_backends[i].pid == pid &&
		    own_backends[i].server == server;
	pthread_mutex_unlock(&own_lock);
	return yes;
}

/*
 * The servers this process talks to and whether each answers, so that a
 * loss and a return are logged once per server, not per connection or
 * request.  A session made again while its server was thought up (an
 * idle connection the server closed) is logged at most once a
 * QUIET_MS.
 */
#define SERVERS 32
#define QUIET_MS 10000
static struct {
	uint64_t server;
	int down;
	int64_t said_ms;
} servers[SERVERS];
static size_t nservers;
static _Atomic int servers_down;
/* Times a server came back: a connection waiting out its retry after a
 * failed attempt tries at once when another connection found it back. */
static _Atomic int servers_back;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * c's server is down (why: what failed) or answers again (why NULL: after
 * a loss; else what ended the old session).
 */
static void
server_state(struct sql_conn *c, int down, const char *why)
{
	uint64_t server = server_of(c->pg);
	const char *host = PQhost(c->pg), *port = PQport(c->pg);
	int64_t now = mono_ms();
	size_t i;
	int n = why != NULL ? (int)strcspn(why, "\n") : 0;

	pthread_mutex_lock(&own_lock);
	for (i = 0; i < nservers && servers[i].server != server; i++)
		;
	if (i == nservers && nservers < SERVERS) {
		servers[i].server = server;
		servers[i].down = 0;
		servers[i].said_ms = now - QUIET_MS;
		nservers++;
	}
	if (i == nservers)
		;       /* more servers than kept: not logged */
	else if (down && !servers[i].down) {
		servers[i].down = 1;
		atomic_fetch_add(&servers_down, 1);
		fprintf(stderr, "veche: PostgreSQL at %s:%s unavailable (%.*s): "
		    "requests that need it answer 503 until it is back\n",
		    host ? host : "", port ? port : "", n, why);
	} else if (!down && servers[i].down) {
		servers[i].down = 0;
		servers[i].said_ms = now;
		atomic_fetch_sub(&servers_down, 1);
		atomic_fetch_add(&servers_back, 1);
		fprintf(stderr, "veche: PostgreSQL at %s:%s back: "
		    "reconnected\n", host ? host : "", port ? port : "");
	} else if (!down && why != NULL && now - servers[i].said_ms >=
	    QUIET_MS) {
		servers[i].said_ms = now;
		fprintf(stderr, "veche: PostgreSQL at %s:%s closed a "
		    "connection (%.*s): reconnected\n", host ? host : "",
		    port ? port : "", n, why);
	}
	pthread_mutex_unlock(&own_lock);
}

int
sql_outage(void)
{
	return atomic_load(&servers_down);
}

/*
 * After a call on c failed: when the session is gone, the error says so
 * (SQLSTATE 08006, connection failure) and a transaction it was in (tx)
 * is lost.
 */
static void
check_lost(struct sql_conn *c, int tx)
{
	if (PQstatus(c->pg) != CONNECTION_BAD)
		return;
	c->lost = 1;
	if (tx)
		c->lost_in_tx = 1;
	server_state(c, 1, c->err);
	snprintf(c->sqlstate, sizeof(c->sqlstate), "08006");
}

/*
 * Whether c's idle session still stands: a server going away writes its
 * farewell and closes the socket, which is then readable.  Never waits;
 * notices that arrived are kept for sql_notices.
 */
static int
idle_whole(struct sql_conn *c)
{
	struct pollfd p;
	int i;

	for (i = 0; i < 4; i++) {
		if ((p.fd = PQsocket(c->pg)) < 0)
			return 0;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0)
			return 1;
		if (PQconsumeInput(c->pg) == 0)
			return 0;
	}
	return PQstatus(c->pg) == CONNECTION_OK;
}

/* A new session for c (PQreset: the same parameters): 0, or -1. */
static int
reconnect(struct sql_conn *c)
{
	int64_t now = mono_ms();
	int was_lost = c->lost;
	char why[sizeof(c->err)];
	PGresult *r;

	if (now < c->retry_ms &&
	    c->retry_back == atomic_load(&servers_back)) {
		snprintf(c->err, sizeof(c->err), "PostgreSQL unavailable: "
		    "not answering (trying again shortly)");
		snprintf(c->sqlstate, sizeof(c->sqlstate), "08006");
		c->lost = 1;
		return -1;
	}
	snprintf(why, sizeof(why), "%s", PQstatus(c->pg) == CONNECTION_BAD &&
	    *PQerrorMessage(c->pg) ? PQerrorMessage(c->pg) : "closed");
	why[strcspn(why, "\n")] = '\0';
	own_backend(c, 0);
	c->pid = 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->retry_ms = now + SQL_RETRY_MS;
		c->retry_back = atomic_load(&servers_back);
		set_err(c, "PostgreSQL unavailable", PQerrorMessage(c->pg));
		c->lost = 1;
		server_state(c, 1, c->err);
		snprintf(c->sqlstate, sizeof(c->sqlstate), "08006");
		return -1;
	}
	c->retry_ms = 0;
	c->gen++;
	c->pid = PQbackendPID(c->pg);
	own_backend(c, 1);
	if (c->listening) {
		r = PQexec(c->pg, "LISTEN " CHANNEL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			set_err_result(c, "listening again", r);
			PQclear(r);
			check_lost(c, 0);
			return -1;
		}
		PQclear(r);
	}
	/* Whatever was committed meanwhile was not announced to us. */
	c->missed = 1;
	c->lost = 0;
	server_state(c, 0, was_lost ? NULL : why);
	return 0;
}

/*
 * Before a call on c: 0 when it may go ahead, the session made again if
 * the server had ended it; -1 with the error (the server still away, or
 * a transaction lost with the old session: until sql_rollback).
 */
static int
ready(struct sql_conn *c)
{
	if (c->lost_in_tx) {
		snprintf(c->err, sizeof(c->err), "PostgreSQL connection lost "
		    "in a transaction (rolled back by the server)");
		snprintf(c->sqlstate, sizeof(c->sqlstate), "08006");
		return -1;
	}
	if (PQstatus(c->pg) == CONNECTION_OK && (PQtransactionStatus(c->pg) !=
	    PQTRANS_IDLE || idle_whole(c)))
		return 0;
	return reconnect(c);
}

/*
 * Connection parameters of ours, then the URL's (which may override
 * them), then the encoding (which it may not).  A bounded wait: the
 * connect gives up after connect_timeout seconds, and a server gone
 * silent under an open TCP session is found by keepalives and
 * tcp_user_timeout instead of the system's retransmissions (minutes).
 */
static const char *const conn_keys[] = {
	"connect_timeout", "keepalives_idle", "keepalives_interval",
	"keepalives_count", "tcp_user_timeout", "dbname", "client_encoding",
	NULL
};

struct sql_conn *
sql_conn_pg(const char *url, size_t slots, char *err, size_t errlen)
{
	const char *values[] = { "5", "10", "5", "3", "15000", url, "UTF8",
	    NULL };
	struct sql_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->stmt = calloc(slots ? slots : 1, sizeof(*c->stmt))) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->engine = SQL_PG;
	c->slots = slots;
	c->gen = 1;
	c->pg = PQconnectdbParams(conn_keys, values, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s",
		    c->pg ? PQerrorMessage(c->pg) : "out of memory");
		/* A server that answered before: its loss, logged once. */
		if (c->pg != NULL)
			server_state(c, 1, err);
		sql_conn_free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pg, on_notice, NULL);
	c->pid = PQbackendPID(c->pg);
	own_backend(c, 1);
	server_state(c, 0, NULL);
	return c;
}

/* Drop the decoded blobs of the current row. */
static void
drop_blobs(struct sql_pg_stmt *p)
{
	int i;

	if (p->blob == NULL)
		return;
	for (i = 0; i < p->ncols; i++) {
		PQfreemem(p->blob[i]);
		p->blob[i] = NULL;
	}
}

static void
stmt_free(struct sql_pg_stmt *p)
{
	if (p == NULL)
		return;
	sql_pg_reset(p);
	free(p->text);
	free(p->values);
	free(p->lengths);
	free(p->formats);
	free(p->num);
	free(p);
}

void
sql_pg_close(struct sql_conn *c)
{
	size_t k;

	for (k = 0; k < c->slots; k++)
		stmt_free(c->stmt[k].pg);
	if (c->pg != NULL && c->pid != 0)
		own_backend(c, 0);
	PQfinish(c->pg);
	c->pg = NULL;
}

int
sql_pg_in_transaction(const struct sql_conn *c)
{
	if (c->lost_in_tx)
		return 1;
	/* A broken session is in none: the next begin makes a new one. */
	if (PQstatus(c->pg) != CONNECTION_OK)
		return 0;
	return PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

int
sql_pg_rollback(struct sql_conn *c)
{
	/* The server ended the transaction with the session. */
	if (c->lost_in_tx || PQstatus(c->pg) != CONNECTION_OK) {
		c->lost_in_tx = 0;
		return 0;
	}
	return sql_pg_exec(c, "ROLLBACK");
}

int
sql_pg_commit(struct sql_conn *c)
{
	int announce = c->unannounced, rc;

	c->unannounced = 0;
	/* Queued in the transaction: delivered at its commit, or never. */
	rc = sql_pg_exec(c, announce ? "NOTIFY " CHANNEL "; COMMIT" :
	    "COMMIT");
	if (rc == 0 && announce)
		atomic_fetch_add(&own_commits, 1);
	return rc;
}

int
sql_pg_listen(struct sql_conn *c)
{
	if (sql_pg_exec(c, "LISTEN " CHANNEL) == -1)
		return -1;
	c->listening = 1;
	return 0;
}

int
sql_pg_notices(struct sql_conn *c)
{
	PGnotify *n;
	int count = 0;
	uint64_t own = atomic_load(&own_commits);

	if (own != c->own_seen) {
		c->own_seen = own;
		count++;
	}
	if (ready(c) == -1)
		return -1;
	if (c->missed) {
		c->missed = 0;
		count++;
	}
	if (PQconsumeInput(c->pg) == 0) {
		set_err(c, "", PQerrorMessage(c->pg));
		return -1;
	}
	while ((n = PQnotifies(c->pg)) != NULL) {
		if (strcmp(n->relname, CHANNEL) == 0 && count < INT32_MAX &&
		    !is_own_backend(c, n->be_pid))
			count++;
		PQfreemem(n);
	}
	return count;
}

int
sql_pg_notice_fd(const struct sql_conn *c)
{
	return PQsocket(c->pg);
}

/*
 * After a step of r that changed rows: announce it with the transaction's
 * commit, or now if it committed on its own.  A NOTIFY that fails after an
 * autocommitted write loses nothing but the notice: the error is kept for
 * sql_errmsg, the write stands.
 */
static void
announce(struct sql_conn *c, const PGresult *r)
{
	const char *cmd = PQcmdStatus((PGresult *)r);
	PGresult *n;

	if (c->changes <= 0 || (strncmp(cmd, "INSERT", 6) != 0 &&
	    strncmp(cmd, "UPDATE", 6) != 0 && strncmp(cmd, "DELETE", 6) != 0 &&
	    strncmp(cmd, "MERGE", 5) != 0))
		return;
	if (PQtransactionStatus(c->pg) == PQTRANS_INTRANS) {
		c->unannounced = 1;
		return;
	}
	atomic_fetch_add(&own_commits, 1);
	n = PQexec(c->pg, "NOTIFY " CHANNEL);
	if (n == NULL || PQresultStatus(n) != PGRES_COMMAND_OK) {
		set_err_result(c, "announcing a change", n);
		check_lost(c, 0);
	}
	PQclear(n);
}

int
sql_pg_exec(struct sql_conn *c, const char *sql)
{
	PGresult *r;
	ExecStatusType st;
	int rc = 0, tx;

	if (ready(c) == -1)
		return -1;
	tx = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	r = PQexec(c->pg, sql);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err_result(c, "", r);
		check_lost(c, tx);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

/*
 * Copy sql into out with each ?N as $N, outside quotes and comments; the
 * highest N into *nparams.  A bare ? is refused: statements number their
 * parameters.  out has room for strlen(sql) + 1.
 */
static int
rewrite(const char *sql, char *out, int *nparams, char *err, size_t errlen)
{
	char quote = 0;
	long n;
	char *end;

	*nparams = 0;
	for (; *sql != '\0'; sql++) {
		if (quote) {
			if (*sql == quote)
				quote = 0;
			*out++ = *sql;
			continue;
		}
		if (*sql == '\'' || *sql == '"') {
			quote = *sql;
			*out++ = *sql;
			continue;
		}
		if (sql[0] == '-' && sql[1] == '-') {
			while (*sql != '\0' && *sql != '\n')
				*out++ = *sql++;
			if (*sql == '\0')
				break;
			*out++ = *sql;
			continue;
		}
		if (*sql != '?') {
			*out++ = *sql;
			continue;
		}
		errno = 0;
		n = strtol(sql + 1, &end, 10);
		if (end == sql + 1 || errno != 0 || n < 1 || n > 999) {
			snprintf(err, errlen, "parameter without a number "
			    "(?1, ?2 ...) in: %.80s", sql);
			return -1;
		}
		if (n > *nparams)
			*nparams = (int)n;
		*out++ = '$';
		sql++;
		while (sql < end)
			*out++ = *sql++;
		sql--;
	}
	*out = '\0';
	return 0;
}

/* Prepare p in c's current session: 0, or -1 with c->err. */
static int
prepare(struct sql_pg_stmt *p)
{
	struct sql_conn *c = p->c;
	PGresult *r;
	char what[128];
	int tx;

	if (ready(c) == -1)
		return -1;
	tx = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	r = PQprepare(c->pg, p->name, p->text, p->nparams, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(what, sizeof(what), "preparing %.80s", p->text);
		set_err_result(c, what, r);
		check_lost(c, tx);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	p->gen = c->gen;
	return 0;
}

/* A statement named name prepared from sql, or NULL with c->err. */
static struct sql_pg_stmt *
make(struct sql_conn *c, const char *name, const char *sql)
{
	struct sql_pg_stmt *p = NULL;
	char *text = NULL;
	int n;

	if ((text = malloc(strlen(sql) + 1)) == NULL) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		goto fail;
	}
	if (rewrite(sql, text, &n, c->err, sizeof(c->err)) == -1)
		goto fail;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (n > 0 && ((p->values = calloc((size_t)n, sizeof(*p->values))) ==
	    NULL || (p->lengths = calloc((size_t)n, sizeof(*p->lengths))) ==
	    NULL || (p->formats = calloc((size_t)n, sizeof(*p->formats))) ==
	    NULL || (p->num = calloc((size_t)n, sizeof(*p->num))) == NULL))) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		goto fail;
	}
	p->c = c;
	p->nparams = n;
	p->row = -1;
	p->text = text;
	text = NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (prepare(p) == -1)
		goto fail;
	return p;
fail:
	stmt_free(p);
	free(text);
	return NULL;
}

int
sql_pg_prepare(struct sql_conn *c, size_t k, const char *sql)
{
	char name[24];

	if (c->stmt[k].pg != NULL)
		return 0;
	snprintf(name, sizeof(name), "v%zu", k);
	return (c->stmt[k].pg = make(c, name, sql)) != NULL ? 0 : -1;
}

/* Parameter i (from 1) of p, or -1 with the error. */
static int
param(struct sql_pg_stmt *p, int i)
{
	if (p == NULL)
		return -1;
	if (i < 1 || i > p->nparams) {
		snprintf(p->c->err, sizeof(p->c->err), "parameter %d out of "
		    "range (statement %s has %d)", i, p->name, p->nparams);
		return -1;
	}
	p->formats[i - 1] = 0;
	p->lengths[i - 1] = 0;
	return i - 1;
}

int
sql_pg_bind_int64(struct sql_pg_stmt *p, int i, int64_t v)
{
	int j = param(p, i);

	if (j == -1)
		return -1;
	snprintf(p->num[j], sizeof(p->num[j]), "%" PRId64, v);
	p->values[j] = p->num[j];
	return 0;
}

int
sql_pg_bind_double(struct sql_pg_stmt *p, int i, double v)
{
	int j = param(p, i);

	if (j == -1)
		return -1;
	/* %.17g gives the double back exactly; "inf" and "nan" parse too. */
	snprintf(p->num[j], sizeof(p->num[j]), "%.17g", v);
	p->values[j] = p->num[j];
	return 0;
}

int
sql_pg_bind_text(struct sql_pg_stmt *p, int i, const char *v)
{
	int j = param(p, i);

	if (j == -1)
		return -1;
	p->values[j] = v;
	return 0;
}

int
sql_pg_bind_blob(struct sql_pg_stmt *p, int i, const void *v, size_t n)
{
	int j = param(p, i);

	if (j == -1)
		return -1;
	p->values[j] = n ? v : "";
	p->lengths[j] = (int)n;
	p->formats[j] = 1;
	return 0;
}

int
sql_pg_bind_null(struct sql_pg_stmt *p, int i)
{
	int j = param(p, i);

	if (j == -1)
		return -1;
	p->values[j] = NULL;
	return 0;
}

/* Run p, keeping its result: SQL_ROW, SQL_DONE or SQL_ERROR. */
static enum sql_rc
run(struct sql_pg_stmt *p)
{
	struct sql_conn *c = p->c;
	ExecStatusType st;
	const char *tuples;
	int tx;

	/* A new session since it was prepared: prepare it there. */
	if (ready(c) == -1 || (p->gen != c->gen && prepare(p) == -1))
		return SQL_ERROR;
	tx = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	p->res = PQexecPrepared(c->pg, p->name, p->nparams, p->values,
	    p->lengths, p->formats, 0);
	st = p->res ? PQresultStatus(p->res) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		set_err_result(c, "", p->res);
		check_lost(c, tx);
		PQclear(p->res);
		p->res = NULL;
		return SQL_ERROR;
	}
	/* As sqlite3_changes: a SELECT leaves the count of the last write. */
	tuples = PQcmdTuples(p->res);
	if (*tuples != '\0' && strncmp(PQcmdStatus(p->res), "SELECT", 6) != 0) {
		c->changes = strtoll(tuples, NULL, 10);
		announce(c, p->res);
	}
	p->nrows = PQntuples(p->res);
	p->ncols = PQnfields(p->res);
	if (p->ncols > 0 && ((p->blob = calloc((size_t)p->ncols,
	    sizeof(*p->blob))) == NULL || (p->blobn = calloc((size_t)p->ncols,
	    sizeof(*p->blobn))) == NULL)) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		sql_pg_reset(p);
		return SQL_ERROR;
	}
	p->row = 0;
	return p->nrows > 0 ? SQL_ROW : SQL_DONE;
}

enum sql_rc
sql_pg_step(struct sql_pg_stmt *p)
{
	if (p == NULL)
		return SQL_ERROR;
	if (p->res == NULL)
		return run(p);
	drop_blobs(p);
	if (p->row < p->nrows)
		p->row++;
	return p->row < p->nrows ? SQL_ROW : SQL_DONE;
}

void
sql_pg_reset(struct sql_pg_stmt *p)
{
	if (p == NULL)
		return;
	drop_blobs(p);
	free(p->blob);
	free(p->blobn);
	p->blob = NULL;
	p->blobn = NULL;
	PQclear(p->res);
	p->res = NULL;
	p->row = -1;
	p->nrows = p->ncols = 0;
}

void
sql_pg_clear(struct sql_pg_stmt *p)
{
	int j;

	if (p == NULL)
		return;
	for (j = 0; j < p->nparams; j++) {
		p->values[j] = NULL;
		p->lengths[j] = 0;
		p->formats[j] = 0;
	}
}

/* The current row's column col as text, NULL for SQL NULL or no such. */
static const char *
value(struct sql_pg_stmt *p, int col)
{
	if (p == NULL || p->res == NULL || p->row < 0 || p->row >= p->nrows ||
	    col < 0 || col >= p->ncols || PQgetisnull(p->res, p->row, col))
		return NULL;
	return PQgetvalue(p->res, p->row, col);
}

int
sql_pg_column_is_null(struct sql_pg_stmt *p, int col)
{
	return value(p, col) == NULL;
}

int64_t
sql_pg_column_int64(struct sql_pg_stmt *p, int col)
{
	const char *v = value(p, col);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	return strtoll(v, NULL, 10);
}

double
sql_pg_column_double(struct sql_pg_stmt *p, int col)
{
	const char *v = value(p, col);

	return v != NULL ? strtod(v, NULL) : 0.0;
}

const char *
sql_pg_column_text(struct sql_pg_stmt *p, int col)
{
	return value(p, col);
}

/* bytea's OID in pg_type: fixed since PostgreSQL's first catalogue. */
#define BYTEAOID 17

const void *
sql_pg_column_blob(struct sql_pg_stmt *p, int col)
{
	const char *v = value(p, col);

	if (v == NULL)
		return NULL;
	if (PQftype(p->res, col) != BYTEAOID)
		return v;
	if (p->blob[col] == NULL)
		p->blob[col] = PQunescapeBytea((const unsigned char *)v,
		    &p->blobn[col]);
	return p->blob[col];
}

size_t
sql_pg_column_bytes(struct sql_pg_stmt *p, int col)
{
	const char *v = value(p, col);

	if (v == NULL)
		return 0;
	if (PQftype(p->res, col) == BYTEAOID) {
		if (p->blob[col] == NULL)
			sql_pg_column_blob(p, col);
		return p->blob[col] != NULL ? p->blobn[col] : 0;
	}
	return (size_t)PQgetlength(p->res, p->row, col);
}

/*
 * The copier's statements (sql.h): named by a counter ("o1", "o2" ...;
 * slots are "v<k>"), deallocated when freed.
 */
struct sql_pg_stmt *
sql_pg_stmt_new(struct sql_conn *c, const char *sql)
{
	/* Unique in the process, so in every connection of it. */
	static _Atomic uint64_t serial;
	char name[24];

	snprintf(name, sizeof(name), "o%" PRIu64, atomic_fetch_add(&serial,
	    1) + 1);
	return make(c, name, sql);
}

void
sql_pg_stmt_free(struct sql_pg_stmt *p)
{
	char sql[48];

	if (p == NULL)
		return;
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", p->name);
	/* Prepared in a session that ended: gone with it. */
	if (p->gen == p->c->gen && PQstatus(p->c->pg) == CONNECTION_OK)
		PQclear(PQexec(p->c->pg, sql));
	stmt_free(p);
}

/* Type OIDs of pg_type, fixed since PostgreSQL's first catalogue. */
#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700

enum sql_type
sql_pg_column_type(struct sql_pg_stmt *p, int col)
{
	if (value(p, col) == NULL)
		return SQL_TYPE_NULL;
	switch (PQftype(p->res, col)) {
	case BOOLOID:
	case INT8OID:
	case INT2OID:
	case INT4OID:
		return SQL_TYPE_INTEGER;
	case FLOAT4OID:
	case FLOAT8OID:
	case NUMERICOID:
		return SQL_TYPE_FLOAT;
	case BYTEAOID:
		return SQL_TYPE_BLOB;
	default:
		return SQL_TYPE_TEXT;
	}
}

int
sql_pg_copy_begin(struct sql_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	int rc = 0;

	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN) {
		set_err_result(c, "", r);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

int
sql_pg_copy_put(struct sql_conn *c, const char *buf, size_t n)
{
	if (n > INT32_MAX || PQputCopyData(c->pg, buf, (int)n) != 1) {
		set_err(c, "COPY", PQerrorMessage(c->pg));
		return -1;
	}
	return 0;
}

int
sql_pg_copy_end(struct sql_conn *c)
{
	PGresult *r;
	int rc = 0;

	if (PQputCopyEnd(c->pg, NULL) != 1) {
		set_err(c, "COPY", PQerrorMessage(c->pg));
		rc = -1;
	}
	/* The COPY's own result, then none. */
	while ((r = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			set_err_result(c, "", r);
			rc = -1;
		} else if (rc == 0)
			c->changes = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	return rc;
}
