"""
Citizens' e-mail alerts (docs/delivery.md, "Alerts") through a real SMTP
receiver on loopback: subscribe -> confirmation mail (nothing else until
it is followed) -> a new matching report brings a mail with one-click
List-Unsubscribe headers (RFC 8058) -> the one-click POST ends it -> no
more mail; reports that do not match send nothing; a report's subscriber
hears of its answer; the daily digest at the set local hour collects
several; bad input names the field.
"""
import re
import unittest

from harness import EAST_POINT, WEST_POINT, Session, encode_query, \
    report_fields
from test_accounts import MailServerCase, form_csrf, parts
from test_delivery import wait_for, wait_idle

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def result(r):
    """The answer's message paragraph."""
    m = re.search(r'<p id="alerts-result"[^>]*>(.*?)</p>', r.text())
    assert m, r.text()[:500]
    return m.group(1)


class TestAlerts(MailServerCase):

    extra_args = ("--digest-hour", "20")
    # 10:00 local, ten hours before the digest (checked below).
    clock = "2026-06-15T10:00:00+03:00"

    def report(self, service, point, text="Тестовое обращение"):
        fields = report_fields(service, point, description=text,
                               email="reporter@mail.test",
                               first_name="Анна")
        fields.append(("api_key", self.server.api_key))
        r = self.fetch("POST", "/open311/v2/requests.json",
                       encode_query(fields).encode(), FORM)
        self.assertEqual(r.status, 201, r)
        return int(r.json()[0]["service_request_id"])

    def subscribe(self, email, status=200, **target):
        s = Session(self)
        r = s.get("/alerts/new?" + encode_query(list(target.items())))
        self.assertEqual(r.status, 200, r)
        self.assertIn('id="alerts-form"', r.text())
        fields = dict(target, email=email, csrf=form_csrf(r))
        r = s.post("/alerts", fields, csrf=False)
        self.assertEqual(r.status, status, r)
        return r

    def confirm(self, email):
        mails = wait_for("confirmation", lambda: [
            m for m in self.box.to(email) if "Подтвердите" in m["Subject"]])
        text, _ = parts(mails[-1])
        m = re.search(r"https?://[^/\s]+(/alerts/confirm\?token=\S+)", text)
        self.assertIsNotNone(m, text)
        r = self.fetch("GET", m.group(1))
        self.assertEqual(r.status, 200, r)
        self.assertIn("Подписка подтверждена", r.text())
        self.assertEqual(self.fetch("GET", m.group(1)).status, 404)

    def alerts(self, email):
        return [m for m in self.box.to(email)
                if "Подтвердите" not in m["Subject"]]

    def test_instant_journey(self):
        a = "alice@mail.test"
        r = self.subscribe(a, agency="roads")
        answer = result(r)
        self.assertIn("Проверьте почту", answer)
        self.assertNotIn(a, r.text())
        # Double opt-in: a matching report before the link sends nothing.
        self.report("pothole", WEST_POINT)
        wait_for("confirmation", lambda: self.box.to(a))
        wait_idle(self.server)
        self.assertEqual(self.alerts(a), [])
        self.confirm(a)
        # The same request again: the same answer, no second mail.
        before = len(self.box.to(a))
        self.assertEqual(result(self.subscribe(a, agency="roads")), answer)

        rid = self.report("pothole", WEST_POINT, "Яма во дворе дома 7")
        msgs = wait_for("the alert", lambda: self.alerts(a))
        self.assertEqual(len(msgs), 1)
        m = msgs[0]
        self.assertIn("Новое обращение №%d" % rid, m["Subject"])
        self.assertEqual(m["List-Unsubscribe-Post"],
                         "List-Unsubscribe=One-Click")
        unsub = re.fullmatch(r"<https?://[^/]+(/alerts/unsubscribe\?token="
                             r"[0-9a-f]{64})>", m["List-Unsubscribe"])
        self.assertIsNotNone(unsub, m["List-Unsubscribe"])
        text, htm = parts(m)
        self.assertIn("/reports/%d" % rid, text)
        self.assertIn(unsub.group(1), text)
        self.assertNotIn("reporter@mail.test", text + htm)
        self.assertEqual(len(self.box.to(a)), before + 1)

        # Not the agency subscribed to: nothing.
        self.report("trees", WEST_POINT)
        wait_idle(self.server)
        self.assertEqual(len(self.alerts(a)), 1)

        # The unsubscribe page changes nothing by itself (link scanners).
        r = self.fetch("GET", unsub.group(1))
        self.assertEqual(r.status, 200, r)
        self.assertIn('id="unsubscribe-form"', r.text())
        # One click, as a mail program sends it (RFC 8058).
        r = self.fetch("POST", unsub.group(1),
                       b"List-Unsubscribe=One-Click", FORM)
        self.assertEqual(r.status, 200, r)
        self.assertIn("Вы отписались", r.text())
        self.assertEqual(self.fetch("POST", unsub.group(1),
                                    b"List-Unsubscribe=One-Click",
                                    FORM).status, 404)
        self.report("pothole", WEST_POINT)
        wait_idle(self.server)
        self.assertEqual(len(self.alerts(a)), 1)

    def test_report_subscriber_hears_the_answer(self):
        c = "carol@mail.test"
        rid = self.report("pothole", EAST_POINT)
        self.subscribe(c, report=str(rid))
        self.confirm(c)
        self.server.cli("outbox", "emit", "--db", self.server.db, "--report",
                        str(rid), "--event", "report.answered", "--detail",
                        "Яма заделана.")
        msgs = wait_for("the answer alert", lambda: self.alerts(c))
        self.assertIn("Обращение №%d: дан ответ" % rid, msgs[0]["Subject"])
        self.assertIn("Яма заделана.", parts(msgs[0])[0])
        # Another report's news is not this subscriber's.
        self.report("pothole", EAST_POINT)
        wait_idle(self.server)
        self.assertEqual(len(self.alerts(c)), 1)

    def test_daily_digest_at_the_hour(self):
        b = "bob@mail.test"
        # An area around the west point only.
        self.subscribe(b, bbox="30.2,60.2,30.3,60.3", mode="daily")
        self.confirm(b)
        r1 = self.report("noise", WEST_POINT)
        r2 = self.report("trees", WEST_POINT)
        r3 = self.report("noise", EAST_POINT)
        wait_idle(self.server)
        self.assertEqual(self.alerts(b), [])      # 10:00: not yet
        self.server.advance(10 * 3600)            # 20:00 local
        msgs = wait_for("the digest", lambda: self.alerts(b))
        m = msgs[0]
        self.assertIn("Сводка оповещений", m["Subject"])
        text, _ = parts(m)
        self.assertIn("№%d" % r1, text)
        self.assertIn("№%d" % r2, text)
        self.assertNotIn("№%d" % r3, text)
        self.assertTrue(m["List-Unsubscribe"])
        wait_idle(self.server)
        self.assertEqual(len(self.alerts(b)), 1)  # once a day

    def test_forms_on_the_pages(self):
        rid = self.report("pothole", WEST_POINT)
        page = self.fetch("GET", "/reports/%d" % rid).text()
        self.assertIn('id="alerts-form"', page)
        self.assertIn('name="report" value="%d"' % rid, page)
        page = self.fetch("GET", "/reports?service_code=trees").text()
        self.assertIn('href="/alerts/new?service_code=trees"', page)

    def test_one_address_whatever_its_case(self):
        """Three confirmations an address at most, however it is typed;
        the fourth request is refused before anything is written."""
        for i, a in enumerate(["victim@mail.test", "Victim@mail.test",
                               "vICTIM@mail.test", "VICTIM@MAIL.TEST"]):
            self.subscribe(a, status=429 if i == 3 else 200,
                           service_code="pothole")
        def confirmations():
            got = [m for m in self.box.to("victim@mail.test")
                   if "Подтвердите" in m["Subject"]]
            return got if len(got) >= 3 else None
        # Each answer came after its mail was handed to the SMTP server.
        sent = wait_for("three confirmations", confirmations)
        self.assertEqual(len(sent), 3)

    def test_bad_input_names_the_field(self):
        for target, field in (({"agency": "nosuch"}, "agency"),
                              ({"service_code": "nosuch"}, "service_code"),
                              ({"bbox": "1,2,3"}, "bbox"),
                              ({"report": "999999"}, "report"),
                              ({"agency": "roads", "mode": "weekly"},
                               "mode")):
            r = self.subscribe("dave@mail.test", status=400, **target)
            self.assertIn(field, r.text())
        r = self.subscribe("not-an-address", status=400, agency="roads")
        self.assertIn("email", r.text())


if __name__ == "__main__":
    unittest.main()
