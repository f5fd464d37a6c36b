"""Streamlit glue: the only package (besides pages/) that calls st.*."""
