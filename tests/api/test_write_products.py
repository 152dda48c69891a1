"""A cooperative's software reads its products and sets their price and stock."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from market import product_changes
from market.models import Product
from producers.models import CooperativeLogEntry
from tests.api.writing import MARKER, get, patch, two_cooperatives
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/me/products"


def item(product) -> str:
    return f"/api/v1/me/products/{product.slug}"


@pytest.fixture
def coops(issue_token):
    return two_cooperatives(issue_token)


@pytest.fixture
def tea(coops):
    """A live product of A, published through a revision as the admin does."""
    product = ProductFactory(cooperative=coops.a, name="Chè búp", price=150000)
    product.save_revision().publish()
    return Product.objects.get(pk=product.pk)


@pytest.fixture
def foreign(coops):
    product = ProductFactory(
        cooperative=coops.b, name=f"Cam {MARKER}", slug=f"cam-{MARKER.lower()}"
    )
    product.save_revision().publish()
    return product


def _price_and_stock(product):
    return Product.objects.values_list("price", "stock").get(pk=product.pk)


# -- listing ----------------------------------------------------------------------


def test_listing_has_every_product_of_the_cooperative_drafts_included(
    client, coops, tea, foreign
):
    draft = ProductFactory(cooperative=coops.a, name="Chè mới", live=False)

    response = get(client, LIST, coops.key)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_slug = {row["slug"]: row for row in body["results"]}
    assert set(by_slug) == {tea.slug, draft.slug}
    assert by_slug[tea.slug]["live"] is True
    assert by_slug[tea.slug]["url"].endswith(tea.get_absolute_url())
    assert by_slug[draft.slug]["live"] is False
    assert by_slug[draft.slug]["url"] is None
    assert MARKER not in response.content.decode()
    assert get(client, f"{LIST}?live=false", coops.key).json()["count"] == 1


@pytest.mark.parametrize("count", [2, 12])
def test_listing_costs_the_same_queries_for_any_page_length(
    client, coops, count, django_assert_max_num_queries
):
    ProductFactory.create_batch(count, cooperative=coops.a)
    with django_assert_max_num_queries(6):
        response = get(client, f"{LIST}?page_size=50", coops.key)
    assert len(response.json()["results"]) == count


def test_without_a_token_or_with_a_revoked_one_the_answer_is_401(client, coops, tea):
    assert client.get(LIST).status_code == 401
    coops.token.revoke()
    assert get(client, LIST, coops.key).status_code == 401
    response = patch(client, item(tea), coops.key, {"price": 160000})
    assert response.status_code == 401
    assert _price_and_stock(tea)[0] == 150000


# -- price -------------------------------------------------------------------------


def test_a_new_price_is_published_at_once_and_shows_in_the_admin_history(
    client, coops, tea
):
    response = patch(client, item(tea), coops.key, {"price": 165000})

    assert response.status_code == 200, response.json()
    assert response.json()["price"] == 165000
    tea.refresh_from_db()
    assert tea.price == 165000
    assert tea.live and not tea.has_unpublished_changes
    assert tea.live_revision_id == tea.latest_revision_id
    assert tea.live_revision.content["price"] == 165000
    assert tea.live_revision.user == coops.token.created_by

    entry = CooperativeLogEntry.objects.get(action=product_changes.LOG_ACTION)
    assert entry.object_id == str(tea.pk)
    assert entry.cooperative_id == coops.a.pk
    assert entry.user == coops.token.created_by
    assert entry.revision_id == tea.live_revision_id
    assert entry.data == {
        "api_token": coops.token.pk,
        "via": "API: Phần mềm kho",
        "price": [150000, 165000],
    }

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    history = client.get(
        reverse("wagtailsnippets_market_product:history", args=[tea.pk])
    )
    page = history.content.decode()
    assert "API: Phần mềm kho" in page
    assert "165.000" in page


def test_an_editors_pending_draft_keeps_its_changes_and_takes_the_new_price(
    client, coops, tea
):
    tea.name = "Chè búp (bản nháp)"
    tea.save_revision()  # an editor's draft, not published

    response = patch(client, item(tea), coops.key, {"price": 170000})

    assert response.status_code == 200
    tea.refresh_from_db()
    assert tea.name == "Chè búp"  # the live row
    assert tea.price == 170000
    assert tea.has_unpublished_changes
    assert tea.live_revision.content["price"] == 170000
    assert tea.live_revision.content["name"] == "Chè búp"
    draft = tea.latest_revision
    assert draft.content["name"] == "Chè búp (bản nháp)"
    assert draft.content["price"] == 170000


def test_a_product_not_yet_on_sale_gets_the_price_in_its_row_and_draft(client, coops):
    draft = ProductFactory(cooperative=coops.a, live=False, price=90000)

    response = patch(client, item(draft), coops.key, {"price": 95000})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert not draft.live
    assert draft.price == 95000
    assert draft.latest_revision.content["price"] == 95000


def test_a_product_locked_by_an_editor_keeps_its_price(client, coops, tea):
    Product.objects.filter(pk=tea.pk).update(
        locked=True, locked_by=UserFactory(), locked_at=timezone.now()
    )

    response = patch(client, item(tea), coops.key, {"price": 99000})

    assert response.status_code == 409
    assert response.json()["code"] == "locked"
    assert _price_and_stock(tea)[0] == 150000
    assert (
        not Revision.objects.filter(object_id=str(tea.pk))
        .exclude(pk=tea.latest_revision_id)
        .exists()
    )


# -- stock -------------------------------------------------------------------------


def test_a_counted_stock_is_set_and_logged(client, coops, tea):
    response = patch(client, item(tea), coops.key, {"stock": 42})

    assert response.status_code == 200
    assert response.json()["stock"] == 42
    assert _price_and_stock(tea) == (150000, 42)
    entry = CooperativeLogEntry.objects.get(action=product_changes.LOG_ACTION)
    assert entry.data["stock"] == {"mode": "set", "before": 20, "after": 42}
    assert entry.revision is None  # stock is live state, not content


def test_price_and_stock_change_together(client, coops, tea):
    response = patch(client, item(tea), coops.key, {"price": 155000, "stock": 7})
    assert response.status_code == 200
    assert _price_and_stock(tea) == (155000, 7)
    assert (
        CooperativeLogEntry.objects.filter(action=product_changes.LOG_ACTION).count()
        == 1
    )


def test_a_count_taken_before_an_order_is_refused_and_changes_nothing(
    client, coops, tea
):
    place([(tea, 3)])  # 20 -> 17 after the software read 20

    response = patch(
        client,
        item(tea),
        coops.key,
        {"price": 160000, "stock": 25, "expected_stock": 20},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stock_changed"
    assert "17" in body["detail"]
    assert _price_and_stock(tea) == (150000, 17)  # the price waited too
    assert not CooperativeLogEntry.objects.filter(
        action=product_changes.LOG_ACTION
    ).exists()

    again = patch(client, item(tea), coops.key, {"stock": 25, "expected_stock": 17})
    assert again.status_code == 200
    assert _price_and_stock(tea)[1] == 25


# -- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"price": 0}, "price"),
        ({"price": 500}, "price"),  # the model's minimum is 1.000 ₫
        ({"price": 10**14}, "price"),
        ({"price": "nhiều"}, "price"),
        ({"price": 1.5}, "price"),
        ({"stock": -1}, "stock"),
        ({"stock": 10**7}, "stock"),
        ({"stock": 5, "expected_stock": -2}, "expected_stock"),
        ({"expected_stock": 5}, "expected_stock"),
        ({"prize": 160000}, "prize"),
        ({}, None),
    ],
)
def test_bad_values_are_refused_with_the_field_named(client, coops, tea, body, field):
    response = patch(client, item(tea), coops.key, body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors and field in {error["field"] for error in errors}
    assert all(error["message"] for error in errors)
    assert _price_and_stock(tea) == (150000, 20)


def test_a_body_that_is_not_json_is_a_400_and_changes_nothing(client, coops, tea):
    response = client.patch(
        item(tea),
        data="price=1",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {coops.key}",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert _price_and_stock(tea) == (150000, 20)


# -- tenancy ---------------------------------------------------------------------------


def test_another_cooperatives_product_does_not_exist_for_the_token(
    client, coops, foreign
):
    before = _price_and_stock(foreign)
    for body in ({"price": 1000}, {"stock": 0}):
        response = patch(client, item(foreign), coops.key, body)
        assert response.status_code == 404
        assert MARKER not in response.content.decode()
        assert MARKER.lower() not in response.content.decode()
    missing = patch(client, "/api/v1/me/products/khong-co", coops.key, {"stock": 1})
    assert missing.status_code == 404
    assert (
        missing.json() == patch(client, item(foreign), coops.key, {"stock": 1}).json()
    )
    assert _price_and_stock(foreign) == before
    assert not CooperativeLogEntry.objects.filter(
        action=product_changes.LOG_ACTION
    ).exists()
