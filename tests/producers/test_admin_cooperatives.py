"""Cooperative, growing area and certification admin; images and the audit log."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from producers import places
from producers.models import CooperativeLogEntry, GrowingArea
from tests.producers.factories import CertificationFactory
from tests.tenancy import (
    MARKER,
    build_world,
    certification_form_data,
    cooperative_form_data,
    growing_area_form_data,
)

pytestmark = pytest.mark.django_db


def url(model, name, *args):
    return reverse(f"wagtailsnippets_producers_{model}:{name}", args=args)


@pytest.fixture
def world():
    return build_world()


def test_editor_edits_own_cooperative_profile_but_cannot_verify_it(client, world):
    client.force_login(world.editor_b)
    response = client.get(url("cooperative", "edit", world.coop_b.pk))
    assert response.status_code == 200
    assert "is_verified" not in response.context["form"].fields

    data = cooperative_form_data(world.coop_b, name="HTX Mật ong Quỳ Hợp")
    response = client.post(url("cooperative", "edit", world.coop_b.pk), data)
    assert response.status_code == 302
    world.coop_b.refresh_from_db()
    assert world.coop_b.name == "HTX Mật ong Quỳ Hợp"
    assert not world.coop_b.is_verified  # the posted "is_verified=on" was ignored


def test_district_staff_verify_a_cooperative(client, world):
    client.force_login(world.staff)
    data = cooperative_form_data(world.coop_b, slug=world.coop_b.slug)
    response = client.post(url("cooperative", "edit", world.coop_b.pk), data)
    assert response.status_code == 302
    world.coop_b.refresh_from_db()
    assert world.coop_b.is_verified


def test_editor_cannot_create_or_delete_cooperatives(client, world):
    client.force_login(world.editor_a)
    response = client.post(
        url("cooperative", "add"), cooperative_form_data(world.coop_a, slug="moi")
    )
    assert response.status_code in (302, 403)
    assert not world.coop_a.__class__.objects.filter(slug="moi").exists()
    response = client.post(url("cooperative", "delete", world.coop_a.pk))
    assert response.status_code in (302, 403)
    assert world.coop_a.__class__.objects.filter(pk=world.coop_a.pk).exists()


def test_cooperative_listing_shows_editors_own_and_staff_all(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("cooperative", "list"))
    assert list(response.context["object_list"]) == [world.coop_a]
    client.force_login(world.staff)
    response = client.get(url("cooperative", "list"), {"is_verified": "false"})
    assert list(response.context["object_list"]) == [world.coop_b]


def test_editor_creates_a_growing_area_in_their_cooperative(client, world):
    client.force_login(world.editor_a)
    response = client.get(url("growingarea", "add"))
    assert list(response.context["form"].fields["cooperative"].queryset) == [
        world.coop_a
    ]
    data = growing_area_form_data(
        world.area_a, cooperative=world.coop_b.pk, name="Đồi mới", area_code="VT-9"
    )
    response = client.post(url("growingarea", "add"), data)
    assert response.status_code == 302
    area = GrowingArea.objects.get(area_code="VT-9")
    assert area.cooperative == world.coop_a


def test_certification_list_marks_expired_certificates(client, world):
    expired = CertificationFactory(
        cooperative=world.coop_a,
        number="HET-HAN-1",
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2021, 1, 1),
    )
    client.force_login(world.editor_a)
    response = client.get(url("certification", "list"))
    content = response.content.decode()
    assert "HET-HAN-1" in content and "Đã hết hạn" in content
    assert MARKER not in content.lower()

    response = client.get(url("certification", "list"), {"validity": "expired"})
    assert list(response.context["object_list"]) == [expired]


def test_certificate_evidence_must_be_a_document_the_editor_may_use(client, world):
    client.force_login(world.editor_a)
    data = certification_form_data(world.cert_a, evidence=world.document_b.pk)
    response = client.post(url("certification", "edit", world.cert_a.pk), data)
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert MARKER not in response.content.decode().lower()


def test_editors_image_upload_lands_in_their_cooperatives_collection(client, world):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Đồi chè buổi sáng",
            "file": SimpleUploadedFile(
                "doi-che.png", get_test_image_file().file.getvalue()
            ),
        },
    )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Đồi chè buổi sáng")
    assert image.collection == world.coop_a.collection


def test_oversized_image_upload_is_refused_with_a_message(client, world, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    client.force_login(world.editor_a)
    big = SimpleUploadedFile(
        "lon.png", get_test_image_file(size=(1200, 1200)).file.getvalue()
    )
    assert big.size > 1024
    response = client.post(
        reverse("wagtailimages:add"), {"title": "Ảnh quá lớn", "file": big}
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not get_image_model().objects.filter(title="Ảnh quá lớn").exists()


def test_image_listing_and_chooser_show_only_the_cooperatives_images(client, world):
    client.force_login(world.editor_a)
    content = client.get(reverse("wagtailimages:index")).content.decode()
    assert "Ảnh chè A" in content
    assert MARKER not in content.lower()
    chooser = client.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert "Ảnh chè A" in chooser
    assert MARKER not in chooser.lower()


def test_site_history_shows_an_editor_only_their_cooperatives_edits(client, world):
    # build_world saved revisions of B's product with log entries.
    assert CooperativeLogEntry.objects.filter(cooperative=world.coop_b).exists()
    world.product_a.save_revision(user=world.editor_a, log_action=True)
    client.force_login(world.editor_a)

    response = client.get(reverse("wagtailadmin_reports:site_history"))
    content = response.content.decode()
    assert "Chè búp A" in content
    assert MARKER not in content.lower()

    client.force_login(world.staff)
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert MARKER in response.content.decode().lower()


def test_cooperative_form_offers_the_communes_of_the_posted_province(client, world):
    province = next(code for code, _ in places.province_choices() if code != 40)
    commune = places.commune_choices(province)[0][0]
    client.force_login(world.staff)
    data = cooperative_form_data(
        world.coop_a,
        slug=world.coop_a.slug,
        province_code=province,
        commune_code=commune,
    )
    response = client.post(url("cooperative", "edit", world.coop_a.pk), data)
    assert response.status_code == 302
    world.coop_a.refresh_from_db()
    assert (world.coop_a.province_code, world.coop_a.commune_code) == (
        province,
        commune,
    )
