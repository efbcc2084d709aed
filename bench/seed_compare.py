#!/usr/bin/env python3
"""
Compare two seeded databases (issue 11): the same `veche seed --seed S` at
the same VECHE_CLOCK by two binaries must give the same rows.  For every
ordinary table (the R*Tree's and FTS5's own tables included, their virtual
tables not: those are read through them): the row count and an MD5 of its
rows in key order.  An R*Tree is compared by its rows (id and box, read
through it), not its own tables: a bulk load packs the tree whole
(src/store/rtree_pack.h), in another shape than insertions one by one
give, with the same rows.  The random columns are left out: reports.token,
events.key, and the event id inside events.payload (which is that key).

    bench/seed_compare.py old.db new.db    (exit 1 if any table differs)
"""
import hashlib
import sqlite3
import sys

RANDOM = {("reports", "token"), ("events", "key")}


def table_sums(path):
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = {}
    tables = c.execute("SELECT name, sql FROM sqlite_master WHERE "
                       "type = 'table' ORDER BY name").fetchall()
    rtrees = [n for n, sql in tables if "USING RTREE" in sql.upper()]
    shadow = {"%s_%s" % (n, s) for n in rtrees
              for s in ("node", "rowid", "parent")}
    for name in rtrees:
        h, n = hashlib.md5(), 0
        for r in c.execute('SELECT * FROM "%s" ORDER BY 1' % name):
            h.update(repr(r).encode())
            n += 1
        out[name + " (rows)"] = (n, h.hexdigest())
    for name, sql in tables:
        if sql.upper().startswith("CREATE VIRTUAL") or name in shadow:
            continue
        cols = [r[1] for r in c.execute('PRAGMA table_info("%s")' % name)]
        keep = [i for i, col in enumerate(cols) if (name, col) not in RANDOM]
        order = ", ".join(str(i + 1) for i in range(min(len(cols), 2)))
        h, n = hashlib.md5(), 0
        rows = c.execute('SELECT * FROM "%s" ORDER BY %s' % (name, order))
        for r in rows:
            r = [r[i] for i in keep]
            if name == "events":
                # {"id":"<key>", ...: the key is random.
                p = cols.index("payload")
                r[p] = r[p][r[p].index(",") :]
            h.update(repr(r).encode())
            n += 1
        out[name] = (n, h.hexdigest())
    schema = sorted(c.execute("SELECT type, name, tbl_name, sql FROM "
                              "sqlite_master"))
    out["(schema)"] = (len(schema), hashlib.md5(repr(schema).encode())
                       .hexdigest())
    return out


def main():
    a, b = table_sums(sys.argv[1]), table_sums(sys.argv[2])
    bad = 0
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            print("differs: %s %s %s" % (name, a.get(name), b.get(name)))
            bad += 1
    rows = sum(v[0] for v in a.values())
    print("%d tables, %d rows: %s" % (len(a), rows,
          "the same" if not bad else "%d differ" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
