"""
harness.py: start the real veche binary on a loopback port and speak HTTP
to it.

Each test class that derives from ServerTestCase gets its own temporary
directory, database, test city (CITY below), API key and server process.
The server's stderr is kept in a file; when a test fails, what the server
wrote to stderr during that test is printed after it, and a server that
does not stop cleanly (or whose sanitizers complained) fails the class.

Environment: VECHE_BIN, the binary to test (default ../../build/veche).
VECHE_TEST_ENGINE=pg runs every Server on PostgreSQL instead of a SQLite
file: a database of its own (CREATE DATABASE t_<pid>_<n>) on the server
whose URL is in $VECHE_PG_DIR/url (the ctest fixture `pg`, scripts/pg.sh),
dropped at cleanup.  Tests read tables through Server.sql, which speaks to
either engine; the few about the SQLite file itself are marked
@sqlite_only (docs/testing.md).
"""
import atexit
import http.client
import itertools
import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
VECHE_BIN = os.environ.get(
    "VECHE_BIN", os.path.join(HERE, "..", "..", "build", "veche"))
START_TIMEOUT = 30        # seconds to wait for "listening on"
REQUEST_TIMEOUT = 60      # seconds per HTTP request (ASan builds are slow)
MAX_BODY = 8 * 1024 * 1024
JURISDICTION = "testgrad"
SEED_DAYS = 120          # seeded reports spread over this many days

# Which store the servers run on: "sqlite" (a file) or "pg" (PostgreSQL).
ENGINE = os.environ.get("VECHE_TEST_ENGINE", "sqlite")
if ENGINE not in ("sqlite", "pg"):
    raise RuntimeError("VECHE_TEST_ENGINE=%r: say sqlite or pg" % ENGINE)
PG = ENGINE == "pg"
PG_DUMP = os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"),
                       "pg_dump")


def sqlite_only(why):
    """Skip a test (or class) on PostgreSQL: it is about the SQLite file."""
    return unittest.skipUnless(ENGINE == "sqlite", "SQLite only: " + why)


def pg_fixture_url():
    """The URL of the PostgreSQL the ctest fixture started."""
    folder = os.environ.get("VECHE_PG_DIR")
    if not folder:
        raise unittest.SkipTest("VECHE_PG_DIR unset: run through ctest, "
                                "whose pg fixture starts PostgreSQL")
    with open(os.path.join(folder, "url"), encoding="utf-8") as f:
        return f.read().strip()


def psql(url, script):
    """Run SQL text through psql on url; returns its unaligned output."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v",
                        "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
                       input=script.encode("utf-8"), capture_output=True,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError("psql: %s\n%s" % (
            p.stderr.decode("utf-8", "replace"), script[:2000]))
    return p.stdout.decode("utf-8")


_pg_names = itertools.count(1)
_pg_dropped = set()


def pg_create_database():
    """A fresh, empty database on the fixture's server: its URL."""
    base = pg_fixture_url()
    name = "t_%d_%d" % (os.getpid(), next(_pg_names))
    psql(base, "DROP DATABASE IF EXISTS %s WITH (FORCE);\n"
               "CREATE DATABASE %s;" % (name, name))
    url = re.sub(r"/veche\?", "/%s?" % name, base, count=1)
    if url == base:
        raise RuntimeError("cannot name a database in %r" % base)
    atexit.register(pg_drop_database, url)
    return url


def pg_drop_database(url):
    """Drop url's database, ending its sessions first; once."""
    if url in _pg_dropped:
        return
    _pg_dropped.add(url)
    name = re.search(r"/(t_\d+_\d+)\?", url).group(1)
    psql(pg_fixture_url(), "DROP DATABASE IF EXISTS %s WITH (FORCE);" % name)


def new_database(folder, name):
    """What --db names for a second, empty database: a file `name` in
    folder on SQLite, a database of its own on PostgreSQL."""
    return pg_create_database() if PG else os.path.join(folder, name)


def folder_args(folder):
    """The folders serve needs named on PostgreSQL (photos, open data),
    under folder; none on SQLite, where they sit next to the file."""
    if not PG:
        return []
    return ["--media", os.path.join(folder, "media"),
            "--data-dir", os.path.join(folder, "opendata")]


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x%s'::bytea" % bytes(v).hex()
    return "'%s'" % str(v).replace("'", "''")


def _pg_bind(query, params):
    """query with each ? outside quotes replaced by params' literal."""
    out, it, quote = [], iter(params), None
    for ch in query:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            ch = _pg_literal(next(it))
        out.append(ch)
    return "".join(out)


_BYTEA = re.compile(r"\\x(?:[0-9a-f]{2})*")


def _pg_value(v):
    # As SQLite's module gives them: flags as 1/0, blobs as bytes.
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str) and _BYTEA.fullmatch(v):
        return bytes.fromhex(v[2:])
    return v


def sql_rows(db, query, params=()):
    """Run one statement on db (a SQLite path or a PostgreSQL URL) and
    return its rows as tuples (a write's RETURNING rows, or [])."""
    if not db.startswith(("postgresql:", "postgres:")):
        c = sqlite3.connect(db, timeout=30)
        try:
            rows = c.execute(query, tuple(params)).fetchall()
            c.commit()
            return rows
        finally:
            c.close()
    q = _pg_bind(query.strip().rstrip(";"), params)
    head = q.split(None, 1)[0].upper()
    writes = re.search(r"\b(INSERT|UPDATE|DELETE)\b", q, re.I)
    if head in ("SELECT", "VALUES") or (head == "WITH" and not writes):
        q = "SELECT row_to_json(q)::text FROM (%s) q" % q
    elif re.search(r"\bRETURNING\b", q, re.I):
        q = "WITH q AS (%s) SELECT row_to_json(q)::text FROM q" % q
    out = psql(db, q + ";\n")
    return [tuple(_pg_value(v) for _, v in
                  json.loads(line, object_pairs_hook=list))
            for line in out.splitlines() if line]


def square(lon0, lat0, lon1, lat1):
    return {"type": "Polygon",
            "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1],
                             [lon0, lat1], [lon0, lat0]]]}


# Two districts side by side, as in tests/unit/fixture.h:
#   west: longitudes 30.0..30.5, latitudes 60.0..60.5
#   east: longitudes 30.5..31.0, latitudes 60.0..60.5
WEST_POINT = (60.25, 30.25)      # (lat, long)
EAST_POINT = (60.25, 30.75)
OUTSIDE_POINT = (59.0, 29.0)     # in no district

CITY = {
    "name": {"ru": "Тестоград", "en": "Testgrad"},
    "jurisdiction_id": JURISDICTION,
    "timezone": "Europe/Moscow",
    "fallback_agency": "admin",
    "services": [
        {"code": "pothole",
         "name": {"ru": "Яма на дороге", "en": "Pothole"},
         "group": {"ru": "Дороги", "en": "Roads"},
         "description": {"ru": "Ямы и выбоины", "en": "Holes in the road"},
         "keywords": ["яма", "асфальт"],
         "attributes": [
             {"code": "size", "datatype": "singlevaluelist",
              "required": True,
              "description": {"ru": "Размер ямы", "en": "Size"},
              "values": [
                  {"key": "small", "name": {"ru": "Малая", "en": "Small"}},
                  {"key": "large", "name": {"ru": "Большая",
                                            "en": "Large"}}]},
             {"code": "depth", "datatype": "number", "required": False,
              "description": {"ru": "Глубина, см", "en": "Depth, cm"},
              "datatype_description": {"ru": "Число сантиметров",
                                       "en": "Centimetres"}}]},
        {"code": "heating",
         "name": {"ru": "Нет отопления", "en": "No heating"},
         "group": {"ru": "ЖКХ", "en": "Housing"},
         "attributes": [
             {"code": "since", "datatype": "datetime", "required": True,
              "description": {"ru": "С какого времени", "en": "Since"}},
             {"code": "flats", "datatype": "number", "required": False,
              "description": "Сколько квартир"},
             {"code": "what", "datatype": "multivaluelist",
              "required": False, "description": "Что не работает",
              "values": [
                  {"key": "radiators", "name": "Батареи"},
                  {"key": "riser", "name": "Стояк"},
                  {"key": "boiler", "name": "Котельная"}]},
             {"code": "entrance", "datatype": "string", "required": False,
              "description": "Подъезд"},
             {"code": "details", "datatype": "text", "required": False,
              "description": "Подробности"},
             {"code": "hint", "datatype": "string", "variable": False,
              "description": "Сначала позвоните в управляющую компанию"}]},
        {"code": "other", "name": {"ru": "Другое", "en": "Other"},
         "type": "batch"},
        {"code": "noise", "name": {"ru": "Шум", "en": "Noise"}},
        {"code": "trees", "name": {"ru": "Деревья", "en": "Trees"}},
    ],
    "agencies": [
        {"code": "roads", "name": "Дорожная служба",
         "services": ["pothole"]},
        # City-wide for trees, except where a district takes them.
        {"code": "parks", "name": "Горзеленхоз", "services": ["trees"]},
        {"code": "west", "name": "УК Запад", "services": ["heating",
                                                        "trees"],
         "areas": [square(30.0, 60.0, 30.5, 60.5)]},
        {"code": "east", "name": "УК Восток", "services": ["heating"],
         "areas": {"type": "Feature", "properties": {},
                   "geometry": square(30.5, 60.0, 31.0, 60.5)}},
        {"code": "admin", "name": "Администрация",
         "services": ["other"]},
    ],
}

# Tests hash passwords at libsodium's minimum Argon2id cost (docs/auth.md).
TEST_ENV = dict(os.environ, VECHE_PWHASH_FAST="1")

# Time is an input (STYLE.md): every server and command a test runs reads
# veche's clock from a file the test owns (VECHE_CLOCK=file:..., see
# src/core/clock.h), set to this instant unless the class says otherwise.
# VECHE_TEST_CLOCK runs the whole suite at another instant, e.g.
#   VECHE_TEST_CLOCK=2026-12-28T10:00:00+03:00 python3 -m unittest ...
# A Monday in June: no holiday within 40 days either side.
DEFAULT_CLOCK = os.environ.get("VECHE_TEST_CLOCK") or \
    "2026-06-15T10:00:00+03:00"


def epoch_of(w3c):
    """Unix seconds of a W3C date-time with its zone."""
    import datetime as dt
    return int(dt.datetime.fromisoformat(w3c.replace("Z", "+00:00"))
               .timestamp())
TEST_PASSWORD = "correct horse battery"

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options")


class Response:
    """One HTTP answer: status, headers (case-insensitive), body bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def xml(self):
        return ET.fromstring(self.body)

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class Server:
    """The veche binary serving one temporary database."""

    def __init__(self, city=CITY, seed_reports=0, serve_args=(),
                 clock=None):
        self.serve_args = list(serve_args)
        self.tmp = tempfile.TemporaryDirectory(prefix="veche-api-")
        self.dir = self.tmp.name
        self.clock_path = os.path.join(self.dir, "clock")
        self.env = dict(TEST_ENV, VECHE_CLOCK="file:" + self.clock_path)
        self.set_clock(epoch_of(clock or DEFAULT_CLOCK))
        self.engine = ENGINE
        self.db = pg_create_database() if PG else \
            os.path.join(self.dir, "veche.db")
        self.own_db = self.db       # dropped at cleanup on PostgreSQL
        # On PostgreSQL there is no file to put photos and open data next
        # to: serve is told where they live.
        self.media = os.path.join(self.dir, "media")
        self.data_dir = os.path.join(self.dir, "opendata")
        self.model = os.path.join(self.dir, "services.model")
        self.city_path = os.path.join(self.dir, "city.json")
        self.stderr_path = os.path.join(self.dir, "server.stderr")
        self.proc = None
        self.port = None
        self.stderr_file = None
        with open(self.city_path, "w", encoding="utf-8") as f:
            json.dump(city, f, ensure_ascii=False, indent=1)
        self.cli("city", "import", "--db", self.db, self.city_path)
        out = self.cli("apikey", "create", "--db", self.db,
                       "--name", "tests")
        self.api_key = out.strip()
        if not re.fullmatch(r"\S{16,}", self.api_key):
            raise RuntimeError("apikey create printed %r, not a key" % out)
        if seed_reports:
            self.cli("seed", "--db", self.db, "--reports",
                     str(seed_reports), "--days", str(SEED_DAYS), "--seed", "7")

    def sql(self, query, params=()):
        """One statement on this server's database, either engine; its
        rows as tuples.  Write ? for parameters; keep to SQL both engines
        speak."""
        return sql_rows(self.db, query, params)

    def sql_value(self, query, params=()):
        """The first column of sql's only row."""
        rows = self.sql(query, params)
        if len(rows) != 1:
            raise AssertionError("%d rows from %s" % (len(rows), query))
        return rows[0][0]

    def train_services(self):
        """veche text train-services on this database; its output.  On
        PostgreSQL the model file is named (serve reads the same one)."""
        return self.cli("text", "train-services", "--db", self.db,
                        *(["--model", self.model] if PG else []))

    def has_table(self, name):
        """Whether the database holds a table called name."""
        if PG:
            q = ("SELECT count(*) FROM information_schema.tables WHERE "
                 "table_schema = current_schema() AND table_name = ?")
        else:
            q = "SELECT count(*) FROM sqlite_schema WHERE name = ?"
        return self.sql_value(q, (name,)) > 0

    def stored_bytes(self):
        """Everything the database keeps, as bytes: the SQLite file and
        its journals, or pg_dump's text of the PostgreSQL database."""
        if PG:
            p = subprocess.run([PG_DUMP, "--no-owner", "-d", self.db],
                               capture_output=True, timeout=120)
            if p.returncode != 0:
                raise RuntimeError("pg_dump: %s" % p.stderr.decode())
            return p.stdout
        raw = b""
        for f in sorted(os.listdir(self.dir)):
            if f.startswith(os.path.basename(self.db)):
                with open(os.path.join(self.dir, f), "rb") as fh:
                    raw += fh.read()
        return raw

    def serve_command(self, *extra):
        """The veche serve command line for this database (extra last)."""
        args = [VECHE_BIN, "serve", "--db", self.db]
        if PG:
            given = set(self.serve_args) | set(extra)
            if "--media" not in given:
                args += ["--media", self.media]
            if "--data-dir" not in given:
                args += ["--data-dir", self.data_dir]
            if "--suggest-model" not in given:
                args += ["--suggest-model", self.model]
        return args + list(extra)

    def set_clock(self, t):
        """Set veche's clock to Unix time t; it runs on from there."""
        tmp = self.clock_path + ".new"
        with open(tmp, "w") as f:
            f.write("@%d\n" % int(t))
        # A new file (rename) is a change veche sees at its next reading.
        os.replace(tmp, self.clock_path)
        self._clock = (int(t), time.monotonic())

    def advance(self, seconds):
        """Move veche's clock on by seconds (a whole number)."""
        self.set_clock(self.now() + seconds)

    def now(self):
        """veche's "now", in Unix seconds, as the server sees it."""
        base, at = self._clock
        return base + int(time.monotonic() - at)

    def cli(self, *args, input=None):
        """Run a veche command; input (str) goes to its standard input."""
        if not os.access(VECHE_BIN, os.X_OK):
            raise RuntimeError("VECHE_BIN=%s is not an executable; build "
                               "veche first" % VECHE_BIN)
        p = subprocess.run([VECHE_BIN] + list(args), capture_output=True,
                           timeout=120, env=self.env,
                           input=input.encode("utf-8") if input is not None
                           else None)
        if p.returncode != 0:
            raise RuntimeError("veche %s exited %d:\n%s" % (
                " ".join(args), p.returncode,
                p.stderr.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8")

    def start(self):
        # veche's clock runs on from the file's instant while it serves; a
        # new process would start over from that instant, before what the
        # last one wrote.  Carry on from at least where the last one was.
        if getattr(self, "_started", False):
            self.set_clock(self.now() + 1)
        self._started = True
        self.stderr_file = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            self.serve_command("--listen", "127.0.0.1:0", "--threads", "4",
                               *self.serve_args),
            stdout=subprocess.PIPE, stderr=self.stderr_file, env=self.env)
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in line:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.kill()
                raise RuntimeError(
                    "veche serve did not say 'listening on' within %ds "
                    "(exit %r); stdout %r; stderr:\n%s" % (
                        START_TIMEOUT, self.proc.returncode, line,
                        self.stderr()))
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(fd, 1)
                if chunk == b"":
                    continue
                line += chunk
        m = re.fullmatch(rb"veche: listening on http://127\.0\.0\.1:"
                         rb"(\d+)/\n", line)
        if m is None and "--public-url" in self.serve_args and \
                "--listen" in self.serve_args and \
                re.fullmatch(rb"veche: listening on \S+/\n", line):
            # The line names the public URL: the port is the one asked for.
            port = self.serve_args[self.serve_args.index("--listen") + 1]
            m = re.fullmatch(rb"127\.0\.0\.1:(\d+)", port.encode())
        if m is None:
            self.kill()
            raise RuntimeError("unexpected first line %r; stderr:\n%s" % (
                line, self.stderr()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        """SIGTERM and wait; returns the exit status."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "hung on SIGTERM"
        self._close()
        return rc

    def kill(self):
        """SIGKILL, as a crash or a power cut to the process would."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close()

    def _close(self):
        self.proc.stdout.close()
        self.stderr_file.close()
        self.proc = None

    def stderr(self, offset=0):
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_size(self):
        try:
            return os.path.getsize(self.stderr_path)
        except OSError:
            return 0

    def cleanup(self):
        if PG:
            pg_drop_database(self.own_db)
        self.tmp.cleanup()

    # Accounts (veche user ...), keys and the audit log

    def create_user(self, login, role, agencies=(), password=TEST_PASSWORD):
        """veche user create, the password on standard input."""
        args = ["user", "create", "--db", self.db, "--login", login,
                "--role", role]
        for a in agencies:
            args += ["--agency", a]
        self.cli(*args, input=password + "\n")
        return password

    def create_key(self, agency=None):
        """A new API key, scoped to agency when given."""
        args = ["apikey", "create", "--db", self.db, "--name",
                "key-%s" % uuid.uuid4().hex[:8]]
        if agency:
            args += ["--agency", agency]
        return self.cli(*args).strip()

    def audit_verify(self):
        """(exit status, output) of veche audit verify."""
        p = subprocess.run([VECHE_BIN, "audit", "verify", "--db", self.db],
                           capture_output=True, timeout=120, env=self.env)
        return p.returncode, p.stdout.decode("utf-8") + \
            p.stderr.decode("utf-8")

    # HTTP

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()


def encode_query(params):
    """params: a dict or a list of (name, value) pairs; None drops one."""
    if params is None:
        return ""
    items = params.items() if isinstance(params, dict) else params
    return urllib.parse.urlencode([(k, v) for k, v in items
                                   if v is not None])


def free_port():
    """A port on 127.0.0.1 that nothing listens on just now."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def multipart(fields, files=()):
    """Build a multipart/form-data body by hand.

    fields: (name, value) pairs; files: (name, filename, content_type,
    bytes).  Returns (content_type, body).
    """
    boundary = "veche-test-" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        if value is None:
            continue
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (boundary, name)).encode("utf-8"))
        out.append(value.encode("utf-8") if isinstance(value, str)
                   else value)
        out.append(b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" % (
                        boundary, name, filename, ctype)).encode("utf-8"))
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode("utf-8"))
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


FORMATS = ("json", "xml")


class ServerTestCase(unittest.TestCase):
    """A test class with its own server (started once for the class)."""

    seed_reports = 0
    city = CITY
    serve_args = ()          # extra `veche serve` options
    clock = None             # veche's clock at the start (DEFAULT_CLOCK)
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.server = Server(city=cls.city, seed_reports=cls.seed_reports,
                            serve_args=cls.serve_args, clock=cls.clock)
        try:
            cls.server.start()
        except Exception:
            cls.server.cleanup()
            raise
        cls.api_key = cls.server.api_key

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        log = cls.server.stderr()
        cls.server.cleanup()
        bad = [l for l in log.splitlines()
               if "Sanitizer" in l or "runtime error" in l]
        if rc not in (0, None) or bad:
            raise AssertionError("the server exited %r on SIGTERM or its "
                                 "sanitizers complained; stderr:\n%s" % (
                                     rc, log[-6000:]))

    def run(self, result=None):
        # Show what the server said while a failing test ran.
        if result is None:
            result = self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        offset = self.server.stderr_size() if hasattr(self, "server") \
            else 0
        super().run(result)
        if hasattr(self, "server") and \
                len(result.failures) + len(result.errors) > before:
            log = self.server.stderr(offset)
            if log:
                sys.stderr.write("\n--- veche stderr during %s ---\n%s"
                                 "--- end ---\n" % (self.id(), log[-6000:]))
        return result

    def server_now(self):
        """veche's clock now, as an aware datetime in UTC."""
        import datetime as dt
        return dt.datetime.fromtimestamp(self.server.now(), dt.timezone.utc)

    # HTTP helpers: every response must carry the security headers.

    def fetch(self, method, path, body=None, headers=None):
        r = self.server.request(method, path, body, headers)
        for h in SECURITY_HEADERS:
            self.assertTrue(r.headers.get(h),
                            "%s %s: no %s header" % (method, path, h))
        return r

    def get(self, path, params=None, headers=None):
        """GET /open311/v2/<path> with a query; returns a Response."""
        q = encode_query(params)
        url = "/open311/v2/" + path + ("?" + q if q else "")
        return self.fetch("GET", url, headers=headers)

    def post(self, path, fields, headers=None, key=True):
        """POST an urlencoded form; the API key is added unless key=False."""
        fields = list(fields.items() if isinstance(fields, dict) else fields)
        if key:
            fields.append(("api_key", self.api_key))
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.fetch("POST", "/open311/v2/" + path,
                          encode_query(fields).encode("ascii"), h)

    def post_multipart(self, path, fields, files=(), key=True):
        fields = list(fields.items() if isinstance(fields, dict) else fields)
        if key:
            fields.append(("api_key", self.api_key))
        ctype, body = multipart(fields, files)
        return self.fetch("POST", "/open311/v2/" + path, body,
                          {"Content-Type": ctype})

    # Open311 helpers

    def create(self, fields, fmt="json"):
        """POST a report that must be accepted; returns its id as int."""
        r = self.post("requests." + fmt, fields)
        self.assertEqual(r.status, 201, r)
        if fmt == "json":
            return int(r.json()[0]["service_request_id"])
        return int(r.xml().find("request/service_request_id").text)

    def count(self):
        """How many reports GET requests.json lists (default window)."""
        r = self.get("requests.json")
        self.assertEqual(r.status, 200, r)
        return len(r.json())

    def ids(self, params, fmt="json"):
        """The service_request_ids GET requests.FMT lists for params."""
        r = self.get("requests." + fmt, params)
        self.assertEqual(r.status, 200, r)
        if fmt == "json":
            return [int(o["service_request_id"]) for o in r.json()]
        root = r.xml()
        self.assertEqual(root.tag, "service_requests")
        return [int(e.findtext("service_request_id")) for e in root]

    def by_id(self, rid, params=None):
        r = self.get("requests/%d.json" % rid, params)
        self.assertEqual(r.status, 200, r)
        items = r.json()
        self.assertEqual(len(items), 1)
        return items[0]

    def assert_names(self, r, status, field):
        """r is a refusal with status whose message names field: the
        first error's description (JSON) or the error page's alert
        (HTML), not just any text of the answer."""
        self.assertEqual(r.status, status, r)
        if r.headers.get("Content-Type", "").startswith("application/json"):
            said = r.json()[0]["description"]
        else:
            m = re.search(r'role="alert">([^<]*)<', r.text())
            self.assertIsNotNone(m, "no error alert in %r" % r)
            said = m.group(1)
        self.assertRegex(said, r"\b%s\b" % re.escape(field), r)

    def assert_error(self, r, fmt, status, field):
        """r is an Open311 error in format fmt, naming field."""
        self.assertEqual(r.status, status, r)
        if fmt == "xml":
            self.assertEqual(r.headers.get("Content-Type"), "text/xml")
            root = r.xml()
            self.assertEqual(root.tag, "errors")
            errs = list(root)
            self.assertGreaterEqual(len(errs), 1)
            for e in errs:
                self.assertEqual(e.tag, "error")
                self.assertEqual(sorted(c.tag for c in e),
                                 ["code", "description"])
            code = errs[0].findtext("code")
            desc = errs[0].findtext("description")
        else:
            self.assertEqual(r.headers.get("Content-Type"),
                             "application/json")
            doc = r.json()
            self.assertIsInstance(doc, list)
            self.assertGreaterEqual(len(doc), 1)
            self.assertEqual(sorted(doc[0]), ["code", "description"])
            code = doc[0]["code"]
            desc = doc[0]["description"]
        self.assertEqual(int(code), status)
        self.assertIn(field, desc)
        return desc


def report_fields(service="other", point=WEST_POINT, **extra):
    """Fields of a valid report for service at point (lat, long)."""
    f = {"service_code": service,
         "description": "Тестовое обращение"}
    if point is not None:
        f["lat"], f["long"] = "%.6f" % point[0], "%.6f" % point[1]
    if service == "pothole":
        f["attribute[size]"] = "small"
    elif service == "heating":
        f["attribute[since]"] = "2026-01-15T08:00:00+03:00"
    f.update(extra)
    return [(k, v) for k, v in f.items() if v is not None]


class Session:
    """A browser-like client of /api/v1: keeps the session cookie and the
    session's CSRF token, and sends it with every POST unless told not to."""

    def __init__(self, test, login=None, password=TEST_PASSWORD):
        self.test = test
        self.cookies = {}
        self.csrf = None
        self.last = None
        if login is not None:
            r = self.login(login, password)
            test.assertEqual(r.status, 200, r)

    def _headers(self, extra=None):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in
                                    self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, r):
        for v in r.headers.get_all("Set-Cookie") or ():
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in v or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.last = r
        return r

    def login(self, login, password=TEST_PASSWORD):
        r = self.post("/api/v1/login", {"login": login,
                                        "password": password}, csrf=False)
        if r.status == 200:
            self.csrf = r.json()["csrf"]
        return r

    def get(self, path, params=None, headers=None):
        q = encode_query(params)
        return self._keep(self.test.fetch(
            "GET", path + ("?" + q if q else ""),
            headers=self._headers(headers)))

    def post(self, path, fields=None, csrf=True, headers=None, json_body=None):
        """POST a form (fields) or a JSON object (json_body)."""
        h = self._headers(headers)
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            h["Content-Type"] = "application/json"
            if csrf and self.csrf:
                h.setdefault("X-CSRF-Token", self.csrf)
        else:
            items = list(fields.items() if isinstance(fields, dict)
                         else fields or [])
            if csrf and self.csrf:
                items.append(("csrf", self.csrf))
            body = encode_query(items).encode("ascii")
            h["Content-Type"] = "application/x-www-form-urlencoded"
        return self._keep(self.test.fetch("POST", path, body, h))
