"""
`veche seed` loads reports in bulk (src/store/store_bulk.h: search,
spatial and secondary indexes made once at the end).  A seeded database
must be the kind the server makes one report at a time: every report
routed, with its history, audit entry, outbox event, search and spatial
entries, the schema's every index, the audit chain intact; a seeded
report is found through Open311 by id, by area and by words, routed as a
report posted now at the same place is.  Also when seeding into a
database that already holds more reports than the load (the indexes are
then kept) while the server runs.
"""
import datetime as dt
import os
import subprocess
import tempfile
import unittest

from harness import (PG, TEST_ENV, VECHE_BIN, Server, ServerTestCase,
                     new_database, sql_rows, sqlite_only)

DAY = dt.timedelta(days=1)


def w3c(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def indexes(db):
    """Name and SQL of every index and trigger the schema made."""
    if PG:
        q = ("SELECT 'index', indexname, indexdef FROM pg_indexes WHERE "
             "schemaname = current_schema() UNION ALL SELECT 'trigger', "
             "tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT "
             "tgisinternal")
    else:
        q = ("SELECT type, name, sql FROM sqlite_master WHERE type IN "
             "('index', 'trigger') AND sql IS NOT NULL")
    return sorted(sql_rows(db, q))


# report_text's own rows, the words of each report under its key (on
# SQLite its tokenizer is veche's, so only its shadow tables can be read
# from here, and they hold core migration 8's day marks too: the last
# place of a second).
TEXT_ROWS = ("SELECT rowid AS id FROM report_text" if PG else
             "SELECT id FROM report_text_docsize "
             "WHERE id & 16777215 != 16777215")


class SeedChecks:
    """What every seeded database must show."""

    def value(self, query, params=()):
        return self.server.sql_value(query, params)

    def test_every_report_has_all_its_rows(self):
        n = self.value("SELECT count(*) FROM reports")
        self.assertGreaterEqual(n, self.seed_reports)
        counts = {
            "routed": "SELECT count(*) FROM reports WHERE agency IS NOT "
            "NULL AND register_due IS NOT NULL AND expected IS NOT NULL",
            "spatial": "SELECT count(*) FROM report_geo",
            # The text index's rows and the keys that map them to
            # reports, one each.
            "search": "SELECT count(*) FROM (%s) t" % TEXT_ROWS,
            "search keys": "SELECT count(DISTINCT report) FROM "
            "report_search_keys",
            "first history": "SELECT count(DISTINCT report) FROM "
            "report_updates WHERE status = 0",
            "audit": "SELECT count(*) FROM audit_log WHERE action = "
            "'report.submit'",
            "outbox": "SELECT count(*) FROM events WHERE type = "
            "'report.created'",
            "language": "SELECT count(*) FROM report_langs",
        }
        for what, sql in counts.items():
            self.assertEqual(self.value(sql), n, what)
        # The spatial index holds each report's own point.
        self.assertEqual(self.value(
            "SELECT count(*) FROM reports r JOIN report_geo g ON g.id = r.id "
            "WHERE g.min_lat <= r.lat AND g.max_lat >= r.lat AND "
            "g.min_lon <= r.lon AND g.max_lon >= r.lon"), n)
        # Every text row sits under its report's key.
        self.assertEqual(self.value(
            "SELECT count(*) FROM (%s) d JOIN report_search_keys k "
            "ON k.key = d.id" % TEXT_ROWS), n)

    def test_status_is_the_last_history_entry(self):
        # A fresh load writes each report once, in its final status, and
        # its history, events and audit entries beside: the report says
        # what its last history entry says, and the ids run on unbroken.
        self.assertEqual(self.value(
            "SELECT count(*) FROM reports r JOIN report_updates u ON u.id = "
            "(SELECT max(id) FROM report_updates WHERE report = r.id) "
            "WHERE u.status != r.status OR u.created != r.updated OR "
            "coalesce(u.description, '') != coalesce(r.status_notes, '')"),
            0)
        self.assertGreater(self.value(
            "SELECT count(*) FROM reports WHERE status != 0"), 0)
        for table in ("reports", "report_updates", "events", "audit_log"):
            self.assertEqual(self.value(
                "SELECT max(id) - min(id) + 1 - count(*) FROM %s" % table),
                0, table)

    @sqlite_only("the file's integrity and R*Tree checks, and the side "
                 "files a fresh load builds its indexes in")
    def test_file_whole_and_side_files_gone(self):
        self.assertEqual(self.value("PRAGMA integrity_check"), "ok")
        # A fresh load's R*Tree and text index are built on threads into
        # files of their own and copied in: the tree is whole, the files
        # gone.
        self.assertEqual(self.value("SELECT rtreecheck('report_geo')"), "ok")
        for side in ("-bulkgeo", "-bulktext", "-bulkside"):
            self.assertFalse(os.path.exists(self.server.db + side))
        # A fresh load's loop ran without a journal, marked by a setting
        # until the end: the mark is gone, the file in WAL again.
        self.assertEqual(self.value(
            "SELECT count(*) FROM settings WHERE key = "
            "'bulk_load_unfinished'"), 0)
        self.assertEqual(self.value("PRAGMA journal_mode"), "wal")

    def test_schema_is_a_fresh_databases(self):
        with tempfile.TemporaryDirectory() as d:
            fresh = new_database(d, "fresh.db")
            p = subprocess.run([VECHE_BIN, "city", "import", "--db", fresh,
                                self.server.city_path], capture_output=True,
                               env=TEST_ENV, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(indexes(self.server.db), indexes(fresh))

    def test_audit_chain_verifies(self):
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)
        self.assertIn("chain intact", out)

    def last_report(self):
        return self.server.sql(
            "SELECT id, service, agency, lat, lon, description, requested "
            "FROM reports ORDER BY id DESC LIMIT 1")[0]

    def test_seeded_report_through_open311(self):
        rid, service, agency, lat, lon, text, requested = self.last_report()
        got = self.by_id(rid)
        self.assertEqual(got["service_code"], service)
        self.assertEqual(got["agency_responsible"], agency)
        self.assertAlmostEqual(got["lat"], lat, places=5)
        self.assertAlmostEqual(got["long"], lon, places=5)
        # Routed as a report posted now at the same place and service is.
        fields = {"service_code": service, "lat": "%.6f" % lat,
                  "long": "%.6f" % lon, "description": "Проверка маршрута"}
        r = self.post("requests.json", fields)
        if r.status == 400 and "attribute" in r.text():
            # The service asks for an attribute: give the seeded one.
            for code, value in self.server.sql(
                    "SELECT code, value FROM report_attrs WHERE report = ?",
                    (rid,)):
                fields["attribute[%s]" % code] = value
            r = self.post("requests.json", fields)
        self.assertEqual(r.status, 201, r)
        new = self.by_id(int(r.json()[0]["service_request_id"]))
        self.assertEqual(new["agency_responsible"], agency)

    def test_seeded_report_found_by_area_and_words(self):
        rid, _, _, lat, lon, text, requested = self.last_report()
        since = w3c(dt.datetime.fromtimestamp(requested, dt.timezone.utc) -
                    DAY)
        box = "%.6f,%.6f,%.6f,%.6f" % (lon - 0.0005, lat - 0.0005,
                                       lon + 0.0005, lat + 0.0005)
        word = max(text.split(), key=len).strip(".,«»")
        for params in ({"bbox": box}, {"bbox": box, "q": word}):
            params.update(start_date=since, page_size=100)
            ids = self.ids(params)
            self.assertIn(rid, ids, params)
        ids = self.ids({"bbox": box, "q": "несуществующееслово",
                        "start_date": since})
        self.assertNotIn(rid, ids)

    def test_a_word_finds_exactly_the_reports_that_hold_it(self):
        # Each report's text sits under its own report's key (a fresh
        # load builds the text index from memory, ranking each second's
        # reports itself): a word finds every report of the window whose
        # description holds it, and no other.
        last = self.value("SELECT max(requested) FROM reports")
        end = dt.datetime.fromtimestamp(last, dt.timezone.utc)
        start = end - 89 * DAY
        want = sorted(r[0] for r in self.server.sql(
            "SELECT id FROM reports WHERE description LIKE ? AND "
            "requested BETWEEN ? AND ?",
            ("%граффити%", int(start.timestamp()), last)))
        self.assertGreater(len(want), 10)
        got = self.ids({"q": "граффити", "start_date": w3c(start),
                        "end_date": w3c(end), "page_size": 1000})
        self.assertEqual(sorted(got), want)
        self.assertEqual(len(got), len(set(got)))



class TestSeedFresh(SeedChecks, ServerTestCase):
    """Seeded into a fresh database: the indexes were dropped and made."""

    seed_reports = 1500


class TestSeedAgain(SeedChecks, ServerTestCase):
    """Seeded a second time, fewer than there are, while serving."""

    seed_reports = 400

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = subprocess.run([VECHE_BIN, "seed", "--db", cls.server.db,
                            "--reports", "150", "--days", "30", "--seed",
                            "9"], capture_output=True, timeout=120,
                           env=cls.server.env)
        cls.seed_rc = p.returncode
        cls.seed_output = p.stderr.decode("utf-8")

    def test_second_load_counted(self):
        self.assertEqual(self.seed_rc, 0, self.seed_output)
        self.assertEqual(self.value("SELECT count(*) FROM reports"), 550)

    def test_progress_is_shown(self):
        # A long command says how far it is: done, rate, and at the end
        # how long it took.
        self.assertRegex(self.seed_output, r"seeding reports: 150 of 150 "
                         r"\(100%\), \d+ a second, \d+ s so far")
        self.assertRegex(self.seed_output,
                         r"seeded 150 reports in \d+\.\d s")


class TestSeedCrash(unittest.TestCase):
    """A fresh load killed part-way leaves a database that says so."""

    @sqlite_only("a fresh SQLite file's load runs without a journal")
    def test_killed_load_is_refused_after(self):
        server = Server()
        self.addCleanup(server.tmp.cleanup)
        seed = subprocess.Popen(
            [VECHE_BIN, "seed", "--db", server.db, "--reports", "5000000",
             "--days", "30"], stderr=subprocess.PIPE, env=server.env)
        self.addCleanup(seed.stderr.close)
        # Killed inside its loop: after its first progress line.
        for line in seed.stderr:
            if b"seeding reports:" in line:
                break
        seed.kill()
        self.assertEqual(seed.wait(timeout=60), -9)
        self.assertEqual(sql_rows(
            server.db, "SELECT count(*) FROM settings WHERE key = "
            "'bulk_load_unfinished'"), [(1,)])
        p = subprocess.run([VECHE_BIN, "seed", "--db", server.db,
                            "--reports", "10", "--days", "30"],
                           capture_output=True, timeout=120, env=server.env)
        self.assertEqual(p.returncode, 1, p.stderr)
        err = p.stderr.decode("utf-8")
        self.assertIn("did not finish", err)
        self.assertIn("seed into a new file", err)


if __name__ == "__main__":
    unittest.main()
