"""Browser fixtures: a real `streamlit run` on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SCREENSHOTS_ENV, screenshot_folder

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # V8 without its optimising compilers: each page load parses and runs Streamlit's large bundle once, which
    # optimised code does not repay (Chromium's CPU per page load 20-25% lower, measured on this machine)
    "--js-flags=--no-opt --no-maglev",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GPACCESS_DB": str(db)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("streamlit did not start within 60 s")


@pytest.fixture(scope="session")
def server(demo_db) -> Iterator[str]:
    process, url = start_streamlit(demo_db)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session", autouse=True)
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder for shot(), passed in the environment: test modules import this file as tests.browser.conftest,
    a different module object from the one pytest loads for its fixtures."""
    folder = screenshot_folder(tmp_path_factory)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SCREENSHOTS_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: scripts/setup.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


# the app is idle: no rerun running (the status widget), and no element left from the previous run (Streamlit
# keeps those, faded, until the run that replaces them ends: counted twice, and below contrast for axe-core)
IDLE = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-stale=\"true\"]')"
)


def wait_for_idle(tab, timeout: int = 90_000) -> None:
    tab.wait_for_function(IDLE, timeout=timeout)


def wait_for_charts(tab, timeout: int = 90_000) -> None:
    """Wait for a drawn Plotly trace (an SVG trace group), not just the chart container; then for reruns."""
    tab.wait_for_selector(".js-plotly-plot .main-svg g.trace", timeout=timeout)
    wait_for_idle(tab, timeout)


def shot(tab, name: str) -> Path:
    folder = Path(os.environ[SCREENSHOTS_ENV])  # set by the screenshots fixture
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


FOLDED = re.compile(
    r"^Show: "
)  # the switch of a chart after a page's first four (gpaccess.app.charts)
