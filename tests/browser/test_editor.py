"""A cooperative editor adds a product with a photo in the admin, publishes it, and
finds it in the public catalogue."""

import io

import pytest
from PIL import Image as PILImage

from market.models import Product
from producers.roles import add_member, ensure_roles
from tests.market.factories import CategoryFactory
from tests.producers.factories import CooperativeFactory, UserFactory


@pytest.fixture
def editor(site_url):
    ensure_roles()
    cooperative = CooperativeFactory(name="HTX Mật ong Con Cuông", slug="htx-mat-ong")
    CooperativeFactory(name="HTX Khác", slug="htx-khac")
    CategoryFactory(name="Mật ong", slug="mat-ong")
    user = UserFactory(username="ong-mat", first_name="Lan")
    add_member(user, cooperative)
    return user


def honey_photo(tmp_path):
    path = tmp_path / "mat-ong-hoa-rung.jpg"
    image = PILImage.new("RGB", (900, 675), (214, 150, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def test_editor_adds_a_product_with_a_photo_publishes_it_and_finds_it_in_the_catalogue(
    page, site_url, editor, tmp_path, screenshot
):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "ong-mat")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(site_url + "/admin/snippets/market/product/add/")
    # A one-cooperative editor cannot pick another cooperative.
    assert page.locator("#id_cooperative").is_disabled()
    page.fill("#id_name", "Mật ong hoa rừng Pù Mát")
    page.fill("#id_slug", "mat-ong-hoa-rung-pu-mat")
    page.select_option("#id_category", label="Mật ong")
    page.fill("#id_price", "280000")
    page.select_option("#id_unit", "bottle")

    # Add a photo through the image chooser's upload tab, with alt text.
    page.locator("#id_images-ADD").click()
    page.locator("#id_images-0-image-chooser .chooser__choose-button").click()
    modal = page.locator(".modal-content")
    modal.locator("#tab-label-upload").click()
    modal.locator("input[type=file]").set_input_files(str(honey_photo(tmp_path)))
    modal.locator("#id_image-chooser-upload-title").fill("Mật ong hoa rừng")
    modal.locator("#id_image-chooser-upload-description").fill(
        "Chai mật ong hoa rừng màu hổ phách"
    )
    modal.locator("form[data-chooser-modal-creation-form] button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('#id_images-0-image-title').textContent.trim()"
        " !== ''"
    )
    screenshot("admin-product-form")

    # Publish from the action menu.
    page.locator(".dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Xuất bản").or_(
        page.get_by_role("button", name="Publish")
    ).first.click()
    page.wait_for_url("**/admin/snippets/market/product/**")
    screenshot("admin-product-published")

    product = Product.objects.get(slug="mat-ong-hoa-rung-pu-mat")
    assert product.live
    assert product.cooperative.slug == "htx-mat-ong"
    image = product.images.get().image
    assert image.collection_id == product.cooperative.collection_id

    # Stock is received on its own page (orders move it; the product form does not).
    page.goto(site_url + f"/admin/cho/ton-kho/{product.pk}/")
    page.fill("#id_quantity", "35")
    page.get_by_role("button", name="Lưu tồn kho").click()
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.stock == 35

    page.goto(site_url + "/san-pham/?q=mat+ong+pu+mat")
    card = page.locator(".product-card", has_text="Mật ong hoa rừng Pù Mát")
    assert card.is_visible()
    assert "280.000 ₫" in card.inner_text()
    card.get_by_role("link").first.click()
    page.wait_for_url("**/san-pham/mat-ong-hoa-rung-pu-mat/")
    assert page.locator(".gallery img").first.evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )
    screenshot("editor-product-public")
