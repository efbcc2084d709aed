"""
GET /rss: the feed of the newest reports.  A report's description is the
citizen's plain text: feed readers take <description> as HTML, so the feed
escapes it as HTML and a reader shows what was typed, not markup.  The
feed takes the map's and the list's filters (service_code, agency, status,
days) and bbox; a bad value gets a 400 naming the field; the feed link of
the map and the list (in the head and shown) carries the filters shown.
"""
import datetime
import email.utils
import html
import re
import unittest

from harness import EAST_POINT, WEST_POINT, ServerTestCase, report_fields

DAY = 86400

TYPED = 'Люк <b>открыт</b> & <img src=x onerror="alert(1)"> 5 > 3 \'да\''


class TestRss(ServerTestCase):

    def ids(self, path):
        """The report numbers the feed at path lists."""
        r = self.fetch("GET", path)
        self.assertEqual(r.status, 200, r)
        return {int(it.findtext("link").rsplit("/", 1)[1])
                for it in r.xml().find("channel").findall("item")}

    def item(self, rid):
        r = self.fetch("GET", "/rss")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"],
                         "application/rss+xml; charset=utf-8")
        for it in r.xml().find("channel").findall("item"):
            if it.findtext("link").endswith("/reports/%d" % rid):
                return it
        self.fail("report %d is not in the feed" % rid)

    def test_description_is_plain_text(self):
        rid = self.create(report_fields("other", description=TYPED))
        desc = self.item(rid).findtext("description")
        # As HTML, the description holds no element: only text...
        self.assertNotIn("<", desc)
        self.assertNotIn(">", desc)
        # ...and that text is what the citizen typed.
        self.assertEqual(html.unescape(desc), TYPED)

    def test_item_title_date_and_link(self):
        # Formatted by hand since issue 11: the same as RFC 822 says.
        rid = self.create(report_fields("other"))
        it = self.item(rid)
        r = self.fetch("GET", "/open311/v2/requests/%d.json" % rid)
        self.assertEqual(r.status, 200, r)
        when = datetime.datetime.fromisoformat(
            r.json()[0]["requested_datetime"]).astimezone(
                datetime.timezone.utc)
        self.assertEqual(it.findtext("pubDate"),
                         email.utils.format_datetime(when))
        self.assertIn("№%d: " % rid, it.findtext("title"))
        self.assertTrue(it.findtext("link").endswith("/reports/%d" % rid))
        self.assertEqual(it.findtext("guid"), it.findtext("link"))

    def test_plain_description_unchanged(self):
        rid = self.create(report_fields("other",
                                        description="Яма у дома 5"))
        self.assertEqual(self.item(rid).findtext("description"),
                         "Яма у дома 5")


    def test_filters(self):
        old = self.create(report_fields("trees", EAST_POINT))
        self.server.advance(20 * DAY)
        pothole = self.create(report_fields("pothole", WEST_POINT))
        trees = self.create(report_fields("trees", EAST_POINT))
        for path, inside, outside in (
                ("/rss?service_code=pothole", {pothole}, {trees, old}),
                ("/rss?agency=roads", {pothole}, {trees, old}),
                ("/rss?agency=parks", {trees, old}, {pothole}),
                ("/rss?status=open", {pothole, trees, old}, set()),
                ("/rss?status=submitted", {pothole, trees, old}, set()),
                ("/rss?status=closed", set(), {pothole, trees, old}),
                ("/rss?days=7&service_code=trees", {trees}, {old, pothole}),
                ("/rss?days=30&service_code=trees", {trees, old}, {pothole}),
                ("/rss?bbox=30.0,60.0,30.5,60.5", {pothole}, {trees})):
            got = self.ids(path)
            self.assertTrue(inside <= got, (path, inside, got))
            self.assertFalse(outside & got, (path, outside, got))

    def test_bad_filter_names_the_field(self):
        for query, field in (("status=lost", "status"), ("days=8", "days"),
                             ("days=abc", "days"),
                             ("agency=nosuch", "agency"),
                             ("service_code=nosuch", "service_code"),
                             ("bbox=1,2,3", "bbox")):
            r = self.fetch("GET", "/rss?" + query)
            self.assertEqual(r.status, 400, (query, r))
            self.assertIn(field, r.text(), query)

    def feed_links(self, path):
        """The page's feed links: the head's, and those shown."""
        page = self.fetch("GET", path).text()
        head = re.findall(r'<link rel="alternate" '
                          r'type="application/rss\+xml" [^>]*href="([^"]*)"',
                          page)
        shown = re.findall(r'<a href="([^"]*)" id="(?:list-rss|rss-link)"',
                           page)
        self.assertEqual(len(head), 1, page[:800])
        return [html.unescape(u) for u in head + shown]

    def test_page_feed_links_follow_the_filters(self):
        rid = self.create(report_fields("pothole", WEST_POINT))
        for page in ("/", "/reports"):
            self.assertEqual(self.feed_links(page), ["/rss"] * 3)
            links = self.feed_links(
                page + "?service_code=pothole&status=open&agency=roads"
                "&days=30&page=1")
            self.assertEqual(links, ["/rss?service_code=pothole&status=open"
                                     "&agency=roads&days=30"] * 3)
            self.assertIn(rid, self.ids(links[0]))
        # Other pages keep the whole city's feed.
        self.assertEqual(self.feed_links("/reports/%d" % rid),
                         ["/rss"] * 2)

    def test_subscribe_links_follow_the_filters(self):
        page = self.fetch("GET", "/reports?agency=roads&service_code="
                          "pothole").text()
        self.assertIn('href="/alerts/new?agency=roads"', page)
        self.assertIn('href="/alerts/new?service_code=pothole"', page)
        self.assertIn("Дорожная служба", page)
        page = self.fetch("GET", "/?agency=parks").text()
        self.assertIn('href="/alerts/new?agency=parks"', page)
        page = self.fetch("GET", "/agencies/roads").text()
        self.assertIn('href="/alerts/new?agency=roads"', page)
        r = self.fetch("GET", "/alerts/new?agency=roads")
        self.assertEqual(r.status, 200, r)
        self.assertIn('name="agency" value="roads"', r.text())


if __name__ == "__main__":
    unittest.main()
