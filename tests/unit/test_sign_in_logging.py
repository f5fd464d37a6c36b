"""A sign-in configuration that cannot be read gives the public view and is logged (once), not swallowed."""

from __future__ import annotations

import logging

import pytest

from gpaccess.app import viewer


class UnreadableSecrets:
    def __contains__(self, key: object) -> bool:
        raise ValueError("Invalid value (at line 2, column 8)")


def test_unreadable_secrets_are_logged_once(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setattr(viewer.st, "secrets", UnreadableSecrets())
    viewer._log_once.cache_clear()
    with caplog.at_level(logging.ERROR, logger=viewer.logger.name):
        assert viewer.auth_configured() is False
        assert viewer.auth_configured() is False  # every rerun asks again
    assert [r.getMessage() for r in caplog.records] == [
        "Sign-in configuration: the secrets (.streamlit/secrets.toml) are not readable "
        "(ValueError: Invalid value (at line 2, column 8)); showing the public view"
    ]


def test_no_secrets_file_is_no_sign_in_and_no_error(
    monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    class NoFile:
        def __contains__(self, key: object) -> bool:
            raise FileNotFoundError("no secrets.toml")

    monkeypatch.setattr(viewer.st, "secrets", NoFile())
    with caplog.at_level(logging.ERROR, logger=viewer.logger.name):
        assert viewer.auth_configured() is False
    assert caplog.records == []
