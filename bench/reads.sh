#!/bin/sh
# Varied Open311 reads without the response cache (issue 11): area lists
# (a random 0.01 x 0.006 degree box anywhere in the city, page 1 to 3 of
# 50, bench/bbox.lua), updated_after polling (a random instant of the
# last BENCH_SPAN seconds before the newest change, the first page of 50,
# bench/updated.lua) and the RSS feed (/rss), veche --no-cache against
# nginx serving one answer of each kind as a static file, in one run.
#
#   BENCH_DB=/path/to/copy.db bench/reads.sh
#
# BENCH_DB is a database seeded as docs/performance.md says (`veche seed
# --reports 1000000 --days 365`, demo city); veche migrates it on start,
# so give it a copy.  To compare with another binary in the same run, set
# VECHE_BEFORE to it (BENCH_DB_BEFORE: another copy, when that binary's
# schema differs; by default the same file, one server at a time).
# Prints a Markdown table with each run's server CPU time per request
# (utime + stime from /proc before and after, over wrk's requests: the
# figure a loaded machine disturbs least), the load average, and veche's
# resident memory after the runs (VmRSS counts a page of the mapped
# database once per connection that maps it; Pss shares it out).
# The service suggestions are not trained at start (--suggest-hours 0):
# at a million reports that is minutes of CPU in the middle of the runs.
# BENCH_REQLOG=1 also logs each request (--log-format json: a line per
# request, a few µs more CPU each) and prints the server's own time per
# request (from its URI to its last byte handed to the kernel) for each
# run: p50 / p99 / p99.9 / max.  wrk's p99 is not that: wrk 4 adds, for
# each response slower than the run's mean time between a connection's
# requests, samples at that latency less one, two ... such intervals
# (coordinated omission), so a few stalls of 100 ms make its p99.
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
REQLOG=
[ "${BENCH_REQLOG:-0}" = 0 ] || REQLOG="--log-format json"
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
	# shellcheck disable=SC2086
	serve "$1" "$2" --no-cache --suggest-hours 0 $REQLOG
	curl -sf "$V$BBOX" > /dev/null
}

# server_times FROM: the request log's durations after line FROM of
# veche.log, "p50/p99/p99.9/max µs" ("" without BENCH_REQLOG).
server_times() {
	[ -n "$REQLOG" ] || return 0
	tail -n +"$1" "$OUT/veche.log" |
	    sed -n 's/.*"duration_us":\([0-9]*\).*/\1/p' | sort -n |
	    awk '{ d[NR] = $1 } END { if (NR) printf "%d/%d/%d/%d µs",
		d[int(NR * 0.5) + 1], d[int(NR * 0.99) + 1],
		d[int(NR * 0.999) + 1], d[NR] }'
}

log_lines() {
	[ -n "$REQLOG" ] && wc -l < "$OUT/veche.log" || echo 0
}

# cpu: the server's CPU time so far, in clock ticks.
cpu() {
	awk '{ print $14 + $15 }' "/proc/$VPID/stat"
}

# measure NAME CONNS URL [script args]: run_wrk's line, the server's CPU
# microseconds per request appended.
measure() {
	l0=$(log_lines)
	c0=$(cpu)
	line=$(run_wrk "$@")
	c1=$(cpu)
	n=$(awk '/requests in/ { print $1 }' "$OUT/$1.wrk")
	echo "$line|$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / (n + 1) ))|$(server_times $((l0 + 1)))"
}

# memory_of: resident memory of the server, MB: VmRSS (anonymous + file)
# and Pss.
memory_of() {
	awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 } /^RssFile/ { f = $2 }
	    END { printf "VmRSS %d MB (anonymous %d MB, mapped file %d MB)",
	    r / 1024, a / 1024, f / 1024 }' "/proc/$VPID/status"
	awk '/^Pss:/ { printf ", Pss %d MB", $2 / 1024 }' \
	    "/proc/$VPID/smaps_rollup" 2>/dev/null || true
	echo
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
curl -sf "$V/rss" > "$OUT/www/rss.xml"

start_nginx

echo "bench: wrk -t1 -d$DURATION, veche --threads $THREADS --no-cache, nginx workers $WORKERS"
echo "bench: bbox answer $(wc -c < "$OUT/www/bbox.json") bytes, updated_after answer $(wc -c < "$OUT/www/updated.json") bytes, rss $(wc -c < "$OUT/www/rss.xml") bytes; polled instants $T0 to $T1"
echo "bench: load before: $(uptime)"
: > "$OUT/results.txt"
# nginx's CPU is not measured here: its workers are several processes.
# shellcheck disable=SC2086
{
	run_wrk nginx_bbox "$CONNS" "http://127.0.0.1:$NPORT/bbox.json"
	run_wrk nginx_updated "$CONNS" "http://127.0.0.1:$NPORT/updated.json"
	run_wrk nginx_rss "$CONNS" "http://127.0.0.1:$NPORT/rss.xml"
	measure bbox_alone 1 "$V" bench/bbox.lua $BOX
	measure bbox "$CONNS" "$V" bench/bbox.lua $BOX
	measure updated_alone 1 "$V" bench/updated.lua "$T0" "$T1"
	measure updated "$CONNS" "$V" bench/updated.lua "$T0" "$T1"
	measure rss "$CONNS" "$V/rss"
} >> "$OUT/results.txt"
mem=$(memory_of)
tests="nginx_bbox nginx_updated nginx_rss bbox_alone bbox updated_alone updated rss"
if [ -n "${VECHE_BEFORE:-}" ]; then
	start_veche "$VECHE_BEFORE" "${BENCH_DB_BEFORE:-$DB}"
	# shellcheck disable=SC2086
	{
		measure before_bbox_alone 1 "$V" bench/bbox.lua $BOX
		measure before_bbox "$CONNS" "$V" bench/bbox.lua $BOX
		measure before_updated_alone 1 "$V" bench/updated.lua "$T0" "$T1"
		measure before_updated "$CONNS" "$V" bench/updated.lua "$T0" "$T1"
		measure before_rss "$CONNS" "$V/rss"
	} >> "$OUT/results.txt"
	mem_before=$(memory_of)
	tests="$tests before_bbox_alone before_bbox before_updated_alone before_updated before_rss"
fi
echo "bench: load after: $(uptime)"
cat "$OUT/results.txt"

awk -F'|' -v conns="$CONNS" -v tests="$tests" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5; cpu[$1] = $6
	  srv[$1] = $7 }
	END {
		print "| test | connections | requests/s | p50 | p99 | non-2xx | server CPU per request | server time p50/p99/p99.9/max |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|"
		n = split(tests, t, " ")
		for (i = 1; i <= n; i++)
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", t[i],
			    t[i] ~ /alone/ ? 1 : conns, rps[t[i]], p50[t[i]],
			    p99[t[i]], err[t[i]],
			    cpu[t[i]] == "" ? "" : cpu[t[i]] " µs", srv[t[i]]
		printf "\nveche/nginx: bbox %.2f, updated_after %.2f, rss %.2f\n",
		    rps["bbox"] / rps["nginx_bbox"],
		    rps["updated"] / rps["nginx_updated"],
		    rps["rss"] / rps["nginx_rss"]
		if (rps["before_bbox"] != "")
			printf "before/nginx: bbox %.2f, updated_after %.2f, rss %.2f\n",
			    rps["before_bbox"] / rps["nginx_bbox"],
			    rps["before_updated"] / rps["nginx_updated"],
			    rps["before_rss"] / rps["nginx_rss"]
	}' "$OUT/results.txt" | tee "$OUT/results.md"
echo "bench: veche after the runs: $mem"
[ -z "${mem_before:-}" ] || echo "bench: VECHE_BEFORE after its runs: $mem_before"
