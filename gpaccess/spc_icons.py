"""Making Data Count variation icons as small inline SVGs, each with words (never colour alone).

A circle coloured improvement blue / concern orange / neutral purple / common-cause grey, with H (higher) or
L (lower) for special cause and a flat line for common cause.
"""

from __future__ import annotations

from html import escape

from gpaccess import theme

VARIATION_STYLE = {
    "common_cause": (theme.SPC_COMMON, "–"),
    "improvement_high": (theme.SPC_IMPROVEMENT, "H"),
    "improvement_low": (theme.SPC_IMPROVEMENT, "L"),
    "concern_high": (theme.SPC_CONCERN, "H"),
    "concern_low": (theme.SPC_CONCERN, "L"),
    "neutral_high": (theme.SPC_NEUTRAL, "H"),
    "neutral_low": (theme.SPC_NEUTRAL, "L"),
}


def variation_icon(icon: str, words: str, size: int = 34) -> str:
    colour, letter = VARIATION_STYLE[icon]
    return _badge(f'<circle cx="20" cy="20" r="18" fill="{colour}"/>', letter, words, size)


def _badge(shape: str, letter: str, words: str, size: int) -> str:
    label = escape(words)
    return (
        f'<svg role="img" aria-label="{label}" width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'style="flex: 0 0 auto" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{shape}'
        f'<text x="20" y="27" text-anchor="middle" font-family="Arial" font-size="20" font-weight="bold" '
        f'fill="#FFFFFF">{escape(letter)}</text></svg>'
    )


# The icons as text, for tables, slides and downloads: a shape for the kind of variation and the MDC letter, always
# written beside the words (never colour alone).
VARIATION_SYMBOL = {
    "common_cause": "● –",
    "improvement_high": "✔ H",
    "improvement_low": "✔ L",
    "concern_high": "⚠ H",
    "concern_low": "⚠ L",
    "neutral_high": "◆ H",
    "neutral_low": "◆ L",
}
ASSURANCE_SYMBOL = {"pass": "P", "fail": "F", "hit_or_miss": "?", None: "–"}


def variation_symbol(icon: str) -> str:
    return VARIATION_SYMBOL[icon]


def assurance_symbol(icon: str | None) -> str:
    return ASSURANCE_SYMBOL[icon]
