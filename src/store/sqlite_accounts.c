/*
 * sqlite_accounts.c: the accounts module of the SQLite backend (see
 * sqlite_internal.h).  No migrations yet.
 */
#include "store/sqlite_internal.h"

const struct migration_set store_accounts_schema = { "accounts", NULL, 0 };
