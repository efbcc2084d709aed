#!/bin/sh
# veche migrate's speed (docs/scaling.md, "veche migrate"): a seeded SQLite
# database copied into PostgreSQL, and PostgreSQL's own COPY of the same
# rows beside it.
#
#   bench/migrate.sh copy|insert [BATCH]   veche migrate --method ...
#   bench/migrate.sh ref                   sqlite3 -csv | psql \copy of
#                                          report_updates and reports
#
# BENCH_DB: the SQLite database, a copy never written by others (default
# /work/bench/migrate/r1m.db: cp /work/bench/r1m.db* there first; veche
# opens it, so it must not be the shared one).  BENCH_PG_DIR: a folder of
# scripts/pg.sh start (its url file); each run makes and drops a database
# of its own there.  VECHE_BIN: the release build (default build/veche).
# Prints the load average before and after, veche's wall and CPU time
# (/usr/bin/time) and the PostgreSQL cluster's CPU time over the run (its
# postmaster's utime + stime + those of its exited and live children, from
# /proc), and the database's size after.
set -eu
cd "$(dirname "$0")/.."

WHAT=${1:?usage: bench/migrate.sh copy|insert|ref [BATCH]}
BATCH=${2:-10000}
SRC=${BENCH_DB:-/work/bench/migrate/r1m.db}
PGDIR=${BENCH_PG_DIR:?BENCH_PG_DIR: a folder of scripts/pg.sh start}
BIN=${VECHE_BIN:-build/veche}
export VECHE_DATADIR=${VECHE_DATADIR:-$PWD/data}

U0=$(cat "$PGDIR/url")
DB=bench_$WHAT
U=$(echo "$U0" | sed "s|/veche?|/$DB?|")
. bench/pg_cpu.sh

psql -X -q "$U0" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
c0=$(pg_cpu)
uptime
case $WHAT in
copy|insert)
	/usr/bin/time -f "veche: %e s wall, %U s user, %S s sys, %M KB max RSS" \
	    "$BIN" migrate --from "$SRC" --to "$U" --method "$WHAT" \
	    --batch "$BATCH" >"/tmp/bench-migrate.$WHAT.out" || true
	grep -E "^rows|^audit" "/tmp/bench-migrate.$WHAT.out" || true
	;;
ref)
	psql -X -q "$U" -c "CREATE TABLE report_updates(id BIGINT PRIMARY KEY,
	    report BIGINT NOT NULL, status INTEGER NOT NULL, description TEXT,
	    media_url TEXT, created BIGINT NOT NULL)" -c "CREATE TABLE
	    reports(id BIGINT PRIMARY KEY, token TEXT NOT NULL UNIQUE,
	    service TEXT NOT NULL, agency TEXT, status INTEGER NOT NULL,
	    status_notes TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION,
	    address TEXT, address_id TEXT, zipcode TEXT, description TEXT NOT
	    NULL DEFAULT '', requested BIGINT NOT NULL, updated BIGINT NOT
	    NULL, register_due BIGINT, expected BIGINT)"
	for t in report_updates reports; do
		case $t in
		report_updates) cols="id, report, status, description,
		    media_url, created" ;;
		reports) cols="id, token, service, agency, status,
		    status_notes, lat, lon, address, address_id, zipcode,
		    description, requested, updated, register_due, expected" ;;
		esac
		cols=$(echo $cols)
		/usr/bin/time -f "ref $t: %e s wall" sh -c "sqlite3 -csv '$SRC' \
		    'SELECT $cols FROM $t ORDER BY id' |
		    psql -X -q '$U' -c '\\copy $t($cols) FROM STDIN CSV'"
	done
	;;
*)
	echo "usage: bench/migrate.sh copy|insert|ref [BATCH]" >&2
	exit 2
	;;
esac
c1=$(pg_cpu)
uptime
echo "PostgreSQL CPU: $(((c1 - c0) / $(getconf CLK_TCK))) s"
psql -X -At "$U" -c "SELECT pg_size_pretty(pg_database_size('$DB'))"
psql -X -q "$U0" -c "DROP DATABASE $DB"
