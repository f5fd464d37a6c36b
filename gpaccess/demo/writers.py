"""Writers for the published file formats (CSV byte layout of NHS England) and the tracker workbook.

CSV conventions copied from the real files: comma separated, a field is quoted only when it holds a
comma or a double quote (quotes doubled inside), every line ends with CRLF, no BOM, header first.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.styles import Font

from gpaccess.demo.appointments import MonthRows
from gpaccess.demo.constants import (
    APPT_MODES,
    APPT_STATUSES,
    CROSSTAB_HEADER,
    HCP_TYPES,
    LINE_END,
    LIST_ALL_HEADER,
    LIST_MAP_HEADER,
    LIST_PUBLICATION,
    MAPPING_HEADER,
    NATIONAL_CATEGORIES,
    TIME_BANDS,
)
from gpaccess.demo.months import crosstab_date, list_all_extract_date, list_map_extract_date

FIXED_ZIP_TIME = (2021, 4, 1, 0, 0, 0)
FIXED_DOC_TIME = "2021-04-01T00:00:00Z"


def csv_field(value: object) -> str:
    """Minimal quoting, as in the published files."""
    text = "" if value is None else str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: Iterable[object]) -> str:
    return ",".join(csv_field(f) for f in fields) + LINE_END


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = csv_line(header) + "".join(csv_line(r) for r in rows)
    path.write_bytes(text.encode("utf-8"))
    return path


def _string_array(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def practice_fields(practices: pd.DataFrame) -> pa.Array:
    """Per practice: crosstab fields GP_CODE .. SUB_ICB_LOCATION_NAME joined, already quoted."""
    cols = ["code", "name", "supplier", "pcn_code", "pcn_name", "sub_icb_code", "sub_icb_name"]
    return _string_array(
        [
            ",".join(csv_field(v) for v in values)
            for values in practices[cols].itertuples(index=False, name=None)
        ]
    )


def crosstab_bytes(month: int, fields: pa.Array, rows: MonthRows) -> bytes:
    """The crosstab body for ``rows``: assembled column-wise by Arrow, then joined in one buffer."""
    statuses = [s + LINE_END for s in APPT_STATUSES]

    def take(values: Sequence[str], index: np.ndarray) -> pa.Array:
        return pc.take(_string_array(values), pa.array(index.astype(np.int32)))

    lines = pc.binary_join_element_wise(
        pa.scalar(crosstab_date(month), type=pa.string()),
        pc.take(fields, pa.array(rows.practice.astype(np.int32))),
        take(HCP_TYPES, rows.hcp),
        take(APPT_MODES, rows.mode),
        take(NATIONAL_CATEGORIES, rows.category),
        take(TIME_BANDS, rows.band),
        pc.cast(pa.array(rows.count.astype(np.int64)), pa.string()),
        take(statuses, rows.status),
        ",",
    )
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    if len(lines) == 0:
        return b""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    data = lines.buffers()[2]
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])].tobytes()


def write_crosstab(path: Path, month: int, fields: pa.Array, rows: MonthRows) -> Path:
    """One month's Practice_Level_Crosstab file; ``fields`` from :func:`practice_fields`."""
    with path.open("wb") as out:
        out.write(csv_line(CROSSTAB_HEADER).encode("utf-8"))
        out.write(crosstab_bytes(month, fields, rows))
    return path


def write_mapping(path: Path, practices: pd.DataFrame, variants: dict[str, list[str]]) -> Path:
    """Mapping.csv: one row per practice open in the last month, plus supplier-variant duplicates."""
    rows: list[list[object]] = []
    for p in practices.sort_values("code").itertuples(index=False):
        base = [p.code, p.name, p.supplier, p.pcn_code, p.pcn_name, p.sub_icb_code, p.sub_icb_name,
                p.icb_code, p.icb_name, p.region_code, p.region_name]  # fmt: skip
        for supplier in variants.get(str(p.code), [str(p.supplier)]):
            rows.append([*base[:2], supplier, *base[3:]])
    return write_csv(path, MAPPING_HEADER, rows)


def write_list_all(path: Path, practices: pd.DataFrame, patients: np.ndarray, month: int) -> Path:
    """gp-reg-pat-prac-all.csv for one month (practices with patients, by code)."""
    date = list_all_extract_date(month)
    keep = patients > 0
    columns = ["sub_icb_code", "sub_icb_ons_code", "code", "postcode"]
    parts = [practices[c].to_numpy()[keep] for c in columns]
    body = "".join(
        f"{LIST_PUBLICATION},{date},GP,{csv_field(sub)},{csv_field(ons)},{csv_field(code)},"
        f"{csv_field(postcode)},ALL,ALL,{n}{LINE_END}"
        for sub, ons, code, postcode, n in zip(*parts, patients[keep].tolist(), strict=True)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((csv_line(LIST_ALL_HEADER) + body).encode("utf-8"))
    return path


def _map_supplier(supplier: str) -> str:
    """gp-reg-pat-prac-map.csv names only the main system (EMIS or TPP), blank otherwise."""
    main = supplier.split("/")[0]
    return main if main in ("EMIS", "TPP") else ""


def write_list_map(path: Path, practices: pd.DataFrame, month: int) -> Path:
    """gp-reg-pat-prac-map.csv for the last month."""
    date = list_map_extract_date(month)
    rows = [
        [LIST_PUBLICATION, date, p.code, p.name, p.postcode, p.pcn_code, p.pcn_name,
         p.sub_icb_ons_code, p.sub_icb_code, p.sub_icb_name, p.icb_ons_code, p.icb_code,
         p.icb_name, p.region_ons_code, p.region_code, p.region_name, _map_supplier(p.supplier)]
        for p in practices.sort_values("code").itertuples(index=False)
    ]  # fmt: skip
    return write_csv(path, LIST_MAP_HEADER, rows)


# --- programme tracker workbook -------------------------------------------------------------------
def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def write_tracker(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """The tracker workbook, a sheet per frame; dates as date cells shown ``yyyy-mm-dd``. Byte-identical for equal input
    (fixed document and zip timestamps)."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = bold
        for values in frame.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in values])
        for col_idx, column in enumerate(frame.columns, start=1):
            letter = ws.cell(row=1, column=col_idx).column_letter
            ws.column_dimensions[letter].width = max(12, min(60, len(column) + 4))
            if column.endswith("_date"):
                for (cell,) in ws.iter_rows(min_row=2, min_col=col_idx, max_col=col_idx):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    fixed = dt.datetime(2021, 4, 1)
    wb.properties.creator = "gpaccess demo generator"
    wb.properties.created = fixed
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))
    return path


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry timestamps and a fixed docProps/core.xml modified time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
