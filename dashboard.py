"""GP access improvement: board dashboard. Run with `scripts/run.sh` (see README).

The frame (data, viewer, filters kept in the URL, header) is drawn here, in the entrypoint, so that filter
values persist across pages; each page then takes the context with `frame.current()`.
"""

import streamlit as st

from gpaccess.app import frame

frame.configure_page()

PAGES = {
    "Programmes": [
        st.Page(
            "pages/overview.py",
            title="Overview",
            icon=":material/home:",
            default=True,
            url_path="overview",
        ),
        st.Page(
            "pages/phases.py",
            title="Phase completion",
            icon=":material/event_available:",
            url_path="phases",
        ),
        st.Page("pages/uptake.py", title="Uptake by ICB", icon=":material/map:", url_path="uptake"),
        st.Page(
            "pages/gains.py",
            title="Productivity gains",
            icon=":material/trending_up:",
            url_path="gains",
        ),
    ],
}

page = st.navigation(PAGES)
frame.start()
page.run()
