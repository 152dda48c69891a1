"""The catalogue's filters: one FilterSet for the catalogue, search and the API.

Every parameter is optional and they combine. A value that cannot be used
(unknown category, letters in a price...) becomes a form error that the page
shows as a message; the other filters still apply. Nothing here may raise on
user input.
"""

import re
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from producers import places
from producers.models import Certification, Cooperative
from producers.text import fold

from . import search
from .models import Category, Product

# Ten thousand million dong: above any price, below any database integer limit.
MAX_AMOUNT = 10**13
# Longest value kept from any parameter; slugs and codes are far shorter.
MAX_PARAM_LENGTH = 200


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME = "name"

    choices = [
        (RELEVANCE, _("Phù hợp nhất")),
        (NEWEST, _("Mới nhất")),
        (PRICE_ASC, _("Giá thấp đến cao")),
        (PRICE_DESC, _("Giá cao đến thấp")),
        (NAME, _("Tên A–Z")),
    ]


def _newest():
    return [F("first_published_at").desc(nulls_last=True), "-pk"]


ORDERINGS = {
    Sort.NEWEST: _newest,
    Sort.PRICE_ASC: lambda: ["price", "pk"],
    Sort.PRICE_DESC: lambda: ["-price", "-pk"],
    # search_name is the folded name, so "Đậu" sorts among the D's and case and
    # diacritics do not scatter names the way a byte-wise sort of `name` would.
    Sort.NAME: lambda: ["search_name", "pk"],
}

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitise_params(data) -> dict[str, str]:
    """One bounded, printable string per parameter (the last one given).

    NUL bytes would make PostgreSQL refuse the query, and a megabyte of slug
    is no slug, so both are cut before any field sees them.
    """
    if data is None:
        return {}
    if hasattr(data, "lists"):
        items = ((key, values[-1] if values else "") for key, values in data.lists())
    else:
        items = data.items()
    return {
        key: _CONTROL_CHARS.sub("", str(value))[:MAX_PARAM_LENGTH]
        for key, value in items
    }


def _by_folded_name(choices):
    # Sorted as Vietnamese readers scan a list: "Đồng Nai" among the D's.
    return sorted(choices, key=lambda choice: fold(choice[1]))


class AmountField(forms.CharField):
    """A whole number of dong, as typed: 150000, 150.000, 150,000 or 150 000 ₫."""

    _GROUPED = re.compile(r"[0-9]{1,3}(?:[.,\s][0-9]{3})+")
    _PLAIN = re.compile(r"[0-9]+")
    _CURRENCY = re.compile(r"(₫|đ|vnd|dong|đồng)$", re.IGNORECASE)

    default_error_messages = {
        "invalid": _("Nhập số tiền bằng đồng, ví dụ 150000 hoặc 150.000."),
        "negative": _("Số tiền không được âm."),
        "too_big": _("Số tiền quá lớn."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        text = self._CURRENCY.sub("", value.strip()).strip()
        if text.startswith("-"):
            raise forms.ValidationError(
                self.error_messages["negative"], code="negative"
            )
        if self._PLAIN.fullmatch(text) or self._GROUPED.fullmatch(text):
            digits = re.sub(r"[^0-9]", "", text).lstrip("0") or "0"
            # Compare lengths first: int() of a huge digit string is slow.
            if len(digits) > len(str(MAX_AMOUNT)) or int(digits) > MAX_AMOUNT:
                raise forms.ValidationError(
                    self.error_messages["too_big"], code="too_big"
                )
            return int(digits)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class AmountFilter(django_filters.Filter):
    field_class = AmountField


class CheckboxFilter(django_filters.Filter):
    """A filter that is on when its box is ticked and absent otherwise."""

    field_class = forms.BooleanField


class CategoryChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        # Children are listed under their parent, indented.
        return f"— {obj.name}" if obj.parent_id else obj.name


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


def categories_in_tree_order(request=None):
    """Parents each followed by their children, in the editors' order."""
    return Category.objects.annotate(
        root_order=Coalesce("parent__sort_order", "sort_order"),
        root_name=Coalesce("parent__name", "name"),
        root_id=Coalesce("parent_id", "id"),
    ).order_by(
        "root_order",
        "root_name",
        "root_id",
        F("parent_id").asc(nulls_first=True),
        "sort_order",
        "name",
    )


class CatalogueFilterForm(forms.Form):
    """Checks that need more than one field, and notes on what was adjusted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []

    def clean_q(self):
        query = search.parse_query(self.cleaned_data.get("q"))
        if query.truncated:
            self.notices.append(
                _("Từ khóa dài quá %(limit)d ký tự nên đã được cắt bớt.")
                % {"limit": search.MAX_QUERY_LENGTH}
            )
        return query if query else None

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "price_max",
                _("Giá đến phải lớn hơn hoặc bằng giá từ; bỏ qua khoảng giá."),
            )
            cleaned.pop("price_min", None)
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if places.commune_outside_province(commune, province):
            self.add_error("commune", places.COMMUNE_OUTSIDE_PROVINCE)
        return cleaned


class ProductFilterSet(django_filters.FilterSet):
    """Catalogue filters over published products (see market.catalogue)."""

    q = django_filters.CharFilter(
        label=_("Từ khóa"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 100}),
    )
    category = CategoryFilter(
        label=_("Danh mục"),
        queryset=categories_in_tree_order,
        to_field_name="slug",
        method="filter_category",
        empty_label=_("Tất cả danh mục"),
        error_messages={"invalid_choice": _("Không có danh mục này.")},
    )
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"),
        queryset=Cooperative.objects.only("pk", "name", "slug").order_by("name"),
        to_field_name="slug",
        empty_label=_("Tất cả hợp tác xã"),
        error_messages={"invalid_choice": _("Không có hợp tác xã này.")},
    )
    province = django_filters.ChoiceFilter(
        label=_("Tỉnh/thành"),
        field_name="cooperative__province_code",
        empty_label=_("Mọi tỉnh/thành"),
        error_messages={"invalid_choice": _("Không có tỉnh/thành này.")},
    )
    commune = django_filters.ChoiceFilter(
        label=_("Xã/phường"),
        field_name="cooperative__commune_code",
        empty_label=_("Mọi xã/phường"),
        error_messages={"invalid_choice": _("Không có xã/phường này.")},
    )
    certification = django_filters.ChoiceFilter(
        label=_("Chứng nhận còn hiệu lực"),
        choices=Certification.Kind.choices,
        method="filter_certification",
        empty_label=_("Bất kỳ"),
        error_messages={"invalid_choice": _("Không có loại chứng nhận này.")},
    )
    ocop = django_filters.ChoiceFilter(
        label=_("Hạng OCOP"),
        choices=[("3", _("Từ 3 ★")), ("4", _("Từ 4 ★")), ("5", _("5 ★"))],
        field_name="ocop_stars",
        lookup_expr="gte",
        empty_label=_("Bất kỳ"),
        error_messages={"invalid_choice": _("Hạng OCOP là 3, 4 hoặc 5 sao.")},
    )
    price_min = AmountFilter(
        label=_("Giá từ (đồng)"), field_name="price", lookup_expr="gte"
    )
    price_max = AmountFilter(
        label=_("Giá đến (đồng)"), field_name="price", lookup_expr="lte"
    )
    in_stock = CheckboxFilter(label=_("Còn hàng"), method="filter_in_stock")
    in_season = CheckboxFilter(label=_("Đang vào mùa"), method="filter_in_season")
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"),
        choices=Sort.choices,
        # Ordering is applied last, in filter_queryset, whatever the other filters.
        method=lambda queryset, name, value: queryset,
        empty_label=None,
        error_messages={"invalid_choice": _("Không có cách sắp xếp này.")},
    )

    class Meta:
        model = Product
        form = CatalogueFilterForm
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = Product.objects.published()
        super().__init__(
            sanitise_params(data) if data is not None else None,
            queryset=queryset,
            request=request,
            prefix=prefix,
        )
        if self.is_bound and not self.data:
            # FilterSet swaps an empty dict for an immutable QueryDict; keep a
            # plain dict so the form can show the sort in use (filter_queryset).
            self.data = {}
        # Callables, so the choices are looked up only if the form is built, and
        # cached properties, so validating and rendering share one lookup.
        self.filters["province"].extra["choices"] = lambda: self._province_choices
        self.filters["commune"].extra["choices"] = lambda: self._commune_choices

    @cached_property
    def _province_choices(self):
        return _by_folded_name(places.province_choices())

    @cached_property
    def _commune_choices(self):
        # Only provinces where cooperatives are: the whole country has thousands
        # of communes, far too many for a select on a phone.
        provinces = sorted(
            Cooperative.objects.order_by()
            .values_list("province_code", flat=True)
            .distinct()
        )
        if len(provinces) == 1:
            return _by_folded_name(places.commune_choices(provinces[0]))
        return [
            (places.province_name(code), _by_folded_name(places.commune_choices(code)))
            for code in provinces
        ]

    def filter_q(self, queryset, name, value):
        return search.search_products(queryset, value)

    def filter_category(self, queryset, name, category):
        # A parent category stands for itself and all its children.
        return queryset.filter(Q(category=category) | Q(category__parent=category))

    def filter_certification(self, queryset, name, kind):
        today = timezone.localdate()
        # EXISTS rather than a join: a product with two matching certificates
        # must still be listed once, without DISTINCT over the whole row.
        valid = Certification.objects.filter(
            products=OuterRef("pk"), kind=kind, issued_on__lte=today
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        return queryset.filter(Exists(valid))

    def filter_in_stock(self, queryset, name, value):
        return queryset.in_stock() if value else queryset

    def filter_in_season(self, queryset, name, value):
        return queryset.in_season() if value else queryset

    @property
    def search_query(self) -> "search.Query | None":
        return self.form.cleaned_data.get("q") if self.is_bound else None

    @property
    def active_sort(self) -> str:
        sort = self.form.cleaned_data.get("sort") if self.is_bound else None
        if sort == Sort.RELEVANCE or not sort:
            return Sort.RELEVANCE if self.search_query else Sort.NEWEST
        return sort

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Let the sort select show the order actually applied (newest without a
        # query, relevance with one) rather than whichever option comes first.
        if self.is_bound:
            self.form.data["sort"] = self.active_sort
        if self.active_sort == Sort.RELEVANCE:
            return search.by_relevance(queryset)
        return queryset.order_by(*ORDERINGS[self.active_sort]())

    @property
    def messages(self) -> list[str]:
        """What the page tells the buyer about filters it ignored or adjusted."""
        self.errors  # noqa: B018 - validates the form
        texts = [str(notice) for notice in self.form.notices]
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            for error in errors:
                texts.append(f"{label}: {error}" if label else str(error))
        return texts
