"""
Kept months of the ratings (docs/ratings.md, "Kept months") over real
HTTP: a past month's figures are computed once and kept in the database;
whatever happens afterwards (an action on one of its reports, a forward
that ends one of its stays, the clock passing a deadline that judges an
open stay, the clock set back) the API's figures must stay those that
scripts/ratings_from_dump.py computes afresh from a dump made at that
moment, and the kept month must really be there to be read.
"""
import tempfile

from harness import (WEST_POINT, ServerTestCase, encode_query, epoch_of,
                     report_fields)
import test_ratings

HOUR, DAY = 3600, 86400
JUNE = "2026-06..2026-06"


class KeptCase(ServerTestCase):
    clock = "2026-06-29T10:00:00+03:00"     # a Monday
    # No response cache: every request below computes.
    serve_args = ("--no-cache",)
    # The comparison with the script, as test_ratings makes it.
    script = test_ratings.RatingsCase.script
    assert_same = test_ratings.RatingsCase.assert_same
    assert_close = test_ratings.RatingsCase.assert_close
    act = test_ratings.CityCase.act

    def ratings(self, **params):
        r = self.fetch("GET", "/api/v1/ratings.json?" + encode_query(params))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def roads(self, doc):
        return next(a for a in doc["agencies"] if a["code"] == "roads")

    def kept_june(self):
        """June's kept row: (computed, valid_until), or None."""
        rows = self.server.sql(
            "SELECT computed, valid_until FROM ratings_months "
            "WHERE month_from = ? AND computed IS NOT NULL",
            (epoch_of("2026-06-01T00:00:00+03:00"),))
        return rows[0] if rows else None

    def fresh(self, period):
        """The figures of scripts/ratings_from_dump.py on a dump made now."""
        out = tempfile.mkdtemp(prefix="dump-", dir=self.server.dir)
        self.server.cli("dump", "--db", self.server.db, "--out", out)
        return self.script(out, "--period", period)

    def same_as_fresh(self):
        """June from the API, kept, then read back, equals a fresh one."""
        api = self.ratings(period=JUNE)
        self.assertIsNotNone(self.kept_june(), "June was not kept")
        # The same month asked another way: read from the kept row.
        self.assertEqual(self.ratings(**{"from": "2026-06-01",
                                         "to": "2026-06-30"})["agencies"],
                         api["agencies"])
        self.assert_same(api, self.fresh(JUNE))
        return self.roads(api)

    def test_kept_month_follows_actions_and_the_clock(self):
        t0 = epoch_of(self.clock)
        rid = []
        for _ in range(5):
            r = self.post("requests.json", report_fields("pothole",
                                                         WEST_POINT))
            self.assertEqual(r.status, 201, r)
            rid.append(int(r.json()[0]["service_request_id"]))
        a, b, c, d, e = rid
        self.server.set_clock(t0 + HOUR)
        for i in (a, b, e):
            self.act(i, "register")
        self.act(c, "forward", agency="west", reason="Двор")
        # d is never registered: overdue from Thu 2 July on.

        # 1 July: June is past; d's registration and the answers are not
        # due yet.
        self.server.set_clock(epoch_of("2026-07-01T12:00:00+03:00"))
        roads = self.same_as_fresh()
        self.assertEqual((roads["received"], roads["answered"]), (5, 0))
        self.assertEqual(roads["registered_in_time"]["of"], 3)
        self.assertEqual(roads["answered_in_time"]["of"], 0)
        computed, until = self.kept_june()
        self.assertGreater(until, computed, "an open deadline bounds it")

        # A late action on a June report: the kept month must follow.
        self.server.set_clock(epoch_of("2026-07-02T12:00:00+03:00"))
        self.act(a, "answer", text="Заделали")
        roads = self.same_as_fresh()
        self.assertEqual(roads["answered"], 1)
        self.assertEqual((roads["answered_in_time"]["count"],
                          roads["answered_in_time"]["of"]), (1, 1))

        # The clock passes d's registration deadline, no write at all.
        self.server.set_clock(epoch_of("2026-07-03T12:00:00+03:00"))
        roads = self.same_as_fresh()
        self.assertEqual(roads["registered_in_time"]["of"], 4)

        # A forward in July ends e's June stay.
        self.act(e, "forward", agency="west", reason="Двор")
        roads = self.same_as_fresh()
        self.assertEqual(roads["forwarded"], 2)

        # b's answer deadline passes.
        self.server.set_clock(epoch_of("2026-08-05T12:00:00+03:00"))
        roads = self.same_as_fresh()
        self.assertEqual((roads["answered_in_time"]["count"],
                          roads["answered_in_time"]["of"]), (1, 2))

        # The clock set back: judged as then, not as kept.
        self.server.set_clock(epoch_of("2026-07-03T13:00:00+03:00"))
        roads = self.same_as_fresh()
        self.assertEqual(roads["answered_in_time"]["of"], 1)
