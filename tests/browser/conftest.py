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


def ensure_wagtail_tree(port: int) -> None:
    """Recreate what Wagtail's migrations add (root collection, root page, locale,
    default site) after a transactional test has flushed the database."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(
        title="Root", slug="root", locale=locale
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": port, "root_page": root},
    )


@pytest.fixture
def site_url(live_server, transactional_db):
    """The live server's base URL; the test's rows are visible to it."""
    ensure_wagtail_tree(live_server.thread.port)
    return live_server.url
