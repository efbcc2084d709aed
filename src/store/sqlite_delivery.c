/*
 * sqlite_delivery.c: the delivery module of the SQLite backend (see
 * sqlite_internal.h).  No migrations yet.
 */
#include "store/sqlite_internal.h"

const struct migration_set store_delivery_schema = { "delivery", NULL, 0 };
