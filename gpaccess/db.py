"""The one data seam: every query the product runs goes through `run(con, name, viewer, scope)`.

A query is a file `queries/<name>.sql` whose header declares its grain, parameters, source tables and whether
it returns practice identities:

    -- grain: one row per ICB and programme
    -- parameters: $region, $icb
    -- source: enrolment, practice, practice_month
    -- identities: none

Parameters are bound by DuckDB (never formatted into SQL). A `source` may name a relation kept outside the
database (`EXTERNAL_RELATIONS`, e.g. refused loads): it is registered on the query's cursor under that name.
A query may call the store's table macros (gpaccess/store/macros.sql, e.g. `practice_months_in_scope`); on a
database that lacks them or holds an older version, the ones it calls are defined as TEMP macros on its cursor.

A query with `identities: practice` runs only for a viewer authorised for the scope's ICB, and every row it
returns is checked: its `practice_code` must be a practice of the viewer's ICB in the `practice` table (a missing
column, a NULL or unknown code, or another ICB's practice refuses the whole result). Any other query is refused if
it returns an identity column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from gpaccess import failed_loads
from gpaccess.access import AccessDenied, Viewer
from gpaccess.config import QUERIES_DIR
from gpaccess.scope import Scope
from gpaccess.store.connect import macros_called, provide_macros

# relations a query may read that are not tables in the database: name -> provider(connection) -> frame
EXTERNAL_RELATIONS: dict[str, Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]] = {
    "refused_load": failed_loads.read_for,
}
IDENTITY_COLUMNS = frozenset({"practice_code", "practice_name", "gp_code", "gp_name"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER = re.compile(r"^--\s*(grain|parameters|source|identities|description):\s*(.*)$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    grain: str
    parameters: tuple[str, ...]
    source: str
    identities: bool
    macros: tuple[str, ...] = ()  # store macros it calls (gpaccess/store/macros.sql)

    @property
    def external(self) -> tuple[str, ...]:
        named = {part.strip() for part in self.source.split(",")}
        return tuple(name for name in EXTERNAL_RELATIONS if name in named)


class QueryNotFound(LookupError):
    pass


def query_names(directory: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.sql"))


@functools.cache
def load_query(name: str, directory: Path = QUERIES_DIR) -> Query:
    if not _NAME.match(name) or not (directory / f"{name}.sql").is_file():
        raise QueryNotFound(f"No query named {name!r} in {directory}")
    sql = (directory / f"{name}.sql").read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in sql.splitlines():
        if match := _HEADER.match(line.strip()):
            header[match.group(1)] = match.group(2)
    used = tuple(dict.fromkeys(_PARAM.findall(_strip_comments(sql))))
    return Query(
        name=name,
        sql=sql,
        grain=header.get("grain", ""),
        parameters=used,
        source=header.get("source", ""),
        identities=header.get("identities", "none").strip() == "practice",
        macros=macros_called(sql),
    )


def bound_scope(name: str, scope: Scope) -> Scope:
    """The scope as far as the query reads it: fields it has no parameter for are reset, so that a cache
    keyed on this scope holds one result per distinct query, not one per unused filter (the ICB is kept for
    a query that returns practice identities: the viewer is checked against it)."""
    query = load_query(name)
    used = set(query.parameters)
    return Scope(
        region=scope.region if "region" in used else None,
        icb=scope.icb if "icb" in used or query.identities else None,
        programme=scope.programme if "programme" in used else "All",
        date_from=scope.date_from if "date_from" in used else None,
        date_to=scope.date_to if "date_to" in used else None,
    )


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def run(
    con: duckdb.DuckDBPyConnection, name: str, viewer: Viewer, scope: Scope, **extra: Any
) -> pd.DataFrame:
    """Run a named query for a viewer and scope; a small DataFrame back."""
    query = load_query(name)
    if query.identities and not viewer.may_see_practices_of(scope.icb):
        raise AccessDenied(
            f"{viewer.label} may not see practice identities for ICB {scope.icb or '(none)'}"
        )
    values = {**scope.params(), **extra}
    missing = [p for p in query.parameters if p not in values]
    if missing:
        raise ValueError(f"Query {name} needs parameters {missing}")
    cursor = con.cursor()
    try:
        for relation in query.external:
            cursor.register(relation, EXTERNAL_RELATIONS[relation](cursor))
        provide_macros(con, cursor, query.macros)
        frame = cursor.execute(query.sql, {p: values[p] for p in query.parameters}).df()
        leaked = IDENTITY_COLUMNS & {c.lower() for c in frame.columns}
        if leaked and not query.identities:
            raise AccessDenied(
                f"Query {name} returned identity columns {sorted(leaked)} without declaring them"
            )
        if query.identities:
            _check_practices(cursor, name, frame, viewer)
    finally:
        cursor.close()
    return frame


def _check_practices(
    cursor: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, viewer: Viewer
) -> None:
    """Refuse the result unless every row's practice_code is a practice of the viewer's ICB."""
    column = next((c for c in frame.columns if c.lower() == "practice_code"), None)
    if column is None:
        raise AccessDenied(
            f"Query {name} declares practice identities but returns no practice_code"
        )
    codes = frame[column]
    if codes.isna().any():
        raise AccessDenied(f"Query {name} returned a row without a practice code")
    if codes.empty:
        return
    outside = cursor.execute(
        "SELECT count(*) FROM unnest($codes::VARCHAR[]) AS c(code) WHERE NOT EXISTS "
        "(SELECT 1 FROM practice AS p WHERE p.practice_code = c.code AND p.icb_code = $icb)",
        {"codes": sorted(set(codes.astype(str))), "icb": viewer.icb_code},
    ).fetchone()
    if outside is None or outside[0]:
        # the codes are not named: the message may reach the viewer they must not be shown to
        count = "?" if outside is None else outside[0]
        raise AccessDenied(f"Query {name} returned {count} practice(s) outside the viewer's ICB")
