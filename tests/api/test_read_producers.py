"""Public cooperative and lot endpoints: what the public pages show, as JSON."""

import datetime

import pytest
from django.utils import timezone

from producers.models import Certification, Lot
from tests.api.conftest import bearer
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    LotFactory,
)
from tests.producers.lot_histories import (
    certify,
    corrected_lot,
    pooled_lot,
    recalled_lot,
    record_full_history,
    tea_lot,
)

pytestmark = pytest.mark.django_db

HA_TINH = 42
HA_TINH_COMMUNE = 18115  # Phường Bắc Hồng Lĩnh
CON_CUONG = 17254  # Xã Con Cuông, Nghệ An
THANH_VINH = 16681  # Phường Thành Vinh, Nghệ An


@pytest.fixture
def cooperatives():
    return {
        "che": CooperativeFactory(
            name="HTX Chè Thanh Chương",
            slug="htx-che-thanh-chuong",
            commune_code=CON_CUONG,
            is_verified=False,
        ),
        "cam": CooperativeFactory(
            name="HTX Cam Vinh", slug="htx-cam-vinh", commune_code=THANH_VINH
        ),
        "mat-ong": CooperativeFactory(
            name="HTX Mật ong Hà Tĩnh",
            slug="htx-mat-ong-ha-tinh",
            province_code=HA_TINH,
            commune_code=HA_TINH_COMMUNE,
        ),
    }


def slugs(response, key="slug") -> list[str]:
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["results"]]


# -- cooperatives -------------------------------------------------------------


def test_cooperatives_verified_first_then_by_name(client, cooperatives):
    response = client.get("/api/v1/cooperatives")
    assert slugs(response) == [
        "htx-cam-vinh",
        "htx-mat-ong-ha-tinh",
        "htx-che-thanh-chuong",
    ]
    first = response.json()["results"][0]
    assert first["province"] == {"code": 40, "name": "Nghệ An"}
    assert first["commune"]["code"] == THANH_VINH
    assert first["address"].startswith("Xóm 3, ")
    assert first["url"] == "http://testserver/hop-tac-xa/htx-cam-vinh/"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("che", ["htx-che-thanh-chuong"]),
        ("thanh chuong", ["htx-che-thanh-chuong"]),
        ("MAT ONG", ["htx-mat-ong-ha-tinh"]),
        ("ha tinh", ["htx-mat-ong-ha-tinh"]),
        # Place names count too: the ward of Vinh.
        ("thanh vinh", ["htx-cam-vinh"]),
        ("htx", ["htx-cam-vinh", "htx-mat-ong-ha-tinh", "htx-che-thanh-chuong"]),
        ("Chè Thanh", ["htx-che-thanh-chuong"]),
        ("sầu riêng", []),
        ("!!!", ["htx-cam-vinh", "htx-mat-ong-ha-tinh", "htx-che-thanh-chuong"]),
    ],
)
def test_cooperative_search_ignores_case_and_diacritics(
    client, cooperatives, q, expected
):
    assert slugs(client.get("/api/v1/cooperatives", {"q": q})) == expected


def test_cooperative_whose_name_starts_with_the_query_comes_first(client):
    CooperativeFactory(name="HTX Nông sản Cam Đường", slug="htx-nong-san")
    CooperativeFactory(name="Cam Đường Xanh", slug="cam-duong-xanh", is_verified=False)
    listed = slugs(client.get("/api/v1/cooperatives", {"q": "cam duong"}))
    assert listed == ["cam-duong-xanh", "htx-nong-san"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"province": HA_TINH}, ["htx-mat-ong-ha-tinh"]),
        ({"province": 40}, ["htx-cam-vinh", "htx-che-thanh-chuong"]),
        ({"commune": CON_CUONG}, ["htx-che-thanh-chuong"]),
        ({"province": 40, "commune": THANH_VINH}, ["htx-cam-vinh"]),
        ({"province": 40, "q": "mat ong"}, []),
    ],
)
def test_cooperatives_by_province_and_commune(client, cooperatives, query, expected):
    assert slugs(client.get("/api/v1/cooperatives", query)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"province": 9999}, "province"),
        ({"commune": 1}, "commune"),
        ({"province": 40, "commune": HA_TINH_COMMUNE}, "commune"),
        ({"province": "nghe-an"}, "province"),
        ({"q": "x" * 201}, "q"),
        ({"page_size": 0}, "page_size"),
    ],
)
def test_bad_cooperative_filters_get_422_naming_the_parameter(
    client, cooperatives, query, field
):
    response = client.get("/api/v1/cooperatives", query)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_cooperative_profile_has_contact_delivery_certificates_and_areas(client):
    today = timezone.localdate()
    cooperative = CooperativeFactory(
        name="HTX Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
        story="<p>Chè <b>một tôm hai lá</b>.</p>",
        email="che@example.vn",
        website="https://che.example.vn",
        founded_year=2009,
        member_count=86,
        delivery_fee=25000,
        free_delivery_from=500000,
        orders_email="kin@example.vn",
    )
    expired = CertificationFactory(
        cooperative=cooperative,
        kind=Certification.Kind.ORGANIC,
        number="HC-2020",
        issued_on=today - datetime.timedelta(days=900),
        expires_on=today - datetime.timedelta(days=1),
    )
    in_force = CertificationFactory(
        cooperative=cooperative,
        kind=Certification.Kind.OCOP,
        ocop_stars=4,
        number="2381/QĐ-UBND",
        expires_on=today + datetime.timedelta(days=1),
    )
    GrowingAreaFactory(
        cooperative=cooperative,
        name="Đồi chè Hạnh Lâm",
        area_code="VN-NATE-0012",
        commune_code=CON_CUONG,
        hectares="24.50",
        latitude="18.783400",
        longitude="105.270100",
    )
    body = client.get("/api/v1/cooperatives/htx-che-thanh-chuong").json()
    assert body["name"] == "HTX Chè Thanh Chương"
    assert body["story"] == "<p>Chè <b>một tôm hai lá</b>.</p>"
    assert (body["phone"], body["email"], body["website"]) == (
        "0912345678",
        "che@example.vn",
        "https://che.example.vn",
    )
    assert (body["founded_year"], body["member_count"]) == (2009, 86)
    assert body["delivery"] == {
        "offers_pickup": True,
        "offers_delivery": True,
        "delivery_fee": 25000,
        "free_delivery_from": 500000,
    }
    # Certificates in force first; expired ones listed, marked.
    assert [(c["number"], c["in_force"]) for c in body["certifications"]] == [
        (in_force.number, True),
        (expired.number, False),
    ]
    assert body["certifications"][0]["label"] == "OCOP 4 ★"
    assert body["growing_areas"] == [
        {
            "name": "Đồi chè Hạnh Lâm",
            "area_code": "VN-NATE-0012",
            "commune": {"code": CON_CUONG, "name": "Xã Con Cuông"},
            "hectares": 24.5,
            "crops": "chè xanh",
            "latitude": 18.7834,
            "longitude": 105.2701,
        }
    ]
    assert body["lots_url"] == (
        "http://testserver/api/v1/lots?cooperative=htx-che-thanh-chuong"
    )
    # The address orders go to is the cooperative's business, not the public's.
    assert "kin@example.vn" not in str(body)
    assert "orders_email" not in body


def test_unknown_cooperative_is_a_json_404(client):
    response = client.get("/api/v1/cooperatives/khong-co")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("extra", [0, 20])
def test_cooperative_list_queries_are_fixed(
    client, cooperatives, extra, django_assert_max_num_queries
):
    for _number in range(extra):
        CooperativeFactory()
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/cooperatives", {"page_size": 50, "q": "che"})
    assert response.json()["count"] == 1 + extra


@pytest.mark.parametrize("extra", [0, 5])
def test_cooperative_profile_queries_are_fixed(
    client, cooperatives, extra, django_assert_max_num_queries
):
    cooperative = cooperatives["che"]
    for _number in range(extra):
        CertificationFactory(cooperative=cooperative)
        GrowingAreaFactory(cooperative=cooperative)
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/v1/cooperatives/{cooperative.slug}")
    assert len(response.json()["certifications"]) == extra


# -- lots ---------------------------------------------------------------------


def test_lot_shows_what_the_trace_page_shows(client):
    lot = tea_lot()
    valid, expired = certify(lot)
    events = record_full_history(lot)
    response = client.get(f"/api/v1/lots/{lot.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["public_id"], body["status"]) == (
        lot.code,
        lot.public_id,
        "active",
    )
    assert body["url"] == f"http://testserver/l/{lot.public_id}/"
    assert body["epcis_url"] == (f"http://testserver/api/v1/lots/{lot.public_id}/epcis")
    assert [f["name"] for f in body["farmers"]] == ["Nguyễn Thị Lan", "Trần Văn Bình"]
    assert body["growing_area"] == {"name": "Đồi chè Hạnh Lâm", "area_code": "VT-40-A"}
    assert body["growing_area_details"]["latitude"] == 18.7861
    # In force on the harvest date (2025-11-20), not today.
    assert [(c["number"], c["in_force"]) for c in body["certifications"]] == [
        (valid.number, True),
        (expired.number, False),
    ]
    assert body["verified"] is True
    assert body["head_hash"] == lot.head_hash == events[-1].chain_hash
    assert [e["sequence"] for e in body["events"]] == [1, 2, 3, 4]
    assert [e["biz_step"] for e in body["events"]] == [
        "spraying",
        "commissioning",
        "sampling",
        "packing",
    ]
    harvest = body["events"][1]
    assert harvest["event_time"] == "2025-11-20T06:00:00+07:00"
    assert harvest["quantity"] == 120.5
    assert harvest["biz_step_label"] == "Thu hoạch"
    assert harvest["notes"] == "Hái một tôm hai lá"
    assert harvest["previous_hash"] == body["events"][0]["chain_hash"]
    assert harvest["content_hash"] == events[1].content_hash
    sampling = body["events"][2]
    assert sampling["details"]["report_number"] == "KN-2025-118"
    assert sampling["evidence"][0]["title"] == "Phiếu kết quả thử nghiệm"
    assert sampling["evidence"][0]["sha256"] == events[2].evidence.get().sha256
    assert sampling["evidence"][0]["url"].startswith("http://testserver/")


def test_pooled_lot_names_its_inputs_and_the_inputs_their_output(client):
    packed, first, second = pooled_lot()
    body = client.get(f"/api/v1/lots/{packed.public_id}").json()
    packing = body["events"][0]
    assert packing["event_type"] == "TransformationEvent"
    assert [(i["code"], i["quantity"]) for i in packing["inputs"]] == [
        (first.code, 60.0),
        (second.code, 40.0),
    ]
    assert packing["inputs"][0]["public_id"] == first.public_id
    upstream = client.get(f"/api/v1/lots/{first.public_id}").json()
    assert [lot["public_id"] for lot in upstream["outputs"]] == [packed.public_id]


def test_a_correction_names_the_event_it_corrects(client):
    lot, _wrong, _fix = corrected_lot()
    events = client.get(f"/api/v1/lots/{lot.public_id}").json()["events"]
    assert [(e["biz_step"], e["corrects"]) for e in events] == [
        ("commissioning", None),
        ("correcting", 1),
    ]


def test_recalled_lots_stay_public_with_their_reason(client):
    lot = recalled_lot()
    body = client.get(f"/api/v1/lots/{lot.public_id}").json()
    assert body["status"] == "recalled"
    assert body["recall_reason"] == "Phát hiện dư lượng thuốc vượt ngưỡng"
    assert body["recalled_at"]
    assert slugs(client.get("/api/v1/lots", {"status": "recalled"}), "public_id") == [
        lot.public_id
    ]


def test_lot_ids_are_read_like_the_trace_page_reads_them(client):
    lot = LotFactory()
    assert client.get(f"/api/v1/lots/{lot.public_id.lower()}").status_code == 200
    for bad in ("NOPE00", "x", "ABC%20DEF", "A" * 40):
        response = client.get(f"/api/v1/lots/{bad}")
        assert response.status_code == 404
        assert response.json()["detail"]
        assert client.get(f"/api/v1/lots/{bad}/epcis").status_code == 404


def test_lots_latest_harvest_first_filtered_by_cooperative_and_status(client):
    che, cam = CooperativeFactory(slug="htx-che"), CooperativeFactory(slug="htx-cam")
    old = LotFactory(cooperative=che, harvest_date=datetime.date(2026, 6, 1))
    new = LotFactory(cooperative=che, harvest_date=datetime.date(2026, 11, 1))
    sold = LotFactory(
        cooperative=che,
        harvest_date=datetime.date(2026, 9, 1),
        status=Lot.Status.SOLD_OUT,
    )
    orange = LotFactory(cooperative=cam, harvest_date=datetime.date(2026, 10, 1))
    undated = LotFactory(cooperative=cam, harvest_date=None)

    def listed(**query):
        return slugs(client.get("/api/v1/lots", query), "public_id")

    assert listed() == [
        new.public_id,
        orange.public_id,
        sold.public_id,
        old.public_id,
        undated.public_id,
    ]
    assert listed(cooperative="htx-che") == [
        new.public_id,
        sold.public_id,
        old.public_id,
    ]
    assert listed(cooperative="htx-che", status="active") == [
        new.public_id,
        old.public_id,
    ]
    assert listed(status="sold_out") == [sold.public_id]
    body = client.get("/api/v1/lots", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"]) == (5, 3)
    assert [lot["public_id"] for lot in body["results"]] == [
        sold.public_id,
        old.public_id,
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cooperative": "khong-co"}, "cooperative"),
        ({"status": "lost"}, "status"),
        ({"page": -1}, "page"),
    ],
)
def test_bad_lot_filters_get_422_naming_the_parameter(client, query, field):
    LotFactory()
    response = client.get("/api/v1/lots", query)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("count", [2, 20])
def test_lot_list_queries_are_fixed(client, count, django_assert_max_num_queries):
    cooperative = CooperativeFactory(slug="htx-che")
    for _number in range(count):
        LotFactory(
            cooperative=cooperative,
            growing_area=GrowingAreaFactory(cooperative=cooperative),
        )
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/lots", {"cooperative": "htx-che"})
    assert response.json()["count"] == count


@pytest.mark.parametrize("histories", [1, 3])
def test_lot_detail_queries_do_not_grow_with_its_events(
    client, histories, django_assert_max_num_queries
):
    lot = tea_lot()
    certify(lot)
    for _round in range(histories):
        record_full_history(lot)
    client.get(f"/api/v1/lots/{lot.public_id}")  # chain verdict cached
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/lots/{lot.public_id}")
    assert len(response.json()["events"]) == 4 * histories


def test_a_token_does_not_change_what_the_public_lot_endpoints_show(
    client, issue_token
):
    mine, theirs = tea_lot("CHE-MINE-A"), tea_lot("CHE-THEIRS-B")
    _token, key = issue_token(mine.cooperative)
    anonymous = client.get("/api/v1/lots").json()
    with_token = client.get("/api/v1/lots", **bearer(key)).json()
    assert anonymous == with_token
    assert {lot["public_id"] for lot in anonymous["results"]} == {
        mine.public_id,
        theirs.public_id,
    }
    assert (
        client.get(f"/api/v1/lots/{theirs.public_id}", **bearer(key)).json()
        == client.get(f"/api/v1/lots/{theirs.public_id}").json()
    )


# -- EPCIS --------------------------------------------------------------------


@pytest.mark.parametrize("make", ["full", "pooled", "recalled", "corrected"])
def test_epcis_document_is_the_trace_pages_own(client, make):
    if make == "full":
        lot = tea_lot(gtin="08935000000014")
        record_full_history(lot)
    elif make == "pooled":
        lot = pooled_lot()[0]
    elif make == "recalled":
        lot = recalled_lot()
    else:
        lot = corrected_lot()[0]
    from_api = client.get(f"/api/v1/lots/{lot.public_id}/epcis")
    from_page = client.get(lot.get_absolute_url(), {"format": "jsonld"})
    assert from_api.status_code == from_page.status_code == 200
    assert from_api["Content-Type"] == "application/ld+json"
    assert from_page["Content-Type"] == "application/ld+json"
    api_document, page_document = from_api.json(), from_page.json()
    assert api_document.pop("creationDate")
    assert page_document.pop("creationDate")
    assert api_document == page_document
    assert api_document["type"] == "EPCISDocument"
    assert api_document["epcisBody"]["eventList"]
