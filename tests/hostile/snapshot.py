#!/usr/bin/env python3
"""snapshot.py - a listing of a tree that shows any change to it.

    snapshot.py DIR

Prints, sorted by path, one line per entry (without following symlinks):
path, type, mode, size, mtime in ns, and for regular files the SHA-256 of
the content; symlinks show their target. Two listings taken before and
after a run are equal only if nothing was added, removed, renamed, written
or re-timed. FIFOs and sockets are listed, never opened; atime is left out
(the atime test looks at it on its own).
"""
import hashlib
import os
import stat
import sys

root = sys.argv[1]
rows = []
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames:
        p = os.path.join(dirpath, name)
        st = os.lstat(p)
        extra = ""
        if stat.S_ISREG(st.st_mode) and os.access(p, os.R_OK):
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            extra = h.hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            extra = "-> " + os.readlink(p)
        rows.append(f"{os.fsencode(os.path.relpath(p, root))!r} "
                    f"{stat.filemode(st.st_mode)} {st.st_size} "
                    f"{st.st_mtime_ns} {extra}")
print("\n".join(sorted(rows)))
