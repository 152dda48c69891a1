"""Guessing passwords: sign-ins are throttled per account and address, and per
address, on the buyers' login and the admin's (django-axes, cms/security.py)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from tests.producers.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
ADMIN_LOGIN = "/admin/login/"
BUYER = "huyen@example.vn"
PASSWORD = "mat-ong-que-phong-2026"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def low_limits(settings):
    """The site's configuration, with the test settings' raised limits put low."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.MARKET_LOGIN_ADDRESS_FAILURE_LIMIT = 6


@pytest.fixture
def buyer():
    return UserFactory(username=BUYER, email=BUYER, password=PASSWORD)


def sign_in(client, username, password, address, url=LOGIN, **headers):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, address, times, url=LOGIN, **headers):
    return [
        sign_in(client, username, "doan-mo", address, url, **headers).status_code
        for _ in range(times)
    ]


def test_the_third_wrong_password_locks_the_account_from_that_address(client, buyer):
    assert fail(client, BUYER, ATTACKER, 2) == [200, 200]

    locked = sign_in(client, BUYER, "doan-mo", ATTACKER)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Đã có quá nhiều lần đăng nhập sai" in page
    assert "Vui lòng thử lại sau 15 phút" in page
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    assert "no-store" in locked["Cache-Control"]
    # Even the right password is refused while the lock holds.
    assert sign_in(client, BUYER, PASSWORD, ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_page_says_at_what_time_the_lock_lifts(client, buyer):
    fail(client, BUYER, ATTACKER, 3)
    attempt = AccessAttempt.objects.get()
    lifts = attempt.attempt_time + datetime.timedelta(minutes=15)
    local = lifts.astimezone(datetime.timezone(datetime.timedelta(hours=7)))

    page = sign_in(client, BUYER, PASSWORD, ATTACKER).content.decode()

    assert f"(lúc {local:%H:%M})" in page


def test_an_attacker_cannot_lock_the_buyer_out_from_their_own_phone(client, buyer):
    fail(client, BUYER, ATTACKER, 3)

    at_home = Client()
    response = sign_in(at_home, BUYER, PASSWORD, HOME)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"


def test_other_accounts_can_still_sign_in_from_an_address_with_a_locked_account(
    client, buyer
):
    UserFactory(username="lan@example.vn", email="lan@example.vn", password=PASSWORD)
    fail(client, BUYER, ATTACKER, 3)

    assert sign_in(Client(), "lan@example.vn", PASSWORD, ATTACKER).status_code == 302


def test_many_accounts_tried_from_one_address_lock_the_address(client, buyer):
    statuses = [
        sign_in(client, f"khach{n}@example.vn", "doan-mo", ATTACKER).status_code
        for n in range(6)
    ]

    assert statuses == [200] * 5 + [429]
    # Every account, the real buyer's with the right password too, from there...
    assert sign_in(Client(), BUYER, PASSWORD, ATTACKER).status_code == 429
    # ...but not from anywhere else.
    assert sign_in(Client(), BUYER, PASSWORD, HOME).status_code == 302


def test_the_account_is_the_same_whatever_its_case_and_spaces(client, buyer):
    statuses = [
        sign_in(client, name, "doan-mo", ATTACKER).status_code
        for name in ("HUYEN@example.vn", " huyen@example.vn", "Huyen@Example.VN")
    ]

    assert statuses == [200, 200, 429]


def test_a_successful_sign_in_forgets_the_failures(client, buyer):
    assert fail(client, BUYER, HOME, 2) == [200, 200]
    assert sign_in(client, BUYER, PASSWORD, HOME).status_code == 302
    client.post("/tai-khoan/dang-xuat/", REMOTE_ADDR=HOME)

    assert fail(client, BUYER, HOME, 2) == [200, 200]
    assert sign_in(client, BUYER, PASSWORD, HOME).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, buyer):
    """An attacker with an account of their own cannot wipe their address's
    failures on other accounts by signing in to it now and then."""
    UserFactory(username="ke-gian@example.vn", password=PASSWORD)
    for n in range(5):
        sign_in(client, f"khach{n}@example.vn", "doan-mo", ATTACKER)
    assert sign_in(client, "ke-gian@example.vn", PASSWORD, ATTACKER).status_code == 302
    client.post("/tai-khoan/dang-xuat/", REMOTE_ADDR=ATTACKER)

    assert sign_in(client, "khach9@example.vn", "doan-mo", ATTACKER).status_code == 429


def test_the_lock_lifts_after_the_cool_off(client, buyer):
    fail(client, BUYER, ATTACKER, 3)
    # Fifteen minutes and a little later.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - datetime.timedelta(minutes=16)
    )

    assert sign_in(client, BUYER, PASSWORD, ATTACKER).status_code == 302


def test_staff_can_unlock_an_account_with_a_management_command(client, buyer):
    fail(client, BUYER, ATTACKER, 3)

    call_command("axes_reset_username", BUYER)

    assert sign_in(client, BUYER, PASSWORD, ATTACKER).status_code == 302


def test_staff_can_unlock_an_address_with_a_management_command(client, buyer):
    for n in range(6):
        sign_in(client, f"khach{n}@example.vn", "doan-mo", ATTACKER)

    call_command("axes_reset_ip", ATTACKER)

    assert sign_in(client, BUYER, PASSWORD, ATTACKER).status_code == 302


def test_the_admin_login_is_throttled_the_same_way(client):
    UserFactory(username="bientap", password=PASSWORD, is_staff=True, is_superuser=True)

    statuses = fail(client, "bientap", ATTACKER, 3, url=ADMIN_LOGIN)

    assert statuses == [200, 200, 429]
    refused = sign_in(client, "bientap", PASSWORD, ATTACKER, url=ADMIN_LOGIN)
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau 15 phút" in refused.content.decode()
    assert int(refused["Retry-After"]) > 14 * 60
    # The editor at the district office is not locked out.
    welcome = sign_in(Client(), "bientap", PASSWORD, HOME, url=ADMIN_LOGIN)
    assert welcome.status_code == 302


def test_the_english_login_says_it_in_english_pages(client, buyer):
    statuses = fail(client, BUYER, ATTACKER, 3, url="/en" + LOGIN)

    assert statuses == [200, 200, 429]
    locked = sign_in(client, BUYER, PASSWORD, ATTACKER, url="/en" + LOGIN)
    assert locked.status_code == 429
    assert '<html lang="en">' in locked.content.decode()
    assert locked["Content-Language"] == "en"


# -- behind a reverse proxy (cms/proxy.py) -------------------------------------------

PROXY = "10.0.0.2"


def test_behind_the_proxy_a_forged_forwarded_for_does_not_dodge_the_lock(
    client, buyer, settings
):
    settings.MARKET_TRUSTED_PROXIES = 1
    statuses = [
        sign_in(
            client,
            BUYER,
            "doan-mo",
            PROXY,
            # The attacker writes the left part; the proxy appends what it saw.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}",
        ).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Another visitor behind the same proxy signs in.
    at_home = sign_in(Client(), BUYER, PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=HOME)
    assert at_home.status_code == 302


def test_without_trusted_proxies_the_forwarded_for_header_counts_for_nothing(
    client, buyer
):
    statuses = [
        sign_in(
            client, BUYER, "doan-mo", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
