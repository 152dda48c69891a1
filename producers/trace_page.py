"""What a lot's public trace page shows, loaded in a fixed number of queries.

The page is opened from a QR code on a phone, often on a slow connection, so
everything is read up front with `select_related`/`prefetch_related`: a lot
with 30 events costs the same queries as one with 5.
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils.formats import number_format

from .models import (
    BusinessStep,
    Certification,
    Disposition,
    Lot,
    TraceEvent,
    TraceEventInput,
)
from .traceability import verify_lot

# Long enough that a burst of scans of one package hashes the chain once; short
# enough that a row altered behind the application's back shows within minutes.
VERIFIED_CACHE_SECONDS = 300
SHORT_HASH = 12


def lot_page_queryset():
    return Lot.objects.select_related(
        "cooperative", "cooperative__logo", "growing_area"
    ).prefetch_related(
        "farmers",
        "cooperative__logo__renditions",
        Prefetch(
            "cooperative__certifications",
            queryset=Certification.objects.select_related("evidence"),
        ),
    )


def history_queryset(lot: Lot):
    """The lot's events in chain order, with what the page and EPCIS export show."""
    return (
        TraceEvent.objects.filter(lot=lot)
        .select_related("growing_area")
        .prefetch_related(
            Prefetch(
                "inputs",
                queryset=TraceEventInput.objects.select_related(
                    "lot", "lot__cooperative"
                ).order_by("pk"),
            ),
            "evidence",
        )
        .order_by("sequence")
    )


def count_scan(lot: Lot) -> int:
    """Add one to the lot's scan count in the database (safe when many scan at
    once) and return the new count."""
    lot.scan_count = _add_scan(lot.pk)
    return lot.scan_count


def count_scan_shown(request, lot_id: str) -> str:
    """A scan of a trace page served from the page cache: counted, then shown as
    the page shows it (producers.fragments)."""
    return intcomma(_add_scan(int(lot_id))) if lot_id.isdigit() else ""


def _add_scan(lot_id: int) -> int:
    """One more scan, in one statement that returns the new count.

    On PostgreSQL the commit does not wait for the disk: a crash may lose the
    last scans counted, and every trace page view saves a disk flush.
    """
    on_postgresql = connection.vendor == "postgresql"
    with (
        transaction.atomic() if on_postgresql else nullcontext(),
        connection.cursor() as cursor,
    ):
        if on_postgresql:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"UPDATE {Lot._meta.db_table} SET scan_count = scan_count + 1 "  # noqa: S608
            "WHERE id = %s RETURNING scan_count",
            [lot_id],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def chain_verified(lot: Lot) -> bool | None:
    """Whether the lot's recorded chain recomputes; None if nothing is recorded.

    Evidence files are not re-hashed here (a page view must stay cheap): the
    page says "chain verified", and `manage.py verify_traceability` checks files.
    """
    if not lot.head_hash:
        return None
    key = f"trace:chain-verified:{lot.pk}:{lot.head_hash}"
    verdict = cache.get(key)
    if verdict is None:
        verdict = not verify_lot(lot, check_files=False)
        cache.set(key, verdict, VERIFIED_CACHE_SECONDS)
    return verdict


@dataclass
class ShownCertification:
    certification: Certification
    valid: bool  # in force on the harvest date (or today, for a lot without one)


def certifications_on(lot: Lot, day: datetime.date) -> list[ShownCertification]:
    """The cooperative's certificates, those in force on `day` first."""
    shown = [
        ShownCertification(cert, cert.is_valid_on(day))
        for cert in lot.cooperative.certifications.all()
    ]
    return sorted(shown, key=lambda item: not item.valid)


@dataclass
class LabResult:
    name: str
    value: str
    limit: str = ""
    passed: bool | None = None


@dataclass
class TimelineItem:
    """One event as the timeline shows it."""

    event: TraceEvent
    local_time: datetime.datetime
    corrected_by: list[int] = field(default_factory=list)
    corrects_sequence: int | None = None
    spray_product: str = ""
    active_ingredient: str = ""
    dose: str = ""
    phi_days: int | None = None
    safe_from: datetime.date | None = None
    lab: str = ""
    report_number: str = ""
    lab_results: list[LabResult] = field(default_factory=list)
    lab_summary: str = ""
    lab_verdict: bool | None = None
    other_details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_farm_step(self) -> bool:
        return self.event.biz_step in BusinessStep.farm_steps()

    @property
    def is_problem(self) -> bool:
        return self.event.disposition in (
            Disposition.NON_CONFORMANT,
            Disposition.RECALLED,
        )


# Keys of TraceEvent.details the page presents in their own way; others are
# listed as they are.
_KNOWN_DETAILS = {
    "product",
    "active_ingredient",
    "dose",
    "phi_days",
    "lab",
    "report_number",
    "results",
    "result",
    "conformant",
}


def _text(value) -> str:
    """A detail value as the reader writes numbers (0,02 in Vietnamese)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number_format(Decimal(str(value)).normalize())
    return str(value)


def _lab_results(raw) -> tuple[list[LabResult], str]:
    if isinstance(raw, str):
        return [], raw
    if isinstance(raw, dict):
        raw = [{"name": key, "value": value} for key, value in raw.items()]
    results = []
    for row in raw if isinstance(raw, list) else []:
        if not isinstance(row, dict):
            continue
        value = _text(row.get("value"))
        if row.get("unit"):
            value = f"{value} {row['unit']}".strip()
        passed = row.get("passed")
        results.append(
            LabResult(
                name=_text(row.get("name")),
                value=value,
                limit=_text(row.get("limit")),
                passed=passed if isinstance(passed, bool) else None,
            )
        )
    return results, ""


def local_time(event: TraceEvent) -> datetime.datetime:
    """The event time in the offset it was recorded with (+07:00 in Vietnam)."""
    sign = -1 if event.event_time_zone_offset.startswith("-") else 1
    hours, _, minutes = event.event_time_zone_offset[1:].partition(":")
    offset = datetime.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    return event.event_time.astimezone(datetime.timezone(sign * offset))


def timeline(events: list[TraceEvent]) -> list[TimelineItem]:
    """Events in the order they happened (ties: the order they were recorded),
    each knowing which event it corrects and which corrections it received."""
    by_pk = {event.pk: event for event in events}
    corrected_by: dict[int, list[int]] = {}
    for event in events:
        if event.corrects_id:
            corrected_by.setdefault(event.corrects_id, []).append(event.sequence)
    items = []
    for event in sorted(events, key=lambda e: (e.event_time, e.sequence)):
        details = event.details if isinstance(event.details, dict) else {}
        item = TimelineItem(
            event=event,
            local_time=local_time(event),
            corrected_by=corrected_by.get(event.pk, []),
            corrects_sequence=(
                by_pk[event.corrects_id].sequence
                if event.corrects_id in by_pk
                else None
            ),
            spray_product=_text(details.get("product")),
            active_ingredient=_text(details.get("active_ingredient")),
            dose=_text(details.get("dose")),
            lab=_text(details.get("lab")),
            report_number=_text(details.get("report_number")),
        )
        phi = details.get("phi_days")
        if isinstance(phi, int | str) and str(phi).isdigit():
            item.phi_days = int(phi)
            item.safe_from = item.local_time.date() + datetime.timedelta(days=int(phi))
        if "results" in details:
            item.lab_results, item.lab_summary = _lab_results(details["results"])
        if not item.lab_summary and details.get("result"):
            item.lab_summary = _text(details["result"])
        if isinstance(details.get("conformant"), bool):
            item.lab_verdict = details["conformant"]
        item.other_details = [
            (str(key), _text(value))
            for key, value in details.items()
            if key not in _KNOWN_DETAILS and not isinstance(value, dict | list)
        ]
        items.append(item)
    return items


def input_lots(events: list[TraceEvent]) -> list[tuple[Lot, Decimal | None]]:
    """The lots pooled into this one, in the order they were recorded."""
    seen, pooled = set(), []
    for event in events:
        for item in event.inputs.all():
            if item.lot_id not in seen:
                seen.add(item.lot_id)
                pooled.append((item.lot, item.quantity))
    return pooled


def output_lots(lot: Lot) -> list[Lot]:
    """The lots this one was pooled into (forward traceability)."""
    return list(
        Lot.objects.filter(events__inputs__lot=lot)
        .select_related("cooperative")
        .distinct()
        .order_by("pk")
    )
