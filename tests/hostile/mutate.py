#!/usr/bin/env python3
"""mutate.py - change a file while a command is reading it, for certain.

    mutate.py grow|shrink FILE COMMAND [ARG]...

Starts COMMAND, waits until one of its fds is open on FILE, stops it
(SIGSTOP), appends 1 MiB to FILE (grow) or truncates it to 1,000 bytes
(shrink), and lets it go on (SIGCONT). COMMAND's stdout and stderr pass
through; the exit status is COMMAND's (128+N for a signal N), or 99 when
COMMAND finished five times before it could be caught with the file open.
The file is restored from FILE.orig before each try, so the first read
always starts from the same bytes.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

mode, path, cmd = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3:]
shutil.copyfile(path, path + ".orig")


def holds(pid):
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                    return True
            except OSError:
                pass
    except OSError:
        pass
    return False


for attempt in range(5):
    shutil.copyfile(path + ".orig", path)
    out = open(f"{path}.out", "wb")
    p = subprocess.Popen(cmd, stdout=out, stdin=subprocess.DEVNULL)
    caught = False
    while p.poll() is None:
        if holds(p.pid):
            os.kill(p.pid, signal.SIGSTOP)
            if holds(p.pid):
                if mode == "grow":
                    with open(path, "ab") as f:
                        f.write(b"1,2\n" * (1 << 18))
                else:
                    os.truncate(path, 1000)
                caught = True
            os.kill(p.pid, signal.SIGCONT)
            break
        time.sleep(0.0005)
    rc = p.wait()
    out.close()
    if caught:
        sys.stdout.buffer.write(open(f"{path}.out", "rb").read())
        os.unlink(f"{path}.out")
        sys.exit(rc if rc >= 0 else 128 - rc)
    os.unlink(f"{path}.out")
print(f"mutate.py: {cmd[0]} never held {path} open long enough", file=sys.stderr)
sys.exit(99)
