"""Selling: categories and products (each owned by one cooperative)."""

import contextlib

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import (
    ClusterableModel,
    get_all_child_m2m_relations,
    get_all_child_relations,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from producers.alt_text import PhotoWithAltText
from producers.gtin import normalise_gtin, validate_gtin
from producers.models import RICH_TEXT_FEATURES, Certification, Cooperative
from producers.richtext import sanitise_instance
from producers.text import fold, fold_words

from ..fields import MonthsField, mask_to_months, month_bit
from ..images import CARD_IMAGE, renditions_prefetch


class Category(models.Model):
    """A node of the two-level category tree (e.g. Chè > Chè xanh)."""

    name = models.CharField(_("tên"), max_length=100)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("danh mục cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("mô tả"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")
        ordering = ["sort_order", "name"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent} › {self.name}"
        return self.name

    def get_absolute_url(self):
        return reverse("market:catalogue") + f"?category={self.slug}"

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError(
                    {"parent": _("Danh mục không thể là cha của chính nó.")}
                )
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Danh mục chỉ có hai cấp: chọn một danh mục gốc.")}
                )
            if self.pk and self.children.exists():
                raise ValidationError(
                    {
                        "parent": _(
                            "Danh mục đã có danh mục con nên phải là danh mục gốc."
                        )
                    }
                )


class SortIndex(models.Index):
    """An index in the order a listing sorts by, "NULLS LAST" included.

    PostgreSQL puts NULL first in a descending index unless told otherwise, so
    "newest first, never published last" is read from an index only if it
    says DESC NULLS LAST. SQLite always sorts NULL lowest, which is that same
    order, and refuses the words in an index: there they are left out.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor == "sqlite":
            index = self.clone()
            index.expressions = tuple(
                models.OrderBy(expression.expression, descending=expression.descending)
                if isinstance(expression, models.OrderBy)
                and (
                    expression.nulls_last
                    if expression.descending
                    else expression.nulls_first
                )
                else expression
                for expression in self.expressions
            )
        return models.Index.create_sql(index, model, schema_editor, using, **kwargs)


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    GRAM_500 = "500g", _("gói 500 g")
    BOX = "box", _("hộp")
    BOTTLE = "bottle", _("chai")
    BAG = "bag", _("túi")
    JAR = "jar", _("hũ")
    BUNCH = "bunch", _("nải")
    PIECE = "piece", _("quả")
    LITRE = "litre", _("lít")


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def in_season(self, month: int | None = None):
        month = month or timezone.localdate().month
        # An empty mask means "all year round".
        return self.annotate(
            _season_bit=models.F("season_months").bitand(month_bit(month))
        ).filter(models.Q(season_months=0) | models.Q(_season_bit__gt=0))

    def for_user(self, user):
        return self.filter(cooperative__in=Cooperative.objects.for_user(user))

    def for_listing(self):
        """What a product card needs, in a fixed number of queries."""
        return self.select_related(
            "cooperative", "category", "category__parent"
        ).prefetch_related(
            models.Prefetch("images", queryset=images_with_renditions(CARD_IMAGE))
        )


class Product(
    LockableMixin,
    DraftStateMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A product a cooperative sells, with a draft/publish life cycle."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("tên sản phẩm"), max_length=200)
    slug = models.SlugField(_("đường dẫn"), max_length=200, unique=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("danh mục"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    summary = models.CharField(_("mô tả ngắn"), max_length=255, blank=True)
    description = RichTextField(_("mô tả"), features=RICH_TEXT_FEATURES, blank=True)
    unit = models.CharField(
        _("đơn vị"), max_length=10, choices=Unit.choices, default=Unit.KG
    )
    price = models.PositiveBigIntegerField(
        _("giá (đồng)"),
        validators=[MinValueValidator(1000)],
        help_text=_("Giá bán cho một đơn vị, tính bằng đồng, ví dụ 150000."),
    )
    stock = models.PositiveIntegerField(_("tồn kho"), default=0)
    min_order_quantity = models.PositiveIntegerField(
        _("số lượng đặt tối thiểu"), default=1, validators=[MinValueValidator(1)]
    )
    season_months = MonthsField(
        _("mùa vụ"),
        default=0,
        blank=True,
        help_text=_("Các tháng có sản phẩm tươi; để trống nếu có quanh năm."),
    )
    certifications = ParentalManyToManyField(
        Certification,
        verbose_name=_("chứng nhận hiển thị"),
        blank=True,
        related_name="products",
    )
    # The lots sold under this product; their trace pages link back here to buy.
    lots = ParentalManyToManyField(
        "producers.Lot",
        verbose_name=_("lô hàng"),
        blank=True,
        related_name="products",
    )
    ocop_stars = models.PositiveSmallIntegerField(
        _("hạng OCOP"),
        null=True,
        blank=True,
        choices=[(3, "3 ★"), (4, "4 ★"), (5, "5 ★")],
    )
    gtin = models.CharField(
        _("mã GTIN (mã vạch)"),
        max_length=14,
        blank=True,
        validators=[validate_gtin],
        help_text=_("Mã vạch GS1 in trên bao bì, nếu có."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    # The folded name as space-separated words, so search can rank "the name is
    # the query" above "the query is in the summary" in the database
    # (see market/search.py).
    search_name = models.CharField(
        max_length=200, editable=False, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.SearchField("summary"),
        index.AutocompleteField("name"),
        index.FilterField("cooperative_id"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["-first_published_at", "-pk"]
        # The public catalogue's orders (market.filters.ORDERINGS), over published
        # products only, each ending in the pk like the ORDER BY does. A listing
        # reads a page's ids first (market.catalogue.CataloguePaginator): on
        # PostgreSQL the INCLUDE columns let the common filters (category,
        # cooperative and its place, OCOP, price) be checked in the index, so
        # even page 50 is an index-only scan. Stock is left out on purpose: it
        # changes with every order, and an indexed column would make each of
        # those updates rewrite every index. Search has trigram indexes on
        # PostgreSQL (migration 0007); docs/performance.md has the plans.
        indexes = [
            SortIndex(
                models.F("first_published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="product_live_newest_idx",
                condition=models.Q(live=True),
                include=["category", "cooperative", "ocop_stars", "price"],
            ),
            models.Index(
                fields=["price", "id"],
                name="product_live_price_idx",
                condition=models.Q(live=True),
                include=["category", "cooperative", "ocop_stars"],
            ),
            models.Index(
                fields=["search_name", "id"],
                name="product_live_name_idx",
                condition=models.Q(live=True),
                include=["category", "cooperative", "ocop_stars", "price"],
            ),
            SortIndex(
                models.F("category"),
                models.F("first_published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="product_live_cat_newest_idx",
                condition=models.Q(live=True),
                include=["cooperative", "ocop_stars", "price"],
            ),
            models.Index(
                fields=["category", "price", "id"],
                name="product_live_cat_price_idx",
                condition=models.Q(live=True),
                include=["cooperative", "ocop_stars"],
            ),
            # Small (one entry per category value is stored once): exact counts
            # of published products, all or by category, read it alone (the API).
            models.Index(
                fields=["category"],
                name="product_live_category_idx",
                condition=models.Q(live=True),
            ),
            # Suggestions when a search finds nothing (market.search.popular_products).
            SortIndex(
                models.F("ocop_stars").desc(nulls_last=True),
                models.F("first_published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="product_live_popular_idx",
                condition=models.Q(live=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="product_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(ocop_stars__isnull=True)
                | models.Q(ocop_stars__in=[3, 4, 5]),
                name="product_ocop_stars_range",
            ),
            models.UniqueConstraint(
                fields=["gtin"],
                condition=~models.Q(gtin=""),
                name="unique_product_gtin",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        sanitise_instance(self)
        if self.gtin:
            # Stored as GTIN-14 so the same trade item never appears twice; an
            # invalid value is already reported against the field by its validator.
            with contextlib.suppress(ValidationError):
                self.gtin = normalise_gtin(self.gtin)
        if self.cooperative_id and self.pk:
            foreign = [
                c
                for c in self.certifications.all()
                if c.cooperative_id != self.cooperative_id
            ]
            if foreign:
                raise ValidationError(
                    {"certifications": _("Chỉ chọn chứng nhận của hợp tác xã này.")}
                )

    def save(self, *args, **kwargs):
        sanitise_instance(self)
        self.search_name = " ".join(fold_words(self.name))
        self.search_text = self.build_search_text()
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            # Stock is live state that orders move with conditional updates
            # (market/stock.py); saving a form or publishing a revision must not
            # write back a count read earlier. Name "stock" in update_fields to
            # set it on purpose.
            kwargs["update_fields"] = [
                *(
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name != "stock"
                ),
                # modelcluster commits only the child relations named here.
                *(r.get_accessor_name() for r in get_all_child_relations(self)),
                *(f.name for f in get_all_child_m2m_relations(self)),
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("market:product_detail", kwargs={"slug": self.slug})

    def get_preview_template(self, request, mode_name):
        return "market/product_detail.html"

    def get_preview_context(self, request, mode_name):
        from ..views import product_context

        return product_context(self, request)

    def build_search_text(self) -> str:
        """The folded text search matches: name, summary and cooperative name."""
        cooperative = self.cooperative.name if self.cooperative_id else ""
        return fold(" ".join(filter(None, [self.name, self.summary, cooperative])))

    @property
    def season(self) -> list[int]:
        return mask_to_months(self.season_months)

    def is_in_season(self, month: int | None = None) -> bool:
        if not self.season_months:
            return True
        month = month or timezone.localdate().month
        return bool(self.season_months & month_bit(month))

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def main_image(self):
        images = list(self.images.all())
        return images[0].image if images else None


class ProductImage(PhotoWithAltText, Orderable):
    product = ParentalKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")


def images_with_renditions(*specs: str):
    """ProductImage rows in display order, with their image and its renditions."""
    return (
        ProductImage.objects.select_related("image")
        .prefetch_related(renditions_prefetch(*specs, lookup="image__renditions"))
        .order_by("sort_order")
    )
