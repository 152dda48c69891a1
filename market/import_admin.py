"""Product imports in the Wagtail admin: export, upload, preview, confirm.

The pages are thin: reading, checking and applying a file live in
`market.product_import`, which the `import_products` command uses too. An
editor imports into, exports from and previews only their own cooperative's
uploads; another cooperative's upload named in a URL is a 404.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permissions import policy_registry, register_permission_policy

from producers.models import Cooperative
from producers.permissions import (
    CooperativeOwnedPermissionPolicy,
    scope_queryset,
    sees_all_cooperatives,
)

from . import product_import, spreadsheets
from .models import Product, ProductImport
from .order_admin import PRODUCT_LIST_URL_NAME, AdminPage

register_permission_policy(
    ProductImport, CooperativeOwnedPermissionPolicy(ProductImport), exact_class=True
)

INDEX_URL_NAME = "market_product_import:index"
PREVIEW_URL_NAME = "market_product_import:preview"
EXPORT_URL_NAME = "market_product_import:export"
# Importing creates, changes and publishes products.
IMPORT_ACTIONS = ("add", "change", "publish")
EXPORT_ACTIONS = ("add", "change", "publish", "view")


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action(product_import.LOG_ACTION)
    class ProductsImported(LogFormatter):
        label = _("Nhập sản phẩm từ tệp")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if "file_name" not in data:
                return gettext("Cập nhật từ tệp nhập sản phẩm")
            return gettext(
                "Nhập tệp %(file)s: %(new)s mới, %(changed)s thay đổi, "
                "%(unchanged)s không đổi"
            ) % {
                "file": data["file_name"],
                "new": data.get("new", 0),
                "changed": data.get("changed", 0),
                "unchanged": data.get("unchanged", 0),
            }


def may_import(user) -> bool:
    policy = policy_registry.get_by_type(Product)
    return all(policy.user_has_permission(user, action) for action in IMPORT_ACTIONS)


def _require_import(user) -> None:
    if not may_import(user):
        raise PermissionDenied


def _cooperatives(user):
    return scope_queryset(user, Cooperative.objects.all()).order_by("name")


def _own_cooperative(user) -> Cooperative | None:
    """The one cooperative an editor manages (None for staff or several)."""
    if sees_all_cooperatives(user):
        return None
    cooperatives = list(_cooperatives(user)[:2])
    return cooperatives[0] if len(cooperatives) == 1 else None


def export_url(cooperative: Cooperative, file_format: str) -> str:
    query = urlencode({"cooperative": cooperative.pk, "format": file_format})
    return f"{reverse(EXPORT_URL_NAME)}?{query}"


class ImportButtonsMixin:
    """The product listing's header offers importing and exporting for import."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.request.user
        if not may_import(user):
            return buttons
        buttons.append(
            Button(
                gettext("Nhập từ tệp"),
                url=reverse(INDEX_URL_NAME),
                icon_name="upload",
                priority=60,
            )
        )
        own = _own_cooperative(user)
        exports = (
            [
                (gettext("Xuất để nhập (CSV)"), export_url(own, "csv")),
                (gettext("Xuất để nhập (Excel)"), export_url(own, "xlsx")),
            ]
            if own
            else [(gettext("Xuất để nhập"), reverse(INDEX_URL_NAME) + "#xuat")]
        )
        for offset, (label, url) in enumerate(exports, start=1):
            buttons.append(
                Button(label, url=url, icon_name="download", priority=60 + offset)
            )
        return buttons


def with_import_buttons(index_view_class):
    """`index_view_class` with the import and export header buttons."""
    return type(index_view_class.__name__, (ImportButtonsMixin, index_view_class), {})


class UploadForm(forms.Form):
    cooperative = forms.ModelChoiceField(
        label=_("Hợp tác xã"),
        queryset=Cooperative.objects.none(),
        error_messages={"invalid_choice": _("Chọn một hợp tác xã bạn quản lý.")},
    )
    file = forms.FileField(
        label=_("Tệp sản phẩm"),
        help_text=_(
            "CSV (UTF-8) hoặc Excel (.xlsx), tối đa 5 MB và 20.000 dòng. Dễ nhất: "
            "xuất danh sách hiện có, sửa trong Excel, rồi tải lên."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": _("Chọn tệp CSV hoặc Excel để tải lên."),
            "empty": _("Tệp trống."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cooperative"]
        field.queryset = _cooperatives(user)
        self.own_cooperative = _own_cooperative(user)
        if self.own_cooperative is not None:
            # Shown as text; a posted id of another cooperative is still refused.
            field.initial = self.own_cooperative.pk
            field.widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > product_import.MAX_UPLOAD_BYTES:
            raise ValidationError(_("Tệp lớn hơn 5 MB: hãy chia thành nhiều tệp."))
        try:
            product_import.file_format_for(upload.name)
        except product_import.ImportFileError as error:
            raise ValidationError(error.message) from error
        return upload


class ImportIndexView(AdminPage, FormView):
    """Upload a file (and export the current list to start from)."""

    template_name = "market/admin/import_index.html"
    form_class = UploadForm
    page_title = _("Nhập sản phẩm từ tệp")
    header_icon = "upload"
    recent_count = 10

    def dispatch(self, request, *args, **kwargs):
        _require_import(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_parent_crumbs(self):
        return [{"url": reverse(PRODUCT_LIST_URL_NAME), "label": gettext("Sản phẩm")}]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        cooperative = self.request.GET.get("cooperative", "")
        if cooperative.isdigit():
            kwargs.setdefault("initial", {})["cooperative"] = int(cooperative)
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            created, _plan = product_import.preview_import(
                form.cleaned_data["cooperative"],
                file_name=upload.name,
                data=upload.read(),
                user=self.request.user,
            )
        except product_import.ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse(PREVIEW_URL_NAME, args=(created.pk,)))

    def get_context_data(self, **kwargs):
        user = self.request.user
        recent = scope_queryset(
            user, ProductImport.objects.select_related("cooperative", "created_by")
        ).defer("data")[: self.recent_count]
        cooperatives = list(_cooperatives(user))
        return {
            **super().get_context_data(**kwargs),
            "recent": recent,
            "exports": [
                {
                    "cooperative": cooperative,
                    "csv": export_url(cooperative, "csv"),
                    "xlsx": export_url(cooperative, "xlsx"),
                }
                for cooperative in cooperatives
            ],
            "columns": product_import.COLUMNS,
            "max_rows": product_import.MAX_ROWS,
        }


class ImportPreviewView(AdminPage, TemplateView):
    """What an upload would do, row by row; confirming applies it whole."""

    template_name = "market/admin/import_preview.html"
    page_title = _("Xem trước khi nhập")
    header_icon = "upload"
    rows_per_page = 100

    def dispatch(self, request, *args, pk, **kwargs):
        _require_import(request.user)
        # Another cooperative's upload does not exist for an editor.
        self.product_import = get_object_or_404(
            scope_queryset(
                request.user, ProductImport.objects.select_related("cooperative")
            ),
            pk=pk,
        )
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_subtitle(self):
        return self.product_import.file_name

    def get_parent_crumbs(self):
        return [
            {"url": reverse(PRODUCT_LIST_URL_NAME), "label": gettext("Sản phẩm")},
            {"url": reverse(INDEX_URL_NAME), "label": gettext("Nhập từ tệp")},
        ]

    @cached_property
    def plan(self) -> product_import.Plan | None:
        """The upload checked against the catalogue as it is now (None once applied)."""
        upload = self.product_import
        if upload.status == ProductImport.Status.APPLIED:
            return None
        try:
            plan = product_import.replan(upload)
        except product_import.ImportFileError as error:
            # Stored before a limit was lowered: shown, never applied.
            self.file_error = error.message
            return None
        if plan.digest != upload.plan_digest:
            # The catalogue moved since the upload: this is the plan now shown,
            # and the one a confirmation must match.
            product_import.record_plan(upload, plan)
            upload.save(
                update_fields=[
                    "new_count",
                    "changed_count",
                    "unchanged_count",
                    "error_count",
                    "plan_digest",
                ]
            )
        return plan

    def post(self, request, *args, **kwargs):
        try:
            plan = product_import.apply_import(
                self.product_import,
                user=request.user,
                digest=request.POST.get("digest", "")[:64],
            )
        except product_import.ImportRefused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(request.path)
        messages.success(request, product_import.summary_message(plan))
        query = urlencode({"cooperative": self.product_import.cooperative_id})
        return HttpResponseRedirect(f"{reverse(PRODUCT_LIST_URL_NAME)}?{query}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload, plan = self.product_import, self.plan
        context.update(
            product_import=upload,
            plan=plan,
            file_error=getattr(self, "file_error", None),
        )
        if plan is None:
            return context
        counts = plan.counts
        status = self.request.GET.get("status", "")
        if status not in counts:
            status = product_import.RowStatus.ERROR if plan.has_errors else ""
        rows = [r for r in plan.rows if not status or r.status == status]
        page = Paginator(rows, self.rows_per_page).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            status=status,
            tabs=[
                {
                    "status": "",
                    "label": gettext("Tất cả"),
                    "count": len(plan.rows),
                },
                *(
                    {"status": key, "label": label, "count": counts[key]}
                    for key, label in product_import.RowStatus.LABELS.items()
                ),
            ],
            counts=counts,
            errors=counts[product_import.RowStatus.ERROR],
            to_write=counts[product_import.RowStatus.NEW]
            + counts[product_import.RowStatus.CHANGED],
            upload_again_url=(
                f"{reverse(INDEX_URL_NAME)}?cooperative={upload.cooperative_id}"
            ),
        )
        return context


class ProductExportView(View):
    """A cooperative's products as CSV or XLSX in the import format."""

    def get(self, request):
        policy = policy_registry.get_by_type(Product)
        if not policy.user_has_any_permission(request.user, EXPORT_ACTIONS):
            raise PermissionDenied
        file_format = request.GET.get("format", "csv")
        if file_format not in ProductImport.Format.values:
            raise Http404
        cooperative = self._cooperative(request)
        if cooperative is None:
            messages.error(request, gettext("Chọn hợp tác xã để xuất danh sách."))
            return HttpResponseRedirect(reverse(INDEX_URL_NAME) + "#xuat")
        if file_format == ProductImport.Format.CSV:
            body = product_import.export_csv(cooperative)
            content_type = spreadsheets.CSV_CONTENT_TYPE
        else:
            body = product_import.export_xlsx(cooperative)
            content_type = spreadsheets.XLSX_CONTENT_TYPE
        response = HttpResponse(body, content_type=content_type)
        today = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="san-pham-{cooperative.slug}-{today}.{file_format}"'
        )
        return response

    def _cooperative(self, request) -> Cooperative | None:
        chosen = request.GET.get("cooperative", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            # Another cooperative's list does not exist for an editor.
            return get_object_or_404(_cooperatives(request.user), pk=chosen)
        return _own_cooperative(request.user)


class ProductImportViewSet(ViewSet):
    """No menu entry: reached from the product listing's header."""

    name = "market_product_import"
    url_prefix = "cho/nhap-san-pham"
    icon = "upload"

    def get_urlpatterns(self):
        return [
            path("", ImportIndexView.as_view(), name="index"),
            path("<int:pk>/", ImportPreviewView.as_view(), name="preview"),
            path("xuat/", ProductExportView.as_view(), name="export"),
        ]


def viewsets() -> list:
    return [ProductImportViewSet()]
