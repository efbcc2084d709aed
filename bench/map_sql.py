#!/usr/bin/env python3
"""
The map's counts by cell and status done in SQL (GROUP BY) on a seeded
database, for comparison with GET /map/clusters.json (docs/performance.md):
    BENCH_DB=path/to/seeded.db python3 bench/map_sql.py
"""
import os, sqlite3, time
db = sqlite3.connect("file:%s?mode=ro" % os.environ.get("BENCH_DB", "bench/out/bench.db"), uri=True)
db.execute("PRAGMA cache_size=-32768"); db.execute("PRAGMA mmap_size=268435456")
now = db.execute("select max(requested) from reports").fetchone()[0]
start = now - 90*86400
z = 10; scale = 2**z * 4
# x grid in SQL; y uses latitude cells (no log() in this SQLite): close enough for timing
sqls = {
 "time index + table rows, GROUP BY": "SELECT CAST((lon+180)/360*? AS INT), CAST((90-lat)/180*? AS INT), status, count(*), avg(lat), avg(lon) FROM reports r WHERE requested >= ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? GROUP BY 1, 2, 3",
 "R*Tree + rows, GROUP BY": "SELECT CAST((lon+180)/360*? AS INT), CAST((90-lat)/180*? AS INT), status, count(*), avg(lat), avg(lon) FROM reports r WHERE requested >= ? AND r.id IN (SELECT id FROM report_geo WHERE min_lat >= ? AND max_lat <= ? AND min_lon >= ? AND max_lon <= ?) GROUP BY 1, 2, 3",
}
for name, sql in sqls.items():
    for box, label in (((57.56, 57.70, 39.75, 40.02), "zoom 10, whole city"), ((57.62, 57.64, 39.87, 39.91), "zoom 13-ish part")):
        ts = []
        for i in range(3):
            t = time.perf_counter(); rows = db.execute(sql, (scale, scale, start) + box).fetchall(); ts.append(time.perf_counter() - t)
        print("%s, %s: %d groups, %.0f ms (best of 3), %.0f ms first" % (name, label, len(rows), min(ts)*1e3, ts[0]*1e3))
