"""Behind reverse proxies, limits count per visitor, not per proxy (cms/proxy.py)."""

import pytest

from cms.proxy import client_address

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("forwarded_for", "proxies", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        # The visitor wrote the left part; the proxy appended what it saw.
        ("198.51.100.1, 203.0.113.7", 1, "203.0.113.7"),
        # A CDN in front of the proxy: two proxies appended.
        ("198.51.100.1, 203.0.113.7, 192.0.2.10", 2, "203.0.113.7"),
        ("2001:db8::7", 1, "2001:db8::7"),
        # Not through every proxy, or not an address: left as it is.
        ("203.0.113.7", 2, None),
        ("", 1, None),
        ("unknown", 1, None),
        ("203.0.113.7", 0, None),
    ],
)
def test_the_visitor_is_the_entry_the_outermost_proxy_wrote(
    forwarded_for, proxies, expected
):
    assert client_address(forwarded_for, proxies) == expected


@pytest.fixture
def behind_one_proxy(settings):
    settings.MARKET_TRUSTED_PROXIES = 1
    settings.MARKET_API_RATES = {"anonymous": "2/m", "token": "2/m"}


def get(client, visitor_header: str):
    return client.get(
        "/api/v1/categories", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor_header
    )


@pytest.mark.django_db
def test_each_visitor_behind_the_proxy_has_their_own_allowance(
    behind_one_proxy, client
):
    assert [get(client, "203.0.113.7").status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert get(client, "203.0.113.8").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_buy_a_new_allowance(behind_one_proxy, client):
    statuses = [
        get(client, f"198.51.100.{n}, 203.0.113.7").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_is_ignored(client, settings):
    settings.MARKET_API_RATES = {"anonymous": "2/m", "token": "2/m"}
    statuses = [get(client, f"203.0.113.{n}").status_code for n in range(3)]
    # Every request came from the proxy's address: one allowance for all.
    assert statuses == [200, 200, 429]
