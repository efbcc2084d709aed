"""
Open311 GeoReport v2, refusals: every bad request gets the right status, an
<errors><error><code/><description/></error></errors> body (or its JSON
form) in the format the path asked for, a description that names the
field, and, for a refused POST, no report written.
"""
import http.client
import json
import unittest

from harness import (FORMATS, MAX_BODY, REQUEST_TIMEOUT, Response,
                     ServerTestCase, encode_query, report_fields)


class TestPostErrors(ServerTestCase):

    def refused(self, fields, status, field, key=True, multipart=False,
                files=()):
        """POST fields in both formats; each is refused and writes
        nothing.  Returns the JSON description."""
        desc = None
        for fmt in FORMATS:
            before = self.count()
            if multipart:
                r = self.post_multipart("requests." + fmt, fields, files,
                                        key=key)
            else:
                r = self.post("requests." + fmt, fields, key=key)
            d = self.assert_error(r, fmt, status, field)
            desc = desc or d
            self.assertEqual(self.count(), before, "a refused POST (%s) "
                             "wrote a report" % fmt)
        return desc

    def test_api_key_missing(self):
        self.refused(report_fields("other"), 403, "api_key", key=False)

    def test_api_key_invalid(self):
        self.refused(report_fields("other") + [("api_key", "vk_nope")],
                     403, "api_key", key=False)
        self.refused(report_fields("other") + [
            ("api_key", self.api_key[:-1] + ("A" if self.api_key[-1] != "A"
                                              else "B"))],
            403, "api_key", key=False)

    def test_service_code_unknown_or_missing(self):
        self.assertIn("nosuch", self.refused(
            report_fields("other", service_code="nosuch"), 400,
            "service_code"))
        self.refused(report_fields("other", service_code=None), 400,
                     "service_code")

    def test_location_missing(self):
        self.refused(report_fields("other", None), 400, "lat")

    def test_lat_long_out_of_range(self):
        self.refused(report_fields("other", (90.5, 30.0)), 400, "lat")
        self.refused(report_fields("other", (-91, 30.0)), 400, "lat")
        self.refused(report_fields("other", (60.0, 180.01)), 400, "long")
        self.refused(report_fields("other", (60.0, -181)), 400, "long")

    def test_lat_long_not_numbers(self):
        for lat, lon, field in (("abc", "30", "lat"), ("60", "30,5", "long"),
                                ("nan", "30", "lat"), ("60", "inf", "long"),
                                ("0x1p4", "30", "lat")):
            self.refused(report_fields("other", None, lat=lat, long=lon),
                         400, field)

    def test_only_one_of_lat_long(self):
        self.refused(report_fields("other", None, lat="60.2"), 400, "long")
        self.refused(report_fields("other", None, long="30.2"), 400, "lat")
        # Even with an address to fall back on.
        self.refused(report_fields("other", None, lat="60.2",
                                   address_string="ул. Мира, 1"),
                     400, "long")

    def test_description_too_long(self):
        desc = self.refused(report_fields("other", description="я" * 4001),
                            400, "description")
        self.assertIn("4001", desc)
        self.assertIn("4000", desc)
        self.refused(report_fields("other", description="я" * 4001), 400,
                     "description", multipart=True)

    def test_description_not_utf8(self):
        fields = report_fields("other", description=None)
        fields.append(("description", b"\xff\xfe bad".decode("latin-1")))
        body = encode_query(fields + [("api_key", self.api_key)])
        body = body.replace("%C3%BF%C3%BE", "%FF%FE")
        before = self.count()
        r = self.fetch("POST", "/open311/v2/requests.json",
                       body.encode("ascii"),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_error(r, "json", 400, "description")
        self.assertEqual(self.count(), before)

    def test_control_characters_refused(self):
        self.refused(report_fields("other", description="звонок\x07"), 400,
                     "description")
        self.refused(report_fields("other", address_string="a\nb"), 400,
                     "address_string")

    def test_unknown_attribute(self):
        desc = self.refused(report_fields("pothole",
                                          **{"attribute[colour]": "red"}),
                            400, "attribute[colour]")
        self.assertIn("pothole", desc)
        # An attribute of another service is unknown here too.
        self.refused(report_fields("pothole", **{"attribute[flats]": "2"}),
                     400, "attribute[flats]")

    def test_informational_attribute_takes_no_value(self):
        self.refused(report_fields("heating", **{"attribute[hint]": "x"}),
                     400, "attribute[hint]")

    def test_malformed_attribute_name(self):
        self.refused(report_fields("pothole", **{"attribute[size": "small"}),
                     400, "attribute")
        self.refused(report_fields("pothole", **{"attribute[]": "small"}),
                     400, "attribute")

    def test_bad_singlevaluelist_value(self):
        desc = self.refused(report_fields("pothole",
                                          **{"attribute[size]": "huge"}),
                            400, "attribute[size]")
        self.assertIn("huge", desc)
        # Keys, not display names.
        self.refused(report_fields("pothole",
                                   **{"attribute[size]": "Малая"}),
                     400, "attribute[size]")

    def test_singlevaluelist_takes_one_value(self):
        self.refused(report_fields("pothole") + [("attribute[size]",
                                                  "large")],
                     400, "attribute[size]")

    def test_bad_multivaluelist_value(self):
        self.refused(report_fields("heating") + [
            ("attribute[what][]", "riser"), ("attribute[what][]", "gas")],
            400, "attribute[what]")

    def test_missing_required_attribute(self):
        desc = self.refused(report_fields("pothole",
                                          **{"attribute[size]": None}),
                            400, "attribute[size]")
        self.assertIn("required", desc)
        # An empty value is no value.
        self.refused(report_fields("pothole", **{"attribute[size]": ""}),
                     400, "attribute[size]")
        self.refused(report_fields("heating",
                                   **{"attribute[since]": None}),
                     400, "attribute[since]", multipart=True)

    def test_bad_number_attribute(self):
        for v in ("deep", "1,5", "12cm", "nan", "1e999"):
            self.refused(report_fields("pothole", **{"attribute[depth]": v}),
                         400, "attribute[depth]")

    def test_bad_datetime_attribute(self):
        for v in ("2026-01-15T08:00:00",       # no time zone
                  "2026-02-30T08:00:00Z",      # no such day
                  "2026-01-15T25:00:00Z",      # no such hour
                  "15.01.2026 08:00",
                  "yesterday"):
            self.refused(report_fields("heating",
                                       **{"attribute[since]": v}),
                         400, "attribute[since]")

    def test_bad_media_url(self):
        for v in ("ftp://example.org/a.jpg", "javascript:alert(1)",
                  "https://", "img.jpg"):
            self.refused(report_fields("other", media_url=v), 400,
                         "media_url")

    def test_too_many_media_urls(self):
        self.refused(report_fields("other") + [
            ("media_url", "https://img.example.org/%d.jpg" % i)
            for i in range(11)], 400, "media_url")

    def test_bad_contact(self):
        self.refused(report_fields("other", email="not-an-address"), 400,
                     "email")
        self.refused(report_fields("other", phone="call me"), 400, "phone")
        self.refused(report_fields("other", first_name="я" * 201), 400,
                     "first_name")

    def test_file_upload_refused(self):
        self.refused(report_fields("other"), 400, "media", multipart=True,
                     files=[("media", "p.jpg", "image/jpeg",
                             b"\xff\xd8\xff\xe0 not really a jpeg")])

    def test_malformed_multipart(self):
        for fmt in FORMATS:
            before = self.count()
            r = self.fetch("POST", "/open311/v2/requests." + fmt,
                           b"--xyz\r\nContent-Disposition: form-data; "
                           b"name=\"service_code\"\r\n\r\nother",
                           {"Content-Type":
                            "multipart/form-data; boundary=xyz"})
            self.assert_error(r, fmt, 400, "")
            self.assertEqual(self.count(), before)

    def test_body_of_another_type_is_415(self):
        # A JSON body once read as no fields: "api_key: required".  Now the
        # answer names the type, in the format the path asked for, even
        # with the key in a header, and writes nothing.
        fields = dict(report_fields("other"), api_key=self.api_key)
        for ctype, body in (
                ("application/json", json.dumps(fields).encode()),
                ("application/json; charset=utf-8",
                 json.dumps(fields).encode()),
                ("text/plain", encode_query(fields).encode())):
            for fmt in FORMATS:
                before = self.count()
                r = self.fetch("POST", "/open311/v2/requests." + fmt, body,
                               {"Content-Type": ctype,
                                "X-Api-Key": self.api_key})
                desc = self.assert_error(r, fmt, 415, "Content-Type")
                self.assertIn("'%s'" % ctype.split(";")[0], desc)
                self.assertIn("application/x-www-form-urlencoded", desc)
                self.assertEqual(self.count(), before)
        # A body with no Content-Type at all.
        r = self.fetch("POST", "/open311/v2/requests.xml",
                       encode_query(fields).encode(), {})
        self.assert_error(r, "xml", 415, "Content-Type")
        # The form types, with parameters and in any case, still work.
        r = self.post("requests.json", report_fields("other"), headers={
            "Content-Type": "Application/X-WWW-Form-Urlencoded; "
                            "charset=UTF-8"})
        self.assertEqual(r.status, 201, r)

    def test_unknown_jurisdiction(self):
        self.refused(report_fields("other", jurisdiction_id="elsewhere"),
                     404, "jurisdiction_id")

    def test_body_over_the_limit(self):
        for fmt in FORMATS:
            before = self.count()
            head = encode_query(report_fields("other") +
                                [("api_key", self.api_key)]) + "&padding="
            body = head.encode("ascii")
            body += b"x" * (MAX_BODY + 1 - len(body))
            r = self.post_large("/open311/v2/requests." + fmt, body,
                                chunked=False)
            self.assert_error(r, fmt, 413, "body")
            self.assertEqual(self.count(), before)

    def test_body_over_the_limit_chunked(self):
        before = self.count()
        head = encode_query(report_fields("other") +
                            [("api_key", self.api_key)]) + "&padding="
        body = head.encode("ascii") + b"x" * (MAX_BODY + 4096)
        r = self.post_large("/open311/v2/requests.xml", body, chunked=True)
        self.assert_error(r, "xml", 413, "body")
        self.assertEqual(self.count(), before)

    def post_large(self, path, body, chunked):
        """POST body; the server may answer before it has all of it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=REQUEST_TIMEOUT)
        try:
            conn.putrequest("POST", path)
            conn.putheader("Content-Type",
                           "application/x-www-form-urlencoded")
            if chunked:
                conn.putheader("Transfer-Encoding", "chunked")
            else:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            try:
                step = 65536
                for i in range(0, len(body), step):
                    part = body[i:i + step]
                    if chunked:
                        part = b"%x\r\n%s\r\n" % (len(part), part)
                    conn.send(part)
                if chunked:
                    conn.send(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass        # it answered early and closed: read that
            r = conn.getresponse()
            resp = Response(r.status, r.headers, r.read())
        finally:
            conn.close()
        for h in ("Content-Security-Policy", "X-Content-Type-Options"):
            self.assertTrue(resp.headers.get(h), h)
        return resp

    def test_wrong_format(self):
        before = self.count()
        for ext in ("csv", "html", "JSON", "xml2"):
            r = self.post("requests." + ext, report_fields("other"))
            self.assert_error(r, "json", 404, "format")
        self.assertEqual(self.count(), before)


class TestGetErrors(ServerTestCase):

    def refused(self, path, params, status, field):
        """GET path.FMT?params in both formats; both refused."""
        desc = None
        for fmt in FORMATS:
            r = self.get(path + "." + fmt, params)
            d = self.assert_error(r, fmt, status, field)
            desc = desc or d
        return desc

    def test_dates_without_time_zone(self):
        for name in ("start_date", "end_date", "updated_after",
                     "updated_before"):
            desc = self.refused("requests", {name: "2026-11-01T10:00:00"},
                                400, name)
            self.assertIn("time zone", desc)
        for name in ("start_date", "end_date"):
            self.refused("servicerequestupdates",
                         {name: "2026-11-01T10:00:00"}, 400, name)

    def test_impossible_dates(self):
        for value in ("2026-02-30T10:00:00Z", "2025-02-29T00:00:00Z",
                      "2026-13-01T00:00:00Z", "2026-04-31T00:00:00+03:00",
                      "2026-11-01T24:00:00Z", "2026-11-01T10:60:00Z",
                      "2026-11-01T10:00:00+25:00"):
            for name in ("start_date", "updated_after"):
                self.refused("requests", {name: value}, 400, name)
        self.refused("servicerequestupdates",
                     {"end_date": "2026-02-30T10:00:00Z"}, 400, "end_date")

    def test_malformed_dates(self):
        for value in ("yesterday", "2026-11-01", "01.11.2026 10:00",
                      "2026-11-01T10:00:00Zjunk", "2026-11-01 10:00:00Z",
                      "20261101T100000Z"):
            self.refused("requests", {"end_date": value}, 400, "end_date")

    def test_range_over_90_days(self):
        q = {"start_date": "2026-01-01T00:00:00Z",
             "end_date": "2026-04-02T00:00:00Z"}       # 91 days
        desc = self.refused("requests", q, 400, "end_date")
        self.assertIn("90", desc)
        self.refused("servicerequestupdates", q, 400, "end_date")
        # 90 days exactly is fine.
        for path in ("requests", "servicerequestupdates"):
            for fmt in FORMATS:
                r = self.get(path + "." + fmt, {
                    "start_date": "2026-01-01T00:00:00Z",
                    "end_date": "2026-04-01T00:00:00Z"})
                self.assertEqual(r.status, 200, r)

    def test_end_before_start(self):
        self.refused("requests", {"start_date": "2026-03-01T00:00:00Z",
                                  "end_date": "2026-02-01T00:00:00Z"},
                     400, "end_date")

    def test_bad_paging(self):
        for v in ("0", "-1", "abc", "1.5", "2147483648", "99999999999"):
            self.refused("requests", {"page": v}, 400, "page")
        for v in ("0", "1001", "abc", "-5"):
            self.refused("requests", {"page_size": v}, 400, "page_size")

    def test_bad_bbox(self):
        for v in ("30,60,31", "30,60,31,61,62", "a,b,c,d", "30,60,,61",
                  "31,60,30,61",        # min_long > max_long
                  "30,61,31,60",        # min_lat > max_lat
                  "30,60,181,61", "30,-91,31,61"):
            self.refused("requests", {"bbox": v}, 400, "bbox")

    def test_bad_lat_long_radius(self):
        self.refused("requests", {"lat": "60"}, 400, "long")
        self.refused("requests", {"long": "30"}, 400, "lat")
        self.refused("requests", {"lat": "91", "long": "30"}, 400, "lat")
        self.refused("requests", {"lat": "60", "long": "-181"}, 400, "long")
        self.refused("requests", {"lat": "x", "long": "30"}, 400, "lat")
        self.refused("requests", {"radius": "100"}, 400, "lat")
        for v in ("0", "-5", "50001", "far"):
            self.refused("requests", {"lat": "60", "long": "30",
                                      "radius": v}, 400, "radius")

    def test_bad_filters(self):
        self.refused("requests", {"status": "pending"}, 400, "status")
        self.refused("requests", {"status": "open,"}, 400, "status")
        self.refused("requests", {"service_code": "nosuch"}, 400,
                     "service_code")
        self.refused("requests", {"service_code": "pothole,nosuch"}, 400,
                     "service_code")
        self.refused("requests", {"agency_responsible": "nosuch"}, 400,
                     "agency_responsible")
        self.refused("requests", {"service_request_id": "1,abc"}, 400,
                     "service_request_id")
        self.refused("requests", {"service_request_id": "0"}, 400,
                     "service_request_id")
        self.refused("requests", {"service_request_id": ",".join(
            str(i) for i in range(1, 1002))}, 400, "service_request_id")

    def test_text_search_without_a_word(self):
        # q=%2C once answered 200 with an empty body and no Content-Type.
        for fmt in FORMATS:
            r = self.fetch("GET", "/open311/v2/requests.%s?q=%%2C" % fmt)
            self.assert_error(r, fmt, 400, "q")
        for q in (",", " ,, ,", ",\t,"):
            self.refused("requests", {"q": q}, 400, "q")
        # A blank q filters nothing, as an empty search box does.
        for q in ("", "   "):
            r = self.get("requests.json", {"q": q})
            self.assertEqual(r.status, 200, r)
            self.assertIsInstance(r.json(), list)

    def test_unknown_jurisdiction(self):
        self.create(report_fields("other"))
        for path in ("discovery", "services", "services/pothole",
                     "requests", "requests/1", "servicerequestupdates",
                     "tokens/" + "0" * 32):
            desc = self.refused(path, {"jurisdiction_id": "elsewhere"}, 404,
                                "jurisdiction_id")
            self.assertIn("elsewhere", desc)

    def test_empty_jurisdiction_is_absent(self):
        rid = self.create(report_fields("other"))
        for path in ("discovery", "services", "services/pothole",
                     "requests", "requests/%d" % rid,
                     "servicerequestupdates"):
            for fmt in FORMATS:
                a = self.get(path + "." + fmt, {"jurisdiction_id": ""})
                self.assertEqual(a.status, 200, (path, a))
        self.assertEqual(self.ids({"jurisdiction_id": ""}), self.ids(None))

    def test_unknown_things(self):
        self.refused("services/nosuch", None, 404, "service_code")
        self.refused("requests/999999", None, 404, "service_request_id")
        self.refused("requests/-1", None, 404, "service_request_id")
        self.refused("tokens/" + "f" * 32, None, 404, "token")

    def test_wrong_format(self):
        for path in ("discovery", "services", "services/pothole",
                     "requests", "requests/1", "tokens/abc",
                     "servicerequestupdates"):
            for ext in ("csv", "html", "JSON", "xml2"):
                r = self.get(path + "." + ext)
                self.assert_error(r, "json", 404, "format")

    def test_unknown_path_and_method(self):
        r = self.fetch("GET", "/open311/v2/nothing.json")
        self.assert_error(r, "json", 404, "")
        r = self.fetch("DELETE", "/open311/v2/requests.xml")
        self.assertEqual(r.status, 405, r)
        self.assertIn("GET", r.headers.get("Allow", ""))
        self.assert_error(r, "xml", 405, "")


if __name__ == "__main__":
    unittest.main()
