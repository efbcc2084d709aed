"""
Delivery to agency systems: signed webhooks with retries and a dead-letter
state (replayed through the admin routes), no event lost when the server is
killed with SIGKILL mid-delivery, e-mail seen by a real local SMTP receiver
(aiosmtpd), and the CSV export.
"""
import contextlib
import copy
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import (CITY, WEST_POINT, Server, ServerTestCase, encode_query,
                     free_port, report_fields)

SECRET = "test-secret-0123456789"
# The receivers listen on loopback, which webhooks may reach only when
# allowed (TestWebhookGuard shows the refusal).
FAST = ("--retry-base-ms", "100", "--retry-cap-ms", "400",
        "--max-attempts", "4", "--webhook-allow-private")
WAIT = 60                 # seconds to wait for a delivery (ASan is slow)


class Receiver:
    """An agency system on 127.0.0.1:0.

    Per path: `fail` answers 500 to the first N requests of each
    idempotency key, `always_fail` to all, `sleep` seconds before
    answering.  Every request is kept; `accepted` maps key -> bodies
    answered 2xx.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.accepted = {}
        self.fail = {}
        self.always_fail = set()
        self.sleep = {}
        self.seen = {}
        self.in_flight = threading.Event()
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                key = self.headers.get("X-Veche-Delivery")
                with rec.lock:
                    rec.requests.append((self.path, dict(self.headers),
                                         body))
                    count = rec.seen.get((self.path, key), 0) + 1
                    rec.seen[(self.path, key)] = count
                    fail = self.path in rec.always_fail or \
                        count <= rec.fail.get(self.path, 0)
                    pause = rec.sleep.get(self.path, 0)
                if pause:
                    rec.in_flight.set()
                    time.sleep(pause)
                try:
                    self.send_response(500 if fail else 200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    return      # the sender died meanwhile
                if not fail:
                    with rec.lock:
                        rec.accepted.setdefault(key, []).append(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def of_path(self, path):
        with self.lock:
            return [r for r in self.requests if r[0] == path]


def wait_for(what, cond, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def wait_idle(server):
    """Wait until the outbox has nothing pending or being sent: from then
    on nothing more can arrive at a receiver, however long one waits."""
    def idle():
        r = admin(server, "GET", "/api/v1/outbox/stats")
        if r.status != 200:
            raise AssertionError("outbox stats: %r" % r)
        d = r.json()["deliveries"]
        return d.get("pending", 0) == 0 and d.get("sending", 0) == 0
    wait_for("the outbox to settle", idle)


def check_signature(test, headers, body):
    ts = headers["X-Veche-Timestamp"]
    want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    test.assertEqual(headers["X-Veche-Signature"], want)
    test.assertLess(abs(int(ts) - test.server.now()), 600)


def admin(server, method, path, fields=None, key=None):
    """Call an admin route with the server's API key."""
    fields = list((fields or {}).items()) + [("api_key",
                                              key or server.api_key)]
    if method == "GET" or method == "DELETE":
        return server.request(method, path + "?" + encode_query(fields))
    return server.request(method, path, encode_query(fields).encode(),
                          {"Content-Type":
                           "application/x-www-form-urlencoded"})


def subscribe(server, url, **extra):
    f = {"url": url, "secret": SECRET}
    f.update(extra)
    r = admin(server, "POST", "/api/v1/webhooks", f)
    if r.status != 201:
        raise AssertionError(r)
    return r.json()["id"]


class TestWebhooks(ServerTestCase):
    serve_args = FAST

    @classmethod
    def setUpClass(cls):
        cls.rx = Receiver()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.rx.close()

    def test_retries_then_delivers_signed_with_stable_key(self):
        self.rx.fail["/retry"] = 2
        sid = subscribe(self.server, self.rx.url + "/retry")
        try:
            text = "Яма, \"глубокая\" — retry"
            rid = self.create(report_fields(
                "pothole", WEST_POINT, description=text,
                email="anna@mail.test", first_name="Анна"))
            wait_for("3 attempts", lambda: len(self.rx.of_path("/retry")) >= 3)
            reqs = self.rx.of_path("/retry")
            keys = {h["X-Veche-Delivery"] for _, h, _ in reqs}
            self.assertEqual(len(keys), 1, "the idempotency key changed")
            key = keys.pop()
            # The receiver records an answer after sending it: await it.
            wait_for("the third attempt accepted",
                     lambda: key in self.rx.accepted)
            for _, h, body in reqs:
                check_signature(self, h, body)
                self.assertEqual(h["X-Veche-Event"], "report.created")
                self.assertTrue(h["Content-Type"].startswith(
                    "application/json"))
            # Same bytes on every attempt.
            self.assertEqual(len({b for _, _, b in reqs}), 1)
            doc = json.loads(reqs[0][2])
            self.assertEqual(doc["id"], key)
            self.assertEqual(doc["event"], "report.created")
            self.assertEqual(doc["agency"], "roads")
            self.assertEqual(doc["report"]["service_request_id"], rid)
            self.assertEqual(doc["report"]["description"], text)
            # The reporter's contact is not sent unless asked for.
            self.assertNotIn("anna@mail.test", reqs[0][2].decode())
            self.assertNotIn("contact", doc)
            wait_idle(self.server)
            self.assertEqual(len(self.rx.of_path("/retry")), 3,
                             "delivered, yet sent again")
        finally:
            admin(self.server, "DELETE", "/api/v1/webhooks/%d" % sid)

    def test_contact_only_when_subscribed_for_it(self):
        sid = subscribe(self.server, self.rx.url + "/contact",
                        include_contact="1", agency="roads",
                        events="report.created")
        try:
            self.create(report_fields("pothole", WEST_POINT,
                                      email="boris@mail.test",
                                      last_name="Борисов"))
            self.create(report_fields("other", WEST_POINT))  # admin agency
            reqs = wait_for("a delivery",
                            lambda: self.rx.of_path("/contact"))
            doc = json.loads(reqs[0][2])
            self.assertEqual(doc["contact"]["email"], "boris@mail.test")
            self.assertEqual(doc["contact"]["last_name"], "Борисов")
            check_signature(self, reqs[0][1], reqs[0][2])
            wait_idle(self.server)
            self.assertEqual(len(self.rx.of_path("/contact")), 1,
                             "the agency filter let another agency through")
        finally:
            admin(self.server, "DELETE", "/api/v1/webhooks/%d" % sid)

    def test_dead_letter_then_replay(self):
        self.rx.always_fail.add("/dead")
        sid = subscribe(self.server, self.rx.url + "/dead")
        try:
            rid = self.create(report_fields("pothole", WEST_POINT,
                                            description="dead letter"))

            def dead():
                r = admin(self.server, "GET", "/api/v1/outbox/dead")
                self.assertEqual(r.status, 200, r)
                return [d for d in r.json()
                        if d["service_request_id"] == rid]
            d = wait_for("the dead letter", dead)[0]
            self.assertEqual(d["attempts"], 4)
            self.assertEqual(d["state"], "dead")
            self.assertIn("500", d["last_error"])
            self.assertEqual(len(self.rx.of_path("/dead")), 4)
            stats = admin(self.server, "GET", "/api/v1/outbox/stats").json()
            self.assertGreaterEqual(stats["deliveries"]["dead"], 1)
            # The agency's system is fixed: replay it.
            self.rx.always_fail.discard("/dead")
            r = admin(self.server, "POST",
                      "/api/v1/outbox/dead/%d/replay" % d["id"])
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["replayed"], 1)
            wait_for("the replayed delivery",
                     lambda: d["idempotency_key"] in self.rx.accepted)
            self.assertEqual(dead(), [])
            r = admin(self.server, "POST",
                      "/api/v1/outbox/dead/%d/replay" % d["id"])
            self.assertEqual(r.status, 404, r)
        finally:
            admin(self.server, "DELETE", "/api/v1/webhooks/%d" % sid)

    def test_admin_routes_need_a_key(self):
        for method, path in (("GET", "/api/v1/webhooks"),
                             ("GET", "/api/v1/outbox/stats"),
                             ("GET", "/api/v1/outbox/dead"),
                             ("POST", "/api/v1/outbox/replay")):
            r = self.server.request(method, path)
            self.assertIn(r.status, (401, 403), (method, path, r))
        r = admin(self.server, "POST", "/api/v1/webhooks",
                  {"url": "file:///etc/passwd", "secret": SECRET})
        self.assert_names(r, 400, "url")
        r = admin(self.server, "POST", "/api/v1/webhooks",
                  {"url": self.rx.url, "secret": SECRET,
                   "events": "report.created,nonsense"})
        self.assertEqual(r.status, 400, r)
        sid = subscribe(self.server, self.rx.url + "/listed",
                        events="report.answered")
        lst = admin(self.server, "GET", "/api/v1/webhooks").json()
        mine = [s for s in lst if s["id"] == sid]
        self.assertEqual(mine[0]["events"], "report.answered")
        self.assertNotIn(SECRET, json.dumps(lst), "secrets are listed")
        r = admin(self.server, "DELETE", "/api/v1/webhooks/%d" % sid)
        self.assertEqual(r.status, 200, r)
        r = admin(self.server, "DELETE", "/api/v1/webhooks/%d" % sid)
        self.assertEqual(r.status, 404, r)

    def test_csv_export(self):
        text = "Строка с запятой, \"кавычками\"\nи переводом строки"
        rid = self.create(report_fields("pothole", WEST_POINT,
                                        description=text,
                                        email="csv@mail.test"))
        today = self.server_now().date()
        q = {"from": (today - dt.timedelta(days=1)).isoformat(),
             "to": (today + dt.timedelta(days=1)).isoformat(), "bom": "1",
             "api_key": self.api_key}
        r = self.fetch("GET", "/api/v1/agencies/roads/reports.csv?" +
                       encode_query(q))
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbfid,requested,"))
        import csv
        import io
        rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"),
                                           newline="")))
        self.assertEqual(rows[0][0], "id")
        mine = [row for row in rows[1:] if row[0] == str(rid)]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0][rows[0].index("description")], text)
        self.assertEqual(mine[0][rows[0].index("email")], "csv@mail.test")
        self.assertIn(b"\r\n", r.body)
        # Another agency's export holds none of roads' reports.
        r = self.fetch("GET", "/api/v1/agencies/west/reports.csv?" +
                       encode_query(dict(q, bom="0")))
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"id,"))
        self.assertNotIn(text.split(",")[0].encode(), r.body)
        # Anonymous callers, bad dates and unknown agencies are refused.
        q2 = dict(q)
        del q2["api_key"]
        r = self.fetch("GET", "/api/v1/agencies/roads/reports.csv?" +
                       encode_query(q2))
        self.assertIn(r.status, (401, 403), r)
        r = self.fetch("GET", "/api/v1/agencies/roads/reports.csv?" +
                       encode_query(dict(q, to="2025-13-01")))
        self.assertEqual(r.status, 400, r)
        self.assertRegex(r.json()[0]["description"], r"^to\b", r)
        r = self.fetch("GET", "/api/v1/agencies/nosuch/reports.csv?" +
                       encode_query(q))
        self.assertEqual(r.status, 404, r)


class TestWebhookGuard(unittest.TestCase):
    """Webhooks reach only public addresses unless the operator allows
    private ones (docs/delivery.md), and a proxy in the environment is not
    a way round that check."""

    def post_report(self, server, description):
        fields = report_fields("pothole", WEST_POINT, description=description)
        fields.append(("api_key", server.api_key))
        r = server.request(
            "POST", "/open311/v2/requests.json", encode_query(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 201, r)
        return r.json()[0]["service_request_id"]

    def test_loopback_refused_by_default(self):
        rx = Receiver()
        server = Server(serve_args=("--retry-base-ms", "100",
                                    "--max-attempts", "1"))
        try:
            server.start()
            subscribe(server, rx.url + "/inside")
            rid = self.post_report(server, "to a loopback webhook")

            def dead():
                r = admin(server, "GET", "/api/v1/outbox/dead")
                self.assertEqual(r.status, 200, r)
                return [d for d in r.json() if d["service_request_id"] == rid]
            d = wait_for("the refused delivery", dead)[0]
            self.assertEqual(d["last_error"],
                             "address not allowed: 127.0.0.1 is a loopback "
                             "address")
            self.assertEqual(rx.of_path("/inside"), [])
        finally:
            server.stop()
            rx.close()

    def test_environment_proxy_not_used(self):
        rx = Receiver()
        proxy = Receiver()      # would see the request if curl used it
        server = Server(serve_args=FAST)
        server.env["http_proxy"] = proxy.url
        server.env["HTTP_PROXY"] = proxy.url
        server.env["all_proxy"] = proxy.url
        try:
            server.start()
            subscribe(server, rx.url + "/direct")
            self.post_report(server, "past the proxy")
            wait_for("the direct delivery", lambda: rx.of_path("/direct"))
            wait_idle(server)
            self.assertEqual(proxy.requests, [])
        finally:
            server.stop()
            rx.close()
            proxy.close()


class TestKillDuringDelivery(unittest.TestCase):
    """SIGKILL while deliveries are pending and one is in flight."""

    def test_no_event_lost(self):
        rx = Receiver()
        rx.sleep["/slow"] = 3
        server = Server(serve_args=FAST)
        try:
            server.start()
            subscribe(server, rx.url + "/slow")
            ids = []
            for i in range(5):
                fields = report_fields("pothole", WEST_POINT,
                                       description="crash %d" % i)
                fields.append(("api_key", server.api_key))
                r = server.request(
                    "POST", "/open311/v2/requests.json",
                    encode_query(fields).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
                self.assertEqual(r.status, 201, r)
                ids.append(int(r.json()[0]["service_request_id"]))
            self.assertTrue(rx.in_flight.wait(WAIT), "nothing was sent")
            server.kill()                      # mid-flight
            self.assertEqual(rx.accepted, {})
            with rx.lock:
                first = list(rx.requests)
            self.assertEqual(len(first), 1, "more than one send at once")
            flying = first[0][1]["X-Veche-Delivery"]
            rx.sleep["/slow"] = 0
            server.start()
            got = wait_for("all 5 events", lambda: len({
                json.loads(b[0])["report"]["service_request_id"]
                for b in rx.accepted.values()}) == 5 and rx.accepted)
            rids = sorted(json.loads(b[0])["report"]["service_request_id"]
                          for b in got.values())
            self.assertEqual(rids, sorted(ids))
            # Repeats carry the same key and the same bytes.
            for key, bodies in got.items():
                self.assertEqual(len(set(bodies)), 1)
                self.assertEqual(json.loads(bodies[0])["id"], key)
            # Only the send in flight came twice, the second time marked a
            # redelivery; the rest, never sent before, once as attempt 1.
            wait_idle(server)
            with rx.lock:
                reqs = list(rx.requests)
            by_key = {}
            for _, h, body in reqs:
                by_key.setdefault(h["X-Veche-Delivery"], []).append(
                    (h, body))
            self.assertEqual(len(by_key[flying]), 2)
            h0, h1 = by_key[flying][0][0], by_key[flying][1][0]
            self.assertEqual(
                (h0.get("X-Veche-Attempt"), h0.get("X-Veche-Redelivery")),
                ("1", None))
            self.assertEqual(
                (h1.get("X-Veche-Attempt"), h1.get("X-Veche-Redelivery")),
                ("2", "1"))
            self.assertEqual(by_key[flying][0][1], by_key[flying][1][1])
            for key, sent in by_key.items():
                if key != flying:
                    self.assertEqual(len(sent), 1, key)
                    self.assertEqual(sent[0][0].get("X-Veche-Attempt"), "1")
                    self.assertNotIn("X-Veche-Redelivery", sent[0][0])
            self.assertIn("in flight", server.stderr())
            self.assertEqual(server.stop(), 0)
        finally:
            server.kill()
            server.cleanup()
            rx.close()


def smtp_controller():
    """aiosmtpd's Controller (Debian's python3-aiosmtpd, scripts/deps.sh).

    A python3 other than Debian's (pyenv, a venv) is pointed at Debian's
    packages, where apt installed it.
    """
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            raise AssertionError("aiosmtpd is missing: run scripts/deps.sh "
                                 "(apt-get install python3-aiosmtpd)")
    return Controller


@contextlib.contextmanager
def mail_server(emails=None, **server_args):
    """A started server whose mail goes to a Mailbox on a loopback SMTP
    receiver: yields (server, box).  emails maps logins (created as
    citizens unless they exist) to addresses.  The server must stop
    cleanly."""
    Controller = smtp_controller()
    box = Mailbox()
    port = free_port()
    smtp = Controller(box, hostname="127.0.0.1", port=port)
    smtp.start()
    server = Server(serve_args=tuple(server_args.pop("serve_args", ())) + (
        "--smtp", "smtp://127.0.0.1:%d" % port,
        "--mail-from", "veche@city.test"), **server_args)
    try:
        server.start()
        if emails:
            for login in emails:
                server.create_user(login, "citizen")
            for login, addr in emails.items():
                server.sql("UPDATE users SET email = ? WHERE login = ?",
                           (addr, login))
        yield server, box
        assert server.stop() == 0
    finally:
        server.kill()
        server.cleanup()
        smtp.stop()


class Mailbox:
    """aiosmtpd handler that keeps every message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content or
                              envelope.content))
        return "250 OK"

    def to(self, addr):
        out = []
        for frm, rcpts, raw in list(self.messages):
            if addr in rcpts:
                out.append(email.message_from_bytes(
                    raw, policy=email.policy.default))
        return out


MAIL_CITY = copy.deepcopy(CITY)
for _ag in MAIL_CITY["agencies"]:
    _ag["email"] = "%s@agency.test" % _ag["code"]


class TestMail(unittest.TestCase):

    def test_new_report_to_agency_and_answer_to_reporter(self):
        Controller = smtp_controller()
        box = Mailbox()
        port = free_port()
        smtp = Controller(box, hostname="127.0.0.1", port=port)
        smtp.start()
        server = Server(city=MAIL_CITY, serve_args=FAST + (
            "--smtp", "smtp://127.0.0.1:%d" % port,
            "--mail-from", "veche@city.test"))
        try:
            server.start()
            text = "Глубокая яма у дома 5, опасно для велосипедистов"
            fields = report_fields("pothole", WEST_POINT, description=text,
                                   email="reporter@mail.test",
                                   first_name="Анна", address_string=
                                   "пр. Мира, 5")
            fields.append(("api_key", server.api_key))
            r = server.request(
                "POST", "/open311/v2/requests.json",
                encode_query(fields).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 201, r)
            rid = int(r.json()[0]["service_request_id"])
            msgs = wait_for("mail to the agency",
                            lambda: box.to("roads@agency.test"))
            m = msgs[0]
            self.assertIn("Новое обращение №%d" % rid, m["Subject"])
            self.assertEqual(m["From"], "veche@city.test")
            part = m.get_body(("plain",))      # multipart/alternative
            body = part.get_content()
            self.assertIn(text, body)
            self.assertIn("пр. Мира, 5", body)
            self.assertIn("reporter@mail.test", body)
            self.assertEqual(part.get_content_charset(), "utf-8")
            # The reporter has the receipt only (test_accounts.py reads it).
            receipt = wait_for("the receipt",
                               lambda: box.to("reporter@mail.test"))
            self.assertIn("Ваше обращение №%d принято" % rid,
                          receipt[0]["Subject"])

            # The agency answers (done in the database: the workflow
            # routes are another module), and the event is recorded.
            answer = "Яма заделана 28 ноября."
            server.sql("UPDATE reports SET status = 3, status_notes = ? "
                       "WHERE id = ?", (answer, rid))
            server.cli("outbox", "emit", "--db", server.db, "--report",
                       str(rid), "--event", "report.answered", "--detail",
                       answer)
            msgs = wait_for("mail to the reporter", lambda: [
                m for m in box.to("reporter@mail.test")
                if "Ответ" in m["Subject"]])
            m = msgs[0]
            self.assertIn("Ответ на ваше обращение №%d" % rid, m["Subject"])
            self.assertIn(answer, m.get_body(("plain",)).get_content())
            self.assertIn(text, m.get_body(("plain",)).get_content())
            self.assertEqual(server.stop(), 0)
        finally:
            server.kill()
            server.cleanup()
            smtp.stop()


if __name__ == "__main__":
    unittest.main()
