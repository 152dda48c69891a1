"""The lot history: append-only, hash-chained, tamper-evident."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from producers import traceability
from producers.models import (
    AppendOnlyError,
    BusinessStep,
    Disposition,
    Lot,
    TraceEvent,
    TraceEvidence,
)
from producers.traceability import EventInput, EvidenceFile, NewEvent, record_event
from tests.producers.factories import (
    CooperativeFactory,
    GrowingAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    return UserFactory(username="ghi-chep")


@pytest.fixture
def lot():
    cooperative = CooperativeFactory(slug="htx-che")
    return Lot.objects.create(
        cooperative=cooperative,
        code="che-2026-11-a",
        product_name="Chè búp khô Thanh Chương",
        growing_area=GrowingAreaFactory(cooperative=cooperative),
        harvest_date=datetime.date(2026, 11, 20),
        quantity=Decimal("120.5"),
    )


def harvest(lot, user, **extra):
    return record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.COMMISSIONING,
            growing_area=lot.growing_area,
            quantity=Decimal("120.5"),
            unit="kg",
            notes="Hái một tôm hai lá",
            **extra,
        ),
        user=user,
    )


def raw_sql_tamper(sql, params):
    """Alter a row behind the application's back, as the database's owner could:
    with the append-only triggers set aside (inside the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode skips ordinary triggers; only a superuser may set it.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for table in ("traceevent", "traceeventinput", "traceevidence"):
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS producers_{table}_no_{op}")
            cursor.execute(sql, params)


def test_lot_codes_are_stored_upper_case(lot):
    assert lot.code == "CHE-2026-11-A"


def test_events_form_a_chain_from_the_genesis_hash(lot, recorder):
    first = harvest(lot, recorder)
    second = record_event(
        lot,
        NewEvent(biz_step=BusinessStep.PACKING, quantity=Decimal("100")),
        user=recorder,
    )
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == traceability.GENESIS_HASH
    assert second.previous_hash == first.chain_hash
    assert second.chain_hash == traceability.chain(
        first.chain_hash, second.content_hash
    )
    lot.refresh_from_db()
    assert lot.head_hash == second.chain_hash
    assert traceability.verify_lot(lot) == []


def test_the_content_hash_is_the_sha256_of_the_canonical_json(lot, recorder):
    event = harvest(lot, recorder)
    stored = TraceEvent.objects.get(pk=event.pk)
    data = traceability.canonical_event(stored, [], [])
    assert data["eventTime"].endswith("+07:00")
    assert stored.content_hash == traceability.sha256_hex(
        traceability.canonical_json(data)
    )


def test_events_cannot_be_edited_or_deleted_through_the_application(lot, recorder):
    event = harvest(lot, recorder)
    event.notes = "sửa lại"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TraceEvent.objects.filter(pk=event.pk).update(notes="x")
    with pytest.raises(AppendOnlyError):
        TraceEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        TraceEvent(lot=lot, biz_step="packing").save()  # not through record_event
    assert TraceEvent.objects.get(pk=event.pk).notes == "Hái một tôm hai lá"


def test_the_database_refuses_raw_updates_and_deletes_of_events(lot, recorder):
    event = harvest(lot, recorder)
    for sql in [
        "UPDATE producers_traceevent SET notes = 'x' WHERE id = %s",
        "DELETE FROM producers_traceevent WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert TraceEvent.objects.get(pk=event.pk).notes == "Hái một tôm hai lá"


def test_verify_names_the_lot_and_event_altered_with_raw_sql(lot, recorder):
    harvest(lot, recorder)
    second = record_event(lot, NewEvent(biz_step=BusinessStep.PACKING), user=recorder)
    record_event(lot, NewEvent(biz_step=BusinessStep.STORING), user=recorder)
    call_command("verify_traceability", stdout=io.StringIO())  # intact: no error

    raw_sql_tamper(
        "UPDATE producers_traceevent SET notes = %s WHERE id = %s",
        ["đóng gói lại", second.pk],
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traceability", stdout=io.StringIO(), stderr=stderr)
    report = stderr.getvalue()
    assert "CHE-2026-11-A" in report
    assert "#2" in report
    assert "#1" not in report and "#3" not in report


def test_verify_reports_a_removed_event(lot, recorder):
    harvest(lot, recorder)
    second = record_event(lot, NewEvent(biz_step=BusinessStep.PACKING), user=recorder)
    record_event(lot, NewEvent(biz_step=BusinessStep.STORING), user=recorder)
    raw_sql_tamper("DELETE FROM producers_traceevent WHERE id = %s", [second.pk])
    problems = traceability.verify_lot(lot)
    assert any(p.sequence == 3 for p in problems)


def test_verify_reports_an_evidence_file_changed_on_disk(lot, recorder):
    report = SimpleUploadedFile(
        "ket-qua.pdf",
        b"%PDF-1.4 du luong thuoc BVTV: khong phat hien",
        "application/pdf",
    )
    event = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.SAMPLING,
            disposition=Disposition.CONFORMANT,
            evidence=[EvidenceFile(report, "Phiếu kết quả xét nghiệm")],
        ),
        user=recorder,
    )
    evidence = TraceEvidence.objects.get(event=event)
    assert evidence.sha256 == traceability.sha256_hex(
        b"%PDF-1.4 du luong thuoc BVTV: khong phat hien"
    )
    assert traceability.verify_lot(lot) == []
    with open(evidence.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4 forged")
    problems = traceability.verify_lot(lot)
    assert [p.sequence for p in problems] == [1]


def test_a_correction_is_a_new_event_that_points_at_the_wrong_one(lot, recorder):
    wrong = harvest(lot, recorder)
    fix = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.CORRECTING,
            corrects=wrong,
            notes="Khối lượng đúng là 102,5 kg",
        ),
        user=recorder,
    )
    assert fix.corrects == wrong
    assert list(wrong.corrections.all()) == [fix]
    assert traceability.verify_lot(lot) == []


def test_pooling_harvest_lots_into_a_packed_lot_is_a_transformation(lot, recorder):
    other = Lot.objects.create(
        cooperative=lot.cooperative, code="CHE-2026-11-B", product_name="Chè búp"
    )
    packed = Lot.objects.create(
        cooperative=lot.cooperative, code="HOP-2026-11", product_name="Chè hộp quà"
    )
    event = record_event(
        packed,
        NewEvent(
            biz_step=BusinessStep.PACKING,
            inputs=[EventInput(lot, Decimal("60")), EventInput(other, Decimal("40"))],
            quantity=Decimal("100"),
            unit="kg",
        ),
        user=recorder,
    )
    assert event.event_type == TraceEvent.EventType.TRANSFORMATION
    assert set(event.input_lots.values_list("code", flat=True)) == {
        "CHE-2026-11-A",
        "CHE-2026-11-B",
    }
    assert traceability.verify_lot(packed) == []


def test_pooling_refuses_another_cooperatives_lot(lot, recorder):
    foreign = Lot.objects.create(
        cooperative=CooperativeFactory(), code="X-1", product_name="Cam"
    )
    with pytest.raises(ValidationError):
        record_event(
            lot,
            NewEvent(biz_step=BusinessStep.PACKING, inputs=[EventInput(foreign)]),
            user=recorder,
        )
    assert not TraceEvent.objects.exists()


def test_spraying_needs_the_product_name(lot, recorder):
    with pytest.raises(ValidationError):
        record_event(lot, NewEvent(biz_step=BusinessStep.SPRAYING), user=recorder)
    event = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.SPRAYING,
            details={"product": "Chế phẩm sinh học BT", "phi_days": 7},
        ),
        user=recorder,
    )
    assert event.details["phi_days"] == 7


def test_recalling_a_lot_records_the_reason_in_the_chain(lot, recorder):
    harvest(lot, recorder)
    event = traceability.recall_lot(
        lot, reason="Phát hiện dư lượng vượt ngưỡng", user=recorder
    )
    lot.refresh_from_db()
    assert lot.is_recalled and lot.recall_reason.startswith("Phát hiện")
    assert event.disposition == Disposition.RECALLED
    assert traceability.verify_lot(lot) == []
    with pytest.raises(ValidationError):
        traceability.recall_lot(lot, reason="  ", user=recorder)


def test_the_chain_digest_covers_every_lot_head(lot, recorder, tmp_path):
    harvest(lot, recorder)
    out = tmp_path / "digest.json"
    call_command("export_chain_digest", output=str(out), stdout=io.StringIO())
    digest = json.loads(out.read_text(encoding="utf-8"))
    lot.refresh_from_db()
    assert digest["lots"] == [
        {"cooperative": lot.cooperative_id, "lot": lot.code, "head": lot.head_hash}
    ]
    assert digest["digest"] == traceability.sha256_hex(
        traceability.canonical_json({"lots": digest["lots"]})
    )


def test_the_admin_shows_event_details_as_escaped_lines(lot, recorder):
    event = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.SAMPLING,
            details={"result": "<b>Đạt</b>", "lab": "Trung tâm Nghệ An"},
        ),
        user=recorder,
    )
    shown = str(event.get_details_display())
    assert shown == "lab: Trung tâm Nghệ An<br>result: &lt;b&gt;Đạt&lt;/b&gt;"
