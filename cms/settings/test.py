"""Test settings: fast hashing, in-memory mail, isolated media."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="market-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite keeps to its own process whatever the shell exports: a test's
# cache.clear() on REDIS_URL would flush a shared Redis database, and tasks run
# at once so a test sees their effects. Tests that need the real services set
# them up themselves (tests/api/test_redis_limits.py, tests/cms/test_two_servers.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads racing for stock in the tests
    # then wait for SQLite's write lock as the running site does.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"market-test-{os.getpid()}.sqlite3")
    }
# Stripe calls go to a local fake started by the tests (tests/fake_stripe.py).
STRIPE_SECRET_KEY = "sk_test_local_fake"  # noqa: S105
STRIPE_PUBLISHABLE_KEY = "pk_test_local_fake"
STRIPE_WEBHOOK_SECRET = "whsec_test_local_fake"  # noqa: S105
STRIPE_API_BASE = "http://127.0.0.1:9"

# The API's rate limits are tested on their own (tests/api); elsewhere they
# must not get in the way of a test that makes many requests.
MARKET_API_RATES = {"anonymous": "100000/m", "token": "100000/m"}

# Pages are rendered afresh for each request, so tests can read a response's
# context and count a view's queries; the page cache is tested on its own
# (tests/cms/test_page_cache.py) and is on for the browser tests.
MARKET_PAGE_CACHE_SECONDS = 0

# Page rate limits and sign-in lockouts are tested on their own (tests/security);
# elsewhere they must not refuse a test that makes many requests or failed
# sign-ins. Django's test client's login() authenticates without a request,
# which axes' backend refuses: the tests' backend lets that one case through
# and checks every request as the site does.
MARKET_RATE_LIMITS = dict.fromkeys(MARKET_RATE_LIMITS, "100000/m")  # noqa: F405
AXES_FAILURE_LIMIT = 100000
MARKET_LOGIN_ADDRESS_FAILURE_LIMIT = 100000
AUTHENTICATION_BACKENDS = [
    "tests.security.backends.AxesBackendForTestClient",
    "django.contrib.auth.backends.ModelBackend",
]
