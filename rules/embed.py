#!/usr/bin/env python3
"""embed.py - turn a text file into a C string constant (build step).

    embed.py INPUT OUTPUT SYMBOL

Writes OUTPUT defining `const char SYMBOL[]` holding INPUT's bytes, so the
built-in policy is the very file in the repository, compiled in.
"""
import sys

src, dst, symbol = sys.argv[1:4]
data = open(src, "rb").read()
lines = []
for line in data.split(b"\n"):
    esc = "".join(c if 32 <= ord(c) < 127 and c not in '"\\?' else
                  "\\%03o" % ord(c) for c in line.decode("latin-1"))
    lines.append('    "%s\\n"' % esc)
if data.endswith(b"\n"):
    lines.pop()
with open(dst, "w") as out:
    out.write("/* Generated from %s by rules/embed.py: do not edit. */\n" % src.split("/")[-1])
    out.write("const char %s[];\n" % symbol)
    out.write("const char %s[] =\n%s;\n" % (symbol, "\n".join(lines) or '""'))
