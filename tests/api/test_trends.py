"""
test_trends.py: listening's trends and spikes (docs/listening.md) over
real HTTP: posts uploaded on days moved with the clock file, the daily
volumes and negative shares of a series (JSON, CSV, the page's chart and
table), the spike rule firing once on the day of the outlier and not on
ordinary days, delivered as listen.spike to a webhook on loopback; spike
e-mail to the staff who subscribed on the trends page, through the
loopback SMTP server, in each subscriber's language, and none after
unsubscribing.
"""
import csv
import io
import json
import re
import unittest

import test_listen
from harness import ServerTestCase, Session, multipart
from test_delivery import (Mailbox, Receiver, smtp_controller, subscribe,
                           wait_for, wait_idle)
from harness import free_port

DAY = 86400
NEG = ("Отвратительная яма на улице Свободы, 12, Дорнадзор ничего не "
       "делает, это ужас и позор")
POS = "Спасибо коммунальщикам, быстро починили, всё отлично"


class TestTrends(ServerTestCase):
    # The days checked below are June 2026's, counted back from this one.
    clock = "2026-06-15T10:00:00+03:00"
    city = test_listen.LISTEN_CITY
    serve_args = ("--retry-base-ms", "100", "--retry-cap-ms", "400",
                  "--max-attempts", "4", "--webhook-allow-private")

    @classmethod
    def setUpClass(cls):
        cls.rx = Receiver()
        super().setUpClass()
        cls.server.create_user("analyst", "moderator")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.rx.close()

    def upload(self, texts):
        """Upload texts to the Telegram source, dated veche's now."""
        now = self.server.now()
        msgs = []
        for t in texts:
            TestTrends.next_id = getattr(TestTrends, "next_id", 0) + 1
            msgs.append({"id": TestTrends.next_id, "type": "message",
                         "date_unixtime": str(now), "from_id": "user1",
                         "text": t + " (%d)" % TestTrends.next_id})
        ctype, body = multipart([("source", "city-tg"),
                                 ("api_key", self.api_key)],
                                [("file", "result.json", "application/json",
                                  json.dumps({"name": "Чат", "id": 99,
                                              "messages": msgs}).encode())])
        r = self.fetch("POST", "/api/v1/posts/import", body,
                       {"Content-Type": ctype})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["added"], len(texts))

    def spikes_seen(self):
        return [json.loads(b[0]) for b in self.rx.accepted.values()]

    def test_trends_and_spike(self):
        s = Session(self, "analyst")
        r = s.post("/api/v1/queries", {"name": "ямы", "query": "яма"})
        self.assertIn(r.status, (200, 201), r)
        subscribe(self.server, self.rx.url + "/spikes",
                  events="listen.spike")
        start = self.server.now()
        # Ten ordinary days: one negative and one positive post a day,
        # then a day with four negatives (under the minimum of five).
        self.server.set_clock(start - 12 * DAY)
        for d in range(10):
            self.upload([NEG, POS])
            self.server.advance(DAY)
        self.upload([NEG] * 4)
        self.server.advance(DAY)
        wait_idle(self.server)
        self.assertEqual(self.spikes_seen(), [])
        # The outlier day: eight negatives in two batches.
        self.server.set_clock(start)
        self.upload([NEG] * 6 + [POS, POS])
        self.upload([NEG] * 2)
        wait_idle(self.server)
        got = wait_for("the spikes", lambda: self.spikes_seen())
        self.assertEqual(sorted((e["spike"]["series"], e["spike"]["key"])
                                for e in got),
                         [("agency", "roads"), ("query", "1")])
        for e in got:
            self.assertEqual(e["event"], "listen.spike")
            self.assertEqual(e["spike"]["day"], "2026-06-15")
            self.assertEqual(e["spike"]["negative"], 6)
        agency = [e for e in got if e["spike"]["series"] == "agency"][0]
        self.assertEqual(agency["agency"], "roads")

        # The daily series of the agency: the last 13 days.
        r = s.get("/api/v1/trends.json", {"agency": "roads",
                                          "since": "2026-06-03",
                                          "until": "2026-06-15"})
        self.assertEqual(r.status, 200, r)
        days = {d["date"]: d for d in r.json()["days"]}
        self.assertEqual(len(days), 13)
        self.assertEqual(days["2026-06-03"]["posts"], 1)
        self.assertEqual(days["2026-06-03"]["negative"], 1)
        self.assertEqual(days["2026-06-13"]["negative"], 4)
        self.assertEqual(days["2026-06-14"]["posts"], 0)
        self.assertEqual(days["2026-06-15"]["negative"], 8)
        self.assertEqual(days["2026-06-15"]["negative_share"], 1.0)
        # All posts: half negative on an ordinary day.
        r = s.get("/api/v1/trends.json", {"since": "2026-06-05",
                                          "until": "2026-06-05"})
        d = r.json()["days"][0]
        self.assertEqual((d["posts"], d["negative"], d["negative_share"]),
                         (2, 1, 0.5))
        # The default period: 90 days to today.
        r = s.get("/api/v1/trends.json")
        self.assertEqual(len(r.json()["days"]), 90)
        self.assertEqual(r.json()["until"], "2026-06-15")
        self.assertEqual(s.get("/api/v1/trends.json",
                               {"since": "2020-01-01"}).status, 400)

        # CSV of the table and of the spikes.
        r = s.get("/listen/trends.csv", {"agency": "roads",
                                         "since": "2026-06-14"})
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.text())))
        self.assertEqual(rows[0], ["date", "series", "key", "posts",
                                   "negative", "negative_share"])
        self.assertEqual(rows[2], ["2026-06-15", "agency", "roads", "8", "8",
                                   "100.0"])
        r = s.get("/listen/spikes.csv")
        rows = list(csv.reader(io.StringIO(r.text())))
        self.assertEqual(rows[0], ["id", "date", "series", "key",
                                   "negative", "mean", "sd"])
        self.assertEqual(sorted(x[2] for x in rows[1:]), ["agency", "query"])

        # The page: both charts with titles, the table, the spikes.
        page = s.get("/listen/trends", {"agency": "roads"}).text()
        for part in ('<svg id="chart-volume"', '<svg id="chart-share"',
                     "<title id=\"chart-volume-t\">", "<details",
                     'id="trend-table"', 'id="spikes"', "ямы"):
            self.assertIn(part, page)

        # Later the same day: no second event for the same series.
        self.upload([NEG] * 5)
        wait_idle(self.server)
        self.assertEqual(len(self.spikes_seen()), 2)
        # The next day an ordinary count raises nothing.
        self.server.advance(DAY)
        self.upload([NEG])
        wait_idle(self.server)
        self.assertEqual(len(self.spikes_seen()), 2)


class TestSpikeMail(ServerTestCase):
    # The mail names this day (checked below).
    clock = "2026-06-15T10:00:00+03:00"
    city = test_listen.LISTEN_CITY

    @classmethod
    def setUpClass(cls):
        cls.box = Mailbox()
        cls.smtp = smtp_controller()(cls.box, hostname="127.0.0.1",
                                     port=free_port())
        cls.smtp.start()
        cls.serve_args = ("--retry-base-ms", "100", "--retry-cap-ms", "400",
                          "--max-attempts", "4", "--webhook-allow-private",
                          "--smtp",
                          "smtp://127.0.0.1:%d" % cls.smtp.port,
                          "--mail-from", "veche@city.test")
        super().setUpClass()
        for login, role in (("analyst", "moderator"), ("chief", "admin"),
                            ("bystander", "moderator")):
            cls.server.create_user(login, role)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.stop()

    upload = TestTrends.upload

    def subscribe(self, s, fields):
        r = s.post("/listen/trends/mail", fields)
        self.assertEqual(r.status, 303, r)
        self.assertTrue(r.headers["Location"].startswith("/listen/trends"))

    def test_spike_mail(self):
        analyst = Session(self, "analyst")
        chief = Session(self, "chief")
        bystander = Session(self, "bystander")
        r = analyst.post("/api/v1/queries", {"name": "ямы", "query": "яма"})
        self.assertIn(r.status, (200, 201), r)
        # The page of the query's series offers that series or all.
        page = analyst.get("/listen/trends", {"query": "1"}).text()
        self.assertIn('id="spike-subs-empty"', page)
        self.assertIn('name="series" value="query" checked', page)
        # The analyst: this query's spikes, in English; the chief: every
        # series, in Russian; the bystander: a district that stays calm.
        self.subscribe(analyst, {"series": "query", "key": "1",
                                 "email": "analyst@city.test",
                                 "lang": "en"})
        self.subscribe(chief, {"series": "all", "email": "chief@city.test"})
        self.subscribe(bystander, {"series": "district",
                                   "key": "Ленинский район",
                                   "email": "bystander@city.test"})
        # Refusals name the field.
        r = chief.post("/listen/trends/mail", {"series": "all",
                                               "email": "not-an-address"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("email", r.text())
        r = chief.post("/listen/trends/mail", {"series": "source",
                                               "key": "1",
                                               "email": "chief@city.test"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("series", r.text())
        page = analyst.get("/listen/trends", {"lang": "en"}).text()
        self.assertIn("Query ямы: analyst@city.test", page)
        self.assertNotIn("chief@city.test", page)   # one's own only

        start = self.server.now()
        self.server.set_clock(start - 10 * DAY)
        for d in range(10):
            self.upload([NEG, POS])
            self.server.advance(DAY)
        wait_idle(self.server)
        self.assertEqual(self.box.messages, [])
        # The outlier day: the query's and the agency's series spike.
        self.server.set_clock(start)
        self.upload([NEG] * 8)
        wait_idle(self.server)
        got = wait_for("the analyst's mail",
                       lambda: self.box.to("analyst@city.test"))
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m["Subject"],
                         "Spike of negative posts: query: ямы")
        body = m.get_body(("plain",)).get_content()
        self.assertIn("2026-06-15", body)
        self.assertIn("Negative posts that day: 8", body)
        self.assertIn("/listen/trends?query=1&lang=en", body)
        chief_mail = wait_for("the chief's mail", lambda: len(
            self.box.to("chief@city.test")) == 2 and
            self.box.to("chief@city.test"))
        self.assertEqual(sorted(x["Subject"] for x in chief_mail),
                         ["Всплеск негативных публикаций: ведомство: roads",
                          "Всплеск негативных публикаций: запрос: ямы"])
        self.assertIn("/listen/trends?agency=roads",
                      "".join(x.get_body(("plain",)).get_content()
                              for x in chief_mail))
        self.assertEqual(self.box.to("bystander@city.test"), [])

        # The analyst unsubscribes; the next day spikes again.
        page = analyst.get("/listen/trends").text()
        sub = re.search(r'id="spike-sub-(\d+)"', page).group(1)
        r = analyst.post("/listen/trends/mail/%s/delete" % sub)
        self.assertEqual(r.status, 303, r)
        self.assertIn('id="spike-subs-empty"',
                      analyst.get("/listen/trends").text())
        # Not someone else's subscription.
        r = bystander.post("/listen/trends/mail/%s/delete" % sub)
        self.assertEqual(r.status, 404, r)
        self.server.advance(DAY)
        self.upload([NEG] * 8)
        wait_idle(self.server)
        wait_for("the chief's second mail",
                 lambda: len(self.box.to("chief@city.test")) == 4)
        self.assertEqual(len(self.box.to("analyst@city.test")), 1)
        self.assertEqual(self.box.to("bystander@city.test"), [])


if __name__ == "__main__":
    unittest.main()
