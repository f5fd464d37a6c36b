"""Turn the files a user gives into sources the ingest can stage: unpack zips, recognise formats by header."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.formats import GPAD_FORMATS, CsvFormat
from gpaccess.ingest.tracker_format import SHEETS, TrackerSheet

HEAD_BYTES = 65536
CROSSTAB_PREFIX = "Practice_Level_Crosstab"


@dataclass
class Source:
    path: Path  # a readable file on disk
    display: str  # how messages name it, e.g. "Practice_Level_Crosstab_Oct_25.zip/Mapping.csv"
    origin: Path  # the file the user gave (checksummed and logged)
    kind: str = ""  # crosstab, mapping, list_size, list_size_map, tracker_xlsx, tracker:<sheet>
    header: list[str] = field(default_factory=list)
    csv_format: CsvFormat | None = None
    sheet: TrackerSheet | None = None


def expand(paths: list[Path], workdir: Path) -> tuple[list[Source], list[Problem]]:
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in paths:
        found, trouble = _expand_one(path, workdir)
        sources += found
        problems += trouble
    return sources, problems


def _expand_one(path: Path, workdir: Path) -> tuple[list[Source], list[Problem]]:
    name = path.name
    if not path.is_file():
        return [], [Problem(name, "an existing file", value=str(path))]
    if path.suffix.lower() == ".xlsx":
        return [Source(path, name, path, kind="tracker_xlsx")], []
    if zipfile.is_zipfile(path):
        return _expand_zip(path, workdir)
    source = Source(path, name, path)
    problem = recognise_csv(source)
    return ([source], []) if problem is None else ([], [problem])


def _expand_zip(path: Path, workdir: Path) -> tuple[list[Source], list[Problem]]:
    with zipfile.ZipFile(path) as archive:
        members = [
            m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")
        ]
        names = [Path(m.filename).name for m in members]
        if not any(n.startswith(CROSSTAB_PREFIX) for n in names):
            found = ", ".join(names) or "no CSV files"
            expected = f"a GPAD zip holding {CROSSTAB_PREFIX}_*.csv files"
            return [], [Problem(path.name, expected, value=found)]
        sources, problems = [], []
        target = workdir / path.stem
        target.mkdir(parents=True, exist_ok=True)
        for member, member_name in zip(members, names, strict=True):
            extracted = target / member_name
            with archive.open(member) as src, open(extracted, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            source = Source(extracted, f"{path.name}/{member_name}", path)
            problem = recognise_csv(source)
            if problem is None:
                sources.append(source)
            else:
                problems.append(problem)
        return sources, problems


def recognise_csv(source: Source) -> Problem | None:
    """Read the header row and decide the format; a Problem if the file is not one we accept."""
    with open(source.path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        return Problem(
            source.display, "a CSV file with a header row and data rows", value="an empty file"
        )
    if b"\x00" in head:
        return Problem(source.display, "a CSV text file", value="binary content (not CSV)")
    first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Problem(source.display, "UTF-8 text", row=1, value="bytes that are not UTF-8")
    source.header = next(csv.reader(io.StringIO(text)))
    return _match_header(source)


def _match_header(source: Source) -> Problem | None:
    header = set(source.header)
    for fmt in GPAD_FORMATS:
        if header == set(fmt.names) and len(source.header) == len(fmt.names):
            source.kind, source.csv_format = fmt.kind, fmt
            return None
    for sheet in SHEETS:
        if header == set(sheet.column_names) and len(source.header) == len(sheet.column_names):
            source.kind, source.sheet = f"tracker:{sheet.name}", sheet
            return None
    return _closest_format_problem(source)


def _closest_format_problem(source: Source) -> Problem:
    header = set(source.header)
    candidates: list[tuple[str, tuple[str, ...]]] = [(f.description, f.names) for f in GPAD_FORMATS]
    candidates += [(f"programme tracker sheet '{s.name}'", s.column_names) for s in SHEETS]
    overlap, description, names = max((len(header & set(n)) / len(n), d, n) for d, n in candidates)
    if overlap < 0.5:
        known = "; ".join(d for d, _ in candidates)
        return Problem(
            source.display,
            f"the header row of a published file ({known})",
            row=1,
            value=",".join(source.header)[:200],
        )
    missing = [n for n in names if n not in header]
    extra = [n for n in source.header if n not in set(names)]
    duplicated = sorted({n for n in source.header if source.header.count(n) > 1})
    detail = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
            f"repeated {', '.join(duplicated)}" if duplicated else "",
        )
        if part
    )
    return Problem(
        source.display,
        f"the columns of the {description} ({detail})",
        row=1,
        column=", ".join(missing or extra or duplicated),
        value=",".join(source.header)[:200],
    )
