#!/usr/bin/env python3
"""Which lines of Casebook's own code a fuzz corpus reaches.

    python3 fuzz/coverage.py TARGET [--list] [--dir DIR]... [PATH_PREFIX]...

TARGET's binary must have been built by `cargo +nightly fuzz build -O -s none` into
target-fuzz (see README.md). Without --dir, the kept corpus crates/core/tests/fuzz-corpus/TARGET
is measured. PATH_PREFIX limits the report to files under crates/core/src/PATH_PREFIX
(`import/`, `render.rs`). Needs llvm-symbolizer (apt llvm) and `pip install capstone pyelftools`.

How: libFuzzer's merge writes, per input, the indices of the points of its PC table the input
reached (`COV` lines of -merge_control_file); the table itself is read from the running
binary's memory (ASLR off), and each point is named by llvm-symbolizer. A line counts as
covered when any of its points ran. Points whose every path runs straight into a panic or
an unwind (bounds checks, `expect` on invariants, clean-up while unwinding: found by
walking the machine code with capstone) are left out, as are log statements.
"""
import argparse, collections, os, re, struct, subprocess, sys, tempfile

import capstone
from elftools.elf.elffile import ELFFile

from symbols import symbols

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = 0x555555554000  # where a PIE is loaded with ASLR off (setarch -R)
PANIC = re.compile(r"panick|panic_|unwrap_failed|expect_failed|_Unwind_Resume|handle_alloc_error"
                   r"|capacity_overflow|handle_error|_fail$|slice_index|str_index|assert_failed|abort")


def pc_table(binary):
    """Every instrumented point, read from the PC table of a short run."""
    with tempfile.TemporaryDirectory() as empty:
        p = subprocess.Popen(["setarch", "-R", binary, "-max_total_time=60", empty],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in p.stderr:
            m = re.search(r"PC tables \(\d+ PCs\): \d+ \[(0x[0-9a-f]+),(0x[0-9a-f]+)\)", line)
            if m:
                start, end = int(m.group(1), 16), int(m.group(2), 16)
                with open(f"/proc/{p.pid}/mem", "rb") as mem:
                    mem.seek(start)
                    data = mem.read(end - start)
                break
        p.kill()
    return [struct.unpack_from("<Q", data, i)[0] - BASE for i in range(0, len(data), 16)]


def covered(binary, pcs, dirs):
    with tempfile.TemporaryDirectory() as tmp:
        control, out = os.path.join(tmp, "control"), os.path.join(tmp, "out")
        os.mkdir(out)
        subprocess.run(["setarch", "-R", binary, "-merge=1", f"-merge_control_file={control}",
                        "-rss_limit_mb=4096", "-timeout=600", out, *dirs],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        reached = set()
        with open(control, errors="replace") as f:
            for line in f:
                if line.startswith("COV "):
                    reached.update(pcs[int(i)] for i in line.split()[2:])
    return reached


class Code:
    """Decides whether every path from a point ends in a panic or an unwind."""

    def __init__(self, binary):
        self.names = {}
        nm = subprocess.run(["nm", "-C", "--defined-only", binary], capture_output=True, text=True)
        for line in nm.stdout.splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3:
                self.names[int(parts[0], 16)] = parts[2]
        plt = subprocess.run(["objdump", "-d", "-j", ".plt", binary], capture_output=True, text=True)
        for line in plt.stdout.splitlines():
            m = re.match(r"^([0-9a-f]+) <(.+)@plt>:", line)
            if m:
                self.names[int(m.group(1), 16)] = m.group(2)
        with open(binary, "rb") as f:
            text = ELFFile(f).get_section_by_name(".text")
            self.start, self.bytes = text["sh_addr"], text.data()
        self.md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)

    def only_panics(self, start, budget=3000):
        seen, stack, steps = set(), [start], 0
        while stack:
            a = stack.pop()
            while a not in seen:
                seen.add(a)
                steps += 1
                off = a - self.start
                i = next(self.md.disasm(self.bytes[off:off + 16], a), None)
                if steps > budget or i is None or i.mnemonic == "ret":
                    return False
                if i.mnemonic == "ud2":
                    break
                target = int(i.op_str, 16) if re.fullmatch(r"0x[0-9a-f]+", i.op_str) else None
                if i.mnemonic == "call":
                    if target is not None and PANIC.search(self.names.get(target, "")):
                        break
                elif i.mnemonic == "jmp":
                    if target is None:
                        return False
                    a = target
                    continue
                elif i.mnemonic.startswith("j"):
                    if target is None:
                        return False
                    stack.append(target)
                a = i.address + i.size
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("prefixes", nargs="*")
    ap.add_argument("--dir", action="append")
    ap.add_argument("--list", action="store_true", help="print the lines never reached")
    args = ap.parse_intermixed_args()
    binary = os.path.join(ROOT, "target-fuzz/x86_64-unknown-linux-gnu/release", args.target)
    dirs = args.dir or [os.path.join(ROOT, "crates/core/tests/fuzz-corpus", args.target)]
    pcs = pc_table(binary)
    named = symbols(binary, pcs)
    reached = covered(binary, pcs, dirs)
    code = Code(binary)
    ours = os.path.join(ROOT, "crates/core/src") + "/"
    lines = collections.defaultdict(lambda: [False, False])  # (file, line) -> [reached, live]
    for pc in pcs:
        fn, path, line = named.get(pc, ("", "", 0))
        rel = path[len(ours):] if path.startswith(ours) else None
        if rel is None or line == 0 or (args.prefixes and not rel.startswith(tuple(args.prefixes))):
            continue
        entry = lines[(rel, line)]
        if pc in reached:
            entry[:] = [True, True]
        elif not code.only_panics(pc):
            entry[1] = True
    sources, per_file, missed = {}, collections.defaultdict(lambda: [0, 0]), []
    for (rel, line), (hit, live) in sorted(lines.items()):
        text = sources.setdefault(rel, open(ours + rel).read().split("\n"))[line - 1].strip()
        if not live or "tracing::" in text:
            continue
        per_file[rel][1] += 1
        per_file[rel][0] += hit
        if not hit:
            missed.append(f"  {rel}:{line}: {text[:90]}")
    total = [sum(v[i] for v in per_file.values()) for i in (0, 1)]
    print(f"{args.target}: {len(reached)} points reached in all; lines of Casebook's code:")
    for rel, (hit, n) in sorted(per_file.items()):
        print(f"  {rel:28} {hit:4d} / {n:4d}  {100 * hit / n:5.1f} %")
    print(f"  {'total':28} {total[0]:4d} / {total[1]:4d}  {100 * total[0] / max(1, total[1]):5.1f} %")
    if args.list:
        print("never reached:", *missed, sep="\n")


if __name__ == "__main__":
    sys.exit(main())
