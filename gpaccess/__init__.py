"""gpaccess: board dashboard for GP access improvement programmes (Accelerate, GPIP) in England."""

__version__ = "0.1.0"
