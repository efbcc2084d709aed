"""
PostgreSQL restarting under a running `veche serve` (issue 16;
docs/operations.md, "PostgreSQL restarts"): a server of the test's own
(scripts/pg.sh start, not the shared fixture, which other tests use at
the same time), veche serving over real HTTP.

- `pg_ctl restart -m fast` and `-m immediate`: the first requests after
  it work (every connection finds its session gone and opens a new one,
  its statements prepared again), and every report acknowledged before
  it is read back;
- an outage (the server stopped, then started): every request meanwhile
  answers 503 with Retry-After and says why, the log says so once (not
  once a request), and when the server is back the next requests work
  and a report posted then shows in the (cached) list;
- a write in flight when the server goes away (held by a lock so that it
  is, awaited in pg_stat_activity) is not acknowledged: 503, not 201.

Waits poll with a bounded deadline; nothing sleeps a fixed time.
"""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Server, ServerTestCase, psql, report_fields

HERE = os.path.dirname(os.path.abspath(__file__))
PG_SH = os.path.join(HERE, "..", "..", "scripts", "pg.sh")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
WAIT = 60                 # seconds, only to fail rather than hang


def pg_sh(*args):
    p = subprocess.run(["sh", PG_SH] + list(args), capture_output=True,
                       timeout=180)
    if p.returncode != 0:
        raise RuntimeError("pg.sh %s: %s" % (" ".join(args), p.stderr.decode(
            "utf-8", "replace")))
    return p.stdout.decode("utf-8").strip()


def await_true(what, probe):
    """Poll probe() until it is true; fail after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError("never happened: " + what)
        time.sleep(0.05)


@unittest.skipUnless(os.path.exists(os.path.join(PGBIN, "pg_ctl")),
                     "needs PostgreSQL 15 (scripts/deps.sh)")
class TestPgRestart(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="veche-pgrestart-")
        cls.pg_dir = os.path.join(cls.tmp, "pg")
        cls.pg_url = pg_sh("start", cls.pg_dir)
        # The harness makes each server's database on the server whose
        # folder VECHE_PG_DIR names: ours, for this class only.
        cls.saved = (harness.PG, os.environ.get("VECHE_PG_DIR"))
        harness.PG = True
        os.environ["VECHE_PG_DIR"] = cls.pg_dir
        try:
            cls.server = Server()
            cls.server.start()
        except Exception:
            cls.restore()
            raise
        cls.api_key = cls.server.api_key

    @classmethod
    def restore(cls):
        harness.PG, folder = cls.saved
        if folder is None:
            os.environ.pop("VECHE_PG_DIR", None)
        else:
            os.environ["VECHE_PG_DIR"] = folder
        pg_sh("stop", cls.pg_dir)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.restore()

    def create(self, description):
        r = self.post("requests.json", report_fields(description=description))
        self.assertEqual(r.status, 201, r.text())
        return int(r.json()[0]["service_request_id"])

    def assert_reads(self, rid, description):
        r = self.get("requests/%d.json" % rid)
        self.assertEqual(r.status, 200, r.text())
        self.assertEqual(r.json()[0]["description"], description)

    def listed(self):
        r = self.get("requests.json")
        self.assertEqual(r.status, 200, r.text())
        return {int(x["service_request_id"]) for x in r.json()}

    def restart(self, mode):
        before = self.create("До перезапуска (%s)" % mode)
        self.assert_reads(before, "До перезапуска (%s)" % mode)
        self.assertIn(before, self.listed())
        pg_sh("restart", self.pg_dir, mode)
        # The first requests after it: every connection's session ended
        # with the old server; each opens a new one on its first call.
        after = self.create("После перезапуска (%s)" % mode)
        self.assert_reads(before, "До перезапуска (%s)" % mode)
        self.assert_reads(after, "После перезапуска (%s)" % mode)
        self.assertTrue({before, after} <= self.listed())
        # Staff pages (other statements, prepared again on first use).
        r = self.fetch("GET", "/reports/%d" % after)
        self.assertEqual(r.status, 200)

    def test_restart_fast(self):
        self.restart("fast")

    def test_restart_immediate(self):
        self.restart("immediate")

    def test_outage_answers_503_and_is_logged_once(self):
        rid = self.create("До остановки")
        self.assertIn(rid, self.listed())
        offset = self.server.stderr_size()
        pg_sh("halt", self.pg_dir, "fast")
        try:
            for i in range(6):
                r = self.post("requests.json", report_fields(
                    description="Во время остановки %d" % i))
                self.assertEqual(r.status, 503, r.text())
                self.assertEqual(r.headers.get("Retry-After"), "2")
                self.assertIn("database unavailable", r.text())
                r = self.get("requests/%d.json" % rid)
                self.assertEqual(r.status, 503, r.text())
                self.assertIn("Retry-After", r.headers)
        finally:
            pg_sh("resume", self.pg_dir)
        # Back: a client retrying as Retry-After asks is served. A
        # connection that tried during the outage waits out its short
        # retry window (sql.h, SQL_RETRY_MS) unless another found the
        # server back first, so the first POST may still be a 503.
        deadline = time.monotonic() + 10
        while True:
            r = self.post("requests.json",
                          report_fields(description="После остановки"))
            if r.status != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(r.status, 201, r.text())
        after = int(r.json()[0]["service_request_id"])
        self.assert_reads(rid, "До остановки")
        self.assertTrue({rid, after} <= self.listed())
        log = self.server.stderr(offset)
        self.assertEqual(log.count("unavailable ("), 1, log)
        self.assertEqual(log.count("back: reconnected"), 1, log)
        # Nothing logged per request (six POSTs and six GETs failed).
        self.assertLess(len(log.splitlines()), 6, log)
        # None of the refused reports was stored.
        self.assertNotIn("Во время остановки",
                         psql(self.server.db, "SELECT string_agg("
                              "description, ',') FROM reports;"))

    def test_write_in_flight_is_not_acknowledged(self):
        # A psql session holds reports' lock: the POST's insert waits.
        holder = subprocess.Popen(
            ["psql", "-X", "-q", "-d", self.server.db],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            holder.stdin.write(b"BEGIN; LOCK TABLE reports IN EXCLUSIVE "
                               b"MODE;\n")
            holder.stdin.flush()
            await_true("the lock held", lambda: psql(
                self.server.db, "SELECT count(*) FROM pg_locks l JOIN "
                "pg_class c ON c.oid = l.relation WHERE c.relname = "
                "'reports' AND l.mode = 'ExclusiveLock' AND l.granted;")
                .strip() == "1")
            out = {}

            def post():
                out["r"] = self.post("requests.json", report_fields(
                    description="В полёте"))
            t = threading.Thread(target=post)
            t.start()
            await_true("the POST waiting on the lock", lambda: psql(
                self.server.db, "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query LIKE "
                "'%reports%';").strip() != "0")
            pg_sh("halt", self.pg_dir, "fast")
            t.join(WAIT)
            self.assertFalse(t.is_alive(), "the POST hung")
            r = out["r"]
            self.assertEqual(r.status, 503, r.text())
            self.assertEqual(r.headers.get("Retry-After"), "2")
        finally:
            holder.kill()
            holder.wait()
            pg_sh("resume", self.pg_dir)
        # Unacknowledged and, its transaction ended with its session,
        # not stored either.
        self.assertNotIn("В полёте", psql(
            self.server.db, "SELECT string_agg(description, ',') FROM "
            "reports;"))
        self.create("После")


if __name__ == "__main__":
    unittest.main()
