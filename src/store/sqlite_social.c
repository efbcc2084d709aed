/*
 * sqlite_social.c: the social module of the SQLite backend (see
 * sqlite_internal.h).  No migrations yet.
 */
#include "store/sqlite_internal.h"

const struct migration_set store_social_schema = { "social", NULL, 0 };
