"""Who is looking, and what they may see.

Roles: public (default, no sign-in), national, region (one region), icb (one ICB), admin (the role browser uploads
ask for when sign-in is configured; nothing grants it, so data is loaded from the command line: docs/roles.md).
Practice identities (codes, names) are shown only to a viewer authorised for that practice's ICB. This is
enforced in `gpaccess.db.run`, where data is read, so pages, downloads, `figures` and exports all pass the same
check. Small numbers follow one rule, gpaccess.disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["public", "national", "region", "icb", "admin"]
ROLES: tuple[Role, ...] = ("public", "national", "region", "icb", "admin")


@dataclass(frozen=True)
class Viewer:
    role: Role = "public"
    region_code: str | None = None  # for role "region"
    icb_code: str | None = None  # for role "icb"
    email: str | None = None

    def may_see_practices_of(self, icb_code: str | None) -> bool:
        """Only an ICB's own authorised users see its practices' identities."""
        return self.role == "icb" and icb_code is not None and icb_code == self.icb_code

    def may_write_for(self, region: str | None, icb: str | None) -> bool:
        """Who may write what is recorded for a scope (a board commentary, a change that re-bases SPC limits):
        national users for England, a regional user for their region, an ICB's users for their ICB. Nobody
        else, and nobody for another organisation's scope."""
        if self.role == "national":
            return region is None and icb is None
        if self.role == "region":
            return icb is None and region is not None and region == self.region_code
        if self.role == "icb":
            return icb is not None and icb == self.icb_code
        return False

    @property
    def permission(self) -> Viewer:
        """The viewer as far as what they may see: role and organisation, not who they are (caches keyed on
        it hold one entry per permission, not one per person)."""
        return Viewer(self.role, self.region_code, self.icb_code)

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


# Role mapping (docs/roles.md) -------------------------------------------------------------------------------
# A TOML file maps signed-in e-mail addresses to roles:
#
#     [users]
#     "chief.executive@nhs.net" = "national"
#     "analyst@nhs.net" = "region:Y56"
#     "pcn.lead@nhs.net" = "icb:QRV"
#
# Anyone signed in but not listed is public. Role tokens are also the demo persona URL value (?persona=icb:QRV).


def parse_role(token: str | None) -> Viewer | None:
    """`public`, `national`, `region:<code>` or `icb:<code>` -> a Viewer; None if malformed.

    Codes are upper case letters and digits (ODS and region codes); anything else is refused, never guessed.
    `admin` is not a viewing role and cannot be granted by a token.
    """
    if not isinstance(token, str):
        return None
    text = token.strip()
    if text in ("public", "national"):
        return Viewer(role=text)  # type: ignore[arg-type]
    kind, _, code = text.partition(":")
    code = code.strip().upper()
    if kind not in ("region", "icb") or not code or not code.isalnum() or len(code) > 5:
        return None
    if kind == "region":
        return Viewer(role="region", region_code=code)
    return Viewer(role="icb", icb_code=code)


def role_token(viewer: Viewer) -> str:
    """The inverse of parse_role."""
    if viewer.role == "region":
        return f"region:{viewer.region_code}"
    if viewer.role == "icb":
        return f"icb:{viewer.icb_code}"
    return viewer.role


def load_role_map(text: str) -> dict[str, Viewer]:
    """Parse a role-mapping TOML text: e-mail (case-insensitive) -> Viewer. Malformed entries raise ValueError."""
    import tomllib

    data = tomllib.loads(text)
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise ValueError("role mapping: [users] must be a table of e-mail = role")
    mapping: dict[str, Viewer] = {}
    for email, token in users.items():
        viewer = parse_role(token)
        if viewer is None or "@" not in email:
            raise ValueError(f"role mapping: bad entry {email!r} = {token!r}")
        mapping[email.strip().lower()] = Viewer(
            role=viewer.role,
            region_code=viewer.region_code,
            icb_code=viewer.icb_code,
            email=email.strip().lower(),
        )
    return mapping


def viewer_for_email(email: str | None, mapping: dict[str, Viewer]) -> Viewer:
    """The mapped viewer for a signed-in e-mail address; public when unknown or missing."""
    if not email:
        return PUBLIC
    return mapping.get(email.strip().lower(), Viewer(email=email.strip().lower()))
