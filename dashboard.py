"""GP access improvement: board dashboard. Run with `streamlit run dashboard.py` (see README)."""

import streamlit as st

from gpaccess.app import frame

st.set_page_config(
    page_title="GP access improvement", page_icon=":material/local_hospital:", layout="wide"
)

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

navigation = st.navigation(PAGES)
frame.start()
navigation.run()
