"""
Open311 area reads and updated_after polling (issue 11): GET requests.json
with a box, a period, a status filter and pages, and with updated_after,
lists exactly the reports it must, newest first (time of request, then
id), page after page.  What each answer must be is computed here from the
reports the test created: where it put them, what it did to them and when
the server says they were requested and last updated (read one by one).

Some reports are older than the default 90 days, some were moved on
(registered, closed) after they were filed, and some sit exactly on the
edges of the boxes asked for, or a tenth of a metre outside them.
"""
import datetime as dt
import unittest

from harness import ServerTestCase, encode_query, report_fields

DAY = 86400
# Points (lat, long) on a grid of 0.001 degrees around LAT0, LON0: six
# columns, four rows.  Coordinates have six decimals, written the same way
# in reports and boxes, so a box's edge passes exactly through a point.
LAT0, LON0 = 60.2, 30.2
GRID = [(round(LAT0 + 0.001 * r, 6), round(LON0 + 0.001 * c, 6))
        for r in range(4) for c in range(6)]
# What a report goes through after it is filed, by its number: the actions
# (the roads agency's API key) and the status Open311 then shows.
WALKS = {1: (["register"], "open"),
         4: (["register", "start", "answer", "close"], "closed"),
         7: (["register", "start"], "open"),
         9: (["register", "start", "answer", "close"], "closed"),
         12: (["register", "start", "answer", "close"], "closed"),
         15: (["register"], "open")}
FIELDS = {"answer": {"text": "Яму заделали"}}


def w3c(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def epoch(s):
    return int(dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
               .timestamp())


def edges(box):
    """box (min_lat, min_lon, max_lat, max_lon) as the server reads it:
    each edge a decimal of nine places, the double nearest to it."""
    return tuple(float("%.9f" % v) for v in box)


def bbox(min_lat, min_lon, max_lat, max_lon):
    return "%.9f,%.9f,%.9f,%.9f" % (min_lon, min_lat, max_lon, max_lat)


class TestAreaReads(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_roads = cls.server.create_key("roads")
        cls.reports = {}
        n = 0
        # Three batches: 95, 45 and 0 days before the reads, so the first
        # is outside the default window.  Within a batch, some reports a
        # few minutes apart and some in the same second.
        for batch, days_after in ((0, 50), (1, 45), (2, 0)):
            for k in range(8):
                lat, lon = GRID[(n * 5) % len(GRID)]
                cls.reports[cls._file(n, lat, lon)] = {"n": n, "batch": batch}
                n += 1
                if k % 3 != 2:
                    cls.server.advance(240)
            for rid, rep in cls.reports.items():
                if rep["batch"] == batch and rep["n"] in WALKS:
                    cls.server.advance(300)
                    for action in WALKS[rep["n"]][0]:
                        cls._act(rid, action)
            cls.server.advance(days_after * DAY)
        cls.now = cls.server.now()

    @classmethod
    def _file(cls, n, lat, lon):
        fields = report_fields("pothole", (lat, lon))
        fields.append(("api_key", cls.api_key))
        r = cls.server.request("POST", "/open311/v2/requests.json",
                               encode_query(fields).encode("ascii"),
                               {"Content-Type":
                                "application/x-www-form-urlencoded"})
        if r.status != 201:
            raise AssertionError("report %d: %r" % (n, r))
        return int(r.json()[0]["service_request_id"])

    @classmethod
    def _act(cls, rid, action):
        fields = dict(FIELDS.get(action, {}), api_key=cls.key_roads)
        r = cls.server.request("POST", "/api/v1/reports/%d/%s" % (
            rid, action), encode_query(fields).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if r.status != 200:
            raise AssertionError("%s %d: %r" % (action, rid, r))

    def setUp(self):
        # Each report as the test knows it, its times as the server says.
        for rid, rep in self.reports.items():
            if "requested" in rep:
                continue
            o = self.by_id(rid)
            rep["lat"], rep["lon"] = float(o["lat"]), float(o["long"])
            rep["requested"] = epoch(o["requested_datetime"])
            rep["updated"] = epoch(o["updated_datetime"])
            rep["status"] = WALKS.get(rep["n"], ([], "open"))[1]
            self.assertEqual(o["status"], rep["status"], o)
            if rep["n"] in WALKS:
                self.assertGreater(rep["updated"], rep["requested"])

    def expected(self, box=None, start=None, end=None, status=None,
                 updated_after=None):
        """The ids a list must hold, newest first."""
        now = self.server.now()
        if start is None and end is None:
            start, end = now - 90 * DAY, now
        out = []
        for rid, rep in self.reports.items():
            if box is not None and not (
                    box[0] <= rep["lat"] <= box[2] and
                    box[1] <= rep["lon"] <= box[3]):
                continue
            if not start <= rep["requested"] <= end:
                continue
            if status is not None and rep["status"] not in status:
                continue
            if updated_after is not None and \
                    not rep["updated"] > updated_after:
                continue
            out.append((rep["requested"], rid))
        return [rid for _, rid in sorted(out, reverse=True)]

    def assert_pages(self, params, want, size):
        """Page 1, 2, ... of size list want, then an empty page."""
        pages = (len(want) + size - 1) // size
        for page in range(1, pages + 2):
            p = dict(params, page=str(page), page_size=str(size))
            self.assertEqual(self.ids(p), want[(page - 1) * size:
                                               page * size], p)

    def test_the_batches_are_where_they_should_be(self):
        """The default window holds the two later batches, not the first:
        the cases below test something."""
        want = self.expected()
        self.assertEqual(len(want), 16)
        self.assertEqual(self.ids({"page_size": "100"}), want)

    def test_boxes_periods_statuses_and_pages(self):
        lat1, lon1 = GRID[-1]
        boxes = [edges(b) for b in [
            (LAT0, LON0, lat1, lon1),                   # the whole grid
            (LAT0, LON0, LAT0 + 0.0015, LON0 + 0.0025),  # a corner
            # Edges exactly through the second row and third column.
            (LAT0 + 0.001, LON0 + 0.002, lat1, lon1),
            (LAT0, LON0, LAT0 + 0.001, LON0 + 0.002),
            # A tenth of a metre inside them: those points are out.
            (LAT0 + 0.001000001, LON0 + 0.002000001, lat1, lon1),
            (LAT0, LON0, LAT0 + 0.000999999, LON0 + 0.001999999),
            (LAT0 + 0.01, LON0 + 0.01, LAT0 + 0.02, LON0 + 0.02),  # empty
        ]]
        batch = sorted(r["requested"] for r in self.reports.values()
                       if r["batch"] == 1)
        periods = [(None, None), (batch[0], batch[-1]),
                   (batch[2], batch[-1] + 3600)]
        statuses = [None, ("open",), ("closed",)]
        seen = 0
        for box in boxes:
            for start, end in periods:
                for status in statuses:
                    params = {"bbox": bbox(*box)}
                    if start is not None:
                        params["start_date"] = w3c(start)
                        params["end_date"] = w3c(end)
                    if status is not None:
                        params["status"] = ",".join(status)
                    want = self.expected(box, start, end, status)
                    seen += len(want)
                    with self.subTest(params=params):
                        self.assert_pages(params, want, 3)
        self.assertGreater(seen, 100)

    def test_pages_cover_the_list_once(self):
        box = edges((LAT0, LON0, GRID[-1][0], GRID[-1][1]))
        want = self.expected(box)
        got = []
        for page in range(1, 10):
            got += self.ids({"bbox": bbox(*box), "page": str(page),
                             "page_size": "2"})
        self.assertEqual(got, want)
        self.assertEqual(len(set(got)), len(got))

    def test_a_change_made_after_the_clock_went_back(self):
        """A change stamped earlier than the latest seen (the clock was
        set back) is in the lists at once all the same."""
        box = edges((LAT0, LON0, GRID[-1][0], GRID[-1][1]))
        fresh = [rid for rid, r in self.reports.items()
                 if r["batch"] == 2 and r["n"] not in WALKS]
        rid = fresh[-1]
        now = self.server.now()
        start = now - 30 * DAY
        params = {"bbox": bbox(*box), "start_date": w3c(start),
                  "end_date": w3c(start + 90 * DAY), "page_size": "100"}
        self.assertIn(rid, self.ids(dict(params, status="open")))
        self.server.set_clock(now - 7200)
        try:
            for action in ("register", "start", "answer", "close"):
                self._act(rid, action)
            self.reports[rid]["status"] = "closed"
            self.reports[rid]["updated"] = epoch(self.by_id(rid)[
                "updated_datetime"])
            self.assertLess(self.reports[rid]["updated"], now - 3600)
            for status in ("open", "closed"):
                self.assertEqual(
                    self.ids(dict(params, status=status)),
                    self.expected(box, start, start + 90 * DAY, (status,)))
        finally:
            self.server.set_clock(now + 1)

    def test_a_change_first_read_a_minute_later(self):
        """With a change stamped ahead of the clock (it was set back since),
        a change made now and first read a minute later is in the lists
        all the same, and so is its new status in them."""
        box = edges((LAT0, LON0, GRID[-1][0], GRID[-1][1]))
        fresh = [rid for rid, r in self.reports.items()
                 if r["batch"] == 2 and r["n"] not in WALKS]
        rid, ahead = fresh[2], fresh[3]
        params = {"bbox": bbox(*box), "page_size": "100"}
        self.assertIn(rid, self.ids(dict(params, status="open")))
        now = self.server.now()
        self.server.set_clock(now + 3600)
        self._act(ahead, "register")
        self.reports[ahead]["updated"] = now + 3600
        self.server.set_clock(now)
        self.assertIn(ahead, self.ids(dict(params, status="open")))
        for action in ("register", "start", "answer", "close"):
            self._act(rid, action)
        self.server.advance(60)
        self.reports[rid]["status"] = "closed"
        self.reports[rid]["updated"] = epoch(self.by_id(rid)[
            "updated_datetime"])
        self.assertNotIn(rid, self.ids(dict(params, status="open")))
        closed = self.get("requests.json", dict(params, status="closed"))
        self.assertIn(rid, [int(o["service_request_id"])
                            for o in closed.json()])
        self.assertEqual({o["status"] for o in closed.json()}, {"closed"})

    def test_a_status_change_moves_a_report_between_lists(self):
        box = edges((LAT0, LON0, GRID[-1][0], GRID[-1][1]))
        fresh = [rid for rid, r in self.reports.items()
                 if r["batch"] == 2 and r["n"] not in WALKS]
        rid = fresh[0]
        params = {"bbox": bbox(*box), "page_size": "100"}
        self.assertIn(rid, self.ids(dict(params, status="open")))
        self.server.advance(60)
        for action in ("register", "start", "answer", "close"):
            self._act(rid, action)
        self.reports[rid]["status"] = "closed"
        self.reports[rid]["updated"] = epoch(self.by_id(rid)[
            "updated_datetime"])
        self.assertNotIn(rid, self.ids(dict(params, status="open")))
        self.assertEqual(self.ids(dict(params, status="closed")),
                         self.expected(box, status=("closed",)))
        self.assertIn(rid, self.ids(dict(params, status="closed")))

    def list_as_read_one_by_one(self, params, fmt, headers):
        """An area list's body, and the same list put together from each
        of its reports read alone (requests/{id}), byte for byte."""
        r = self.get("requests." + fmt, params, headers)
        self.assertEqual(r.status, 200, r)
        ids = self.ids(params, fmt)
        one = {k: v for k, v in params.items() if k == "extensions"}
        items = []
        for rid in ids:
            b = self.get("requests/%d.%s" % (rid, fmt), one, headers).body
            if fmt == "json":
                items.append(b[1:-1])
            else:
                items.append(b[b.index(b"<request>"):
                               b.rindex(b"</service_requests>")])
        if fmt == "json":
            whole = b"[" + b",".join(items) + b"]"
        else:
            head = b[:b.index(b"<service_requests>")] if ids else b""
            whole = head + b"<service_requests>" + b"".join(items) + \
                b"</service_requests>" + b[b.rindex(b"</service_requests>")
                                           + 19:] if ids else r.body
        return r.body, whole, ids

    def test_area_lists_show_each_report_as_it_is_now(self):
        """An area list's reports are what each reads alone, in JSON and
        XML, Russian and English, with and without extensions, asked
        twice (the second time from the items the server kept rendered),
        and again after a report changed within the same second as the
        last read (issue 11: the kept item of a changed report is not
        served)."""
        box = edges((LAT0, LON0, GRID[-1][0], GRID[-1][1]))
        fresh = [rid for rid, r in self.reports.items()
                 if r["batch"] == 2 and r["n"] not in WALKS]
        rid = fresh[1]
        variants = [(fmt, ext, lang) for fmt in ("json", "xml")
                    for ext in (None, "true") for lang in (None, "en")]

        def check(status):
            for fmt, ext, lang in variants:
                params = {"bbox": bbox(*box), "page_size": "100"}
                if ext:
                    params["extensions"] = ext
                headers = {"Accept-Language": lang} if lang else None
                with self.subTest(fmt=fmt, extensions=ext, lang=lang,
                                  status=status):
                    for _ in range(2):
                        body, whole, ids = self.list_as_read_one_by_one(
                            params, fmt, headers)
                        self.assertIn(rid, ids)
                        self.assertEqual(body, whole)
            self.assertEqual(self.by_id(rid)["status"], status)

        check("open")
        for action, status in (("register", "open"), ("start", "open"),
                               ("answer", "open"), ("close", "closed")):
            self._act(rid, action)
            check(status)
        self.reports[rid]["status"] = "closed"
        self.reports[rid]["updated"] = epoch(self.by_id(rid)[
            "updated_datetime"])
        notes = self.by_id(rid)["status_notes"]
        self.assertTrue(notes)
        items = self.get("requests.json", {"bbox": bbox(*box),
                                           "page_size": "100"}).json()
        self.assertIn(notes, [o["status_notes"] for o in items
                              if int(o["service_request_id"]) == rid])

    def test_a_poll_after_the_clock_went_back(self):
        """A report requested after a poll's instant but changed with the
        clock set back before it is not in that poll, nor in its pages
        (issue 11: a poll's page is taken from the time index when a
        whole page was requested since; the change's time is checked)."""
        fresh = [rid for rid, r in self.reports.items()
                 if r["batch"] == 2 and r["n"] not in WALKS]
        rid = fresh[-2]
        requested = self.reports[rid]["requested"]
        now = self.server.now()
        self.server.set_clock(requested - 3600)
        try:
            self._act(rid, "register")
        finally:
            self.server.set_clock(now + 1)
        self.reports[rid]["updated"] = epoch(self.by_id(rid)[
            "updated_datetime"])
        self.assertLess(self.reports[rid]["updated"], requested - 1800)
        t = requested - 1800
        want = self.expected(updated_after=t)
        self.assertNotIn(rid, want)
        self.assertGreaterEqual(len(want), 3)
        for size in (1, 2, 50):
            with self.subTest(page_size=size):
                self.assert_pages({"updated_after": w3c(t)}, want, size)
        self.assertIn(rid, self.ids({"updated_after": w3c(
            self.reports[rid]["updated"] - 1), "page_size": "100"}))

    def test_updated_after_polling(self):
        instants = sorted({r["updated"] for r in self.reports.values()})
        polls = [instants[0] - 1, instants[len(instants) // 2],
                 instants[-3], instants[-1], self.server.now()]
        for t in polls:
            want = self.expected(updated_after=t)
            with self.subTest(updated_after=w3c(t)):
                self.assert_pages({"updated_after": w3c(t)}, want, 4)
        # Reports moved on after they were filed are in the later polls.
        moved = [rid for rid, r in self.reports.items()
                 if r["n"] in WALKS and r["batch"] == 2]
        late = self.ids({"updated_after": w3c(max(
            r["requested"] for r in self.reports.values())),
            "page_size": "100"})
        for rid in moved:
            self.assertIn(rid, late)


if __name__ == "__main__":
    unittest.main()
