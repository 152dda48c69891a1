"""Browser tests: real Chromium through Playwright against Django's live server."""

import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ for review."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None):
        path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def site_url(live_server, transactional_db, django_db_serialized_rollback):
    """The live server's base URL; the test's rows are visible to it.

    Serialized rollback restores what migrations created (Wagtail's root page,
    site, locale and root collection) after each transactional test flushes it.
    """
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(
        hostname="localhost", port=live_server.thread.port
    )
    return live_server.url
