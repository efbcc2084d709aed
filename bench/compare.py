#!/usr/bin/env python3
"""Compare two veche servers' answers byte for byte (issue 11).

    bench/compare.py URL_A URL_B [N [SEED [T1]]]

Asks both servers the same N (default 500) varied Open311 reads: random
boxes of the demo city, pages 1 to 3 (and deep pages), JSON and XML, with
and without extensions, Russian and English, updated_after polls (an instant
of the last 10 minutes, day or month before T1, default now) and /rss,
each twice on B (the second from its kept items), and prints how
many answers differed (each difference's URL).  Exit status 1 if any did.
"""
import random
import sys
import time
import urllib.request

BOX = (39.75, 57.56, 40.02, 57.70)


def get(base, path, lang):
    req = urllib.request.Request(base + path)
    if lang:
        req.add_header("Accept-Language", lang)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def paths(n, rnd, t1):
    out = ["/rss", "/open311/v2/requests.json?page_size=50"]
    for _ in range(n // 4):
        t = t1 - int(rnd.random() * rnd.choice((600, 86400, 30 * 86400)))
        out.append("/open311/v2/requests.%s?updated_after=%s&page_size=%d"
                   "&page=%d%s" % (
                       rnd.choice(("json", "xml")), time.strftime(
                           "%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                       rnd.choice((50, 50, 10, 200)),
                       rnd.choice((1, 1, 2, 5)),
                       rnd.choice(("", "", "&extensions=true"))))
    for _ in range(n):
        d = rnd.choice((0.002, 0.01, 0.05, 0.3))
        lon = BOX[0] + rnd.random() * (BOX[2] - BOX[0] - min(d, 0.2))
        lat = BOX[1] + rnd.random() * (BOX[3] - BOX[1] - min(d, 0.1) * 0.6)
        fmt = rnd.choice(("json", "json", "xml"))
        q = "bbox=%.6f,%.6f,%.6f,%.6f&page=%d&page_size=%d" % (
            lon, lat, lon + d, lat + d * 0.6, rnd.choice((1, 1, 2, 3, 7)),
            rnd.choice((50, 50, 10, 100)))
        if rnd.random() < 0.3:
            q += "&extensions=true"
        if rnd.random() < 0.2:
            q += "&status=" + rnd.choice(("open", "closed", "open,closed"))
        out.append("/open311/v2/requests.%s?%s" % (fmt, q))
    return out


def main():
    a, b = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
    bad = 0
    t1 = int(sys.argv[5]) if len(sys.argv) > 5 else int(time.time())
    ps = paths(n, rnd, t1)
    for p in ps:
        lang = rnd.choice((None, None, "en"))
        wa = get(a, p, lang)
        for _ in range(2):
            code, body = get(b, p, lang)
            # Links name the server's own address.
            if (code, body.replace(b.encode(), a.encode())) != wa:
                bad += 1
                print("differs: %s (lang %s)" % (p, lang))
                break
    print("compare: %d URLs, %d differ" % (len(ps), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
