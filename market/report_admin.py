"""Reports in the Wagtail admin: the district dashboard and cooperatives' reports.

- "Tổng quan huyện" (district staff only): every cooperative's sales in a period,
  the catalogue's OCOP and certified shares, certificates about to expire.
- "Báo cáo hợp tác xã": one cooperative's sales, best sellers, orders, low stock
  and settlement balance; an editor sees only their own cooperatives' (another
  cooperative's is a 404), staff any.

Both take the same period form and export any of their tables as CSV or XLSX
(`?export=csv&table=<name>`). The figures come from `market.reports`, the charts
from `market.charts`; the views only choose the period and who may look.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.permissions import policy_registry

from producers.admin_views import PermissionMenuViewSet
from producers.permissions import sees_all_cooperatives

from . import charts, reports, settlement
from .models import Fulfilment, LedgerEntry
from .money import format_number, format_percent, format_vnd
from .order_admin import (
    LEDGER_STATEMENT_URL_NAME,
    AdminPage,
    _cooperatives_for,
    _require,
)

# Dates outside these are typing mistakes, and would overflow date arithmetic.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# A month table of ten years is still readable; longer periods are refused.
LONGEST_DAYS = 3660

REPORT_PERMISSION = (Fulfilment, ("view", "change"))


class ReportPeriodForm(forms.Form):
    """A preset period, or a from-to range of days (both included)."""

    preset = forms.ChoiceField(
        label=_("Khoảng thời gian"),
        required=False,
        choices=[("", _("Chọn ngày…")), *reports.PRESETS.items()],
    )
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
            if (end - start).days > LONGEST_DAYS:
                raise ValidationError(_("Chọn khoảng thời gian tối đa 10 năm."))
        return cleaned

    def period(self, today: datetime.date) -> reports.Period:
        """The chosen period; the last 12 months when none (or a bad one) is given."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("preset"):
            return reports.preset_period(data["preset"], today)
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            end = end or max(start, today)
            start = start or max(EARLIEST, end - datetime.timedelta(days=364))
            return reports.Period(start, end)
        return reports.preset_period(reports.DEFAULT_PRESET, today)


def cell_text(column: reports.Column, value) -> str:
    """A table cell as Vietnamese readers write it."""
    if value is None:
        return ""
    if column.kind == "vnd":
        return format_vnd(value)
    if column.kind == "int":
        return format_number(value)
    if column.kind == "percent":
        return format_percent(value)
    if column.kind == "date":
        return value.strftime("%d/%m/%Y")
    return str(value)


class ReportView(AdminPage, TemplateView):
    """A report page over a period, whose tables export as CSV or XLSX."""

    header_icon = "table"
    export_prefix = "bao-cao"

    def get(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        self.form = ReportPeriodForm(self._period_params() or None)
        self.report = self.build_report(self.form.period(self.today))
        if "export" in request.GET:
            return self.export(request.GET["export"], request.GET.get("table", ""))
        return super().get(request, *args, **kwargs)

    def build_report(self, period: reports.Period) -> reports.Report:
        raise NotImplementedError

    def figures(self) -> list[tuple[str, str]]:
        """The summary cards: (label, value) pairs."""
        summary = self.report.summary
        return [
            (gettext("Doanh số (GMV)"), format_vnd(summary.gmv)),
            (gettext("Đơn hàng"), format_number(summary.orders)),
            (gettext("Người mua"), format_number(summary.buyers)),
            (gettext("Giá trị trung bình một đơn"), format_vnd(summary.average_order)),
            (gettext("Đơn vị đã bán"), format_number(summary.units)),
            (
                gettext("Truy xuất nguồn gốc đầy đủ"),
                format_percent(summary.traced_percent),
            ),
        ]

    def _period_params(self):
        params = self.request.GET.copy()
        for name in ("export", "table"):
            params.pop(name, None)
        return params

    def export(self, kind: str, name: str) -> HttpResponse:
        if kind not in reports.EXPORT_FORMATS or name not in self.report.tables:
            raise Http404
        content_type, write = reports.EXPORT_FORMATS[kind]
        period = self.report.period
        response = HttpResponse(
            write(self.report.tables[name]), content_type=content_type
        )
        filename = (
            f"{self.export_prefix}-{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
        return response

    def table_context(self) -> list[dict]:
        params = self._period_params()
        items = []
        for name, table in self.report.tables.items():
            links = {}
            for kind in reports.EXPORT_FORMATS:
                query = params.copy()
                query.update({"export": kind, "table": name})
                links[kind] = f"{self.request.path}?{query.urlencode()}"
            items.append(
                {
                    "table": table,
                    "rows": [
                        [
                            (cell_text(column, row.get(column.key)), column.kind)
                            for column in table.columns
                        ]
                        for row in table.rows
                    ],
                    "chart": charts.render(table),
                    "csv_url": links["csv"],
                    "xlsx_url": links["xlsx"],
                }
            )
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self.form.data.get("preset") if self.form.is_bound else None
        if not self.form.is_bound:
            current = reports.DEFAULT_PRESET
        summary = self.report.summary
        context.update(
            form=self.form,
            report=self.report,
            figures=self.figures(),
            summary=summary,
            tables=self.table_context(),
            presets=[
                {"key": key, "label": label, "current": key == current}
                for key, label in reports.PRESETS.items()
            ],
        )
        return context


class DistrictDashboardView(ReportView):
    template_name = "market/admin/reports/dashboard.html"
    page_title = _("Tổng quan huyện")
    export_prefix = "tong-quan"

    def dispatch(self, request, *args, **kwargs):
        if not sees_all_cooperatives(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def build_report(self, period):
        return reports.district_report(period, self.today)

    def figures(self):
        catalogue = self.report.catalogue
        active = self.report.summary.cooperatives
        return [
            *super().figures(),
            (gettext("Hợp tác xã có bán hàng"), format_number(active)),
            (gettext("Sản phẩm đang bán"), format_number(catalogue.live)),
            (gettext("Sản phẩm OCOP"), format_percent(catalogue.ocop_percent)),
            (
                gettext("Sản phẩm có chứng nhận còn hạn"),
                format_percent(catalogue.certified_percent),
            ),
        ]


class CooperativeReportIndexView(AdminPage, TemplateView):
    """The cooperatives the user may report on; one's own opens directly."""

    template_name = "market/admin/reports/cooperative_index.html"
    page_title = _("Báo cáo hợp tác xã")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, *REPORT_PERMISSION)
        self.cooperatives = list(_cooperatives_for(request.user))
        if len(self.cooperatives) == 1 and not sees_all_cooperatives(request.user):
            return HttpResponseRedirect(
                reverse(COOPERATIVE_REPORT_URL_NAME, args=(self.cooperatives[0].pk,))
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "rows": [
                {
                    "cooperative": cooperative,
                    "url": reverse(COOPERATIVE_REPORT_URL_NAME, args=(cooperative.pk,)),
                }
                for cooperative in self.cooperatives
            ],
        }


class CooperativeReportView(ReportView):
    template_name = "market/admin/reports/cooperative.html"
    page_title = _("Báo cáo hợp tác xã")
    header_icon = "group"

    def dispatch(self, request, *args, pk, **kwargs):
        _require(request.user, *REPORT_PERMISSION)
        # Another cooperative's report does not exist for an editor.
        self.cooperative = get_object_or_404(_cooperatives_for(request.user), pk=pk)
        return super().dispatch(request, *args, pk=pk, **kwargs)

    @property
    def export_prefix(self):
        return f"bao-cao-{self.cooperative.slug or self.cooperative.pk}"

    def get_page_subtitle(self):
        return self.cooperative.name

    def get_parent_crumbs(self):
        return [{"url": reverse(COOPERATIVE_INDEX_URL_NAME), "label": self.page_title}]

    def build_report(self, period):
        return reports.cooperative_report(self.cooperative, period)

    @cached_property
    def ledger_url(self) -> str | None:
        policy = policy_registry.get_by_type(LedgerEntry)
        if not policy.user_has_any_permission(
            self.request.user, ("view", "add", "change")
        ):
            return None
        return reverse(LEDGER_STATEMENT_URL_NAME, args=(self.cooperative.pk,))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cooperative": self.cooperative,
            "balance": settlement.balance(self.cooperative),
            "ledger_url": self.ledger_url,
            "low_stock": reports.LOW_STOCK,
        }


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_all_cooperatives(request.user)


class DistrictDashboardViewSet(ViewSet):
    name = "market_district_report"
    url_prefix = "bao-cao/huyen"
    icon = "site"
    menu_label = _("Tổng quan huyện")
    menu_name = "district_report"
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [path("", DistrictDashboardView.as_view(), name="index")]


class CooperativeReportViewSet(PermissionMenuViewSet):
    name = "market_cooperative_report"
    url_prefix = "bao-cao/hop-tac-xa"
    icon = "group"
    menu_label = _("Báo cáo hợp tác xã")
    menu_name = "cooperative_report"
    menu_permission = REPORT_PERMISSION

    def get_urlpatterns(self):
        return [
            path("", CooperativeReportIndexView.as_view(), name="index"),
            path("<int:pk>/", CooperativeReportView.as_view(), name="cooperative"),
        ]


COOPERATIVE_INDEX_URL_NAME = "market_cooperative_report:index"
COOPERATIVE_REPORT_URL_NAME = "market_cooperative_report:cooperative"


class ReportsViewSetGroup(ViewSetGroup):
    items = (DistrictDashboardViewSet, CooperativeReportViewSet)
    menu_icon = "doc-full"
    menu_label = _("Báo cáo")
    menu_name = "reports_group"
    menu_order = 206


def viewsets() -> list:
    return [ReportsViewSetGroup()]
