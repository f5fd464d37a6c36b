"""GP access improvement: board dashboard. Run with `scripts/run.sh` (see README).

The frame (data, viewer, filters kept in the URL, header) is drawn here, in the entrypoint, so that filter
values persist across pages; each page then takes the context with `frame.current()`.
"""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.data import DatabaseBusy
from gpaccess.app.first_run import show_database_busy

frame.configure_page()


DEEP_LINKS: list[st.Page] = []  # the default page again, at its own address (see page())


def page(path: str, title: str, icon: str, url_path: str, default: bool = False) -> st.Page:
    """A page at /url_path. Streamlit serves the default page only at "/" and answers its url_path with "Page
    not found", so the default page is also a hidden page at /url_path: links to it keep working."""
    if default:
        DEEP_LINKS.append(
            st.Page(
                path, title=title, icon=f":material/{icon}:", url_path=url_path, visibility="hidden"
            )
        )
    return st.Page(
        path,
        title=title,
        icon=f":material/{icon}:",
        url_path="" if default else url_path,
        default=default,
    )


PAGES = {
    "Programmes": [
        page("pages/summary.py", "Summary", "summarize", "summary", default=True),
        page("pages/overview.py", "Overview", "home", "overview"),
        page("pages/phases.py", "Phase completion", "event_available", "phases"),
        page("pages/uptake.py", "Uptake by ICB", "map", "uptake"),
        page("pages/gains.py", "Productivity gains", "trending_up", "gains"),
        page("pages/actions.py", "What practices changed", "checklist", "actions"),
        page("pages/funding.py", "Funding", "payments", "funding"),
    ],
    "Access": [
        page("pages/access.py", "Access", "calendar_month", "access"),
        page("pages/support.py", "Support identification", "person_search", "support"),
        page("pages/impact.py", "Evidence of impact", "compare_arrows", "impact"),
    ],
    "Board papers and data": [
        page("pages/board_pack.py", "Board pack", "slideshow", "board-pack"),
        page("pages/data.py", "Data", "database", "data"),
    ],
}

# The pages whose figures do not depend on the Programme filter: the filter is shown disabled, with why.
PROGRAMME_NOT_USED = {
    "Overview": "The Overview shows both programmes side by side.",
    "Access": "Appointments are counted at every practice, in a programme or not.",
    "Support identification": "Every practice is ranked; reach is shown for both programmes side by side.",
    "Funding": "Funds are not per programme: practices supported by either programme are counted.",
}

# Streamlit's own menu hidden: the frame draws the sidebar's links (see frame.sidebar_navigation)
navigation = st.navigation({**PAGES, "": DEEP_LINKS}, position="hidden")
frame.start(PAGES, programme_not_used=PROGRAMME_NOT_USED.get(navigation.title))
try:
    navigation.run()
except DatabaseBusy:  # a load from the command line took the database after the frame opened it
    show_database_busy()
