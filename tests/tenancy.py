"""Two cooperatives with an editor each, for the admin and tenancy tests.

Cooperative B's rows carry the marker "ZQXB" in their names, so a test can assert that
B never shows up in a page rendered for A's editor.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from market import fulfilment as fulfilment_actions
from market import ordering, product_import, settlement
from market.models import (
    DeliveryMethod,
    Fulfilment,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    Payout,
    Product,
    ProductImport,
)
from producers.models import (
    ApiToken,
    BusinessStep,
    Certification,
    Cooperative,
    CooperativeLogEntry,
    GrowingArea,
    Lot,
    MemberFarmer,
    Membership,
    TraceEvent,
    TraceEventInput,
    TraceEvidence,
)
from producers.roles import add_member, make_district_staff
from producers.traceability import NewEvent, record_event
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.orders import place
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    LotFactory,
    MemberFarmerFactory,
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
    farmer_a: MemberFarmer
    farmer_b: MemberFarmer
    lot_a: Lot
    lot_b: Lot
    event_a: TraceEvent
    event_b: TraceEvent
    # Orders: A's alone, one shared by A and B, B's alone (paid by bank transfer).
    order_a: Order
    fulfilment_a: Fulfilment
    shared_order: Order
    shared_a: Fulfilment
    shared_b: Fulfilment
    order_b: Order
    fulfilment_b: Fulfilment
    payout_b: Payout
    # An uploaded product file of B's, previewed and not yet applied.
    import_b: ProductImport
    # API tokens: B's is managed by B's administrator (editor_b).
    token_a: ApiToken
    token_b: ApiToken

    def b_objects(self) -> dict[type[Model], Model]:
        return {
            Cooperative: self.coop_b,
            Product: self.product_b,
            GrowingArea: self.area_b,
            Certification: self.cert_b,
            get_image_model(): self.image_b,
            get_document_model(): self.document_b,
            MemberFarmer: self.farmer_b,
            Lot: self.lot_b,
            TraceEvent: self.event_b,
            Fulfilment: self.fulfilment_b,
            Payout: self.payout_b,
            ApiToken: self.token_b,
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

    farmer_a = MemberFarmerFactory(cooperative=coop_a, name="Nguyễn Thị Hoa")
    farmer_b = MemberFarmerFactory(cooperative=coop_b, name="Hộ ZQXB")
    lot_a = LotFactory(
        cooperative=coop_a, code="CHE-A-01", growing_area=area_a, product_name="Chè A"
    )
    lot_a.farmers.add(farmer_a)
    lot_b = LotFactory(
        cooperative=coop_b,
        code="ZQXB-01",
        growing_area=area_b,
        product_name="Mật ong ZQXB",
    )
    lot_b.farmers.add(farmer_b)
    event_a = record_event(
        lot_a, NewEvent(biz_step=BusinessStep.COMMISSIONING), user=editor_a
    )
    event_b = record_event(
        lot_b,
        NewEvent(biz_step=BusinessStep.COMMISSIONING, notes="Thu hoạch ZQXB"),
        user=editor_b,
    )
    orders = _build_orders(coop_a, coop_b, product_a, product_b, editor_b, staff)
    import_b, _plan = product_import.preview_import(
        coop_b,
        file_name="gia-zqxb.csv",
        data=product_import.export_csv(coop_b).replace(b"150000", b"99000"),
        user=editor_b,
    )
    token_a, _secret = ApiToken.issue(cooperative=coop_a, name="Phần mềm kho A")
    token_b, _secret = ApiToken.issue(
        cooperative=coop_b, name="Phần mềm kho ZQXB", user=editor_b
    )
    return World(
        **orders,
        import_b=import_b,
        token_a=token_a,
        token_b=token_b,
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
        farmer_a=farmer_a,
        farmer_b=farmer_b,
        lot_a=lot_a,
        lot_b=lot_b,
        event_a=event_a,
        event_b=event_b,
    )


def _build_orders(coop_a, coop_b, product_a, product_b, editor_b, staff) -> dict:
    """Orders in every state an admin view shows, B's marked with "ZQXB"."""
    Product.objects.filter(pk__in=[product_a.pk, product_b.pk]).update(stock=50)
    order_a = place([(product_a, 1)], contact_name="Trần Văn Minh")
    # A buyer of both: A's editor sees the buyer and A's part, never B's lines,
    # B's tracking note or B's part of the history.
    shared_order = place(
        [(product_a, 2), (product_b, 1)],
        contact_name="Lê Thị Hoa",
        delivery={coop_b.pk: DeliveryMethod.PICKUP},
    )
    shared_b = shared_order.fulfilments.get(cooperative=coop_b)
    for name in ("confirm", "pack"):
        getattr(fulfilment_actions, name)(shared_b, user=editor_b)
    fulfilment_actions.ship(shared_b, user=editor_b, tracking_note="Xe ZQXB")
    fulfilment_actions.deliver(shared_b, user=editor_b)
    order_b = place(
        [(product_b, 3)],
        payment_method=PaymentMethod.BANK_TRANSFER,
        contact_name="Khách ZQXB",
        email="zqxb@example.vn",
        note="Ghi chú ZQXB",
    )
    ordering.mark_paid(order_b, amount=order_b.total, user=staff, source="bank")
    payout_b = settlement.record_payout(
        cooperative=coop_b,
        amount=10000,
        paid_on=datetime.date(2026, 11, 25),
        reference="ZQXB-UNC-1",
        note="Chi ZQXB",
        user=staff,
    )
    return {
        "order_a": order_a,
        "fulfilment_a": order_a.fulfilments.get(),
        "shared_order": shared_order,
        "shared_a": shared_order.fulfilments.get(cooperative=coop_a),
        "shared_b": Fulfilment.objects.get(pk=shared_b.pk),
        "order_b": Order.objects.get(pk=order_b.pk),
        "fulfilment_b": order_b.fulfilments.get(),
        "payout_b": payout_b,
    }


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
        "lots": list(Lot.objects.filter(cooperative=b).order_by("pk").values()),
        "lot_farmers": list(
            Lot.farmers.through.objects.filter(lot__cooperative=b)
            .order_by("pk")
            .values_list("lot_id", "memberfarmer_id")
        ),
        "farmers": list(
            MemberFarmer.objects.filter(cooperative=b).order_by("pk").values()
        ),
        "events": list(
            TraceEvent.objects.filter(lot__cooperative=b)
            .order_by("pk")
            .values_list("pk", "chain_hash")
        ),
        "event_inputs": TraceEventInput.objects.filter(lot__cooperative=b).count(),
        "evidence": TraceEvidence.objects.filter(event__lot__cooperative=b).count(),
        "fulfilments": list(
            Fulfilment.objects.filter(cooperative=b).order_by("pk").values()
        ),
        "order_b": list(Order.objects.filter(pk=world.order_b.pk).values()),
        "order_lines": list(
            OrderLine.objects.filter(fulfilment__cooperative=b).order_by("pk").values()
        ),
        "order_events": OrderEvent.objects.filter(
            order__fulfilments__cooperative=b
        ).count(),
        "ledger": list(
            LedgerEntry.objects.filter(cooperative=b).order_by("pk").values()
        ),
        "payouts": list(Payout.objects.filter(cooperative=b).order_by("pk").values()),
        "api_tokens": list(
            ApiToken.objects.filter(cooperative=b).order_by("pk").values()
        ),
        "imports": list(
            ProductImport.objects.filter(cooperative=b)
            .order_by("pk")
            .values_list("pk", "status", "plan_digest", "applied_at")
        ),
    }
    return state


def product_form_data(world: World, product=None, **overrides) -> dict:
    """POST data for the product admin form, valid when posted by district staff."""
    product = product or world.product_b
    images = [
        {"image": pi.image_id, "alt_text": "ảnh", "caption": "ảnh", "id": pi.pk}
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
        "offers_pickup": "on",
        "offers_delivery": "on",
        "delivery_fee": cooperative.delivery_fee,
        "free_delivery_from": cooperative.free_delivery_from or "",
        "orders_email": cooperative.orders_email,
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


def farmer_form_data(farmer, **overrides) -> dict:
    data = {"cooperative": farmer.cooperative_id, "name": "Đã bị sửa", "hamlet": ""}
    data.update(overrides)
    return data


def lot_form_data(lot, **overrides) -> dict:
    data = {
        "cooperative": lot.cooperative_id,
        "code": "DA-BI-SUA",
        "gtin": "",
        "product_name": "Đã bị sửa",
        "growing_area": lot.growing_area_id or "",
        "harvest_date": "2026-11-20",
        "quantity": "10",
        "unit": "kg",
        "farmers": [str(pk) for pk in lot.farmers.values_list("pk", flat=True)],
        "status": "sold_out",
    }
    data.update(overrides)
    return data


def record_event_form_data(lot, **overrides) -> dict:
    """POST data for the phone form that records an event on `lot`."""
    data = {
        "lot": lot.pk,
        "biz_step": "packing",
        "event_time": "2026-11-21T08:30",
        "quantity": "10",
        "unit": "kg",
        "growing_area": "",
        "location": "",
        "notes": "Đã bị ghi",
    }
    data.update(overrides)
    return data


def form_data_for(world: World, obj) -> dict:
    """Valid edit data for one of the tenant models, free of B's marker text."""
    if isinstance(obj, Fulfilment):
        return {"note": "Đã bị sửa"}
    if isinstance(obj, ApiToken):
        return {"cooperative": obj.cooperative_id, "name": "Đã bị sửa"}
    if isinstance(obj, Payout):
        return {
            "cooperative": obj.cooperative_id,
            "amount": "1",
            "paid_on": "2026-11-20",
            "reference": "DA-BI-SUA",
            "note": "",
        }
    if isinstance(obj, Lot):
        return lot_form_data(obj)
    if isinstance(obj, MemberFarmer):
        return farmer_form_data(obj)
    if isinstance(obj, TraceEvent):
        return record_event_form_data(obj.lot)
    if isinstance(obj, Product):
        return product_form_data(world, obj, slug="da-bi-sua", summary="")
    if isinstance(obj, Cooperative):
        return cooperative_form_data(obj, slug="da-bi-sua")
    if isinstance(obj, GrowingArea):
        return growing_area_form_data(obj, area_code="DA-BI-SUA")
    if isinstance(obj, Certification):
        return certification_form_data(obj)
    return {"title": "Đã bị sửa"}
