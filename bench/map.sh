#!/bin/sh
# The public map and varied area reads at scale (issue 11): veche without
# its response cache (every request rendered anew) against nginx serving one
# response of the same kind as a static file.
#
#   bench/map.sh            (after a release build: make build)
#   BENCH_DB=/path/m1.db VECHE_BEFORE=/path/old/veche BENCH_BBOX=0 bench/map.sh
#
# Uses BENCH_DB (default bench/out/bench.db, seeded with BENCH_REPORTS
# reports over 365 days as bench/run.sh does when missing), then runs wrk:
#   map    GET /map/clusters.json: a random 1280 x 800 px viewport at a
#          random zoom from 10 to 17 anywhere in the city, for the default
#          90 days or 7, 30 or 90 (bench/map.lua)
#          snapped outward to the zoom's 64 px cells as the page asks
#          (map_unaligned: the same views not snapped, as before)
#   bbox   GET /open311/v2/requests.json?bbox=...&page=1..3&page_size=50:
#          a random 0.01 x 0.006 degree box in the city (bench/bbox.lua;
#          BENCH_BBOX=0 leaves it out)
# each with one connection (a request alone) and with BENCH_CONNS, and
# nginx serving one map and one bbox response as static files.  The map's
# reference in the issue's sense (a static file of the same size) is
#   map_same / nginx_map_same: BENCH_MAP_VIEWS (2000) of map.lua's views,
#          asked of veche at random (bench/views.lua), and nginx serving
#          the very same answers as static files in the same way: the same
#          bytes (random views average more than the fixed view's answer).  With
# VECHE_BEFORE (another build's binary, e.g. main's), the map runs for it
# too, in the same run, one server at a time: rows map_before_*.  Prints a
# Markdown table for docs/performance.md, the load average, the time of
# the map's first view (its index read from the database) and each
# server's resident memory after its runs.
set -eu
cd "$(dirname "$0")/.."

. bench/wrk.sh
bench_settings 18090 map
WITH_BBOX=${BENCH_BBOX:-1}
CITY=data/demo/city.json
# The demo city's box: min_long min_lat max_long max_lat.
BOX="39.75 57.56 40.02 57.70"

mkdir -p "$OUT/www/map" "$OUT/tmp"
[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] ||
    { echo "bench: VECHE_BEFORE=$BEFORE is not a program" >&2; exit 1; }
for t in wrk nginx curl; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
if [ ! -f "$DB" ]; then
	echo "bench: seeding $REPORTS reports into $DB (once)"
	mkdir -p "$(dirname "$DB")"
	$VECHE city import --db "$DB" "$CITY"
	$VECHE seed --db "$DB" --reports "$REPORTS" --days 365
fi

trap cleanup EXIT INT TERM

V=http://127.0.0.1:$VPORT
MAP="/map/clusters.json?bbox=39.837,57.612,39.933,57.648&zoom=13"
BBOX="/open311/v2/requests.json?bbox=39.880,57.625,39.890,57.631&page=2&page_size=50"

# serve BINARY LABEL: start BINARY on VPORT and time its first map view
# (this script's own, in place of wrk.sh's).
serve() {
	# No training of the service suggestions in the background (minutes
	# of CPU on a seeded database, and a stop waits for it).
	"$1" serve --db "$DB" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    --no-cache --suggest-hours 0 --data-dir '' > "$OUT/veche-$2.log" 2>&1 &
	VPID=$!
	for _ in $(seq 300); do
		grep -q listening "$OUT/veche-$2.log" 2>/dev/null && break
		sleep 0.2
	done
	grep -q listening "$OUT/veche-$2.log" ||
	    { cat "$OUT/veche-$2.log" >&2; exit 1; }
	first=$(curl -sf -o "$OUT/www/map/view-$2.json" -w '%{time_total}' \
	    "$V$MAP")
	echo "bench: $2: first map view (the index read from the database): ${first} s" >&2
	CPU0=$(cpu_ticks)
}

# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() {
	sed 's/.*) //' /proc/$VPID/stat | awk '{print $12 + $13}'
}

# unserve LABEL [RUN...]: note the server's resident memory and its CPU
# time per request over the wrk runs RUN (a figure that a loaded machine
# disturbs less than the rate), and stop it.
unserve() {
	label=$1
	shift
	if [ $# -gt 0 ]; then
		n=0
		for r in "$@"; do
			n=$((n + $(awk '/requests in/ {print $1}' "$OUT/$r.wrk")))
		done
		awk -v t="$(($(cpu_ticks) - CPU0))" -v hz="$(getconf CLK_TCK)" \
		    -v n="$n" -v l="$label" 'BEGIN { printf "bench: %s: " \
		    "server CPU per request over its runs: %.3f ms (%d " \
		    "requests)\n", l, t * 1000 / hz / n, n }' >&2
	fi
	rss=$(awk '/VmRSS/ {print $2}' /proc/$VPID/status)
	echo "bench: $label: veche resident memory after its runs: $((rss / 1024)) MB" >&2
	echo "$((rss / 1024)) MB" > "$OUT/rss-$label.txt"
	kill "$VPID"
	for _ in $(seq 50); do
		kill -0 "$VPID" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$VPID" 2>/dev/null || true
	wait "$VPID" 2>/dev/null || true
	VPID=
}

if [ -n "$BEFORE" ]; then
	# The answers must not change: the same view from both binaries.
	serve "$BEFORE" before
	unserve before
fi
serve "$VECHE" after
cp "$OUT/www/map/view-after.json" "$OUT/www/map/view.json"
# The same views for both: map.lua's first BENCH_MAP_VIEWS paths, and
# veche's answers to them kept as nginx's files.
NVIEWS=${BENCH_MAP_VIEWS:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
SAME_RUNS=$(seq -f 'map_same_%g' "$ROUNDS" | tr '\n' ' ')
rm -rf "$OUT/www/map/v"
mkdir -p "$OUT/www/map/v"
# shellcheck disable=SC2086
BENCH_MAP_PATHS="$OUT/views-veche.txt" BENCH_MAP_PATHS_N=$NVIEWS \
    wrk -t1 -c1 -d2s -s bench/map.lua "$V" -- $BOX > /dev/null
python3 - "$V" "$OUT/views-veche.txt" "$OUT/www/map/v" \
    "$OUT/views-nginx.txt" <<'PY' >&2
import sys, urllib.request
base, paths, into, listed = sys.argv[1:]
sizes = []
with open(paths) as f, open(listed, "w") as out:
    for i, path in enumerate(l.strip() for l in f if l.strip()):
        body = urllib.request.urlopen(base + path).read()
        with open("%s/%d.json" % (into, i), "wb") as v:
            v.write(body)
        out.write("/map/v/%d.json\n" % i)
        sizes.append(len(body))
if not sizes:
    sys.exit("bench: no map views were written by bench/map.lua")
sizes.sort()
print("bench: %d views kept for nginx: answers of %d bytes on average "
      "(median %d, largest %d)" % (len(sizes), sum(sizes) // len(sizes),
      sizes[len(sizes) // 2], sizes[-1]))
PY
if [ -n "$BEFORE" ]; then
	python3 - "$OUT/www/map/view-before.json" "$OUT/www/map/view.json" <<'PY' >&2
import json, sys
def counts(p):
    d = json.load(open(p))
    by = {}
    for c in d["clusters"]:
        for st, n in c["status"].items():
            by[st] = by.get(st, 0) + n
    return d["total"], sorted(by.items()), [r["id"] for r in d["reports"]]
b, a = counts(sys.argv[1]), counts(sys.argv[2])
print("bench: the fixed view before and after: %s" %
      ("the same counts and list" if a == b else "DIFFERENT: %r / %r" % (b, a)))
PY
fi
curl -sf "$V$BBOX" > "$OUT/www/bbox.json"

start_nginx

# run NAME CONNS URL [script args]: prints "NAME|req/s|p50|p99|non-2xx",
# and, with a server up, its CPU time per request over this run alone.
run() {
	[ -z "${VPID:-}" ] || [ "$3" != "$V" ] || c0=$(cpu_ticks)
	run_wrk "$@"
	[ -z "${VPID:-}" ] || [ "$3" != "$V" ] || awk -v t="$(($(cpu_ticks) - c0))" \
	    -v hz="$(getconf CLK_TCK)" -v l="$1" -v n="$(awk \
	    '/requests in/ {print $1}' "$OUT/$1.wrk")" 'BEGIN { printf \
	    "bench: %s: server CPU per request: %.3f ms (%d requests)\n", l,
	    t * 1000 / hz / n, n }' >&2
}

echo "bench: wrk -t1 -d$DURATION, veche --threads $THREADS --no-cache, nginx workers $WORKERS"
: > "$OUT/results.txt"
# shellcheck disable=SC2086
{
	run nginx_map "$CONNS" "http://127.0.0.1:$NPORT/map/view.json"
	[ "$WITH_BBOX" = 0 ] ||
	    run nginx_bbox "$CONNS" "http://127.0.0.1:$NPORT/bbox.json"
	run map_alone 1 "$V" bench/map.lua $BOX
	run map "$CONNS" "$V" bench/map.lua $BOX
	# The same answers, nginx and veche in turn, ROUNDS times: on a
	# shared VM one 15 s run of either can be a third slower than the
	# next; the median of the rounds' ratios is the figure.
	for r in $(seq "$ROUNDS"); do
		run nginx_map_same_$r "$CONNS" "http://127.0.0.1:$NPORT" \
		    bench/views.lua "$OUT/views-nginx.txt" $r
		run map_same_$r "$CONNS" "$V" bench/views.lua \
		    "$OUT/views-veche.txt" $r
	done
	# The same views as the page asked for them before: not snapped.
	run map_unaligned "$CONNS" "$V" bench/map.lua $BOX 10 17 1280 800 11 \
	    unaligned
	if [ "$WITH_BBOX" != 0 ]; then
		run bbox_alone 1 "$V" bench/bbox.lua $BOX
		run bbox "$CONNS" "$V" bench/bbox.lua $BOX
	fi
} >> "$OUT/results.txt"
if [ "$WITH_BBOX" != 0 ]; then
	# shellcheck disable=SC2086
	unserve after map_alone map $SAME_RUNS map_unaligned bbox_alone bbox
else
	# shellcheck disable=SC2086
	unserve after map_alone map $SAME_RUNS map_unaligned
fi
if [ -n "$BEFORE" ]; then
	serve "$BEFORE" before
	# shellcheck disable=SC2086
	{
		run map_before_alone 1 "$V" bench/map.lua $BOX
		run map_before "$CONNS" "$V" bench/map.lua $BOX
		run map_before_unaligned "$CONNS" "$V" bench/map.lua $BOX 10 \
		    17 1280 800 11 unaligned
	} >> "$OUT/results.txt"
	unserve before map_before_alone map_before map_before_unaligned
	run nginx_map_again "$CONNS" "http://127.0.0.1:$NPORT/map/view.json" \
	    >> "$OUT/results.txt"
fi
cat "$OUT/results.txt"

SAME_ROWS=$(for r in $(seq "$ROUNDS"); do printf 'nginx_map_same_%d map_same_%d ' \
    "$r" "$r"; done)
awk -F'|' -v conns="$CONNS" -v rounds="$ROUNDS" -v same="$SAME_ROWS" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 }
	END {
		print "| test | connections | requests/s | p50 | p99 | non-2xx |"
		print "|---|---:|---:|---:|---:|---:|"
		n = split("nginx_map map_alone map " same " map_unaligned " \
		    "map_before_alone map_before map_before_unaligned " \
		    "nginx_map_again nginx_bbox bbox_alone bbox", t, " ")
		for (i = 1; i <= n; i++)
			if (t[i] in rps) printf "| %s | %s | %s | %s | %s | %s |\n", t[i],
			    t[i] ~ /alone/ ? 1 : conns, rps[t[i]], p50[t[i]],
			    p99[t[i]], err[t[i]]
		# The rounds'"'"' ratios, sorted: their median.
		for (r = 1; r <= rounds; r++)
			q[r] = rps["map_same_" r] / rps["nginx_map_same_" r]
		for (r = 2; r <= rounds; r++)
			for (k = r; k > 1 && q[k] < q[k - 1]; k--) {
				x = q[k]; q[k] = q[k - 1]; q[k - 1] = x
			}
		printf "\nveche/nginx: the same answers (map_same / " \
		    "nginx_map_same) %.3f, the median of", q[int((rounds + 1) / 2)]
		for (r = 1; r <= rounds; r++)
			printf " %.3f", rps["map_same_" r] / rps["nginx_map_same_" r]
		printf "; against the fixed view'"'"'s answer: " \
		    "map %.3f (unaligned %.3f)",
		    rps["map"] / rps["nginx_map"],
		    rps["map_unaligned"] / rps["nginx_map"]
		if ("map_before" in rps)
			printf ", map before %.3f (nginx again: %s/s)",
			    rps["map_before"] / rps["nginx_map"],
			    rps["nginx_map_again"]
		if ("bbox" in rps)
			printf ", bbox %.2f", rps["bbox"] / rps["nginx_bbox"]
		printf "\n"
	}' "$OUT/results.txt" | tee "$OUT/results.md"
echo "bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: answer of the fixed zoom-13 view: $(wc -c < "$OUT/www/map/view.json") bytes"
