"""
`veche migrate --from FILE --to URL` (docs/scaling.md, "veche migrate") on a
small seeded database, into a database of its own on the PostgreSQL the
ctest fixture starts (scripts/pg.sh; its folder in VECHE_PG_DIR).

Until every module is on PostgreSQL the command copies what the target's
schema holds and exits 1 naming, one line each, exactly the tables it left
behind and their modules (the set computed here from sqlite3 and psql);
once the target's schema holds every table, it exits 0 with no such line
and the audit chain verified on the target.  Either way the tables it
copied hold as many rows on both sides (counted here, not by veche), the
printed table says the same, and a second run into the now non-empty
target is refused untouched.
"""
import os
import re
import sqlite3
import subprocess
import unittest

from harness import VECHE_BIN, Server, pg_fixture_url, sqlite_only
from harness import psql as harness_psql

DB_NAME = "veche_migrate_api"


def psql(url, sql):
    return harness_psql(url, sql + ";\n").strip()


def sqlite_tables(path):
    """The tables a copy considers: SQLite's own and shadow ones left out."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main'"
            " AND type IN ('table', 'virtual')"
            " AND name NOT LIKE 'sqlite!_%' ESCAPE '!'").fetchall()
    return {r[0] for r in rows} - {"schema_versions"}


def sqlite_count(path, table):
    """Rows of table; the text index's as the reports it indexes (SQLite's
    also holds core migration 8's day marks, which PostgreSQL's has not)."""
    with sqlite3.connect(path) as db:
        if table == "report_text":
            return db.execute("SELECT count(*) FROM report_search_keys k"
                              " JOIN reports r ON r.id = k.report"
                              ).fetchone()[0]
        return db.execute('SELECT count(*) FROM "%s"' % table).fetchone()[0]


@sqlite_only("copies a SQLite file into PostgreSQL: its source is one")
class TestMigrate(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        base = pg_fixture_url()
        cls.admin = base
        cls.url = base.replace("/veche?", "/%s?" % DB_NAME, 1)
        psql(base, "DROP DATABASE IF EXISTS %s" % DB_NAME)
        psql(base, "CREATE DATABASE %s" % DB_NAME)
        cls.server = Server(seed_reports=120)
        cls.db = cls.server.db
        # Accounts made by the command line leave audit entries.
        cls.server.create_user("moderator1", "moderator")
        cls.server.create_user("admin1", "admin")
        cls.first = cls.migrate()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        psql(cls.admin, "DROP DATABASE IF EXISTS %s" % DB_NAME)

    @classmethod
    def migrate(cls):
        p = subprocess.run([VECHE_BIN, "migrate", "--from", cls.db, "--to",
                            cls.url, "--batch", "50"], capture_output=True,
                           timeout=300, env=cls.server.env)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def pg_tables(self):
        return set(psql(self.url, "SELECT table_name FROM"
                        " information_schema.tables WHERE table_schema ="
                        " current_schema()").split())

    def test_names_exactly_the_tables_left_behind(self):
        rc, out, err = self.first
        left = sqlite_tables(self.db) - self.pg_tables()
        named = {}
        for line in out.splitlines():
            if not line.startswith("not copied: table "):
                continue
            m = re.fullmatch(r"not copied: table (\w+) \(module (\w+) not "
                             r"yet on PostgreSQL\)", line)
            self.assertIsNotNone(m, line)
            named[m.group(1)] = m.group(2)
        self.assertEqual(set(named), left)
        if "users" in left:
            self.assertEqual(named["users"], "accounts")
        if left:
            self.assertEqual(rc, 1, out + err)
            self.assertRegex(err, r"veche: migrate: incomplete: %d tables "
                             r"and \d+ columns of modules not yet on "
                             r"PostgreSQL stayed behind" % len(left))
        else:
            self.assertEqual(rc, 0, out + err)
            self.assertNotIn("not copied", out)
            self.assertNotIn("incomplete", err)

    def test_copied_tables_hold_the_same_rows(self):
        rc, out, err = self.first
        copied = sqlite_tables(self.db) & self.pg_tables()
        self.assertIn("reports", copied)
        printed = {}
        for line in out.splitlines():
            m = re.fullmatch(r"(\w+)\s+\w+\s+(copied|rebuilt)\s+(\d+)\s+"
                             r"(\d+)", line)
            if m:
                printed[m.group(1)] = (int(m.group(3)), int(m.group(4)))
        self.assertEqual(set(printed), copied, out)
        for t in sorted(copied):
            n = sqlite_count(self.db, t)
            self.assertEqual(int(psql(self.url,
                                      'SELECT count(*) FROM "%s"' % t)),
                             n, t)
            self.assertEqual(printed[t], (n, n), t)
        self.assertGreaterEqual(printed["reports"][0], 120)
        self.assertIn("rows: equal in every copied table", out)
        # The text index rebuilt: a seeded report's word finds reports.
        self.assertEqual(printed["report_text"][1], printed["reports"][1])

    def test_audit_line(self):
        rc, out, err = self.first
        line = [x for x in out.splitlines() if x.startswith("audit verify:")]
        self.assertEqual(len(line), 1, out)
        with sqlite3.connect(self.db) as db:
            entries = db.execute("SELECT count(*) FROM audit_log"
                                 ).fetchone()[0]
        self.assertGreater(entries, 0)
        if "audit_log" in self.pg_tables():
            self.assertRegex(line[0], r"^audit verify: %d entries, chain "
                             r"intact \(source: %d, head [0-9a-f]+\)$"
                             % (entries, entries))
        else:
            self.assertRegex(line[0], r"^audit verify: not yet: [\w, ()]+ "
                             r"not converted$")

    def test_sequences_continue(self):
        top = int(psql(self.url, "SELECT max(id) FROM reports"))
        nxt = int(psql(self.url, "SELECT nextval(pg_get_serial_sequence("
                       "'reports', 'id'))"))
        self.assertEqual(nxt, top + 1)

    def test_second_run_refused_untouched(self):
        before = psql(self.url, "SELECT count(*) FROM reports")
        rc, out, err = self.migrate()
        self.assertEqual(rc, 1, out + err)
        self.assertRegex(err, r"veche: migrate: the target already holds "
                         r"rows: table \w+ has \d+; veche migrate copies "
                         r"into an empty database only")
        self.assertEqual(psql(self.url, "SELECT count(*) FROM reports"),
                         before)


if __name__ == "__main__":
    unittest.main()
