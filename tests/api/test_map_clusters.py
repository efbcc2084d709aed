"""
GET /map/clusters.json (docs/web.md, issue 11): what the public map shows of
a view.  Every report in the box is counted: clusters of a grid per zoom
when there are more than 200, each report when fewer; the map's filters
apply; a bad box or zoom gets 400 naming the field; and nothing of the
reporter (name, e-mail, phone) is in the answer.
"""
import unittest

from harness import ServerTestCase, encode_query, report_fields

POINTS_MAX = 200          # VECHE_MAP_POINTS
LIST_MAX = 20             # VECHE_MAP_LIST

# 300 reports on a 20 x 15 grid inside the west district: every third one
# a pothole (the roads agency's), the others "other" (the admin's).
GRID = [(60.01 + 0.02 * j, 30.01 + 0.02 * i)
        for j in range(15) for i in range(20)]
WHOLE = (30.0, 60.0, 30.5, 60.5)        # min_long, min_lat, max_long, max_lat

PERSON = {"first_name": "Евлампий", "last_name": "Скрытников",
          "email": "evlampiy.hidden@example.org", "phone": "+79990001122"}


def service_of(k):
    return "pothole" if k % 3 == 0 else "other"


def inside(box, point):
    lat, lon = point
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


class ClustersCase(ServerTestCase):

    def view(self, box, zoom, **filters):
        params = {"bbox": ",".join("%g" % v for v in box),
                  "zoom": str(zoom)}
        params.update(filters)
        return self.fetch("GET", "/map/clusters.json?" +
                          encode_query(params))

    def ok(self, box, zoom, **filters):
        r = self.view(box, zoom, **filters)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Content-Type"), "application/json")
        return r.json()

    def assert_counted(self, doc, box, expected):
        """doc counts expected reports, all of them inside box."""
        self.assertEqual(doc["total"], expected)
        if doc["all"]:
            self.assertLessEqual(expected, POINTS_MAX)
            self.assertEqual(doc["clusters"], [])
            self.assertEqual(len(doc["reports"]), expected)
        else:
            self.assertGreater(expected, POINTS_MAX)
            self.assertEqual(sum(c["count"] for c in doc["clusters"]),
                             expected)
            for c in doc["clusters"]:
                self.assertEqual(sum(c["status"].values()), c["count"])
                self.assertTrue(inside(box, (c["lat"], c["long"])), c)
            self.assertEqual(len(doc["reports"]), LIST_MAX)
        for rep in doc["reports"]:
            self.assertTrue(inside(box, (rep["lat"], rep["long"])), rep)


class TestClusters(ClustersCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = []
        for k, (lat, lon) in enumerate(GRID):
            fields = report_fields(service_of(k), point=(lat, lon),
                                   **(PERSON if k % 10 == 0 else {}))
            fields.append(("api_key", cls.api_key))
            r = cls.server.request(
                "POST", "/open311/v2/requests.json",
                encode_query(fields).encode("ascii"),
                {"Content-Type": "application/x-www-form-urlencoded"})
            assert r.status == 201, r
            cls.ids.append(int(r.json()[0]["service_request_id"]))

    def test_every_report_counted_at_every_zoom(self):
        for zoom in (8, 10, 11, 12):
            with self.subTest(zoom=zoom):
                doc = self.ok(WHOLE, zoom)
                self.assertEqual(doc["zoom"], zoom)
                self.assert_counted(doc, WHOLE, len(GRID))

    def test_more_cells_as_the_map_zooms_in(self):
        n10 = len(self.ok(WHOLE, 10)["clusters"])
        n12 = len(self.ok(WHOLE, 12)["clusters"])
        self.assertGreater(n12, n10)

    def test_a_part_of_the_city(self):
        for box, zoom in (((30.0, 60.0, 30.2, 60.1), 12),
                          ((30.0, 60.0, 30.41, 60.2), 12),
                          ((30.05, 60.05, 30.1, 60.1), 15)):
            with self.subTest(box=box):
                want = [rid for rid, p in zip(self.ids, GRID)
                        if inside(box, p)]
                doc = self.ok(box, zoom)
                self.assert_counted(doc, box, len(want))
                if doc["all"]:
                    self.assertEqual(sorted(r["id"] for r in doc["reports"]),
                                     sorted(want))

    def test_few_reports_come_one_by_one(self):
        box = (30.0, 60.0, 30.1, 60.1)
        want = {rid: (k, p) for k, (rid, p) in
                enumerate(zip(self.ids, GRID)) if inside(box, p)}
        doc = self.ok(box, 14, lang="en")
        self.assertTrue(doc["all"])
        self.assertEqual(len(doc["reports"]), len(want))
        for rep in doc["reports"]:
            k, (lat, lon) = want[rep["id"]]
            self.assertAlmostEqual(rep["lat"], lat, places=6)
            self.assertAlmostEqual(rep["long"], lon, places=6)
            self.assertEqual(rep["service_code"], service_of(k))
            self.assertEqual(rep["service_name"],
                             "Pothole" if k % 3 == 0 else "Other")
            self.assertEqual(rep["status"], "submitted")

    def test_the_list_gets_the_newest(self):
        doc = self.ok(WHOLE, 10)
        self.assertEqual([r["id"] for r in doc["reports"]],
                         sorted(self.ids, reverse=True)[:LIST_MAX])

    def test_filters(self):
        potholes = sum(1 for k in range(len(GRID)) if k % 3 == 0)
        for filters, n in (({"service_code": "pothole"}, potholes),
                           ({"agency": "roads"}, potholes),
                           ({"agency": "admin"}, len(GRID) - potholes),
                           ({"status": "open"}, len(GRID)),
                           ({"status": "submitted"}, len(GRID)),
                           ({"status": "closed"}, 0),
                           ({"service_code": "trees"}, 0),
                           ({"days": "7"}, len(GRID))):
            with self.subTest(filters=filters):
                self.assert_counted(self.ok(WHOLE, 11, **filters), WHOLE, n)

    def test_no_personal_data(self):
        for zoom, box in ((10, WHOLE), (16, (30.0, 60.0, 30.02, 60.02))):
            r = self.view(box, zoom)
            self.assertEqual(r.status, 200, r)
            body = r.text()
            for value in PERSON.values():
                self.assertNotIn(value, body)
        rep = self.ok((30.0, 60.0, 30.02, 60.02), 16)["reports"][0]
        self.assertLessEqual(set(rep), {
            "address", "id", "lat", "long", "requested_datetime",
            "service_code", "service_name", "status", "fixed"})

    def test_bad_views_name_the_field(self):
        bad = (({"zoom": "12"}, "bbox"),
               ({"bbox": "30,60,30.5", "zoom": "12"}, "bbox"),
               ({"bbox": "30,60,abc,60.5", "zoom": "12"}, "bbox"),
               ({"bbox": "30.5,60,30,60.5", "zoom": "12"}, "bbox"),
               ({"bbox": "30,60,30,60", "zoom": "12"}, "bbox"),
               ({"bbox": "30,60,30.5,91", "zoom": "12"}, "bbox"),
               ({"bbox": "-180,-85,180,85", "zoom": "19"}, "bbox"),
               ({"bbox": "30,60,30.5,60.5"}, "zoom"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "20"}, "zoom"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "-1"}, "zoom"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "1x"}, "zoom"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "12",
                 "status": "lost"}, "status"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "12",
                 "service_code": "nope"}, "service_code"),
               ({"bbox": "30,60,30.5,60.5", "zoom": "12",
                 "days": "8"}, "days"))
        for params, field in bad:
            with self.subTest(params=params):
                r = self.fetch("GET", "/map/clusters.json?" +
                               encode_query(params))
                self.assert_error(r, "json", 400, field)


class TestClustersFollowTheStore(ClustersCase):
    """A report filed after the map's first view is on the next one, and
    the period filter follows the server's clock."""

    def test_new_reports_and_time(self):
        box = (30.0, 60.0, 30.5, 60.5)
        self.assertEqual(self.ok(box, 12)["total"], 0)
        first = self.create(report_fields("other", point=(60.2, 30.2)))
        doc = self.ok(box, 12)
        self.assertEqual(doc["total"], 1)
        self.assertEqual([r["id"] for r in doc["reports"]], [first])
        self.create(report_fields("pothole", point=(60.3, 30.3)))
        self.assertEqual(self.ok(box, 12)["total"], 2)
        self.assertEqual(self.ok(box, 12, service_code="pothole")["total"],
                         1)
        self.server.advance(8 * 86400)
        self.assertEqual(self.ok(box, 12, days="7")["total"], 0)
        self.assertEqual(self.ok(box, 12, days="30")["total"], 2)


if __name__ == "__main__":
    unittest.main()
