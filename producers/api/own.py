"""Endpoints for a cooperative's own software, with its token: lots and events.

Everything is looked up inside the token's cooperative: another cooperative's
lot or growing area is answered exactly as one that does not exist. Lots are
made by `producers.lots.create_lot`; an event goes through
`producers.lots.event_from_entry` (the admin form's rules) and is appended by
`producers.traceability.record_event` (the same lock and hash chain).
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from ..lots import (
    RECORDABLE_STEPS,
    EventEntry,
    create_lot,
    event_from_entry,
    normalise_lot_code,
)
from ..models import Cooperative, GrowingArea, Lot
from ..trace_page import history_queryset
from ..traceability import VIETNAM_OFFSET, EventInput, record_event
from .base import (
    ApiValidationError,
    CooperativeToken,
    ErrorOut,
    Pages,
    StrictSchema,
    token_cooperative,
    token_user,
)
from .public import EventOut, LotSummary, lot_listing

router = Router(tags=["cooperative"], auth=CooperativeToken())

MAX_EVENT_INPUTS = 50
# Record-time errors of `record_event` named by what the API body calls them.
RECORD_ERROR_FIELDS = {"details": "pesticide"}


class TokenCooperativeOut(Schema):
    slug: str
    name: str


@router.get(
    "",
    response={200: TokenCooperativeOut, 401: ErrorOut},
    summary="Hợp tác xã của mã truy cập",
)
def me(request):
    """The cooperative this token acts for."""
    return token_cooperative(request)


# -- helpers --------------------------------------------------------------------


def own_lot(cooperative: Cooperative, code: str) -> Lot:
    """The cooperative's lot with `code`; any other is 404."""
    lot = (
        Lot.objects.select_related("cooperative", "growing_area")
        .filter(cooperative=cooperative, code=normalise_lot_code(code))
        .first()
    )
    if lot is None:
        raise Http404
    return lot


def own_area(cooperative: Cooperative, value: str | None) -> GrowingArea | None:
    """The cooperative's growing area by its official code or its id."""
    value = (value or "").strip()
    if not value:
        return None
    areas = GrowingArea.objects.filter(cooperative=cooperative)
    area = areas.filter(area_code=value).first()
    if area is None and value.isdigit() and len(value) < 12:
        area = areas.filter(pk=int(value)).first()
    if area is None:
        raise ApiValidationError(
            {"growing_area": [_("Hợp tác xã không có vùng trồng này.")]}
        )
    return area


def as_vietnam_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without an offset is read as Vietnam time, as the admin form does."""
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=VIETNAM_OFFSET)
    return value


def decimal_field(description: str):
    return Field(None, ge=0, max_digits=12, decimal_places=2, description=description)


# -- lots -----------------------------------------------------------------------


class OwnLotFilters(Schema):
    status: Literal[tuple(Lot.Status.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Trạng thái của lô."
    )


class LotIn(StrictSchema):
    code: str = Field(
        min_length=1,
        max_length=40,
        description="Mã lô: chữ in hoa A-Z, chữ số, dấu gạch ngang (viết thường "
        "được đổi thành in hoa).",
    )
    product_name: str = Field(min_length=1, max_length=200)
    gtin: str = Field(
        "", max_length=20, description="GTIN-8/12/13/14 trên bao bì; không đổi sau."
    )
    growing_area: str | None = Field(
        None, max_length=50, description="Mã số vùng trồng, hoặc số id của vùng."
    )
    harvest_date: datetime.date | None = None
    quantity: Decimal | None = decimal_field("Khối lượng / số lượng.")
    unit: str = Field("kg", min_length=1, max_length=20)


@router.get(
    "/lots",
    response={200: list[LotSummary], 401: ErrorOut, 422: ErrorOut},
    summary="Lô hàng của hợp tác xã",
)
@paginate(Pages)
def list_own_lots(request, filters: Query[OwnLotFilters]):
    """Every lot of the token's cooperative, the latest harvests first."""
    lots = Lot.objects.filter(cooperative=token_cooperative(request))
    return lot_listing(lots, filters.status)


@router.post(
    "/lots",
    response={201: LotSummary, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="Tạo lô hàng",
)
def create_own_lot(request, payload: LotIn):
    """A new lot of the token's cooperative (its code not yet used by it)."""
    cooperative = token_cooperative(request)
    token = request.auth
    lot = create_lot(
        cooperative,
        code=payload.code,
        product_name=payload.product_name,
        gtin=payload.gtin,
        growing_area=own_area(cooperative, payload.growing_area),
        harvest_date=payload.harvest_date,
        quantity=payload.quantity,
        unit=payload.unit,
        user=token_user(request),
        log_data={"api_token": {"id": token.pk, "name": token.name}},
    )
    return Status(201, lot)


# -- events ---------------------------------------------------------------------


class EventInputIn(StrictSchema):
    lot: str = Field(
        min_length=1, max_length=40, description="Mã lô đầu vào (cùng hợp tác xã)."
    )
    quantity: Decimal | None = decimal_field("Lượng lấy từ lô đầu vào.")


class EventIn(StrictSchema):
    biz_step: Literal[tuple(str(step) for step in RECORDABLE_STEPS)] = Field(  # type: ignore[valid-type]
        description="Công đoạn. Thu hồi lô làm trong trang quản trị."
    )
    event_time: datetime.datetime | None = Field(
        None,
        description="ISO 8601; không ghi múi giờ thì hiểu là giờ Việt Nam. "
        "Mặc định: bây giờ.",
    )
    quantity: Decimal | None = decimal_field("Số lượng.")
    unit: str = Field("", max_length=20)
    growing_area: str | None = Field(
        None,
        max_length=50,
        description="Mã số vùng trồng hoặc id. Để trống: việc ngoài đồng và thu "
        "hoạch ghi theo vùng trồng của lô.",
    )
    location: str = Field("", max_length=255)
    pesticide: str = Field(
        "", max_length=200, description="Phun thuốc: tên thuốc (bắt buộc)."
    )
    phi_days: int | None = Field(
        None,
        ge=0,
        le=365,
        description="Phun thuốc: thời gian cách ly, ngày (bắt buộc).",
    )
    lab: str = Field("", max_length=200, description="Lấy mẫu, kiểm tra: đơn vị.")
    result: str = Field("", max_length=500, description="Lấy mẫu, kiểm tra: kết quả.")
    conformant: bool | None = Field(None, description="Lấy mẫu, kiểm tra: đạt?")
    notes: str = Field("", max_length=2000)
    corrects: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description="Đính chính: số thứ tự (#) của sự kiện cần đính chính.",
    )
    inputs: list[EventInputIn] = Field(
        default_factory=list,
        max_length=MAX_EVENT_INPUTS,
        description="Lô đầu vào (chế biến, gộp lô), của cùng hợp tác xã.",
    )


def _input_lots(cooperative: Cooperative, inputs: list[EventInputIn]):
    codes = [normalise_lot_code(item.lot) for item in inputs]
    found = {
        lot.code: lot
        for lot in Lot.objects.filter(cooperative=cooperative, code__in=codes)
    }
    errors = {
        f"inputs.{index}.lot": [_("Hợp tác xã không có lô này.")]
        for index, code in enumerate(codes)
        if code not in found
    }
    if errors:
        raise ApiValidationError(errors)
    return [
        EventInput(lot=found[code], quantity=item.quantity)
        for code, item in zip(codes, inputs, strict=True)
    ]


@router.post(
    "/lots/{code}/events",
    response={
        201: EventOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Ghi một sự kiện truy xuất",
)
def record_own_event(request, code: str, payload: EventIn):
    """Append one event to the lot's chain, with the admin form's rules.

    Events are never changed: a mistake is corrected by a new event with
    `biz_step` "correcting" and `corrects` = the event's number. A lot that is
    no longer on sale (sold out, recalled) takes no new events: 409.
    """
    cooperative = token_cooperative(request)
    lot = own_lot(cooperative, code)
    entry = EventEntry(
        biz_step=payload.biz_step,
        event_time=as_vietnam_time(payload.event_time),
        quantity=payload.quantity,
        unit=payload.unit.strip(),
        growing_area=own_area(cooperative, payload.growing_area),
        location=payload.location.strip(),
        pesticide=payload.pesticide.strip(),
        phi_days=payload.phi_days,
        lab=payload.lab.strip(),
        result=payload.result.strip(),
        conformant=payload.conformant,
        notes=payload.notes.strip(),
        corrects=payload.corrects,
        inputs=_input_lots(cooperative, payload.inputs),
    )
    try:
        new = event_from_entry(lot, entry)
    except ValidationError as error:
        if "lot" in error.message_dict:
            raise HttpError(409, error.message_dict["lot"][0]) from None
        raise
    try:
        event = record_event(lot, new, user=token_user(request))
    except ValidationError as error:
        raise ApiValidationError(
            {
                RECORD_ERROR_FIELDS.get(key, key): messages
                for key, messages in error.message_dict.items()
            }
        ) from None
    # Read back as the trace page reads its events.
    event = history_queryset(lot).select_related("corrects").get(pk=event.pk)
    request.api_sequences = (
        {event.corrects_id: event.corrects.sequence} if event.corrects_id else {}
    )
    return Status(201, event)
