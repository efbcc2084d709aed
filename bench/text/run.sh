#!/bin/sh
# bench/text/run.sh: the text engine against fastText, and its speed.
#
#   make bench-text            (builds build/veche, then runs this)
#   bench/text/run.sh          with build/veche already built
#
# Environment: VECHE_BIN (default build/veche), SHARED_DIR (default
# ../shared), POSTS (1000000), QUERIES (1000), SPEED_TEXTS (200000),
# AUTOTUNE_SECONDS (120; 0 skips fastText's autotune).
# Writes bench/out/text/results.md and prints it; docs/performance.md
# carries the numbers of the last recorded run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VECHE_BIN:-$root/build/veche}
if [ ! -x "$bin" ]; then
	echo "bench-text: $bin is missing: run make bench-text (or build veche)" >&2
	exit 1
fi
if ! command -v fasttext >/dev/null 2>&1; then
	echo "bench-text: fasttext is missing: scripts/deps.sh bench installs it" >&2
	exit 1
fi
export VECHE_DATADIR="$root/data"
exec python3 "$root/bench/text/bench.py" --bin "$bin" \
    --shared "${SHARED_DIR:-$root/../shared}" --out "$root/bench/out/text"
