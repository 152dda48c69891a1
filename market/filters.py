"""The catalogue's filters: one FilterSet for the catalogue, search and the API.

Every parameter is optional and they combine. A value that cannot be used
(unknown category, letters in a price...) becomes a form error that the page
shows as a message; the other filters still apply. Nothing here may raise on
user input.
"""

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.safestring import mark_safe
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

CHOICES_CACHE_KEY = "market:filters:choices"
# Saving or deleting a category or cooperative clears the cache at once (see
# the receivers below); the timeout bounds a change made where they are not
# connected, such as a bulk update.
CHOICES_TIMEOUT = 5 * 60


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


# The place names are fixed data, so each sorted list is made once a process.
@lru_cache
def _provinces_by_name():
    return _by_folded_name(places.province_choices())


@lru_cache
def _communes_by_name(province_code: int):
    return _by_folded_name(places.commune_choices(province_code))


class QuickSelect(forms.Select):
    """A select written out in Python, with the markup of forms.Select.

    Django renders each option through a template: for the hundreds of
    cooperatives and communes of a province that alone took 35 ms a page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        parts = [f"<select{_attributes(attrs)}>"]
        has_selected = False
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, list | tuple)
            if grouped:
                parts.append(f'<optgroup label="{escape(str(group_value))}">')
            for option_value, option_label in (
                group_label if grouped else [(group_value, group_label)]
            ):
                option_value = "" if option_value is None else str(option_value)
                is_selected = not has_selected and option_value in selected
                has_selected |= is_selected
                parts.append(
                    f'<option value="{escape(option_value)}"'
                    f"{' selected' if is_selected else ''}>"
                    f"{escape(str(option_label))}</option>"
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped


def _attributes(attrs) -> str:
    """Attributes as Django's attrs.html writes them: True bare, False left out."""
    return "".join(
        f" {escape(name)}"
        if value is True
        else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the catalogue's selects offer, read in one go and cached.

    Only the options shown are cached: a submitted category or cooperative is
    still looked up in the database, so a stale list never filters wrongly.
    """

    # Category objects in tree order (categories_in_tree_order).
    categories: tuple
    # (slug, name) of every cooperative, by name.
    cooperatives: tuple[tuple[str, str], ...]
    # The provinces where cooperatives are.
    province_codes: tuple[int, ...]

    @property
    def root_categories(self) -> list:
        return [category for category in self.categories if category.parent_id is None]


def filter_choices() -> FilterChoices:
    """The catalogue's select options, from the cache when they are there."""
    choices = cache.get(CHOICES_CACHE_KEY)
    if choices is None:
        choices = FilterChoices(
            categories=tuple(categories_in_tree_order()),
            cooperatives=tuple(
                Cooperative.objects.order_by("name", "pk").values_list("slug", "name")
            ),
            province_codes=tuple(
                sorted(
                    Cooperative.objects.order_by()
                    .values_list("province_code", flat=True)
                    .distinct()
                )
            ),
        )
        cache.set(CHOICES_CACHE_KEY, choices, CHOICES_TIMEOUT)
    return choices


def _forget_choices(**kwargs):
    cache.delete(CHOICES_CACHE_KEY)


# Connected where the cache is defined: this module is loaded with the site's
# URLs and API, so in every process that serves pages or edits these models.
for _model in (Category, Cooperative):
    post_save.connect(
        _forget_choices, sender=_model, dispatch_uid=f"choices-saved-{_model.__name__}"
    )
    post_delete.connect(
        _forget_choices,
        sender=_model,
        dispatch_uid=f"choices-deleted-{_model.__name__}",
    )


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
        # The selects show options from the cache, read only if the form is
        # shown; a submitted value is still looked up in the field's queryset.
        category, cooperative = self.fields["category"], self.fields["cooperative"]
        category.widget.choices = lambda: [
            ("", category.empty_label),
            *(
                (c.slug, category.label_from_instance(c))
                for c in filter_choices().categories
            ),
        ]
        cooperative.widget.choices = lambda: [
            ("", cooperative.empty_label),
            *filter_choices().cooperatives,
        ]

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
        widget=QuickSelect,
    )
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"),
        queryset=Cooperative.objects.only("pk", "name", "slug").order_by("name"),
        to_field_name="slug",
        empty_label=_("Tất cả hợp tác xã"),
        error_messages={"invalid_choice": _("Không có hợp tác xã này.")},
        widget=QuickSelect,
    )
    province = django_filters.ChoiceFilter(
        label=_("Tỉnh/thành"),
        field_name="cooperative__province_code",
        empty_label=_("Mọi tỉnh/thành"),
        error_messages={"invalid_choice": _("Không có tỉnh/thành này.")},
        widget=QuickSelect,
    )
    commune = django_filters.ChoiceFilter(
        label=_("Xã/phường"),
        field_name="cooperative__commune_code",
        empty_label=_("Mọi xã/phường"),
        error_messages={"invalid_choice": _("Không có xã/phường này.")},
        widget=QuickSelect,
    )
    certification = django_filters.ChoiceFilter(
        label=_("Chứng nhận còn hiệu lực"),
        choices=Certification.Kind.choices,
        method="filter_certification",
        empty_label=_("Bất kỳ"),
        error_messages={"invalid_choice": _("Không có loại chứng nhận này.")},
        widget=QuickSelect,
    )
    ocop = django_filters.ChoiceFilter(
        label=_("Hạng OCOP"),
        choices=[("3", _("Từ 3 ★")), ("4", _("Từ 4 ★")), ("5", _("5 ★"))],
        field_name="ocop_stars",
        lookup_expr="gte",
        empty_label=_("Bất kỳ"),
        error_messages={"invalid_choice": _("Hạng OCOP là 3, 4 hoặc 5 sao.")},
        widget=QuickSelect,
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
        widget=QuickSelect,
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
        return _provinces_by_name()

    @cached_property
    def _commune_choices(self):
        # Only provinces where cooperatives are: the whole country has thousands
        # of communes, far too many for a select on a phone.
        provinces = filter_choices().province_codes
        if len(provinces) == 1:
            return _communes_by_name(provinces[0])
        return [
            (places.province_name(code), _communes_by_name(code)) for code in provinces
        ]

    def filter_q(self, queryset, name, value):
        return search.search_products(queryset, value)

    def filter_category(self, queryset, name, category):
        # A parent category stands for itself and all its children (the tree
        # has two levels). The ids are listed rather than the parent joined, so
        # the (category, ...) indexes serve the filter and the order together.
        ids = [category.pk]
        if category.parent_id is None:
            ids += category.children.values_list("pk", flat=True)
        return queryset.filter(category_id__in=ids)

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
