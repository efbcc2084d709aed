"""
test_calls.py: open calls for a public post (docs/participation.md, "Open
calls") over real HTTP: an administrator announces a call, the clock file
moves it through its phases (announced, applications, discussion, pending,
decided), signed-in accounts apply, edit and withdraw while applications
are open (after the close a refusal naming the phase and saying when it
closed), the administrator rejects an application with a public reason,
accounts support candidates once each, citizens comment through the one
comment system, the decision needs its reasons and vote, only an
administrator announces and decides (403), no candidate's e-mail or login
reaches a public page, the API or the open data dump, and bad input is
refused naming the field.
"""
import datetime as dt
import json
import os
import tempfile
import unittest

from harness import ServerTestCase, Session
from test_delivery import mail_server

DAY = 86400
MSK = dt.timezone(dt.timedelta(hours=3))
SECRET_EMAIL = "kandidat.tajno@example.org"


class CallsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("admin1", "admin")
        cls.server.create_user("moder1", "moderator")
        for u in ("cand1", "cand2", "cand3", "cit1", "cit2"):
            cls.server.create_user(u, "citizen")
        cls.server.sql("UPDATE users SET email = ? WHERE login = 'cand1'",
                       (SECRET_EMAIL,))

    # Helpers

    def day(self, n):
        """The local day n days from veche's now, as YYYY-MM-DD."""
        t = dt.datetime.fromtimestamp(self.server.now() + n * DAY, MSK)
        return t.strftime("%Y-%m-%d")

    def to_day(self, n, base, hour=10):
        """Move veche's clock to hour:00 (Moscow) n days after base's day."""
        t = dt.datetime.fromtimestamp(base, MSK)
        target = t.replace(hour=hour, minute=0, second=0, microsecond=0) + \
            dt.timedelta(days=n)
        self.server.set_clock(target.timestamp())

    def announce(self, s=None, status=201, **over):
        body = {"post": "Министр транспорта области",
                "body": "Конкурсная комиссия области",
                "members": "Иванов И. И. (председатель)\nПетрова А. С.",
                "requirements": "Высшее образование, стаж от 5 лет.",
                "opens": self.day(1), "applications_close": self.day(5),
                "discussion_close": self.day(10), "decision": self.day(15)}
        body.update(over)
        r = (s or Session(self, "admin1")).post("/api/v1/calls",
                                                json_body=body)
        self.assertEqual(r.status, status, r)
        return r.json()["id"] if status == 201 else r

    def apply(self, s, call, status=201, **over):
        body = {"name": "Сергей Дорогин",
                "experience": "12 лет в дорожном хозяйстве",
                "education": "МАДИ, инженер путей сообщения",
                "programme": "Ремонт дорог по графику, открытые торги."}
        body.update(over)
        r = s.post("/api/v1/calls/%d/candidates" % call, json_body=body)
        self.assertEqual(r.status, status, r)
        return r.json()["id"] if status == 201 else r

    def show(self, call):
        r = self.fetch("GET", "/api/v1/calls/%d" % call)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def candidate(self, call, cid, s=None):
        path = "/api/v1/calls/%d/candidates/%d" % (call, cid)
        r = s.get(path) if s else self.fetch("GET", path)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def put(self, s, path, body):
        h = s._headers({"Content-Type": "application/json",
                        "X-CSRF-Token": s.csrf})
        return s._keep(self.fetch("PUT", path, json.dumps(body).encode(),
                                  h))

    def refused(self, r, status, field):
        self.assertEqual(r.status, status, r)
        said = r.json()[0]["description"]
        self.assertTrue(said.startswith(field + ":"), said)
        return said

    def comment(self, s, cid, body):
        if "veche_csrf" not in s.cookies:
            s.get("/calls")
        return s.post("/api/v1/comments", {
            "subject": "call_candidate:%d" % cid, "body": body,
            "csrf": s.cookies["veche_csrf"]}, csrf=False,
            headers={"Accept": "application/json"})

    def audit(self, obj):
        return [r[0] for r in self.server.sql(
            "SELECT action FROM audit_log WHERE object = ? ORDER BY id",
            (obj,))]

    # Tests

    def test_a_journey_by_the_clock(self):
        # Sessions last 12 hours: each move of the clock signs in anew.
        admin = Session(self, "admin1")
        cand1 = Session(self, "cand1")
        t0 = self.server.now()
        call = self.announce(admin)
        self.assertEqual(self.show(call)["phase"], "announced")
        # Before the applications open: refused, saying when they open.
        said = self.refused(self.apply(cand1, call, status=409), 409,
                            "phase")
        self.assertIn("open at " + self.day(1), said)
        self.to_day(1, t0)
        self.assertEqual(self.show(call)["phase"], "applications")
        cand1, cand2, cand3 = (Session(self, u) for u in
                               ("cand1", "cand2", "cand3"))
        k1 = self.apply(cand1, call)
        k2 = self.apply(cand2, call, name="Анна Мостова")
        k3 = self.apply(cand3, call, name="Пётр Отзывов")
        # One application per account.
        self.refused(self.apply(cand1, call, status=409), 409, "call")
        # The candidate edits while applications are open; nobody else.
        def cpath(k):
            return "/api/v1/calls/%d/candidates/%d" % (call, k)
        path = cpath(k1)
        edited = {"name": "Сергей Дорогин", "experience": "13 лет",
                  "education": "МАДИ", "programme": "Новая программа."}
        self.refused(self.put(cand2, path, edited), 403, "cid")
        r = self.put(cand1, path, edited)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.candidate(call, k1)["programme"],
                         "Новая программа.")
        # Withdrawal, by the candidate.
        r = cand3.post(cpath(k3) + "/withdraw",
                       json_body={})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.candidate(call, k3)["state"], "withdrawn")
        # Supports: once per account; reputation does not weigh.
        cit1, cit2 = Session(self, "cit1"), Session(self, "cit2")
        for s in (cit1, cit2):
            r = s.post(path + "/support", json_body={})
            self.assertEqual(r.status, 200, r)
        self.refused(cit1.post(path + "/support", json_body={}), 409,
                     "support")
        self.assertEqual(self.candidate(call, k1)["supports"], 2)
        self.assertTrue(self.candidate(call, k1, cit1)["supported"])
        # A withdrawn candidate takes no supports.
        self.refused(cit1.post(cpath(k3) + "/support", json_body={}), 409,
                     "state")
        # Comments through the one comment system: criticism stays.
        r = self.comment(cit2, k2, "Кандидат слабый, программа пустая.")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["status"], "published")
        r = self.fetch("GET", "/calls/%d/candidates/%d" % (call, k2))
        self.assertEqual(r.status, 200, r)
        self.assertIn("Кандидат слабый, программа пустая.", r.text())
        self.assertIn("ст. 11 59-ФЗ", r.text())
        # A candidate's comments need an account, through the comment
        # system's own route and on the page (its kinds table's flag).
        self.refused(self.comment(Session(self), k2, "Аноним"), 403,
                     "session")
        page = self.fetch("GET", "/calls/%d/candidates/%d" % (call, k2))
        self.assertIn('id="comment-sign-in"', page.text())
        self.assertNotIn('id="comment-form"', page.text())
        # A threat is held (art. 11), not published.
        r = self.comment(cit2, k2, "Я тебя убью")
        self.assertEqual(r.json()["status"], "pending")
        self.assertNotIn("Я тебя убью", self.fetch(
            "GET", "/calls/%d/candidates/%d" % (call, k2)).text())
        # The comment system's address of a candidate leads to the page.
        r = self.fetch("GET", "/candidates/%d?held=5" % k2)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"],
                         "/calls/%d/candidates/%d?held=5" % (call, k2))
        # After the applications close: no applying, no editing.
        self.to_day(5, t0)              # the last day: still open
        self.assertEqual(self.show(call)["phase"], "applications")
        self.to_day(6, t0)
        self.assertEqual(self.show(call)["phase"], "discussion")
        cand1, cit1 = Session(self, "cand1"), Session(self, "cit1")
        admin = Session(self, "admin1")
        said = self.refused(self.apply(cit1, call, status=409), 409,
                            "phase")
        self.assertIn("closed at " + self.day(-1), said)
        self.refused(self.put(cand1, path, edited), 409, "phase")
        # Supports go on during the discussion.
        r = Session(self, "moder1").post(path + "/support", json_body={})
        self.assertEqual(r.status, 200, r)
        # The decision only after the discussion closes.
        decision = {"chosen": str(k1), "reasons": "Лучший опыт и программа.",
                    "vote": "За — 5, против — 1, воздержались — 1."}
        self.refused(admin.post("/api/v1/calls/%d/decision" % call,
                                json_body=decision), 409, "phase")
        self.to_day(11, t0)
        self.assertEqual(self.show(call)["phase"], "pending")
        admin, cit1 = Session(self, "admin1"), Session(self, "cit1")
        self.refused(cit1.post(path + "/support", json_body={}), 409,
                     "phase")
        # Reasons and vote are required; chosen must be of this call.
        for field in ("reasons", "vote", "chosen"):
            bad = dict(decision, **{field: ""})
            self.refused(admin.post("/api/v1/calls/%d/decision" % call,
                                    json_body=bad), 400, field)
        self.refused(admin.post("/api/v1/calls/%d/decision" % call,
                                json_body=dict(decision, chosen=str(k3))),
                     400, "chosen")
        # Not an administrator: 403.
        r = Session(self, "moder1").post("/api/v1/calls/%d/decision" % call,
                                         json_body=decision)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.show(call)["decided"], None)
        r = admin.post("/api/v1/calls/%d/decision" % call,
                       json_body=decision)
        self.assertEqual(r.status, 200, r)
        c = self.show(call)
        self.assertEqual(c["phase"], "decided")
        self.assertEqual(c["decided"]["chosen"], k1)
        self.assertEqual(c["decided"]["reasons"], decision["reasons"])
        self.assertEqual(c["decided"]["vote"], decision["vote"])
        # Every candidate stays with the counts at the close.
        counts = {k["id"]: (k["state"], k["supports"])
                  for k in c["candidates"]}
        self.assertEqual(counts, {k1: ("active", 3), k2: ("active", 0),
                                  k3: ("withdrawn", 0)})
        page = self.fetch("GET", "/calls/%d" % call).text()
        for text in ("Лучший опыт и программа.", "За — 5, против — 1",
                     "Анна Мостова", "Пётр Отзывов", "Решение комиссии"):
            self.assertIn(text, page)
        self.refused(admin.post("/api/v1/calls/%d/decision" % call,
                                json_body=decision), 409, "phase")
        en = self.fetch("GET", "/calls/%d?lang=en" % call).text()
        self.assertIn("The commission&#39;s decision", en.replace(
            "&#x27;", "&#39;").replace("'", "&#39;"))
        self.assertEqual(self.audit("call:%d" % call),
                         ["call.announce", "call.decide"])
        self.assertEqual(self.audit("candidate:%d" % k1),
                         ["call.apply", "call.edit", "call.support",
                          "call.support", "call.support"])

    def test_reject_with_a_public_reason_and_no_email_anywhere(self):
        admin = Session(self, "admin1")
        call = self.announce(admin, opens=self.day(0))
        cand1 = Session(self, "cand1")
        k = self.apply(cand1, call, name="Иван Безстажев")
        path = "/api/v1/calls/%d/candidates/%d" % (call, k)
        # Only an administrator rejects, and with a reason.
        r = Session(self, "cit1").post(path + "/reject",
                                       json_body={"reason": "x"})
        self.assertEqual(r.status, 403, r)
        self.refused(admin.post(path + "/reject", json_body={}), 400,
                     "reason")
        r = admin.post(path + "/reject", json_body={
            "reason": "Нет высшего образования."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.candidate(call, k)["state"], "rejected")
        page = self.fetch("GET", "/calls/%d/candidates/%d" % (call, k))
        self.assertIn("Нет высшего образования.", page.text())
        # No e-mail or login of the candidate in public output or the dump.
        public = [self.fetch("GET", p).text() for p in (
            "/calls", "/calls/%d" % call, "/calls/%d?lang=en" % call,
            "/calls/%d/candidates/%d" % (call, k), "/api/v1/calls",
            "/api/v1/calls/%d" % call, path)]
        out = tempfile.mkdtemp(prefix="dump-", dir=self.server.dir)
        self.server.cli("dump", "--db", self.server.db, "--out", out)
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                public.append(f.read())
        for text in public:
            self.assertNotIn(SECRET_EMAIL, text)
            self.assertNotIn("cand1", text)
        with open(os.path.join(out, "candidates.jsonl"),
                  encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        row = [r for r in rows if r["id"] == k][0]
        self.assertEqual((row["name"], row["state"], row["reason"],
                          row["supports"]),
                         ("Иван Безстажев", "rejected",
                          "Нет высшего образования.", 0))
        with open(os.path.join(out, "calls.jsonl"), encoding="utf-8") as f:
            calls = {c["id"]: c for c in map(json.loads, f)}
        self.assertEqual(calls[call]["post"], "Министр транспорта области")
        with open(os.path.join(out, "datapackage.json"),
                  encoding="utf-8") as f:
            names = [r["name"] for r in json.load(f)["resources"]]
        self.assertIn("calls-csv", names)
        self.assertIn("candidates-jsonl", names)

    def test_only_an_administrator_announces(self):
        for login in ("cit1", "moder1"):
            r = self.announce(Session(self, login), status=403)
            self.assertIn("role", r.json()[0]["description"])
        r = self.fetch("GET", "/calls/new")
        self.assertIn(r.status, (401, 403), r)
        r = Session(self, "admin1").get("/calls/new")
        self.assertEqual(r.status, 200, r)
        self.assertIn('id="call-form"', r.text())

    def test_bad_input_names_the_field(self):
        admin = Session(self, "admin1")
        before = len(self.fetch("GET", "/api/v1/calls").json())
        for field, value in (("post", ""), ("body", ""), ("members", ""),
                             ("requirements", ""), ("opens", "завтра"),
                             ("applications_close", "2026-02-30"),
                             ("post", "x" * 201)):
            self.refused(self.announce(admin, status=400,
                                       **{field: value}), 400, field)
        # Dates out of order name the later one.
        self.refused(self.announce(admin, status=400,
                                   applications_close=self.day(0),
                                   opens=self.day(2)), 400,
                     "applications_close")
        self.refused(self.announce(admin, status=400,
                                   discussion_close=self.day(3)), 400,
                     "discussion_close")
        self.refused(self.announce(admin, status=400, decision=self.day(9)),
                     400, "decision")
        self.assertEqual(len(self.fetch("GET", "/api/v1/calls").json()),
                         before)
        call = self.announce(admin, opens=self.day(0))
        s = Session(self, "cit2")
        for field in ("name", "experience", "education", "programme"):
            self.refused(self.apply(s, call, status=400, **{field: ""}),
                         400, field)
        self.refused(self.apply(s, call, status=400,
                                programme="п" * 10001), 400, "programme")
        self.assertEqual(self.show(call)["candidates"], [])
        r = self.fetch("GET", "/api/v1/calls/999999")
        self.refused(r, 404, "id")
        r = self.fetch("GET", "/calls/%d/candidates/999999" % call)
        self.assertEqual(r.status, 404, r)
        # Applying needs an account.
        r = self.fetch("POST", "/api/v1/calls/%d/candidates" % call,
                       json.dumps({"name": "a"}).encode(),
                       {"Content-Type": "application/json"})
        self.assertIn(r.status, (401, 403), r)

    def test_reapply_after_withdrawal_restores_the_application(self):
        t0 = self.server.now()
        call = self.announce()
        self.to_day(1, t0)
        cand2, cand3 = Session(self, "cand2"), Session(self, "cand3")
        k2 = self.apply(cand2, call, name="Анна Первая")
        k3 = self.apply(cand3, call, name="Пётр Отклонённый")
        page = "/calls/%d/apply" % call
        # With an active application the page links it, no blank form.
        r = cand2.get(page).text()
        self.assertIn('id="apply-have"', r)
        self.assertIn('href="/calls/%d/candidates/%d#candidate-edit"'
                      % (call, k2), r)
        self.assertNotIn('id="apply-form"', r)
        r = cand2.post("/api/v1/calls/%d/candidates/%d/withdraw"
                       % (call, k2), json_body={})
        self.assertEqual(r.status, 200, r)
        # Withdrawn: the form again, filled from the application.
        r = cand2.get(page).text()
        self.assertIn('id="apply-again"', r)
        self.assertIn('id="apply-form"', r)
        self.assertIn('value="Анна Первая"', r)
        # Applying again re-activates the same application.
        self.assertEqual(self.apply(cand2, call, name="Анна Вторая"), k2)
        k = self.candidate(call, k2)
        self.assertEqual((k["state"], k["name"]), ("active", "Анна Вторая"))
        self.assertEqual(self.audit("candidate:%d" % k2),
                         ["call.apply", "call.withdraw", "call.reapply"])
        self.refused(self.apply(cand2, call, status=409), 409, "call")
        # A rejected application is the administrator's act: not undone.
        r = Session(self, "admin1").post(
            "/api/v1/calls/%d/candidates/%d/reject" % (call, k3),
            json_body={"reason": "Нет стажа."})
        self.assertEqual(r.status, 200, r)
        said = self.refused(self.apply(cand3, call, status=409), 409, "call")
        self.assertIn("rejected", said)
        # After the applications close a withdrawn one stays withdrawn.
        r = cand2.post("/api/v1/calls/%d/candidates/%d/withdraw"
                       % (call, k2), json_body={})
        self.assertEqual(r.status, 200, r)
        self.to_day(6, t0)
        cand2 = Session(self, "cand2")
        self.refused(self.apply(cand2, call, status=409), 409, "phase")
        self.assertEqual(self.candidate(call, k2)["state"], "withdrawn")


class CallMailTest(unittest.TestCase):
    """Candidates and supporters hear of the decision by e-mail."""

    def test_decision_mailed_to_candidates_and_supporters(self):
        mails = {"cand1": "c1@mail.test", "cand2": "c2@mail.test",
                 "sup1": "s1@mail.test"}
        with mail_server(mails) as (server, box):
            server.create_user("admin1", "admin")
            server.create_user("sup2", "citizen")
            case = CallsTest("run")
            case.server = server
            t0 = server.now()
            call = case.announce(Session(case, "admin1"))
            case.to_day(1, t0)
            cand1, cand2 = Session(case, "cand1"), Session(case, "cand2")
            k1 = case.apply(cand1, call)
            k2 = case.apply(cand2, call, name="Анна Мостова")
            # sup1 supports both, cand2 supports a rival, sup2 has no
            # address: each account is told once, if it has one.
            for s, k in ((Session(case, "sup1"), k1),
                         (Session(case, "sup1"), k2), (cand2, k1),
                         (Session(case, "sup2"), k1)):
                r = s.post("/api/v1/calls/%d/candidates/%d/support"
                           % (call, k), json_body={})
                self.assertEqual(r.status, 200, r)
            self.assertEqual(box.messages, [])
            case.to_day(11, t0)
            r = Session(case, "admin1").post(
                "/api/v1/calls/%d/decision" % call, json_body={
                    "chosen": str(k1), "reasons": "Лучшая программа.",
                    "vote": "За — 5."})
            self.assertEqual(r.status, 200, r)
            # delivery_mail_now sent before the answer: count them now.
            for login, addr in mails.items():
                got = box.to(addr)
                self.assertEqual(len(got), 1, (login, got))
                body = got[0].get_body(("plain",)).get_content()
                self.assertIn("Лучшая программа.", body)
                self.assertIn("Сергей Дорогин", body)
                self.assertIn("/calls/%d" % call, body)
                self.assertIn("The commission decided", body)
                self.assertIn("поддержали" if login == "sup1" else
                              "подали заявку", body)
            self.assertEqual(len(box.messages), 3)


if __name__ == "__main__":
    unittest.main()
