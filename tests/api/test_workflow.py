"""
The appeal's life over real HTTP: every action for every kind of caller
(allowed and refused), refusals by state, isolation between agencies,
forwarding, the one extension, reopening within 30 days, "is it fixed?",
overdue lists, agency systems' updates (native JSON and FixMyStreet's
POST servicerequestupdates) and the audit log's hash chain.
"""
import time
import unittest

from harness import (EAST_POINT, WEST_POINT, ServerTestCase, Session,
                     encode_query, report_fields)

DAY = 86400
CONTACT_EMAIL = "reporter.private@example.org"

ACTIONS = ("register", "start", "answer", "close", "reject", "forward",
           "extend", "note")
# The state each action is taken from in the role matrix.
FROM = {"register": "submitted", "start": "registered",
        "answer": "in_progress", "close": "answered",
        "reject": "submitted", "forward": "registered",
        "extend": "registered", "note": "registered"}
# Who may take each action (besides the reporter's own two).
ALLOWED = {
    "register": {"operator", "head", "admin", "key"},
    "start": {"operator", "head", "admin", "key"},
    "answer": {"operator", "head", "admin", "key"},
    "close": {"operator", "head", "admin", "key"},
    "reject": {"moderator", "operator", "head", "admin", "key"},
    "forward": {"operator", "head", "admin", "key"},
    "extend": {"head", "admin", "key"},
    "note": {"operator", "head", "admin", "key"},
}
CALLERS = ("anonymous", "citizen", "moderator", "operator", "head", "admin",
           "key")


def fields_for(action):
    return {"answer": {"text": "Яму заделали"},
            "note": {"text": "Выезд бригады назначен"},
            "reject": {"reason": "duplicate"},
            "forward": {"agency": "west", "reason": "Дорога во дворе"},
            "extend": {"days": "10", "reason": "Нужна экспертиза"},
            }.get(action, {})


class WorkflowCase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.server
        srv.create_user("admin1", "admin")
        srv.create_user("mod1", "moderator")
        srv.create_user("op-roads", "operator", ["roads"])
        srv.create_user("head-roads", "head", ["roads"])
        srv.create_user("op-west", "operator", ["west"])
        srv.create_user("head-west", "head", ["west"])
        srv.create_user("both", "operator", ["west", "roads"])
        srv.create_user("citizen1", "citizen")
        srv.create_user("citizen2", "citizen")
        cls.key_roads = srv.create_key("roads")
        cls.key_west = srv.create_key("west")

    def setUp(self):
        self.s = {
            "citizen": Session(self, "citizen1"),
            "moderator": Session(self, "mod1"),
            "operator": Session(self, "op-roads"),
            "head": Session(self, "head-roads"),
            "admin": Session(self, "admin1"),
        }

    # helpers

    def new_report(self, service="pothole", point=WEST_POINT):
        """A new report (roads for a pothole); returns (id, token)."""
        r = self.post("requests.json", report_fields(
            service, point, email=CONTACT_EMAIL, first_name="Иван"))
        self.assertEqual(r.status, 201, r)
        o = r.json()[0]
        return int(o["service_request_id"]), o["token"]

    def act(self, who, rid, action, fields=None, key=None):
        """POST an action as a session name, 'key' (roads key), a given
        key, or 'anonymous'."""
        path = "/api/v1/reports/%d/%s" % (rid, action)
        fields = dict(fields or {})
        if who == "key" or key is not None:
            fields["api_key"] = key or self.key_roads
            return self.fetch("POST", path, encode_query(fields).encode(),
                              {"Content-Type":
                               "application/x-www-form-urlencoded"})
        if who == "anonymous":
            return self.fetch("POST", path, encode_query(fields).encode(),
                              {"Content-Type":
                               "application/x-www-form-urlencoded"})
        return self.s[who].post(path, fields)

    def ok(self, who, rid, action, fields=None, key=None):
        r = self.act(who, rid, action, fields, key)
        self.assertEqual(r.status, 200, "%s %s: %r" % (who, action, r))
        return r.json()

    def bring(self, rid, state, key=None):
        """Take report rid from submitted to state with an API key (the
        roads key unless given)."""
        path = {"submitted": [], "registered": ["register"],
                "in_progress": ["register", "start"],
                "answered": ["register", "start", "answer"],
                "closed": ["register", "start", "answer", "close"]}[state]
        for a in path:
            self.ok("key", rid, a, fields_for(a), key=key)

    def view(self, rid, who="admin"):
        r = self.s[who].get("/api/v1/reports/%d" % rid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def history(self, rid):
        r = self.fetch("GET", "/api/v1/reports/%d/history" % rid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def sql(self, statement, *args):
        self.server.sql(statement, args)


class TestRoles(WorkflowCase):

    def test_every_action_every_caller(self):
        for action in ACTIONS:
            for who in CALLERS:
                with self.subTest(action=action, who=who):
                    rid, _ = self.new_report()
                    self.bring(rid, FROM[action])
                    r = self.act(who, rid, action, fields_for(action))
                    if who in ALLOWED[action]:
                        self.assertEqual(r.status, 200, r)
                    elif who == "anonymous":
                        self.assertEqual(r.status, 401, r)
                    else:
                        self.assertEqual(r.status, 403, r)
                        self.assertEqual(self.view(rid)["status"],
                                         FROM[action] if FROM[action] !=
                                         "forwarded" else "submitted")

    def test_reporter_actions_refused_to_staff(self):
        rid, _ = self.new_report()
        self.bring(rid, "answered")
        for who in ("citizen", "moderator", "operator", "head", "admin",
                    "key", "anonymous"):
            for action, f in (("reopen", {}), ("fixed", {"fixed": "yes"})):
                with self.subTest(who=who, action=action):
                    r = self.act(who, rid, action, f)
                    self.assert_error(r, "json", 403, "token")
        self.assertEqual(self.view(rid)["status"], "answered")

    def test_refused_by_state(self):
        rid, token = self.new_report()
        cases = [("start", 409), ("answer", 409), ("close", 409),
                 ("extend", 409)]
        for action, status in cases:
            r = self.act("operator" if action != "extend" else "head", rid,
                         action, fields_for(action))
            self.assert_error(r, "json", status, "status")
        r = self.act("anonymous", rid, "reopen", {"token": token})
        self.assert_error(r, "json", 409, "status")
        self.bring(rid, "registered")
        r = self.act("operator", rid, "register")
        self.assert_error(r, "json", 409, "status")
        self.bring_more(rid)
        r = self.act("operator", rid, "reject", {"reason": "duplicate"})
        self.assert_error(r, "json", 409, "status")
        r = self.act("operator", rid, "forward", fields_for("forward"))
        self.assert_error(r, "json", 409, "status")

    def bring_more(self, rid):
        self.ok("key", rid, "start")
        self.ok("key", rid, "answer", fields_for("answer"))

    def test_bad_input_names_field(self):
        rid, _ = self.new_report()
        self.assert_error(self.act("operator", rid, "reject",
                                   {"reason": "boring"}), "json", 400,
                          "reason")
        self.bring(rid, "registered")
        self.assert_error(self.act("operator", rid, "answer", {}), "json",
                          400, "text")
        self.assert_error(self.act("operator", rid, "forward",
                                   {"agency": "west"}), "json", 400,
                          "reason")
        self.assert_error(self.act("operator", rid, "forward",
                                   {"agency": "nope", "reason": "x"}),
                          "json", 400, "agency")
        self.assert_error(self.act("head", rid, "extend",
                                   {"days": "31", "reason": "x"}), "json",
                          400, "days")
        self.assert_error(self.act("head", rid, "extend", {"days": "5"}),
                          "json", 400, "reason")
        r = self.fetch("POST", "/api/v1/reports/999999/register",
                       encode_query({"api_key": self.key_roads}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_error(r, "json", 404, "id")

    def test_every_reject_reason_and_moderator(self):
        for reason in ("duplicate", "no_contact", "obscene",
                       "not_government", "unreadable"):
            rid, _ = self.new_report()
            o = self.ok("moderator", rid, "reject", {"reason": reason,
                                                     "note": "см. правила"})
            self.assertEqual(o["status"], "rejected")
            self.assertEqual(o["reject_reason"], reason)
            public = self.by_id(rid)
            self.assertEqual(public["status"], "closed")
            # Obscene or threatening text is not republished; other
            # rejected reports keep their text in public.
            if reason == "obscene":
                self.assertIsNone(public["description"])
                page = self.fetch("GET", "/reports/%d" % rid)
                self.assertEqual(page.status, 200)
                self.assertNotIn("Тестовое обращение", page.text())
            else:
                self.assertIsNotNone(public["description"])


class TestLife(WorkflowCase):

    def test_full_life_in_open311(self):
        rid, _ = self.new_report()
        before = self.epoch(self.by_id(rid)["updated_datetime"])
        self.server.advance(600)
        self.ok("operator", rid, "register")
        o = self.by_id(rid)
        self.assertIn("зарегистрировано", o["status_notes"])
        self.assertGreaterEqual(self.epoch(o["updated_datetime"]),
                                before + 600)
        self.ok("operator", rid, "start", {"note": "Бригада выехала"})
        self.assertEqual(self.by_id(rid)["status_notes"], "Бригада выехала")
        self.ok("operator", rid, "note", {"text": "Асфальт завезли"})
        o = self.ok("operator", rid, "answer", {"text": "Яма заделана"})
        self.assertEqual(o["answer"], "Яма заделана")
        self.assertEqual(self.by_id(rid)["status_notes"], "Яма заделана")
        self.assertEqual(self.by_id(rid, {"extensions": "true"})
                         ["extended_attributes"]["status"], "answered")
        self.ok("head", rid, "close")
        o = self.by_id(rid)
        self.assertEqual(o["status"], "closed")
        h = self.history(rid)
        self.assertEqual([e["action"] for e in h["history"]],
                         ["submit", "register", "start", "note", "answer",
                          "close"])
        self.assertEqual([e["status"] for e in h["history"]][-1], "closed")
        # The same changes are FixMyStreet's servicerequestupdates.
        r = self.get("servicerequestupdates.json")
        ups = [u for u in r.json() if int(u["service_request_id"]) == rid]
        self.assertEqual(len(ups), 6)
        self.assertIn("Яма заделана", [u["description"] for u in ups])

    def test_history_is_public_without_personal_data(self):
        rid, _ = self.new_report()
        self.bring(rid, "answered")
        r = self.fetch("GET", "/api/v1/reports/%d/history" % rid)
        self.assertEqual(r.status, 200)
        self.assertNotIn(CONTACT_EMAIL, r.text())
        self.assertNotIn("Иван", r.text())
        self.assertNotIn("op-roads", r.text())
        self.assertNotIn("contact", r.json())

    def test_forwarding_restarts_the_clock(self):
        rid, _ = self.new_report()
        self.ok("operator", rid, "register")
        # Registered five days ago: forwarding is still allowed.
        old = self.server.now() - 5 * DAY
        self.sql("UPDATE reports SET registered = ?, expected = ? "
                 "WHERE id = ?", old, old + 30 * DAY, rid)
        o = self.ok("operator", rid, "forward",
                    {"agency": "west", "reason": "Внутриквартальный проезд"})
        self.assertEqual(o["state"], "forwarded")
        self.assertEqual(o["status"], "submitted")
        self.assertEqual(o["agency"], "west")
        self.assertEqual(o["forwarded_from"], "roads")
        self.assertEqual(o["forward_reason"], "Внутриквартальный проезд")
        self.assertIsNone(o["registered"])
        self.assertEqual(self.by_id(rid)["agency_responsible"], "west")
        # The sending agency has let go of it.
        self.assert_error(self.act("operator", rid, "register"), "json",
                          403, "agency")
        self.assert_error(self.act("key", rid, "register"), "json", 403,
                          "agency")
        west = Session(self, "op-west")
        r = west.post("/api/v1/reports/%d/register" % rid)
        self.assertEqual(r.status, 200, r)
        o = r.json()
        self.assertEqual(o["state"], "registered")
        # The answer is due 30 days after the receiving agency's registration.
        reg = self.view(rid)
        h = self.history(rid)["history"]
        self.assertEqual([e["action"] for e in h],
                         ["submit", "register", "forward", "register"])
        self.assertEqual(h[2]["agency"], "west")
        self.assertGreater(self.epoch(reg["registered"]), old + 4 * DAY)
        self.assertGreater(self.epoch(reg["answer_due"]), old + 30 * DAY)
        # The same due date as a report registered for the first time now.
        fresh, _ = self.new_report()
        self.ok("operator", fresh, "register")
        self.assertEqual(reg["answer_due"], self.view(fresh)["answer_due"])

    def epoch(self, w3c):
        import datetime as dt
        return int(dt.datetime.fromisoformat(w3c).timestamp())

    def test_forwarding_window_is_seven_days(self):
        rid, _ = self.new_report()
        self.ok("operator", rid, "register")
        past = self.server.now() - 20 * DAY
        self.sql("UPDATE reports SET registered = ?, forward_due = ? "
                 "WHERE id = ?", past, past + 9 * DAY, rid)
        r = self.act("operator", rid, "forward", fields_for("forward"))
        self.assert_error(r, "json", 409, "status")
        self.assertEqual(self.view(rid)["agency"], "roads")

    def test_one_extension_with_reason(self):
        rid, _ = self.new_report()
        self.bring(rid, "in_progress")
        due = self.epoch(self.view(rid)["answer_due"])
        self.assert_error(self.act("operator", rid, "extend",
                                   fields_for("extend")), "json", 403,
                          "role")
        o = self.ok("head", rid, "extend", {"days": "10",
                                            "reason": "Нужна экспертиза"})
        self.assertTrue(o["extended"])
        self.assertEqual(o["extension_reason"], "Нужна экспертиза")
        # Ten days on, stepped back off days off (docs/deadlines.md).
        self.assertGreater(self.epoch(o["answer_due"]), due)
        self.assertLessEqual(self.epoch(o["answer_due"]), due + 10 * DAY)
        # The reporter sees it: in Open311 and in the public history.
        self.assertIn("Нужна экспертиза", self.by_id(rid)["status_notes"])
        h = self.history(rid)
        self.assertEqual(h["extension_reason"], "Нужна экспертиза")
        self.assertEqual(h["history"][-1]["action"], "extend")
        self.assertEqual(h["history"][-1]["answer_due"], o["answer_due"])
        r = self.act("admin", rid, "extend", {"days": "5", "reason": "ещё"})
        self.assertEqual(r.status, 409, r)
        self.assertEqual(self.view(rid)["answer_due"], o["answer_due"])

    def test_extension_over_new_year_moves_the_date_on(self):
        # Bug: an answer due 30 December (registered 30 November) extended
        # by 10 days stepped back over the New Year days off onto the same
        # date.  Now it ends on the first working day after the holidays
        # (Civil Code art. 193, docs/deadlines.md).
        rid, _ = self.new_report()
        self.bring(rid, "in_progress")
        self.sql("UPDATE reports SET expected = ? WHERE id = ?",
                 self.epoch("2026-12-30T23:59:59+03:00"), rid)
        o = self.ok("head", rid, "extend", {"days": "10", "reason": "Экспертиза"})
        self.assertEqual(o["answer_due"], "2027-01-11T23:59:59+03:00")

    def test_reopen_within_thirty_days_by_token(self):
        rid, token = self.new_report()
        self.bring(rid, "answered")
        self.assert_error(self.act("anonymous", rid, "reopen",
                                   {"token": "0" * 32}), "json", 403,
                          "token")
        o = self.ok("anonymous", rid, "reopen", {"token": token,
                                                 "note": "Яма на месте"})
        self.assertEqual(o["status"], "in_progress")
        self.assertEqual(o["fixed"], False)
        self.assertEqual(o["reopened"], 1)
        self.ok("operator", rid, "answer", {"text": "Заделали ещё раз"})
        self.sql("UPDATE reports SET answered = ? WHERE id = ?",
                 self.server.now() - 31 * DAY, rid)
        r = self.act("anonymous", rid, "reopen", {"token": token})
        self.assert_error(r, "json", 409, "status")
        self.sql("UPDATE reports SET answered = ? WHERE id = ?",
                 self.server.now() - 29 * DAY, rid)
        self.ok("anonymous", rid, "reopen", {"token": token})

    def test_is_it_fixed_is_public_and_once(self):
        rid, token = self.new_report()
        self.bring(rid, "answered")
        self.assertIsNone(self.history(rid)["fixed"])
        self.assert_error(self.act("anonymous", rid, "fixed",
                                   {"token": token, "fixed": "maybe"}),
                          "json", 400, "fixed")
        o = self.ok("anonymous", rid, "fixed", {"token": token,
                                                "fixed": "yes"})
        self.assertEqual(o["fixed"], True)
        self.assertEqual(o["status"], "answered")
        h = self.history(rid)
        self.assertEqual(h["fixed"], True)
        self.assertEqual(h["history"][-1]["action"], "fixed")
        r = self.act("anonymous", rid, "fixed", {"token": token,
                                                 "fixed": "no"})
        self.assertEqual(r.status, 409, r)

    def test_citizen_account_is_the_reporters_proof(self):
        mine = self.s["citizen"].post("/api/v1/me/reports", report_fields(
            "other", WEST_POINT, email=CONTACT_EMAIL))
        self.assertEqual(mine.status, 201, mine)
        rid = mine.json()["id"]
        self.assertEqual(mine.json()["agency"], "admin")
        self.bring(rid, "answered", key=self.api_key)
        other = Session(self, "citizen2")
        r = other.post("/api/v1/reports/%d/reopen" % rid)
        self.assert_error(r, "json", 403, "token")
        r = self.s["citizen"].post("/api/v1/reports/%d/reopen" % rid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "in_progress")
        # Anonymous reporting still works without an account.
        self.new_report()

    def test_overdue_lists(self):
        late, _ = self.new_report()
        self.sql("UPDATE reports SET register_due = ? WHERE id = ?",
                 self.server.now() - DAY, late)
        answer_late, _ = self.new_report()
        self.bring(answer_late, "in_progress")
        self.sql("UPDATE reports SET expected = ? WHERE id = ?",
                 self.server.now() - 2 * DAY, answer_late)
        on_time, _ = self.new_report()
        r = self.s["operator"].get("/api/v1/agencies/roads/overdue")
        self.assertEqual(r.status, 200, r)
        got = {o["id"]: o for o in r.json()}
        self.assertIn(late, got)
        self.assertEqual(got[late]["deadline"], "register")
        self.assertEqual(got[answer_late]["deadline"], "answer")
        self.assertGreaterEqual(got[answer_late]["overdue_days"], 1)
        self.assertNotIn(on_time, got)
        self.assertTrue(self.view(late)["overdue"])
        r = Session(self, "op-west").get("/api/v1/agencies/roads/overdue")
        self.assert_error(r, "json", 403, "agency")
        r = self.fetch("GET", "/api/v1/agencies/roads/overdue?api_key=" +
                       self.key_west)
        self.assert_error(r, "json", 403, "agency")
        r = self.s["admin"].get("/api/v1/overdue")
        self.assertEqual(r.status, 200, r)
        self.assertIn(late, [o["id"] for o in r.json()])
        self.assertEqual(self.s["operator"].get("/api/v1/overdue").status,
                         403)
        r = self.fetch("GET", "/api/v1/overdue?api_key=" + self.key_roads)
        self.assertEqual(r.status, 403, r)
        r = self.fetch("GET", "/api/v1/overdue?api_key=" + self.api_key)
        self.assertEqual(r.status, 200, r)
        self.assertIn(late, [o["id"] for o in r.json()])


class TestIsolation(WorkflowCase):
    """An operator of agency A can neither read the private contact of nor
    change a report of agency B, on every write route."""

    def test_every_write_route_refused_across_agencies(self):
        west = Session(self, "op-west")
        head_west = Session(self, "head-west")
        for action in ACTIONS:
            rid, _ = self.new_report()
            self.bring(rid, FROM[action])
            before = self.view(rid)
            for caller in (west, head_west, "key-west"):
                with self.subTest(action=action, caller=str(caller)):
                    path = "/api/v1/reports/%d/%s" % (rid, action)
                    if caller == "key-west":
                        r = self.act(None, rid, action, fields_for(action),
                                     key=self.key_west)
                    else:
                        r = caller.post(path, fields_for(action))
                    self.assertEqual(r.status, 403, r)
            after = self.view(rid)
            self.assertEqual(before["status"], after["status"])
            self.assertEqual(before["updated"], after["updated"])
        rid, _ = self.new_report()
        r = self.fetch("POST", "/open311/v2/servicerequestupdates.json",
                       encode_query({"api_key": self.key_west,
                                     "service_request_id": rid,
                                     "status": "IN_PROGRESS",
                                     "description": "x"}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.view(rid)["status"], "submitted")

    def test_contact_only_for_the_responsible_agency(self):
        rid, _ = self.new_report()
        for who in ("operator", "head", "admin"):
            o = self.view(rid, who)
            self.assertEqual(o["contact"]["email"], CONTACT_EMAIL, who)
        # A moderator judges the text, not the person: no contact data.
        o = self.view(rid, "moderator")
        self.assertNotIn("contact", o)
        for login in ("op-west", "head-west"):
            r = Session(self, login).get("/api/v1/reports/%d" % rid)
            self.assertEqual(r.status, 200, r)
            self.assertNotIn(CONTACT_EMAIL, r.text())
            self.assertNotIn("contact", r.json())
        r = self.fetch("GET", "/api/v1/reports/%d?api_key=%s" % (
            rid, self.key_west))
        self.assertNotIn(CONTACT_EMAIL, r.text())
        r = self.fetch("GET", "/api/v1/reports/%d?api_key=%s" % (
            rid, self.key_roads))
        self.assertIn(CONTACT_EMAIL, r.text())
        self.assertEqual(self.s["citizen"].get(
            "/api/v1/reports/%d" % rid).status, 403)
        self.assertEqual(self.fetch("GET", "/api/v1/reports/%d" % rid)
                         .status, 401)
        # Bound to both agencies: acts for either.
        both = Session(self, "both")
        self.assertIn(CONTACT_EMAIL, both.get("/api/v1/reports/%d" % rid)
                      .text())
        self.assertEqual(both.post("/api/v1/reports/%d/register" % rid)
                         .status, 200)


class TestAgencySystems(WorkflowCase):

    def fms(self, fields, fmt="json", key=None):
        fields = dict(fields)
        fields["api_key"] = key or self.key_roads
        return self.fetch("POST", "/open311/v2/servicerequestupdates." + fmt,
                          encode_query(fields).encode(),
                          {"Content-Type":
                           "application/x-www-form-urlencoded"})

    def test_fixmystreet_updates(self):
        rid, _ = self.new_report()
        r = self.fms({"service_request_id": rid, "status": "IN_PROGRESS",
                      "description": "Передано подрядчику",
                      "update_id": "ext-1",
                      "updated_datetime": "2026-03-01T10:00:00+03:00"})
        self.assertEqual(r.status, 200, r)
        uid = r.json()[0]["update_id"]
        r = self.fms({"service_request_id": rid, "status": "OPEN",
                      "description": "Ждём асфальт"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.view(rid)["status"], "in_progress")
        self.assertEqual(self.by_id(rid)["status_notes"], "Ждём асфальт")
        # The same update again changes nothing.
        n = len(self.history(rid)["history"])
        r = self.fms({"service_request_id": rid, "status": "IN_PROGRESS",
                      "description": "Передано подрядчику",
                      "update_id": "ext-1"})
        self.assertEqual(r.json()[0]["update_id"], uid)
        self.assertEqual(len(self.history(rid)["history"]), n)
        r = self.fms({"service_request_id": rid, "status": "FIXED",
                      "description": "Яма заделана"}, fmt="xml")
        self.assertEqual(r.status, 200, r)
        root = r.xml()
        self.assertEqual(root.tag, "service_request_updates")
        self.assertTrue(root.findtext("request_update/update_id"))
        v = self.view(rid)
        self.assertEqual(v["status"], "answered")
        self.assertEqual(v["answer"], "Яма заделана")
        ups = [u for u in self.get("servicerequestupdates.json").json()
               if int(u["service_request_id"]) == rid]
        self.assertIn("Передано подрядчику",
                      [u["description"] for u in ups])
        self.assertEqual(ups[-1]["extended_status"], "answered")
        r = self.fms({"service_request_id": rid, "status": "CLOSED"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.by_id(rid)["status"], "closed")

    def test_fixmystreet_status_walks_and_refusals(self):
        rid, _ = self.new_report()
        r = self.fms({"service_request_id": rid, "status": "closed",
                      "description": "Сделано"})
        self.assertEqual(r.status, 200, r)
        acts = [e["action"] for e in self.history(rid)["history"]]
        self.assertEqual(acts, ["submit", "register", "answer", "close"])
        rid, _ = self.new_report()
        r = self.fms({"service_request_id": rid, "status": "FIXED"})
        self.assert_error(r, "json", 400, "text")
        self.assertEqual(self.view(rid)["status"], "submitted")
        self.assert_error(self.fms({"service_request_id": rid,
                                    "status": "INTERNAL_REFERRAL"}),
                          "json", 400, "status")
        self.assert_error(self.fms({"service_request_id": rid,
                                    "status": "SPLENDID"}, fmt="xml"),
                          "xml", 400, "status")
        r = self.fms({"service_request_id": rid, "status": "DUPLICATE"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.view(rid)["reject_reason"], "duplicate")
        r = self.fetch("POST", "/open311/v2/servicerequestupdates.json",
                       encode_query({"service_request_id": rid,
                                     "status": "OPEN"}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_error(r, "json", 403, "api_key")

    def test_native_json_with_header_key(self):
        rid, _ = self.new_report()
        for action, body in (("register", {"note": "Принято"}),
                             ("answer", {"text": "Ответ по JSON"})):
            r = self.fetch("POST", "/api/v1/reports/%d/%s" % (rid, action),
                           __import__("json").dumps(body).encode(),
                           {"Content-Type": "application/json",
                            "X-Api-Key": self.key_roads})
            self.assertEqual(r.status, 200, r)
        self.assertEqual(self.view(rid)["answer"], "Ответ по JSON")
        r = self.fetch("POST", "/api/v1/reports/%d/note" % rid, b"{oops",
                       {"Content-Type": "application/json",
                        "X-Api-Key": self.key_roads})
        self.assert_error(r, "json", 400, "body")


class TestAudit(WorkflowCase):

    def test_chain_verifies_and_detects_an_edited_row(self):
        rid, _ = self.new_report()
        self.bring(rid, "closed")
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r"audit: \d+ entries, chain intact")
        rows = self.server.sql("SELECT id, actor_name, action, object, "
                               "before, after FROM audit_log WHERE object = ? "
                               "ORDER BY id", ("report:%d" % rid,))
        self.assertEqual([r[2] for r in rows],
                         ["report.submit", "report.register", "report.start",
                          "report.answer", "report.close"])
        # The submission records the agency it was assigned to.
        self.assertIn("status=submitted agency=", rows[0][5])
        self.assertTrue(rows[3][4].startswith("status=in_progress"))
        self.assertIn("status=answered", rows[3][5])
        self.assertIn("Яму заделали", rows[3][5])
        self.assertTrue(rows[3][1].startswith("api-key"))
        victim = rows[3][0]
        self.sql("UPDATE audit_log SET after = replace(after, "
                 "'Яму заделали', 'Всё хорошо') WHERE id = ?", victim)
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 1, out)
        self.assertIn("entry %d" % victim, out)


if __name__ == "__main__":
    unittest.main()
