"""Names of code addresses in a fuzz binary, by llvm-symbolizer (apt llvm): shared by
coverage.py and new-points.py."""

import subprocess


def symbols(binary, pcs):
    """pc -> innermost (function, file, line)."""
    out = subprocess.run(["llvm-symbolizer", "-a", f"--obj={binary}"], capture_output=True,
                         text=True, input="\n".join(hex(p) for p in pcs) + "\n").stdout
    named = {}
    for block in out.strip().split("\n\n"):
        lines = block.split("\n")
        if len(lines) >= 3:
            path, line = (lines[2].rsplit(":", 2) + ["0"])[:2]
            named[int(lines[0], 16)] = (lines[1], path, int(line) if line.isdigit() else 0)
    return named
