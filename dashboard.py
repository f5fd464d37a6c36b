"""GP access improvement: board dashboard. Run with `scripts/run.sh` (see README).

The frame (data, viewer, filters kept in the URL, header) is drawn here, in the entrypoint, so that filter
values persist across pages; each page then takes the context with `frame.current()`.
"""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.data import DatabaseBusy
from gpaccess.app.first_run import show_database_busy

frame.configure_page()


def page(path: str, title: str, icon: str, url_path: str, default: bool = False) -> st.Page:
    return st.Page(path, title=title, icon=f":material/{icon}:", url_path=url_path, default=default)


PAGES = {
    "Programmes": [
        page("pages/summary.py", "Summary", "summarize", "summary", default=True),
        page("pages/overview.py", "Overview", "home", "overview"),
        page("pages/phases.py", "Phase completion", "event_available", "phases"),
        page("pages/uptake.py", "Uptake by ICB", "map", "uptake"),
        page("pages/gains.py", "Productivity gains", "trending_up", "gains"),
        page("pages/actions.py", "What practices changed", "checklist", "actions"),
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

# Streamlit's own menu hidden: the frame draws the sidebar's links (see frame.sidebar_navigation)
navigation = st.navigation(PAGES, position="hidden")
frame.sidebar_navigation(PAGES)
frame.start()
try:
    navigation.run()
except DatabaseBusy:  # a load from the command line took the database after the frame opened it
    show_database_busy()
