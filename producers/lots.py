"""Making lots and the events people record on them, before they are written.

- `create_lot`: a new lot of a cooperative (the API; the admin's snippet form
  applies the same model rules).
- `event_from_entry`: what a person typed for one event (the admin's
  `RecordEventForm`, the API's event body) checked and turned into a `NewEvent`.
- `pool_lots`: harvest lots packed into one lot.

The events themselves are written by `producers.traceability.record_event`; this
module decides what goes to which lot.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .gtin import normalise_gtin
from .models import BusinessStep, Cooperative, Disposition, GrowingArea, Lot, TraceEvent
from .traceability import EventInput, EvidenceFile, NewEvent, record_event

# Steps a cooperative records by hand, in the order work happens on a farm.
# Recalling has its own path (`recall_lot`: it also changes the lot's status).
RECORDABLE_STEPS = [
    BusinessStep.PLANTING,
    BusinessStep.FERTILISING,
    BusinessStep.SPRAYING,
    BusinessStep.IRRIGATION,
    BusinessStep.COMMISSIONING,
    BusinessStep.SAMPLING,
    BusinessStep.INSPECTING,
    BusinessStep.PACKING,
    BusinessStep.STORING,
    BusinessStep.SHIPPING,
    BusinessStep.RECEIVING,
    BusinessStep.CORRECTING,
]
LAB_STEPS = {BusinessStep.SAMPLING, BusinessStep.INSPECTING}
FIELD_STEPS = BusinessStep.farm_steps() | {BusinessStep.COMMISSIONING}
# Nothing grown for this market happened before this; earlier times are typos
# (and the year 1 at +14:00 cannot even be stored in UTC).
EARLIEST_EVENT_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def normalise_lot_code(value: str) -> str:
    return (value or "").strip().upper()


def default_disposition(step: str, conformant: bool | None = None) -> str:
    """The EPCIS disposition that follows from a step (and a lab verdict, if any).

    Sampling without a verdict yet is "in progress"; a verdict makes the lot
    conformant or non-conformant; goods on the road are "in transit".
    """
    if step in (BusinessStep.SAMPLING, BusinessStep.INSPECTING):
        if conformant is True:
            return Disposition.CONFORMANT
        if conformant is False:
            return Disposition.NON_CONFORMANT
        if step == BusinessStep.SAMPLING:
            return Disposition.IN_PROGRESS
    if step == BusinessStep.SHIPPING:
        return Disposition.IN_TRANSIT
    return Disposition.ACTIVE


@dataclass
class EventEntry:
    """What a person types for one event, before it is checked.

    Field names are the admin form's, so the errors `event_from_entry` raises
    land on the fields (and, in the API, name the body's fields).
    """

    biz_step: str
    event_time: datetime.datetime | None = None
    quantity: Decimal | None = None
    unit: str = ""
    growing_area: GrowingArea | None = None
    location: str = ""
    pesticide: str = ""
    phi_days: int | None = None
    lab: str = ""
    result: str = ""
    conformant: bool | None = None
    notes: str = ""
    corrects: int | None = None  # the sequence number (#) of the event corrected
    evidence: list[EvidenceFile] = field(default_factory=list)
    inputs: list[EventInput] = field(default_factory=list)


def event_from_entry(lot: Lot, entry: EventEntry) -> NewEvent:
    """Check an entry for `lot` and turn it into the `NewEvent` to record.

    The rules of a hand-recorded event: only an active lot, only the steps
    people record, a spraying names its product and pre-harvest interval, a
    correction names an earlier event of the same lot and says why, the area
    is the lot's cooperative's. Raises ValidationError keyed by entry field.
    """
    errors: dict[str, str] = {}
    step = entry.biz_step
    if lot.status != Lot.Status.ACTIVE:
        errors["lot"] = _(
            "Lô %(code)s không còn đang bán: chỉ ghi sự kiện cho lô đang bán."
        ) % {"code": lot.code}
    if step not in RECORDABLE_STEPS:
        errors["biz_step"] = _("Công đoạn này không ghi được ở đây.")
    if entry.event_time is not None and entry.event_time < EARLIEST_EVENT_TIME:
        errors["event_time"] = _("Thời điểm sự kiện phải từ năm 2000 trở đi.")
    if step == BusinessStep.SPRAYING:
        if not entry.pesticide:
            errors["pesticide"] = _("Ghi tên thuốc đã phun.")
        if entry.phi_days is None:
            errors["phi_days"] = _("Ghi thời gian cách ly in trên nhãn thuốc.")
    area = entry.growing_area
    if area is not None and area.cooperative_id != lot.cooperative_id:
        errors["growing_area"] = _("Vùng trồng này không thuộc hợp tác xã của lô.")
    if step == BusinessStep.CORRECTING:
        if entry.corrects is None:
            errors["corrects"] = _("Ghi số # của sự kiện cần đính chính.")
        if not entry.notes:
            errors["notes"] = _("Ghi rõ điều cần đính chính.")
    corrected = None
    if entry.corrects is not None:
        corrected = TraceEvent.objects.filter(lot=lot, sequence=entry.corrects).first()
        if corrected is None:
            errors["corrects"] = _("Lô %(code)s chưa có sự kiện #%(number)d.") % {
                "code": lot.code,
                "number": entry.corrects,
            }
    if entry.inputs:
        try:
            check_input_lots([item.lot for item in entry.inputs])
        except ValidationError as error:
            errors.update({key: msgs[0] for key, msgs in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)

    details: dict = {}
    if step == BusinessStep.SPRAYING:
        details = {"product": entry.pesticide, "phi_days": entry.phi_days}
    elif step in LAB_STEPS:
        if entry.lab:
            details["lab"] = entry.lab
        if entry.result:
            details["result"] = entry.result
        if entry.conformant is not None:
            details["conformant"] = entry.conformant
    if area is None and step in FIELD_STEPS:
        # Work in the field happens where the lot grows, unless told otherwise.
        area = lot.growing_area
    quantity = entry.quantity
    return NewEvent(
        biz_step=step,
        event_time=entry.event_time,
        disposition=default_disposition(step, entry.conformant),
        growing_area=area,
        location=entry.location or "",
        quantity=quantity,
        unit=(entry.unit or "") if quantity is not None else "",
        details=details,
        notes=entry.notes or "",
        evidence=list(entry.evidence),
        inputs=list(entry.inputs),
        corrects=corrected,
    )


def check_input_lots(inputs: Sequence[Lot]) -> None:
    """Lots that go into another (packed, processed) must be one cooperative's
    and still on sale."""
    if len({lot.cooperative_id for lot in inputs}) > 1:
        raise ValidationError({"inputs": _("Chỉ gộp các lô của cùng một hợp tác xã.")})
    if any(lot.status != Lot.Status.ACTIVE for lot in inputs):
        raise ValidationError(
            {"inputs": _("Chỉ gộp các lô đang bán (chưa bán hết, chưa thu hồi).")}
        )


def create_lot(
    cooperative: Cooperative,
    *,
    code: str,
    product_name: str,
    user=None,
    gtin: str = "",
    growing_area: GrowingArea | None = None,
    harvest_date: datetime.date | None = None,
    quantity: Decimal | None = None,
    unit: str = "kg",
    log_data: dict | None = None,
) -> Lot:
    """A new lot of `cooperative`, checked by the model's rules, in its history.

    Raises ValidationError naming the field: a malformed or taken code, a bad
    GTIN, another cooperative's area.
    """
    errors: dict[str, str] = {}
    code = normalise_lot_code(code)
    try:
        gtin = normalise_gtin(gtin)
    except ValidationError as error:
        errors["gtin"] = error.messages[0]
    if growing_area is not None and growing_area.cooperative_id != cooperative.pk:
        errors["growing_area"] = _("Vùng trồng này không thuộc hợp tác xã của lô.")
    if code and Lot.objects.filter(cooperative=cooperative, code=code).exists():
        errors["code"] = _("Hợp tác xã đã có lô mã %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)
    lot = Lot(
        cooperative=cooperative,
        code=code,
        product_name=(product_name or "").strip(),
        gtin=gtin,
        growing_area=growing_area,
        harvest_date=harvest_date,
        quantity=quantity,
        unit=(unit or "kg").strip(),
    )
    _save_new_lot(lot)
    log(
        instance=lot,
        action="wagtail.create",
        user=user if user is not None and user.is_authenticated else None,
        data=log_data or {},
    )
    return lot


def _save_new_lot(lot: Lot) -> None:
    lot.full_clean(exclude=["farmers"])
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError as error:  # the same code, created a moment ago
        raise ValidationError(
            {"code": _("Mã lô này vừa được tạo; hãy thử lại.")}
        ) from error


def pool_lots(
    inputs: Sequence[Lot],
    *,
    code: str,
    user,
    product_name: str = "",
    gtin: str = "",
    quantity: Decimal | None = None,
    unit: str = "kg",
    event_time: datetime.datetime | None = None,
    notes: str = "",
    close_inputs: bool = True,
) -> TraceEvent:
    """Pack harvest lots of one cooperative into one lot (created if `code` is new).

    The packing is recorded on the packed lot as a transformation event whose
    inputs are the harvest lots, so its public page leads back to every field and
    farmer. With `close_inputs`, the harvest lots are marked sold out: their
    produce now travels under the packed lot's code.
    """
    inputs = list(dict.fromkeys(inputs))  # drop repeats, keep order
    code = normalise_lot_code(code)
    errors: dict[str, str] = {}
    if not inputs:
        errors["inputs"] = _("Chọn ít nhất một lô thu hoạch để đóng gói.")
    else:
        try:
            check_input_lots(inputs)
        except ValidationError as error:
            errors["inputs"] = error.message_dict["inputs"][0]
    if not code:
        errors["code"] = _("Nhập mã lô đóng gói.")
    if errors:
        raise ValidationError(errors)

    cooperative_id = inputs[0].cooperative_id
    with transaction.atomic():
        output = (
            Lot.objects.select_for_update()
            .filter(cooperative_id=cooperative_id, code=code)
            .first()
        )
        if output is None:
            output = _new_packed_lot(
                inputs,
                code=code,
                product_name=product_name,
                gtin=gtin,
                quantity=quantity,
                unit=unit,
            )
        elif output in inputs:
            raise ValidationError(
                {"code": _("Lô đóng gói không thể là một trong các lô đầu vào.")}
            )
        elif output.status == Lot.Status.RECALLED:
            raise ValidationError(
                {"code": _("Lô %(code)s đã bị thu hồi.") % {"code": output.code}}
            )
        event = record_event(
            output,
            NewEvent(
                biz_step=BusinessStep.PACKING,
                event_time=event_time,
                quantity=quantity,
                unit=unit if quantity is not None else "",
                notes=notes,
                inputs=[EventInput(lot=lot) for lot in inputs],
            ),
            user=user,
        )
        if close_inputs:
            Lot.objects.filter(
                pk__in=[lot.pk for lot in inputs], status=Lot.Status.ACTIVE
            ).update(status=Lot.Status.SOLD_OUT)
    return event


def _new_packed_lot(
    inputs: list[Lot],
    *,
    code: str,
    product_name: str,
    gtin: str,
    quantity: Decimal | None,
    unit: str,
) -> Lot:
    harvest_dates = [lot.harvest_date for lot in inputs if lot.harvest_date]
    areas = {lot.growing_area_id for lot in inputs}
    lot = Lot(
        cooperative_id=inputs[0].cooperative_id,
        code=code,
        product_name=(product_name or inputs[0].product_name).strip(),
        gtin=normalise_gtin(gtin),
        # The packed lot is as fresh as its oldest produce.
        harvest_date=min(harvest_dates) if harvest_dates else None,
        growing_area_id=areas.pop() if len(areas) == 1 else None,
        quantity=quantity,
        unit=unit or inputs[0].unit,
    )
    _save_new_lot(lot)
    farmers = {f for item in inputs for f in item.farmers.all()}
    lot.farmers.set(farmers)
    return lot
