"""Command-line conventions: `--db` before or after the subcommand; unknown region or ICB codes exit 2 naming
close matches instead of printing all-zero figures."""

from __future__ import annotations

import pytest

from gpaccess.cli import main
from tests.conftest import REALDATA

AUG = REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_is_accepted_before_or_after_the_subcommand(tmp_path, capsys, where):
    db = tmp_path / "store.duckdb"
    args = ["ingest", str(AUG)]
    argv = ["--db", str(db), *args] if where == "before" else [*args, "--db", str(db)]
    assert main(argv) == 0
    assert db.is_file() and "Loaded 1 file(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("command", "option", "code", "suggested"),
    [
        ("figures", "--icb", "QRX", "QRV"),
        ("figures", "--icb", "qrv", "QRV"),
        ("figures", "--region", "Y5", "Y56"),
        ("figures", "--as-icb", "QMZ", "QMJ"),
        ("export", "--icb", "QRX", "QRV"),
    ],
)
def test_an_unknown_code_exits_2_naming_close_matches(
    tmp_path, capsys, command, option, code, suggested
):
    db = tmp_path / "store.duckdb"
    assert main(["--db", str(db), "ingest", str(AUG)]) == 0
    capsys.readouterr()
    extra = ["--out", str(tmp_path / "pack.pptx")] if command == "export" else []
    assert main(["--db", str(db), command, option, code, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{option} '{code}' is not" in captured.err and suggested in captured.err
    assert not (tmp_path / "pack.pptx").exists()


def test_figures_says_no_programme_data_loaded_and_json_gives_null(tmp_path, capsys):
    """Appointment data only: no zeros for the programmes, in text or JSON."""
    import json

    db = tmp_path / "store.duckdb"
    assert main(["--db", str(db), "ingest", str(AUG)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "figures"]) == 0
    text = capsys.readouterr().out
    assert "Programmes\n  No programme data loaded\nAppointments" in text
    assert "Accelerate" not in text
    assert main(["--db", str(db), "figures", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["programme_data"] == "No programme data loaded"
    assert figures["accelerate"]["practices_supported"] is None
    assert figures["gpip"]["practices_benefited"] is None
    assert figures["impact"]["GPIP"]["n_supported"] is None
    assert figures["uptake_by_icb"] == [] and figures["accelerate"]["phases"] == []
    assert figures["appointments"]["latest_month"] == "2025-08-01"
