#!/bin/sh
# Open311 API benchmark: veche against nginx serving the same bytes.
#
#   bench/run.sh            (make bench runs it after a release build)
#
# Seeds BENCH_REPORTS (default 1,000,000) reports into bench/out/bench.db
# once (kept between runs), then runs wrk against
#   1. GET /open311/v2/requests.json?status=open&page_size=50
#   2. GET /open311/v2/requests.json?bbox=...&page_size=50
#   3. nginx serving the bytes of 1 and 2 as static files
#   4. POST /open311/v2/requests.json (durable writes, synchronous=FULL)
# and prints a Markdown table for docs/performance.md.
set -eu
cd "$(dirname "$0")/.."

REPORTS=${BENCH_REPORTS:-1000000}
DURATION=${BENCH_DURATION:-15s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}          # veche worker threads (its default)
WORKERS=${BENCH_WORKERS:-$(nproc)}   # nginx worker processes
VPORT=${BENCH_PORT:-18080}
NPORT=$((VPORT + 1))
OUT=bench/out
DB=$OUT/bench.db
VECHE=${VECHE:-./build/veche}

mkdir -p "$OUT/www/open311/v2"
[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk missing: scripts/deps.sh bench" >&2; exit 1; }
command -v nginx >/dev/null || { echo "bench: nginx missing: scripts/deps.sh bench" >&2; exit 1; }

if [ ! -f "$DB" ] || [ "$(cat "$OUT/reports" 2>/dev/null)" != "$REPORTS" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	echo "bench: seeding $REPORTS reports into $DB (once; kept for later runs)"
	$VECHE city import --db "$DB" data/demo/city.json
	$VECHE seed --db "$DB" --reports "$REPORTS" --days 365
	echo "$REPORTS" > "$OUT/reports"
fi
KEY=$($VECHE apikey create --db "$DB" --name bench 2>/dev/null)

cleanup() {
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null || true
	[ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# start_veche [serve options]: (re)start veche on VPORT and wait for it.
start_veche() {
	[ -n "${VPID:-}" ] && { kill "$VPID"; wait "$VPID" 2>/dev/null || true; }
	$VECHE serve --db "$DB" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    "$@" > "$OUT/veche.log" 2>&1 &
	VPID=$!
	for _ in $(seq 150); do
		grep -q listening "$OUT/veche.log" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "bench: veche did not start:" >&2
	cat "$OUT/veche.log" >&2
	exit 1
}
start_veche

OPEN="/open311/v2/requests.json?status=open&page_size=50"
BBOX="/open311/v2/requests.json?bbox=39.85,57.60,39.90,57.65&page_size=50"
curl -sf "http://127.0.0.1:$VPORT$OPEN" > "$OUT/www/open.json"
curl -sf "http://127.0.0.1:$VPORT$BBOX" > "$OUT/www/bbox.json"

. bench/wrk.sh
start_nginx "$NPORT"

# run NAME URL [script and its args]: prints "NAME|req/s|p50|p99|non-2xx"
run() {
	name=$1
	url=$2
	shift 2
	run_wrk "$name" "$CONNS" "$url" "$@"
}

echo "bench: wrk -t1 -c$CONNS -d$DURATION, veche --threads $THREADS, nginx workers $WORKERS"
: > "$OUT/results.txt"
# Not in a pipeline: start_veche must run in this shell to wait for the
# server it replaces.
run nginx_open "http://127.0.0.1:$NPORT/open.json" >> "$OUT/results.txt"
run nginx_bbox "http://127.0.0.1:$NPORT/bbox.json" >> "$OUT/results.txt"
run veche_open "http://127.0.0.1:$VPORT$OPEN" >> "$OUT/results.txt"
run veche_bbox "http://127.0.0.1:$VPORT$BBOX" >> "$OUT/results.txt"
start_veche --no-cache
run nocache_open "http://127.0.0.1:$VPORT$OPEN" >> "$OUT/results.txt"
run nocache_bbox "http://127.0.0.1:$VPORT$BBOX" >> "$OUT/results.txt"
run veche_post "http://127.0.0.1:$VPORT/open311/v2/requests.json" \
    bench/post.lua "$KEY" >> "$OUT/results.txt"
cat "$OUT/results.txt"

awk -F'|' '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 }
	END {
		print "| test | requests/s | p50 | p99 | non-2xx |"
		print "|---|---:|---:|---:|---:|"
		n = split("nginx_open veche_open nocache_open nginx_bbox veche_bbox nocache_bbox veche_post", t, " ")
		for (i = 1; i <= n; i++)
			printf "| %s | %s | %s | %s | %s |\n", t[i], rps[t[i]], p50[t[i]], p99[t[i]], err[t[i]]
		printf "\nveche/nginx: open %.2f (no cache %.2f), bbox %.2f (no cache %.2f)\n", rps["veche_open"] / rps["nginx_open"], rps["nocache_open"] / rps["nginx_open"], rps["veche_bbox"] / rps["nginx_bbox"], rps["nocache_bbox"] / rps["nginx_bbox"]
	}' "$OUT/results.txt" | tee "$OUT/results.md"
curl -s "http://127.0.0.1:$VPORT/open311/v2/requests.json?service_request_id=1" > /dev/null
echo "bench: reports in the database now: $(sqlite3 "$DB" 'select count(*) from reports' 2>/dev/null || echo '?')"
