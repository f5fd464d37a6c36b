"""Streamlit glue for the Data page: loading files from the browser, fetching the newest month, and the
coverage caveat on headline pages.

A load from the browser goes through the same ingest as `gpaccess ingest` (and "Load the newest month" as
`gpaccess fetch`): the whole batch is checked before anything is written, and a refused batch changes nothing.
Loads write the real database (GPACCESS_DB, else data/gpaccess.duckdb), never the synthetic demo; the dashboard
shows the real database once it holds data. DuckDB allows one writer and no reader while it writes, so the app's
read-only connections are closed first and reopened (by the data version) afterwards.

Who may load: only a single-user local run started with GPACCESS_ALLOW_UPLOADS=1 and without sign-in. With
sign-in configured, nobody loads from the browser (no role may: `admin` cannot be granted, docs/roles.md); load
from the command line (docs/loading-data.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import streamlit as st

from gpaccess.access import Viewer
from gpaccess.app.data import derived, query, writing
from gpaccess.charts.quality import coverage_caveat
from gpaccess.config import database_path
from gpaccess.ingest import IngestError, LoadReport, ingest_files
from gpaccess.text import plain

Progress = Callable[[float, str], None]

ALLOW_ENV = "GPACCESS_ALLOW_UPLOADS"
ACCEPTED_TYPES = ["zip", "csv", "xlsx"]
RESULT_KEY = "_upload_result"
REQUEST_KEY = "_upload_requested"
NEWEST_KEY = "_newest_requested"


@dataclass(frozen=True)
class Permission:
    allowed: bool
    reason: str


def upload_permission(sign_in_configured: bool, allow_setting: str | None) -> Permission:
    """Pure rule: only a local run without sign-in and with GPACCESS_ALLOW_UPLOADS=1."""
    if sign_in_configured:
        return Permission(
            False,
            "Loading from the browser is off where people sign in: load from the command line on the "
            "server, `gpaccess fetch` or `gpaccess ingest FILE...` (see docs/loading-data.md).",
        )
    if (allow_setting or "").strip() == "1":
        return Permission(
            True, f"Loading is on for this single-user local run ({ALLOW_ENV}=1, no sign-in)."
        )
    return Permission(
        False,
        "Loading from the browser is off. For a single-user local run, start the dashboard with "
        f"`{ALLOW_ENV}=1` (for example `{ALLOW_ENV}=1 scripts/run.sh`). Otherwise load from the command "
        "line: `gpaccess fetch` or `gpaccess ingest FILE...` (see docs/loading-data.md).",
    )


def permission() -> Permission:
    from gpaccess.app.viewer import auth_configured

    return upload_permission(auth_configured(), os.environ.get(ALLOW_ENV))


@dataclass(frozen=True)
class UploadResult:
    ok: bool
    message: str


def load_uploaded(files: list, viewer: Viewer) -> UploadResult:
    """Save the uploaded files under their own names, then load them in one batch with a progress bar.
    The permission is checked here too, not only by the page that draws the uploader."""
    with tempfile.TemporaryDirectory(prefix="gpaccess-upload-") as folder:
        return _load(lambda show: _save(files, Path(folder)), viewer, "Saving the uploaded files")


def _save(files: list, folder: Path) -> list[Path]:
    paths = []
    for index, item in enumerate(files):
        target = folder / str(index) / Path(item.name).name  # no path from the browser
        target.parent.mkdir()
        target.write_bytes(item.getvalue())
        paths.append(target)
    return paths


def load_newest_month(viewer: Viewer) -> UploadResult:
    """As `gpaccess fetch`: the newest edition's practice-level zip from NHS England, downloaded and loaded."""
    from gpaccess.fetch import fetch_files

    target = database_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=target.name + ".download-", dir=target.parent
    ) as folder:
        return _load(
            lambda show: fetch_files(Path(folder), progress=show),
            viewer,
            "Finding the newest month",
        )


def _load(files: Callable[[Progress], list[Path]], viewer: Viewer, first_step: str) -> UploadResult:
    """Permission, then the files (saved or downloaded), then the load, with one progress bar."""
    from gpaccess.fetch import FetchError

    allowed = permission()
    if not allowed.allowed:
        return UploadResult(False, f"Load refused: nothing was changed.\n{allowed.reason}")
    loaded_by = viewer.email or "browser (local run)"
    bar = st.progress(0.0, text=first_step)

    def show(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        report = _ingest(files(show), loaded_by, show)
    except FetchError as error:
        return UploadResult(False, f"Fetch failed: nothing was changed.\n{error}")
    except IngestError as error:
        return UploadResult(False, error.describe())
    except duckdb.IOException as error:
        return UploadResult(
            False,
            "Load refused: the database is in use by another program (a command-line load, or another "
            f"dashboard process); nothing was changed. Try again when it has finished.\n\n{error}",
        )
    finally:
        bar.empty()
    st.cache_data.clear()
    return UploadResult(True, report.describe())


def _ingest(paths: list[Path], loaded_by: str, progress: Progress) -> LoadReport:
    """Into the real database (never the demo): GPACCESS_DB, else data/gpaccess.duckdb."""
    with writing(
        database_path()
    ) as con:  # one load at a time; other sessions wait for their connection
        return ingest_files(con, paths, loaded_by=loaded_by, progress=progress)


def request_load() -> None:
    """The Load button's callback: a session flag (not the button's one-run trigger), so the request survives
    the rerun the frame makes when a page file runs without the entrypoint."""
    st.session_state[REQUEST_KEY] = True


def load_requested() -> bool:
    return bool(st.session_state.pop(REQUEST_KEY, False))


def request_newest() -> None:
    """The "Load the newest month" button's callback (as `request_load`)."""
    st.session_state[NEWEST_KEY] = True


def newest_requested() -> bool:
    return bool(st.session_state.pop(NEWEST_KEY, False))


def include_new_months() -> None:
    """After a load: when the period was "all months" (not in the URL), let it take in the new ones."""
    for key, param in (("f_from", "from"), ("f_to", "to")):
        if param not in st.query_params:
            st.session_state.pop(key, None)


def remember(result: UploadResult) -> None:
    """Keep the outcome across the rerun that shows the newly loaded data."""
    st.session_state[RESULT_KEY] = result


def show_last_result() -> None:
    result: UploadResult | None = st.session_state.pop(RESULT_KEY, None)
    if result is None:
        return
    if result.ok:
        st.success("Load complete.", icon=":material/check_circle:")
        st.code(result.message, language=None, wrap_lines=True)
    else:
        st.error(plain(result.message.splitlines()[0], None), icon=":material/block:")
        st.code(
            "\n".join(result.message.splitlines()[1:]) or result.message,
            language=None,
            wrap_lines=True,
        )


def show_coverage_caveat(context) -> None:  # type: ignore[no-untyped-def]
    """Called by the frame on every page: a warning when the selected scope's coverage is poor."""
    month = context.scope.date_to or context.last_month
    if month is None:
        return
    one_month = context.scope.with_(
        date_from=month, date_to=month
    )  # cheap: the query filters early
    label = context.scope_label_md
    text = derived(
        lambda: coverage_caveat(
            query("coverage_by_icb_month", context.viewer, one_month), month, label
        ),
        "coverage_caveat",
        context.viewer.permission,
        one_month,
        label,
    )
    if text:
        st.warning(text, icon=":material/warning:")
