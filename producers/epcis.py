"""A lot's history as a GS1 EPCIS 2.0 JSON-LD document.

Trading partners, inspectors and apps read the same events the trace page
shows, in the standard's vocabulary: harvest is `commissioning`, packing and
sampling keep their CBV names, farm steps the CBV has no word for (spraying,
fertilising...) and our chain fields use our own namespace, declared in the
document's `@context`. The document validates against GS1's EPCIS 2.0 JSON
Schema (a copy is in producers/standards/).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from .models import BusinessStep, Lot, TraceEvent
from .qr import lot_path
from .text import fold
from .trace_page import history_queryset, local_time
from .traceability import VIETNAM_OFFSET

MEDIA_TYPE = "application/ld+json"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
PREFIX = "nongsan"
GS1_RESOLVER = "https://id.gs1.org"

# Steps that are CBV 2.0 business steps under the same name.
CBV_BIZ_STEPS = {
    BusinessStep.COMMISSIONING,
    BusinessStep.INSPECTING,
    BusinessStep.SAMPLING,
    BusinessStep.PACKING,
    BusinessStep.STORING,
    BusinessStep.SHIPPING,
    BusinessStep.RECEIVING,
}
# Units of measure as UN/ECE Recommendation 20 codes; a unit not listed here
# (quả, túi, hũ...) is a count, which EPCIS writes as a quantity without uom.
UOM = {
    "kg": "KGM",
    "kilogram": "KGM",
    "g": "GRM",
    "gam": "GRM",
    "tan": "TNE",
    "t": "TNE",
    "l": "LTR",
    "lit": "LTR",
    "litre": "LTR",
    "ml": "MLT",
}


def site_base(base_url: str | None = None) -> str:
    return (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def namespace(base_url: str | None = None) -> str:
    """Our vocabulary for terms the CBV lacks and for our extension fields."""
    return f"{site_base(base_url)}/epcis/voc/"


def lot_class_uri(lot: Lot, base_url: str | None = None) -> str:
    """The lot as an EPC class: a GS1 Digital Link URI when the product has a
    GTIN, otherwise the lot's own (never changing) public URL."""
    if lot.gtin:
        return f"{GS1_RESOLVER}/01/{lot.gtin.zfill(14)}/10/{quote(lot.code, safe='')}"
    return f"{site_base(base_url)}{lot_path(lot)}"


def event_id(event: TraceEvent) -> str:
    """A name-based URI (RFC 6920) of the event's recorded content hash.

    It is the SHA-256 of our canonical JSON (see producers.traceability), not
    the CBV 2.0 event hash algorithm, so it carries no `?ver=CBV2.0`.
    """
    return f"ni:///sha-256;{event.content_hash}"


def biz_step(step: str, ns: str) -> str:
    return step if step in CBV_BIZ_STEPS else f"{ns}BizStep-{step}"


def growing_area_uri(area, ns: str) -> str:
    return f"{ns}growing-area/{area.pk}"


def _instant(value) -> str:
    return value.astimezone(VIETNAM_OFFSET).isoformat(timespec="milliseconds")


def _number(value: Decimal | int) -> int | float:
    value = Decimal(str(value)).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def quantity_element(class_uri: str, quantity: Decimal | None, unit: str) -> dict:
    element: dict = {"epcClass": class_uri}
    if quantity is not None:
        element["quantity"] = _number(quantity)
        uom = UOM.get(fold(unit or "").strip().rstrip("."))
        if uom:
            element["uom"] = uom
    return element


def _absolute(url: str, base: str) -> str:
    return url if "://" in url else f"{base}{url}"


def _event(event: TraceEvent, lot: Lot, *, base: str, ns: str, ids: dict) -> dict:
    data: dict = {
        "type": event.event_type,
        "eventID": event_id(event),
        "eventTime": local_time(event).isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": event.event_time_zone_offset,
        "recordTime": _instant(event.record_time),
    }
    own = quantity_element(
        lot_class_uri(lot, base), event.quantity, event.unit or lot.unit
    )
    if event.event_type == TraceEvent.EventType.TRANSFORMATION:
        data["inputQuantityList"] = [
            quantity_element(
                lot_class_uri(item.lot, base),
                item.quantity,
                event.unit or item.lot.unit,
            )
            for item in event.inputs.all()
        ]
        data["outputQuantityList"] = [own]
    else:
        # Harvest brings the lot into being; every later step observes it.
        data["action"] = (
            "ADD" if event.biz_step == BusinessStep.COMMISSIONING else "OBSERVE"
        )
        data["quantityList"] = [own]
    data["bizStep"] = biz_step(event.biz_step, ns)
    data["disposition"] = event.disposition
    if event.growing_area_id:
        place = {"id": growing_area_uri(event.growing_area, ns)}
        data["readPoint"] = place
        data["bizLocation"] = dict(place)
    if event.biz_step == BusinessStep.COMMISSIONING or (
        event.event_type == TraceEvent.EventType.TRANSFORMATION
    ):
        data["ilmd"] = _lot_master_data(lot)
    extension = {
        "sequence": event.sequence,
        "previousHash": event.previous_hash,
        "chainHash": event.chain_hash,
        "location": event.location,
        "notes": event.notes,
        "details": event.details or None,
        "corrects": ids.get(event.corrects_id),
        "evidence": [
            {
                f"{PREFIX}:title": item.title,
                f"{PREFIX}:url": _absolute(item.file.url, base),
                f"{PREFIX}:sha256": item.sha256,
                f"{PREFIX}:size": item.size,
                f"{PREFIX}:contentType": item.content_type,
            }
            for item in event.evidence.all()
        ],
    }
    data.update({f"{PREFIX}:{key}": value for key, value in extension.items() if value})
    return data


def _lot_master_data(lot: Lot) -> dict:
    data = {
        f"{PREFIX}:lotCode": lot.code,
        f"{PREFIX}:productName": lot.product_name,
        f"{PREFIX}:cooperative": lot.cooperative.name,
    }
    if lot.harvest_date:
        data[f"{PREFIX}:harvestDate"] = lot.harvest_date.isoformat()
    return data


def _error_declaration(erroneous: dict, correction: TraceEvent) -> dict:
    """EPCIS corrects an event by repeating it (same eventID) with an
    errorDeclaration that names the corrective event."""
    return {
        **erroneous,
        "errorDeclaration": {
            "declarationTime": _instant(correction.record_time),
            "reason": "incorrect_data",
            "correctiveEventIDs": [event_id(correction)],
        },
    }


def _locations(events: list[TraceEvent], ns: str) -> list[dict]:
    areas = {e.growing_area_id: e.growing_area for e in events if e.growing_area_id}
    elements = []
    for area in sorted(areas.values(), key=lambda a: a.pk):
        attributes = [{"id": "urn:epcglobal:cbv:mda#name", "attribute": area.name}]
        if area.area_code:
            attributes.append({"id": f"{ns}areaCode", "attribute": area.area_code})
        if area.latitude is not None and area.longitude is not None:
            attributes += [
                {"id": "urn:epcglobal:cbv:mda#latitude", "attribute": area.latitude},
                {"id": "urn:epcglobal:cbv:mda#longitude", "attribute": area.longitude},
            ]
        attributes.append(
            {"id": "urn:epcglobal:cbv:mda#countryCode", "attribute": "VN"}
        )
        for attribute in attributes:
            if isinstance(attribute["attribute"], Decimal):
                attribute["attribute"] = float(attribute["attribute"])
        elements.append({"id": growing_area_uri(area, ns), "attributes": attributes})
    return elements


def epcis_document(
    lot: Lot, *, base_url: str | None = None, events: list[TraceEvent] | None = None
) -> dict:
    """The EPCISDocument of every event recorded for `lot`, in chain order."""
    base, ns = site_base(base_url), namespace(base_url)
    if events is None:
        events = list(history_queryset(lot))
    events = sorted(events, key=lambda e: e.sequence)
    ids = {event.pk: event_id(event) for event in events}
    shaped: dict[int, dict] = {}
    event_list = []
    for event in events:
        data = _event(event, lot, base=base, ns=ns, ids=ids)
        shaped[event.pk] = data
        if event.corrects_id in shaped:
            event_list.append(_error_declaration(shaped[event.corrects_id], event))
        event_list.append(data)
    document = {
        "@context": [
            EPCIS_CONTEXT,
            # Details are free-form (spraying product, lab results): a JSON literal.
            {PREFIX: ns, f"{PREFIX}:details": {"@type": "@json"}},
        ],
        "id": f"{base}{lot_path(lot)}#epcis",
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _instant(timezone.now()),
        f"{PREFIX}:lot": lot_class_uri(lot, base),
        f"{PREFIX}:lotStatus": lot.status,
        f"{PREFIX}:headHash": lot.head_hash,
        "epcisBody": {"eventList": event_list},
    }
    if lot.is_recalled:
        document[f"{PREFIX}:recallReason"] = lot.recall_reason
    if locations := _locations(events, ns):
        document["epcisHeader"] = {
            "epcisMasterData": {
                "vocabularyList": [
                    {
                        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                        "vocabularyElementList": locations,
                    }
                ]
            }
        }
    if not lot.head_hash:
        del document[f"{PREFIX}:headHash"]
    return document
