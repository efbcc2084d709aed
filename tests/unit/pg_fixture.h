/*
 * pg_fixture.h: the throw-away PostgreSQL of ctest's fixture `pg`
 * (scripts/pg.sh, docs/scaling.md) for unit tests that declare
 * FIXTURES_REQUIRED pg.  Each test program works in a database of its own,
 * made on first use, so that tests running at once on the one server
 * (ctest -j) never drop, lock or end each other's sessions.
 */
#ifndef VECHE_TEST_PG_FIXTURE_H
#define VECHE_TEST_PG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"

/*
 * The fixture server's URL for database `name` (a plain word), made on
 * first use, into out.  Fails the test when the fixture is not running.
 */
static void
pg_fixture_url(const char *name, char *out, size_t len)
{
	const char *dir = getenv("VECHE_PG_DIR");
	char base[512], path[300], err[512], sql[128], *db;
	struct sql_conn *c;
	FILE *f;
	size_t n;

	if (dir == NULL)
		fail_msg("VECHE_PG_DIR unset: run through ctest, whose fixture "
		    "starts PostgreSQL (scripts/pg.sh start DIR)");
	snprintf(path, sizeof(path), "%s/url", dir);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("no %s: did scripts/pg.sh start fail?", path);
	n = fread(base, 1, sizeof(base) - 1, f);
	fclose(f);
	base[n] = '\0';
	base[strcspn(base, "\n")] = '\0';
	/* .../veche?host=... becomes .../NAME?host=... */
	if ((db = strstr(base, "/veche?")) == NULL)
		fail_msg("unexpected fixture URL %s", base);
	snprintf(out, len, "%.*s/%s?%s", (int)(db - base), base, name, db + 7);
	if ((c = sql_conn_pg(base, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	/* Fails harmlessly when it exists. */
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	sql_exec(c, sql);
	sql_conn_free(c);
}

#endif
