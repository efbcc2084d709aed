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
 * The URL of database `name` on the server a fixture started in the
 * folder that environment variable env names (VECHE_PG_DIR for `pg`,
 * VECHE_PG_STANDBY_DIR for `pg-standby`) into out, and the server's own
 * URL (database veche) into base.  Fails the test when it is not running.
 */
static void
pg_fixture_url_in(const char *env, const char *name, char *out, size_t len,
    char *base, size_t baselen)
{
	const char *dir = getenv(env);
	char path[300], *db;
	FILE *f;
	size_t n;

	if (dir == NULL)
		fail_msg("%s unset: run through ctest, whose fixture starts "
		    "PostgreSQL (scripts/pg.sh)", env);
	snprintf(path, sizeof(path), "%s/url", dir);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("no %s: did scripts/pg.sh fail?", path);
	n = fread(base, 1, baselen - 1, f);
	fclose(f);
	base[n] = '\0';
	base[strcspn(base, "\n")] = '\0';
	/* .../veche?host=... becomes .../NAME?host=... */
	if ((db = strstr(base, "/veche?")) == NULL)
		fail_msg("unexpected fixture URL %s", base);
	snprintf(out, len, "%.*s/%s?%s", (int)(db - base), base, name, db + 7);
}

/*
 * The fixture server's URL for database `name` (a plain word), made on
 * first use, into out.  Fails the test when the fixture is not running.
 */
static void
pg_fixture_url(const char *name, char *out, size_t len)
{
	char base[512], err[512], sql[128];
	struct sql_conn *c;

	pg_fixture_url_in("VECHE_PG_DIR", name, out, len, base, sizeof(base));
	if ((c = sql_conn_pg(base, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	/* Fails harmlessly when it exists. */
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	sql_exec(c, sql);
	sql_conn_free(c);
}

#endif
