#!/usr/bin/env python3
"""Inventory ingestion benchmark (issue 3): N agents at once post the FusionInventory capture of a
Debian machine with ~800 packages, each as a distinct machine, to a running `parc serve`.

Measures, on one database per run:
  1. first import: inventories per second, sustained, of distinct machines never seen;
  2. re-inventory: the same machines send the same inventory again (nothing changed);
  3. with --token: the latency (p50, p95) of the first page of GET /api/v1/assets filtered by a program and
     its version, on the fleet just imported (bash's version differs across machines: 1 in 50 match);
and prints both rates and their ratio. Bodies are prepared (relabelled, zlib-compressed) before the
clock starts; each agent keeps one HTTP/1.1 connection, as FusionInventory does.

usage: ingest-bench.py --url http://127.0.0.1:PORT --fixture FILE [--agents 32] [--machines 1000]
"""
import argparse
import http.client
import re
import sys
import threading
import time
import urllib.parse
import zlib


def relabel(xml: str, index: int) -> bytes:
    suffix = f"{index:06d}"
    text = xml.replace("<NAME>vm</NAME>", f"<NAME>bench-{suffix}</NAME>", 1)
    text = text.replace("<VERSION>5.2.15-2+b8</VERSION>", f"<VERSION>5.2.{index % 50}-2</VERSION>", 1)
    text = re.sub(r"<SSN>[^<]*</SSN>", f"<SSN>BENCH{suffix}</SSN>", text)
    text = re.sub(r"<DEVICEID>[^<]*</DEVICEID>", f"<DEVICEID>bench-{suffix}-2026-11-29-10-52-28</DEVICEID>", text)
    macs = sorted(set(re.findall(r"<MACADDR>([0-9a-f:]{17})</MACADDR>", text)))
    for position, mac in enumerate(macs):
        if mac != "00:00:00:00:00:00":
            text = text.replace(mac, "00:16:3e:%02x:%02x:%02x" % ((index >> 8) & 0xFF, index & 0xFF, position))
    return zlib.compress(text.encode())


def run(url: str, bodies: list, agents: int) -> tuple:
    """Posts every body once, `agents` at a time; returns (seconds, failures)."""
    target = urllib.parse.urlparse(url)
    lock = threading.Lock()
    cursor = [0]
    failures = []

    def agent():
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= len(bodies):
                break
            connection.request("POST", "/", body=bodies[index], headers={
                "Content-Type": "application/x-compress-zlib", "User-Agent": "FusionInventory-Agent_v2.6-3"})
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                with lock:
                    failures.append((response.status, data[:200]))
        connection.close()

    threads = [threading.Thread(target=agent) for _ in range(agents)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
    args = parser.parse_args()
    xml = open(args.fixture, encoding="utf-8").read()
    bodies = [relabel(xml, index) for index in range(args.machines)]
    size = sum(len(body) for body in bodies) / len(bodies)
    first, failed_first = run(args.url, bodies, args.agents)
    again, failed_again = run(args.url, bodies, args.agents)
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


if __name__ == "__main__":
    main()
