"""
The response cache follows every process's writes: two servers on one
database file, and a report acknowledged by one shows in the other's
cached list on its next request, not only when the entry's TTL (1 s) ends.
"""
import time
import unittest

from harness import (SECURITY_HEADERS, Server, ServerTestCase, encode_query,
                     report_fields)

# VECHE_CACHE_CHECK_MS (src/veche.h): how often a server asks the database
# whether another process committed.
CHECK_S = 0.010
LIST = "/open311/v2/requests.json?" + encode_query({"status": "open"})


class TestCacheFollowsOthers(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A second server on the first's database file, as a second
        # process (another server, the command line) has.
        cls.other = Server()
        cls.other.db = cls.server.db
        cls.other.media = cls.server.media
        try:
            cls.other.start()
        except Exception:
            cls.other.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.other.stop()
        log = cls.other.stderr()
        cls.other.cleanup()
        super().tearDownClass()
        if rc not in (0, None) or "Sanitizer" in log:
            raise AssertionError("the second server exited %r; stderr:\n%s"
                                 % (rc, log[-6000:]))

    def listed(self):
        """The ids in the first server's list of open reports."""
        r = self.fetch("GET", LIST)
        self.assertEqual(r.status, 200, r)
        return [o["service_request_id"] for o in r.json()]

    def post_other(self, text):
        """A report through the second server; returns its id."""
        fields = report_fields(description=text) + [("api_key",
                                                      self.api_key)]
        r = self.other.request(
            "POST", "/open311/v2/requests.json",
            encode_query(fields).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 201, r)
        for h in SECURITY_HEADERS:
            self.assertTrue(r.headers.get(h), h)
        return r.json()[0]["service_request_id"]

    def test_other_process_report_shows_on_next_request(self):
        for n in range(3):
            before = self.listed()
            # The same URL again: now answered from the cache.
            self.assertEqual(self.listed(), before)
            asked = time.monotonic()
            rid = self.post_other("Другой процесс, обращение %d" % n)
            # The server asks at most once per CHECK_S: a request sooner
            # than that after its last question may still be answered
            # from memory.  A POST through another process takes longer
            # than that already; wait out only what is left.
            left = CHECK_S - (time.monotonic() - asked)
            if left > 0:
                time.sleep(left)
            after = self.listed()
            self.assertIn(rid, after)
            self.assertEqual(set(after) - set(before), {rid})


if __name__ == "__main__":
    unittest.main()
