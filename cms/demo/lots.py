"""Demo lots: member farmers, and for most products a lot with a believable history.

Every event is written by `producers.traceability.record_event` (or `recall_lot`,
`pool_lots`) with an event time in the past, so the demo's hash chains are as
real as any cooperative's. Lot codes are fixed per product; a lot whose code
exists already is left alone, with its events, so loading twice adds nothing.

Harvest dates are counted back from the day the demo is first loaded. Farm work
comes before the harvest, checks and packing after it; a step that would fall in
the future is simply not recorded yet (a lot harvested last week is not shipped).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from producers import labels
from producers.lots import default_disposition, pool_lots
from producers.models import BusinessStep, Cooperative, GrowingArea, Lot, MemberFarmer
from producers.traceability import EvidenceFile, NewEvent, recall_lot, record_event

S = BusinessStep
LAB = "Trung tâm Kiểm nghiệm Nông sản Nghệ An"
WAREHOUSE = "Kho hợp tác xã"


# --- Member farmers -------------------------------------------------------------

FARMERS: dict[str, tuple[tuple[str, str], ...]] = {
    "htx-che-thanh-chuong": (
        ("Nguyễn Văn Hùng", "Xóm 4, Hạnh Lâm"),
        ("Trần Thị Lan", "Xóm 4, Hạnh Lâm"),
        ("Phan Văn Thắng", "Xóm 6, Hạnh Lâm"),
        ("Lê Thị Hằng", "Xóm 2, Cát Ngạn"),
        ("Nguyễn Đình Tú", "Xóm 3, Cát Ngạn"),
        ("Võ Thị Mai", "Xóm 3, Cát Ngạn"),
    ),
    "htx-cam-vinh-quy-hop": (
        ("Lô Văn Thanh", "Bản Tổng Chài"),
        ("Vi Thị Hoa", "Bản Tổng Chài"),
        ("Sầm Văn Tuấn", "Bản Tổng Chài"),
        ("Hoàng Văn Lực", "Bản Na Ca, Châu Lộc"),
        ("Lang Thị Thu", "Bản Na Ca, Châu Lộc"),
    ),
    "htx-mat-ong-con-cuong": (
        ("Lữ Văn Pẩu", "Bản Khe Rạn, Môn Sơn"),
        ("Lô Thị Hương", "Bản Khe Rạn, Môn Sơn"),
        ("Vi Văn Sơn", "Bản Cầu, Con Cuông"),
        ("Kha Văn Thành", "Bản Cầu, Con Cuông"),
    ),
    "htx-nuoc-mam-quynh-luu": (
        ("Hồ Văn Minh", "Xóm Tân Phong"),
        ("Hồ Thị Nga", "Xóm Tân Phong"),
        ("Nguyễn Văn Đông", "Xóm Hải Tân"),
        ("Trương Thị Bích", "Xóm Hải Tân"),
    ),
    "htx-gao-yen-thanh": (
        ("Đặng Văn Tài", "Xóm Đồng Tâm"),
        ("Nguyễn Thị Huyền", "Xóm Đồng Tâm"),
        ("Cao Văn Lợi", "Xóm Bắc Thịnh"),
        ("Phạm Thị Duyên", "Xóm Bắc Thịnh"),
        ("Hoàng Văn Quế", "Xóm Đông Thành"),
        ("Trần Văn Bình", "Xóm Đông Thành"),
    ),
    "htx-gung-ky-son": (
        ("Xồng Bá Dế", "Bản Huồi Tụ"),
        ("Và Bá Giải", "Bản Huồi Tụ"),
        ("Lầu Y Dợ", "Bản Mường Lống 1"),
        ("Moong Văn Dinh", "Bản Mường Lống 2"),
    ),
    "htx-nong-san-nghia-dan": (
        ("Nguyễn Văn Quang", "Xóm Quang Tiến"),
        ("Lê Thị Thảo", "Xóm Quang Tiến"),
        ("Bùi Văn Hòa", "Xóm Nghĩa Hội"),
        ("Đinh Thị Yến", "Xóm Nghĩa Hội"),
    ),
    "htx-duoc-lieu-que-phong": (
        ("Lương Văn Thanh", "Bản Pòng, Tri Lễ"),
        ("Sầm Thị Nga", "Bản Pòng, Tri Lễ"),
        ("Lang Văn Khánh", "Bản Cắm, Tri Lễ"),
    ),
}


# --- What happens to each kind of produce -----------------------------------------


@dataclass(frozen=True)
class Step:
    """One event, `day` days after the harvest (negative: before it)."""

    day: int
    step: str
    notes: str = ""
    details: dict = field(default_factory=dict)
    quantity: str = ""  # "harvest" or "packed": which of the lot's amounts
    location: str = ""
    area: bool = False  # recorded at the lot's growing area
    lab_report: bool = False  # attach a lab report PDF as evidence
    hour: int = 8


@dataclass(frozen=True)
class Recipe:
    unit: str  # of the harvest (and of the lot)
    harvest: int  # a typical harvest, varied a little per lot
    packed_unit: str
    per_pack: Decimal  # harvest units in one packed unit
    steps: tuple[Step, ...]


def _sample(result: str, *, conformant: bool = True, day: int = 2) -> Step:
    return Step(
        day,
        S.SAMPLING,
        notes="Lấy mẫu ngẫu nhiên tại kho, gửi phòng thử nghiệm.",
        details={"lab": LAB, "result": result, "conformant": conformant},
        lab_report=True,
        hour=9,
    )


def _shipping(day: int, to: str) -> Step:
    return Step(day, S.SHIPPING, notes=f"Giao cho {to}.", quantity="packed", hour=14)


RECIPES: dict[str, Recipe] = {
    "tea_leaf": Recipe(
        "kg",
        420,
        "kg",
        Decimal("1"),
        (
            Step(-40, S.FERTILISING, "Bón phân hữu cơ vi sinh 1,5 tấn/ha.", area=True),
            Step(
                -21,
                S.SPRAYING,
                "Phun trừ rầy xanh, sâu cuốn lá.",
                {
                    "product": "Chế phẩm sinh học Bt (Bacillus thuringiensis)",
                    "phi_days": 5,
                },
                area=True,
                hour=6,
            ),
            Step(
                -7, S.IRRIGATION, "Tưới phun mưa buổi chiều, 3 ngày một lần.", area=True
            ),
            Step(
                0,
                S.COMMISSIONING,
                "Hái một tôm hai lá buổi sáng sớm.",
                quantity="harvest",
                area=True,
                hour=6,
            ),
            Step(
                0,
                S.PACKING,
                "Đóng bao lưới 20 kg, giữ mát.",
                quantity="packed",
                hour=10,
            ),
            Step(
                0,
                S.SHIPPING,
                "Giao trong ngày cho chợ Vinh.",
                quantity="packed",
                hour=15,
            ),
        ),
    ),
    "tea_dry": Recipe(
        "kg",
        480,
        "túi 500 g",
        Decimal("2.5"),  # about 5 kg of fresh leaves make 1 kg of dried tea
        (
            Step(-45, S.FERTILISING, "Bón phân hữu cơ vi sinh 1,5 tấn/ha.", area=True),
            Step(
                -25,
                S.SPRAYING,
                "Phun trừ bọ xít muỗi.",
                {
                    "product": "Chế phẩm sinh học Bt (Bacillus thuringiensis)",
                    "phi_days": 5,
                },
                area=True,
                hour=6,
            ),
            Step(
                0,
                S.COMMISSIONING,
                "Hái một tôm hai lá, sao chảo gang trong ngày.",
                quantity="harvest",
                area=True,
                hour=6,
            ),
            _sample("Không phát hiện dư lượng thuốc bảo vệ thực vật (42 hoạt chất)."),
            Step(4, S.PACKING, "Hút chân không túi 500 g.", quantity="packed"),
            Step(5, S.STORING, "Kho khô, tránh ánh nắng.", location=WAREHOUSE),
            _shipping(12, "cửa hàng OCOP Vinh"),
        ),
    ),
    "orange": Recipe(
        "kg",
        1800,
        "thùng 10 kg",
        Decimal("10"),
        (
            Step(-120, S.FERTILISING, "Bón phân chuồng hoai 20 kg/gốc.", area=True),
            Step(
                -60,
                S.SPRAYING,
                "Phun trừ nhện đỏ.",
                {"product": "Dầu khoáng SK Enspray 99EC", "phi_days": 7},
                area=True,
                hour=6,
            ),
            Step(-20, S.IRRIGATION, "Tưới nhỏ giọt, giữ ẩm khi quả chín.", area=True),
            Step(
                0,
                S.COMMISSIONING,
                "Hái bằng kéo, để nguyên cuống.",
                quantity="harvest",
                area=True,
                hour=7,
            ),
            _sample(
                "Không phát hiện dư lượng thuốc bảo vệ thực vật (nhóm lân hữu cơ, cúc)."
            ),
            Step(
                2, S.PACKING, "Phân loại, đóng thùng carton 10 kg.", quantity="packed"
            ),
            Step(3, S.STORING, "Kho mát 12 °C.", location=WAREHOUSE),
            _shipping(5, "siêu thị ở Vinh và Hà Nội"),
        ),
    ),
    "pomelo": Recipe(
        "quả",
        900,
        "quả",
        Decimal("1"),
        (
            Step(
                -90,
                S.FERTILISING,
                "Bón kali và phân hữu cơ trước khi quả lớn.",
                area=True,
            ),
            Step(
                -50,
                S.SPRAYING,
                "Phun trừ sâu vẽ bùa.",
                {"product": "Abamectin 3.6EC", "phi_days": 14},
                area=True,
                hour=6,
            ),
            Step(-15, S.IRRIGATION, "Tưới gốc hai lần một tuần.", area=True),
            Step(
                0, S.COMMISSIONING, "Hái quả đủ 7 tháng.", quantity="harvest", area=True
            ),
            Step(
                2,
                S.INSPECTING,
                "Kiểm tra độ ngọt, loại quả dập.",
                {"result": "Độ Brix 11–12 %", "conformant": True},
            ),
            Step(3, S.PACKING, "Dán tem, bọc lưới xốp.", quantity="packed"),
            _shipping(4, "cửa hàng nông sản sạch ở Vinh"),
        ),
    ),
    "fruit": Recipe(
        "kg",
        700,
        "kg",
        Decimal("1"),
        (
            Step(-60, S.FERTILISING, "Bón phân hữu cơ vi sinh.", area=True),
            Step(-10, S.IRRIGATION, "Tưới nhỏ giọt.", area=True),
            Step(
                0, S.COMMISSIONING, "Hái quả chín tím.", quantity="harvest", area=True
            ),
            Step(1, S.PACKING, "Đóng thùng 5 kg.", quantity="packed"),
            _shipping(2, "chợ đầu mối Vinh"),
        ),
    ),
    "rice": Recipe(
        "kg",
        6000,
        "bao 5 kg",
        Decimal("8"),  # paddy to milled rice, packed in 5 kg bags
        (
            Step(-110, S.PLANTING, "Gieo mạ, cấy mật độ 35 khóm/m².", area=True),
            Step(-95, S.FERTILISING, "Bón lót phân hữu cơ và lân.", area=True),
            Step(-70, S.IRRIGATION, "Tưới ướt khô xen kẽ.", area=True),
            Step(
                -40,
                S.SPRAYING,
                "Phun phòng bệnh khô vằn.",
                {"product": "Validamycin 5SL", "phi_days": 7},
                area=True,
                hour=6,
            ),
            Step(
                0,
                S.COMMISSIONING,
                "Gặt máy, phơi trên sân bê tông.",
                quantity="harvest",
                area=True,
            ),
            _sample(
                "Không phát hiện dư lượng thuốc bảo vệ thực vật; "
                "kim loại nặng dưới ngưỡng.",
                day=6,
            ),
            Step(10, S.PACKING, "Xay xát, đóng bao 5 kg.", quantity="packed"),
            Step(11, S.STORING, "Kho khô, kê pallet.", location=WAREHOUSE),
            _shipping(20, "cửa hàng gạo ở Vinh"),
        ),
    ),
    "honey": Recipe(
        "lít",
        260,
        "chai 500 ml",
        Decimal("0.5"),
        (
            Step(-30, S.INSPECTING, "Kiểm tra đàn ong, thay chúa già.", area=True),
            Step(
                0,
                S.COMMISSIONING,
                "Quay mật từ cầu đã vít nắp.",
                quantity="harvest",
                area=True,
            ),
            _sample("Độ ẩm 18,6 %; HMF 12 mg/kg; đạt TCVN 5267-1:2008.", day=3),
            Step(
                6,
                S.PACKING,
                "Lọc hai lần, đóng chai thủy tinh 500 ml.",
                quantity="packed",
            ),
            Step(7, S.STORING, "Kho mát, tránh nắng.", location=WAREHOUSE),
            _shipping(15, "cửa hàng OCOP Vinh"),
        ),
    ),
    "fish_sauce": Recipe(
        "lít",
        1200,
        "chai 500 ml",
        Decimal("0.5"),
        (
            Step(
                -365,
                S.COMMISSIONING,
                "Ủ chượp cá cơm với muối theo tỉ lệ 3:1.",
                area=True,
            ),
            Step(
                0,
                S.INSPECTING,
                "Rút nước mắm cốt sau 12 tháng ủ.",
                {"result": "Độ đạm 40 g/l", "conformant": True},
                quantity="harvest",
            ),
            _sample("Histamin 210 mg/l (dưới 400 mg/l); không phát hiện urê.", day=4),
            Step(8, S.PACKING, "Lọc, đóng chai thủy tinh.", quantity="packed"),
            Step(9, S.STORING, "Kho thoáng.", location=WAREHOUSE),
            _shipping(18, "nhà phân phối ở Hà Nội"),
        ),
    ),
    "dried_seafood": Recipe(
        "kg",
        300,
        "túi 500 g",
        Decimal("1.6"),
        (
            Step(
                0,
                S.COMMISSIONING,
                "Thu mua từ tàu cập bến, sơ chế ngay.",
                quantity="harvest",
            ),
            Step(
                1,
                S.INSPECTING,
                "Phơi nắng 2 ngày, sấy hoàn thiện.",
                {"result": "Độ ẩm 22 %", "conformant": True},
            ),
            Step(3, S.PACKING, "Hút chân không.", quantity="packed"),
            _shipping(6, "cửa hàng đặc sản ở Vinh"),
        ),
    ),
    "spice": Recipe(
        "kg",
        900,
        "kg",
        Decimal("1"),
        (
            Step(-240, S.PLANTING, "Trồng củ giống trên nương đã cày.", area=True),
            Step(-180, S.FERTILISING, "Bón phân chuồng hoai mục.", area=True),
            Step(
                0,
                S.COMMISSIONING,
                "Đào củ, rửa sạch đất.",
                quantity="harvest",
                area=True,
            ),
            _sample("Không phát hiện dư lượng thuốc bảo vệ thực vật.", day=3),
            Step(5, S.PACKING, "Đóng gói theo đơn.", quantity="packed"),
            _shipping(8, "cửa hàng OCOP Vinh"),
        ),
    ),
    "herb": Recipe(
        "kg",
        200,
        "hộp",
        Decimal("0.2"),
        (
            Step(-300, S.PLANTING, "Trồng dưới tán rừng tự nhiên.", area=True),
            Step(
                0,
                S.COMMISSIONING,
                "Thu hái, sơ chế, sấy khô.",
                quantity="harvest",
                area=True,
            ),
            Step(
                4,
                S.INSPECTING,
                "Kiểm tra độ ẩm và tạp chất.",
                {"result": "Độ ẩm 9 %", "conformant": True},
            ),
            Step(6, S.PACKING, "Đóng hộp.", quantity="packed"),
            Step(7, S.STORING, "Kho khô.", location=WAREHOUSE),
        ),
    ),
}

CATEGORY_RECIPES = {
    "che-xanh": "tea_dry",
    "che-bup-kho": "tea_dry",
    "cam": "orange",
    "buoi": "pomelo",
    "trai-cay": "fruit",
    "gao": "rice",
    "mat-ong": "honey",
    "hai-san-nuoc-mam": "fish_sauce",
    "dac-san-che-bien": "spice",
}
PRODUCT_RECIPES = {
    "che-xanh-tuoi-thanh-chuong": "tea_leaf",
    "muc-kho-quynh-luu": "dried_seafood",
    "ca-com-say-kho": "dried_seafood",
    "tra-hoa-vang-que-phong": "herb",
    "cao-xa-den": "herb",
    "que-kho-que-phong": "herb",
    "sa-chanh-say-kho": "herb",
}
# Products also sold from an earlier lot (two lots: the older one sold out).
TWO_LOTS = {
    "che-xanh-tuoi-thanh-chuong",
    "cam-vinh-loai-1",
    "mat-ong-hoa-rung-con-cuong",
    "nuoc-mam-ca-com-quynh-luu",
    "gao-st25-yen-thanh",
    "gung-ky-son-tuoi",
    "buoi-hong-quang-tien",
}
# Products without a lot: a juice made to order and a product with no batches yet.
NO_LOTS = {"nuoc-cam-ep-quy-hop", "chanh-dao-ngam-mat-ong"}

# The pooled lot: two hills' harvests dried and packed together.
POOLED_PRODUCT = "che-bup-kho-thanh-chuong"
# The recalled lot, and why.
RECALLED_PRODUCT = "mat-ong-hoa-nhan"
RECALL_REASON = (
    "Kiểm nghiệm bổ sung: hàm lượng HMF 52 mg/kg, vượt giới hạn 40 mg/kg của "
    "TCVN 5270:2008 (mật bị quá nhiệt khi cô đặc). Hợp tác xã thu hồi toàn bộ lô; "
    "người mua liên hệ hợp tác xã để được đổi hàng hoặc hoàn tiền."
)


# --- Loading -----------------------------------------------------------------------


@dataclass
class LotPlan:
    code: str
    product_name: str
    recipe: Recipe
    harvested_days_ago: int
    gtin: str = ""
    area: GrowingArea | None = None
    farmers: list[MemberFarmer] = field(default_factory=list)
    sold_out: bool = False


def farmers_for(cooperative: Cooperative) -> list[MemberFarmer]:
    """The cooperative's demo member farmers, created once (by name)."""
    existing = {f.name: f for f in MemberFarmer.objects.filter(cooperative=cooperative)}
    farmers = []
    for name, hamlet in FARMERS.get(cooperative.slug, ()):
        farmer = existing.get(name) or MemberFarmer.objects.create(
            cooperative=cooperative, name=name, hamlet=hamlet
        )
        farmers.append(farmer)
    return farmers


def lot_code(product_slug: str, number: int) -> str:
    """A short, stable code from the product's slug: che-bup-kho-hop-qua -> CBKHQ-01."""
    initials = "".join(word[0] for word in product_slug.split("-") if word)[:6]
    return f"{initials.upper()}-{number:02d}"


def _variation(code: str) -> Decimal:
    """0.85 to 1.15, fixed per lot code: harvests differ a little."""
    digest = int(hashlib.sha256(code.encode()).hexdigest()[:4], 16)
    return Decimal(85 + digest % 31) / 100


def load_lots(cooperative: Cooperative, coop_data, products, gtin_of, user) -> dict:
    """Create the cooperative's demo lots; return {product slug: [lots]}."""
    farmers = farmers_for(cooperative)
    areas = list(GrowingArea.objects.filter(cooperative=cooperative).order_by("pk"))
    existing = {lot.code: lot for lot in Lot.objects.filter(cooperative=cooperative)}
    lots: dict[str, list[Lot]] = {}
    for index, item in enumerate(products):
        if item.draft or item.slug in NO_LOTS:
            continue
        recipe = RECIPES[
            PRODUCT_RECIPES.get(item.slug) or CATEGORY_RECIPES[item.category]
        ]
        area = areas[index % len(areas)] if areas else None
        crew = (
            [farmers[(index + k) % len(farmers)] for k in range(2)] if farmers else []
        )
        gtin = gtin_of(item)
        # Newest lot first; the age spreads harvests over the past weeks.
        age = 7 + (index * 11 + len(cooperative.slug) * 5) % 45
        plans = [
            LotPlan(
                lot_code(item.slug, 2 if item.slug in TWO_LOTS else 1),
                item.name,
                recipe,
                age,
                gtin=gtin,
                area=area,
                farmers=crew,
                sold_out=item.stock == 0,
            )
        ]
        if item.slug in TWO_LOTS:
            # The older lot was printed before the product had a barcode, so its
            # labels carry the short address.
            plans.append(
                LotPlan(
                    lot_code(item.slug, 1),
                    item.name,
                    recipe,
                    age + 75,
                    area=areas[(index + 1) % len(areas)] if areas else None,
                    farmers=farmers[-2:],
                    sold_out=True,
                )
            )
        if item.slug == POOLED_PRODUCT:
            lots[item.slug] = [
                _pooled(cooperative, item, plans[0], areas, farmers, existing, user)
            ]
            continue
        made = [_lot(cooperative, plan, existing, user) for plan in plans]
        if item.slug == RECALLED_PRODUCT:
            _recall(made[0], user)
        lots[item.slug] = made
    return lots


def _lot(cooperative, plan: LotPlan, existing: dict, user) -> Lot:
    if plan.code in existing:
        return existing[plan.code]
    today = timezone.localdate()
    harvest_date = today - datetime.timedelta(days=plan.harvested_days_ago)
    harvest = (Decimal(plan.recipe.harvest) * _variation(plan.code)).quantize(
        Decimal("1")
    )
    lot = Lot(
        cooperative=cooperative,
        code=plan.code,
        product_name=plan.product_name,
        gtin=plan.gtin,
        growing_area=plan.area,
        harvest_date=harvest_date,
        quantity=harvest,
        unit=plan.recipe.unit,
    )
    lot.full_clean(exclude=["farmers"])
    lot.save()
    lot.farmers.set(plan.farmers)
    existing[plan.code] = lot
    _record_history(lot, plan.recipe, user, steps=plan.recipe.steps)
    if plan.sold_out:
        Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.SOLD_OUT)
        lot.status = Lot.Status.SOLD_OUT
    return lot


def _when(lot: Lot, step: Step) -> datetime.datetime:
    day = lot.harvest_date + datetime.timedelta(days=step.day)
    naive = datetime.datetime.combine(
        day, datetime.time(step.hour, 30 if step.day % 2 else 0)
    )
    return timezone.make_aware(naive)


def _record_history(lot: Lot, recipe: Recipe, user, *, steps) -> None:
    now = timezone.now()
    packed = (
        (lot.quantity / recipe.per_pack).quantize(Decimal("1"))
        if lot.quantity
        else None
    )
    for step in steps:
        moment = _when(lot, step)
        if moment > now - datetime.timedelta(hours=1):
            break  # not happened yet
        quantity, unit = None, ""
        if step.quantity == "harvest":
            quantity, unit = lot.quantity, lot.unit
        elif step.quantity == "packed":
            quantity, unit = packed, recipe.packed_unit
        evidence = (
            [
                EvidenceFile(
                    _lab_report(lot, step, moment), title="Phiếu kết quả thử nghiệm"
                )
            ]
            if step.lab_report
            else []
        )
        record_event(
            lot,
            NewEvent(
                biz_step=step.step,
                event_time=moment,
                disposition=default_disposition(
                    step.step, step.details.get("conformant")
                ),
                growing_area=lot.growing_area if step.area else None,
                location=step.location,
                quantity=quantity,
                unit=unit,
                details=dict(step.details),
                notes=step.notes,
                evidence=evidence,
            ),
            user=user,
        )


def _pooled(cooperative, item, plan: LotPlan, areas, farmers, existing, user) -> Lot:
    """Two hills' harvests of fresh leaves, dried and packed as one lot."""
    if plan.code in existing:
        return existing[plan.code]
    leaf = RECIPES["tea_leaf"]
    # The fresh leaves go straight to the cooperative's drying pans.
    farm_steps = tuple(
        s for s in leaf.steps if s.day <= 0 and s.step not in (S.PACKING, S.SHIPPING)
    )
    harvests = []
    for number, area in enumerate(areas[:2], start=1):
        harvest_plan = LotPlan(
            f"CHE-TUOI-{number:02d}",
            f"Chè búp tươi {area.name.removeprefix('Đồi chè ')}",
            leaf,
            plan.harvested_days_ago,
            area=area,
            farmers=farmers[(number - 1) * 3 : number * 3],
        )
        if harvest_plan.code in existing:
            harvests.append(existing[harvest_plan.code])
            continue
        lot = Lot(
            cooperative=cooperative,
            code=harvest_plan.code,
            product_name=harvest_plan.product_name,
            growing_area=area,
            harvest_date=timezone.localdate()
            - datetime.timedelta(days=harvest_plan.harvested_days_ago),
            quantity=(Decimal(leaf.harvest) * _variation(harvest_plan.code)).quantize(
                Decimal("1")
            ),
            unit=leaf.unit,
        )
        lot.full_clean(exclude=["farmers"])
        lot.save()
        lot.farmers.set(harvest_plan.farmers)
        existing[lot.code] = lot
        _record_history(lot, leaf, user, steps=farm_steps)
        harvests.append(lot)

    dried = sum(lot.quantity for lot in harvests) / 5  # 5 kg fresh -> 1 kg dried
    packing_day = harvests[0].harvest_date + datetime.timedelta(days=1)
    event = pool_lots(
        harvests,
        code=plan.code,
        product_name=item.name,
        gtin=plan.gtin,
        quantity=(dried * 2).quantize(Decimal("1")),  # 500 g bags
        unit="túi 500 g",
        event_time=timezone.make_aware(
            datetime.datetime.combine(packing_day, datetime.time(9))
        ),
        notes="Sao chảo gang trong ngày, hút chân không túi 500 g.",
        close_inputs=True,
        user=user,
    )
    packed = event.lot
    # After packing, the dried tea is checked, stored and shipped in its bags.
    dry = RECIPES["tea_dry"]
    in_bags = Recipe(packed.unit, 0, packed.unit, Decimal("1"), ())
    after = tuple(s for s in dry.steps if s.day > 1 and s.step != S.PACKING)
    _record_history(packed, in_bags, user, steps=after)
    existing[packed.code] = packed
    return packed


def _recall(lot: Lot, user) -> None:
    if lot.status == Lot.Status.RECALLED:
        return
    if lot.events.filter(biz_step=S.RECALLING).exists():
        return
    record_event(
        lot,
        NewEvent(
            biz_step=S.SAMPLING,
            event_time=timezone.now() - datetime.timedelta(days=1),
            disposition=default_disposition(S.SAMPLING, False),
            details={
                "lab": LAB,
                "result": "HMF 52 mg/kg (giới hạn 40 mg/kg).",
                "conformant": False,
            },
            notes="Mẫu lưu kiểm tra lại theo yêu cầu của khách hàng.",
        ),
        user=user,
    )
    recall_lot(lot, reason=RECALL_REASON, user=user)


def _lab_report(lot: Lot, step: Step, moment: datetime.datetime) -> SimpleUploadedFile:
    """A one-page lab report PDF, so the demo's sampling events have evidence."""
    labels.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"Phiếu kết quả thử nghiệm {lot.code}")
    y = A4[1] - 30 * mm
    lines = [
        (labels.FONT_BOLD, 14, step.details.get("lab", LAB)),
        (labels.FONT_BOLD, 16, "PHIẾU KẾT QUẢ THỬ NGHIỆM"),
        (labels.FONT, 11, f"Mẫu: {lot.product_name} – lô {lot.code}"),
        (labels.FONT, 11, f"Ngày lấy mẫu: {timezone.localtime(moment):%d/%m/%Y}"),
        (labels.FONT, 11, f"Kết quả: {step.details.get('result', '')}"),
        (labels.FONT, 9, "Tài liệu mẫu của dữ liệu demo."),
    ]
    for font, size, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(20 * mm, y, text)
        y -= size * 1.8
    canvas.showPage()
    canvas.save()
    return SimpleUploadedFile(
        f"ket-qua-{lot.code.lower()}.pdf", buffer.getvalue(), "application/pdf"
    )
