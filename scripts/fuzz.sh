#!/bin/sh
# Long fuzzing: every target in build-test/tests/fuzz_*, each until
# FUZZ_RUNS executions or FUZZ_SECONDS seconds, whichever comes first, from
# the committed seeds (tests/fuzz/corpus/) into the kept corpus
# (build-test/tests/corpus/<target>).  Prints a progress line per target and
# ends with a Markdown table for docs/testing.md: target, executions,
# seconds, corpus kept, finding.  Exits 1 at the first finding, leaving the
# crashing input in build-test/fuzz-findings/.
#   FUZZ_SECONDS  upper bound per target (default 600)
#   FUZZ_RUNS     executions per target (default 10000000)
#   FUZZ_ONLY     a pattern: only the targets whose name matches
#   FUZZ_TIMEOUT  seconds one input may take (default 10; raise it on a
#                 loaded machine, where a nice run is starved)
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}
runs=${FUZZ_RUNS:-10000000}
only=${FUZZ_ONLY:-}
out=build-test/fuzz-findings
mkdir -p "$out"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
for f in build-test/tests/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	case "$n" in *"$only"*) ;; *) continue ;; esac
	kept=build-test/tests/corpus/$n
	mkdir -p "$kept" "tests/fuzz/corpus/$n"
	echo "== $n: up to $runs runs or ${seconds}s" >&2
	log=$(mktemp)
	start=$(date +%s)
	if "$f" -runs="$runs" -max_total_time="$seconds" \
	    -timeout="${FUZZ_TIMEOUT:-10}" \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/$n-" "$kept" "tests/fuzz/corpus/$n" \
	    >"$log" 2>&1; then
		finding=none
	elif ls "$out/$n-"* >/dev/null 2>&1; then
		finding="see $out"
	else
		# Stopped (a signal, out of memory) with no input to keep.
		finding="stopped: see the lines above"
	fi
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	corpus=$(find "$kept" -type f | wc -l)
	echo "   $n: ${execs:-?} runs in ${took}s, corpus $corpus, finding: $finding" >&2
	printf '| %s | %s | %s | %s | %s |\n' "$n" "${execs:-?}" "$took" \
	    "$corpus" "$finding" >>"$table"
	if [ "$finding" != none ]; then
		tail -n 40 "$log" >&2
		rm -f "$log"
		cat "$table"
		exit 1
	fi
	rm -f "$log"
done
echo "| target | executions | seconds | corpus kept | finding |"
echo "|---|---|---|---|---|"
cat "$table"
