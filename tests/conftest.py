import os

import pytest

from tests import no_internet

# The fake Stripe and its `fake_stripe` fixture, for any test that pays by card.
pytest_plugins = ["tests.fake_stripe", "tests.transactional"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
# by the live server fixture and by the tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    """Nothing in the suite reaches the internet: only loopback connects."""
    no_internet.install()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the system Chromium; this machine has no network to download one."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class RedisCache:
    """The real Redis server as the default cache, under a prefix of one test's own."""

    location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")

    def __init__(self):
        import uuid

        import redis

        # The SQLite and PostgreSQL runs share the server: each test keeps apart.
        self.prefix = f"test-{uuid.uuid4().hex}"
        self.server = redis.Redis.from_url(self.location)

    def keys(self, pattern: str) -> list[bytes]:
        """This test's keys that match `pattern` (after the prefix)."""
        return self.server.keys(f"{self.prefix}:{pattern}")

    def forget(self):
        for key in self.server.scan_iter(f"{self.prefix}:*"):
            self.server.delete(key)


@pytest.fixture
def redis_cache(settings):
    """Counts and cached pages in a real Redis, as every app server shares them."""
    from django.core.cache import caches

    shared = RedisCache()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": shared.location,
            "KEY_PREFIX": shared.prefix,
        }
    }
    yield shared
    shared.forget()
    caches["default"].close()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in Vietnamese: a request to /en/ leaves English active in the
    thread, which would leak into the next test's reverse() and rendering."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
