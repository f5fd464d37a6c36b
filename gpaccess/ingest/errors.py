"""Errors that tell an analyst exactly what is wrong with a file: file, row, column, value, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20
MAX_VALUE_SHOWN = 200  # characters of a value quoted in a message

# What is wrong with a value or a line, before it is a Problem: (kind, what was expected).
Trouble = tuple[str, str]


@dataclass(frozen=True)
class Problem:
    file: str
    expected: str
    row: int | None = None  # line number in the file (the header is row 1); sheet row for Excel
    column: str | None = None
    value: str | None = None
    # What kind of problem, in a few words that never quote the value ("not a whole number", "unknown practice
    # code"): kept in the public load history, where the value is not.
    kind: str = ""

    def __post_init__(self) -> None:
        if self.value is not None:  # kept short: a hostile file's line can be megabytes long
            object.__setattr__(self, "value", shorten(self.value))

    def __str__(self) -> str:
        """The full message, value included: for whoever loaded the file (CLI output, the uploader's result)."""
        found = f"found {self.value!r}; " if self.value is not None else ""
        return f"{self.where()}: {found}expected {self.expected}"

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def public(self) -> str:
        """File, row, column, the kind of problem and what was expected, never the value found: what the load
        history shows to everyone (a refused line can quote a practice's code and name)."""
        kind = f"{self.kind}; " if self.kind else ""
        return f"{self.where()}: {kind}expected {self.expected}"


def shorten(value: str, limit: int = MAX_VALUE_SHOWN) -> str:
    """A value short enough to quote in a message, saying how long it was: a hostile file's line can be
    megabytes long."""
    if len(value) <= limit:
        return value
    more = f"... ({len(value):,} characters)"
    return value[: limit - len(more)] + more


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
