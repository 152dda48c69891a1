"""Public catalogue endpoints: categories and products.

The product list takes exactly the catalogue page's parameters: its query
schema is generated from `market.filters.ProductFilterSet`, and the request is
answered by `market.catalogue.filter_products`, the function behind the page.
"""

import datetime
from typing import Literal

import django_filters
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import create_model
from wagtail.rich_text import expand_db_html

from producers.api.base import ApiValidationError, ErrorOut, Pages
from producers.api.public import CooperativeRef
from producers.models import Lot

from ..catalogue import filter_products, product_page_queryset
from ..filters import AmountFilter, CheckboxFilter, ProductFilterSet

router = Router(tags=["catalogue"])


# -- the product filters, read off the FilterSet ------------------------------


def _static_choices(filter_) -> list[str] | None:
    choices = filter_.extra.get("choices")
    if choices is None or callable(choices):
        return None
    return [str(value) for value, _label in choices]


def _filter_field(name: str, filter_) -> tuple[type, object]:
    description = str(filter_.label or name)
    if isinstance(filter_, CheckboxFilter):
        kind: type = bool
    elif isinstance(filter_, AmountFilter):
        kind = int
    elif isinstance(filter_, django_filters.ChoiceFilter) and (
        values := _static_choices(filter_)
    ):
        kind = Literal[tuple(values)]  # type: ignore[valid-type]
    elif name in ("province", "commune"):
        kind = int
    else:
        kind = str
    extra = {"ge": 0} if kind is int else {}
    if kind is str:
        extra["max_length"] = 200
    return (kind | None, Field(None, description=description, **extra))


def _filters_schema():
    fields = {
        name: _filter_field(name, filter_)
        for name, filter_ in ProductFilterSet.base_filters.items()
    }
    return create_model("ProductFilters", __base__=Schema, **fields)


ProductFilters = _filters_schema()


def as_filter_params(filters: Schema) -> dict[str, str]:
    """The schema's values as the query parameters the catalogue page reads."""
    params = {}
    for name, value in filters.model_dump(exclude_none=True).items():
        if value is False:
            continue
        params[name] = "on" if value is True else str(value)
    return params


# -- output -------------------------------------------------------------------


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(None, description="Đường dẫn của danh mục cha.")
    description: str
    url: str

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class ProductOut(Schema):
    slug: str
    name: str
    summary: str
    category: str = Field(description="Đường dẫn của danh mục.")
    cooperative: CooperativeRef
    unit: str
    price: int = Field(description="Giá một đơn vị, đồng.")
    stock: int
    min_order_quantity: int
    in_stock: bool
    ocop_stars: int | None
    gtin: str
    season_months: list[int] = Field(description="Tháng vào mùa (trống: quanh năm).")
    first_published_at: datetime.datetime | None
    image_url: str | None = Field(description="Ảnh chính (bản gốc).")
    url: str

    @staticmethod
    def resolve_category(obj):
        return obj.category.slug

    @staticmethod
    def resolve_in_stock(obj):
        return obj.in_stock

    @staticmethod
    def resolve_season_months(obj):
        return obj.season

    @staticmethod
    def resolve_image_url(obj, context):
        image = obj.main_image
        return _absolute(context["request"], image.file.url) if image else None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


def _absolute(request, url: str) -> str:
    return url if "://" in url else request.build_absolute_uri(url)


class ProductImageOut(Schema):
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context["request"], obj.image.file.url)


class ProductCertificationOut(Schema):
    kind: str
    label: str
    number: str
    issuer: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    in_force: bool = Field(description="Còn hiệu lực hôm nay.")

    @staticmethod
    def resolve_in_force(obj):
        return obj.is_valid_today


class ProductLotOut(Schema):
    public_id: str
    code: str
    harvest_date: datetime.date | None
    status: str
    url: str = Field(description="Trang truy xuất của lô.")
    api_url: str = Field(description="Lô và nhật ký truy xuất (API).")

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj, context):
        path = reverse("api_v1:get_lot", kwargs={"public_id": obj.public_id})
        return context["request"].build_absolute_uri(path)


class ProductDetailOut(ProductOut):
    description: str = Field(description="Mô tả (HTML).")
    images: list[ProductImageOut]
    certifications: list[ProductCertificationOut]
    lots: list[ProductLotOut] = Field(description="Các lô bán dưới sản phẩm này.")

    @staticmethod
    def resolve_description(obj):
        return expand_db_html(obj.description) if obj.description else ""

    @staticmethod
    def resolve_images(obj):
        return obj.images.all()

    @staticmethod
    def resolve_certifications(obj):
        return obj.certifications.all()

    @staticmethod
    def resolve_lots(obj):
        return obj.lots.all()


# -- endpoints ----------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], summary="Danh mục")
def list_categories(request):
    """Every category, parents before their children, in the editors' order."""
    from ..filters import categories_in_tree_order

    return list(categories_in_tree_order().select_related("parent"))


@router.get(
    "/products",
    response={200: list[ProductOut], 422: ErrorOut},
    summary="Sản phẩm",
)
@paginate(Pages)
def list_products(request, filters: Query[ProductFilters]):
    """Published products, with the catalogue page's filters, search and sort.

    `q` finds products without diacritics ("che" finds "chè"); a value the
    catalogue would ignore is answered here with 422 naming the parameter.
    """
    products, filterset = filter_products(as_filter_params(filters))
    if not filterset.is_valid():
        raise ApiValidationError(
            {name: list(errors) for name, errors in filterset.errors.items()},
            location="query",
        )
    return products


@router.get(
    "/products/{slug}",
    response={200: ProductDetailOut, 404: ErrorOut},
    summary="Một sản phẩm",
)
def get_product(request, slug: str):
    """A published product with its description, images, certificates and lots."""
    if "\x00" in slug:  # PostgreSQL refuses a NUL in a query: 404, not 500
        raise Http404
    lots = Lot.objects.order_by(F("harvest_date").desc(nulls_last=True), "-pk")
    return get_object_or_404(
        product_page_queryset().prefetch_related(Prefetch("lots", queryset=lots)),
        slug=slug,
    )
