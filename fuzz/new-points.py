#!/usr/bin/env python3
"""When a fuzz run last found something new in Casebook's own code.

    python3 fuzz/new-points.py TARGET LOG [--minutes 10,20]

LOG is the stderr of a fuzzer started with ASLR off and `-print_pcs=1`, each line prefixed
with the seconds since the start (fuzz/README.md, *A long run*). Each `NEW_PC` is named by
llvm-symbolizer; the report gives the edges (`cov:`) at the start and the end, their growth
over the last minutes, and every new point in crates/core/src with the minute it appeared,
so that "nothing new turns up" can be read off: no new point in our code for how long.
"""
import argparse, collections, os, re, sys

from symbols import symbols

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = 0x555555554000  # where a PIE is loaded with ASLR off (setarch -R)
OURS = os.path.join(ROOT, "crates", "core", "src") + os.sep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("log")
    ap.add_argument("--minutes", default="10,20")
    args = ap.parse_args()
    binary = os.path.join(ROOT, "target-fuzz", "x86_64-unknown-linux-gnu", "release", args.target)
    cov, pcs, loaded = [], [], None
    for line in open(args.log, errors="replace"):
        m = re.match(r"\s*([\d.]+) (.*)", line)
        if not m:
            continue
        t, rest = float(m.group(1)), m.group(2)
        if loaded is None and "INITED" in rest:
            loaded = t  # the kept corpus is loaded: what follows is the run's own finding
            cov.clear()
        c = re.search(r"\bcov: (\d+)", rest)
        if c:
            cov.append((t, int(c.group(1))))
        p = re.search(r"NEW_PC: (0x[0-9a-f]+)", rest)
        if p and loaded is not None:
            pcs.append((t, int(p.group(1), 16) - BASE))
    if not cov:
        sys.exit(f"no status lines in {args.log}")
    named = symbols(binary, [pc for _, pc in pcs])
    names = [f"{named[pc][1]}:{named[pc][2]}" if pc in named else "?" for _, pc in pcs]
    end = cov[-1][0]
    print(f"{args.target}: {end / 60:.0f} min (corpus loaded at minute {(loaded or 0) / 60:.0f}),"
          f" edges after loading {cov[0][1]} -> {cov[-1][1]}")
    for m in (int(x) for x in args.minutes.split(",")):
        before = [c for t, c in cov if t <= end - 60 * m]
        if before:
            gain = cov[-1][1] - before[-1]
            print(f"  last {m} min: +{gain} edges ({100 * gain / cov[-1][1]:.2f} %)")
    ours = [(t, n) for (t, _), n in zip(pcs, names) if n.startswith(OURS)]
    print(f"  new points after loading: {len(pcs)}, in crates/core/src: {len(ours)}")
    for t, n in ours:
        print(f"    minute {t / 60:5.1f}  {os.path.relpath(n, ROOT)}")
    if ours:
        print(f"  none in our code for the last {(end - ours[-1][0]) / 60:.0f} min")
    others = collections.Counter(owner(n) for n in names if not n.startswith(OURS))
    if others:
        print("  elsewhere: " + ", ".join(f"{k} {v}" for k, v in others.most_common()))


def owner(path):
    """The crate (or the standard library) a source path belongs to."""
    m = re.search(r"/registry/src/[^/]+/([^/]+)/", path)
    if m:
        return m.group(1)
    if path.startswith("/rustc/"):
        return "std"
    return os.path.relpath(path, ROOT) if path.startswith(ROOT) else path.split(":")[0]


if __name__ == "__main__":
    main()
