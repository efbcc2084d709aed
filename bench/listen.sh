#!/bin/sh
# Listening at scale (issue 13): ingest BENCH_POSTS (default 1,000,000)
# generated posts with 1,000 saved queries and time trend reads; see
# bench/listen.py.  Numbers go to docs/performance.md ("Listening").
#
#   nice bench/listen.sh
set -eu
cd "$(dirname "$0")/.."
[ -x "${VECHE:-./build/veche}" ] || make build
exec python3 bench/listen.py
