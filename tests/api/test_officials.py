"""
test_officials.py: officials' pages (docs/officials.md) over real HTTP
with a real SMTP receiver on loopback: a staff member's profile is
private until they turn it on; with it public they post notes (newest
first, an RSS feed, citizens' comments through the one comment system)
and ask a question of the day open until 18:00 of the clock file's day;
signed-in citizens answer once each; after the clock passes the hour
answers are refused (409 naming closes), the digest's sentiment counts
equal the text engine's model on the answers (veche text sentiment),
answers sharing a stem land in one topic group, and the official's
private e-mail gets the digest from the server's worker once the clock
passes the close, with no page opened; e-mail and phone never appear
publicly.
"""
import re
import unittest

from harness import Session
from test_accounts import MailServerCase, parts
from test_delivery import wait_for

PRIVATE_MAIL = "ivanova.private@mail.test"
PRIVATE_PHONE = "+7 900 555-12-34"

ANSWERS = [
    ("c1", "Автобусы ходят редко, на остановке ждём по сорок минут."),
    ("c2", "Автобусы переполнены, нужен новый маршрут автобуса."),
    ("c3", "Спасибо за новый парк, парк стал красивым и чистым."),
    ("c4", "В парке нужно больше скамеек, парк хороший."),
    ("c5", "Автобус до центра отличный, водители вежливые."),
]


class OfficialsTest(MailServerCase):
    # The question of the day closes at 18:00 of this day (checked below).
    clock = "2026-06-15T10:00:00+03:00"
    users = tuple(u for u, _ in ANSWERS) + ("c6",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def setUp(self):
        if not hasattr(type(self), "_staff"):
            self.server.create_user("ivanova", "head", agencies=["roads"])
            self.server.create_user("petrov", "operator",
                                    agencies=["roads"])
            type(self)._staff = True

    def get(self, path, s=None):
        return s.get(path) if s else self.fetch("GET", path)

    def refused(self, r, status, field):
        self.assertEqual(r.status, status, r)
        self.assertIn(field, r.text(), r)

    def comment(self, s, subject, body):
        """The comment form's POST: the device's double-submit token."""
        if "veche_csrf" not in s.cookies:
            s.get("/officials")
        return s.post("/api/v1/comments", {
            "subject": subject, "body": body,
            "csrf": s.cookies["veche_csrf"]}, csrf=False,
            headers={"Accept": "application/json"})

    def public_outputs(self, oid):
        out = []
        for path in ("/officials", "/officials?lang=en",
                     "/officials/%d" % oid, "/officials/%d/rss" % oid,
                     "/api/v1/officials", "/api/v1/officials/%d" % oid,
                     "/agencies/roads"):
            r = self.fetch("GET", path)
            self.assertEqual(r.status, 200, (path, r))
            out.append(r.text())
        return "\n".join(out)

    def test_officials(self):
        staff = Session(self, "ivanova")
        me = staff.get("/api/v1/officials/me")
        self.refused(me, 404, "profile")
        # Off by default: a saved profile that is not public shows nowhere.
        r = staff.post("/api/v1/officials/notes",
                       json_body={"body": "Первая заметка"})
        self.assertEqual(r.status, 403 if r.status == 403 else 409, r)
        r = staff.post("/officials/me", {
            "name": "Анна Иванова", "position": "Начальник службы",
            "bio": "Отвечаю за дороги.", "email": PRIVATE_MAIL,
            "phone": PRIVATE_PHONE})
        self.assertEqual(r.status, 303, r)
        oid = staff.get("/api/v1/officials/me").json()["id"]
        self.assertFalse(staff.get("/api/v1/officials/me").json()["public"])
        self.assertEqual(self.fetch("GET", "/api/v1/officials").json(), [])
        self.refused(self.fetch("GET", "/api/v1/officials/%d" % oid), 404,
                     "id")
        self.refused(staff.post("/api/v1/officials/notes",
                                json_body={"body": "Заметка"}), 409,
                     "profile")
        # Bad input names the field.
        for fields, field in (({"public": "1", "name": ""}, "name"),
                              ({"public": "1", "name": "A",
                                "email": "nope"}, "email"),
                              ({"public": "1", "name": "A",
                                "phone": "call me"}, "phone"),
                              ({"public": "1", "name": "A",
                                "agency": "parks"}, "agency")):
            self.refused(staff.post("/api/v1/officials/me" if False else
                                    "/officials/me", fields,
                                    headers={"Accept": "application/json"}),
                         400, field)
        # On.
        r = staff.post("/officials/me", {
            "public": "1", "name": "Анна Иванова",
            "position": "Начальник службы", "agency": "roads",
            "bio": "Отвечаю за дороги.", "email": PRIVATE_MAIL,
            "phone": PRIVATE_PHONE})
        self.assertEqual(r.status, 303, r)
        lst = self.fetch("GET", "/api/v1/officials").json()
        self.assertEqual([(o["id"], o["name"], o["head"]) for o in lst],
                         [(oid, "Анна Иванова", True)])
        self.assertIn('href="/officials/%d"' % oid,
                      self.fetch("GET", "/agencies/roads").text())
        # Notes: newest first, links clickable, 1,000 characters at most.
        ids = []
        for body in ("Ремонт на Ленина начнётся завтра.",
                     "План работ: https://city.test/plan?a=1&b=2. <b>не жирно</b>"):
            r = staff.post("/api/v1/officials/notes", json_body={"body": body})
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["id"])
            self.server.advance(60)
        self.refused(staff.post("/api/v1/officials/notes",
                                json_body={"body": "я" * 1001}), 400, "body")
        self.refused(staff.post("/api/v1/officials/notes",
                                json_body={"body": "  "}), 400, "body")
        notes = self.fetch("GET", "/api/v1/officials/%d/notes" % oid).json()
        self.assertEqual([n["id"] for n in notes], ids[::-1])
        page = self.fetch("GET", "/officials/%d" % oid).text()
        self.assertIn('<a href="https://city.test/plan?a=1&amp;b=2" '
                      'rel="nofollow ugc noopener">', page)
        self.assertIn("&lt;b&gt;не жирно&lt;/b&gt;", page)
        self.assertLess(page.index("note-%d" % ids[1]),
                        page.index("note-%d" % ids[0]))
        rss = self.fetch("GET", "/officials/%d/rss" % oid)
        self.assertEqual(rss.status, 200, rss)
        self.assertIn("Ремонт на Ленина", rss.text())
        self.assertIn("/officials/notes/%d</link>" % ids[0], rss.text())
        # Citizens comment on a note through the one comment system.
        c1 = Session(self, "c1")
        r = self.comment(c1, "official_note:%d" % ids[0],
                         "Наконец-то, спасибо!")
        self.assertEqual(r.status, 201, r)
        self.assertIn("Наконец-то, спасибо!",
                      self.fetch("GET", "/officials/notes/%d" % ids[0]).text())
        self.refused(self.comment(c1, "official_note:999", "x"), 404, "id")
        # A question of the day until 18:00 of the clock file's day.
        for closes in ("25:00", "09:00", "soon"):
            self.refused(staff.post("/api/v1/officials/questions", json_body={
                "text": "Как вам транспорт?", "closes": closes}), 400,
                "closes")
        self.refused(staff.post("/api/v1/officials/questions", json_body={
            "text": "", "closes": "18:00"}), 400, "text")
        r = staff.post("/api/v1/officials/questions", json_body={
            "text": "Что улучшить в транспорте и парках?",
            "closes": "18:00"})
        self.assertEqual(r.status, 201, r)
        qid = r.json()["id"]
        q = self.fetch("GET", "/api/v1/officials/questions/%d" % qid).json()
        self.assertEqual(q["closes"], "2026-06-15T18:00:00+03:00")
        self.assertTrue(q["open"])
        self.refused(self.fetch("GET", "/api/v1/officials/questions/%d/"
                                "digest" % qid), 409, "closes")
        self.refused(self.fetch("POST", "/api/v1/officials/questions/%d/"
                                "answers" % qid, b"{}",
                                {"Content-Type": "application/json"}),
                     401, "session")
        for login, text in ANSWERS:
            s = c1 if login == "c1" else Session(self, login)
            r = s.post("/api/v1/officials/questions/%d/answers" % qid,
                       json_body={"body": text})
            self.assertEqual(r.status, 201, r)
        self.refused(c1.post("/api/v1/officials/questions/%d/answers" % qid,
                             json_body={"body": "Ещё раз"}), 409, "answer")
        page = self.fetch("GET", "/officials/questions/%d" % qid).text()
        self.assertIn("житель", page)
        self.assertEqual(self.box.to(PRIVATE_MAIL), [])
        # The clock passes 18:00: the server's worker mails the digest to
        # the official, once, though nobody opens a page.
        self.server.advance(8 * 3600 + 5)
        mails = wait_for("the digest mail",
                         lambda: self.box.to(PRIVATE_MAIL))
        text, _ = parts(mails[0])
        self.assertIn("Что улучшить в транспорте", text)
        self.assertIn("/officials/questions/%d/digest" % qid, text)
        self.assertIn("Ответы жителей: %d" % len(ANSWERS), text)
        self.assertIn("Residents' answers: %d" % len(ANSWERS), text)
        # Answers are refused after the close, naming why.
        r = Session(self, "c6").post(
            "/api/v1/officials/questions/%d/answers" % qid,
            json_body={"body": "Поздно?"})
        self.refused(r, 409, "closes")
        d = self.fetch("GET", "/api/v1/officials/questions/%d/digest"
                       % qid).json()
        self.assertEqual(d["answers"], len(ANSWERS))
        # Sentiment counts equal the model's predictions for the answers.
        out = self.server.cli("text", "sentiment",
                              input="".join(t + "\n" for _, t in ANSWERS))
        labels = [line.split("\t")[0] for line in out.splitlines()
                  if line.strip() and not line.startswith("#")]
        self.assertEqual(len(labels), len(ANSWERS), out)
        for k in ("negative", "neutral", "positive"):
            self.assertEqual(d["sentiment"][k]["count"], labels.count(k),
                             (k, out))
        # Topics: the bus answers in one group, the park answers in another.
        by_text = {t: i for i, (_, t) in enumerate(ANSWERS)}
        groups = {}
        for t in d["topics"]:
            groups[t["stem"]] = t
        bus = [t for t in d["topics"] if t["stem"].startswith("автобус")]
        park = [t for t in d["topics"] if t["stem"].startswith("парк")]
        self.assertEqual(len(bus), 1, d["topics"])
        self.assertEqual(len(park), 1, d["topics"])
        self.assertEqual(bus[0]["count"], 3)
        self.assertEqual(park[0]["count"], 2)
        self.assertEqual(sorted(by_text[s["text"]] for s in
                                park[0]["samples"]), [2, 3])
        self.assertEqual(sorted(by_text[s["text"]] for s in
                                bus[0]["samples"]), [0, 1, 4])
        html = self.fetch("GET", "/officials/questions/%d/digest?lang=en"
                          % qid).text()
        self.assertIn('id="digest-sentiment"', html)
        # Views after the close send nothing more: the digest went once.
        self.fetch("GET", "/officials/questions/%d" % qid)
        self.assertEqual(len(self.box.to(PRIVATE_MAIL)), 1)
        # Personal data of staff never public.
        pub = self.public_outputs(oid)
        for secret in (PRIVATE_MAIL, PRIVATE_PHONE, "ivanova.private"):
            self.assertNotIn(secret, pub)
        self.assertIn(PRIVATE_MAIL, staff.get("/officials/me").text())

    def test_citizens_have_no_profile(self):
        c = Session(self, "c6")
        self.refused(c.get("/api/v1/officials/me"), 403, "")
        r = c.post("/api/v1/officials/questions", json_body={
            "text": "?", "closes": "18:00"})
        self.assertEqual(r.status, 403, r)
        self.refused(self.fetch("GET", "/api/v1/officials/questions/999"),
                     404, "id")
        self.refused(self.fetch("GET", "/api/v1/officials?agency=nope"),
                     400, "agency")


if __name__ == "__main__":
    unittest.main()
