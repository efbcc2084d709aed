# wrk.sh: sourced by the wrk benchmarks (run.sh, map.sh, render.sh).
# Needs OUT and DURATION set (and WORKERS for start_nginx).
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

# start_nginx PORT: nginx (WORKERS worker processes, no access log)
# serving $OUT/www on 127.0.0.1:PORT as static files, its pid in
# $OUT/nginx.pid (the caller's cleanup stops it).
start_nginx() {
	mkdir -p "$OUT/tmp" "$OUT/www"
	cat > "$OUT/nginx.conf" <<NGINX
worker_processes $WORKERS;
pid $PWD/$OUT/nginx.pid;
error_log $PWD/$OUT/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $PWD/$OUT/tmp;
	proxy_temp_path $PWD/$OUT/tmp;
	fastcgi_temp_path $PWD/$OUT/tmp;
	uwsgi_temp_path $PWD/$OUT/tmp;
	scgi_temp_path $PWD/$OUT/tmp;
	default_type application/json;
	server {
		listen 127.0.0.1:$1;
		root $PWD/$OUT/www;
	}
}
NGINX
	nginx -c "$PWD/$OUT/nginx.conf"
	sleep 0.5
}
