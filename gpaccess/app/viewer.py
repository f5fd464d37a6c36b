"""Who is viewing: signed-in user mapped to a role, else public; on the synthetic demo only, a demo persona.

- When `[auth]` is configured in `.streamlit/secrets.toml`, people sign in with `st.login` (OpenID Connect, e.g.
  Microsoft Entra ID); their e-mail address is mapped to a role by the role-mapping file (docs/roles.md).
- With no sign-in configured, everyone is public.
- Only when the loaded data is the synthetic demo, a clearly labelled "Demo persona" selectbox lets people try
  each role. The persona is kept in session state and in the URL (`?persona=icb:QRV`) and is validated against
  the ICBs and regions in the data: a forged value falls back to public with a note.
Every query still runs for this viewer through `gpaccess.db.run`, which is where identities are refused.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import streamlit as st

from gpaccess.access import PUBLIC, Viewer, load_role_map, parse_role, role_token, viewer_for_email
from gpaccess.config import DATA_DIR
from gpaccess.labels import icb_label
from gpaccess.text import plain
from gpaccess.url_state import Geography

PERSONA_KEY = "persona"  # session state key and URL parameter
ROLE_MAP_ENV = "GPACCESS_ROLES"

logger = logging.getLogger(__name__)


def role_map_path() -> Path:
    return Path(os.environ.get(ROLE_MAP_ENV) or DATA_DIR / "roles.toml")


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file: no sign-in, as documented
        return False
    except Exception as error:  # noqa: BLE001 - malformed secrets: no sign-in, and the operator is told
        _log_sign_in_problem("the secrets (.streamlit/secrets.toml) are not readable", error)
        return False


def _log_sign_in_problem(what: str, error: Exception) -> None:
    _log_once(
        f"Sign-in configuration: {what} ({type(error).__name__}: {error}); showing the public view"
    )


@functools.cache
def _log_once(message: str) -> None:
    """Log an error once per process: the app asks on every rerun, and the log must stay readable."""
    logger.error(message)


def decide_viewer(synthetic_demo: bool, geo: Geography) -> Viewer:
    """The viewer for this run (called by frame.start before the filters)."""
    if auth_configured():
        return _signed_in_viewer(geo)
    if synthetic_demo:
        return _demo_persona(geo)
    st.session_state.pop(PERSONA_KEY, None)
    return PUBLIC


def url_params(viewer: Viewer, synthetic_demo: bool) -> dict[str, str]:
    """What the URL keeps about the viewer: the demo persona only (never a signed-in role)."""
    if synthetic_demo and not auth_configured() and viewer.role != "public":
        return {PERSONA_KEY: role_token(viewer)}
    return {}


def valid_for(viewer: Viewer | None, geo: Geography) -> Viewer | None:
    """A viewer whose region/ICB exists in the data, else None."""
    if viewer is None:
        return None
    if viewer.role == "icb" and viewer.icb_code not in geo.icbs:
        return None
    if viewer.role == "region" and viewer.region_code not in geo.regions:
        return None
    return viewer


def _signed_in_viewer(geo: Geography) -> Viewer:
    with st.sidebar:
        if not st.user.is_logged_in:
            st.button("Sign in", on_click=st.login, key="sign_in")
            st.caption("Public view. Sign in to see what your role allows.")
            return PUBLIC
        try:
            mapping = load_role_map(role_map_path().read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            _log_sign_in_problem(f"the role mapping {role_map_path()} is not readable", error)
            st.warning(f"Role mapping not readable ({plain(error, 200)}); showing the public view.")
            mapping = {}
        email = st.user.get("email")
        viewer = valid_for(viewer_for_email(str(email) if email else None, mapping), geo) or PUBLIC
        st.caption(f"Signed in as {plain(email)} · {plain(viewer.label)}")
        st.button("Sign out", on_click=st.logout, key="sign_out")
    return viewer


def _demo_persona(geo: Geography) -> Viewer:
    options = ["public", "national"]
    options += [f"region:{code}" for code in sorted(geo.regions, key=lambda c: geo.regions[c])]
    options += [f"icb:{code}" for code in sorted(geo.icbs, key=lambda c: geo.icbs[c][0])]
    if PERSONA_KEY not in st.session_state:
        from_url = st.query_params.get(PERSONA_KEY)
        seeded = valid_for(parse_role(from_url), geo)
        if from_url is not None and seeded is None:
            st.session_state["persona_note"] = (
                f"Ignored persona '{plain(from_url)}': not a role for a region or ICB in the data."
            )
        st.session_state[PERSONA_KEY] = role_token(seeded or PUBLIC)
    if st.session_state[PERSONA_KEY] not in options:  # forged session state: back to public
        st.session_state[PERSONA_KEY] = "public"
    if note := st.session_state.get("persona_note"):
        st.warning(note, icon="⚠️")
    with st.sidebar:
        st.selectbox(
            "Demo persona (synthetic demo only)",
            options,
            key=PERSONA_KEY,
            format_func=lambda token: _persona_label(token, geo),
            help="Try the dashboard as each role. Real deployments use sign-in instead; this switch "
            "appears only on the synthetic demo data.",
        )
    return valid_for(parse_role(st.session_state[PERSONA_KEY]), geo) or PUBLIC


def _persona_label(token: str, geo: Geography) -> str:
    viewer = parse_role(token) or PUBLIC
    icb, region = viewer.icb_code or "", viewer.region_code or ""
    if viewer.role == "icb" and icb in geo.icbs:
        name = icb_label(geo.icbs[icb][0])
        return f"ICB user: {name} ({icb})"
    if viewer.role == "region" and region in geo.regions:
        return f"Regional user: {geo.regions[region]}"
    return viewer.label
