"""Errors that tell an analyst exactly what is wrong with a file: file, row, column, value, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    file: str
    expected: str
    row: int | None = None  # line number in the file (the header is row 1); sheet row for Excel
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        found = f"found {self.value!r}; " if self.value is not None else ""
        return f"{', '.join(where)}: {found}expected {self.expected}"


class IngestError(Exception):
    """A batch failed validation. Nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        shown = [f"  - {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown.append(f"  ... and {more} more problem(s)")
        head = f"Load refused: {len(self.problems)} problem(s) found; nothing was changed."
        return "\n".join([head, *shown])
