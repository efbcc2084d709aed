#!/bin/sh
# Uncached list rendering (issue 11): Open311 lists and the RSS feed
# rendered anew on every request (`veche serve --no-cache`), the binary
# before (VECHE_BASE, e.g. main's) and after (VECHE) side by side with
# nginx serving each answer as a static file, all in one run.
#
#   BENCH_DB=/path/copy.db VECHE_BASE=/path/main/build/veche bench/render.sh
#
# BENCH_DB: a seeded database that may be written to (migrations,
# deadline scans): a copy, never a shared original.  VECHE (default
# ./build/veche, the release build) and VECHE_BASE (optional: without it
# only VECHE is measured).  Workloads, each with wrk -t1 -cBENCH_CONNS:
#   bbox      requests.json?bbox=...&page=1..3&page_size=50, a random
#             0.01 x 0.006 degree box in the city (bench/bbox.lua)
#   open      requests.json?status=open&page_size=50
#   open.xml  the same in XML
#   updated   requests.json?updated_after=<2 days ago>&page_size=50 (a
#             FixMyStreet-style poll)
#   rss       /rss (the newest reports)
#   fms       servicerequestupdates.xml?start_date=<6 hours ago> (the
#             update poll of FixMyStreet's Open311 client)
# Before measuring, the answers of both binaries to the fixed URLs (and
# to three bbox pages) are compared byte for byte and the result printed.
# Prints a Markdown table for docs/performance.md, the load average and
# the servers' resident memory.
set -eu
cd "$(dirname "$0")/.."

DB=${BENCH_DB:?set BENCH_DB to a seeded database you may write to}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-32}
THREADS=${BENCH_THREADS:-8}
WORKERS=${BENCH_WORKERS:-$(nproc)}
VPORT=${BENCH_PORT:-18100}
NPORT=$((VPORT + 1))
OUT=bench/out/render
VECHE=${VECHE:-./build/veche}
BASE=${VECHE_BASE:-}
BOX="39.75 57.56 40.02 57.70"

mkdir -p "$OUT/www" "$OUT/tmp" "$OUT/cmp"
for b in "$VECHE" ${BASE:+"$BASE"}; do
	[ -x "$b" ] || { echo "bench: $b is not a built veche" >&2; exit 1; }
done
for t in wrk nginx curl; do
	command -v $t >/dev/null ||
	    { echo "bench: $t missing: scripts/deps.sh bench" >&2; exit 1; }
done

# start BINARY: (re)start veche --no-cache on VPORT (wrk.sh's serve).
start() {
	serve "$1" "$DB" --no-cache
}

V=http://127.0.0.1:$VPORT
SINCE=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
P=/open311/v2/requests
OPEN="$P.json?status=open&page_size=50"
OPENX="$P.xml?status=open&page_size=50"
UPD="$P.json?updated_after=$SINCE&page_size=50"
RSS="/rss"
FMS="/open311/v2/servicerequestupdates.xml?start_date=$(date -u -d '-6 hours' +%Y-%m-%dT%H:%M:%SZ)"
BBOXES="bbox=39.880,57.625,39.890,57.631&page=1 bbox=39.950,57.600,39.960,57.606&page=2 bbox=39.800,57.680,39.810,57.686&page=3"

# save BINARY DIR: every compared answer of BINARY into DIR.
save() {
	start "$1"
	mkdir -p "$2"
	curl -sf "$V$OPEN" > "$2/open.json"
	curl -sf "$V$OPENX" > "$2/open.xml"
	curl -sf "$V$UPD" > "$2/updated.json"
	curl -sf "$V$RSS" > "$2/rss.xml"
	curl -sf "$V$FMS" > "$2/fms.xml"
	curl -sf "$V$P.json?service_request_id=1,2,3&extensions=true" \
	    > "$2/ids-ext.json"
	curl -sf "$V$P.xml?service_request_id=1,2,3&extensions=true" \
	    > "$2/ids-ext.xml"
	i=0
	for q in $BBOXES; do
		i=$((i + 1))
		curl -sf "$V$P.json?$q&page_size=50" > "$2/bbox$i.json"
		curl -sf "$V$P.xml?$q&page_size=50" > "$2/bbox$i.xml"
	done
}

save "$VECHE" "$OUT/cmp/after"
cp "$OUT/cmp/after/open.json" "$OUT/cmp/after/open.xml" \
    "$OUT/cmp/after/updated.json" "$OUT/cmp/after/rss.xml" \
    "$OUT/cmp/after/fms.xml" \
    "$OUT/cmp/after/bbox1.json" "$OUT/www/"
if [ -n "$BASE" ]; then
	save "$BASE" "$OUT/cmp/before"
	if diff -r "$OUT/cmp/before" "$OUT/cmp/after" > "$OUT/cmp.diff"; then
		echo "bench: before and after answer the compared URLs with the same bytes ($(ls "$OUT/cmp/after" | wc -l) answers)"
	else
		echo "bench: before and after DIFFER: see $OUT/cmp.diff"
	fi
fi

. bench/wrk.sh
trap cleanup EXIT INT TERM
start_nginx "$NPORT"


# measure TAG: every workload against the running veche, as TAG_*.
measure() {
	run_wrk "$1_bbox" "$CONNS" "$V" bench/bbox.lua $BOX
	run_wrk "$1_open" "$CONNS" "$V$OPEN"
	run_wrk "$1_openxml" "$CONNS" "$V$OPENX"
	run_wrk "$1_updated" "$CONNS" "$V$UPD"
	run_wrk "$1_rss" "$CONNS" "$V$RSS"
	run_wrk "$1_fms" "$CONNS" "$V$FMS"
}

echo "bench: wrk -t1 -c$CONNS -d$DURATION, veche --threads $THREADS --no-cache, nginx workers $WORKERS; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$OUT/results.txt"
# shellcheck disable=SC2129
{
	run_wrk nginx_bbox "$CONNS" "http://127.0.0.1:$NPORT/bbox1.json"
	run_wrk nginx_open "$CONNS" "http://127.0.0.1:$NPORT/open.json"
	run_wrk nginx_openxml "$CONNS" "http://127.0.0.1:$NPORT/open.xml"
	run_wrk nginx_updated "$CONNS" "http://127.0.0.1:$NPORT/updated.json"
	run_wrk nginx_rss "$CONNS" "http://127.0.0.1:$NPORT/rss.xml"
	run_wrk nginx_fms "$CONNS" "http://127.0.0.1:$NPORT/fms.xml"
} >> "$OUT/results.txt"
rss_before=
if [ -n "$BASE" ]; then
	start "$BASE"
	measure before >> "$OUT/results.txt"
	rss_before=$(awk '/VmRSS/ {print $2}' /proc/$VPID/status)
fi
start "$VECHE"
measure after >> "$OUT/results.txt"
rss_after=$(awk '/VmRSS/ {print $2}' /proc/$VPID/status)
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg)"

awk -F'|' -v conns="$CONNS" '
	{ rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 }
	END {
		print "| workload (" conns " connections) | nginx, static | nginx p50 / p99 | before | before p50 / p99 | after | after p50 / p99 | after / nginx | non-2xx |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		n = split("bbox open openxml updated rss fms", t, " ")
		for (i = 1; i <= n; i++) {
			w = t[i]; b = "before_" w; a = "after_" w
			printf "| %s | %s | %s / %s | %s | %s / %s | %s | %s / %s | %.2f | %s |\n",
			    w, rps["nginx_" w], p50["nginx_" w], p99["nginx_" w],
			    (b in rps) ? rps[b] : "-",
			    (b in rps) ? p50[b] : "-", (b in rps) ? p99[b] : "-",
			    rps[a], p50[a], p99[a], rps[a] / rps["nginx_" w],
			    err[a] + ((b in err) ? err[b] : 0)
		}
	}' "$OUT/results.txt" | tee "$OUT/results.md"
echo "bench: resident memory after the runs: ${rss_before:+before $((rss_before / 1024)) MB, }after $((rss_after / 1024)) MB"
echo "bench: answer sizes: $(cd "$OUT/www" && for f in *; do printf '%s %s B; ' "$f" "$(wc -c < "$f")"; done)"
