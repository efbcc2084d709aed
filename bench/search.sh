#!/bin/sh
# Text search at scale (issue 11): GET /open311/v2/requests.json?q=...
# &page_size=20 rendered anew for every request (`veche serve --no-cache`),
# a random one- or two-word query per request (bench/search.lua, the words
# in bench/search-queries.txt), against nginx serving one such answer as a
# static file, in one run.
#
#   BENCH_DB=/path/m.db bench/search.sh
#   BENCH_DB=/path/m.db BENCH_DB_BEFORE=/path/m-before.db \
#       VECHE_BEFORE=/path/to/main/veche bench/search.sh
#
# BENCH_DB (default bench/out/bench.db, seeded with BENCH_REPORTS reports
# over 365 days when missing) is served by VECHE (default ./build/veche);
# the first start on a database made by an older veche builds the text
# index (a minute or two at a million reports).  With VECHE_BEFORE, that
# binary serves BENCH_DB_BEFORE (a copy of the same database that the new
# binary never opened: it cannot open a newer schema) in the same run.
# Prints, as Markdown: each query alone (median of 5 requests, ms, and the
# reports on its page) and wrk with 1 and BENCH_CONNS connections, with
# the server's CPU time per request (/proc: all its threads, and its
# request threads alone) and the load average.
set -eu
cd "$(dirname "$0")/.."

. bench/wrk.sh
bench_settings 18100 search
BEFORE_DB=${BENCH_DB_BEFORE:-}
QUERIES=bench/search-queries.txt
PATHQ="/open311/v2/requests.json?page_size=20&q="

mkdir -p "$OUT/www/open311/v2"
[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
for t in wrk nginx curl python3; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done
if [ -n "$BEFORE" ] && [ ! -f "$BEFORE_DB" ]; then
	echo "bench: VECHE_BEFORE needs BENCH_DB_BEFORE, a copy of the" \
	    "database that $VECHE never opened" >&2
	exit 1
fi
if [ ! -f "$DB" ]; then
	echo "bench: seeding $REPORTS reports into $DB (once)"
	mkdir -p "$(dirname "$DB")"
	$VECHE city import --db "$DB" data/demo/city.json
	$VECHE seed --db "$DB" --reports "$REPORTS" --days 365
fi

# start BINARY DB: (re)start veche --no-cache on VPORT and wait for it
# (the text index of an older database is built before it listens).
start() {
	[ -n "${VPID:-}" ] && { kill "$VPID"; wait "$VPID" 2>/dev/null || true; }
	"$1" serve --db "$2" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    --no-cache --data-dir '' --suggest-hours 0 > "$OUT/veche.log" 2>&1 &
	VPID=$!
	t0=$(date +%s)
	for _ in $(seq 9000); do
		grep -q listening "$OUT/veche.log" 2>/dev/null && break
		kill -0 "$VPID" 2>/dev/null || break
		sleep 0.2
	done
	grep -q listening "$OUT/veche.log" ||
	    { cat "$OUT/veche.log" >&2; exit 1; }
	echo "bench: $1 listening after $(($(date +%s) - t0)) s"
}

# alone NAME: each query alone, after one warm-up pass: "query|ms|n" lines
# (median of 5 requests, reports on the page) into $OUT/NAME.alone
alone() {
	python3 - "http://127.0.0.1:$VPORT$PATHQ" "$QUERIES" \
	    > "$OUT/$1.alone" <<'PY'
import json, statistics, sys, time, urllib.parse, urllib.request
base, path = sys.argv[1], sys.argv[2]
qs = [l.strip() for l in open(path, encoding="utf-8") if l.strip()]
def get(q):
    with urllib.request.urlopen(base + urllib.parse.quote(q)) as r:
        return r.read()
for q in qs:
    get(q)
for q in qs:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        body = get(q)
        times.append((time.perf_counter() - t) * 1000)
    print("%s|%.1f|%d" % (q, statistics.median(times), len(json.loads(body))))
PY
}

# ticks [worker]: the server's CPU time so far in clock ticks, all its
# threads, or with an argument libmicrohttpd's request threads only (the
# server also works in the background: checkpoints, models).
ticks() {
	for t in /proc/$VPID/task/*; do
		[ -z "${1:-}" ] || grep -q MHD-worker "$t/comm" || continue
		cut -d')' -f2 "$t/stat"
	done | awk '{ s += $12 + $13 } END { print s + 0 }'
}

# measure NAME CONNS: run_wrk on the search queries, its line followed by
# the server's CPU per request in µs, all threads and request threads.
measure() {
	c0=$(ticks)
	w0=$(ticks worker)
	line=$(run_wrk "$1" "$2" "http://127.0.0.1:$VPORT" bench/search.lua \
	    "$QUERIES")
	c1=$(ticks)
	w1=$(ticks worker)
	n=$(awk '/requests in/ { print $1 }' "$OUT/$1.wrk")
	hz=$(getconf CLK_TCK)
	echo "$line|$(awk -v a="$((c1 - c0))" -v b="$((w1 - w0))" -v n="$n" \
	    -v hz="$hz" 'BEGIN { printf "%.0f|%.0f", a * 1e6 / hz / n,
	    b * 1e6 / hz / n }')"
}

trap cleanup EXIT INT TERM
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$OUT/results.txt"
if [ -n "$BEFORE" ]; then
	start "$BEFORE" "$BEFORE_DB"
	alone before
	measure before_alone 1 >> "$OUT/results.txt"
	measure before "$CONNS" >> "$OUT/results.txt"
fi
start "$VECHE" "$DB"
curl -sf "http://127.0.0.1:$VPORT${PATHQ}%D1%8F%D0%BC%D0%B0" \
    > "$OUT/www/open311/v2/q.json"
start_nginx
alone after
{
	run_wrk nginx "$CONNS" "http://127.0.0.1:$NPORT/open311/v2/q.json"
	measure after_alone 1
	measure after "$CONNS"
} >> "$OUT/results.txt"
cat "$OUT/results.txt"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| query | before: ms alone | reports on its page | after: ms alone | reports on its page |"
echo "|---|---:|---:|---:|---:|"
[ -n "$BEFORE" ] || : > "$OUT/before.alone"
awk -F'|' 'FILENAME == ARGV[1] { b[$1] = $2; bn[$1] = $3; next }
	{ printf "| %s | %s | %s | %s | %s |\n", $1, ($1 in b) ? b[$1] : "-",
	    ($1 in bn) ? bn[$1] : "-", $2, $3 }' \
    "$OUT/before.alone" "$OUT/after.alone"
echo
awk -F'|' -v conns="$CONNS" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5
	  cpu[$1] = $6 == "" ? "-" : $6; wcpu[$1] = $7 == "" ? "-" : $7 }
	END {
		print "| test | connections | requests/s | p50 | p99 | " \
		    "non-2xx | server CPU µs/request (all / request threads) |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		n = split("nginx before_alone before after_alone after", t, " ")
		for (i = 1; i <= n; i++)
			if (t[i] in rps)
				printf "| %s | %s | %s | %s | %s | %s | %s / %s |\n",
				    t[i], t[i] ~ /alone/ ? 1 : conns, rps[t[i]],
				    p50[t[i]], p99[t[i]], err[t[i]], cpu[t[i]],
				    wcpu[t[i]]
		printf "\nveche/nginx (after, %s connections): %.3f\n", conns,
		    rps["after"] / rps["nginx"]
	}' "$OUT/results.txt" | tee "$OUT/results.md"
