"""scripts/serve.sh: two app processes behind nginx on free ports, against a copy of the demo database. A page
is served through the proxy (HTML, health, a websocket session that completes a script run, and a real
browser's), a session keeps to one process (nginx logs $upstream_addr per request), a write while serving
reaches every process, and SIGTERM stops them all."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from bench.streamlit_client import ROUTE_COOKIE, PageView, open_page
from tests.browser.conftest import free_port, wait_for_charts
from tests.conftest import PROJECT

pytestmark = pytest.mark.browser

LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<upstream>\S+) route=(?P<route>\S+)$'
)


@dataclass
class Served:
    url: str
    run_dir: Path
    db: Path
    process: subprocess.Popen
    app_ports: list[int]

    def log(self) -> list[dict[str, str]]:
        """nginx's access log, one dict per request (method, path, status, upstream, route)."""
        lines = (self.run_dir / "access.log").read_text().splitlines()
        return [m.groupdict() for line in lines if (m := LOG_LINE.search(line))]


def nginx_installed() -> bool:
    return shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()


@pytest.fixture(scope="module")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    if not nginx_installed():
        pytest.fail(
            "nginx is not installed: scripts/setup.sh installs it from apt (scripts/serve.sh needs it)"
        )
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "demo.duckdb"
    shutil.copyfile(demo_db, db)  # the tests write a commentary to it
    run_dir, port = folder / "run", free_port()
    output = folder / "serve.out"
    with open(output, "w") as out:
        process = subprocess.Popen(
            [
                "bash",
                "scripts/serve.sh",
                "--workers",
                "2",
                "--port",
                str(port),
                "--run-dir",
                str(run_dir),
            ],
            cwd=PROJECT,
            env={**os.environ, "GPACCESS_DB": str(db)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: every process it starts can be checked and killed
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(process, url, output)
        ports = re.search(r"\(ports ([\d ]+)\)", output.read_text())
        assert ports, output.read_text()
        yield Served(url, run_dir, db, process, [int(p) for p in ports.group(1).split()])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_served(process: subprocess.Popen, url: str, output: Path) -> None:
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"scripts/serve.sh exited with {process.returncode}:\n{output.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"scripts/serve.sh did not serve within 180 s:\n{output.read_text()}")


def get(url: str, cookies: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    """Status, body and the cookies set (name: the whole Set-Cookie header)."""
    headers = (
        {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else {}
    )
    with urllib.request.urlopen(
        urllib.request.Request(url, headers=headers), timeout=30
    ) as response:
        set_cookies = {h.split("=", 1)[0]: h for h in response.headers.get_all("Set-Cookie") or []}
        return response.status, response.read().decode(), set_cookies


def route_of(set_cookies: dict[str, str]) -> str:
    header = set_cookies[ROUTE_COOKIE]
    value = header.split(";", 1)[0].split("=", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}", value), header
    return value


def view(served: Served, page: str, query: str, route: str | None = None) -> PageView:
    """The page opened by the protocol client, in a thread of its own: Playwright's sync API (the `browser`
    fixture) keeps an event loop running in this one."""
    cookies = {ROUTE_COOKIE: route} if route else None
    opening = open_page(served.url, page, query, cookies=cookies, keep_payload=True)
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, opening).result()


def logged(served: Served, route: str, path: str, count: int = 1) -> list[dict[str, str]]:
    """The requests of `route`, once nginx has logged `count` for `path` (a websocket is logged when it
    closes)."""
    deadline = time.time() + 30
    while True:
        requests = [r for r in served.log() if r["route"] == route]
        if sum(r["path"] == path for r in requests) >= count or time.time() > deadline:
            return requests
        time.sleep(0.5)


def test_a_page_its_health_and_a_script_run_through_the_proxy(served: Served) -> None:
    status, html, set_cookies = get(f"{served.url}/uptake?region=Y56")
    assert status == 200 and '<div id="root">' in html
    assert "HttpOnly" in set_cookies[ROUTE_COOKIE] and "SameSite=Lax" in set_cookies[ROUTE_COOKIE]
    route = route_of(set_cookies)
    assert get(f"{served.url}/_stcore/health", {ROUTE_COOKIE: route})[1] == "ok"

    page = view(served, "uptake", "region=Y56", route)
    assert page.ok, page.error
    assert page.deltas > 10 and b"London" in page.payload  # the page drawn for the London region
    requests = logged(served, route, "/_stcore/stream")
    stream = [r for r in requests if r["path"] == "/_stcore/stream"]
    assert [r["status"] for r in stream] == ["101"]  # the websocket went through nginx, upgraded
    assert {r["upstream"] for r in requests} == {
        stream[0]["upstream"]
    }  # HTML, health, websocket: one process


def test_a_browser_session_keeps_to_one_process_and_sessions_spread_over_both(
    served: Served, browser
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(f"{served.url}/overview?region=Y56")
        wait_for_charts(tab)
        cookie = next(c for c in context.cookies() if c["name"] == ROUTE_COOKIE)
        assert cookie["httpOnly"]
    finally:
        context.close()
    requests = logged(served, cookie["value"], "/_stcore/stream")
    paths = [r["path"] for r in requests]
    assert paths[0] == "/overview?region=Y56"  # the first response set the cookie the rest carried
    assert (
        "/_stcore/stream" in paths and len(requests) > 5
    )  # the websocket, scripts, styles, health
    assert len({r["upstream"] for r in requests}) == 1, requests

    for _ in range(16):  # new sessions (no cookie) get new routes, hashed over both processes
        get(f"{served.url}/_stcore/health")
    assert {r["upstream"] for r in served.log()} == {f"127.0.0.1:{p}" for p in served.app_ports}


def test_a_write_while_serving_reaches_every_process(served: Served) -> None:
    routes = one_route_per_process(served)
    month = last_month(served.db)
    # each process serves a page first: its read-only connection is open when the write comes
    for route in routes.values():
        assert view(served, "summary", "", route).ok
    text = "Written while two processes serve the dashboard."
    written = subprocess.run(
        [str(PROJECT / ".venv/bin/python"), "-m", "gpaccess", "commentary", "--db", str(served.db),
         "--month", month, "--as", "national", "--text", text],
        cwd=PROJECT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr  # refused as "in use" before the handover
    for upstream, route in routes.items():
        before = len(streams(logged(served, route, "/_stcore/stream")))
        page = view(served, "summary", "", route)
        assert page.ok and text.encode() in page.payload, (upstream, page.error)
        stream = streams(logged(served, route, "/_stcore/stream", count=before + 1))
        assert len(stream) == before + 1 and {r["upstream"] for r in stream} == {upstream}


def streams(requests: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in requests if r["path"] == "/_stcore/stream"]


def one_route_per_process(served: Served) -> dict[str, str]:
    """upstream address -> a route cookie that nginx sends there (learnt from its log)."""
    for _ in range(32):
        get(f"{served.url}/_stcore/health")
    by_upstream: dict[str, str] = {}
    for request in served.log():
        by_upstream.setdefault(request["upstream"], request["route"])
    assert len(by_upstream) == 2, by_upstream
    return by_upstream


def last_month(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT strftime(max(month), '%Y-%m') FROM practice_month").fetchone()
    finally:
        con.close()
    assert row is not None
    return row[0]


def test_sigterm_stops_every_process(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) == 143
    deadline, alive = time.time() + 30, True
    while alive and time.time() < deadline:
        try:
            os.killpg(
                served.process.pid, 0
            )  # anything left of its process group: nginx, app processes
            time.sleep(0.5)
        except ProcessLookupError:
            alive = False
    assert not alive
    ports = [*served.app_ports, int(served.url.rsplit(":", 1)[1])]
    assert [port for port in ports if answers(port)] == []


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
            return True
    except OSError:
        return False
