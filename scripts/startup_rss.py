#!/usr/bin/env python3
"""Start-up to the first drawn frame, and resident memory, of `certcockpit review`.

Runs the binary on a pseudo-terminal of 120x40 (Python's stdlib `pty`, the same thing a
terminal emulator or tmux gives it), and times from just before the fork to the moment the
bytes of the first frame containing MARKER have been written to the terminal. Then it reads
VmRSS / VmHWM from /proc/<pid>/status, moves around (section and question keys) for a while so
that every pane is drawn, reads them again; then sends TRAFFIC requests to the session's
evidence API (its address is read from the status line; plain `GET /items` without a token on
one kept-alive connection: each is answered 401 and journaled like any request) and reads them
once more, and quits with `q`.

usage: startup_rss.py BINARY DOSSIER_DIR RUNS [TRAFFIC] [MARKER]
Prints one line per run and a summary (median, min, max start-up; max RSS) on stdout.
"""

import fcntl
import http.client
import os
import pty
import re
import select
import statistics
import struct
import sys
import termios
import time

COLS, ROWS = 120, 40


def rss_kib(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def read_until(fd: int, marker: "bytes | re.Pattern[bytes]", deadline: float) -> bytes:
    """Reads the terminal until `marker` (bytes, or a compiled pattern) has been drawn."""
    seen = b""
    found = (lambda b: marker in b) if isinstance(marker, bytes) else (lambda b: marker.search(b) is not None)
    while not found(seen):
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError(f"{marker!r} not drawn; screen bytes so far: {seen[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def drain(fd: int, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                if not os.read(fd, 65536):
                    return
            except OSError:
                return


def api_traffic(fd: int, screen: bytes, count: int) -> None:
    m = re.search(rb"(127\.0\.0\.1):(\d+)[^\d]", screen)
    if not m:
        raise RuntimeError("the evidence API address is not on the screen")
    conn = http.client.HTTPConnection(m.group(1).decode(), int(m.group(2)), timeout=10)
    for _ in range(count):
        conn.request("GET", "/items", headers={"X-Client-Name": "bench"})
        conn.getresponse().read()
        drain(fd, 0)
    conn.close()


def one_run(binary: str, dossier: str, marker: bytes, traffic: int) -> tuple[float, int, int, int, int]:
    if os.path.exists(dossier):
        os.remove(dossier)
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, "review", dossier])
    screen = read_until(fd, marker, t0 + 10.0)
    startup_ms = (time.perf_counter() - t0) * 1000.0
    address = re.compile(rb"127\.0\.0\.1:\d+[^\d]")
    if traffic and not address.search(screen):
        # The rest of the first frame, with the API address on the status line.
        screen += read_until(fd, address, time.perf_counter() + 5.0)
    first_rss, _ = rss_kib(pid)
    # Walk every section and a few questions of each so all panes have been drawn.
    for _ in range(8):
        for key in (b"l", b"j", b"j", b"k"):
            os.write(fd, key)
            drain(fd, 0.05)
    drain(fd, 0.5)
    rss, _ = rss_kib(pid)
    if traffic:
        api_traffic(fd, screen, traffic)
        drain(fd, 0.5)
    after, hwm = rss_kib(pid)
    os.write(fd, b"q")
    drain(fd, 2.0)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    if status != 0:
        raise RuntimeError(f"certcockpit exited with status {status}")
    return startup_ms, first_rss, rss, after, hwm


def main() -> int:
    binary, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    traffic = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    marker = (sys.argv[5] if len(sys.argv) > 5 else "Integration Overview").encode()
    times, hwms = [], []
    for i in range(runs):
        ms, first, rss, after, hwm = one_run(binary, os.path.join(folder, f"startup-{i}.toml"), marker, traffic)
        times.append(ms)
        hwms.append(hwm)
        print(f"run {i + 1}: first frame {ms:.1f} ms; RSS at first frame {first / 1024:.1f} MiB, "
              f"after browsing {rss / 1024:.1f} MiB, after {traffic} API requests {after / 1024:.1f} MiB, "
              f"peak {hwm / 1024:.1f} MiB")
    print(f"startup_ms median {statistics.median(times):.1f} min {min(times):.1f} max {max(times):.1f} "
          f"(n={runs}); peak RSS max {max(hwms) / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
