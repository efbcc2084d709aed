"""
test_region.py: many cities in one process (veche serve --region FILE,
docs/city.md "The region file").

Two cities, each its own database and city file: the harness's CITY
(testgrad) and tests/api/region/vtorograd.json (another jurisdiction_id,
other agencies and services), and the region's staff store.  One server
serves them all on a loopback port; the tests choose the site with the Host
header, as a browser at that name would (no DNS needed).
"""
import copy
import json
import os
import re
import select
import subprocess
import time
import unittest

import harness
from harness import Server, Session, VECHE_BIN, encode_query

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "region", "vtorograd.json"),
          encoding="utf-8") as f:
    CITY_B = json.load(f)

REGION_HOST = "region.example"
HOST_A = "testgrad.example"
HOST_B = "vtorograd.example"
PERSONAL = "resident.private@mail.example"
FIGURES_TTL = 60    # VECHE_REGION_FIGURES_TTL: the region's figures kept, s


def city_folders(dir, i):
    """A city's photo and open data folders, which a city on PostgreSQL
    must name (there is no file to put them next to); none on SQLite."""
    if not harness.PG:
        return {}
    return {"media": os.path.join(dir, "media%d" % i),
            "data_dir": os.path.join(dir, "opendata%d" % i)}


def region_file(dir, cities, **extra):
    """Write a region file naming cities [(db, host, name)]; its path."""
    doc = {"name_ru": "Тестовая область", "name_en": "Test Oblast",
           "host": REGION_HOST, "staff_db": "staff.db",
           "cities": [dict({"db": db, "host": host, "name_ru": name},
                           **city_folders(dir, i))
                      for i, (db, host, name) in enumerate(cities)]}
    doc.update(extra)
    path = os.path.join(dir, "region.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    return path


def serve_region(env, path, timeout=harness.START_TIMEOUT):
    """Start veche serve --region path; (process, port)."""
    with open(os.path.join(os.path.dirname(path), "region.stderr"),
              "ab") as err:
        proc = subprocess.Popen(
            [VECHE_BIN, "serve", "--region", path, "--listen",
             "127.0.0.1:0", "--threads", "4"], stdout=subprocess.PIPE,
            stderr=err, env=env)
    line = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in line:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            proc.wait()
            raise RuntimeError("veche serve --region did not start: %r"
                               % line)
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 1)
            if chunk:
                line += chunk
    m = re.fullmatch(rb"veche: listening on http://region\.example:(\d+)/\n",
                     line)
    if m is None:
        proc.kill()
        proc.wait()
        raise RuntimeError("unexpected first line %r" % line)
    return proc, int(m.group(1))


class HostSession(Session):
    """A browser at one host name: every request carries its Host."""

    def __init__(self, test, host, login=None):
        self.host = host
        super().__init__(test, login)

    def _headers(self, extra=None):
        h = super()._headers(extra)
        h.setdefault("Host", self.host)
        return h


class RegionTest(unittest.TestCase):
    """Two cities and the region, one process."""

    @classmethod
    def setUpClass(cls):
        cls.a = Server(city=harness.CITY, seed_reports=30)
        cls.b = Server(city=CITY_B, seed_reports=30)
        cls.dir = cls.a.dir
        cls.staff_db = os.path.join(cls.dir, "staff.db")
        cls.a.cli("user", "create", "--db", cls.staff_db, "--login",
                  "oblast", "--role", "admin",
                  input=harness.TEST_PASSWORD + "\n")
        cls.a.create_user("op_a", "operator", ["roads"])
        cls.b.create_user("op_b", "operator", ["light"])
        path = region_file(cls.dir, [(cls.a.db, HOST_A, "Тестоград"),
                                     (cls.b.db, HOST_B, "Второград")])
        cls.proc, cls.port = serve_region(cls.a.env, path)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        rc = cls.proc.wait(timeout=30)
        cls.proc.stdout.close()
        with open(os.path.join(cls.dir, "region.stderr"), "rb") as f:
            log = f.read().decode("utf-8", "replace")
        cls.b.cleanup()
        cls.a.cleanup()
        bad = [l for l in log.splitlines()
               if "Sanitizer" in l or "runtime error" in l]
        if rc != 0 or bad:
            raise AssertionError("exit %r; stderr:\n%s" % (rc, log[-6000:]))

    # HTTP over loopback, the site chosen by Host.

    def fetch(self, method, path, body=None, headers=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=harness.REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return harness.Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    def at(self, host, path, params=None):
        q = encode_query(params)
        return self.fetch("GET", path + ("?" + q if q else ""),
                          headers={"Host": host})

    def post_at(self, host, path, fields):
        return self.fetch("POST", path, encode_query(fields).encode(),
                          {"Host": host, "Content-Type":
                           "application/x-www-form-urlencoded"})

    def services(self, host, **params):
        r = self.at(host, "/open311/v2/services.json", params)
        self.assertEqual(r.status, 200, r)
        return {s["service_code"] for s in r.json()}

    def error(self, r, status, field):
        self.assertEqual(r.status, status, r)
        desc = r.json()[0]["description"]
        self.assertTrue(desc.startswith(field + ":"), desc)
        return desc

    def file(self, host, server, description, **extra):
        fields = {"api_key": server.api_key, "description": description}
        if server is self.a:
            fields.update(service_code="noise", lat="60.25", long="30.25")
        else:
            fields.update(service_code="lighting", lat="58.25",
                          long="40.25")
        fields.update(extra)
        r = self.post_at(host, "/open311/v2/requests.json", fields)
        self.assertEqual(r.status, 201, r)
        return r.json()[0]["service_request_id"]

    def open_ids(self, host):
        """Every report of the city at host awaiting an answer (Open311
        windows are at most 90 days: three cover the seeded 120)."""
        import datetime as dt
        now = dt.datetime.fromtimestamp(self.a.now() + 60, dt.timezone.utc)
        ids = set()
        for k in range(3):
            end = now - dt.timedelta(days=89 * k)
            r = self.at(host, "/open311/v2/requests.json", {
                "status": "submitted,registered,in_progress",
                "page_size": "1000",
                "start_date": (end - dt.timedelta(days=89)).isoformat(),
                "end_date": end.isoformat()})
            self.assertEqual(r.status, 200, r)
            ids |= {x["service_request_id"] for x in r.json()}
        return ids

    def descriptions(self, host, **params):
        r = self.at(host, "/open311/v2/requests.json", params)
        self.assertEqual(r.status, 200, r)
        return {x.get("description") for x in r.json()}

    # Dispatch

    def test_host_chooses_the_city(self):
        self.assertIn("pothole", self.services(HOST_A))
        self.assertNotIn("lighting", self.services(HOST_A))
        # The port is ignored, the case too.
        self.assertIn("lighting", self.services("VtoroGrad.Example:%d"
                                                % self.port))
        self.assertNotIn("pothole", self.services(HOST_B))

    def test_unknown_host_gets_the_region(self):
        # The layout's links to a city's pages ask which city.
        for path in ("/reports", "/new", "/proposals"):
            r = self.at(REGION_HOST, path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertIn('href="http://%s:%d/"' % (HOST_A, self.port),
                          r.text())
        for host in ("elsewhere.example", REGION_HOST):
            r = self.at(host, "/")
            self.assertEqual(r.status, 200, r)
            self.assertIn("Тестоград", r.text())
            self.assertIn("Второград", r.text())
            self.assertIn('href="http://%s:%d/"' % (HOST_B, self.port),
                          r.text())

    def test_jurisdiction_id_at_the_region(self):
        self.assertIn("lighting", self.services(REGION_HOST,
                                                jurisdiction_id="vtorograd"))
        self.assertIn("pothole", self.services(REGION_HOST,
                                               jurisdiction_id="testgrad"))
        desc = self.error(self.at(REGION_HOST, "/open311/v2/services.json"),
                          400, "jurisdiction_id")
        self.assertIn("testgrad", desc)
        self.assertIn("vtorograd", desc)
        self.error(self.at(REGION_HOST, "/open311/v2/requests.json",
                           {"jurisdiction_id": "nowhere"}),
                   404, "jurisdiction_id")

    def test_city_host_refuses_another_jurisdiction(self):
        self.error(self.at(HOST_A, "/open311/v2/services.json",
                           {"jurisdiction_id": "vtorograd"}),
                   404, "jurisdiction_id")
        self.assertIn("pothole", self.services(HOST_A,
                                               jurisdiction_id="testgrad"))

    def test_discovery_lists_every_city(self):
        for path in ("/open311/discovery.json",
                     "/open311/v2/discovery.json"):
            r = self.at(REGION_HOST, path)
            self.assertEqual(r.status, 200, r)
            urls = {e["jurisdiction_id"]: e["url"]
                    for e in r.json()["endpoints"]}
            self.assertEqual(urls, {
                "testgrad": "http://%s:%d/open311/v2" % (HOST_A, self.port),
                "vtorograd": "http://%s:%d/open311/v2" % (HOST_B,
                                                          self.port)})
        # A city's own, at its host.
        r = self.at(HOST_B, "/open311/v2/discovery.json")
        self.assertEqual({e["url"] for e in r.json()["endpoints"]},
                         {"http://%s:%d/open311/v2" % (HOST_B, self.port)})

    # Each city its own data

    def test_report_stays_in_its_city(self):
        rid = self.file(HOST_A, self.a, "Только в Тестограде 4471",
                        email=PERSONAL)
        self.assertIn("Только в Тестограде 4471", self.descriptions(HOST_A))
        self.assertNotIn("Только в Тестограде 4471",
                         self.descriptions(HOST_B))
        self.assertNotIn("Только в Тестограде 4471", self.descriptions(
            REGION_HOST, jurisdiction_id="vtorograd"))
        self.assertIn("Только в Тестограде 4471", self.descriptions(
            REGION_HOST, jurisdiction_id="testgrad"))
        r = self.at(HOST_A, "/open311/v2/requests/%d.json" % rid)
        self.assertEqual(r.json()[0]["description"],
                         "Только в Тестограде 4471")
        # Its address is nobody's business on the region's pages.
        for path in ("/", "/cities.json", "/ratings", "/ratings.json",
                     "/data"):
            r = self.at(REGION_HOST, path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertNotIn(PERSONAL, r.text())

    def test_post_at_the_region_goes_to_its_city(self):
        fields = {"jurisdiction_id": "vtorograd"}
        rid = self.file(REGION_HOST, self.b, "Через регион 9012", **fields)
        self.assertIn("Через регион 9012", self.descriptions(HOST_B))
        self.assertNotIn("Через регион 9012", self.descriptions(HOST_A))
        r = self.at(HOST_B, "/open311/v2/requests/%d.json" % rid)
        self.assertEqual(r.json()[0]["service_code"], "lighting")
        # City A's key is not city B's.
        r = self.post_at(REGION_HOST, "/open311/v2/requests.json", {
            "jurisdiction_id": "vtorograd", "api_key": self.a.api_key,
            "service_code": "lighting", "lat": "58.25", "long": "40.25",
            "description": "Чужой ключ"})
        self.error(r, 403, "api_key")
        # Without a jurisdiction_id the region cannot know the city.
        r = self.post_at(REGION_HOST, "/open311/v2/requests.json", {
            "api_key": self.b.api_key, "service_code": "lighting",
            "description": "Без юрисдикции"})
        self.error(r, 400, "jurisdiction_id")

    def test_cities_figures(self):
        # Past the kept figures: read now, as the lists below are.
        self.a.advance(FIGURES_TTL)
        r = self.at(REGION_HOST, "/cities.json")
        self.assertEqual(r.status, 200, r)
        cities = {c["jurisdiction_id"]: c for c in r.json()["cities"]}
        self.assertEqual(set(cities), {"testgrad", "vtorograd"})
        for jur, server in (("testgrad", self.a), ("vtorograd", self.b)):
            c = cities[jur]
            self.assertEqual(c["open"], len(self.open_ids(
                HOST_A if server is self.a else HOST_B)), jur)
            self.assertGreater(c["reports"], 0)
            # The city's own overdue list (an unscoped key sees it all).
            r = self.at(HOST_A if server is self.a else HOST_B,
                        "/api/v1/overdue", {"api_key": server.api_key})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(c["overdue"], len(r.json()), jur)
            self.assertLessEqual(c["overdue"] + c["due_soon"], c["open"])
            self.assertIn("in_time", c["total"])

    def test_figures_kept_and_dated(self):
        """The region's figures are read once a minute of the clock at
        most and say when: a report filed meanwhile counts after it."""
        def reports(doc):
            return {c["jurisdiction_id"]: c["reports"]
                    for c in doc["cities"]}

        self.a.advance(FIGURES_TTL)
        first = self.at(REGION_HOST, "/cities.json").json()
        self.file(HOST_A, self.a, "Посчитается через минуту 5531")
        again = self.at(REGION_HOST, "/cities.json").json()
        self.assertEqual(again["as_of"], first["as_of"])
        self.assertEqual(reports(again), reports(first))
        # Every page shows the time it read them.
        for path in ("/", "/ratings", "/data"):
            r = self.at(REGION_HOST, path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertIn('<p class="as-of">Данные на <time datetime="%s">'
                          % first["as_of"], r.text(), path)
        r = self.at(REGION_HOST, "/ratings.json")
        self.assertEqual(r.json()["as_of"], first["as_of"])
        self.a.advance(FIGURES_TTL)
        later = self.at(REGION_HOST, "/cities.json").json()
        self.assertGreater(harness.epoch_of(later["as_of"]),
                           harness.epoch_of(first["as_of"]))
        self.assertEqual(reports(later)["testgrad"],
                         reports(first)["testgrad"] + 1)
        self.assertEqual(reports(later)["vtorograd"],
                         reports(first)["vtorograd"])

    # The region's ratings and data

    def test_ratings_list_both_cities_agencies(self):
        # Past the kept figures: read now, as the city's own are.
        self.a.advance(FIGURES_TTL)
        r = self.at(REGION_HOST, "/ratings.json")
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        pairs = {(a["jurisdiction_id"], a["agency"]) for a in doc["agencies"]}
        self.assertIn(("testgrad", "roads"), pairs)
        self.assertIn(("vtorograd", "light"), pairs)
        self.assertNotIn(("testgrad", "light"), pairs)
        # Each city's own ratings code: the same figures as at its host.
        own = self.at(HOST_B, "/api/v1/ratings.json").json()
        mine = {a["agency"]: a["received"] for a in doc["agencies"]
                if a["jurisdiction_id"] == "vtorograd"}
        theirs = {a["code"]: a["received"] for a in own["agencies"]}
        self.assertEqual(mine, theirs)
        totals = {c["jurisdiction_id"]: c["total"]["received"]
                  for c in doc["cities"]}
        self.assertEqual(totals["vtorograd"], sum(theirs.values()))
        page = self.at(REGION_HOST, "/ratings", {"lang": "en"}).text()
        self.assertIn("City Lights", page)
        self.assertIn("Дорожная служба", page)

    def test_data_links_each_city(self):
        r = self.at(REGION_HOST, "/data")
        self.assertEqual(r.status, 200, r)
        for host in (HOST_A, HOST_B):
            self.assertIn('href="http://%s:%d/data"' % (host, self.port),
                          r.text())

    # Staff

    def test_region_staff_see_every_queue(self):
        # Not signed in: sent to sign in.
        r = self.at(REGION_HOST, "/desk")
        self.assertIn(r.status, (303, 401), r)
        s = HostSession(self, REGION_HOST, "oblast")
        r = s.get("/desk")
        self.assertEqual(r.status, 200, r)
        page = r.text()
        for jur, host in (("testgrad", HOST_A), ("vtorograd", HOST_B)):
            self.assertIn('data-jurisdiction="%s"' % jur, page)
            self.assertRegex(page, r'href="http://%s:%d/reports/\d+"'
                             % (re.escape(host), self.port))
        self.assertNotIn(PERSONAL, page)
        # The seeded cities have overdue reports, and the desk shows
        # them under their city (the sections follow the file's order).
        cities = self.at(REGION_HOST, "/cities.json").json()["cities"]
        self.assertGreater(cities[0]["overdue"], 0, cities)
        a_part = page.split('data-jurisdiction="vtorograd"')[0]
        self.assertIn('class="overdue"><a href="http://%s:%d/reports/'
                      % (HOST_A, self.port), a_part)

    def test_accounts_are_per_city(self):
        self.assertEqual(HostSession(self, HOST_A).login("op_a").status, 200)
        for host in (HOST_B, REGION_HOST):
            r = HostSession(self, host).login("op_a")
            self.assertEqual(r.status, 401, (host, r))
        # The region's staff are not a city's.
        r = HostSession(self, HOST_A).login("oblast")
        self.assertEqual(r.status, 401, r)
        # An agency user of A sees A's desk, at A's host only.
        s = HostSession(self, HOST_A, "op_a")
        self.assertEqual(s.get("/desk").status, 200)
        r = self.fetch("GET", "/desk", headers={
            "Host": HOST_B, "Cookie": s._headers()["Cookie"]})
        self.assertNotEqual(r.status, 200, r)


class RegionFileTest(unittest.TestCase):
    """Refusals at start: each names what is wrong."""

    @classmethod
    def setUpClass(cls):
        cls.a = Server(city=harness.CITY)
        cls.b = Server(city=CITY_B)

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()

    def refused(self, path, *extra):
        p = subprocess.run([VECHE_BIN, "serve", "--region", path,
                            "--listen", "127.0.0.1:0"] + list(extra),
                           capture_output=True,
                           timeout=120, env=self.a.env)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn(b"listening on", p.stdout)
        return p.stderr.decode("utf-8")

    def write(self, doc):
        path = os.path.join(self.a.dir, "bad-region.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return path

    def good(self):
        return {"name_ru": "Область", "host": REGION_HOST,
                "staff_db": "staff.db",
                "cities": [dict({"db": self.a.db, "host": HOST_A},
                                **city_folders(self.a.dir, 0)),
                           dict({"db": self.b.db, "host": HOST_B},
                                **city_folders(self.a.dir, 1))]}

    def test_field_errors(self):
        cases = [
            (lambda d: d.pop("host"), "host: required"),
            (lambda d: d.pop("staff_db"), "staff_db: required"),
            (lambda d: d["cities"][1].pop("db"), "cities[1].db: required"),
            (lambda d: d["cities"][1].update(host=HOST_A),
             "cities[1].host: 'testgrad.example' is also cities[0]'s"),
            (lambda d: d["cities"][0].update(host="a.example:80"),
             "cities[0].host:"),
            (lambda d: d["cities"][0].update(colour="red"),
             "cities[0].colour: unknown field"),
            (lambda d: d.update(cities=[]), "cities: a list"),
            (lambda d: d["cities"][1].update(host=REGION_HOST),
             "cities[1].host: 'region.example' is the region's host"),
        ]
        for change, said in cases:
            doc = self.good()
            change(doc)
            with self.subTest(said=said):
                self.assertIn(said, self.refused(self.write(doc)))

    def test_one_jurisdiction_twice(self):
        twin = Server(city=harness.CITY)
        try:
            doc = self.good()
            doc["cities"][1]["db"] = twin.db
            err = self.refused(self.write(doc))
            self.assertIn("cities[1].db: jurisdiction_id 'testgrad' is "
                          "also cities[0]'s", err)
        finally:
            twin.cleanup()

    def test_time_zones_differ(self):
        east = copy.deepcopy(CITY_B)
        east["timezone"] = "Asia/Yekaterinburg"
        far = Server(city=east)
        try:
            doc = self.good()
            doc["cities"][1]["db"] = far.db
            err = self.refused(self.write(doc))
            self.assertIn("cities[1].db: time zone", err)
            self.assertIn("run one process per time zone", err)
        finally:
            far.cleanup()

    def test_not_with_db(self):
        err = self.refused(self.write(self.good()), "--db",
                           os.path.join(self.a.dir, "other.db"))
        self.assertIn("--region: the cities' databases, media and data "
                      "folders are named in the region file", err)
        err = self.refused(self.write(self.good()), "--data-dir",
                           os.path.join(self.a.dir, "dumps"))
        self.assertIn("--data-dir", err)


if __name__ == "__main__":
    unittest.main()
