"""
test_suggest.py: the report form's service suggestions
(GET /api/v1/services/suggest, `veche text train-services`).

The server learns its own reports: clear texts of three services posted
through Open311, a training by command, then a clear text gets the right
service first.  A training on misleading labels scores worse on the
held-out reports and the previous model stays in use.  No model yet: no
suggestions, no error.  Bad input names the field.
"""
import random
import unittest

from harness import ServerTestCase, report_fields

M64 = (1 << 64) - 1

TEXTS = {
    "pothole": (["Яма на дороге", "Глубокая выбоина на проезжей части",
                 "Провал асфальта", "Разбитый асфальт, ямы"],
                [", машины объезжают", ", пробил колесо",
                 ", опасно ездить на машине"]),
    "noise": (["Шум ночью", "Громкая музыка из кафе",
               "Соседи шумят после 23 часов", "Стройка шумит по ночам"],
              [", невозможно спать", ", мешает отдыху",
               ", громко всю ночь"]),
    "trees": (["Упало дерево", "Сухое дерево может упасть",
               "Ветки деревьев нависают над проводами",
               "Нужно спилить аварийное дерево"],
              [", ветки на тротуаре", ", ствол треснул",
               ", дерево наклонилось"]),
}
STREETS = ["ул. Ленина", "ул. Мира", "пр-т Победы", "ул. Гагарина"]


def held_out(text):
    """Whether veche holds text out of training (text_split_of)."""
    h = 0xcbf29ce484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & M64
    h ^= h >> 30
    h = (h * 0xbf58476d1ce4e5b9) & M64
    h ^= h >> 27
    h = (h * 0x94d049bb133111eb) & M64
    h ^= h >> 31
    return h % 5 == 0


def texts(service, rng, n, part=None):
    """n distinct texts about service; part "train": none held out."""
    heads, tails = TEXTS[service]
    out = set()
    while len(out) < n:
        t = "%s у дома %d, %s%s." % (rng.choice(heads), rng.randrange(1, 300),
                                    rng.choice(STREETS), rng.choice(tails))
        if part == "train" and held_out(t):
            continue
        out.add(t)
    return sorted(out)


class SuggestTest(ServerTestCase):
    serve_args = ("--suggest-hours", "0")

    def suggest(self, text):
        r = self.fetch("GET", "/api/v1/services/suggest?text=" +
                       __import__("urllib.parse").parse.quote(text))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def post_reports(self, service, items):
        for t in items:
            self.create(report_fields(service, description=t))

    def train(self):
        out = self.server.train_services()
        return dict(line.split(" ", 1) for line in out.strip().splitlines())

    def test_1_no_model_no_suggestions(self):
        self.assertEqual(self.suggest("Яма на дороге"), [])

    def test_2_bad_input_names_the_field(self):
        js = {"Accept": "application/json"}
        # No Accept at all (curl, a script): JSON as well.
        r = self.fetch("GET", "/api/v1/services/suggest")
        self.assert_error(r, "json", 400, "text")
        r = self.fetch("GET", "/api/v1/services/suggest", headers=js)
        self.assert_error(r, "json", 400, "text")
        r = self.fetch("GET", "/api/v1/services/suggest?text=" +
                       "a" * 4001, headers=js)
        self.assert_error(r, "json", 400, "text")
        r = self.fetch("GET", "/api/v1/services/suggest?text=%FF%FE",
                       headers=js)
        self.assert_error(r, "json", 400, "text")

    def test_3_learns_and_ranks_the_right_service_first(self):
        rng = random.Random(3)
        for svc in sorted(TEXTS):
            self.post_reports(svc, texts(svc, rng, 14))
        got = self.train()
        self.assertEqual(got["model"], "new")
        self.assertEqual(got["services"], "3")
        self.assertEqual(got["old_macro_f1"], "none")
        self.assertGreaterEqual(float(got["new_macro_f1"]), 0.9)
        s = self.suggest("Глубокая яма посреди дороги, разбит асфальт")
        self.assertEqual(len(s), 3)
        self.assertEqual(s[0]["service_code"], "pothole")
        self.assertEqual(s[0]["name"], "Яма на дороге")
        self.assertGreater(s[0]["probability"], s[1]["probability"])
        self.assertEqual(self.suggest("Соседи шумят всю ночь, музыка")[0]
                         ["service_code"], "noise")
        r = self.fetch("GET", "/api/v1/services/suggest?lang=en&text=" +
                       "%D0%AF%D0%BC%D0%B0")
        self.assertEqual(r.json()[0]["name"], "Pothole")

    def test_4_a_worse_model_is_not_swapped_in(self):
        # Misleading labels, all in the training part: pothole texts filed
        # as trees and tree texts as pothole, more of them than the truth.
        rng = random.Random(4)
        self.post_reports("trees", texts("pothole", rng, 40, "train"))
        self.post_reports("pothole", texts("trees", rng, 40, "train"))
        got = self.train()
        self.assertEqual(got["model"], "kept")
        self.assertLess(float(got["new_macro_f1"]),
                        float(got["old_macro_f1"]))
        s = self.suggest("Глубокая яма посреди дороги, разбит асфальт")
        self.assertEqual(s[0]["service_code"], "pothole")


if __name__ == "__main__":
    unittest.main()
