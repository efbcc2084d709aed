"""
Three `veche serve` processes on one PostgreSQL database (issue 16,
docs/scaling.md "Several processes"), in a database of its own on the
PostgreSQL the ctest fixture starts (scripts/pg.sh; its folder in
VECHE_PG_DIR).

TestFleet.test_kill_under_write_load: threads POST reports to all three;
one (b) is killed with SIGKILL after a number of acknowledged reports
(awaited, not slept for), the other two go on, b is started again under the
same --instance name.  The kill comes while b's delivery worker is sending
one delivery and holds at least two more claimed and unsent (awaited in
the database; the receiver answers slowly, so claims outrun sends).  When
the load ends: every report that got a 201 is read back with its text from
each of the three; every event the outbox holds reached the webhook
receiver (a real HTTP server in this test); the only event ids (the
payload's "id", the X-Veche-Delivery header) that reached it twice are
those b had begun to send when it was killed, at most one per delivery
worker of b: the repeat has the same id and bytes and says
X-Veche-Redelivery: 1 (no other arrival says so); the claimed and unsent
rest of b's batch arrived exactly once, as first attempts; the audit log is
one hash chain with an entry for every report (`veche audit verify`).

A worker that recorded its outcomes after the batch rather than after each
send, or that sent a batch the kill left claimed a second time, fails the
bounds above; so does one marking a send begun only after it left.

TestFleet.test_one_deadline_scanner: with the clock 30 days on, every
report's registration deadline has passed.  While this test holds the
scanner's lease (the PostgreSQL advisory lock the servers take) all three
complete a scanner round and none scans; then, started together, one of
them scans and records one deadline.passed per report, each delivered once.

Skipped, saying why, while `veche` does not take a postgresql:// --db.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

from harness import CITY, DEFAULT_CLOCK, TEST_ENV, VECHE_BIN, WEST_POINT, \
    Server, encode_query, epoch_of, report_fields
from test_delivery import Receiver, subscribe, wait_for
from harness import pg_fixture_url as fixture_url
from test_migrate import psql

DB_NAME = "veche_fleet_api"
NAMES = ("a", "b", "c")
VICTIM = "b"
THREADS_PER_PROCESS = 2
KILL_AFTER = 45           # acknowledged reports before b is killed
WHILE_DOWN = 20           # more acknowledged by a and c while b is down
AFTER_RESTART = 15        # acknowledged by b after its restart
WAIT = 300                # seconds to wait for deliveries (ASan, load)
METRICS_TOKEN = "fleet-metrics-token-0123456789"
LEASE = "veche.deadline_scanner"   # core/escalation.c's ESCALATION_LEASE
SENDING = 1               # enum delivery_state's DELIVERY_SENDING
WORKERS_PER_PROCESS = 1   # delivery workers of one veche serve (cli/serve.c)


class Fleet(Server):
    """What the three processes share: a PostgreSQL database (city and API
    key imported into it by the command line), one clock file, one media
    folder.  Server's clock and command methods are used as they are."""

    def __init__(self, url):
        self.tmp = tempfile.TemporaryDirectory(prefix="veche-fleet-")
        self.dir = self.tmp.name
        self.clock_path = os.path.join(self.dir, "clock")
        self.env = dict(TEST_ENV, VECHE_CLOCK="file:" + self.clock_path)
        self.set_clock(epoch_of(DEFAULT_CLOCK))
        self.db = url
        self.media = os.path.join(self.dir, "media")
        os.mkdir(self.media)
        self.token_path = os.path.join(self.dir, "metrics-token")
        with open(self.token_path, "w") as f:
            f.write(METRICS_TOKEN + "\n")
        self.city_path = os.path.join(self.dir, "city.json")
        with open(self.city_path, "w", encoding="utf-8") as f:
            json.dump(CITY, f, ensure_ascii=False)
        self.proc = None


class Member(Server):
    """One `veche serve` of the fleet: harness's Server on the fleet's
    database, clock, media folder and stderr file of its own."""

    def __init__(self, fleet, name):
        self.fleet = fleet
        self.name = name
        self.dir = fleet.dir
        self.env = fleet.env
        self.db = fleet.db
        self.api_key = fleet.api_key
        self.stderr_path = os.path.join(fleet.dir, "serve-%s.stderr" % name)
        self.serve_args = ["--instance", name, "--media", fleet.media,
                           "--data-dir", "", "--suggest-hours", "0",
                           "--metrics-token-file", fleet.token_path,
                           "--retry-base-ms", "100", "--retry-cap-ms", "400",
                           "--max-attempts", "8", "--webhook-allow-private"]
        self.proc = None
        self.port = None
        self.up = threading.Event()     # serving: load threads wait on it
        self.started_at = None          # time.monotonic() at "listening"

    # One clock for all: a restart moves the shared file on, as
    # Server.start does for one process.
    def set_clock(self, t):
        self.fleet.set_clock(t)

    def now(self):
        return self.fleet.now()

    def start(self):
        super().start()
        self.started_at = time.monotonic()
        self.up.set()

    def kill(self):
        self.up.clear()
        super().kill()

    def stop(self):
        self.up.clear()
        return super().stop()

    def scanned(self):
        """True once the deadline scanner finished a round since start.
        Before its first round the lag counts from the scanner's start,
        which came before "listening on"; a lag shorter than the time since
        then is a completed round (durations only: no clock compared)."""
        since = time.monotonic() - self.started_at
        r = self.request("GET", "/metrics",
                         headers={"Authorization": "Bearer " +
                                  METRICS_TOKEN})
        if r.status != 200:
            raise AssertionError("%s /metrics: %r" % (self.name, r))
        m = re.search(r"^veche_deadline_scan_lag_seconds ([0-9.]+)$",
                      r.text(), re.M)
        if m is None:
            raise AssertionError("%s /metrics has no scan lag" % self.name)
        return float(m.group(1)) < since


class Load:
    """Threads posting reports to one process until stopped; a process
    that is down is waited for.  acked: (id, description, process) of every
    201; refused: any other answer of a serving process."""

    def __init__(self, members):
        self.lock = threading.Condition()
        self.acked = []
        self.refused = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.post, args=(m, i),
                                         daemon=True)
                        for m in members for i in range(THREADS_PER_PROCESS)]
        for t in self.threads:
            t.start()

    def post(self, m, i):
        n = 0
        while not self.stopping.is_set():
            if not m.up.wait(1):
                continue
            n += 1
            text = "Яма %s-%d-%d %s" % (m.name, i, n, uuid.uuid4().hex[:8])
            fields = report_fields("pothole", WEST_POINT, description=text)
            fields.append(("api_key", m.api_key))
            try:
                r = m.request("POST", "/open311/v2/requests.json",
                              encode_query(fields).encode(),
                              {"Content-Type":
                               "application/x-www-form-urlencoded"})
            except (OSError, http.client.HTTPException):
                continue        # killed under it: not acknowledged
            with self.lock:
                if r.status == 201:
                    rid = int(r.json()[0]["service_request_id"])
                    self.acked.append((rid, text, m.name))
                elif m.up.is_set():
                    self.refused.append((m.name, r))
                self.lock.notify_all()

    def count(self, name=None, since=0):
        with self.lock:
            return sum(1 for a in self.acked[since:]
                       if name is None or a[2] == name)

    def await_count(self, what, enough):
        with self.lock:
            if not self.lock.wait_for(enough, WAIT):
                raise AssertionError("timed out waiting for " + what)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(120)


class LeaseHolder:
    """A psql session holding the deadline scanner's lease (the session
    advisory lock sqlite_lease.c takes) until closed."""

    def __init__(self, url):
        self.p = subprocess.Popen(
            ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        # The key sqlite_lease.c takes: the schema, '/', the lease's name.
        self.p.stdin.write("SELECT 'held' FROM (SELECT pg_advisory_lock("
                           "hashtext(current_schema() || '/' || '%s'))) "
                           "AS l;\n" % LEASE)
        self.p.stdin.flush()
        line = self.p.stdout.readline().strip()
        if line != "held":
            self.close()
            raise AssertionError("psql did not take the lease: %r" % line)

    def close(self):
        self.p.stdin.close()
        self.p.wait(60)
        self.p.stdout.close()


def refuses_urls():
    """Why this veche cannot serve a postgresql:// --db (its usage does
    not offer one), or None."""
    p = subprocess.run([VECHE_BIN, "serve", "--help"], capture_output=True,
                       timeout=60)
    usage = (p.stdout + p.stderr).decode("utf-8", "replace")
    if "PostgreSQL URL" in usage:
        return None
    return ("veche serve does not take a postgresql:// --db yet (store_open, "
            "issue 16); its usage: %s" % usage.splitlines()[:4])


class TestFleet(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        base = fixture_url()
        cls.url = base.replace("/veche?", "/%s?" % DB_NAME, 1)
        psql(base, "DROP DATABASE IF EXISTS %s" % DB_NAME)
        psql(base, "CREATE DATABASE %s" % DB_NAME)
        cls.fleet = Fleet(cls.url)
        try:
            why = refuses_urls()
            if why:
                # veche serves PostgreSQL URLs (issue 16): a usage that
                # no longer says so is a failure, not a reason to skip.
                raise AssertionError(why)
            cls.fleet.cli("city", "import", "--db", cls.url,
                          cls.fleet.city_path)
            cls.fleet.api_key = cls.fleet.cli(
                "apikey", "create", "--db", cls.url,
                "--name", "fleet").strip()
            cls.members = {n: Member(cls.fleet, n) for n in NAMES}
            cls.rx = Receiver()
            for m in cls.members.values():
                m.start()
            subscribe(cls.members["a"], cls.rx.url + "/agency")
        except BaseException:
            cls.shut_down()
            raise

    @classmethod
    def shut_down(cls):
        for m in getattr(cls, "members", {}).values():
            if m.proc is not None:
                m.kill()
        if hasattr(cls, "rx"):
            cls.rx.close()
        cls.fleet.cleanup()

    @classmethod
    def tearDownClass(cls):
        codes = {n: m.stop() for n, m in cls.members.items()}
        logs = {n: m.stderr() for n, m in cls.members.items()}
        cls.shut_down()
        bad = {n: [l for l in log.splitlines()
                   if "Sanitizer" in l or "runtime error" in l]
               for n, log in logs.items()}
        if any(c not in (0, None) for c in codes.values()) or \
                any(bad.values()):
            raise AssertionError("exit statuses %r; sanitizers: %r" % (
                codes, bad))

    def sql(self, q):
        return psql(self.url, q)

    def sql_rows(self, q):
        out = self.sql(q)
        return [l.split("|") for l in out.splitlines()] if out else []

    def holding(self, name):
        """What name's delivery worker holds: the keys it has begun to
        send (store_delivery_start) and the keys claimed and not sent."""
        rows = self.sql_rows(
            "SELECT e.key, d.send_started IS NOT NULL FROM deliveries d"
            " JOIN events e ON e.id = d.event WHERE d.state = %d AND"
            " d.claimed_by = '%s'" % (SENDING, name))
        return ({k for k, begun in rows if begun == "t"},
                {k for k, begun in rows if begun == "f"})

    def mid_batch(self, name):
        """name's worker is sending one delivery and holds two more."""
        begun, unsent = self.holding(name)
        return bool(begun) and len(unsent) >= 2

    def idle(self):
        """The outbox has nothing pending or being sent."""
        return self.sql("SELECT count(*) FROM deliveries WHERE state IN "
                        "(0, %d)" % SENDING) == "0"

    def test_kill_under_write_load(self):
        m = self.members
        victim = m[VICTIM]
        # A slow agency system: the workers' claims outrun their sends, so
        # b likely holds claimed deliveries when it is killed.
        self.rx.sleep["/agency"] = 0.3
        load = Load(list(m.values()))
        try:
            load.await_count("%d reports acknowledged" % KILL_AFTER,
                             lambda: len(load.acked) >= KILL_AFTER)
            # Killed mid-send with more of its batch waiting.
            wait_for("b sending with two more claimed",
                     lambda: self.mid_batch(VICTIM), WAIT)
            victim.kill()
            # What b held when it died, as the database kept it.
            begun, unsent = self.holding(VICTIM)
            self.assertLessEqual(len(begun), WORKERS_PER_PROCESS, begun)
            self.assertTrue(unsent, "b had sent its whole batch by the "
                            "kill: the test did not kill mid-batch")
            mark = len(load.acked)
            load.await_count("%d more from a and c" % WHILE_DOWN,
                             lambda: len(load.acked) - mark >= WHILE_DOWN)
            self.assertEqual(load.count(VICTIM, mark), 0)
            victim.start()
            mark = len(load.acked)
            load.await_count("%d from the restarted b" % AFTER_RESTART,
                             lambda: load.count(VICTIM, mark) >=
                             AFTER_RESTART)
        finally:
            load.stop()
            self.rx.sleep["/agency"] = 0
        self.assertEqual(load.refused, [], "answers other than 201")
        acked = load.acked
        ids = {a[0] for a in acked}
        self.assertEqual(len(ids), len(acked), "an id given twice")

        # Every acknowledged report, with its text, from every process.
        for rid, text, by in acked:
            for n, p in m.items():
                r = p.request("GET", "/open311/v2/requests/%d.json" % rid)
                self.assertEqual(r.status, 200, (rid, by, n, r))
                self.assertEqual(r.json()[0]["description"], text,
                                 (rid, by, n))
        stored = {int(r[0]) for r in self.sql_rows("SELECT id FROM reports")}
        self.assertLessEqual(ids, stored, "acknowledged, then lost")
        # Stored but not acknowledged: only what b had in hand at the kill.
        self.assertLessEqual(len(stored - ids), THREADS_PER_PROCESS,
                             sorted(stored - ids))

        # Every event reached the receiver; none twice but b's in flight.
        wait_for("the outbox to settle", self.idle, WAIT)
        events = self.sql_rows("SELECT key, type, report FROM events")
        created = [int(e[2]) for e in events if e[1] == "report.created"]
        self.assertEqual(sorted(created), sorted(stored),
                         "one report.created per stored report")
        with self.rx.lock:
            accepted = dict(self.rx.accepted)
            seen = dict(self.rx.seen)
            arrivals = {}       # key -> [(headers, body)] as they came
            for path, h, body in self.rx.requests:
                arrivals.setdefault(h["X-Veche-Delivery"], []).append(
                    (h, body))
        missing = [e for e in events if e[0] not in accepted]
        self.assertEqual(missing, [], "events never delivered")
        # Repeats: only what b had begun to send, one per worker at most.
        twice = {key for (path, key), n in seen.items() if n > 1}
        self.assertLessEqual(
            twice, begun, "event ids delivered twice that b was not "
            "sending when it was killed")
        self.assertLessEqual(len(twice), WORKERS_PER_PROCESS)
        for key in twice:
            got = arrivals[key]
            self.assertEqual(len({b for _, b in got}), 1, key)
            self.assertEqual(json.loads(got[0][1])["id"], key)
            for h, _ in got[1:]:
                self.assertEqual(h.get("X-Veche-Redelivery"), "1", key)
        redelivered = {key for key, got in arrivals.items()
                       if any("X-Veche-Redelivery" in h for h, _ in got)}
        self.assertLessEqual(redelivered, begun,
                             "marked a redelivery, yet never begun")
        # b's claimed, unsent rest: once each, as a first attempt.
        for key in unsent:
            got = arrivals.get(key, [])
            self.assertEqual(len(got), 1, key)
            self.assertEqual(got[0][0].get("X-Veche-Attempt"), "1", key)
            self.assertNotIn("X-Veche-Redelivery", got[0][0], key)
        for key, bodies in accepted.items():
            self.assertEqual(json.loads(bodies[0])["id"], key)
        sys.stderr.write(
            "fleet: %d reports acknowledged (%d by b after its restart), %d "
            "stored; b was sending %d and held %d claimed, unsent when "
            "killed; %d event ids received twice\n" % (
                len(acked), load.count(VICTIM, mark), len(stored),
                len(begun), len(unsent), len(twice)))

        # One audit chain through all three writers.
        rc, out = m["a"].audit_verify()
        self.assertEqual(rc, 0, out)
        entries = int(self.sql("SELECT count(*) FROM audit_log"))
        self.assertIn("audit: %d entries, chain intact" % entries, out)
        submitted = {int(r[0].split(":")[1]) for r in self.sql_rows(
            "SELECT object FROM audit_log WHERE action = 'report.submit'")}
        self.assertEqual(submitted, stored)

    def test_one_deadline_scanner(self):
        m = self.members
        if self.sql("SELECT count(*) FROM reports") == "0":
            # The kill test did not run: one report is enough.
            fields = report_fields("pothole", WEST_POINT)
            fields.append(("api_key", self.fleet.api_key))
            r = m["a"].request("POST", "/open311/v2/requests.json",
                               encode_query(fields).encode(),
                               {"Content-Type":
                                "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 201, r)
        wait_for("the outbox to settle", self.idle, WAIT)
        for p in m.values():
            self.assertEqual(p.stop(), 0, p.stderr()[-3000:])
        self.fleet.advance(30 * 86400)
        before = int(self.sql("SELECT coalesce(max(id), 0) FROM events"))
        reports = int(self.sql("SELECT count(*) FROM reports WHERE "
                               "status = 0"))
        self.assertGreater(reports, 0)

        # The lease held here: each completes a round and none scans.
        holder = LeaseHolder(self.url)
        try:
            for p in m.values():
                p.start()
            for p in m.values():
                wait_for("a scanner round in " + p.name, p.scanned, WAIT)
            self.assertEqual(self.sql(
                "SELECT count(*) FROM events WHERE id > %d AND type LIKE "
                "'deadline.%%'" % before), "0", "scanned under a held lease")
        finally:
            holder.close()

        # Started together, one scans them all.
        for p in m.values():
            self.assertEqual(p.stop(), 0)
        offsets = {n: p.stderr_size() for n, p in m.items()}
        for p in m.values():
            p.start()
        wait_for("the notices", lambda: int(self.sql(
            "SELECT count(*) FROM events WHERE id > %d AND type = "
            "'deadline.passed'" % before)) >= reports, WAIT)
        for p in m.values():
            wait_for("a scanner round in " + p.name, p.scanned, WAIT)
        wait_for("the outbox to settle", self.idle, WAIT)
        rows = self.sql_rows("SELECT report, count(*) FROM events WHERE "
                             "id > %d AND type LIKE 'deadline.%%' GROUP BY "
                             "report" % before)
        self.assertEqual(len(rows), reports)
        self.assertEqual({r[1] for r in rows}, {"1"}, "a notice twice")
        said = {n: re.findall(r"veche: (\d+) deadline notices? sent",
                              p.stderr(offsets[n])) for n, p in m.items()}
        scanners = {n: s for n, s in said.items() if s}
        self.assertEqual(len(scanners), 1, said)
        self.assertEqual(list(scanners.values())[0], [str(reports)], said)
        keys = [r[0] for r in self.sql_rows(
            "SELECT key FROM events WHERE id > %d" % before)]
        with self.rx.lock:
            for key in keys:
                self.assertEqual(len(self.rx.accepted.get(key, ())), 1,
                                 key)


if __name__ == "__main__":
    unittest.main()
