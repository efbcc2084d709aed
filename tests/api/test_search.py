"""
Text search in GET requests (the q parameter, docs/api.md): any form of a
word finds the others (Russian and English stems), every word must match,
and the answer is newest first inside the date window, with the other
filters and paging applied as without q.

The reports are posted here at known times (veche's clock is moved
between them), so each expected answer is an exact list of ids in order.
"""
import datetime as dt
import unittest
import urllib.parse

from harness import (EAST_POINT, WEST_POINT, ServerTestCase, encode_query,
                     report_fields)

HOUR = 3600
DAY = 24 * HOUR
# A bbox around WEST_POINT only (min_long, min_lat, max_long, max_lat).
WEST_BBOX = "30.0,60.0,30.5,60.5"


def w3c(epoch):
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def close_report(case, rid):
    """Close a pothole report with the roads agency's API key."""
    key = case.server.create_key("roads")
    for action, fields in (("register", {}), ("start", {}),
                           ("answer", {"text": "Яму заделали"}),
                           ("close", {})):
        fields["api_key"] = key
        r = case.fetch("POST", "/api/v1/reports/%d/%s" % (rid, action),
                       encode_query(fields).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        case.assertEqual(r.status, 200, "%s: %r" % (action, r))


class TestTextSearch(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        cls.old = t.report("pothole", WEST_POINT, "Глубокая яма у остановки")
        cls.old_time = cls.server.now()
        cls.server.advance(100 * DAY)
        cls.a = t.report("pothole", WEST_POINT,
                         "Глубокая яма на дороге у школы")
        cls.server.advance(HOUR)
        cls.b = t.report("pothole", EAST_POINT,
                         "Ямы на проезжей части, две ямы рядом")
        cls.server.advance(HOUR)
        cls.c = t.report("other", WEST_POINT,
                         "A deep pothole near the school gate")
        cls.server.advance(HOUR)
        cls.d = t.report("other", EAST_POINT, "Potholes all over the road")
        cls.server.advance(HOUR)
        # Two in a row, most likely in the same second: newest id first.
        cls.e1 = t.report("pothole", WEST_POINT, "Ещё одна яма во дворе")
        cls.e2 = t.report("pothole", WEST_POINT, "И тут ямой всё изрыто")
        cls.f = t.report("other", WEST_POINT, "Сломанная скамейка")
        cls.g = t.report("other", EAST_POINT, "На тротуаре лёд")
        t.close(cls.b)

    def report(self, service, point, description):
        return self.create(report_fields(service, point,
                                         description=description))

    def close(self, rid):
        close_report(self, rid)

    def search(self, q, fmt="json", **params):
        params["q"] = q
        return self.ids(params, fmt)

    def test_one_russian_word_any_form(self):
        want = [self.e2, self.e1, self.b, self.a]
        for q in ("яма", "ямы", "ямой", "ЯМ"):
            self.assertEqual(self.search(q), want, q)
        self.assertEqual(self.search("скамейки"), [self.f])
        # ё is е: either spelling finds the other.
        self.assertEqual(self.search("лед"), [self.g])
        self.assertEqual(self.search("Лёда"), [self.g])

    def test_two_words_all_must_match(self):
        self.assertEqual(self.search("яма школой"), [self.a])
        self.assertEqual(self.search("ямы, дорога"), [self.a])
        self.assertEqual(self.search("яма скамейка"), [])

    def test_english_words(self):
        self.assertEqual(self.search("pothole"), [self.d, self.c])
        self.assertEqual(self.search("potholes"), [self.d, self.c])
        self.assertEqual(self.search("pothole schools"), [self.c])

    def test_no_such_word(self):
        self.assertEqual(self.search("светофор"), [])

    def test_same_answer_in_xml(self):
        self.assertEqual(self.search("ямы", "xml"),
                         [self.e2, self.e1, self.b, self.a])

    def test_date_window(self):
        # The default window is the last 90 days: the old report is out.
        self.assertNotIn(self.old, self.search("яма"))
        near = {"start_date": w3c(self.old_time - 60),
                "end_date": w3c(self.old_time + 60)}
        self.assertEqual(self.search("ямы", **near), [self.old])
        self.assertEqual(self.search("скамейка", **near), [])
        since_b = w3c(self.server.now() - 3 * HOUR - 60 - 30)
        self.assertEqual(self.search("яма", start_date=since_b),
                         [self.e2, self.e1, self.b])

    def test_with_service_area_and_status(self):
        self.assertEqual(self.search("яма", service_code="other"), [])
        self.assertEqual(self.search("pothole", service_code="other"),
                         [self.d, self.c])
        self.assertEqual(self.search("яма", bbox=WEST_BBOX),
                         [self.e2, self.e1, self.a])
        self.assertEqual(self.search("яма", status="open"),
                         [self.e2, self.e1, self.a])
        self.assertEqual(self.search("яма", status="closed"), [self.b])
        self.assertEqual(self.search("pothole", status="closed"), [])

    def test_paging(self):
        self.assertEqual(self.search("яма", page_size="3"),
                         [self.e2, self.e1, self.b])
        self.assertEqual(self.search("яма", page_size="3", page="2"),
                         [self.a])
        self.assertEqual(self.search("яма", page_size="2", page="3"), [])


class TestNewReportSearched(ServerTestCase):
    """A report posted now is found first, by any form of its words."""

    def test_new_report_found_first(self):
        old = self.create(report_fields(description="Сломанная скамейка"))
        self.server.advance(60)
        self.assertEqual(self.ids({"q": "скамейки"}), [old])
        new = self.create(report_fields(
            "other", EAST_POINT, description="Скамейки у ямы сломаны"))
        self.assertEqual(self.ids({"q": "скамейка"}), [new, old])
        self.assertEqual(self.ids({"q": "сломана скамейка"}), [new, old])
        self.assertEqual(self.ids({"q": "яма"}), [new])

    def test_a_change_shows_in_the_next_search(self):
        """
        A search's page is served from each report's item as rendered
        before (api/list_items.h) only while the report is unchanged:
        closed, it is closed in the next search, in JSON and in XML, as
        when it is read by its id.
        """
        rid = self.create(report_fields(
            "pothole", WEST_POINT, description="Трещина в асфальте у перехода"))
        self.server.advance(60)

        def found(fmt):
            r = self.get("requests." + fmt, {"q": "трещины"})
            self.assertEqual(r.status, 200, r)
            if fmt == "json":
                return [(int(o["service_request_id"]), o["status"],
                         o["status_notes"]) for o in r.json()]
            return [(int(e.findtext("service_request_id")),
                     e.findtext("status"),
                     e.findtext("status_notes") or None)
                    for e in r.xml()]

        for fmt in ("json", "xml"):
            self.assertEqual(found(fmt), [(rid, "open", None)], fmt)
            # Again: now from the items kept by the first answer.
            self.assertEqual(found(fmt), [(rid, "open", None)], fmt)
        close_report(self, rid)
        closed = self.by_id(rid)
        self.assertEqual(closed["status"], "closed")
        for fmt in ("json", "xml"):
            self.assertEqual(found(fmt), [(rid, "closed",
                                           closed["status_notes"])], fmt)


class TestLongWalks(ServerTestCase):
    """
    Words that never meet, and windows far shorter than the reports'
    history: the walk stops at the window's start (core migration 8's day
    marks), and neither loses a report inside it nor shows a mark.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        cls.pits, cls.benches = [], []
        # Two reports a day for 40 days: a pit every day, a bench every
        # other day, never in the same report.
        for day in range(40):
            cls.pits.append(t.create(report_fields(
                "pothole", WEST_POINT, description="Глубокая яма на дороге")))
            cls.server.advance(HOUR)
            if day % 2 == 0:
                cls.benches.append(t.create(report_fields(
                    "other", EAST_POINT, description="Сломанная скамейка")))
            cls.server.advance(DAY - HOUR)
        cls.dash = t.create(report_fields(
            "other", EAST_POINT, description="Кто-то разбил фонарь"))

    def test_words_that_never_meet(self):
        self.assertEqual(self.ids({"q": "яма скамейка"}), [])
        self.assertEqual(self.ids({"q": "скамейки ямы", "page_size": "5",
                                   "start_date": w3c(self.server.now() -
                                                     10 * DAY)}), [])

    def test_window_start_inside_the_history(self):
        since = self.server.now() - 10 * DAY - 2 * HOUR
        newest = list(reversed(self.pits))
        # The pits of the last ten days (each at day start), none before.
        self.assertEqual(self.ids({"q": "ямы", "start_date": w3c(since),
                                   "page_size": "100"}), newest[:10])
        self.assertEqual(self.ids({"q": "яма", "start_date": w3c(since),
                                   "page_size": "4", "page": "3"}),
                         newest[8:10])
        self.assertEqual(self.ids({"q": "скамейка", "page_size": "100"}),
                         list(reversed(self.benches)))

    def test_in_a_small_box(self):
        newest = list(reversed(self.pits))
        self.assertEqual(self.ids({"q": "ямы", "bbox": WEST_BBOX,
                                   "page_size": "5", "page": "2"}),
                         newest[5:10])
        self.assertEqual(self.ids({"q": "яма", "bbox": WEST_BBOX,
                                   "start_date": w3c(self.server.now() -
                                                     3 * DAY - HOUR)}),
                         newest[:3])
        self.assertEqual(self.ids({"q": "яма дорога", "bbox": WEST_BBOX,
                                   "page_size": "100"}), newest)
        self.assertEqual(self.ids({"q": "яма скамейка", "bbox": WEST_BBOX}),
                         [])
        self.assertEqual(self.ids({"q": "скамейка", "bbox": WEST_BBOX}), [])
        self.assertEqual(self.ids({"q": "кто-то", "bbox": WEST_BBOX}), [])

    def test_in_a_small_circle(self):
        near = {"lat": str(WEST_POINT[0]), "long": str(WEST_POINT[1]),
                "radius": "500"}
        newest = list(reversed(self.pits))
        self.assertEqual(self.ids(dict(near, q="ямы", page_size="3")),
                         newest[:3])
        self.assertEqual(self.ids(dict(near, q="яма скамейка")), [])
        self.assertEqual(self.ids(dict(near, q="скамейка")), [])

    def test_marks_never_shown(self):
        # The marks' one byte (not UTF-8): the marks have no report.
        for q in ("\udcff", "\udcff яма"):
            r = self.fetch("GET", "/open311/v2/requests.json?q=" +
                           urllib.parse.quote(q, errors="surrogateescape"))
            self.assertEqual((r.status, r.json()), (200, []), q)

    def test_hyphenated_word_is_a_phrase(self):
        self.assertEqual(self.ids({"q": "кто-то"}), [self.dash])
        self.assertEqual(self.ids({"q": "то-кто"}), [])
        self.assertEqual(self.ids({"q": "кто-то фонарь"}), [self.dash])


if __name__ == "__main__":
    unittest.main()
