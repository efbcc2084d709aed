/*
 * store_copy.h: copy one store into another through the statement layer
 * (sql.h), whatever the engines, and verify the copy: what `veche migrate`
 * runs (docs/scaling.md, "veche migrate").
 *
 * The copy reads the source's catalogue (sqlite_schema and
 * pragma_table_xinfo on SQLite; information_schema on PostgreSQL), and
 * copies each table's rows in primary-key order, in batches of one
 * transaction each, into the columns both sides have that the target does
 * not generate.  SQLite's internal and shadow tables are skipped; what the
 * target derives (the text index, a contentless FTS5 table on SQLite) is
 * rebuilt there from copied rows.  Triggers and foreign keys do not fire
 * on the target during the copy (session_replication_role = replica).
 * The copy is one transaction on the target: its tables truncated, its
 * secondary indexes dropped, each table one COPY ... WITH (FREEZE) fed in
 * batches, the indexes built again, identity sequences after max(id),
 * then COMMIT; a failure rolls it all back.
 */
#ifndef VECHE_STORE_COPY_H
#define VECHE_STORE_COPY_H

#include <stddef.h>

#include "base/copy.h"

struct store;

/*
 * The PostgreSQL target at url as the store can hold it today: the schema
 * of the converted modules (their migrations run), no statements (an
 * unconverted module's table that a converted module's statement reads
 * would stop those from preparing).  A converted module whose schema
 * names an unconverted module's table (officials' users) is skipped and
 * listed in skipped ("module (why); ..."; "" when none).  NULL with err
 * when the core schema fails or PostgreSQL is unreachable.  store_close it.
 */
struct store *store_copy_open_pg(const char *url, char *skipped,
    size_t skippedlen, char *err, size_t errlen);

/*
 * Copy every table of from into to, which must be PostgreSQL and hold no
 * rows but those its own migrations seed (which the copy replaces with the
 * source's); with o->load, only the tables the source filled, into empty
 * ones (base/copy.h).  Fills r (tables, their modules, what became of
 * each, the columns the target lacks).  Returns 0 when everything was
 * copied, 1 when the copy went through but left tables or columns behind
 * (r says which: their modules are not yet on the target's engine), or -1
 * with err: a target that holds rows (err names the table), schemas of
 * different versions, a role that may not set session_replication_role,
 * or a failed statement; nothing is written then.
 */
int store_copy(struct store *from, struct store *to,
    const struct copy_opts *o, struct copy_report *r, char *err,
    size_t errlen);

/*
 * Count the rows of r's copied and rebuilt tables on both sides into
 * from_rows and to_rows.  Returns 0 when every count is equal, 1 when one
 * differs, or -1 with err.
 */
int store_copy_verify(struct store *from, struct store *to,
    struct copy_report *r, char *err, size_t errlen);

/*
 * A store on the PostgreSQL at url with every converted module's
 * statements (ss_open_pg), for the checks that read through them after a
 * copy; NULL with err when some cannot be prepared yet (a converted
 * module's statements read an unconverted module's table).
 */
struct store *store_copy_open_full(const char *url, char *err,
    size_t errlen);

/*
 * Whether s can run the audit log's store functions (store_audit_each):
 * 1 on SQLite and on a PostgreSQL store where the workflow module, whose
 * table the audit log is, is converted; else 0.
 */
int store_copy_has_audit(struct store *s);

/*
 * The module whose SQLite migrations create table (column NULL), or add
 * column to it, into out (len bytes); "" when none does.
 */
void store_copy_module_of(const char *table, const char *column, char *out,
    size_t len);

#endif
