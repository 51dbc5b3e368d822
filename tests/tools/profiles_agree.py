#!/usr/bin/env python3
"""profiles_agree.py A B [--loose-examples] - do two saved profiles agree?

For profiles of the same files made in different merge orders (threads,
shards, a file split into ranges, merge of saved profiles): every count must
be equal, floating-point moments equal to 1e-9 (their last bits depend on
the order), HyperLogLog registers equal (their merge is a maximum,
order-free), top values and top shapes within their sketch's bounds (where
both kept an item, the bounds overlap; a shape's example is the first one
seen while it was tracked, so it may differ) and KLL quantile sketches
within rank error (numbers and content dates k = 200: 0.03; lengths of
GS_LEN_EXACT bytes or more k = 64: 0.08; shorter lengths are exact counts,
compared like every count). With --loose-examples, examples (the first ones in merge order) need
only be as many, for the same types, and the first file of a layout or of
a field's per-file format is not compared. Exit 0 when they agree; otherwise the
first difference is printed."""
import json
import struct
import sys

KLL_TOLERANCE = {"num_kll": 0.03, "len_kll": 0.08, "content_dates": 0.03}


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


def fail(where, what):
    print("profiles differ at %s: %s" % (where, what))
    sys.exit(1)


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


def kll_agree(where, ka, kb, tol):
    if (ka is None) != (kb is None):
        fail(where, "quantiles on one side only")
    if ka is None:
        return
    (na, ia), (nb, ib) = kll_items(ka), kll_items(kb)
    if na != nb:
        fail(where, "KLL counts %d vs %d" % (na, nb))
    for v, _ in ia[::max(1, len(ia) // 20)]:
        if abs(rank(na, ia, v) - rank(nb, ib, v)) > tol:
            fail(where, "KLL rank of %r" % v)


def topk_agree(where, ta, tb, ident):
    kept = {ident(i): i for i in ta}
    for i in tb:
        j = kept.get(ident(i))
        if j and not (j["count"] - j["error"] <= i["count"] and
                      i["count"] - i["error"] <= j["count"]):
            fail(where, "top item %r outside its bounds" % ident(i))


def take_sketches(p, loose):
    """Remove the order-dependent parts of p and return them."""
    out = {"content_dates": p.pop("content_dates", None)}
    for f in p["fields"]:
        key = (f["collection"], f["path"])
        out[key] = {k: f.pop(k, None) for k in ("num_kll", "len_kll")}
        out[key]["top"] = f.pop("top", [])
        out[key]["shapes"] = f.pop("shapes", [])
        if loose:
            f["examples"] = sorted(f.get("examples", {}))
            if "key_repeats" in f:  # examples of repeated keys
                f["key_repeats"] = len(f["key_repeats"])
            if "format_examples" in f:
                f["format_examples"] = sorted(f["format_examples"])
            for ff in f.get("file_formats", []):  # first file of a format
                ff.pop("first")
    if loose:
        for d in p["defects"]:
            d["examples"] = len(d["examples"])
        for row in p.get("layouts", []):  # first file of a layout
            row.pop("first")
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    loose = "--loose-examples" in sys.argv
    a, b = (json.load(open(p)) for p in args)
    sa, sb = take_sketches(a, loose), take_sketches(b, loose)
    close(a, b, "profile")
    kll_agree("content_dates", sa.pop("content_dates"),
              sb.pop("content_dates"), KLL_TOLERANCE["content_dates"])
    for key, s in sa.items():
        t = sb[key]
        for k in ("num_kll", "len_kll"):
            kll_agree((key, k), s[k], t[k], KLL_TOLERANCE[k])
        topk_agree((key, "top"), s["top"], t["top"], lambda i: i["hash"])
        topk_agree((key, "shapes"), s["shapes"], t["shapes"],
                   lambda i: i["shape"])


main()
