"""A photo of a product or cooperative is never published without words a
screen reader can say: its own alt text in the gallery row, or the image's
description from the image library."""

import re

import pytest
from django.urls import reverse

from market.models import Product
from producers.models import Cooperative
from tests.producers.factories import make_image
from tests.tenancy import build_world, cooperative_form_data, product_form_data

pytestmark = pytest.mark.django_db

MISSING = "mô tả ảnh cho người khiếm thị"


def product_url(name, *args):
    return reverse(f"wagtailsnippets_market_product:{name}", args=args)


def cooperative_url(name, *args):
    return reverse(f"wagtailsnippets_producers_cooperative:{name}", args=args)


@pytest.fixture
def world():
    return build_world()


def with_photo(data: dict, prefix: str, image, alt_text: str, caption="") -> dict:
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-image": str(image.pk),
            f"{prefix}-0-alt_text": alt_text,
            f"{prefix}-0-caption": caption,
            f"{prefix}-0-id": "",
            f"{prefix}-0-ORDER": "1",
            f"{prefix}-0-DELETE": "",
        }
    )
    return data


def publish_product(client, world, image, alt_text):
    data = product_form_data(
        world,
        world.product_a,
        name="Chè búp A",
        images=[],
        **{"action-publish": "action-publish"},
    )
    return client.post(
        product_url("edit", world.product_a.pk),
        with_photo(data, "images", image, alt_text),
    )


def img_alts(html: str) -> list[str]:
    return re.findall(r'<img[^>]*\salt="([^"]*)"', html)


def test_a_product_photo_without_any_alt_text_is_refused_with_a_clear_message(
    client, world
):
    client.force_login(world.editor_a)
    assert world.image_a.description == ""
    revisions = world.product_a.revisions.count()
    response = publish_product(client, world, world.image_a, alt_text="  ")
    assert response.status_code == 200
    row = response.context["form"].formsets["images"].forms[0]
    assert MISSING in " ".join(row.errors["alt_text"])
    # The editor sees it next to the field, in Vietnamese.
    assert MISSING in response.content.decode()
    world.product_a.refresh_from_db()
    assert not world.product_a.images.exists()
    assert world.product_a.revisions.count() == revisions


def test_a_product_photo_with_alt_text_is_saved_and_the_public_page_says_it(
    client, world
):
    client.force_login(world.editor_a)
    alt = "Hộp chè búp khô màu xanh rêu trên nền gỗ"
    response = publish_product(client, world, world.image_a, alt_text=alt)
    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get(pk=world.product_a.pk)
    assert product.live
    assert product.images.get().alt_text == alt

    html = client.get(product.get_absolute_url()).content.decode()
    assert alt in img_alts(html)
    assert f'<meta property="og:image:alt" content="{alt}">' in html


def test_an_image_described_in_the_library_needs_no_alt_text_of_its_own(client, world):
    described = make_image(
        collection=world.coop_a.collection, title="IMG_2041.jpg", colour="green"
    )
    described.description = "Nương chè Thanh Chương sau mưa"
    described.save()
    client.force_login(world.editor_a)
    response = publish_product(client, world, described, alt_text="")
    assert response.status_code == 302, response.context["form"].errors

    html = client.get(world.product_a.get_absolute_url()).content.decode()
    assert "Nương chè Thanh Chương sau mưa" in img_alts(html)
    # Never the file name the title was made from.
    assert "IMG_2041.jpg" not in img_alts(html)


def test_a_cooperative_photo_needs_alt_text_too(client, world):
    client.force_login(world.staff)
    coop = world.coop_a
    refused = client.post(
        cooperative_url("edit", coop.pk),
        with_photo(cooperative_form_data(coop), "photos", world.image_a, ""),
    )
    assert refused.status_code == 200
    row = refused.context["form"].formsets["photos"].forms[0]
    assert MISSING in " ".join(row.errors["alt_text"])
    assert not coop.photos.exists()

    alt = "Xã viên hái chè trên đồi Hạnh Lâm"
    saved = client.post(
        cooperative_url("edit", coop.pk),
        with_photo(
            cooperative_form_data(coop), "photos", world.image_a, alt, "Mùa hái"
        ),
    )
    assert saved.status_code == 302, saved.context["form"].errors
    coop = Cooperative.objects.get(pk=coop.pk)
    assert coop.photos.get().alt_text == alt
    html = client.get(coop.get_absolute_url()).content.decode()
    assert alt in img_alts(html)
    # The logo beside the name stays decorative.
    assert "<figcaption>Mùa hái</figcaption>" in html
