#!/bin/sh
# Durable writes: veche's POST /open311/v2/requests.json against raw SQLite
# doing the same inserts (bench/writes_ref.py), in one run, on one database.
#
#   BENCH_DB=/path/to/copy.db bench/writes.sh
#
# BENCH_DB is WRITTEN TO (new reports, an API key): give it a copy.  Without
# BENCH_DB, BENCH_REPORTS (default 100,000) reports are seeded once into
# bench/out/writes.db.  VECHE (default ./build/veche, the release build) is
# measured; VECHE_BEFORE, when set, is another binary measured the same way
# in the same run (main's, say).  BENCH_DURATION (wrk's -d, default 15s;
# BENCH_WARMUP, 5s, of the same load before it),
# BENCH_CONNS (32), BENCH_THREADS (veche --threads, 8), BENCH_REF_REPORTS
# (20000) and BENCH_BATCH (50 reports a transaction for the reference).
#
# Order: reference, each veche, reference again (the ratio is against the
# mean of the two reference runs), then `veche audit verify`.  Prints a
# Markdown table.
set -eu
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
REF_REPORTS=${BENCH_REF_REPORTS:-20000}
BATCH=${BENCH_BATCH:-50}
VPORT=${BENCH_PORT:-18090}
VECHE=${VECHE:-./build/veche}
OUT=${BENCH_OUT:-bench/out/writes}
mkdir -p "$OUT"

[ -x "$VECHE" ] || { echo "bench: build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk missing: scripts/deps.sh bench" >&2; exit 1; }

if [ -n "${BENCH_DB:-}" ]; then
	DB=$BENCH_DB
else
	DB=bench/out/writes.db
	REPORTS=${BENCH_REPORTS:-100000}
	if [ ! -f "$DB" ] || [ "$(cat "$DB.reports" 2>/dev/null)" != "$REPORTS" ]; then
		rm -f "$DB" "$DB-wal" "$DB-shm"
		echo "bench: seeding $REPORTS reports into $DB (once)" >&2
		$VECHE city import --db "$DB" data/demo/city.json >&2
		$VECHE seed --db "$DB" --reports "$REPORTS" --days 365 >&2
		echo "$REPORTS" > "$DB.reports"
	fi
fi
count() { sqlite3 "$DB" 'SELECT count(*) FROM reports'; }

VPID=
cleanup() { [ -n "$VPID" ] && kill "$VPID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# What a server does first at its start, done before the clock runs: the
# first deadline scan (a year of seeded reports are overdue: their
# notices).  A server runs until /metrics says a scan has completed (the
# lag counts from the start until then).
echo "bench: the first deadline scan" >&2
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$OUT/metrics-token"
$VECHE serve --db "$DB" --listen 127.0.0.1:$VPORT --data-dir '' \
    --suggest-hours 0 --metrics-token-file "$OUT/metrics-token" \
    > "$OUT/prepare.log" 2>&1 &
VPID=$!
start=$(date +%s)
while :; do
	lag=$(curl -sf -H "Authorization: Bearer $(cat "$OUT/metrics-token")" \
	    "http://127.0.0.1:$VPORT/metrics" 2>/dev/null |
	    awk '/^veche_deadline_scan_lag_seconds/ { print $2 }')
	if [ -n "$lag" ] && awk -v l="$lag" -v e="$(($(date +%s) - start))" \
	    'BEGIN { exit !(l + 2 < e) }'; then
		break
	fi
	[ $(($(date +%s) - start)) -lt 1800 ] || { echo "bench: no deadline scan completed" >&2; exit 1; }
	sleep 1
done
kill "$VPID"
wait "$VPID" 2>/dev/null || true
VPID=

KEY=$($VECHE apikey create --db "$DB" --name bench-writes 2>/dev/null)

# utime + stime of process PID, in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# post NAME BINARY: serve DB with BINARY, wrk the POST, stop it; prints
# run_wrk's line and the server's CPU microseconds per report.
. bench/wrk.sh
post() {
	pname=$1
	bin=$2
	# Not the write path, so not measured: the open data dump (written at
	# start, then daily: minutes of a core at a million reports) and the
	# service suggestions' training (at start when there is no model).
	$bin serve --db "$DB" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    --data-dir '' --suggest-hours 0 > "$OUT/$pname.log" 2>&1 &
	VPID=$!
	for _ in $(seq 300); do
		grep -q listening "$OUT/$pname.log" 2>/dev/null && break
		sleep 0.2
	done
	grep -q listening "$OUT/$pname.log" || {
		echo "bench: $bin did not start:" >&2
		cat "$OUT/$pname.log" >&2
		exit 1
	}
	# A warm-up first: the server's own start-up work (its first deadline
	# scan, loading the catalog) is not what is measured.
	measured=$DURATION
	DURATION=$WARMUP
	run_wrk "$pname-warmup" "$CONNS" \
	    "http://127.0.0.1:$VPORT/open311/v2/requests.json" \
	    bench/post.lua "$KEY" > /dev/null
	DURATION=$measured
	cpu0=$(cpu_ticks "$VPID")
	line=$(run_wrk "$pname" "$CONNS" \
	    "http://127.0.0.1:$VPORT/open311/v2/requests.json" \
	    bench/post.lua "$KEY")
	cpu1=$(cpu_ticks "$VPID")
	n=$(awk '/requests in/ {print $1}' "$OUT/$pname.wrk")
	# The server's CPU time (user + system) per report, in microseconds.
	echo "$line|$(awk -v a="$cpu0" -v b="$cpu1" -v n="${n:-0}" \
	    -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f",
	    (b - a) * 1e6 / hz / n; else print 0 }')"
	kill "$VPID"
	wait "$VPID" 2>/dev/null || true
	VPID=
}

ref() { python3 bench/writes_ref.py "$DB" --reports "$REF_REPORTS" --batch "$BATCH"; }

echo "bench: $(count) reports in $DB; wrk -t1 -c$CONNS -d$DURATION, veche --threads $THREADS; reference: $REF_REPORTS reports in batches of $BATCH; $(uptime)" >&2
: > "$OUT/results.txt"
ref | sed 's/^ref|/ref1|/' >> "$OUT/results.txt"
[ -n "${VECHE_BEFORE:-}" ] && post before "$VECHE_BEFORE" >> "$OUT/results.txt"
post veche "$VECHE" >> "$OUT/results.txt"
ref | sed 's/^ref|/ref2|/' >> "$OUT/results.txt"
echo "bench: $(count) reports after; $(uptime)" >&2
if $VECHE audit verify --db "$DB" > "$OUT/audit.txt" 2>&1; then
	audit="intact: $(tail -n 1 "$OUT/audit.txt")"
else
	audit="BROKEN: $(tail -n 1 "$OUT/audit.txt")"
fi

awk -F'|' -v audit="$audit" '
	/^ref/ { ref[$1] = $2; refcpu[$1] = $5; next }
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5; cpu[$1] = $6; names[++n] = $1 }
	END {
		r = (ref["ref1"] + ref["ref2"]) / 2
		print "| writer | reports/s | p50 | p99 | non-2xx | CPU µs/report | of raw SQLite |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		printf "| raw SQLite (python, batches), before | %d | | | | %s | |\n", ref["ref1"], refcpu["ref1"]
		printf "| raw SQLite (python, batches), after | %d | | | | %s | |\n", ref["ref2"], refcpu["ref2"]
		for (i = 1; i <= n; i++)
			printf "| veche %s | %d | %s | %s | %s | %s | %.0f %% |\n", (names[i] == "before" ? "before (VECHE_BEFORE)" : "(VECHE)"), rps[names[i]], p50[names[i]], p99[names[i]], err[names[i]], cpu[names[i]], 100 * rps[names[i]] / r
		print ""
		print "audit chain: " audit
	}' "$OUT/results.txt" | tee "$OUT/results.md"
