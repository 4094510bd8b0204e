#!/usr/bin/env python3
"""Side-by-side backup benchmark: parc-agent backup, restic and Borg on the same data, in one run.

usage: backup-bench.py --parc PATH_TO_PARC_AGENT [--reps N] [--data DIR] [--work DIR] [--tools parc,restic,borg]
                      [--pause SECONDS]

Per repetition and tool (in turn: each repetition starts with the next tool): fresh repository
and caches (in fresh directories; all are deleted at the end, never between timed steps, and the
first step waits 35 s after any earlier cleanup) → init → first (full) backup → modify 1 % of
the files (untimed) → second backup (incremental) → restore of the second snapshot into an empty
directory → revert (untimed). Each step runs under /usr/bin/time -v (wall, user, sys, peak RSS);
before each step, untimed: every file of its inputs is read (the data and the tool's directory
for a backup, the tool's directory for a restore: see warm()), then `sync`, then a wait (at most
10 s) until the disk has completed no write and has no request in flight for 1 s
(/sys/dev/block/…/stat), so that no tool pays for the write-back of the step before it; nothing is
dropped from the page cache. Optionally a rest of --pause seconds before each tool's run but the
first. Repository size by `du -sb`. The first repetition checks every restore byte for byte
against the data. Prints medians and the ratios the backup issue sets as targets.
"""
import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATASET = os.path.join(HERE, "backup-dataset.py")
PASSWORD = "bench passphrase, not a secret"


def device_stat(path):
    """The I/O counters of the block device holding path (/sys/dev/block/MAJ:MIN/stat), or None."""
    st = os.stat(path)
    try:
        with open(f"/sys/dev/block/{os.major(st.st_dev)}:{os.minor(st.st_dev)}/stat") as handle:
            return [int(value) for value in handle.read().split()]
    except OSError:
        return None


def quiet_disk(path, quiet=1.0, cap=10.0):
    """After `sync`: waits until the disk holding path has completed no write and has no request
    in flight for `quiet` seconds (at most `cap` seconds in all), so that no step pays for write-back
    left by the step before it (another tool's restore) or by another process. Returns the wait."""
    start = time.monotonic()
    last = device_stat(path)
    if last is None:
        return 0.0
    calm_since = time.monotonic()
    while time.monotonic() - start < cap:
        time.sleep(0.2)
        now = device_stat(path)
        # Fields: 4 = writes completed, 8 = requests in flight.
        if now[4] != last[4] or now[8] != 0:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            break
        last = now
    return time.monotonic() - start


def warm(*paths):
    """Reads every file under paths (untimed) into the page cache. This machine's kernel runs DAMON
    reclaim (kdamond: memory not accessed for about 60 s is paged out, up to 128 MiB/s), so whether a
    step found the data cached depended on how long the tools before it had run; each timed step now
    starts with its inputs cached."""
    buffer = bytearray(1 << 20)
    for path in paths:
        for root, _, names in os.walk(path):
            for name in names:
                try:
                    with open(os.path.join(root, name), "rb", buffering=0) as handle:
                        while handle.readinto(buffer):
                            pass
                except OSError:
                    pass


def timed(command, env, disk, cwd=None):
    """Runs command under GNU time after `sync` and a quiet disk (the one holding `disk`); returns
    (wall, user, sys, rss_mb, stdout, seconds waited for the disk)."""
    subprocess.run(["sync"], check=True)
    waited = quiet_disk(disk)
    full_env = dict(os.environ, **env)
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v"] + command, env=full_env, cwd=cwd,
                            capture_output=True, text=True)
    wall = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    def field(name):
        match = re.search(rf"{re.escape(name)}: ([0-9.:]+)", result.stderr)
        return match.group(1) if match else "0"
    return (wall, float(field("User time (seconds)")), float(field("System time (seconds)")),
            int(field("Maximum resident set size (kbytes)")) / 1024, result.stdout, waited)


def size(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True).stdout.split()[0])


def commands(tool, parc, repo, data, target):
    if tool == "parc":
        env = {"PARC_BACKUP_REPO": repo, "PARC_BACKUP_PASSWORD": PASSWORD}
        return env, {
            "init": [parc, "backup", "init", "--quiet"],
            "backup1": [parc, "backup", "run", "--quiet", "--method", "full", data],
            "backup2": [parc, "backup", "run", "--quiet", "--method", "incremental", data],
            "restore": [parc, "backup", "restore", "--quiet", "latest", "--target", target],
        }, None
    if tool == "restic":
        env = {"RESTIC_REPOSITORY": repo, "RESTIC_PASSWORD": PASSWORD,
               "RESTIC_CACHE_DIR": repo + "-cache"}
        return env, {
            "init": ["restic", "init"],
            "backup1": ["restic", "backup", "--quiet", "--host", "bench", data],
            "backup2": ["restic", "backup", "--quiet", "--host", "bench", data],
            "restore": ["restic", "restore", "latest", "--target", target],
        }, None
    env = {"BORG_PASSPHRASE": PASSWORD, "BORG_BASE_DIR": repo + "-base",
           "BORG_RELOCATED_REPO_ACCESS_IS_OK": "yes"}
    return env, {
        "init": ["borg", "init", "--encryption=repokey", repo],
        "backup1": ["borg", "create", repo + "::s1", data],
        "backup2": ["borg", "create", repo + "::s2", data],
        "restore": ["borg", "extract", repo + "::s2"],
    }, target


def settle(stamp):
    """Records that a big delete just ended (see main)."""
    with open(stamp, "w"):
        pass
    os.utime(stamp)


def restored_root(tool, target, data):
    # Every tool recreates the absolute path of the data under the target.
    return os.path.join(target, data.lstrip("/"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--parc", required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--data", default="/tmp/parc-bench-data")
    parser.add_argument("--work", default="/tmp/parc-bench-work")
    parser.add_argument("--tools", default="parc,restic,borg")
    parser.add_argument("--csv", default=None)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds of rest before each tool's run but the first (default none)")
    args = parser.parse_args()
    tools = args.tools.split(",")
    marker = os.path.join(args.data, ".generated")
    if not os.path.exists(marker):
        subprocess.run([sys.executable, DATASET, "generate", args.data], check=True)
        open(marker, "w").close()
    else:
        subprocess.run([sys.executable, DATASET, "revert", args.data], check=True, capture_output=True)
    rows = []
    # ext4 refuses, for about 30 s, to reuse inodes just freed and scans for others: whichever tool
    # ran first after a big delete paid seconds of system time creating files. So the leftovers of
    # an interrupted run are deleted here, and the first timed step waits until 35 s after that
    # delete or after the cleanup that ended the previous run (recorded in a stamp file).
    stamp = args.work.rstrip("/") + ".cleaned"
    if os.path.exists(args.work):
        shutil.rmtree(args.work, ignore_errors=True)
        settle(stamp)
    if os.path.exists(stamp):
        wait = 35 - (time.time() - os.path.getmtime(stamp))
        if wait > 0:
            print(f"waiting {wait:.0f} s for the file system to settle after the last cleanup", flush=True)
            time.sleep(wait)
    free = shutil.disk_usage(os.path.dirname(os.path.abspath(args.work))).free
    needed = args.reps * len(tools) * 2_200_000_000
    if free < needed:
        sys.exit(f"need {needed / 1e9:.0f} GB free next to {args.work}, have {free / 1e9:.0f} GB")
    for rep in range(args.reps):
        # Each repetition starts with the next tool, so that no tool always runs first (after the
        # dataset's revert) or last.
        for tool in tools[rep % len(tools):] + tools[:rep % len(tools)]:
            # An optional rest between tools, the same for each (the seventh run used 30 s; it did not
            # remove the slowdown after Borg's restore, which the warm-up of each step's inputs does).
            if rows and args.pause > 0:
                time.sleep(args.pause)
            # Each run gets fresh directories, and nothing is deleted until the end: ext4 refuses to
            # reuse inodes deleted in the last ~30 s and scans for others, which made whichever tool
            # ran right after a big delete pay seconds of system time creating files.
            work = os.path.join(args.work, f"{rep}-{tool}")
            os.makedirs(work)
            repo = os.path.join(work, "repo")
            target = os.path.join(work, "restore")
            os.makedirs(target)
            env, steps, cwd = commands(tool, args.parc, repo, args.data, target)
            for step in ["init", "backup1", "modify", "backup2", "restore"]:
                if step == "modify":
                    subprocess.run([sys.executable, DATASET, "modify", args.data], check=True, capture_output=True)
                    continue
                # Inputs of the step: the data and the tool's own files (repository, caches).
                if step == "restore":
                    warm(work)
                elif step != "init":
                    warm(args.data, work)
                wall, user, system, rss, _, waited = timed(
                    steps[step], env, args.work, cwd=cwd if step == "restore" else None)
                repo_size = size(repo)
                rows.append({"rep": rep, "tool": tool, "step": step, "wall_s": round(wall, 3),
                             "cpu_s": round(user + system, 3), "user_s": round(user, 3), "sys_s": round(system, 3),
                             "rss_mb": round(rss, 1), "repo_mb": round(repo_size / 1e6, 1)})
                print(f"rep {rep} {tool:6} {step:8} wall {wall:7.2f} s  cpu {user + system:7.2f} s "
                      f"({user:.2f} user)  "
                      f"rss {rss:6.1f} MB  repo {repo_size / 1e6:8.1f} MB  (disk quiet after {waited:.1f} s)",
                      flush=True)
            if rep == 0:
                diff = subprocess.run(["diff", "-r", "-q", args.data, restored_root(tool, target, args.data)],
                                      capture_output=True, text=True)
                extra = [line for line in diff.stdout.splitlines() if ".generated" not in line]
                print(f"rep 0 {tool}: restore {'identical to the data' if not extra else 'DIFFERS: ' + extra[0]}")
                if extra:
                    sys.exit(1)
            subprocess.run([sys.executable, DATASET, "revert", args.data], check=True, capture_output=True)
    subprocess.run(["rm", "-rf", args.work], check=True)
    settle(stamp)
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def median(tool, step, key):
        values = [row[key] for row in rows if row["tool"] == tool and row["step"] == step]
        return statistics.median(values) if values else float("nan")

    print("\nmedians over %d repetitions" % args.reps)
    print("| tool | step | wall s | CPU s | peak RSS MB | repository MB |")
    print("|---|---|---|---|---|---|")
    for tool in tools:
        for step in ["init", "backup1", "backup2", "restore"]:
            print(f"| {tool} | {step} | {median(tool, step, 'wall_s'):.2f} | {median(tool, step, 'cpu_s'):.2f} | "
                  f"{median(tool, step, 'rss_mb'):.0f} | {median(tool, step, 'repo_mb'):.0f} |")
    if "parc" in tools:
        print("\nratios (targets in parentheses)")
        for peer, target in [("restic", 1.5), ("borg", 2.0)]:
            if peer in tools:
                ratio = median(peer, "backup1", "wall_s") / median("parc", "backup1", "wall_s")
                print(f"- first backup throughput, parc / {peer}: {ratio:.2f}× (≥ {target}×)")
        if "restic" in tools:
            incremental = median("parc", "backup2", "wall_s") / median("restic", "backup2", "wall_s")
            restore = median("parc", "restore", "wall_s") / median("restic", "restore", "wall_s")
            repo = median("parc", "backup1", "repo_mb") / median("restic", "backup1", "repo_mb")
            peak = max(median("parc", s, "rss_mb") for s in ["backup1", "backup2", "restore"]) / max(
                median("restic", s, "rss_mb") for s in ["backup1", "backup2", "restore"])
            print(f"- incremental time, parc / restic: {incremental:.2f} (≤ 1)")
            print(f"- restore time, parc / restic: {restore:.2f} (≤ 1)")
            print(f"- repository size, parc / restic: {repo:.2f} (≤ 1)")
            print(f"- peak memory, parc / restic: {peak:.2f} (≤ 1)")


if __name__ == "__main__":
    main()
