"""Test settings: fast hashing, in-memory mail, isolated media."""

import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="market-test-media-")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Stripe calls go to a local fake started by the tests (tests/fake_stripe.py).
STRIPE_SECRET_KEY = "sk_test_local_fake"  # noqa: S105
STRIPE_PUBLISHABLE_KEY = "pk_test_local_fake"
STRIPE_WEBHOOK_SECRET = "whsec_test_local_fake"  # noqa: S105
STRIPE_API_BASE = "http://127.0.0.1:9"
