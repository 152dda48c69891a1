"""A cooperative's software creates lots and appends trace events to them."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from producers.lots import pool_lots
from producers.models import (
    CooperativeLogEntry,
    Lot,
    TraceEvent,
)
from producers.traceability import verify_lot
from tests.api.writing import MARKER, error_fields, get, post, two_cooperatives
from tests.producers.factories import GrowingAreaFactory, LotFactory, UserFactory

pytestmark = pytest.mark.django_db

LOTS = "/api/v1/me/lots"
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def events_url(code: str) -> str:
    return f"/api/v1/me/lots/{code}/events"


@pytest.fixture
def coops(issue_token):
    return two_cooperatives(issue_token)


@pytest.fixture
def area(coops):
    return GrowingAreaFactory(cooperative=coops.a, area_code="VT-40-0001")


@pytest.fixture
def foreign_area(coops):
    return GrowingAreaFactory(
        cooperative=coops.b, name=f"Đồi {MARKER}", area_code="VT-40-0999"
    )


@pytest.fixture
def lot(coops, area):
    return LotFactory(cooperative=coops.a, code="CHE-A-01", growing_area=area)


@pytest.fixture
def foreign_lot(coops, foreign_area):
    return LotFactory(
        cooperative=coops.b,
        code="CAM-B-01",
        product_name=f"Cam {MARKER}",
        growing_area=foreign_area,
    )


def recent(minutes=30) -> str:
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    return moment.isoformat()


NEW_LOT = {
    "code": "che-2026-77",
    "product_name": "Chè búp khô",
    "gtin": "8938505974194",
    "growing_area": "VT-40-0001",
    "harvest_date": "2026-03-02",
    "quantity": "120.5",
    "unit": "kg",
}


# -- lots -----------------------------------------------------------------------


def test_a_lot_is_created_for_the_tokens_cooperative_and_logged(client, coops, area):
    response = post(client, LOTS, coops.key, NEW_LOT)

    assert response.status_code == 201, response.json()
    lot = Lot.objects.get(code="CHE-2026-77")
    assert lot.cooperative == coops.a
    assert lot.growing_area == area
    assert lot.gtin == "08938505974194"
    assert lot.quantity == lot.quantity.__class__("120.50")
    body = response.json()
    assert body["code"] == "CHE-2026-77"
    assert body["public_id"] == lot.public_id
    assert body["url"].endswith(lot.get_absolute_url())
    entry = CooperativeLogEntry.objects.get(action="wagtail.create")
    assert entry.object_id == str(lot.pk)
    assert entry.user == coops.token.created_by
    assert entry.data["api_token"] == {"id": coops.token.pk, "name": "Phần mềm kho"}


def test_a_growing_area_is_named_by_its_id_too(client, coops, area):
    body = {**NEW_LOT, "growing_area": str(area.pk), "gtin": ""}
    assert post(client, LOTS, coops.key, body).status_code == 201
    assert Lot.objects.get(code="CHE-2026-77").growing_area == area


def test_a_retried_lot_creation_creates_one_lot_and_replays_the_answer(
    client, coops, area
):
    first = post(client, LOTS, coops.key, NEW_LOT, idempotency_key="lot-77")
    again = post(client, LOTS, coops.key, NEW_LOT, idempotency_key="lot-77")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Lot.objects.filter(cooperative=coops.a).count() == 1

    other = post(
        client, LOTS, coops.key, {**NEW_LOT, "code": "X-2"}, idempotency_key="lot-77"
    )
    assert other.status_code == 422
    assert not Lot.objects.filter(code="X-2").exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"code": "CHE-A-01"}, "code"),  # taken in this cooperative
        ({"code": "chè-01"}, "code"),
        ({"code": "A B"}, "code"),
        ({"code": ""}, "code"),
        ({"code": "X" * 41}, "code"),
        ({"gtin": "8938505974195"}, "gtin"),  # wrong check digit
        ({"gtin": "12ab"}, "gtin"),
        ({"product_name": ""}, "product_name"),
        ({"harvest_date": "2026-02-30"}, "harvest_date"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "1e20"}, "quantity"),
        ({"quantity": "0.001"}, "quantity"),
        ({"growing_area": "VT-KHONG-CO"}, "growing_area"),
        ({"status": "recalled"}, "status"),
    ],
)
def test_bad_lots_are_refused_with_the_field_named(client, coops, lot, changes, field):
    response = post(client, LOTS, coops.key, {**NEW_LOT, **changes})

    assert response.status_code == 422, response.json()
    assert field in error_fields(response)
    assert Lot.objects.filter(cooperative=coops.a).count() == 1


def test_the_same_code_is_free_when_another_cooperative_uses_it(
    client, coops, foreign_lot
):
    body = {**NEW_LOT, "code": foreign_lot.code, "growing_area": None, "gtin": ""}
    response = post(client, LOTS, coops.key, body)
    assert response.status_code == 201
    assert MARKER not in response.content.decode()
    assert Lot.objects.filter(code=foreign_lot.code).count() == 2


def test_another_cooperatives_area_cannot_be_given_to_a_lot(
    client, coops, foreign_area
):
    for value in (foreign_area.area_code, str(foreign_area.pk)):
        response = post(client, LOTS, coops.key, {**NEW_LOT, "growing_area": value})
        assert response.status_code == 422
        assert error_fields(response) == {"growing_area"}
        assert MARKER not in response.content.decode()
    assert not Lot.objects.filter(cooperative=coops.a).exists()


def test_the_lot_listing_is_the_cooperatives_only(client, coops, lot, foreign_lot):
    LotFactory(cooperative=coops.a, code="CHE-A-02", status=Lot.Status.SOLD_OUT)

    response = get(client, LOTS, coops.key)

    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert sorted(codes) == ["CHE-A-01", "CHE-A-02"]
    assert MARKER not in response.content.decode()
    sold_out = get(client, f"{LOTS}?status=sold_out", coops.key).json()
    assert [row["code"] for row in sold_out["results"]] == ["CHE-A-02"]
    assert get(client, f"{LOTS}?status=bogus", coops.key).status_code == 422


@pytest.mark.parametrize("count", [2, 15])
def test_lot_listing_costs_the_same_queries_for_any_page_length(
    client, coops, area, count, django_assert_max_num_queries
):
    LotFactory.create_batch(count, cooperative=coops.a, growing_area=area)
    with django_assert_max_num_queries(6):
        response = get(client, f"{LOTS}?page_size=50", coops.key)
    assert len(response.json()["results"]) == count


def test_a_revoked_token_creates_nothing(client, coops, area):
    coops.token.revoke()
    assert post(client, LOTS, coops.key, NEW_LOT).status_code == 401
    assert get(client, LOTS, coops.key).status_code == 401
    assert not Lot.objects.exists()


# -- events ---------------------------------------------------------------------


def test_a_harvest_is_appended_to_the_chain_as_the_admin_would(client, coops, lot):
    response = post(
        client,
        events_url("che-a-01"),  # codes are matched as the admin types them
        coops.key,
        {"biz_step": "commissioning", "quantity": "80", "unit": "kg", "notes": "Lứa 1"},
    )

    assert response.status_code == 201, response.json()
    event = TraceEvent.objects.get(lot=lot)
    assert event.sequence == 1
    assert event.recorded_by == coops.token.created_by
    assert event.growing_area == lot.growing_area  # field work defaults to it
    assert event.disposition == "active"
    body = response.json()
    assert body["sequence"] == 1
    assert body["chain_hash"] == event.chain_hash
    assert body["event_time"].endswith("+07:00")
    lot.refresh_from_db()
    assert verify_lot(lot) == []


def test_api_and_admin_events_share_one_valid_chain_shown_in_the_admin(
    client, coops, lot
):
    post(client, events_url(lot.code), coops.key, {"biz_step": "planting"})
    post(
        client,
        events_url(lot.code),
        coops.key,
        {
            "biz_step": "spraying",
            "pesticide": "Abamectin 3.6EC",
            "phi_days": 7,
            "event_time": recent(),
        },
    )
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    admin_form = {
        "lot": lot.pk,
        "biz_step": "sampling",
        "event_time": (
            datetime.datetime.now(VIETNAM) - datetime.timedelta(minutes=20)
        ).strftime("%Y-%m-%dT%H:%M"),
        "lab": "Viện Bảo vệ thực vật",
        "conformant": "yes",
    }
    response = client.post(reverse("trace_record:index"), admin_form)
    assert response.status_code == 302, response.context["form"].errors
    post(
        client,
        events_url(lot.code),
        coops.key,
        {"biz_step": "correcting", "corrects": 2, "notes": "Thời gian cách ly 14 ngày"},
    )

    events = list(TraceEvent.objects.filter(lot=lot).order_by("sequence"))
    assert [e.biz_step for e in events] == [
        "planting",
        "spraying",
        "sampling",
        "correcting",
    ]
    assert events[1].details == {"product": "Abamectin 3.6EC", "phi_days": 7}
    assert events[2].disposition == "conformant"
    assert events[3].corrects == events[1]
    lot.refresh_from_db()
    assert verify_lot(lot) == []
    assert lot.head_hash == events[3].chain_hash

    page = client.get(reverse("wagtailsnippets_producers_lot:inspect", args=[lot.pk]))
    assert "Abamectin 3.6EC" in page.content.decode()
    listing = client.get(reverse("wagtailsnippets_producers_traceevent:list"))
    assert listing.content.decode().count(lot.code) >= 4


def test_a_correction_answers_with_the_number_it_corrects(client, coops, lot):
    post(client, events_url(lot.code), coops.key, {"biz_step": "planting"})
    response = post(
        client,
        events_url(lot.code),
        coops.key,
        {"biz_step": "correcting", "corrects": 1, "notes": "Gieo ngày khác"},
    )
    assert response.status_code == 201
    assert response.json()["corrects"] == 1


def test_a_time_without_offset_is_vietnam_time(client, coops, lot):
    response = post(
        client,
        events_url(lot.code),
        coops.key,
        {"biz_step": "storing", "event_time": "2026-01-05T07:30:00"},
    )
    assert response.status_code == 201
    event = TraceEvent.objects.get(lot=lot)
    assert event.event_time == datetime.datetime(2026, 1, 5, 0, 30, tzinfo=datetime.UTC)
    assert response.json()["event_time"] == "2026-01-05T07:30:00+07:00"


def test_a_packing_with_input_lots_is_a_transformation(client, coops, lot, area):
    harvest = LotFactory(cooperative=coops.a, code="CHE-A-09", growing_area=area)
    response = post(
        client,
        events_url(lot.code),
        coops.key,
        {"biz_step": "packing", "inputs": [{"lot": "che-a-09", "quantity": "12.5"}]},
    )
    assert response.status_code == 201, response.json()
    event = TraceEvent.objects.get(lot=lot)
    assert event.event_type == TraceEvent.EventType.TRANSFORMATION
    assert response.json()["inputs"][0]["code"] == harvest.code
    lot.refresh_from_db()
    assert verify_lot(lot) == []


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"biz_step": "spraying"}, {"pesticide", "phi_days"}),
        ({"biz_step": "spraying", "pesticide": "Bt", "phi_days": 400}, {"phi_days"}),
        ({"biz_step": "correcting"}, {"corrects", "notes"}),
        ({"biz_step": "correcting", "corrects": 9, "notes": "x"}, {"corrects"}),
        ({"biz_step": "recalling"}, {"biz_step"}),
        ({"biz_step": "dancing"}, {"biz_step"}),
        ({}, {"biz_step"}),
        ({"biz_step": "storing", "event_time": "2999-01-01T00:00:00+07:00"}, None),
        ({"biz_step": "storing", "event_time": "0001-01-01T00:00:00+14:00"}, None),
        ({"biz_step": "storing", "event_time": "hôm qua"}, {"event_time"}),
        ({"biz_step": "storing", "quantity": "-3"}, {"quantity"}),
        ({"biz_step": "storing", "notes": "x" * 2001}, {"notes"}),
        ({"biz_step": "storing", "growing_area": "VT-KHONG-CO"}, {"growing_area"}),
        ({"biz_step": "packing", "inputs": [{"lot": "KHONG-CO"}]}, {"inputs.0.lot"}),
        ({"biz_step": "packing", "inputs": [{"lot": "CHE-A-01"}]}, {"inputs"}),
        ({"biz_step": "storing", "inputs": [{"lot": "X"}] * 51}, {"inputs"}),
        ({"biz_step": "storing", "evidence": ["a.pdf"]}, {"evidence"}),
    ],
)
def test_bad_events_are_refused_with_the_field_named(client, coops, lot, body, fields):
    response = post(client, events_url(lot.code), coops.key, body)

    assert response.status_code == 422, response.json()
    if fields is None:
        assert error_fields(response) == {"event_time"}
    else:
        assert fields <= error_fields(response)
    assert not TraceEvent.objects.filter(lot=lot).exists()


def test_a_lot_no_longer_on_sale_takes_no_event(client, coops, lot):
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.SOLD_OUT)
    response = post(client, events_url(lot.code), coops.key, {"biz_step": "storing"})
    assert response.status_code == 409
    assert lot.code in response.json()["detail"]
    assert not TraceEvent.objects.filter(lot=lot).exists()


def test_a_retried_event_is_recorded_once(client, coops, lot):
    body = {"biz_step": "storing", "notes": "Kho lạnh"}
    first = post(client, events_url(lot.code), coops.key, body, idempotency_key="e1")
    again = post(client, events_url(lot.code), coops.key, body, idempotency_key="e1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TraceEvent.objects.filter(lot=lot).count() == 1

    changed = post(
        client,
        events_url(lot.code),
        coops.key,
        {**body, "notes": "Kho khác"},
        idempotency_key="e1",
    )
    assert changed.status_code == 422
    assert TraceEvent.objects.filter(lot=lot).count() == 1
    lot.refresh_from_db()
    assert verify_lot(lot) == []


# -- tenancy ----------------------------------------------------------------------


def test_another_cooperatives_lot_does_not_exist_for_the_token(
    client, coops, lot, foreign_lot
):
    response = post(
        client, events_url(foreign_lot.code), coops.key, {"biz_step": "storing"}
    )
    assert response.status_code == 404
    missing = post(client, events_url("KHONG-CO"), coops.key, {"biz_step": "storing"})
    assert response.json() == missing.json()
    assert MARKER not in response.content.decode()
    assert not TraceEvent.objects.exists()


def test_another_cooperatives_lot_or_area_cannot_go_into_an_event(
    client, coops, lot, foreign_lot, foreign_area
):
    as_input = post(
        client,
        events_url(lot.code),
        coops.key,
        {"biz_step": "packing", "inputs": [{"lot": foreign_lot.code}]},
    )
    assert as_input.status_code == 422
    assert error_fields(as_input) == {"inputs.0.lot"}
    for value in (foreign_area.area_code, str(foreign_area.pk)):
        as_area = post(
            client,
            events_url(lot.code),
            coops.key,
            {"biz_step": "planting", "growing_area": value},
        )
        assert as_area.status_code == 422
        assert error_fields(as_area) == {"growing_area"}
    for response in (as_input, as_area):
        assert MARKER not in response.content.decode()
        assert foreign_lot.public_id not in response.content.decode()
    assert not TraceEvent.objects.exists()


def test_a_revoked_token_appends_nothing(client, coops, lot):
    coops.token.revoke()
    response = post(client, events_url(lot.code), coops.key, {"biz_step": "storing"})
    assert response.status_code == 401
    assert not TraceEvent.objects.exists()


def test_pooling_still_refuses_input_lots_not_on_sale(coops, lot):
    done = LotFactory(cooperative=coops.a, code="CHE-A-03", status="sold_out")
    with pytest.raises(ValidationError) as refused:
        pool_lots([lot, done], code="GOI-1", user=None)
    assert "đang bán" in refused.value.message_dict["inputs"][0]
    assert not Lot.objects.filter(code="GOI-1").exists()
