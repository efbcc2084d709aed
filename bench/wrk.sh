# wrk.sh: sourced by the wrk benchmarks (run.sh, map.sh, reads.sh,
# render.sh, search.sh).  Needs OUT and DURATION set; start_nginx also
# WORKERS (and NPORT or a port given), serve VPORT and THREADS.  Callers
# trap cleanup on EXIT INT TERM.
#
# bench_settings PORT NAME: the settings the one-database benchmarks share
# (map.sh, search.sh), from the environment or their defaults: REPORTS,
# DURATION, CONNS, THREADS, WORKERS, VPORT (default PORT), NPORT, OUT
# (bench/out/NAME), DB, VECHE and BEFORE.
bench_settings() {
	REPORTS=${BENCH_REPORTS:-1000000}
	DURATION=${BENCH_DURATION:-15s}
	CONNS=${BENCH_CONNS:-32}
	THREADS=${BENCH_THREADS:-8}
	WORKERS=${BENCH_WORKERS:-$(nproc)}
	VPORT=${BENCH_PORT:-$1}
	NPORT=$((VPORT + 1))
	OUT=bench/out/$2
	DB=${BENCH_DB:-bench/out/bench.db}
	VECHE=${VECHE:-./build/veche}
	BEFORE=${VECHE_BEFORE:-}
}

# run_wrk NAME CONNS URL [script and its args]: one wrk run into
# $OUT/NAME.wrk; prints "NAME|req/s|p50|p99|non-2xx"
run_wrk() {
	name=$1
	conns=$2
	url=$3
	shift 3
	if [ $# -gt 0 ]; then
		script=$1
		shift
		wrk -t1 -c"$conns" -d"$DURATION" --latency -s "$script" "$url" \
		    -- "$@" > "$OUT/$name.wrk"
	else
		wrk -t1 -c"$conns" -d"$DURATION" --latency "$url" > "$OUT/$name.wrk"
	fi
	rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.wrk")
	p50=$(awk '$1 == "50%" {print $2}' "$OUT/$name.wrk")
	p99=$(awk '$1 == "99%" {print $2}' "$OUT/$name.wrk")
	errs=$(awk '/Non-2xx/ {print $NF}' "$OUT/$name.wrk")
	echo "$name|$rps|$p50|$p99|${errs:-0}"
}

# start_nginx [PORT [ROOT]]: nginx with WORKERS workers (default one per
# core; no access log) serving ROOT (default $OUT/www) as static files on
# 127.0.0.1:PORT (default NPORT), its pid in $OUT/nginx.pid (the caller's
# cleanup or stop_nginx stops it).
start_nginx() {
	case $OUT in
	/*) o=$OUT ;;
	*) o=$PWD/$OUT ;;
	esac
	mkdir -p "$OUT/tmp" "$OUT/www"
	cat > "$OUT/nginx.conf" <<NGINX
worker_processes ${WORKERS:-$(nproc)};
pid $o/nginx.pid;
error_log $o/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $o/tmp;
	proxy_temp_path $o/tmp;
	fastcgi_temp_path $o/tmp;
	uwsgi_temp_path $o/tmp;
	scgi_temp_path $o/tmp;
	default_type application/json;
	server {
		listen 127.0.0.1:${1:-$NPORT};
		root ${2:-$o/www};
	}
}
NGINX
	nginx -c "$o/nginx.conf"
	sleep 0.5
}

# serve BINARY DB [serve options]: (re)start veche on 127.0.0.1:VPORT with
# THREADS threads and no open data dump at start (minutes of CPU at a
# million reports, in the middle of a measurement), its pid in VPID, and
# wait until it listens (two minutes at most: a big database may migrate
# first).
serve() {
	bin=$1
	db=$2
	shift 2
	[ -n "${VPID:-}" ] && { kill "$VPID"; wait "$VPID" 2>/dev/null || true; }
	"$bin" serve --db "$db" --listen 127.0.0.1:$VPORT --threads "$THREADS" \
	    --data-dir '' "$@" > "$OUT/veche.log" 2>&1 &
	VPID=$!
	for _ in $(seq 600); do
		grep -q listening "$OUT/veche.log" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "bench: veche did not start:" >&2
	cat "$OUT/veche.log" >&2
	exit 1
}

# cleanup: stop the veche and the nginx the bench started.
cleanup() {
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null || true
	[ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
}

stop_nginx() {
	[ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null
	rm -f "$OUT/nginx.pid"
}

# memory PID: "VmRSS MB / VmHWM MB" of a process, from /proc.
memory() {
	awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 }
	    END { printf "%d MB / %d MB\n", r / 1024, h / 1024 }' \
	    "/proc/$1/status"
}
