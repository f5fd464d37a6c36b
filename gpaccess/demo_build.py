"""Build the synthetic demo database: generate files in the published formats, then load them through the
same ingest as real files. Built into a temporary file and moved into place only when complete, and never over
the real database (data/gpaccess.duckdb) or any database holding real data."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import duckdb

from gpaccess import config
from gpaccess.access import Viewer
from gpaccess.ingest import ingest_files
from gpaccess.scope import NATIONAL
from gpaccess.spc_changes import ChangeRefused, record_change
from gpaccess.store import connect_writable

DEMO_AUTHOR = "Synthetic demo"
# What the demo records for England, where its face-to-face share changes course (gpaccess/demo: F2F_KNOTS): the
# post-pandemic rise levels off from mid 2022. The limits are re-based there, on a stable year (Jul 2022 to Jun
# 2023), so that the fall from mid 2023 shows against it.
DEMO_CHANGES = (
    (
        "face_to_face_pct",
        dt.date(2022, 7, 1),
        "Post-pandemic recovery levelled off: infection control rules for general practice eased in spring 2022",
    ),
)

Progress = Callable[[float, str], None]
CROSSTAB_PREFIX = "Practice_Level_Crosstab_"


class DemoTargetRefused(ValueError):
    """The demo would replace real data."""


def check_demo_target(path: Path) -> None:
    """Refuse to build the demo over the real database or a file holding real data."""
    if path.resolve() == config.REAL_DB.resolve():
        raise DemoTargetRefused(
            f"{path} is the real database: the synthetic demo is built in its own file "
            f"({config.DEMO_DB.name} by default). Nothing was changed."
        )
    if not path.exists():
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return  # not a database we can read: the build replaces it
    try:
        synthetic, loaded = con.execute(
            "SELECT EXISTS (SELECT 1 FROM dataset WHERE key = 'synthetic_demo'), "
            "EXISTS (SELECT 1 FROM load_log)"
        ).fetchone() or (False, False)
    except duckdb.CatalogException:
        return
    finally:
        con.close()
    if loaded and not synthetic:
        raise DemoTargetRefused(
            f"{path} holds real data: the synthetic demo never replaces it. Give the demo its own file "
            f"(--db, or the default {config.DEMO_DB.name}). Nothing was changed."
        )


def build_demo_database(
    path: Path,
    *,
    scale: Literal["demo", "national"] = "demo",
    months: int | None = None,
    files_dir: Path | None = None,
    seed: int = 2021,
    progress: Progress | None = None,
) -> Path:
    from gpaccess.demo import write_demo_files
    from gpaccess.demo.commentary import write_demo_commentary

    check_demo_target(path)
    report = progress or (lambda fraction, message: None)
    with tempfile.TemporaryDirectory(prefix="gpaccess-demo-") as tmp:
        out = files_dir or Path(tmp) / "files"
        out.mkdir(parents=True, exist_ok=True)
        files = write_demo_files(
            out, seed=seed, scale=scale, months=months, progress=lambda f, m: report(0.5 * f, m)
        )
        building = path.with_name(path.name + ".building")
        building.unlink(missing_ok=True)
        con = connect_writable(building)
        try:
            batches = load_batches(files, scale)
            for index, batch in enumerate(batches):
                ingest_files(
                    con,
                    batch,
                    loaded_by="demo",
                    dataset_label="synthetic_demo",
                    progress=_batch_progress(report, index, len(batches)),
                )
            write_demo_commentary(con)  # through the one write path, as a user would
            record_demo_changes(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(building, path)
    report(1.0, "Demo database ready")
    return path


def _batch_progress(report: Progress, index: int, count: int) -> Progress:
    """Progress of one batch's load as part of the build's second half."""
    return lambda fraction, message: report(0.5 + 0.5 * (index + fraction) / count, message)


def load_batches(files: list[Path], scale: str) -> list[list[Path]]:
    """The demo's files in the batches it loads them in: all at once, except at national scale, where each month's
    crosstab (about 1.2 million rows) is a load of its own, so that a load's memory and spill to disk stay those of
    one month, not of 66 (every month staged at once spilled past the load's 8 GB). The build stays all or nothing:
    it writes to its own file, moved into place only when every batch has loaded."""
    if scale != "national":
        return [files]
    crosstabs = [f for f in files if f.name.startswith(CROSSTAB_PREFIX)]
    tracker = [f for f in files if f.suffix == ".xlsx"]
    rest = [f for f in files if f not in crosstabs and f not in tracker]
    batches = [rest + crosstabs[:1], *([f] for f in crosstabs[1:])]
    return [*batches, tracker] if tracker else batches


def record_demo_changes(con: duckdb.DuckDBPyConnection, now: dt.datetime | None = None) -> int:
    """Record DEMO_CHANGES for England through the one write path, as a national user; a change whose month the
    demo does not hold (a demo of a few months) is left out. Returns how many were recorded."""
    recorded = 0
    when = now or dt.datetime.now().replace(microsecond=0)
    for measure, month, reason in DEMO_CHANGES:
        try:
            record_change(
                con, Viewer("national"), NATIONAL, measure, month, reason, when, DEMO_AUTHOR
            )
        except ChangeRefused:
            continue  # not a month this demo holds
        recorded += 1
    return recorded
