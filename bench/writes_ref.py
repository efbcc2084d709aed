#!/usr/bin/env python3
"""Raw SQLite reference for durable report writes (issue 11).

    bench/writes_ref.py DB [--reports N] [--batch 50]

Inserts N reports into DB (a veche database: a copy, it is written to) the
way veche's POST /open311/v2/requests.json stores one, with no HTTP, no
validation and no C: the rows veche writes per report, in the same tables
with the same indexes and triggers (so the database's size counts alike):

    reports, report_attrs, report_contacts, report_langs, report_geo
    (R*Tree), report_search_keys and the text index (FTS5),
    report_updates, audit_log (the next link of the BLAKE2b hash chain:
    read the last entry, hash, insert), events and the webhook fan-out
    statement (the outbox)

in transactions of --batch reports, WAL with synchronous=FULL (each commit
is on disk), veche's page cache and mmap sizes.  One exception: the text
index's tokenizer (veche_stem, veche's Snowball stemmer in C) cannot be
loaded by Python, so the words go into ref_text, an FTS5 table like
report_text with unicode61 alone, made for the run and dropped after it.
Prints one line: "ref|reports/s|reports|seconds|CPU µs per report".
"""
import argparse
import hashlib
import os
import sqlite3
import time


def feed(h, v):
    """Length-prefixed field, as src/core/audit.c hashes an entry."""
    b = v.encode()
    h.update(f"{len(b)}:".encode())
    h.update(b)
    h.update(b"\n")


def audit_hash(e):
    h = hashlib.blake2b(digest_size=32)
    feed(h, "veche-audit-2")
    for k in ("id", "created", "actor_role", "actor_id", "actor_name",
              "action", "object", "before", "after", "request_id", "prev"):
        feed(h, str(e[k]))
    return h.hexdigest()


def one(db, n, now):
    token = os.urandom(16).hex()
    lat = 57.60 + (n % 1000) / 10000
    lon = 39.85 + (n % 997) / 10000
    desc = f"Яма {n}"
    cur = db.execute(
        "INSERT INTO reports(token, service, agency, status, status_notes,"
        " lat, lon, address, address_id, zipcode, description, requested,"
        " updated, register_due, expected)"
        " VALUES (?, 'pothole', 'roads', 0, NULL, ?, ?, NULL, NULL, NULL,"
        " ?, ?, ?, ?, ?)",
        (token, lat, lon, desc, now, now, now + 3 * 86400,
         now + 30 * 86400))
    rid = cur.lastrowid
    db.execute("INSERT INTO report_attrs(report, ord, code, value)"
               " VALUES (?, 0, 'size', 'small')", (rid,))
    db.execute("INSERT INTO report_contacts(report, first_name, last_name,"
               " email, phone, device_id, account_id)"
               " VALUES (?, NULL, NULL, 'bench@example.org', NULL, NULL,"
               " NULL)", (rid,))
    db.execute("INSERT OR REPLACE INTO report_langs(report, lang)"
               " VALUES (?, 'ru')", (rid,))
    db.execute("INSERT INTO report_geo(id, min_lat, max_lat, min_lon,"
               " max_lon) VALUES (?, ?, ?, ?, ?)", (rid, lat, lat, lon, lon))
    # The text index under the report's key in time order (core
    # migration 6; ST_SEARCH_KEY_PUT in src/store/sqlite_reports.c).
    cur = db.execute("INSERT INTO report_search_keys(key, report)"
                     " SELECT coalesce(max(key) + 1, ?1 << 24), ?2"
                     " FROM report_search_keys WHERE key >= ?1 << 24"
                     " AND key < (?1 + 1) << 24", (now, rid))
    db.execute("INSERT INTO ref_text(rowid, description, address)"
               " VALUES (?, ?, NULL)", (cur.lastrowid, desc))
    db.execute("INSERT INTO report_updates(report, status, description,"
               " media_url, created) VALUES (?, 0, NULL, NULL, ?)",
               (rid, now))
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC"
                      " LIMIT 1").fetchone() or (0, "0" * 64)
    e = {"id": last[0] + 1, "created": now, "actor_role": "api",
         "actor_id": 0, "actor_name": "bench", "action": "report.submit",
         "object": f"report:{rid}", "before": "",
         "after": "status=submitted agency=roads",
         "request_id": os.urandom(8).hex(), "prev": last[1]}
    e["hash"] = audit_hash(e)
    db.execute("INSERT INTO audit_log(id, created, actor_role, actor_id,"
               " actor_name, action, object, before, after, prev, hash,"
               " request_id) VALUES (:id, :created, :actor_role, :actor_id,"
               " :actor_name, :action, :object, :before, :after, :prev,"
               " :hash, :request_id)", e)
    key = os.urandom(16).hex()
    payload = (
        f'{{"id": "{key}", "event": "report.created", "created": '
        f'"2026-06-15T10:00:00+03:00", "report": {{"service_request_id": '
        f'{rid}, "service_code": "pothole", "agency": "roads", "status": '
        f'"submitted", "lat": {lat}, "long": {lon}, "description": '
        f'"{desc}", "requested_datetime": "2026-06-15T10:00:00+03:00", '
        f'"attributes": {{"size": "small"}}}}}}')
    cur = db.execute("INSERT INTO events(type, report, agency, detail,"
                     " payload, key, created) VALUES ('report.created', ?,"
                     " 'roads', NULL, ?, ?, ?)", (rid, payload, key, now))
    db.execute("INSERT INTO deliveries(event, channel, subscription, state,"
               " next_attempt, updated) SELECT ?1, 0, id, 0, ?2, ?2 FROM"
               " subscriptions WHERE (agency IS NULL OR agency = ?3) AND"
               " (events IS NULL OR instr(',' || events || ',', ',' || ?4"
               " || ',') > 0)", (cur.lastrowid, now * 1000, "roads",
                                 "report.created"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--reports", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=50)
    a = ap.parse_args()
    db = sqlite3.connect(a.db, isolation_level=None)
    for p in ("journal_mode = WAL", "synchronous = FULL",
              "cache_size = -32768", "mmap_size = 268435456",
              "foreign_keys = ON", "secure_delete = ON"):
        db.execute("PRAGMA " + p)
    db.execute("DROP TABLE IF EXISTS ref_text")
    db.execute("CREATE VIRTUAL TABLE ref_text USING fts5(description,"
               " address, content='', tokenize='unicode61"
               " remove_diacritics 2')")
    t0 = time.monotonic()
    c0 = time.process_time()
    n = 0
    while n < a.reports:
        db.execute("BEGIN IMMEDIATE")
        for _ in range(min(a.batch, a.reports - n)):
            # Now, as the server's clock: no deadline of these has passed,
            # so they add no notices to a later server's deadline scan.
            one(db, n, int(time.time()))
            n += 1
        db.execute("COMMIT")
    dt = time.monotonic() - t0
    cpu = time.process_time() - c0
    db.execute("DROP TABLE ref_text")
    print(f"ref|{n / dt:.0f}|{n}|{dt:.2f}|{cpu * 1e6 / n:.0f}")


if __name__ == "__main__":
    main()
