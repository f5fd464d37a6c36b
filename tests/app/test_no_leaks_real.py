"""The acceptance sweep on REAL practices: "no practice code or name, no live formula, in any page or download".

The database holds the published Oct 2025 files (every practice in England from Mapping.csv and the list sizes;
appointments for every practice of Devon QJK and Cambridgeshire and Peterborough QUE), a programme tracker
enrolling real Devon and Cambridgeshire practices, and refused loads whose lines quote real practice codes and
names (a crosstab line with an extra column, a count of 3.5, a tracker with unknown practice codes, one of them a
practice's name). The refused loads are in the Data page's load history.

Swept, for every page of dashboard.py and each of public (ICB QJK), national (England; ICB QUE) and region (South
West Y58, ICB QJK):
- everything rendered (`rendered_text` of test_no_leaks: markdown, captions, metrics, tables, Plotly JSON, labels);
- every download, each one made to materialise: the ones built only when clicked (XLSX of each chart, PNG and
  SVG of each figure, "Download slides") are built during the run, the board pack is built by its button:
  CSV as text, XLSX and PPTX by every XML part of the zip, the workbooks embedded in a deck's charts opened in
  turn, SVG as text, PNG only checked to be a PNG (its pixels cannot be scanned; the figure's spec is).
Found: no practice code or name (`leaks` of test_no_leaks, with the `practice` table's 6,000 real practices), no
`<f>` formula in any worksheet, no CSV text cell a spreadsheet would run (starting = + - @ tab or CR).

PNG and SVG are drawn by Chromium (about half a second an image; drawing them for all four roles took the file
past 3 minutes): they are drawn for every page as the public viewer of Devon and the national viewer of
Cambridgeshire (IMAGE_ROLES), not for the other two roles, whose figures' specs are scanned in the page (their
image buttons are counted, not clicked). Everything else is built for every role.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gpaccess.export.cells import FORMULA_STARTS
from gpaccess.export.images import images_unavailable
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.store import connect_writable
from gpaccess.templates import EXAMPLE_ROWS, csv_template
from tests.app.conftest import unfolded
from tests.app.test_no_leaks import PAGE_FILES, Practices, leaks, practices, rendered_text
from tests.conftest import PROJECT, REALDATA

DASHBOARD = PROJECT / "dashboard.py"
OCT25 = REALDATA / "gpad_oct25"
CROSSTAB = OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
GPAD_FILES = [
    OCT25 / "Mapping.csv",
    CROSSTAB,
    OCT25 / "gp-reg-pat-prac-all.csv",
    OCT25 / "gp-reg-pat-prac-map.csv",
]
LANDS_ON_DEFAULT = {  # pages whose url_path is not their file name ('board-pack')
    f"pages/{stem}.py"
    for stem, url_path in re.findall(
        r'page\("pages/([a-z_]+)\.py", "[^"]*", "[^"]*", "([a-z_-]+)"',
        DASHBOARD.read_text(encoding="utf-8"),
    )
    if url_path != stem
}
TITLES = {  # each page's st.title: proof the run drew the page asked for
    page: re.findall(r'st\.title\("([^"]+)"\)', (PROJECT / page).read_text(encoding="utf-8"))[0]
    for page in PAGE_FILES
}
# role -> (persona URL value, scope URL parameters, the header's "Viewing as"); none may see a practice's identity
ROLES = {
    "public": ("public", {"icb": "QJK"}, "Public"),
    "national": ("national", {}, "National user"),
    "national_que": ("national", {"icb": "QUE"}, "National user"),
    # QJK is in South West, Y58 (data/reference/icb_reference.csv)
    "region": ("region:Y58", {"icb": "QJK"}, "Regional user (Y58)"),
}
IMAGE_ROLES = {"public", "national_que"}  # both ICBs of the data: Devon, Cambridgeshire
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
IMAGE_PARTS = (".png", ".jpeg", ".jpg", ".emf")  # pictures inside a deck: pixels, not text


# --- the database: real practices, a real tracker, refused loads -------------------------------------------------
def _tracker(
    folder: Path, enrolled: list[str], icbs: list[str], code_override: str | None = None
) -> list[Path]:
    """One CSV per tracker sheet, from the template's example rows, enrolling the real practices given (or,
    with `code_override`, a practice code that is not one)."""
    example = {name: list(row) for name, row in EXAMPLE_ROWS.items()}
    statuses = ["completed", "active", "withdrawn", "extended"]
    rows: dict[str, list[list[str]]] = {
        "programmes": [example["programmes"]],
        "phases": [example["phases"]],
        "enrolments": [],
        "actions": [],
        "eligibility": [],
        "barriers": [[icb, *example["barriers"][1:]] for icb in icbs],
        "funding": [[example["funding"][0], icb, *example["funding"][2:]] for icb in icbs],
        "funding_payments": [],
    }
    for i, code in enumerate(enrolled):
        code = code_override or code
        status = statuses[i % len(statuses)]
        enrolment = [code if v == "A81001" else v for v in example["enrolments"]]
        enrolment[7] = status
        enrolment[8] = "capacity" if status == "withdrawn" else ""
        if status in ("active", "withdrawn"):  # no end of support yet, no gain reported
            for column in (6, 12, 13, 14, 15):
                enrolment[column] = ""
        rows["enrolments"].append(enrolment)
        rows["actions"].append([code if v == "A81001" else v for v in example["actions"]])
        rows["eligibility"].append([code if v == "A81001" else v for v in example["eligibility"]])
    paths = []
    for sheet in SHEETS:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows[sheet.name])
        path = folder / f"{sheet.name}.csv"
        path.write_text(csv_template(sheet.name) + buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


def _crosstab_copy(folder: Path, name: str, damage: Callable[[list[str]], list[str]]) -> Path:
    """The real crosstab's header and first 200 lines, the 100th line changed by `damage` (fields in, fields
    out): a refused load whose message, to the loader, quotes a real practice's code and name."""
    lines = CROSSTAB.read_text(encoding="utf-8").splitlines()[:201]
    fields = next(csv.reader([lines[100]]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(damage(fields))
    lines[100] = buffer.getvalue()
    path = folder / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _with_count(count: str) -> Callable[[list[str]], list[str]]:
    return lambda fields: [*fields[:12], count, *fields[13:]]


def _refused(con, paths: list[Path]) -> str:
    try:
        ingest_files(con, paths, loaded_by="sweep")
    except IngestError as error:
        return str(error)
    raise AssertionError(f"not refused: {[p.name for p in paths]}")


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("no_leaks_real")
    db = folder / "real.duckdb"
    con = connect_writable(db)
    try:
        ingest_files(con, GPAD_FILES, loaded_by="sweep")
        by_icb = {
            icb: [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT practice_code FROM practice_month WHERE icb_code = ? ORDER BY 1 LIMIT 4",
                    [icb],
                ).fetchall()
            ]
            for icb in ("QJK", "QUE")
        }
        (folder / "tracker").mkdir()
        ingest_files(
            con, _tracker(folder / "tracker", by_icb["QJK"] + by_icb["QUE"], ["QJK", "QUE"])
        )
        assert con.execute("SELECT count(*) FROM enrolment").fetchone() == (8,)

        line = next(csv.reader([CROSSTAB.read_text(encoding="utf-8").splitlines()[100]]))
        code, name = line[1], line[2]  # the practice on the damaged line
        extra = _crosstab_copy(
            folder, "Practice_Level_Crosstab_extra.csv", lambda f: [*f, "surplus"]
        )
        assert name in _refused(con, [extra])  # the loader's own message quotes the line
        fraction = _crosstab_copy(folder, "Practice_Level_Crosstab_35.csv", _with_count("3.5"))
        assert "3.5" in _refused(con, [fraction])
        (folder / "bad_tracker").mkdir()
        unknown = _tracker(folder / "bad_tracker", ["ZZ0001"], ["QJK"])
        assert "ZZ0001" in _refused(con, unknown)
        (folder / "named_tracker").mkdir()
        named = _tracker(folder / "named_tracker", [code], ["QJK"], code_override=name)
        assert name in _refused(con, named)  # a practice's name where its code should be
        # The flag only switches the demo persona selector on (gpaccess/app/viewer.py) so that one database is
        # seen as each role; the practices, appointments and refused lines are real.
        con.execute("INSERT INTO dataset VALUES ('synthetic_demo', 'yes')")
    finally:
        con.close()
    assert (
        db.with_name(db.name + ".failed-loads.jsonl").read_text(encoding="utf-8").count("\n") == 4
    )
    return db


@pytest.fixture(scope="module")
def known(real_db) -> Practices:
    found = practices(real_db)
    assert len(found.codes) > 6000 and {"QJK", "QUE"} <= set(found.codes.values())
    return found


# --- every download made to materialise ----------------------------------------------------------------------------
@dataclass
class Download:
    file_name: str
    payload: bytes | None  # None: an image not drawn for this role (IMAGE_ROLES)


@dataclass
class Downloads:
    """Every file handed to Streamlit's media file manager during a run, those built on click included."""

    draw_images: bool = True
    files: list[Download] = field(default_factory=list)
    # off: a run's files are neither made nor recorded (the runs before the one swept)
    recording: bool = True

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Runs that only bring the page to the state swept (the landing page, charts switched on): their
        downloads are not made (each image costs Chromium half a second) and not recorded."""
        self.recording = False
        try:
            yield
        finally:
            self.recording = True


def _as_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    read = getattr(data, "read", None)
    if read is not None:
        return _as_bytes(read())
    raise TypeError(f"a download of type {type(data).__name__}")


@pytest.fixture
def swept(monkeypatch) -> Downloads:
    """AppTest (Streamlit 1.67) registers a callable download (`st.download_button(data=callable)`) with the
    media file manager's `add_deferred` and never calls it: the click that would is a browser request. Here
    `add_deferred` calls it at once, in the run (as the click would, with the same closure), and records the
    bytes; `add` records the files given as bytes."""
    recorder = Downloads()
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def recording_add(
        self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False
    ):
        if recorder.recording:
            payload = (
                path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes()
            )
            recorder.files.append(Download(file_name or "", payload))
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    def eager_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        name = file_name or ""
        if recorder.recording:
            draw = recorder.draw_images or not name.endswith((".png", ".svg"))
            recorder.files.append(Download(name, _as_bytes(data_callable()) if draw else None))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recording_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", eager_deferred)
    return recorder


# --- what is scanned in a file -------------------------------------------------------------------------------------
def zip_parts(payload: bytes, name: str) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every part of an XLSX or PPTX, the workbooks embedded in it opened in turn."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for part in archive.namelist():
            data = archive.read(part)
            if part.endswith(".xlsx"):
                yield from zip_parts(data, f"{name}/{part}")
            else:
                yield f"{name}/{part}", data


def texts_of(item: Download) -> Iterator[tuple[str, str]]:
    """(where, text) of everything in a download that can be read: a CSV or SVG whole, every part of a zip but
    its pictures (XML as UTF-8, anything else byte for byte). A PNG yields nothing (checked by `is_png`); a
    file of another kind fails the sweep."""
    name, payload = item.file_name, item.payload
    if payload is None or name.endswith(".png"):
        return
    if name.endswith((".xlsx", ".pptx")):
        for part, data in zip_parts(payload, name):
            if part.endswith((".xml", ".rels")):  # as a reader sees it: "&amp;" is "&"
                yield part, html.unescape(data.decode("utf-8"))
            elif not part.endswith(IMAGE_PARTS):  # e.g. printerSettings1.bin: byte for byte
                yield part, data.decode("latin-1")
    elif name.endswith(".csv"):
        yield name, payload.decode("utf-8")
    elif name.endswith(".svg"):
        yield name, html.unescape(payload.decode("utf-8"))
    else:
        raise AssertionError(f"download not scanned: {name!r}")


def live_formulas(item: Download) -> list[str]:
    """Where a spreadsheet would run a formula: an `<f>` in any worksheet of an XLSX (embedded ones too), or a
    CSV text cell (one that is not a number) starting with = + - @ tab or CR."""
    name, payload = item.file_name, item.payload
    found: list[str] = []
    if payload is None:
        return found
    if name.endswith((".xlsx", ".pptx")):
        for part, data in zip_parts(payload, name):
            if re.search(r"/xl/worksheets/[^/]+\.xml$", part) and re.search(
                rb"<(\w+:)?f[\s>/]", data
            ):
                found.append(part)
    elif name.endswith(".csv"):
        for row_number, row in enumerate(csv.reader(io.StringIO(payload.decode("utf-8"))), start=1):
            found += [f"{name} row {row_number}: {cell!r}" for cell in row if _runs(cell)]
    return found


def _runs(cell: str) -> bool:
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def is_png(item: Download) -> bool:
    return item.payload is None or item.payload.startswith(PNG_MAGIC)


def identities(text_by_place: Iterator[tuple[str, str]], known: Practices) -> dict[str, list[str]]:
    """Practice codes and names found, by where they were found (no viewer here may see any)."""
    found = {}
    for where, text in text_by_place:
        if hits := leaks(text, known, None):
            found[where] = hits
    return found


# --- rendering ----------------------------------------------------------------------------------------------------
def render(
    monkeypatch, db: Path, page: str, persona: str, scope: dict[str, str], swept: Downloads
) -> AppTest:
    """The page for the persona and scope; `swept` holds the downloads of its last run only: the runs that
    bring the page there (the landing page, every chart switched on) make none."""
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    at.query_params["persona"] = persona
    for key, value in scope.items():
        at.query_params[key] = value
    with swept.paused():
        if page in LANDS_ON_DEFAULT:  # the first run lands on the default page (legacy page hash)
            at.switch_page(page).run()
        at.switch_page(page).run()
        unfolded(at)  # every chart shown whole, then swept
    swept.files.clear()
    if page == "pages/board_pack.py":
        at.button(key="pack_build").click()  # the deck is built by its button, then offered
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert TITLES[page] in [t.value for t in at.title]  # the run drew the page asked for
    return at


def download_buttons(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def sweep(at: AppTest, files: list[Download], known: Practices) -> dict[str, list[str]]:
    """Every problem found in the run and its downloads, by where: identities, live formulas, non-PNGs."""
    problems = identities(iter([("page", rendered_text(at, []))]), known)
    for item in files:
        problems.update(identities(texts_of(item), known))
        if formulas := live_formulas(item):
            problems[f"{item.file_name}: live formula"] = formulas
        if item.file_name.endswith(".png") and not is_png(item):
            problems[item.file_name] = ["not a PNG"]
    return problems


# --- the sweep ----------------------------------------------------------------------------------------------------
def test_images_can_be_drawn_here():
    # else the PNG and SVG buttons are disabled and no image is drawn
    assert images_unavailable() is None


def test_every_page_is_swept():
    assert len(PAGE_FILES) >= 10 and set(TITLES) == set(PAGE_FILES)
    assert set(PAGE_FILES) >= LANDS_ON_DEFAULT


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", PAGE_FILES)
def test_no_identity_and_no_live_formula(monkeypatch, real_db, known, swept, page, role):
    persona, scope, label = ROLES[role]
    swept.draw_images = role in IMAGE_ROLES
    at = render(monkeypatch, real_db, page, persona, scope, swept)
    assert f"Viewing as: **{label}**" in rendered_text(at, [])  # the persona took effect
    assert sweep(at, swept.files, known) == {}
    # every download button's file was made and swept (the board pack's and the data page's too)
    buttons = download_buttons(at)
    assert len(swept.files) == len(buttons), (buttons, [f.file_name for f in swept.files])
    names = [f.file_name for f in swept.files]
    if any(label == "Download XLSX" for label in buttons):
        assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".csv") for n in names)
        if swept.draw_images and at.get(
            "plotly_chart"
        ):  # images of charts (the summary has a table)
            assert any(f.file_name.endswith(".svg") and f.payload for f in swept.files)
            assert any(f.file_name.endswith(".png") and f.payload for f in swept.files)
    for item in swept.files:
        if item.file_name.endswith(".pptx") and item.payload:
            parts = [p for p, _ in zip_parts(item.payload, item.file_name)]
            if any("/ppt/charts/" in p for p in parts):  # native charts: their workbooks opened
                assert any(".xlsx/xl/worksheets/" in p for p in parts)
    if page == "pages/data.py":  # the refused loads are in the load history swept above
        shown = rendered_text(at, [])
        assert "refused" in shown and "Practice_Level_Crosstab_extra.csv" in shown


# --- the sweep can fail -------------------------------------------------------------------------------------------
def _plant(monkeypatch, value: str) -> None:
    """The access page's spread of practices, on the page and in its deck, with `value` as its first band:
    in the chart's data, so in its table, CSV, XLSX and the deck's native chart and embedded workbook (not in
    the figure, so not in its SVG)."""
    import gpaccess.charts.access as charts
    import gpaccess.registry.access as registry_access

    original = charts.share_distribution

    def planted(*args, **kwargs):
        chart = original(*args, **kwargs)
        data = chart.data.copy()
        data.loc[data.index[0], "band"] = value
        return dataclasses.replace(chart, data=data)

    monkeypatch.setattr(charts, "share_distribution", planted)
    monkeypatch.setattr(registry_access, "share_distribution", planted)


def test_a_practice_name_planted_in_downloads_is_found(
    monkeypatch, real_db, known, swept, fresh_charts
):
    # a name with '&' (written '&amp;' in XML): the sweep reads XML as a reader sees it
    name = min(n for n, icb in known.names.items() if icb == "QJK" and "&" in n)
    _plant(monkeypatch, f"see {name.upper()}")
    swept.draw_images = False
    at = render(monkeypatch, real_db, "pages/access.py", "public", {"icb": "QJK"}, swept)
    found = sweep(at, swept.files, known)
    where = {place for place, hits in found.items() if name in hits}
    assert {"page", "practice-share-distribution.csv"} <= where  # the table and its CSV
    xlsx = "practice-share-distribution.xlsx/xl/worksheets/"
    assert [w for w in where if w.startswith(xlsx)], where
    assert [w for w in where if re.search(r"^access-.*\.pptx/ppt/charts/chart\d+\.xml$", w)], where
    # the workbook inside the deck's chart was opened and read
    assert [w for w in where if re.search(r"\.pptx/ppt/embeddings/[^/]+\.xlsx/xl/", w)], where


def test_a_formula_planted_in_chart_data_is_quoted_and_the_check_bites(
    monkeypatch, real_db, known, swept, fresh_charts
):
    import pandas as pd

    from gpaccess.export.cells import csv_text

    formula = '=HYPERLINK("https://example.org","x")'
    _plant(monkeypatch, formula)
    swept.draw_images = False
    at = render(monkeypatch, real_db, "pages/access.py", "public", {"icb": "QJK"}, swept)
    assert sweep(at, swept.files, known) == {}  # the neutraliser quoted it in every file
    by_name = {f.file_name: f.payload or b"" for f in swept.files}
    assert f"'{formula}".replace('"', '""').encode() in by_name["practice-share-distribution.csv"]
    quoted = f"'{formula}".replace('"', "&quot;").encode()
    for file_name in (
        "practice-share-distribution.xlsx",
        next(n for n in by_name if n.endswith(".pptx")),
    ):
        parts = zip_parts(by_name[file_name], file_name)
        assert any(f"'{formula}".encode() in data or quoted in data for _, data in parts), file_name
    # the same data written without the neutraliser: the checks see a live formula in a CSV and an XLSX
    data = pd.DataFrame(
        {"band": [formula, "-1.5", "+44 20", "@SUM(A1)", "\tx"], "practices": [1, 2, 3, 4, 5]}
    )
    raw_csv = Download("raw.csv", data.to_csv(index=False).encode())
    assert len(live_formulas(raw_csv)) == 4  # all but -1.5, a number
    raw_xlsx = io.BytesIO()
    data.to_excel(raw_xlsx, index=False)  # openpyxl writes text starting '=' as a formula
    assert live_formulas(Download("raw.xlsx", raw_xlsx.getvalue())) == [
        "raw.xlsx/xl/worksheets/sheet1.xml"
    ]
    assert live_formulas(Download("safe.csv", csv_text(data).encode())) == []


def test_the_scan_sees_a_real_code_glued_to_text_and_a_name_in_any_case(known):
    code = next(c for c, icb in known.codes.items() if icb == "QUE")
    name = next(n for n, icb in known.names.items() if icb == "QJK")
    found = leaks(f"x{code}y {name.title()}", known, None)
    assert code in found and name in found  # and any name inside it: "medical centre" is one


def test_an_icbs_own_named_list_quotes_a_formula_in_a_practice_name(
    monkeypatch, real_db, swept, tmp_path
):
    """The one download that names practices (an ICB's own lowest 20%, for its own users): a practice name
    from Mapping.csv that reads as a formula is written quoted, never live."""
    import duckdb

    db = tmp_path / "hostile_names.duckdb"
    shutil.copy(real_db, db)
    con = duckdb.connect(str(db))
    try:  # every QJK practice named as a formula, so whichever are listed carry one
        con.execute(
            'UPDATE practice SET practice_name = \'=HYPERLINK("http://evil.example","\' || practice_code'
            " || '\")' WHERE practice_code IN (SELECT practice_code FROM practice_month"
            " WHERE icb_code = 'QJK')"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    swept.draw_images = False
    at = render(monkeypatch, db, "pages/support.py", "icb:QJK", {"icb": "QJK"}, swept)
    named = [f for f in swept.files if f.file_name.startswith("OFFICIAL-SENSITIVE_lowest20_QJK")]
    assert len(named) == 1 and named[0].payload, [f.file_name for f in swept.files]
    text = named[0].payload.decode("utf-8")
    assert text.count("'=HYPERLINK(") >= 5  # the listed practices' names, quoted
    assert live_formulas(named[0]) == []
    assert "OFFICIAL-SENSITIVE" in rendered_text(at, [])
