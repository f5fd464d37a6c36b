"""Placeholder: built under the board pages issue."""

import streamlit as st

st.info("This page is being built.")
