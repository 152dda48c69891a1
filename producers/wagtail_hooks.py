"""Admin for cooperatives, growing areas and certifications (cooperative tenancy)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    NumberColumn,
    StatusTagColumn,
)
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import places, trace_admin
from .admin_views import (
    CooperativeOwnedForm,
    CooperativeScopedDeleteBulkAction,
    CooperativeScopedSnippetViewSet,
    GuardedDeleteView,
    cooperative_filter,
    out_of_reach_hidden,
    register_deletion_guard,
)
from .api_token_admin import ApiTokenViewSet
from .models import (
    BusinessStep,
    Certification,
    Cooperative,
    CooperativeLogEntry,
    Disposition,
    GrowingArea,
    Lot,
    MemberFarmer,
    TraceEvent,
)
from .permissions import (
    VERIFY,
    AppendOnlyPermissionPolicy,
    CooperativeOwnedPermissionPolicy,
)

# Registered before anything asks Wagtail for these models' policies.
register_permission_policy(
    Cooperative, CooperativeOwnedPermissionPolicy(Cooperative, "pk"), exact_class=True
)
register_permission_policy(
    GrowingArea, CooperativeOwnedPermissionPolicy(GrowingArea), exact_class=True
)
register_permission_policy(
    Certification, CooperativeOwnedPermissionPolicy(Certification), exact_class=True
)
register_permission_policy(
    MemberFarmer, CooperativeOwnedPermissionPolicy(MemberFarmer), exact_class=True
)
register_permission_policy(Lot, CooperativeOwnedPermissionPolicy(Lot), exact_class=True)
# Events are added (through record_event) and read, never changed nor deleted.
register_permission_policy(
    TraceEvent,
    AppendOnlyPermissionPolicy(TraceEvent, "lot__cooperative"),
    exact_class=True,
)
register_deletion_guard(Lot, trace_admin.lot_deletion_refusal)


@hooks.register("register_log_actions")
def register_cooperative_log_model(actions):
    for model in (Cooperative, GrowingArea, Certification, MemberFarmer, Lot):
        actions.register_model(model, CooperativeLogEntry)


# Registered after Wagtail's own bulk actions (order 0), so these replace them: for
# the cooperative-owned snippets, and for images and documents (whose tenancy is the
# cooperative's collection).
hooks.register("register_bulk_action", CooperativeScopedDeleteBulkAction, order=10)
for _action in (
    image_bulk_actions.AddTagsBulkAction,
    image_bulk_actions.AddToCollectionBulkAction,
    image_bulk_actions.DeleteBulkAction,
    document_bulk_actions.AddTagsBulkAction,
    document_bulk_actions.AddToCollectionBulkAction,
    document_bulk_actions.DeleteBulkAction,
):
    hooks.register("register_bulk_action", out_of_reach_hidden(_action), order=10)


def _commune_field(province_code, field):
    choices = [("", "---------"), *places.commune_choices(province_code or 40)]
    return forms.TypedChoiceField(
        label=field.label,
        help_text=field.help_text,
        required=False,
        choices=choices,
        coerce=int,
        empty_value=None,
    )


class CooperativeAdminForm(CooperativeOwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "province_code" in self.fields:
            field = self.fields["province_code"]
            self.fields["province_code"] = forms.TypedChoiceField(
                label=field.label,
                choices=places.province_choices(),
                coerce=int,
                initial=40,
            )
        if "commune_code" in self.fields:
            self.fields["commune_code"] = _commune_field(
                self._province(), self.fields["commune_code"]
            )

    def _province(self) -> int:
        """The province whose communes to offer: the one posted, else the saved one."""
        if self.is_bound:
            try:
                return int(self.data.get(self.add_prefix("province_code")))
            except (TypeError, ValueError):
                pass
        return self.instance.province_code or 40


class GrowingAreaAdminForm(CooperativeOwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "commune_code" in self.fields:
            cooperative = getattr(self.instance, "cooperative", None)
            province = cooperative.province_code if cooperative else 40
            self.fields["commune_code"] = _commune_field(
                province, self.fields["commune_code"]
            )


class CooperativeFilterSet(WagtailFilterSet):
    province_code = django_filters.TypedChoiceFilter(
        label=_("Tỉnh/thành"), choices=places.province_choices, coerce=int
    )
    is_verified = django_filters.BooleanFilter(label=_("Đã xác minh"))

    class Meta:
        model = Cooperative
        fields = ["province_code", "is_verified"]


class CooperativeViewSet(CooperativeScopedSnippetViewSet):
    model = Cooperative
    icon = "group"
    menu_label = _("Hợp tác xã")
    add_to_admin_menu = False
    chooser_register_widget = False  # forms use a select limited to your cooperatives
    base_form_class = CooperativeAdminForm
    copy_view_enabled = False  # a copy would share the original's image collection
    inspect_view_enabled = True
    folded_search_field = "search_text"
    list_per_page = 50
    list_display = [
        "name",
        Column("commune_name", label=_("Xã/phường")),
        Column("province_name", label=_("Tỉnh/thành")),
        "phone",
        BooleanColumn("is_verified", label=_("Đã xác minh"), sort_key="is_verified"),
        DateColumn("updated_at", label=_("Cập nhật"), sort_key="updated_at"),
    ]
    filterset_class = CooperativeFilterSet
    list_export = [
        "name",
        "slug",
        "street",
        "commune_name",
        "province_name",
        "phone",
        "email",
        "website",
        "founded_year",
        "member_count",
        "is_verified",
    ]
    export_headings = {
        "name": _("Tên"),
        "slug": _("Đường dẫn"),
        "street": _("Địa chỉ"),
        "commune_name": _("Xã/phường"),
        "province_name": _("Tỉnh/thành"),
        "phone": _("Điện thoại"),
        "email": _("Email"),
        "website": _("Website"),
        "founded_year": _("Năm thành lập"),
        "member_count": _("Số thành viên"),
        "is_verified": _("Đã xác minh"),
    }
    export_filename = "hop-tac-xa"
    inspect_view_fields = [
        "name",
        "slug",
        "story",
        "logo",
        "street",
        "commune_name",
        "province_name",
        "phone",
        "email",
        "website",
        "founded_year",
        "member_count",
        "latitude",
        "longitude",
        "is_verified",
    ]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("logo")],
            heading=_("Tên và logo"),
        ),
        FieldPanel("story"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel(
                    [FieldPanel("commune_code"), FieldPanel("province_code")]
                ),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Địa chỉ"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("website"),
                FieldRowPanel([FieldPanel("founded_year"), FieldPanel("member_count")]),
            ],
            heading=_("Liên hệ"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("offers_pickup"), FieldPanel("offers_delivery")]
                ),
                FieldRowPanel(
                    [FieldPanel("delivery_fee"), FieldPanel("free_delivery_from")]
                ),
                FieldPanel("orders_email"),
            ],
            heading=_("Bán hàng và giao hàng"),
        ),
        # Only district staff may verify; for others the field is left out of the
        # form entirely, so a forged POST cannot set it either.
        FieldPanel("is_verified", permission=VERIFY),
        InlinePanel(
            "photos",
            label=_("Ảnh"),
            panels=[
                FieldPanel("image"),
                FieldPanel("alt_text"),
                FieldPanel("caption"),
            ],
        ),
    ]


class GrowingAreaFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()

    class Meta:
        model = GrowingArea
        fields = ["cooperative"]


class GrowingAreaViewSet(CooperativeScopedSnippetViewSet):
    model = GrowingArea
    icon = "site"
    menu_label = _("Vùng trồng")
    base_form_class = GrowingAreaAdminForm
    inspect_view_enabled = True
    list_select_related = ("cooperative",)
    search_fields = ["name", "area_code", "crops"]
    search_backend_name = None
    list_display = [
        "name",
        "area_code",
        "cooperative",
        Column("commune_name", label=_("Xã/phường")),
        "hectares",
        "crops",
    ]
    filterset_class = GrowingAreaFilterSet
    list_export = [
        "name",
        "area_code",
        "cooperative",
        "commune_name",
        "latitude",
        "longitude",
        "hectares",
        "crops",
    ]
    export_headings = {
        "name": _("Tên vùng"),
        "area_code": _("Mã số vùng trồng"),
        "cooperative": _("Hợp tác xã"),
        "commune_name": _("Xã/phường"),
        "latitude": _("Vĩ độ"),
        "longitude": _("Kinh độ"),
        "hectares": _("Diện tích (ha)"),
        "crops": _("Cây trồng, vật nuôi"),
    }
    export_filename = "vung-trong"
    panels = [
        FieldPanel("cooperative"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("area_code")]),
        FieldPanel("commune_code"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldRowPanel([FieldPanel("hectares"), FieldPanel("crops")]),
    ]


class CertificationFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()
    kind = django_filters.ChoiceFilter(
        label=_("Loại"), choices=Certification.Kind.choices
    )
    validity = django_filters.ChoiceFilter(
        label=_("Hiệu lực"),
        choices=[("valid", _("Còn hiệu lực")), ("expired", _("Đã hết hạn"))],
        method="filter_validity",
    )

    class Meta:
        model = Certification
        fields = ["cooperative", "kind"]

    def filter_validity(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expired":
            return queryset.filter(expires_on__lt=today)
        if value == "valid":
            return queryset.filter(issued_on__lte=today).filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today)
            )
        return queryset


def _validity_label(certification):
    today = timezone.localdate()
    if certification.is_valid_on(today):
        return _("Còn hiệu lực")
    if certification.issued_on > today:
        return _("Chưa hiệu lực")
    return _("Đã hết hạn")


class CertificationViewSet(CooperativeScopedSnippetViewSet):
    model = Certification
    icon = "success"
    menu_label = _("Chứng nhận")
    inspect_view_enabled = True
    list_select_related = ("cooperative",)
    search_fields = ["number", "name", "issuer", "scope"]
    search_backend_name = None
    list_display = [
        "__str__",
        "cooperative",
        "kind",
        DateColumn("issued_on", label=_("Ngày cấp"), sort_key="issued_on"),
        DateColumn("expires_on", label=_("Ngày hết hạn"), sort_key="expires_on"),
        StatusTagColumn(
            "validity",
            label=_("Hiệu lực"),
            accessor=_validity_label,
            primary=lambda c: c.is_valid_today,
        ),
    ]
    filterset_class = CertificationFilterSet
    list_export = [
        "cooperative",
        "label",
        "number",
        "issuer",
        "issued_on",
        "expires_on",
        "scope",
        "is_valid_today",
    ]
    export_headings = {
        "cooperative": _("Hợp tác xã"),
        "label": _("Chứng nhận"),
        "number": _("Số hiệu"),
        "issuer": _("Cơ quan cấp"),
        "issued_on": _("Ngày cấp"),
        "expires_on": _("Ngày hết hạn"),
        "scope": _("Phạm vi"),
        "is_valid_today": _("Còn hiệu lực"),
    }
    export_filename = "chung-nhan"
    panels = [
        FieldPanel("cooperative"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("ocop_stars")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("number"), FieldPanel("issuer")]),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("expires_on")]),
        FieldPanel("scope"),
        FieldPanel("evidence"),
    ]


class ProducersViewSetGroup(SnippetViewSetGroup):
    items = (
        CooperativeViewSet,
        GrowingAreaViewSet,
        CertificationViewSet,
        ApiTokenViewSet,
    )
    menu_icon = "group"
    menu_label = _("Hợp tác xã")
    menu_name = "cooperatives"
    menu_order = 200


register_snippet(ProducersViewSetGroup)


# --- Traceability -----------------------------------------------------------------


class MemberFarmerFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()

    class Meta:
        model = MemberFarmer
        fields = ["cooperative"]


class MemberFarmerViewSet(CooperativeScopedSnippetViewSet):
    model = MemberFarmer
    icon = "user"
    menu_label = _("Hộ thành viên")
    inspect_view_enabled = True
    copy_view_enabled = False
    chooser_register_widget = False
    list_select_related = ("cooperative",)
    search_fields = ["name", "hamlet"]
    search_backend_name = None
    list_display = ["name", "hamlet", "cooperative"]
    filterset_class = MemberFarmerFilterSet
    list_export = ["name", "hamlet", "cooperative"]
    export_headings = {
        "name": _("Họ tên"),
        "hamlet": _("Thôn, xóm"),
        "cooperative": _("Hợp tác xã"),
    }
    export_filename = "ho-thanh-vien"
    panels = [
        FieldPanel("cooperative"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("hamlet")]),
    ]


class LotFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Lot.Status.choices
    )
    harvest_date = django_filters.DateFromToRangeFilter(label=_("Ngày thu hoạch"))

    class Meta:
        model = Lot
        fields = ["cooperative", "status", "harvest_date"]


def _short_hash(lot):
    return lot.head_hash[:12] if lot.head_hash else "—"


class LotViewSet(CooperativeScopedSnippetViewSet):
    model = Lot
    icon = "tag"
    menu_label = _("Lô hàng")
    base_form_class = trace_admin.LotAdminForm
    index_view_class = trace_admin.LotIndexView
    inspect_view_class = trace_admin.LotInspectView
    delete_view_class = GuardedDeleteView
    inspect_template_name = "producers/admin/lot_inspect.html"
    delete_template_name = "producers/admin/confirm_delete.html"
    inspect_view_enabled = True
    # A copy would carry over the public id and the printed GTIN of the original.
    copy_view_enabled = False
    chooser_register_widget = False  # product forms: a select of your own lots
    list_select_related = ("cooperative",)
    list_per_page = 50
    search_fields = ["code", "product_name"]
    search_backend_name = None
    list_display = [
        "code",
        "product_name",
        "cooperative",
        StatusTagColumn(
            "status",
            label=_("Trạng thái"),
            accessor="get_status_display",
            primary=lambda lot: lot.status == Lot.Status.ACTIVE,
            sort_key="status",
        ),
        DateColumn("harvest_date", label=_("Ngày thu hoạch"), sort_key="harvest_date"),
        Column("head_hash", label=_("Mã băm cuối chuỗi"), accessor=_short_hash),
        NumberColumn("scan_count", label=_("Lượt quét"), sort_key="scan_count"),
    ]
    filterset_class = LotFilterSet
    list_export = [
        "code",
        "product_name",
        "cooperative",
        "gtin",
        "public_id",
        "harvest_date",
        "quantity",
        "unit",
        "get_status_display",
        "recall_reason",
        "head_hash",
        "scan_count",
    ]
    export_headings = {
        "code": _("Mã lô"),
        "product_name": _("Tên sản phẩm"),
        "cooperative": _("Hợp tác xã"),
        "gtin": _("GTIN"),
        "public_id": _("Mã tra cứu"),
        "harvest_date": _("Ngày thu hoạch"),
        "quantity": _("Số lượng"),
        "unit": _("Đơn vị"),
        "get_status_display": _("Trạng thái"),
        "recall_reason": _("Lý do thu hồi"),
        "head_hash": _("Mã băm cuối chuỗi"),
        "scan_count": _("Lượt quét"),
    }
    export_filename = "lo-hang"
    inspect_view_fields = [
        "code",
        "product_name",
        "cooperative",
        "gtin",
        "public_url",
        "growing_area",
        "harvest_date",
        "quantity",
        "unit",
        "farmers",
        "status",
        "recall_reason",
        "recalled_at",
        "head_hash",
        "scan_count",
        "created_at",
    ]
    panels = [
        FieldPanel("cooperative"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("gtin", read_only=True)]),
        FieldPanel("product_name"),
        FieldPanel("growing_area"),
        FieldRowPanel(
            [FieldPanel("harvest_date"), FieldPanel("quantity"), FieldPanel("unit")]
        ),
        FieldPanel("farmers"),
        FieldPanel("status"),
    ]


class TraceEventFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter("lot__cooperative")
    biz_step = django_filters.ChoiceFilter(
        label=_("Công đoạn"), choices=BusinessStep.choices
    )
    disposition = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Disposition.choices
    )
    event_time = django_filters.DateFromToRangeFilter(label=_("Thời điểm"))

    class Meta:
        model = TraceEvent
        fields = ["cooperative", "biz_step", "disposition", "event_time"]


class TraceEventViewSet(CooperativeScopedSnippetViewSet):
    """Events, read-only: a list and one page per event; no add, edit or delete.

    New events come from the "record an event" form (the listing's add button
    leads there); corrections are new events.
    """

    model = TraceEvent
    icon = "list-ul"
    menu_label = _("Nhật ký sự kiện")
    index_view_class = trace_admin.TraceEventIndexView
    inspect_view_class = trace_admin.TraceEventInspectView
    inspect_template_name = "producers/admin/event_inspect.html"
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    chooser_register_widget = False
    list_select_related = ("lot", "lot__cooperative", "recorded_by")
    list_per_page = 50
    search_fields = ["lot__code", "lot__product_name", "notes"]
    search_backend_name = None
    list_display = [
        "__str__",
        Column("cooperative", label=_("Hợp tác xã"), accessor="lot.cooperative"),
        "biz_step",
        "disposition",
        DateColumn(
            "event_time",
            label=_("Thời điểm"),
            sort_key="event_time",
            accessor="event_time",
        ),
        Column("recorded_by", label=_("Người ghi"), accessor="recorded_by"),
        Column(
            "chain_hash",
            label=_("Mã băm chuỗi"),
            accessor=lambda event: event.chain_hash[:12],
        ),
    ]
    filterset_class = TraceEventFilterSet
    list_export = [
        "lot",
        "sequence",
        "event_type",
        "biz_step",
        "disposition",
        "event_time",
        "record_time",
        "quantity",
        "unit",
        "notes",
        "content_hash",
        "chain_hash",
    ]
    export_headings = {
        "lot": _("Lô"),
        "sequence": _("Số thứ tự"),
        "event_type": _("Loại sự kiện"),
        "biz_step": _("Công đoạn"),
        "disposition": _("Tình trạng"),
        "event_time": _("Thời điểm"),
        "record_time": _("Thời điểm ghi"),
        "quantity": _("Số lượng"),
        "unit": _("Đơn vị"),
        "notes": _("Ghi chú"),
        "content_hash": _("Mã băm nội dung"),
        "chain_hash": _("Mã băm chuỗi"),
    }
    export_filename = "su-kien-truy-xuat"
    inspect_view_fields = [
        "lot",
        "sequence",
        "event_type",
        "biz_step",
        "disposition",
        "event_time",
        "event_time_zone_offset",
        "record_time",
        "growing_area",
        "location",
        "quantity",
        "unit",
        "details",
        "notes",
        "corrects",
        "recorded_by",
        "content_hash",
        "previous_hash",
        "chain_hash",
    ]
    # Only these views exist: an event has no add, edit, copy, delete, usage or
    # history page (Wagtail's URLs for them are not registered at all).
    read_only_views = {"list", "list_results", "inspect"}

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in self.read_only_views
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": trace_admin.RECORD_URL_NAME,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    @property
    def url_finder_class(self):
        return trace_admin.TraceEventURLFinder


class TraceabilityViewSetGroup(SnippetViewSetGroup):
    items = (
        trace_admin.RecordEventViewSet,
        LotViewSet,
        TraceEventViewSet,
        trace_admin.PoolLotsViewSet,
        trace_admin.LabelsViewSet,
        MemberFarmerViewSet,
    )
    menu_icon = "tag"
    menu_label = _("Truy xuất")
    menu_name = "traceability"
    menu_order = 210


register_snippet(TraceabilityViewSetGroup)


@hooks.register("register_admin_viewset")
def register_recall_viewset():
    return trace_admin.RecallLotViewSet()
