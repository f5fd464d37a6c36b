"""Load benchmark: 1, 10, 20 and 50 sessions at once opening Overview, Uptake and Access, through
scripts/serve.sh (--workers N) and, as the baseline, one plain `streamlit run` process.

    python bench/load.py [--db PATH] [--workers 1 2] [--sessions 1 10 20 50] [--no-baseline] [--no-browser]

Loopback only and bounded: the servers are started here on 127.0.0.1, at most 100 sessions, every page 120 s at
most. Sessions are clients that do not draw (bench/streamlit_client.py speaks Streamlit's websocket protocol),
so their CPU does not swamp the machine; half look at London (region=Y56), half at England, each opening the
three pages in turn in one session as the sidebar's links do. One real browser (Playwright, Debian's Chromium)
opens a page through the same server at each level, as a check that the page draws under that load.

Printed per level: page-drawn p50/p95/max (seconds from asking for a page to its script run finishing; the
first page of a session includes the HTML and the websocket), errors, server CPU per page view (utime+stime from
/proc of every app process and nginx over the level, per view, the browser's counted), and the peak resident
memory of all those processes together (RSS summed: shared pages counted in each process, an upper bound). Before the levels every process
is warmed: each opens every view once (the cold figures are printed too).

With no --db the synthetic demo is built in a temporary folder (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.streamlit_client import PageView, Session  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "uptake", "access")
SCOPES = ("region=Y56", "")  # London, England
MAX_SESSIONS = 100
PAGE_TIMEOUT = 120.0
CHROMIUM = "/usr/bin/chromium"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Server:
    """A running server: its URL and its process group (every app process, and nginx, is in it)."""

    label: str
    url: str
    process: subprocess.Popen
    access_log: Path | None = None  # serve.sh's nginx log (which process each route went to)

    def pids(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if (
                entry.name.isdigit()
                and (stat := _stat(entry.name))
                and int(stat[2]) == self.process.pid
            ):
                found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        return sum(int(s[11]) + int(s[12]) for p in self.pids() if (s := _stat(str(p)))) / TICKS


def _stat(pid: str) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (index 0 is the state; 2 the process group)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class MemoryWatch:
    """Samples the summed RSS of a server's processes five times a second; keeps the peak."""

    server: Server
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, sum(_rss_bytes(p) for p in self.server.pids()))

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def started(
    command: list[str], db: Path, label: str, url: str, access_log: Path | None
) -> Iterator[Server]:
    """Start a server in its own process group; stop the whole group afterwards."""
    env = {**os.environ, "GPACCESS_DB": str(db)}
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(f"{url}/_stcore/health", process)
        yield Server(label, url, process, access_log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for(url: str, process: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}: {process.args!r}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url} within 180 s")


def plain_server(db: Path) -> tuple[list[str], str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.address",
        "127.0.0.1",
    ]
    command += [
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    return command, f"http://127.0.0.1:{port}"


def served(workers: int, run_dir: Path) -> tuple[list[str], str]:
    port = free_port()
    command = ["bash", "scripts/serve.sh", "--workers", str(workers), "--port", str(port)]
    return [*command, "--run-dir", str(run_dir)], f"http://127.0.0.1:{port}"


async def one_session(
    url: str, index: int, cookies: dict[str, str] | None = None
) -> list[PageView]:
    session = Session(url, cookies, timeout=PAGE_TIMEOUT)
    query = SCOPES[index % len(SCOPES)]
    try:
        return [await session.open(page, query) for page in PAGES]
    finally:
        await session.close()


async def warm(server: Server, workers: int) -> list[PageView]:
    """Every view once in every process: new sessions of each scope until each process has had one."""
    views: list[PageView] = []
    for scope_index in range(len(SCOPES)):
        seen: set[str] = set()
        for _ in range(8 * workers):
            session = await one_session(server.url, scope_index)
            views += session
            seen.add(_upstream(server, session[0].route))
            if len(seen) == workers:
                break
    return views


def _upstream(server: Server, route: str | None) -> str:
    """Which app process served this route (nginx's log); one plain process has just one."""
    if server.access_log is None or route is None:
        return "plain"
    found = re.findall(rf"upstream=(\S+) route={route}", server.access_log.read_text())
    return found[-1] if found else "?"


async def level(url: str, sessions: int) -> list[PageView]:
    runs = await asyncio.gather(*(one_session(url, i) for i in range(sessions)))
    return [view for run in runs for view in run]


def browser_check(url: str, result: dict[str, float | str]) -> None:
    """One real browser opens Overview for London and waits for a drawn Plotly trace (fetching the app's
    scripts, not cached, and drawing: its own CPU competes with the server's on a small machine)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = (
                time.perf_counter()
            )  # from the address entered (Chromium's start is not the page's)
            tab.goto(f"{url}/overview?region=Y56")
            tab.wait_for_selector(".js-plotly-plot .main-svg g.trace", timeout=PAGE_TIMEOUT * 1000)
            result["seconds"] = time.perf_counter() - start
            browser.close()
    except Exception as error:  # noqa: BLE001 - reported, not raised: the benchmark goes on
        result["error"] = f"{type(error).__name__}: {str(error)[:120]}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")
    )


def run_levels(server: Server, levels: list[int], workers: int, with_browser: bool) -> None:
    print(f"\n{server.label}")
    with MemoryWatch(server) as memory:
        cold = asyncio.run(warm(server, workers))
        cold_ok = [v.seconds for v in cold if v.ok]
        print(f"  warm-up: {len(cold)} views, {len(cold) - len(cold_ok)} errors, "
              f"first (cold) view {cold[0].seconds:.2f} s, median {statistics.median(cold_ok or [0]):.2f} s")  # fmt: skip
        print(f"  {'sessions':>8} {'views':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
              f"{'CPU s/view':>10} {'browser s':>10}")  # fmt: skip
        for sessions in levels:
            browser: dict[str, float | str] = {}
            thread = threading.Thread(target=browser_check, args=(server.url, browser))
            cpu_before = server.cpu_seconds()
            if with_browser:
                thread.start()
            views = asyncio.run(level(server.url, sessions))
            if with_browser:
                thread.join()
            cpu = server.cpu_seconds() - cpu_before
            _print_level(sessions, views, cpu, browser if with_browser else None)
        print(f"  peak memory (RSS, all processes together): {memory.peak / 2**20:,.0f} MB")


def _print_level(sessions: int, views: list[PageView], cpu: float, browser: dict | None) -> None:
    seconds = [v.seconds for v in views if v.ok]
    errors = [v for v in views if not v.ok]
    shown = (
        "-"
        if browser is None
        else (f"{browser['seconds']:.2f}" if "seconds" in browser else "ERROR")
    )
    served = len(views) + (browser is not None)  # the browser's page view is served too
    print(f"  {sessions:>8} {len(views):>6} {len(errors):>6} {percentile(seconds, 0.5):>7.2f} "
          f"{percentile(seconds, 0.95):>7.2f} {max(seconds or [float('nan')]):>7.2f} "
          f"{cpu / served:>10.3f} {shown:>10}")  # fmt: skip
    for error in {v.error for v in errors} | (
        {browser["error"]} if browser and "error" in browser else set()
    ):
        print(f"           error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 20, 50])
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain single process")
    parser.add_argument("--no-browser", action="store_true", help="skip the real browser's check")
    args = parser.parse_args()
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions: 1 to {MAX_SESSIONS}")
    with_browser = not args.no_browser
    if with_browser and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} missing (scripts/setup.sh installs it), or --no-browser")
    print(
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} (other work on the machine counts)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or _demo(Path(tmp))
        print(f"database: {db} ({db.stat().st_size / 1e6:,.0f} MB)")
        baseline = [] if args.no_baseline else [("one plain streamlit process (baseline)", 1, None)]
        runs = [
            (f"scripts/serve.sh --workers {w}", w, Path(tmp) / f"serve-{w}") for w in args.workers
        ]
        for label, workers, run_dir in baseline + runs:
            command, url = served(workers, run_dir) if run_dir else plain_server(db)
            log = run_dir / "access.log" if run_dir else None
            with started(command, db, label, url, log) as server:
                run_levels(server, args.sessions, workers, with_browser)


def _demo(folder: Path) -> Path:
    from gpaccess.demo_build import build_demo_database

    print("building the synthetic demo (about a minute)", flush=True)
    return build_demo_database(folder / "demo.duckdb")


if __name__ == "__main__":
    main()
