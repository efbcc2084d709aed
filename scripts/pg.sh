#!/bin/sh
# A throw-away PostgreSQL for the tests (docs/scaling.md, docs/testing.md).
#   scripts/pg.sh start DIR   initdb and start a server whose socket and data
#                             live under DIR; print its postgresql:// URL
#                             (also written to DIR/url)
#   scripts/pg.sh standby DIR PRIMARY_DIR
#                             a hot standby of the server started in
#                             PRIMARY_DIR: pg_basebackup -R, streaming,
#                             read-only queries on its own free port;
#                             print its URL (also written to DIR/url)
#   scripts/pg.sh stop DIR    stop it (either kind) and remove DIR
#   scripts/pg.sh restart DIR fast|immediate
#                             pg_ctl restart -m MODE, as an operator or a
#                             failover would: every session ends (fast: a
#                             farewell to each; immediate: none, and crash
#                             recovery at start); the same port and options
#   scripts/pg.sh halt DIR fast|immediate, scripts/pg.sh resume DIR
#                             the two halves of restart, for an outage of
#                             the test's length
#
# Debian's postgresql-15 binaries (scripts/deps.sh installs them).  initdb
# refuses to run as root: as root the server runs as `nobody` in a folder
# made for it under /tmp (DIR's parents may not be open to nobody), and DIR
# holds a link to it.  Trust authentication, on the folder's unix socket and
# on 127.0.0.1 at a free port; superuser and database both `veche`.
# Every server started here may be replicated: wal_level=replica and WAL
# senders, and initdb's pg_hba.conf lets the replication pseudo-database in
# with the same trust on the socket and loopback (docs/scaling.md, "Read
# replicas").
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

usage() {
	echo "usage: $0 start|stop DIR | standby DIR PRIMARY_DIR |" \
	    "restart|halt DIR fast|immediate | resume DIR" >&2
	exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
if [ "$cmd" = standby ] || [ "$cmd" = restart ] || [ "$cmd" = halt ]; then
	[ $# -eq 3 ] || usage
	primary=$3
else
	[ $# -eq 2 ] || usage
fi

# Run a PostgreSQL program as the server's user.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

# A fresh home for a server under /tmp, linked from DIR/home, owned by the
# server's user; sets home and port (a free one).
make_home() {
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
}

# Start the server in $home/data on $port; print and keep its URL.
run_server() {
	as_owner "$PGBIN/pg_ctl" -D "$home/data" -l "$home/server.log" -w \
	    -o "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=off \
	    -c wal_level=replica -c max_wal_senders=10 -c hot_standby=on" \
	    start >/dev/null || {
		cat "$home/server.log" >&2
		exit 1
	}
}

save_url() {
	url="postgresql://veche@/veche?host=$home&port=$port"
	echo "$url" >"$dir/url"
	echo "$url"
}

case $cmd in
start)
	make_home
	as_owner "$PGBIN/initdb" -D "$home/data" -U veche --auth=trust \
	    --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 || {
		cat "$home/initdb.log" >&2
		exit 1
	}
	run_server
	"$PGBIN/createdb" -h "$home" -p "$port" -U veche veche
	save_url
	;;
standby)
	# The primary's socket folder and port, from the URL start wrote.
	if [ ! -L "$primary/home" ] || [ ! -f "$primary/url" ]; then
		echo "pg.sh: no server started in $primary" >&2
		exit 1
	fi
	phome=$(readlink "$primary/home")
	pport=$(sed -n 's/.*[?&]port=\([0-9]*\).*/\1/p' "$primary/url")
	make_home
	# A copy of the primary streaming its WAL, recovery settings written
	# (-R: standby.signal and primary_conninfo naming the socket).
	as_owner "$PGBIN/pg_basebackup" -h "$phome" -p "$pport" -U veche \
	    -D "$home/data" -R -X stream -c fast >"$home/basebackup.log" \
	    2>&1 || {
		cat "$home/basebackup.log" >&2
		exit 1
	}
	run_server
	save_url
	;;
restart|halt|resume)
	home=$(readlink "$dir/home")
	if [ "$cmd" = resume ]; then
		verb=start
		mode=fast
	else
		verb=$cmd
		mode=$primary
		[ "$cmd" = halt ] && verb=stop
	fi
	case $mode in fast|immediate) ;; *) usage ;; esac
	# restart and start take the last start's options (postmaster.opts):
	# port, socket folder.
	if [ "$verb" = start ]; then
		opts=$(sed -n 's/^[^ ]* //p' "$home/data/postmaster.opts")
		eval "set -- $opts"
		as_owner "$PGBIN/pg_ctl" -D "$home/data" -l "$home/server.log" \
		    -w -o "$*" start >/dev/null
	else
		as_owner "$PGBIN/pg_ctl" -D "$home/data" -l "$home/server.log" \
		    -w -m "$mode" "$verb" >/dev/null
	fi || {
		cat "$home/server.log" >&2
		exit 1
	}
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
