"""
Operations: GET /metrics (checked with promtool and a strict parser), JSON
request logs whose request id reaches the audit log, veche backup under
write load and veche restore, and the systemd unit (docs/operations.md).
"""
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from harness import (PG, REQUEST_TIMEOUT, TEST_ENV, VECHE_BIN, Server,
                     ServerTestCase, report_fields, sqlite_only)

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, "..", "..", "contrib", "veche.service")
TOKEN = "metrics-token-0123456789abcdef"
WAIT = 30                 # seconds to wait for something the server does

SAMPLE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
    r'(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*")*)?\})?'
    r' (-?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN))$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_exposition(text):
    """Strictly parse Prometheus text format 0.0.4.

    Returns {(name, frozenset(labels)): value}; raises ValueError on a line
    that is not a comment, a HELP/TYPE line or a sample, on a sample whose
    family has no TYPE, and on a repeated series.
    """
    types, out = {}, {}
    if not text.endswith("\n"):
        raise ValueError("no newline at the end")
    for line in text.split("\n")[:-1]:
        if line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            if kind not in ("counter", "gauge", "histogram", "summary",
                            "untyped") or name in types:
                raise ValueError("bad TYPE line %r" % line)
            types[name] = kind
            continue
        if line.startswith("# HELP ") or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if m is None:
            raise ValueError("not a sample: %r" % line)
        name = m.group(1)
        family = re.sub(r"_(bucket|sum|count)$", "", name) \
            if name not in types else name
        if family not in types:
            raise ValueError("sample %r has no TYPE" % line)
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        key = (name, labels)
        if key in out:
            raise ValueError("series repeated: %r" % line)
        out[key] = float(m.group(3))
    return out


def value(series, name, **labels):
    return series.get((name, frozenset(labels.items())), 0.0)


def closed_port():
    """A loopback port nobody listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HoldingHook(http.server.BaseHTTPRequestHandler):
    """A webhook receiver that answers only when the test releases it."""

    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        HoldingHook.arrived.set()
        HoldingHook.release.wait(WAIT)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class TestMetricsOff(ServerTestCase):

    def test_off_by_default(self):
        r = self.fetch("GET", "/metrics",
                       headers={"Authorization": "Bearer " + TOKEN})
        self.assertEqual(r.status, 404, r)

    def test_bad_token_file_refused(self):
        with tempfile.TemporaryDirectory() as d:
            short = os.path.join(d, "token")
            with open(short, "w") as f:
                f.write("short\n")
            for args, word in (
                    (["--metrics-token-file", short], "--metrics-token-file"),
                    (["--metrics-token-file", os.path.join(d, "none")],
                     "--metrics-token-file"),
                    (["--log-format", "xml"], "--log-format")):
                p = subprocess.run(self.server.serve_command(
                                    "--listen", "127.0.0.1:0", *args),
                                   capture_output=True, timeout=60,
                                   env=TEST_ENV)
                self.assertEqual(p.returncode, 2, p)
                self.assertIn(word, p.stderr.decode())


class OpsCase(ServerTestCase):
    """A server with metrics, JSON logs and two webhooks: one that holds
    its delivery until released, one whose port is closed (dead at once)."""

    @classmethod
    def setUpClass(cls):
        cls.hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                   HoldingHook)
        threading.Thread(target=cls.hook.serve_forever, daemon=True).start()
        HoldingHook.release.set()
        cls.tokdir = tempfile.TemporaryDirectory()
        tok = os.path.join(cls.tokdir.name, "token")
        with open(tok, "w") as f:
            f.write(TOKEN + "\n")
        cls.server = Server(serve_args=(
            "--metrics-token-file", tok, "--log-format", "json",
            "--max-attempts", "1", "--webhook-allow-private"))
        try:
            # The worker sends in order: the dead one first, then the held.
            for url in ("http://127.0.0.1:%d/dead" % closed_port(),
                        "http://127.0.0.1:%d/hook" % cls.hook.server_port):
                cls.server.cli("webhook", "add", "--db", cls.server.db,
                               "--url", url, "--secret",
                               "0123456789abcdef0123", "--events",
                               "report.created")
            cls.server.start()
        except Exception:
            cls.server.cleanup()
            cls.hook.shutdown()
            cls.tokdir.cleanup()
            raise
        cls.api_key = cls.server.api_key

    @classmethod
    def tearDownClass(cls):
        HoldingHook.release.set()
        try:
            super().tearDownClass()
        finally:
            cls.hook.shutdown()
            cls.hook.server_close()
            cls.tokdir.cleanup()

    def scrape(self):
        r = self.fetch("GET", "/metrics",
                       headers={"Authorization": "Bearer " + TOKEN})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "text/plain; version=0.0.4"))
        return r.text()

    def series(self):
        return parse_exposition(self.scrape())

    def await_series(self, what, cond):
        """Scrape until cond(series) holds; the series, or fail."""
        deadline = time.monotonic() + WAIT
        while True:
            s = self.series()
            if cond(s):
                return s
            if time.monotonic() > deadline:
                self.fail("metrics never showed %s" % what)
            time.sleep(0.05)

    def post_report(self, headers=None):
        r = self.post("requests.json", report_fields("other"),
                      headers=headers)
        self.assertEqual(r.status, 201, r)
        return r


class TestMetrics(OpsCase):

    def test_token_required(self):
        for h in ({}, {"Authorization": "Bearer wrong-token-0123456789"},
                  {"Authorization": "Basic " + TOKEN},
                  {"Authorization": "Bearer " + TOKEN + "x"}):
            r = self.fetch("GET", "/metrics", headers=h)
            self.assertEqual(r.status, 401, (h, r))
            self.assertIn("Authorization", r.text())
            self.assertTrue(r.headers["WWW-Authenticate"].startswith(
                "Bearer"))

    def test_exposition_passes_promtool(self):
        self.get("services.json")
        text = self.scrape()
        parse_exposition(text)
        promtool = shutil.which("promtool")
        if promtool is None:
            self.fail("promtool missing: run scripts/deps.sh (it installs "
                      "Debian's prometheus, which carries promtool)")
        p = subprocess.run([promtool, "check", "metrics"],
                           input=text.encode(), capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stdout + p.stderr, b"", p)

    def test_requests_by_route_pattern(self):
        route = "/open311/v2/services.{format}"
        key = dict(route=route, method="GET", status="2xx")
        before = value(self.series(), "veche_http_requests_total", **key)
        for _ in range(3):
            self.assertEqual(self.get("services.json").status, 200)
        self.assertEqual(self.get("requests/987654321.json").status, 404)
        self.assertEqual(self.fetch("GET", "/nowhere-424242").status, 404)
        # A request is counted when its answer has gone out, which may
        # be after the client has read it: await every count it checks.
        s = self.await_series(
            "three more services requests and the two 404s", lambda s:
            value(s, "veche_http_requests_total", **key) >= before + 3
            and value(s, "veche_http_requests_total", route="(none)",
                      method="any", status="4xx") >= 1
            and value(s, "veche_http_requests_total",
                      route="/open311/v2/requests/{id}.{format}",
                      method="GET", status="4xx") >= 1)
        self.assertEqual(value(s, "veche_http_requests_total", **key),
                         before + 3)
        # The raw path never becomes a label.
        for (name, labels) in s:
            for _, v in labels:
                self.assertNotIn("987654321", v)
                self.assertNotIn("424242", v)
        self.assertGreaterEqual(value(
            s, "veche_http_requests_total", route="(none)", method="any",
            status="4xx"), 1)
        self.assertGreaterEqual(value(
            s, "veche_http_requests_total",
            route="/open311/v2/requests/{id}.{format}", method="GET",
            status="4xx"), 1)
        # The histogram is cumulative and counts every answer.
        h = dict(route=route, method="GET")
        count = value(s, "veche_http_request_duration_seconds_count", **h)
        self.assertEqual(count, value(s, "veche_http_requests_total", **key))
        self.assertEqual(value(s, "veche_http_request_duration_seconds_"
                               "bucket", le="+Inf", **h), count)
        les = sorted((float(dict(l)["le"]), v) for (n, l), v in s.items()
                     if n == "veche_http_request_duration_seconds_bucket"
                     and dict(l)["route"] == route
                     and dict(l)["method"] == "GET")
        self.assertEqual([v for _, v in les], sorted(v for _, v in les))
        self.assertGreater(value(s, "veche_http_request_duration_seconds_"
                                 "sum", **h), 0)

    def test_connections_open(self):
        conns = []
        try:
            for _ in range(3):
                c = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                               timeout=REQUEST_TIMEOUT)
                c.request("GET", "/open311/v2/services.json")
                c.getresponse().read()
                conns.append(c)
            s = self.series()
            self.assertGreaterEqual(value(s, "veche_http_connections_open"),
                                    4)
        finally:
            for c in conns:
                c.close()
        self.await_series("the connections closed", lambda s: value(
            s, "veche_http_connections_open") <= 1)

    def test_outbox_depth_and_dead_letters(self):
        dead = value(self.series(), "veche_outbox_dead_letters")
        HoldingHook.arrived.clear()
        HoldingHook.release.clear()
        try:
            self.post_report()
            self.assertTrue(HoldingHook.arrived.wait(WAIT), "no webhook")
            # The held delivery is in flight; the other failed once: dead.
            s = self.await_series("a dead letter", lambda s: value(
                s, "veche_outbox_dead_letters") == dead + 1)
            self.assertGreaterEqual(value(s, "veche_outbox_depth"), 1)
        finally:
            HoldingHook.release.set()
        self.await_series("an empty outbox", lambda s: value(
            s, "veche_outbox_depth") == 0)

    def test_deadline_scan_lag(self):
        lag = value(self.series(), "veche_deadline_scan_lag_seconds")
        # The scanner runs at start and then every 60 seconds.
        self.assertGreaterEqual(lag, 0)
        self.assertLess(lag, 60 + WAIT)

    @sqlite_only("holds SQLite's write lock from another connection")
    def test_sqlite_busy_retries(self):
        before = value(self.series(), "veche_sqlite_busy_retries_total")
        db = sqlite3.connect(self.server.db, timeout=WAIT,
                             isolation_level=None)
        result = {}
        try:
            db.execute("BEGIN IMMEDIATE")
            t = threading.Thread(target=lambda: result.update(
                r=self.server.request(
                    "POST", "/open311/v2/requests.json",
                    "service_code=other&description=busy&lat=60.25&"
                    "long=30.25&api_key=" + self.api_key,
                    {"Content-Type": "application/x-www-form-urlencoded"})))
            t.start()
            # A scrape accepted by the server thread that is waiting for
            # the lock waits with it: give each try 2 s, then a new one.
            deadline = time.monotonic() + WAIT
            while True:
                self.assertLess(time.monotonic(), deadline, "no busy wait")
                c = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                               timeout=2)
                try:
                    c.request("GET", "/metrics", headers={
                        "Authorization": "Bearer " + TOKEN})
                    text = c.getresponse().read().decode()
                except (socket.timeout, TimeoutError):
                    continue
                finally:
                    c.close()
                if value(parse_exposition(text),
                         "veche_sqlite_busy_retries_total") > before:
                    break
                time.sleep(0.05)
        finally:
            db.execute("ROLLBACK")
            db.close()
        t.join(WAIT)
        self.assertEqual(result["r"].status, 201, result)


class TestRequestLog(OpsCase):

    def log_line(self, rid):
        """The JSON log line of request rid, once the server wrote it."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in self.server.stderr().splitlines():
                if rid in line and line.startswith("{"):
                    return json.loads(line)
            time.sleep(0.05)
        self.fail("no log line for request %s" % rid)

    def audit_ids(self, obj):
        return [r[0] for r in self.server.sql(
            "SELECT request_id FROM audit_log WHERE object = ?", (obj,))]

    def test_post_logged_and_audited_under_one_id(self):
        r = self.post_report()
        rid = r.headers["X-Request-Id"]
        self.assertRegex(rid, r"^[0-9a-f]{32}$")
        line = self.log_line(rid)
        self.assertEqual(set(line), {"time", "request_id", "method", "route",
                                     "path", "status", "bytes",
                                     "duration_us", "client"})
        self.assertEqual(line["method"], "POST")
        self.assertEqual(line["route"], "/open311/v2/requests.{format}")
        self.assertEqual(line["path"], "/open311/v2/requests.json")
        self.assertEqual(line["status"], 201)
        self.assertEqual(line["bytes"], len(r.body))
        self.assertEqual(line["client"], "127.0.0.1")
        self.assertGreater(line["duration_us"], 0)
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        report = r.json()[0]["service_request_id"]
        self.assertEqual(self.audit_ids("report:%s" % report), [rid])
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)

    def test_incoming_request_id_kept(self):
        rid = "edge-7f3a.trace_0042"
        r = self.post_report({"X-Request-Id": rid})
        self.assertEqual(r.headers["X-Request-Id"], rid)
        self.assertEqual(self.log_line(rid)["status"], 201)
        report = r.json()[0]["service_request_id"]
        self.assertEqual(self.audit_ids("report:%s" % report), [rid])
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)

    def test_malformed_request_id_refused(self):
        for bad in ("short", "has space in it", "x" * 65, "semi;colon12"):
            r = self.fetch("GET", "/open311/v2/services.json",
                           headers={"X-Request-Id": bad})
            self.assertEqual(r.status, 400, (bad, r))
            self.assertIn("X-Request-Id", r.text())
            self.assertNotEqual(r.headers["X-Request-Id"], bad)

    def test_no_query_values_in_log(self):
        r = self.get("requests.json", {"service_code": "secret-value-31337"})
        rid = r.headers["X-Request-Id"]
        line = self.log_line(rid)
        self.assertEqual(line["path"], "/open311/v2/requests.json")
        self.assertNotIn("secret-value-31337", self.server.stderr())


def count_reports(db):
    with sqlite3.connect(db, timeout=WAIT) as c:
        n = c.execute("SELECT count(*) FROM reports").fetchone()[0]
    c.close()
    return n


def veche(*args):
    return subprocess.run([VECHE_BIN] + list(args), capture_output=True,
                          timeout=300, env=TEST_ENV)


@unittest.skipUnless(PG, "PostgreSQL only: SQLite's backup is TestBackup")
class TestBackupOfPostgreSQL(ServerTestCase):

    def test_backup_names_the_postgresql_tools(self):
        with tempfile.TemporaryDirectory() as d:
            copy = os.path.join(d, "copy.db")
            p = veche("backup", "--db", self.server.db, "--to", copy)
            self.assertEqual(p.returncode, 2, p)
            self.assertIn(b"pg_dump", p.stderr)
            self.assertEqual(os.listdir(d), [])


@sqlite_only("veche backup and restore copy the SQLite file; PostgreSQL's "
             "are pg_dump and pg_basebackup")
class TestBackup(ServerTestCase):
    seed_reports = 300

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_backup_under_writes_then_restore_and_serve(self):
        stop = threading.Event()
        posted = []
        failures = []
        started = threading.Event()

        def writer():
            for i in range(5000):
                if stop.is_set():
                    return
                r = self.server.request(
                    "POST", "/open311/v2/requests.json",
                    "service_code=other&description=load%%20%d&lat=60.25&"
                    "long=30.25&api_key=%s" % (i, self.api_key),
                    {"Content-Type": "application/x-www-form-urlencoded"})
                (posted if r.status == 201 else failures).append(r)
                if len(posted) == 3:
                    started.set()

        t = threading.Thread(target=writer)
        t.start()
        try:
            self.assertTrue(started.wait(WAIT), failures)
            before = count_reports(self.server.db)
            copy = self.path("copy.db")
            p = veche("backup", "--db", self.server.db, "--to", copy,
                      "--step", "4")
            after = count_reports(self.server.db)
        finally:
            stop.set()
            t.join(WAIT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"pages (100%)", p.stderr)
        self.assertEqual(failures, [])
        self.assertEqual([f for f in os.listdir(self.tmp.name)],
                         ["copy.db"])
        v = veche("audit", "verify", "--db", copy)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn(b"chain intact", v.stdout)
        n = count_reports(copy)
        self.assertTrue(before <= n <= after, (before, n, after))
        with sqlite3.connect(copy) as c:
            self.assertEqual(c.execute("PRAGMA integrity_check")
                             .fetchone()[0], "ok")
            last = c.execute("SELECT max(id) FROM reports").fetchone()[0]
        c.close()

        restored = self.path("restored.db")
        r = veche("restore", "--from", copy, "--db", restored)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(count_reports(restored), n)
        srv = Server()
        srv.db = restored
        try:
            srv.start()
            got = srv.request("GET", "/open311/v2/requests/%d.json" % last)
            self.assertEqual(got.status, 200, got)
            self.assertEqual(got.json()[0]["service_request_id"], last)
        finally:
            rc = srv.stop()
            srv.cleanup()
        self.assertEqual(rc, 0)

    def test_restore_refused_while_serving(self):
        copy = self.path("copy.db")
        self.assertEqual(veche("backup", "--db", self.server.db, "--to",
                               copy).returncode, 0)
        self.post_one()
        n = count_reports(self.server.db)
        r = veche("restore", "--from", copy, "--db", self.server.db)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(b"open in another process", r.stderr)
        self.assertEqual(count_reports(self.server.db), n)
        self.post_one()
        leftovers = [f for f in os.listdir(os.path.dirname(self.server.db))
                     if "restore-" in f]
        self.assertEqual(leftovers, [])

    def post_one(self):
        r = self.post("requests.json", report_fields("other"))
        self.assertEqual(r.status, 201, r)

    def test_restore_checks_the_backup_first(self):
        copy = self.path("copy.db")
        self.assertEqual(veche("backup", "--db", self.server.db, "--to",
                               copy).returncode, 0)
        target = self.path("target.db")
        self.assertEqual(veche("restore", "--from", copy, "--db",
                               target).returncode, 0)
        with open(target, "rb") as f:
            original = f.read()

        tampered = self.path("tampered.db")
        shutil.copy(copy, tampered)
        with sqlite3.connect(tampered) as c:
            c.execute("UPDATE audit_log SET after = 'status=closed' "
                      "WHERE id = (SELECT max(id) FROM audit_log)")
        c.close()
        garbage = self.path("garbage.db")
        with open(garbage, "wb") as f:
            f.write(b"not a database " * 1000)
        for source, word in ((tampered, b"audit"), (garbage, b"--from")):
            r = veche("restore", "--from", source, "--db", target)
            self.assertEqual(r.returncode, 1, r)
            self.assertIn(b"--from", r.stderr)
            self.assertIn(word, r.stderr)
            with open(target, "rb") as f:
                self.assertEqual(f.read(), original)
        self.assertEqual(sorted(os.listdir(self.tmp.name)),
                         ["copy.db", "garbage.db", "tampered.db",
                          "target.db"])

    def test_bad_arguments_name_the_option(self):
        copy = self.path("copy.db")
        for args, word in (
                (["backup", "--db", self.server.db], b"--to"),
                (["backup", "--db", self.path("none.db"), "--to", copy],
                 b"--db"),
                (["backup", "--db", self.server.db, "--to", self.server.db],
                 b"--to"),
                (["backup", "--db", self.server.db, "--to", copy, "--step",
                  "0"], b"--step"),
                (["restore", "--db", copy], b"--from"),
                (["restore", "--from", self.path("none.db"), "--db", copy],
                 b"--from"),
                (["restore", "--from", self.server.db, "--db",
                  self.server.db], b"--from")):
            r = veche(*args)
            self.assertEqual(r.returncode, 2, (args, r))
            self.assertIn(word, r.stderr, args)
        self.assertFalse(os.path.exists(copy))


class TestSystemdUnit(unittest.TestCase):

    def test_unit_verifies_and_is_sandboxed(self):
        with open(UNIT, encoding="utf-8") as f:
            unit = f.read()
        for directive in ("NoNewPrivileges=yes", "ProtectSystem=strict",
                          "ProtectHome=yes", "PrivateTmp=yes",
                          "ReadWritePaths=/var/lib/veche",
                          "SystemCallFilter=@system-service",
                          "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                          "MemoryDenyWriteExecute=yes", "User=veche",
                          "StateDirectory=veche", "LimitNOFILE=65536"):
            self.assertIn("\n" + directive + "\n", unit)
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.skipTest("systemd-analyze missing")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "veche.service")
            with open(path, "w", encoding="utf-8") as f:
                f.write(unit.replace("/usr/local/bin/veche",
                                     os.path.abspath(VECHE_BIN)))
            p = subprocess.run([analyze, "verify", path],
                               capture_output=True, timeout=120)
        # verify exits 0 on unknown keys and bad values: it must say nothing.
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stdout + p.stderr, b"", p)


if __name__ == "__main__":
    unittest.main()
