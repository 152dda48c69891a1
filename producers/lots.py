"""Making lots: GTINs printed on them, and packed lots pooled from harvest lots.

The events themselves are written by `producers.traceability.record_event`; this
module decides which lot they go to.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .gtin import normalise_gtin  # noqa: F401 - re-exported for the admin forms
from .models import BusinessStep, Disposition, Lot, TraceEvent
from .traceability import EventInput, NewEvent, record_event


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
    elif len({lot.cooperative_id for lot in inputs}) > 1:
        errors["inputs"] = _("Chỉ gộp các lô của cùng một hợp tác xã.")
    elif any(lot.status != Lot.Status.ACTIVE for lot in inputs):
        errors["inputs"] = _("Chỉ gộp các lô đang bán (chưa bán hết, chưa thu hồi).")
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
    lot.full_clean(exclude=["farmers"])
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError as error:  # the same code, created a moment ago
        raise ValidationError(
            {"code": _("Mã lô này vừa được tạo; hãy thử lại.")}
        ) from error
    farmers = {f for item in inputs for f in item.farmers.all()}
    lot.farmers.set(farmers)
    return lot
