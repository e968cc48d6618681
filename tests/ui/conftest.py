"""Browser journeys: every test here is marked `browser` (SQLite only in CI); the fixtures
come from tests/browser.py."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/ui/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
