#!/bin/sh
# Snapshot what veche shows a client, for refactors that must not change it
# (issue 10: "the Open311 and web outputs are byte-identical for the demo
# city").  Starts BIN with the demo city at a fixed clock, fetches the
# public Open311 and web pages, and writes each body to OUT/ with the
# per-run random parts (CSRF tokens, request ids) blanked.
#   scripts/snapshot.sh BIN OUT
# Compare two snapshots with: diff -r OUT1 OUT2
set -eu
bin=$1
out=$2
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$out"
VECHE_CLOCK=2026-06-15T10:00:00+03:00 "$bin" serve --db "$tmp/veche.db" \
    --listen 127.0.0.1:0 --demo --tiles none >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
i=0
until grep -q 'listening on' "$tmp/stdout" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "snapshot: veche did not start:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	fi
	sleep 0.1
done
base=$(sed -n 's#^veche: listening on \(http://[^/]*\)/$#\1#p' "$tmp/stdout")
n=0
while read -r name path; do
	[ -n "$name" ] || continue
	curl -s -D "$tmp/h" -o "$out/$name" "$base$path"
	# Status and content type belong to the output; the rest of the
	# headers (dates, ids, cookies) do not.
	grep -i '^HTTP/\|^content-type:' "$tmp/h" | tr -d '\r' >"$out/$name.head"
	sed -i -E "s#$base#BASE#g" "$out/$name"
	sed -i -E 's/data-now="[0-9]+"/data-now="N"/g; s/(csrf[^"=]*"? *(value|content)?=?")[0-9a-f]{20,}/\1X/g; s/("csrf":")[0-9a-f]+/\1X/g' "$out/$name"
	n=$((n + 1))
done <<'URLS'
discovery.xml /open311/v2/discovery.xml
discovery.json /open311/v2/discovery.json
services.json /open311/v2/services.json
services.xml /open311/v2/services.xml
service.json /open311/v2/services/pothole.json
requests.json /open311/v2/requests.json
requests.xml /open311/v2/requests.xml?status=open&page_size=50
requests-ext.json /open311/v2/requests.json?extensions=true&page=2&page_size=20
requests-bbox.json /open311/v2/requests.json?bbox=39.80,57.60,39.95,57.66
requests-q.json /open311/v2/requests.json?q=%D1%8F%D0%BC%D0%B0
request-1.json /open311/v2/requests/1.json
request-1.xml /open311/v2/requests/1.xml
updates.json /open311/v2/servicerequestupdates.json
error-404.json /open311/v2/requests/999999.json
error-400.xml /open311/v2/requests.xml?start_date=yesterday
map.html /
reports.html /reports
reports-p2.html /reports?page=2&status=open
report-1.html /reports/1
report-2.html /reports/2
new.html /new
login.html /login
rss.xml /rss
addresses.json /api/v1/addresses?q=%D0%BB%D0%B5%D0%BD
URLS
echo "snapshot: $n responses in $out" >&2
