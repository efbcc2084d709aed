"""
test_drafts.py: drafts of regulations discussed by paragraph
(docs/participation.md) over real HTTP: the split of a pasted text into
articles and paragraphs (errors naming the line, the preview), the
discussion period kept by the clock file, comments with a proposed
wording through the one comment system, the agency's decisions (a reason
required unless accepted; the author told by e-mail over a loopback SMTP
server), the next version's word diff, the summary's CSV (RFC 4180), the
open data dump, no e-mail in any public output, and only the owning
agency's staff publishing and answering.
"""
import csv
import io
import json
import os
import tempfile
import unittest

from harness import ServerTestCase, Session
from test_delivery import mail_server, wait_for

TEXT_V1 = """Статья 1. Общие положения
1. Настоящие правила устанавливают порядок благоустройства дворов.
2) Правила применяются на всей территории города
и обязательны для всех.

Статья 2. Уборка
а) Дворы убираются ежедневно до 8 часов утра.
б) Снег вывозится в течение суток.

Отдельный абзац без номера тоже пункт.
"""

TEXT_V2 = """Статья 1. Общие положения
1. Настоящие правила устанавливают порядок содержания и благоустройства дворов.
2) Правила применяются на всей территории города
и обязательны для всех.

Статья 2. Уборка
а) Дворы убираются ежедневно до 7 часов утра.

Статья 3. Контроль
1. Контроль ведёт управа района.
"""

EMAIL = "drafter@mail.test"
EN_EMAIL = "reader@mail.test"
NAME = "Пётр Составитель"
# The day the drafts below open on (their dates are June 2026's).
DRAFT_CLOCK = "2026-06-15T10:00:00+03:00"


class DraftCase(ServerTestCase):
    """Helpers shared by the draft tests."""

    # Drafts open and close on days of June 2026 named below.
    clock = DRAFT_CLOCK

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("oproads", "operator", agencies=["roads"])
        cls.server.create_user("opwest", "operator", agencies=["west"])
        cls.server.create_user("admin1", "admin")
        for u in ("citizen", "rater"):
            cls.server.create_user(u, "citizen")
        cls.server.sql("UPDATE users SET email = ? WHERE login = 'citizen'",
                       (EMAIL,))

    def publish(self, s, text=TEXT_V1, status=201, **extra):
        body = {"agency": "roads", "title": "Правила благоустройства",
                "closes": "2026-06-20", "text": text}
        body.update(extra)
        r = s.post("/api/v1/drafts", json_body=body)
        self.assertEqual(r.status, status, r)
        return r.json()["id"] if status == 201 else r

    def draft(self, did, version=None):
        path = "/api/v1/drafts/%d" % did
        if version is not None:
            path += "/versions/%d" % version
        r = self.fetch("GET", path)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def para(self, did, number, version=None):
        for p in self.draft(did, version)["paragraphs"]:
            if p["number"] == number:
                return p
        raise AssertionError("no paragraph %s" % number)

    def form_post(self, s, path, fields=None, json_body=None):
        """A write of the comment system: its double-submit token (the
        veche_csrf cookie), as the pages' forms send it."""
        if "veche_csrf" not in s.cookies:
            s.get("/drafts")
        token = s.cookies["veche_csrf"]
        if json_body is not None:
            return s.post(path, json_body=json_body, csrf=False,
                          headers={"X-CSRF-Token": token})
        return s.post(path, dict(fields, csrf=token), csrf=False,
                      headers={"Accept": "application/json"})

    def comment(self, s, pid, body, wording=None, status=201):
        b = {"body": body, "author": NAME}
        if wording is not None:
            b["wording"] = wording
        r = self.form_post(s, "/api/v1/drafts/paragraphs/%d/comments" % pid,
                           json_body=b)
        self.assertEqual(r.status, status, r)
        return r.json()["id"] if status == 201 else r

    def refused(self, r, status, field, text=None):
        self.assertEqual(r.status, status, r)
        desc = r.json()[0]["description"]
        self.assertIn(field, desc, r)
        if text is not None:
            self.assertIn(text, desc, r)


class DraftsTest(DraftCase):

    def test_split_rules_and_errors_naming_the_line(self):
        op = Session(self, "oproads")
        did = self.publish(op)
        d = self.draft(did)
        self.assertEqual([p["number"] for p in d["paragraphs"]],
                         ["1.1", "1.2", "2.1", "2.2", "2.3"])
        p = {x["number"]: x for x in d["paragraphs"]}
        self.assertEqual(p["1.2"]["text"], "2) Правила применяются на всей "
                         "территории города и обязательны для всех.")
        self.assertEqual(p["2.3"]["text"],
                         "Отдельный абзац без номера тоже пункт.")
        self.assertEqual(p["2.1"]["article_title"], "Уборка")
        self.assertEqual(d["version"], 1)
        # Errors name the field and the line; nothing is written.
        before = len(self.fetch("GET", "/api/v1/drafts").json())
        bad = {
            "Преамбула\nСтатья 1. X\n1. a\n": "line 1",
            "Статья 1. A\n1. a\n\nСтатья x. B\n1. b\n": "line 4",
            "Статья 2. A\n1. a\nСтатья 1. B\n1. b\n": "line 3",
            "Статья 1. A\n1. a\nСтатья 2. Пустая\n\nСтатья 3. C\n1. c\n":
                "line 3",
            "": "text",
        }
        for text, line in bad.items():
            r = self.publish(op, text=text, status=400)
            self.refused(r, 400, "text", line)
        self.refused(self.publish(op, closes="", status=400), 400, "closes")
        self.refused(self.publish(op, closes="2026-13-01", status=400), 400,
                     "closes")
        self.refused(self.publish(op, title="", status=400), 400, "title")
        self.assertEqual(len(self.fetch("GET", "/api/v1/drafts").json()),
                         before)
        # The preview shows the split (or the error) and publishes nothing.
        form = {"agency": "roads", "title": "Проверка", "closes":
                "2026-06-20", "text": TEXT_V1, "preview": "1"}
        r = op.post("/drafts", form)
        self.assertEqual(r.status, 200, r)
        self.assertIn('id="draft-preview"', r.text())
        self.assertIn('id="preview-paras">5<', r.text())
        form["text"] = "Статья 1. A\nСтатья 2. B\n1. b\n"
        r = op.post("/drafts", form)
        self.assertEqual(r.status, 400, r)
        self.assertIn("line 1: article 1 has no paragraphs", r.text())
        self.assertEqual(len(self.fetch("GET", "/api/v1/drafts").json()),
                         before)

    def test_only_the_owning_agency_publishes_and_answers(self):
        did = self.publish(Session(self, "oproads"))
        west = Session(self, "opwest")
        self.refused(self.publish(west, status=403), 403, "agency")
        r = west.post("/api/v1/drafts/%d/versions" % did,
                      json_body={"text": TEXT_V2})
        self.refused(r, 403, "agency")
        self.assertEqual(self.draft(did)["version"], 1)
        cid = self.comment(Session(self, "citizen"),
                           self.para(did, "1.1")["id"], "Уточните.")
        r = west.post("/api/v1/drafts/comments/%d/decision" % cid,
                      json_body={"decision": "accepted"})
        self.refused(r, 403, "agency")
        r = Session(self, "citizen").post(
            "/api/v1/drafts/comments/%d/decision" % cid,
            json_body={"decision": "accepted"})
        self.assertEqual(r.status, 403, r)
        # An administrator may publish for any agency.
        self.publish(Session(self, "admin1"), agency="west")

    def test_period_kept_by_the_clock(self):
        op = Session(self, "oproads")
        did = self.publish(op, opens="2026-06-16", closes="2026-06-18")
        pid = self.para(did, "1.1")["id"]
        cit = Session(self, "citizen")
        self.refused(self.comment(cit, pid, "Рано?", status=409), 409,
                     "period")
        page = self.fetch("GET", "/drafts/%d" % did).text()
        self.assertIn('data-state="upcoming"', page)
        self.server.advance(86400)
        cit = Session(self, "citizen")  # a day idle ends a session
        self.comment(cit, pid, "Теперь можно.")
        page = self.fetch("GET", "/drafts/%d" % did).text()
        self.assertIn('data-state="open"', page)
        self.assertIn("закроется через 2 дн.", page)
        self.server.advance(3 * 86400)
        cit = Session(self, "citizen")
        self.refused(self.comment(cit, pid, "Поздно?", status=409), 409,
                     "period")
        # The comment system's own route refuses it too.
        r = self.form_post(cit, "/api/v1/comments", {
            "subject": "draft_paragraph:%d" % pid, "body": "Обходом"})
        self.assertIn(r.status, (404, 409), r)
        self.assertIn('data-state="closed"',
                      self.fetch("GET", "/drafts/%d" % did).text())
        self.server.advance(-4 * 86400)
        # Anonymous callers cannot comment on a paragraph.
        r = self.form_post(Session(self), "/api/v1/drafts/paragraphs/%d/"
                           "comments" % pid, json_body={"body": "Без входа"})
        self.refused(r, 403, "session")

    def test_shared_comment_route_needs_an_account(self):
        op = Session(self, "oproads")
        did = self.publish(op)
        pid = self.para(did, "1.1")["id"]
        anon = Session(self)
        r = self.form_post(anon, "/api/v1/comments", {
            "subject": "draft_paragraph:%d" % pid, "body": "Аноним"})
        self.refused(r, 403, "session")
        page = self.fetch("GET", "/drafts/p/%d" % pid).text()
        self.assertIn('id="comment-sign-in"', page)
        self.assertNotIn('id="comment-form"', page)
        self.assertNotIn("Аноним", page)
        # Signed in, the shared route takes it as the drafts' own does.
        cit = Session(self, "rater")
        r = self.form_post(cit, "/api/v1/comments", {
            "subject": "draft_paragraph:%d" % pid, "body": "С именем"})
        self.assertEqual(r.status, 201, r)
        page = cit.get("/drafts/p/%d" % pid).text()
        self.assertIn("С именем", page)
        self.assertIn('id="comment-form"', page)

    def test_next_version_diff_and_old_paragraphs(self):
        op = Session(self, "oproads")
        did = self.publish(op)
        old = self.para(did, "2.1")
        cid = self.comment(Session(self, "citizen"), old["id"], "Рано!",
                           wording="а) Дворы убираются ежедневно до 7 "
                           "часов утра.")
        r = op.post("/api/v1/drafts/%d/versions" % did,
                    json_body={"text": TEXT_V2})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["version"], 2)
        v2 = self.draft(did, 2)
        marks = {p["number"]: p["change"] for p in v2["paragraphs"]}
        self.assertEqual(marks, {"1.1": "changed", "1.2": "same",
                                 "2.1": "changed", "3.1": "added"})
        self.assertEqual([(x["article"], x["paragraph"]) for x in
                          v2["removed"]], [(2, 2), (2, 3)])
        page = self.fetch("GET", "/drafts/%d/v/2" % did).text()
        self.assertIn("<del><span class=\"visually-hidden\">удалено: "
                      "</span>8</del>", page)
        self.assertIn("<ins><span class=\"visually-hidden\">добавлено: "
                      "</span>7</ins>", page)
        self.assertIn("содержания и</ins>", page)
        self.assertIn('id="draft-removed"', page)
        self.assertIn("Снег вывозится", page)
        # The current page is version 2; version 1 is kept.
        self.assertEqual(self.draft(did)["shown_version"], 2)
        v1 = self.fetch("GET", "/drafts/%d/v/1" % did).text()
        self.assertIn('href="/drafts/p/%d"' % old["id"], v1)
        self.assertIn("Комментарии: 1", v1)
        # The old paragraph keeps its comment; no new ones there.
        pp = self.fetch("GET", "/drafts/p/%d" % old["id"]).text()
        self.assertIn('id="proposal-%d"' % cid, pp)
        self.assertIn('id="draft-old"', pp)
        self.refused(self.comment(Session(self, "citizen"), old["id"], "Ещё",
                                  status=409), 409, "version")
        self.assertEqual(self.fetch("GET", "/drafts/%d/v/3" % did).status,
                         404)

    def test_proposal_rated_decided_summary_csv_no_email(self):
        op = Session(self, "oproads")
        did = self.publish(op)
        p = self.para(did, "1.1")
        cit = Session(self, "citizen")
        tricky = 'Добавить "содержание", а также\nуборку'
        cid = self.comment(cit, p["id"], tricky, wording="1. Настоящие "
                           "правила устанавливают порядок содержания дворов.")
        cid2 = self.comment(cit, self.para(did, "2.2")["id"], "=1+1 формула")
        # Another citizen rates it through the one comment system.
        r = self.form_post(Session(self, "rater"), "/api/v1/comments/%d/votes"
                           % cid, {"useful": "yes"})
        self.assertIn(r.status, (200, 201), r)
        c = self.fetch("GET", "/api/v1/comments?subject=draft_paragraph:%d"
                       % p["id"]).json()
        self.assertEqual(c[0]["useful"], 1)
        # Decisions: a reason is required unless accepted.
        path = "/api/v1/drafts/comments/%d/decision" % cid
        self.refused(op.post(path, json_body={"decision": "maybe"}), 400,
                     "decision")
        self.refused(op.post(path, json_body={"decision": "rejected"}), 400,
                     "reason")
        self.refused(op.post(path, json_body={"decision": "partly",
                                              "reason": ""}), 400, "reason")
        r = op.post(path, json_body={"decision": "partly", "reason":
                                     "Учтено в части содержания."})
        self.assertEqual(r.status, 200, r)
        self.refused(op.post(path, json_body={"decision": "accepted"}), 409,
                     "decision")
        r = op.post("/api/v1/drafts/comments/%d/decision" % cid2,
                    json_body={"decision": "accepted"})
        self.assertEqual(r.status, 200, r)
        # The paragraph's page shows the wording's diff and the decision.
        page = self.fetch("GET", "/drafts/p/%d" % p["id"]).text()
        self.assertIn("содержания</ins>", page)
        self.assertIn("благоустройства</del>", page)
        self.assertIn("Учтено частично", page)
        self.assertIn("Учтено в части содержания.", page)
        # The summary: JSON, the printable page, the CSV.
        js = self.fetch("GET", "/api/v1/drafts/%d/proposals" % did).json()
        self.assertEqual([(x["number"], x["decision"]) for x in js],
                         [("1.1", "partly"), ("2.2", "accepted")])
        html = self.fetch("GET", "/drafts/%d/summary" % did).text()
        self.assertIn("<thead>", html)
        self.assertIn('class="table-wrap" tabindex="0"', html)
        r = self.fetch("GET", "/drafts/%d/summary.csv" % did)
        self.assertEqual(r.status, 200, r)
        self.assertIn("text/csv", r.headers.get("Content-Type"))
        raw = r.body.decode("utf-8")
        self.assertTrue(raw.startswith(
            "comment,version,paragraph,author,proposal,wording,decision,"
            "reason,decided\r\n"), raw[:120])
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][:5], [str(cid), "1", "1.1", NAME, tricky])
        self.assertEqual(rows[1][6:8], ["partly",
                                        "Учтено в части содержания."])
        self.assertEqual(rows[2][4], "'=1+1 формула")
        self.assertIn('"Добавить ""содержание"", а также\nуборку"', raw)
        # No e-mail in any public output (the CSV, pages, JSON).
        for path in ("/drafts", "/drafts/%d" % did, "/drafts/p/%d" % p["id"],
                     "/drafts/%d/summary" % did, "/drafts/%d/summary.csv" %
                     did, "/api/v1/drafts/%d/proposals" % did,
                     "/api/v1/comments?subject=draft_paragraph:%d" % p["id"]):
            self.assertNotIn(EMAIL, self.fetch("GET", path).body.decode(),
                             path)
        # The open data dump: drafts, paragraphs, proposals; no e-mail.
        out = tempfile.mkdtemp(prefix="veche-drafts-dump-")
        self.server.cli("dump", "--db", self.server.db, "--out", out)
        names = os.listdir(out)
        for n in ("drafts.csv", "draft_paragraphs.csv",
                  "draft_proposals.csv", "draft_proposals.jsonl"):
            self.assertIn(n, names)
        with open(os.path.join(out, "draft_proposals.jsonl")) as f:
            dumped = [json.loads(l) for l in f]
        mine = [x for x in dumped if x["comment"] == cid][0]
        self.assertEqual((mine["decision"], mine["author"], mine["number"]),
                         ("partly", NAME, "1.1"))
        for n in names:
            with open(os.path.join(out, n), encoding="utf-8") as f:
                self.assertNotIn(EMAIL, f.read(), n)
        with open(os.path.join(out, "datapackage.json")) as f:
            pkg = json.load(f)
        self.assertIn("draft_proposals-csv", [x["name"] for x in
                                              pkg["resources"]])

    def test_pages_in_both_languages_and_bad_input(self):
        did = self.publish(Session(self, "oproads"))
        for lang, word in (("ru", "Проекты нормативных актов"),
                           ("en", "Draft regulations")):
            r = self.fetch("GET", "/drafts?lang=%s" % lang)
            self.assertEqual(r.status, 200, r)
            self.assertIn(word, r.text())
            self.assertIn('id="nav-drafts"', r.text())
        r = self.fetch("GET", "/drafts/%d?lang=en" % did)
        self.assertIn("closes in 5 days", r.text())
        r = self.fetch("GET", "/drafts?when=soon")
        self.assertEqual(r.status, 400, r)
        self.assertIn('role="alert">when: ', r.text())
        r = self.fetch("GET", "/api/v1/drafts?agency=nowhere")
        self.refused(r, 400, "agency")
        self.assertEqual(self.fetch("GET", "/api/v1/drafts/999999").status,
                         404)
        self.assertEqual(self.fetch("GET", "/drafts/p/999999").status, 404)
        r = self.form_post(Session(self, "citizen"),
                           "/api/v1/drafts/paragraphs/%d/comments" %
                           self.para(did, "1.1")["id"], json_body={"body": ""})
        self.refused(r, 400, "body")
        r = self.form_post(Session(self, "citizen"),
                           "/api/v1/drafts/paragraphs/999999/comments",
                           json_body={"body": "x"})
        self.refused(r, 404, "paragraph")


class DraftMailTest(unittest.TestCase):
    """The author of a proposal hears of the decision by e-mail."""

    def test_decision_mailed_to_the_author(self):
        with mail_server({"citizen": EMAIL, "english": EN_EMAIL},
                         clock=DRAFT_CLOCK) as (server, box):
            server.create_user("oproads", "operator", agencies=["roads"])
            case = DraftCase("run")
            case.server = server
            op, cit = Session(case, "oproads"), Session(case, "citizen")
            did = case.publish(op)
            cid = case.comment(cit, case.para(did, "1.1")["id"], "Иначе")
            r = op.post("/api/v1/drafts/comments/%d/decision" % cid,
                        json_body={"decision": "rejected",
                                   "reason": "Противоречит закону."})
            self.assertEqual(r.status, 200, r)
            msgs = wait_for("the decision's mail", lambda: box.to(EMAIL))
            body = msgs[0].get_body(("plain",)).get_content()
            self.assertIn("Противоречит закону.", body)
            self.assertIn("Отклонено", body)
            self.assertIn("/drafts/p/", body)
            # The mail speaks the proposal's language, not the page's of
            # the staff member deciding.
            en = Session(case, "english")
            en.cookies["veche_lang"] = "en"
            cid2 = case.comment(en, case.para(did, "1.2")["id"],
                                "Other words")
            op.cookies["veche_lang"] = "ru"
            r = op.post("/api/v1/drafts/comments/%d/decision" % cid2,
                        json_body={"decision": "partly",
                                   "reason": "Частично учтено."})
            self.assertEqual(r.status, 200, r)
            msgs = wait_for("the English decision's mail",
                            lambda: box.to(EN_EMAIL))
            self.assertEqual(msgs[0]["Subject"].startswith("Решение"),
                             False, msgs[0]["Subject"])
            body = msgs[0].get_body(("plain",)).get_content()
            self.assertIn("Partly accepted", body)
            self.assertNotIn("Учтено частично", body)
            # A new version: each participant (two comments or one) gets
            # one mail, in their language, linking the version's diff.
            case.comment(cit, case.para(did, "2.1")["id"], "Ещё одно")
            r = op.post("/api/v1/drafts/%d/versions" % did,
                        json_body={"text": TEXT_V2})
            self.assertEqual(r.status, 201, r)

            def news(addr, word):
                return [m for m in box.to(addr) if word in m["Subject"]]
            ru = wait_for("the version's mail",
                          lambda: news(EMAIL, "Новая редакция"))
            en = wait_for("the English version's mail",
                          lambda: news(EN_EMAIL, "A new version"))
            for m in ru + en:
                self.assertIn("/drafts/%d/v/2" % did,
                              m.get_body(("plain",)).get_content())
            # The request returned after sending: nothing more comes.
            self.assertEqual((len(ru), len(en)), (1, 1))
            self.assertEqual(len(box.to(EMAIL)), 2)


if __name__ == "__main__":
    unittest.main()
