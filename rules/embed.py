#!/usr/bin/env python3
"""embed.py - turn a text file into a C byte array (build step).

    embed.py INPUT OUTPUT SYMBOL

Writes OUTPUT defining `const char SYMBOL[]` holding INPUT's bytes and a
final NUL, so the built-in policy is the very file in the repository,
compiled in. A byte array, not a string literal: C17 compilers need only
accept 4,095-character literals.
"""
import sys

src, dst, symbol = sys.argv[1:4]
data = open(src, "rb").read() + b"\0"
rows = [", ".join("0x%02x" % b for b in data[i:i + 12])
        for i in range(0, len(data), 12)]
with open(dst, "w") as out:
    out.write("/* Generated from %s by rules/embed.py: do not edit. */\n"
              % src.split("/")[-1])
    out.write("extern const char %s[];\n" % symbol)
    out.write("const char %s[] = {\n    %s\n};\n" % (symbol, ",\n    ".join(rows)))
