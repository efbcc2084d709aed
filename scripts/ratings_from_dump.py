#!/usr/bin/env python3
"""
ratings_from_dump.py: recompute veche's ratings of agencies from the open
data dump alone, to check the figures of /ratings and /api/v1/ratings.json.

    veche dump --db veche.db --out dump/
    scripts/ratings_from_dump.py dump/ --period 2026-01..2026-06
    scripts/ratings_from_dump.py dump/ --from 2026-03-01 --to 2026-03-31

It reads reports.csv, history.csv, agencies.csv and datapackage.json (the
deployment's time zone, and the time the dump was made, at which the
deadlines are judged; --as-of overrides it) and prints JSON shaped as
/api/v1/ratings.json (without the agencies' names).  Python's standard
library only.  Without a period: the one the dump's ratings.csv covers.

The rules are those of src/core/ratings.c and docs/ratings.md, one for one:

- a report's history splits into stays, one per agency it was with: from
  its receipt, or from a forward to that agency, until the next forward
  or the end of its history; a stay counts in the period in which it began;
- the first stay's agency is the one that forwarded it first (from_agency
  of the first forward) or, if never forwarded, the report's agency;
- registered in time: a register action at or before register_due (the
  deadline written with that action); due: registered, or still open
  (not forwarded on, not rejected) and the report's register_due passed;
- answered in time: the stay's first answer at or before the expected
  written with it; due: registered and (answered, or still open and the
  report's expected passed); "extended": in time after an extension;
- medians: of seconds from the stay's start to its first answer (close),
  the mean of the middle two for an even count, divided by 86400;
- shares with the 95 % Wilson score interval (z = 1.959963984540054);
- rank: agencies with at least min_reports stays, by the interval's lower
  bound of answered in time (highest first), then by stays, then by code;
- online activity ("online", from incidents.csv): per agency (the one an
  incident was sent to), the incidents created in the period; answered
  within the reaction time: first_answer at or before due, of those
  answered or whose due has passed; the median of hours from the post's
  time (posted) to the first answer.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import sys
from zoneinfo import ZoneInfo

Z = 1.959963984540054


def wilson(k, n):
    """{count, of, share, low, high} as veche writes it."""
    if n <= 0:
        return {"count": k, "of": n, "share": None, "low": None,
                "high": None}
    z2 = Z * Z
    nn = float(n)
    p = k / nn
    denom = 1 + z2 / nn
    centre = (p + z2 / (2 * nn)) / denom
    half = Z * math.sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom
    return {"count": k, "of": n, "share": p, "low": max(0.0, centre - half),
            "high": min(1.0, centre + half)}


def median_days(values):
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    m = float(v[n // 2]) if n % 2 else (float(v[n // 2 - 1]) +
                                        float(v[n // 2])) / 2
    return m / 86400.0


def median_hours(values):
    d = median_days(values)
    return None if d is None else d * 24.0


def online(folder, codes, start, end, now):
    """{code: online activity} from incidents.csv (absent: none)."""
    acc = {c: {"n": 0, "due": 0, "ok": 0, "secs": []} for c in codes}
    path = os.path.join(folder, "incidents.csv")
    rows = read_csv(path) if os.path.exists(path) else []
    for row in rows:
        created = epoch(row["created"])
        a = acc.get(row["agency"])
        if a is None or created < start or created > end:
            continue
        a["n"] += 1
        due, first = epoch(row["due"]), epoch(row["first_answer"])
        if first:
            a["due"] += 1
            a["ok"] += first <= due
            a["secs"].append(first - epoch(row["posted"]))
        elif due < now:
            a["due"] += 1
    return {c: {"incidents": a["n"],
                "answered_in_reaction_time": wilson(a["ok"], a["due"]),
                "answered": len(a["secs"]),
                "median_hours_to_answer": median_hours(a["secs"])}
            for c, a in acc.items()}


def epoch(w3c):
    """Unix seconds of a W3C date-time, 0 for an empty field."""
    if not w3c:
        return 0
    return int(dt.datetime.fromisoformat(w3c.replace("Z", "+00:00"))
               .timestamp())


def month_bounds(text, tz):
    """(from, to, from_date, to_date) of YYYY-MM..YYYY-MM or YYYY-MM."""
    a, _, b = text.partition("..")
    b = b or a
    y0, m0 = (int(x) for x in a.split("-"))
    y1, m1 = (int(x) for x in b.split("-"))
    start = dt.datetime(y0, m0, 1, tzinfo=tz)
    ny, nm = (y1 + 1, 1) if m1 == 12 else (y1, m1 + 1)
    last = dt.date(ny, nm, 1) - dt.timedelta(days=1)
    return day_start(start.date(), tz), day_end(last, tz), \
        start.date().isoformat(), last.isoformat()


def day_start(d, tz):
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())


def day_end(d, tz):
    return int(dt.datetime(d.year, d.month, d.day, 23, 59, 59,
                           tzinfo=tz).timestamp())


class Stay:
    def __init__(self, start, to_agency=None):
        self.start = start
        self.to_agency = to_agency
        self.registered = self.reg_ok = False
        self.answered = self.ans_ok = self.extended = False
        self.answer_at = 0
        self.closed = False
        self.close_at = 0
        self.rejected = False
        self.extensions = self.reopened = 0
        self.fixed_yes = self.fixed_no = 0


class Acc:
    def __init__(self, code):
        self.code = code
        self.received = 0
        self.reg_due = self.reg_ok = 0
        self.ans_due = self.ans_ok = self.ans_ok_ext = 0
        self.answered = self.closed = 0
        self.answer = []
        self.close = []
        self.extensions = self.forwarded = self.rejected = 0
        self.reopened = self.fixed_yes = self.fixed_no = 0


class Pass:
    def __init__(self, codes, start, end, now):
        self.accs = {c: Acc(c) for c in codes}
        self.order = list(codes)
        self.start, self.end, self.now = start, end, now

    def stay_end(self, st, code, forwarded, register_due, expected):
        a = self.accs.get(code or "")
        if a is None or st.start < self.start or st.start > self.end:
            return
        is_open = not forwarded and not st.rejected
        a.received += 1
        if st.registered or (is_open and register_due != 0 and
                             register_due < self.now):
            a.reg_due += 1
        a.reg_ok += st.reg_ok
        if st.registered and (st.answered or (is_open and expected != 0 and
                                              expected < self.now)):
            a.ans_due += 1
        if st.ans_ok:
            a.ans_ok += 1
            a.ans_ok_ext += st.extended
        if st.answered:
            a.answered += 1
            a.answer.append(st.answer_at - st.start)
        if st.closed:
            a.closed += 1
            a.close.append(st.close_at - st.start)
        a.extensions += st.extensions
        a.forwarded += 1 if forwarded else 0
        a.rejected += 1 if st.rejected else 0
        a.reopened += st.reopened
        a.fixed_yes += st.fixed_yes
        a.fixed_no += st.fixed_no

    def report(self, rep, events):
        """One report (a reports.csv row) and its history rows."""
        register_due = epoch(rep["register_due"])
        expected = epoch(rep["expected"])
        st = Stay(epoch(rep["requested"]))
        for e in events:
            action, created = e["action"], epoch(e["created"])
            if action == "register" and not st.registered:
                st.registered = True
                due = epoch(e["register_due"])
                st.reg_ok = due != 0 and created <= due
            elif action == "answer" and not st.answered:
                st.answered = True
                st.answer_at = created
                due = epoch(e["expected"])
                st.ans_ok = due != 0 and created <= due
            elif action == "close" and not st.closed:
                st.closed = True
                st.close_at = created
            elif action == "reject":
                st.rejected = True
            elif action == "extend":
                st.extensions += 1
                if not st.answered:
                    st.extended = True
            elif action == "reopen":
                st.reopened += 1
            elif action == "fixed":
                if e["fixed"] == "true":
                    st.fixed_yes += 1
                elif e["fixed"] == "false":
                    st.fixed_no += 1
            elif action == "forward":
                self.stay_end(st, e["from_agency"] or st.to_agency, True,
                              0, 0)
                st = Stay(created, e["to_agency"] or None)
        self.stay_end(st, st.to_agency or rep["agency"], False,
                      register_due, expected)

    def result(self, min_reports):
        out = []
        for code in self.order:
            a = self.accs[code]
            in_time = wilson(a.ans_ok, a.ans_due)
            in_time["extended"] = a.ans_ok_ext
            fixed = wilson(a.fixed_yes, a.fixed_yes + a.fixed_no)
            out.append({
                "code": code, "rank": None,
                "too_few": a.received < min_reports,
                "received": a.received,
                "registered_in_time": wilson(a.reg_ok, a.reg_due),
                "answered_in_time": in_time,
                "answered": a.answered,
                "median_days_to_answer": median_days(a.answer),
                "closed": a.closed,
                "median_days_to_close": median_days(a.close),
                "extensions": a.extensions, "forwarded": a.forwarded,
                "rejected": a.rejected, "reopened": a.reopened,
                "fixed": fixed,
                "score": in_time["low"] or 0.0,
            })
        ranked = sorted((o for o in out if not o["too_few"]),
                        key=lambda o: (-o["score"], -o["received"],
                                       o["code"].encode()))
        few = sorted((o for o in out if o["too_few"]),
                     key=lambda o: o["code"].encode())
        for i, o in enumerate(ranked):
            o["rank"] = i + 1
        return ranked + few


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def history_by_report(rows):
    """(report id, [rows]) groups of history.csv, in report order."""
    cur, group = None, []
    for row in rows:
        rid = int(row["report"])
        if rid != cur and group:
            yield cur, group
            group = []
        cur = rid
        group.append(row)
    if group:
        yield cur, group


def compute(folder, period=None, date_from=None, date_to=None, as_of=None):
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as f:
        pkg = json.load(f)
    meta = pkg["veche"]
    tz = ZoneInfo(meta["timezone"])
    now = epoch(as_of or meta["generated"])
    if period:
        start, end, from_date, to_date = month_bounds(period, tz)
    else:
        from_date = date_from or meta["ratings_period"]["from"]
        to_date = date_to or meta["ratings_period"]["to"]
        start = day_start(dt.date.fromisoformat(from_date), tz)
        end = day_end(dt.date.fromisoformat(to_date), tz)
    codes = [r["code"] for r in read_csv(os.path.join(folder,
                                                      "agencies.csv"))]
    p = Pass(codes, start, end, now)
    # Both files are in report order: walk them side by side.
    history = history_by_report(read_csv(os.path.join(folder,
                                                      "history.csv")))
    pending = next(history, None)
    for rep in read_csv(os.path.join(folder, "reports.csv")):
        rid = int(rep["id"])
        while pending is not None and pending[0] < rid:
            pending = next(history, None)
        events = pending[1] if pending is not None and pending[0] == rid \
            else []
        p.report(rep, events)
    agencies = p.result(meta["min_reports"])
    on = online(folder, codes, start, end, now)
    for a in agencies:
        a["online"] = on[a["code"]]
    return {"period": {"from": from_date, "to": to_date},
            "as_of": dt.datetime.fromtimestamp(now, tz).isoformat(),
            "min_reports": meta["min_reports"],
            "ranking": "answered_in_time.low",
            "agencies": agencies}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="the dump's folder (veche dump --out)")
    ap.add_argument("--period", help="YYYY-MM..YYYY-MM")
    ap.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
    ap.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
    ap.add_argument("--as-of", help="judge deadlines at this W3C time "
                    "(default: when the dump was made)")
    a = ap.parse_args()
    if a.period and (a.date_from or a.date_to):
        ap.error("give either --period or --from/--to")
    json.dump(compute(a.folder, a.period, a.date_from, a.date_to, a.as_of),
              sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
