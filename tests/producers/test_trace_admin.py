"""Traceability admin: lots, member farmers, read-only events, and the phone forms
that record an event, pack lots and recall a lot, each kept to one's cooperative."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.permissions import policy_registry

from producers.models import (
    BusinessStep,
    Disposition,
    Lot,
    TraceEvent,
    TraceEvidence,
)
from producers.traceability import NewEvent, verify_lot
from producers.traceability import record_event as record
from tests.producers.factories import LotFactory, MemberFarmerFactory, UserFactory
from tests.tenancy import build_world, lot_form_data, record_event_form_data

pytestmark = pytest.mark.django_db

RECORD = "trace_record:index"
POOL = "trace_pool:index"
RECALL = "trace_recall:index"


def lot_url(name, *args):
    return reverse(f"wagtailsnippets_producers_lot:{name}", args=args)


def event_url(name, *args):
    return reverse(f"wagtailsnippets_producers_traceevent:{name}", args=args)


def recent(hours=1) -> str:
    """A datetime-local value `hours` ago, in Vietnam time."""
    moment = timezone.localtime(timezone.now()) - datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (20, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def editor_a(client, world):
    client.force_login(world.editor_a)
    return world.editor_a


# --- Roles ----------------------------------------------------------------------------


def test_editors_may_add_and_view_lots_events_and_farmers_but_never_change_events(
    world,
):
    user = world.editor_a
    for model in ("lot", "memberfarmer"):
        for action in ("add", "change", "view"):
            assert user.has_perm(f"producers.{action}_{model}")
    assert user.has_perm("producers.add_traceevent")
    assert user.has_perm("producers.view_traceevent")
    assert not user.has_perm("producers.change_traceevent")
    assert not user.has_perm("producers.delete_traceevent")


def test_no_one_may_change_or_delete_an_event_not_even_a_superuser(world):
    superuser = UserFactory(username="root", is_superuser=True)
    policy = policy_registry.get_by_type(TraceEvent)
    for user in (superuser, world.staff, world.editor_a):
        for action in ("change", "delete"):
            assert not policy.user_has_permission(user, action)
            assert not policy.user_has_permission_for_instance(
                user, action, world.event_a
            )
    assert not policy.users_with_any_permission(["change", "delete"]).exists()
    assert policy.user_has_permission(superuser, "add")


# --- Lots -----------------------------------------------------------------------------


def test_editor_creates_a_lot_with_a_gtin_checked_and_stored_as_14_digits(
    client, world, editor_a
):
    data = lot_form_data(
        world.lot_a,
        cooperative=world.coop_a.pk,
        code=" cam-2026-12 ",
        gtin="8936054010011",
        product_name="Cam Vinh loại 1",
        farmers=[str(world.farmer_a.pk)],
        status="active",
    )
    response = client.post(lot_url("add"), data)

    assert response.status_code == 302, response.context["form"].errors
    lot = Lot.objects.get(code="CAM-2026-12")
    assert lot.cooperative == world.coop_a
    assert lot.gtin == "08936054010011"
    assert list(lot.farmers.all()) == [world.farmer_a]
    assert lot.get_absolute_url() == "/01/08936054010011/10/CAM-2026-12"


@pytest.mark.parametrize(
    "gtin, message",
    [("8936054010017", "Số kiểm tra"), ("89360540100", "8, 12, 13 hoặc 14")],
)
def test_a_gtin_with_a_wrong_check_digit_or_length_is_refused(
    client, world, editor_a, gtin, message
):
    data = lot_form_data(world.lot_a, code="CAM-1", gtin=gtin, status="active")
    response = client.post(lot_url("add"), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["gtin"])
    assert not Lot.objects.filter(code="CAM-1").exists()


@pytest.mark.parametrize("code", ["che-a-01", "CHÈ-01", "A B", ""])
def test_a_taken_or_malformed_lot_code_gets_a_form_error(client, world, editor_a, code):
    data = lot_form_data(world.lot_a, code=code, status="active")
    response = client.post(lot_url("add"), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Lot.objects.filter(cooperative=world.coop_a).count() == 1


def test_the_same_code_is_free_in_another_cooperative(client, world, editor_a):
    data = lot_form_data(world.lot_a, code="zqxb-01", status="active")
    response = client.post(lot_url("add"), data)
    assert response.status_code == 302
    assert Lot.objects.filter(code="ZQXB-01").count() == 2


def test_editing_a_lot_keeps_its_gtin_code_and_cooperative_once_events_exist(
    client, world, editor_a
):
    lot = world.lot_a  # has a harvest event
    Lot.objects.filter(pk=lot.pk).update(gtin="08936054010011")
    response = client.get(lot_url("edit", lot.pk))
    form = response.context["form"]
    assert "gtin" not in form.fields
    assert form.fields["code"].disabled
    assert form.fields["cooperative"].disabled
    assert "recalled" not in [value for value, _ in form.fields["status"].choices]
    assert "08936054010011" in response.text  # shown read-only

    data = lot_form_data(
        lot, code="KHAC", gtin="4006381333931", product_name="Chè A mới"
    )
    response = client.post(lot_url("edit", lot.pk), data)

    assert response.status_code == 302
    lot.refresh_from_db()
    assert (lot.code, lot.gtin, lot.product_name) == (
        "CHE-A-01",
        "08936054010011",
        "Chè A mới",
    )
    assert verify_lot(lot) == []  # the chain still matches the code it hashed


def test_a_lot_without_events_may_still_be_renamed(client, world, editor_a):
    lot = LotFactory(cooperative=world.coop_a, code="MOI-1")
    data = lot_form_data(lot, code="moi-2", status="active")

    response = client.post(lot_url("edit", lot.pk), data)

    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.code == "MOI-2"


def test_the_lot_form_never_recalls_a_lot(client, world, editor_a):
    data = lot_form_data(world.lot_a, status="recalled")
    response = client.post(lot_url("edit", world.lot_a.pk), data)

    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    world.lot_a.refresh_from_db()
    assert world.lot_a.status == Lot.Status.ACTIVE


def test_lot_form_offers_only_the_lots_cooperative_areas_and_farmers(
    client, world, editor_a
):
    response = client.get(lot_url("edit", world.lot_a.pk))
    form = response.context["form"]
    assert list(form.fields["growing_area"].queryset) == [world.area_a]
    assert list(form.fields["farmers"].queryset) == [world.farmer_a]

    data = lot_form_data(
        world.lot_a, growing_area=world.area_b.pk, farmers=[str(world.farmer_b.pk)]
    )
    response = client.post(lot_url("edit", world.lot_a.pk), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"growing_area", "farmers"}


def test_staff_cannot_attach_another_cooperatives_area_to_a_new_lot(client, world):
    client.force_login(world.staff)
    data = lot_form_data(
        world.lot_a, code="LAN-1", growing_area=world.area_b.pk, status="active"
    )
    response = client.post(lot_url("add"), data)

    assert response.status_code == 200
    assert "growing_area" in response.context["form"].errors


def test_lot_listing_shows_status_hash_and_scans_in_constant_queries(
    client, world, editor_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16) as few:
        response = client.get(lot_url("list"))
    assert response.status_code == 200
    assert "CHE-A-01" in response.text
    assert world.lot_a.head_hash[:12] in response.text
    for n in range(15):
        lot = LotFactory(cooperative=world.coop_a, code=f"NHIEU-{n}")
        lot.farmers.add(world.farmer_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(lot_url("list"))
    assert "NHIEU-14" in response.text


def test_lot_listing_filters_by_status_and_searches_by_code(client, world, editor_a):
    LotFactory(cooperative=world.coop_a, code="HET-1", status=Lot.Status.SOLD_OUT)
    response = client.get(lot_url("list"), {"status": "sold_out"})
    assert [lot.code for lot in response.context["object_list"]] == ["HET-1"]
    response = client.get(lot_url("list"), {"q": "che-a"})
    assert [lot.code for lot in response.context["object_list"]] == ["CHE-A-01"]


def test_a_lot_with_events_is_not_deleted_and_the_editor_is_told_why(
    client, world, editor_a
):
    response = client.get(lot_url("delete", world.lot_a.pk))
    assert response.status_code == 200
    assert "không thể xóa" in response.text
    assert "Yes, delete" not in response.text and "Có, xóa" not in response.text

    response = client.post(lot_url("delete", world.lot_a.pk), follow=True)
    assert response.status_code == 200
    assert "không thể xóa" in response.text
    assert Lot.objects.filter(pk=world.lot_a.pk).exists()


def test_a_pooled_input_lot_is_protected_like_one_with_events(client, world, editor_a):
    harvest = LotFactory(cooperative=world.coop_a, code="THU-1")
    client.post(
        reverse(POOL),
        pool_data([harvest], code="GOI-1"),
    )
    assert harvest.events.count() == 0  # only referenced as an input

    response = client.post(lot_url("delete", harvest.pk))

    assert response.status_code == 302
    assert Lot.objects.filter(pk=harvest.pk).exists()


def test_a_lot_without_events_can_be_deleted(client, world, editor_a):
    lot = LotFactory(cooperative=world.coop_a, code="XOA-1")
    response = client.post(lot_url("delete", lot.pk))
    assert response.status_code == 302
    assert not Lot.objects.filter(pk=lot.pk).exists()


def test_bulk_delete_skips_lots_with_events_without_an_error(client, world, editor_a):
    spare = LotFactory(cooperative=world.coop_a, code="XOA-2")
    url = reverse("wagtail_bulk_action", args=("producers", "lot", "delete"))
    query = f"?id={world.lot_a.pk}&id={spare.pk}"

    response = client.get(url + query)
    assert response.status_code == 200
    response = client.post(url + query)

    assert response.status_code == 302
    assert Lot.objects.filter(pk=world.lot_a.pk).exists()
    assert not Lot.objects.filter(pk=spare.pk).exists()


def test_lot_page_lists_its_events_and_the_actions_for_the_lot(
    client, world, editor_a, django_assert_max_num_queries
):
    lot = world.lot_a
    record(
        lot,
        NewEvent(
            biz_step=BusinessStep.SPRAYING,
            details={"product": "Thuốc sinh học Bt", "phi_days": 7},
        ),
        user=world.editor_a,
    )
    with django_assert_max_num_queries(20):
        response = client.get(lot_url("inspect", lot.pk))

    assert response.status_code == 200
    text = response.text
    assert "Thu hoạch" in text and "Thuốc sinh học Bt" in text
    assert "cách ly 7 ngày" in text
    assert reverse(RECORD) + f"?lot={lot.pk}" in text
    assert reverse(RECALL, args=(lot.pk,)) in text
    assert reverse("trace_labels:index") + f"?lot={lot.pk}" in text
    assert event_url("inspect", world.event_a.pk) in text


# --- Events are read-only -------------------------------------------------------------


@pytest.mark.parametrize("name", ["add", "edit", "delete", "copy", "history", "usage"])
def test_events_have_no_add_edit_delete_copy_history_or_usage_views(name):
    with pytest.raises(NoReverseMatch):
        event_url(name) if name == "add" else event_url(name, 1)


@pytest.mark.parametrize(
    "path", ["edit/{pk}/", "delete/{pk}/", "copy/{pk}/", "history/{pk}/", "add/"]
)
def test_typed_event_edit_or_delete_addresses_do_not_exist(client, world, path):
    client.force_login(UserFactory(username="root", is_superuser=True))
    url = f"/admin/snippets/producers/traceevent/{path.format(pk=world.event_a.pk)}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"notes": "sửa"}).status_code == 404
    assert TraceEvent.objects.get(pk=world.event_a.pk).notes == ""


def test_bulk_delete_of_events_deletes_nothing(client, world):
    client.force_login(UserFactory(username="root", is_superuser=True))
    url = reverse("wagtail_bulk_action", args=("producers", "traceevent", "delete"))

    response = client.post(f"{url}?id={world.event_a.pk}")

    assert response.status_code in (200, 302)
    assert TraceEvent.objects.filter(pk=world.event_a.pk).exists()


def test_event_listing_and_page_are_read_only_and_lead_to_the_record_form(
    client, world, editor_a
):
    response = client.get(event_url("list"))
    assert response.status_code == 200
    assert "CHE-A-01 #1" in response.text
    assert reverse(RECORD) in response.text  # the "add" button
    assert "/edit/" not in response.text

    response = client.get(event_url("inspect", world.event_a.pk))
    assert response.status_code == 200
    assert world.event_a.chain_hash in response.text
    assert "/edit/" not in response.text and "/delete/" not in response.text


# --- Record an event ------------------------------------------------------------------


def test_record_form_preselects_the_lot_and_defaults_to_now_in_vietnam_time(
    client, world, editor_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = client.get(reverse(RECORD), {"lot": world.lot_a.pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["lot"] == world.lot_a.pk
    now = timezone.localtime(
        timezone.now(), datetime.timezone(datetime.timedelta(hours=7))
    )
    assert now.strftime("%Y-%m-%dT%H:") in response.text
    assert list(form.fields["lot"].queryset) == [world.lot_a]
    assert list(form.fields["growing_area"].queryset) == [world.area_a]


def test_record_form_query_count_does_not_grow_with_the_number_of_lots(
    client, world, editor_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15) as few:
        client.get(reverse(RECORD))
    for n in range(20):
        LotFactory(cooperative=world.coop_a, code=f"LO-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(RECORD))
    assert "LO-19" in response.text


def test_editor_records_a_harvest_which_is_chained_and_read_in_vietnam_time(
    client, world, editor_a, django_assert_max_num_queries
):
    lot = world.lot_a
    data = record_event_form_data(
        lot,
        biz_step="commissioning",
        event_time="2026-03-02T07:15",
        quantity="250",
        unit="kg",
        growing_area=world.area_a.pk,
        notes="Hái một tôm hai lá",
    )
    with django_assert_max_num_queries(16):
        response = client.post(reverse(RECORD), data)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(RECORD)}?lot={lot.pk}"
    event = lot.events.order_by("-sequence").first()
    assert event.sequence == 2
    assert event.biz_step == BusinessStep.COMMISSIONING
    assert event.quantity == Decimal("250") and event.unit == "kg"
    assert event.recorded_by == world.editor_a
    assert event.event_time == datetime.datetime(
        2026, 3, 2, 0, 15, tzinfo=datetime.UTC
    )  # 07:15 in Vietnam
    assert event.growing_area == world.area_a
    assert event.previous_hash == world.event_a.chain_hash
    assert verify_lot(Lot.objects.get(pk=lot.pk)) == []
    page = client.get(response["Location"])
    assert "Đã ghi sự kiện #2" in page.text


def test_field_work_defaults_to_the_lots_area_and_packing_to_none(
    client, world, editor_a
):
    for step in ("irrigation", "packing"):
        data = record_event_form_data(
            world.lot_a, biz_step=step, event_time=recent(), growing_area=""
        )
        assert client.post(reverse(RECORD), data).status_code == 302
    irrigation, packing = world.lot_a.events.order_by("sequence")[1:]
    assert irrigation.growing_area == world.area_a
    assert packing.growing_area is None


def test_spraying_needs_the_product_and_interval_which_are_stored_in_details(
    client, world, editor_a
):
    data = record_event_form_data(world.lot_a, biz_step="spraying", event_time=recent())
    response = client.post(reverse(RECORD), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"pesticide", "phi_days"}

    data.update(pesticide="Abamectin 3.6EC", phi_days="7")
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 302
    event = world.lot_a.events.get(sequence=2)
    assert event.details == {"product": "Abamectin 3.6EC", "phi_days": 7}


@pytest.mark.parametrize(
    "verdict, disposition, details",
    [
        ("yes", Disposition.CONFORMANT, {"conformant": True}),
        ("no", Disposition.NON_CONFORMANT, {"conformant": False}),
        ("", Disposition.IN_PROGRESS, {}),
    ],
)
def test_a_sample_records_the_lab_result_and_its_verdict(
    client, world, editor_a, verdict, disposition, details
):
    data = record_event_form_data(
        world.lot_a,
        biz_step="sampling",
        event_time=recent(),
        lab="Trung tâm Kiểm nghiệm Nghệ An",
        result="Không phát hiện dư lượng (32 hoạt chất)",
        conformant=verdict,
    )
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 302
    event = world.lot_a.events.get(sequence=2)
    assert event.disposition == disposition
    assert event.details == {
        "lab": "Trung tâm Kiểm nghiệm Nghệ An",
        "result": "Không phát hiện dư lượng (32 hoạt chất)",
        **details,
    }


def test_evidence_files_are_attached_with_their_sha256(client, world, editor_a):
    data = record_event_form_data(world.lot_a, biz_step="sampling", event_time=recent())
    data["evidence"] = [
        SimpleUploadedFile("phieu-ket-qua.pdf", b"%PDF-1.4 ket qua", "application/pdf"),
        SimpleUploadedFile("mau.png", png_bytes(), "image/png"),
    ]
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 302
    files = TraceEvidence.objects.filter(event__lot=world.lot_a).order_by("pk")
    assert [f.title for f in files] == ["phieu-ket-qua.pdf", "mau.png"]
    assert all(len(f.sha256) == 64 for f in files)
    assert verify_lot(Lot.objects.get(pk=world.lot_a.pk)) == []


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "chỉ nhận PDF"),
        (
            SimpleUploadedFile("gia.pdf", b"MZ\x90\x00 not a pdf"),
            "không phải là tệp PDF",
        ),
        (SimpleUploadedFile("anh.png", b"\xff\xd8\xff jpeg named png"), "PNG"),
        (
            SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            "quá lớn",
        ),
    ],
)
def test_evidence_of_the_wrong_type_or_size_is_refused_with_a_message(
    client, world, editor_a, upload, message
):
    data = record_event_form_data(world.lot_a, event_time=recent())
    data["evidence"] = [upload]
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["evidence"])
    assert world.lot_a.events.count() == 1


def test_more_than_five_evidence_files_are_refused(client, world, editor_a):
    data = record_event_form_data(world.lot_a, event_time=recent())
    data["evidence"] = [
        SimpleUploadedFile(f"anh-{n}.png", png_bytes(), "image/png") for n in range(6)
    ]
    response = client.post(reverse(RECORD), data)
    assert "tối đa 5" in str(response.context["form"].errors["evidence"])


def test_a_correction_names_an_earlier_event_of_the_same_lot(client, world, editor_a):
    data = record_event_form_data(
        world.lot_a,
        biz_step="correcting",
        event_time=recent(),
        corrects="1",
        notes="Khối lượng đúng là 120 kg",
    )
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 302
    correction = world.lot_a.events.get(sequence=2)
    assert correction.corrects == world.event_a
    assert correction.biz_step == BusinessStep.CORRECTING


def test_a_correction_of_a_missing_event_or_without_notes_is_refused(
    client, world, editor_a
):
    data = record_event_form_data(
        world.lot_a, biz_step="correcting", event_time=recent(), corrects="9", notes=""
    )
    response = client.post(reverse(RECORD), data)

    errors = response.context["form"].errors
    assert "chưa có sự kiện #9" in str(errors["corrects"])
    assert "notes" in errors
    assert world.lot_a.events.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"event_time": "2099-01-01T08:00"}, "event_time"),
        ({"event_time": "hôm qua"}, "event_time"),
        ({"biz_step": "recalling"}, "biz_step"),
        ({"biz_step": "made-up"}, "biz_step"),
        ({"quantity": "-3"}, "quantity"),
        ({"lot": "abc"}, "lot"),
    ],
)
def test_bad_input_gets_a_form_error_never_a_server_error(
    client, world, editor_a, overrides, field
):
    data = {**record_event_form_data(world.lot_a, event_time=recent()), **overrides}
    response = client.post(reverse(RECORD), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert world.lot_a.events.count() == 1


def test_only_active_lots_can_be_chosen_and_a_sold_out_lot_gets_a_warning(
    client, world, editor_a
):
    Lot.objects.filter(pk=world.lot_a.pk).update(status=Lot.Status.SOLD_OUT)

    response = client.get(reverse(RECORD), {"lot": world.lot_a.pk}, follow=True)
    assert response.status_code == 200
    assert "không còn đang bán" in response.text
    response = client.post(reverse(RECORD), record_event_form_data(world.lot_a))
    assert "lot" in response.context["form"].errors


# --- Tenancy of the custom views ------------------------------------------------------


def test_editor_cannot_record_on_another_cooperatives_lot(client, world, editor_a):
    url = reverse(RECORD)
    assert client.get(url, {"lot": world.lot_b.pk}).status_code == 404
    assert (
        client.post(
            f"{url}?lot={world.lot_b.pk}", record_event_form_data(world.lot_b)
        ).status_code
        == 404
    )

    response = client.post(
        url, record_event_form_data(world.lot_b, event_time=recent())
    )

    assert response.status_code == 200
    assert "lot" in response.context["form"].errors
    assert "ZQXB" not in response.text
    assert world.lot_b.events.count() == 1


def test_editor_cannot_use_another_cooperatives_area_on_their_own_lot(
    client, world, editor_a
):
    data = record_event_form_data(
        world.lot_a, event_time=recent(), growing_area=world.area_b.pk
    )
    response = client.post(reverse(RECORD), data)
    assert "growing_area" in response.context["form"].errors
    assert world.lot_a.events.count() == 1


def test_staff_recording_with_an_area_of_another_cooperative_get_a_form_error(
    client, world
):
    client.force_login(world.staff)
    data = record_event_form_data(
        world.lot_a, event_time=recent(), growing_area=world.area_b.pk
    )
    response = client.post(reverse(RECORD), data)
    assert "không thuộc hợp tác xã" in str(response.context["form"].errors)


def test_a_user_without_the_add_event_permission_cannot_open_the_form(client, world):
    nobody = UserFactory(username="khach")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    for url in (
        reverse(RECORD),
        reverse(POOL),
        reverse(RECALL, args=(world.lot_a.pk,)),
    ):
        assert client.get(url).status_code in (302, 403)


def test_editor_cannot_pool_or_recall_another_cooperatives_lots(
    client, world, editor_a
):
    response = client.post(reverse(POOL), pool_data([world.lot_a, world.lot_b]))
    assert response.status_code == 200
    assert "inputs" in response.context["form"].errors
    response = client.post(reverse(POOL), pool_data([world.lot_b]))
    assert "inputs" in response.context["form"].errors

    url = reverse(RECALL, args=(world.lot_b.pk,))
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "hỏng"}).status_code == 404
    world.lot_b.refresh_from_db()
    assert world.lot_b.status == Lot.Status.ACTIVE
    assert not Lot.objects.filter(code="GOI-1").exists()


# --- Pool lots ------------------------------------------------------------------------


def pool_data(lots, **overrides):
    data = {
        "inputs": [str(lot.pk) for lot in lots],
        "code": "GOI-1",
        "product_name": "",
        "gtin": "",
        "quantity": "95",
        "unit": "kg",
        "event_time": recent(),
        "notes": "Đóng túi 500 g",
        "close_inputs": "on",
    }
    data.update(overrides)
    return data


def test_pooling_two_harvest_lots_creates_the_packed_lot_and_a_transformation(
    client, world, editor_a
):
    other = LotFactory(
        cooperative=world.coop_a,
        code="CHE-A-02",
        harvest_date=datetime.date(2026, 11, 18),
        growing_area=world.area_a,
    )
    farmer = MemberFarmerFactory(cooperative=world.coop_a, name="Trần Văn Nam")
    other.farmers.add(farmer)

    response = client.post(
        reverse(POOL),
        pool_data([world.lot_a, other], code="goi-2026-11", gtin="8936054010011"),
    )

    assert response.status_code == 302
    packed = Lot.objects.get(code="GOI-2026-11")
    assert response["Location"] == lot_url("inspect", packed.pk)
    assert packed.cooperative == world.coop_a
    assert packed.product_name == world.lot_a.product_name
    assert packed.gtin == "08936054010011"
    assert packed.harvest_date == datetime.date(2026, 11, 18)
    assert (packed.quantity, packed.unit) == (Decimal("95"), "kg")
    assert packed.growing_area == world.area_a
    assert set(packed.farmers.all()) == {world.farmer_a, farmer}
    event = packed.events.get()
    assert event.event_type == TraceEvent.EventType.TRANSFORMATION
    assert event.biz_step == BusinessStep.PACKING
    assert {i.lot for i in event.inputs.all()} == {world.lot_a, other}
    assert event.quantity == Decimal("95")
    world.lot_a.refresh_from_db()
    other.refresh_from_db()
    assert world.lot_a.status == other.status == Lot.Status.SOLD_OUT
    assert verify_lot(packed) == []


def test_pooling_into_an_existing_lot_code_adds_the_event_to_that_lot(
    client, world, editor_a
):
    packed = LotFactory(cooperative=world.coop_a, code="GOI-1")
    response = client.post(
        reverse(POOL), pool_data([world.lot_a], code="GOI-1", close_inputs="")
    )

    assert response.status_code == 302
    assert packed.events.get().inputs.get().lot == world.lot_a
    world.lot_a.refresh_from_db()
    assert world.lot_a.status == Lot.Status.ACTIVE


def test_pooling_refuses_a_packed_code_that_is_also_an_input(client, world, editor_a):
    response = client.post(reverse(POOL), pool_data([world.lot_a], code="che-a-01"))
    assert "code" in response.context["form"].errors
    assert world.lot_a.events.count() == 1


def test_staff_cannot_pool_lots_of_two_cooperatives(client, world):
    client.force_login(world.staff)
    response = client.post(reverse(POOL), pool_data([world.lot_a, world.lot_b]))
    assert "cùng một hợp tác xã" in str(response.context["form"].errors["inputs"])


# --- Recall ---------------------------------------------------------------------------


def test_editor_recalls_a_lot_with_a_reason(client, world, editor_a):
    url = reverse(RECALL, args=(world.lot_a.pk,))
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "   "})
    assert "reason" in response.context["form"].errors

    response = client.post(url, {"reason": "Phát hiện dư lượng vượt ngưỡng"})

    assert response.status_code == 302
    lot = Lot.objects.get(pk=world.lot_a.pk)
    assert lot.status == Lot.Status.RECALLED
    assert lot.recall_reason == "Phát hiện dư lượng vượt ngưỡng"
    event = lot.events.order_by("-sequence").first()
    assert (event.biz_step, event.disposition) == ("recalling", "recalled")
    # Recalled once: the page now says so instead of recalling again.
    response = client.get(url, follow=True)
    assert "đã được thu hồi" in response.text
    assert lot.events.count() == 2


# --- Farmers and menu -----------------------------------------------------------------


def test_editor_adds_a_member_farmer_to_their_cooperative(client, world, editor_a):
    url = reverse("wagtailsnippets_producers_memberfarmer:add")
    response = client.post(
        url, {"cooperative": world.coop_b.pk, "name": "Lê Thị Mai", "hamlet": "Xóm 5"}
    )
    assert response.status_code == 302
    farmer = world.coop_a.farmers.get(name="Lê Thị Mai")
    assert farmer.hamlet == "Xóm 5"  # the locked field kept A, whatever was posted


def test_traceability_menu_offers_the_tools_to_an_editor(client, world, editor_a):
    response = client.get(reverse("wagtailadmin_home"))
    for url in (
        "/admin/truy-xuat/ghi-su-kien/",
        "/admin/truy-xuat/dong-goi/",
        "/admin/truy-xuat/nhan/",
        "/admin/snippets/producers/lot/",
        "/admin/snippets/producers/traceevent/",
        "/admin/snippets/producers/memberfarmer/",
    ):
        assert url in response.text


def test_the_record_tools_are_not_in_the_menu_of_a_user_without_permission(
    client, world
):
    viewer = UserFactory(username="xem")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    response = client.get(reverse("wagtailadmin_home"))
    assert "/admin/truy-xuat/" not in response.text
