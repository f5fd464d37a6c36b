"""The queries an entry declares it reads (`Entry.reads`, which a board pack starts all at once) are the queries
its chart is built from, on the demo data for England, a region and an ICB; the summary's likewise. A declared
query the chart does not run would be run for nothing; one it runs undeclared would wait its turn."""

from __future__ import annotations

import pytest

from gpaccess.access import Viewer
from gpaccess.db import bound_scope
from gpaccess.export.pack import DEFAULT_PACK
from gpaccess.export.sections import data_status, db_fetch, export_context
from gpaccess.registry import ENTRIES, Read
from gpaccess.registry.programme import spc_reads
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from gpaccess.summary import HEADLINE_MEASURES, build_summary, summary_reads

SCOPES = [Scope(), Scope(region="Y56"), Scope(region="Y56", icb="QRV")]
DECLARED = [key for key, entry in ENTRIES.items() if entry.reads is not None]


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def recording(con, ctx, ran: set):
    fetch = db_fetch(con, ctx)

    def record(name, scope=None, **extra):
        ran.add(key_of(Read.of(name, scope, **extra), ctx))
        return fetch(name, scope, **extra)

    return record


def key_of(read: Read, ctx) -> tuple:
    """A query as `gpaccess.db` runs it: its name, the scope as far as it reads it, its extra parameters."""
    return (read.name, bound_scope(read.name, read.scope or ctx.scope), read.extra)


def context(con, scope):
    viewer = Viewer()
    return export_context(con, viewer, scope, status=data_status(con, viewer))


def test_every_chart_of_the_default_pack_declares_its_reads():
    assert [key for key in DEFAULT_PACK if ENTRIES[key].reads is None] == []
    assert len(DECLARED) > len(DEFAULT_PACK)


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "region", "icb"])
@pytest.mark.parametrize("key", DECLARED)
def test_declared_reads_are_the_queries_the_chart_runs(con, scope, key):
    ctx = context(con, scope)
    ran: set = set()
    ENTRIES[key].charts(recording(con, ctx, ran), ctx)
    declared = {key_of(read, ctx) for read in ENTRIES[key].planned_reads(ctx) or []}
    assert ran == declared
    assert ran or (key == "gains_by_region" and scope.icb)  # not drawn for an ICB


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "region", "icb"])
def test_the_summary_reads_what_it_declares_and_its_trends(con, scope):
    ctx = context(con, scope)
    ran: set = set()
    build_summary(recording(con, ctx, ran), ctx)
    declared = {key_of(read, ctx) for read in [*summary_reads(ctx), *spc_reads(ctx)]}
    assert ran == declared
    assert len(HEADLINE_MEASURES) > 1  # the trends' queries run once for all of them
