"""A guest finds their order again; nobody else finds anything."""

import pytest

from market import fulfilment as fulfilment_actions
from market import ordering
from market.buying_views import TRACKING_ATTEMPTS, TRACKING_ATTEMPTS_PER_CLIENT
from tests.market.buying import order_url, two_cooperatives
from tests.market.orders import place

pytestmark = pytest.mark.django_db

TRACKING_URL = "/tra-cuu-don-hang/"
NOT_FOUND = (
    "Không tìm thấy đơn hàng với mã và thông tin liên hệ này. Vui lòng kiểm tra lại."
)


@pytest.fixture
def order():
    tea, orange = two_cooperatives()
    return place([(tea, 2), (orange, 1)], phone="0912345678", email="lan@example.com")


def track(client, number, contact, **extra):
    return client.post(TRACKING_URL, {"number": number, "contact": contact}, **extra)


def errors_of(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_the_tracking_page_asks_for_the_number_and_a_phone_or_email(client):
    response = client.get(TRACKING_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="number"' in page and 'name="contact"' in page


@pytest.mark.parametrize(
    "contact", ["0912345678", "0912 345 678", "+84 912.345.678", "84912345678"]
)
def test_the_number_and_the_phone_however_written_open_the_order(
    client, order, contact
):
    response = track(client, order.number, contact)
    assert response.status_code == 302
    assert response["Location"] == order_url(order)


def test_the_number_in_lower_case_with_spaces_and_the_email_in_capitals_work(
    client, order
):
    number = " " + order.number.lower().replace("-", " - ") + " "
    response = track(client, number, "LAN@Example.com")
    assert response["Location"] == order_url(order)


@pytest.mark.parametrize(
    ("number", "contact"),
    [
        ("{number}", "0999999999"),
        ("{number}", "someone@example.com"),
        ("{number}", ""),
        ("DH-000000-XXXXX", "0912345678"),
        ("DH-000000-XXXXX", "lan@example.com"),
    ],
)
def test_a_wrong_number_or_contact_reveals_nothing_and_says_the_same(
    client, order, number, contact
):
    response = track(client, number.replace("{number}", order.number), contact)

    assert response.status_code == 200
    page = response.content.decode()
    assert order.access_token not in page
    assert "Chè búp" not in page
    if contact:
        assert errors_of(response) == [NOT_FOUND]


@pytest.mark.parametrize(
    "data",
    [
        {"number": "x" * 5000, "contact": "0912345678"},
        {"number": "DH", "contact": "y" * 5000},
        {"number": "'; DROP TABLE market_order; --", "contact": "' OR 1=1 --"},
        {},
    ],
)
def test_garbage_in_the_tracking_form_is_a_form_error(client, order, data):
    response = client.post(TRACKING_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_after_too_many_tries_even_the_right_details_wait(client, order):
    for _attempt in range(TRACKING_ATTEMPTS):
        track(client, order.number, "0999999999")

    response = track(client, order.number, "0912345678")

    assert response.status_code == 429
    assert errors_of(response) == [
        "Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại."
    ]
    # Guessing from another address does not help either.
    other = track(client, order.number, "0912345678", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 429


def test_one_client_sweeping_many_order_numbers_is_paused_too(client, order):
    for attempt in range(TRACKING_ATTEMPTS_PER_CLIENT):
        track(client, f"DH-000000-{attempt:05d}", "0912345678")

    response = track(client, order.number, "0912345678")
    assert response.status_code == 429
    elsewhere = track(client, order.number, "0912345678", REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302


def test_the_order_page_needs_its_token(client, order):
    assert client.get(order_url(order)).status_code == 200
    assert client.get(f"/don-hang/{order.number}/wrong-token/").status_code == 404
    assert (
        client.get(f"/don-hang/DH-000000-XXXXX/{order.access_token}/").status_code
        == 404
    )
    assert (
        client.get(
            f"/don-hang/{order.number}/{order.access_token}/thanh-toan/"
        ).status_code
        == 200
    )
    assert (
        client.post(f"/don-hang/{order.number}/wrong/thanh-toan-lai/").status_code
        == 404
    )


def test_the_order_page_shows_each_cooperatives_part_and_the_timeline(
    client, order, settings
):
    settings.MARKET_STAFF_EMAIL = ""
    tea_part = order.fulfilments.get(cooperative__name="HTX Chè Thanh Chương")
    fulfilment_actions.confirm(tea_part)
    fulfilment_actions.pack(tea_part)
    fulfilment_actions.ship(tea_part, tracking_note="Viettel Post VN123")
    # Staff-only entries stay out of the buyer's timeline.
    ordering.log_event(order, "payment_mismatch", message="stripe evt_123: 1 vnd")

    response = client.get(order_url(order))

    page = response.content.decode()
    assert [entry.text for entry in response.context["timeline"]] == [
        "Đơn hàng được đặt",
        "HTX Chè Thanh Chương: Đã xác nhận",
        "HTX Chè Thanh Chương: Đã đóng gói",
        "HTX Chè Thanh Chương: Đang giao",
    ]
    assert "evt_123" not in page
    assert "Viettel Post VN123" in page
    assert 'status--shipped">Đang giao' in page
    assert 'status--new">Mới' in page
    assert "Xóm 3, Xã Con Cuông, Nghệ An" in page
    assert "Thanh toán khi nhận hàng" in page


def test_the_order_page_is_bounded_in_queries(
    client, order, django_assert_max_num_queries
):
    # Any page fills the cached site menu and footer (cms/navigation.py).
    client.get("/san-pham/")
    with django_assert_max_num_queries(8):
        client.get(order_url(order))
