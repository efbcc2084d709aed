#!/bin/sh
# A throw-away PostgreSQL for the tests (docs/scaling.md, docs/testing.md).
#   scripts/pg.sh start DIR   initdb and start a server whose socket and data
#                             live under DIR; print its postgresql:// URL
#                             (also written to DIR/url)
#   scripts/pg.sh stop DIR    stop it and remove DIR
#
# Debian's postgresql-15 binaries (scripts/deps.sh installs them).  initdb
# refuses to run as root: as root the server runs as `nobody` in a folder
# made for it under /tmp (DIR's parents may not be open to nobody), and DIR
# holds a link to it.  Trust authentication, on the folder's unix socket and
# on 127.0.0.1 at a free port; superuser and database both `veche`.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# Run a PostgreSQL program as the server's user.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	if [ ! -x "$PGBIN/initdb" ]; then
		echo "pg.sh: $PGBIN/initdb missing: run scripts/deps.sh" >&2
		exit 1
	fi
	# A server left by an interrupted run: ours by construction.
	if [ -e "$dir/home" ]; then
		"$0" stop "$dir"
	fi
	mkdir -p "$dir"
	home=$(mktemp -d /tmp/veche-pg.XXXXXX)
	ln -sfn "$home" "$dir/home"
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody:nogroup "$home"
	fi
	chmod 700 "$home"
	# A port the kernel just handed out and took back: free unless another
	# program grabs it in the next milliseconds (pg_ctl then fails loudly).
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	as_owner "$PGBIN/initdb" -D "$home/data" -U veche --auth=trust \
	    --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 || {
		cat "$home/initdb.log" >&2
		exit 1
	}
	as_owner "$PGBIN/pg_ctl" -D "$home/data" -l "$home/server.log" -w \
	    -o "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=off" \
	    start >/dev/null || {
		cat "$home/server.log" >&2
		exit 1
	}
	"$PGBIN/createdb" -h "$home" -p "$port" -U veche veche
	url="postgresql://veche@/veche?host=$home&port=$port"
	echo "$url" >"$dir/url"
	echo "$url"
	;;
stop)
	[ -d "$dir" ] || exit 0
	if [ -L "$dir/home" ]; then
		home=$(readlink "$dir/home")
		if [ -d "$home/data" ]; then
			as_owner "$PGBIN/pg_ctl" -D "$home/data" -m immediate -w \
			    stop >/dev/null 2>&1 || true
		fi
		rm -rf "$home"
	fi
	rm -rf "$dir"
	;;
*)
	usage
	;;
esac
