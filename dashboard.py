"""GP access improvement: board dashboard. Run with `streamlit run dashboard.py` (see README)."""

import streamlit as st

from gpaccess.app import frame

st.set_page_config(page_title="GP access improvement", page_icon="🩺", layout="wide")

PAGES = {
    "Programmes": [
        st.Page("pages/overview.py", title="Overview", icon="🏠", default=True, url_path="overview"),
        st.Page("pages/phases.py", title="Phase completion", icon="📅", url_path="phases"),
        st.Page("pages/uptake.py", title="Uptake by ICB", icon="🗺️", url_path="uptake"),
        st.Page("pages/gains.py", title="Productivity gains", icon="📈", url_path="gains"),
    ],
}

navigation = st.navigation(PAGES)
frame.start()
navigation.run()
