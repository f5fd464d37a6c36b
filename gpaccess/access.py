"""Who is looking, and what they may see.

Roles: public (default, no sign-in), national, region (one region), icb (one ICB), admin (loads data).
Practice identities (codes, names) are shown only to a viewer authorised for that practice's ICB. This is
enforced in `gpaccess.db.run`, where data is read, so pages, downloads, `figures` and exports all pass the same
check. Aggregates of fewer than 5 practices are suppressed in public outputs ("fewer than 5").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["public", "national", "region", "icb", "admin"]
ROLES: tuple[Role, ...] = ("public", "national", "region", "icb", "admin")
SMALL_NUMBER = 5  # groups with fewer practices than this show "fewer than 5"


@dataclass(frozen=True)
class Viewer:
    role: Role = "public"
    region_code: str | None = None  # for role "region"
    icb_code: str | None = None  # for role "icb"
    email: str | None = None

    def may_see_practices_of(self, icb_code: str | None) -> bool:
        """Only an ICB's own authorised users see its practices' identities."""
        return self.role == "icb" and icb_code is not None and icb_code == self.icb_code

    @property
    def label(self) -> str:
        if self.role == "icb":
            return f"ICB user ({self.icb_code})"
        if self.role == "region":
            return f"Regional user ({self.region_code})"
        return {"public": "Public", "national": "National user", "admin": "Administrator"}[
            self.role
        ]


PUBLIC = Viewer()


class AccessDenied(PermissionError):
    """The viewer is not authorised for what the query returns."""
