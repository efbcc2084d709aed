"""
test_corrections.py: analysts correct a post's sentiment and service
(docs/listening.md, "Corrections") over real HTTP: the post page shows
the correction, the trends move the post's day from one sentiment to the
other, the audit log has the entry; a bad value is 400 naming the field,
a citizen is refused (403), so is a form without the CSRF token.  The
next training of the service classifier learns corrected posts as
reports of their service: a service no report has is learnt from posts
alone and then suggested.
"""
import os
import random
import unittest
import urllib.parse

from harness import ServerTestCase, Session, report_fields
from test_incidents import upload_vk
from test_suggest import texts

# 2026-06-15 09:00 +03:00; the server's clock is 10:00.
AT_9 = 1781503200
ANGRY = ("Яма на дороге у дома 5 уже месяц, ужасно, никто ничего не делает, "
         "безобразие")


def upload(test, session, name, bodies):
    """An upload source name with one VK post per body; posts by text."""
    items = [{"id": i + 1, "owner_id": -5, "from_id": 7, "date": AT_9,
              "text": b} for i, b in enumerate(bodies)]
    return upload_vk(test, session, {"response": {
        "count": len(items), "items": items,
        "profiles": [{"id": 7, "screen_name": "anna_s"}]}}, name, "text")


class StaffCase(ServerTestCase):
    """A server without a training schedule; an admin and a moderator."""
    serve_args = ("--suggest-hours", "0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("boss", "admin")
        cls.server.create_user("mod", "moderator")


class TestCorrections(StaffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_user("cit", "citizen")

    def day(self, s):
        r = s.get("/api/v1/trends.json", {"since": "2026-06-15",
                                          "until": "2026-06-15"})
        self.assertEqual(r.status, 200, r)
        d = r.json()["days"][0]
        return d["posts"], d["negative"]

    def test_correct_a_post(self):
        boss = Session(self, "boss")
        post = upload(self, boss, "vk", [ANGRY])[ANGRY]
        path = "/listen/posts/%d" % post["id"]
        was = post["sentiment"]
        to = "neutral" if was == "negative" else "negative"
        before = self.day(boss)
        mod = Session(self, "mod")
        page = mod.get(path).text()
        self.assertIn('action="%s/correct"' % path, page)
        self.assertNotIn("исправлено аналитиком", page)

        # Bad values: 400 naming the field; nothing changes.
        r = mod.post(path + "/correct", {"sentiment": "angry"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("sentiment", r.text())
        r = mod.post(path + "/correct", {"sentiment": to,
                                         "service_code": "nope"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("service_code", r.text())
        r = mod.post(path + "/correct", {"sentiment": was})
        self.assertEqual(r.status, 400, r)
        self.assertIn("sentiment", r.text())
        # A citizen, and a form without the session's token: refused.
        r = Session(self, "cit").post(path + "/correct", {"sentiment": to})
        self.assertEqual(r.status, 403, r)
        r = mod.post(path + "/correct", {"sentiment": to}, csrf=False)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.day(boss), before)

        r = mod.post(path + "/correct", {"sentiment": to,
                                         "service_code": "pothole"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], path)
        page = mod.get(path).text()
        self.assertIn('sentiment-%s' % to, page)
        self.assertIn("(исправлено аналитиком)", page)
        self.assertRegex(page, r'id="post-service">Яма на дороге')
        self.assertRegex(page, r'id="post-corrected">mod, ')
        self.assertRegex(page, r'<option value="pothole" selected>')
        en = mod.get(path, {"lang": "en"}).text()
        self.assertIn("(corrected by an analyst)", en)
        self.assertEqual(mod.get("/api/v1/posts/%d" % post["id"])
                         .json()["sentiment"], to)
        # The day's counts: the same posts, the negative one moved.
        posts, negative = self.day(boss)
        self.assertEqual(posts, before[0])
        self.assertEqual(negative, before[1] + (1 if to == "negative"
                                                else -1))
        # The list's sentiment filter follows.
        got = mod.get("/api/v1/posts.json", {"sentiment": to}).json()
        self.assertIn(post["id"], [p["id"] for p in got["posts"]])
        # Back again: the counts are as before; two corrections audited.
        r = mod.post(path + "/correct", {"sentiment": was,
                                         "service_code": "pothole"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.day(boss), before)
        rows = self.server.sql(
            "SELECT actor_name, before, after FROM audit_log WHERE "
            "action = 'post.correct' AND object = ? ORDER BY id",
            ("post:%d" % post["id"],))
        self.assertEqual(rows, [
            ("mod", "sentiment=%s service=" % was,
             "sentiment=%s service=pothole" % to),
            ("mod", "sentiment=%s service=pothole" % to,
             "sentiment=%s service=pothole" % was)])



class TestTrainingWithCorrections(StaffCase):
    def test_training_learns_corrected_posts(self):
        # Reports of two services; a third, trees, only in corrected posts.
        rng = random.Random(21)
        for svc in ("noise", "pothole"):
            for t in texts(svc, rng, 14):
                self.create(report_fields(svc, description=t))
        boss = Session(self, "boss")
        trees = texts("trees", rng, 12)
        posts = upload(self, boss, "vk", trees)
        mod = Session(self, "mod")
        for t in trees:
            p = posts[t]
            r = mod.post("/listen/posts/%d/correct" % p["id"], {
                "sentiment": p["sentiment"], "service_code": "trees"})
            self.assertEqual(r.status, 303, r)
        out = self.server.train_services()
        got = dict(line.split(" ", 1) for line in out.strip().splitlines())
        self.assertEqual(got["corrected_posts"], "12")
        self.assertEqual(got["services"], "3")
        self.assertEqual(got["model"], "new")
        r = self.fetch("GET", "/api/v1/services/suggest?text=" +
                       urllib.parse.quote("Упало дерево, ветки на тротуаре"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()[0]["service_code"], "trees")

    def test_sentiment_training_adds_corrected_posts(self):
        # A tiny sentiment corpus; the post's words are in none of it.
        rows = ["Sentence,Sentiment"]
        for w in ("отлично", "спасибо", "прекрасно", "замечательно", "рады"):
            rows += ["Всё %s и %s!,positive" % (w, w),
                     "Ужасно и плохо: %s не будет,negative" % w,
                     "Сегодня вторник и %s в расписании,neutral" % w]
        data = os.path.join(self.server.dir, "tiny.csv")
        with open(data, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        text = "Квакозябры опять гудят у водокачки"
        boss = Session(self, "boss")
        post = upload(self, boss, "tg", [text])[text]

        def trained(*extra):
            out = os.path.join(self.server.dir, "s.model")
            self.server.cli("text", "train", "--data", data, "--out", out,
                            "--c", "16", *extra)
            got = self.server.cli("text", "sentiment", "--model", out,
                                  input=text + "\n")
            return got.split("\t")[0]

        before = trained()
        to = "positive" if before != "positive" else "negative"
        r = Session(self, "mod").post("/listen/posts/%d/correct" %
                                      post["id"], {"sentiment": to})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(trained("--corrections", self.server.db), to)


if __name__ == "__main__":
    unittest.main()
