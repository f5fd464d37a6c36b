"""Helpers for benchmark scripts: run a child Python, report wall time and peak memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run_child(code: str, *args: str) -> tuple[dict, float, float]:
    """Run `code` in a fresh interpreter; returns (its JSON output, wall seconds, child peak RSS in MB).

    Peak RSS comes from RUSAGE_CHILDREN, so run one measured child per process for a clean figure.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=PROJECT
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return json.loads(done.stdout.strip().splitlines()[-1]), wall, peak_mb


def best_of(times: int, fn) -> float:
    results = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        results.append(time.perf_counter() - start)
    return min(results)
