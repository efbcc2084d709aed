#!/usr/bin/env python3
"""
dump_rss.py: the open data dump's peak memory on a large city.

    bench/dump_rss.py [--reports 1000000] [--veche build/veche] [--keep DIR]

Imports the demo city and seeds N reports (veche seed, once: the database
is kept in DIR, default bench/out/dump, between runs), then runs
`veche dump` and reports its wall time, peak resident set size (the
kernel's ru_maxrss of the child) and the files written.  Exits 1 when the
peak is at or above the limit (64 MiB, docs/opendata.md): the dump is
written streaming, so memory must not grow with the number of reports.
Not part of `make test` at 1,000,000 (it takes minutes); the API tests dump
a small city.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
LIMIT_MIB = 64


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("dump_rss: %s failed:\n%s" % (" ".join(cmd), p.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=1000000)
    ap.add_argument("--veche", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--keep", default=os.path.join(ROOT, "bench", "out",
                                                   "dump"))
    a = ap.parse_args()
    os.makedirs(a.keep, exist_ok=True)
    db = os.path.join(a.keep, "dump-%d.db" % a.reports)
    if not os.path.exists(db):
        run([a.veche, "city", "import", "--db", db,
             os.path.join(ROOT, "data", "demo", "city.json")])
        t = time.monotonic()
        run([a.veche, "seed", "--db", db, "--reports", str(a.reports),
             "--days", "365"])
        print("seeded %d reports in %.0f s" % (a.reports,
                                              time.monotonic() - t))
    out = os.path.join(a.keep, "out")
    shutil.rmtree(out, ignore_errors=True)
    t = time.monotonic()
    # wait4: the peak of this child alone, not of the seeding before it.
    p = subprocess.Popen([a.veche, "dump", "--db", db, "--out", out])
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t
    if p.returncode != 0:
        sys.exit("dump_rss: veche dump exited %d" % p.returncode)
    peak_kib = usage.ru_maxrss
    total = 0
    for name in sorted(os.listdir(out)):
        size = os.path.getsize(os.path.join(out, name))
        total += size
        print("  %-18s %12d bytes" % (name, size))
    print("reports: %d  dump: %.1f s  files: %.1f MiB  peak RSS: %.1f MiB "
          "(limit %d MiB)" % (a.reports, wall, total / 1048576.0,
                              peak_kib / 1024.0, LIMIT_MIB))
    return 0 if peak_kib < LIMIT_MIB * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
