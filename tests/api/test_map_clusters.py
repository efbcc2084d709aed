"""
GET /map/clusters.json (docs/web.md, issue 11): what the public map shows of
a view.  Every report in the box is counted: clusters of a grid per zoom
when there are more than 200, each report when fewer; the map's filters
apply; a bad box or zoom gets 400 naming the field; and nothing of the
reporter (name, e-mail, phone) is in the answer.
"""
import math
import unittest

from harness import ServerTestCase, WEST_POINT, encode_query, report_fields
from test_citizen import Browser, CitizenCase

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

    @classmethod
    def file(cls, fields):
        """POST a report (fields as report_fields gives); its id."""
        r = cls.server.request(
            "POST", "/open311/v2/requests.json",
            encode_query(fields + [("api_key", cls.api_key)]).encode(
                "ascii"),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 201, r
        return int(r.json()[0]["service_request_id"])

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


    @classmethod
    def move_on(cls, rid, status):
        """Move report rid on to status, as the roads agency
        (cls.key_roads)."""
        r = cls.server.request(
            "POST", "/open311/v2/servicerequestupdates.json",
            encode_query({"service_request_id": rid, "status": status,
                          "description": "Передано подрядчику",
                          "api_key": cls.key_roads}).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 200, r


class TestClusters(ClustersCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = []
        for k, point in enumerate(GRID):
            cls.ids.append(cls.file(report_fields(
                service_of(k), point=point,
                **(PERSON if k % 10 == 0 else {}))))

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
                # At most POINTS_MAX in each of these boxes: every one.
                self.assertTrue(doc["all"], len(want))
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


# The periods' test: reports filed over 73 days, most of them in a few
# cells of 0.01 x 0.005 degrees so that the index counts whole cells from
# its running sums, a few elsewhere in the city; some moved on.
DAY = 86400
SPOT = (60.2, 30.2)             # lat, long


def spot_point(k):
    """The k-th report's point: on a 0.0004-degree lattice near SPOT,
    every eleventh one in the south-east of the district."""
    if k % 11 == 10:
        return (60.05 + 0.003 * (k % 7), 30.4 + 0.002 * (k % 13))
    return (SPOT[0] + 0.0002 * (k % 25), SPOT[1] + 0.0004 * ((k // 25) % 25))


class TestClustersCountEveryPeriod(ClustersCase):
    """Every view counts exactly the reports the test filed in its box,
    period and status, whichever way the index counts them (report by
    report, or a whole cell at once from its running sums)."""

    # (reports filed, days waited after them): ages 73, 23, 3 and 0 days.
    BATCHES = ((70, 50), (70, 20), (70, 3), (50, 0))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_roads = cls.server.create_key("roads")
        cls.reports = []        # (id, (lat, long), age in days, status)
        k = 0
        for n, wait in cls.BATCHES:
            for _ in range(n):
                rid = cls.file(report_fields(service_of(k),
                                             point=spot_point(k)))
                cls.reports.append([rid, spot_point(k), 0, "submitted"])
                k += 1
            cls.server.advance(wait * DAY)
            for rep in cls.reports:
                rep[2] += wait
        # Move some potholes on (the roads agency's): in progress, closed.
        for k, rep in enumerate(cls.reports):
            if service_of(k) == "pothole" and k % 2 == 0:
                rep[3] = "in_progress" if k % 4 == 0 else "closed"
                cls.move_on(rep[0], rep[3].upper())

    def expected(self, box, days, statuses=None):
        """By status, the reports the test filed in box and period."""
        by = {}
        for rid, p, age, status in self.reports:
            if inside(box, p) and age <= days and \
                    (statuses is None or status in statuses):
                by[status] = by.get(status, 0) + 1
        return by

    def assert_status_counts(self, doc, box, by):
        self.assert_counted(doc, box, sum(by.values()))
        if not doc["all"]:
            seen = {}
            for c in doc["clusters"]:
                for st, n in c["status"].items():
                    seen[st] = seen.get(st, 0) + n
            self.assertEqual(seen, by)

    def test_every_period_zoom_and_box(self):
        boxes = ((WHOLE, (10, 11, 12)),
                 ((30.1, 60.15, 30.3, 60.25), (12, 13, 14)),
                 # Edges through the spot: cells cut by the box.
                 ((30.2019, 60.2011, 30.26, 60.23), (13, 14, 15)),
                 ((30.195, 60.195, 30.2061, 60.2033), (15, 16, 17)))
        for box, zooms in boxes:
            for zoom in zooms:
                for days in (7, 30, 90):
                    with self.subTest(box=box, zoom=zoom, days=days):
                        doc = self.ok(box, zoom, days=str(days))
                        self.assert_status_counts(
                            doc, box, self.expected(box, days))

    def test_status_filters(self):
        closed = {"closed"}
        for status, statuses in (("open", None), ("closed", closed),
                                 ("submitted", {"submitted"})):
            for zoom in (11, 14):
                box = WHOLE if zoom == 11 else (30.1, 60.15, 30.3, 60.25)
                with self.subTest(status=status, zoom=zoom):
                    want = self.expected(box, 90, statuses)
                    if statuses is None:
                        want = {st: n for st, n in want.items()
                                if st not in closed}
                    doc = self.ok(box, zoom, status=status)
                    self.assert_status_counts(doc, box, want)

    def test_the_list_gets_the_newest_of_the_period(self):
        box = (30.1, 60.15, 30.3, 60.25)
        for days, listed in ((7, "all"), (90, "newest")):
            with self.subTest(days=days):
                doc = self.ok(box, 13, days=str(days))
                want = sorted((rep[0] for rep in self.reports
                               if inside(box, rep[1]) and rep[2] <= days),
                              reverse=True)
                got = [r["id"] for r in doc["reports"]]
                if listed == "all":
                    self.assertTrue(doc["all"])
                    self.assertEqual(sorted(got, reverse=True), want)
                else:
                    self.assertFalse(doc["all"])
                    self.assertEqual(got, want[:LIST_MAX])


class TestClustersPeriodEdge(ClustersCase):
    """A period ends to the second: a report 7 days old less half a minute
    is in the last 7 days, half a minute later it is not, whichever way
    the index counts (a whole cell at zoom 11, report by report at 16)."""

    def test_the_week_slides_by_the_second(self):
        small = (30.19, 60.19, 30.21, 60.21)
        views = ((WHOLE, 11), (small, 16))
        self.create(report_fields("other", point=(60.2, 30.2)))
        self.server.advance(7 * DAY - 30)
        for box, zoom in views:
            with self.subTest(zoom=zoom):
                self.assertEqual(self.ok(box, zoom, days="7")["total"], 1)
        self.server.advance(60)
        for box, zoom in views:
            with self.subTest(zoom=zoom):
                self.assertEqual(self.ok(box, zoom, days="7")["total"], 0)
                self.assertEqual(self.ok(box, zoom, days="30")["total"], 1)


def cell_of(point, zoom):
    """The map's cell of point (lat, long) at zoom: Web Mercator in 2^-32
    of the world, 64 px cells, as the server computes it."""
    lat, lon = point
    r = lat * math.pi / 180.0
    x = math.floor(math.ldexp((lon + 180.0) / 360.0, 32))
    y = math.floor(math.ldexp(
        (1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0,
        32))
    return (x >> (30 - zoom), y >> (30 - zoom))


def lattice_point(k):
    """The k-th report of TestClustersWindowsMove: a 23-row lattice of
    0.00011 by 0.00023 degrees, some 9 by 7 cells of zoom 17."""
    return (60.3 + 0.00011 * (k % 23), 30.3 + 0.00023 * (k // 23))


class TestClustersWindowsMove(ClustersCase):
    """More than 200 reports in view, so that the index counts cells from
    the sums of its standing periods: every cluster holds exactly the
    reports the test filed in its cell, box and period, as the clock moves
    on by days and by seconds and reports leave the week."""

    HALF = 230                  # reports a batch: A, then B 4 days later
    BOXES = ((WHOLE, (10, 11, 12)),
             # All of the lattice, and boxes whose edges cut its cells.
             ((30.299, 60.2995, 30.3052, 60.303), (13, 14, 15, 16)),
             ((30.3011, 60.3007, 30.3031, 60.3019), (12, 14, 15, 16)),
             ((30.3003, 60.3002, 30.3047, 60.3021), (13, 15, 16, 17)))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_roads = cls.server.create_key("roads")
        cls.reports = []        # [id, point, batch, status]
        for batch in "AB":
            if batch == "B":
                cls.server.advance(4 * DAY)
            for k in range(len(cls.reports),
                           len(cls.reports) + cls.HALF):
                rid = cls.file(report_fields(service_of(k),
                                             point=lattice_point(k)))
                cls.reports.append([rid, lattice_point(k), batch,
                                    "submitted"])
        for k, rep in enumerate(cls.reports):
            if service_of(k) == "pothole" and k % 2 == 0:
                rep[3] = "in_progress" if k % 4 == 0 else "closed"
                cls.move_on(rep[0], rep[3].upper())

    def check_views(self, in_week):
        """Every view's counts, for the batches in_week in the last 7
        days (both are in the last 30)."""
        for box, zooms in self.BOXES:
            for zoom in zooms:
                for days, batches in ((7, in_week), (30, "AB")):
                    for status in (None, "open"):
                        with self.subTest(box=box, zoom=zoom, days=days,
                                          status=status):
                            self.check_view(box, zoom, days, batches,
                                            status)

    def check_view(self, box, zoom, days, batches, status):
        want = [rep for rep in self.reports
                if inside(box, rep[1]) and rep[2] in batches and
                (status is None or rep[3] != "closed")]
        params = {"days": str(days)}
        if status:
            params["status"] = status
        doc = self.ok(box, zoom, **params)
        self.assert_counted(doc, box, len(want))
        if doc["all"]:
            self.assertEqual(sorted(r["id"] for r in doc["reports"]),
                             sorted(rep[0] for rep in want))
            return
        cells = {}
        for rep in want:
            by = cells.setdefault(cell_of(rep[1], zoom), {})
            by[rep[3]] = by.get(rep[3], 0) + 1
        self.assertEqual(
            sorted((c["count"], sorted(c["status"].items()))
                   for c in doc["clusters"]),
            sorted((sum(by.values()), sorted(by.items()))
                   for by in cells.values()))
        self.assertEqual([r["id"] for r in doc["reports"]],
                         sorted((rep[0] for rep in want),
                                reverse=True)[:LIST_MAX])

    def test_the_week_moves_on(self):
        # A is 7 days old less a minute, B 3 days less a minute.
        self.server.advance(3 * DAY - 60)
        self.check_views("AB")
        # Two minutes on, A has left the week.
        self.server.advance(120)
        self.check_views("B")
        # The clock set two days back: A is in the week again.
        self.server.set_clock(self.server.now() - 2 * DAY)
        self.check_views("AB")


class TestClustersListFollowsTheReport(CitizenCase):
    """The map's list comes from the index, not the store: it says what
    the report's own page says, and follows it as it moves on and as its
    reporter answers "not fixed"."""

    def listed(self, rid):
        lat, lon = WEST_POINT
        r = self.fetch("GET", "/map/clusters.json?" + encode_query({
            "bbox": "%f,%f,%f,%f" % (lon - 0.01, lat - 0.01, lon + 0.01,
                                     lat + 0.01), "zoom": "15"}))
        self.assertEqual(r.status, 200, r)
        got = [rep for rep in r.json()["reports"] if rep["id"] == rid]
        self.assertEqual(len(got), 1)
        r = self.fetch("GET", "/open311/v2/requests/%d.json?"
                       "extensions=true" % rid)
        self.assertEqual(r.status, 200, r)
        own = r.json()[0]
        for key in ("address", "requested_datetime", "service_code"):
            self.assertEqual(got[0][key], own[key], key)
        for key in ("status", "fixed"):
            self.assertEqual(got[0][key], own["extended_attributes"][key],
                             key)
        return got[0]

    def test_the_list_says_what_the_report_says(self):
        b = Browser(self)
        rid = b.report(address="пр. Мира, 5")
        rep = self.listed(rid)
        self.assertEqual((rep["address"], rep["status"], rep["fixed"]),
                         ("пр. Мира, 5", "submitted", None))
        self.bring(rid, "answered")
        self.assertEqual(self.listed(rid)["status"], "answered")
        self.assertEqual(self.not_fixed(b, rid).status, 303)
        rep = self.listed(rid)
        self.assertEqual((rep["status"], rep["fixed"]),
                         ("in_progress", False))


# ---- Boxes snapped to the grid (issue 11) ---------------------------------
# The map page asks for its view snapped outward to the zoom's 64 px cells,
# each edge half a unit (2^-32 of the world) inside its grid line
# (web/js/veche.js, snappedBox); the server then counts whole cells from
# their sums.  A report on the unit of a box's edge is decided by its
# degrees, as any other box's.

UNITS = 2 ** 32             # fixed Web Mercator: units a world side


def units_of(point):
    """Point (lat, long) in units, as the server computes them."""
    return cell_of(point, 30)


def unit_lon(x):
    return x / UNITS * 360.0 - 180.0


def unit_lat(y):
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / UNITS))))


def snapped_box(x0, y0, x1, y1, zoom):
    """The box of units x0..x1, y0..y1 snapped outward to the cells of zoom
    as the page snaps it: (min_long, min_lat, max_long, max_lat), and its
    edges' grid lines (west, north, east, south) in units."""
    c = 2 ** (30 - zoom)
    w, n = math.floor(x0 / c) * c, math.floor(y0 / c) * c
    e, s = math.ceil(x1 / c) * c, math.ceil(y1 / c) * c
    return ((unit_lon(w + 0.5), unit_lat(s - 0.5), unit_lon(e - 0.5),
             unit_lat(n + 0.5)), (w, n, e, s))


def snap_lattice(k):
    """The k-th report of TestClustersSnapped: 23 rows of 0.00011 by
    0.00013 degrees, cut by the boxes at every zoom from 13 to 17."""
    return (60.31 + 0.00011 * (k % 23), 30.31 + 0.00013 * (k // 23))


class TestClustersSnapped(ClustersCase):
    """Boxes snapped to the zoom's grid as the map page asks for them: each
    cluster holds exactly the reports filed in its cell and box, the same
    as the report-by-report count of the same box (by a service: the index
    keeps no sums by service), with reports on the unit of each edge of the
    zoom-15 box, one in and one out, decided by their degrees; and a report
    filed is counted at once."""

    LATTICE = 460
    RIM_ZOOM = 15

    @classmethod
    def box(cls, zoom):
        """The snapped box at zoom of a view that cuts the lattice."""
        x0, y0 = units_of((60.3122, 30.3103))
        x1, y1 = units_of((60.3103, 30.3123))
        return snapped_box(x0, y0, x1, y1, zoom)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reports = []        # [id, (lat, long)]
        for k in range(cls.LATTICE):
            cls.add(snap_lattice(k))
        # On the units of the zoom-15 box's edges: a point a quarter unit
        # off its edge's line is on the same unit as the edge, in or out.
        _, (w, n, e, s) = cls.box(cls.RIM_ZOOM)
        mx, my = (w + e) // 2 + 0.5, (n + s) // 2 + 0.5
        cls.rim = {}
        for name, x, y, into in (("west out", w + 0.25, my, False),
                                 ("west in", w + 0.75, my, True),
                                 ("east in", e - 0.75, my, True),
                                 ("east out", e - 0.25, my, False),
                                 ("north out", mx, n + 0.25, False),
                                 ("north in", mx, n + 0.75, True),
                                 ("south in", mx, s - 0.75, True),
                                 ("south out", mx, s - 0.25, False)):
            point = (unit_lat(y), unit_lon(x))
            cls.rim[name] = (point, (math.floor(x), math.floor(y)), into)
            cls.add(point)

    @classmethod
    def add(cls, point):
        # One service: a filter by it holds every report, and the index
        # counts such a view report by report (it keeps sums for no
        # service).
        fields = report_fields("other", point=None)
        fields += [("lat", repr(point[0])), ("long", repr(point[1]))]
        cls.reports.append([cls.file(fields), point])

    def snapped(self, box, zoom, **filters):
        params = {"bbox": ",".join(repr(v) for v in box),
                  "zoom": str(zoom)}
        params.update(filters)
        r = self.fetch("GET", "/map/clusters.json?" + encode_query(params))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def assert_cells(self, doc, box, zoom):
        """doc's clusters are the reports filed in box, cell by cell, and
        its list their newest."""
        want = [rep for rep in self.reports if inside(box, rep[1])]
        # Not assert_counted: the list's positions, to a millionth of a
        # degree, may round across the edge of the rim reports' unit.
        self.assertEqual(doc["total"], len(want))
        self.assertGreater(len(want), POINTS_MAX)
        self.assertFalse(doc["all"])
        cells = {}
        for rep in want:
            key = cell_of(rep[1], zoom)
            cells[key] = cells.get(key, 0) + 1
        self.assertEqual(sorted(c["count"] for c in doc["clusters"]),
                         sorted(cells.values()))
        self.assertEqual([r["id"] for r in doc["reports"]],
                         sorted((rep[0] for rep in want),
                                reverse=True)[:LIST_MAX])

    def test_rim_reports_are_on_the_edges_units(self):
        # The test's own premise: each rim report is on its edge's unit
        # (where the edge's degrees decide), and in the box or out of it.
        box, _ = self.box(self.RIM_ZOOM)
        for name, (point, unit, into) in self.rim.items():
            with self.subTest(name=name):
                self.assertEqual(units_of(point), unit)
                self.assertEqual(inside(box, point), into)

    def test_snapped_equals_report_by_report(self):
        for zoom in (13, 14, 15, 16, 17):
            box, _ = self.box(zoom)
            with self.subTest(zoom=zoom):
                doc = self.snapped(box, zoom, days="7")
                self.assert_cells(doc, box, zoom)
                # By the service all of them have: counted report by
                # report; the same clusters, positions but for the order
                # of additions.
                one = self.snapped(box, zoom, days="7",
                                   service_code="other")
                self.assertEqual(
                    [(c["count"], c["status"]) for c in doc["clusters"]],
                    [(c["count"], c["status"]) for c in one["clusters"]])
                for c, d in zip(doc["clusters"], one["clusters"]):
                    self.assertAlmostEqual(c["lat"], d["lat"], delta=2e-6)
                    self.assertAlmostEqual(c["long"], d["long"],
                                           delta=2e-6)
                self.assertEqual(doc["reports"], one["reports"])

    def test_a_report_filed_is_counted_at_once(self):
        box, _ = self.box(self.RIM_ZOOM)
        before = self.snapped(box, self.RIM_ZOOM, days="7")
        self.add((60.3112, 30.3113))
        doc = self.snapped(box, self.RIM_ZOOM, days="7")
        self.assertEqual(doc["total"], before["total"] + 1)
        self.assertEqual(doc["reports"][0]["id"], self.reports[-1][0])
        self.assert_cells(doc, box, self.RIM_ZOOM)


if __name__ == "__main__":
    unittest.main()
