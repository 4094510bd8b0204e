#!/usr/bin/env python3
"""Side-by-side inventory benchmark: parc-agent and fusioninventory-agent on this machine, in one run.

usage: agent-inventory-bench.py --parc PATH_TO_PARC_AGENT [--runs N]

Each tool runs once untimed (warm caches), then N times, alternating, under /usr/bin/time -v:
`parc-agent inventory --output /dev/null` (its own state directory in a temporary folder) and
`fusioninventory-agent --local DIR --no-category=environment,process`. Prints the medians of
user+system CPU time, wall time and peak RSS, and the ratios issue 3 sets as targets.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command):
    """Runs command under GNU time; returns (wall s, cpu s, peak RSS MiB)."""
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    wall = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-3000:]}")

    def field(name):
        match = re.search(rf"{re.escape(name)}: ([0-9.]+)", result.stderr)
        return float(match.group(1)) if match else 0.0

    cpu = field("User time (seconds)") + field("System time (seconds)")
    return wall, cpu, field("Maximum resident set size (kbytes)") / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parc", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-agent-inventory-")
    try:
        fusion_dir = os.path.join(work, "fusion")
        os.mkdir(fusion_dir)
        commands = {
            "parc-agent": [args.parc, "inventory", "--output", "/dev/null", "--state-dir", os.path.join(work, "state")],
            "fusioninventory-agent": ["fusioninventory-agent", "--local", fusion_dir,
                                      "--no-category=environment,process"],
        }
        for command in commands.values():
            timed(command)
        results = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                results[name].append(timed(command))
        packages = sum(1 for line in open("/var/lib/dpkg/status") if line.startswith("Status: ") and line.rstrip().endswith(" installed"))
        version = subprocess.run(["fusioninventory-agent", "--version"], capture_output=True, text=True).stdout
        version = (version.strip().splitlines() or ["fusioninventory-agent"])[0]
        print(f"machine: {os.cpu_count()} cores, {packages} Debian packages, uid {os.getuid()}; {version}")
        print(f"runs: {args.runs} per tool, medians\n")
        print("| tool | CPU s (user+sys) | wall s | peak RSS MiB |")
        print("|---|---|---|---|")
        medians = {}
        for name, rows in results.items():
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            rss = statistics.median(r[2] for r in rows)
            medians[name] = (wall, cpu, rss)
            print(f"| {name} | {cpu:.3f} | {wall:.3f} | {rss:.1f} |")
        parc, fusion = medians["parc-agent"], medians["fusioninventory-agent"]
        cpu_ratio = parc[1] / fusion[1] if fusion[1] else float("nan")
        rss_ratio = parc[2] / fusion[2] if fusion[2] else float("nan")
        print()
        print("| target | result | |")
        print("|---|---|---|")
        print(f"| CPU time, parc-agent / fusioninventory-agent | {cpu_ratio:.3f} | {'met' if cpu_ratio <= 0.2 else '**not met**'} (≤ 0.2) |")
        print(f"| peak memory, parc-agent / fusioninventory-agent | {rss_ratio:.3f} | {'met' if rss_ratio <= 0.5 else '**not met**'} (≤ 0.5) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
