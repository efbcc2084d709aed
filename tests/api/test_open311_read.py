"""
Open311 GeoReport v2, the read side: discovery, services, service
definitions, requests (list and by id), tokens and FixMyStreet's
servicerequestupdates, in JSON and XML, with veche's filters.

The server holds the test city, 60 seeded reports spread over the last
120 days (some of them closed) and the reports setUpClass posts now.
"""
import datetime as dt
import json
import unittest

from harness import (CITY, EAST_POINT, FORMATS, JURISDICTION, OUTSIDE_POINT,
                     SECURITY_HEADERS, WEST_POINT, ServerTestCase,
                     report_fields)

# The elements of a request in GET requests, as the spec lists them.
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name",
    "service_code", "description", "agency_responsible", "service_notice",
    "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
DAY = dt.timedelta(days=1)
# Around OUTSIDE_POINT, where no seeded report lies.
OUTSIDE_BBOX = "28.9,58.9,29.1,59.1"


def w3c(t):
    """A datetime as a W3C date-time in UTC."""
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(s):
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise AssertionError("%r has no time zone" % s)
    return t


class TestDiscoveryAndServices(ServerTestCase):

    # The spec's discovery example: a production and a test endpoint of
    # GeoReport v2, each in both formats; veche's test endpoint is itself.
    ENDPOINTS = [("production", ["text/xml", "application/json"]),
                 ("test", ["text/xml", "application/json"])]

    def test_discovery_json(self):
        r = self.get("discovery.json")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        doc = r.json()
        parse_time(doc["changeset"])
        self.assertTrue(doc["contact"])
        self.assertTrue(doc["key_service"])
        self.assertEqual([(e["type"], e["formats"]) for e in
                          doc["endpoints"]], self.ENDPOINTS)
        for ep in doc["endpoints"]:
            self.assertEqual(ep["specification"],
                             "http://wiki.open311.org/GeoReport_v2")
            # No trailing slash: clients append "/services.json".
            self.assertEqual(ep["url"], self.server.base + "/open311/v2")
            self.assertEqual(ep["changeset"], doc["changeset"])

    def test_discovery_xml(self):
        r = self.get("discovery.xml")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/xml")
        root = r.xml()
        self.assertEqual(root.tag, "discovery")
        parse_time(root.findtext("changeset"))
        self.assertTrue(root.findtext("contact"))
        self.assertTrue(root.findtext("key_service"))
        eps = root.find("endpoints")
        self.assertEqual([e.tag for e in eps], ["endpoint", "endpoint"])
        got = []
        for ep in eps:
            self.assertEqual([c.tag for c in ep], [
                "specification", "url", "changeset", "type", "formats"])
            self.assertEqual(ep.findtext("specification"),
                             "http://wiki.open311.org/GeoReport_v2")
            self.assertEqual(ep.findtext("url"),
                             self.server.base + "/open311/v2")
            formats = ep.find("formats")
            self.assertEqual({f.tag for f in formats}, {"format"})
            got.append((ep.findtext("type"), [f.text for f in formats]))
        self.assertEqual(got, self.ENDPOINTS)

    def test_discovery_url_joins_with_a_path(self):
        # A client appends "/services.xml" to the url: no "//" and no 404.
        url = self.get("discovery.json").json()["endpoints"][0]["url"]
        path = url[len(self.server.base):]
        for ext in ("xml", "json"):
            r = self.fetch("GET", "%s/services.%s" % (path, ext))
            self.assertEqual(r.status, 200, r)
            # The same list as the service list's own path.
            self.assertEqual(r.body, self.get("services." + ext).body)

    def test_services_json(self):
        r = self.get("services.json")
        self.assertEqual(r.status, 200, r)
        svcs = {s["service_code"]: s for s in r.json()}
        self.assertEqual(set(svcs), {s["code"] for s in CITY["services"]})
        p = svcs["pothole"]
        self.assertEqual(p["service_name"], "Яма на дороге")
        self.assertEqual(p["description"], "Ямы и выбоины")
        self.assertIs(p["metadata"], True)
        self.assertEqual(p["type"], "realtime")
        self.assertEqual(p["group"], "Дороги")
        self.assertIn("яма", p["keywords"])
        self.assertIs(svcs["other"]["metadata"], False)
        self.assertEqual(svcs["other"]["type"], "batch")

    def test_services_xml(self):
        r = self.get("services.xml")
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "services")
        self.assertEqual({e.tag for e in root}, {"service"})
        svcs = {e.findtext("service_code"): e for e in root}
        self.assertEqual(set(svcs), {s["code"] for s in CITY["services"]})
        for e in root:
            self.assertTrue({"service_code", "service_name", "description",
                             "metadata", "type", "keywords", "group"} <=
                            {c.tag for c in e}, [c.tag for c in e])
        self.assertEqual(svcs["pothole"].findtext("metadata"), "true")
        self.assertEqual(svcs["noise"].findtext("metadata"), "false")
        self.assertEqual(svcs["pothole"].findtext("service_name"),
                         "Яма на дороге")

    def test_services_in_english(self):
        for params, headers in (({"locale": "en"}, None),
                                (None, {"Accept-Language": "en-GB,en"})):
            r = self.get("services.json", params, headers)
            self.assertEqual(r.status, 200, r)
            svcs = {s["service_code"]: s for s in r.json()}
            self.assertEqual(svcs["pothole"]["service_name"], "Pothole")
            self.assertEqual(svcs["pothole"]["group"], "Roads")
            # Russian stands in where the city gave no English.
            self.assertEqual(svcs["heating"]["service_name"], "No heating")

    def test_service_definition_json(self):
        r = self.get("services/heating.json")
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual(doc["service_code"], "heating")
        attrs = {a["code"]: a for a in doc["attributes"]}
        self.assertEqual(set(attrs), {"since", "flats", "what", "entrance",
                                      "details", "hint"})
        self.assertEqual(
            {c: a["datatype"] for c, a in attrs.items()},
            {"since": "datetime", "flats": "number",
             "what": "multivaluelist", "entrance": "string",
             "details": "text", "hint": "string"})
        self.assertIs(attrs["since"]["required"], True)
        self.assertIs(attrs["flats"]["required"], False)
        self.assertIs(attrs["hint"]["variable"], False)
        self.assertIs(attrs["since"]["variable"], True)
        self.assertEqual([a["order"] for a in doc["attributes"]],
                         sorted(a["order"] for a in doc["attributes"]))
        self.assertEqual(attrs["what"]["values"], [
            {"key": "radiators", "name": "Батареи"},
            {"key": "riser", "name": "Стояк"},
            {"key": "boiler", "name": "Котельная"}])
        self.assertEqual(attrs["flats"]["values"], [])
        self.assertEqual(attrs["since"]["description"], "С какого времени")

    def test_service_definition_xml(self):
        r = self.get("services/pothole.xml")
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.findtext("service_code"), "pothole")
        attrs = root.find("attributes")
        self.assertEqual([a.tag for a in attrs], ["attribute", "attribute"])
        by_code = {a.findtext("code"): a for a in attrs}
        for a in attrs:
            self.assertTrue({"variable", "code", "datatype", "required",
                             "datatype_description", "order", "description",
                             "values"} <= {c.tag for c in a})
        size = by_code["size"]
        self.assertEqual(size.findtext("datatype"), "singlevaluelist")
        self.assertEqual(size.findtext("required"), "true")
        values = size.find("values")
        self.assertEqual({v.tag for v in values}, {"value"})
        self.assertEqual([(v.findtext("key"), v.findtext("name"))
                          for v in values],
                         [("small", "Малая"), ("large", "Большая")])
        depth = by_code["depth"]
        self.assertEqual(depth.findtext("datatype"), "number")
        self.assertEqual(depth.findtext("required"), "false")
        self.assertEqual(depth.findtext("datatype_description"),
                         "Число сантиметров")
        self.assertEqual(len(depth.find("values")), 0)

    def test_service_definition_in_english(self):
        r = self.get("services/pothole.json", {"locale": "en"})
        attrs = {a["code"]: a for a in r.json()["attributes"]}
        self.assertEqual(attrs["size"]["description"], "Size")
        self.assertEqual([v["name"] for v in attrs["size"]["values"]],
                         ["Small", "Large"])

    def test_jurisdiction_id(self):
        # The right one, or an empty one, is the same as none.
        for jur in (JURISDICTION, ""):
            for path in ("discovery", "services", "services/pothole"):
                for fmt in FORMATS:
                    r = self.get(path + "." + fmt, {"jurisdiction_id": jur})
                    self.assertEqual(r.status, 200, (path, jur, r))


class TestRequests(ServerTestCase):
    seed_reports = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls._create
        cls.west = c(report_fields("heating", WEST_POINT,
                                   description="Холодно на западе",
                                   address_string="ул. Западная, 1"))
        cls.east = c(report_fields("heating", EAST_POINT,
                                   description="Холодно на востоке"))
        cls.outside = c(report_fields("heating", OUTSIDE_POINT))
        cls.pothole = c(report_fields("pothole", EAST_POINT,
                                      media_url="https://img.example.org/"
                                      "p/1.jpg"))
        # Seeded reports lie inside the districts; these lie outside.
        cls.noise = [c(report_fields("noise", OUTSIDE_POINT,
                                     description="Шум %d" % i))
                     for i in range(5)]
        cls.mine = [cls.west, cls.east, cls.outside, cls.pothole] + cls.noise

    @classmethod
    def _create(cls, fields):
        # setUpClass has no self: post through a throwaway instance.
        t = cls("run")
        return t.create(fields)

    def test_list_json_shape(self):
        r = self.get("requests.json")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), "*")
        items = r.json()
        self.assertIsInstance(items, list)
        ids = [o["service_request_id"] for o in items]
        self.assertTrue(set(self.mine) <= set(ids))
        for o in items:
            self.assertEqual(set(o), REQUEST_FIELDS)
            self.assertIn(o["status"], ("open", "closed"))
        # Newest first.
        times = [parse_time(o["requested_datetime"]) for o in items]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_list_xml_shape(self):
        r = self.get("requests.xml")
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual({e.tag for e in root}, {"request"})
        ids = [int(e.findtext("service_request_id")) for e in root]
        self.assertTrue(set(self.mine) <= set(ids))
        for e in root:
            self.assertEqual({c.tag for c in e}, REQUEST_FIELDS)
            for c in e:
                self.assertEqual(len(c), 0, "%s is not a leaf" % c.tag)
        self.assertEqual(ids, self.ids(None, "json"))

    def test_request_by_id_json_and_xml_agree(self):
        o = self.by_id(self.west)
        self.assertEqual(o["service_request_id"], self.west)
        self.assertEqual(o["service_code"], "heating")
        self.assertEqual(o["service_name"], "Нет отопления")
        self.assertEqual(o["description"], "Холодно на западе")
        self.assertEqual(o["address"], "ул. Западная, 1")
        self.assertEqual(o["status"], "open")
        self.assertAlmostEqual(o["lat"], WEST_POINT[0], places=6)
        self.assertAlmostEqual(o["long"], WEST_POINT[1], places=6)
        self.assertIsNone(o["media_url"])
        r = self.get("requests/%d.xml" % self.west)
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual([e.tag for e in root], ["request"])
        x = root[0]
        self.assertEqual({c.tag for c in x}, REQUEST_FIELDS)
        for k in ("service_request_id", "service_code", "description",
                  "address", "status", "agency_responsible",
                  "requested_datetime", "expected_datetime"):
            self.assertEqual(x.findtext(k), str(o[k]), k)
        self.assertAlmostEqual(float(x.findtext("lat")), WEST_POINT[0], 6)
        self.assertAlmostEqual(float(x.findtext("long")), WEST_POINT[1], 6)

    def test_request_in_english(self):
        o = self.by_id(self.pothole, {"locale": "en"})
        self.assertEqual(o["service_name"], "Pothole")

    def test_expected_datetime_after_requested(self):
        o = self.by_id(self.pothole)
        req = parse_time(o["requested_datetime"])
        exp = parse_time(o["expected_datetime"])
        self.assertEqual(parse_time(o["updated_datetime"]), req)
        # 59-FZ: an answer 30 days after registration, which is within 3
        # working days; the end moves back to a working day, so over the
        # New Year holidays the span is 21 to 45 days (docs/deadlines.md).
        self.assertGreaterEqual(exp - req, dt.timedelta(days=21))
        self.assertLess(exp - req, dt.timedelta(days=45))
        # Times are given in the city's zone, Moscow (UTC+3).
        self.assertEqual(req.utcoffset(), dt.timedelta(hours=3))

    def test_media_url_appears(self):
        o = self.by_id(self.pothole)
        self.assertEqual(o["media_url"], "https://img.example.org/p/1.jpg")
        x = self.get("requests/%d.xml" % self.pothole).xml()
        self.assertEqual(x.findtext("request/media_url"),
                         "https://img.example.org/p/1.jpg")

    def test_extensions(self):
        o = self.by_id(self.west)
        self.assertNotIn("extended_attributes", o)
        o = self.by_id(self.pothole, {"extensions": "true"})
        x = o["extended_attributes"]
        self.assertEqual(x["status"], "submitted")
        self.assertEqual(x["media_urls"], ["https://img.example.org/p/1.jpg"])
        self.assertLess(parse_time(o["requested_datetime"]),
                        parse_time(x["register_due"]))
        self.assertLess(parse_time(x["register_due"]),
                        parse_time(o["expected_datetime"]))
        root = self.get("requests/%d.xml" % self.pothole,
                        {"extensions": "true"}).xml()
        ext = root.find("request/extended_attributes")
        self.assertIsNotNone(ext)
        self.assertEqual(ext.findtext("status"), "submitted")
        self.assertEqual([m.tag for m in ext.find("media_urls")],
                         ["media_url"])
        # On the list too.
        items = self.get("requests.json", {
            "service_request_id": self.west, "extensions": "true"}).json()
        self.assertEqual(items[0]["extended_attributes"]["status"],
                         "submitted")

    def test_unknown_request_id(self):
        for fmt in FORMATS:
            self.assert_error(self.get("requests/999999.%s" % fmt), fmt,
                              404, "service_request_id")
            self.assert_error(self.get("requests/abc.%s" % fmt), fmt,
                              404, "service_request_id")

    # Routing to agencies, as GET shows it.

    def test_agency_routing(self):
        self.assertEqual(self.by_id(self.west)["agency_responsible"], "west")
        self.assertEqual(self.by_id(self.east)["agency_responsible"], "east")
        self.assertEqual(self.by_id(self.outside)["agency_responsible"],
                         "admin")
        self.assertEqual(self.by_id(self.pothole)["agency_responsible"],
                         "roads")
        # A service no agency takes goes to the fallback.
        self.assertEqual(self.by_id(self.noise[0])["agency_responsible"],
                         "admin")

    # Filters.

    def test_service_request_id_list(self):
        for fmt in FORMATS:
            ids = self.ids({"service_request_id": "%d,%d" % (
                self.pothole, self.west)}, fmt)
            self.assertEqual(sorted(ids), sorted([self.pothole, self.west]))

    def test_service_request_id_overrides_other_filters(self):
        # Every other filter here would exclude both reports.
        ids = self.ids({
            "service_request_id": "%d,%d" % (self.west, self.pothole),
            "service_code": "noise", "status": "closed",
            "start_date": w3c(self.server_now() + 10 * DAY),
            "agency_responsible": "east", "bbox": "0,0,1,1",
            "page_size": "1", "page": "5"})
        self.assertEqual(sorted(ids), sorted([self.west, self.pothole]))

    def test_service_request_id_unknown_id_is_skipped(self):
        self.assertEqual(self.ids({"service_request_id": "%d,999999" %
                                   self.west}), [self.west])

    def test_status_filter(self):
        open_ids = self.ids({"status": "open", "extensions": "true"})
        closed = self.get("requests.json", {"status": "closed",
                                            "extensions": "true"}).json()
        closed_ids = [o["service_request_id"] for o in closed]
        self.assertTrue(set(self.mine) <= set(open_ids))
        self.assertFalse(set(self.mine) & set(closed_ids))
        # The seeded city has closed reports, all of them closed.
        self.assertTrue(closed, "no closed reports to filter")
        for o in closed:
            self.assertEqual(o["status"], "closed")
            self.assertIn(o["extended_attributes"]["status"],
                          ("closed", "rejected"))
        both = self.ids({"status": "open,closed"})
        self.assertEqual(sorted(both), sorted(open_ids + closed_ids))
        self.assertEqual(sorted(both), sorted(self.ids(None)))
        for fmt in FORMATS:
            self.assertEqual(sorted(self.ids({"status": "closed"}, fmt)),
                             sorted(closed_ids))
        # veche's own statuses filter too.
        self.assertTrue(set(self.mine) <= set(self.ids({
            "status": "submitted"})))
        self.assertFalse(set(self.mine) & set(self.ids({
            "status": "registered,in_progress"})))

    def test_service_code_filter(self):
        ids = self.ids({"service_code": "heating"})
        self.assertTrue({self.west, self.east, self.outside} <= set(ids))
        self.assertNotIn(self.pothole, ids)
        for o in self.get("requests.json",
                          {"service_code": "heating"}).json():
            self.assertEqual(o["service_code"], "heating")
        ids = self.ids({"service_code": "heating,pothole"}, "xml")
        self.assertTrue({self.west, self.pothole} <= set(ids))
        self.assertFalse(set(self.noise) & set(ids))
        self.assertEqual(sorted(self.ids({"service_code": "noise",
                                          "bbox": OUTSIDE_BBOX})),
                         sorted(self.noise))

    def test_paging(self):
        newest_first = sorted(self.noise, reverse=True)
        q = {"service_code": "noise", "bbox": OUTSIDE_BBOX, "page_size": "2"}
        pages = [self.ids(dict(q, page=str(p))) for p in (1, 2, 3, 4)]
        self.assertEqual(pages, [newest_first[0:2], newest_first[2:4],
                                 newest_first[4:5], []])
        q = {"service_code": "noise", "bbox": OUTSIDE_BBOX}
        self.assertEqual(self.ids(dict(q, page_size="3")), newest_first[:3])
        # page alone uses pages of 50.
        self.assertEqual(self.ids(dict(q, page="1")), newest_first)
        self.assertEqual(self.ids(dict(q, page="2")), [])
        self.assertEqual(self.ids(dict(q, page="2", page_size="2"), "xml"),
                         newest_first[2:4])
        # The last page there can be is empty, not an error.
        self.assertEqual(self.ids({"page": "2147483647",
                                   "page_size": "1000"}), [])
        # Over the whole city, pages do not overlap and keep the order.
        everything = self.ids(None)
        paged = []
        for p in range(1, 100):
            page = self.ids({"page": str(p), "page_size": "7"})
            if not page:
                break
            self.assertLessEqual(len(page), 7)
            paged += page
        self.assertEqual(paged, everything)

    def test_bbox(self):
        ids = self.ids({"bbox": "30.0,60.0,30.5,60.5"})
        self.assertIn(self.west, ids)
        self.assertNotIn(self.east, ids)
        self.assertNotIn(self.outside, ids)
        ids = self.ids({"bbox": "30.5,60.0,31.0,60.5"}, "xml")
        self.assertIn(self.east, ids)
        self.assertIn(self.pothole, ids)
        self.assertNotIn(self.west, ids)
        for o in self.get("requests.json",
                          {"bbox": "30.0,60.0,30.5,60.5"}).json():
            self.assertTrue(30.0 <= o["long"] <= 30.5 and
                            60.0 <= o["lat"] <= 60.5, o)

    def test_radius(self):
        lat, lon = WEST_POINT
        ids = self.ids({"lat": lat, "long": lon, "radius": "1000"})
        self.assertIn(self.west, ids)
        self.assertNotIn(self.east, ids)        # about 28 km away
        ids = self.ids({"lat": lat, "long": lon, "radius": "40000"}, "xml")
        self.assertIn(self.east, ids)
        self.assertNotIn(self.outside, ids)     # about 150 km away
        # No radius: 1 km.
        ids = self.ids({"lat": lat, "long": lon})
        self.assertIn(self.west, ids)
        self.assertNotIn(self.east, ids)

    def test_agency_responsible(self):
        ids = self.ids({"agency_responsible": "west"})
        self.assertIn(self.west, ids)
        self.assertNotIn(self.east, ids)
        ids = self.ids({"agency_responsible": "roads"}, "xml")
        self.assertIn(self.pothole, ids)
        self.assertNotIn(self.west, ids)
        admin = self.get("requests.json",
                         {"agency_responsible": "admin"}).json()
        self.assertTrue(admin, "no report of the admin's listed")
        for o in admin:
            self.assertEqual(o["agency_responsible"], "admin")

    def test_default_window_is_90_days(self):
        now = self.server_now()
        items = self.get("requests.json").json()
        self.assertTrue(items, "the default window lists nothing")
        for o in items:
            self.assertGreaterEqual(parse_time(o["requested_datetime"]),
                                    now - 90 * DAY - dt.timedelta(minutes=5))
        # Older seeded reports exist and are left out.
        old = self.ids({"start_date": w3c(now - 121 * DAY),
                        "end_date": w3c(now - 91 * DAY)})
        self.assertTrue(old, "no seeded report older than 90 days")
        self.assertFalse(set(old) & {o["service_request_id"]
                                     for o in items})
        # Asked for by id, an old report is there: ids ignore the window.
        self.assertEqual(self.ids({"service_request_id": str(old[0])}),
                         [old[0]])
        self.assertEqual(self.by_id(old[0])["service_request_id"], old[0])

    def test_date_window(self):
        now = self.server_now()
        # Reports created now are inside a window that starts an hour ago...
        ids = self.ids({"start_date": w3c(now - dt.timedelta(hours=1))})
        self.assertTrue(set(self.mine) <= set(ids))
        ids = self.ids({"start_date": w3c(now - dt.timedelta(hours=1)),
                        "end_date": w3c(now + dt.timedelta(hours=1))}, "xml")
        self.assertTrue(set(self.mine) <= set(ids))
        # ...and outside one that ended an hour ago.
        ids = self.ids({"end_date": w3c(now - dt.timedelta(hours=1))})
        self.assertFalse(set(self.mine) & set(ids))
        # Nothing has been reported in the future.
        for fmt in FORMATS:
            self.assertEqual(self.ids({"start_date": w3c(now + DAY)}, fmt),
                             [])
        # An offset other than Z means the same instant.
        ids = self.ids({"start_date": w3c(now - dt.timedelta(hours=1))
                        .replace("Z", ".250Z")})
        self.assertTrue(set(self.mine) <= set(ids))
        msk = (now - dt.timedelta(hours=1)).astimezone(
            dt.timezone(dt.timedelta(hours=3)))
        ids = self.ids({"start_date": msk.strftime("%Y-%m-%dT%H:%M:%S+03:00")})
        self.assertTrue(set(self.mine) <= set(ids))

    def test_windows_include_both_ends(self):
        o = self.by_id(self.east)
        t = parse_time(o["requested_datetime"])
        self.assertIn(self.east, self.ids({"start_date": w3c(t)}))
        self.assertIn(self.east, self.ids({"end_date": w3c(t)}))
        second = dt.timedelta(seconds=1)
        self.assertNotIn(self.east, self.ids({"start_date": w3c(t + second)}))
        self.assertNotIn(self.east, self.ids({"end_date": w3c(t - second)}))
        for bound in ("start_date", "end_date"):
            ids = [u["service_request_id"] for u in self.get(
                "servicerequestupdates.json", {bound: w3c(t)}).json()]
            self.assertIn(self.east, ids, bound)
        ids = [u["service_request_id"] for u in self.get(
            "servicerequestupdates.json",
            {"start_date": w3c(t + second)}).json()]
        self.assertNotIn(self.east, ids)

    def test_updated_after_and_before(self):
        t = parse_time(self.by_id(self.west)["updated_datetime"])
        minute = dt.timedelta(minutes=1)
        self.assertIn(self.west, self.ids({"updated_after": w3c(t - minute)}))
        self.assertNotIn(self.west, self.ids({"updated_after":
                                              w3c(t + minute)}))
        self.assertIn(self.west, self.ids({"updated_before":
                                           w3c(t + minute)}, "xml"))
        self.assertNotIn(self.west, self.ids({"updated_before":
                                              w3c(t - minute)}))
        for o in self.get("requests.json",
                          {"updated_before": w3c(t - minute)}).json():
            self.assertLess(parse_time(o["updated_datetime"]), t - minute)

    def test_text_search(self):
        ids = self.ids({"q": "западе"})
        self.assertIn(self.west, ids)
        self.assertNotIn(self.east, ids)
        # Query syntax is taken as words, not as FTS5 operators.
        r = self.get("requests.json", {"q": 'NEAR(" OR *'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), [])

    # Tokens and updates.

    def test_token(self):
        r = self.post("requests.json", report_fields("other"))
        self.assertEqual(r.status, 201, r)
        rid = r.json()[0]["service_request_id"]
        token = r.json()[0]["token"]
        self.assertRegex(token, r"^[0-9a-f]{32}$")
        r = self.get("tokens/%s.json" % token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), [{"service_request_id": rid,
                                     "token": token}])
        root = self.get("tokens/%s.xml" % token).xml()
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual([e.tag for e in root], ["request"])
        self.assertEqual(root.findtext("request/service_request_id"),
                         str(rid))
        self.assertEqual(root.findtext("request/token"), token)

    def test_unknown_token(self):
        for fmt in FORMATS:
            self.assert_error(self.get("tokens/%s.%s" % ("0" * 32, fmt)),
                              fmt, 404, "token")

    def test_updates_list_the_creation(self):
        r = self.get("servicerequestupdates.json")
        self.assertEqual(r.status, 200, r)
        mine = [u for u in r.json() if u["service_request_id"] == self.east]
        self.assertEqual(len(mine), 1, mine)
        u = mine[0]
        self.assertEqual(set(u), {"update_id", "service_request_id",
                                  "status", "extended_status",
                                  "updated_datetime", "description",
                                  "media_url"})
        self.assertEqual(u["status"], "open")
        self.assertEqual(u["extended_status"], "submitted")
        self.assertEqual(parse_time(u["updated_datetime"]),
                         parse_time(self.by_id(self.east)
                                    ["requested_datetime"]))
        pot = [u for u in r.json() if u["service_request_id"] ==
               self.pothole]
        self.assertEqual(pot[0]["media_url"],
                         "https://img.example.org/p/1.jpg")
        # The seeded reports' later steps are there too.
        self.assertIn("closed", {u["status"] for u in r.json()})

    def test_updates_xml(self):
        r = self.get("servicerequestupdates.xml")
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "service_request_updates")
        self.assertEqual({e.tag for e in root}, {"request_update"})
        ids = [int(e.findtext("service_request_id")) for e in root]
        self.assertIn(self.west, ids)
        for e in root:
            self.assertEqual({c.tag for c in e}, {
                "update_id", "service_request_id", "status",
                "extended_status", "updated_datetime", "description",
                "media_url"})

    def test_updates_window(self):
        now = self.server_now()
        ids = [u["service_request_id"] for u in self.get(
            "servicerequestupdates.json",
            {"start_date": w3c(now - dt.timedelta(hours=1)),
             "end_date": w3c(now + dt.timedelta(hours=1))}).json()]
        self.assertTrue(set(self.mine) <= set(ids))
        ids = [u["service_request_id"] for u in self.get(
            "servicerequestupdates.json",
            {"end_date": w3c(now - dt.timedelta(hours=1))}).json()]
        self.assertFalse(set(self.mine) & set(ids))
        self.assertEqual(self.get("servicerequestupdates.json",
                                  {"start_date": w3c(now + DAY)}).json(), [])

    # Headers.

    def test_cors_and_security_headers_on_gets(self):
        paths = ["discovery", "services", "services/pothole", "requests",
                 "requests/%d" % self.west, "servicerequestupdates"]
        for p in paths:
            for fmt in FORMATS:
                r = self.get(p + "." + fmt)
                self.assertEqual(r.status, 200, (p, r))
                self.assertEqual(r.headers.get("Access-Control-Allow-Origin"),
                                 "*", p)
                self.assertEqual(r.headers.get("X-Content-Type-Options"),
                                 "nosniff")
                self.assertIn("default-src",
                              r.headers.get("Content-Security-Policy"))

    def test_security_headers_on_errors_and_posts(self):
        responses = [
            self.get("requests/999999.json"),
            self.get("requests.json", {"page": "0"}),
            self.get("requests.csv"),
            self.fetch("GET", "/open311/v2/nothing-here"),
            self.post("requests.json", report_fields("other"), key=False),
            self.post("requests.xml", report_fields("other")),
        ]
        self.assertEqual([r.status for r in responses],
                         [404, 400, 404, 404, 403, 201])
        for r in responses:
            for h in SECURITY_HEADERS:
                self.assertTrue(r.headers.get(h), (h, r))


class TestResultLimit(ServerTestCase):
    """The spec's cap: at most 1000 requests in one answer."""
    seed_reports = 1500      # about 1100 of them in the last 90 days

    def test_at_most_1000_requests(self):
        for fmt in FORMATS:
            self.assertEqual(len(self.ids(None, fmt)), 1000)
        first = self.ids({"page": "1", "page_size": "1000"})
        second = self.ids({"page": "2", "page_size": "1000"})
        self.assertEqual(first, self.ids(None))
        self.assertTrue(second, "fewer than 1001 reports in the window")
        self.assertFalse(set(first) & set(second))
        # The newest ones come first, and the 1000 are the newest.
        items = self.get("requests.json").json()
        last = parse_time(items[-1]["requested_datetime"])
        for rid in second[:5]:
            self.assertLessEqual(parse_time(self.by_id(rid)
                                            ["requested_datetime"]), last)

    def test_at_most_1000_updates_oldest_first(self):
        rid = self.create(report_fields("other"))
        r = self.get("servicerequestupdates.json")
        self.assertEqual(r.status, 200, r)
        page = r.json()
        self.assertEqual(len(page), 1000)
        times = [parse_time(u["updated_datetime"]) for u in page]
        self.assertEqual(times, sorted(times))
        # A client goes on from the last time it saw and so reaches the
        # newest update, the creation of the report just posted.
        seen = {u["update_id"] for u in page}
        for _ in range(5):
            if len(page) < 1000:
                break
            page = self.get("servicerequestupdates.json", {
                "start_date": w3c(parse_time(page[-1]["updated_datetime"]))
            }).json()
            seen |= {u["update_id"] for u in page}
        self.assertIn(rid, [u["service_request_id"] for u in page])
        self.assertGreater(len(seen), 1000)


class TestPrivacy(ServerTestCase):
    """What a reporter gives about themselves never comes back out."""

    CONTACT = {
        "first_name": "Евлампия",
        "last_name": "Скрытникова",
        "email": "evlampia.secret.7731@example.org",
        "phone": "+7 912 555-73-31",
        "device_id": "device-5f1c2e9a77",
        "account_id": "acct-93b1d0c4e2",
    }

    def test_contact_details_never_published(self):
        fields = report_fields("pothole", EAST_POINT,
                               media_url="https://img.example.org/x.jpg",
                               **self.CONTACT)
        r = self.post("requests.json", fields)
        self.assertEqual(r.status, 201, r)
        rid = r.json()[0]["service_request_id"]
        token = r.json()[0]["token"]
        r = self.post_multipart("requests.xml", fields)
        self.assertEqual(r.status, 201, r)
        rid2 = int(r.xml().findtext("request/service_request_id"))
        bodies = {}
        for fmt in FORMATS:
            for path, params in (
                    ("requests", None),
                    ("requests", {"extensions": "true"}),
                    ("requests", {"service_request_id": "%d,%d" % (rid,
                                                                   rid2),
                                  "extensions": "true"}),
                    ("requests/%d" % rid, None),
                    ("requests/%d" % rid, {"extensions": "true"}),
                    ("requests/%d" % rid2, {"extensions": "true"}),
                    ("tokens/%s" % token, None),
                    ("servicerequestupdates", None),
                    ("services", None),
                    ("services/pothole", None),
                    ("discovery", None)):
                r = self.get(path + "." + fmt, params)
                self.assertEqual(r.status, 200, (path, r))
                # The raw text and the decoded one, so that escapes
                # (\uXXXX, &#NNNN;) hide nothing.
                if fmt == "json":
                    decoded = json.dumps(r.json(), ensure_ascii=False)
                else:
                    decoded = " ".join(r.xml().itertext())
                bodies[(path, fmt, str(params))] = r.text() + "\n" + decoded
        # The reports themselves are there...
        self.assertIn('"service_request_id":%d' % rid,
                      bodies[("requests", "json", "None")])
        # ...but not who sent them, in any form.
        for key, body in bodies.items():
            for name, value in self.CONTACT.items():
                self.assertNotIn(value, body, (name, key))
            self.assertNotIn("912555", body.replace(" ", "")
                             .replace("-", ""), key)
        # Nor can a search find a report by who sent it.
        for value in ("Евлампия", "Скрытникова", "evlampia"):
            r = self.get("requests.json", {"q": value})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json(), [], value)
        self.assertEqual(len(self.get("requests.json",
                                      {"q": "Тестовое"}).json()), 2)


if __name__ == "__main__":
    unittest.main()
