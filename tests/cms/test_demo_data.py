"""`load_demo_data` builds a browsable district site, the same however often it runs.

The command is exercised with `--small` (two cooperatives, three products each) to
keep these tests fast; the full data set is checked as plain values below.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from stdnum import ean
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from cms.demo import data
from cms.demo.loader import COOPERATIVE_PASSWORD, gtin
from cms.models import HomePage
from market.models import Category, Order, Product
from producers import places
from producers.models import Certification, Cooperative, GrowingArea, Membership


def load_small_demo() -> str:
    out = StringIO()
    call_command("load_demo_data", "--small", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "cooperatives": Cooperative.objects.count(),
        "areas": GrowingArea.objects.count(),
        "certifications": Certification.objects.count(),
        "products": Product.objects.count(),
        "live products": Product.objects.filter(live=True).count(),
        "revisions": Revision.objects.count(),
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "orders": Order.objects.count(),
    }


@pytest.mark.django_db
def test_running_the_demo_command_twice_gives_the_same_rows_and_no_new_revisions():
    load_small_demo()
    first = row_counts()

    output = load_small_demo()

    assert row_counts() == first
    assert "0 phiên bản mới lần này" in output
    assert first["cooperatives"] == 2
    assert first["categories"] == len(data.CATEGORIES)
    assert first["products"] == 2 * data.SMALL_PRODUCTS_PER_COOPERATIVE
    assert first["orders"] >= 1


@pytest.mark.django_db
def test_demo_builds_home_page_cooperatives_products_and_logins(client):
    output = load_small_demo()

    # The site root is the home page on 127.0.0.1:8000; Wagtail's welcome page is gone.
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get()
    assert (site.hostname, site.port, site.root_page_id) == ("127.0.0.1", 8000, home.pk)
    assert home.live and home.hero_image is not None
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()

    # Cooperatives: real communes, logo and photos in their own collection, and an
    # expired certificate next to valid ones.
    tea = Cooperative.objects.get(slug="htx-che-thanh-chuong")
    assert tea.commune_name == "Xã Hạnh Lâm" and tea.is_verified
    assert tea.logo.collection == tea.collection
    assert tea.photos.count() == 3
    assert {c.kind: c.is_valid_today for c in tea.certifications.all()} == {
        "vietgap": True,
        "ocop": True,
        "organic": False,
    }

    # Products: published through a revision, image with alt text, certificates,
    # a GTIN with a correct check digit.
    product = Product.objects.get(slug="che-bup-kho-thanh-chuong")
    assert product.live and product.live_revision is not None
    image = product.images.get().image
    assert image.collection == tea.collection
    assert image.description == "Chè búp khô Thanh Chương – HTX Chè Thanh Chương"
    assert (image.width, image.height) == (800, 600)
    assert {c.label for c in product.certifications.all()} == {"VietGAP", "OCOP 4 ★"}
    assert len(product.gtin) == 14 and ean.is_valid(product.gtin)
    assert product.ocop_stars == 4

    # Logins printed at the end work.
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    editor = User.objects.get(username="htx-che-thanh-chuong")
    assert editor.check_password(COOPERATIVE_PASSWORD)
    membership = Membership.objects.get(user=editor, cooperative=tea)
    # The cooperative's own account administers it (and so issues API tokens).
    assert membership.role == Membership.Role.ADMIN
    assert client.login(username="huyen", password="huyen-demo-2026")
    for secret in ("admin-demo-2026", "huyen-demo-2026", COOPERATIVE_PASSWORD):
        assert secret in output


def test_gtin_helper_appends_the_ean_check_digit():
    code = gtin("893605401", "001")

    assert code == "0" + "893605401001" + ean.calc_check_digit("893605401001")
    assert ean.is_valid(code)


def test_every_demo_commune_is_a_real_commune_of_nghe_an():
    for cooperative in data.COOPERATIVES:
        assert places.commune_province(cooperative.commune_code) == 40
        for area in cooperative.areas:
            assert places.commune_province(area.commune_code) == 40


def test_full_demo_data_set_is_big_and_varied_enough_to_look_at():
    products = [p for c in data.COOPERATIVES for p in c.products]

    assert len(data.COOPERATIVES) == 8
    assert len(products) >= 40
    assert len({p.slug for p in products}) == len(products)
    assert any(p.stock == 0 for p in products)
    assert 1 <= sum(p.draft for p in products) <= 2
    assert all(20000 <= p.price <= 650000 for p in products)
    assert {p.ocop_stars for p in products} >= {3, 4}
    assert any(not c.is_verified for c in data.COOPERATIVES)
    # Each product's certificate keys exist in its cooperative.
    for cooperative in data.COOPERATIVES:
        keys = {c.key for c in cooperative.certifications}
        for product in cooperative.products:
            assert set(product.certifications) <= keys


@pytest.mark.django_db
def test_demo_history_gives_a_year_of_sales_and_a_second_load_takes_no_stock():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.demo import history
    from market import reports

    load_small_demo()
    buyer = get_user_model().objects.get(username="hoa.nguyen@example.vn")
    assert history.load_history(buyer, count=48) == 48
    placed = Order.objects.filter(checkout_token__startswith=history.TOKEN_PREFIX)
    assert placed.count() == 48
    stock = dict(Product.objects.values_list("slug", "stock"))

    assert history.load_history(buyer, count=48) == 0
    assert dict(Product.objects.values_list("slug", "stock")) == stock

    report = reports.district_report(reports.preset_period("12m", timezone.localdate()))
    months = [row for row in report.tables["thang"].rows if row["orders"]]
    assert len(months) >= 10
    assert report.summary.orders > 36
    statuses = set(placed.values_list("status", flat=True))
    assert {Order.Status.COMPLETED, Order.Status.CANCELLED} <= statuses
