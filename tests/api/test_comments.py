"""
test_comments.py: one comment system for every subject (docs/participation.md
"Evaluation of comments") over real HTTP: comments on a proposal by the
generic API and on its page, the order by the weighed Wilson score, fresh
accounts' votes unable to sink an established comment (brigading), a high
reputation never counting in a proposal's supports, the text engine's
59-FZ art. 11 pre-marks holding a comment (and harsh criticism not held),
a moderator hiding with a reason audited and shown to the author, and bad
input refused naming the field.
"""
import unittest

from harness import ServerTestCase, Session
import test_accounts
from test_delivery import wait_for

MAIL = "appellant@mail.test"

DAY = 86400


class CommentsTest(ServerTestCase):
    serve_args = ("--proposals", "3/30")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("cmod", "moderator")
        cls.server.create_user("author1", "citizen")
        cls.old = ["old%d" % i for i in range(10)]
        for login in cls.old:
            cls.server.create_user(login, "citizen")
        # Eight days later the first accounts are established.
        cls.server.advance(8 * DAY)
        cls.fresh = ["new%02d" % i for i in range(20)]
        for login in cls.fresh:
            cls.server.create_user(login, "citizen")

    def proposal(self, s):
        r = s.post("/api/v1/proposals", json_body={
            "title": "Скамейки во дворе %d" % id(s),
            "text": "Поставить скамейки у каждого подъезда."})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def form(self, s, path, fields):
        """POST a page's form: the device's double-submit token."""
        if "veche_csrf" not in s.cookies:
            s.get("/proposals")
        return s.post(path, dict(fields, csrf=s.cookies["veche_csrf"]),
                      csrf=False, headers={"Accept": "application/json"})

    def comment(self, s, subject, body, status=201):
        r = self.form(s, "/api/v1/comments", {"subject": subject,
                                              "body": body})
        self.assertEqual(r.status, status, r)
        return r.json()

    def listed(self, subject, order=None):
        q = "?subject=" + subject + ("&order=" + order if order else "")
        r = self.fetch("GET", "/api/v1/comments" + q)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def vote(self, s, cid, useful):
        r = self.form(s, "/api/v1/comments/%d/votes" % cid,
                      {"useful": "yes" if useful else "no"})
        self.assertEqual(r.status, 201, r)

    def test_brigade_of_fresh_accounts_does_not_sink_a_comment(self):
        author = Session(self, "author1")
        pid = self.proposal(author)
        subject = "proposal:%d" % pid
        a = self.comment(author, subject, "Скамейки нужны у детской "
                         "площадки, там сидят родители.")["id"]
        b = self.comment(author, subject, "Лучше со спинками.")["id"]
        # a: useful to ten established accounts; b: to five of them.
        olds = [Session(self, login) for login in self.old]
        for s in olds:
            self.vote(s, a, True)
        for s in olds[:5]:
            self.vote(s, b, True)
        # Twenty accounts a day old vote a down together.
        for login in self.fresh:
            self.vote(Session(self, login), a, False)
        got = {c["id"]: c for c in self.listed(subject)}
        self.assertEqual((got[a]["useful"], got[a]["not_useful"]), (10, 20))
        self.assertAlmostEqual(got[a]["weighed_not_useful"], 1.0)
        self.assertGreater(got[a]["score"], got[b]["score"])
        self.assertEqual([c["id"] for c in self.listed(subject)], [a, b])
        # By time on request; the proposal's page shows the same order.
        self.assertEqual([c["id"] for c in self.listed(subject, "new")],
                         [a, b])
        page = self.fetch("GET", "/proposals/%d" % pid).text()
        self.assertLess(page.index('id="comment-%d"' % a),
                        page.index('id="comment-%d"' % b))
        self.assertIn('href="/people/', page)
        # Had the fresh votes counted in full, a would be far below b.
        self.assertLess(10 / 30, got[b]["score"])

    def test_reputation_never_counts_in_supports(self):
        author = Session(self, "author1")
        pid = self.proposal(author)
        cid = self.comment(author, "proposal:%d" % pid,
                           "Полезное замечание")["id"]
        for login in self.old[:3]:
            self.vote(Session(self, login), cid, True)
        c = [c for c in self.listed("proposal:%d" % pid)
             if c["id"] == cid][0]
        self.assertGreater(c["reputation"], 0)
        other = self.proposal(Session(self, "old5"))
        r = author.post("/api/v1/proposals/%d/support" % other,
                        json_body={})
        self.assertEqual(r.status, 200 if r.status == 200 else 201, r)
        r = self.fetch("GET", "/api/v1/proposals/%d" % other)
        self.assertEqual(r.json()["supports"], 1)
        # The author's profile shows the reputation, never the e-mail.
        page = self.fetch("GET", "/people/%d" % c["author_id"]).text()
        self.assertIn('id="reputation"', page)
        self.assertIn("Полезное замечание", page)

    def test_premarks_hold_threats_not_criticism(self):
        s = Session(self, "author1")
        pid = self.proposal(s)
        subject = "proposal:%d" % pid
        held = self.comment(s, subject, "Я тебя убью, чиновник")
        self.assertEqual((held["status"], held["premark"]),
                         ("pending", "threat"))
        rude = self.comment(s, subject, "Да вы охуели там")
        self.assertEqual(rude["premark"], "obscene")
        ok = self.comment(s, subject, "чиновники бездельники, позор")
        self.assertEqual((ok["status"], ok["premark"]), ("published", None))
        ids = [c["id"] for c in self.listed(subject)]
        self.assertEqual(ids, [ok["id"]])
        mod = Session(self, "cmod")
        page = mod.get("/desk/moderation",
                       headers={"Accept": "text/html"}).text()
        pending = page.split('id="pending"')[1].split("</ul>")[0]
        self.assertIn('id="premark-%d"' % held["id"], pending)
        self.assertNotIn("бездельники", pending)

    def test_hide_needs_a_reason_audited_and_shown_to_the_author(self):
        s = Session(self, "author1")
        pid = self.proposal(s)
        cid = self.comment(s, "proposal:%d" % pid, "Спам спам спам")["id"]
        mod = Session(self, "cmod")
        r = mod.post("/desk/comments/%d/hide" % cid, {})
        self.assertEqual(r.status, 400, r)
        self.assertIn("reason", r.text())
        r = mod.post("/desk/comments/%d/hide" % cid,
                     {"reason": "Реклама, п. 3 правил"})
        self.assertIn(r.status, (303, 200), r)
        self.assertEqual(self.listed("proposal:%d" % pid), [])
        rows = self.server.sql("SELECT action, actor_name, after FROM "
                               "audit_log WHERE object = ?",
                               ("comment:%d" % cid,))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:2], ("comment.hide", "cmod"))
        self.assertIn("reason=Реклама", rows[0][2])
        page = s.get("/people/%d" % self.user_id("author1")).text()
        self.assertIn('id="hidden-why-%d"' % cid, page)
        self.assertIn("Реклама, п. 3 правил", page)
        # Others do not see it on the profile.
        page = self.fetch("GET", "/people/%d" %
                          self.user_id("author1")).text()
        self.assertNotIn("Спам спам спам", page)

    def user_id(self, login):
        return self.server.sql_value("SELECT id FROM users WHERE login = ?",
                                     (login,))

    def test_bad_input_names_the_field(self):
        s = Session(self, "author1")
        for subject in ("", "proposal", "thing:1", "proposal:x"):
            r = self.form(s, "/api/v1/comments", {"subject": subject,
                                                  "body": "текст"})
            self.assertEqual(r.status, 400, (subject, r))
            self.assertTrue(self.said(r).startswith("subject:"), r)
        r = self.form(s, "/api/v1/comments", {"subject": "proposal:999999",
                                              "body": "текст"})
        self.assertEqual(r.status, 404, r)
        pid = self.proposal(s)
        r = self.form(s, "/api/v1/comments", {"subject": "proposal:%d" % pid,
                                              "body": "  "})
        self.assertEqual(r.status, 400, r)
        self.assertTrue(self.said(r).startswith("body:"), r)
        # A client of the API gets JSON errors whatever its Accept: none
        # (curl, a script), the JSON one, or */*.
        for h in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
            r = self.fetch("GET", "/api/v1/comments?subject=proposal:%d"
                           "&order=best" % pid, headers=h)
            self.assertEqual(r.status, 400, r)
            self.assertTrue(r.headers["Content-Type"].startswith(
                "application/json"), (h, r.headers["Content-Type"]))
            self.assertTrue(self.said(r).startswith("order:"), r)
        r = self.fetch("GET", "/api/v1/comments")
        self.assertEqual(r.status, 400, r)
        self.assertTrue(self.said(r).startswith("subject:"), r)

    def said(self, r):
        """The error's description (Open311's error list)."""
        return r.json()[0]["description"]


class AppealsTest(test_accounts.MailServerCase):
    """A moderated author's appeal (docs/participation.md "Appeals"),
    decided by another moderator, audited, shown and sent by e-mail to a
    real SMTP receiver on loopback."""
    extra_args = ("--proposals", "3/30")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for login, role in (("moda", "moderator"), ("modb", "moderator"),
                            ("appellant", "citizen"), ("other", "citizen")):
            cls.server.create_user(login, role)
        cls.server.sql("UPDATE users SET email = ? WHERE login = ?",
                       (MAIL, "appellant"))

    form = CommentsTest.form
    comment = CommentsTest.comment
    listed = CommentsTest.listed
    proposal = CommentsTest.proposal
    user_id = CommentsTest.user_id
    said = CommentsTest.said

    def hidden_comment(self, s, body, reason, by="moda"):
        pid = self.proposal(s)
        cid = self.comment(s, "proposal:%d" % pid, body)["id"]
        r = Session(self, by).post("/desk/comments/%d/hide" % cid,
                                   {"reason": reason})
        self.assertEqual(r.status, 303, r)
        return pid, cid

    def audit(self, cid):
        return self.server.sql("SELECT action, actor_name, after FROM "
                               "audit_log WHERE object = ? ORDER BY id",
                               ("comment:%d" % cid,))

    def test_appeal_restored_by_another_moderator_and_mailed(self):
        s = Session(self, "appellant")
        pid, cid = self.hidden_comment(s, "Скамейки поставили криво",
                                       "Не по теме обсуждения")
        # The author sees why, on the subject's page, with the form.
        page = s.get("/proposals/%d" % pid).text()
        self.assertIn('id="hidden-why-%d"' % cid, page)
        self.assertIn("Не по теме обсуждения", page)
        self.assertIn('id="appeal-form-%d"' % cid, page)
        # Nobody else does; nobody else may appeal.
        page = Session(self, "other").get("/proposals/%d" % pid).text()
        self.assertNotIn("Не по теме обсуждения", page)
        r = self.form(Session(self, "other"),
                      "/api/v1/comments/%d/appeal" % cid, {"text": "Верните"})
        self.assertEqual(r.status, 403, r)
        self.assertTrue(self.said(r).startswith("id:"), r)
        r = self.form(Session(self), "/api/v1/comments/%d/appeal" % cid,
                      {"text": "Верните"})
        self.assertEqual(r.status, 403, r)
        self.assertTrue(self.said(r).startswith("session:"), r)
        for text in ("", "   ", "я" * 2001):
            r = self.form(s, "/api/v1/comments/%d/appeal" % cid,
                          {"text": text})
            self.assertEqual(r.status, 400, (len(text), r))
            self.assertTrue(self.said(r).startswith("text:"), r)
        r = self.form(s, "/api/v1/comments/%d/appeal" % cid,
                      {"text": "Это по теме: скамейки из этого проекта"})
        self.assertEqual(r.status, 201, r)
        aid = r.json()["id"]
        self.assertEqual(r.json()["state"], "open")
        # Once.
        r = self.form(s, "/api/v1/comments/%d/appeal" % cid,
                      {"text": "Ещё раз"})
        self.assertEqual(r.status, 409, r)
        self.assertTrue(self.said(r).startswith("id:"), r)
        mine = s.get("/api/v1/appeals").json()
        self.assertEqual([(a["id"], a["state"]) for a in mine],
                         [(aid, "open")])
        # Both moderators see it queued; the one who hid it may not
        # decide while another moderator exists.
        moda, modb = Session(self, "moda"), Session(self, "modb")
        page = moda.get("/desk/moderation").text()
        queue = page.split('id="appeals"')[1].split("</ul>")[0]
        self.assertIn('id="mod-appeal-%d"' % aid, queue)
        self.assertIn("скамейки из этого проекта", queue)
        r = moda.post("/desk/appeals/%d/restore" % aid, {"reason": "Ок"})
        self.assertEqual(r.status, 403, r)
        self.assertIn("moderator", r.text())
        r = modb.post("/desk/appeals/%d/restore" % aid, {})
        self.assertEqual(r.status, 400, r)
        self.assertIn("reason", r.text())
        r = modb.post("/desk/appeals/%d/restore" % aid,
                      {"reason": "Замечание по теме, скрыто ошибочно"})
        self.assertEqual(r.status, 303, r)
        r = modb.post("/desk/appeals/%d/uphold" % aid, {"reason": "Нет"})
        self.assertEqual(r.status, 409, r)
        # Published again; the decision on the profile and in the API.
        self.assertEqual([c["id"] for c in
                          self.listed("proposal:%d" % pid)], [cid])
        page = s.get("/people/%d" % self.user_id("appellant")).text()
        self.assertIn('id="appeal-%d" data-state="restored"' % aid, page)
        self.assertIn("Замечание по теме, скрыто ошибочно", page)
        mine = s.get("/api/v1/appeals").json()
        self.assertEqual((mine[0]["state"], mine[0]["reason"]),
                         ("restored", "Замечание по теме, скрыто ошибочно"))
        page = modb.get("/desk/moderation").text()
        self.assertNotIn('id="mod-appeal-%d"' % aid, page)
        # Audited: who and the text or the reason.
        rows = self.audit(cid)
        self.assertEqual([r[:2] for r in rows], [
            ("comment.hide", "moda"), ("comment.appeal", "appellant"),
            ("comment.appeal.restore", "modb")])
        self.assertIn("скамейки из этого проекта", rows[1][2])
        self.assertIn("reason=Замечание по теме", rows[2][2])
        self.assertEqual(self.server.audit_verify()[0], 0)
        # The author reaches the profile from "my" pages.
        me = self.user_id("appellant")
        for path in ("/my", "/account"):
            self.assertIn('href="/people/%d"' % me, s.get(path).text(), path)
        # And told by e-mail.
        mails = wait_for("the decision's mail", lambda: self.box.to(MAIL))
        text = mails[0].get_body(("plain",)).get_content()
        self.assertIn("Решение по вашему обжалованию", mails[0]["Subject"])
        self.assertIn("Замечание по теме, скрыто ошибочно", text)
        self.assertIn("Комментарий восстановлен", text)

    def test_the_only_moderator_decides_alone_and_upholds(self):
        s = Session(self, "other")
        pid, cid = self.hidden_comment(s, "Рекламирую свой магазин",
                                       "Реклама", by="modb")
        r = self.form(s, "/api/v1/comments/%d/appeal" % cid,
                      {"text": "Это не реклама"})
        self.assertEqual(r.status, 201, r)
        aid = r.json()["id"]
        # With moda disabled modb is the only moderator: modb decides.
        self.server.sql("UPDATE users SET disabled = 1 WHERE login = 'moda'")
        try:
            r = Session(self, "modb").post(
                "/desk/appeals/%d/uphold" % aid,
                {"reason": "Ссылка на магазин, п. 3 правил"})
        finally:
            self.server.sql("UPDATE users SET disabled = 0 "
                            "WHERE login = 'moda'")
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.listed("proposal:%d" % pid), [])
        page = s.get("/people/%d" % self.user_id("other")).text()
        self.assertIn('id="appeal-%d" data-state="upheld"' % aid, page)
        self.assertIn("Ссылка на магазин, п. 3 правил", page)
        # The subject's page links the decision instead of the form.
        page = s.get("/proposals/%d" % pid).text()
        self.assertNotIn('id="appeal-form-%d"' % cid, page)
        self.assertIn('href="/people/%d#appeal-%d"' %
                      (self.user_id("other"), aid), page)
        self.assertEqual(self.audit(cid)[-1][:2],
                         ("comment.appeal.uphold", "modb"))


if __name__ == "__main__":
    unittest.main()
