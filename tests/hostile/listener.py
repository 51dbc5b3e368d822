#!/usr/bin/env python3
"""listener.py - a local TCP listener that records every connection.

    listener.py PORTFILE LOGFILE SECONDS

Listens on 127.0.0.1 at a port the kernel picks, writes the port to
PORTFILE, then for SECONDS appends one line per accepted connection (and
the first bytes it sent) to LOGFILE. An empty LOGFILE afterwards proves
nothing connected: the hardening tests point external entities and DTDs
at this port.
"""
import socket
import sys
import time

portfile, logfile, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(16)
s.settimeout(0.2)
open(logfile, "w").close()
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.replace(portfile + ".tmp", portfile)
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        c, addr = s.accept()
    except socket.timeout:
        continue
    c.settimeout(1.0)
    try:
        first = c.recv(200)
    except OSError:
        first = b""
    with open(logfile, "a") as f:
        f.write(f"connection from {addr[0]}:{addr[1]}: {first!r}\n")
    c.close()
