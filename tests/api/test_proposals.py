"""
test_proposals.py: proposals (petitions) and agencies' "what we changed"
notes (docs/participation.md) over real HTTP: a signed-in citizen proposes
(on its own or from a report), edits before the first support only,
accounts support once each (a second support is 409), the threshold of
the deployment's rule opens the review with the 59-FZ answer clock,
moderators and the responsible agency's staff decide with a public reason,
every change lands in the audit chain, notes show on the agency's and the
reports' pages, and bad input is refused naming the field with nothing
written.
"""
import json
import subprocess
import unittest

from harness import (ServerTestCase, Session, VECHE_BIN, WEST_POINT,
                     report_fields)


class ProposalCase(ServerTestCase):
    """Helpers: JSON calls with a session, the audit log, counts."""

    # Answers are due by dates counted from this day (checked below).
    clock = "2026-06-15T10:00:00+03:00"

    def propose(self, s, title="Освещение во дворах", text="Поставить "
                "фонари во всех дворах района.", report=None, status=201):
        body = {"title": title, "text": text}
        if report is not None:
            body["report"] = report
        r = s.post("/api/v1/proposals", json_body=body)
        self.assertEqual(r.status, status, r)
        return r.json()["id"] if status == 201 else r

    def show(self, pid, s=None):
        r = (s.get if s else lambda p: self.fetch("GET", p))(
            "/api/v1/proposals/%d" % pid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def support(self, s, pid):
        return s.post("/api/v1/proposals/%d/support" % pid, json_body={})

    def put(self, s, path, body):
        h = s._headers({"Content-Type": "application/json",
                        "X-CSRF-Token": s.csrf})
        return s._keep(self.fetch("PUT", path, json.dumps(body).encode(),
                                  h))

    def audit(self, obj):
        return self.server.sql(
            "SELECT action, before, after FROM audit_log WHERE object = ?"
            " ORDER BY id", (obj,))

    def count(self):
        r = self.fetch("GET", "/api/v1/proposals")
        self.assertEqual(r.status, 200, r)
        return len(r.json())

    def refused(self, r, status, field):
        self.assertEqual(r.status, status, r)
        self.assertIn(field, r.json()[0]["description"], r)


class ProposalsTest(ProposalCase):
    serve_args = ("--proposals", "3/30")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for u in ("author", "s1", "s2", "s3", "s4"):
            cls.server.create_user(u, "citizen")
        cls.server.create_user("moder", "moderator")
        cls.server.create_user("oproads", "operator", agencies=["roads"])
        cls.server.create_user("opwest", "operator", agencies=["west"])

    def reach(self, pid):
        for u in ("s1", "s2", "s3"):
            r = self.support(Session(self, u), pid)
            self.assertEqual(r.status, 200, r)
        return r.json()

    def test_propose_edit_support_review_decide_audit(self):
        author = Session(self, "author")
        pid = self.propose(author)
        p = self.show(pid)
        self.assertEqual((p["state"], p["supports"], p["threshold"]),
                         ("collecting", 0, 3))
        self.assertNotIn("author", p)
        # Before the first support: only the author edits.
        r = self.put(Session(self, "s4"), "/api/v1/proposals/%d" % pid,
                     {"title": "Чужая правка", "text": "x"})
        self.refused(r, 403, "id")
        r = self.put(author, "/api/v1/proposals/%d" % pid,
                     {"title": "Освещение во всех дворах",
                      "text": "Фонари во всех дворах."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.show(pid)["title"], "Освещение во всех дворах")
        # One support: the text is fixed.
        s1 = Session(self, "s1")
        r = self.support(s1, pid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["done"], "supported")
        r = self.put(author, "/api/v1/proposals/%d" % pid,
                     {"title": "Другое", "text": "Другое"})
        self.refused(r, 409, "supports")
        self.assertEqual(self.show(pid)["title"], "Освещение во всех дворах")
        # A second support of one account: 409, counted once.
        self.refused(self.support(s1, pid), 409, "support")
        self.assertEqual(self.show(pid, s1)["supports"], 1)
        self.assertTrue(self.show(pid, s1)["supported"])
        # To the threshold: the review opens with the answer clock.
        self.assertEqual(self.support(Session(self, "s2"), pid).json()
                         ["done"], "supported")
        r = self.support(Session(self, "s3"), pid)
        self.assertEqual(r.json()["done"], "review")
        p = self.show(pid)
        self.assertEqual((p["state"], p["supports"]), ("review", 3))
        self.assertTrue(p["reached"].startswith("2026-06-15T"), p)
        # 59-FZ's 30 days from the day the threshold was reached.
        self.assertTrue(p["answer_due"].startswith("2026-07-15T"), p)
        self.assertEqual(p["deadline"], "ok")
        page = self.fetch("GET", "/proposals/%d" % pid).text()
        self.assertIn('id="proposal-due"', page)
        self.assertIn("15.07.2026", page)
        self.assertIn("Официальный ответ до", page)
        self.assertIn("Official answer due by", self.fetch(
            "GET", "/proposals/%d?lang=en" % pid).text())
        # No more supports once under review.
        self.refused(self.support(Session(self, "s4"), pid), 409, "state")
        # The official answer: not a citizen's; a reason is required.
        path = "/api/v1/proposals/%d/decision" % pid
        r = Session(self, "s4").post(path, json_body={
            "state": "accepted", "reason": "Да"})
        self.assertEqual(r.status, 403, r)
        moder = Session(self, "moder")
        self.refused(moder.post(path, json_body={"state": "accepted"}),
                     400, "reason")
        self.refused(moder.post(path, json_body={"state": "maybe",
                                                 "reason": "x"}),
                     400, "state")
        self.refused(moder.post(path, json_body={"state": "implemented",
                                                 "reason": "x"}),
                     409, "state")
        self.assertEqual(self.show(pid)["state"], "review")
        r = moder.post(path, json_body={
            "state": "accepted", "reason": "Включено в план на 2027 год."})
        self.assertEqual(r.status, 200, r)
        p = self.show(pid)
        self.assertEqual((p["state"], p["reason"]),
                         ("accepted", "Включено в план на 2027 год."))
        self.assertIsNone(p["deadline"])
        r = moder.post(path, json_body={"state": "implemented",
                                        "reason": "Фонари поставлены."})
        self.assertEqual(r.status, 200, r)
        page = self.fetch("GET", "/proposals/%d" % pid).text()
        self.assertIn("Реализовано", page)
        self.assertIn("Фонари поставлены.", page)
        # Every change is in the audit chain, and the chain holds.
        actions = [a for a, _, _ in self.audit("proposal:%d" % pid)]
        self.assertEqual(actions, [
            "proposal.create", "proposal.edit", "proposal.support",
            "proposal.support", "proposal.support", "proposal.review",
            "proposal.accept", "proposal.implement"])
        entries = self.audit("proposal:%d" % pid)
        self.assertEqual(entries[6][1:], ("state=review", "state=accepted"))
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)

    def test_from_a_report_and_its_agency_decides(self):
        rid = self.create(report_fields("pothole", WEST_POINT))
        page = self.fetch("GET", "/reports/%d" % rid).text()
        self.assertIn('href="/proposals/new?report=%d"' % rid, page)
        self.assertIn("Предложить, как решить навсегда", page)
        self.assertIn("Propose a lasting fix",
                      self.fetch("GET", "/reports/%d?lang=en" % rid).text())
        author = Session(self, "author")
        form = author.get("/proposals/new", {"report": rid}).text()
        self.assertIn('name="report" value="%d"' % rid, form)
        # The web form: 303 to the new proposal's page.
        r = author.post("/proposals", [("title", "Ремонт дороги целиком"),
                                       ("text", "Переложить асфальт."),
                                       ("report", str(rid))])
        self.assertEqual(r.status, 303, r)
        loc = r.headers["Location"]
        self.assertRegex(loc, r"^/proposals/\d+\?done=created$")
        pid = int(loc.split("/")[2].split("?")[0])
        p = self.show(pid)
        self.assertEqual((p["report"], p["agency"]), (rid, "roads"))
        self.assertIn('href="/reports/%d"' % rid,
                      self.fetch("GET", "/proposals/%d" % pid).text())
        self.reach(pid)
        path = "/api/v1/proposals/%d/decision" % pid
        r = Session(self, "opwest").post(path, json_body={
            "state": "rejected", "reason": "Не наше"})
        self.assertEqual(r.status, 403, r)
        r = Session(self, "oproads").post(path, json_body={
            "state": "rejected", "reason": "Дорога на капремонте в 2028."})
        self.assertEqual(r.status, 200, r)
        p = self.show(pid)
        self.assertEqual(p["state"], "rejected")
        page = self.fetch("GET", "/proposals/%d?lang=en" % pid).text()
        self.assertIn("Rejected", page)
        self.assertIn("Дорога на капремонте в 2028.", page)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        author = Session(self, "author")
        before = self.count()
        self.refused(self.propose(author, title="", status=400), 400,
                     "title")
        self.refused(self.propose(author, title="x" * 201, status=400),
                     400, "title")
        self.refused(self.propose(author, text="", status=400), 400, "text")
        self.refused(self.propose(author, report="abc", status=400), 400,
                     "report")
        self.refused(self.propose(author, report="999999", status=400),
                     400, "report")
        r = self.fetch("POST", "/api/v1/proposals", b'{"title": "x", "text"',
                       {"Content-Type": "application/json"})
        self.assertIn(r.status, (401, 403), r)
        r = author.post("/api/v1/proposals", json_body={"title": "x"},
                        csrf=False)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.count(), before)
        r = self.fetch("GET", "/api/v1/proposals?state=maybe")
        self.refused(r, 400, "state")
        self.refused(self.fetch("GET", "/api/v1/proposals?sort=oldest"), 400,
                     "sort")
        self.assertEqual(self.fetch("GET", "/api/v1/proposals/999999")
                         .status, 404)
        self.assertEqual(self.fetch("GET", "/proposals/999999").status, 404)
        self.refused(self.support(author, 999999), 404, "id")

    def test_list_filters_and_order(self):
        author = Session(self, "author")
        a = self.propose(author, title="Список А")
        b = self.propose(author, title="Список Б")
        self.assertEqual(self.support(Session(self, "s4"), a).status, 200)
        ids = [p["id"] for p in self.fetch(
            "GET", "/api/v1/proposals?state=collecting&sort=supports")
            .json()]
        self.assertLess(ids.index(a), ids.index(b))
        ids = [p["id"] for p in self.fetch(
            "GET", "/api/v1/proposals?sort=new").json()]
        self.assertLess(ids.index(b), ids.index(a))
        self.assertNotIn(a, [p["id"] for p in self.fetch(
            "GET", "/api/v1/proposals?state=accepted").json()])
        page = self.fetch("GET", "/proposals?state=collecting&sort=supports"
                          ).text()
        self.assertIn('href="/proposals/%d"' % a, page)
        self.assertIn("Предложения", page)
        self.assertIn('id="proposal-rule"', page)
        self.assertIn("Proposals", self.fetch("GET", "/proposals?lang=en")
                      .text())

    def test_what_we_changed_notes(self):
        rid = self.create(report_fields("pothole", WEST_POINT))
        rid2 = self.create(report_fields("pothole", WEST_POINT))
        op = Session(self, "oproads")
        path = "/api/v1/agencies/roads/notes"
        good = {"title": "Перешли на литой асфальт",
                "text": "Ямы теперь заделываем литым асфальтом.",
                "date": "2026-06-10", "reports": "%d, %d" % (rid, rid2)}
        for field, bad in (("title", ""), ("text", ""), ("date", "10.06.2026"),
                           ("date", "2026-13-01"), ("reports", ""),
                           ("reports", "999999"), ("reports", "x")):
            self.refused(op.post(path, json_body=dict(good, **{field: bad})),
                         400, field)
        self.assertEqual(self.fetch("GET", path).json(), [])
        self.assertEqual(Session(self, "opwest").post(
            path, json_body=good).status, 403)
        self.assertEqual(Session(self, "s1").post(
            path, json_body=good).status, 403)
        r = op.post(path, json_body=good)
        self.assertEqual(r.status, 201, r)
        nid = r.json()["id"]
        notes = self.fetch("GET", path).json()
        self.assertEqual([(n["id"], sorted(n["reports"])) for n in notes],
                         [(nid, sorted([rid, rid2]))])
        page = self.fetch("GET", "/agencies/roads").text()
        self.assertIn("Что мы изменили", page)
        self.assertIn("Перешли на литой асфальт", page)
        self.assertIn('href="/reports/%d"' % rid, page)
        for r_ in (rid, rid2):
            page = self.fetch("GET", "/reports/%d" % r_).text()
            self.assertIn("Перешли на литой асфальт", page)
            self.assertIn('href="/agencies/roads"', page)
        self.assertIn("What we changed", self.fetch(
            "GET", "/agencies/roads?lang=en").text())
        # The form on the agency page is for its staff only.
        self.assertIn('id="note-form"', op.get("/agencies/roads").text())
        self.assertNotIn('id="note-form"', self.fetch(
            "GET", "/agencies/roads").text())
        self.assertEqual([a for a, _, _ in self.audit("note:%d" % nid)],
                         ["note.publish"])


class PeriodTest(ProposalCase):
    """A period that ends: supports are refused naming it."""
    serve_args = ("--proposals", "2/10")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("author", "citizen")
        cls.server.create_user("late", "citizen")

    def test_support_after_the_period_is_refused(self):
        pid = self.propose(Session(self, "author"))
        self.assertEqual(self.show(pid)["threshold"], 2)
        self.server.advance(11 * 86400)
        self.refused(self.support(Session(self, "late"), pid), 409, "period")
        p = self.show(pid)
        self.assertEqual((p["supports"], p["lapsed"]), (0, True))
        self.assertIn('id="proposal-lapsed"',
                      self.fetch("GET", "/proposals/%d" % pid).text())


class PresetTest(ProposalCase):
    serve_args = ("--proposals", "rf")

    def test_rf_preset_and_a_bad_rule(self):
        page = self.fetch("GET", "/proposals").text()
        self.assertIn("<strong>100000</strong>", page)
        self.assertIn(" 365 ", page)
        p = subprocess.run(self.server.serve_command(
                            "--listen", "127.0.0.1:0", "--proposals",
                            "many"), capture_output=True, timeout=60,
                           env=self.server.env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"--proposals", p.stderr)


if __name__ == "__main__":
    unittest.main()
