from __future__ import annotations

from datetime import date

import pytest

from portal.demo.generator import generate

TODAY = date(2025, 3, 15)


@pytest.fixture(scope="session")
def demo_items() -> list[tuple[str, dict]]:
    """A small population (personas plus 80 random persons), generated once."""
    return list(generate(80, 7, TODAY))
