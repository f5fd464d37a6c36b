"""The one data seam: every query the product runs goes through `run(con, name, viewer, scope)`.

A query is a file `queries/<name>.sql` whose header declares its grain, parameters, source tables and whether
it returns practice identities:

    -- grain: one row per ICB and programme
    -- parameters: $region, $icb
    -- source: enrolment, practice, practice_month
    -- identities: none

Parameters are bound by DuckDB (never formatted into SQL). A `source` may name a relation kept outside the
database (`EXTERNAL_RELATIONS`, e.g. refused loads): it is registered on the query's cursor under that name. A query with `identities: practice` runs only for
a viewer authorised for the scope's ICB; any other query is refused if it returns an identity column.
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
        frame = cursor.execute(query.sql, {p: values[p] for p in query.parameters}).df()
    finally:
        cursor.close()
    leaked = IDENTITY_COLUMNS & {c.lower() for c in frame.columns}
    if leaked and not query.identities:
        raise AccessDenied(
            f"Query {name} returned identity columns {sorted(leaked)} without declaring them"
        )
    return frame
