from gpaccess import theme
from gpaccess.spc import summarise, xmr
from gpaccess.spc_icons import VARIATION_STYLE, variation_icon


def test_every_variation_icon_summarise_can_return_has_a_style():
    icons = {"common_cause"} | {
        f"{k}_{s}" for k in ("improvement", "concern", "neutral") for s in ("high", "low")
    }
    assert icons == set(VARIATION_STYLE)


def test_icon_carries_words_and_letter_not_only_colour():
    svg = variation_icon("concern_low", "Special cause variation: concern (lower than expected)")
    assert theme.SPC_CONCERN in svg
    assert 'aria-label="Special cause variation: concern (lower than expected)"' in svg
    assert ">L</text>" in svg and "<title>" in svg


def test_words_are_escaped():
    svg = variation_icon("common_cause", "<b>")
    assert "&lt;b&gt;" in svg and "<b>" not in svg


def test_a_falling_series_gets_a_concern_low_icon_when_up_is_better():
    values = [50.0] * 12 + [
        49.0,
        48.0,
        47.0,
        46.0,
        45.0,
        44.0,
        43.0,
    ]  # 7 falling points, below a flat mean
    summary = summarise(
        xmr(range_of_months(len(values)), values, improvement="up"), improvement="up"
    )
    assert summary.variation_icon == "concern_low"
    assert ">L</text>" in variation_icon(summary.variation_icon, summary.variation_text)


def range_of_months(n: int):
    import datetime as dt

    return [dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(n)]
