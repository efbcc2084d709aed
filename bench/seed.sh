#!/bin/sh
# Seeding time (issue 11): `veche city import` (demo city) and `veche seed
# --reports N --days 365` into a fresh database, for one or more binaries
# one after the other in the same run, with the load average beside.
#
#   bench/seed.sh                               (./build/veche, 1,000,000)
#   BENCH_REPORTS=100000 VECHES="main=/tmp/veche-main this=./build/veche" \
#       bench/seed.sh
#
# Databases go to BENCH_DIR (default bench/out/seed) and are deleted after
# each run unless BENCH_KEEP=1.  Prints a Markdown table: wall, the report
# loop's seconds (its last progress line; the rest is the end: indexes,
# search, checkpoint), user and system seconds, peak memory, database size,
# the load average before and after.  To check that two binaries give the
# same rows, seed with one --seed at one VECHE_CLOCK and compare the kept
# databases with bench/seed_compare.py.
set -eu
cd "$(dirname "$0")/.."

REPORTS=${BENCH_REPORTS:-1000000}
VECHES=${VECHES:-"this=./build/veche"}
DIR=${BENCH_DIR:-bench/out/seed}
CITY=data/demo/city.json

command -v /usr/bin/time >/dev/null ||
    { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$DIR"
echo "| binary | reports | wall s | loop s | user s | sys s | peak RSS | database | load average before / after |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
for v in $VECHES; do
	name=${v%%=*}
	bin=${v#*=}
	db=$DIR/$name.db
	rm -f "$db" "$db-wal" "$db-shm"
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	"$bin" city import --db "$db" "$CITY" >/dev/null 2>&1
	/usr/bin/time -f "%e %U %S %M" -o "$DIR/$name.time" \
	    "$bin" seed --db "$db" --reports "$REPORTS" --days 365 \
	    --seed "${BENCH_SEED:-1}" 2> "$DIR/$name.log"
	after=$(cut -d' ' -f1-3 /proc/loadavg)
	size=$(du -m "$db" | cut -f1)
	read -r wall user sys rss < "$DIR/$name.time"
	loop=$(grep -a 'seeding reports: ' "$DIR/$name.log" | tail -1 |
	    sed -n 's/.* \([0-9]*\) s so far.*/\1/p')
	echo "| $name | $REPORTS | $wall | $loop | $user | $sys | $((rss / 1024)) MB | $size MB | $load / $after |"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
done
