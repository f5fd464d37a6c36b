"""Spreadsheet formula injection: the one rule for text that reaches a CSV, XLSX or a chart's embedded workbook.

Text from uploads (tracker phase names, barrier detail, kinds of gain; practice names in an ICB's own list) can
start with a character a spreadsheet reads as the start of a formula: `=`, `+`, `-`, `@`, tab or carriage return
(OWASP's list). Such text gets a single quote in front, so a spreadsheet shows it as text and never runs it.
Only text is touched: numbers (negative ones too), dates, booleans and missing values stay as they are. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar, cast

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# control characters XML 1.0 cannot hold (an XLSX cell with one cannot be written): dropped
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_T = TypeVar("_T")


def neutralise_text(value: _T) -> _T:
    """`value` with a single quote in front when it is text a spreadsheet could read as a formula, and without
    control characters no spreadsheet file can hold; anything else (numbers, dates, None, NaN) unchanged."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_XML.sub("", value)
    return cast(_T, QUOTE + text if text.startswith(FORMULA_STARTS) else text)


def _is_text(dtype: object) -> bool:
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)  # type: ignore[arg-type]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with `neutralise_text` applied to its text columns (object, string and categorical)
    and its column names. Numeric, boolean and date columns are not touched."""
    return _map_text(frame, neutralise_text)


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text (no index), every text cell neutralised: the one way the app writes CSV.

    A carriage return inside text is written as a line feed: Python's csv writer quotes a field holding the
    line terminator ('\n') but not a lone '\r', which a spreadsheet reads as the end of the row, so the rest of
    the text would start a row of its own (and could start with '=')."""
    safe = _map_text(safe_frame(frame), _line_feeds)
    return safe.to_csv(index=False, lineterminator="\n")


def _line_feeds(value: _T) -> _T:
    if isinstance(value, str) and "\r" in value:
        return cast(_T, value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _map_text(frame: pd.DataFrame, function: Callable[[object], object]) -> pd.DataFrame:
    out = frame.copy()
    for i, dtype in enumerate(out.dtypes):
        if _is_text(dtype):
            column = out.iloc[:, i]
            if isinstance(dtype, pd.CategoricalDtype):
                column = column.astype(object)
            out.isetitem(i, column.map(function, na_action="ignore"))
    out.columns = pd.Index([function(c) for c in out.columns])
    return out
