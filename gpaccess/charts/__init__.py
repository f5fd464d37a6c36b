"""Chart definitions: DataFrame -> Chart (figure, finding as title, text alternative, plotted data). Pure."""

from gpaccess.charts.base import Chart, describe_period

__all__ = ["Chart", "describe_period"]
