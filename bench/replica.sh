#!/bin/sh
# replica.sh: where the database's work goes with a read replica
# (docs/scaling.md, "Read replicas").  A throw-away primary and hot standby
# (scripts/pg.sh), REPORTS seeded reports, then the same uncached Open311
# list read by wrk from `veche serve --db PRIMARY` alone and from
# `veche serve --db PRIMARY --db-read STANDBY`, one after the other.  For
# each: requests/s, p50, p99, and CPU time per request (utime + stime from
# /proc, the figure least disturbed by the machine's load) of veche, of
# the primary's PostgreSQL and of the standby's (each cluster's postmaster,
# its live children and the children it reaped).
#
#   bench/replica.sh            (BENCH_REPORTS=20000 BENCH_DURATION=10s
#                                BENCH_CONNS=8 VECHE=./build/veche)
set -eu

REPORTS=${BENCH_REPORTS:-20000}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-8}
VECHE=${VECHE:-./build/veche}
OUT=bench/out/replica
PG_SH=scripts/pg.sh
mkdir -p "$OUT"
tmp=$(mktemp -d /tmp/veche-replica-bench.XXXXXX)
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	sh "$PG_SH" stop "$tmp/standby" >/dev/null 2>&1 || true
	sh "$PG_SH" stop "$tmp/primary" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# CPU ticks of a cluster: postmaster, its live children, its reaped ones.
cluster_ticks() {
	pm=$(head -1 "$(readlink "$1/home")/data/postmaster.pid")
	{
		awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
		for s in /proc/[0-9]*/stat; do
			awk -v pm="$pm" '$4 == pm {print $14 + $15}' "$s" \
			    2>/dev/null || true
		done
	} | awk '{t += $1} END {print t}'
}

proc_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

primary=$(sh "$PG_SH" start "$tmp/primary")
"$VECHE" city import --db "$primary" data/demo/city.json >/dev/null
"$VECHE" seed --db "$primary" --reports "$REPORTS" --days 365 >/dev/null
standby=$(sh "$PG_SH" standby "$tmp/standby" "$tmp/primary")
hz=$(getconf CLK_TCK)
mkdir -p "$tmp/media" "$tmp/opendata"

echo "run|req/s|p50|p99|veche us/req|primary PG us/req|standby PG us/req|load"
for mode in primary replica; do
	extra=
	[ "$mode" = replica ] && extra="--db-read $standby"
	# shellcheck disable=SC2086
	"$VECHE" serve --db "$primary" $extra --no-cache \
	    --listen 127.0.0.1:0 --media "$tmp/media" --data-dir '' \
	    >"$tmp/serve.out" 2>"$tmp/serve.err" &
	pid=$!
	until grep -q 'listening on' "$tmp/serve.out"; do
		kill -0 "$pid" || { cat "$tmp/serve.err"; exit 1; }
		sleep 0.2
	done
	url=$(sed -n 's/^veche: listening on \(http:[^ ]*\)\/$/\1/p' \
	    "$tmp/serve.out")
	path=/open311/v2/requests.json
	# Warm: the replica routed and both caches of pages read.
	if [ "$mode" = replica ]; then
		tries=0
		until curl -s -D - -o /dev/null "$url$path" |
		    grep -q 'X-Veche-Read: replica'; do
			tries=$((tries + 1))
			if [ "$tries" -gt 300 ]; then
				echo "replica never used:" >&2
				cat "$tmp/serve.err" >&2
				exit 1
			fi
			sleep 0.2
		done
	fi
	wrk -t1 -c"$CONNS" -d2s "$url$path" >/dev/null
	v0=$(proc_ticks "$pid"); p0=$(cluster_ticks "$tmp/primary")
	s0=$(cluster_ticks "$tmp/standby")
	wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$url$path" \
	    >"$OUT/$mode.wrk"
	v1=$(proc_ticks "$pid"); p1=$(cluster_ticks "$tmp/primary")
	s1=$(cluster_ticks "$tmp/standby")
	n=$(awk '/requests in/ {print $1}' "$OUT/$mode.wrk")
	awk -v m="$mode" -v n="$n" -v hz="$hz" -v v="$((v1 - v0))" \
	    -v p="$((p1 - p0))" -v s="$((s1 - s0))" \
	    -v load="$(cut -d' ' -f1 /proc/loadavg)" '
	    /Requests\/sec/ {rps = $2} $1 == "50%" {p50 = $2}
	    $1 == "99%" {p99 = $2}
	    END {printf "%s|%s|%s|%s|%.0f|%.0f|%.0f|%s\n", m, rps, p50, p99,
	        v * 1e6 / hz / n, p * 1e6 / hz / n, s * 1e6 / hz / n, load}' \
	    "$OUT/$mode.wrk"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
done
