#!/bin/sh
# Install the Debian 12 packages veche needs to build and test, skipping those
# already present.  Used by both `make run` and `make test`.  PostgreSQL 15
# (server and PostGIS) is only started by the tests, in a throw-away folder
# (scripts/pg.sh); nothing here enables the system's own cluster.
#   scripts/deps.sh          build and test dependencies
#   scripts/deps.sh bench    also the benchmark tools (wrk, nginx, fasttext,
#                            scikit-learn for bench/text/compare.py) and
#                            faketime (the suites under another date by
#                            hand, docs/testing.md)
set -eu

pkgs="build-essential cmake pkg-config clang libclang-rt-14-dev
libmicrohttpd-dev libjansson-dev libxml2-dev libsqlite3-dev libpq-dev
libsodium-dev libcurl4-openssl-dev postgresql-15 postgresql-15-postgis-3 libstemmer-dev libutf8proc-dev
liblinear-dev libgeos-dev libcmocka-dev libvips-dev libseccomp-dev python3
python3-aiosmtpd prometheus
curl chromium fonts-dejavu-core"
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs wrk nginx-light fasttext python3-sklearn faketime"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

# The web front end's npm packages (package-lock.json), and their browser
# files copied to web/vendor/ (scripts/vendor.mjs).
web_deps() {
	cd "$(dirname "$0")/.."
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
		if [ -f package-lock.json ]; then
			npm ci --no-audit --no-fund
		else
			npm install --no-audit --no-fund
		fi
	fi
	node scripts/vendor.mjs
}

# Node.js and npm by command: a machine may have them from elsewhere
# (NodeSource's nodejs carries its own npm and conflicts with Debian's).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	web_deps
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
web_deps
