"""Build the synthetic demo database: generate files in the published formats, then load them through the
same ingest as real files. Built into a temporary file and moved into place only when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable

Progress = Callable[[float, str], None]


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
            ingest_files(
                con,
                files,
                loaded_by="demo",
                dataset_label="synthetic_demo",
                progress=lambda f, m: report(0.5 + 0.5 * f, m),
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(building, path)
    report(1.0, "Demo database ready")
    return path
