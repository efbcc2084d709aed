"""
The citizen's side, finished (issue 12): "not fixed" on the report page
reopens the report within 30 days (history, audit, outbox event, desk
queue) and after that offers a new report that follows the old one up;
the official answer stays in Open311 status_notes and the CSV after
closing; history notes in the page's language; an HTML 404 for browsers;
coordinates without binary noise; a JSON sign-up; each service group
once on the form; `veche user create` on a terminal.
"""
import copy
import csv
import io
import os
import pty
import re
import select
import subprocess
import unittest

from harness import (CITY, TEST_PASSWORD, VECHE_BIN, WEST_POINT,
                     ServerTestCase, Session, encode_query, multipart,
                     report_fields)
from test_edges import png

DAY = 86400
ANSWER = "Яму заделали асфальтом 14 июня."

# A second ЖКХ service listed apart from the first: the group once.
CITIZEN_CITY = copy.deepcopy(CITY)
CITIZEN_CITY["services"].append(
    {"code": "yard", "name": {"ru": "Двор", "en": "Yard"},
     "group": {"ru": "ЖКХ", "en": "Housing"}})
CITIZEN_CITY["addresses"] = [
    {"address": "ул. Свободы, 12", "lat": 60.618998, "long": 30.118998}]
for ag in CITIZEN_CITY["agencies"]:
    if ag["code"] == "west":
        ag["services"] = ag["services"] + ["yard"]


def csrf_of(page):
    """The pages' own token: the one in the report's forms, not the
    session's in the header's sign-out form."""
    for form in re.finditer(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>',
                            page, re.S):
        m = re.search(r'name="csrf" value="([^"]+)"', form.group(2))
        if m and form.group(1) != "/logout":
            return m.group(1)
    return None


class Browser(Session):
    """A citizen's browser: the cookies the pages set, the page's token."""

    def page(self, path, params=None):
        r = self.get(path, params, headers={"Accept": "text/html"})
        self.test.assertEqual(r.status, 200, r)
        text = r.text()
        token = csrf_of(text)
        if token:
            self.csrf = token
        return text

    def report(self, lat=WEST_POINT[0], lon=WEST_POINT[1], related=None,
               address="пр. Мира, 5"):
        """Send the /new form as a browser does; returns the new id."""
        self.page("/new")
        fields = {"service_code": "pothole", "lat": "%.6f" % lat,
                  "long": "%.6f" % lon, "address_string": address,
                  "description": "Яма у подъезда",
                  "attr[pothole][size]": "small"}
        if related is not None:
            fields["related"] = str(related)
        r = self.post("/api/v1/reports", fields)
        self.test.assertEqual(r.status, 303, r)
        m = re.fullmatch(r"/reports/(\d+)\?created=1", r.headers["Location"])
        self.test.assertTrue(m, r.headers["Location"])
        return int(m.group(1))


class CitizenCase(ServerTestCase):
    city = CITIZEN_CITY

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("op-roads", "operator", ["roads"])

    def act(self, rid, action, **fields):
        fields["api_key"] = self.api_key
        r = self.fetch("POST", "/api/v1/reports/%d/%s" % (rid, action),
                       encode_query(fields).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def bring(self, rid, state):
        self.act(rid, "register")
        self.act(rid, "start")
        self.act(rid, "answer", text=ANSWER)
        if state == "closed":
            self.act(rid, "close")

    def history(self, rid):
        r = self.fetch("GET", "/api/v1/reports/%d/history" % rid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def events(self, rid):
        rows = self.server.sql("SELECT type FROM events WHERE report = ? "
                               "ORDER BY id", (rid,))
        return [t for (t,) in rows]

    def not_fixed(self, browser, rid):
        page = browser.page("/reports/%d" % rid)
        self.assertIn('id="fixed-form"', page)
        return browser.post("/reports/%d/fixed" % rid, {"fixed": "no"})


class TestNotFixed(CitizenCase):

    def test_not_fixed_reopens_and_leads_the_desk(self):
        b = Browser(self)
        older = b.report()          # an earlier deadline, still open
        self.act(older, "register")
        rid = b.report()
        self.bring(rid, "answered")
        page = b.page("/reports/%d" % rid)
        self.assertIn("снова отправлено исполнителю", page)
        r = self.not_fixed(b, rid)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], "/reports/%d?reopened=1" % rid)
        page = b.page(r.headers["Location"])
        self.assertIn('id="reopened-notice"', page)
        self.assertIn('id="thanks-reopened"', page)
        self.assertRegex(page, r'id="status-badge">В работе<')
        self.assertNotIn(">Решено<", page)
        self.assertIn("Возобновлено заявителем", page)
        self.assertNotIn('id="fixed-form"', page)
        h = self.history(rid)
        self.assertEqual(h["status"], "in_progress")
        self.assertEqual(h["reopened"], 1)
        self.assertEqual(h["fixed"], False)
        self.assertEqual(h["history"][-1]["action"], "reopen")
        self.assertEqual(self.events(rid)[-1], "report.reopened")
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)
        act = self.server.sql("SELECT action, actor_name FROM audit_log "
                              "ORDER BY id DESC LIMIT 1")
        self.assertEqual(act[0], ("report.reopen", "reporter (token)"))
        # The desk: the reopened report first, marked, before the older
        # report whose deadline comes earlier.
        op = Session(self, "op-roads")
        desk = op.get("/desk", headers={"Accept": "text/html"}).text()
        rows = re.findall(r'<tr class="([^"]*)" data-id="(\d+)"', desk)
        ids = [i for _, i in rows]
        self.assertLess(ids.index(str(rid)), ids.index(str(older)), rows)
        self.assertEqual(rows[ids.index(str(rid))][0], "on-time reopened")
        marked = [c.endswith("reopened") for c, _ in rows]
        self.assertEqual(marked, sorted(marked, reverse=True), rows)
        self.assertEqual(self.history(older)["status"], "registered")
        self.assertIn("возобновлено", desk.split('data-id="%d"' % rid)[1]
                      .split("</tr>")[0])
        # Only the reporter's device may say so.
        other = Browser(self)
        other.page("/reports/%d" % rid)
        r = other.post("/reports/%d/fixed" % rid, {"fixed": "no"})
        self.assertEqual(r.status, 403, r)

    def test_signed_in_reporter_on_another_device(self):
        self.server.create_user("anna", "citizen")
        mine = Session(self, "anna").post("/api/v1/me/reports", report_fields(
            "other", WEST_POINT))
        self.assertEqual(mine.status, 201, mine)
        rid = mine.json()["id"]
        self.bring(rid, "answered")
        # A browser with no session is not the reporter...
        self.assertNotIn('id="fixed-form"',
                         Browser(self).page("/reports/%d" % rid))
        # ...the same browser signed in as the account that sent it is.
        b = Browser(self, "anna")
        r = self.not_fixed(b, rid)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.history(rid)["status"], "in_progress")

    def test_closed_within_thirty_days_reopens(self):
        b = Browser(self)
        rid = b.report()
        self.bring(rid, "closed")
        self.server.advance(20 * DAY)
        r = self.not_fixed(b, rid)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.history(rid)["status"], "in_progress")
        self.assertIn("report.reopened", self.events(rid))

    def test_after_thirty_days_a_linked_new_report(self):
        b = Browser(self)
        rid = b.report(address="ул. Ленина, 7")
        self.bring(rid, "closed")
        self.server.advance(31 * DAY)
        page = b.page("/reports/%d" % rid)
        self.assertIn("Прошло больше 30 дней", page)
        r = self.not_fixed(b, rid)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], "/reports/%d?fixed=1" % rid)
        self.assertEqual(self.history(rid)["status"], "closed")
        self.assertNotIn("report.reopened", self.events(rid))
        page = b.page("/reports/%d" % rid)
        # Not a green "Решено" beside "not fixed".
        self.assertNotIn(">Решено<", page)
        self.assertIn('class="badge status-unfixed"', page)
        self.assertIn("Закрыто, проблема не решена", page)
        # The lists say so too, in words, not colour alone.
        for path, lang, words in (("/reports", "ru",
                                   "Закрыто, проблема не решена"),
                                  ("/reports", "en", "Closed, not fixed"),
                                  ("/", "ru", "Закрыто, проблема не решена")):
            listed = b.page(path, {"lang": lang})
            item = re.search(r'<li class="report-item" data-id="%d">.*?'
                             r'</li>' % rid, listed, re.S)
            self.assertIsNotNone(item, (path, lang))
            self.assertIn('<span class="badge status-unfixed">%s</span>'
                          % words, item.group(0))
        # And the JSON the map's list is drawn from.
        r = self.fetch("GET", "/open311/v2/requests/%d.json?extensions=true"
                       % rid)
        x = r.json()[0]["extended_attributes"]
        self.assertEqual((x["status"], x["fixed"]), ("closed", False))
        self.assertIn('href="/new?related=%d"' % rid, page)
        form = b.page("/new", {"related": rid})
        self.assertIn('name="related" value="%d"' % rid, form)
        self.assertIn('value="ул. Ленина, 7"', form)
        self.assertIn('value="%.6f"' % WEST_POINT[0], form)
        self.assertRegex(form, r'id="svc-pothole" value="pothole" '
                               r'required checked')
        new = b.report(related=rid)
        page = b.page("/reports/%d" % new)
        self.assertIn('id="related-earlier"', page)
        self.assertIn('href="/reports/%d"' % rid, page)
        page = b.page("/reports/%d" % rid)
        self.assertIn('id="followups"', page)
        self.assertIn('href="/reports/%d"' % new, page)
        # A follow-up of a report that does not exist is refused.
        b.page("/new")
        r = b.post("/api/v1/reports", {
            "service_code": "pothole", "lat": "60.25", "long": "30.25",
            "description": "x", "attr[pothole][size]": "small",
            "related": "999999"}, headers={"Accept": "application/json"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("related", r.text())


class TestOfficialAnswerStays(CitizenCase):
    # The CSV export is asked for June 2026 by its dates.
    clock = "2026-06-15T10:00:00+03:00"

    def test_status_notes_and_csv_keep_the_answer(self):
        b = Browser(self)
        rid = b.report()
        self.bring(rid, "closed")
        r = self.fetch("GET", "/open311/v2/requests/%d.json" % rid)
        self.assertEqual(r.status, 200, r)
        notes = r.json()[0]["status_notes"]
        self.assertTrue(notes.startswith(ANSWER), notes)
        self.assertIn("Обращение закрыто.", notes)
        q = {"from": "2026-06-01", "to": "2026-06-30", "bom": "0",
             "api_key": self.api_key}
        r = self.fetch("GET", "/api/v1/agencies/roads/reports.csv?" +
                       encode_query(q))
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"),
                                           newline="")))
        mine = [row for row in rows[1:] if row[0] == str(rid)][0]
        self.assertIn(ANSWER, mine[rows[0].index("status_notes")])


class TestLanguageAndSmallThings(CitizenCase):

    def test_history_notes_in_the_page_language(self):
        b = Browser(self)
        rid = b.report()
        self.act(rid, "register")
        self.act(rid, "reject", reason="duplicate", note="См. №1")
        en = b.page("/reports/%d" % rid, {"lang": "en"})
        self.assertIn("The report is registered; the answer is due by", en)
        self.assertIn("The report is rejected: a repeated report. См. №1",
                      en)
        self.assertNotIn("Обращение зарегистрировано", en)
        ru = b.page("/reports/%d" % rid, {"lang": "ru"})
        self.assertIn("Обращение отклонено: повторное обращение. См. №1", ru)
        # The API keeps the words as the agency's systems read them.
        h = self.history(rid)
        self.assertIn("Обращение отклонено", h["history"][-1]["text"])

    def test_unknown_path_is_a_page_for_browsers(self):
        html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        r = self.fetch("GET", "/no/such/page", headers=html)
        self.assertEqual(r.status, 404, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        self.assertIn("<!DOCTYPE html>", r.text())
        for path in ("/api/v1/no-such", "/open311/v2/no-such.json"):
            r = self.fetch("GET", path, headers=html)
            self.assertEqual(r.status, 404, r)
            self.assertIn("json", r.headers["Content-Type"])
        r = self.fetch("GET", "/no/such/page")
        self.assertEqual(r.status, 404, r)
        self.assertIn("json", r.headers["Content-Type"])

    def test_coordinates_without_noise(self):
        b = Browser(self)
        rid = b.report(lat=60.618998, lon=30.118998)
        for fmt in ("json", "xml"):
            r = self.fetch("GET", "/open311/v2/requests/%d.%s" % (rid, fmt))
            self.assertEqual(r.status, 200, r)
            text = r.text()
            self.assertIn("60.618998", text)
            self.assertIn("30.118998", text)
            self.assertNotIn("60.6189979", text)
            self.assertNotIn("60.6189980", text)
        r = self.fetch("GET", "/api/v1/addresses?" +
                       encode_query({"q": "Свободы"}))
        self.assertEqual(r.status, 200, r)
        self.assertIn('"lat":60.618998,', r.text())
        self.assertIn('"long":30.118998}', r.text())

    def test_service_group_once_on_the_form(self):
        form = Browser(self).page("/new")
        self.assertEqual(form.count("<legend>ЖКХ</legend>"), 1)
        self.assertIn('id="svc-yard"', form)
        home = Browser(self).page("/")
        self.assertEqual(home.count('<optgroup label="ЖКХ">'), 1)

    def test_sign_up_with_a_json_body(self):
        s = Session(self)
        r = s.post("/api/v1/signup", json_body={
            "login": "json.citizen", "password": TEST_PASSWORD})
        self.assertEqual(r.status, 201, r)
        r = s.post("/api/v1/login", json_body={
            "login": "json.citizen", "password": TEST_PASSWORD})
        self.assertEqual(r.status, 200, r)
        r = Session(self).post("/api/v1/signup", json_body={
            "password": TEST_PASSWORD})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()[0]["description"], "login: required")
        r = Session(self).post("/api/v1/signup", json_body={
            "login": "Bad Login!", "password": TEST_PASSWORD})
        self.assertEqual(r.status, 400, r)
        self.assertIn("login:", r.text())


class TestComments(CitizenCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("mod1", "moderator")
        cls.server.create_user("olga", "citizen")

    def comment(self, browser, rid, body, photo=None):
        """Post the report page's comment form (multipart, as it is)."""
        browser.page("/reports/%d" % rid)
        files = [("photo", "p.png", "image/png", photo)] if photo else []
        ctype, data = multipart([("csrf", browser.csrf), ("body", body)],
                                files)
        r = browser._keep(self.fetch("POST", "/api/v1/reports/%d/comments"
                                     % rid, data, browser._headers(
                                         {"Content-Type": ctype})))
        self.assertEqual(r.status, 303, r)
        return int(r.headers["Location"].rsplit("-", 1)[1])

    def comments(self, rid, order=None):
        q = "?order=" + order if order else ""
        r = self.fetch("GET", "/api/v1/reports/%d/comments%s" % (rid, q))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_votes_once_per_device_and_useful_first(self):
        b = Browser(self)
        rid = b.report()
        first = self.comment(b, rid, "Первый комментарий")
        second = self.comment(b, rid, "Полезный комментарий")
        voters = [Browser(self) for _ in range(2)]
        for v in voters:
            v.page("/reports/%d" % rid)
            r = v.post("/api/v1/comments/%d/votes" % second,
                       {"useful": "yes"})
            self.assertEqual(r.status, 303, r)
            self.assertEqual(r.headers["Location"], "/reports/%d?voted=%d"
                             "#comment-%d" % (rid, second, second))
        # A second vote of the same device counts nothing.
        r = voters[0].post("/api/v1/comments/%d/votes" % second,
                           {"useful": "no"},
                           headers={"Accept": "application/json"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["already"])
        r = voters[1].post("/api/v1/comments/%d/votes" % first,
                           {"useful": "no"})
        self.assertEqual(r.status, 303, r)
        r = voters[1].post("/api/v1/comments/%d/votes" % first,
                           {"useful": "maybe"})
        self.assertEqual(r.status, 400, r)
        by_time = self.comments(rid)
        self.assertEqual([c["id"] for c in by_time], [first, second])
        useful = self.comments(rid, "useful")
        self.assertEqual([c["id"] for c in useful], [second, first])
        self.assertEqual((useful[0]["useful"], useful[0]["not_useful"]),
                         (2, 0))
        self.assertEqual((useful[1]["useful"], useful[1]["not_useful"]),
                         (0, 1))
        page = b.page("/reports/%d" % rid, {"order": "useful"})
        self.assertLess(page.index('id="comment-%d"' % second),
                        page.index('id="comment-%d"' % first))
        r = self.fetch("GET", "/api/v1/reports/%d/comments?order=best" % rid,
                       headers={"Accept": "application/json"})
        self.assert_error(r, "json", 400, "order")
        # Without the page's token nothing is counted.
        r = Browser(self).post("/api/v1/comments/%d/votes" % first,
                               {"useful": "yes"}, csrf=False)
        self.assertEqual(r.status, 403, r)

    def test_one_mark_per_account_whichever_device(self):
        """Signed in, a reader's vote and flag count once for the account,
        from a phone and a laptop alike; signed out, once per device."""
        b = Browser(self)
        rid = b.report()
        cid = self.comment(b, rid, "Комментарий для голосования")
        phone, laptop = Browser(self), Browser(self)
        session_csrf = {}
        for device in (phone, laptop):
            device.page("/reports/%d" % rid)     # each its device cookie
            r = device.login("olga")
            self.assertEqual(r.status, 200, r)
            session_csrf[device] = r.json()["csrf"]
        self.assertNotEqual(phone.cookies["veche_device"],
                            laptop.cookies["veche_device"])
        said = []
        for device in (phone, laptop):
            device.page("/reports/%d" % rid)
            for path, fields in (("votes", {"useful": "yes"}),
                                 ("flag", {})):
                r = device.post("/api/v1/comments/%d/%s" % (cid, path),
                                fields,
                                headers={"Accept": "application/json"})
                self.assertIn(r.status, (200, 201), r)
                said.append(r.json()["already"])
        self.assertEqual(said, [False, False, True, True])
        # The laptop signs out: now it is a device like any other.
        r = laptop.post("/api/v1/logout", {}, csrf=False, headers={
            "X-CSRF-Token": session_csrf[laptop]})
        self.assertEqual(r.status, 200, r)
        laptop.page("/reports/%d" % rid)
        r = laptop.post("/api/v1/comments/%d/votes" % cid, {"useful": "no"},
                        headers={"Accept": "application/json"})
        self.assertEqual((r.status, r.json()["already"]), (201, False))
        c = [c for c in self.comments(rid) if c["id"] == cid][0]
        self.assertEqual((c["useful"], c["not_useful"]), (1, 1))
        mod = Session(self, "mod1")
        page = mod.get("/desk/moderation",
                       headers={"Accept": "text/html"}).text()
        flagged = page.split('id="flagged"')[1].split("</ul>")[0]
        self.assertIn("Комментарий для голосования", flagged)
        self.assertEqual(self.server.sql(
            "SELECT count(*) FROM comment_flags WHERE comment = ?",
            (cid,)), [(1,)])

    def test_flag_reaches_the_moderator(self):
        b = Browser(self)
        rid = b.report()
        cid = self.comment(b, rid, "Оскорбительный комментарий")
        clean = self.comment(b, rid, "Обычный комментарий")
        for _ in range(2):
            r = b.post("/api/v1/comments/%d/flag" % cid, {},
                       headers={"Accept": "application/json"})
            self.assertIn(r.status, (200, 201), r)
        self.assertTrue(r.json()["already"])
        r = b.post("/api/v1/comments/999999/flag", {})
        self.assertEqual(r.status, 404, r)
        mod = Session(self, "mod1")
        page = mod.get("/desk/moderation",
                       headers={"Accept": "text/html"}).text()
        flagged = page.split('id="flagged"')[1].split("</ul>")[0]
        self.assertIn("Оскорбительный комментарий", flagged)
        self.assertNotIn("Обычный комментарий", flagged)
        self.assertIn('id="flagged-hide-%d"' % cid, flagged)
        self.assertEqual(page.count('id="hide-%d"' % cid), 1)
        del clean

    def test_comment_with_a_photo(self):
        b = Browser(self)
        rid = b.report()
        cid = self.comment(b, rid, "Всё ещё не починили", photo=png(40, 30))
        c = [c for c in self.comments(rid) if c["id"] == cid][0]
        self.assertRegex(c["photo_url"], r"/media/[0-9a-f]+\.jpg$")
        path = re.search(r"/media/[0-9a-f]+\.jpg$", c["photo_url"]).group(0)
        r = self.fetch("GET", path)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body[:2], b"\xff\xd8")
        page = b.page("/reports/%d" % rid)
        self.assertIn('src="%s"' % path.replace(".jpg", "-thumb.jpg"), page)
        # Not an image: the comment is refused, nothing is kept.
        b.page("/reports/%d" % rid)
        ctype, data = multipart([("csrf", b.csrf), ("body", "текст")],
                                [("photo", "x.png", "image/png",
                                  b"not an image")])
        r = self.fetch("POST", "/api/v1/reports/%d/comments" % rid, data,
                       b._headers({"Content-Type": ctype,
                                   "Accept": "application/json"}))
        self.assertEqual(r.status, 400, r)
        self.assertTrue(r.json()[0]["description"].startswith("photo"), r)
        self.assertEqual(len(self.comments(rid)), 1)


class TestUserCreateOnATerminal(unittest.TestCase):
    """veche user create asks on a terminal, twice, without echo."""

    def test_prompt_without_echo(self):
        from harness import Server
        server = Server()
        try:
            secret = "terminal-secret-42"
            pid, fd = pty.fork()
            if pid == 0:
                os.execve(VECHE_BIN, [VECHE_BIN, "user", "create", "--db",
                                      server.db, "--login", "tty.user",
                                      "--role", "citizen"], server.env)
            seen = b""

            def until(word):
                nonlocal seen
                while word not in seen:
                    r, _, _ = select.select([fd], [], [], 60)
                    self.assertTrue(r, "no %r; saw %r" % (word, seen))
                    try:
                        chunk = os.read(fd, 1024)
                    except OSError:
                        chunk = b""
                    self.assertTrue(chunk, "EOF before %r: %r" % (word,
                                                                  seen))
                    seen += chunk

            until(b"Password: ")
            os.write(fd, secret.encode() + b"\n")
            until(b"Repeat the password: ")
            os.write(fd, secret.encode() + b"\n")
            while True:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            _, status = os.waitpid(pid, 0)
            os.close(fd)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0, seen)
            self.assertNotIn(secret.encode(), seen)
            # Piped standard input still works, without a prompt.
            p = subprocess.run(
                [VECHE_BIN, "user", "create", "--db", server.db,
                 "--login", "pipe.user", "--role", "citizen"],
                input=(secret + "\n").encode(), capture_output=True,
                env=server.env, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertNotIn(b"Password:", p.stderr)
            server.start()
            for login in ("tty.user", "pipe.user"):
                r = server.request(
                    "POST", "/api/v1/login", encode_query(
                        {"login": login, "password": secret}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
                self.assertEqual(r.status, 200, (login, r))
            self.assertEqual(server.stop(), 0)
        finally:
            server.kill()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
