#!/usr/bin/env python3
"""make_pair.py OUT - sandbox/production pairs with known schema defects.

Writes, deterministically (fixed seed, no clock):
  OUT/defects/{sandbox,production}/   a pair where production breaks seven
                                      sandbox assumptions, one per field
  OUT/control/{sandbox,production}/   the same generator with no defect
  OUT/expected.json                   the (check, scope) pairs gapscan must
                                      report on the defects pair, and how
                                      many values each defect touches

Two collections: orders.csv (CSV) and events.jsonl (JSON Lines, nested).
Every categorical value set is cycled through in the first rows of a
sandbox, so the sandbox sees every value, the largest number and the
longest string the clean generator can produce: a clean production can
then break no assumption, and every finding on the defects pair is one of
the injected defects.
"""
import json
import os
import random
import sys

STATUSES = ["new", "paid", "shipped", "delivered"]
PRICES = ["%.2f" % (1 + i * 12.5) for i in range(40)]        # 1.00..488.50
CUSTOMERS = ["CUST-%03d" % i for i in range(100)]
NOTES = ["%s - %s" % (a, b)                   # 30 texts: not a domain
         for a in ["leave at door", "call first", "gift wrap", "fragile",
                   "no note", "ring twice"]
         for b in ["thanks", "after 5pm", "side entrance", "back office",
                   "urgent"]]
KINDS = ["click", "view", "purchase", "signup", "logout"]
TAGS = ["web", "mobile", "beta", "eu", "us", "promo"]
NAMES = ["Ana", "Bo", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana",
         "Ivo", "Jules", "Kemal", "Lea", "Mona", "Nils", "Oskar",
         "Priya", "Quinn", "Rosa", "Sami", "Tuva", "Ugo", "Vera",
         "Wim", "Xena", "Yusuf", "Zoe"]


def pick(rng, values, i, cycle):
    """values[i] while i < len(values) in a sandbox, else a random one."""
    return values[i] if cycle and i < len(values) else rng.choice(values)


def orders(rng, n, first_id, cycle):
    rows = []
    for i in range(n):
        rows.append({
            "order_id": str(first_id + i),
            "status": pick(rng, STATUSES, i, cycle),
            "qty": str(pick(rng, list(range(1, 21)), i, cycle)),
            "amount": pick(rng, PRICES, i, cycle),
            "customer": pick(rng, CUSTOMERS, i, cycle),
            "note": pick(rng, NOTES, i, cycle),
            "created": "2026-%02d-%02d" % (rng.randint(1, 10),
                                           rng.randint(1, 28)),
        })
    return rows


def events(rng, n, first_id, cycle):
    recs = []
    for i in range(n):
        k = 1 + (i % 3 if cycle and i < 3 else rng.randrange(3))
        tags = [pick(rng, TAGS, (i * 3 + j) if cycle else 99, cycle)
                for j in range(k)]
        recs.append({
            "event_id": "E-%06d" % (first_id + i),
            "kind": pick(rng, KINDS, i, cycle),
            "payload": {"size": pick(rng, list(range(1, 201)), i, cycle)},
            "tags": tags,
            "user": {"name": pick(rng, NAMES, i, cycle)},
            "ts": "2026-%02d-%02dT10:00:00Z" % (rng.randint(1, 10),
                                                rng.randint(1, 28)),
        })
    return recs


def write(dirname, order_rows, event_recs):
    os.makedirs(dirname, exist_ok=True)
    cols = ["order_id", "status", "qty", "amount", "customer", "note",
            "created"]
    with open(os.path.join(dirname, "orders.csv"), "w", newline="") as f:
        f.write(",".join(cols) + "\n")
        for r in order_rows:
            f.write(",".join(r[c] for c in cols) + "\n")
    with open(os.path.join(dirname, "events.jsonl"), "w") as f:
        for e in event_recs:
            f.write(json.dumps(e, sort_keys=True) + "\n")


def inject(rng, rows, recs):
    """The seven defects; returns {(check, scope): values touched}."""
    hit = {}
    # 1. a required field is gone: events lose user.name (and user)
    for e in recs:
        del e["user"]
    hit[("schema.field_missing", "field events:user.name")] = len(recs)
    # 2. nulls in a never-null field
    idx = rng.sample(range(len(rows)), 40)
    for i in idx:
        rows[i]["qty"] = ""
    hit[("schema.nulls_appeared", "field orders:qty")] = 40
    # 3. a type change: sizes written as text
    for i in rng.sample(range(len(recs)), 30):
        recs[i]["payload"]["size"] = "%dkb" % rng.randint(1, 200)
    hit[("schema.type_changed", "field events:payload.size")] = 30
    # 4. out of range amounts
    for i in rng.sample([i for i in range(len(rows)) if i not in idx], 5):
        rows[i]["amount"] = "9999.99"
    hit[("schema.range_exceeded", "field orders:amount")] = 5
    # 5. new enum codes
    for i in rng.sample(range(len(rows)), 50):
        rows[i]["status"] = "refunded"
    hit[("schema.enum_new_values", "field orders:status")] = 50
    # 6. duplicate keys
    for i in rng.sample(range(1, len(rows)), 7):
        rows[i]["order_id"] = rows[i - 1]["order_id"]
    hit[("schema.unique_violated", "field orders:order_id")] = 7
    # 7. longer strings
    for i in rng.sample(range(len(rows)), 10):
        rows[i]["note"] = "please " + "really " * 16 + "be careful"
    hit[("schema.length_exceeded", "field orders:note")] = 10
    return hit


def main():
    out = sys.argv[1]
    rng = random.Random(20261127)
    for pair in ("defects", "control"):
        write(os.path.join(out, pair, "sandbox"),
              orders(rng, 400, 1000, True), events(rng, 300, 1, True))
        rows = orders(rng, 3000, 5000, False)
        recs = events(rng, 2000, 1000, False)
        if pair == "defects":
            hit = inject(rng, rows, recs)
        write(os.path.join(out, pair, "production"), rows, recs)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump([{"check": c, "scope": s, "values": n}
                   for (c, s), n in sorted(hit.items())], f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
