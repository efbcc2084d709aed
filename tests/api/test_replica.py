"""
Read replicas (veche serve --db-read URL; docs/scaling.md, "Read
replicas"): a real PostgreSQL primary and its hot standby (ctest fixtures
pg and pg-standby, scripts/pg.sh), veche serving over real HTTP.

Reads go to the replica (X-Veche-Read says where each request read); a
client that wrote reads its own write at once, also while the standby's
replay is paused (SELECT pg_wal_replay_pause()) and from the response
cache's point of view, by its address, its API key and its veche_lsn
cookie; another client at the same moment reads the replica, which lacks
the write; a replica further behind than --db-read-lag is skipped until
it catches up; a stopped replica leaves every read served by the primary.

Clients are told apart by X-Forwarded-For (the server trusts loopback as
its proxy), as a deployment behind a reverse proxy does.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import PG, TEST_PASSWORD, Server, ServerTestCase, Session, \
    encode_query, psql, report_fields

HERE = os.path.dirname(os.path.abspath(__file__))
PG_SH = os.path.join(HERE, "..", "..", "scripts", "pg.sh")
WAIT = 60                 # seconds, only to fail rather than hang


def standby_dir():
    folder = os.environ.get("VECHE_PG_STANDBY_DIR")
    if not PG or not folder:
        raise unittest.SkipTest("needs VECHE_TEST_ENGINE=pg and "
                                "VECHE_PG_STANDBY_DIR: run through ctest "
                                "(fixtures pg and pg-standby)")
    return folder


def standby_url(folder, db):
    """db's database (created on the primary, replicated) on the standby
    whose URL is in folder/url."""
    with open(os.path.join(folder, "url"), encoding="utf-8") as f:
        base = f.read().strip()
    name = re.search(r"/(t_\d+_\d+)\?", db).group(1)
    return re.sub(r"/veche\?", "/%s?" % name, base, count=1)


def standby_base(folder):
    with open(os.path.join(folder, "url"), encoding="utf-8") as f:
        return f.read().strip()


def await_true(what, probe):
    """Poll probe() until it is true; fail after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError("never happened: " + what)
        time.sleep(0.05)


def serve_with_replica(cls, folder, *args):
    """Start cls.server on a new database of the fixture's primary, its
    reads on the standby in folder, loopback trusted as the proxy."""
    server = Server()
    server.serve_args = ["--db-read", standby_url(folder, server.db),
                         "--trusted-proxy", "127.0.0.1"] + list(args)
    started = False
    try:
        server.start()
        started = True
    finally:
        if not started:
            server.cleanup()
    cls.server = server
    cls.api_key = server.api_key


class Client:
    """One client of the API, told apart by its address (X-Forwarded-For)
    and the cookies it keeps if asked to."""

    def __init__(self, test, address, cookies=False):
        self.test = test
        self.address = address
        self.keep = cookies
        self.cookie = None

    def headers(self, extra=None):
        h = {"X-Forwarded-For": self.address}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(extra or {})
        return h

    def get(self, path, params=None):
        q = encode_query(params) if params else ""
        return self.test.fetch("GET", path + ("?" + q if q else ""),
                               headers=self.headers())

    def create(self, **fields):
        r = self.test.post("requests.json", report_fields(**fields),
                           headers=self.headers())
        self.test.assertEqual(r.status, 201, r)
        if self.keep:
            m = re.search(r"veche_lsn=[0-9a-f]+", r.headers.get(
                "Set-Cookie", ""))
            self.cookie = m.group(0) if m else None
        return int(r.json()[0]["service_request_id"]), r


def read_from(r):
    return r.headers.get("X-Veche-Read")


class ReplicaCase(ServerTestCase):
    """A server whose reads go to the fixture's standby."""

    lag_ms = 600000         # the bound never matters unless a class says

    @classmethod
    def setUpClass(cls):
        folder = standby_dir()
        cls.standby = standby_base(folder)
        serve_with_replica(cls, folder, "--db-read-lag", str(cls.lag_ms))
        cls.replay_on()

    @classmethod
    def tearDownClass(cls):
        cls.replay_on()
        super().tearDownClass()

    @classmethod
    def replay_on(cls):
        psql(cls.standby, "SELECT pg_wal_replay_resume();")

    def replay_off(self):
        psql(self.standby, "SELECT pg_wal_replay_pause();")
        await_true("the standby's replay paused", lambda: psql(
            self.standby, "SELECT pg_get_wal_replay_pause_state();")
            .strip() == "paused")
        self.addCleanup(self.replay_on)

    def await_replica(self, client):
        """Until the replica serves client (it has replayed the schema and
        everything the client wrote)."""
        await_true("reads on the replica", lambda: read_from(
            client.get("/open311/v2/services.json")) == "replica")


class TestReadYourWrites(ReplicaCase):

    def test_reads_go_to_the_replica(self):
        b = Client(self, "10.0.0.2")
        self.await_replica(b)
        r = b.get("/open311/v2/requests.json")
        self.assertEqual(r.status, 200)
        self.assertEqual(read_from(r), "replica")
        r = b.get("/")
        self.assertEqual((r.status, read_from(r)), (200, "replica"))

    def test_writer_reads_its_write_while_replay_paused(self):
        a, b = Client(self, "10.0.0.1"), Client(self, "10.0.0.2")
        self.await_replica(a)
        self.await_replica(b)
        # The list cached from the replica before the write.
        before = b.get("/open311/v2/requests.json")
        self.assertEqual(read_from(before), "replica")
        self.replay_off()

        rid, posted = a.create(description="Яма у дома 5")
        self.assertEqual(read_from(posted), "primary")
        # The other client reads the replica, which lacks the write.
        r = b.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (404, "replica"))
        r = b.get("/open311/v2/requests.json")
        self.assertEqual(read_from(r), "replica")
        self.assertNotIn(rid, [int(x["service_request_id"])
                               for x in r.json()])
        # The writer reads it at once: by id, in the list (not the list
        # the other client's read just cached from the replica), and on
        # its page.
        r = a.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "primary"))
        self.assertEqual(r.json()[0]["description"], "Яма у дома 5")
        r = a.get("/open311/v2/requests.json")
        self.assertEqual(read_from(r), "primary")
        self.assertIn(rid, [int(x["service_request_id"]) for x in r.json()])
        r = a.get("/reports/%d" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "primary"))
        self.assertIn("Яма у дома 5", r.text())

        # Replayed: both read it from the replica.
        self.replay_on()
        await_true("the writer back on the replica", lambda: read_from(
            a.get("/open311/v2/requests/%d.json" % rid)) == "replica")
        r = b.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "replica"))

    def test_cookie_carries_the_write(self):
        # A browser moving to another address (or another process behind
        # the balancer) keeps its cookie: that alone routes it.
        a = Client(self, "10.0.1.1", cookies=True)
        self.await_replica(a)
        self.replay_off()
        rid, posted = a.create(description="Сломана скамейка")
        self.assertIsNotNone(a.cookie, posted.headers.get("Set-Cookie"))
        self.assertIn("Max-Age=", posted.headers.get("Set-Cookie"))
        a.address = "10.0.1.2"
        r = a.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "primary"))
        # Without the cookie, from there: the replica, without the write.
        a.cookie = None
        r = a.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (404, "replica"))

    def test_api_key_carries_the_write(self):
        # An Open311 client without cookies, posting from one address and
        # reading with its key from another.
        a = Client(self, "10.0.2.1")
        self.await_replica(a)
        self.replay_off()
        rid, _ = a.create(description="Нет света в подъезде")
        a.address = "10.0.2.2"
        r = self.fetch("GET", "/open311/v2/requests/%d.json?%s" % (
            rid, encode_query({"api_key": self.api_key})),
            headers=a.headers())
        self.assertEqual((r.status, read_from(r)), (200, "primary"))

    def test_signed_in_at_once(self):
        # A session is a row written at sign-in: a browser must find
        # itself signed in on the next page, while the replica lacks it.
        self.server.create_user("reader1", "citizen")
        s = Session(self)
        xff = {"X-Forwarded-For": "10.0.6.1"}
        self.await_replica(Client(self, "10.0.6.1"))
        self.replay_off()
        r = s.post("/api/v1/login", {"login": "reader1",
                                     "password": TEST_PASSWORD},
                   csrf=False, headers=xff)
        self.assertEqual(r.status, 200, r)
        self.assertIn("veche_lsn", s.cookies)
        # From another address (a phone changing networks): the cookie.
        r = s.get("/api/v1/me", headers={"X-Forwarded-For": "10.0.6.2"})
        self.assertEqual((r.status, read_from(r)), (200, "primary"), r)
        self.assertEqual(r.json()["login"], "reader1")

    def test_links_that_write_use_the_primary(self):
        # Links followed from e-mail write on GET.
        a = Client(self, "10.0.7.1")
        self.await_replica(a)
        for path in ("/account/confirm", "/account/confirm-report",
                     "/alerts/confirm"):
            r = a.get(path, {"token": "0" * 64})
            self.assertEqual(read_from(r), "primary", path)

    def test_writes_never_read_the_replica(self):
        a = Client(self, "10.0.3.1")
        self.await_replica(a)
        r = self.post("requests.json", {"service_code": "nope"},
                      headers=a.headers())
        self.assertEqual(r.status, 400)
        self.assertEqual(read_from(r), "primary")
        # A refused write wrote nothing: the client stays on the replica.
        r = a.get("/open311/v2/services.json")
        self.assertEqual(read_from(r), "replica")


class TestSignedCookie(ReplicaCase):
    """veche_lsn is signed with the deployment's key and carries the end
    of its window: a genuine one routes by its position, a forged,
    tampered or stale one is not believed and its client reads the
    primary (quietly: the read answers as any other)."""

    def test_forged_and_stale_cookies_read_the_primary(self):
        writer = Client(self, "10.0.9.1", cookies=True)
        self.await_replica(writer)
        rid, _ = writer.create(description="Разбит фонарь")
        genuine = writer.cookie
        self.assertRegex(genuine, r"^veche_lsn=[0-9a-f]{96}$")
        # From an address that never wrote, the genuine cookie reads
        # the replica once it has replayed the write.
        c = Client(self, "10.0.9.2")
        c.cookie = genuine
        await_true("the cookie's write replayed", lambda: (
            lambda r: (r.status, read_from(r)) == (200, "replica"))(
            c.get("/open311/v2/requests/%d.json" % rid)))
        # The position lowered, a MAC made up, the old unsigned form:
        # the primary, which answers.
        value = genuine.split("=", 1)[1]
        lowered = "0" * 16 + value[16:]
        for forged in (lowered, value[:32] + "0" * 64, "1", "0" * 96):
            c.cookie = "veche_lsn=" + forged
            r = c.get("/open311/v2/requests/%d.json" % rid)
            self.assertEqual((r.status, read_from(r)), (200, "primary"),
                             forged)
        # Without a cookie: the replica.
        c.cookie = None
        self.assertEqual(read_from(c.get("/open311/v2/services.json")),
                         "replica")
        # Past its window (veche's clock an hour on): stale, the primary.
        c.cookie = genuine
        self.assertEqual(read_from(c.get("/open311/v2/services.json")),
                         "replica")
        self.server.advance(3600)
        r = c.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "primary"))
        self.assertNotIn("veche_lsn", self.server.stderr())


class TestLagBound(ReplicaCase):
    """A replica further behind than --db-read-lag is skipped."""

    lag_ms = 1000

    def test_lagging_replica_is_skipped(self):
        b = Client(self, "10.0.4.2")
        self.await_replica(b)
        self.replay_off()
        rid, _ = Client(self, "10.0.4.1").create(description="Шумят ночью")
        # Behind by more than the bound: everyone reads the primary,
        # and sees the write.
        await_true("the lagging replica skipped", lambda: read_from(
            b.get("/open311/v2/services.json")) == "primary")
        r = b.get("/open311/v2/requests/%d.json" % rid)
        self.assertEqual((r.status, read_from(r)), (200, "primary"))
        self.assertIn("further behind than --db-read-lag",
                      self.server.stderr())
        self.replay_on()
        # Caught up: back on the replica, which now has the write.
        await_true("the replica used again, with the write", lambda: (
            lambda r: (r.status, read_from(r)) == (200, "replica"))(
            b.get("/open311/v2/requests/%d.json" % rid)))


class TestReplicaStopped(ServerTestCase):
    """A replica of its own, stopped under the server."""

    @classmethod
    def setUpClass(cls):
        standby_dir()
        cls.tmp = tempfile.mkdtemp(prefix="veche-standby-")
        cls.folder = os.path.join(cls.tmp, "standby")
        subprocess.run(["sh", PG_SH, "standby", cls.folder,
                        os.environ["VECHE_PG_DIR"]], check=True,
                       capture_output=True, timeout=120)
        try:
            serve_with_replica(cls, cls.folder)
        except Exception:
            cls.stop_standby()
            raise

    @classmethod
    def stop_standby(cls):
        subprocess.run(["sh", PG_SH, "stop", cls.folder],
                       capture_output=True, timeout=120)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls.stop_standby()
        super().tearDownClass()

    def test_reads_served_by_the_primary(self):
        b = Client(self, "10.0.5.2")
        await_true("reads on the replica", lambda: read_from(
            b.get("/open311/v2/services.json")) == "replica")
        rid, _ = Client(self, "10.0.5.1").create(description="Упало дерево")
        await_true("the report replayed", lambda: b.get(
            "/open311/v2/requests/%d.json" % rid).status == 200)

        subprocess.run(["sh", PG_SH, "stop", self.folder], check=True,
                       capture_output=True, timeout=120)
        # Every read from now on is answered, by the primary.
        for path in ("/open311/v2/requests/%d.json" % rid,
                     "/open311/v2/requests.json", "/",
                     "/reports/%d" % rid):
            r = b.get(path)
            self.assertEqual((r.status, read_from(r)), (200, "primary"),
                             path)
        await_true("the replica's loss logged", lambda:
                   "replica unreachable" in self.server.stderr())


if __name__ == "__main__":
    unittest.main()
