#!/usr/bin/env python3
"""profiles_agree.py A B [--loose-examples] - do two saved profiles agree?

For profiles of the same files made in different merge orders (threads,
shards, a file split into ranges): every count must be equal, floating-point
moments equal to 1e-9 (their last bits depend on the order), HyperLogLog
registers equal (their merge is a maximum, order-free), top values within
SpaceSaving's bounds (where both kept a value, the bounds overlap) and KLL
quantiles within rank error 0.03. With --loose-examples, examples (the first
ones in merge order) need only be as many, for the same types. Exit 0 when
they agree; otherwise the first difference is printed."""
import json
import struct
import sys


def kll_items(text):
    parts = text.split(":")
    n, nlevels = int(parts[2]), int(parts[6])
    items = sorted((struct.unpack(">d", bytes.fromhex(lv[i:i + 16]))[0], 1 << h)
                   for h, lv in enumerate(parts[7:7 + nlevels])
                   for i in range(0, len(lv), 16))
    assert sum(w for _, w in items) == n
    return n, items


def rank(n, items, x):
    return sum(w for v, w in items if v <= x) / n


def close(x, y, where):
    if isinstance(x, float) or isinstance(y, float):
        ok = abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
    elif isinstance(x, dict):
        ok = x.keys() == y.keys() and all(close(x[k], y[k], where + "." + k)
                                          for k in x)
        return ok or fail(where, "keys %s vs %s" % (sorted(x), sorted(y)))
    elif isinstance(x, list):
        ok = len(x) == len(y) and all(close(u, v, "%s[%d]" % (where, i))
                                      for i, (u, v) in enumerate(zip(x, y)))
        return ok or fail(where, "lengths %d vs %d" % (len(x), len(y)))
    else:
        ok = x == y
    return ok or fail(where, "%r vs %r" % (x, y))


def fail(where, what):
    print("profiles differ at %s: %s" % (where, what))
    sys.exit(1)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    loose = "--loose-examples" in sys.argv
    a, b = (json.load(open(p)) for p in args)
    sketches = [{}, {}]
    for i, p in enumerate((a, b)):
        for f in p["fields"]:
            key = (f["collection"], f["path"])
            sketches[i][key] = (f.pop("top", []), f.pop("num_kll", None))
            if loose:
                f["examples"] = sorted(f.get("examples", {}))
        if loose:
            for d in p["defects"]:
                d["examples"] = len(d["examples"])
    close(a, b, "profile")
    for key, (ta, ka) in sketches[0].items():
        tb, kb = sketches[1][key]
        if (ka is None) != (kb is None):
            fail(key, "quantiles on one side only")
        if ka:
            (na, ia), (nb, ib) = kll_items(ka), kll_items(kb)
            if na != nb:
                fail(key, "KLL counts %d vs %d" % (na, nb))
            for v, _ in ia[::max(1, len(ia) // 20)]:
                if abs(rank(na, ia, v) - rank(nb, ib, v)) > 0.03:
                    fail(key, "KLL rank of %r" % v)
        kept = {i["hash"]: i for i in ta}
        for i in tb:
            j = kept.get(i["hash"])
            if j and not (j["count"] - j["error"] <= i["count"] and
                          i["count"] - i["error"] <= j["count"]):
                fail(key, "top value %r outside its bounds" % i["value"])


main()
