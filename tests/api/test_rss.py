"""
GET /rss: the feed of the newest reports.  A report's description is the
citizen's plain text: feed readers take <description> as HTML, so the feed
escapes it as HTML and a reader shows what was typed, not markup.
"""
import html
import unittest

from harness import ServerTestCase, report_fields

TYPED = 'Люк <b>открыт</b> & <img src=x onerror="alert(1)"> 5 > 3 \'да\''


class TestRss(ServerTestCase):

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

    def test_plain_description_unchanged(self):
        rid = self.create(report_fields("other",
                                        description="Яма у дома 5"))
        self.assertEqual(self.item(rid).findtext("description"),
                         "Яма у дома 5")


if __name__ == "__main__":
    unittest.main()
