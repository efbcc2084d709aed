"""
An administrator's area upload (POST /admin/agencies/areas, the admin page's
form) routes new reports by the new area at once, without a restart; an
invalid area, or one for an agency that does not exist, is refused and
changes nothing.
"""
import json
import unittest

from harness import ServerTestCase, Session, multipart, report_fields

# Outside both test districts: heating goes to the fallback agency there.
FAR_POINT = (59.0, 29.0)
AREA = {"type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[
            [28.9, 58.9], [29.1, 58.9], [29.1, 59.1], [28.9, 59.1],
            [28.9, 58.9]]]}}


class TestAreaUpload(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("root", "admin")

    def upload(self, session, agency, text):
        ctype, body = multipart([("agency", agency), ("csrf", session.csrf)],
                                [("area", "area.geojson",
                                  "application/geo+json",
                                  text.encode("utf-8"))])
        return self.fetch("POST", "/admin/agencies/areas", body,
                          session._headers({"Content-Type": ctype}))

    def agency_of_new_report(self):
        rid = self.create(report_fields("heating", FAR_POINT,
                                        address_string="ул. Дальняя, 1"))
        return self.by_id(rid)["agency_responsible"]

    def test_uploaded_area_routes_at_once(self):
        self.assertEqual(self.agency_of_new_report(), "admin")
        root = Session(self, "root")
        # A broken ring is refused, naming the area, and routes nothing.
        r = self.upload(root, "east", '{"type":"Polygon","coordinates":'
                        '[[[1,2],[3,4]]]}')
        self.assert_names(r, 400, "area")
        self.assertEqual(self.agency_of_new_report(), "admin")
        # A position with no numbers in it (it crashed GEOS's reader, and
        # with it the server) is refused, naming the position.
        r = self.upload(root, "east", '{"type":"Polygon","coordinates":'
                        '[[[],[0,0],[1,0],[0,0]]]}')
        self.assertEqual(r.status, 400, r)
        self.assertIn("position 0", r.text())
        self.assertEqual(self.agency_of_new_report(), "admin")
        # Without the CSRF token the upload is refused.
        ctype, body = multipart([("agency", "east")],
                                [("area", "a.geojson", "application/json",
                                  json.dumps(AREA).encode())])
        r = self.fetch("POST", "/admin/agencies/areas", body,
                       root._headers({"Content-Type": ctype}))
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.agency_of_new_report(), "admin")
        # An agency that does not exist is not found (the insert's
        # aggregate once made a row for it, refused by its foreign key:
        # a 500).
        r = self.upload(root, "nosuch", json.dumps(AREA))
        self.assertEqual(r.status, 404, r)
        self.assertEqual(self.agency_of_new_report(), "admin")
        # A valid area for "east" takes the point from the next report on.
        r = self.upload(root, "east", json.dumps(AREA))
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.agency_of_new_report(), "east")


if __name__ == "__main__":
    unittest.main()
