"""NHS identity colours and fonts, in one place.

Colours from the NHS England identity guidelines (https://www.england.nhs.uk/nhsidentity/identity-guidelines/colours/).
Making Data Count SPC colours: improvement blue, concern orange, common cause grey.
"""

from __future__ import annotations

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_BRIGHT_BLUE = "#0072CE"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_AQUA_BLUE = "#00A9CE"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_BLACK = "#231F20"
NHS_WHITE = "#FFFFFF"
NHS_DARK_GREEN = "#006747"
NHS_GREEN = "#009639"
NHS_AQUA_GREEN = "#00A499"
NHS_PURPLE = "#330072"
NHS_DARK_PINK = "#7C2855"
NHS_PINK = "#AE2573"
NHS_ORANGE = "#ED8B00"
NHS_WARM_YELLOW = "#FFB81C"
NHS_RED = "#DA291C"

# Categorical sequence: high contrast between neighbours; charts also use patterns/markers/labels,
# so no meaning relies on colour alone.
SEQUENCE = [
    NHS_BLUE,
    NHS_ORANGE,
    NHS_DARK_GREEN,
    NHS_PINK,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_PURPLE,
    NHS_WARM_YELLOW,
]

PROGRAMME_COLOURS = {"Accelerate": NHS_DARK_BLUE, "GPIP": NHS_ORANGE}

SPC_IMPROVEMENT = NHS_BLUE
SPC_CONCERN = NHS_ORANGE
SPC_COMMON = NHS_MID_GREY
SPC_NEUTRAL = NHS_PURPLE

FONT_FAMILY = "Arial, Helvetica, sans-serif"  # Frutiger is licensed; Arial is the NHS fallback
FONT_COLOUR = NHS_BLACK
PPTX_FONT = "Arial"
