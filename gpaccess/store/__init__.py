"""The DuckDB store: schema creation and connections."""

from gpaccess.store.connect import connect_read_only, connect_writable, ensure_schema

__all__ = ["connect_read_only", "connect_writable", "ensure_schema"]
