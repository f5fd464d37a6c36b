"""The board commentary: 2-4 sentences an author writes for a scope and month, shown on the Summary page, on the
summary slide and in its speaker notes (docs/roles.md, "Commentary").

Who may write: `Viewer.may_write_for` (national users for England, a regional user for their region, an ICB's
users for their ICB); nobody else. What may be written: plain text, one paragraph (line breaks become spaces),
1 to `LIMIT` characters, no other control characters and no invisible direction controls. It is stored as
written and always shown as plain text (`gpaccess.text.plain` on the page; cells through the export's formula
neutralising). History is kept: each save is a new row of the store's `commentary` table, and the latest per
scope and month is shown (queries/commentary.sql).

`write_commentary` is the one way in: the Summary page (through `gpaccess.app.data.writing()`), the command line
(`gpaccess commentary`) and the demo build all call it. Pure apart from the connection it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.scope import Scope
from gpaccess.text import CONTROL

LIMIT = (
    600  # characters: room for 2-4 sentences, and what fits in the summary slide's commentary box
)
AUTHOR_LIMIT = 120
SYNTHETIC_AUTHOR = "Synthetic demo author"
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


class CommentaryRefused(ValueError):
    """Nothing was written: the text, author or scope is not acceptable (or, `CommentaryNotAllowed`, the
    viewer may not write for the scope)."""


class CommentaryNotAllowed(CommentaryRefused):
    """Nothing was written: the viewer may not write for this scope."""


def utc_now() -> dt.datetime:
    """When a commentary is written: UTC, without a time zone (as the load log records loads)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Commentary:
    month: dt.date
    text: str
    written_by: str
    written_at: dt.datetime
    versions: int = 1  # saves for this scope and month (the latest is shown)

    @property
    def byline(self) -> str:
        return f"{self.written_by}, {self.written_at:%d %b %Y %H:%M} UTC"


def clean_text(text: str) -> str:
    """The commentary as it is stored: line breaks as single spaces, ends stripped; CommentaryRefused when it is
    empty, longer than LIMIT characters or holds another control character."""
    if not isinstance(text, str):
        raise CommentaryRefused("The commentary must be text.")
    cleaned = _LINE_BREAKS.sub(" ", text).strip()
    if not cleaned:
        raise CommentaryRefused("The commentary is empty: write 2 to 4 sentences.")
    if len(cleaned) > LIMIT:
        raise CommentaryRefused(
            f"The commentary is {len(cleaned):,} characters: at most {LIMIT:,} (2 to 4 sentences)."
        )
    if CONTROL.search(cleaned):
        raise CommentaryRefused(
            "The commentary holds a control character (such as a tab or an invisible direction mark): "
            "write plain text."
        )
    return cleaned


def _clean_author(written_by: str | None) -> str:
    author = (written_by or "").strip()
    if not author or len(author) > AUTHOR_LIMIT or CONTROL.search(author):
        raise CommentaryRefused(
            f"Say who is writing: a name or e-mail address of 1 to {AUTHOR_LIMIT} characters."
        )
    return author


def _stored_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[str | None, str | None]:
    """(region, ICB) as stored: an ICB with its own region (a region given with it must be that one), a region
    that the data holds, or neither for England. CommentaryRefused for codes the data does not hold."""
    if scope.icb is not None:
        row = con.execute(
            "SELECT region_code FROM icb WHERE icb_code = $icb", {"icb": scope.icb}
        ).fetchone()
        if row is None:
            raise CommentaryRefused(f"No ICB with code {scope.icb!r}.")
        if scope.region is not None and scope.region != row[0]:
            raise CommentaryRefused(f"ICB {scope.icb} is not in region {scope.region}.")
        return row[0], scope.icb
    if scope.region is not None:
        found = con.execute(
            "SELECT count(*) FROM region WHERE region_code = $region", {"region": scope.region}
        ).fetchone()
        if not found or not found[0]:
            raise CommentaryRefused(f"No region with code {scope.region!r}.")
    return scope.region, None


def write_commentary(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    month: dt.date,
    text: str,
    now: dt.datetime,
    written_by: str | None = None,
) -> Commentary:
    """Append the commentary for the scope and month (the first of `month`'s month) as `written_by` (default:
    the viewer's e-mail address) at `now` (UTC: `utc_now()`); nothing is written, and CommentaryNotAllowed is
    raised unless the viewer may write for the scope, CommentaryRefused unless the text, author and codes are
    acceptable."""
    if not viewer.may_write_for(scope.region, scope.icb):
        raise CommentaryNotAllowed(
            f"{viewer.label} may not write the commentary for this scope: national users write England's, "
            "a region's users their region's, an ICB's users their ICB's."
        )
    cleaned = clean_text(text)
    author = _clean_author(written_by if written_by is not None else viewer.email)
    region, icb = _stored_scope(con, scope)
    first = dt.date(month.year, month.month, 1)
    con.execute(
        "INSERT INTO commentary VALUES ($region, $icb, $month, $text, $by, $at)",
        {"region": region, "icb": icb, "month": first, "text": cleaned, "by": author, "at": now},
    )
    return Commentary(first, cleaned, author, now)


def from_rows(rows: pd.DataFrame) -> Commentary | None:
    """The commentary from queries/commentary.sql's row, or None when nothing is written."""
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Commentary(
        month=pd.Timestamp(row["month"]).date(),
        text=str(row["text"]),
        written_by=str(row["written_by"]),
        written_at=pd.Timestamp(row["written_at"]).to_pydatetime(),
        versions=int(row["versions"]),
    )
