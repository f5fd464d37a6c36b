"""The 5 worst files through the browser upload (issue "Hostile input"): a clear message on the page, nothing
changed in the database, and a load-history row that shows no practice's code or name to the public.

Every file is built here from the real published files in tests/data/realdata and loaded from the Data page in
Chromium by the local administrator (a local run with GPACCESS_ALLOW_UPLOADS=1), one after another on one server.
The last test opens the Data page on a second server without uploads, on the same database file, as the public.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from gpaccess import failed_loads
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.store import connect_writable
from gpaccess.templates import EXAMPLE_ROWS
from gpaccess.text import JOINER
from tests.browser.conftest import shot, start_streamlit, wait_for_charts
from tests.browser.test_upload_browser import real_server, table_snapshot, upload  # noqa: F401
from tests.conftest import REALDATA

pytestmark = pytest.mark.browser

CROSSTAB = REALDATA / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
LINE = 500  # the line changed in the crosstab copies (0-based; the header is line 0, so this is row 501)
ROW = LINE + 1
EVIL = '=HYPERLINK("http://evil.example","x")'
CODE = re.compile(r"[A-Z][A-Z0-9][0-9]{4}")
ERROR = '[data-testid="stAlertContentError"]'
# the load history is the second grid on the Data page (after months held)
HISTORY_GRID = '[data-testid="stDataFrame"]'


@dataclass(frozen=True)
class Case:
    """A hostile file: how to build it, what its uploader must read, what the public load history says."""

    build: Callable[[Path, str], Path]  # (folder, a real practice code) -> the file
    # in the uploader's message (besides "Load refused" and the file name)
    page_says: tuple[str, ...]
    public_says: tuple[str, ...]  # in the file's refused row of the load history


def _crosstab_lines() -> list[bytes]:
    data = CROSSTAB.read_bytes()
    assert b"\r\n" in data  # the published file has CRLF line endings: the copies keep them
    return data.split(b"\r\n")


def _crosstab_copy(folder: Path, name: str, change: Callable[[list[bytes]], bytes]) -> Path:
    lines = _crosstab_lines()
    lines[LINE] = change(lines[LINE].split(b","))
    path = folder / name
    path.write_bytes(b"\r\n".join(lines))
    return path


def extra_column(folder: Path, _code: str) -> Path:
    return _crosstab_copy(
        folder,
        "Practice_Level_Crosstab_Oct_25_extra_column.csv",
        lambda fields: b",".join([*fields[:-1], b"surplus", fields[-1]]),
    )


def zip_bomb(folder: Path, _code: str) -> Path:
    """A header and 40 MiB of one repeated byte: about 40 KB zipped, about 1,000 to 1."""
    path = folder / "bomb" / "Practice_Level_Crosstab_Oct_25.zip"
    path.parent.mkdir()
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("Practice_Level_Crosstab_Oct_25.csv", "w") as member,
    ):
        member.write(_crosstab_lines()[0] + b"\r\n")
        for _ in range(40):
            member.write(b"0" * (1 << 20))
    assert path.stat().st_size < 100_000
    return path


def declares_3_gib(folder: Path, _code: str) -> Path:
    """A small valid zip of the crosstab's first lines whose central directory says the member is 3 GiB."""
    path = folder / "Practice_Level_Crosstab_Nov_25.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Practice_Level_Crosstab_Nov_25.csv", b"\r\n".join(_crosstab_lines()[:50]))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 3 << 30)  # uncompressed size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].file_size == 3 << 30
    return path


def tracker_workbook(path: Path, code: str) -> Path:
    """The programme tracker with one example row per sheet (loads cleanly), enrolling a real practice."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.column_names))
        worksheet.append([code if v == "A81001" else v for v in EXAMPLE_ROWS[sheet.name]])
    workbook.save(path)
    return path


def xml_entity(folder: Path, code: str) -> Path:
    """The tracker with `<!DOCTYPE x [<!ENTITY boom "GPIP">]>` atop its first sheet and `&boom;` in a cell."""
    clean = tracker_workbook(folder / "clean_tracker.xlsx", code)
    path = folder / "entity" / "programme_tracker.xlsx"
    path.parent.mkdir()
    with (
        zipfile.ZipFile(clean) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                assert "<t>GPIP</t>" in text
                text = text.replace("<t>GPIP</t>", "<t>&boom;</t>", 1)
                data = ('<!DOCTYPE x [<!ENTITY boom "GPIP">]>' + text).encode("utf-8")
            target.writestr(item.filename, data)
    return path


def formula_count(folder: Path, _code: str) -> Path:
    """A spreadsheet formula as the count, quoted as a CSV writer quotes it: it passes the CSV reader and reaches
    the value checks, and the refusal quotes it back to the uploader (chosen over 2147483648, which is refused
    by the same check with the same message, as the one a page could turn into a link or an export into a
    formula)."""

    def change(fields: list[bytes]) -> bytes:
        fields[12] = b'"' + EVIL.replace('"', '""').encode() + b'"'
        return b",".join(fields)

    return _crosstab_copy(folder, "Practice_Level_Crosstab_Oct_25_formula.csv", change)


CASES = {
    "extra_column": Case(
        extra_column,
        (f"row {ROW}:", "expected 14 columns (found 15)"),
        (f"row {ROW}: wrong number of columns; expected 14 columns (found 15)",),
    ),
    "zip_bomb": Case(
        zip_bomb,
        (
            "Practice_Level_Crosstab_Oct_25.zip/Practice_Level_Crosstab_Oct_25.csv",
            "expected compression of at most 200 to 1",
        ),
        ("expected compression of at most 200 to 1 (a zip bomb expands more",),
    ),
    "declares_3_GiB": Case(
        declares_3_gib,
        ("found '3,072.0 MiB unpacked'", "unpacks to at most 2,048 MiB"),
        ("unpacks to at most 2,048 MiB",),
    ),
    "xml_entity": Case(
        xml_entity,
        ("an XML entity declaration (not allowed) in xl/worksheets/sheet1.xml",),
        ("expected an Excel workbook (.xlsx)",),
    ),
    "formula_count": Case(
        formula_count,
        (
            f"row {ROW}, column COUNT_OF_APPOINTMENTS: found '{EVIL}'",
            "expected a whole number from 0 to 2,147,483,647",
        ),
        (
            f"row {ROW}, column COUNT_OF_APPOINTMENTS: not a valid count; expected a whole number "
            "from 0 to 2,147,483,647",
        ),
    ),
}


@pytest.fixture(scope="module")
def identities(real_server) -> tuple[set[str], re.Pattern[str]]:  # noqa: F811
    """Every practice code in the database, and a pattern of every practice name (whole words)."""
    con = duckdb.connect(str(real_server[1]), read_only=True)
    try:
        rows = con.execute("SELECT practice_code, practice_name FROM practice").fetchall()
    finally:
        con.close()
    names = sorted({n for _, n in rows if n}, key=len, reverse=True)
    return {c for c, _ in rows}, re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


@pytest.fixture(scope="module")
def hostile_files(real_server, tmp_path_factory) -> dict[str, Path]:  # noqa: F811
    folder = tmp_path_factory.mktemp("hostile_files")
    con = duckdb.connect(str(real_server[1]), read_only=True)
    try:
        (code,) = con.execute(
            "SELECT min(practice_code) FROM practice WHERE practice_code IN "
            "(SELECT practice_code FROM practice_month)"
        ).fetchone()
    finally:
        con.close()
    files = {key: case.build(folder, code) for key, case in CASES.items()}
    _clean_tracker_loads(real_server[1], folder / "clean_tracker.xlsx", folder)
    return files


def _clean_tracker_loads(db: Path, workbook: Path, folder: Path) -> None:
    """A control: the workbook without the entity loads (into a copy), so the refusal is the entity's doing."""
    copy = folder / "control.duckdb"
    shutil.copy(db, copy)
    con = connect_writable(copy)
    try:
        ingest_files(con, [workbook])
    except IngestError as error:
        pytest.fail(f"the clean tracker workbook should load: {error}")
    finally:
        con.close()


CELLS_JS = """grid => {
    const heads = Object.fromEntries([...grid.querySelectorAll('thead th')].map(
        h => [h.getAttribute('aria-colindex'), h.textContent]));
    return [...grid.querySelectorAll('tbody tr')].map(r => [r.getAttribute('aria-rowindex'),
        [...r.querySelectorAll('td')].map(c => [heads[c.getAttribute('aria-colindex')], c.textContent])]);
}"""
LAST_COLUMN_JS = """grid => {
    const last = grid.querySelector('table').getAttribute('aria-colcount');
    return [...grid.querySelectorAll(`td[aria-colindex="${last}"]`)].some(c => c.textContent.trim());
}"""


def history_rows(page, showing: str) -> list[dict[str, str]]:
    """The load history grid's rows as {column: text}, once the grid shows `showing`. The grid draws on a canvas
    and keeps a visually hidden table of the cells it draws in the DOM, filled in after it draws (so wait for
    it), of the columns in view only: read it, scroll the grid to its right end (the problems), read again."""
    grid = page.locator(HISTORY_GRID).nth(1)
    grid.scroll_into_view_if_needed()
    expect(grid).to_contain_text(showing, timeout=60_000)
    rows: dict[str, dict[str, str]] = {}
    for index, cells in grid.evaluate(CELLS_JS):
        rows.setdefault(index, {}).update(cells)
    grid.locator(".dvn-scroller").evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    page.wait_for_function(LAST_COLUMN_JS, arg=grid.element_handle(), timeout=30_000)
    for index, cells in grid.evaluate(CELLS_JS):
        rows.setdefault(index, {}).update(cells)
    return [{k: (v or "").strip() for k, v in row.items()} for _, row in sorted(rows.items())]


def refused_row(rows: list[dict[str, str]], path: Path) -> dict[str, str]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mine = [r for r in rows if r.get("SHA-256") == digest]
    assert len(mine) == 1, f"one load-history row for {path.name} ({digest}): {rows}"
    return mine[0]


def identities_in(text: str, identities: tuple[set[str], re.Pattern[str]]) -> list[str]:
    codes, names = identities
    return sorted({c for c in CODE.findall(text) if c in codes} | set(names.findall(text)))


def assert_public_row(
    row: dict[str, str], key: str, path: Path, identities: tuple[set[str], re.Pattern[str]]
) -> None:
    """Refused, with where and what was expected; never the value found, never a practice's code or name."""
    assert row["File"] == path.name and row["Outcome"] == "refused", row
    problems = row["Problems (refused loads)"]
    assert problems.startswith(path.name), row
    for text in CASES[key].public_says:
        assert text in problems, row
    text = " | ".join(row.values())
    assert "found '" not in text, row  # the value found stays with the uploader
    assert "evil.example" not in text and "HYPERLINK" not in text, row
    assert identities_in(text, identities) == [], row


@pytest.mark.parametrize("key", list(CASES))
def test_hostile_upload_is_refused_clearly_and_changes_nothing(
    key,
    real_server,  # noqa: F811
    hostile_files,
    identities,
    page,
):
    url, db = real_server
    path = hostile_files[key]
    before = table_snapshot(db)

    upload(page, url, [path])
    page.wait_for_selector("text=Load refused", timeout=120_000)
    wait_for_charts(page)

    error = page.locator(ERROR)
    assert error.count() == 1
    first_line = error.locator('[data-testid="stMarkdownContainer"]').inner_text()
    first_line = first_line.replace(JOINER, "").strip()  # the app's word joiner after a colon
    assert first_line.startswith("Load refused:") and first_line.endswith("nothing was changed."), (
        first_line
    )
    # the details under the message (file, row, column, value) are drawn after it: wait for them, not a pause
    page.wait_for_function(
        "name => document.body.innerText.includes(name)", arg=path.name, timeout=30_000
    )
    body = page.inner_text("body")
    assert path.name in body
    for text in CASES[key].page_says:
        assert text in body, (text, body)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body
    assert page.locator('a[href*="evil.example"]').count() == 0  # quoted as text, never a link
    if key == "extra_column":  # the uploader alone sees the line, with the practice's code and name
        fields = CROSSTAB.read_text(encoding="utf-8").splitlines()[LINE].split(",")
        assert f"{fields[1]},{fields[2]}" in body
        seen = set(identities_in(body, identities))
        assert {
            fields[1],
            fields[2],
        } <= seen  # so the check of the history below would see them too

    assert table_snapshot(db) == before
    row = refused_row(history_rows(page, path.name), path)
    assert_public_row(row, key, path, identities)
    error.scroll_into_view_if_needed()
    shot(page, f"data-hostile-{key}")


@pytest.fixture
def public_server(real_server, hostile_files) -> Iterator[str]:  # noqa: F811
    """A second dashboard on the same database file, without uploads: what the public sees."""
    db = real_server[1]
    recorded = failed_loads.read(db)
    missing = [p for p in hostile_files.values() if p.name not in set(recorded["file_name"])]
    if missing:  # run on its own (-k): refuse the files without the browser, as the uploads would
        con = connect_writable(db)
        try:
            for path in missing:
                with pytest.raises(IngestError):
                    ingest_files(con, [path], loaded_by="browser (local run)")
        finally:
            con.close()
    mp = pytest.MonkeyPatch()
    mp.delenv("GPACCESS_ALLOW_UPLOADS", raising=False)
    process, url = start_streamlit(db)
    mp.undo()
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_public_load_history_shows_no_identities(public_server, hostile_files, identities, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # a fresh visitor
    try:
        page = context.new_page()
        page.goto(f"{public_server}/data")
        wait_for_charts(page)
        body = page.inner_text("body")
        assert "Loading from the browser is off" in body
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        rows = history_rows(page, "refused")
        everything = " | ".join(" | ".join(r.values()) for r in rows)
        assert identities_in(everything, identities) == []
        assert sum(r["Outcome"] == "refused" for r in rows) == len(hostile_files)
        for key, path in hostile_files.items():
            assert_public_row(refused_row(rows, path), key, path, identities)
        page.locator(HISTORY_GRID).nth(1).scroll_into_view_if_needed()
        shot(page, "data-hostile-public-history")
    finally:
        context.close()
