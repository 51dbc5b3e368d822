#!/usr/bin/env python3
"""make_deep.py - inputs a million levels deep, for the replay tests.

    python3 make_deep.py TARGET OUT

writes OUT, an input for the fuzz target TARGET (parse, profile, policy)
that nests a million levels deep (parse: one per format, concatenated
would not work, so OUT is a directory with one file per format). They are
made at build time rather than kept in the repository: megabytes of
brackets say nothing a reader needs to see.
"""
import os
import sys

DEPTH = 1000000

def parse_inputs():
    # header: format index, chunk 0 (irregular pieces), stop at callback 6
    deep = {
        "json": (2, b"[" * DEPTH),
        "jsonl": (3, b"{\"a\":" * DEPTH),
        "xml": (4, b"<a>" * DEPTH),
        "html": (5, b"<div>" * DEPTH),
        "markdown": (7, b"> " * DEPTH + b"x\n"),
        "csv": (0, b"\"" * DEPTH),
    }
    return {f"deep.{k}": bytes([fmt, 0, 5]) + body
            for k, (fmt, body) in deep.items()}

def main():
    target, out = sys.argv[1], sys.argv[2]
    if target == "parse":
        os.makedirs(out, exist_ok=True)
        for name, data in parse_inputs().items():
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
        return
    data = {
        "profile": b"{\"format\":" + b"[" * DEPTH,
        "policy": b"checks:\n  - " + b"[" * DEPTH,
    }[target]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "deep"), "wb") as f:
        f.write(data)

main()
