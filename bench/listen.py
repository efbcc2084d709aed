#!/usr/bin/env python3
"""
bench/listen.py: listening at scale (issue 13).  Starts `veche serve` on a
fresh database with the demo city (plus agency aliases and districts, so
the analysis finds agencies and districts), saves 1,000 topic queries,
then uploads BENCH_POSTS (default 1,000,000) generated Russian
city-complaint posts as Telegram exports of 2,000 messages each through
POST /api/v1/posts/import, with every analysis at ingest (sentiment,
complaint score, agency, place, district, near-copies, the 1,000 queries,
the daily trend counts and the spike check).  Prints posts/s with
progress, then times trend reads (GET /api/v1/trends.json and
/listen/trends.csv, 90 and 365 days) at the full size.

    nice bench/listen.sh        (builds build/veche first if missing)
"""
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

VECHE = os.environ.get("VECHE", "./build/veche")
POSTS = int(os.environ.get("BENCH_POSTS", "1000000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "1000"))
BATCH = 2000
PORT = int(os.environ.get("BENCH_PORT", "18090"))
OUT = os.environ.get("BENCH_OUT", "bench/out/listen")
DAYS = 365

PROBLEMS = [
    ("яма", "огромная яма на дороге", "roads"),
    ("ямы", "сплошные ямы, машину разбил", "roads"),
    ("асфальт", "асфальт положили в лужи и он уже разрушился", "roads"),
    ("фонарь", "не горит ни один фонарь, вечером темно и страшно", "light"),
    ("освещение", "нет освещения во дворе уже неделю", "light"),
    ("мусор", "мусор не вывозят, контейнеры переполнены", "waste"),
    ("контейнер", "контейнерная площадка завалена, крысы", "waste"),
    ("подъезд", "в подъезде грязно, никто не убирает", "uk_kirovsky"),
    ("крыша", "течёт крыша, управляющая компания не отвечает", "uk_leninsky"),
    ("отопление", "в квартире холодно, отопление еле тёплое", "uk_frunzensky"),
    ("лифт", "лифт не работает третий день", "uk_krasnoperekopsky"),
    ("сосульки", "огромные сосульки над входом, опасно", "uk_kirovsky"),
    ("снег", "двор не чистят от снега, не пройти", "admin"),
    ("парковка", "машины паркуются на газоне", "admin"),
]
ALIASES = {
    "roads": ["дорожники", "дорожное хозяйство"],
    "light": ["горсвет"],
    "waste": ["регоператор", "мусоровоз"],
    "uk_kirovsky": ["УК Кировского"],
    "uk_leninsky": ["УК Ленинского"],
    "uk_frunzensky": ["УК Фрунзенского"],
    "uk_krasnoperekopsky": ["УК Красноперекопского"],
    "admin": ["мэрия", "администрация города"],
}
DISTRICTS = [("Кировский район", ["Кировский р-н"]),
             ("Ленинский район", ["Ленинский р-н"]),
             ("Фрунзенский район", ["Фрунзенский р-н"]),
             ("Красноперекопский район", ["Красноперекопский р-н"])]
OPENERS = ["Опять", "Сколько можно!", "Жители жалуются:", "Третью неделю",
           "Обращаемся снова:", "Здравствуйте.", "Помогите!", "Вчера",
           "Уже месяц", "Добрый день, "]
CLOSERS = ["Это ужас и позор.", "Когда это закончится?",
           "Никто ничего не делает.", "Просим принять меры.",
           "Спасибо, что быстро отреагировали!", "Надеемся на помощь.",
           "Безобразие.", "Отличная работа, всё исправили.", ""]
POSITIVE = ["Спасибо {who}, быстро починили {what} на {street}!",
            "Хочу поблагодарить {who}: на {street} теперь чисто и светло.",
            "На {street} отремонтировали дорогу, отличная работа."]


def city():
    with open("data/demo/city.json", encoding="utf-8") as f:
        c = json.load(f)
    for a in c["agencies"]:
        a["aliases"] = ALIASES.get(a["code"], [])
    c["districts"] = [{"name": n, "aliases": al} for n, al in DISTRICTS]
    return c


def streets(c):
    out = {}
    for a in c["addresses"]:
        st, _, house = a["address"].rpartition(",")
        out.setdefault(st.strip(), []).append(house.strip())
    return sorted(out.items())


def text(rng, sts):
    st, houses = rng.choice(sts)
    word, what, agency = rng.choice(PROBLEMS)
    who = rng.choice(ALIASES[agency])
    r = rng.random()
    if r < 0.15:
        return rng.choice(POSITIVE).format(who=who, what=word, street=st)
    where = ("%s, %s" % (st, rng.choice(houses)) if r < 0.6 else
             rng.choice(DISTRICTS)[0] if r < 0.8 else st)
    return "%s %s: %s. %s %s" % (rng.choice(OPENERS), where, what,
                                 "%s молчит." % who if rng.random() < 0.5
                                 else "", rng.choice(CLOSERS))


# An analyst's saved queries are specific (BENCH_MIX=specific, the
# default): a street and a problem, a district and a problem, an agency and
# its trouble, a few bare topics.  Of every 100 queries: 50 street AND
# problem, 20 street NEAR/4 problem, 15 district AND problem, 10 agency
# alias AND (a complaint word), 5 a bare problem word.  Several analysts
# save the same query under their own names, as they do.  BENCH_MIX=broad
# is the first pass's set (single words, AND, OR, NEAR/3 over 23 words:
# a post matched 46 of 1,000).
def queries(rng):
    qs = []
    if os.environ.get("BENCH_MIX", "specific") == "broad":
        words = sorted({p[0] for p in PROBLEMS} | {
            "ужас", "позор", "опасно", "холодно", "темно", "крысы",
            "газон", "лужи", "двор"})
        for i in range(QUERIES):
            a, b = rng.sample(words, 2)
            form = i % 4
            q = (a if form == 0 else "%s AND %s" % (a, b) if form == 1 else
                 "%s OR %s" % (a, b) if form == 2 else
                 "%s NEAR/3 %s" % (a, b))
            qs.append(("q%04d %s" % (i, q), q))
        return qs
    sts = [street_word(st) for st, _ in streets(city())]
    aliases = [a for al in ALIASES.values() for a in al if " " not in a]
    for i in range(QUERIES):
        form = i % 20
        word = rng.choice(PROBLEMS)[0]
        if form < 10:
            q = "\"%s\" AND %s" % (rng.choice(sts), word)
        elif form < 14:
            q = "\"%s\" NEAR/4 %s" % (rng.choice(sts), word)
        elif form < 17:
            q = "\"%s\" AND %s" % (rng.choice(DISTRICTS)[0].lower(), word)
        elif form < 19:
            q = "%s AND (%s)" % (rng.choice(aliases), " OR ".join(
                rng.sample(["молчит", "ужас", "позор", "безобразие",
                            "опасно"], 2)))
        else:
            q = word
        qs.append(("q%04d %s" % (i, q), q))
    return qs


def street_word(st):
    """The name word of a street ("ул. Кирова" -> "кирова")."""
    return max(st.replace(".", " ").split(), key=len).lower()


class Api:
    def __init__(self, key):
        self.key = key
        self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)

    def call(self, method, path, body=None, ctype=None):
        h = {"X-Api-Key": self.key}
        if ctype:
            h["Content-Type"] = ctype
        self.c.request(method, path, body, h)
        r = self.c.getresponse()
        data = r.read()
        if r.status >= 300:
            raise SystemExit("bench: %s %s: %d %s" % (method, path, r.status,
                                                      data[:300]))
        return data


def multipart(fields, name, data):
    b = "bench%x" % random.getrandbits(64)
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (b, k, v)).encode())
    out.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                "filename=\"%s\"\r\nContent-Type: application/json\r\n\r\n"
                % (b, name)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return "multipart/form-data; boundary=" + b, b"".join(out)


def timed(api, path, n=20):
    api.call("GET", path)              # the first read warms the cache
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        api.call("GET", path)
        t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t), max(t)


def main():
    if not os.access(VECHE, os.X_OK):
        raise SystemExit("bench: build first: make build")
    os.makedirs(OUT, exist_ok=True)
    db = os.path.join(OUT, "listen.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    c = city()
    cityfile = os.path.join(OUT, "city.json")
    with open(cityfile, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False)
    subprocess.run([VECHE, "city", "import", "--db", db, cityfile],
                   check=True, stdout=subprocess.DEVNULL)
    key = subprocess.run([VECHE, "apikey", "create", "--db", db, "--name",
                          "bench"], check=True, capture_output=True,
                         text=True).stdout.strip()
    log = open(os.path.join(OUT, "veche.log"), "w")
    srv = subprocess.Popen([VECHE, "serve", "--db", db, "--listen",
                            "127.0.0.1:%d" % PORT], stdout=log, stderr=log)
    try:
        for _ in range(150):
            time.sleep(0.2)
            if "listening" in open(os.path.join(OUT, "veche.log")).read():
                break
        api = Api(key)
        rng = random.Random(13)
        api.call("POST", "/api/v1/sources", "name=bench-tg&kind=telegram",
                 "application/x-www-form-urlencoded")
        t0 = time.perf_counter()
        for name, q in queries(rng):
            from urllib.parse import urlencode
            api.call("POST", "/api/v1/queries", urlencode({"name": name,
                                                           "query": q}),
                     "application/x-www-form-urlencoded")
        print("bench: %d saved queries in %.1f s" % (QUERIES,
                                                     time.perf_counter() - t0))
        sts = streets(c)
        now = int(time.time())
        # A channel's export is its history in order: dates rise with the
        # message ids over DAYS days up to today.
        span = DAYS * 86400
        start = now - span - 600
        done, mid, t0 = 0, 0, time.perf_counter()
        ingest = 0.0
        while done < POSTS:
            n = min(BATCH, POSTS - done)
            msgs = []
            for _ in range(n):
                mid += 1
                msgs.append({"id": mid, "type": "message",
                             "date_unixtime": str(start + mid * span //
                                                  POSTS + rng.randrange(600)),
                             "from_id": "user%d" % rng.randrange(50000),
                             "text": text(rng, sts)})
            ctype, body = multipart([("source", "bench-tg")], "result.json",
                                    json.dumps({"name": "Город", "id": 1,
                                                "messages": msgs},
                                               ensure_ascii=False).encode())
            t1 = time.perf_counter()
            api.call("POST", "/api/v1/posts/import", body, ctype)
            ingest += time.perf_counter() - t1
            done += n
            if done % 50000 == 0 or done == POSTS:
                print("bench: %d posts, %.0f posts/s (upload requests only: "
                      "%.0f/s)" % (done, done / (time.perf_counter() - t0),
                                   done / ingest), flush=True)
        total = time.perf_counter() - t0
        print("bench: ingest of %d posts: %.0f s, %.0f posts/s overall, "
              "%.0f posts/s in the server" % (POSTS, total, POSTS / total,
                                              POSTS / ingest))
        reads = [
            ("all posts, 90 days", "/api/v1/trends.json"),
            ("all posts, 365 days", "/api/v1/trends.json?since=%s" %
             time.strftime("%Y-%m-%d", time.localtime(now - 364 * 86400))),
            ("agency roads, 90 days", "/api/v1/trends.json?agency=roads"),
            ("district, 90 days", "/api/v1/trends.json?district=%s" %
             "%D0%9A%D0%B8%D1%80%D0%BE%D0%B2%D1%81%D0%BA%D0%B8%D0%B9%20"
             "%D1%80%D0%B0%D0%B9%D0%BE%D0%BD"),
            ("saved query 2, 365 days", "/api/v1/trends.json?query=2&since="
             + time.strftime("%Y-%m-%d", time.localtime(now - 364 * 86400))),
            ("CSV, agency roads, 90 days", "/listen/trends.csv?agency=roads"),
            ("spikes, 90 days", "/api/v1/spikes.json"),
        ]
        print("\n| read at %d posts | median ms | max ms |\n|---|---|---|" %
              POSTS)
        for what, path in reads:
            med, mx = timed(api, path)
            print("| %s | %.1f | %.1f |" % (what, med, mx))
        import sqlite3
        con = sqlite3.connect(db)
        posts, matches, days = con.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM"
            " post_matches), (SELECT count(*) FROM post_days)").fetchone()
        con.close()
        print("bench: %.1f saved queries matched per post (mean), %d"
              " post_days rows" % (matches / max(posts, 1), days))
        size = os.path.getsize(db) / 1e6
        print("\nbench: database %.0f MB" % size)
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()
