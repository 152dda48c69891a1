"""Browser tests: real Chromium through Playwright against Django's live server."""

import re
from pathlib import Path

import pytest

from tests.transactional import clear_trace_records, ensure_wagtail_tree

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
def site_url(live_server, transactional_db, settings):
    """The live server's base URL; the test's rows are visible to it.

    The page cache is on, as on the running site: what a buyer sees after a
    change is what the cache serves (cms.page_cache).
    """
    settings.MARKET_PAGE_CACHE_SECONDS = 300
    ensure_wagtail_tree(live_server.thread.port)
    yield live_server.url
    # Runs before transactional_db's teardown flushes the database.
    clear_trace_records()


@pytest.fixture
def phone(browser):
    """A page in a phone-sized, touch, Vietnamese browser context."""
    from tests.browser.helpers import phone_page

    with phone_page(browser) as page:
        yield page
