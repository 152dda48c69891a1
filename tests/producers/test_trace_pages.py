"""The public trace page a buyer opens from the QR code, and its lookups."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from market.models import ProductImage
from producers import digital_link, traceability
from producers.models import BusinessStep, Lot
from producers.traceability import NewEvent, record_event
from tests.market.factories import ProductFactory
from tests.producers.factories import LotFactory, UserFactory, make_image
from tests.producers.lot_histories import (
    at,
    certify,
    corrected_lot,
    pooled_lot,
    recalled_lot,
    record_full_history,
    tea_lot,
)
from tests.producers.test_traceability import raw_sql_tamper

pytestmark = pytest.mark.django_db

GTIN = "08935000000014"


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def sell(lot, **fields):
    """A market product sold from `lot` (a parental many-to-many: saved to stick)."""
    product = ProductFactory(cooperative=lot.cooperative, **fields)
    product.lots.add(lot)
    product.save()
    return product


@pytest.fixture
def lot():
    lot = tea_lot(gtin=GTIN)
    certify(lot)
    record_full_history(lot)
    return lot


def test_the_page_shows_origin_farmers_and_the_timeline_in_the_order_it_happened(
    client, lot
):
    # Recorded late, but it happened first: the timeline follows event time.
    record_event(
        lot,
        NewEvent(biz_step=BusinessStep.PLANTING, event_time=at(1, 6, month=3)),
        user=UserFactory(),
    )
    response = client.get(lot.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    for fact in (
        "Chè búp khô Thanh Chương",
        "CHE-2025-11-A",
        "Đồi chè Hạnh Lâm",
        "VT-40-A",
        "20/11/2025",
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
        lot.cooperative.name,
    ):
        assert fact in text
    steps = [item.event.biz_step for item in response.context["timeline"]]
    assert steps == ["planting", "spraying", "commissioning", "sampling", "packing"]
    order = [text.index(label) for label in ("Gieo trồng", "Phun thuốc", "Đóng gói")]
    assert order == sorted(order)
    assert "openstreetmap.org/?mlat=18.7861&amp;mlon=105.1234" in (
        response.content.decode()
    )


def test_event_times_are_shown_in_vietnam_time(client, lot):
    text = text_of(client.get(lot.get_absolute_url()))
    assert (
        "06:00 20/11/2025" in text
    )  # harvest at 06:00 +07:00 (23:00 UTC the day before)
    assert "GMT+07:00" in text


def test_spraying_shows_the_product_and_when_harvest_became_safe(client, lot):
    text = text_of(client.get(lot.get_absolute_url()))
    assert "Chế phẩm sinh học Bt" in text
    assert "Bacillus thuringiensis" in text
    assert "7 ngày" in text
    assert "thu hoạch được từ 08/11/2025" in text


def test_lab_results_and_evidence_with_size_and_short_hash(client, lot):
    response = client.get(lot.get_absolute_url())
    text = text_of(response)
    assert "Trung tâm Kiểm nghiệm Nghệ An" in text
    assert "KN-2025-118" in text
    assert "Dư lượng Abamectin" in text and "0,05 mg/kg" in text
    assert "0,02 mg/kg" in text  # numbers as Vietnamese write them
    evidence = lot.events.get(biz_step="sampling").evidence.get()
    assert "Phiếu kết quả thử nghiệm" in text
    assert f"SHA-256 {evidence.sha256[:12]}…" in text
    assert "bytes" in text or "byte" in text
    assert f'href="{evidence.file.url}"' in response.content.decode()


def test_certificates_are_judged_on_the_harvest_date_not_today(client, lot):
    response = client.get(lot.get_absolute_url())
    shown = {
        s.certification.number: s.valid for s in response.context["certifications"]
    }
    assert shown == {"VG-VALID-01": True, "HC-EXPIRED-02": False}
    html = response.content.decode()
    valid = html.index("VG-VALID-01")
    expired = html.index("HC-EXPIRED-02")
    assert valid < expired  # those in force first
    assert "không có hiệu lực vào ngày thu hoạch" in text_of(response)
    assert "lot-cert--invalid" in html


def test_a_certificate_expired_today_still_counts_if_valid_at_harvest(client, lot):
    from producers.models import Certification

    Certification.objects.filter(number="VG-VALID-01").update(
        expires_on="2025-12-01"  # before today, after the harvest
    )
    response = client.get(lot.get_absolute_url())
    shown = {
        s.certification.number: s.valid for s in response.context["certifications"]
    }
    assert shown["VG-VALID-01"] is True


def test_the_product_card_links_to_buy_it_with_its_price(client, lot):
    product = sell(lot, name="Chè búp Thanh Chương 500 g", price=185000)
    response = client.get(lot.get_absolute_url())
    text = text_of(response)
    assert "Chè búp Thanh Chương 500 g" in text
    assert "185.000 ₫" in text
    assert f'href="{product.get_absolute_url()}"' in response.content.decode()
    assert "Mua sản phẩm này" in text
    offers = json_ld(response)["offers"]
    assert offers["price"] == 185000 and offers["priceCurrency"] == "VND"


def test_a_draft_product_is_not_offered_on_the_trace_page(client, lot):
    sell(lot, live=False, name="Nháp")
    response = client.get(lot.get_absolute_url())
    assert "Nháp" not in text_of(response)
    assert "offers" not in json_ld(response)


def test_schema_org_data_describes_the_lot(client, lot):
    data = json_ld(client.get(lot.get_absolute_url()))
    assert data["@type"] == "Product"
    assert data["gtin14"] == GTIN
    assert data["identifier"]["value"] == "CHE-2025-11-A"
    assert data["productionDate"] == "2025-11-20"
    assert data["manufacturer"]["name"] == lot.cooperative.name
    assert [c["certificationIdentification"] for c in data["hasCertification"]] == [
        "VG-VALID-01"
    ]


def test_a_recalled_lot_has_a_red_banner_with_the_reason_and_no_buy_button(client):
    lot = recalled_lot()
    sell(lot, name="Chè đã bán")
    response = client.get(lot.get_absolute_url())
    html = response.content.decode()
    assert 'class="lot-recall" role="alert"' in html
    text = text_of(response)
    assert "Lô hàng này đã bị thu hồi" in text
    assert "Phát hiện dư lượng thuốc vượt ngưỡng" in text
    assert "Chè đã bán" in text  # the product is named...
    assert "Mua sản phẩm này" not in text  # ...but not offered
    assert "offers" not in json_ld(response)


def test_an_active_lot_has_no_recall_banner(client, lot):
    assert "lot-recall" not in client.get(lot.get_absolute_url()).content.decode()


def test_a_pooled_lot_links_to_the_trace_pages_of_its_inputs(client):
    packed, first, second = pooled_lot()
    response = client.get(packed.get_absolute_url())
    html = response.content.decode()
    assert "Lô này được gộp từ" in text_of(response)
    for source in (first, second):
        assert f'href="{source.get_absolute_url()}"' in html
    # ...and each input lot links forward to the pooled lot.
    forward = client.get(first.get_absolute_url())
    assert f'href="{packed.get_absolute_url()}"' in forward.content.decode()
    assert "Lô này đã được gộp vào" in text_of(forward)


def test_a_correction_is_shown_and_the_corrected_event_marked(client):
    lot, wrong, fix = corrected_lot()
    response = client.get(lot.get_absolute_url())
    text = text_of(response)
    assert f"Đính chính sự kiện #{wrong.sequence}" in text
    assert f"Sự kiện này đã được đính chính bởi #{fix.sequence}" in text
    assert "timeline__item--corrected" in response.content.decode()


def test_the_chain_is_shown_verified(client, lot):
    response = client.get(lot.get_absolute_url())
    assert response.context["verified"] is True
    text = text_of(response)
    assert "Chuỗi nhật ký đã được kiểm chứng" in text
    assert lot.head_hash[:12] in text
    assert "tệp" not in text.split("Chuỗi nhật ký")[1][:20]


def test_a_row_altered_with_raw_sql_shows_the_chain_broken(client, lot):
    raw_sql_tamper(
        "UPDATE producers_traceevent SET notes = %s WHERE lot_id = %s AND sequence = 2",
        ["Hái ba lá", lot.pk],
    )
    response = client.get(lot.get_absolute_url())
    assert response.context["verified"] is False
    text = text_of(response)
    assert "Nhật ký không khớp với chuỗi mã băm" in text
    assert "Chuỗi nhật ký đã được kiểm chứng" not in text


def test_the_verdict_is_cached_per_chain_head_so_new_events_are_checked_again(
    client, lot, django_assert_max_num_queries
):
    client.get(lot.get_absolute_url())
    key = f"trace:chain-verified:{lot.pk}:{lot.head_hash}"
    assert cache.get(key) is True
    record_event(lot, NewEvent(biz_step=BusinessStep.STORING), user=UserFactory())
    lot.refresh_from_db()
    response = client.get(lot.get_absolute_url())
    assert response.context["verified"] is True
    assert cache.get(f"trace:chain-verified:{lot.pk}:{lot.head_hash}") is True


def test_a_lot_without_events_says_nothing_is_recorded_yet(client):
    lot = tea_lot()
    response = client.get(lot.get_absolute_url())
    assert response.context["verified"] is None
    assert "Chưa có sự kiện nào được ghi cho lô này" in text_of(response)


def test_each_page_view_counts_one_scan(client, lot):
    for expected in (1, 2, 3):
        response = client.get(lot.get_absolute_url())
        assert response.context["scan_count"] == expected
    assert Lot.objects.get(pk=lot.pk).scan_count == 3


def test_machine_requests_do_not_count_as_scans(client, lot):
    client.get(lot.get_absolute_url(), {"format": "jsonld"})
    client.get(lot.get_absolute_url(), HTTP_ACCEPT="application/ld+json")
    client.get(lot.get_absolute_url(), {"linkType": "all"})
    client.head(lot.get_absolute_url())
    assert Lot.objects.get(pk=lot.pk).scan_count == 0


@pytest.mark.parametrize("events", [5, 30])
def test_the_page_costs_the_same_queries_whatever_the_history_length(
    client, django_assert_max_num_queries, events
):
    lot = tea_lot(gtin=GTIN)
    certify(lot)
    product = sell(lot)
    ProductImage.objects.create(product=product, image=make_image(), sort_order=0)
    user = UserFactory()
    record_full_history(lot, user)  # 4 events, one with evidence
    for day in range(events - 4):
        record_event(
            lot,
            NewEvent(biz_step=BusinessStep.IRRIGATION, event_time=at(1 + day % 28, 5)),
            user=user,
        )
    client.get(lot.get_absolute_url())  # the first view makes the image renditions
    cache.clear()  # ...and every view after the cache expires verifies the chain
    # (and reads the site menu and footer again: 3 queries, cms/navigation.py);
    # on PostgreSQL the scan is counted in a transaction of its own that does
    # not wait for the disk (a savepoint here, SET LOCAL, its release).
    scan_transaction = 3 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(18 + scan_transaction):
        response = client.get(lot.get_absolute_url())
    assert len(response.context["timeline"]) == events


def test_the_short_path_and_its_upper_case_form_open_the_lot(client):
    lot = tea_lot()
    for path in (f"/l/{lot.public_id}/", f"/L/{lot.public_id}/"):
        assert client.get(path).context["lot"] == lot
    assert client.get(f"/l/{lot.public_id.lower()}/").context["lot"] == lot


def test_the_page_renders_in_english(client, lot):
    response = client.get("/en" + lot.get_absolute_url())
    assert response.status_code == 200
    assert response.context["lot"] == lot
    assert 'lang="en"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        f"/01/{GTIN}/10/CHE-2025-11-A",
        f"/01/{GTIN}/10/che-2025-11-a",
        f"/01/{GTIN}/10/CHE-2025-11-A/",
        "/01/8935000000014/10/CHE-2025-11-A",  # GTIN-13 as printed under the barcode
    ],
)
def test_digital_link_variants_resolve_to_the_same_lot(client, path):
    lot = tea_lot(gtin=GTIN)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["lot"] == lot


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (f"/01/{GTIN[:-1]}5/10/CHE-2025-11-A", "check digit"),
        ("/01/0893500000001A/10/CHE-2025-11-A", "letters"),
        ("/01/089350000000140/10/CHE-2025-11-A", "too long"),
        ("/01/08935/10/CHE-2025-11-A", "too short"),
        (f"/01/{GTIN}/10/CHE-2025-11-Z", "unknown lot"),
        (f"/01/{GTIN}/10/CHE_2025", "bad lot code"),
        (f"/01/{GTIN}/10/{'A' * 41}", "lot code too long"),
        ("/01/00000000000017/10/CHE-2025-11-A", "another GTIN"),
        ("/l/ZZZZZZZZZZ/", "unknown short id"),
        ("/l/abc-def/", "short id with a dash"),
        ("/l/%E2%9C%93/", "not ascii"),
    ],
)
def test_old_or_mistyped_codes_get_a_helpful_404(client, path, why):
    tea_lot(gtin=GTIN)
    response = client.get(path)
    assert response.status_code == 404, why
    assert response.templates[0].name == "producers/lot_not_found.html"
    html = response.content.decode()
    assert 'action="/truy-xuat/"' in html and 'name="code"' in html
    assert 'href="/san-pham/"' in html


def test_a_bad_check_digit_is_named_as_such(client):
    response = client.get(f"/01/{GTIN[:-1]}5/10/CHE-2025-11-A")
    assert "chữ số kiểm tra" in text_of(response)


def test_the_404_page_also_works_in_english(client):
    response = client.get("/en/l/ZZZZZZZZZZ/")
    assert response.status_code == 404
    assert 'href="/en/san-pham/"' in response.content.decode()


def test_linktype_all_lists_the_lots_links_as_a_linkset(client, lot):
    product = sell(lot)
    response = client.get(lot.get_absolute_url(), {"linkType": "all"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/linkset+json"
    (links,) = json.loads(response.content)["linkset"]
    page = f"http://testserver/01/{GTIN}/10/CHE-2025-11-A"
    assert links["anchor"] == page
    assert links["https://gs1.org/voc/pip"][0]["href"] == (
        f"http://testserver{product.get_absolute_url()}"
    )
    assert links["https://gs1.org/voc/traceability"][0]["href"] == page
    assert links["https://gs1.org/voc/epcis"][0]["href"] == f"{page}?format=jsonld"
    assert links["https://gs1.org/voc/epcis"][0]["type"] == "application/ld+json"


def test_linktype_pip_redirects_to_the_product_page(client, lot):
    product = sell(lot)
    response = client.get(lot.get_absolute_url(), {"linkType": "gs1:pip"})
    assert response.status_code == 302
    assert response["Location"].endswith(product.get_absolute_url())


def test_the_lookup_form_finds_a_lot_by_short_id_or_gtin_and_lot(client, lot):
    short = lot.get_absolute_url()
    for code in (
        lot.public_id,
        lot.public_id.lower(),
        f"{GTIN} CHE-2025-11-A",
        "8935000000014/che-2025-11-a",
        f"(01){GTIN}(10)CHE-2025-11-A",
        f"https://example.vn/01/{GTIN}/10/CHE-2025-11-A",
        f"HTTP://TESTSERVER/L/{lot.public_id}/",
        "CHE-2025-11-A",
    ):
        response = client.get(reverse("producers:lot_lookup"), {"code": code})
        assert response.status_code == 302, code
        assert response["Location"] == short


def test_the_lookup_lists_lots_when_a_bare_code_is_used_by_two_cooperatives(client):
    first = LotFactory(code="CAM-2025-01")
    second = LotFactory(code="CAM-2025-01")
    response = client.get(reverse("producers:lot_lookup"), {"code": "cam-2025-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert first.get_absolute_url() in html and second.get_absolute_url() in html


@pytest.mark.parametrize("code", ["", "   ", "08935000000015 CHE", "???", "x" * 500])
def test_the_lookup_answers_nonsense_with_the_form_again(client, code):
    response = client.get(reverse("producers:lot_lookup"), {"code": code})
    assert response.status_code == 404
    assert 'name="code"' in response.content.decode()


def test_the_lookup_page_without_a_code_shows_the_form(client):
    response = client.get(reverse("producers:lot_lookup"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_posting_to_a_trace_page_is_refused(client, lot):
    assert client.post(lot.get_absolute_url()).status_code == 405


def test_parse_reference_reads_the_forms_printed_on_packages():
    parse = digital_link.parse_reference
    assert parse(f"(01){GTIN}(10)che-1") == digital_link.LotReference(
        gtin=GTIN, code="CHE-1"
    )
    assert parse(f"{GTIN}+CHE-1") == digital_link.LotReference(gtin=GTIN, code="CHE-1")
    assert parse("/l/abcdef2345/") == digital_link.LotReference(public_id="ABCDEF2345")
    assert parse(f"{GTIN[:-1]}9 CHE-1") is None
    assert parse("https://example.vn/san-pham/") is None
    assert digital_link.stored_gtin_forms(GTIN) == [GTIN, GTIN[1:]]


def test_the_verify_check_on_the_page_does_not_rehash_files(client, lot, settings):
    # A missing evidence file is for `verify_traceability`; the page checks the chain.
    evidence = lot.events.get(biz_step="sampling").evidence.get()
    evidence.file.storage.delete(evidence.file.name)
    assert traceability.verify_lot(lot) != []
    assert client.get(lot.get_absolute_url()).context["verified"] is True


def test_a_lab_result_recorded_from_the_admin_form_is_shown_with_its_verdict(client):
    lot = tea_lot()
    record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.INSPECTING,
            disposition="non_conformant",
            details={
                "lab": "Chi cục Trồng trọt và BVTV",
                "result": "Dư lượng Chlorpyrifos 0,08 mg/kg",
                "conformant": False,
            },
        ),
        user=UserFactory(),
    )
    text = text_of(client.get(lot.get_absolute_url()))
    assert "Chi cục Trồng trọt và BVTV" in text
    assert "Dư lượng Chlorpyrifos 0,08 mg/kg" in text
    assert "Đánh giá Không đạt" in text
    assert "conformant" not in text
