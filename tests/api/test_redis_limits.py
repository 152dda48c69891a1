"""With REDIS_URL's cache, rate-limit counts are shared by every app server.

Two clients stand for two app servers: neither keeps the count in its own
process, so the limit holds across them. Runs against the real Redis server.
"""

import pytest


@pytest.mark.django_db
def test_the_limit_holds_across_app_servers(redis_cache, client, settings):
    from django.test import Client

    settings.MARKET_API_RATES = {"anonymous": "3/m", "token": "3/m"}
    first, second = client, Client()
    statuses = [first.get("/api/v1/categories").status_code for _ in range(2)]
    statuses += [second.get("/api/v1/categories").status_code for _ in range(2)]
    assert statuses == [200, 200, 200, 429]
    # The count lives in the Redis server, not in either process.
    assert redis_cache.keys("*throttle*")
