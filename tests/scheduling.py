"""How pytest-xdist hands the test files to its workers (`--dist loadfile`, as scripts/test.sh runs it).

xdist's own loadfile keeps each file's tests on one worker (module fixtures built once) but hands the files out
largest first by number of tests: a file of three tests that runs for two minutes came last, and one worker
ran it alone while the other had finished. Here:

- the browser tests on the shared demo server (tests/browser/conftest.py `server`) are one unit, on one worker:
  one streamlit server, its caches warmed once, and one Chromium for all of them (session fixtures are built
  once per worker). They spend most of their time waiting for the server and the browser, which the other
  worker's tests fill. The browser files that start servers of their own (OWN_SERVER) are units of their own;
- units are handed out longest first (a rough measure below; only the order matters), so the run ends with
  short ones. The longest (the shared-server browser tests) needs the demo database, the next (the real-data
  sweep) does not: one worker builds the demo while the other runs, instead of both waiting for it.
"""

from __future__ import annotations

from collections import OrderedDict

from xdist.scheduler import LoadFileScheduling

BROWSER = "tests/browser/"
OWN_SERVER = {  # browser files that start their own streamlit server (their own database)
    f"{BROWSER}test_{name}_browser.py"
    for name in ("actions", "hostile_upload", "hostile_urls", "serve", "upload")
}
# Seconds of a unit's run on the shared 2-core machine (rough, measured; anything not named: PER_TEST a test).
SECONDS = {
    BROWSER: 450,
    "tests/app/test_no_leaks_real.py": 110,
    f"{BROWSER}test_hostile_upload_browser.py": 100,
    "tests/app/test_no_leaks.py": 70,
    "tests/integration/test_board_pack.py": 70,
    "tests/integration/test_ingest_tracker.py": 40,
    "tests/app/test_page_decks.py": 38,
    "tests/integration/test_ingest_bad_input.py": 35,
    "tests/integration/test_hostile_corpus.py": 35,
    f"{BROWSER}test_upload_browser.py": 30,
    f"{BROWSER}test_serve_browser.py": 30,
    "tests/integration/test_readme_commands.py": 25,
    "tests/integration/test_small_numbers_public.py": 25,
    "tests/integration/test_every_query.py": 20,
    "tests/integration/test_summary_slide.py": 20,
    "tests/app/test_board_pages.py": 20,
    "tests/integration/test_databases.py": 18,
    f"{BROWSER}test_actions_browser.py": 18,
    f"{BROWSER}test_hostile_urls_browser.py": 15,
    "tests/unit/test_demo_files.py": 15,
}
PER_TEST = 0.3


class LongestFirst(LoadFileScheduling):
    """loadfile with the shared-server browser tests as one unit and the units handed out longest first."""

    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return BROWSER if path.startswith(BROWSER) and path not in OWN_SERVER else path

    def _assign_work_unit(self, node) -> None:
        if not self._ordered:  # the queue is complete when the first unit is handed out
            units = sorted(self.workqueue.items(), key=lambda unit: -seconds(*unit))
            self.workqueue = OrderedDict(units)
            self._ordered = True
        super()._assign_work_unit(node)


def seconds(scope: str, tests: dict[str, bool]) -> float:
    return SECONDS.get(scope, PER_TEST * len(tests))
