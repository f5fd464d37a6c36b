"""GP access improvement: board dashboard. Run with `scripts/run.sh` (see README).

Declares the navigation only; each page begins with `frame.start()` (page config, data, filters, header).
"""

import streamlit as st

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

st.navigation(PAGES).run()
