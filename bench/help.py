#!/usr/bin/env python3
"""
help.py: the help map's matching under load (issue 15, docs/performance.md
"Help map").

    bench/help.py [--veche build/veche] [--posts 100000] [--queries 500]
                  [--radius 30000]

Starts `veche serve --demo` on a fresh database in a temporary folder,
opens a situation (centre of the demo city, --radius metres) as an
administrator over HTTP, stops the server and seeds --posts needs and
offers (random kinds, points, counts and "until"s, contacts in their own
table, R*Tree entries) by SQL in one transaction, starts the server again
and times GET /api/v1/help/bench/posts/{id}/matches for --queries random
needs, one after another on one keep-alive connection.  Then times the
map's viewport load (the GeoJSON export of the whole area, capped at
VECHE_HELP_BBOX_MAX posts).  Prints a Markdown table.
"""
import argparse
import http.client
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLOCK = "2026-06-15T10:00:00+03:00"
NOW = 1781506800                      # CLOCK in Unix seconds
PASSWORD = "correct horse battery"
KINDS = [0, 1, 4, 5]                  # evacuation, water, transport, housing


def start(veche, db, env):
    p = subprocess.Popen([veche, "serve", "--db", db, "--listen",
                          "127.0.0.1:0", "--demo"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env, text=True)
    for line in p.stdout:
        m = re.search(r"listening on http://([^/\s]+)", line)
        if m:
            host, port = m.group(1).rsplit(":", 1)
            return p, host, int(port)
    raise SystemExit("veche did not start")


def stop(p):
    p.terminate()
    p.wait(timeout=60)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body, headers or {})
    r = conn.getresponse()
    return r.status, r.getheaders(), r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--veche", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--posts", type=int, default=100000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--radius", type=float, default=30000)
    a = ap.parse_args()
    env = dict(os.environ, VECHE_CLOCK=CLOCK, VECHE_PWHASH_FAST="1",
               VECHE_DATADIR=os.path.join(ROOT, "data"),
               VECHE_WEBDIR=os.path.join(ROOT, "web"))
    tmp = tempfile.mkdtemp(prefix="veche-help-bench-")
    db = os.path.join(tmp, "veche.db")
    try:
        p, host, port = start(a.veche, db, env)
        subprocess.run([a.veche, "user", "create", "--db", db, "--login",
                        "bench", "--role", "admin"], input=PASSWORD + "\n",
                       text=True, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c = http.client.HTTPConnection(host, port, timeout=60)
        _, _, home = request(c, "GET", "/")
        b = [float(x) for x in re.search(rb'data-bounds="([^"]+)"',
                                         home).group(1).split(b",")]
        lat0, lon0 = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        st, h, body = request(c, "POST", "/api/v1/login", urllib.parse.urlencode(
            {"login": "bench", "password": PASSWORD}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert st == 200, body
        cookie = dict(h)["Set-Cookie"].split(";")[0]
        csrf = json.loads(body)["csrf"]
        form = [("csrf", csrf), ("slug", "bench"), ("title", "Bench"),
                ("lat", str(lat0)), ("long", str(lon0)),
                ("radius", str(a.radius))]
        form += [("kind", k) for k in ("evacuation", "water", "transport",
                                        "housing")]
        st, _, body = request(c, "POST", "/help", urllib.parse.urlencode(form),
                              {"Content-Type": "application/x-www-form-urlencoded",
                               "Cookie": cookie})
        assert st == 303, body
        c.close()
        stop(p)

        rnd = random.Random(15)
        t0 = time.monotonic()
        q = sqlite3.connect(db)
        sid = q.execute("SELECT id FROM help_situations WHERE slug = 'bench'"
                        ).fetchone()[0]
        dlat = a.radius / 111320
        needs = []
        with q:
            for i in range(a.posts):
                # Uniform in the circle.
                r = a.radius * math.sqrt(rnd.random())
                t = rnd.random() * 2 * math.pi
                lat = lat0 + r * math.sin(t) / 111320
                lon = lon0 + r * math.cos(t) / (111320 * math.cos(
                    math.radians(lat0)))
                typ = i % 2
                cur = q.execute(
                    "INSERT INTO help_posts(situation, type, kind, count,"
                    " until, description, lat, lon, created) VALUES"
                    " (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, typ, rnd.choice(KINDS), rnd.randint(1, 50),
                     NOW + rnd.randint(3600, 7 * 86400), "bench post %d" % i,
                     lat, lon, NOW - rnd.randint(0, 3 * 86400)))
                pid = cur.lastrowid
                q.execute("INSERT INTO help_contacts(post, name, phone)"
                          " VALUES (?, ?, ?)", (pid, "Bench %d" % i,
                                                "+7900%07d" % i))
                q.execute("INSERT INTO help_geo VALUES (?, ?, ?, ?, ?)",
                          (pid, lat, lat, lon, lon))
                if typ == 0:
                    needs.append(pid)
        q.close()
        seed = time.monotonic() - t0
        del dlat

        p, host, port = start(a.veche, db, env)
        c = http.client.HTTPConnection(host, port, timeout=60)
        ms, found = [], []
        for pid in rnd.sample(needs, min(a.queries, len(needs))):
            t0 = time.perf_counter()
            st, _, body = request(c, "GET",
                                  "/api/v1/help/bench/posts/%d/matches" % pid)
            ms.append((time.perf_counter() - t0) * 1000)
            assert st == 200, body
            found.append(len(json.loads(body)["offers"]))
        views = []
        for d in (1.0, 0.02):     # the whole area; a street-level viewport
            bbox = "%f,%f,%f,%f" % (lon0 - d, lat0 - d / 2, lon0 + d,
                                    lat0 + d / 2)
            view = []
            for _ in range(9):
                t0 = time.perf_counter()
                st, _, body = request(c, "GET", "/api/v1/help/bench/posts."
                                      "geojson?bbox=" + bbox)
                view.append((time.perf_counter() - t0) * 1000)
                assert st == 200
            views.append((d, len(json.loads(body)["features"]),
                          statistics.median(view)))
        c.close()
        stop(p)
        ms.sort()
        print("| measure | value |\n|---|---:|")
        print("| posts seeded (SQL, one transaction) | %d in %.1f s |" % (
            a.posts, seed))
        print("| matching: requests | %d |" % len(ms))
        print("| matching: p50 / p95 / p99 / max ms | %.1f / %.1f / %.1f / "
              "%.1f |" % (statistics.median(ms), ms[int(len(ms) * .95)],
                          ms[int(len(ms) * .99)], ms[-1]))
        print("| matching: offers per need (mean) | %.1f |" % (
            statistics.mean(found)))
        for d, shown, med in views:
            print("| viewport GeoJSON, %s (%d posts): median ms | %.1f |" % (
                "whole area" if d >= 1 else "a street (%.2f deg)" % d, shown,
                med))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
