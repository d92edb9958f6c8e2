"""Audit fixtures: sign-in tests borrow the person factory of the sign-in tests."""

from tests.auth.conftest import add_person  # noqa: F401 - a fixture
