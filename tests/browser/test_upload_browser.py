"""Loading from the browser, in Chromium: a real published file is loaded and shows in the load history and on
the Access page; a corrupt copy is refused with the ingest's message and changes nothing in the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable
from tests.browser.conftest import shot, start_streamlit, wait_for_charts
from tests.conftest import REALDATA, snapshot

pytestmark = pytest.mark.browser

AUG = REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


@pytest.fixture(scope="module")
def real_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A dashboard on real data only (Devon and Cambridgeshire, Oct 2025), uploads on for a local run."""
    path = tmp_path_factory.mktemp("upload") / "real.duckdb"
    con = connect_writable(path)
    oct25 = REALDATA / "gpad_oct25"
    ingest_files(
        con, [oct25 / "Mapping.csv", oct25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"]
    )
    con.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("GPACCESS_ALLOW_UPLOADS", "1")
    process, url = start_streamlit(path)
    mp.undo()
    yield url, path
    process.terminate()
    process.wait(timeout=20)


def table_snapshot(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def upload(page, url: str, files: list[Path]) -> None:
    page.goto(f"{url}/data")
    wait_for_charts(page)
    page.locator(UPLOADER).set_input_files([str(f) for f in files])
    button = page.get_by_role("button", name=re.compile(r"^Load \d+ file"))
    button.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => /^Load \\d+ file/.test(b.innerText)"
        " && !b.disabled)",
        timeout=30_000,
    )
    button.click()


def history_text(page, showing: str) -> str:
    """The load history grid's cells once they show `showing`: the grid draws on a canvas and keeps an
    accessible table of the cells it shows (newest first here) in the DOM, visually hidden, filled in after
    the grid draws (so wait for it), and read as textContent rather than innerText."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(1)
    grid.scroll_into_view_if_needed()
    expect(grid).to_contain_text(showing, timeout=60_000)
    return grid.text_content() or ""


def test_upload_a_real_file_then_a_corrupt_one(real_server, page, tmp_path):
    url, db = real_server
    total = sum(
        int(line.split(",")[12]) for line in AUG.read_text(encoding="utf-8").splitlines()[1:]
    )

    page.goto(f"{url}/access?icb=QOP")  # Greater Manchester: no data before the upload
    page.wait_for_selector("text=No appointment data for this scope and period", timeout=90_000)

    upload(page, url, [AUG])
    page.wait_for_selector("text=Load complete", timeout=120_000)
    wait_for_charts(page)
    body = page.inner_text("body")
    assert f"{AUG.name} (crosstab): 89 rows, months 2025-08" in body
    history = history_text(page, AUG.name)
    assert AUG.name in history and "loaded" in history
    shot(page, "data-upload-loaded")

    page.goto(f"{url}/access?icb=QOP")
    wait_for_charts(page)
    body = page.inner_text("body")
    assert "Appointments, Aug 2025" in body and f"{total:,}" in body
    shot(page, "access-after-upload")

    lines = AUG.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[3].split(",")
    fields[12] = "-" + fields[12]
    lines[3] = ",".join(fields)
    corrupt = tmp_path / "Practice_Level_Crosstab_Aug_25_corrupt.csv"
    corrupt.write_text("".join(lines), encoding="utf-8")
    before = table_snapshot(db)

    upload(page, url, [corrupt])
    page.wait_for_selector("text=Load refused", timeout=120_000)
    wait_for_charts(page)
    body = page.inner_text("body")
    assert "nothing was changed" in body
    assert f"{corrupt.name}, row 4, column COUNT_OF_APPOINTMENTS" in body
    assert page.locator('[data-testid="stAlertContentError"]').count() == 1
    assert table_snapshot(db) == before
    assert "refused" in history_text(page, corrupt.name)
    page.locator('[data-testid="stAlertContentError"]').scroll_into_view_if_needed()
    shot(page, "data-upload-refused")
