#!/usr/bin/python3
"""bench/text/compare.py: veche's trainer against TF-IDF + logistic
regression (scikit-learn) on the same split of an open Russian corpus.

The corpus: ../shared/data/sentiment/opensentimentcorpus-final-by-majority.csv
(OpenSentimentCorpus, CC BY-SA 3.0).  The split is veche's fixed one
(text_split_of: a text is in the test part when the splitmix64 finaliser of
the FNV-1a hash of its bytes is 0 mod 5), computed here the same way.

Two label schemes:
  3 classes  negative/neutral/positive; "mixed" left out of training and
             counted as neutral in the test part (veche's sentiment model)
  4 classes  negative/neutral/positive/mixed, each its own label
             (`veche text train --label Sentiment --text Sentence`)

scikit-learn: TfidfVectorizer(word 1-2-grams) + TfidfVectorizer(char_wb
2-5-grams, sublinear tf), LogisticRegression(class_weight="balanced",
one-vs-rest, liblinear), C from {1, 4, 16} by 5-fold macro-F1 on the train
part, as veche chooses its C.  Needs python3-sklearn (scripts/deps.sh bench).

    bench/text/compare.py [--bin build/veche] [--shared ../shared]

(Debian's /usr/bin/python3: python3-sklearn is installed for it, not for a
pyenv or venv python.)
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
M64 = (1 << 64) - 1


def in_test(text):
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


def veche(bin_, corpus, four):
    env = dict(os.environ, VECHE_DATADIR=os.path.join(ROOT, "data"))
    with tempfile.TemporaryDirectory() as d:
        cmd = [bin_, "text", "train", "--data", corpus, "--part", "train",
               "--out", os.path.join(d, "m")]
        if four:
            cmd += ["--label", "Sentiment", "--text", "Sentence"]
        t0 = time.monotonic()
        out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                             text=True).stdout
        took = time.monotonic() - t0
    get = lambda k: float(re.search(r"^%s (\S+)" % k, out, re.M).group(1))
    return get("macro_f1"), get("accuracy"), took


def tfidf_lr(rows, four):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import FeatureUnion, make_pipeline

    def lab(l, training):
        if four or l != "mixed":
            return l
        return None if training else "neutral"
    train = [(t, lab(l, True)) for t, l in rows if not in_test(t)]
    train = [(t, l) for t, l in train if l is not None]
    test = [(t, lab(l, False)) for t, l in rows if in_test(t)]
    t0 = time.monotonic()
    feats = FeatureUnion([
        ("w", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                              sublinear_tf=True)),
    ])
    pipe = make_pipeline(feats, LogisticRegression(
        class_weight="balanced", solver="liblinear", max_iter=1000))
    grid = GridSearchCV(pipe, {"logisticregression__C": [1, 4, 16]},
                        scoring="f1_macro",
                        cv=StratifiedKFold(5, shuffle=True, random_state=1))
    grid.fit([t for t, _ in train], [l for _, l in train])
    pred = grid.predict([t for t, _ in test])
    took = time.monotonic() - t0
    gold = [l for _, l in test]
    return (f1_score(gold, pred, average="macro"),
            accuracy_score(gold, pred), took,
            grid.best_params_["logisticregression__C"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    a = ap.parse_args()
    corpus = os.path.join(a.shared, "data", "sentiment",
                          "opensentimentcorpus-final-by-majority.csv")
    with open(corpus, encoding="utf-8") as f:
        rows = [(r["Sentence"], r["Sentiment"]) for r in csv.DictReader(f)]
    try:
        import sklearn  # noqa: F401
        have = True
    except ImportError:
        have = False
        print("scikit-learn is missing: scripts/deps.sh bench installs "
              "python3-sklearn", file=sys.stderr)
    print("| labels | veche macro-F1 | accuracy | time | TF-IDF + LR "
          "macro-F1 | accuracy | time (C) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for four in (False, True):
        vf, va, vt = veche(a.bin, corpus, four)
        if have:
            sf, sa, st, sc = tfidf_lr(rows, four)
            rest = "%.4f | %.4f | %.1f s (C=%g)" % (sf, sa, st, sc)
        else:
            rest = "- | - | -"
        print("| %s | %.4f | %.4f | %.1f s | %s |" % (
            "4 (mixed its own)" if four else "3 (mixed: neutral)",
            vf, va, vt, rest))


if __name__ == "__main__":
    main()
