"""District page editors pick any cooperative's products, cooperatives and lots in
the blocks' choosers, and still reach none of their admin pages."""

import html

import pytest
from django.urls import reverse

from cms import roles
from market.models import Product
from producers.models import Cooperative, Lot
from producers.roles import add_member
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory, LotFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    tea = CooperativeFactory(name="HTX Chè Thanh Chương")
    honey = CooperativeFactory(name="HTX Mật ong Con Cuông")
    return {
        "products": [
            ProductFactory(cooperative=tea, name="Chè búp khô"),
            ProductFactory(cooperative=honey, name="Mật ong hoa rừng"),
        ],
        "cooperatives": [tea, honey],
        "lots": [
            LotFactory(cooperative=tea, code="CHE-01"),
            LotFactory(cooperative=honey, code="MAT-01"),
        ],
    }


def chooser_html(client, model) -> str:
    response = client.get(chooser_url(model, "choose"))
    assert response.status_code == 200
    return response.json()["html"]


def chooser_url(model, name, *args):
    return reverse(model.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


@pytest.mark.parametrize(
    "make_role", [roles.make_district_editor, roles.make_district_approver]
)
def test_page_editors_choose_from_every_cooperative(client, listings, make_role):
    user = UserFactory()
    make_role(user)
    client.force_login(user)

    for model, key, text in [
        (Product, "products", lambda p: p.name),
        (Cooperative, "cooperatives", lambda c: c.name),
        (Lot, "lots", lambda lot: lot.code),
    ]:
        body = chooser_html(client, model)
        for row in listings[key]:
            assert html.escape(text(row)) in body
        chosen = client.get(chooser_url(model, "chosen", listings[key][1].pk))
        assert chosen.status_code == 200


def test_page_editors_still_reach_no_cooperative_admin_page(client, listings):
    user = UserFactory()
    roles.make_district_editor(user)
    client.force_login(user)
    product = listings["products"][0]

    listing = client.get(reverse(Product.snippet_viewset.get_url_name("list")))
    assert (
        listing.status_code in (302, 403)
        or product.name not in listing.content.decode()
    )
    edit = client.get(
        reverse(Product.snippet_viewset.get_url_name("edit"), args=[product.pk])
    )
    assert edit.status_code in (302, 403, 404)


def test_a_cooperative_editor_still_chooses_only_their_own_products(client, listings):
    user = UserFactory()
    add_member(user, listings["cooperatives"][0])
    client.force_login(user)

    body = chooser_html(client, Product)

    assert "Chè búp khô" in body
    assert "Mật ong hoa rừng" not in body
    other = listings["products"][1]
    assert client.get(chooser_url(Product, "chosen", other.pk)).status_code == 404
