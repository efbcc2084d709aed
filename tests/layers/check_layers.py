#!/usr/bin/env python3
"""
check_layers.py: fail on an include edge that breaks veche's layering
(STYLE.md, "The house"; docs/architecture.md).

    http -> api -> core -> store          (data flows one way)
    core -> geo, text, net, format,       (below core; format writes
            sandbox, feed                  the outbox's JSON payloads,
                                          sandbox confines child processes,
                                          feed reads listening sources)
    api -> format                         (the direct writers, jsonw.h and
                                          xmlw.h, write hot responses)
    base                                  (plain shared types: everyone)
    cli                                   (command-line front ends: like api)

Each folder of src/ may include the project folders and the libraries
listed for it and no others; src/main.c (wiring) and src/veche.h (limits)
are free for all.  Run from anywhere: python3 tests/layers/check_layers.py
Exits 1 listing every forbidden edge as FILE:LINE: what and why.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SRC = os.path.join(ROOT, "src")

# Project folders each layer may include (its own is always allowed).
MAY = {
    "base": set(),
    "http": {"base"},
    "api": {"base", "http", "core", "format"},
    "cli": {"base", "http", "api", "core", "text", "sandbox"},
    "core": {"base", "store", "geo", "text", "net", "format", "sandbox",
             "feed"},
    "store": {"base"},
    "geo": {"base"},
    "text": {"base"},
    "net": {"base"},
    "format": {"base"},
    "sandbox": {"base"},
    # Listening sources' untrusted feeds and exports (XML and JSON), read
    # into plain items below core, beside text (docs/listening.md).
    "feed": {"base"},
}

# Libraries that only some layers may include, and which.
LIBS = {
    "microhttpd.h": {"http"},
    "sqlite3.h": {"store"},
    "libpq-fe.h": {"store"},
    "jansson.h": {"api", "cli", "format", "geo", "feed"},
    "libxml/": {"api", "text", "feed"},
    "curl/": {"net"},
    "geos_c.h": {"geo"},
    "libstemmer.h": {"text"},
    "linear.h": {"text"},
    "seccomp.h": {"sandbox"},
    "vips/": {"core"},
}

PROJECT = re.compile(r'^\s*#\s*include\s*"([a-z_]+)/[^"]+"')
SYSTEM = re.compile(r'^\s*#\s*include\s*<([^>]+)>')


def check():
    bad = []
    for layer in sorted(os.listdir(SRC)):
        folder = os.path.join(SRC, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in MAY:
            bad.append("src/%s/: a folder the layering does not know; add "
                       "it to MAY in %s" % (layer, __file__))
            continue
        for dirpath, _, files in os.walk(folder):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, ROOT)
                with open(path, encoding="utf-8") as f:
                    for no, line in enumerate(f, 1):
                        m = PROJECT.match(line)
                        if m and m.group(1) != layer and \
                                m.group(1) not in MAY[layer]:
                            bad.append("%s:%d: %s includes %s/: %s may use "
                                       "only %s" % (
                                           rel, no, layer, m.group(1), layer,
                                           ", ".join(sorted(
                                               MAY[layer] | {layer}))))
                        m = SYSTEM.match(line)
                        if m:
                            for lib, who in LIBS.items():
                                if m.group(1).startswith(lib) and \
                                        layer not in who:
                                    bad.append("%s:%d: <%s> belongs to %s, "
                                               "not %s" % (
                                                   rel, no, m.group(1),
                                                   ", ".join(sorted(who)),
                                                   layer))
    return bad


def main():
    bad = check()
    for b in bad:
        print(b)
    if bad:
        print("%d include edge%s against the layering (STYLE.md)" % (
            len(bad), "" if len(bad) == 1 else "s"))
        return 1
    print("layers: every include edge is allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
