#!/usr/bin/env python3
"""
limits.py: does a normal client get answers while one address holds idle
and slow connections?  (issue 9, docs/performance.md "Connection limits")

    bench/limits.py [--veche build/veche] [--idle 10000] [--slow 2000]
                    [--idle-sources 1] [--duration 45]

Starts `veche serve --demo` on a fresh database in a temporary folder on
127.0.0.1, then:

  attacker (another process), from 127.0.0.2 (the idle ones from
  --idle-sources addresses 127.0.2.1... when more than one):
    --idle  connections that send one keep-alive request and then idle;
    --slow  connections that send a request line and then one header line
            every --drip seconds (10), never ending the headers;
    each connection the server closes is opened again after a second, as
    an attacker would;
  normal client, from 127.0.0.3: one GET /open311/v2/services.json on a
    new connection every 20 ms, 5 s timeout each;

first --baseline seconds without the attacker, then --duration seconds
with it (after --ramp seconds for it to open its connections).  Prints the
client's p50/p99/max latency and served count for both, and what became
of the attacker's connections.  Everything is on loopback addresses and
bounded in time.
"""
import argparse
import heapq
import http.client
import multiprocessing
import os
import re
import resource
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PATH = "/open311/v2/services.json"


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def start_server(veche, port, threads, extra):
    tmp = tempfile.mkdtemp(prefix="veche-limits-")
    db = os.path.join(tmp, "veche.db")
    err = open(os.path.join(tmp, "stderr"), "wb")
    proc = subprocess.Popen(
        [veche, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port,
         "--demo", "--demo-reports", "200", "--threads", str(threads)]
        + extra, stdout=subprocess.PIPE, stderr=err)
    deadline = time.monotonic() + 120
    line = b""
    while not line.endswith(b"\n"):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            sys.exit("bench: veche did not start; see %s/stderr" % tmp)
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if r:
            line += os.read(proc.stdout.fileno(), 1)
    if not re.match(rb"veche: listening on ", line):
        proc.kill()
        sys.exit("bench: unexpected %r" % line)
    return proc, tmp


class Conn:
    __slots__ = ("sock", "kind", "src", "state", "opened", "served")


def attacker(args, stop_at, out):
    """Open and keep up the idle and slow connections until stop_at
    (time.monotonic); put the counts into the queue out."""
    raise_nofile()
    sel = selectors.DefaultSelector()
    timers = []             # (when, seq, action, conn-or-(kind, src))
    seq = 0
    stats = {k: dict(opened=0, connect_failed=0, served=0, closed=0,
                     open_now=0, closed_after=[])
             for k in ("idle", "slow")}
    request = (b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: bench\r\n"
               b"Connection: keep-alive\r\n\r\n")
    idle_srcs = (["127.0.0.2"] if args.idle_sources <= 1 else
                 ["127.0.%d.%d" % (2 + i // 250, 1 + i % 250)
                  for i in range(args.idle_sources)])

    def later(delay, action, what):
        nonlocal seq
        seq += 1
        heapq.heappush(timers, (time.monotonic() + delay, seq, action, what))

    def open_conn(kind, src):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((src, 0))
            s.connect_ex(("127.0.0.1", args.port))
        except OSError:
            s.close()
            stats[kind]["connect_failed"] += 1
            later(1.0, "open", (kind, src))
            return
        c = Conn()
        c.sock, c.kind, c.src, c.state = s, kind, src, "connecting"
        c.opened, c.served = time.monotonic(), False
        stats[kind]["opened"] += 1
        sel.register(s, selectors.EVENT_WRITE, c)

    def drop(c, by_server):
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        st = stats[c.kind]
        if c.state != "connecting":
            st["open_now"] -= 1
        if by_server:
            st["closed"] += 1
            st["closed_after"].append(time.monotonic() - c.opened)
        c.state = "gone"
        later(1.0, "open", (c.kind, c.src))

    for i in range(args.idle):
        open_conn("idle", idle_srcs[i % len(idle_srcs)])
    for _ in range(args.slow):
        open_conn("slow", "127.0.0.2")

    while time.monotonic() < stop_at:
        now = time.monotonic()
        while timers and timers[0][0] <= now:
            _, _, action, what = heapq.heappop(timers)
            if action == "open":
                open_conn(*what)
            elif action == "drip" and what.state == "dripping":
                try:
                    what.sock.send(b"X-Slow: 1\r\n")
                    later(args.drip, "drip", what)
                except OSError:
                    drop(what, True)
        wait = min(0.2, max(0.0, timers[0][0] - now)) if timers else 0.2
        for key, ev in sel.select(timeout=wait):
            c = key.data
            if c.state == "connecting":
                e = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if e != 0:
                    stats[c.kind]["connect_failed"] += 1
                    c.state = "connecting"
                    drop(c, False)
                    continue
                stats[c.kind]["open_now"] += 1
                try:
                    if c.kind == "idle":
                        c.sock.send(request)
                        c.state = "waiting"
                    else:
                        c.sock.send(b"GET " + PATH.encode() +
                                    b" HTTP/1.1\r\n")
                        c.state = "dripping"
                        later(args.drip, "drip", c)
                except OSError:
                    drop(c, True)
                    continue
                sel.modify(c.sock, selectors.EVENT_READ, c)
                continue
            try:
                data = c.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data == b"":
                drop(c, True)
            elif not c.served and data.startswith(b"HTTP/1."):
                c.served = True
                stats[c.kind]["served"] += 1
                c.state = "idle"
    for k, st in stats.items():
        # Closed within a second: refused at accept; later: cut.
        after = sorted(t for t in st.pop("closed_after") if t >= 1.0)
        st["cut"] = len(after)
        st["cut_p50"] = after[len(after) // 2] if after else None
    out.put(stats)


def client(port, seconds, source="127.0.0.3"):
    """GETs from source for seconds; (latencies in ms, failures)."""
    lat, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                          source_address=(source, 0))
        try:
            conn.request("GET", PATH)
            r = conn.getresponse()
            r.read()
            if r.status == 200:
                lat.append((time.monotonic() - t) * 1000)
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
        finally:
            conn.close()
        left = 0.02 - (time.monotonic() - t)
        if left > 0:
            time.sleep(left)
    return lat, failed


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def summary(name, lat, failed):
    return ("%-22s served %5d, failed %4d, p50 %6.1f ms, p99 %6.1f ms, "
            "max %7.1f ms" % (name, len(lat), failed, pct(lat, 50),
                              pct(lat, 99), max(lat) if lat else
                              float("nan")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--veche", default=os.path.join(ROOT, "build", "veche"))
    ap.add_argument("--port", type=int, default=18090)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--slow", type=int, default=2000)
    ap.add_argument("--idle-sources", type=int, default=1)
    ap.add_argument("--drip", type=float, default=10.0)
    ap.add_argument("--baseline", type=float, default=10.0)
    ap.add_argument("--ramp", type=float, default=5.0)
    ap.add_argument("--duration", type=float, default=45.0)
    ap.add_argument("--serve-arg", action="append", default=[],
                    help="extra option for veche serve (repeatable)")
    args = ap.parse_args()
    if not os.access(args.veche, os.X_OK):
        sys.exit("bench: no %s: make build first" % args.veche)
    if args.duration > 600 or args.idle + args.slow > 20000:
        sys.exit("bench: at most 600 s and 20000 connections")
    hard = raise_nofile()
    if hard < args.idle + args.slow + 100:
        sys.exit("bench: RLIMIT_NOFILE hard limit %d is too low" % hard)

    proc, tmp = start_server(args.veche, args.port, args.threads,
                             args.serve_arg)
    att = None
    try:
        base = client(args.port, args.baseline)
        q = multiprocessing.Queue()
        stop_at = time.monotonic() + args.ramp + args.duration
        att = multiprocessing.Process(target=attacker,
                                      args=(args, stop_at, q))
        att.start()
        time.sleep(args.ramp)
        under = client(args.port, args.duration)
        stats = q.get(timeout=args.duration + 60)
        att.join(30)
    finally:
        if att is not None and att.is_alive():
            att.terminate()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print("veche %s, %d threads; attacker: %d idle (from %d address%s), "
          "%d slow (from 127.0.0.2, a header line every %g s); %g s" % (
              args.veche, args.threads, args.idle,
              max(1, args.idle_sources),
              "" if args.idle_sources <= 1 else "es", args.slow,
              args.drip, args.duration))
    print(summary("client, no attacker", *base))
    print(summary("client, under attack", *under))
    for k, st in stats.items():
        print("attacker %-4s opened %6d, connect failed %5d, served %6d, "
              "closed by server %6d: %6d at once, %5d after 1 s or more "
              "(p50 %s s); open at the end %5d"
              % (k, st["opened"], st["connect_failed"], st["served"],
                 st["closed"], st["closed"] - st["cut"], st["cut"],
                 "-" if st["cut_p50"] is None else "%.1f" % st["cut_p50"],
                 st["open_now"]))


if __name__ == "__main__":
    main()
