"""
A year with no working-day calendar file: the admin page warns from 60 days
before that year starts (docs/deadlines.md), and not before.  The shipped
files cover 2026 and 2027, so 2028 is the gap; veche's clock is set by the
test (harness.py), so this holds whatever day the suite runs.
"""
import unittest

from harness import ServerTestCase, Session, epoch_of


class TestCalendarGap(ServerTestCase):

    clock = "2027-10-01T10:00:00+03:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("admin1", "admin")

    def admin_page(self):
        r = Session(self, "admin1").get("/admin")
        self.assertEqual(r.status, 200, r)
        return r.text()

    def test_warns_sixty_days_ahead(self):
        # 92 days before 2028: covered years only, no warning.
        self.server.set_clock(epoch_of("2027-10-01T10:00:00+03:00"))
        self.assertNotIn('id="calendar-gap"', self.admin_page())
        # 59 days before 1 January 2028: the warning names the year and
        # the file to add.
        self.server.set_clock(epoch_of("2027-11-03T10:00:00+03:00"))
        page = self.admin_page()
        self.assertIn('id="calendar-gap"', page)
        self.assertIn("2028", page)
        self.assertIn("data/calendar/ru-2028.txt", page)
        # And in the year itself.
        self.server.set_clock(epoch_of("2028-02-10T10:00:00+03:00"))
        self.assertIn("ru-2028.txt", self.admin_page())


if __name__ == "__main__":
    unittest.main()
