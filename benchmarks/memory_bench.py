"""Peak memory of `auditor check` on one large text file (issue 9: under 400 MB for 60 MB). It only prints.

    .venv/bin/python benchmarks/memory_bench.py [--mb 60] [--keep PATH]

The file is a bundled sample followed by generated prose lines, each with budget words and a figure
and none ending a sentence: the worst case for the narrative reader, whose paragraphs then run to the
end of the file. The check runs in a child process (so the peak is its own, imports included); its
peak resident set size comes from getrusage(RUSAGE_CHILDREN), the figure `/usr/bin/time -v` prints.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("预算", "收入", "支出", "项目", "经费", "说明", "合计", "单位", "基本", "公用")


def make_file(path: Path, megabytes: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    with path.open("wb") as out:
        size = out.write((ROOT / "samples" / "01_consistent_budget.txt").read_bytes())
        while size < target:
            chunk = "".join("".join(rng.choice(WORDS) for _ in range(20)) + f"{rng.randint(0, 99999)}.00\n"
                            for _ in range(1000))
            size += out.write(chunk.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=60)
    parser.add_argument("--keep", type=Path, default=None, help="write the generated file here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / f"large_{args.mb}mb.txt"
        make_file(path, args.mb)
        exe = Path(sys.executable).parent / "auditor"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor.cli"]
        start = time.perf_counter()
        proc = subprocess.run([*cmd, "check", str(path), "--format", "json", "--fail-on", "never", "-j", "1"],
                              capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
        size_mb = path.stat().st_size / 1024 / 1024
    print(f"file            {size_mb:.1f} MB text")
    print(f"exit code       {proc.returncode}")
    print(f"wall time       {elapsed:.1f} s")
    print(f"peak RSS        {peak_mb:.0f} MB   (target < 400 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
