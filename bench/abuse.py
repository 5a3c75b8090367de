#!/usr/bin/env python3
"""Slow clients and big bodies against `tariff serve`, on loopback only, bounded in count and
time (issue 17). Starts the server, then in turn:

  1. 2,000 connections that send one header line and stop (slowloris);
  2. 1,100 POST requests whose bodies never finish;
  3. 100 concurrent 16 MB batch uploads;
  4. 500 concurrent /api/quote/history requests;

and after each prints the latency of a real quote made meanwhile, the server's resident memory
(VmRSS, VmHWM) and open file descriptors, and how many of the abusive connections the server
had closed; at the end it sends SIGTERM while slow connections are still open and prints how
long the server took to exit. Usage: bench/abuse.py [path/to/tariff]   (default
target/release/tariff). Needs no network but 127.0.0.1; runs in about a minute.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

TARIFF = sys.argv[1] if len(sys.argv) > 1 else "target/release/tariff"
QUOTE = "/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1000"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) // 1024
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return out


def timed_quote(port, timeout=30):
    t = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{QUOTE}", timeout=timeout) as r:
            r.read()
            status = r.status
    except Exception as e:  # noqa: BLE001 - the bench reports any failure
        status = f"error {e.__class__.__name__}"
    return status, time.monotonic() - t


def open_many(port, n, payload):
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(payload)
            socks.append(s)
        except OSError:
            break
    return socks


def closed_by_server(socks):
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(4096) == b"":
                closed += 1
            else:
                closed += 1  # answered (408) then closed or closing
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return closed


def report(name, pid, port, socks, extra=""):
    status, took = timed_quote(port)
    st = proc_status(pid)
    closed = closed_by_server(socks) if socks is not None else "-"
    print(f"{name:<34} quote {status} in {took*1000:7.1f} ms   RSS {st['VmRSS']:5d} MB "
          f"(peak {st['VmHWM']:5d} MB)   fds {st['fds']:5d}   closed by server {closed} {extra}",
          flush=True)


def main():
    port = free_port()
    server = subprocess.Popen([TARIFF, "serve", "--addr", f"127.0.0.1:{port}"],
                              stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    pid = server.pid
    report("idle", pid, port, None)

    slow = open_many(port, 2000, b"GET /api/meta HTTP/1.1\r\nhost: x\r\n")
    report(f"{len(slow)} half headers, at once", pid, port, slow)
    time.sleep(12)
    report("  ... after 12 s", pid, port, slow)
    for s in slow:
        s.close()

    bodies = open_many(port, 1100, b"POST /api/quote HTTP/1.1\r\nhost: x\r\n"
                       b"content-type: application/json\r\ncontent-length: 100\r\n\r\n{")
    report(f"{len(bodies)} stalled bodies, at once", pid, port, bodies)
    time.sleep(12)
    report("  ... after 12 s", pid, port, bodies)
    for s in bodies:
        s.close()

    big = b"hts,origin,entry_date,value\n" + b"6109.10.00.04,CN,2025-06-01,1000\n" * 480_000
    answers = []

    def upload():
        head = (f"POST /api/batch HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\n"
                f"content-length: {len(big)}\r\nconnection: close\r\n\r\n").encode()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=60)
            s.sendall(head)
            s.sendall(big)
            first = s.recv(64)
            answers.append(first.split(b" ")[1].decode() if first else "closed")
            s.close()
        except OSError as e:
            answers.append(type(e).__name__)

    threads = [threading.Thread(target=upload) for _ in range(100)]
    for t in threads:
        t.start()
    time.sleep(2)
    report("100 x 16 MB uploads in flight", pid, port, None)
    for t in threads:
        t.join(timeout=120)
    counts = {a: answers.count(a) for a in sorted(set(answers))}
    report("  ... done", pid, port, None, f"answers {counts}")

    def history():
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/quote/history?hts=6109.10.00.04&origin=CN"
                "&value=1000&from=2025-01-01&to=2026-09-27", timeout=120).read()
        except Exception:  # noqa: BLE001
            pass

    threads = [threading.Thread(target=history) for _ in range(500)]
    for t in threads:
        t.start()
    time.sleep(1)
    report("500 histories in flight", pid, port, None)
    for t in threads:
        t.join(timeout=300)
    report("  ... done", pid, port, None)

    held = open_many(port, 50, b"POST /api/quote HTTP/1.1\r\nhost: x\r\ncontent-length: 9\r\n\r\n{")
    t = time.monotonic()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
        print(f"SIGTERM with {len(held)} slow clients open: exited in {time.monotonic()-t:.2f} s "
              f"(status {server.returncode})")
    except subprocess.TimeoutExpired:
        print("SIGTERM: still running after 60 s")
        server.kill()


if __name__ == "__main__":
    main()
