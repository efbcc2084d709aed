/*
 * sqlite_workflow.c: the workflow module of the SQLite backend (see
 * sqlite_internal.h).  No migrations yet.
 */
#include "store/sqlite_internal.h"

const struct migration_set store_workflow_schema = { "workflow", NULL, 0 };
