"""The filters a view is computed for: region, ICB, programme and period. Validated before use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

PROGRAMME_CHOICES = ("All", "Accelerate", "GPIP")


@dataclass(frozen=True)
class Scope:
    region: str | None = None  # NHS England region code, e.g. Y56
    icb: str | None = None  # ICB ODS code, e.g. QRV
    programme: str = "All"
    date_from: dt.date | None = None  # first month of the period
    date_to: dt.date | None = None  # last month of the period

    def params(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "icb": self.icb,
            "programme": None if self.programme == "All" else self.programme,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }

    def with_(self, **changes: Any) -> Scope:
        return replace(self, **changes)


NATIONAL = Scope()
