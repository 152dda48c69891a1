"""A cooperative's software reads its parts of orders and moves them on."""

import pytest

from market.models import Fulfilment, Order, OrderEvent, PaymentMethod, Product
from tests.api.writing import MARKER, error_fields, get, post, two_cooperatives
from tests.market.factories import ProductFactory
from tests.market.orders import place

pytestmark = pytest.mark.django_db

Status = Fulfilment.Status
LIST = "/api/v1/me/fulfilments"


def item(fulfilment) -> str:
    return f"{LIST}/{fulfilment.pk}"


def move(fulfilment, action: str) -> str:
    return f"{LIST}/{fulfilment.pk}/{action}"


@pytest.fixture
def coops(issue_token):
    return two_cooperatives(issue_token)


@pytest.fixture
def tea(coops):
    return ProductFactory(cooperative=coops.a, name="Chè búp", price=150000, stock=10)


@pytest.fixture
def orange(coops):
    return ProductFactory(
        cooperative=coops.b, name=f"Cam {MARKER}", price=45000, stock=50
    )


@pytest.fixture
def order(tea, orange):
    """One cash order with a part for each cooperative."""
    return place([(tea, 2), (orange, 3)], contact_name="Nguyễn Thị Lan")


def part(order, cooperative) -> Fulfilment:
    return order.fulfilments.get(cooperative=cooperative)


def _status(fulfilment) -> str:
    return Fulfilment.objects.values_list("status", flat=True).get(pk=fulfilment.pk)


def _stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


# -- reading ----------------------------------------------------------------------


def test_the_listing_has_the_cooperatives_parts_only(client, coops, order):
    own = part(order, coops.a)

    response = get(client, LIST, coops.key)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == own.pk
    assert row["order_number"] == order.number
    assert row["status"] == "new"
    assert row["actions"] == ["confirm", "cancel"]
    assert row["buyer"]["name"] == "Nguyễn Thị Lan"
    assert row["total"] == own.total
    assert row["cash_to_collect"] == own.total
    assert [line["product_name"] for line in row["lines"]] == ["Chè búp"]
    assert row["lines"][0]["quantity"] == 2
    assert MARKER not in response.content.decode()


def test_the_listing_filters_by_status(client, coops, tea, order):
    second = place([(tea, 1)])
    post(client, move(part(second, coops.a), "confirm"), coops.key)

    confirmed = get(client, f"{LIST}?status=confirmed", coops.key).json()
    assert [row["id"] for row in confirmed["results"]] == [part(second, coops.a).pk]
    assert get(client, f"{LIST}?status=new", coops.key).json()["count"] == 1
    response = get(client, f"{LIST}?status=lost", coops.key)
    assert response.status_code == 422
    assert error_fields(response) == {"status"}


@pytest.mark.parametrize("orders", [1, 8])
def test_listing_costs_the_same_queries_for_any_page_length(
    client, coops, tea, orders, django_assert_max_num_queries
):
    other = ProductFactory(cooperative=coops.a, stock=100)
    for _ in range(orders):
        place([(tea, 1), (other, 2)])
    with django_assert_max_num_queries(7):
        response = get(client, f"{LIST}?page_size=50", coops.key)
    assert len(response.json()["results"]) == orders


def test_one_part_is_read_by_its_id(client, coops, order):
    own = part(order, coops.a)
    response = get(client, item(own), coops.key)
    assert response.status_code == 200
    assert response.json()["id"] == own.pk
    assert get(client, f"{LIST}/abc", coops.key).status_code == 422
    assert get(client, f"{LIST}/{10**30}", coops.key).status_code == 422


# -- moving on -------------------------------------------------------------------


def test_a_part_goes_from_new_to_delivered_recorded_as_the_tokens_creator(
    client, coops, tea, order
):
    own = part(order, coops.a)
    for action, status in [
        ("confirm", "confirmed"),
        ("pack", "packed"),
        ("ship", "shipped"),
        ("deliver", "delivered"),
    ]:
        body = {"tracking_note": "Viettel Post VTP123"} if action == "ship" else None
        response = post(client, move(own, action), coops.key, body)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    own.refresh_from_db()
    assert own.tracking_note == "Viettel Post VTP123"
    assert own.cash_collected_at is not None
    events = OrderEvent.objects.filter(fulfilment=own).order_by("pk")
    assert [e.action for e in events] == ["confirm", "pack", "ship", "deliver"]
    assert {e.user for e in events} == {coops.token.created_by}
    assert response.json()["actions"] == []


def test_a_cancelled_part_returns_its_units_with_the_reason(client, coops, tea, order):
    own = part(order, coops.a)
    assert _stock(tea) == 8

    response = post(client, move(own, "cancel"), coops.key, {"reason": "Hết hàng"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert _stock(tea) == 10
    event = OrderEvent.objects.get(fulfilment=own, action="cancel")
    assert event.message == "Hết hàng"


@pytest.mark.parametrize(
    "first, then, code",
    [
        (None, "confirm", None),
        ("confirm", "confirm", "already"),
        (None, "ship", "illegal"),
        (None, "deliver", "illegal"),
    ],
)
def test_a_move_the_state_does_not_allow_is_a_409_with_its_code(
    client, coops, order, first, then, code
):
    own = part(order, coops.a)
    if first:
        post(client, move(own, first), coops.key)
    before = _status(own)

    response = post(client, move(own, then), coops.key)

    if code is None:
        assert response.status_code == 200
        return
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert _status(own) == before


def test_an_unpaid_card_order_cannot_be_moved(client, coops, tea):
    order = place([(tea, 1)], payment_method=PaymentMethod.CARD)
    own = part(order, coops.a)
    response = post(client, move(own, "confirm"), coops.key)
    assert response.status_code == 409
    assert response.json()["code"] == "awaiting_payment"


def test_a_move_of_a_closed_order_is_refused(client, coops, order):
    own = part(order, coops.a)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    response = post(client, move(own, "confirm"), coops.key)
    assert response.status_code == 409
    assert response.json()["code"] == "order_closed"


@pytest.mark.parametrize(
    "path_action, body, field",
    [
        ("explode", None, "action"),
        ("ship", {"tracking_note": "x" * 256}, "tracking_note"),
        ("confirm", {"colour": "red"}, "colour"),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    client, coops, order, path_action, body, field
):
    own = part(order, coops.a)
    response = post(client, move(own, path_action), coops.key, body)
    assert response.status_code == 422
    assert field in error_fields(response)
    assert _status(own) == "new"


def test_a_retried_move_is_done_once_and_replayed(client, coops, order):
    own = part(order, coops.a)
    first = post(client, move(own, "confirm"), coops.key, idempotency_key="c-1")
    again = post(client, move(own, "confirm"), coops.key, idempotency_key="c-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert OrderEvent.objects.filter(fulfilment=own, action="confirm").count() == 1

    other = post(
        client, move(own, "confirm"), coops.key, {"note": "khác"}, idempotency_key="c-1"
    )
    assert other.status_code == 422
    assert OrderEvent.objects.filter(fulfilment=own, action="confirm").count() == 1


# -- tenancy and tokens -----------------------------------------------------------


def test_another_cooperatives_part_does_not_exist_for_the_token(
    client, coops, orange, order
):
    foreign = part(order, coops.b)
    missing_read = get(client, f"{LIST}/{10**9}", coops.key)
    read = get(client, item(foreign), coops.key)
    assert read.status_code == missing_read.status_code == 404
    assert read.json() == missing_read.json()
    for action in ("confirm", "cancel"):
        response = post(client, move(foreign, action), coops.key, {"reason": "x"})
        assert response.status_code == 404
        assert MARKER not in response.content.decode()
    assert _status(foreign) == "new"
    assert _stock(orange) == 47
    assert (
        not OrderEvent.objects.filter(fulfilment=foreign)
        .exclude(action="placed")
        .exists()
    )


def test_a_revoked_token_reads_and_moves_nothing(client, coops, order):
    own = part(order, coops.a)
    coops.token.revoke()
    assert get(client, LIST, coops.key).status_code == 401
    assert get(client, item(own), coops.key).status_code == 401
    assert post(client, move(own, "confirm"), coops.key).status_code == 401
    assert _status(own) == "new"


def test_a_token_of_a_cooperative_without_orders_sees_an_empty_list(
    client, issue_token, order
):
    _token, key = issue_token()
    response = get(client, LIST, key)
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert MARKER not in response.content.decode()
