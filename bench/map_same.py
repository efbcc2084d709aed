#!/usr/bin/env python3
"""The public map's answers from two builds compared (issue 11).

    bench/map_same.py OLD_VECHE NEW_VECHE DB [VIEWS] [FROZEN_TIME]

Serves each binary in turn on DB (a copy: servers write to the database
they open) under one frozen clock (libfaketime, FROZEN_TIME default
"2026-12-01 06:00:00", so the standing periods do not move between the
two), asks both the same VIEWS (default 400) random views of
/map/clusters.json (bench/map.lua's shape at zoom 8 to 18, three screen
sizes, the periods, status and service filters, some refused), each view twice: as the viewport
(6 decimals) and snapped outward to the zoom's 64 px cells as the map page
asks for it (web/js/veche.js, snappedBox), and prints
how many answers differ and in what: total, counts, statuses, positions,
the list.  A cluster's position (its reports' mean) may differ by up to
TOLERANCE degrees (2e-6, about 0.2 m: the order the sums are added in);
everything else must be equal.  Exit status 1 when any differs beyond
that.  With main's binary as OLD, the snapped views compare the new
binary's cells counted whole (no report read at the box's edge) with
main's report-by-report counting of the same boxes' edges.
"""
import json
import math
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request

PORT = int(os.environ.get("BENCH_PORT", "18396"))
BOX = (39.75, 57.56, 40.02, 57.70)      # the demo city
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
TOLERANCE = 2e-6                        # degrees: a cluster's position


def px(lon, lat, z):
    s = 256 * 2 ** z
    r = math.radians(lat)
    return ((lon + 180) / 360 * s,
            (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * s)


def ll(x, y, z):
    s = 256 * 2 ** z
    k = math.pi - 2 * math.pi * y / s
    return x / s * 360 - 180, math.degrees(math.atan(math.sinh(k)))


def snapped(x0, y0, x1, y1, z):
    """The pixel box snapped outward to 64 px cells, each edge half a unit
    (2^-32 of the world) inside: west, south, east, north in degrees."""
    unit = 256 * 2 ** z / 2 ** 32
    cx0, cy0 = math.floor(x0 / 64) * 64, math.floor(y0 / 64) * 64
    cx1, cy1 = math.ceil(x1 / 64) * 64, math.ceil(y1 / 64) * 64
    w0, n0 = ll(cx0 + unit / 2, cy0 + unit / 2, z)
    e0, s0 = ll(cx1 - unit / 2, cy1 - unit / 2, z)
    return w0, s0, e0, n0


def views(n):
    rnd = random.Random(7)
    out = []
    for _ in range(n):
        z = rnd.randint(8, 18)
        lon = BOX[0] + rnd.random() * (BOX[2] - BOX[0])
        lat = BOX[1] + rnd.random() * (BOX[3] - BOX[1])
        w, h = rnd.choice([(1280, 800), (1280, 800), (400, 300), (1900, 1000)])
        x, y = px(lon, lat, z)
        w0, n0 = ll(x - w / 2, y - h / 2, z)
        e0, s0 = ll(x + w / 2, y + h / 2, z)
        q = "/map/clusters.json?bbox=%.6f,%.6f,%.6f,%.6f&zoom=%d" % (
            w0, s0, e0, n0, z)
        a = "/map/clusters.json?bbox=%r,%r,%r,%r&zoom=%d" % (
            snapped(x - w / 2, y - h / 2, x + w / 2, y + h / 2, z) + (z,))
        f = rnd.choice(["", "", "&days=7", "&days=30", "&days=90",
                        "&days=365", "&status=open", "&status=closed",
                        "&days=30&status=open", "&service_code=pothole",
                        "&days=7&service_code=streetlight"])
        out += [q + f, a + f]
    return out


def answers(binary, db, urls, when, log):
    env = dict(os.environ, FAKETIME=when, FAKETIME_DONT_FAKE_MONOTONIC="1",
               LD_PRELOAD=FAKETIME_LIB)
    with open(log, "w") as f:
        p = subprocess.Popen([binary, "serve", "--db", db, "--listen",
                              "127.0.0.1:%d" % PORT, "--threads", "4",
                              "--no-cache", "--suggest-hours", "0",
                              "--data-dir", ""], stdout=f, stderr=f, env=env)
    try:
        for _ in range(900):
            time.sleep(0.2)
            if "listening" in open(log).read():
                break
        else:
            sys.exit("map_same: %s did not start (%s)" % (binary, log))
        got = []
        for q in urls:
            try:
                got.append(urllib.request.urlopen(
                    "http://127.0.0.1:%d%s" % (PORT, q)).read().decode())
            except urllib.error.HTTPError as e:
                got.append("HTTP %d %s" % (e.code, e.read().decode()))
        return got
    finally:
        p.terminate()
        p.wait()


def near(a, b):
    """Whether answers a and b are equal but for positions within
    TOLERANCE, and how far apart their positions are at most."""
    try:
        x, y = json.loads(a), json.loads(b)
    except ValueError:
        return False, 0.0
    if not isinstance(x, dict) or not isinstance(y, dict) or \
            "clusters" not in x or "clusters" not in y or \
            len(x["clusters"]) != len(y["clusters"]):
        return False, 0.0
    far = 0.0
    for c, d in zip(x["clusters"], y["clusters"]):
        for key in ("lat", "long"):
            far = max(far, abs(c[key] - d[key]))
            c[key] = d[key] = 0
    return x == y and far <= TOLERANCE, far


def what(a, b):
    try:
        x, y = json.loads(a), json.loads(b)
    except ValueError:
        return "refusal"
    k = []
    if x["total"] != y["total"]:
        k.append("total")
    for name, f in (("counts", lambda c: c["count"]),
                    ("statuses", lambda c: c["status"]),
                    ("positions", lambda c: (c["lat"], c["long"]))):
        if [f(c) for c in x["clusters"]] != [f(c) for c in y["clusters"]]:
            k.append(name)
    if x["reports"] != y["reports"]:
        k.append("list")
    return ",".join(k) or "other"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    old, new, db = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    when = sys.argv[5] if len(sys.argv) > 5 else "2026-12-01 06:00:00"
    urls = views(n)
    n = len(urls)
    a = answers(old, db, urls, when, "/tmp/map_same-old.log")
    b = answers(new, db, urls, when, "/tmp/map_same-new.log")
    kinds = {}
    close, farthest = 0, 0.0
    differ = {"viewport": 0, "snapped": 0}
    for i, (q, x, y) in enumerate(zip(urls, a, b)):
        if x != y:
            ok, far = near(x, y)
            if ok:
                close += 1
                farthest = max(farthest, far)
                continue
            k = what(x, y)
            kinds[k] = kinds.get(k, 0) + 1
            differ["snapped" if i % 2 else "viewport"] += 1
            print("differs (%s): %s" % (k, q))
    refused = sum(1 for x in a if x.startswith("HTTP "))
    print("map_same: %d views (%d refused by both), %d with positions "
          "within %g (at most %.2g apart), %d answers differ%s" % (
        n, refused, close, TOLERANCE, farthest, sum(kinds.values()),
        "" if not kinds else ": " + ", ".join(
            "%s %d" % kv for kv in sorted(kinds.items()))))
    print("map_same: of them %d viewports and %d snapped boxes" % (
        differ["viewport"], differ["snapped"]))
    sys.exit(1 if kinds else 0)


if __name__ == "__main__":
    main()
