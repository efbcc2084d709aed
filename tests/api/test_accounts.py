"""
Citizens' web accounts (docs/auth.md) and the e-mail they get
(docs/delivery.md), through a real SMTP receiver on loopback (aiosmtpd):
sign-up -> confirmation mail -> link -> sign in; the header; reports filed
while signed in (web form and Open311 with the session) on "my reports";
password reset; deletion that leaves the report anonymised and the
personal data gone from the database file; the e-mail bodies (both
parts, links to /reports/N, local dates, names instead of codes).
"""
import html
import os
import re
import sqlite3
import unittest

from harness import (Server, Session, WEST_POINT, encode_query, multipart,
                     report_fields, sqlite_only)
from test_edges import CSRF, png
from test_delivery import MAIL_CITY, FAST, Mailbox, smtp_controller, wait_for

NAME = "Пелагея Тестова"
EMAIL = "pelageya@mail.test"
PASSWORD = "long enough secret"


def form_csrf(r):
    """The CSRF field of the page's own form: the last one (the header's
    sign-out form, first, carries the session's)."""
    found = re.findall(r'name="csrf" value="([^"]+)"', r.text())
    assert found, r.text()[:500]
    return found[-1]


def parts(msg):
    """The text/plain and text/html parts of a multipart/alternative."""
    assert msg.get_content_type() == "multipart/alternative", \
        msg.get_content_type()
    text = msg.get_body(("plain",)).get_content()
    htm = msg.get_body(("html",)).get_content()
    return text, htm


class MailServerCase(unittest.TestCase):
    """A server that sends e-mail to an aiosmtpd receiver (self.box)."""

    extra_args = ()
    users = ()
    clock = None             # veche's clock at the start (DEFAULT_CLOCK)

    @classmethod
    def setUpClass(cls):
        Controller = smtp_controller()
        cls.box = Mailbox()
        from harness import free_port
        port = free_port()
        cls.smtp = Controller(cls.box, hostname="127.0.0.1", port=port)
        cls.smtp.start()
        cls.server = Server(city=MAIL_CITY, serve_args=FAST + (
            "--smtp", "smtp://127.0.0.1:%d" % port,
            "--mail-from", "veche@city.test") + cls.extra_args,
            clock=cls.clock)
        for login in cls.users:
            cls.server.create_user(login, "citizen")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.server.stop() == 0
        finally:
            cls.server.kill()
            cls.server.cleanup()
            cls.smtp.stop()

    def fetch(self, method, path, body=None, headers=None):
        return self.server.request(method, path, body, headers)


class TestAccounts(MailServerCase):
    # The mails are checked for the day and time of this instant.
    clock = "2026-06-15T10:00:00+03:00"

    def link(self, msg, path):
        text, _ = parts(msg)
        m = re.search(r"https?://\S+(%s\?token=\S+)" % re.escape(path), text)
        self.assertIsNotNone(m, text)
        return m.group(1)

    def test_journey(self):
        s = Session(self)
        # Every page links to sign-in; the sign-in page is everyone's.
        r = s.get("/")
        self.assertIn('href="/login"', r.text())
        self.assertIn("Войти", r.text())
        r = s.get("/login")
        self.assertNotIn("сотрудник", r.text())
        self.assertIn('href="/signup"', r.text())

        csrf = form_csrf(s.get("/signup"))
        r = s.post("/signup", {"name": NAME, "email": EMAIL,
                               "password": PASSWORD, "csrf": csrf},
                   csrf=False)
        self.assertEqual(r.status, 200, r)
        self.assertIn("Проверьте почту", r.text())
        mails = wait_for("confirmation", lambda: self.box.to(EMAIL))
        link = self.link(mails[0], "/account/confirm")

        # Not confirmed yet: the right password is refused, with a link
        # to send the confirmation again.
        r = s.post("/login", {"login": EMAIL, "password": PASSWORD,
                              "csrf": csrf}, csrf=False)
        self.assertEqual(r.status, 403, r)
        self.assertIn("Адрес не подтверждён", r.text())
        self.assertIn('href="/account/resend"', r.text())

        r = s.get(link)
        self.assertEqual(r.status, 200, r)
        self.assertIn("Адрес подтверждён", r.text())
        r = s.get(link)                          # single-use
        self.assertEqual(r.status, 404, r)

        r = s.post("/login", {"login": EMAIL, "password": PASSWORD,
                              "csrf": csrf}, csrf=False)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], "/my")
        # The login-based API sign-up tells nothing about e-mails: an
        # address as a login is refused the same, registered or not, and
        # cannot take the address's sign-in.
        said = [Session(self).post("/api/v1/signup", {
            "login": login, "password": PASSWORD}, csrf=False)
            for login in (EMAIL, "nobody.here@mail.test")]
        self.assertEqual([r.status for r in said], [400, 400])
        self.assertEqual(said[0].body, said[1].body)
        self.assertIn("login", said[0].text())
        r = Session(self).login(EMAIL, PASSWORD)
        self.assertEqual(r.status, 200, r)
        page = s.get("/").text()
        self.assertIn(html.escape(NAME), page)
        self.assertIn('href="/my"', page)
        self.assertIn("Выйти", page)
        self.assertNotIn('id="sign-in"', page)
        # The form is pre-filled.
        page = s.get("/new").text()
        self.assertIn('value="%s"' % NAME, page)
        self.assertIn('value="%s"' % EMAIL, page)

        # A report from the web form, signed in, with the e-mail.
        fields = report_fields("pothole", WEST_POINT,
                               description="Яма у подъезда 3",
                               first_name=NAME, email=EMAIL,
                               phone="+79990001122",
                               address_string="ул. Тестовая, 7")
        fields = [("attr[pothole][size]" if k == "attribute[size]" else k, v)
                  for k, v in fields]
        fields.append(("csrf", csrf))
        r = s.post("/api/v1/reports", fields, csrf=False)
        self.assertEqual(r.status, 303, r)
        rid = int(re.search(r"/reports/(\d+)", r.headers["Location"])
                  .group(1))
        # Open311 needs a key or a session: anonymous callers get 403.
        r = Session(self).post("/open311/v2/requests.json",
                               report_fields("other", WEST_POINT))
        self.assertEqual(r.status, 403, r)
        self.assertIn("api_key", r.text())
        # One through Open311 with the session (its CSRF token).
        session_csrf = form_csrf(s.get("/account"))
        r = s.post("/open311/v2/requests.json",
                   report_fields("other", WEST_POINT,
                                 description="Скамейка сломана"),
                   csrf=False, headers={"X-CSRF-Token": session_csrf})
        self.assertEqual(r.status, 201, r)
        rid2 = int(r.json()[0]["service_request_id"])
        # And one through the account's own API.
        r = s.post("/api/v1/me/reports",
                   report_fields("other", WEST_POINT,
                                 description="Фонарь не горит"),
                   csrf=False, headers={"X-CSRF-Token": session_csrf})
        self.assertEqual(r.status, 201, r)
        rid3 = r.json()["id"]
        page = s.get("/my").text()
        self.assertIn('href="/reports/%d"' % rid, page)
        self.assertIn('href="/reports/%d"' % rid2, page)
        self.assertIn('href="/reports/%d"' % rid3, page)
        # One link from a report to its account: the report's column.
        owners = self.server.sql("SELECT DISTINCT reporter_user FROM "
                                 "reports WHERE id IN (?, ?, ?)",
                                 (rid, rid2, rid3))
        self.assertEqual(len(owners), 1)
        self.assertIsNotNone(owners[0][0])
        self.assertFalse(self.server.has_table("user_reports"))
        self.assertIn("Подано", page)

        # The reporter's receipt: both parts, names, local dates, links.
        receipt = wait_for("receipt", lambda: [
            m for m in self.box.to(EMAIL)
            if "принято" in str(m["Subject"])])[0]
        text, htm = parts(receipt)
        self.assertIn("№%d" % rid, str(receipt["Subject"]))
        self.assertIn("/reports/%d" % rid, text)
        self.assertIn('/reports/%d"' % rid, htm)
        self.assertNotIn("open311/v2/requests", text)
        self.assertIn("Яма на дороге", text)        # not "pothole"
        self.assertIn("Дорожная служба", text)      # not "roads"
        self.assertIn("15.06.2026 10:00", text)     # Moscow time
        self.assertNotIn("2026-06-15T", text)
        self.assertIn("ул. Тестовая, 7", htm)
        # The agency's: the desk link, and the contact.
        agency = wait_for("agency mail", lambda: [
            m for m in self.box.to("roads@agency.test")
            if "№%d" % rid in str(m["Subject"])])[0]
        text, htm = parts(agency)
        self.assertIn("/desk/reports/%d" % rid, text)
        self.assertIn("Яма на дороге", str(agency["Subject"]))
        self.assertIn(EMAIL, text)
        self.assertIn("Яма у подъезда 3", htm)

        # Password reset: the same answer for any address.
        s2 = Session(self)
        c2 = form_csrf(s2.get("/account/forgot"))
        r1 = s2.post("/account/forgot", {"email": "nobody@mail.test",
                                         "csrf": c2}, csrf=False)
        r2 = s2.post("/account/forgot", {"email": EMAIL, "csrf": c2},
                     csrf=False)
        self.assertEqual((r1.status, r2.status), (200, 200))
        said = lambda r: re.search(r'id="forgot-sent">([^<]*)<',
                                   r.text()).group(1)
        self.assertEqual(said(r1), said(r2))
        self.assertEqual(self.box.to("nobody@mail.test"), [])
        reset = wait_for("reset mail", lambda: [
            m for m in self.box.to(EMAIL) if "парол" in str(m["Subject"])])
        rlink = self.link(reset[0], "/account/reset")
        token = rlink.split("token=", 1)[1]
        r = s2.get(rlink)
        self.assertIn('name="token" value="%s"' % token, r.text())
        new_pw = "another long secret"
        r = s2.post("/account/reset", {"token": token, "password": new_pw,
                                       "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 200, r)
        r = s2.post("/account/reset", {"token": token, "password": new_pw,
                                       "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 404, r)          # single-use
        # The reset ended the old session.
        self.assertNotIn(html.escape(NAME), s.get("/").text())
        r = s2.post("/login", {"login": EMAIL, "password": new_pw,
                               "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 303, r)
        # A token expires.
        r = s2.post("/account/forgot", {"email": EMAIL, "csrf": c2},
                    csrf=False)
        late = wait_for("second reset mail", lambda: [
            m for m in self.box.to(EMAIL)
            if "парол" in str(m["Subject"])][1:])
        ltoken = self.link(late[0], "/account/reset").split("token=", 1)[1]
        self.server.advance(3601)
        r = s2.post("/account/reset", {"token": ltoken, "password": new_pw,
                                       "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 404, r)
        r = s2.post("/login", {"login": EMAIL, "password": new_pw,
                               "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 303, r)

        # Deletion: the password again, then the personal data are gone.
        acsrf = form_csrf(s2.get("/account"))
        r = s2.post("/account/delete", {"password": "wrong password!",
                                        "csrf": acsrf}, csrf=False)
        self.assertEqual(r.status, 403, r)
        r = s2.post("/account/delete", {"password": new_pw, "csrf": acsrf},
                    csrf=False)
        self.assertEqual(r.status, 200, r)
        self.assertIn("удалена", r.text())
        r = s2.post("/login", {"login": EMAIL, "password": new_pw,
                               "csrf": c2}, csrf=False)
        self.assertEqual(r.status, 401, r)
        r = s.get("/reports/%d" % rid)
        self.assertEqual(r.status, 200)
        self.assertIn("Яма у подъезда 3", r.text())
        sql = self.server.sql
        self.assertEqual(sql("SELECT count(*) FROM reports WHERE id "
                             "IN (?, ?)", (rid, rid2)), [(2,)])
        self.assertEqual(sql("SELECT count(*) FROM report_contacts "
                             "WHERE report = ?", (rid,)), [(0,)])
        # The link is cleared, not left to an id a new account may get.
        self.assertEqual(sql("SELECT count(*) FROM reports WHERE "
                             "reporter_user IS NOT NULL AND id IN "
                             "(?, ?, ?)", (rid, rid2, rid3)), [(0,)])
        self.server.stop()
        raw = self.server.stored_bytes()
        for secret in (EMAIL, NAME, "+79990001122"):
            self.assertNotIn(secret.encode("utf-8"), raw, secret)
        self.server.start()

    def signup(self, s, email, name="Кто-то", password=PASSWORD):
        csrf = form_csrf(s.get("/signup"))
        return s.post("/signup", {"name": name, "email": email,
                                  "password": password, "csrf": csrf},
                      csrf=False)

    def test_signup_does_not_reveal_accounts(self):
        """Signing up with an address that has an account answers exactly
        as for a new one; the owner is told, with a reset link."""
        taken = "taken.address@mail.test"
        s = Session(self)
        r = self.signup(s, taken)
        self.assertEqual(r.status, 200, r)
        wait_for("the first confirmation", lambda: self.box.to(taken))
        fresh = "fresh.address@mail.test"
        again = self.signup(s, taken, name="Другой", password="other pass 1")
        new = self.signup(s, fresh)
        # Byte for byte the same page (the same session: the same CSRF
        # token), the same status and headers but the date.
        self.assertEqual((again.status, new.status), (200, 200))
        self.assertEqual(again.body, new.body)
        drop = ("date", "set-cookie", "x-request-id")
        self.assertEqual(
            sorted((k.lower(), v) for k, v in again.headers.items()
                   if k.lower() not in drop),
            sorted((k.lower(), v) for k, v in new.headers.items()
                   if k.lower() not in drop))
        self.assertIn('href="/account/resend"', new.text())
        # The fresh address gets its confirmation, the taken one a warning
        # with a working password reset link and no confirmation link.
        wait_for("the fresh confirmation", lambda: self.box.to(fresh))
        warn = wait_for("the warning", lambda: [
            m for m in self.box.to(taken)
            if "Попытка регистрации" in str(m["Subject"])])[0]
        text, htm = parts(warn)
        self.assertIn("уже есть", text)
        self.assertIn("/account/reset?token=", htm)
        self.assertNotIn("/account/confirm", text)
        rlink = self.link(warn, "/account/reset")
        token = rlink.split("token=", 1)[1]
        c = form_csrf(s.get(rlink))
        r = s.post("/account/reset", {"token": token, "csrf": c,
                                      "password": "reset by warning"},
                   csrf=False)
        self.assertEqual(r.status, 200, r)
        # The reset confirmed the address: sign-in works with it.
        r = s.post("/login", {"login": taken, "password": "reset by warning",
                              "csrf": c}, csrf=False)
        self.assertEqual(r.status, 303, r)
        # The other sign-up's password did not replace the owner's.
        r = Session(self).post("/api/v1/login", {
            "login": taken, "password": "other pass 1"}, csrf=False)
        self.assertEqual(r.status, 401, r)

    def test_resend_confirmation(self):
        s = Session(self)
        addr = "slow.inbox@mail.test"
        r = self.signup(s, addr)
        self.assertEqual(r.status, 200, r)
        first = wait_for("the confirmation", lambda: self.box.to(addr))
        old = self.link(first[0], "/account/confirm")
        page = s.get("/account/resend")
        self.assertEqual(page.status, 200, page)
        c = form_csrf(page)
        said = lambda r: re.search(r'id="resend-sent">([^<]*)<',
                                   r.text()).group(1)
        r1 = s.post("/account/resend", {"email": addr, "csrf": c},
                    csrf=False)
        r2 = s.post("/account/resend", {"email": "nobody.here@mail.test",
                                        "csrf": c}, csrf=False)
        self.assertEqual((r1.status, r2.status), (200, 200))
        self.assertEqual(said(r1), said(r2))
        self.assertEqual(r1.body, r2.body)
        links = wait_for("the second confirmation", lambda: [
            self.link(m, "/account/confirm") for m in self.box.to(addr)][1:])
        self.assertEqual(self.box.to("nobody.here@mail.test"), [])
        # The new link replaced the old one, and works.
        self.assertEqual(s.get(old).status, 404)
        r = s.get(links[0])
        self.assertEqual(r.status, 200, r)
        self.assertIn("Адрес подтверждён", r.text())
        # A confirmed account gets nothing more, and the same answer.
        r3 = s.post("/account/resend", {"email": addr, "csrf": c},
                    csrf=False)
        self.assertEqual(r3.body, r2.body)
        # Rate limited per e-mail: three a window, the fourth is refused.
        r4 = s.post("/account/resend", {"email": addr, "csrf": c},
                    csrf=False)
        self.assertEqual(r4.status, 200, r4)
        r5 = s.post("/account/resend", {"email": addr, "csrf": c},
                    csrf=False)
        self.assertEqual(r5.status, 429, r5)
        self.assertEqual(len(self.box.to(addr)), 2)

    def test_reporter_language(self):
        """The receipt and the answer come in the language of the page the
        report was filed from (web form) or of the Open311 request
        (Accept-Language); Russian by default."""
        s = Session(self)
        s.get("/new?lang=en")                   # the English page
        csrf = form_csrf(s.get("/new"))
        fields = report_fields("pothole", WEST_POINT,
                               description="A hole by the bus stop",
                               email="en.web@mail.test",
                               address_string="Test street, 1")
        fields = [("attr[pothole][size]" if k == "attribute[size]" else k, v)
                  for k, v in fields]
        r = s.post("/api/v1/reports", fields + [("csrf", csrf)], csrf=False)
        self.assertEqual(r.status, 303, r)
        web_id = int(re.search(r"/reports/(\d+)", r.headers["Location"])
                     .group(1))

        def open311(email, headers):
            f = report_fields("pothole", WEST_POINT, email=email,
                              description="Яма через Open311")
            f.append(("api_key", self.server.api_key))
            h = {"Content-Type": "application/x-www-form-urlencoded"}
            h.update(headers)
            r = self.fetch("POST", "/open311/v2/requests.json",
                           encode_query(f).encode(), h)
            self.assertEqual(r.status, 201, r)
            return int(r.json()[0]["service_request_id"])

        api_en = open311("en.api@mail.test", {"Accept-Language": "en-GB"})
        api_ru = open311("ru.api@mail.test", {})

        def receipt(addr):
            return wait_for("the receipt to " + addr,
                            lambda: self.box.to(addr))[0]

        for addr, rid in (("en.web@mail.test", web_id),
                          ("en.api@mail.test", api_en)):
            m = receipt(addr)
            self.assertEqual(str(m["Subject"]),
                             "Your report No. %d has been received" % rid)
            text, htm = parts(m)
            self.assertIn("Category: Pothole", text)
            self.assertIn("has been received and registered", text)
            # Dates as English readers write them (other tests of this
            # server moved its clock on).
            self.assertRegex(text, r"Submitted: 2026-\d\d-\d\d \d\d:\d\d")
            self.assertIn("/reports/%d?lang=en" % rid, text)
            self.assertNotIn("Здравствуйте", text)
            self.assertIn('<html lang="en">', htm)
            self.assertIn("Report page</a>", htm)
            self.assertIn("<strong>Answer due:</strong>", htm)
        m = receipt("ru.api@mail.test")
        self.assertEqual(str(m["Subject"]),
                         "Ваше обращение №%d принято" % api_ru)
        text, htm = parts(m)
        self.assertIn("Категория: Яма на дороге", text)
        self.assertRegex(text, r"Подано: \d\d\.\d\d\.2026 \d\d:\d\d")
        self.assertIn('<html lang="ru">', htm)

        # The answer, in the same language as the receipt.
        for rid in (web_id, api_ru):
            self.server.cli("outbox", "emit", "--db", self.server.db,
                            "--report", str(rid), "--event",
                            "report.answered", "--detail", "Done / Сделано")
        m = wait_for("the English answer", lambda: [
            m for m in self.box.to("en.web@mail.test")
            if "answered" in str(m["Subject"])])[0]
        self.assertEqual(str(m["Subject"]),
                         "Your report No. %d has been answered" % web_id)
        text, htm = parts(m)
        self.assertIn("Your report has been answered:", text)
        self.assertIn("Done / Сделано", htm)
        m = wait_for("the Russian answer", lambda: [
            m for m in self.box.to("ru.api@mail.test")
            if "Ответ" in str(m["Subject"])])[0]
        text, htm = parts(m)
        self.assertIn("На ваше обращение дан ответ:", text)
        self.assertIn("Обращение подано", htm)


class TestAccountLimits(MailServerCase):
    """The limits of the mail-sending and reset forms (a server of their
    own: they block 127.0.0.1 for the other tests' forms)."""

    link = TestAccounts.link
    signup = TestAccounts.signup

    def test_reset_attempts_limited_per_address(self):
        """Anyone may try reset links; after VECHE_RESET_MAX_ADDRESS (20)
        tries a window the address gets 429, even with a right link, which
        still works once the block is over."""
        s = Session(self)
        addr = "limits.reset@mail.test"
        self.assertEqual(self.signup(s, addr).status, 200)
        c = form_csrf(s.get("/account/forgot"))
        r = s.post("/account/forgot", {"email": addr, "csrf": c},
                   csrf=False)
        self.assertEqual(r.status, 200, r)
        reset = wait_for("the reset mail", lambda: [
            m for m in self.box.to(addr) if "/account/reset" in
            parts(m)[0]])
        token = self.link(reset[0], "/account/reset").split("token=", 1)[1]
        c = form_csrf(s.get("/account/reset?token=x"))
        for i in range(20):
            r = s.post("/account/reset", {"token": "wrong%d" % i, "csrf": c,
                                          "password": "new password 1"},
                       csrf=False)
            self.assertEqual(r.status, 404, (i, r))
        r = s.post("/account/reset", {"token": token, "csrf": c,
                                      "password": "new password 1"},
                   csrf=False)
        self.assertEqual(r.status, 429, r)
        self.assertIn("Слишком много запросов", r.text())
        # The refused try did not use the link up.
        self.server.advance(3 * 60)
        r = s.post("/account/reset", {"token": token, "csrf": c,
                                      "password": "new password 1"},
                   csrf=False)
        self.assertEqual(r.status, 200, r)
        r = s.post("/login", {"login": addr, "password": "new password 1",
                              "csrf": c}, csrf=False)
        self.assertEqual(r.status, 303, r)

    def test_mail_limit_ignores_case(self):
        """Three mails a window to one address however its letters are
        cased: the fourth request is refused."""
        s = Session(self)
        self.assertEqual(self.signup(s, "case.limit@mail.test").status, 200)
        c = form_csrf(s.get("/account/resend"))
        for typed in ("Case.Limit@mail.test", "CASE.LIMIT@MAIL.TEST",
                      "case.limit@Mail.Test"):
            r = s.post("/account/resend", {"email": typed, "csrf": c},
                       csrf=False)
            self.assertEqual(r.status, 200, (typed, r))
        r = s.post("/account/resend", {"email": "case.LIMIT@mail.test",
                                       "csrf": c}, csrf=False)
        self.assertEqual(r.status, 429, r)


class TestConfirmReports(MailServerCase):
    """serve --confirm-reports: a report without an account is held,
    unpublished and unknown to the agency, until its e-mail link."""

    extra_args = ("--confirm-reports",)
    users = ("member",)

    def web_report(self, s, text, **extra):
        csrf = form_csrf(s.get("/new"))
        fields = report_fields("pothole", WEST_POINT, description=text,
                               **extra)
        fields = [("attr[pothole][size]" if k == "attribute[size]" else k, v)
                  for k, v in fields]
        return s.post("/api/v1/reports", fields + [("csrf", csrf)],
                      csrf=False)

    def count(self, text):
        return self.server.sql_value("SELECT count(*) FROM reports WHERE "
                                     "description = ?", (text,))

    def test_held_until_confirmed(self):
        s = Session(self)
        r = self.web_report(s, "Без адреса почты")
        self.assertEqual(r.status, 400, r)
        self.assertIn("email", r.text())

        text = "Яма ждёт подтверждения"
        r = self.web_report(s, text, email="held@mail.test", first_name="Ия")
        self.assertEqual(r.status, 200, r)
        self.assertIn("Подтвердите обращение", r.text())
        self.assertEqual(self.count(text), 0)       # nowhere to be read
        r = self.fetch("GET", "/open311/v2/requests.json")
        self.assertNotIn(text, r.text())
        mail = wait_for("the confirmation link",
                        lambda: self.box.to("held@mail.test"))[0]
        body = mail.get_body(("plain",)).get_content()
        link = re.search(r"https?://\S+(/account/confirm-report\?token="
                         r"\S+)", body).group(1)
        self.assertEqual([m for m in self.box.to("roads@agency.test")], [])

        r = s.get(link)
        self.assertEqual(r.status, 303, r)
        rid = int(re.search(r"/reports/(\d+)\?created=1",
                            r.headers["Location"]).group(1))
        self.assertEqual(self.count(text), 1)
        self.assertIn(text, s.get("/reports/%d" % rid).text())
        wait_for("the agency's mail", lambda: [
            m for m in self.box.to("roads@agency.test")
            if "№%d" % rid in str(m["Subject"])])
        self.assertEqual(s.get(link).status, 404)  # single-use

        # A signed-in resident's report is filed at once.
        member = Session(self, "member")
        text2 = "Яма от участника"
        r = self.web_report(member, text2)
        self.assertEqual(r.status, 303, re.findall(r'role="alert">([^<]*)',
                                                   r.text()))
        self.assertEqual(self.count(text2), 1)
        rid2 = int(re.search(r"/reports/(\d+)", r.headers["Location"])
                   .group(1))
        self.assertIn('href="/reports/%d"' % rid2, member.get("/my").text())

    def test_unconfirmed_report_expires_with_its_photos(self):
        """A held report never confirmed is removed, photos and all, once
        VECHE_HELD_TTL (7 days) has passed: the sweeper sees the clock
        moved on."""
        media = os.path.join(self.server.dir, "media")
        listed = lambda: set(os.listdir(media)) if os.path.isdir(media) \
            else set()
        before = listed()
        fields = report_fields("other", WEST_POINT,
                               description="Фото ждёт подтверждения",
                               email="never@mail.test")
        ctype, body = multipart(fields + [("csrf", CSRF)], [
            ("photo", "p.png", "image/png", png())])
        r = self.fetch("POST", "/api/v1/reports", body, {
            "Content-Type": ctype, "Cookie": "veche_csrf=" + CSRF})
        self.assertEqual(r.status, 200, r)
        self.assertIn("ссылка действует 7 дней", r.text())
        kept = listed() - before
        self.assertEqual(len(kept), 2, kept)        # the photo, its thumb
        photo = sorted(kept)[0].split("-")[0].split(".")[0]
        mail = wait_for("the confirmation link",
                        lambda: self.box.to("never@mail.test"))[0]
        link = re.search(r"https?://\S+(/account/confirm-report\?token="
                         r"\S+)", mail.get_body(("plain",)).get_content()
                         ).group(1)

        def rows():
            return (self.server.sql_value(
                        "SELECT count(*) FROM held_reports WHERE photos "
                        "LIKE ?", ("%" + photo + "%",)),
                    self.server.sql_value(
                        "SELECT count(*) FROM photos WHERE id = ?", (photo,)))

        self.assertEqual(rows(), (1, 1))
        self.server.advance(7 * 86400 + 1)
        wait_for("the expired report's removal", lambda: rows() == (0, 0))
        wait_for("the photo files' removal", lambda: not kept & listed())
        self.assertEqual(Session(self).get(link).status, 404)

@sqlite_only("accounts migration 5 rewrites SQLite databases made before "
             "it; PostgreSQL's schema starts after it")
class TestReporterLinkMigration(unittest.TestCase):
    """A database from before accounts migration 5 kept the link from a
    report to its account twice (user_reports and reports.reporter_user);
    opening it moves user_reports into the column and drops the table."""

    def fetch(self, method, path, body=None, headers=None):
        return self.server.request(method, path, body, headers)

    def test_user_reports_moved_into_the_report(self):
        self.server = Server()
        self.addCleanup(self.server.cleanup)
        self.server.create_user("ivan", "citizen")
        self.server.start()
        try:
            s = Session(self, login="ivan")
            rids = []
            for text in ("Яма во дворе", "Лавочка сломана"):
                r = s.post("/api/v1/me/reports", report_fields(
                    "other", WEST_POINT, description=text))
                self.assertEqual(r.status, 201, r)
                rids.append(r.json()["id"])
        finally:
            self.assertEqual(self.server.stop(), 0)
        # Make it the old database: accounts at 4, the links in the table
        # only (as the web form and Open311 kept them).
        db = sqlite3.connect(self.server.db)
        user = db.execute("SELECT id FROM users WHERE login = 'ivan'") \
            .fetchone()[0]
        with db:
            db.execute("UPDATE schema_versions SET version = 4 WHERE "
                       "module = 'accounts'")
            db.execute("CREATE TABLE user_reports(report INTEGER PRIMARY "
                       "KEY, user INTEGER NOT NULL)")
            db.execute("INSERT INTO user_reports VALUES (?, ?)",
                       (rids[0], user))
            db.execute("UPDATE reports SET reporter_user = NULL WHERE "
                       "id = ?", (rids[0],))
        db.close()
        self.server.start()
        try:
            page = Session(self, login="ivan").get("/my").text()
            for rid in rids:
                self.assertIn('href="/reports/%d"' % rid, page)
        finally:
            self.assertEqual(self.server.stop(), 0)
        db = sqlite3.connect(self.server.db)
        self.assertEqual(db.execute(
            "SELECT id, reporter_user FROM reports ORDER BY id").fetchall(),
            [(rids[0], user), (rids[1], user)])
        self.assertIsNone(db.execute(
            "SELECT name FROM sqlite_schema WHERE name = 'user_reports'")
            .fetchone())
        self.assertEqual(db.execute(
            "SELECT version FROM schema_versions WHERE module = "
            "'accounts'").fetchone(), (5,))
        db.close()


if __name__ == "__main__":
    unittest.main()
