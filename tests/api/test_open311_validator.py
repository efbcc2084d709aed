"""
Open311 interop: every rule of SeeClickFix's open311-validator
(github.com/SeeClickFix/open311-validator: tests/discovery.rb,
tests/services.rb, tests/service_definition.rb, tests/create.rb), checked
the way the validator checks it, and the content types each format carries.

The validator is a Ruby gem that no package registry reachable here ships,
so its rules are restated below, each test naming the rule it checks.  Its
XML parser (HTTParty's MultiXml) reads one child element as an object and
repeated ones as a list; xml_list() below reads XML the same way.  Its
client builds each URL as "#{endpoint url}/services.#{format}", as
endpoint_get() does.
"""
import datetime as dt
import re
import unittest

from harness import ServerTestCase, encode_query

SPEC_V2 = re.compile(r"^.*_v2$", re.I)
# Ruby's Time.iso8601, which the validator's validate_date_time calls.
ISO8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"
                     r"(Z|[+-]\d\d:\d\d)$")
DISCOVERY = "/open311/v2/discovery"


def ruby_time(s):
    """s as Time.iso8601 reads it, or None where it raises."""
    if not isinstance(s, str) or not ISO8601.match(s):
        return None
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def xml_list(parent, tag):
    """The children named tag, and whether MultiXml would read them as an
    Array (two or more) rather than one object."""
    items = parent.findall(tag)
    return items, len(items) > 1


class TestValidatorRules(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.server.request("GET", DISCOVERY + ".xml")
        cls.xml_r = r
        cls.xml = r.xml() if r.status == 200 else None
        r = cls.server.request("GET", DISCOVERY + ".json")
        cls.json_r = r
        cls.json = r.json() if r.status == 200 else None

    def xml_endpoints(self):
        return self.xml.find("endpoints").findall("endpoint")

    def all_endpoints(self):
        """(specification, url, changeset, type, formats) of every endpoint
        in both formats, as the validator's all_endpoints."""
        out = []
        for e in self.xml_endpoints():
            out.append((e.findtext("specification"), e.findtext("url"),
                        e.findtext("changeset"), e.findtext("type"),
                        [f.text for f in e.find("formats")]))
        for e in self.json["endpoints"]:
            out.append((e.get("specification"), e.get("url"),
                        e.get("changeset"), e.get("type"),
                        e.get("formats")))
        return out

    def endpoint_formats(self, production):
        """(url, format) pairs as Session#endpoint_array builds them:
        each endpoint of both formats, production ones only when asked."""
        pairs = []
        for spec, url, _, kind, formats in self.all_endpoints():
            if kind == "production" and not production:
                continue
            for f in formats:
                ext = f.split("/")[1]
                if not re.match(r"^.*html$", ext, re.I):
                    pairs.append((url, ext))
        return pairs

    def endpoint_get(self, url, path):
        """GET "#{url}#{path}" on this server, as the validator's client."""
        self.assertTrue(url.startswith(self.server.base), url)
        return self.fetch("GET", url[len(self.server.base):] + path)

    # tests/discovery.rb, in its order

    def test_discovery_xml_mime_type_is_text_xml(self):
        # "discovery.xml should be mime type text/xml"
        self.assertEqual(self.xml_r.status, 200, self.xml_r)
        self.assertEqual(self.xml_r.headers["Content-Type"], "text/xml")

    def test_discovery_json_mime_type_is_application_json(self):
        # "discovery.json should be mime type application/json"
        self.assertEqual(self.json_r.status, 200, self.json_r)
        self.assertEqual(self.json_r.headers["Content-Type"],
                         "application/json")

    def test_url_ends_with_discovery(self):
        # 'url should end with "discovery"': the documented discovery URL,
        # to which the validator appends ".json" and ".xml".
        self.assertTrue(DISCOVERY.endswith("discovery"))
        self.assertEqual(self.xml.tag, "discovery")

    def test_both_formats_return_results(self):
        # "both formats should return results"
        self.assertTrue(self.xml_r.body.strip())
        self.assertTrue(self.json)

    def test_contacts_and_key_service(self):
        # "both formats should have contacts", "... key_service information"
        for name in ("contact", "key_service"):
            self.assertTrue((self.xml.findtext(name) or "").strip(), name)
            self.assertTrue(str(self.json.get(name) or "").strip(), name)

    def test_changeset_is_a_valid_time(self):
        # "return valid DateTime objects"
        self.assertIsNotNone(ruby_time(self.xml.findtext("changeset")))
        self.assertIsNotNone(ruby_time(self.json["changeset"]))

    def test_contacts_same_in_both_formats(self):
        # "contacts should return same for both formats"
        self.assertEqual(self.xml.findtext("contact"),
                         self.json["contact"])

    def test_xml_endpoints_are_a_list(self):
        # "xml endpoint should be an array", "there should be at least one
        # endpoint": two or more <endpoint>, which MultiXml reads as a list.
        items, is_list = xml_list(self.xml.find("endpoints"), "endpoint")
        self.assertTrue(is_list, "one <endpoint> reads as an object")
        self.assertGreater(len(items), 0)

    def test_each_endpoint_has_its_fields(self):
        # "each endpoint should have a specification", "... a url",
        # "... a changeset", "... a valid changeset", "... a changeset in
        # the past", "... a type"
        # The past of veche's clock (harness.py), not of the machine's.
        now = self.server_now()
        eps = self.all_endpoints()
        self.assertEqual(len(eps), 2 * len(self.json["endpoints"]))
        for spec, url, changeset, kind, _ in eps:
            self.assertTrue(spec)
            self.assertTrue(url)
            self.assertTrue(changeset)
            t = ruby_time(changeset)
            self.assertIsNotNone(t, changeset)
            self.assertLessEqual(t, now)
            self.assertTrue(kind)

    def test_each_endpoint_has_an_array_of_formats(self):
        # "each endpoint should have an array of formats", "... at least
        # one supported format"
        for e in self.xml_endpoints():
            items, is_list = xml_list(e.find("formats"), "format")
            self.assertTrue(is_list, "one <format> reads as an object")
        for e in self.json["endpoints"]:
            self.assertIsInstance(e["formats"], list)
            self.assertGreater(len(e["formats"]), 0)

    def test_v2_endpoints_support_xml(self):
        # "all v2 endpoints should support xml"
        v2 = [e for e in self.all_endpoints() if SPEC_V2.match(e[0] or "")]
        self.assertTrue(v2)
        for e in v2:
            self.assertIn("text/xml", e[4])

    # tests/services.rb and tests/service_definition.rb, through the
    # endpoints discovery lists, test ones by default and all with -p.

    def services(self, url, ext):
        r = self.endpoint_get(url, "/services." + ext)
        self.assertEqual(r.status, 200, (url, ext, r))
        if ext == "json":
            return [(s.get("service_code"), s.get("metadata"))
                    for s in r.json()]
        items, _ = xml_list(r.xml(), "service")
        return [(s.findtext("service_code"), s.findtext("metadata"))
                for s in items]

    def test_services_through_each_endpoint(self):
        # "there should be at least one service right?", "all services
        # should have a service code"
        for production in (False, True):
            pairs = self.endpoint_formats(production)
            self.assertTrue(pairs, "no endpoint to test (production=%s)"
                            % production)
            for url, ext in pairs:
                svcs = self.services(url, ext)
                self.assertGreater(len(svcs), 0, (url, ext))
                for code, _ in svcs:
                    self.assertIsNotNone(code)

    def test_service_definitions_through_each_endpoint(self):
        # service_definition.rb fetches services/CODE.FORMAT for each
        # service whose metadata is neither empty nor 'false'.
        fetched = 0
        for url, ext in self.endpoint_formats(True):
            for code, metadata in self.services(url, ext):
                if not metadata or metadata == "false":
                    continue
                r = self.endpoint_get(url, "/services/%s.%s" % (code, ext))
                self.assertEqual(r.status, 200, r)
                got = (r.json()["service_code"] if ext == "json" else
                       r.xml().findtext("service_code"))
                self.assertEqual(got, code)
                fetched += 1
        self.assertGreater(fetched, 0)

    # tests/create.rb (validator's --write): POST requests.xml to each
    # endpoint with the first service of services.xml and an address.

    def test_create_returns_something(self):
        # "each should return something"
        for url, ext in self.endpoint_formats(False):
            if ext != "xml":
                continue
            first = self.services(url, "xml")[0][0]
            fields = {"api_key": self.api_key, "jurisdiction_id": "",
                      "service_code": first,
                      "address_string": "ул. Ленина, 1",
                      "email": "foo@bar.com", "description": "I know"}
            path = url[len(self.server.base):] + "/requests.xml"
            r = self.fetch("POST", path,
                           encode_query(list(fields.items())).encode(),
                           {"Content-Type":
                            "application/x-www-form-urlencoded"})
            self.assertEqual(r.headers["Content-Type"], "text/xml")
            self.assertTrue(list(r.xml()), r)


class TestContentTypes(ServerTestCase):
    """One content type per format, on answers and errors alike."""

    def test_open311_formats(self):
        paths = ("discovery", "services", "services/pothole", "requests",
                 "servicerequestupdates", "services/nosuch",
                 "requests/999999")
        for path in paths:
            for ext, ctype in (("json", "application/json"),
                               ("xml", "text/xml")):
                r = self.get(path + "." + ext)
                self.assertIn(r.status, (200, 404), r)
                self.assertEqual(r.headers["Content-Type"], ctype,
                                 (path, ext))
                if ext == "xml":
                    # text/xml names no charset: the declaration does.
                    self.assertRegex(r.body, rb'^<\?xml version="1.0" '
                                     rb'encoding="(?i:utf-8)"\?>', r)

    def test_html_and_rss_say_utf8(self):
        r = self.fetch("GET", "/")
        self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
        r = self.fetch("GET", "/rss")
        self.assertEqual(r.headers["Content-Type"],
                         "application/rss+xml; charset=utf-8")


if __name__ == "__main__":
    unittest.main()
