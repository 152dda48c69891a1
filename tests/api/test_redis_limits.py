"""With REDIS_URL's cache, rate-limit counts are shared by every app server.

Two clients stand for two app servers: neither keeps the count in its own
process, so the limit holds across them. Runs against the real Redis server.
"""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_LOCATION = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_LOCATION,
            # The SQLite and PostgreSQL runs share the server: keep apart.
            "KEY_PREFIX": prefix,
        }
    }
    settings.MARKET_API_RATES = {"anonymous": "3/m", "token": "3/m"}
    yield prefix
    server = redis.Redis.from_url(REDIS_LOCATION)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    caches["default"].close()


@pytest.mark.django_db
def test_the_limit_holds_across_app_servers(redis_cache, client):
    from django.test import Client

    first, second = client, Client()
    statuses = [first.get("/api/v1/categories").status_code for _ in range(2)]
    statuses += [second.get("/api/v1/categories").status_code for _ in range(2)]
    assert statuses == [200, 200, 200, 429]
    # The count lives in the Redis server, not in either process.
    keys = redis.Redis.from_url(REDIS_LOCATION).keys(f"{redis_cache}:*throttle*")
    assert keys
