"""Admin for products (per cooperative, with drafts and revisions), categories,
and orders (see market/order_admin.py: fulfilments, orders, payouts, ledger, stock)."""

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.admin.ui.tables import Column, NumberColumn, UpdatedAtColumn
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    EditView,
    InspectView,
    SnippetViewSetGroup,
)

from producers.admin_views import (
    CooperativeOwnedForm,
    CooperativeScopedSnippetViewSet,
    FoldedSearchIndexView,
    cooperative_filter,
)
from producers.models import CooperativeLogEntry
from producers.permissions import CooperativeOwnedPermissionPolicy

from . import import_admin, order_admin, product_changes, report_admin
from .models import Category, Fulfilment, Payout, Product

register_permission_policy(
    Product, CooperativeOwnedPermissionPolicy(Product), exact_class=True
)


@hooks.register("register_log_actions")
def register_product_log_model(actions):
    # Logged per cooperative, so the site history shows editors only theirs.
    for model in (Product, Fulfilment, Payout):
        actions.register_model(model, CooperativeLogEntry)
    actions.register_action(product_changes.LOG_ACTION)(
        product_changes.ProductChangeFormatter
    )

    @actions.register_action("market.stock_adjust")
    class StockAdjusted(LogFormatter):
        label = _("Điều chỉnh tồn kho")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Tồn kho: %(before)s → %(after)s") % {
                "before": data.get("before", "?"),
                "after": data.get("after", "?"),
            }


@hooks.register("register_admin_viewset")
def register_order_admin():
    return [order_admin.OrdersViewSetGroup(), order_admin.StockViewSet()]


@hooks.register("register_admin_viewset")
def register_report_and_import_admin():
    return [*report_admin.viewsets(), *import_admin.viewsets()]


@hooks.register("register_district_staff_permissions")
def district_staff_market_permissions():
    return ["market.*"]


@hooks.register("register_cooperative_editor_permissions")
def cooperative_editor_market_permissions():
    # Categories are the district's catalogue structure: editors only pick one.
    return [
        "market.add_product",
        "market.change_product",
        "market.delete_product",
        "market.publish_product",
        "market.lock_product",
        "market.unlock_product",
        # Their cooperative's parts of orders: seen and moved on (never edited
        # or deleted: transitions only); payouts and the ledger are read-only.
        "market.view_fulfilment",
        "market.change_fulfilment",
        "market.view_payout",
        "market.view_ledgerentry",
    ]


class ProductAdminForm(CooperativeOwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.select_related("parent")
        if "certifications" in self.fields:
            field = self.fields["certifications"]
            # Already narrowed to the user's cooperatives; an existing product offers
            # only its own cooperative's certificates.
            if self.instance.cooperative_id:
                field.queryset = field.queryset.filter(
                    cooperative_id=self.instance.cooperative_id
                )
            field.queryset = field.queryset.select_related("cooperative")


class ProductFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()
    category = django_filters.ModelChoiceFilter(
        label=_("Danh mục"), queryset=Category.objects.select_related("parent")
    )
    live = django_filters.BooleanFilter(label=_("Đang bán"))

    class Meta:
        model = Product
        fields = ["cooperative", "category", "live"]


class ProductIndexView(FoldedSearchIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        button = order_admin.stock_button(self.request.user, instance)
        return [*buttons, button] if button else buttons


class StockButtonMixin:
    """The product's page headers offer "adjust stock" (the form has no stock)."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        button = order_admin.stock_button(self.request.user, self.object)
        return [*buttons, button] if button else buttons


class ProductEditView(StockButtonMixin, EditView):
    pass


class ProductInspectView(StockButtonMixin, InspectView):
    pass


class ProductViewSet(CooperativeScopedSnippetViewSet):
    model = Product
    icon = "pick"
    menu_label = _("Sản phẩm")
    base_form_class = ProductAdminForm
    index_view_class = import_admin.with_import_buttons(ProductIndexView)
    edit_view_class = ProductEditView
    inspect_view_class = ProductInspectView
    inspect_view_enabled = True
    folded_search_field = "search_text"
    list_select_related = ("cooperative", "category", "category__parent")
    list_per_page = 50
    list_display = [
        "name",
        "cooperative",
        "category",
        NumberColumn("price", label=_("Giá (đồng)"), sort_key="price"),
        NumberColumn("stock", label=_("Tồn kho"), sort_key="stock"),
        Column("get_unit_display", label=_("Đơn vị")),
        UpdatedAtColumn(label=_("Cập nhật")),
    ]
    filterset_class = ProductFilterSet
    list_export = [
        "name",
        "slug",
        "cooperative",
        "category",
        "price",
        "get_unit_display",
        "stock",
        "min_order_quantity",
        "ocop_stars",
        "gtin",
        "live",
    ]
    export_headings = {
        "name": _("Tên sản phẩm"),
        "slug": _("Đường dẫn"),
        "cooperative": _("Hợp tác xã"),
        "category": _("Danh mục"),
        "price": _("Giá (đồng)"),
        "get_unit_display": _("Đơn vị"),
        "stock": _("Tồn kho"),
        "min_order_quantity": _("Đặt tối thiểu"),
        "ocop_stars": _("Hạng OCOP"),
        "gtin": _("GTIN"),
        "live": _("Đang bán"),
    }
    export_filename = "san-pham"
    inspect_view_fields = [
        "name",
        "cooperative",
        "category",
        "summary",
        "description",
        "unit",
        "price",
        "stock",
        "min_order_quantity",
        "certifications",
        "ocop_stars",
        "gtin",
        "live",
    ]
    panels = [
        FieldPanel("cooperative"),
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("category"),
                FieldPanel("summary"),
                FieldPanel("description"),
            ],
            heading=_("Mô tả sản phẩm"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price"), FieldPanel("unit")]),
                FieldPanel("min_order_quantity"),
                # Stock is moved by orders while a draft is open; a published
                # revision must not overwrite it, so it has its own page.
                HelpPanel(
                    content=_(
                        "Tồn kho không sửa trong trang này: dùng nút “Điều chỉnh "
                        "tồn kho” trong danh sách sản phẩm."
                    )
                ),
                FieldPanel("season_months"),
            ],
            heading=_("Giá và mùa vụ"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("certifications", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("ocop_stars"), FieldPanel("gtin")]),
            ],
            heading=_("Chứng nhận và mã vạch"),
        ),
        InlinePanel(
            "images",
            label=_("Ảnh sản phẩm"),
            panels=[
                FieldPanel("image"),
                FieldPanel("alt_text"),
                FieldPanel("caption"),
            ],
        ),
    ]


class CategoryViewSet(CooperativeScopedSnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Danh mục")
    chooser_register_widget = False  # product forms use a plain two-level select
    list_select_related = ("parent",)
    search_fields = ["name", "slug"]
    search_backend_name = None
    ordering = ["sort_order", "name"]
    list_display = [
        "__str__",
        "slug",
        NumberColumn("sort_order", label=_("Thứ tự"), sort_key="sort_order"),
    ]
    list_filter = ["parent"]
    list_export = ["name", "slug", "parent", "sort_order", "description"]
    export_filename = "danh-muc"
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]


class MarketViewSetGroup(SnippetViewSetGroup):
    items = (ProductViewSet, CategoryViewSet)
    menu_icon = "pick"
    menu_label = _("Chợ nông sản")
    menu_name = "market"
    menu_order = 210


register_snippet(MarketViewSetGroup)
