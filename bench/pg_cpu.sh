# Sourced by bench/migrate.sh and bench/seed_pg.sh: pg_cpu prints the CPU
# ticks of the scripts/pg.sh server in $PGDIR so far (its postmaster's and
# its children's utime + stime, exited children included, from /proc).
DATA=$(readlink -f "$PGDIR/home")/data
[ -d "$DATA" ] || DATA=$(dirname "$(readlink -f "$PGDIR/url")")/data
PM=$(sed -n 1p "$DATA/postmaster.pid" 2>/dev/null || echo "")

pg_cpu() {
	s=0
	[ -n "$PM" ] || { echo 0; return; }
	for p in $PM $(ps -o pid= --ppid "$PM"); do
		[ -r "/proc/$p/stat" ] &&
		    s=$((s + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
	done
	echo "$s"
}
