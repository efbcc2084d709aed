#!/bin/sh
# How cost grows with the data (issue 11): the same read and write
# workloads at 10,000, 100,000 and 1,000,000 seeded reports, veche rendering
# every request anew (--no-cache), and nginx serving one such answer as a
# static file in the same run.
#
#   bench/scale.sh                  (after a release build: make build)
#   BENCH_SIZES="10000 100000" BENCH_DURATION=10s bench/scale.sh
#
# For each size, seeds BENCH_DIR/rSIZE.db once (`veche seed --reports SIZE
# --days 365`, demo city; kept for later runs, with the seed's time), starts
# `veche serve --no-cache --threads BENCH_THREADS` on it and runs wrk -t1
# with BENCH_CONNS connections for BENCH_DURATION each:
#   bbox     requests.json, a random 0.01 x 0.006 degree box, page 1 to 3
#            of 50 (bench/bbox.lua): varied map reads
#   updated  requests.json?updated_after=<within the last day>&page_size=50
#            (bench/updated.lua): how FixMyStreet's client polls
#   rss      /rss, the feed of the newest reports
#   map      /map/clusters.json, a random view at zoom 10 to 17 (bench/map.lua)
#   search   requests.json?q=яма&page_size=20
#   nginx    one bbox answer of that size as a static file
#   post     durable POST requests.json (bench/post.lua), last: it adds reports
# and reads the server's VmRSS / VmHWM after the reads.  Prints one
# Markdown table (rows: workloads; columns: sizes; req/s and p99) and
# keeps it in BENCH_DIR/results.md.
set -eu
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
VPORT=${BENCH_PORT:-18170}
NPORT=$((VPORT + 1))
mkdir -p "${BENCH_DIR:-bench/out/scale}"
OUT=$(cd "${BENCH_DIR:-bench/out/scale}" && pwd)
VECHE=${VECHE:-./build/veche}
CITY=data/demo/city.json
# The demo city's box: min_long min_lat max_long max_lat.
BOX="39.75 57.56 40.02 57.70"

[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
for t in wrk nginx curl sqlite3; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
. bench/wrk.sh

cleanup() {
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null || true
	stop_nginx || true
}
trap cleanup EXIT INT TERM

# seed SIZE: BENCH_DIR/rSIZE.db with SIZE reports, once; the seconds it
# took in BENCH_DIR/rSIZE.seeded.
seed() {
	db=$OUT/r$1.db
	[ -f "$db" ] && [ -f "$OUT/r$1.seeded" ] && return 0
	rm -f "$db" "$db-wal" "$db-shm"
	echo "bench: seeding $1 reports into $db (once)" >&2
	$VECHE city import --db "$db" "$CITY" >&2
	t0=$(date +%s.%N)
	$VECHE seed --db "$db" --reports "$1" --days 365 >&2
	echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f\n", $1 - $2 }' \
	    > "$OUT/r$1.seeded"
}

# serve DB: veche on VPORT without its response cache, waited for.
serve() {
	# No training of the service suggestions at start: at a million
	# reports it is minutes of CPU beside the workloads.
	$VECHE serve --db "$1" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    --no-cache --suggest-hours 0 > "$OUT/veche.log" 2>&1 &
	VPID=$!
	for _ in $(seq 600); do
		grep -q listening "$OUT/veche.log" 2>/dev/null && return 0
		sleep 0.2
	done
	cat "$OUT/veche.log" >&2
	exit 1
}

# run NAME URL [script args]: run_wrk's line and wrk's timeouts (requests
# that took over 2 s: not in its latencies).
run() {
	w=$1
	u=$2
	shift 2
	line=$(run_wrk "$w" "$CONNS" "$u" "$@")
	to=$(awk '/timeout/ { print $NF }' "$OUT/$w.wrk")
	echo "$line|${to:-0}"
}

V=http://127.0.0.1:$VPORT
BBOX="/open311/v2/requests.json?bbox=39.880,57.625,39.890,57.631&page=2&page_size=50"
SEARCH="/open311/v2/requests.json?q=%D1%8F%D0%BC%D0%B0&page_size=20"
: > "$OUT/results.txt"
echo "bench: wrk -t1 -c$CONNS -d$DURATION, veche --threads $THREADS" \
    "--no-cache; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
	seed "$n"
	db=$OUT/r$n.db
	key=$($VECHE apikey create --db "$db" --name bench-scale 2>/dev/null)
	newest=$(sqlite3 "$db" 'SELECT max(updated) FROM reports')
	serve "$db"
	mkdir -p "$OUT/www$n"
	curl -sf "$V$BBOX" > "$OUT/www$n/bbox.json"
	# The map's first view reads its index from the database.
	curl -sf -o /dev/null "$V/map/clusters.json?bbox=39.837,57.612,39.933,57.648&zoom=13"
	WORKERS=${BENCH_WORKERS:-$(nproc)} start_nginx "$NPORT" "$OUT/www$n"
	sleep 0.5
	{
		run "$n|nginx" "http://127.0.0.1:$NPORT/bbox.json"
		run "$n|bbox" "$V" bench/bbox.lua $BOX
		run "$n|updated" "$V" bench/updated.lua $((newest - 86400)) "$newest"
		run "$n|rss" "$V/rss"
		run "$n|map" "$V" bench/map.lua $BOX
		run "$n|search" "$V$SEARCH"
		echo "$n|memory|$(memory "$VPID")"
		run "$n|post" "$V/open311/v2/requests.json" bench/post.lua "$key"
		echo "$n|seed|$(cat "$OUT/r$n.seeded")"
	} >> "$OUT/results.txt"
	stop_nginx
	# At a million reports a slow request (polling, search) can run for
	# minutes and a SIGTERM waits for it: 10 s, then SIGKILL.
	kill "$VPID"
	for _ in $(seq 50); do
		kill -0 "$VPID" 2>/dev/null || break
		sleep 0.2
	done
	kill -9 "$VPID" 2>/dev/null || true
	wait "$VPID" 2>/dev/null || true
	VPID=
done
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# run_wrk names its files NAME.wrk: "SIZE|workload" keeps sizes apart.
awk -F'|' -v sizes="$SIZES" '
	{ key = $1 SUBSEP $2
	  if ($2 == "memory") cell[key] = $3
	  else if ($2 == "seed") cell[key] = $3 " s"
	  else cell[key] = sprintf("%s req/s, p99 %s%s%s", $3, $5,
	      $6 > 0 ? ", " $6 " non-2xx" : "",
	      $7 > 0 ? ", " $7 " over 2 s" : "") }
	END {
		ns = split(sizes, sz, " ")
		nw = split("bbox updated rss map search nginx post memory seed", w, " ")
		name["bbox"] = "varied map reads (bbox.lua)"
		name["updated"] = "updated_after polling (updated.lua)"
		name["rss"] = "RSS feed (/rss)"
		name["map"] = "map clusters (map.lua)"
		name["search"] = "text search (q=яма, 20)"
		name["nginx"] = "nginx, one bbox answer as a static file"
		name["post"] = "durable POST (post.lua)"
		name["memory"] = "veche VmRSS / VmHWM after the reads"
		name["seed"] = "veche seed, wall time"
		line = "| workload |"; rule = "|---|"
		for (i = 1; i <= ns; i++) { line = line " " sz[i] " |"; rule = rule "---:|" }
		print line; print rule
		for (j = 1; j <= nw; j++) {
			line = "| " name[w[j]] " |"
			for (i = 1; i <= ns; i++)
				line = line " " cell[sz[i] SUBSEP w[j]] " |"
			print line
		}
	}' "$OUT/results.txt" | tee "$OUT/results.md"
