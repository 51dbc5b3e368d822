#!/usr/bin/env python3
"""bounded.py - run a command within a wall-clock and a memory bound.

    bounded.py SECONDS MAX_MIB COMMAND [ARG]...

Runs COMMAND (stdin from /dev/null, stdout inherited, stderr passed on
after it ends), and prints one line to stderr: "bounded: wall=S.SSs
peak_rss=N MiB exit=E". Exit status: COMMAND's own when it stayed within
both bounds; 124 when it ran past SECONDS (it is killed, with its process
group); 125 when its peak resident memory passed MAX_MIB; 126 when its
stderr holds a sanitizer report (AddressSanitizer, LeakSanitizer, UBSan's
"runtime error:"), which a sanitizer build prints without failing; 128+N
when a signal N ended it (a crash: SIGSEGV, SIGBUS, SIGABRT...). The peak
comes from wait4()'s rusage, so it is the kernel's measure of that one
process tree.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

secs, max_mib, cmd = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
err = tempfile.TemporaryFile()
proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=err,
                        start_new_session=True)
timed_out = False
while True:
    pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() - t0 > secs:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        pid, status, ru = os.wait4(proc.pid, 0)
        break
    time.sleep(0.01)
wall = time.monotonic() - t0
peak = ru.ru_maxrss / 1024.0  # KiB on Linux
err.seek(0)
text = err.read()
sys.stderr.buffer.write(text)
sanitizer = re.search(rb"ERROR: (Address|Leak)Sanitizer|runtime error:", text)
if os.WIFSIGNALED(status):
    code = 124 if timed_out else 128 + os.WTERMSIG(status)
else:
    code = os.WEXITSTATUS(status)
    if peak > max_mib:
        code = 125
    elif sanitizer:
        code = 126
print(f"bounded: wall={wall:.2f}s peak_rss={peak:.0f} MiB exit={code}"
      + (" (timed out)" if timed_out else "")
      + (" (memory bound passed)" if code == 125 else "")
      + (" (sanitizer report above)" if code == 126 else ""), file=sys.stderr)
sys.exit(code)
