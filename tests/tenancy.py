"""Two cooperatives with an editor each, for the admin and tenancy tests.

Cooperative B's rows carry the marker "ZQXB" in their names, so a test can assert that
B never shows up in a page rendered for A's editor.
"""

from dataclasses import dataclass

from django.db.models import Model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from market.models import Product
from producers.models import (
    Certification,
    Cooperative,
    CooperativeLogEntry,
    GrowingArea,
    Membership,
)
from producers.roles import add_member, make_district_staff
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    UserFactory,
    make_image,
)

MARKER = "zqxb"


@dataclass
class World:
    coop_a: Cooperative
    coop_b: Cooperative
    editor_a: object
    editor_b: object
    staff: object
    category: object
    product_a: Product
    product_b: Product
    area_a: GrowingArea
    area_b: GrowingArea
    cert_a: Certification
    cert_b: Certification
    image_a: object
    image_b: object
    document_b: object

    def b_objects(self) -> dict[type[Model], Model]:
        return {
            Cooperative: self.coop_b,
            Product: self.product_b,
            GrowingArea: self.area_b,
            Certification: self.cert_b,
            get_image_model(): self.image_b,
            get_document_model(): self.document_b,
        }


def make_document(collection, title):
    from django.core.files.base import ContentFile

    return get_document_model().objects.create(
        title=title,
        collection=collection,
        file=ContentFile(b"%PDF-1.4 test", name=f"{title}.pdf"),
    )


def build_world() -> World:
    category = CategoryFactory(name="Chè", slug="che")
    coop_a = CooperativeFactory(name="Hợp tác xã Chè Thanh Chương", slug="htx-a")
    coop_b = CooperativeFactory(
        name="Hợp tác xã ZQXB", slug="htx-zqxb", is_verified=False
    )
    editor_a = UserFactory(username="editor_a")
    editor_b = UserFactory(username="editor_b")
    add_member(editor_a, coop_a)
    add_member(editor_b, coop_b, role=Membership.Role.ADMIN)
    staff = UserFactory(username="district")
    make_district_staff(staff)

    cert_a = CertificationFactory(cooperative=coop_a, number="VG-A-1")
    cert_b = CertificationFactory(cooperative=coop_b, number="ZQXB-001")
    image_a = make_image(collection=coop_a.collection, title="Ảnh chè A")
    image_b = make_image(collection=coop_b.collection, title="Ảnh ZQXB")
    document_b = make_document(coop_b.collection, "Giay ZQXB")

    product_a = ProductFactory(
        cooperative=coop_a, category=category, name="Chè búp A", slug="che-bup-a"
    )
    product_b = ProductFactory(
        cooperative=coop_b,
        category=category,
        name="Mật ong ZQXB",
        slug="mat-ong-zqxb",
        summary="Mật ong rừng ZQXB",
    )
    product_b.certifications.add(cert_b)
    product_b.images.create(image=image_b, caption="ZQXB")
    product_b.save()
    # A published revision, then a newer draft: history, compare, revert, unpublish
    # and unschedule all have something to act on.
    product_b.save_revision(user=editor_b, log_action=True).publish(user=editor_b)
    product_b.name = "Mật ong ZQXB (bản nháp)"
    product_b.save_revision(user=editor_b, log_action=True)
    product_b.refresh_from_db()

    area_a = GrowingAreaFactory(cooperative=coop_a, name="Đồi chè A")
    area_b = GrowingAreaFactory(cooperative=coop_b, name="Đồi ZQXB", area_code="ZQXB-1")
    return World(
        coop_a=coop_a,
        coop_b=coop_b,
        editor_a=editor_a,
        editor_b=editor_b,
        staff=staff,
        category=category,
        product_a=product_a,
        product_b=product_b,
        area_a=area_a,
        area_b=area_b,
        cert_a=cert_a,
        cert_b=cert_b,
        image_a=image_a,
        image_b=image_b,
        document_b=document_b,
    )


def snapshot(world: World) -> dict:
    """Everything of B's that a request could change, as comparable plain data."""
    b = world.coop_b
    state = {}
    for model, obj in world.b_objects().items():
        state[model.__name__] = list(model._default_manager.filter(pk=obj.pk).values())
    state["counts"] = {
        "products": Product.objects.filter(cooperative=b).count(),
        "areas": GrowingArea.objects.filter(cooperative=b).count(),
        "certs": Certification.objects.filter(cooperative=b).count(),
        "images": get_image_model().objects.filter(collection=b.collection).count(),
        "documents": get_document_model()
        .objects.filter(collection=b.collection)
        .count(),
        "memberships": Membership.objects.filter(cooperative=b).count(),
        "logs": CooperativeLogEntry.objects.filter(cooperative=b).count(),
        "revisions": Revision.objects.for_instance(world.product_b).count(),
        "product_images": list(
            world.product_b.images.values_list("image_id", "caption")
        ),
        "product_certs": list(
            world.product_b.certifications.values_list("pk", flat=True)
        ),
    }
    return state


def product_form_data(world: World, product=None, **overrides) -> dict:
    """POST data for the product admin form, valid when posted by district staff."""
    product = product or world.product_b
    images = [
        {"image": pi.image_id, "caption": "ảnh", "id": pi.pk}
        for pi in product.images.all()
    ]
    data = {
        "cooperative": product.cooperative_id,
        "name": "Đã bị sửa",
        "slug": product.slug,
        "category": product.category_id,
        "summary": product.summary,
        "description": rich_text("<p>mô tả</p>"),
        "unit": product.unit,
        "price": product.price,
        "stock": product.stock,
        "min_order_quantity": product.min_order_quantity,
        "certifications": list(product.certifications.values_list("pk", flat=True)),
        "ocop_stars": "",
        "gtin": "",
        "images": inline_formset(images, initial=len(images)),
    }
    data.update(overrides)
    # A multiple choice is posted as a repeated key, which nested_form_data would
    # flatten into numbered keys.
    certifications = data.pop("certifications")
    flat = nested_form_data(data)
    flat["certifications"] = [str(pk) for pk in certifications]
    return flat


def cooperative_form_data(cooperative, **overrides) -> dict:
    data = {
        "name": "Đã bị sửa",
        "slug": cooperative.slug,
        "story": rich_text("<p>chuyện</p>"),
        "province_code": cooperative.province_code,
        "commune_code": cooperative.commune_code or "",
        "street": cooperative.street,
        "phone": cooperative.phone,
        "email": "",
        "website": "",
        "founded_year": "",
        "member_count": "",
        "latitude": "",
        "longitude": "",
        "is_verified": "on",
        "photos": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def growing_area_form_data(area, **overrides) -> dict:
    data = {
        "cooperative": area.cooperative_id,
        "name": "Đã bị sửa",
        "area_code": area.area_code,
        "commune_code": "",
        "latitude": "",
        "longitude": "",
        "hectares": "3.50",
        "crops": "chè",
    }
    data.update(overrides)
    return data


def certification_form_data(cert, **overrides) -> dict:
    data = {
        "cooperative": cert.cooperative_id,
        "kind": "vietgap",
        "ocop_stars": "",
        "name": "",
        "number": "DA-BI-SUA",
        "issuer": cert.issuer,
        "issued_on": "2025-01-01",
        "expires_on": "2026-01-01",
        "scope": "",
        "evidence": "",
    }
    data.update(overrides)
    return data


def form_data_for(world: World, obj) -> dict:
    """Valid edit data for one of the tenant models, free of B's marker text."""
    if isinstance(obj, Product):
        return product_form_data(world, obj, slug="da-bi-sua", summary="")
    if isinstance(obj, Cooperative):
        return cooperative_form_data(obj, slug="da-bi-sua")
    if isinstance(obj, GrowingArea):
        return growing_area_form_data(obj, area_code="DA-BI-SUA")
    if isinstance(obj, Certification):
        return certification_form_data(obj)
    return {"title": "Đã bị sửa"}
