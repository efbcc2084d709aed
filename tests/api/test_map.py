"""
The map without a tile server (docs/web.md, docs/operations.md): the city's
areas as GeoJSON at GET /map/areas.geojson, and tiles from a local MBTiles
file (veche serve --tiles mbtiles:PATH) at GET /tiles/{z}/{x}/{y}.png, the
web's XYZ rows flipped to MBTiles' TMS rows.
"""
import os
import sqlite3
import struct
import subprocess
import tempfile
import unittest
import zlib

from harness import (TEST_ENV, VECHE_BIN, ServerTestCase, folder_args,
                     new_database)


def png(r, g, b):
    """A 1x1 PNG of one colour, made here (no image library needed)."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + \
            struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    raw = zlib.compress(bytes([0, r, g, b]))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", raw) + chunk(b"IEND", b""))


# Zoom 2 has rows 0..3: XYZ row 0 (north) is TMS row 3.
NORTH = png(255, 0, 0)
SOUTH = png(0, 0, 255)


def make_mbtiles(path):
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,"
        " tile_row INTEGER, tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles"
        " (zoom_level, tile_column, tile_row);")
    db.executemany("INSERT INTO metadata VALUES (?, ?)",
                   [("name", "test"), ("format", "png")])
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(2, 1, 3, NORTH), (2, 1, 0, SOUTH)])
    db.commit()
    db.close()


class MapCase(ServerTestCase):

    def page(self, path):
        return self.fetch("GET", path)


class TestAreasGeoJSON(MapCase):
    serve_args = ("--tiles", "none")

    def test_every_area_with_its_agency(self):
        r = self.page("/map/areas.geojson")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "application/geo+json"))
        fc = r.json()
        self.assertEqual(fc["type"], "FeatureCollection")
        got = sorted((f["properties"]["agency"], f["geometry"]["type"])
                     for f in fc["features"])
        # west's area is a geometry, east's a Feature: both come out as
        # Features of their geometry.
        self.assertEqual(got, [("east", "Polygon"), ("west", "Polygon")])
        west = [f for f in fc["features"]
                if f["properties"]["agency"] == "west"][0]
        self.assertEqual(west["properties"]["name"]["ru"], "УК Запад")
        self.assertEqual(west["geometry"]["coordinates"][0][0], [30.0, 60.0])

    def test_no_personal_data(self):
        self.create({"service_code": "heating", "lat": "60.25",
                     "long": "30.25", "description": "Холодно",
                     "email": "secret@example.org", "first_name": "Тайна",
                     "attribute[since]": "2026-06-01T10:00:00+03:00"})
        text = self.page("/map/areas.geojson").text()
        self.assertNotIn("secret@example.org", text)
        self.assertNotIn("Тайна", text)

    def test_no_tiles_without_a_file(self):
        r = self.page("/tiles/2/1/0.png")
        self.assertEqual(r.status, 404)


class TestMBTiles(MapCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "city.mbtiles")
        make_mbtiles(cls.path)
        cls.serve_args = ("--tiles", "mbtiles:" + cls.path)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.tmp.cleanup()

    def test_tiles_with_the_tms_row_flipped(self):
        r = self.page("/tiles/2/1/0.png")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "image/png")
        self.assertEqual(r.body, NORTH)
        self.assertIn("max-age=", r.headers["Cache-Control"])
        self.assertEqual(self.page("/tiles/2/1/3.png").body, SOUTH)

    def test_missing_and_impossible_tiles(self):
        for path in ("/tiles/2/0/0.png", "/tiles/2/4/0.png",
                     "/tiles/2/1/4.png", "/tiles/99/0/0.png",
                     "/tiles/-1/0/0.png", "/tiles/a/0/0.png",
                     "/tiles/2/1/99999999999999999999.png"):
            with self.subTest(path=path):
                self.assertEqual(self.page(path).status, 404)

    def test_the_pages_point_the_map_at_the_local_tiles(self):
        page = self.page("/").text()
        self.assertIn('data-tiles="/tiles/{z}/{x}/{y}.png"', page)

    def test_a_file_that_is_not_mbtiles_stops_the_start(self):
        bad = os.path.join(self.tmp.name, "not.mbtiles")
        with open(bad, "wb") as f:
            f.write(b"hello")
        db = new_database(self.tmp.name, "other.db")
        p = subprocess.run([VECHE_BIN, "serve", "--db", db, "--listen",
                            "127.0.0.1:0", "--tiles", "mbtiles:" + bad] +
                           folder_args(self.tmp.name),
                           capture_output=True, timeout=60, env=TEST_ENV)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"--tiles", p.stderr)
        self.assertIn(b"not.mbtiles", p.stderr)


if __name__ == "__main__":
    unittest.main()
