"""A Problem as the loader reads it (value included) and as the public load history keeps it (never the value)."""

from __future__ import annotations

from gpaccess.ingest.errors import Problem

EXPECTED = "an ICB code in data/reference/icb_reference.csv"


def test_the_public_text_names_the_kind_of_problem_never_the_value():
    problem = Problem("Mapping.csv", EXPECTED, 3, "ICB_CODE", "QZZ", kind="unknown ICB code")
    assert str(problem) == f"Mapping.csv, row 3, column ICB_CODE: found 'QZZ'; expected {EXPECTED}"
    assert problem.public() == (
        f"Mapping.csv, row 3, column ICB_CODE: unknown ICB code; expected {EXPECTED}"
    )


def test_without_a_kind_the_public_text_says_where_and_what_was_expected():
    problem = Problem("tracker.xlsx", "an Excel workbook", value="Y02960 Orchard Surgery")
    assert problem.public() == "tracker.xlsx: expected an Excel workbook"


def test_a_long_value_is_kept_short_saying_how_long_it_was():
    problem = Problem("a.csv", "a line of at most 65,536 bytes", 2, value="y" * 5000)
    suffix = "... (5,000 characters)"
    assert problem.value == "y" * (200 - len(suffix)) + suffix
