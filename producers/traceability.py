"""Recording and verifying a lot's tamper-evident history.

Every event is written by `record_event` and never changed afterwards. Its
canonical JSON (sorted keys, no whitespace, UTF-8) is hashed with SHA-256
(`content_hash`), and the chain hash is SHA-256 over the previous event's chain
hash and this content hash, so altering, removing or reordering any row breaks
every later link. `verify_lot` recomputes both from the rows as stored.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import mimetypes
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BusinessStep,
    Disposition,
    GrowingArea,
    Lot,
    TraceEvent,
    TraceEventInput,
    TraceEvidence,
)

GENESIS_HASH = "0" * 64
VIETNAM_OFFSET = datetime.timezone(datetime.timedelta(hours=7))
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _instant(value: datetime.datetime) -> str:
    """ISO 8601 in Vietnam time, to the microsecond, as stored."""
    return value.astimezone(VIETNAM_OFFSET).isoformat(timespec="microseconds")


def canonical_event(
    event: TraceEvent, inputs: list[tuple[str, Decimal | None]], evidence: list[str]
) -> dict:
    """The facts an event commits to, as a plain dict (see `canonical_json`)."""
    return {
        "lot": {"cooperative": event.lot.cooperative_id, "code": event.lot.code},
        "sequence": event.sequence,
        "type": event.event_type,
        "bizStep": event.biz_step,
        "disposition": event.disposition,
        "eventTime": _instant(event.event_time),
        "eventTimeZoneOffset": event.event_time_zone_offset,
        "recordTime": _instant(event.record_time),
        "growingArea": event.growing_area_id,
        "location": event.location,
        "quantity": _decimal(event.quantity),
        "unit": event.unit,
        "inputs": [
            {"lot": code, "quantity": _decimal(qty)} for code, qty in sorted(inputs)
        ],
        "details": event.details,
        "notes": event.notes,
        "corrects": event.corrects_id,
        "recordedBy": event.recorded_by_id,
        "evidence": sorted(evidence),
    }


def canonical_json(data: dict) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def chain(previous_hash: str, content_hash: str) -> str:
    return sha256_hex(f"{previous_hash}:{content_hash}".encode("ascii"))


@dataclass
class EvidenceFile:
    """An uploaded file to attach to a new event."""

    file: UploadedFile
    title: str = ""


@dataclass
class EventInput:
    lot: Lot
    quantity: Decimal | None = None


@dataclass
class NewEvent:
    """What a user records; the chain fields are filled in by `record_event`."""

    biz_step: str
    event_time: datetime.datetime | None = None
    disposition: str = Disposition.ACTIVE
    growing_area: GrowingArea | None = None
    location: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    details: dict = field(default_factory=dict)
    notes: str = ""
    inputs: list[EventInput] = field(default_factory=list)
    evidence: list[EvidenceFile] = field(default_factory=list)
    corrects: TraceEvent | None = None


def _validate(lot: Lot, new: NewEvent) -> None:
    errors = {}
    if new.biz_step not in BusinessStep.values:
        errors["biz_step"] = _("Công đoạn không hợp lệ.")
    if new.disposition not in Disposition.values:
        errors["disposition"] = _("Tình trạng không hợp lệ.")
    if new.event_time and new.event_time > timezone.now() + datetime.timedelta(
        minutes=5
    ):
        errors["event_time"] = _("Thời điểm sự kiện không thể ở tương lai.")
    if new.growing_area and new.growing_area.cooperative_id != lot.cooperative_id:
        errors["growing_area"] = _("Vùng trồng không thuộc hợp tác xã của lô.")
    for item in new.inputs:
        if item.lot.cooperative_id != lot.cooperative_id:
            errors["inputs"] = _("Chỉ gộp các lô của cùng hợp tác xã.")
        if item.lot.pk == lot.pk:
            errors["inputs"] = _("Một lô không thể là đầu vào của chính nó.")
    if new.corrects and new.corrects.lot_id != lot.pk:
        errors["corrects"] = _("Chỉ đính chính sự kiện của cùng lô.")
    if new.biz_step == BusinessStep.SPRAYING and not new.details.get("product"):
        errors["details"] = _("Ghi tên thuốc bảo vệ thực vật đã phun.")
    for item in new.evidence:
        if item.file.size > MAX_EVIDENCE_BYTES:
            errors["evidence"] = _("Tệp chứng minh tối đa 20 MB.")
    if errors:
        raise ValidationError(errors)


def record_event(lot: Lot, new: NewEvent, *, user) -> TraceEvent:
    """Append one event to `lot`'s chain, with its inputs and evidence, atomically.

    The lot row is locked first, so two people recording on the same lot at the
    same moment get consecutive sequence numbers and an unbroken chain.
    """
    _validate(lot, new)
    evidence = [(item, file_sha256(item.file)) for item in new.evidence]
    with transaction.atomic():
        locked = Lot.objects.select_for_update().get(pk=lot.pk)
        last = (
            TraceEvent.objects.filter(lot=locked)
            .order_by("-sequence")
            .values_list("sequence", "chain_hash")
            .first()
        )
        sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        now = timezone.now()
        event = TraceEvent(
            lot=locked,
            sequence=sequence,
            event_type=(
                TraceEvent.EventType.TRANSFORMATION
                if new.inputs
                else TraceEvent.EventType.OBJECT
            ),
            biz_step=new.biz_step,
            disposition=new.disposition,
            event_time=new.event_time or now,
            record_time=now,
            growing_area=new.growing_area,
            location=new.location,
            quantity=new.quantity,
            unit=new.unit,
            details=new.details,
            notes=new.notes,
            corrects=new.corrects,
            recorded_by=user,
            previous_hash=previous_hash,
        )
        inputs = [(item.lot.code, item.quantity) for item in new.inputs]
        event.content_hash = sha256_hex(
            canonical_json(canonical_event(event, inputs, [h for _, h in evidence]))
        )
        event.chain_hash = chain(previous_hash, event.content_hash)
        event.save()
        TraceEventInput.objects.bulk_create(
            TraceEventInput(event=event, lot=item.lot, quantity=item.quantity)
            for item in new.inputs
        )
        for item, digest in evidence:
            upload = item.file
            upload.seek(0)
            TraceEvidence(
                event=event,
                title=item.title or upload.name,
                content_type=getattr(upload, "content_type", "")
                or mimetypes.guess_type(upload.name)[0]
                or "",
                size=upload.size,
                sha256=digest,
                file=upload,
            ).save()
        Lot.objects.filter(pk=locked.pk).update(head_hash=event.chain_hash)
        lot.head_hash = event.chain_hash
    return event


def recall_lot(lot: Lot, *, reason: str, user) -> TraceEvent:
    """Mark a lot recalled and record why, as an event in its chain."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ghi lý do thu hồi lô.")})
    with transaction.atomic():
        event = record_event(
            lot,
            NewEvent(
                biz_step=BusinessStep.RECALLING,
                disposition=Disposition.RECALLED,
                notes=reason,
            ),
            user=user,
        )
        Lot.objects.filter(pk=lot.pk).update(
            status=Lot.Status.RECALLED,
            recall_reason=reason,
            recalled_at=event.record_time,
        )
        lot.refresh_from_db()
    return event


@dataclass
class ChainProblem:
    lot: Lot
    sequence: int | None
    message: str

    def __str__(self):
        where = f"#{self.sequence}" if self.sequence is not None else ""
        return f"{self.lot.cooperative_id}/{self.lot.code} {where}: {self.message}"


def verify_lot(lot: Lot, *, check_files: bool = True) -> list[ChainProblem]:
    """Recompute every hash of a lot's chain from the stored rows."""
    problems: list[ChainProblem] = []
    events = list(
        TraceEvent.objects.filter(lot=lot)
        .order_by("sequence")
        .select_related("lot")
        .prefetch_related("inputs__lot", "evidence")
    )
    previous_hash = GENESIS_HASH
    for expected_sequence, event in enumerate(events, start=1):
        if event.sequence != expected_sequence:
            problems.append(
                ChainProblem(lot, event.sequence, _("thiếu sự kiện trước (số thứ tự)"))
            )
        inputs = [(item.lot.code, item.quantity) for item in event.inputs.all()]
        evidence = list(event.evidence.all())
        content_hash = sha256_hex(
            canonical_json(canonical_event(event, inputs, [e.sha256 for e in evidence]))
        )
        if content_hash != event.content_hash:
            problems.append(ChainProblem(lot, event.sequence, _("nội dung đã bị sửa")))
        if event.previous_hash != previous_hash:
            problems.append(
                ChainProblem(lot, event.sequence, _("liên kết chuỗi bị đứt"))
            )
        if chain(event.previous_hash, event.content_hash) != event.chain_hash:
            problems.append(
                ChainProblem(lot, event.sequence, _("mã băm chuỗi không khớp"))
            )
        if check_files:
            for item in evidence:
                try:
                    with item.file.open("rb") as handle:
                        actual = file_sha256(handle)
                except (FileNotFoundError, OSError):
                    actual = None
                if actual != item.sha256:
                    problems.append(
                        ChainProblem(
                            lot,
                            event.sequence,
                            _("tệp chứng minh %(name)s bị thay đổi hoặc mất")
                            % {"name": item.file.name},
                        )
                    )
        previous_hash = event.chain_hash
    if (events and lot.head_hash != previous_hash) or (not events and lot.head_hash):
        problems.append(ChainProblem(lot, None, _("mã băm cuối chuỗi không khớp")))
    return problems


def chain_heads_digest(lots=None) -> dict:
    """Every lot's chain head, and one SHA-256 over all of them, for anchoring.

    Publishing the digest outside the database (a district web page, an e-mail,
    a timestamping service) means a later rewrite of the whole database would
    no longer match what was published.
    """
    lots = (lots if lots is not None else Lot.objects.all()).order_by(
        "cooperative_id", "code"
    )
    heads = [
        {"cooperative": coop, "lot": code, "head": head}
        for coop, code, head in lots.exclude(head_hash="").values_list(
            "cooperative_id", "code", "head_hash"
        )
    ]
    return {
        "generatedAt": timezone.now().astimezone(VIETNAM_OFFSET).isoformat(),
        "algorithm": "sha256",
        "lots": heads,
        "digest": sha256_hex(canonical_json({"lots": heads})),
    }
