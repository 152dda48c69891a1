from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import HomePage
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    page = HomePage(title="Chợ Nông Sản", slug="trang-chu", heading="Nông sản sạch")
    root.add_child(instance=page)
    Site.objects.update(root_page=page)
    return page


def test_home_page_shows_featured_products_and_verified_cooperatives(client, home):
    ProductFactory(name="Cam Vinh loại 1", ocop_stars=4)
    ProductFactory(name="Cam hết hàng", stock=0)
    ProductFactory(name="Cam nháp", live=False)
    CooperativeFactory(name="HTX Mật ong Con Cuông", is_verified=True)
    CooperativeFactory(name="HTX chưa xác minh", is_verified=False)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nông sản sạch" in html
    assert "Cam Vinh loại 1" in html
    assert "Cam hết hàng" not in html and "Cam nháp" not in html
    assert "HTX Mật ong Con Cuông" in html
    assert "HTX chưa xác minh" not in html


def test_featured_products_put_ocop_rated_products_first(home):
    ProductFactory(name="Gạo thường")
    ProductFactory(name="Chè OCOP 5 sao", ocop_stars=5)
    ProductFactory(name="Mật ong OCOP 3 sao", ocop_stars=3)

    names = [p.name for p in home.featured_products()]

    assert names[:2] == ["Chè OCOP 5 sao", "Mật ong OCOP 3 sao"]


def test_home_page_renders_with_demo_data(client):
    call_command("load_demo_data", "--small", stdout=StringIO())

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nông sản sạch từ các hợp tác xã Nghệ An" in html
    assert "Chè búp khô Thanh Chương" in html  # an OCOP 4 ★ product
    assert "HTX Mật ong Con Cuông" in html
    assert 'class="chip"' in html and "Mật ong" in html
    assert "<picture>" in html
