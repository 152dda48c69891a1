import re

import pytest
from django.core import mail

from market.cart import Cart
from market.models import CartLine, DeliveryMethod, Order, OrderLine, Product
from market.ordering import quote as real_quote
from tests.market.buying import (
    CART_URL,
    CHECKOUT_URL,
    add,
    checkout_data,
    followed_messages,
    order_url,
    two_cooperatives,
)
from tests.market.orders import place
from tests.producers.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(client):
    """A guest cart: 2 kg of tea (delivery 30.000 ₫ or pick-up) and 4 kg of
    oranges (delivery only, 25.000 ₫)."""
    tea, orange = two_cooperatives()
    add(client, tea, 2)
    add(client, orange, 4)
    client.get(CART_URL)  # shows the "added" messages
    return tea, orange


def delivery_fields(tea, orange, tea_method="delivery", orange_method="delivery"):
    return {
        f"delivery_{tea.cooperative_id}": tea_method,
        f"delivery_{orange.cooperative_id}": orange_method,
    }


def post_checkout(client, tea, orange, **overrides):
    data = checkout_data(**delivery_fields(tea, orange))
    data.update(overrides)
    return client.post(CHECKOUT_URL, data)


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get(CHECKOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == CART_URL
    assert followed_messages(client, response) == ["Giỏ hàng đang trống."]


def test_the_checkout_page_offers_each_cooperative_only_what_it_does(client, cart):
    tea, orange = cart

    response = client.get(CHECKOUT_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields[f"delivery_{tea.cooperative_id}"].choices == [
        ("delivery", "delivery"),
        ("pickup", "pickup"),
    ]
    assert form.fields[f"delivery_{orange.cooperative_id}"].choices == [
        ("delivery", "delivery")
    ]
    page = response.content.decode()
    assert re.search(r'name="checkout_token" value="[A-Za-z0-9_-]{43}"', page)
    # Nghệ An's communes are listed without JavaScript.
    assert '<option value="17254">Xã Con Cuông</option>' in page
    assert "535.000 ₫" in page


def test_a_guest_places_a_cash_on_delivery_order_across_two_cooperatives(
    client, cart, django_capture_on_commit_callbacks
):
    tea, orange = cart

    with django_capture_on_commit_callbacks(execute=True):
        response = post_checkout(
            client,
            tea,
            orange,
            **{f"delivery_{tea.cooperative_id}": "pickup"},
            note="Gọi trước khi giao",
        )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order_url(order)
    assert order.status == Order.Status.PLACED
    assert order.phone == "0912345678"
    assert (order.province_code, order.commune_code) == (40, 17254)
    assert order.note == "Gọi trước khi giao"
    assert order.user is None
    methods = dict(
        order.fulfilments.values_list("cooperative__name", "delivery_method")
    )
    assert methods == {
        "HTX Chè Thanh Chương": DeliveryMethod.PICKUP,
        "HTX Cam Vinh": DeliveryMethod.DELIVERY,
    }
    assert order.delivery_total == 25000
    assert order.total == 2 * 150000 + 4 * 45000 + 25000
    assert client.get(CART_URL).context["quote"].is_empty
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "cam@example.vn",
        "che@example.vn",
        "lan@example.com",
    ]

    page = client.get(response["Location"]).content.decode()
    assert order.number in page
    assert "Cảm ơn bạn! Đơn hàng đã được gửi tới các hợp tác xã." in page
    assert "HTX Chè Thanh Chương" in page and "HTX Cam Vinh" in page
    assert "505.000 ₫" in page


def test_pressing_place_order_twice_makes_one_order(client, cart):
    tea, orange = cart

    first = post_checkout(client, tea, orange)
    second = post_checkout(client, tea, orange)

    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"] == order_url(Order.objects.get())
    tea.refresh_from_db()
    assert tea.stock == 8


def test_a_cooperative_that_does_not_deliver_cannot_be_asked_to(client, cart):
    tea, orange = cart

    response = post_checkout(
        client, tea, orange, **{f"delivery_{orange.cooperative_id}": "pickup"}
    )

    assert response.status_code == 200
    assert Order.objects.count() == 0
    errors = response.context["form"].errors[f"delivery_{orange.cooperative_id}"]
    assert errors == ["Hợp tác xã này không có cách nhận hàng đó."]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("commune", "4", "Xã/phường này không thuộc tỉnh/thành đã chọn."),
        ("commune", "999999", "Chọn một xã/phường trong danh sách."),
        ("commune", "abc", "Chọn một xã/phường trong danh sách."),
        ("commune", "-5", "Chọn một xã/phường trong danh sách."),
        ("commune", "", "Trường này là bắt buộc."),
        ("province", "999", None),
        ("province", "x'; DROP TABLE", None),
        ("phone", "12345", None),
        ("phone", "0912 345 67a", None),
        ("email", "lan@", None),
        ("contact_name", "   ", "Trường này là bắt buộc."),
        ("payment_method", "bitcoin", None),
        (
            "checkout_token",
            "short",
            "Phiên đặt hàng không hợp lệ; vui lòng tải lại trang.",
        ),
        ("checkout_token", "x" * 200, None),
    ],
)
def test_bad_checkout_input_gets_a_form_error_and_writes_nothing(
    client, cart, field, value, error
):
    tea, orange = cart

    response = post_checkout(client, tea, orange, **{field: value})

    assert response.status_code == 200
    assert Order.objects.count() == 0
    tea.refresh_from_db()
    assert tea.stock == 10
    errors = response.context["form"].errors
    assert field in errors
    if error:
        assert error in errors[field]


def test_a_vietnamese_phone_written_with_the_country_code_is_accepted(client, cart):
    tea, orange = cart
    post_checkout(client, tea, orange, phone="+84 912.345.678")
    assert Order.objects.get().phone == "+84912345678"


def test_a_phone_that_is_not_vietnamese_gets_the_example_in_the_error(client, cart):
    tea, orange = cart
    response = post_checkout(client, tea, orange, phone="+1 415 555 0100")
    assert response.context["form"].errors["phone"] == [
        "Nhập số điện thoại Việt Nam, ví dụ 0912 345 678 hoặc +84 912 345 678."
    ]


def test_without_javascript_the_province_button_redraws_the_commune_list(client, cart):
    tea, orange = cart

    response = post_checkout(
        client, tea, orange, province="1", commune="", refresh="1", street="Phố Huế"
    )

    assert response.status_code == 200
    assert Order.objects.count() == 0
    form = response.context["form"]
    assert not form.is_bound
    page = response.content.decode()
    assert '<option value="1" selected>Thành phố Hà Nội</option>' in page
    assert '<option value="17254">' not in page
    assert '<option value="4">Phường Ba Đình</option>' in page
    assert 'value="Phố Huế"' in page
    assert "errorlist" not in page


def test_without_javascript_the_update_button_recounts_the_delivery_fees(client, cart):
    tea, orange = cart

    response = post_checkout(
        client,
        tea,
        orange,
        refresh="1",
        **{f"delivery_{tea.cooperative_id}": "pickup"},
    )

    assert response.context["quote"].delivery_total == 25000
    assert "505.000 ₫" in response.content.decode()


def test_the_commune_list_for_a_province_comes_as_json(client):
    response = client.get("/thanh-toan/xa-phuong/?tinh=40")
    assert response.status_code == 200
    assert [17254, "Xã Con Cuông"] in response.json()["communes"]
    assert client.get("/thanh-toan/xa-phuong/?tinh=999").status_code == 404
    assert client.get("/thanh-toan/xa-phuong/?tinh=abc").status_code == 404
    assert client.get("/thanh-toan/xa-phuong/").status_code == 404


def test_stock_sold_meanwhile_sends_the_buyer_back_to_the_cart_and_writes_nothing(
    client, cart, monkeypatch
):
    tea, orange = cart
    # Someone else buys most of the tea after this buyer opened the checkout:
    # the checkout page's own check does not see it, placing the order does.
    monkeypatch.setattr(
        Cart,
        "quote",
        lambda self, delivery=None, products=None: real_quote(
            self.items(), delivery, products=products, check_stock=False
        ),
    )
    Product.objects.filter(pk=tea.pk).update(stock=1)

    response = post_checkout(client, tea, orange)

    assert response.status_code == 302
    assert response["Location"] == CART_URL
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    orange.refresh_from_db()
    tea.refresh_from_db()
    assert (tea.stock, orange.stock) == (1, 50)
    assert followed_messages(client, response) == [
        "Chè búp vừa có người mua: chỉ còn 1, bạn đặt 2. Vui lòng sửa số lượng."
    ]
    # The cart is kept, so the buyer only has to change the quantity.
    session_cart = client.session["cart"]
    assert session_cart == {str(tea.pk): 2, str(orange.pk): 4}


def test_a_cart_that_went_short_before_checkout_is_sent_back_with_the_reason(
    client, cart
):
    tea, orange = cart
    Product.objects.filter(pk=orange.pk).update(stock=3)

    response = post_checkout(client, tea, orange)

    assert response["Location"] == CART_URL
    assert Order.objects.count() == 0
    assert followed_messages(client, response) == ["Cam Vinh chỉ còn 3 kg."]


def test_bank_transfer_orders_show_the_vietqr_box_and_hold_the_units(
    client, cart, settings, django_capture_on_commit_callbacks
):
    tea, orange = cart
    settings.MARKET_BANK_NAME = "Agribank"
    settings.MARKET_BANK_ACCOUNT = "3600205123456"
    settings.MARKET_BANK_ACCOUNT_NAME = "BAN QUAN LY CHO NONG SAN"

    with django_capture_on_commit_callbacks(execute=True):
        response = post_checkout(client, tea, orange, payment_method="bank_transfer")

    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert set(OrderLine.objects.values_list("stock_status", flat=True)) == {
        OrderLine.StockStatus.HELD
    }
    page = client.get(response["Location"]).content.decode()
    reference = order.number.replace("-", "")
    assert '<svg viewBox="' in page and 'class="vietqr__code"' in page
    assert "3600205123456" in page
    assert "BAN QUAN LY CHO NONG SAN" in page
    assert reference in page
    assert "535.000 ₫" in page
    assert "Hạn chuyển khoản" in page
    [instructions] = mail.outbox
    assert instructions.to == ["lan@example.com"]
    assert reference in instructions.body


def test_card_payment_is_disabled_without_stripe_keys_and_refused_if_posted(
    client, cart, settings
):
    tea, orange = cart
    settings.STRIPE_SECRET_KEY = ""

    page = client.get(CHECKOUT_URL).content.decode()
    assert 'value="card" disabled' in page
    assert "Thanh toán thẻ tạm thời chưa mở." in page

    response = post_checkout(client, tea, orange, payment_method="card")
    assert Order.objects.count() == 0
    assert (
        response.context["form"]
        .errors["payment_method"][0]
        .startswith("Thanh toán thẻ tạm thời chưa mở.")
    )


def test_card_payment_is_disabled_for_totals_stripe_does_not_accept(
    client, cart, settings
):
    tea, orange = cart
    settings.STRIPE_MAX_AMOUNT_VND = 500000

    page = client.get(CHECKOUT_URL).content.decode()

    assert 'value="card" disabled' in page
    assert "thanh toán thẻ chỉ nhận đơn từ 13.000 ₫ đến 500.000 ₫" in page
    response = post_checkout(client, tea, orange, payment_method="card")
    assert Order.objects.count() == 0
    assert "payment_method" in response.context["form"].errors


def test_a_card_checkout_goes_to_stripe_and_back_to_a_status_page(
    client, cart, fake_stripe
):
    tea, orange = cart

    response = post_checkout(client, tea, orange, payment_method="card")

    order = Order.objects.get()
    payment = order.payments.get()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert response.status_code == 302
    assert response["Location"] == payment.checkout_url
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    status_url = (
        f"http://testserver/don-hang/{order.number}/{order.access_token}/thanh-toan/"
    )
    assert call.params["success_url"] == status_url
    assert call.params["cancel_url"] == "http://testserver" + order_url(order) + (
        "?thanh-toan=huy"
    )

    # Coming back from Stripe shows the status only; the webhook pays.
    page = client.get(status_url)
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert '<meta http-equiv="refresh" content="5">' in page.content.decode()
    assert "Đang chờ xác nhận thanh toán" in page.content.decode()


def test_a_buyer_who_left_stripe_can_try_paying_again(client, cart, fake_stripe):
    tea, orange = cart
    post_checkout(client, tea, orange, payment_method="card")
    order = Order.objects.get()

    page = client.get(order_url(order) + "?thanh-toan=huy")
    assert "Bạn chưa hoàn tất thanh toán thẻ." in page.content.decode()
    assert "Thanh toán bằng thẻ" in page.content.decode()

    response = client.post(
        f"/don-hang/{order.number}/{order.access_token}/thanh-toan-lai/"
    )
    assert response.status_code == 302
    assert response["Location"] == order.payments.get().checkout_url


def test_when_stripe_cannot_be_reached_the_order_page_says_so(client, cart):
    tea, orange = cart  # settings point Stripe at a closed port

    response = post_checkout(client, tea, orange, payment_method="card")

    order = Order.objects.get()
    assert response["Location"] == order_url(order)
    assert followed_messages(client, response)[-1].startswith(
        "Cổng thanh toán thẻ đang không phản hồi."
    )


def test_the_status_page_stops_refreshing_once_the_order_is_paid(client, cart):
    tea, orange = cart
    order = place([(tea, 1)], "bank_transfer")
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.PLACED, payment_status=Order.PaymentStatus.PAID
    )

    page = client.get(
        f"/don-hang/{order.number}/{order.access_token}/thanh-toan/"
    ).content.decode()

    assert "http-equiv" not in page
    assert "Đã thanh toán. Cảm ơn bạn!" in page


def test_a_signed_in_buyer_gets_the_last_address_filled_in_and_owns_the_order(
    client,
):
    tea, orange = two_cooperatives()
    buyer = UserFactory(first_name="Lan", email="lan@example.com")
    place([(orange, 1)], user=buyer, street="Xóm 9", phone="0987654321")
    client.force_login(buyer)
    add(client, tea, 1)

    form = client.get(CHECKOUT_URL).context["form"]
    assert form.initial["street"] == "Xóm 9"
    assert form.initial["phone"] == "0987654321"
    assert form.initial["commune"] == 17254

    data = checkout_data(**{f"delivery_{tea.cooperative_id}": "delivery"})
    client.post(CHECKOUT_URL, data)
    assert Order.objects.filter(user=buyer).count() == 2
    assert not CartLine.objects.filter(user=buyer).exists()


def test_the_checkout_page_is_bounded_in_queries(
    client, cart, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        client.get(CHECKOUT_URL)


def test_a_price_changed_after_the_page_was_shown_is_shown_before_placing(client, cart):
    tea, orange = cart
    client.get(CHECKOUT_URL)
    Product.objects.filter(pk=tea.pk).update(price=160000)

    response = post_checkout(client, tea, orange, goods_total="480000")

    assert response.status_code == 200
    assert Order.objects.count() == 0
    assert response.context["form"].non_field_errors() == [
        "Giá hoặc số lượng trong giỏ hàng vừa thay đổi. Vui lòng xem lại tổng tiền "
        "rồi bấm “Đặt hàng”."
    ]
    page = response.content.decode()
    assert 'name="goods_total" value="500000"' in page

    post_checkout(client, tea, orange, goods_total="500000")
    assert Order.objects.get().goods_total == 500000
