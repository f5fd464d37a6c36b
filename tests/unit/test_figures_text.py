"""`gpaccess figures` as text: each figure on its line; null shares in words; no zeros without programme data."""

from __future__ import annotations

from gpaccess.figures import NO_PROGRAMME_DATA
from gpaccess.figures_text import figures_text, records_text

FIGURES = {
    "scope": {"region": "Y56", "icb": None},
    "programme_data": "loaded",
    "accelerate": {
        "practices_supported": 724,
        "extended_pct": 80.0,
        "gains_pct_phases_1_3": None,
        "gains_pct_all": 72.5,
        "withdrawn": 12,
        "phases": [],
    },
    "gpip": {
        "practices_benefited": 1234,
        "practices_hands_on": 300,
        "practices_universal_only": 934,
        "target": 1500,
        "benefited_over_time": [],
    },
    "uptake_by_icb": [],
    "appointments": {
        "latest_month": "2025-10-01",
        "total": 1029447,
        "face_to_face_pct": 60.8,
        "face_to_face_pct_year_before": None,
    },
    "impact": {
        "Accelerate": {
            "did_face_to_face_pp": 1.24,
            "ci_low": -0.3,
            "ci_high": 2.8,
            "n_supported": 700,
            "n_comparators": 2100,
        },
        "GPIP": {
            "did_face_to_face_pp": None,
            "ci_low": None,
            "ci_high": None,
            "n_supported": 0,
            "n_comparators": 0,
        },
    },
}


def test_figures_as_text():
    text = figures_text(FIGURES)
    assert text.startswith("Headline figures: region Y56\nProgrammes\n")
    assert "Accelerate: practices supported" in text and "724\n" in text
    assert "GPIP: practices benefited" in text and "1,234 (target 1,500)" in text
    assert "not shown (fewer than 5 practices, or none)" in text  # gains, phases 1-3
    assert "Appointments in the latest month            1,029,447" in text
    assert "Face-to-face share a year before            no data" in text
    assert "+1.2 pp (95% CI -0.3 to +2.8); 700 supported, 2,100 comparators" in text
    assert "no estimate (too few practices or months)" in text


def test_no_programme_data_in_words_not_zeros():
    text = figures_text({**FIGURES, "programme_data": NO_PROGRAMME_DATA})
    assert f"Programmes\n  {NO_PROGRAMME_DATA}\nAppointments" in text
    assert "Accelerate" not in text and "Impact" not in text


def test_support_list_as_a_table():
    records = [{"rank_in_icb": 1, "practice_code": "E85001", "value": 41.5}]
    assert records_text(records).splitlines() == [
        "rank_in_icb  practice_code  value",
        "1            E85001         41.5",
    ]
    assert records_text([]).startswith("No practices")
