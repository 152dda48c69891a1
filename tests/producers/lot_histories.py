"""Lots with realistic recorded histories, for the trace page, EPCIS and QR tests."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from producers.models import BusinessStep, Disposition
from producers.traceability import (
    VIETNAM_OFFSET,
    EventInput,
    EvidenceFile,
    NewEvent,
    recall_lot,
    record_event,
)
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    GrowingAreaFactory,
    LotFactory,
    MemberFarmerFactory,
    UserFactory,
)

LAB_REPORT = b"%PDF-1.4\n% Phieu ket qua thu nghiem so KN-2025-118\n"


def at(day: int, hour: int, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=VIETNAM_OFFSET)


def tea_lot(code="CHE-2025-11-A", gtin="", **extra):
    """A harvested tea lot of a cooperative with an area, farmers and certificates."""
    cooperative = extra.pop("cooperative", None) or CooperativeFactory()
    area = GrowingAreaFactory(
        cooperative=cooperative,
        name="Đồi chè Hạnh Lâm",
        area_code=f"VT-40-{code[-1]}",
        latitude=Decimal("18.786100"),
        longitude=Decimal("105.123400"),
    )
    lot = LotFactory(
        cooperative=cooperative,
        code=code,
        growing_area=area,
        harvest_date=datetime.date(2025, 11, 20),
        **extra,
    )
    if gtin:
        # The frozen copy is not editable in forms; set as the admin would on creation.
        type(lot).objects.filter(pk=lot.pk).update(gtin=gtin)
        lot.gtin = gtin
    lot.farmers.add(
        MemberFarmerFactory(cooperative=cooperative, name="Nguyễn Thị Lan"),
        MemberFarmerFactory(cooperative=cooperative, name="Trần Văn Bình"),
    )
    return lot


def certify(lot):
    """One certificate in force on the harvest date, one expired before it."""
    valid = CertificationFactory(
        cooperative=lot.cooperative,
        number="VG-VALID-01",
        issued_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2027, 12, 31),
    )
    expired = CertificationFactory(
        cooperative=lot.cooperative,
        kind="organic",
        number="HC-EXPIRED-02",
        issued_on=datetime.date(2023, 1, 1),
        expires_on=datetime.date(2025, 6, 30),
    )
    return valid, expired


def record_full_history(lot, user=None):
    """Spraying, harvest, sampling with a lab result and report, packing."""
    user = user or UserFactory(username="ghi-nhat-ky")
    spraying = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.SPRAYING,
            event_time=at(1, 7),
            growing_area=lot.growing_area,
            details={
                "product": "Chế phẩm sinh học Bt",
                "active_ingredient": "Bacillus thuringiensis",
                "dose": "20 g / bình 16 lít",
                "phi_days": 7,
            },
        ),
        user=user,
    )
    harvest = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.COMMISSIONING,
            event_time=at(20, 6),
            growing_area=lot.growing_area,
            quantity=Decimal("120.5"),
            unit="kg",
            notes="Hái một tôm hai lá",
        ),
        user=user,
    )
    sampling = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.SAMPLING,
            disposition=Disposition.CONFORMANT,
            event_time=at(21, 9),
            location="Trung tâm Kiểm nghiệm Nghệ An",
            details={
                "lab": "Trung tâm Kiểm nghiệm Nghệ An",
                "report_number": "KN-2025-118",
                "results": [
                    {
                        "name": "Dư lượng Abamectin",
                        "value": "không phát hiện",
                        "limit": "0,05 mg/kg",
                        "passed": True,
                    },
                    {
                        "name": "Chì (Pb)",
                        "value": 0.02,
                        "unit": "mg/kg",
                        "limit": "0,3 mg/kg",
                        "passed": True,
                    },
                ],
            },
            evidence=[
                EvidenceFile(
                    SimpleUploadedFile(
                        "phieu-ket-qua.pdf", LAB_REPORT, "application/pdf"
                    ),
                    title="Phiếu kết quả thử nghiệm",
                )
            ],
        ),
        user=user,
    )
    packing = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.PACKING,
            disposition=Disposition.CONTAINER_CLOSED,
            event_time=at(22, 14),
            location="Xưởng sơ chế HTX, xóm 3",
            quantity=Decimal("118"),
            unit="kg",
        ),
        user=user,
    )
    lot.refresh_from_db()
    return [spraying, harvest, sampling, packing]


def pooled_lot(user=None, gtin=""):
    """A gift-box lot packed from two harvest lots of the same cooperative."""
    user = user or UserFactory(username="dong-goi")
    first = tea_lot("CHE-2025-11-A")
    second = tea_lot("CHE-2025-11-B", cooperative=first.cooperative)
    for harvested in (first, second):
        record_event(
            harvested,
            NewEvent(
                biz_step=BusinessStep.COMMISSIONING,
                event_time=at(20, 6),
                growing_area=harvested.growing_area,
                quantity=Decimal("60"),
                unit="kg",
            ),
            user=user,
        )
    packed = LotFactory(
        cooperative=first.cooperative,
        code="HOP-QUA-2025-11",
        product_name="Hộp quà chè Thanh Chương",
        harvest_date=None,
    )
    if gtin:
        type(packed).objects.filter(pk=packed.pk).update(gtin=gtin)
        packed.gtin = gtin
    record_event(
        packed,
        NewEvent(
            biz_step=BusinessStep.PACKING,
            disposition=Disposition.CONTAINER_CLOSED,
            event_time=at(23, 10),
            inputs=[
                EventInput(first, Decimal("60")),
                EventInput(second, Decimal("40")),
            ],
            quantity=Decimal("100"),
            unit="kg",
        ),
        user=user,
    )
    packed.refresh_from_db()
    return packed, first, second


def recalled_lot(user=None):
    user = user or UserFactory(username="thu-hoi")
    lot = tea_lot("CHE-2025-10-R")
    record_full_history(lot, user)
    recall_lot(lot, reason="Phát hiện dư lượng thuốc vượt ngưỡng", user=user)
    lot.refresh_from_db()
    return lot


def corrected_lot(user=None):
    """A harvest recorded with the wrong weight, then corrected by a new event."""
    user = user or UserFactory(username="dinh-chinh")
    lot = tea_lot("CHE-2025-11-C")
    wrong = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.COMMISSIONING,
            event_time=at(20, 6),
            growing_area=lot.growing_area,
            quantity=Decimal("1205"),
            unit="kg",
        ),
        user=user,
    )
    fix = record_event(
        lot,
        NewEvent(
            biz_step=BusinessStep.CORRECTING,
            event_time=at(20, 18),
            corrects=wrong,
            quantity=Decimal("120.5"),
            unit="kg",
            notes="Khối lượng đúng là 120,5 kg, không phải 1205 kg",
        ),
        user=user,
    )
    lot.refresh_from_db()
    return lot, wrong, fix
