"""
test_incidents.py: incidents (docs/listening.md, "Incidents") over real
HTTP: VK posts uploaded, one and its near-copies turned into one routed
report showing the author's handle and the source link and holding no
contact; a second try refused with 409 naming the report; the reaction
clock on the report page and on the desk (overdue first) as the clock file
moves; the agency's answer delivered as incident.answered to a webhook on
loopback; the online activity in the ratings, recomputed from the dump.
With a trained service classifier, the form's service is the
classifier's; without one, the keyword guess.
"""
import copy
import json
import os
import random
import re
import subprocess
import sys
import tempfile

from harness import (CITY, ServerTestCase, Session, encode_query, multipart,
                     report_fields)
from test_delivery import Receiver, subscribe, wait_for
from test_suggest import texts

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "ratings_from_dump.py")

INCIDENT_CITY = copy.deepcopy(CITY)
INCIDENT_CITY["addresses"] = [
    {"address": "ул. Свободы, %d" % n, "lat": 60.2 + n / 1000,
     "long": 30.2 + n / 1000} for n in range(1, 20)]
for a in INCIDENT_CITY["agencies"]:
    if a["code"] == "roads":
        a["aliases"] = ["Дорнадзор"]

POTHOLE = ("Огромная яма на улице Свободы, 12, уже месяц никто не заделывает "
           "асфальт, Дорнадзор молчит, машины бьют колёса каждый день")
OTHER = "Во дворе третий день не вывозят мусор, контейнеры переполнены"

# 2026-06-15 09:00 and 11:00 +03:00; the server's clock is 10:00.
AT_9 = 1781503200
AT_11 = AT_9 + 7200

VK = {"response": {"count": 3, "items": [
    {"id": 1, "owner_id": -5, "from_id": 7, "date": AT_9, "text": POTHOLE},
    {"id": 2, "owner_id": -5, "from_id": 8, "date": AT_9,
     "text": POTHOLE + "!"},
    {"id": 3, "owner_id": -5, "from_id": 9, "date": AT_11, "text": OTHER}],
    "profiles": [
        {"id": 7, "first_name": "Анна", "last_name": "Смирнова",
         "screen_name": "anna_s"},
        {"id": 8, "first_name": "Олег", "last_name": "Петров",
         "screen_name": "oleg_p"},
        {"id": 9, "first_name": "Ира", "last_name": "Котова",
         "screen_name": "ira_k"}]}}


# About trees without a word of the catalogue's: the keyword guess has
# nothing to go on (the catalogue's first service, heating), the
# classifier has.
BRANCHES = "Ветки нависают над проводами у подъезда, ствол треснул"


def upload_vk(test, session, export, name="vk", key="author"):
    """An upload source name and its VK export; its posts by key."""
    r = session.post("/api/v1/sources", {"name": name, "kind": "vk"})
    test.assertEqual(r.status, 201, r)
    ctype, body = multipart([("source", name), ("api_key", test.api_key)],
                            [("file", "wall.json", "application/json",
                              json.dumps(export).encode())])
    r = test.fetch("POST", "/api/v1/posts/import", body,
                   {"Content-Type": ctype})
    test.assertEqual(r.status, 200, r)
    posts = session.get("/api/v1/posts.json").json()["posts"]
    return {p[key]: p for p in posts}


class TestTrainedService(ServerTestCase):
    serve_args = ("--suggest-hours", "0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("boss", "admin")

    def test_the_classifier_chooses_the_service(self):
        mod = Session(self, "boss")
        posts = upload_vk(self, mod, {"response": {"count": 1, "items": [
            {"id": 1, "owner_id": -5, "from_id": 7, "date": AT_9,
             "text": BRANCHES}],
            "profiles": [{"id": 7, "screen_name": "anna_s"}]}})
        path = "/listen/posts/%d" % posts["anna_s"]["id"]
        # No model yet: the keyword guess (no word of any service: the
        # first service).
        page = mod.get(path).text()
        self.assertRegex(page, r'<option value="heating" selected>')
        rng = random.Random(13)
        for svc in ("noise", "pothole", "trees"):
            for t in texts(svc, rng, 14):
                self.create(report_fields(svc, description=t))
        self.server.train_services()
        page = mod.get(path).text()
        self.assertRegex(page, r'<option value="trees" selected>')
        self.assertNotRegex(page, r'<option value="heating" selected>')


class TestIncidents(ServerTestCase):
    # The posts are stamped 09:00 and 11:00 on this day (above), and the
    # ratings asked for June 2026.
    clock = "2026-06-15T10:00:00+03:00"
    city = INCIDENT_CITY
    serve_args = ("--retry-base-ms", "100", "--retry-cap-ms", "400",
                  "--webhook-allow-private")

    @classmethod
    def setUpClass(cls):
        cls.rx = Receiver()
        super().setUpClass()
        cls.server.create_user("boss", "admin")
        cls.server.create_user("mod", "moderator")
        cls.server.create_user("op", "operator", agencies=["roads"])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.rx.close()

    def upload(self):
        return upload_vk(self, Session(self, "boss"), VK)

    def page(self, path, params=None):
        q = "?" + encode_query(params) if params else ""
        r = self.fetch("GET", path + q)
        self.assertEqual(r.status, 200, r)
        return r

    def make(self, s, post, fields):
        return s.post("/listen/posts/%d/incident" % post, fields)

    def report_id(self, r):
        self.assertEqual(r.status, 303, r)
        m = re.fullmatch(r"/reports/(\d+)", r.headers["Location"])
        self.assertIsNotNone(m, r.headers["Location"])
        return int(m.group(1))

    def test_post_to_answer(self):
        subscribe(self.server, self.rx.url + "/connector",
                  events="incident.answered")
        posts = self.upload()
        anna, oleg, ira = posts["anna_s"], posts["oleg_p"], posts["ira_k"]
        self.assertEqual(anna["group"], oleg["group"])
        mod = Session(self, "mod")
        # The post page offers the form, the service guessed from the text.
        page = mod.get("/listen/posts/%d" % anna["id"]).text()
        self.assertIn('action="/listen/posts/%d/incident"' % anna["id"],
                      page)
        self.assertRegex(page, r'<option value="pothole" selected>')
        self.assertIn("ул. Свободы, 12", page)
        # Without the session's CSRF token: refused, nothing made.
        r = mod.post("/listen/posts/%d/incident" % anna["id"],
                     {"group": "1"}, csrf=False)
        self.assertEqual(r.status, 403, r)
        rid = self.report_id(self.make(mod, anna["id"], {
            "service_code": "pothole", "group": "1"}))
        # Routed as any report: the service's agency, the text's place.
        rep = self.by_id(rid)
        self.assertEqual(rep["service_code"], "pothole")
        self.assertEqual(rep["agency_responsible"], "roads")
        self.assertEqual(rep["address"], "ул. Свободы, 12")
        self.assertAlmostEqual(rep["lat"], 60.212, places=5)
        self.assertIn("Огромная яма", rep["description"])
        # The report page: the handle as in the source, the link, the clock.
        html = self.page("/reports/%d" % rid).text()
        self.assertIn("@anna_s в VK", html)
        self.assertIn('href="%s"' % anna["url"], html)
        self.assertIn("Первый публичный ответ ожидается в течение 23 ч",
                      html)
        en = self.page("/reports/%d" % rid, {"lang": "en"}).text()
        self.assertIn("@anna_s on VK", en)
        # No contact, no reporter account, no private name anywhere.
        self.assertEqual(self.server.sql_value(
            "SELECT count(*) FROM report_contacts WHERE report = ?",
            (rid,)), 0)
        self.assertEqual(self.server.sql_value(
            "SELECT count(*) FROM reports WHERE id = ? AND "
            "reporter_user IS NOT NULL", (rid,)), 0)
        for private in ("Смирнова", "Анна", "Петров"):
            self.assertNotIn(private, html)
        # Both posts of the group link to the one report; twice is 409.
        for p in (anna, oleg):
            page = mod.get("/listen/posts/%d" % p["id"]).text()
            self.assertIn('href="/reports/%d"' % rid, page)
            self.assertNotIn("incident-form", page)
            r = self.make(mod, p["id"], {"service_code": "pothole"})
            self.assertEqual(r.status, 409, r)
            self.assertIn("/reports/%d" % rid, r.text())
        # A post without a place: the place given by staff.
        r = self.make(mod, ira["id"], {"service_code": "other"})
        self.assert_names(r, 400, "lat")
        r = self.make(mod, ira["id"], {"service_code": "other",
                                       "lat": "60.25"})
        self.assertEqual(r.status, 400, r)
        rid2 = self.report_id(self.make(mod, ira["id"], {
            "service_code": "other", "lat": "60.25", "long": "30.25"}))
        self.assertEqual(self.by_id(rid2)["agency_responsible"], "admin")

        # The desk: the operator of roads sees its incident and clock.
        op = Session(self, "op")
        desk = op.get("/desk").text()
        self.assertIn('data-id="%d"' % rid, desk)
        self.assertNotIn('<tr class="on-time" data-id="%d"><td><a href='
                         '"/desk/reports/%d"' % (rid2, rid2), desk)
        self.assertIn("ожидается в течение 23 ч", desk)
        # A day later: the first incident is overdue, the second not yet;
        # the overdue comes first.
        self.server.advance(24 * 3600)
        desk = Session(self, "boss").get("/desk").text()
        table = desk[desk.index('id="incidents"'):]
        first, second = (table.index('data-id="%d"' % rid),
                         table.index('data-id="%d"' % rid2))
        self.assertLess(first, second)
        self.assertIn("просрочен на 1 ч", table[first:second])
        self.assertIn("ожидается в течение 1 ч", table[second:])

        # The agency answers: published, and incident.answered queued.
        answer = "Яму заделаем до пятницы"
        op = Session(self, "op")        # a day later: a new session
        for action, fields in (("register", {}), ("start", {}),
                               ("answer", {"text": answer})):
            r = op.post("/desk/reports/%d/%s" % (rid, action), fields)
            self.assertEqual(r.status, 303, (action, r))
        html = self.page("/reports/%d" % rid).text()
        self.assertIn(answer, html)
        self.assertIn("Первый публичный ответ дан с опозданием, через 25 ч",
                      html)

        def delivered():
            for path, _, body in self.rx.of_path("/connector"):
                doc = json.loads(body)
                if doc["event"] == "incident.answered":
                    return doc
            return None
        doc = wait_for("incident.answered", delivered)
        inc = doc["incident"]
        self.assertEqual(inc["source_url"], anna["url"])
        self.assertEqual(inc["external_id"], "vk:wall-5_1")
        self.assertEqual(inc["answer"], answer)
        self.assertEqual(inc["author"], "anna_s")
        self.assertEqual(inc["network"], "VK")
        self.assertTrue(inc["report_url"].endswith("/reports/%d" % rid),
                        inc)
        self.assertEqual(doc["report"]["service_request_id"], rid)
        self.assertNotIn("Смирнова", json.dumps(doc, ensure_ascii=False))
        # Off the desk once answered.
        desk = op.get("/desk").text()
        self.assertIn('id="incidents-empty"', desk)

        # Ratings: online activity, and the same figures from the dump,
        # two hours on: the admin's incident is overdue unanswered by then.
        self.server.advance(2 * 3600)
        rt = self.page("/api/v1/ratings.json", {"period": "2026-06"}).json()
        online = {a["code"]: a["online"] for a in rt["agencies"]}
        self.assertEqual(online["roads"]["incidents"], 1)
        self.assertEqual(online["roads"]["answered"], 1)
        self.assertEqual(online["roads"]["answered_in_reaction_time"]
                         ["count"], 0)
        self.assertEqual(online["roads"]["answered_in_reaction_time"]["of"],
                         1)
        # 25 hours and the seconds the test took since the clock moved.
        self.assertGreaterEqual(online["roads"]["median_hours_to_answer"],
                                25.0)
        self.assertLess(online["roads"]["median_hours_to_answer"], 25.2)
        self.assertEqual(online["admin"]["incidents"], 1)
        late = online["admin"]["answered_in_reaction_time"]
        self.assertEqual((late["count"], late["of"], late["share"]),
                         (0, 1, 0.0))
        self.assertIsNone(online["admin"]["median_hours_to_answer"])
        page = self.page("/ratings", {"period": "2026-06"}).text()
        self.assertIn('id="online-caption"', page)
        out = tempfile.mkdtemp(prefix="dump-", dir=self.server.dir)
        self.server.cli("dump", "--db", self.server.db, "--out", out)
        with open(os.path.join(out, "incidents.csv"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn(anna["url"], text)
        for private in ("Смирнова", "Анна"):
            self.assertNotIn(private, text)
        got = json.loads(subprocess.run(
            [sys.executable, SCRIPT, out, "--period", "2026-06", "--as-of",
             rt["as_of"]], check=True, capture_output=True).stdout)
        mine = {a["code"]: a["online"] for a in got["agencies"]}
        for code in online:
            for k, v in online[code].items():
                if isinstance(v, dict):
                    for kk in v:
                        if isinstance(v[kk], float):
                            self.assertAlmostEqual(v[kk], mine[code][k][kk],
                                                   places=9)
                        else:
                            self.assertEqual(v[kk], mine[code][k][kk])
                elif isinstance(v, float):
                    # 10 significant digits in the API's JSON.
                    self.assertAlmostEqual(v, mine[code][k], delta=1e-6)
                else:
                    self.assertEqual(v, mine[code][k], (code, k))

    def test_unknown_post_and_roles(self):
        mod = Session(self, "mod")
        r = mod.post("/listen/posts/999999/incident", {"group": "1"})
        self.assertEqual(r.status, 404, r)
        op = Session(self, "op")
        r = op.post("/listen/posts/1/incident", {"group": "1"})
        self.assertEqual(r.status, 403, r)
