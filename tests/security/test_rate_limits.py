"""Flooding the expensive pages: requests per client address, then 429 with
Retry-After and a page saying when to try again (producers/ratelimit.py)."""

import pytest
from django.core.cache import cache
from django.test import Client

from producers.ratelimit import Rate, client_address, hit
from tests.fake_stripe import encode, event, sign
from tests.market.factories import ProductFactory

pytestmark = pytest.mark.django_db

VISITOR = "203.0.113.9"
NEIGHBOUR = "203.0.113.10"
WEBHOOK = "/thanh-toan/stripe/webhook/"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def limits(settings):
    """Set some limits low: `limits(search="3/d")`. A day's window, so no test
    straddles two windows; windows themselves are tested on their own."""

    def set_limits(**rates):
        settings.MARKET_RATE_LIMITS = {**settings.MARKET_RATE_LIMITS, **rates}

    return set_limits


def get(url, address=VISITOR, client=None, **headers):
    return (client or Client()).get(url, REMOTE_ADDR=address, **headers)


def statuses(responses):
    return [response.status_code for response in responses]


# -- search ----------------------------------------------------------------------------


def test_a_flood_of_searches_is_refused_with_a_page_saying_when_to_retry(limits):
    limits(search="3/d")
    ProductFactory(name="Chè búp Thanh Chương")

    answers = [get(f"/tim-kiem/?q=che+{n}") for n in range(4)]

    assert statuses(answers) == [200, 200, 200, 429]
    refused = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert "no-store" in refused["Cache-Control"]
    page = refused.content.decode()
    assert "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn." in page
    assert "Vui lòng thử lại sau" in page
    assert '<html lang="vi">' in page


def test_the_english_site_refuses_with_an_english_page(limits):
    limits(search="1/d")
    get("/en/tim-kiem/?q=tea")

    refused = get("/en/tim-kiem/?q=honey")

    assert refused.status_code == 429
    assert '<html lang="en">' in refused.content.decode()


def test_each_address_has_its_own_allowance(limits):
    limits(search="2/d")
    assert statuses(get(f"/tim-kiem/?q={n}") for n in range(3)) == [200, 200, 429]

    assert get("/tim-kiem/?q=mat-ong", address=NEIGHBOUR).status_code == 200


def test_the_catalogue_counts_as_a_search_only_with_words_to_search(limits):
    limits(search="2/d")

    assert statuses(get(f"/san-pham/?page={n}") for n in range(1, 5)) == [200] * 4
    assert statuses(get(f"/san-pham/?q=cam+{n}") for n in range(3)) == [200, 200, 429]


def test_searches_the_page_cache_answers_are_not_counted(limits, settings):
    """A cached page costs nothing: only the searches that render count."""
    settings.MARKET_PAGE_CACHE_SECONDS = 300
    limits(search="2/d")
    ProductFactory(name="Mật ong Quế Phong")

    same = [get("/tim-kiem/?q=mat+ong") for _ in range(5)]
    assert statuses(same) == [200] * 5
    assert [r["X-Page-Cache"] for r in same] == ["miss"] + ["hit"] * 4

    fresh = [get(f"/tim-kiem/?q=mat+ong+{n}") for n in range(2)]
    assert statuses(fresh) == [200, 429]
    # The refusal was not kept for anyone else.
    assert get("/tim-kiem/?q=mat+ong+1", address=NEIGHBOUR).status_code == 200


# -- the visitor's address -----------------------------------------------------------


def test_a_forged_forwarded_for_does_not_buy_a_new_allowance(limits):
    limits(search="2/d")

    answers = [
        get(f"/tim-kiem/?q={n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)
    ]

    assert statuses(answers) == [200, 200, 429]


def test_behind_the_proxy_each_visitor_counts_and_forged_entries_do_not(
    limits, settings
):
    settings.MARKET_TRUSTED_PROXIES = 1
    limits(search="2/d")
    proxy = "10.0.0.2"

    answers = [
        get(
            f"/tim-kiem/?q={n}",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {VISITOR}",
        )
        for n in range(3)
    ]
    assert statuses(answers) == [200, 200, 429]
    other = get("/tim-kiem/?q=9", address=proxy, HTTP_X_FORWARDED_FOR=NEIGHBOUR)
    assert other.status_code == 200


class Meta:
    def __init__(self, address):
        self.META = {"REMOTE_ADDR": address}


def test_an_ipv6_visitor_counts_per_64_network():
    assert client_address(Meta("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
    assert client_address(Meta("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::"
    assert client_address(Meta("2001:db8:1:3::1")) == "2001:db8:1:3::"
    assert client_address(Meta("::ffff:203.0.113.9")) == "203.0.113.9"
    assert client_address(Meta("203.0.113.9")) == "203.0.113.9"


def test_ipv6_addresses_of_one_network_share_an_allowance(limits):
    limits(search="2/d")
    answers = [
        get(f"/tim-kiem/?q={n}", address=f"2001:db8:5:6::{n + 1:x}") for n in range(3)
    ]

    assert statuses(answers) == [200, 200, 429]
    assert get("/tim-kiem/?q=x", address="2001:db8:5:7::1").status_code == 200


# -- buying, tracking, lookups, accounts ------------------------------------------


def test_placing_orders_is_limited_but_looking_at_the_form_is_not(limits):
    limits(checkout="2/d")
    client = Client()

    looks = [get("/thanh-toan/", client=client) for _ in range(4)]
    posts = [client.post("/thanh-toan/", {}, REMOTE_ADDR=VISITOR) for _ in range(3)]

    # An empty cart sends the visitor back to it; the third post is refused.
    assert statuses(looks) == [302] * 4
    assert statuses(posts) == [302, 302, 429]
    assert int(posts[-1]["Retry-After"]) > 0


def test_order_tracking_lookups_are_limited(limits):
    limits(tracking="2/d")
    client = Client()

    answers = [
        client.post(
            "/tra-cuu-don-hang/",
            {"number": f"NS-2026-{n:05d}", "contact": "0912345678"},
            REMOTE_ADDR=VISITOR,
        )
        for n in range(3)
    ]

    assert statuses(answers) == [200, 200, 429]
    assert "Bạn đã gửi quá nhiều yêu cầu" in answers[-1].content.decode()


def test_lot_lookups_are_limited_but_the_empty_form_is_not(limits):
    limits(lot_lookup="2/d")

    assert statuses(get("/truy-xuat/") for _ in range(3)) == [200] * 3
    answers = [get(f"/truy-xuat/?code=LO-{n}") for n in range(3)]
    # Unknown lots are a helpful 404 page, then the limit.
    assert statuses(answers) == [404, 404, 429]


def test_signups_are_limited(limits):
    limits(signup="2/d")
    client = Client()

    answers = [
        client.post(
            "/tai-khoan/dang-ky/",
            {"name": "Lan", "email": f"lan{n}@example.vn", "password1": "x"},
            REMOTE_ADDR=VISITOR,
        )
        for n in range(3)
    ]

    assert statuses(answers) == [200, 200, 429]


def test_admin_password_reset_requests_are_limited_and_send_no_mail_once_refused(
    limits, mailoutbox, django_user_model
):
    django_user_model.objects.create_user("bien-tap", "bientap@example.vn", "x")
    limits(password_reset="2/h")
    client = Client()

    answers = [
        client.post(
            "/admin/password_reset/",
            {"email": "bientap@example.vn"},
            REMOTE_ADDR=VISITOR,
        )
        for _ in range(3)
    ]

    assert statuses(answers) == [302, 302, 429]
    assert len(mailoutbox) == 2
    # Asking for the form is not counted.
    assert client.get("/admin/password_reset/", REMOTE_ADDR=VISITOR).status_code == 200


# -- the Stripe webhook --------------------------------------------------------------


def post_event(client, body, header):
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
        REMOTE_ADDR="54.187.174.169",
    )


def test_the_webhook_is_bounded_and_still_checks_signatures(limits, settings):
    limits(stripe_webhook="3/d")
    client = Client()
    body = encode(event("ping", {"object": "test"}))

    signed = post_event(client, body, sign(body, settings.STRIPE_WEBHOOK_SECRET))
    forged = post_event(client, body, sign(body, "whsec_someone_else"))
    again = post_event(client, body, sign(body, settings.STRIPE_WEBHOOK_SECRET))
    refused = post_event(client, body, sign(body, settings.STRIPE_WEBHOOK_SECRET))

    assert statuses([signed, forged, again, refused]) == [200, 400, 200, 429]
    # Plain text for Stripe, which delivers the event again later.
    assert refused["Content-Type"].startswith("text/plain")
    assert int(refused["Retry-After"]) > 0


# -- the limiter -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/m", Rate(30, 60)),
        ("5/10m", Rate(5, 600)),
        ("10/h", Rate(10, 3600)),
        ("1000/d", Rate(1000, 86400)),
        ("2/s", Rate(2, 1)),
    ],
)
def test_rates_read_like_the_apis(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["30", "x/m", "30/w", "30/xm", "/m", ""])
def test_a_mistyped_rate_is_an_error(text):
    with pytest.raises(ValueError, match="Not a rate"):
        Rate.parse(text)


def test_a_new_window_starts_a_new_count():
    rate = Rate(2, 60)
    start = 1_800_000_000.0  # a minute's start

    counted = [hit("t", "a", rate, now=start + s) for s in (0, 10, 59)]
    assert [v.allowed for v in counted] == [True, True, False]
    assert [v.retry_after for v in counted] == [60, 50, 1]
    assert hit("t", "a", rate, now=start + 60).allowed


def test_a_limit_set_to_none_is_off(limits):
    limits(search=None)

    assert statuses(get(f"/tim-kiem/?q={n}") for n in range(5)) == [200] * 5


# -- several app servers -------------------------------------------------------------


def test_the_count_is_shared_by_every_app_server(redis_cache, limits):
    limits(search="3/d")
    first, second = Client(), Client()

    answers = [get(f"/tim-kiem/?q={n}", client=first) for n in range(2)]
    answers += [get(f"/tim-kiem/?q={n}", client=second) for n in range(2, 4)]

    assert statuses(answers) == [200, 200, 200, 429]
    assert len(redis_cache.keys("*ratelimit:search*")) == 1
