"""Placeholder: built under its own issue."""

import streamlit as st

from gpaccess.app import frame

ctx = frame.current()
st.info("This page is being built.")
