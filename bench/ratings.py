#!/usr/bin/env python3
"""
ratings.py: the ratings' uncached cost on a large city, before and after.

    bench/ratings.py [--reports 100000] [--veche build/veche]
                     [--before OLD/build/veche] [--keep DIR]

Imports the demo city, seeds N reports over the year before the bench's
clock (2026-07-01 12:00 MSK, VECHE_CLOCK) and gives them workflow
histories in SQL, as agencies would (`veche seed` writes status changes
only, no workflow actions, so the ratings would have nothing to count):
5 % forwarded, 95 % registered within 0 to 4 days, 5 % extended, 85 %
answered within 4 to 48 days, 60 % closed, 20 % "is it fixed?", 2 %
reopened; only what falls before the clock.  The database is made once,
with the oldest binary given, and kept in DIR (default
/tmp/veche-bench-ratings) between runs.

Then for each binary (--before, if given, and --veche) it serves a fresh
copy with the response cache off and times, one after another:
/api/v1/ratings.json?period=2026-01..2026-06 three times (the first
computes, the next may read kept months), the default period twice,
/agencies/roads twice, and the six-month period again after a late action
on a March report written in SQL (which clears March alone).  Prints the
times and the query plan of the ratings' read.  Not part of `make test`.
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
CLOCK = 1782896400          # 2026-07-01T12:00:00+03:00
DAY, HOUR = 86400, 3600
PERIOD = "/api/v1/ratings.json?period=2026-01..2026-06"
MARCH = 1772312400          # 2026-03-01T00:00:00+03:00
# Workflow actions (enum wf_action, src/core/workflow.h).
REGISTER, ANSWER, CLOSE, FORWARD, EXTEND, REOPEN, FIXED = 0, 2, 3, 5, 6, \
    7, 8


def run(cmd):
    env = dict(os.environ, VECHE_CLOCK="@%d" % CLOCK)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit("ratings: %s failed:\n%s" % (" ".join(cmd), p.stderr))


def phase(db, action, select):
    """Add one action to the reports select picks: (id, created)."""
    top = db.execute("SELECT coalesce(max(id), 0) FROM report_updates")\
        .fetchone()[0]
    db.execute("INSERT INTO report_updates(report, status, created) "
               "SELECT p.id, r.status, p.t FROM (%s) p JOIN reports r "
               "ON r.id = p.id WHERE p.t < %d ORDER BY p.id" % (select,
                                                                CLOCK))
    db.execute("INSERT INTO workflow_updates(update_id, report, action, "
               "agency) SELECT u.id, u.report, ?, CASE WHEN ? = %d THEN "
               "r.agency END FROM report_updates u JOIN reports r ON "
               "r.id = u.report WHERE u.id > ?" % FORWARD,
               (action, action, top))


def histories(path):
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TEMP TABLE plan(id INTEGER PRIMARY KEY, t0, x, y, z);"
        "INSERT INTO plan SELECT id, requested, abs(random()) % 1000, "
        "abs(random()) % 1000, abs(random()) % 1000 FROM reports;"
        # A forward moves the report before its registration.
        "UPDATE reports SET forwarded_from = agency, agency = CASE WHEN "
        "agency = 'admin' THEN 'roads' ELSE 'admin' END WHERE id IN "
        "(SELECT id FROM plan WHERE x < 50);"
        "UPDATE reports SET fixed = (SELECT y % 2 FROM plan WHERE "
        "plan.id = reports.id) WHERE id IN (SELECT id FROM plan WHERE "
        "z % 5 = 0);")
    phase(db, FORWARD, "SELECT id, t0 + %d AS t FROM plan WHERE x < 50"
          % HOUR)
    phase(db, REGISTER, "SELECT id, t0 + 2 * %d + (y %% 96) * %d AS t "
          "FROM plan WHERE x < 950" % (HOUR, HOUR))
    phase(db, EXTEND, "SELECT id, t0 + 5 * %d AS t FROM plan WHERE x < 950 "
          "AND z < 50" % DAY)
    answered = "x < 950 AND y < 850"
    phase(db, ANSWER, "SELECT id, t0 + (4 + z %% 45) * %d + 3 * %d AS t "
          "FROM plan WHERE %s" % (DAY, HOUR, answered))
    phase(db, CLOSE, "SELECT id, t0 + (5 + z %% 45) * %d AS t FROM plan "
          "WHERE %s AND x < 600" % (DAY, answered))
    phase(db, FIXED, "SELECT id, t0 + (6 + z %% 45) * %d AS t FROM plan "
          "WHERE %s AND z %% 5 = 0" % (DAY, answered))
    phase(db, REOPEN, "SELECT id, t0 + (7 + z %% 45) * %d AS t FROM plan "
          "WHERE %s AND z %% 50 = 1" % (DAY, answered))
    db.commit()
    n = db.execute("SELECT count(*) FROM workflow_updates").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return n


def make(a, binary):
    os.makedirs(a.keep, exist_ok=True)
    base = os.path.join(a.keep, "ratings-%d.db" % a.reports)
    if os.path.exists(base):
        return base
    tmp = base + ".new"
    for f in (tmp, tmp + "-wal", tmp + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    run([binary, "city", "import", "--db", tmp,
         os.path.join(ROOT, "data", "demo", "city.json")])
    t = time.monotonic()
    run([binary, "seed", "--db", tmp, "--reports", str(a.reports),
         "--days", "365"])
    t1 = time.monotonic()
    n = histories(tmp)
    print("seeded %d reports in %.0f s, %d workflow actions in %.0f s" % (
        a.reports, t1 - t, n, time.monotonic() - t1))
    os.rename(tmp, base)
    return base


def get(url, path):
    t = time.monotonic()
    with urllib.request.urlopen(url + path, timeout=600) as r:
        r.read()
        if r.status != 200:
            sys.exit("ratings: %s: %d" % (path, r.status))
    return time.monotonic() - t


def late_action(db_path):
    """An answer to a March report, written as an agency's would be."""
    db = sqlite3.connect(db_path, timeout=60)
    rid = db.execute("SELECT id FROM reports WHERE requested >= ? "
                     "ORDER BY requested LIMIT 1", (MARCH,)).fetchone()[0]
    cur = db.execute("INSERT INTO report_updates(report, status, created) "
                     "SELECT id, status, ? FROM reports WHERE id = ?",
                     (CLOCK - HOUR, rid))
    db.execute("INSERT INTO workflow_updates(update_id, report, action) "
               "VALUES (?, ?, ?)", (cur.lastrowid, rid, ANSWER))
    db.commit()
    db.close()


def measure(name, binary, base):
    db = base + "." + name
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    shutil.copyfile(base, db)
    env = dict(os.environ, VECHE_CLOCK="@%d" % CLOCK)
    p = subprocess.Popen([binary, "serve", "--db", db, "--listen",
                          "127.0.0.1:0", "--no-cache", "--threads", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, env=env)
    url = None
    try:
        for line in p.stdout:
            if "listening on" in line:
                url = line.rsplit(" ", 1)[1].strip().rstrip("/")
                break
        if url is None:
            sys.exit("ratings: %s did not start" % binary)
        rows = []
        for i in range(3):
            rows.append(("period 2026-01..2026-06 #%d" % (i + 1),
                         get(url, PERIOD)))
        for i in range(2):
            rows.append(("default period #%d" % (i + 1),
                         get(url, "/api/v1/ratings.json")))
        for i in range(2):
            rows.append(("/agencies/roads #%d" % (i + 1),
                         get(url, "/agencies/roads")))
        late_action(db)
        rows.append(("period after a late action on March",
                     get(url, PERIOD)))
    finally:
        p.terminate()
        p.wait()
    print("\n%s (%s)" % (name, binary))
    for what, s in rows:
        print("  %-40s %7.3f s" % (what, s))
    return db


def plan(db_path):
    db = sqlite3.connect(db_path)
    # RT_STAYS of src/store/sqlite_ratings.c.
    sql = ("WITH ids(id) AS (SELECT id FROM reports WHERE requested "
           "BETWEEN ?1 AND ?2 UNION SELECT w.report FROM workflow_updates w "
           "WHERE w.action = %d AND (SELECT created FROM report_updates "
           "WHERE id = w.update_id) BETWEEN ?1 AND ?2) SELECT r.id, "
           "r.requested, r.agency, w.update_id, u.created, "
           "coalesce(u.status, r.status), coalesce(w.action, -1), w.agency, "
           "f.from_agency, f.register_due, f.expected, f.fixed, NULL, "
           "r.register_due, r.expected FROM ids JOIN reports r ON r.id = "
           "ids.id LEFT JOIN workflow_updates w ON w.report = r.id LEFT "
           "JOIN report_updates u ON u.id = w.update_id LEFT JOIN "
           "ratings_facts f ON f.update_id = w.update_id ORDER BY r.id, "
           "w.update_id" % FORWARD)
    print("\nquery plan of the ratings' read of one month:")
    for row in db.execute("EXPLAIN QUERY PLAN " + sql, (MARCH,
                                                        MARCH + 31 * DAY)):
        print("  " + row[3])
    db.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=100000)
    ap.add_argument("--veche", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--before", help="the binary to compare with")
    ap.add_argument("--keep", default="/tmp/veche-bench-ratings")
    a = ap.parse_args()
    base = make(a, a.before or a.veche)
    if a.before:
        os.remove(measure("before", a.before, base))
    after = measure("after", a.veche, base)
    plan(after)
    os.remove(after)


if __name__ == "__main__":
    main()
