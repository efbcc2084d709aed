/*
 * sql_replica.h: opening a store on a hot standby (sql_replica.c).  A
 * standby refuses every write, schema changes and LISTEN included, so the
 * open asks first and, on a standby, checks the schema it replayed
 * instead of migrating, and listens for nothing (change notices come from
 * the primary's connection; docs/scaling.md, "Read replicas").  Nothing
 * outside src/store includes this.
 */
#ifndef VECHE_STORE_SQL_REPLICA_H
#define VECHE_STORE_SQL_REPLICA_H

#include <stddef.h>

#include "store/sql.h"
#include "store/sqlite_internal.h"

/* 1 when c's server is a standby in recovery, 0 if not (SQLite: 0), or
 * -1 with err. */
int ss_standby(struct sql_conn *c, char *err, size_t errlen);

/*
 * On a standby, in place of ss_migrate: 0 when every set's version there
 * is its number of steps (the primary migrated and the standby replayed
 * it), else -1 with err naming the module.
 */
int ss_standby_schema(struct sql_conn *c,
    const struct migration_set *const *sets, size_t n, char *err,
    size_t errlen);

#endif
