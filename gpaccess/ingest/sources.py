"""Turn the files a user gives into sources the ingest can stage: unpack zips, recognise formats by header.

Size limits (docs/loading-data.md) keep any load bounded on disk and in memory: a file or zip member over its
limit, a zip whose members would expand past the total or whose compression ratio only a zip bomb reaches, and
a zip that would not fit on the disk are refused before a byte is extracted.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.formats import GPAD_FORMATS, CsvFormat
from gpaccess.ingest.tracker_format import SHEETS, TrackerSheet

HEAD_BYTES = 65536
CROSSTAB_PREFIX = "Practice_Level_Crosstab"
MiB = 1 << 20
NO_ROOM = "not enough disk space"
NOT_UTF8 = "not UTF-8"
MAX_CSV_BYTES = 512 * MiB  # one published month of the national crosstab is about 190 MB
MAX_ZIP_BYTES = 1024 * MiB
MAX_UNZIPPED_BYTES = 2048 * MiB  # a monthly zip: Mapping.csv and three months, about 600 MB
MAX_ZIP_MEMBERS = 50
MAX_ZIP_RATIO = 200  # published CSVs deflate about 10-30 times; a zip bomb, about 1,000 times
MAX_TRACKER_BYTES = 50 * MiB
MAX_TRACKER_UNZIPPED_BYTES = 200 * MiB
LIMITS_DOC = "see docs/loading-data.md, 'What a load refuses'"


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
        return [], [Problem(name, "an existing file", value=str(path), kind="file not found")]
    size = path.stat().st_size
    if path.suffix.lower() == ".xlsx":
        problem = _too_big(name, size, MAX_TRACKER_BYTES, "a programme tracker workbook")
        problem = problem or _zip_bomb(path, MAX_TRACKER_UNZIPPED_BYTES, "an Excel workbook")
        return ([], [problem]) if problem else ([Source(path, name, path, kind="tracker_xlsx")], [])
    if zipfile.is_zipfile(path):
        problem = _too_big(name, size, MAX_ZIP_BYTES, "a GPAD zip")
        return ([], [problem]) if problem else _expand_zip(path, workdir)
    problem = _too_big(name, size, MAX_CSV_BYTES, "a CSV file")
    if problem:
        return [], [problem]
    source = Source(path, name, path)
    problem = recognise_csv(source)
    return ([source], []) if problem is None else ([], [problem])


def _too_big(name: str, size: int, limit: int, what: str) -> Problem | None:
    if size <= limit:
        return None
    expected = f"{what} of at most {limit // MiB:,} MiB ({LIMITS_DOC})"
    return Problem(name, expected, value=_mib(size), kind="file too large")


def _mib(size: int) -> str:
    return f"{size / MiB:,.1f} MiB"


def _zip_bomb(path: Path, total_limit: int, what: str) -> Problem | None:
    """A zip (or xlsx) whose declared sizes would expand past the limits: refused before extracting."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        expected = f"{what} that opens as a zip"
        return Problem(path.name, expected, value=str(error), kind="not an openable zip")
    total = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS * 20:
        expected = f"{what} of at most {MAX_ZIP_MEMBERS * 20:,} parts"
        return Problem(path.name, expected, value=f"{len(members):,} parts", kind="too many parts")
    if total > total_limit:
        expected = f"{what} that unpacks to at most {total_limit // MiB:,} MiB ({LIMITS_DOC})"
        value = f"{_mib(total)} unpacked"
        return Problem(path.name, expected, value=value, kind="unpacks too large")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MiB and ratio > MAX_ZIP_RATIO:
            expected = f"compression of at most {MAX_ZIP_RATIO} to 1 (a zip bomb expands more; {LIMITS_DOC})"
            display, value = f"{path.name}/{member.filename}", f"{ratio:,.0f} to 1"
            return Problem(display, expected, value=value, kind="compressed too far (zip bomb)")
    return None


def _expand_zip(path: Path, workdir: Path) -> tuple[list[Source], list[Problem]]:
    problem = _zip_bomb(path, MAX_UNZIPPED_BYTES, "a GPAD zip")
    if problem:
        return [], [problem]
    with zipfile.ZipFile(path) as archive:
        members = [
            m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")
        ]
        names = [Path(m.filename).name for m in members]
        if not any(n.startswith(CROSSTAB_PREFIX) for n in names):
            found = ", ".join(names) or "no CSV files"
            expected = f"a GPAD zip holding {CROSSTAB_PREFIX}_*.csv files"
            return [], [Problem(path.name, expected, value=found, kind="no crosstab in the zip")]
        problem = _member_limits(path, members, workdir)
        if problem:
            return [], [problem]
        sources, problems = [], []
        for index, (member, member_name) in enumerate(zip(members, names, strict=True)):
            extracted = workdir / path.stem / str(index) / member_name
            extracted.parent.mkdir(parents=True, exist_ok=True)
            display = f"{path.name}/{member_name}"
            trouble = _extract(archive, member, extracted, display)
            if trouble:
                problems.append(trouble)
                continue
            source = Source(extracted, display, path)
            problem = recognise_csv(source)
            if problem is None:
                sources.append(source)
            else:
                problems.append(problem)
        return sources, problems


def _member_limits(path: Path, members: list[zipfile.ZipInfo], workdir: Path) -> Problem | None:
    if len(members) > MAX_ZIP_MEMBERS:
        expected = f"a GPAD zip of at most {MAX_ZIP_MEMBERS} CSV files"
        value = f"{len(members)} CSV files"
        return Problem(path.name, expected, value=value, kind="too many files in the zip")
    for member in members:
        if member.file_size > MAX_CSV_BYTES:
            display = f"{path.name}/{Path(member.filename).name}"
            return _too_big(display, member.file_size, MAX_CSV_BYTES, "a CSV file")
    needed = sum(m.file_size for m in members)
    workdir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(workdir).free
    if needed + 256 * MiB > free:
        expected = f"room to unpack it: {_mib(needed)} and 256 MiB to spare in {workdir}"
        return Problem(path.name, expected, value=f"{_mib(free)} free", kind=NO_ROOM)
    return None


def _extract(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, display: str
) -> Problem | None:
    """Copy one member out in chunks; zipfile stops at the declared size and checks the CRC."""
    try:
        with archive.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        expected = "a zip member that unpacks cleanly"
        return Problem(display, expected, value=str(error), kind="damaged zip member")
    except OSError as error:  # disk full, or the temp folder went away
        expected = f"room on the disk to unpack it in {target.parent}"
        return Problem(display, expected, value=str(error), kind=NO_ROOM)
    return None


def recognise_csv(source: Source) -> Problem | None:
    """Read the header row and decide the format; a Problem if the file is not one we accept."""
    with open(source.path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        expected = "a CSV file with a header row and data rows"
        return Problem(source.display, expected, value="an empty file", kind="empty file")
    if b"\x00" in head:
        value = "binary content (not CSV)"
        return Problem(source.display, "a CSV text file", value=value, kind="not a text file")
    first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        value = "bytes that are not UTF-8"
        return Problem(source.display, "UTF-8 text", row=1, value=value, kind=NOT_UTF8)
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
            value=",".join(source.header),
            kind="not a published file's header",
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
        value=",".join(source.header),
        kind="wrong columns",
    )
