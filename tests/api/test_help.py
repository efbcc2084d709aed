"""
test_help.py: the help map (docs/participation.md) over real HTTP: an
administrator opens a situation, posts come by the web form and by an API
key (JSON), bad input is refused naming the field with nothing written,
matching orders offers by distance, a volunteer takes and finishes a need,
posts expire with veche's clock, and no private contact reaches a public
page, export or feed.
"""
import json
import re
import unittest

from harness import DEFAULT_CLOCK, ServerTestCase, Session

CENTRE = (60.25, 30.5)              # (lat, long), in the test city


def until(hours):
    """A W3C time hours after the instant the servers start at
    (DEFAULT_CLOCK: 2026-06-15T10:00+03:00 unless VECHE_TEST_CLOCK)."""
    import datetime as dt
    t = dt.datetime.fromisoformat(DEFAULT_CLOCK.replace("Z", "+00:00")) + \
        dt.timedelta(hours=hours)
    return t.isoformat()


class HelpMapTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("coord", "admin")
        cls.server.create_user("moder", "moderator")
        cls.server.create_user("vol", "citizen")
        cls.server.create_user("other", "citizen")
        cls.seq = 0
        cls.opened = False

    def setUp(self):
        self.admin = Session(self, "coord")
        if not self.opened:
            r = self.admin.post("/help", [
                ("slug", "flood"), ("title", "Паводок 2026"),
                ("kind", "water"), ("kind", "evacuation"),
                ("kind", "housing"), ("lat", str(CENTRE[0])),
                ("long", str(CENTRE[1])), ("radius", "30000")])
            self.assertEqual(r.status, 303, r)
            type(self).opened = True

    # helpers

    def api(self, body, slug="flood"):
        return self.fetch("POST", "/api/v1/help/%s/posts" % slug,
                          json.dumps(body).encode("utf-8"),
                          {"Content-Type": "application/json",
                           "X-Api-Key": self.api_key})

    def post_ok(self, **over):
        type(self).seq += 1
        body = {"type": "need", "kind": "water", "count": 3,
                "until": until(24), "description": "Нужна вода",
                "lat": CENTRE[0], "long": CENTRE[1],
                "name": "Мария Тестова", "phone": "+7 900 555-%04d" %
                self.seq}
        body.update(over)
        r = self.api(body)
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def all_ids(self):
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson?state=all")
        self.assertEqual(r.status, 200, r)
        return sorted(f["properties"]["id"] for f in r.json()["features"])

    def refused(self, body, field, status=400):
        before = self.all_ids()
        r = self.api(body)
        self.assertEqual(r.status, status, r)
        self.assertIn(field, r.json()[0]["description"], r)
        self.assertEqual(self.all_ids(), before, "nothing half-written")

    # tests

    def test_situation_listed_and_shown(self):
        r = self.fetch("GET", "/help")
        self.assertEqual(r.status, 200, r)
        self.assertIn('href="/help/flood"', r.text())
        r = self.fetch("GET", "/help/flood?lang=en")
        self.assertIn("Need help, or can help?", r.text())
        self.assertIn('data-situation="flood"', r.text())

    def test_only_admin_opens(self):
        s = Session(self, "vol")
        r = s.post("/help", [("slug", "fire"), ("title", "Пожар"),
                             ("kind", "water"), ("lat", "60.25"),
                             ("long", "30.5"), ("radius", "1000")])
        self.assertEqual(r.status, 403, r)
        r = self.admin.post("/help", [("slug", "Bad Slug"), ("title", "x"),
                                      ("kind", "water")])
        self.assert_names(r, 400, "slug")
        r = self.admin.post("/help", [("slug", "nokind"), ("title", "x"),
                                      ("lat", "60"), ("long", "30"),
                                      ("radius", "100")])
        self.assert_names(r, 400, "kind")

    def test_bad_input_names_the_field(self):
        good = {"type": "need", "kind": "water", "count": 2,
                "until": until(5), "lat": CENTRE[0], "long": CENTRE[1],
                "name": "Иван", "phone": "+79005550000"}
        self.refused(dict(good, kind="food"), "kind")       # not this one
        self.refused(dict(good, kind="rockets"), "kind")
        self.refused(dict(good, type="maybe"), "type")
        self.refused(dict(good, lat=59.0, long=29.0), "lat")  # outside
        for bad in (0, -3, "many", 1.5, ""):
            self.refused(dict(good, count=bad), "count")
        self.refused(dict(good, until=until(-1)), "until")  # the past
        self.refused(dict(good, until="tomorrow"), "until")
        self.refused(dict(good, phone=None, email=None), "phone")
        self.refused(dict(good, email="not-an-address", phone=None),
                     "email")
        self.refused(dict(good, name=""), "name")
        r = self.fetch("POST", "/api/v1/help/flood/posts", b"{not json",
                       {"Content-Type": "application/json",
                        "X-Api-Key": self.api_key})
        self.assertEqual(r.status, 400, r)
        r = self.fetch("POST", "/api/v1/help/flood/posts",
                       json.dumps(good).encode(),
                       {"Content-Type": "application/json"})
        self.assertEqual(r.status, 403, r)   # intake needs an API key
        r = self.api(good, slug="nowhere")
        self.assertEqual(r.status, 404, r)

    def test_matching_orders_by_distance(self):
        need = self.post_ok(kind="evacuation", lat=60.30, long=30.40)
        near = self.post_ok(type="offer", kind="evacuation", count=2,
                            lat=60.301, long=30.40)
        far = self.post_ok(type="offer", kind="evacuation", count=50,
                           lat=60.33, long=30.40)
        other_kind = self.post_ok(type="offer", kind="water", lat=60.30,
                                  long=30.40)
        short = self.post_ok(type="offer", kind="evacuation",
                             until=until(2), lat=60.3005, long=30.40)
        r = self.fetch("GET", "/api/v1/help/flood/posts/%d/matches" % need)
        self.assertEqual(r.status, 200, r)
        ids = [o["id"] for o in r.json()["offers"]]
        self.assertEqual(ids, [short, near, far])
        self.assertNotIn(other_kind, ids)
        d = [o["distance_m"] for o in r.json()["offers"]]
        self.assertEqual(d, sorted(d))
        self.assertNotIn("phone", r.text())
        # Three hours later the short offer has expired.
        self.server.advance(3 * 3600)
        try:
            r = self.fetch("GET", "/api/v1/help/flood/posts/%d/matches" %
                           need)
            self.assertEqual([o["id"] for o in r.json()["offers"]],
                             [near, far])
            r = self.fetch("GET", "/api/v1/help/flood/posts.geojson"
                           "?state=expired")
            self.assertIn(short, [f["properties"]["id"]
                                  for f in r.json()["features"]])
        finally:
            self.server.advance(-3 * 3600)

    def test_take_and_done_and_contact(self):
        need = self.post_ok(phone="+7 900 111-2233", name="Пётр Секретов")
        page = "/help/flood/posts/%d" % need
        anon = Session(self)
        self.assertNotIn("111-2233", anon.get(page).text())
        other = Session(self, "other")
        self.assertNotIn("111-2233", other.get(page).text())
        moder = Session(self, "moder")           # a coordinator
        self.assertIn("111-2233", moder.get(page).text())
        vol = Session(self, "vol")
        self.assertNotIn("111-2233", vol.get(page).text())
        r = vol.post(page + "/take")
        self.assertEqual(r.status, 303, r)
        self.assertIn("Вы взяли просьбу", vol.get(r.headers["Location"]).text())
        text = vol.get(page).text()
        self.assertIn("111-2233", text)
        self.assertIn("Пётр Секретов", text)
        self.assertNotIn("111-2233", other.get(page).text())
        # Taken once: another volunteer cannot take it again.
        r = other.post(page + "/take")
        self.assertEqual(r.status, 409, r)
        # Only the volunteer (or a coordinator) marks it done.
        r = other.post(page + "/done")
        self.assertEqual(r.status, 403, r)
        r = vol.post(page + "/done")
        self.assertEqual(r.status, 303, r)
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson?state=done")
        self.assertIn(need, [f["properties"]["id"]
                             for f in r.json()["features"]])
        # Anonymous callers cannot take.
        need2 = self.post_ok()
        r = anon.post("/help/flood/posts/%d/take" % need2,
                      {"csrf": anon.cookies.get("veche_csrf", "")})
        self.assertEqual(r.status, 401, r)

    def test_takes_capped_and_contact_reads_audited(self):
        """A volunteer holds at most 3 needs (VECHE_HELP_MAX_TAKEN): the
        fourth take is 409 naming why, until one is done; each read of a
        contact by the volunteer is in the audit log, without the contact."""
        self.server.create_user("busy", "citizen")
        busy = Session(self, "busy")
        needs = [self.post_ok() for _ in range(4)]
        for n in needs[:3]:
            r = busy.post("/help/flood/posts/%d/take" % n)
            self.assertEqual(r.status, 303, r)
        r = busy.post("/help/flood/posts/%d/take" % needs[3])
        self.assertEqual(r.status, 409, r)
        self.assertIn("taken", r.text())
        r = busy.post("/help/flood/posts/%d/done" % needs[0])
        self.assertEqual(r.status, 303, r)
        r = busy.post("/help/flood/posts/%d/take" % needs[3])
        self.assertEqual(r.status, 303, r)

        def reads():
            return self.server.sql(
                "SELECT object, before, after FROM audit_log WHERE "
                "action = 'help.contact' AND actor_name = 'busy'")

        before = len(reads())
        text = busy.get("/help/flood/posts/%d" % needs[3]).text()
        self.assertIn("+7 900 555-", text)
        rows = reads()
        self.assertEqual(len(rows), before + 1)
        self.assertEqual(rows[-1][0], "help_post:%d" % needs[3])
        self.assertNotIn("555", repr(rows[-1]))
        self.assertEqual(self.server.audit_verify()[0], 0)

    def test_public_point_rounded(self):
        """The public sees a post's point to 3 decimals (about 100 m);
        coordinators and the volunteer who took it see it exact."""
        need = self.post_ok(lat=60.251234, long=30.512345)
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson?state=all")
        point = [f["geometry"]["coordinates"] for f in r.json()["features"]
                 if f["properties"]["id"] == need]
        self.assertEqual(point, [[30.512, 60.251]])
        r = self.fetch("GET", "/api/v1/help/flood/posts.csv?state=all")
        self.assertIn(",60.251000,30.512000,", r.text())
        self.assertNotIn("60.251234", r.text())
        page = "/help/flood/posts/%d" % need
        point = lambda s: re.search(r'id="help-point">([^<]*)<',
                                    s.get(page).text()).group(1)
        self.assertEqual(point(Session(self)), "60.251000, 30.512000")
        self.assertEqual(point(Session(self, "moder")),
                         "60.251234, 30.512345")
        vol = Session(self, "other")
        self.assertEqual(point(vol), "60.251000, 30.512000")
        self.assertEqual(vol.post(page + "/take").status, 303)
        self.assertEqual(point(vol), "60.251234, 30.512345")

    def test_expired_need_cannot_be_taken(self):
        need = self.post_ok(until=until(1))
        self.server.advance(2 * 3600)
        try:
            vol = Session(self, "vol")
            r = vol.post("/help/flood/posts/%d/take" % need)
            self.assertEqual(r.status, 409, r)
            self.assertIn("expired", r.text())
        finally:
            self.server.advance(-2 * 3600)

    def test_verify_by_coordinator(self):
        p = self.post_ok()
        vol = Session(self, "vol")
        r = vol.post("/help/flood/posts/%d/verify" % p, {"verified": "1"})
        self.assertEqual(r.status, 403, r)
        moder = Session(self, "moder")
        r = moder.post("/help/flood/posts/%d/verify" % p, {"verified": "1"})
        self.assertEqual(r.status, 303, r)
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson")
        props = {f["properties"]["id"]: f["properties"]
                 for f in r.json()["features"]}
        self.assertTrue(props[p]["verified"])
        self.assertTrue(props[p]["urgent"])     # due within 24 hours

    def test_web_form_posts_and_urgent_stands_out(self):
        anon = Session(self)
        anon.get("/help/flood")
        r = anon.post("/help/flood/posts", {
            "csrf": anon.cookies["veche_csrf"], "type": "need",
            "kind": "housing", "count": "4", "hours": "6",
            "description": "Семья из четырёх", "lat": "60.26",
            "long": "30.5", "name": "Анна", "email": "anna@mail.example"})
        self.assertEqual(r.status, 303, r)
        where = r.headers["Location"]
        text = anon.get(where).text()
        self.assertIn("Семья из четырёх", text)
        self.assertIn('id="help-flash"', text)
        self.assertIn("help-urgent", text)
        self.assertIn("Срочно", text)
        self.assertIn("Не проверено", text)
        self.assertNotIn("anna@mail.example", text)
        # Without the form's token: refused, nothing written.
        before = self.all_ids()
        r = anon.post("/help/flood/posts", {"type": "need", "kind": "water",
                                            "count": "1", "hours": "6",
                                            "lat": "60.26", "long": "30.5",
                                            "name": "X", "phone": "+79001112233"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.all_ids(), before)

    def test_bbox_and_filters(self):
        a = self.post_ok(kind="housing", lat=60.10, long=30.50)
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson"
                       "?bbox=30.4,60.05,30.6,60.15&kind=housing")
        ids = [f["properties"]["id"] for f in r.json()["features"]]
        self.assertEqual(ids, [a])
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson?bbox=x")
        self.assert_names(r, 400, "bbox")
        r = self.fetch("GET", "/api/v1/help/flood/posts.geojson?kind=z")
        self.assert_names(r, 400, "kind")

    def test_closed_situation_takes_no_posts(self):
        r = self.admin.post("/help", [
            ("slug", "fire"), ("title", "Пожар"), ("kind", "water"),
            ("area", json.dumps({"type": "Polygon", "coordinates": [[
                [30.4, 60.2], [30.6, 60.2], [30.6, 60.3], [30.4, 60.3],
                [30.4, 60.2]]]}))])
        self.assertEqual(r.status, 303, r)
        body = {"type": "need", "kind": "water", "count": 1,
                "until": until(5), "lat": 60.25, "long": 30.5,
                "name": "Иван", "phone": "+79005550000"}
        r = self.api(body, slug="fire")
        self.assertEqual(r.status, 201, r)
        r = self.api(dict(body, lat=60.35), slug="fire")
        self.assertEqual(r.status, 400, r)
        self.assertIn("lat", r.json()[0]["description"])
        r = self.admin.post("/help/fire/close")
        self.assertEqual(r.status, 303, r)
        r = self.api(body, slug="fire")
        self.assertEqual(r.status, 409, r)
        self.assertIn("situation", r.json()[0]["description"])


def open_situation(test, slug):
    """An administrator opens situation slug around CENTRE."""
    test.server.create_user("coord", "admin")
    r = Session(test, "coord").post("/help", [
        ("slug", slug), ("title", "Ситуация " + slug), ("kind", "water"),
        ("lat", str(CENTRE[0])), ("long", str(CENTRE[1])),
        ("radius", "30000")])
    test.assertEqual(r.status, 303, r)


def api_need(test, slug):
    """One need posted with the API key; the response."""
    return test.fetch("POST", "/api/v1/help/%s/posts" % slug, json.dumps({
        "type": "need", "kind": "water", "count": 1, "until": until(5),
        "lat": 60.25, "long": 30.5, "name": "Иван",
        "phone": "+79005550000"}).encode("utf-8"),
        {"Content-Type": "application/json", "X-Api-Key": test.api_key})


class HelpRateTest(ServerTestCase):
    """The web form takes VECHE_RATE_HELP_POSTS (20) posts an hour from one
    address; the API key's intake is not limited (docs/participation.md)."""

    def test_form_posts_limited_per_address(self):
        open_situation(self, "storm")
        anon = Session(self)
        anon.get("/help/storm")

        def form(n):
            return anon.post("/help/storm/posts", {
                "csrf": anon.cookies["veche_csrf"], "type": "need",
                "kind": "water", "count": "1", "hours": "6",
                "description": "Пост %d" % n, "lat": "60.26",
                "long": "30.5", "name": "Анна", "phone": "+79001112233"})

        for n in range(20):
            self.assertEqual(form(n).status, 303, n)
        r = form(20)
        self.assertEqual(r.status, 429, r)
        self.assertIn("Слишком много запросов", r.text())
        r = self.fetch("GET", "/api/v1/help/storm/posts.geojson?state=all")
        self.assertEqual(len(r.json()["features"]), 20)
        # The API key's intake (a gateway for many people) still posts.
        r = api_need(self, "storm")
        self.assertEqual(r.status, 201, r)
        # An hour later the form takes posts again.
        self.server.advance(3601)
        self.assertEqual(form(21).status, 303)


class HelpPagingTest(ServerTestCase):
    """posts.geojson answers at most 5,000 posts (VECHE_HELP_BBOX_MAX),
    newest first, with a next link (after=CREATED.ID) for the rest; the
    CSV streams them all, read a page at a time."""

    def test_geojson_pages_by_keyset(self):
        open_situation(self, "big")
        r = api_need(self, "big")
        self.assertEqual(r.status, 201, r)
        first = r.json()["id"]
        # 5,100 more, written straight into the stopped server's file (as
        # many through HTTP would take minutes); some share a second.
        self.server.stop()
        sit, created, until_t = self.server.sql(
            "SELECT situation, created, until FROM help_posts WHERE id = ?",
            (first,))[0]
        self.server.sql(
            "INSERT INTO help_posts(situation, type, kind, count, until,"
            " description, lat, lon, created)"
            " WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1"
            " FROM n WHERE i < 5099)"
            " SELECT ?, 0, 1, 1, ?, 'x', 60.25, 30.5, ? - 1 - i / 3 FROM n",
            (sit, until_t, created))
        self.server.sql(
            "INSERT INTO help_geo(id, min_lat, max_lat, min_lon, max_lon)"
            " SELECT id, 60.25, 60.25, 30.5, 30.5 FROM help_posts"
            " WHERE situation = ? AND id <> ?", (sit, first))
        self.server.start()
        r = self.fetch("GET", "/api/v1/help/big/posts.geojson")
        self.assertEqual(r.status, 200, r)
        page1 = r.json()
        self.assertEqual(len(page1["features"]), 5000)
        nxt = [l["href"] for l in page1["links"] if l["rel"] == "next"]
        self.assertEqual(len(nxt), 1, page1["links"])
        self.assertIn("after=", nxt[0])
        r = self.fetch("GET", nxt[0])
        self.assertEqual(r.status, 200, r)
        page2 = r.json()
        self.assertEqual(len(page2["features"]), 101)
        self.assertEqual(page2["links"], [])
        ids = [f["properties"]["id"] for p in (page1, page2)
               for f in p["features"]]
        self.assertEqual(len(set(ids)), 5101, "every post once")
        self.assertEqual(ids[0], first, "newest first")
        r = self.fetch("GET", "/api/v1/help/big/posts.geojson?after=x")
        self.assertEqual(r.status, 400, r)
        self.assertIn("after", r.text())
        # The CSV export is streamed page by page (keyset, newest first):
        # chunked, every post once, in the same order as the GeoJSON.
        r = self.fetch("GET", "/api/v1/help/big/posts.csv?state=all")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Transfer-Encoding"), "chunked")
        self.assertIsNone(r.headers.get("Content-Length"))
        lines = r.text().split("\r\n")
        self.assertEqual(lines[0], "id,type,kind,count,lat,long,until,"
                         "state,verified,created,description")
        self.assertEqual(lines[-1], "")
        self.assertEqual([int(l.split(",", 1)[0]) for l in lines[1:-1]],
                         ids)


class HelpPrivacyTest(ServerTestCase):
    """No private contact of a help-map post reaches a public output."""

    seed_reports = 5

    def test_no_contact_in_public_output(self):
        self.server.create_user("coord", "admin")
        admin = Session(self, "coord")
        r = admin.post("/help", [
            ("slug", "quake"), ("title", "Землетрясение"), ("kind", "water"),
            ("kind", "food"), ("lat", str(CENTRE[0])),
            ("long", str(CENTRE[1])), ("radius", "30000")])
        self.assertEqual(r.status, 303, r)
        secrets = []
        ids = []
        for i, (t, k) in enumerate([("need", "water"), ("offer", "water"),
                                    ("need", "food"), ("offer", "food")]):
            name = "Секретное Имя%d" % i
            phone = "+7 901 77%d-00-1%d" % (i, i)
            email = "hidden%d@private.example" % i
            secrets += [name, phone, email]
            r = self.fetch("POST", "/api/v1/help/quake/posts", json.dumps({
                "type": t, "kind": k, "count": i + 1, "until": until(10),
                "lat": CENTRE[0] + i / 1000, "long": CENTRE[1],
                "name": name, "phone": phone, "email": email,
                "description": "post %d" % i}).encode(),
                {"Content-Type": "application/json",
                 "X-Api-Key": self.api_key})
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["id"])
        anon = Session(self)
        paths = ["/", "/reports", "/rss", "/help", "/help/quake",
                 "/help/quake?state=all", "/help/quake?lang=en",
                 "/api/v1/help/quake/posts.geojson?state=all",
                 "/api/v1/help/quake/posts.csv?state=all",
                 "/api/v1/help/quake/posts.geojson",
                 "/open311/v2/requests.json", "/open311/v2/requests.xml"]
        for i in ids:
            paths += ["/help/quake/posts/%d" % i,
                      "/help/quake/posts/%d?lang=en" % i,
                      "/api/v1/help/quake/posts/%d/matches" % i]
        for p in paths:
            r = anon.get(p)
            self.assertEqual(r.status, 200, (p, r))
            text = r.text()
            for s in secrets:
                self.assertNotIn(s, text, "%s shows %s" % (p, s))
                # A phone's digits written another way.
                digits = re.sub(r"\D", "", s)
                if len(digits) >= 9:
                    self.assertNotIn(digits, text, "%s shows %s" % (p, s))
        # A coordinator does see them: the test can fail.
        text = admin.get("/help/quake/posts/%d" % ids[0]).text()
        self.assertIn(secrets[1], text)


if __name__ == "__main__":
    unittest.main()
