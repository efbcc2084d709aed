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
