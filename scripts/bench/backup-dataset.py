#!/usr/bin/env python3
"""The ~1 GiB backup benchmark dataset, byte-identical on every run (Parc's own generator).

usage: backup-dataset.py generate DIR | modify DIR | revert DIR

Shape (the reference workload of ../shared/bench): 20,000 text files (log and config lines,
log-normal sizes around 4 KiB, at most 64 KiB) in 200 directories; 1,000 exact copies of text files
and 8 of binaries in dup/; 160 binaries of 256 KiB to 4 MiB (incompressible, records with zero
padding, half random blocks and half a repeated pattern); four 128 MiB files (two random, one made
of random and zero MiB blocks, one a quarter random and three quarters text). `modify` changes 1 %
of the files (a line appended to texts, 4 KiB — 1 MiB for the large ones — rewritten in the middle
of others); `revert` writes them back.
"""
import hashlib
import math
import os
import random
import shutil
import sys

MIB = 1 << 20
SEED = "parc-bench-backup-1"


def generator(name):
    # A per-file generator seeded by a hash of the name: stable across Python versions.
    digest = hashlib.sha256(f"{SEED}/{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "little"))


WORDS_RNG = generator("words")
WORDS = ["".join(WORDS_RNG.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(WORDS_RNG.randint(2, 10)))
         for _ in range(2500)]
SERVICES = ["sshd", "cron", "kernel", "systemd", "nginx", "postfix", "dhclient", "smbd", "cupsd", "apt"]


def random_bytes(rng, count):
    return rng.getrandbits(count * 8).to_bytes(count, "little") if count else b""


def text(rng, size):
    out, length = [], 0
    while length < size:
        pick = rng.random()
        if pick < 0.55:
            line = "%04d-%02d-%02d %02d:%02d:%02d %s %s[%d]: %s\n" % (
                2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                rng.randint(0, 59), "srv%02d" % rng.randint(1, 40), rng.choice(SERVICES), rng.randint(1, 99999),
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))))
        elif pick < 0.85:
            line = "%s_%s=%s\n" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(
                [str(rng.randint(0, 65535)), rng.choice(WORDS), "yes", "no"]))
        else:
            line = "# " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 15))) + "\n"
        out.append(line)
        length += len(line)
    return "".join(out).encode()[:size]


def content(rel):
    rng = generator(rel)
    kind = rel.split("/")[0]
    if kind == "dup":
        return content(rel.split("/", 1)[1])
    if kind == "text":
        return text(rng, max(256, min(64 * 1024, int(rng.lognormvariate(math.log(4000), 0.9)))))
    if kind == "bin":
        size = rng.randint(256 * 1024, 4 * MIB)
        if rel.endswith(".rnd"):
            return random_bytes(rng, size)
        if rel.endswith(".rec"):
            record = bytearray()
            while len(record) < size:
                record += random_bytes(rng, 20) + bytes(36) + rng.randint(0, 1 << 62).to_bytes(8, "little")
            return bytes(record[:size])
        pattern = (b"PARC-PATTERN-" * 400)[:4096]
        blocks = bytearray()
        while len(blocks) < size:
            blocks += random_bytes(rng, 4096) if rng.random() < 0.5 else pattern
        return bytes(blocks[:size])
    name = rel.split("/")[1]
    if name.startswith("random"):
        return random_bytes(rng, 128 * MIB)
    if name == "zeros-and-random.img":
        return b"".join(random_bytes(rng, MIB) if rng.random() < 0.5 else bytes(MIB) for _ in range(128))
    return b"".join(random_bytes(rng, MIB) if rng.random() < 0.25 else text(rng, MIB) for _ in range(128))


def files():
    texts = ["text/d%03d/f%05d.txt" % (i % 200, i) for i in range(20000)]
    bins = ["bin/b%03d.%s" % (i, ("rnd", "rec", "mix")[i % 3]) for i in range(160)]
    large = ["large/random-1.bin", "large/random-2.bin", "large/zeros-and-random.img", "large/mixed.img"]
    pick = generator("dup")
    dups = ["dup/" + name for name in sorted(pick.sample(texts, 1000)) + sorted(pick.sample(bins, 8))]
    return sorted(texts + bins + large + dups)


def modified():
    every = files()
    return sorted(generator("modify").sample(every, len(every) // 100))


def write(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "modify", "revert"):
        sys.exit(__doc__.strip().splitlines()[2])
    mode, root = sys.argv[1], sys.argv[2]
    if mode == "generate":
        shutil.rmtree(root, ignore_errors=True)
        total = 0
        for rel in files():
            data = content(rel)
            write(root, rel, data)
            total += len(data)
        print(f"generated {len(files())} files, {total} bytes in {root}")
    elif mode == "modify":
        for rel in modified():
            path = os.path.join(root, rel)
            rng = generator(rel + "#modify")
            if rel.endswith(".txt"):
                with open(path, "ab") as handle:
                    handle.write(("changed %s %s\n" % (rel, " ".join(rng.choice(WORDS) for _ in range(8)))).encode())
            else:
                span = MIB if rel.startswith("large/") else 4096
                size = os.path.getsize(path)
                with open(path, "r+b") as handle:
                    handle.seek(max(0, size // 2 - span // 2))
                    handle.write(random_bytes(rng, span))
        print(f"modified {len(modified())} files")
    else:
        for rel in modified():
            write(root, rel, content(rel))
        print(f"reverted {len(modified())} files")


if __name__ == "__main__":
    main()
