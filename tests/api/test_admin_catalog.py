"""
An administrator edits the catalogue on the admin pages (docs/web.md,
Administration): services with their Open311 attributes, agencies, area
deletion.  Each change is audited, takes effect without a restart (Open311
and routing see it on the next request), and bad input is refused with 400
naming the field, writing nothing.
"""
import json
import unittest

from harness import (EAST_POINT, OUTSIDE_POINT, ServerTestCase, Session,
                     multipart, report_fields, square)


class TestAdminCatalog(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("root", "admin")
        cls.server.create_user("op", "operator", ["roads"])

    def setUp(self):
        self.root = Session(self, "root")

    def audit(self, action):
        return self.server.sql(
            "SELECT object, before, after, actor_name FROM audit_log "
            "WHERE action = ? ORDER BY id", (action,))

    def heating_at(self, point):
        rid = self.create(report_fields("heating", point,
                                        description="Холодно"))
        return self.by_id(rid)["agency_responsible"]

    def services(self):
        r = self.get("services.json")
        self.assertEqual(r.status, 200, r)
        return {s["service_code"]: s for s in r.json()}

    def definition(self, code):
        r = self.get("services/%s.json" % code)
        return r

    def test_create_service_with_attributes_then_edit_and_disable(self):
        r = self.root.post("/admin/services", {
            "code": "graffiti", "name_ru": "Граффити", "name_en": "Graffiti"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"],
                         "/admin/services/graffiti/edit?done=saved")
        # Offered at once, with no restart.
        self.assertEqual(self.services()["graffiti"]["service_name"],
                         "Граффити")
        page = self.root.get("/admin/services/graffiti/edit").text()
        self.assertIn('name="attr[0][code]"', page)
        r = self.root.post("/admin/services/graffiti/edit", [
            ("name_ru", "Надписи на стенах"), ("name_en", "Graffiti"),
            ("group_ru", "Благоустройство"), ("type", "realtime"),
            ("attr[0][code]", "surface"),
            ("attr[0][datatype]", "singlevaluelist"),
            ("attr[0][required]", "1"),
            ("attr[0][desc_ru]", "Где надпись"),
            ("attr[0][desc_en]", "Where"),
            ("attr[0][values]", "wall = Стена | Wall\nfence = Забор\n"),
            ("attr[1][code]", "size"), ("attr[1][datatype]", "number"),
            ("attr[1][desc_ru]", "Площадь, м²"),
            ("attr[2][code]", ""), ("attr[2][datatype]", "string")])
        self.assertEqual(r.status, 303, r)
        d = self.definition("graffiti").json()
        attrs = {a["code"]: a for a in d["attributes"]}
        self.assertEqual(sorted(attrs), ["size", "surface"])
        self.assertTrue(attrs["surface"]["required"])
        self.assertEqual(attrs["surface"]["datatype"], "singlevaluelist")
        self.assertEqual([v["key"] for v in attrs["surface"]["values"]],
                         ["wall", "fence"])
        self.assertFalse(attrs["size"]["required"])
        # A report of the new service needs its required attribute.
        fields = report_fields("graffiti", description="Надпись")
        r = self.post("requests.json", fields)
        self.assertEqual(r.status, 400, r)
        fields.append(("attribute[surface]", "wall"))
        self.create(fields)
        # Audited: created, then updated with the state before.
        created = self.audit("service.create")
        self.assertEqual([row[0] for row in created], ["service:graffiti"])
        self.assertEqual(created[0][3], "root")
        updated = [row for row in self.audit("service.update")
                   if row[0] == "service:graffiti"]
        self.assertIn("attributes=", updated[-1][1])
        self.assertIn("surface:singlevaluelist*", updated[-1][2])
        # Disabled: no longer offered nor taken, still editable.
        r = self.root.post("/admin/services/graffiti/edit", [
            ("name_ru", "Надписи на стенах"), ("disabled", "1"),
            ("attr[0][code]", "surface"),
            ("attr[0][datatype]", "singlevaluelist"),
            ("attr[0][desc_ru]", "Где надпись"),
            ("attr[0][values]", "wall = Стена")])
        self.assertEqual(r.status, 303, r)
        self.assertNotIn("graffiti", self.services())
        r = self.post("requests.json", fields)
        self.assertEqual(r.status, 400, r)
        self.assertIn("graffiti", self.root.get("/admin/services").text())
        self.assertEqual(self.root.get(
            "/admin/services/graffiti/edit").status, 200)
        rc, out = self.server.audit_verify()
        self.assertEqual(rc, 0, out)

    def test_bad_service_input_names_the_field_and_writes_nothing(self):
        before = self.definition("pothole").json()
        n_audit = len(self.audit("service.update"))
        cases = [
            ([("name_ru", "")], "name_ru"),
            ([("name_ru", "Яма"), ("attr[0][code]", "a b"),
              ("attr[0][datatype]", "string"),
              ("attr[0][desc_ru]", "x")], "attr[0][code]"),
            ([("name_ru", "Яма"), ("attr[0][code]", "size"),
              ("attr[0][datatype]", "colour")], "attr[0][datatype]"),
            ([("name_ru", "Яма"), ("attr[0][code]", "size"),
              ("attr[0][datatype]", "singlevaluelist"),
              ("attr[0][desc_ru]", "Размер")], "attr[0][values]"),
            ([("name_ru", "Яма"), ("attr[0][code]", "size"),
              ("attr[0][datatype]", "string")], "attr[0][desc_ru]"),
            ([("name_ru", "Яма"), ("attr[0][code]", "size"),
              ("attr[0][datatype]", "string"), ("attr[0][desc_ru]", "a"),
              ("attr[1][code]", "size"), ("attr[1][datatype]", "number"),
              ("attr[1][desc_ru]", "b")], "attr[1][code]"),
            ([("name_ru", "Яма"), ("attr[99][code]", "x")],
             "attr[99][code]"),
            ([("name_ru", "Яма"), ("type", "sometimes")], "type"),
        ]
        for fields, field in cases:
            with self.subTest(field=field):
                r = self.root.post("/admin/services/pothole/edit", fields,
                                   headers={"Accept": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertIn(field, r.json()[0]["description"])
        self.assertEqual(self.definition("pothole").json(), before)
        self.assertEqual(len(self.audit("service.update")), n_audit)
        # A new service whose code is taken, or not a code.
        for code, status in (("pothole", 400), ("a/b", 400), ("", 400)):
            r = self.root.post("/admin/services", {"code": code,
                                                   "name_ru": "Ещё"})
            self.assertEqual(r.status, status, r)
        self.assertEqual(self.root.get("/admin/services/nope/edit").status,
                         404)

    def test_only_admins_edit(self):
        op = Session(self, "op")
        r = op.post("/admin/services/pothole/edit", {"name_ru": "Взлом"})
        self.assertEqual(r.status, 403, r)
        r = op.post("/admin/agencies", {"code": "evil", "name_ru": "Зло"})
        self.assertEqual(r.status, 403, r)
        r = self.root.post("/admin/agencies", {"code": "x", "name_ru": "X"},
                           csrf=False)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.services()["pothole"]["service_name"],
                         "Яма на дороге")

    def test_agencies_create_edit_and_route(self):
        r = self.root.post("/admin/agencies", {
            "code": "noise_police", "name_ru": "Тишина",
            "name_en": "Quiet", "email": "quiet@city.example"})
        self.assertEqual(r.status, 303, r)
        # The new agency takes noise from now on (it was the fallback's).
        rid = self.create(report_fields("noise", description="Шумно"))
        self.assertEqual(self.by_id(rid)["agency_responsible"], "admin")
        r = self.root.post("/admin/agencies/noise_police/edit", [
            ("name_ru", "Служба тишины"), ("email", "quiet@city.example"),
            ("service", "noise")])
        self.assertEqual(r.status, 303, r)
        rid = self.create(report_fields("noise", description="Шумно"))
        self.assertEqual(self.by_id(rid)["agency_responsible"],
                         "noise_police")
        page = self.root.get("/admin/agencies").text()
        self.assertIn("Служба тишины", page)
        rows = [row for row in self.audit("agency.update")
                if row[0] == "agency:noise_police"]
        self.assertIn("services=noise", rows[-1][2])
        self.assertIn("services=", rows[-1][1])
        # Bad input: named, nothing written.
        for fields, field in (
                ({"name_ru": "Тишина", "email": "not-an-address"}, "email"),
                ({"name_ru": ""}, "name_ru"),
                ([("name_ru", "Т"), ("service", "nope")], "service")):
            with self.subTest(field=field):
                r = self.root.post("/admin/agencies/noise_police/edit",
                                   fields,
                                   headers={"Accept": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertIn(field, r.json()[0]["description"])
        self.assertIn("Служба тишины",
                      self.root.get("/admin/agencies").text())
        r = self.root.post("/admin/agencies", {"code": "west",
                                               "name_ru": "Двойник"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.root.get(
            "/admin/agencies/nope/edit").status, 404)

    def test_area_routing_shown_and_area_deleted(self):
        page = self.root.get("/admin/services").text()
        # heating is routed by area (west, east), else to the fallback.
        row = page[page.index('id="service-heating"'):]
        row = row[:row.index("</tr>")]
        self.assertIn("УК Запад (Зоны: 1)", row)
        self.assertIn("УК Восток (Зоны: 1)", row)
        self.assertIn("в остальном городе: Администрация "
                      "(исполнитель по умолчанию)", row)
        # A second area for east around a point outside both districts
        # takes heating there; deleting it gives the point back to the
        # fallback at once.
        ctype, body = multipart([("agency", "east"),
                                 ("csrf", self.root.csrf)],
                                [("area", "a.geojson", "application/json",
                                  json.dumps(square(28.9, 58.9, 29.1,
                                                    59.1)).encode())])
        r = self.fetch("POST", "/admin/agencies/areas", body,
                       self.root._headers({"Content-Type": ctype}))
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.heating_at(OUTSIDE_POINT), "east")
        self.assertIn('id="area-east-2"',
                      self.root.get("/admin/agencies").text())
        r = self.root.post("/admin/agencies/east/areas/2/delete", {})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"],
                         "/admin/agencies?done=area_deleted")
        self.assertEqual(self.heating_at(OUTSIDE_POINT), "admin")
        self.assertEqual(self.heating_at(EAST_POINT), "east")
        self.assertEqual([row[0] for row in self.audit("agency.area_add")],
                         ["agency:east"])
        # Its only area deleted, east serves the whole city (docs/city.md).
        r = self.root.post("/admin/agencies/east/areas/1/delete", {})
        self.assertEqual(r.status, 303, r)
        fc = self.fetch("GET", "/map/areas.geojson").json()
        self.assertEqual([f["properties"]["agency"] for f in fc["features"]],
                         ["west"])
        self.assertEqual([row[0] for row in self.audit(
            "agency.area_delete")], ["agency:east", "agency:east"])
        # No such area (any more).
        r = self.root.post("/admin/agencies/east/areas/1/delete", {})
        self.assertEqual(r.status, 404, r)
        r = self.root.post("/admin/agencies/nope/areas/1/delete", {})
        self.assertEqual(r.status, 404, r)


    def test_answer_templates_edited_offered_and_audited(self):
        page = self.root.get("/admin/templates").text()
        self.assertIn("Работы выполнены", page)
        r = self.root.post("/admin/templates", {
            "title_ru": "Нужны уточнения", "text_ru": "Уточните адрес.",
            "title_en": "Details needed", "text_en": "Give the address."})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], "/admin/templates?done=saved")
        tid = self.server.sql_value("SELECT id FROM answer_templates WHERE "
                                    "title_ru = 'Нужны уточнения'")
        # The desk offers it at once.
        rid = self.create(report_fields("pothole", description="Яма"))
        roads = Session(self, "op")
        for action in ("register", "start"):
            self.assertEqual(roads.post("/desk/reports/%d/%s" % (
                rid, action), {}).status, 303)
        desk = roads.get("/desk/reports/%d" % rid).text()
        self.assertIn('data-text="Уточните адрес."', desk)
        r = self.root.post("/admin/templates/%d" % tid, {
            "title_ru": "Нужны уточнения", "text_ru": "Уточните дом."})
        self.assertEqual(r.status, 303, r)
        self.assertIn('data-text="Уточните дом."',
                      roads.get("/desk/reports/%d" % rid).text())
        # Bad input: named, nothing written.
        for fields, field in (({"title_ru": "", "text_ru": "x"}, "title_ru"),
                              ({"title_ru": "x"}, "text_ru"),
                              ({"title_ru": "x", "text_ru": "x" * 4001},
                               "text_ru")):
            with self.subTest(field=field):
                r = self.root.post("/admin/templates/%d" % tid, fields,
                                   headers={"Accept": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertIn(field, r.json()[0]["description"])
        self.assertIn("Уточните дом.",
                      self.root.get("/admin/templates").text())
        r = self.root.post("/admin/templates/%d/delete" % tid, {})
        self.assertEqual(r.status, 303, r)
        self.assertNotIn("Уточните дом.",
                         roads.get("/desk/reports/%d" % rid).text())
        self.assertEqual(self.root.post("/admin/templates/%d/delete" % tid,
                                        {}).status, 404)
        self.assertEqual(self.root.post("/admin/templates/%d" % tid, {
            "title_ru": "x", "text_ru": "y"}).status, 404)
        self.assertEqual(
            [(row[0], row[1] != "", row[2] != "") for row in
             self.audit("template.create") + self.audit("template.update") +
             self.audit("template.delete")],
            [("template:%d" % tid, False, True),
             ("template:%d" % tid, True, True),
             ("template:%d" % tid, True, False)])


if __name__ == "__main__":
    unittest.main()
