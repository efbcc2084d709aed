#!/bin/sh
# veche seed into PostgreSQL (issue 16): `veche city import` of the demo
# city, then `veche seed --reports N --days 365` into a fresh database of a
# scripts/pg.sh server, for one or more binaries one after the other in
# the same run (docs/performance.md, "Bulk into PostgreSQL by COPY").
#
#   BENCH_PG_DIR=DIR BENCH_REPORTS=100000 \
#       VECHES="main=/work/bench/da3deed/veche this=build/veche" bench/seed_pg.sh
#
# Prints, per binary: the load average before and after, veche's wall and
# CPU time (/usr/bin/time), the PostgreSQL cluster's CPU over the seed (its
# postmaster's and children's utime + stime, exited ones included, from
# /proc), the last progress lines and the database's size.  Each database
# is dropped after its run.
set -eu
cd "$(dirname "$0")/.."

REPORTS=${BENCH_REPORTS:-100000}
VECHES=${VECHES:-"this=build/veche"}
PGDIR=${BENCH_PG_DIR:?BENCH_PG_DIR: a folder of scripts/pg.sh start}
export VECHE_DATADIR=${VECHE_DATADIR:-$PWD/data}

U0=$(cat "$PGDIR/url")
. bench/pg_cpu.sh

for v in $VECHES; do
	name=${v%%=*}
	bin=${v#*=}
	DB=bench_seed_$name
	U=$(echo "$U0" | sed "s|/veche?|/$DB?|")
	psql -X -q "$U0" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
	"$bin" city import --db "$U" data/demo/city.json >/dev/null 2>&1
	echo "== $name ($bin), $REPORTS reports"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	c0=$(pg_cpu)
	/usr/bin/time -f "veche: %e s wall, %U s user, %S s sys, %M KB max RSS" \
	    "$bin" seed --db "$U" --reports "$REPORTS" --days 365 \
	    --seed "${BENCH_SEED:-1}" 2>"/tmp/bench-seed-pg.$name.log" || true
	c1=$(pg_cpu)
	grep -E "seeding reports: $REPORTS of|copying into PostgreSQL: [0-9]+ of [0-9]+ rows \(100|seeded|veche:.*wall|failed" \
	    "/tmp/bench-seed-pg.$name.log" || true
	echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "PostgreSQL CPU: $(((c1 - c0) / $(getconf CLK_TCK))) s"
	psql -X -At "$U" -c "SELECT count(*) || ' reports, ' || pg_size_pretty(pg_database_size('$DB')) FROM reports"
	psql -X -q "$U0" -c "DROP DATABASE $DB"
done
