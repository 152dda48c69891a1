"""Public endpoints of the producers' data: cooperatives and lots.

They show what the public pages show, no more: a cooperative's profile
(producers.views.cooperative_detail) and a lot's trace page
(producers.trace_views), whose EPCIS 2.0 document is served here by the same
serializer (producers.epcis).
"""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Literal

from django.db.models import F, Prefetch
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from wagtail.rich_text import expand_db_html

from .. import digital_link, epcis, places, trace_page
from ..models import (
    Certification,
    Cooperative,
    GrowingArea,
    Lot,
    TraceEvent,
)
from ..text import parse_query
from .base import ApiValidationError, ErrorOut, Pages

router = Router(tags=["producers"])
# The namespace the API is mounted under (market.api), for links between endpoints.
API_NAMESPACE = "api_v1"


def _absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return url if "://" in url else request.build_absolute_uri(url)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# -- shared pieces ------------------------------------------------------------


class PlaceOut(Schema):
    code: int
    name: str


def _place(code: int | None, name: str) -> dict | None:
    return None if code is None else {"code": code, "name": name}


class CooperativeRef(Schema):
    slug: str
    name: str


class GrowingAreaOut(Schema):
    name: str
    area_code: str = Field(description="Mã số vùng trồng do cơ quan BVTV cấp.")
    commune: PlaceOut | None
    hectares: float | None
    crops: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_commune(obj):
        return _place(obj.commune_code, obj.commune_name)

    @staticmethod
    def resolve_hectares(obj):
        return _number(obj.hectares)

    @staticmethod
    def resolve_latitude(obj):
        return _number(obj.latitude)

    @staticmethod
    def resolve_longitude(obj):
        return _number(obj.longitude)


class CertificationOut(Schema):
    kind: Literal[tuple(Certification.Kind.values)]  # type: ignore[valid-type]
    label: str
    ocop_stars: int | None
    name: str
    number: str
    issuer: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    scope: str
    in_force: bool = Field(
        description="Còn hiệu lực (hôm nay, hoặc vào ngày thu hoạch của lô)."
    )
    evidence_url: str | None = Field(description="Bản giấy chứng nhận, nếu có.")

    @staticmethod
    def resolve_in_force(obj, context):
        return obj.is_valid_on(context["request"].api_certification_day)

    @staticmethod
    def resolve_evidence_url(obj, context):
        if obj.evidence_id is None:
            return None
        return _absolute(context["request"], obj.evidence.url)


# -- cooperatives -------------------------------------------------------------


class CooperativeFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        description="Tìm theo tên và địa danh, không cần dấu (“thanh chuong”).",
    )
    province: int | None = Field(None, ge=0, description="Mã tỉnh/thành.")
    commune: int | None = Field(None, ge=0, description="Mã xã/phường.")


class CooperativeSummary(Schema):
    slug: str
    name: str
    is_verified: bool = Field(description="Đã được cán bộ huyện xác minh.")
    province: PlaceOut
    commune: PlaceOut | None
    address: str
    logo_url: str | None
    url: str = Field(description="Trang giới thiệu hợp tác xã.")

    @staticmethod
    def resolve_province(obj):
        return _place(obj.province_code, obj.province_name)

    @staticmethod
    def resolve_commune(obj):
        return _place(obj.commune_code, obj.commune_name)

    @staticmethod
    def resolve_logo_url(obj, context):
        if obj.logo_id is None:
            return None
        return _absolute(context["request"], obj.logo.file.url)

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class DeliveryOut(Schema):
    offers_pickup: bool = Field(description="Nhận hàng tại hợp tác xã.")
    offers_delivery: bool = Field(description="Giao hàng tận nơi.")
    delivery_fee: int = Field(description="Phí giao một đơn, đồng.")
    free_delivery_from: int | None = Field(
        description="Miễn phí giao hàng khi tiền hàng từ mức này (đồng)."
    )


class CooperativeOut(CooperativeSummary):
    story: str = Field(description="Câu chuyện (HTML).")
    street: str
    phone: str
    email: str
    website: str
    founded_year: int | None
    member_count: int | None
    latitude: float | None
    longitude: float | None
    delivery: DeliveryOut
    certifications: list[CertificationOut] = Field(
        description="Chứng nhận còn hiệu lực trước, chứng nhận đã hết hạn sau."
    )
    growing_areas: list[GrowingAreaOut]
    lots_url: str = Field(description="Các lô hàng của hợp tác xã (API).")

    @staticmethod
    def resolve_story(obj):
        return expand_db_html(obj.story) if obj.story else ""

    @staticmethod
    def resolve_latitude(obj):
        return _number(obj.latitude)

    @staticmethod
    def resolve_longitude(obj):
        return _number(obj.longitude)

    @staticmethod
    def resolve_delivery(obj):
        return obj

    @staticmethod
    def resolve_certifications(obj, context):
        day = context["request"].api_certification_day
        return sorted(obj.certifications.all(), key=lambda c: not c.is_valid_on(day))

    @staticmethod
    def resolve_growing_areas(obj):
        return obj.growing_areas.all()

    @staticmethod
    def resolve_lots_url(obj, context):
        path = reverse(f"{API_NAMESPACE}:list_lots")
        return context["request"].build_absolute_uri(f"{path}?cooperative={obj.slug}")


def _check_places(province: int | None, commune: int | None) -> None:
    errors = {}
    if province is not None and not places.is_province(province):
        errors["province"] = [_("Không có tỉnh/thành này.")]
    if commune is not None and not places.is_commune(commune):
        errors["commune"] = [_("Không có xã/phường này.")]
    elif "province" not in errors and places.commune_outside_province(
        commune, province
    ):
        errors["commune"] = [str(places.COMMUNE_OUTSIDE_PROVINCE)]
    if errors:
        raise ApiValidationError(errors, location="query")


@router.get(
    "/cooperatives",
    response={200: list[CooperativeSummary], 422: ErrorOut},
    summary="Hợp tác xã",
)
@paginate(Pages)
def list_cooperatives(request, filters: Query[CooperativeFilters]):
    """Cooperatives, verified ones first, then by name.

    `q` needs every word in the cooperative's name or place, without
    diacritics ("thanh chuong" finds "Thanh Chương"); names that start with
    the query come first.
    """
    _check_places(filters.province, filters.commune)
    cooperatives = Cooperative.objects.select_related("logo")
    if filters.province is not None:
        cooperatives = cooperatives.filter(province_code=filters.province)
    if filters.commune is not None:
        cooperatives = cooperatives.filter(commune_code=filters.commune)
    words = parse_query(filters.q).words
    if not words:
        return cooperatives.order_by("-is_verified", "name", "pk")
    return cooperatives.matching(words).order_by(
        "search_rank", "-is_verified", "name", "pk"
    )


@router.get(
    "/cooperatives/{slug}",
    response={200: CooperativeOut, 404: ErrorOut},
    summary="Một hợp tác xã",
)
def get_cooperative(request, slug: str):
    """A cooperative's profile: contact, places, delivery, certificates, areas."""
    if "\x00" in slug:  # PostgreSQL refuses a NUL in a query: 404, not 500
        raise Http404
    request.api_certification_day = timezone.localdate()
    cooperative = (
        Cooperative.objects.select_related("logo")
        .prefetch_related(
            Prefetch(
                "certifications",
                queryset=Certification.objects.select_related("evidence"),
            ),
            Prefetch("growing_areas", queryset=GrowingArea.objects.order_by("name")),
        )
        .filter(slug=slug)
        .first()
    )
    if cooperative is None:
        raise Http404
    return cooperative


# -- lots ---------------------------------------------------------------------


class LotFilters(Schema):
    cooperative: str | None = Field(
        None, max_length=200, description="Đường dẫn (slug) của hợp tác xã."
    )
    status: Literal[tuple(Lot.Status.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Trạng thái của lô."
    )


class LotAreaRef(Schema):
    name: str
    area_code: str


class LotSummary(Schema):
    public_id: str = Field(description="Mã tra cứu in cạnh mã QR.")
    code: str = Field(description="Mã lô của hợp tác xã.")
    product_name: str
    gtin: str
    cooperative: CooperativeRef
    growing_area: LotAreaRef | None
    harvest_date: datetime.date | None
    quantity: float | None
    unit: str
    status: Literal[tuple(Lot.Status.values)]  # type: ignore[valid-type]
    recall_reason: str
    recalled_at: datetime.datetime | None
    head_hash: str = Field(description="Mã băm cuối chuỗi sự kiện (SHA-256).")
    url: str = Field(description="Trang truy xuất (đích của mã QR).")
    epcis_url: str = Field(description="Tài liệu EPCIS 2.0 JSON-LD (API).")

    @staticmethod
    def resolve_quantity(obj):
        return _number(obj.quantity)

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_epcis_url(obj, context):
        path = reverse(
            f"{API_NAMESPACE}:get_lot_epcis", kwargs={"public_id": obj.public_id}
        )
        return context["request"].build_absolute_uri(path)


class FarmerOut(Schema):
    name: str
    hamlet: str


class EventInputOut(Schema):
    public_id: str
    code: str
    cooperative: str = Field(description="Đường dẫn của hợp tác xã của lô đầu vào.")
    quantity: float | None

    @staticmethod
    def resolve_public_id(obj):
        return obj.lot.public_id

    @staticmethod
    def resolve_code(obj):
        return obj.lot.code

    @staticmethod
    def resolve_cooperative(obj):
        return obj.lot.cooperative.slug

    @staticmethod
    def resolve_quantity(obj):
        return _number(obj.quantity)


class LotRef(Schema):
    public_id: str
    code: str
    product_name: str
    cooperative: str = Field(description="Đường dẫn của hợp tác xã.")

    @staticmethod
    def resolve_cooperative(obj):
        return obj.cooperative.slug


class EvidenceOut(Schema):
    title: str
    url: str
    sha256: str
    size: int
    content_type: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context["request"], obj.file.url)


class EventOut(Schema):
    sequence: int = Field(description="Thứ tự trong chuỗi, từ 1.")
    event_type: Literal[tuple(TraceEvent.EventType.values)]  # type: ignore[valid-type]
    biz_step: str = Field(description="Bước nghiệp vụ (EPCIS CBV hoặc bước canh tác).")
    biz_step_label: str
    disposition: str
    event_time: datetime.datetime = Field(description="Theo múi giờ khi ghi.")
    event_time_zone_offset: str
    record_time: datetime.datetime
    growing_area: LotAreaRef | None
    location: str
    quantity: float | None
    unit: str
    inputs: list[EventInputOut] = Field(description="Lô đầu vào (chế biến, gộp lô).")
    notes: str
    details: dict
    corrects: int | None = Field(description="Số thứ tự của sự kiện được đính chính.")
    evidence: list[EvidenceOut]
    content_hash: str
    previous_hash: str
    chain_hash: str

    @staticmethod
    def resolve_biz_step_label(obj):
        return obj.get_biz_step_display()

    @staticmethod
    def resolve_event_time(obj):
        return trace_page.local_time(obj)

    @staticmethod
    def resolve_quantity(obj):
        return _number(obj.quantity)

    @staticmethod
    def resolve_inputs(obj):
        return obj.inputs.all()

    @staticmethod
    def resolve_details(obj):
        return obj.details if isinstance(obj.details, dict) else {}

    @staticmethod
    def resolve_corrects(obj, context):
        return context["request"].api_sequences.get(obj.corrects_id)

    @staticmethod
    def resolve_evidence(obj):
        return obj.evidence.all()


class LotOut(LotSummary):
    farmers: list[FarmerOut] = Field(description="Hộ thành viên góp sản phẩm.")
    growing_area_details: GrowingAreaOut | None = Field(
        description="Vùng trồng của lô, đầy đủ."
    )
    certifications: list[CertificationOut] = Field(
        description="Chứng nhận của hợp tác xã; in_force tính vào ngày thu hoạch."
    )
    verified: bool | None = Field(
        description="Chuỗi băm khớp (null: chưa có sự kiện nào)."
    )
    events: list[EventOut] = Field(description="Sự kiện theo thứ tự chuỗi.")
    outputs: list[LotRef] = Field(
        description="Các lô đã gộp lô này vào (truy xuất xuôi)."
    )

    @staticmethod
    def resolve_farmers(obj):
        return obj.farmers.all()

    @staticmethod
    def resolve_growing_area_details(obj):
        return obj.growing_area

    @staticmethod
    def resolve_certifications(obj, context):
        day = context["request"].api_certification_day
        return sorted(
            obj.cooperative.certifications.all(), key=lambda c: not c.is_valid_on(day)
        )

    @staticmethod
    def resolve_verified(obj):
        return trace_page.chain_verified(obj)

    @staticmethod
    def resolve_events(obj, context):
        return context["request"].api_events

    @staticmethod
    def resolve_outputs(obj):
        return trace_page.output_lots(obj)


@router.get(
    "/lots",
    response={200: list[LotSummary], 422: ErrorOut},
    summary="Lô hàng",
)
@paginate(Pages)
def list_lots(request, filters: Query[LotFilters]):
    """Lots with a public trace page, the latest harvests first."""
    lots = Lot.objects.all()
    if filters.cooperative:
        cooperative = Cooperative.objects.filter(slug=filters.cooperative).first()
        if cooperative is None:
            raise ApiValidationError(
                {"cooperative": [_("Không có hợp tác xã này.")]}, location="query"
            )
        lots = lots.filter(cooperative=cooperative)
    return lot_listing(lots, filters.status)


def lot_listing(lots, status: str | None = None):
    """Lots as the lists show them: one status or all, the latest harvests first."""
    lots = lots.select_related("cooperative", "growing_area")
    if status:
        lots = lots.filter(status=status)
    return lots.order_by(F("harvest_date").desc(nulls_last=True), "-pk")


def _public_lot(public_id: str) -> Lot:
    lot = digital_link.lot_by_public_id(public_id)
    if lot is None:
        raise Http404
    return lot


@router.get(
    "/lots/{public_id}",
    response={200: LotOut, 404: ErrorOut},
    summary="Một lô hàng và nhật ký truy xuất",
)
def get_lot(request, public_id: str):
    """What the lot's trace page shows: facts, farmers, certificates, events."""
    lot = trace_page.lot_page_queryset().get(pk=_public_lot(public_id).pk)
    events = list(trace_page.history_queryset(lot))
    request.api_events = events
    request.api_sequences = {event.pk: event.sequence for event in events}
    request.api_certification_day = lot.harvest_date or timezone.localdate()
    return lot


@router.get(
    "/lots/{public_id}/epcis",
    response={404: ErrorOut},
    summary="Lô hàng dạng EPCIS 2.0 JSON-LD",
    openapi_extra={
        "responses": {
            "200": {
                "description": "EPCISDocument (GS1 EPCIS 2.0, JSON-LD).",
                "content": {epcis.MEDIA_TYPE: {"schema": {"type": "object"}}},
            }
        }
    },
)
def get_lot_epcis(request, public_id: str):
    """The lot's history as an EPCIS 2.0 document: the trace page's own
    `?format=jsonld` serializer (producers.epcis)."""
    document = epcis.epcis_document(_public_lot(public_id))
    response = JsonResponse(
        document,
        content_type=epcis.MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    # creationDate is "now" on every request; the ETag is over the rest, so an
    # unchanged history answers If-None-Match with 304 Not Modified.
    unchanged = {key: value for key, value in document.items() if key != "creationDate"}
    digest = hashlib.sha256(
        json.dumps(unchanged, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    response["ETag"] = quote_etag(digest)
    return response
