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

# start_nginx DIR PORT WORKERS: nginx serving the files under DIR/www on
# 127.0.0.1:PORT (its pid in DIR/nginx.pid, kill it when done).  Used by
# search.sh.
start_nginx() {
	mkdir -p "$1/tmp"
	cat > "$1/nginx.conf" <<NGINX
worker_processes $3;
pid $PWD/$1/nginx.pid;
error_log $PWD/$1/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $PWD/$1/tmp;
	proxy_temp_path $PWD/$1/tmp;
	fastcgi_temp_path $PWD/$1/tmp;
	uwsgi_temp_path $PWD/$1/tmp;
	scgi_temp_path $PWD/$1/tmp;
	default_type application/json;
	server {
		listen 127.0.0.1:$2;
		root $PWD/$1/www;
	}
}
NGINX
	nginx -c "$PWD/$1/nginx.conf"
	sleep 0.5
}
