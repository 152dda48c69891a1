"""The lot's history as EPCIS 2.0 JSON-LD, validated against GS1's own schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from producers import epcis
from producers.models import TraceEvent
from tests.producers.lot_histories import (
    corrected_lot,
    pooled_lot,
    recalled_lot,
    record_full_history,
    tea_lot,
)

pytestmark = pytest.mark.django_db

STANDARDS = Path(epcis.__file__).resolve().parent / "standards"
SCHEMA = json.loads((STANDARDS / "epcis-2.0-json-schema.json").read_text("utf-8"))
GTIN = "08935000000014"


@pytest.fixture(scope="module")
def validator():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    # Without these the schema's "uri" and "date-time" formats would pass anything.
    assert not checker.conforms("not a uri", "uri")
    assert not checker.conforms("2025-11-20 06:00", "date-time")
    return jsonschema.Draft7Validator(SCHEMA, format_checker=checker)


def assert_valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def events_of(document):
    return document["epcisBody"]["eventList"]


@pytest.mark.parametrize("path", sorted((STANDARDS / "examples").glob("*.jsonld")))
def test_gs1s_published_examples_pass_our_validator_setup(validator, path):
    assert_valid(validator, json.loads(path.read_text("utf-8")))


def test_the_validator_rejects_a_document_gs1s_schema_forbids(validator):
    lot = tea_lot(gtin=GTIN)
    record_full_history(lot)
    document = epcis.epcis_document(lot)
    document["epcisBody"]["eventList"][0]["bizStep"] = "urn:epcglobal:cbv:bizstep:x"
    document["epcisBody"]["eventList"][1].pop("action")
    assert len(list(validator.iter_errors(document))) >= 2


def test_a_lot_with_spraying_harvest_sampling_and_packing_is_valid_epcis(validator):
    lot = tea_lot(gtin=GTIN)
    recorded = record_full_history(lot)
    document = epcis.epcis_document(lot)
    assert_valid(validator, document)
    events = events_of(document)
    assert [e["bizStep"] for e in events] == [
        "http://testserver/epcis/voc/BizStep-spraying",
        "commissioning",
        "sampling",
        "packing",
    ]
    assert [e["eventID"] for e in events] == [
        f"ni:///sha-256;{event.content_hash}" for event in recorded
    ]
    assert {e["eventTimeZoneOffset"] for e in events} == {"+07:00"}
    assert events[1]["eventTime"] == "2025-11-20T06:00:00.000+07:00"
    assert events[1]["action"] == "ADD" and events[3]["action"] == "OBSERVE"
    assert events[1]["quantityList"] == [
        {
            "epcClass": f"https://id.gs1.org/01/{GTIN}/10/CHE-2025-11-A",
            "quantity": 120.5,
            "uom": "KGM",
        }
    ]
    assert events[2]["disposition"] == "conformant"
    assert events[3]["disposition"] == "container_closed"


def test_custom_fields_carry_the_chain_and_their_namespace_is_in_the_context(
    validator,
):
    lot = tea_lot(gtin=GTIN)
    recorded = record_full_history(lot)
    document = epcis.epcis_document(lot)
    context = document["@context"]
    assert context[0] == epcis.EPCIS_CONTEXT
    assert context[1]["nongsan"] == "http://testserver/epcis/voc/"
    spraying, harvest, sampling, packing = events_of(document)
    assert harvest["nongsan:chainHash"] == recorded[1].chain_hash
    assert harvest["nongsan:previousHash"] == recorded[0].chain_hash
    assert document["nongsan:headHash"] == lot.head_hash == recorded[-1].chain_hash
    assert spraying["nongsan:details"]["phi_days"] == 7
    assert sampling["nongsan:details"]["results"][0]["passed"] is True
    (report,) = sampling["nongsan:evidence"]
    assert report["nongsan:sha256"] == recorded[2].evidence.get().sha256
    assert report["nongsan:url"].startswith("http://testserver/")
    for event in events_of(document):
        custom = [k for k in event if ":" in k and not k.startswith("nongsan:")]
        assert custom == []


def test_the_growing_area_is_the_read_point_and_described_as_master_data(
    validator,
):
    lot = tea_lot()
    record_full_history(lot)
    document = epcis.epcis_document(lot)
    harvest = events_of(document)[1]
    area_id = f"http://testserver/epcis/voc/growing-area/{lot.growing_area_id}"
    assert harvest["readPoint"] == {"id": area_id}
    assert harvest["bizLocation"] == {"id": area_id}
    (vocabulary,) = document["epcisHeader"]["epcisMasterData"]["vocabularyList"]
    (element,) = vocabulary["vocabularyElementList"]
    attributes = {a["id"]: a["attribute"] for a in element["attributes"]}
    assert element["id"] == area_id
    assert attributes["urn:epcglobal:cbv:mda#name"] == "Đồi chè Hạnh Lâm"
    assert attributes["http://testserver/epcis/voc/areaCode"] == "VT-40-A"
    assert attributes["urn:epcglobal:cbv:mda#latitude"] == pytest.approx(18.7861)


def test_a_lot_without_gtin_is_identified_by_its_own_public_url(validator):
    lot = tea_lot()
    record_full_history(lot)
    document = epcis.epcis_document(lot)
    assert_valid(validator, document)
    expected = f"http://testserver/l/{lot.public_id}/"
    assert events_of(document)[1]["quantityList"][0]["epcClass"] == expected


def test_a_pooled_lot_is_a_transformation_from_its_input_lots(validator):
    packed, first, second = pooled_lot(gtin=GTIN)
    document = epcis.epcis_document(packed)
    assert_valid(validator, document)
    (event,) = events_of(document)
    assert event["type"] == "TransformationEvent"
    assert "action" not in event
    assert event["inputQuantityList"] == [
        {
            "epcClass": f"http://testserver/l/{first.public_id}/",
            "quantity": 60,
            "uom": "KGM",
        },
        {
            "epcClass": f"http://testserver/l/{second.public_id}/",
            "quantity": 40,
            "uom": "KGM",
        },
    ]
    assert event["outputQuantityList"] == [
        {
            "epcClass": f"https://id.gs1.org/01/{GTIN}/10/HOP-QUA-2025-11",
            "quantity": 100,
            "uom": "KGM",
        }
    ]


def test_a_recalled_lot_ends_with_a_recalled_disposition(validator):
    lot = recalled_lot()
    document = epcis.epcis_document(lot)
    assert_valid(validator, document)
    last = events_of(document)[-1]
    assert last["disposition"] == "recalled"
    assert last["bizStep"] == "http://testserver/epcis/voc/BizStep-recalling"
    assert last["nongsan:notes"] == "Phát hiện dư lượng thuốc vượt ngưỡng"
    assert document["nongsan:lotStatus"] == "recalled"
    assert document["nongsan:recallReason"] == lot.recall_reason


def test_a_correction_declares_the_error_of_the_event_it_corrects(validator):
    lot, wrong, fix = corrected_lot()
    document = epcis.epcis_document(lot)
    assert_valid(validator, document)
    original, declaration, corrective = events_of(document)
    # EPCIS repeats the erroneous event, same eventID, with an errorDeclaration
    # naming the corrective event; the original stays as it was.
    assert "errorDeclaration" not in original
    assert declaration["eventID"] == original["eventID"] == epcis.event_id(wrong)
    assert declaration["quantityList"] == original["quantityList"]
    assert declaration["errorDeclaration"]["reason"] == "incorrect_data"
    assert declaration["errorDeclaration"]["correctiveEventIDs"] == [
        epcis.event_id(fix)
    ]
    assert corrective["eventID"] == epcis.event_id(fix)
    assert corrective["nongsan:corrects"] == epcis.event_id(wrong)
    assert corrective["quantityList"][0]["quantity"] == 120.5


def test_counted_units_have_no_unit_of_measure():
    assert epcis.quantity_element("https://x.vn/l/A/", 12, "hũ") == {
        "epcClass": "https://x.vn/l/A/",
        "quantity": 12,
    }
    assert epcis.quantity_element("https://x.vn/l/A/", None, "kg") == {
        "epcClass": "https://x.vn/l/A/"
    }
    assert epcis.quantity_element("https://x.vn/l/A/", 2, "Lít")["uom"] == "LTR"


def test_the_page_serves_the_document_for_json_ld_requests(client, validator):
    lot = tea_lot(gtin=GTIN)
    record_full_history(lot)
    by_accept = client.get(lot.get_absolute_url(), HTTP_ACCEPT="application/ld+json")
    by_format = client.get(lot.get_absolute_url(), {"format": "jsonld"})
    for response in (by_accept, by_format):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/ld+json")
        assert "Accept" in response["Vary"]
        document = json.loads(response.content)
        assert_valid(validator, document)
        assert len(events_of(document)) == TraceEvent.objects.filter(lot=lot).count()


def test_a_browser_gets_the_page_not_the_document(client):
    lot = tea_lot()
    response = client.get(
        lot.get_absolute_url(),
        HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    )
    assert response["Content-Type"].startswith("text/html")


def test_a_lot_without_events_is_an_empty_but_valid_document(validator):
    lot = tea_lot()
    document = epcis.epcis_document(lot)
    assert_valid(validator, document)
    assert events_of(document) == []
