"""Admin for cooperatives, growing areas and certifications (cooperative tenancy)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import places
from .admin_views import (
    CooperativeOwnedForm,
    CooperativeScopedDeleteBulkAction,
    CooperativeScopedSnippetViewSet,
    out_of_reach_hidden,
)
from .models import (
    Certification,
    Cooperative,
    CooperativeLogEntry,
    GrowingArea,
)
from .permissions import VERIFY, CooperativeOwnedPermissionPolicy

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


@hooks.register("register_log_actions")
def register_cooperative_log_model(actions):
    for model in (Cooperative, GrowingArea, Certification):
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


def _user_cooperatives(request):
    if request is None:
        return Cooperative.objects.none()
    return Cooperative.objects.for_user(request.user)


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
        # Only district staff may verify; for others the field is left out of the
        # form entirely, so a forged POST cannot set it either.
        FieldPanel("is_verified", permission=VERIFY),
        InlinePanel(
            "photos",
            label=_("Ảnh"),
            panels=[FieldPanel("image"), FieldPanel("caption")],
        ),
    ]


class GrowingAreaFilterSet(WagtailFilterSet):
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"), queryset=_user_cooperatives
    )

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
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"), queryset=_user_cooperatives
    )
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
    items = (CooperativeViewSet, GrowingAreaViewSet, CertificationViewSet)
    menu_icon = "group"
    menu_label = _("Hợp tác xã")
    menu_name = "cooperatives"
    menu_order = 200


register_snippet(ProducersViewSetGroup)
