"""
Clean edges (issue 9, section 3): bad input anywhere gets a 4xx naming the
field, and nothing is half-written.

- a NUL byte in a form or query value is refused, not cut short;
- a parameter given twice (query, body, or one in each) is refused, while
  the lists a route declares (attribute[x][], media_url, photo) still
  repeat; two different Content-Length headers are refused;
- a report refused by validation leaves no photo behind (files or rows);
- the web's report list and map refuse a bad filter with an HTML page;
- an API key scoped to one agency may submit reports for any service (they
  go to the agency responsible), but acts only on its own agency's reports
  (docs/auth.md, "Keys scoped to an agency").
"""
import os
import socket
import struct
import unittest
import zlib

from harness import (EAST_POINT, REQUEST_TIMEOUT, WEST_POINT,
                     ServerTestCase, Session, encode_query, multipart,
                     report_fields)

CSRF = "0123456789abcdef0123456789abcdef"


def png(width=16, height=12):
    """A real PNG image: a red-to-blue gradient, no library needed."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\0" + b"".join(bytes((x * 16 % 256, 40, y * 20 % 256))
                                     for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def raw_request(port, head, body=b""):
    """Send head (bytes, without the blank line) and body on one
    connection; return (status, whole answer) once the server closes."""
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=REQUEST_TIMEOUT) as s:
        s.sendall(head + b"\r\n\r\n" + body)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return int(out.split(b" ", 2)[1]), out


class TestNulBytes(ServerTestCase):

    def post_raw(self, path, body, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.fetch("POST", path, body, h)

    def test_description_with_nul_is_refused(self):
        before = self.count()
        fields = [kv for kv in report_fields("other")
                  if kv[0] != "description"]
        body = encode_query(fields + [("api_key", self.api_key)]) + \
            "&description=ab%00cd"
        for fmt in ("json", "xml"):
            r = self.post_raw("/open311/v2/requests." + fmt,
                              body.encode("ascii"))
            desc = self.assert_error(r, fmt, 400, "description")
            self.assertIn("NUL", desc)
        self.assertEqual(self.count(), before)
        # A literal NUL byte too.
        r = self.post_raw("/open311/v2/requests.json",
                          body.replace("%00", "\0").encode("latin-1"))
        self.assert_error(r, "json", 400, "description")
        self.assertEqual(self.count(), before)

    def test_nul_in_query_value(self):
        r = self.get("requests.json", [("service_code", "other\0x")])
        self.assert_error(r, "json", 400, "service_code")

    def test_nul_in_multipart_text_part(self):
        before = self.count()
        fields = [kv for kv in report_fields("other")
                  if kv[0] != "description"]
        r = self.post_multipart("requests.json", fields +
                                [("description", b"ab\0cd")])
        self.assert_error(r, "json", 400, "description")
        self.assertEqual(self.count(), before)

    def test_password_and_login_with_nul_do_not_sign_in(self):
        self.server.create_user("nuluser", "citizen",
                                password="12345678")
        for login, password, field in (
                ("nuluser", "12345678%00whatever", "password"),
                ("nuluser%00x", "12345678", "login")):
            r = self.post_raw("/api/v1/login", (
                "login=%s&password=%s" % (login, password)).encode("ascii"))
            self.assertEqual(r.status, 400, r)
            self.assertIn(field, r.json()[0]["description"])
            self.assertNotIn("veche_session",
                             r.headers.get("Set-Cookie") or "")
        # The real password still signs in.
        s = Session(self)
        self.assertEqual(s.login("nuluser", "12345678").status, 200)


class TestRepeatedParameters(ServerTestCase):

    def test_repeated_service_code_is_refused(self):
        before = self.count()
        fields = report_fields("other") + [("service_code", "nope")]
        for fmt in ("json", "xml"):
            r = self.post("requests." + fmt, fields)
            desc = self.assert_error(r, fmt, 400, "service_code")
            self.assertIn("more than once", desc)
        self.assertEqual(self.count(), before)

    def test_repeated_lat_and_api_key_are_refused(self):
        before = self.count()
        r = self.post("requests.json", report_fields("other") +
                      [("lat", "60.3")])
        self.assert_error(r, "json", 400, "lat")
        r = self.post("requests.json", report_fields("other") +
                      [("api_key", "vk_other")])
        self.assert_error(r, "json", 400, "api_key")
        # Even two copies of the same key.
        r = self.post("requests.json", report_fields("other") +
                      [("api_key", self.api_key)])
        self.assert_error(r, "json", 400, "api_key")
        self.assertEqual(self.count(), before)

    def test_query_and_body_count_together(self):
        before = self.count()
        q = encode_query([("service_code", "noise")])
        body = encode_query(report_fields("other") +
                            [("api_key", self.api_key)])
        r = self.fetch("POST", "/open311/v2/requests.json?" + q,
                       body.encode("ascii"),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_error(r, "json", 400, "service_code")
        self.assertEqual(self.count(), before)

    def test_repeated_get_filter_is_refused(self):
        r = self.get("requests.json", [("status", "open"),
                                       ("status", "closed")])
        self.assert_error(r, "json", 400, "status")

    def test_declared_lists_still_repeat(self):
        rid = self.create(report_fields("heating") + [
            ("attribute[what][]", "radiators"),
            ("attribute[what][]", "riser"),
            ("media_url", "https://img.example.org/a.jpg"),
            ("media_url", "https://img.example.org/b.jpg")])
        self.assertEqual(self.by_id(rid)["media_url"],
                         "https://img.example.org/a.jpg")
        # One value of a single-value attribute, twice: refused by name.
        r = self.post("requests.json", report_fields("pothole") +
                      [("attribute[size]", "large")])
        self.assert_error(r, "json", 400, "attribute[size]")

    def test_undeclared_repeats_are_ignored(self):
        # Fields a route does not take are dropped, repeated or not.
        self.create(report_fields("other") + [("utm", "a"), ("utm", "b")])

    def content_length_post(self, lengths):
        body = encode_query(report_fields("other") +
                            [("api_key", self.api_key)]).encode("ascii")
        head = (b"POST /open311/v2/requests.json HTTP/1.1\r\n"
                b"Host: 127.0.0.1\r\nConnection: close\r\n"
                b"Content-Type: application/x-www-form-urlencoded")
        for n in lengths:
            head += b"\r\nContent-Length: " + str(
                len(body) if n is None else n).encode("ascii")
        return raw_request(self.server.port, head, body)

    def test_two_different_content_lengths_are_refused(self):
        before = self.count()
        for lengths in ((None, 5), (5, None)):
            status, out = self.content_length_post(lengths)
            self.assertEqual(status, 400, out)
            self.assertIn(b"Content-Length", out)
        self.assertEqual(self.count(), before)
        # The same length twice is one length (RFC 9112 6.3).
        status, out = self.content_length_post((None, None))
        self.assertEqual(status, 201, out)
        self.assertEqual(self.count(), before + 1)



class TestPhotosOfRefusedReports(ServerTestCase):
    """POST /api/v1/reports with photos, as the web form sends it."""

    def media_files(self):
        d = os.path.join(self.server.dir, "media")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def photo_rows(self):
        return self.server.sql_value("SELECT count(*) FROM photos")

    def submit(self, fields, photos):
        base = [("csrf", CSRF), ("lat", "%.6f" % WEST_POINT[0]),
                ("long", "%.6f" % WEST_POINT[1])]
        ctype, body = multipart(base + fields, [
            ("photo", "p%d.png" % i, "image/png", data)
            for i, data in enumerate(photos)])
        return self.fetch("POST", "/api/v1/reports", body, {
            "Content-Type": ctype, "Accept": "application/json",
            "Cookie": "veche_csrf=" + CSRF})

    def assert_nothing_kept(self, r, field, files, rows):
        self.assertEqual(r.status, 400, r)
        self.assertIn(field, r.json()[0]["description"])
        self.assertEqual(self.media_files(), files)
        self.assertEqual(self.photo_rows(), rows)

    def test_refused_report_keeps_no_photo(self):
        files, rows, reports = self.media_files(), self.photo_rows(), \
            self.count()
        # A pothole needs its size: refused after the photos were sent.
        r = self.submit([("service_code", "pothole"),
                         ("description", "Яма")], [png(), png(20, 10)])
        self.assert_nothing_kept(r, "attribute[size]", files, rows)
        r = self.submit([("service_code", "nosuch")], [png()])
        self.assert_nothing_kept(r, "service_code", files, rows)
        r = self.submit([("service_code", "other"),
                         ("email", "not an address")], [png()])
        self.assert_nothing_kept(r, "email", files, rows)
        # The second photo is no image: the first is not kept either.
        r = self.submit([("service_code", "other")],
                        [png(), b"GIF89a not a photo"])
        self.assert_nothing_kept(r, "photo", files, rows)
        # Eleven media: refused before any is decoded.
        r = self.submit([("service_code", "other")], [png()] * 11)
        self.assert_nothing_kept(r, "photo", files, rows)
        self.assertEqual(self.count(), reports)

    def test_accepted_report_keeps_its_photos(self):
        files, rows = self.media_files(), self.photo_rows()
        r = self.submit([("service_code", "other"),
                         ("description", "Свалка")], [png(), png(8, 8)])
        self.assertEqual(r.status, 201, r)
        new = sorted(set(self.media_files()) - set(files))
        self.assertEqual(len(new), 4, new)       # two photos, two thumbs
        self.assertEqual(self.photo_rows(), rows + 2)
        o = self.by_id(r.json()["id"])
        self.assertRegex(o["media_url"], r"/media/[0-9a-f]{32}\.jpg$")
        self.assertIn(o["media_url"].rsplit("/", 1)[1], new)
        got = self.fetch("GET", "/media/" + o["media_url"].rsplit("/", 1)[1])
        self.assertEqual(got.status, 200)
        self.assertEqual(got.body[:2], b"\xff\xd8")



class TestWebFilters(ServerTestCase):

    def page(self, path, params):
        return self.fetch("GET", path + "?" + encode_query(params))

    def assert_html_error(self, r, field):
        self.assertEqual(r.status, 400, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"),
                        r.headers)
        self.assertIn('role="alert">%s:' % field, r.text())

    def test_bad_filters_are_named(self):
        for path in ("/reports", "/"):
            for name, value in (("days", "abc"), ("days", "5"),
                                ("page", "0"), ("page", "x"),
                                ("service_code", "nosuch"),
                                ("agency", "nosuch"), ("status", "bogus")):
                self.assert_html_error(self.page(path, {name: value}), name)

    def test_good_filters_still_list(self):
        for params in ({"days": "30", "status": "open"},
                       {"service_code": "pothole", "agency": "roads",
                        "page": "2", "status": "submitted"},
                       # The form's "all" options send empty values.
                       {"service_code": "", "status": "", "agency": "",
                        "days": "90"}):
            r = self.page("/reports", params)
            self.assertEqual(r.status, 200, r)

    def test_repeated_filter_is_an_html_error(self):
        r = self.page("/reports", [("days", "7"), ("days", "30")])
        self.assert_html_error(r, "days")
        # A script asking for JSON gets JSON.
        r = self.fetch("GET", "/reports?days=abc",
                       headers={"Accept": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertIn("days", r.json()[0]["description"])



class TestScopedKeySubmits(ServerTestCase):

    FORM = {"Content-Type": "application/x-www-form-urlencoded"}

    def submit(self, key, fields):
        return self.fetch("POST", "/open311/v2/requests.json", encode_query(
            fields + [("api_key", key),
                      ("email", "reporter@example.org")]).encode("ascii"),
            self.FORM)

    def register(self, key, rid):
        return self.fetch("POST", "/api/v1/reports/%d/register" % rid,
                          encode_query({"api_key": key}).encode("ascii"),
                          self.FORM)

    def test_scoped_key_submits_for_any_service(self):
        roads = self.server.create_key("roads")
        cases = (("heating", EAST_POINT, "east"), ("trees", WEST_POINT,
                 "west"), ("other", WEST_POINT, "admin"),
                 ("pothole", WEST_POINT, "roads"))
        ids = {}
        for service, point, agency in cases:
            r = self.submit(roads, report_fields(service, point))
            self.assertEqual(r.status, 201, r)
            rid = int(r.json()[0]["service_request_id"])
            self.assertEqual(self.by_id(rid)["agency_responsible"], agency)
            ids[agency] = rid
        # Submitting gives no power over the report: another agency's
        # report is neither readable with contacts nor workable by the key.
        for agency in ("east", "west", "admin"):
            self.assertEqual(self.register(roads, ids[agency]).status, 403)
            r = self.fetch("GET", "/api/v1/reports/%d?api_key=%s" % (
                ids[agency], roads))
            self.assertNotIn("reporter@example.org", r.text())
            self.assertEqual(self.by_id(ids[agency])["status"], "open")
        self.assertEqual(self.register(roads, ids["roads"]).status, 200)
        r = self.fetch("GET", "/api/v1/reports/%d?api_key=%s" % (
            ids["roads"], roads))
        self.assertIn("reporter@example.org", r.text())
        # The audit log names the key that submitted.
        row = self.server.sql(
            "SELECT actor_role, actor_name FROM audit_log WHERE "
            "action = 'report.submit' AND object = ?",
            ("report:%d" % ids["east"],))[0]
        self.assertEqual(row[0], "system")
        self.assertTrue(row[1].startswith("api-key:key-"), row)


if __name__ == "__main__":
    unittest.main()
