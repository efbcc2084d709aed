"""
Photos are decoded in a confined worker (docs/architecture.md, "Untrusted
input"): the server spawns `veche photo-worker` for each photo, the worker
decodes under a seccomp filter and sends back clean JPEGs, and the server
writes the files and rows.

- a valid PNG, and the JPEG veche made of it, are kept and served as JPEG;
- a file that looks like a PNG but is none is refused, naming `photo`;
- a worker that dies mid-decode (the test hook VECHE_TEST_PHOTO_WORKER=abort
  makes it abort once confined) gives the uploader a 500 naming `photo`,
  keeps nothing, and the server goes on answering;
- a transparent 1500 x 1500 PNG is kept (the worker is refused a file
  glibc reads lazily, not killed for it);
- the filter is really applied: `veche photo-worker --selftest`, once
  confined, is refused /etc/passwd and killed by SIGSYS for a socket.
"""
import signal
import struct
import subprocess
import unittest
import zlib
from unittest import mock

import harness
import test_edges
from harness import VECHE_BIN, WEST_POINT, ServerTestCase, multipart
from test_edges import png

CSRF = "0123456789abcdef0123456789abcdef"
MARK = b"VECHE-EXIF-GPS-MARKER"


def blank_png(side):
    """A fully transparent RGBA PNG, side x side: a few KB, big decoded."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = (b"\0" * (1 + side * 4)) * side
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 6, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


class PhotoCase(ServerTestCase):

    # The files in media/ and the rows of table photos.
    media_files = test_edges.TestPhotosOfRefusedReports.media_files
    photo_rows = test_edges.TestPhotosOfRefusedReports.photo_rows

    def submit(self, photos, ctype="image/png"):
        """POST /api/v1/reports with photos, as the web form sends it."""
        ctype_body, body = multipart([
            ("csrf", CSRF), ("lat", "%.6f" % WEST_POINT[0]),
            ("long", "%.6f" % WEST_POINT[1]), ("service_code", "other"),
            ("description", "Свалка во дворе")], [
            ("photo", "p%d" % i, ctype, data)
            for i, data in enumerate(photos)])
        return self.fetch("POST", "/api/v1/reports", body, {
            "Content-Type": ctype_body, "Accept": "application/json",
            "Cookie": "veche_csrf=" + CSRF})

    def assert_refused(self, r, status, files, rows):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.json()[0]["description"].startswith("photo: "), r)
        self.assertEqual(self.media_files(), files)
        self.assertEqual(self.photo_rows(), rows)


class TestPhotoWorker(PhotoCase):

    def test_valid_photos_are_kept(self):
        files, rows = self.media_files(), self.photo_rows()
        r = self.submit([png(40, 30)])
        self.assertEqual(r.status, 201, r)
        url = self.by_id(r.json()["id"])["media_url"]
        got = self.fetch("GET", "/media/" + url.rsplit("/", 1)[1])
        self.assertEqual(got.status, 200)
        self.assertEqual(got.body[:3], b"\xff\xd8\xff")
        # The JPEG veche made, with an EXIF block as a camera's: decoded by
        # the worker's JPEG loader, the block does not survive.
        tiff = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0" + MARK
        jpeg = (got.body[:2] + b"\xff\xe1" + struct.pack(">H", len(tiff) + 2)
                + tiff + got.body[2:])
        r = self.submit([jpeg], "image/jpeg")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(len(self.media_files()), len(files) + 4)
        self.assertEqual(self.photo_rows(), rows + 2)
        url = self.by_id(r.json()["id"])["media_url"]
        got = self.fetch("GET", "/media/" + url.rsplit("/", 1)[1])
        self.assertEqual(got.body[:3], b"\xff\xd8\xff")
        self.assertNotIn(MARK, got.body)

    def test_malformed_image_is_refused(self):
        files, rows = self.media_files(), self.photo_rows()
        r = self.submit([b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"x" * 64])
        self.assert_refused(r, 400, files, rows)
        self.assertIn("cannot be read", r.json()[0]["description"])
        r = self.submit([b"\xff\xd8\xff\xe0" + b"\0" * 64], "image/jpeg")
        self.assert_refused(r, 400, files, rows)

    def test_transparent_png_is_kept(self):
        # Freeing its big rows makes glibc look at /proc once, from a
        # thread: the worker must be refused that file, not killed.
        files = self.media_files()
        r = self.submit([blank_png(1500), blank_png(3000)])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(len(self.media_files()), len(files) + 4)

    def test_filter_refuses_open_and_kills(self):
        p = subprocess.run([VECHE_BIN, "photo-worker", "--selftest"],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, -signal.SIGSYS, p.stderr)
        self.assertIn(b'open("/etc/passwd") refused', p.stderr)
        self.assertNotIn(b"through", p.stderr)

    def test_worker_is_not_for_people(self):
        p = subprocess.run([VECHE_BIN, "photo-worker", "--nonsense"],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"usage: veche photo-worker", p.stderr)


class TestPhotoWorkerDies(PhotoCase):
    """Every worker aborts once confined (the test hook)."""

    @classmethod
    def setUpClass(cls):
        with mock.patch.dict(harness.TEST_ENV,
                             VECHE_TEST_PHOTO_WORKER="abort"):
            super().setUpClass()

    def test_crash_is_an_error_and_the_server_answers(self):
        files, rows, reports = self.media_files(), self.photo_rows(), \
            self.count()
        offset = self.server.stderr_size()
        r = self.submit([png()])
        self.assert_refused(r, 500, files, rows)
        self.assertIn("photo worker died on this image (signal %d" %
                      signal.SIGABRT, self.server.stderr(offset))
        # The server goes on: reads, and a report without a photo.
        self.assertEqual(self.count(), reports)
        r = self.submit([])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.count(), reports + 1)


if __name__ == "__main__":
    unittest.main()
