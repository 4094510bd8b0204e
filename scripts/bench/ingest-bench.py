#!/usr/bin/env python3
"""Inventory ingestion benchmark (issue 3): N agents at once post the FusionInventory capture of a
Debian machine with ~800 packages, each as a distinct machine, to a running `parc serve`.

Measures, on one database per run:
  1. first import: inventories per second, sustained, of distinct machines never seen;
  2. re-inventory: the same machines send the same inventory again (nothing changed);
  3. with --token: the latency (p50, p95) of the first page of GET /api/v1/assets filtered by a program and
     its version, on the fleet just imported (bash's version differs across machines: 1 in 50 match);
and prints both rates and their ratio. Bodies are prepared (relabelled, zlib-compressed) before the
clock starts; the second pass's bodies carry the run's own date (ACCESSLOG/LOGDATE), as a real agent's next run
does, so no two bodies of a machine are the same bytes. Each agent keeps one HTTP/1.1 connection, as
FusionInventory does: requests are written on it as prepared bytes (the headers and body http.client sends) and
replies read with a small reader; `--client http.client` goes through Python's http.client instead, as runs
before 2026-11-30 14:30 did (its header parsing costs the shared cores more CPU).

usage: ingest-bench.py --url http://127.0.0.1:PORT --fixture FILE [--agents 32] [--machines 1000] [--client raw|http.client]
"""
import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib


def relabel(xml: str, index: int, run: int = 0) -> bytes:
    suffix = f"{index:06d}"
    text = xml.replace("<NAME>vm</NAME>", f"<NAME>bench-{suffix}</NAME>", 1)
    if run:
        text = re.sub(r"<LOGDATE>[^<]*</LOGDATE>", f"<LOGDATE>2026-11-{29 + run} 10:53:13</LOGDATE>", text, count=1)
    text = text.replace("<VERSION>5.2.15-2+b8</VERSION>", f"<VERSION>5.2.{index % 50}-2</VERSION>", 1)
    text = re.sub(r"<SSN>[^<]*</SSN>", f"<SSN>BENCH{suffix}</SSN>", text)
    text = re.sub(r"<DEVICEID>[^<]*</DEVICEID>", f"<DEVICEID>bench-{suffix}-2026-11-29-10-52-28</DEVICEID>", text)
    macs = sorted(set(re.findall(r"<MACADDR>([0-9a-f:]{17})</MACADDR>", text)))
    for position, mac in enumerate(macs):
        if mac != "00:00:00:00:00:00":
            text = text.replace(mac, "00:16:3e:%02x:%02x:%02x" % ((index >> 8) & 0xFF, index & 0xFF, position))
    return zlib.compress(text.encode())


def post_raw(sock, head: bytes, body: bytes, reader) -> tuple:
    """Sends one prepared HTTP/1.1 request on a kept-alive socket; returns (status, body). Reads what the server
    sends back (Content-Length or chunked), nothing more: the agents' protocol, without http.client's header
    parsing (email.parser), which cost the load generator more CPU than the rest of its work."""
    sent = sock.sendmsg([head, body])
    if sent < len(head) + len(body):
        sock.sendall((head + body)[sent:])
    status_line = reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split(b" ", 2)[1])
    length = None
    chunked = False
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int(reader.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while reader.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += reader.read(size)
            reader.readline()
        return status, body
    return status, reader.read(length or 0)


def run(url: str, bodies: list, agents: int, client: str = "raw") -> tuple:
    """Posts every body once, `agents` at a time, each agent on one kept-alive connection; returns
    (seconds, failures). `client` "raw" writes the request (the same headers and body) on a socket; "http.client"
    goes through Python's http.client, as earlier runs did."""
    target = urllib.parse.urlparse(url)
    lock = threading.Lock()
    cursor = [0]
    failures = []
    headers = {"Content-Type": "application/x-compress-zlib", "User-Agent": "FusionInventory-Agent_v2.6-3"}
    head = "POST / HTTP/1.1\r\nHost: %s:%d\r\n" % (target.hostname, target.port) + "".join(
        "%s: %s\r\n" % item for item in headers.items())

    def agent():
        if client == "raw":
            sock = socket.create_connection((target.hostname, target.port), timeout=120)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = sock.makefile("rb")
        else:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= len(bodies):
                break
            if client == "raw":
                body = bodies[index]
                status, data = post_raw(sock, (head + "Content-Length: %d\r\n\r\n" % len(body)).encode(), body,
                                        reader)
            else:
                connection.request("POST", "/", body=bodies[index], headers=headers)
                response = connection.getresponse()
                status, data = response.status, response.read()
            if status != 200:
                with lock:
                    failures.append((status, data[:200]))
        if client == "raw":
            reader.close()
            sock.close()
        else:
            connection.close()

    threads = [threading.Thread(target=agent) for _ in range(agents)]
    start = time.perf_counter()
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.client_cpu = time.process_time() - cpu
    return time.perf_counter() - start, failures


def list_latency(url: str, token: str, requests: int = 200) -> str:
    """p50 and p95 of the first page of assets with bash 5.2.7-2 (1 machine in 50), one client."""
    target = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    path = "/api/v1/assets?type=computer&software=bash&software_version=5.2.7-2&per_page=50"
    times = []
    total = None
    for _ in range(requests + 5):
        start = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": "Bearer " + token})
        response = connection.getresponse()
        body = response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise SystemExit(f"list failed: {response.status} {body[:200]!r}")
        if total is None:
            import json
            total = json.loads(body)["total"]
    times = sorted(times[5:])
    return (f"list by program and version ({total} of the fleet): p50 {times[len(times) // 2] * 1000:.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--agents", type=int, default=32)
    parser.add_argument("--machines", type=int, default=1000)
    parser.add_argument("--label", default="")
    parser.add_argument("--token", default="")
    parser.add_argument("--client", choices=["raw", "http.client"], default="raw")
    parser.add_argument("--perf-pid", type=int, help="record this process with `perf record -g` during the second pass")
    parser.add_argument("--perf-output", default="perf.data")
    args = parser.parse_args()
    xml = open(args.fixture, encoding="utf-8").read()
    bodies = [relabel(xml, index) for index in range(args.machines)]
    size = sum(len(body) for body in bodies) / len(bodies)
    first, failed_first = run(args.url, bodies, args.agents, args.client)
    first_cpu = run.client_cpu
    del bodies
    next_bodies = [relabel(xml, index, run=1) for index in range(args.machines)]
    perf = None
    if args.perf_pid:
        # PARC_BENCH_PERF_ALL=1: the whole machine (the database's processes and this client too).
        target = ["-a"] if os.environ.get("PARC_BENCH_PERF_ALL") else ["-p", str(args.perf_pid)]
        perf = subprocess.Popen(["perf", "record", "-g", "-q", *target, "-o", args.perf_output],
                                stdout=subprocess.DEVNULL)
        time.sleep(1)  # perf attaches before the pass starts
    again, failed_again = run(args.url, next_bodies, args.agents, args.client)
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    again_cpu = run.client_cpu
    if failed_first or failed_again:
        print(f"failures: {len(failed_first)} first, {len(failed_again)} again; e.g. {(failed_first or failed_again)[0]}",
              file=sys.stderr)
        sys.exit(1)
    latency = ""
    if args.token:
        latency = " | " + list_latency(args.url, args.token)
    first_rate = args.machines / first
    again_rate = args.machines / again
    print(f"| {args.label} | {args.machines} machines, {args.agents} agents, {size / 1024:.1f} KiB zlib each "
          f"| first import {first_rate:.0f}/s ({first:.1f} s) | re-inventory {again_rate:.0f}/s ({again:.1f} s) "
          f"| re-inventory {again_rate / first_rate:.1f}× faster{latency} |")
    # What the load generator itself took of the two cores (it shares them with the server).
    print(f"load generator ({args.client}): {first_cpu * 1000 / args.machines:.2f} ms CPU per first import, "
          f"{again_cpu * 1000 / args.machines:.2f} ms per re-inventory", file=sys.stderr)


if __name__ == "__main__":
    main()
