# wrk.sh: sourced by the wrk benchmarks (run.sh, map.sh).  Needs OUT and
# DURATION set.
#
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

# --- How cost grows (bench/scale.sh) ---
#
# start_nginx DIR PORT: nginx (BENCH_WORKERS or one per core, no access
# log) serving DIR's files on 127.0.0.1:PORT, its pid file, logs and
# temporary files in $OUT; stop it with stop_nginx.
start_nginx() {
	case $OUT in
	/*) o=$OUT ;;
	*) o=$PWD/$OUT ;;
	esac
	cat > "$OUT/nginx.conf" <<NGINX
worker_processes ${BENCH_WORKERS:-$(nproc)};
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
		listen 127.0.0.1:$2;
		root $1;
	}
}
NGINX
	mkdir -p "$OUT/tmp"
	nginx -c "$o/nginx.conf"
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
