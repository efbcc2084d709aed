"""
Open311 GeoReport v2, POST requests: urlencoded and multipart bodies, both
answer formats, attributes of every datatype, media, the 59-FZ notice, the
body size limit, and that an acknowledged report survives a crash.
"""
import datetime as dt
import os
import signal
import threading
import unittest

from harness import (EAST_POINT, FORMATS, MAX_BODY, WEST_POINT,
                     ServerTestCase, encode_query, report_fields)


class TestPost(ServerTestCase):

    def check_ack(self, r, fmt):
        """r acknowledges one new report; returns (id, token, notice)."""
        self.assertEqual(r.status, 201, r)
        if fmt == "json":
            self.assertEqual(r.headers["Content-Type"], "application/json")
            doc = r.json()
            self.assertEqual(len(doc), 1)
            o = doc[0]
            self.assertTrue({"service_request_id", "token",
                             "service_notice"} <= set(o), o)
            return int(o["service_request_id"]), o["token"], \
                o["service_notice"]
        self.assertEqual(r.headers["Content-Type"], "text/xml")
        root = r.xml()
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual([e.tag for e in root], ["request"])
        req = root[0]
        self.assertTrue({"service_request_id", "token", "service_notice"}
                        <= {c.tag for c in req})
        return int(req.findtext("service_request_id")), \
            req.findtext("token"), req.findtext("service_notice")

    def test_urlencoded_both_formats(self):
        for fmt in FORMATS:
            before = self.count()
            text = "Не горит фонарь у дома 5 (%s)" % fmt
            r = self.post("requests." + fmt, report_fields(
                "pothole", WEST_POINT, description=text,
                address_string="пр. Мира, 5", zipcode="190000"))
            rid, token, _ = self.check_ack(r, fmt)
            self.assertEqual(self.count(), before + 1)
            o = self.by_id(rid)
            self.assertEqual(o["description"], text)
            self.assertEqual(o["address"], "пр. Мира, 5")
            self.assertEqual(o["zipcode"], "190000")
            self.assertEqual(o["service_code"], "pothole")
            self.assertEqual(o["status"], "open")
            r = self.get("tokens/%s.json" % token)
            self.assertEqual(r.json()[0]["service_request_id"], rid)

    def test_multipart_both_formats(self):
        for fmt in FORMATS:
            before = self.count()
            text = "Во дворе яма;\r\nглубокая «очень» (%s)" % fmt
            r = self.post_multipart("requests." + fmt, report_fields(
                "heating", EAST_POINT, description=text,
                **{"attribute[what][]": "riser",
                   "attribute[entrance]": "2"}))
            rid, _, _ = self.check_ack(r, fmt)
            self.assertEqual(self.count(), before + 1)
            o = self.by_id(rid)
            self.assertEqual(o["description"], text)
            self.assertEqual(o["agency_responsible"], "east")

    def test_multipart_with_untouched_file_input(self):
        # What a browser sends for <input type=file name=media> left empty.
        before = self.count()
        r = self.post_multipart("requests.json", report_fields("other"),
                                files=[("media", "", "application/"
                                        "octet-stream", b"")])
        self.check_ack(r, "json")
        self.assertEqual(self.count(), before + 1)

    def test_api_key_in_header(self):
        before = self.count()
        r = self.post("requests.json", report_fields("other"), key=False,
                      headers={"X-Api-Key": self.api_key})
        self.check_ack(r, "json")
        self.assertEqual(self.count(), before + 1)

    def test_api_key_in_query(self):
        r = self.fetch("POST", "/open311/v2/requests.json?" + encode_query(
            {"api_key": self.api_key}),
            encode_query(report_fields("other")).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.check_ack(r, "json")

    def test_location_by_address_only(self):
        rid = self.create(report_fields("pothole", None,
                                        address_string="ул. Ленина, 1"))
        o = self.by_id(rid)
        self.assertIsNone(o["lat"])
        self.assertIsNone(o["long"])
        self.assertEqual(o["agency_responsible"], "roads")
        rid = self.create(report_fields("heating", None,
                                        address_id="house-42"))
        o = self.by_id(rid)
        self.assertEqual(o["address_id"], "house-42")
        # A district service without a point cannot be placed: fallback.
        self.assertEqual(o["agency_responsible"], "admin")

    def test_routing_by_area(self):
        cases = [(("heating", WEST_POINT), "west"),
                 (("heating", EAST_POINT), "east"),
                 (("heating", (59.0, 29.0)), "admin"),
                 (("pothole", WEST_POINT), "roads"),
                 (("pothole", (59.0, 29.0)), "roads"),
                 (("noise", EAST_POINT), "admin"),
                 # A district agency comes before a city-wide one.
                 (("trees", WEST_POINT), "west"),
                 (("trees", EAST_POINT), "parks"),
                 (("trees", None), "parks"),
                 (("other", WEST_POINT), "admin")]
        for (svc, point), agency in cases:
            rid = self.create(report_fields(svc, point,
                                            address_string="ул. Мира, 1"))
            self.assertEqual(self.by_id(rid)["agency_responsible"], agency,
                             (svc, point))

    def test_service_notice_names_the_deadlines(self):
        for locale, law in (("ru", "59-ФЗ"), ("en", "59-FZ")):
            r = self.post("requests.json", report_fields(
                "other", locale=locale))
            rid, _, notice = self.check_ack(r, "json")
            o = self.by_id(rid, {"extensions": "true"})
            register_due = o["extended_attributes"]["register_due"][:10]
            expected = o["expected_datetime"][:10]
            self.assertIn(law, notice)
            self.assertIn(register_due, notice)
            self.assertIn(expected, notice)
        r = self.post("requests.xml", report_fields("other"))
        _, _, notice = self.check_ack(r, "xml")
        self.assertIn("59-ФЗ", notice)

    def test_deadlines(self):
        rid = self.create(report_fields("other"))
        o = self.by_id(rid, {"extensions": "true"})
        req = dt.datetime.fromisoformat(o["requested_datetime"])
        reg = dt.datetime.fromisoformat(
            o["extended_attributes"]["register_due"])
        exp = dt.datetime.fromisoformat(o["expected_datetime"])
        # 59-FZ on the Russian working-day calendar (docs/deadlines.md):
        # registered within 3 working days (at most 15 calendar days, over
        # the New Year holidays); answered 30 calendar days after that,
        # moved back to a working day (at least 19 days, over the New Year).
        self.assertTrue(req + dt.timedelta(days=2) < reg <=
                        req + dt.timedelta(days=15), (req, reg))
        self.assertTrue(reg + dt.timedelta(days=19) <= exp <=
                        reg + dt.timedelta(days=30), (reg, exp))

    def test_every_attribute_datatype_accepted(self):
        before = self.count()
        rid = self.create(report_fields("heating", WEST_POINT, **{
            "attribute[since]": "2026-01-15T08:00:00+03:00",
            "attribute[flats]": "-12.5e1",
            "attribute[entrance]": "3",
            "attribute[details]": "Батареи холодные\nс утра",
        }) + [("attribute[what][]", "radiators"),
              ("attribute[what][]", "riser"),
              ("attribute[what][]", "boiler")])
        self.assertEqual(self.count(), before + 1)
        self.assertEqual(self.by_id(rid)["service_code"], "heating")
        # attribute[code] without [] for a list, and a Z time.
        self.create(report_fields("heating", WEST_POINT, **{
            "attribute[since]": "2026-01-15T05:00:00Z",
            "attribute[what]": "boiler"}))
        self.create(report_fields("pothole", WEST_POINT, **{
            "attribute[size]": "large", "attribute[depth]": "15"}))

    def test_empty_optional_fields_count_as_absent(self):
        rid = self.create(report_fields("pothole", WEST_POINT, **{
            "attribute[depth]": "", "address_string": "", "email": "",
            "jurisdiction_id": "", "media_url": ""}))
        o = self.by_id(rid)
        self.assertIsNone(o["address"])
        self.assertIsNone(o["media_url"])

    def test_media_urls(self):
        fields = report_fields("other") + [
            ("media_url", "https://img.example.org/a.jpg"),
            ("media_url", "http://img.example.org/b.png?size=large")]
        rid = self.create(fields)
        o = self.by_id(rid, {"extensions": "true"})
        self.assertEqual(o["media_url"], "https://img.example.org/a.jpg")
        self.assertEqual(o["extended_attributes"]["media_urls"], [
            "https://img.example.org/a.jpg",
            "http://img.example.org/b.png?size=large"])

    def test_description_of_4000_cyrillic_characters(self):
        text = "я" * 4000
        for post in (self.post, self.post_multipart):
            r = post("requests.json", report_fields("other",
                                                    description=text))
            rid, _, _ = self.check_ack(r, "json")
            self.assertEqual(self.by_id(rid)["description"], text)

    def test_body_at_the_limit_accepted(self):
        before = self.count()
        head = encode_query(report_fields("other") +
                            [("api_key", self.api_key)]) + "&padding="
        body = head.encode("ascii")
        body += b"x" * (MAX_BODY - len(body))
        self.assertEqual(len(body), MAX_BODY)
        r = self.fetch("POST", "/open311/v2/requests.json", body,
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.check_ack(r, "json")
        self.assertEqual(self.count(), before + 1)

    def test_markup_round_trips(self):
        text = 'Знак <b>"стоп"</b> & \'уступи\' ]]> &amp; <![CDATA[x]]>'
        rid = self.create(report_fields("other", description=text,
                                        address_string="<ул. & Ко>"))
        self.assertEqual(self.by_id(rid)["description"], text)
        root = self.get("requests/%d.xml" % rid).xml()
        self.assertEqual(root.findtext("request/description"), text)
        self.assertEqual(root.findtext("request/address"), "<ул. & Ко>")

    def test_concurrent_posts(self):
        before = self.count()
        n = 24
        results = [None] * n

        def one(i):
            try:
                results[i] = self.server.request(
                    "POST", "/open311/v2/requests.json",
                    encode_query(report_fields(
                        "heating", EAST_POINT, description="Поток %d" % i) +
                        [("api_key", self.api_key)]).encode("ascii"),
                    {"Content-Type": "application/x-www-form-urlencoded"})
            except Exception as e:      # reported below
                results[i] = e

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual([getattr(r, "status", r) for r in results],
                         [201] * n)
        ids = {r.json()[0]["service_request_id"] for r in results}
        self.assertEqual(len(ids), n)
        self.assertEqual(self.count(), before + n)
        for rid in ids:
            self.assertTrue(self.by_id(rid)["description"]
                            .startswith("Поток "))

    def test_account_id_echoed_to_its_owner(self):
        r = self.post("requests.json", report_fields(
            "other", account_id="acct-1"))
        self.assertEqual(r.json()[0]["account_id"], "acct-1")


class TestDurability(ServerTestCase):

    def test_acknowledged_report_survives_kill(self):
        text = "Переживёт падение сервера"
        for fmt in FORMATS:
            r = self.post("requests." + fmt, report_fields(
                "pothole", EAST_POINT, description=text))
            self.assertEqual(r.status, 201, r)
            if fmt == "json":
                rid = r.json()[0]["service_request_id"]
            else:
                rid = int(r.xml().findtext("request/service_request_id"))
            # kill -9 as soon as the answer is in.
            os.kill(self.server.proc.pid, signal.SIGKILL)
            self.server.kill()
            self.server.start()
            o = self.by_id(rid)
            self.assertEqual(o["description"], text)
            self.assertEqual(o["agency_responsible"], "roads")
            self.assertIn(rid, self.ids(None))
            updates = self.get("servicerequestupdates.json").json()
            self.assertIn(rid, [u["service_request_id"] for u in updates])

    def test_concurrent_acknowledged_reports_survive_kill(self):
        # Sixteen writers at once share group commits on the writer's own
        # connection, and enough reports for the WAL to pass the
        # background checkpoint's threshold (VECHE_WAL_CHECKPOINT_PAGES).
        threads, each = 16, 20
        acked = [[] for _ in range(threads)]

        def writer(t):
            for i in range(each):
                text = "Писатель %d, обращение %d" % (t, i)
                r = self.server.request(
                    "POST", "/open311/v2/requests.json",
                    encode_query(report_fields(
                        "pothole", EAST_POINT, description=text) +
                        [("api_key", self.api_key)]).encode("ascii"),
                    {"Content-Type": "application/x-www-form-urlencoded"})
                if r.status != 201:
                    acked[t].append((None, r.status))
                    return
                acked[t].append((r.json()[0]["service_request_id"], text))

        ts = [threading.Thread(target=writer, args=(t,))
              for t in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(300)
        # kill -9 as soon as the last answer is in.
        os.kill(self.server.proc.pid, signal.SIGKILL)
        self.server.kill()
        answers = [a for w in acked for a in w]
        self.assertEqual([a for a in answers if a[0] is None], [])
        self.assertEqual(len(answers), threads * each)
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)
        self.server.start()
        for rid, text in answers:
            self.assertEqual(self.by_id(rid)["description"], text)


if __name__ == "__main__":
    unittest.main()
