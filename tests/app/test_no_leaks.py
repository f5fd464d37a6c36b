"""The sweep: every page of dashboard.py, for every role, on the demo data; every rendered value (markdown,
captions, metrics, tables, Plotly JSON, widget labels and options, download payloads) is scanned for practice codes
and names the role may not see. Zero found. A planted leak in a figure, a table or a download is found.

Roles: public, national, region (London), and an ICB user (NW London, QRV) looking at another ICB and at their
own ICB (where their own practices may appear, and do, on the support page, so the scan is known to see tables
and downloads).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT

DASHBOARD = PROJECT / "dashboard.py"
PAGE_FILES = re.findall(r'page\("(pages/[a-z_]+\.py)"', DASHBOARD.read_text(encoding="utf-8"))

# (persona URL value, scope URL parameters, ICB whose practices this viewer may see)
ROLES = {
    "public": ("public", {"icb": "QRV"}, None),
    "national": ("national", {}, None),
    "region": ("region:Y56", {"region": "Y56"}, None),
    "icb_other": ("icb:QRV", {"icb": "QMJ"}, None),
    "icb_own": ("icb:QRV", {"icb": "QRV"}, "QRV"),
}


NAME_PREFIX = 8  # names are looked up by their first 8 characters (`leaks`)


@dataclass
class Practices:
    codes: dict[str, str]  # code -> icb
    names: dict[str, str]  # lower-case name without " (demo)" -> icb
    lengths: set[int] = field(default_factory=set)
    by_prefix: dict[str, list[str]] = field(init=False)  # first NAME_PREFIX characters -> names
    short_names: list[str] = field(
        init=False
    )  # names shorter than NAME_PREFIX: looked for one by one

    def __post_init__(self) -> None:
        self.by_prefix, self.short_names = {}, []
        for name in self.names:
            if len(name) >= NAME_PREFIX:
                self.by_prefix.setdefault(name[:NAME_PREFIX], []).append(name)
            else:
                self.short_names.append(name)


def practices(db: Path) -> Practices:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT practice_code, practice_name, icb_code FROM practice").fetchall()
    finally:
        con.close()
    names = {
        re.sub(r"\s*\(demo\)$", "", name.lower()): icb
        for _, name, icb in rows
        if name and len(name) > 8
    }
    codes = {code: icb for code, _, icb in rows}
    return Practices(codes, names, {len(c) for c in codes})


def leaks(text: str, known: Practices, allowed_icb: str | None) -> list[str]:
    """Practice codes and names in `text` that a viewer allowed `allowed_icb` (or none) may not see.

    Codes: every substring of a code's length (no reliance on word boundaries). Names: anywhere in the text,
    in any case; a name can be there only where its first NAME_PREFIX characters are, so only the names whose
    prefix is one of the text's substrings of that length are searched for (one pass over the text, not one
    per name: the same result, a few times quicker on a page's megabyte of Plotly JSON)."""
    found: set[str] = set()
    for length in known.lengths:
        pieces = {text[i : i + length] for i in range(len(text) - length + 1)}
        found.update(
            code for code in pieces & known.codes.keys() if known.codes[code] != allowed_icb
        )
    lower = text.lower()
    windows = {lower[i : i + NAME_PREFIX] for i in range(len(lower) - NAME_PREFIX + 1)}
    candidates = [
        name for prefix in windows & known.by_prefix.keys() for name in known.by_prefix[prefix]
    ]
    found.update(
        name
        for name in candidates + known.short_names
        if known.names[name] != allowed_icb and name in lower
    )
    return sorted(found)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def rendered_text(at: AppTest, downloads: list[bytes]) -> str:
    """Every value the run rendered: each element's protobuf fields as strings (Plotly specs, markdown, metric
    values, labels, options...), every table's cells, and every download payload."""
    parts: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.extend(_strings(MessageToDict(proto)))
        if (
            getattr(node, "type", None) in ("arrow_data_frame", "dataframe")
            or type(node).__name__ == "Dataframe"
        ):
            value = node.value
            if isinstance(value, pd.DataFrame):
                parts.append(value.to_csv())
    parts.extend(payload.decode("utf-8", errors="replace") for payload in downloads)
    return "\x00".join(parts)


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Every payload handed to Streamlit's media storage (download buttons, images...) during the test, and
    every CSV made when its button is clicked (AppTest never clicks: made here at once, with the same closure;
    other files made on click, such as XLSX, PNG and SVG, are swept by test_no_leaks_real)."""
    captured: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id
    add_deferred = MediaFileManager.add_deferred

    def csv_made_now(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if (file_name or "").endswith(".csv"):
            made = data_callable()
            captured.append(made.encode("utf-8") if isinstance(made, str) else bytes(made))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", csv_made_now)

    def recording(self, path_or_data, mimetype, kind, filename=None):
        captured.append(
            path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes()
        )
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return captured


@pytest.fixture(scope="module")
def known(demo_db) -> Practices:
    return practices(demo_db)


def render(monkeypatch, db: Path, page: str, persona: str, scope: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["persona"] = persona
    for key, value in scope.items():
        at.query_params[key] = value
    at = at.switch_page(page).run()
    # every chart after the page's first four is behind a 'Show: <finding>' switch, and a long one shows all its
    # rows behind 'Show all N rows': swept open, so their figures, tables and downloads are rendered too
    for prefix in ("Show: ", "Show all "):
        switches = [t for t in at.toggle if t.label.startswith(prefix)]
        for switch in switches:
            switch.set_value(True)
        if switches and not at.exception:
            at = at.run()
    return at


def test_every_page_is_swept():
    assert (
        len(PAGE_FILES) >= 10
        and "pages/access.py" in PAGE_FILES
        and "pages/support.py" in PAGE_FILES
    )


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", PAGE_FILES)
def test_no_practice_identity_a_role_may_not_see(
    monkeypatch, demo_db, known, downloads, page, role
):
    persona, scope, allowed = ROLES[role]
    at = render(monkeypatch, demo_db, page, persona, scope)
    assert not at.exception, [e.value for e in at.exception]
    text = rendered_text(at, downloads)
    assert "Viewing as" in text  # the header was rendered: the scan saw the page
    assert leaks(text, known, allowed) == []
    if role == "icb_own" and page == "pages/support.py":  # the scan does see tables and downloads
        own = [code for code, icb in known.codes.items() if icb == "QRV" and code in text]
        assert own and any(b"OFFICIAL-SENSITIVE" in payload for payload in downloads)


# --- the sweep catches a planted leak ---------------------------------------------------------------------------
def _plant_in_figure(monkeypatch, name: str) -> None:
    import gpaccess.charts.access as charts
    import gpaccess.registry.access as registry_access

    original = charts.mode_mix

    def leaky(*args, **kwargs):
        chart = original(*args, **kwargs)
        chart.figure.add_annotation(text=f"see {name}", x=0, y=0, showarrow=False)
        return chart

    monkeypatch.setattr(charts, "mode_mix", leaky)
    monkeypatch.setattr(registry_access, "mode_mix", leaky)  # the registry builds it


def _plant_in_table(monkeypatch, name: str) -> None:
    import gpaccess.charts.access as charts
    import gpaccess.registry.access as registry_access

    original = charts.icbs_compared

    def leaky(*args, **kwargs):
        chart = original(*args, **kwargs)
        chart.data.loc[0, "icb_name"] = name
        return chart

    monkeypatch.setattr(charts, "icbs_compared", leaky)
    monkeypatch.setattr(registry_access, "icbs_compared", leaky)  # the registry builds it


def _plant_in_download(monkeypatch, name: str) -> None:
    import gpaccess.charts.access as charts
    import gpaccess.registry.access as registry_access

    original = charts.share_distribution

    def leaky(*args, **kwargs):
        chart = original(*args, **kwargs)
        return dataclasses.replace(chart, data=chart.data.assign(note=name))

    monkeypatch.setattr(charts, "share_distribution", leaky)
    monkeypatch.setattr(registry_access, "share_distribution", leaky)  # the registry builds it


@pytest.mark.parametrize("where", ["figure", "table", "download"])
def test_the_sweep_finds_a_planted_leak(
    monkeypatch, demo_db, known, downloads, where, fresh_charts
):
    code, icb = next((c, i) for c, i in known.codes.items() if i != "QRV")
    {"figure": _plant_in_figure, "table": _plant_in_table, "download": _plant_in_download}[where](
        monkeypatch, f"practice {code}"
    )
    at = render(monkeypatch, demo_db, "pages/access.py", "public", {"icb": "QRV"})
    assert not at.exception, [e.value for e in at.exception]
    assert code in leaks(rendered_text(at, downloads), known, None)


def test_the_scan_finds_names_in_any_case_and_codes_glued_to_text(known):
    code, icb = next(iter(known.codes.items()))
    name = next(n for n, i in known.names.items() if i == icb)
    assert leaks(f"x{code}y", known, None) == [code]
    assert leaks(name.title(), known, None) == [name]
    assert leaks(f"{code} {name.upper()}", known, icb) == []  # the ICB's own viewer may see them


def test_the_scan_finds_what_a_search_for_every_code_and_name_finds():
    """`leaks` looks names up by their first characters: it finds what searching the text for each code and
    each name in turn finds, short names, overlapping and repeated ones, and the viewer's own ICB's included."""
    known = Practices(
        {"A12345": "QRV", "B23456": "QMJ", "Y0296A": "QMJ"},
        {"the surgery": "QRV", "the surgery annexe": "QMJ", "elm tree": "QMJ", "oak": "QRV"},
        {6},
    )
    text = "xA12345B23456Y0296 The Surgery Annexe, ELM TREEoak elm tre the surger"

    def searched(allowed_icb: str | None) -> list[str]:
        codes = [code for code, icb in known.codes.items() if icb != allowed_icb and code in text]
        names = [n for n, icb in known.names.items() if icb != allowed_icb and n in text.lower()]
        return sorted(codes + names)

    assert searched(None) == [
        "A12345",
        "B23456",
        "elm tree",
        "oak",
        "the surgery",
        "the surgery annexe",
    ]
    for allowed in (None, "QRV", "QMJ"):
        assert leaks(text, known, allowed) == searched(allowed)
