"""Write the demo files and report time, rows and sizes: ``python -m gpaccess.demo OUT_DIR``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gpaccess.demo import write_demo_files


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gpaccess.demo", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", choices=("demo", "national"), default="demo")
    parser.add_argument("--months", type=int, help="only the last N months")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--first-month", default="2021-04")
    parser.add_argument("--last-month", default="2026-09")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = write_demo_files(
        args.out_dir,
        seed=args.seed,
        first_month=args.first_month,
        last_month=args.last_month,
        scale=args.scale,
        months=args.months,
    )
    seconds = time.perf_counter() - start
    crosstabs = [p for p in paths if p.name.startswith("Practice_Level_Crosstab_")]
    rows = sum(_count_lines(p) - 1 for p in crosstabs)
    size = sum(p.stat().st_size for p in paths)
    crosstab_size = sum(p.stat().st_size for p in crosstabs)
    print(f"wrote {len(paths)} files in {seconds:.1f} s to {args.out_dir}")
    print(f"crosstabs: {len(crosstabs)} months, {rows:,} rows, {crosstab_size / 1e6:,.0f} MB")
    print(f"all files: {size / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
