"""
Ratings of agencies and the open data dump over real HTTP: a small city
whose reports have known histories (registered late, answered after an
extension, forwarded, rejected, reopened, "is it fixed?"), made through
the real API while veche's clock moves on; the figures of
/api/v1/ratings.json against hand-computed ones, the Wilson intervals,
the page, 4xx naming the field, `veche dump` (schema, content, no
personal data) and scripts/ratings_from_dump.py finding the same figures
as the API.
"""
import copy
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from harness import (CITY, WEST_POINT, ServerTestCase, encode_query,
                     epoch_of, report_fields)

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "ratings_from_dump.py")
HOUR, DAY = 3600, 86400
# The reporters' contact data: never in a dump.
CONTACTS = [{"first_name": "Аграфена%d" % i, "last_name": "Секретова%d" % i,
             "email": "private.person%d@example.org" % i,
             "phone": "+7 900 555-%02d-%02d" % (i, i)} for i in range(11)]
JUNE = "2026-06..2026-06"

# The test city with a mayor's office above roads and parks.
BOOK_CITY = copy.deepcopy(CITY)
for _a in BOOK_CITY["agencies"]:
    if _a["code"] == "admin":
        _a["head"] = {"name": {"ru": "Анна Городова", "en": "Anna Gorodova"},
                      "title": {"ru": "мэр", "en": "mayor"}}
    elif _a["code"] in ("roads", "parks"):
        _a["parent"] = "admin"
    if _a["code"] == "roads":
        _a["head"] = {"name": "Пётр Дорогин", "title": "начальник"}


# Ten minutes, in days: how far a figure in days may drift from the hand
# count while veche's clock runs on under a slow test.
CLOCK_SLACK = 600 / 86400

class CityCase(ServerTestCase):
    """A server with the histories below, made once for the class."""
    clock = "2026-06-15T10:00:00+03:00"     # a Monday
    city = BOOK_CITY

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The histories are made once, by an instance, for every test.
        maker = cls("runTest")
        maker.build_city()
        cls.rid, cls.token = maker.rid, maker.token

    # helpers

    def act(self, rid, action, **fields):
        fields["api_key"] = self.api_key
        r = self.fetch("POST", "/api/v1/reports/%d/%s" % (rid, action),
                       encode_query(fields).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, "%s %d: %r" % (action, rid, r))

    def build_city(self):
        """Ten potholes for roads (R1..R10) and what happens to them."""
        t0 = epoch_of(self.clock)
        self.rid, self.token = {}, {}
        for i in range(1, 11):
            r = self.post("requests.json", report_fields(
                "pothole", WEST_POINT, **CONTACTS[i]))
            self.assertEqual(r.status, 201, r)
            o = r.json()[0]
            self.rid[i], self.token[i] = int(o["service_request_id"]), \
                o["token"]
        R = self.rid

        def at(seconds):
            self.server.set_clock(t0 + seconds)
        at(HOUR)
        for i in (1, 3, 4, 7, 9, 10):
            self.act(R[i], "register")
        self.act(R[5], "forward", agency="west", reason="Двор")
        self.act(R[6], "reject", reason="duplicate")
        at(2 * HOUR)
        self.act(R[5], "register")
        at(DAY)
        self.act(R[3], "extend", days="10", reason="Экспертиза")
        at(2 * DAY)
        for i in (1, 7, 9):
            self.act(R[i], "answer", text="Заделали")
        at(3 * DAY)
        self.act(R[1], "close")
        self.act(R[1], "fixed", token=self.token[1], fixed="yes")
        self.act(R[7], "reopen", token=self.token[7])
        at(4 * DAY)                     # after Thu 18 June 23:59:59
        self.act(R[2], "register")
        at(5 * DAY)
        for i in (2, 7, 10):
            self.act(R[i], "answer", text="Сделано")
        at(6 * DAY)
        self.act(R[7], "fixed", token=self.token[7], fixed="no")
        at(10 * DAY)
        self.act(R[5], "answer", text="Западная УК ответила")
        at(35 * DAY)                    # Mon 20 July: R4 is overdue
        self.act(R[3], "answer", text="После экспертизы")
        at(35 * DAY + 60)

    def ratings(self, **params):
        r = self.fetch("GET", "/api/v1/ratings.json" + (
            "?" + encode_query(params) if params else ""))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Content-Type"), "application/json")
        return r.json()

    def agency(self, doc, code):
        return next(a for a in doc["agencies"] if a["code"] == code)

    def dump(self):
        out = tempfile.mkdtemp(prefix="dump-", dir=self.server.dir)
        self.server.cli("dump", "--db", self.server.db, "--out", out)
        return out


class RatingsCase(CityCase):

    # figures

    def test_figures_by_hand(self):
        doc = self.ratings(period=JUNE)
        self.assertEqual(doc["period"], {"from": "2026-06-01",
                                         "to": "2026-06-30"})
        self.assertEqual(doc["min_reports"], 10)
        roads = self.agency(doc, "roads")
        self.assertEqual(roads["received"], 10)
        self.assertFalse(roads["too_few"])
        self.assertEqual(roads["rank"], 1)
        # Registered or overdue: 7 registered + R8; not R5 (forwarded
        # first), not R6 (rejected); R2 registered late.
        reg = roads["registered_in_time"]
        self.assertEqual((reg["count"], reg["of"]), (6, 8))
        # Answered or overdue among the registered: R1 R2 R3 R7 R9 R10
        # answered in time (R3 after its extension), R4 overdue.
        ans = roads["answered_in_time"]
        self.assertEqual((ans["count"], ans["of"], ans["extended"]),
                         (6, 7, 1))
        self.assertEqual(roads["answered"], 6)
        # 2, 2, 2, 5, 5, 35 days: the middle two's mean.
        # veche's clock runs while the test works: the instants of the
        # actions are right to within the test's own run, not to the second.
        self.assertAlmostEqual(roads["median_days_to_answer"], 3.5,
                               delta=CLOCK_SLACK)
        self.assertEqual(roads["closed"], 1)
        self.assertAlmostEqual(roads["median_days_to_close"], 3.0,
                               delta=CLOCK_SLACK)
        self.assertEqual((roads["extensions"], roads["forwarded"],
                          roads["rejected"], roads["reopened"]),
                         (1, 1, 1, 1))
        self.assertEqual((roads["fixed"]["count"], roads["fixed"]["of"]),
                         (1, 2))
        west = self.agency(doc, "west")
        self.assertEqual(west["received"], 1)
        self.assertTrue(west["too_few"])
        self.assertIsNone(west["rank"])
        self.assertEqual(west["answered_in_time"]["count"], 1)
        # Forwarded at 11:00 on the 15th, answered at 10:00 on the 25th.
        self.assertAlmostEqual(west["median_days_to_answer"],
                               (10 * DAY - HOUR) / DAY, delta=CLOCK_SLACK)
        parks = self.agency(doc, "parks")
        self.assertEqual(parks["received"], 0)
        self.assertIsNone(parks["answered_in_time"]["share"])
        self.assertIsNone(parks["median_days_to_answer"])
        # Ranked first, then the few by code.
        self.assertEqual([a["code"] for a in doc["agencies"]],
                         ["roads", "admin", "east", "parks", "west"])

    def test_wilson_intervals(self):
        roads = self.agency(self.ratings(period=JUNE), "roads")
        # Published values of the 95 % Wilson score interval.
        reg = roads["registered_in_time"]
        self.assertAlmostEqual(reg["share"], 0.75)
        self.assertAlmostEqual(reg["low"], 0.4093, places=4)
        self.assertAlmostEqual(reg["high"], 0.9285, places=4)
        fixed = roads["fixed"]
        self.assertAlmostEqual(fixed["low"], 0.0945, places=4)
        self.assertAlmostEqual(fixed["high"], 0.9055, places=4)
        ans = roads["answered_in_time"]
        self.assertAlmostEqual(ans["low"], 0.4869, places=4)
        self.assertAlmostEqual(ans["high"], 0.9743, places=4)
        self.assertEqual(roads["score"], ans["low"])

    def test_period_chooses_the_stays(self):
        doc = self.ratings(period="2026-07..2026-07")
        self.assertEqual(self.agency(doc, "roads")["received"], 0)
        doc = self.ratings(**{"from": "2026-06-15", "to": "2026-06-15"})
        self.assertEqual(self.agency(doc, "roads")["received"], 10)
        doc = self.ratings(**{"from": "2026-06-16", "to": "2026-06-30"})
        self.assertEqual(self.agency(doc, "roads")["received"], 0)
        doc = self.ratings(period=JUNE, agency="west")
        self.assertEqual([a["code"] for a in doc["agencies"]], ["west"])
        # Default: the twelve months up to this one (July 2026).
        doc = self.ratings()
        self.assertEqual(doc["period"], {"from": "2025-08-01",
                                         "to": "2026-07-31"})

    def test_bad_input_names_the_field(self):
        for params, field in (
                ({"period": "2026-13"}, "period"),
                ({"period": "June"}, "period"),
                ({"period": "2026-06..2026-01"}, "period"),
                ({"period": JUNE, "from": "2026-06-01"}, "period"),
                ({"from": "2026-02-30"}, "from"),
                ({"to": "2026-06-01T10:00"}, "to"),
                ({"from": "2026-06-10", "to": "2026-06-01"}, "to"),
                ({"agency": "nope"}, "agency")):
            r = self.fetch("GET", "/api/v1/ratings.json?" +
                           encode_query(params))
            self.assert_error(r, "json", 400, field)
        r = self.fetch("GET", "/ratings?period=nonsense")
        self.assertEqual(r.status, 400, r)
        self.assertIn("period", r.text())

    # pages

    def test_page_shows_the_figures(self):
        r = self.fetch("GET", "/ratings?period=" + JUNE)
        self.assertEqual(r.status, 200, r)
        html = r.text()
        self.assertIn("Рейтинг ведомств", html)
        row = re.search(r'<tr data-agency="roads">(.*?)</tr>', html, re.S)
        self.assertIsNotNone(row, html[:3000])
        self.assertIn("<td>1</td>", row.group(1))
        self.assertIn("75 %", row.group(1))          # registered 6 of 8
        self.assertIn("6 из 8", row.group(1))
        self.assertIn("86 %", row.group(1))          # answered 6 of 7
        self.assertRegex(html, r'<tr data-agency="west" class="few">')
        self.assertIn("меньше 10", html)
        self.assertIn('href="/ratings/methodology"', html)
        en = self.fetch("GET", "/ratings?lang=en&period=" + JUNE).text()
        self.assertIn("Ratings of agencies", en)
        self.assertIn("6 of 8", en)
        m = self.fetch("GET", "/ratings/methodology")
        self.assertEqual(m.status, 200, m)
        self.assertIn("Уилсона", m.text())
        self.assertIn("ratings_from_dump.py", m.text())
        self.assertIn("Wilson", self.fetch(
            "GET", "/ratings/methodology?lang=en").text())

    # the dump

    def read_csv(self, folder, name):
        with open(os.path.join(folder, name + ".csv"), newline="",
                  encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def test_dump_schema_and_content(self):
        out = self.dump()
        with open(os.path.join(out, "datapackage.json"),
                  encoding="utf-8") as f:
            pkg = json.load(f)
        self.assertEqual(pkg["licenses"][0]["name"], "CC-BY-4.0")
        self.assertEqual(pkg["veche"]["timezone"], "Europe/Moscow")
        for res in pkg["resources"]:
            path = os.path.join(out, res["path"])
            self.assertEqual(os.path.getsize(path), res["bytes"], path)
            if res["format"] == "csv":
                with open(path, newline="", encoding="utf-8") as f:
                    rows = list(csv.reader(f))
                self.assertEqual(rows[0], [c["name"] for c in
                                           res["schema"]["fields"]])
                self.assertEqual(len(rows) - 1, res["rows"], path)
                with open(path, "rb") as f:
                    self.assertTrue(f.read().endswith(b"\r\n"))
            elif res["format"] == "jsonl":
                with open(path, encoding="utf-8") as f:
                    lines = [json.loads(l) for l in f]
                self.assertEqual(len(lines), res["rows"])
                names = [c["name"] for c in res["schema"]["fields"]]
                for o in lines:
                    self.assertEqual(list(o), names)
        reports = self.read_csv(out, "reports")
        self.assertEqual(len(reports), 10)
        r3 = next(r for r in reports if int(r["id"]) == self.rid[3])
        self.assertEqual((r3["status"], r3["extended"], r3["agency"]),
                         ("answered", "1", "roads"))
        r5 = next(r for r in reports if int(r["id"]) == self.rid[5])
        self.assertEqual((r5["agency"], r5["forwarded_from"]),
                         ("west", "roads"))
        hist = [h for h in self.read_csv(out, "history")
                if int(h["report"]) == self.rid[5]]
        self.assertEqual([h["action"] for h in hist],
                         ["submit", "forward", "register", "answer"])
        self.assertEqual((hist[1]["from_agency"], hist[1]["to_agency"]),
                         ("roads", "west"))
        with open(os.path.join(out, "reports.geojson"),
                  encoding="utf-8") as f:
            geo = json.load(f)
        self.assertEqual(geo["type"], "FeatureCollection")
        self.assertEqual(len(geo["features"]), 10)
        lon, lat = geo["features"][0]["geometry"]["coordinates"]
        self.assertAlmostEqual(lat, WEST_POINT[0], places=5)
        self.assertAlmostEqual(lon, WEST_POINT[1], places=5)
        self.assertEqual([a["code"] for a in self.read_csv(out, "agencies")],
                         ["admin", "east", "parks", "roads", "west"])

    def test_dump_has_no_personal_data(self):
        out = self.dump()
        secrets = [v for c in CONTACTS[1:] for v in c.values()]
        secrets += [self.token[i] for i in self.token]
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                text = f.read()
            for s in secrets:
                self.assertNotIn(s, text, "%s holds %r" % (name, s))

    def script(self, out, *args):
        p = subprocess.run([sys.executable, SCRIPT, out] + list(args),
                           capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return json.loads(p.stdout.decode("utf-8"))

    def assert_same(self, api, mine):
        self.assertEqual(api["period"], mine["period"])
        self.assertEqual(len(api["agencies"]), len(mine["agencies"]))
        for a, b in zip(api["agencies"], mine["agencies"]):
            a = dict(a)
            a.pop("name")
            self.assert_close(a, b, a["code"])

    def assert_close(self, a, b, where):
        if isinstance(a, dict):
            self.assertEqual(sorted(a), sorted(b), where)
            for k in a:
                self.assert_close(a[k], b[k], "%s.%s" % (where, k))
        elif isinstance(a, float) or isinstance(b, float):
            # The API writes reals with 10 significant digits (as every
            # JSON answer of veche's does); the script keeps Python's 17.
            self.assertAlmostEqual(a, b, places=9, msg=where)
        else:
            self.assertEqual(a, b, where)

    def test_script_recomputes_the_api_figures(self):
        out = self.dump()
        self.assert_same(self.ratings(period=JUNE),
                         self.script(out, "--period", JUNE))
        self.assert_same(self.ratings(**{"from": "2026-06-15",
                                         "to": "2026-06-20"}),
                         self.script(out, "--from", "2026-06-15",
                                     "--to", "2026-06-20"))
        # The dump's own ratings are those of the default period.
        mine = self.script(out)
        self.assert_same(self.ratings(), mine)
        rows = {r["agency"]: r for r in self.read_csv(out, "ratings")}
        for a in mine["agencies"]:
            row = rows[a["code"]]
            self.assertEqual(int(row["received"]), a["received"])
            self.assertEqual(int(row["in_time_count"]),
                             a["answered_in_time"]["count"])
            self.assertEqual(row["rank"], str(a["rank"] or ""))


class BookCase(CityCase):
    """The agencies' complaint books, /agencies/{code}."""

    def page(self, path):
        r = self.fetch("GET", path)
        self.assertEqual(r.status, 200, r)
        return r.text()

    def test_agency_book(self):
        html = self.page("/agencies/roads")
        self.assertIn("<h1>Дорожная служба</h1>", html)
        self.assertIn("Руководитель: <strong>Пётр Дорогин</strong>, "
                      "начальник", html)
        self.assertIn('Входит в: <a href="/agencies/admin">Администрация'
                      '</a>', html)
        # The twelve months to July 2026: ten stays began in June.
        self.assertRegex(html, r"<dt>Получено</dt><dd>10</dd>")
        self.assertIn("<dt>Ответ в срок</dt><dd>86 % (49–97 %)</dd>", html)
        self.assertEqual(html.count('<rect class="bar"'), 12)
        self.assertRegex(html, r'<tr><th scope="row">2026-06</th>'
                               r'<td>10</td><td>86 %')
        self.assertIn('role="img" aria-labelledby="trend-title '
                      'trend-desc"', html)
        # Nine reports are with roads now; R5 went to west.
        items = re.findall(r'<li><a href="/reports/(\d+)">', html)
        self.assertEqual(sorted(map(int, items)),
                         sorted(self.rid[i] for i in self.rid if i != 5))
        self.assertIn("Заделали", html)           # an answer shown
        self.assertNotIn('rel="next"', html)
        html = self.page("/agencies/roads?page=2")
        self.assertIn('rel="prev"', html)
        self.assertIn("Обращений пока нет", html)
        en = self.page("/agencies/roads?lang=en")
        # A head given as one text shows in both languages.
        self.assertIn("Head: <strong>Пётр Дорогин</strong>", en)
        self.assertIn("Part of", en)

    def test_head_with_agencies_under_it(self):
        html = self.page("/agencies/admin?lang=en")
        self.assertIn("Head: <strong>Anna Gorodova</strong>, mayor", html)
        self.assertIn("Agencies under it", html)
        self.assertRegex(html, r'<a href="/agencies/parks">Горзеленхоз</a>')
        self.assertRegex(html, r'<a href="/agencies/roads">Дорожная служба'
                               r'</a>: Received 10')
        # The trend covers those under it: June's ten reports of roads.
        self.assertRegex(html, r'<tr><th scope="row">2026-06</th>'
                               r'<td>10</td>')
        ru = self.page("/agencies/admin")
        self.assertIn("мэр", ru)

    def test_unknown_agency_and_bad_page(self):
        self.assertEqual(self.fetch("GET", "/agencies/nope").status, 404)
        r = self.fetch("GET", "/agencies/roads?page=0")
        self.assert_names(r, 400, "page")

    def test_ratings_link_to_the_books(self):
        html = self.page("/ratings?period=" + JUNE)
        self.assertIn('<a href="/agencies/roads">Дорожная служба</a>', html)

    def test_city_file_checks_parent_and_head(self):
        for change, field in (({"parent": "nowhere"}, "agencies[0].parent"),
                              ({"parent": "roads"}, "agencies[0].parent"),
                              ({"head": "Пётр"}, "agencies[0].head"),
                              ({"head": {"title": "x"}}, "agencies[0].head")):
            city = copy.deepcopy(BOOK_CITY)
            city["agencies"][0].update(change)
            path = os.path.join(self.server.dir, "bad-city.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(city, f, ensure_ascii=False)
            with self.assertRaises(RuntimeError) as cm:
                self.server.cli("city", "import", "--db",
                                self.server.db, path)
            self.assertIn(field, str(cm.exception))
        # A cycle: roads under parks, parks under roads.
        city = copy.deepcopy(BOOK_CITY)
        city["agencies"][1]["parent"] = "roads"
        city["agencies"][0]["parent"] = "parks"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(city, f, ensure_ascii=False)
        with self.assertRaises(RuntimeError) as cm:
            self.server.cli("city", "import", "--db", self.server.db, path)
        self.assertIn("cycle", str(cm.exception))


class GeoJSONCase(CityCase):
    """GET /api/v1/reports.geojson over the same city."""

    def geo(self, path="/api/v1/reports.geojson", **params):
        r = self.fetch("GET", path + ("?" + encode_query(params)
                                      if params else ""))
        self.assertEqual(r.status, 200, r)
        return r, r.json()

    def ids(self, doc):
        return [f["properties"]["id"] for f in doc["features"]]

    def test_filters(self):
        _, doc = self.geo()
        self.assertEqual(doc["type"], "FeatureCollection")
        self.assertEqual(sorted(self.ids(doc)), sorted(self.rid.values()))
        f = doc["features"][0]
        self.assertEqual(f["geometry"]["type"], "Point")
        self.assertEqual(set(f["properties"]), {
            "id", "service_code", "status", "agency", "address",
            "description", "requested_datetime", "updated_datetime"})
        _, doc = self.geo(agency="west")
        self.assertEqual(self.ids(doc), [self.rid[5]])
        _, doc = self.geo(status="rejected")
        self.assertEqual(self.ids(doc), [self.rid[6]])
        _, doc = self.geo(service_code="heating")
        self.assertEqual(self.ids(doc), [])
        lat, lon = WEST_POINT
        _, doc = self.geo(bbox="%f,%f,%f,%f" % (lon + 0.1, lat - 1,
                                                lon + 1, lat + 1))
        self.assertEqual(self.ids(doc), [])
        _, doc = self.geo(bbox="%f,%f,%f,%f" % (lon - 0.1, lat - 0.1,
                                                lon + 0.1, lat + 0.1))
        self.assertEqual(len(self.ids(doc)), 10)
        # Made on 15 June; veche's clock is at 20 July.
        _, doc = self.geo(days="30")
        self.assertEqual(self.ids(doc), [])
        _, doc = self.geo(**{"from": "2026-06-15", "to": "2026-06-15"})
        self.assertEqual(len(self.ids(doc)), 10)

    def test_pages_link_to_the_next(self):
        seen, path, params = [], "/api/v1/reports.geojson", {
            "limit": "4", "agency": "roads"}
        for want in (4, 4, 1):
            r, doc = self.geo(path, **params)
            self.assertEqual(len(doc["features"]), want)
            seen += self.ids(doc)
            nxt = [l["href"] for l in doc["links"] if l["rel"] == "next"]
            if want < 4:
                self.assertEqual(nxt, [])
                self.assertIsNone(r.headers.get("Link"))
                break
            self.assertIn("agency=roads", nxt[0])
            self.assertEqual(r.headers.get("Link"),
                             '<%s>; rel="next"' % nxt[0])
            path, params = nxt[0], {}
        self.assertEqual(seen, sorted(self.rid[i] for i in self.rid
                                      if i != 5))

    def test_bad_input_names_the_field(self):
        for params, field in (({"limit": "0"}, "limit"),
                              ({"limit": "1001"}, "limit"),
                              ({"page": "x"}, "page"),
                              ({"bbox": "1,2"}, "bbox"),
                              ({"status": "bogus"}, "status"),
                              ({"agency": "nope"}, "agency"),
                              ({"service_code": "nope"}, "service_code"),
                              ({"days": "7", "from": "2026-06-01"}, "days"),
                              ({"from": "2026-06-31"}, "from")):
            r = self.fetch("GET", "/api/v1/reports.geojson?" +
                           encode_query(params))
            self.assert_error(r, "json", 400, field)

    def test_no_personal_data(self):
        _, doc = self.geo(limit="1000")
        text = json.dumps(doc, ensure_ascii=False)
        for c in CONTACTS[1:]:
            for v in c.values():
                self.assertNotIn(v, text)
        for t in self.token.values():
            self.assertNotIn(t, text)


class GeoJSONKeysetCase(CityCase):
    """reports.geojson pages by keyset: the next link carries the last
    report number, so a page costs what the first does and a report that
    leaves the filter between pages moves no other one off its page."""

    def build_city(self):
        """Seven open potholes, nothing else."""
        self.rid, self.token = {}, {}
        for i in range(1, 8):
            r = self.post("requests.json", report_fields("pothole",
                                                         WEST_POINT))
            self.assertEqual(r.status, 201, r)
            self.rid[i] = int(r.json()[0]["service_request_id"])

    def test_next_links_return_every_report_once(self):
        path, params, seen, pages = "/api/v1/reports.geojson", {
            "limit": "3", "status": "open"}, [], 0
        while path is not None:
            r = self.fetch("GET", path + ("?" + encode_query(params)
                                          if params else ""))
            self.assertEqual(r.status, 200, r)
            doc = r.json()
            seen += [f["properties"]["id"] for f in doc["features"]]
            pages += 1
            if pages == 1:
                # The first report leaves "open" before the next page.
                self.act(seen[0], "reject", reason="duplicate")
            nxt = [l["href"] for l in doc["links"] if l["rel"] == "next"]
            if nxt:
                self.assertIn("after=%d" % seen[-1], nxt[0])
                self.assertIn("status=open", nxt[0])
            path, params = (nxt[0], {}) if nxt else (None, None)
        self.assertEqual(seen, sorted(self.rid.values()))
        self.assertEqual(pages, 3)

    def test_page_is_capped(self):
        r = self.fetch("GET", "/api/v1/reports.geojson?page=10")
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual((doc["type"], doc["features"], doc["page"]),
                         ("FeatureCollection", [], 10))
        for params, field in (({"page": "11"}, "page"),
                              ({"after": "x"}, "after"),
                              ({"after": "3", "page": "2"}, "after")):
            r = self.fetch("GET", "/api/v1/reports.geojson?" +
                           encode_query(params))
            self.assert_error(r, "json", 400, field)
        r = self.fetch("GET", "/api/v1/reports.geojson?after=%d&limit=2" %
                       self.rid[5])
        self.assertEqual([f["id"] for f in r.json()["features"]],
                         [self.rid[6], self.rid[7]])


class DataCase(CityCase):
    """veche serve --data-dir: the dump at start, /data and its files."""

    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="veche-data-")
        cls.serve_args = ("--data-dir", cls.data_dir, "--data-licence",
                          "CC0-1.0")
        super().setUpClass()
        # Restarted with the histories made: its first dump holds them.
        # The dump of the first start (an empty city) goes first, so that
        # the catalogue lists nothing until the new one is written.
        cls.server.stop()
        for name in os.listdir(cls.data_dir):
            os.remove(os.path.join(cls.data_dir, name))
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.data_dir, ignore_errors=True)

    def catalogue(self):
        """GET /data once the dump made at start is listed."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            r = self.fetch("GET", "/data")
            self.assertEqual(r.status, 200, r)
            if "data-pending" not in r.text() and \
                    "reports.csv" in r.text():
                return r.text()
            time.sleep(0.05)
        raise AssertionError("timed out waiting for the dump at start")

    def test_catalogue_lists_files_sizes_licence(self):
        html = self.catalogue()
        self.assertIn("Открытые данные", html)
        self.assertIn('href="https://creativecommons.org/publicdomain/'
                      'zero/1.0/" rel="license"', html)
        for name in ("reports.csv", "reports.jsonl", "reports.geojson",
                     "history.csv", "agencies.csv", "services.csv",
                     "ratings.csv"):
            self.assertIn('href="/data/%s"' % name, html)
            size = os.path.getsize(os.path.join(self.data_dir, name))
            self.assertRegex(html, r'href="/data/%s".*?<td>%d ' % (
                re.escape(name), size))
        self.assertIn('href="/data/datapackage.json"', html)
        en = self.fetch("GET", "/data?lang=en").text()
        self.assertIn("Open data", en)
        self.assertIn("Licence", en)

    def test_files_are_served(self):
        self.catalogue()
        r = self.fetch("GET", "/data/reports.csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type").startswith(
            "text/csv"))
        rows = list(csv.DictReader(r.text().splitlines()))
        self.assertEqual(len(rows), 10)
        r = self.fetch("GET", "/data/datapackage.json")
        self.assertEqual(r.json()["licenses"][0]["name"], "CC0-1.0")
        r = self.fetch("GET", "/data/reports.geojson")
        self.assertEqual(r.headers.get("Content-Type"),
                         "application/geo+json")
        self.assertEqual(len(r.json()["features"]), 10)
        for bad in ("/data/nothing.csv", "/data/..%2Fveche.db",
                    "/data/reports.csv.part", "/data/veche.db"):
            self.assertEqual(self.fetch("GET", bad).status, 404, bad)

    def test_served_files_have_no_personal_data(self):
        self.catalogue()
        secrets = [v for c in CONTACTS[1:] for v in c.values()]
        secrets += list(self.token.values())
        for name in sorted(os.listdir(self.data_dir)):
            text = self.fetch("GET", "/data/" + name).text()
            for v in secrets:
                self.assertNotIn(v, text, "%s holds %r" % (name, v))


if __name__ == "__main__":
    import unittest
    unittest.main()
