"""Demo lots: believable histories, recorded through the traceability module."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.demo import data
from cms.demo import lots as demo_lots
from market.models import Product
from producers.models import BusinessStep, Lot, MemberFarmer, TraceEvent
from producers.traceability import verify_lot


def load_small_demo() -> None:
    call_command("load_demo_data", "--small", stdout=StringIO())


@pytest.fixture
def demo(db):
    load_small_demo()


def test_most_demo_products_are_linked_to_lots_with_verified_histories(demo):
    products = Product.objects.filter(live=True).prefetch_related("lots")
    with_lots = [p for p in products if p.lots.all()]
    assert len(with_lots) >= len(products) - 1
    for lot in Lot.objects.all():
        assert verify_lot(lot) == []
        assert lot.events.exists()
    # Histories span farm work, harvest, checks, packing and shipping.
    steps = set(TraceEvent.objects.values_list("biz_step", flat=True))
    assert {
        BusinessStep.FERTILISING,
        BusinessStep.SPRAYING,
        BusinessStep.IRRIGATION,
        BusinessStep.COMMISSIONING,
        BusinessStep.SAMPLING,
        BusinessStep.PACKING,
        BusinessStep.STORING,
        BusinessStep.SHIPPING,
    } <= steps


def test_demo_events_happened_in_the_past_in_vietnam_time_by_the_cooperatives_editor(
    demo,
):
    now = timezone.now()
    for event in TraceEvent.objects.select_related("lot__cooperative", "recorded_by"):
        assert event.event_time <= now
        assert event.event_time_zone_offset == "+07:00"
        assert event.recorded_by.username == event.lot.cooperative.slug


def test_spraying_respects_the_pre_harvest_interval(demo):
    sprayed = TraceEvent.objects.filter(biz_step=BusinessStep.SPRAYING)
    assert sprayed.exists()
    for spraying in sprayed:
        assert spraying.details["product"]
        harvest = spraying.lot.events.get(biz_step=BusinessStep.COMMISSIONING)
        waited = harvest.event_time - spraying.event_time
        assert waited >= datetime.timedelta(days=spraying.details["phi_days"])


def test_samples_carry_a_lab_result_and_a_report_file(demo):
    samples = TraceEvent.objects.filter(biz_step=BusinessStep.SAMPLING)
    assert samples.exists()
    for sample in samples:
        assert sample.details["lab"] and sample.details["result"]
    assert any(sample.evidence.exists() for sample in samples)


def test_one_lot_is_recalled_with_its_reason(demo):
    recalled = Lot.objects.get(status=Lot.Status.RECALLED)
    assert recalled.recall_reason == demo_lots.RECALL_REASON
    last = recalled.events.order_by("-sequence").first()
    assert last.biz_step == BusinessStep.RECALLING
    failed = recalled.events.filter(disposition="non_conformant")
    assert failed.exists()
    assert recalled.products.get().slug == demo_lots.RECALLED_PRODUCT


def test_one_lot_is_packed_from_two_harvest_lots(demo):
    product = Product.objects.get(slug=demo_lots.POOLED_PRODUCT)
    packed = product.lots.get()
    packing = packed.events.get(biz_step=BusinessStep.PACKING)
    assert packing.event_type == TraceEvent.EventType.TRANSFORMATION
    inputs = [item.lot for item in packing.inputs.select_related("lot")]
    assert len(inputs) == 2
    assert len({lot.growing_area_id for lot in inputs}) == 2
    for harvest in inputs:
        assert harvest.status == Lot.Status.SOLD_OUT
        assert harvest.events.filter(biz_step=BusinessStep.COMMISSIONING).exists()
    assert set(packed.farmers.all()) == {f for lot in inputs for f in lot.farmers.all()}


def test_some_lots_use_the_gtin_digital_link_and_some_the_short_path(demo):
    with_gtin = Lot.objects.exclude(gtin="")
    without = Lot.objects.filter(gtin="")
    assert with_gtin.exists() and without.exists()
    lot = with_gtin.first()
    assert lot.get_absolute_url().startswith(f"/01/{lot.gtin}/10/")
    assert without.first().get_absolute_url().startswith("/l/")
    for lot in with_gtin.prefetch_related("products"):
        assert {p.gtin for p in lot.products.all()} == {lot.gtin}


def test_member_farmers_have_vietnamese_names_and_are_credited_on_lots(demo):
    names = set(MemberFarmer.objects.values_list("name", flat=True))
    assert "Nguyễn Văn Hùng" in names and "Lữ Văn Pẩu" in names
    assert Lot.objects.filter(farmers__isnull=False).distinct().count() >= 5


def test_loading_again_adds_no_lots_events_or_farmers(demo):
    before = (
        Lot.objects.count(),
        TraceEvent.objects.count(),
        MemberFarmer.objects.count(),
        list(Lot.objects.order_by("pk").values_list("head_hash", "status")),
    )
    load_small_demo()
    after = (
        Lot.objects.count(),
        TraceEvent.objects.count(),
        MemberFarmer.objects.count(),
        list(Lot.objects.order_by("pk").values_list("head_hash", "status")),
    )
    assert after == before


def test_demo_lot_codes_are_valid_and_unique_within_each_cooperative():
    for cooperative in data.COOPERATIVES:
        codes = []
        for product in cooperative.products:
            codes.append(demo_lots.lot_code(product.slug, 1))
            if product.slug in demo_lots.TWO_LOTS:
                codes.append(demo_lots.lot_code(product.slug, 2))
        assert len(codes) == len(set(codes)), cooperative.slug
        for code in codes:
            assert len(code) <= 40 and code == code.upper()


def test_every_demo_product_has_a_recipe_and_every_cooperative_farmers():
    for cooperative in data.COOPERATIVES:
        assert demo_lots.FARMERS[cooperative.slug]
        for product in cooperative.products:
            kind = demo_lots.PRODUCT_RECIPES.get(
                product.slug
            ) or demo_lots.CATEGORY_RECIPES.get(product.category)
            assert kind in demo_lots.RECIPES, product.slug
