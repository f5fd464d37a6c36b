"""How pytest-xdist hands the test files to its workers (`--dist loadfile`, as scripts/test.sh runs it).

xdist's own loadfile keeps each file's tests on one worker (module fixtures built once) but hands the files out
largest first by number of tests: a file of three tests that runs for two minutes came last, and one worker
ran it alone while the other had finished. Here:

- the browser tests are one unit, on one worker: one streamlit server and one Chromium for all of them (session
  fixtures are built once per worker), and they spend most of their time waiting for the server and the browser,
  which the other worker's tests fill;
- units are handed out longest first (a rough measure below; only the order matters), so the run ends with
  short ones. The longest (the browser tests) needs the demo database, the next (the real-data sweep) does not:
  one worker builds the demo while the other runs, instead of both waiting for it.
"""

from __future__ import annotations

from collections import OrderedDict

from xdist.scheduler import LoadFileScheduling

BROWSER = "tests/browser/"
# Seconds of a unit's run on the 2-core machine (rough, measured; anything not named: PER_TEST a test).
SECONDS = {
    BROWSER: 600,
    "tests/app/test_no_leaks_real.py": 150,
    "tests/integration/test_small_numbers_public.py": 60,
    "tests/integration/test_board_pack.py": 55,
    "tests/app/test_no_leaks.py": 50,
    "tests/integration/test_readme_commands.py": 45,
    "tests/integration/test_ingest_bad_input.py": 40,
    "tests/app/test_access_pages.py": 40,
    "tests/integration/test_hostile_corpus.py": 35,
    "tests/integration/test_ingest_tracker.py": 35,
    "tests/integration/test_every_query.py": 25,
    "tests/integration/test_databases.py": 15,
    "tests/integration/test_page_slides.py": 15,
    "tests/unit/test_demo_files.py": 12,
    "tests/app/test_board_pages.py": 12,
}
PER_TEST = 0.3


class LongestFirst(LoadFileScheduling):
    """loadfile with the browser tests as one unit and the units handed out longest first."""

    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return BROWSER if path.startswith(BROWSER) else path

    def _assign_work_unit(self, node) -> None:
        if not self._ordered:  # the queue is complete when the first unit is handed out
            units = sorted(self.workqueue.items(), key=lambda unit: -seconds(*unit))
            self.workqueue = OrderedDict(units)
            self._ordered = True
        super()._assign_work_unit(node)


def seconds(scope: str, tests: dict[str, bool]) -> float:
    return SECONDS.get(scope, PER_TEST * len(tests))
