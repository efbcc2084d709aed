#!/bin/sh
# Varied Open311 reads without the response cache (issue 11): area lists
# (a random 0.01 x 0.006 degree box anywhere in the city, page 1 to 3 of
# 50, bench/bbox.lua) and updated_after polling (a random instant of the
# last BENCH_SPAN seconds before the newest change, the first page of 50,
# bench/updated.lua), veche --no-cache against nginx serving one answer of
# each kind as a static file, in one run.
#
#   BENCH_DB=/path/to/copy.db bench/reads.sh
#
# BENCH_DB is a database seeded as docs/performance.md says (`veche seed
# --reports 1000000 --days 365`, demo city); veche migrates it on start,
# so give it a copy.  To compare with another binary in the same run, set
# VECHE_BEFORE to it and BENCH_DB_BEFORE to a second copy at that
# binary's schema.  Prints a Markdown table, the load average and veche's
# resident memory.
set -eu
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-15s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
WORKERS=${BENCH_WORKERS:-$(nproc)}
SPAN=${BENCH_SPAN:-86400}
VPORT=${BENCH_PORT:-18110}
NPORT=$((VPORT + 1))
OUT=bench/out/reads
DB=${BENCH_DB:?BENCH_DB: a copy of a seeded database}
VECHE=${VECHE:-./build/veche}
# The demo city's box: min_long min_lat max_long max_lat.
BOX="39.75 57.56 40.02 57.70"

mkdir -p "$OUT/www/open311/v2" "$OUT/tmp"
for t in wrk nginx curl sqlite3; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }

. bench/wrk.sh
trap cleanup EXIT INT TERM

# start_veche BINARY DB: (re)start veche without its cache and wait for
# it.  The first area read fills the map's index (about a second at a
# million reports): not part of the runs.
start_veche() {
	serve "$1" "$2" --no-cache
	curl -sf "$V$BBOX" > /dev/null
}

V=http://127.0.0.1:$VPORT
BBOX="/open311/v2/requests.json?bbox=39.880,57.625,39.890,57.631&page_size=50"
# The instants polled: the last SPAN seconds up to the newest change (or
# now, if the seed wrote changes later than now).
T1=$(sqlite3 "file:$DB?mode=ro" "SELECT min(max(updated), unixepoch()) FROM reports")
T0=$((T1 - SPAN))
UPD="/open311/v2/requests.json?updated_after=$(date -u -d @$((T1 - SPAN / 2)) +%Y-%m-%dT%H:%M:%SZ)&page_size=50"

start_veche "$VECHE" "$DB"
curl -sf "$V$BBOX" > "$OUT/www/bbox.json"
curl -sf "$V$UPD" > "$OUT/www/updated.json"

start_nginx

echo "bench: wrk -t1 -d$DURATION, veche --threads $THREADS --no-cache, nginx workers $WORKERS"
echo "bench: bbox answer $(wc -c < "$OUT/www/bbox.json") bytes, updated_after answer $(wc -c < "$OUT/www/updated.json") bytes; polled instants $T0 to $T1"
echo "bench: load before: $(uptime)"
: > "$OUT/results.txt"
# shellcheck disable=SC2086
{
	run_wrk nginx_bbox "$CONNS" "http://127.0.0.1:$NPORT/bbox.json"
	run_wrk nginx_updated "$CONNS" "http://127.0.0.1:$NPORT/updated.json"
	run_wrk bbox_alone 1 "$V" bench/bbox.lua $BOX
	run_wrk bbox "$CONNS" "$V" bench/bbox.lua $BOX
	run_wrk updated_alone 1 "$V" bench/updated.lua "$T0" "$T1"
	run_wrk updated "$CONNS" "$V" bench/updated.lua "$T0" "$T1"
} >> "$OUT/results.txt"
rss=$(awk '/VmRSS/ {print $2}' /proc/$VPID/status)
tests="nginx_bbox nginx_updated bbox_alone bbox updated_alone updated"
if [ -n "${VECHE_BEFORE:-}" ]; then
	start_veche "$VECHE_BEFORE" "${BENCH_DB_BEFORE:?BENCH_DB_BEFORE: a copy for VECHE_BEFORE}"
	# shellcheck disable=SC2086
	{
		run_wrk before_bbox_alone 1 "$V" bench/bbox.lua $BOX
		run_wrk before_bbox "$CONNS" "$V" bench/bbox.lua $BOX
		run_wrk before_updated_alone 1 "$V" bench/updated.lua "$T0" "$T1"
		run_wrk before_updated "$CONNS" "$V" bench/updated.lua "$T0" "$T1"
	} >> "$OUT/results.txt"
	tests="$tests before_bbox_alone before_bbox before_updated_alone before_updated"
fi
echo "bench: load after: $(uptime)"
cat "$OUT/results.txt"

awk -F'|' -v conns="$CONNS" -v tests="$tests" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 }
	END {
		print "| test | connections | requests/s | p50 | p99 | non-2xx |"
		print "|---|---:|---:|---:|---:|---:|"
		n = split(tests, t, " ")
		for (i = 1; i <= n; i++)
			printf "| %s | %s | %s | %s | %s | %s |\n", t[i],
			    t[i] ~ /alone/ ? 1 : conns, rps[t[i]], p50[t[i]],
			    p99[t[i]], err[t[i]]
		printf "\nveche/nginx: bbox %.2f, updated_after %.2f\n",
		    rps["bbox"] / rps["nginx_bbox"],
		    rps["updated"] / rps["nginx_updated"]
	}' "$OUT/results.txt" | tee "$OUT/results.md"
echo "bench: veche resident memory after the runs: $((rss / 1024)) MB"
