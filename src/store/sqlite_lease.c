/*
 * sqlite_lease.c: leases between processes (store.h, store_lease_try), on
 * the statement layer (sql.h).  No tables: on PostgreSQL a lease is a
 * session advisory lock, freed by the server when the holder's connection
 * ends, so a process that dies mid-work hands the work on; on SQLite one
 * process serves the file and every lease is granted.
 *
 * Advisory keys: hashtext(schema/name) (the schema: cities sharing one
 * database each in a schema of their own, docs/city.md, never share a
 * lease) in the one-bigint key space, beside the
 * audit log's transaction lock (sqlite_workflow.c, 'veche.audit_log').
 */
#include "store/sql_store.h"
#include "store/store.h"

enum {
	L_TRY,
	L_RELEASE,
	L__MAX
};

/* SQLite: granted, and given back, whenever there is a name. */
static const char *const sql[L__MAX] = {
	[L_TRY] = "SELECT ?1 IS NOT NULL",
	[L_RELEASE] = "SELECT ?1 IS NOT NULL",
};

const struct stmt_table store_lease_stmts = { sql, L__MAX };

static const char *const sql_pg[L__MAX] = {
	[L_TRY] = "SELECT pg_try_advisory_lock(hashtext(current_schema() || "
	    "'/' || ?1))",
	[L_RELEASE] = "SELECT pg_advisory_unlock(hashtext(current_schema() || "
	    "'/' || ?1))",
};

const struct stmt_table store_lease_stmts_pg = { sql_pg, L__MAX };

/* Run lease statement i on name: its boolean (1 or 0), or -1. */
static int
lease(struct store *s, int i, const char *name, const char *what)
{
	struct sql_stmt *st;
	int64_t yes = 0;

	if ((st = ss_stmt(s, STORE_MOD_LEASE, i)) == NULL)
		return -1;
	sql_bind_text(st, 1, name);
	if (ss_row(s, st, what, ss_int64_row, &yes) == -1)
		return -1;
	return yes != 0;
}

int
store_lease_try(struct store *s, const char *name)
{
	return lease(s, L_TRY, name, "taking a lease");
}

int
store_lease_release(struct store *s, const char *name)
{
	int rc = lease(s, L_RELEASE, name, "giving a lease back");

	return rc == -1 ? -1 : !rc;
}
