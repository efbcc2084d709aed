#!/usr/bin/env python3
"""bench/text/train_speed.py: how long `veche text train` takes to choose C.

Makes 50,000 short labelled texts reproducibly (random.Random(1)) from the
sentiment corpus: each of its sentences in turn, shortened to at most 14
words (a random window), with one of a few openers and a street and house
number of the demo city sometimes added, so no two texts are the same;
labels as the corpus says (mixed ones left out by training as always).
Then it times `veche text train` (C by 5-fold cross-validation, everything
included: reading the CSV, features, every fold and C, the final model and
writing it) on one core and prints the seconds.

    bench/text/train_speed.py [--bin build/veche] [--texts 50000]
"""
import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPENERS = ["", "", "", "Жители пишут: ", "Кстати, ", "Опять ", "Вот: ",
           "Мнение: ", "Из комментариев: "]
STREETS = ["ул. Свободы", "пр-т Ленина", "ул. Советская", "ул. Кирова",
           "Московский пр-т", "ул. Чкалова", "ул. Победы", "ул. Пушкина"]


def make(corpus, n, out):
    rows = []
    with open(corpus, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["Sentence"], r["Sentiment"]))
    rng = random.Random(1)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Sentence", "Sentiment"])
        for i in range(n):
            text, label = rows[i % len(rows)]
            words = text.split()
            if len(words) > 14:
                s = rng.randrange(len(words) - 13)
                words = words[s:s + 14]
            t = rng.choice(OPENERS) + " ".join(words)
            if rng.random() < 0.5:
                t += " (%s, %d)" % (rng.choice(STREETS), rng.randrange(1, 200))
            w.writerow([t, label])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--texts", type=int, default=50000)
    a = ap.parse_args()
    corpus = os.path.join(a.shared, "data", "sentiment",
                          "opensentimentcorpus-final-by-majority.csv")
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "texts.csv")
        make(corpus, a.texts, data)
        env = dict(os.environ, VECHE_DATADIR=os.path.join(ROOT, "data"))
        cmd = ["taskset", "-c", "0", a.bin, "text", "train", "--data", data,
               "--out", os.path.join(d, "m.model"), "--verbose"]
        t0 = time.monotonic()
        r0 = os.times()
        p = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - t0
        r1 = os.times()
        sys.stderr.write(p.stderr)
        if p.returncode != 0:
            sys.exit("train failed")
        cpu = (r1.children_user - r0.children_user +
               r1.children_system - r0.children_system)
        print("texts %d: %.1f s wall, %.1f s CPU (one core)" % (a.texts, wall, cpu))


if __name__ == "__main__":
    main()
