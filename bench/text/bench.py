"""Text engine benchmark: sentiment quality against fastText on the same
split, throughput of tokenise+stem+classify, and topic query matching.

Everything it needs is generated here with a fixed seed; nothing big is
committed.  Timings are wall-clock seconds of one process on one core.
"""
import argparse
import collections
import csv
import os
import random
import re
import subprocess
import sys
import time

LABELS = ["negative", "neutral", "positive"]


def run(cmd, stdin=None, stdout=subprocess.PIPE):
    r = subprocess.run(cmd, stdin=stdin, stdout=stdout,
                       stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        sys.exit("bench-text: %s failed: %s" % (" ".join(cmd),
                                                r.stderr.decode()[-2000:]))
    return r


def timed(cmd, inpath, outpath):
    with open(inpath, "rb") as fin, open(outpath, "wb") as fout:
        t = time.monotonic()
        run(cmd, stdin=fin, stdout=fout)
        return time.monotonic() - t


def macro_f1(gold, pred):
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return acc, sum(f1s) / len(f1s), f1s


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[1:]


def norms(bin_, lines, workdir, name):
    """The normalised tokens veche finds in each line, space-joined: the
    same preprocessing for fastText as for veche."""
    src = os.path.join(workdir, name + ".lines")
    with open(src, "w", encoding="utf-8") as f:
        for s in lines:
            f.write(s.replace("\n", " ") + "\n")
    with open(src, "rb") as fin:
        r = run([bin_, "text", "tokens"], stdin=fin)
    out = []
    for line in r.stdout.decode().split("\n")[:-1]:
        toks = line.split("\t")[2].split(" ") if line.split("\t")[2] else []
        out.append(" ".join(t.split(":", 2)[2] for t in toks))
    return out


def fasttext_files(bin_, train, test, workdir):
    tr = [(s, l) for s, l in train if l != "mixed"]
    tr_norm = norms(bin_, [s for s, _ in tr], workdir, "ft_train")
    te_norm = norms(bin_, [s for s, _ in test], workdir, "ft_test")
    paths = {}
    for name, rows in (("train", zip(tr_norm, [l for _, l in tr])),
                       ("test", zip(te_norm, [l if l != "mixed" else
                                              "neutral" for _, l in test]))):
        p = os.path.join(workdir, "ft_%s.txt" % name)
        with open(p, "w", encoding="utf-8") as f:
            for s, l in rows:
                f.write("__label__%s %s\n" % (l, s))
        paths[name] = p
    # fastText's autotune validates on a fifth of the training part.
    with open(paths["train"], encoding="utf-8") as f:
        lines = f.readlines()
    random.Random(3).shuffle(lines)
    k = len(lines) // 5
    for name, part in (("tune_val", lines[:k]), ("tune_train", lines[k:])):
        p = os.path.join(workdir, "ft_%s.txt" % name)
        with open(p, "w", encoding="utf-8") as f:
            f.writelines(part)
        paths[name] = p
    return paths


def fasttext_eval(model, test_path, workdir):
    gold = [l.split(" ", 1)[0][len("__label__"):]
            for l in open(test_path, encoding="utf-8")]
    pred_path = os.path.join(workdir, "ft_pred.txt")
    run(["fasttext", "predict", model + ".bin", test_path],
        stdout=open(pred_path, "wb"))
    pred = [l.strip()[len("__label__"):]
            for l in open(pred_path, encoding="utf-8")]
    return macro_f1(gold, pred)


DISTRICTS = ["Ленинский", "Кировский", "Советский", "Центральный",
             "Октябрьский", "Заводской", "Приволжский", "Московский"]
STREETS = ["Ленина", "Гагарина", "Пушкина", "Садовая", "Мира", "Победы",
           "Советская", "Лесная", "Школьная", "Набережная"]
PROBLEMS = ["нет отопления", "холодные батареи", "не вывозят мусор",
            "яма на дороге", "не горит фонарь", "протекает крыша",
            "нет горячей воды", "сломан лифт", "затопило подвал",
            "не убирают снег", "гололед на тротуаре", "шумят ночью"]
TAGS = ["#жкх", "#отопление", "#мусор", "#дороги", "#город", "#жалоба"]
EMOJI = ["😡", "👍", "🔥", "😢", "🙏", "❤️"]


def posts(n, vocab, seed):
    """n short posts: half complaint-like templates, half corpus words."""
    rnd = random.Random(seed)
    for i in range(n):
        if i % 2 == 0:
            s = "%s, %s район, ул. %s %d: %s %s" % (
                rnd.choice(["Жители жалуются", "Прошу помочь", "Опять",
                            "Третью неделю", "Ужас", "Спасибо"]),
                rnd.choice(DISTRICTS), rnd.choice(STREETS),
                rnd.randint(1, 120), rnd.choice(PROBLEMS),
                rnd.choice(TAGS + EMOJI))
        else:
            s = " ".join(rnd.choice(vocab)
                         for _ in range(rnd.randint(6, 14)))
        yield s


def queries(n, vocab, seed):
    rnd = random.Random(seed)
    common = vocab
    for i in range(n):
        w = [rnd.choice(common).lower() for _ in range(3)]
        kind = i % 6
        if kind == 0:
            q = '(%s OR %s*) AND "%s район"' % (
                rnd.choice(PROBLEMS).split()[-1], w[0][:5] if len(w[0]) > 5
                else w[0] + "а", rnd.choice(DISTRICTS).lower())
        elif kind == 1:
            q = "%s AND %s" % (w[0], w[1])
        elif kind == 2:
            q = '"%s" OR %s' % (rnd.choice(PROBLEMS), rnd.choice(TAGS))
        elif kind == 3:
            q = "%s NEAR/3 %s NOT %s" % (w[0], w[1], w[2])
        elif kind == 4:
            q = "(%s OR %s) %s" % (w[0], w[1], rnd.choice(STREETS).lower())
        else:
            q = "%s NOT (%s OR %s)" % (rnd.choice(DISTRICTS).lower(),
                                       w[0], w[1])
        # words that are not words to veche (punctuation) would be errors
        q = re.sub(r"[^\w\s()\"*#/]", "", q)
        yield "q%d\t%s" % (i, q)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n_posts = int(os.environ.get("POSTS", 1000000))
    n_queries = int(os.environ.get("QUERIES", 1000))
    n_speed = int(os.environ.get("SPEED_TEXTS", 200000))
    autotune = int(os.environ.get("AUTOTUNE_SECONDS", 120))
    os.makedirs(a.out, exist_ok=True)
    corpus = os.path.join(a.shared, "data", "sentiment",
                          "opensentimentcorpus-final-by-majority.csv")
    res = []

    # 1. The fixed split, veche's committed model on its test part.
    split = {}
    for part in ("train", "test"):
        p = os.path.join(a.out, part + ".csv")
        run([a.bin, "text", "split", "--data", corpus, "--part", part],
            stdout=open(p, "wb"))
        split[part] = p
    train, test = read_csv(split["train"]), read_csv(split["test"])
    ev = run([a.bin, "text", "eval", "--data", split["test"]]).stdout.decode()
    v_acc = float(re.search(r"accuracy (\S+)", ev).group(1))
    v_f1 = float(re.search(r"macro_f1 (\S+)", ev).group(1))
    res.append(("veche (committed model, L2 logistic regression)",
                v_acc, v_f1))

    # 2. fastText on the same split and preprocessing.
    ft = fasttext_files(a.bin, train, test, a.out)
    m1 = os.path.join(a.out, "ft_fixed")
    run(["fasttext", "supervised", "-input", ft["train"], "-output", m1,
         "-epoch", "25", "-lr", "0.5", "-wordNgrams", "2", "-minn", "2",
         "-maxn", "5", "-dim", "50", "-thread", "1", "-seed", "1",
         "-verbose", "0"])
    acc, f1, _ = fasttext_eval(m1, ft["test"], a.out)
    res.append(("fastText (epoch 25, lr 0.5, wordNgrams 2, char 2-5)",
                acc, f1))
    if autotune > 0:
        m2 = os.path.join(a.out, "ft_auto")
        run(["fasttext", "supervised", "-input", ft["tune_train"],
             "-output", m2, "-autotune-validation", ft["tune_val"],
             "-autotune-duration", str(autotune), "-thread", "1",
             "-verbose", "0"])
        acc, f1, _ = fasttext_eval(m2, ft["test"], a.out)
        res.append(("fastText autotuned (%d s, on a fifth of train)"
                    % autotune, acc, f1))

    # 3. Throughput on short posts, one process.
    vocab = [w for s, _ in train for w in re.findall(r"\w+", s)]
    speed_in = os.path.join(a.out, "speed.txt")
    with open(speed_in, "w", encoding="utf-8") as f:
        for s in posts(n_speed, vocab, 1):
            f.write(s + "\n")
    avg = os.path.getsize(speed_in) / n_speed
    t_tok = timed([a.bin, "text", "tokens"], speed_in, os.devnull)
    t_stem = timed([a.bin, "text", "stems"], speed_in, os.devnull)
    t_sent = timed([a.bin, "text", "sentiment"], speed_in, os.devnull)
    ft_in = os.path.join(a.out, "speed_ft.txt")
    with open(ft_in, "w", encoding="utf-8") as f:
        for s in norms(a.bin, open(speed_in, encoding="utf-8").read()
                       .split("\n")[:-1], a.out, "speed_norm"):
            f.write(s + "\n")
    t0 = time.monotonic()
    run(["fasttext", "predict", m1 + ".bin", ft_in],
        stdout=open(os.devnull, "wb"))
    t_ft = time.monotonic() - t0

    # 4. Query matching: generated queries over generated posts.
    qpath = os.path.join(a.out, "queries.tsv")
    with open(qpath, "w", encoding="utf-8") as f:
        # Words of middling frequency: past the 100 commonest (stop words).
        mid = [w for w, _ in collections.Counter(
            w.lower() for w in vocab).most_common(3000)][100:]
        for q in queries(n_queries, mid, 2):
            f.write(q + "\n")
    ppath = os.path.join(a.out, "posts.txt")
    with open(ppath, "w", encoding="utf-8") as f:
        for s in posts(n_posts, vocab, 3):
            f.write(s + "\n")
    mpath = os.path.join(a.out, "matches.txt")
    t_match = timed([a.bin, "text", "match", "--queries", qpath], ppath,
                    mpath)
    matched = hits = 0
    for line in open(mpath, encoding="utf-8"):
        n = int(line.split("\t")[1])
        matched += n > 0
        hits += n

    out = []
    out.append("Sentiment on the test part of the fixed split "
               "(%d texts; mixed counted as neutral)\n" % len(test))
    out.append("| classifier | accuracy | macro-F1 |")
    out.append("| --- | --- | --- |")
    for name, acc, f1 in res:
        out.append("| %s | %.4f | %.4f |" % (name, acc, f1))
    out.append("")
    out.append("Throughput, one process on one core, %d generated posts "
               "of %.0f bytes on average\n" % (n_speed, avg))
    out.append("| step | seconds | texts per second |")
    out.append("| --- | --- | --- |")
    for name, t in (("veche text tokens (normalise+tokenise)", t_tok),
                    ("veche text stems (+stem)", t_stem),
                    ("veche text sentiment (+classify)", t_sent),
                    ("fasttext predict (input already tokenised)", t_ft)):
        out.append("| %s | %.2f | %.0f |" % (name, t, n_speed / t))
    out.append("")
    out.append("Query matching: %d queries over %d posts: %.1f s "
               "(%.0f posts per second); %d posts matched at least one "
               "query, %d matches in all"
               % (n_queries, n_posts, t_match, n_posts / t_match, matched,
                  hits))
    text = "\n".join(out) + "\n"
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
