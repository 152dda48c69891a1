"""A province-sized data set for measuring the site: `manage.py seed_scale`.

Generated, not hand-made like the demo (cms/demo): hundreds of cooperatives of
Nghệ An, a hundred thousand products, lots with a verified trace history and a
year of orders, written with bulk inserts in batches, one transaction a batch.
The same options give the same rows (a seeded random.Random).

Seeded rows are recognisable: cooperative and product slugs start with
`scale-`, order numbers with `SC-`. A second run refuses unless asked to
replace the previous seed, which deletes exactly those rows (and what hangs
off them) and nothing of the demo's.

Trace events are hashed with producers.traceability's own functions, so
`verify_lot` passes on every seeded lot; products get their search columns from
the model's own methods, so the catalogue finds them.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify

from cms.demo import data as demo_data
from market.fields import months_to_mask
from market.models import (
    Category,
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderLine,
    PaymentMethod,
    Product,
    Unit,
)
from producers import places
from producers.models import (
    BusinessStep,
    Certification,
    Cooperative,
    Disposition,
    GrowingArea,
    Lot,
    MemberFarmer,
    TraceEvent,
)
from producers.text import fold, fold_words
from producers.traceability import (
    GENESIS_HASH,
    canonical_event,
    canonical_json,
    chain,
    sha256_hex,
)

SLUG_PREFIX = "scale-"
ORDER_PREFIX = "SC-"
NGHE_AN = 40
SEED = 2027
BATCH = 2000
ORDER_CHUNK = 5000


@dataclass(frozen=True)
class Counts:
    cooperatives: int = 500
    products: int = 100_000
    lots: int = 50_000
    orders: int = 200_000


SMALL = Counts(cooperatives=6, products=120, lots=60, orders=300)


class SeedExists(Exception):
    """A previous seed is in the database and replacing it was not asked for."""


# --- vocabulary -----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A kind of cooperative and the products it makes."""

    kind: str  # what the cooperative's name says it does
    crops: str
    category: str  # a demo category slug
    unit: str
    price: tuple[int, int]  # dong, low and high
    season: tuple[int, ...]
    bases: tuple[str, ...]
    grades: tuple[str, ...]
    packs: tuple[str, ...]


LINES = (
    Line(
        "Chè",
        "chè xanh trung du",
        "che-xanh",
        Unit.KG,
        (60_000, 180_000),
        demo_data.FRESH_TEA_SEASON,
        ("Chè xanh", "Chè búp tươi", "Chè xanh lá", "Chè xanh đồi"),
        ("loại 1", "loại đặc biệt", "hữu cơ", "VietGAP", "hái sớm", "trung du"),
        ("túi 1 kg", "bó 2 kg", "túi 500 g", "bao 5 kg", "", "sọt 10 kg"),
    ),
    Line(
        "Chè búp",
        "chè búp khô",
        "che-bup-kho",
        Unit.GRAM_500,
        (120_000, 450_000),
        (),
        ("Chè búp khô", "Chè móc câu", "Chè sao tay", "Chè nõn tôm"),
        ("thượng hạng", "loại 1", "đặc biệt", "sao chảo gang", "OCOP", "xuân"),
        ("hộp thiếc", "túi zip", "hộp quà", "gói hút chân không", "", "túi giấy"),
    ),
    Line(
        "Cam",
        "cam Vinh, cam Xã Đoài",
        "cam",
        Unit.KG,
        (35_000, 90_000),
        demo_data.ORANGE_SEASON,
        ("Cam Vinh", "Cam Xã Đoài", "Cam đường", "Cam chanh", "Cam V2"),
        ("loại 1", "quả to", "VietGAP", "chín cây", "vườn đồi", "hữu cơ"),
        ("thùng 5 kg", "thùng 10 kg", "túi 3 kg", "", "giỏ quà 4 kg", "sọt 15 kg"),
    ),
    Line(
        "Bưởi",
        "bưởi hồng, bưởi Diễn",
        "buoi",
        Unit.PIECE,
        (30_000, 80_000),
        demo_data.POMELO_SEASON,
        ("Bưởi hồng Quang Tiến", "Bưởi Diễn", "Bưởi đường", "Bưởi da xanh"),
        ("quả to", "loại 1", "VietGAP", "vườn nhà", "chín cây", "hữu cơ"),
        ("", "cặp 2 quả", "thùng 6 quả", "giỏ quà", "túi lưới", "thùng 10 quả"),
    ),
    Line(
        "Gạo",
        "lúa thơm, nếp cái hoa vàng",
        "gao",
        Unit.KG,
        (18_000, 60_000),
        (),
        ("Gạo thơm", "Gạo nếp cái hoa vàng", "Gạo lứt đỏ", "Gạo tám", "Gạo ST25"),
        ("vụ mới", "hữu cơ", "xay xát tại chỗ", "loại 1", "ruộng bậc thang", "dẻo"),
        ("bao 5 kg", "bao 10 kg", "túi 2 kg", "bao 25 kg", "", "túi hút chân không"),
    ),
    Line(
        "Mật ong",
        "đàn ong nội, hoa rừng",
        "mat-ong",
        Unit.BOTTLE,
        (150_000, 450_000),
        (),
        ("Mật ong hoa rừng", "Mật ong hoa nhãn", "Mật ong bạc hà", "Mật ong ruồi"),
        ("nguyên chất", "rừng già", "vụ xuân", "OCOP", "loại 1", "thu tự nhiên"),
        ("chai 500 ml", "chai 1 lít", "hũ 250 g", "can 2 lít", "", "chai 330 ml"),
    ),
    Line(
        "Nước mắm",
        "cá cơm, muối biển",
        "hai-san-nuoc-mam",
        Unit.BOTTLE,
        (45_000, 160_000),
        (),
        ("Nước mắm cá cơm", "Nước mắm nhĩ", "Mắm tôm", "Cá khô", "Mực khô"),
        ("40 độ đạm", "truyền thống", "ủ chượp 12 tháng", "loại 1", "nhà làm", "OCOP"),
        ("chai 500 ml", "chai 1 lít", "can 5 lít", "hũ 500 g", "", "hộp quà"),
    ),
    Line(
        "Dược liệu",
        "gừng, nghệ, sả, dược liệu",
        "dac-san-che-bien",
        Unit.JAR,
        (40_000, 250_000),
        demo_data.GINGER_SEASON,
        ("Tinh bột nghệ", "Gừng sẻ", "Trà gừng", "Sả chanh", "Cao chè vằng"),
        ("nguyên chất", "sấy lạnh", "hữu cơ", "loại 1", "OCOP", "thủ công"),
        ("hũ 500 g", "túi 1 kg", "hộp 20 gói", "hũ 250 g", "", "túi 200 g"),
    ),
)

COOPERATIVE_FORMS = (
    "HTX {kind} {place}",
    "HTX Nông nghiệp {kind} {place}",
    "HTX Dịch vụ {kind} {place}",
    "Tổ hợp tác {kind} {place}",
    "HTX Sản xuất {kind} {place}",
)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Hồ", "Ngô")
MIDDLE_NAMES = ("Văn", "Thị", "Đình", "Xuân", "Hữu", "Thị Thu", "Minh", "Quang")
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Hải",
    "Hạnh",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Phúc",
    "Quỳnh",
    "Sơn",
    "Thảo",
    "Tuấn",
    "Uyên",
    "Vinh",
    "Xuân",
    "Yến",
    "Hòa",
    "Hương",
    "Lợi",
    "Nga",
    "Thắng",
    "Trang",
    "Tâm",
    "Đức",
    "Hiền",
]
RECALL_REASON = "Mẫu kiểm tra định kỳ vượt ngưỡng dư lượng; thu hồi để kiểm tra lại."
SPRAYS = ("Chế phẩm sinh học Trichoderma", "Dầu khoáng SK", "Bt (Bacillus)")


# --- plumbing -----------------------------------------------------------------


Progress = Callable[..., "contextlib.AbstractContextManager"]


@contextlib.contextmanager
def _no_progress(total: int, desc: str):
    class Bar:
        def update(self, n=1):
            pass

    yield Bar()


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def _timestamps_as_given(*model_classes):
    """Let bulk_create keep the created_at/updated_at values set on the rows.

    auto_now/auto_now_add fields overwrite any value on insert; seeded rows
    carry dates spread over past months instead.
    """
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _short_place(name: str) -> str:
    for prefix in ("Phường ", "Xã ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _public_id(rng: random.Random) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(alphabet) for _ in range(12))


def _split(total: int, parts: int) -> list[int]:
    """`total` spread over `parts` as evenly as integers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# --- what a run built --------------------------------------------------------


@dataclass
class ProductRef:
    """What an order line needs of a product, without holding the model."""

    pk: int
    cooperative: int
    name: str
    unit: str
    price: int
    min_quantity: int
    lot: tuple[int, str] | None = None


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    verified_lots: int = 0
    problems: list[str] = field(default_factory=list)


def seeded_cooperatives():
    return Cooperative.objects.filter(slug__startswith=SLUG_PREFIX)


def seeded_orders():
    return Order.objects.filter(number__startswith=ORDER_PREFIX)


def analyze() -> None:
    """Fresh planner statistics for the tables just filled, so the first queries
    use the indexes even where autovacuum has not run (or is off)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def seed_exists() -> bool:
    return seeded_cooperatives().exists() or seeded_orders().exists()


def row_counts() -> dict[str, int]:
    cooperatives = seeded_cooperatives()
    orders = seeded_orders()
    return {
        "cooperatives": cooperatives.count(),
        "growing_areas": GrowingArea.objects.filter(
            cooperative__in=cooperatives
        ).count(),
        "certifications": Certification.objects.filter(
            cooperative__in=cooperatives
        ).count(),
        "farmers": MemberFarmer.objects.filter(cooperative__in=cooperatives).count(),
        "products": Product.objects.filter(cooperative__in=cooperatives).count(),
        "lots": Lot.objects.filter(cooperative__in=cooperatives).count(),
        "trace_events": TraceEvent.objects.filter(
            lot__cooperative__in=cooperatives
        ).count(),
        "orders": orders.count(),
        "fulfilments": Fulfilment.objects.filter(order__in=orders).count(),
        "order_lines": OrderLine.objects.filter(fulfilment__order__in=orders).count(),
    }


# --- removing a previous seed ------------------------------------------------


def _trigger_module():
    return importlib.import_module("producers.migrations.0004_append_only_trigger")


@contextlib.contextmanager
def _append_only_triggers_set_aside():
    """Drop the trace tables' append-only triggers for the block, then restore them.

    Only used inside the transaction that removes a previous seed's lots; the
    triggers are recreated by the migration's own SQL before it commits.
    """
    triggers = _trigger_module()
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for table in triggers.TABLES:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif vendor == "sqlite":
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in triggers.trigger_sql(vendor):
                cursor.execute(sql.replace("%%", "%"))


def _purge(queryset, seen: tuple = ()) -> None:
    """Delete `queryset`'s rows and every row that points at them, in SQL.

    Seeded data only: whatever references a seeded row (cascade or protect) is
    part of the seed and goes too; a set-null reference is cleared. No model
    instances are loaded, so 100,000 products go in a few statements.
    """
    model = queryset.model
    keys = queryset.values("pk")
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        if not (rel.one_to_many or rel.one_to_one):
            continue
        related = rel.related_model
        fk = rel.field
        if related is model or related in seen:
            continue
        dependents = related._base_manager.filter(**{f"{fk.name}__in": keys})
        if fk.remote_field.on_delete in (models.SET_NULL,):
            models.QuerySet(related).filter(pk__in=dependents.values("pk")).update(
                **{fk.name: None}
            )
        elif fk.remote_field.on_delete is models.DO_NOTHING:
            continue
        else:
            _purge(dependents, (*seen, model))
    # Self references (a correcting trace event) go in the same statement.
    models.QuerySet(model).filter(pk__in=keys)._raw_delete(queryset.db)


def remove_seed() -> None:
    """Delete a previous seed: its orders, then its cooperatives and all theirs."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    with transaction.atomic():
        _purge(seeded_orders())
        products = Product.objects.filter(cooperative__in=seeded_cooperatives())
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(Product),
            object_id__in=products.annotate(
                key=Cast("pk", output_field=models.CharField())
            ).values("key"),
        ).delete()
        with _append_only_triggers_set_aside():
            _purge(seeded_cooperatives())


# --- building -----------------------------------------------------------------


class Builder:
    def __init__(
        self,
        counts: Counts,
        *,
        seed: int = SEED,
        progress: Progress = _no_progress,
        now: datetime.datetime | None = None,
    ):
        if counts.cooperatives < 1:
            raise ValueError("at least one cooperative")
        self.counts = counts
        self.rng = random.Random(seed)
        self.progress = progress
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.communes = list(places.commune_choices(NGHE_AN))
        self.report = Report()
        self.cooperative_by_pk: dict[int, Cooperative] = {}
        # cooperative pk -> (Cooperative, Line)
        self.cooperatives: list[tuple[Cooperative, Line]] = []
        self.areas: dict[int, list[GrowingArea]] = {}
        self.farmers: dict[int, list[int]] = {}
        self.categories: dict[str, Category] = {}
        self.products: list[ProductRef] = []
        self.products_by_cooperative: dict[int, list[int]] = {}

    # -- stages ------------------------------------------------------------------

    def run(self, *, replace: bool = False) -> Report:
        if seed_exists():
            if not replace:
                raise SeedExists(
                    "Dữ liệu quy mô lớn đã có (hợp tác xã 'scale-…', đơn 'SC-…'). "
                    "Dùng --replace để xóa và tạo lại."
                )
            self._stage("remove previous seed", remove_seed)
        self._stage("categories", self.build_categories)
        self._stage("cooperatives", self.build_cooperatives)
        self._stage("products", self.build_products)
        self._stage("lots and trace events", self.build_lots)
        self._stage("orders", self.build_orders)
        self._stage("planner statistics", analyze)
        self.report.counts = row_counts()
        return self.report

    def _stage(self, name: str, function) -> None:
        started = timezone.now()
        function()
        self.report.seconds[name] = (timezone.now() - started).total_seconds()

    def build_categories(self) -> None:
        """The demo's category tree: reused where it exists, created where not."""
        wanted = {c.slug: c for c in demo_data.CATEGORIES}
        existing = {c.slug: c for c in Category.objects.filter(slug__in=wanted)}
        for order, item in enumerate(demo_data.CATEGORIES):
            if item.slug in existing:
                continue
            existing[item.slug] = Category.objects.create(
                slug=item.slug,
                name=item.name,
                description=item.description,
                parent=existing.get(item.parent) if item.parent else None,
                sort_order=order,
            )
        self.categories = existing

    def _cooperative_names(self) -> Iterator[tuple[str, Line, int]]:
        """Unique (name, line, commune code) triples, in a seeded order."""
        combos = [
            (form, line, code)
            for form in COOPERATIVE_FORMS
            for line in LINES
            for code, _ in self.communes
        ]
        self.rng.shuffle(combos)
        names = dict(self.communes)
        for n in range(self.counts.cooperatives):
            form, line, code = combos[n % len(combos)]
            name = form.format(kind=line.kind, place=_short_place(names[code]))
            if n >= len(combos):
                name = f"{name} {n // len(combos) + 1}"
            yield name, line, code

    def build_cooperatives(self) -> None:
        rng = self.rng
        rows = []
        for n, (name, line, commune) in enumerate(self._cooperative_names()):
            fee = rng.choice((0, 15_000, 20_000, 25_000, 30_000, 40_000))
            rows.append(
                (
                    Cooperative(
                        name=name,
                        slug=f"{SLUG_PREFIX}{n + 1:04d}-{slugify(fold(name))}"[:200],
                        story=(
                            f"<p>{name} liên kết {rng.randint(12, 240)} hộ trồng "
                            f"{line.crops} ở {places.commune_name(commune)}, "
                            "bán thẳng cho người mua.</p>"
                        ),
                        province_code=NGHE_AN,
                        commune_code=commune,
                        street=f"Xóm {rng.randint(1, 15)}",
                        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                        email=f"htx{n + 1:04d}@scale.example.vn",
                        founded_year=rng.randint(1995, 2024),
                        member_count=rng.randint(8, 300),
                        is_verified=rng.random() < 0.6,
                        offers_pickup=True,
                        offers_delivery=rng.random() < 0.9,
                        delivery_fee=fee,
                        free_delivery_from=rng.choice((None, 300_000, 500_000)),
                    ),
                    line,
                )
            )
        for cooperative, _line in rows:
            cooperative.search_text = cooperative.build_search_text()
        with self.progress(total=len(rows), desc="Hợp tác xã") as bar:
            for batch in _batched(rows, BATCH):
                with transaction.atomic():
                    Cooperative.objects.bulk_create([c for c, _ in batch])
                    self._build_cooperative_children(batch)
                bar.update(len(batch))
        self.cooperatives = rows
        self.cooperative_by_pk = {c.pk: c for c, _ in rows}

    def _build_cooperative_children(self, batch) -> None:
        rng = self.rng
        areas, certifications, farmers = [], [], []
        today = self.now.date()
        for cooperative, line in batch:
            for k in range(rng.randint(2, 4)):
                code, name = rng.choice(self.communes)
                areas.append(
                    GrowingArea(
                        cooperative=cooperative,
                        name=f"Vùng {line.kind.lower()} {_short_place(name)} {k + 1}",
                        area_code=f"VN-NA-{cooperative.pk}-{k + 1:02d}",
                        commune_code=code,
                        hectares=Decimal(rng.randint(50, 5000)) / 100,
                        crops=line.crops,
                    )
                )
            issued = today - datetime.timedelta(days=rng.randint(30, 900))
            certifications.append(
                Certification(
                    cooperative=cooperative,
                    kind=Certification.Kind.VIETGAP,
                    number=f"VG-{cooperative.pk:05d}",
                    issuer=demo_data.VIETGAP_ISSUER,
                    issued_on=issued,
                    expires_on=issued + datetime.timedelta(days=3 * 365),
                    scope=line.crops,
                )
            )
            if rng.random() < 0.3:
                certifications.append(
                    Certification(
                        cooperative=cooperative,
                        kind=Certification.Kind.OCOP,
                        ocop_stars=rng.choice((3, 3, 4, 5)),
                        number=f"OCOP-{cooperative.pk:05d}",
                        issuer=demo_data.OCOP_ISSUER,
                        issued_on=issued,
                        expires_on=issued + datetime.timedelta(days=3 * 365),
                    )
                )
            for _ in range(rng.randint(8, 30)):
                farmers.append(
                    MemberFarmer(
                        cooperative=cooperative,
                        name=self._person(),
                        hamlet=f"Xóm {rng.randint(1, 15)}",
                    )
                )
        GrowingArea.objects.bulk_create(areas)
        Certification.objects.bulk_create(certifications)
        MemberFarmer.objects.bulk_create(farmers)
        for area in areas:
            self.areas.setdefault(area.cooperative_id, []).append(area)
        for farmer in farmers:
            self.farmers.setdefault(farmer.cooperative_id, []).append(farmer.pk)

    def _person(self) -> str:
        rng = self.rng
        parts = (
            rng.choice(SURNAMES),
            rng.choice(MIDDLE_NAMES),
            rng.choice(GIVEN_NAMES),
        )
        return " ".join(parts)

    def _product_names(self, line: Line, place: str, count: int) -> list[str]:
        combos = [
            " ".join(filter(None, (base, grade, pack)))
            for base in line.bases
            for grade in line.grades
            for pack in line.packs
        ]
        self.rng.shuffle(combos)
        names = []
        for j in range(count):
            name = f"{combos[j % len(combos)]} {place}"
            if j >= len(combos):
                name = f"{name} ({j // len(combos) + 1})"
            names.append(name)
        return names

    def _products_for(self, cooperative: Cooperative, line: Line, count: int):
        rng = self.rng
        place = _short_place(places.commune_name(cooperative.commune_code))
        category = self.categories[line.category]
        season = months_to_mask(line.season) if line.season else 0
        for j, name in enumerate(self._product_names(line, place, count)):
            published = self.now - datetime.timedelta(
                days=rng.randint(1, 720), minutes=rng.randint(0, 1439)
            )
            low, high = line.price
            product = Product(
                cooperative=cooperative,
                category=category,
                name=name,
                slug=f"{SLUG_PREFIX}{cooperative.pk}-{j + 1:04d}-{slugify(fold(name))}"[
                    :200
                ],
                summary=f"{name} của {cooperative.name}, {line.crops}.",
                description=(
                    f"<p>{name} do các hộ thành viên {cooperative.name} sản xuất "
                    "và đóng gói tại hợp tác xã.</p>"
                ),
                unit=line.unit,
                price=rng.randrange(low, high, 1000),
                stock=0 if rng.random() < 0.08 else rng.randint(5, 2000),
                min_order_quantity=rng.choice((1, 1, 1, 2)),
                season_months=season,
                ocop_stars=rng.choice((None, None, None, 3, 4)),
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                created_at=published,
                updated_at=published,
            )
            # What Product.save() computes, with the model's own code.
            product.search_name = " ".join(fold_words(product.name))
            product.search_text = product.build_search_text()
            yield product

    def build_products(self) -> None:
        per_cooperative = _split(self.counts.products, len(self.cooperatives))

        def rows():
            for (cooperative, line), count in zip(
                self.cooperatives, per_cooperative, strict=True
            ):
                yield from self._products_for(cooperative, line, count)

        with (
            self.progress(total=self.counts.products, desc="Sản phẩm") as bar,
            _timestamps_as_given(Product),
        ):
            for batch in _batched(rows(), BATCH):
                with transaction.atomic():
                    Product.objects.bulk_create(batch)
                for p in batch:
                    self.products.append(
                        ProductRef(
                            pk=p.pk,
                            cooperative=p.cooperative_id,
                            name=p.name,
                            unit=p.unit,
                            price=p.price,
                            min_quantity=p.min_order_quantity,
                        )
                    )
                    self.products_by_cooperative.setdefault(
                        p.cooperative_id, []
                    ).append(len(self.products) - 1)
                bar.update(len(batch))

    # -- lots -------------------------------------------------------------------

    def _history(self, lot: Lot, line: Line, areas: list[GrowingArea]):
        """A lot's events in time order, hashed and chained as record_event does."""
        rng = self.rng
        area = lot.growing_area
        harvest = datetime.datetime.combine(
            lot.harvest_date,
            datetime.time(rng.randint(5, 9), rng.randint(0, 59)),
            self.zone,
        )
        steps: list[tuple[str, str, datetime.datetime, dict]] = []
        if rng.random() < 0.5:
            steps.append(
                (
                    BusinessStep.FERTILISING,
                    Disposition.IN_PROGRESS,
                    harvest - datetime.timedelta(days=rng.randint(20, 60)),
                    {"product": "Phân hữu cơ vi sinh"},
                )
            )
        if rng.random() < 0.4:
            steps.append(
                (
                    BusinessStep.SPRAYING,
                    Disposition.IN_PROGRESS,
                    harvest - datetime.timedelta(days=rng.randint(10, 19)),
                    {"product": rng.choice(SPRAYS), "pre_harvest_days": 7},
                )
            )
        steps.append((BusinessStep.COMMISSIONING, Disposition.ACTIVE, harvest, {}))
        moment = harvest
        for step, disposition in (
            (BusinessStep.INSPECTING, Disposition.CONFORMANT),
            (BusinessStep.PACKING, Disposition.CONTAINER_CLOSED),
            (BusinessStep.STORING, Disposition.ACTIVE),
            (BusinessStep.SHIPPING, Disposition.IN_TRANSIT),
        ):
            moment += datetime.timedelta(hours=rng.randint(3, 30))
            if rng.random() < 0.15 or moment >= self.now:
                break
            steps.append((step, disposition, moment, {}))
        if lot.status == Lot.Status.RECALLED:
            moment = min(self.now, moment + datetime.timedelta(days=2))
            steps.append((BusinessStep.RECALLING, Disposition.RECALLED, moment, {}))

        events = []
        previous = GENESIS_HASH
        for sequence, (step, disposition, when, details) in enumerate(steps, start=1):
            recorded = min(
                self.now, when + datetime.timedelta(minutes=rng.randint(1, 600))
            )
            event = TraceEvent(
                lot=lot,
                sequence=sequence,
                event_type=TraceEvent.EventType.OBJECT,
                biz_step=step,
                disposition=disposition,
                event_time=when,
                record_time=recorded,
                growing_area=area if step in BusinessStep.farm_steps() else None,
                location=area.name if step == BusinessStep.COMMISSIONING else "",
                quantity=lot.quantity if step == BusinessStep.COMMISSIONING else None,
                unit=lot.unit if step == BusinessStep.COMMISSIONING else "",
                details=details,
                notes=lot.recall_reason if step == BusinessStep.RECALLING else "",
                previous_hash=previous,
            )
            if step == BusinessStep.COMMISSIONING:
                event.growing_area = area
            event.content_hash = sha256_hex(
                canonical_json(canonical_event(event, [], []))
            )
            event.chain_hash = chain(previous, event.content_hash)
            previous = event.chain_hash
            events.append(event)
        lot.head_hash = previous
        if lot.status == Lot.Status.RECALLED:
            lot.recalled_at = events[-1].record_time
        return events

    def _lots(self):
        rng = self.rng
        per_cooperative = _split(self.counts.lots, len(self.cooperatives))
        for (cooperative, line), count in zip(
            self.cooperatives, per_cooperative, strict=True
        ):
            areas = self.areas[cooperative.pk]
            products = self.products_by_cooperative.get(cooperative.pk, [])
            for k in range(count):
                harvest = self.now.date() - datetime.timedelta(days=rng.randint(3, 540))
                recalled = rng.random() < 0.01
                product = (
                    self.products[products[k % len(products)]] if products else None
                )
                lot = Lot(
                    cooperative=cooperative,
                    code=f"{ORDER_PREFIX}{harvest:%y%m%d}-{k + 1:05d}",
                    product_name=product.name if product else line.bases[0],
                    public_id=_public_id(rng),
                    growing_area=rng.choice(areas),
                    harvest_date=harvest,
                    quantity=Decimal(rng.randint(50, 50_000)) / 10,
                    unit="kg",
                    status=(
                        Lot.Status.RECALLED
                        if recalled
                        else rng.choice(
                            (Lot.Status.ACTIVE,) * 3 + (Lot.Status.SOLD_OUT,)
                        )
                    ),
                    recall_reason=(RECALL_REASON if recalled else ""),
                    created_at=datetime.datetime.combine(
                        harvest, datetime.time(12), self.zone
                    ),
                )
                yield lot, line, areas, product

    def build_lots(self) -> None:
        rng = self.rng
        product_lots = Product.lots.through
        lot_farmers = Lot.farmers.through
        with (
            self.progress(total=self.counts.lots, desc="Lô hàng") as bar,
            _timestamps_as_given(Lot),
        ):
            for batch in _batched(self._lots(), BATCH):
                events = []
                for lot, line, areas, _product in batch:
                    events.extend(self._history(lot, line, areas))
                with transaction.atomic():
                    Lot.objects.bulk_create([lot for lot, *_ in batch])
                    for event in events:
                        event.lot = event.lot  # the lot now has its pk
                    TraceEvent.objects.bulk_create(events, batch_size=BATCH)
                    links, credits = [], []
                    for lot, _line, _areas, product in batch:
                        if product is not None:
                            links.append(product_lots(product_id=product.pk, lot=lot))
                            if lot.status == Lot.Status.ACTIVE and (
                                product.lot is None or product.lot[0] < lot.pk
                            ):
                                product.lot = (lot.pk, lot.code)
                        farmers = self.farmers.get(lot.cooperative_id, [])
                        for farmer in rng.sample(farmers, k=min(len(farmers), 2)):
                            credits.append(lot_farmers(lot=lot, memberfarmer_id=farmer))
                    product_lots.objects.bulk_create(links, batch_size=BATCH)
                    lot_farmers.objects.bulk_create(credits, batch_size=BATCH)
                bar.update(len(batch))

    # -- orders -----------------------------------------------------------------

    def _order_items(self) -> list[tuple[ProductRef, int]]:
        rng = self.rng
        first = rng.choice(self.products)
        chosen = {first.pk: first}
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            if rng.random() < 0.75:
                same = self.products_by_cooperative[first.cooperative]
                other = self.products[rng.choice(same)]
            else:
                other = rng.choice(self.products)
            chosen[other.pk] = other
        return [
            (p, max(p.min_quantity, rng.choice((1, 1, 2, 2, 3, 5))))
            for p in chosen.values()
        ]

    def _fate(self, age_days: int, method: str) -> str:
        """Where an order of this age stands: most old ones are delivered."""
        rng = self.rng
        if age_days > 14:
            return "cancelled" if rng.random() < 0.06 else "delivered"
        if age_days > 3:
            return rng.choice(("confirmed", "packed", "shipped", "delivered"))
        if method != PaymentMethod.CASH_ON_DELIVERY and rng.random() < 0.3:
            return "awaiting_payment"
        return rng.choice(("new", "confirmed"))

    def _order(self, n: int):
        rng = self.rng
        age = int(365 * (1 - rng.random() ** 0.8))
        placed = self.now - datetime.timedelta(
            days=age, hours=rng.randint(0, 12), minutes=rng.randint(0, 59)
        )
        roll = rng.random()
        method = (
            PaymentMethod.CASH_ON_DELIVERY
            if roll < 0.55
            else PaymentMethod.BANK_TRANSFER
            if roll < 0.9
            else PaymentMethod.CARD
        )
        fate = self._fate(age, method)
        commune, _name = rng.choice(self.communes)
        person = self._person()
        groups: dict[int, list[tuple[ProductRef, int]]] = {}
        for product, quantity in self._order_items():
            groups.setdefault(product.cooperative, []).append((product, quantity))
        cooperatives = self.cooperative_by_pk

        paid = method != PaymentMethod.CASH_ON_DELIVERY and fate not in (
            "awaiting_payment",
            "cancelled",
        )
        if method == PaymentMethod.CASH_ON_DELIVERY and fate == "delivered":
            paid = True
        finished = placed + datetime.timedelta(days=rng.randint(1, 6))
        finished = min(finished, self.now)
        order = Order(
            number=f"{ORDER_PREFIX}{n + 1:07d}",
            access_token=f"{rng.getrandbits(256):064x}"[:43],
            contact_name=person,
            phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            email=f"khach{n + 1}@scale.example.vn",
            province_code=NGHE_AN,
            commune_code=commune,
            street=f"Xóm {rng.randint(1, 20)}",
            payment_method=method,
            status={
                "awaiting_payment": Order.Status.AWAITING_PAYMENT,
                "cancelled": Order.Status.CANCELLED,
                "delivered": Order.Status.COMPLETED,
            }.get(fate, Order.Status.PLACED),
            payment_status=(
                Order.PaymentStatus.PAID if paid else Order.PaymentStatus.UNPAID
            ),
            payment_due_at=(
                placed + datetime.timedelta(hours=24)
                if fate == "awaiting_payment"
                else None
            ),
            paid_at=(
                (finished if method == PaymentMethod.CASH_ON_DELIVERY else placed)
                if paid
                else None
            ),
            created_at=placed,
            updated_at=finished if fate in ("delivered", "cancelled") else placed,
        )
        fulfilment_status = {
            "awaiting_payment": Fulfilment.Status.AWAITING_PAYMENT,
            "cancelled": Fulfilment.Status.CANCELLED,
            "new": Fulfilment.Status.NEW,
            "confirmed": Fulfilment.Status.CONFIRMED,
            "packed": Fulfilment.Status.PACKED,
            "shipped": Fulfilment.Status.SHIPPED,
            "delivered": Fulfilment.Status.DELIVERED,
        }[fate]
        line_status = {
            "awaiting_payment": OrderLine.StockStatus.HELD,
            "cancelled": OrderLine.StockStatus.RETURNED,
        }.get(fate, OrderLine.StockStatus.SOLD)
        parts = []
        for cooperative_pk, items in groups.items():
            cooperative = cooperatives[cooperative_pk]
            goods = sum(p.price * q for p, q in items)
            delivery = (
                DeliveryMethod.DELIVERY
                if cooperative.offers_delivery and rng.random() < 0.7
                else DeliveryMethod.PICKUP
            )
            fee = (
                cooperative.delivery_fee_for(goods)
                if delivery == DeliveryMethod.DELIVERY
                else 0
            )
            fulfilment = Fulfilment(
                order=order,
                cooperative_id=cooperative_pk,
                status=fulfilment_status,
                delivery_method=delivery,
                goods_total=goods,
                delivery_fee=fee,
                cash_collected_at=(
                    finished
                    if method == PaymentMethod.CASH_ON_DELIVERY and fate == "delivered"
                    else None
                ),
                created_at=placed,
                updated_at=order.updated_at,
            )
            lines = [
                OrderLine(
                    fulfilment=fulfilment,
                    product_id=p.pk,
                    product_name=p.name,
                    unit=p.unit,
                    unit_price=p.price,
                    quantity=q,
                    lot_id=p.lot[0] if p.lot else None,
                    lot_code=p.lot[1] if p.lot else "",
                    stock_status=line_status,
                )
                for p, q in items
            ]
            parts.append((fulfilment, lines))
        order.goods_total = sum(f.goods_total for f, _ in parts)
        order.delivery_total = sum(f.delivery_fee for f, _ in parts)
        order.total = order.goods_total + order.delivery_total
        return order, parts

    def build_orders(self) -> None:
        if not self.products:
            return
        with (
            self.progress(total=self.counts.orders, desc="Đơn hàng") as bar,
            _timestamps_as_given(Order, Fulfilment),
        ):
            for start in range(0, self.counts.orders, ORDER_CHUNK):
                chunk = [
                    self._order(n)
                    for n in range(start, min(start + ORDER_CHUNK, self.counts.orders))
                ]
                with transaction.atomic():
                    Order.objects.bulk_create([o for o, _ in chunk], batch_size=BATCH)
                    fulfilments, lines = [], []
                    for order, parts in chunk:
                        for fulfilment, part_lines in parts:
                            fulfilment.order = order
                            fulfilments.append(fulfilment)
                            lines.extend(part_lines)
                    Fulfilment.objects.bulk_create(fulfilments, batch_size=BATCH)
                    for line in lines:
                        line.fulfilment = line.fulfilment
                    OrderLine.objects.bulk_create(lines, batch_size=BATCH)
                bar.update(len(chunk))

    # -- checking ---------------------------------------------------------------

    def verify_sample(self, size: int = 50) -> None:
        """Recompute the chains of a sample of seeded lots (verify_lot)."""
        from producers.traceability import verify_lot

        lots = list(
            Lot.objects.filter(cooperative__in=seeded_cooperatives()).order_by("?")[
                :size
            ]
        )
        for lot in lots:
            self.report.problems.extend(
                str(p) for p in verify_lot(lot, check_files=False)
            )
        self.report.verified_lots = len(lots)
