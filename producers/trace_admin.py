"""Traceability in the admin: record events from a phone, pack lots, recall, labels.

Events are written only by `producers.traceability` (record_event, recall_lot) and
`producers.lots.pool_lots`; the views here collect what a user typed and offer only
the lots of the user's own cooperatives. Another cooperative's lot named in a URL
is a 404; named in a posted form, it is not a valid choice.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import InspectView

from . import labels, uploads
from .admin_views import (
    CooperativeOwnedForm,
    FoldedSearchIndexView,
    PermissionMenuViewSet,
)
from .lots import (
    LAB_STEPS,
    RECORDABLE_STEPS,
    EventEntry,
    event_from_entry,
    normalise_gtin,
    normalise_lot_code,
    pool_lots,
)
from .models import (
    GrowingArea,
    Lot,
    TraceEvent,
    TraceEventInput,
)
from .permissions import scope_queryset
from .qr import lot_qr_url
from .traceability import EvidenceFile, NewEvent, recall_lot, record_event

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

# Evidence uploads: lab reports and photos, judged by their first bytes
# (producers/uploads.py), so neither a renamed executable nor a page of HTML is
# stored as "report.pdf" and served from the site.
MAX_EVIDENCE_FILES = 5
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_KINDS = {uploads.PDF, uploads.JPEG, uploads.PNG, uploads.WEBP}

MAX_LABELS = 500


# --- Scope ------------------------------------------------------------------------


def lots_for(user):
    """The lots `user` may work on (their cooperatives'; all for district staff)."""
    return scope_queryset(user, Lot.objects.select_related("cooperative"))


def lot_or_404(user, value) -> Lot:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(lots_for(user), pk=pk)


def _require(user, model, actions) -> None:
    policy = policy_registry.get_by_type(model)
    if not policy.user_has_any_permission(user, actions):
        raise PermissionDenied


class LotChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_cooperative=False, **kwargs):
        self.show_cooperative = show_cooperative
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        label = f"{obj.code} · {obj.product_name}"
        if self.show_cooperative:
            label += f" · {obj.cooperative.name}"
        return label


class LotMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        harvested = obj.harvest_date.strftime("%d/%m/%Y") if obj.harvest_date else "—"
        return f"{obj.code} · {obj.product_name} · {harvested}"


def _spans_cooperatives(user) -> bool:
    from .permissions import cooperative_ids_for, sees_all_cooperatives

    return sees_all_cooperatives(user) or len(cooperative_ids_for(user)) > 1


# --- Fields -----------------------------------------------------------------------


class VietnamDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in Vietnam time (+07:00)."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
    )
    input_formats = [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        with timezone.override(VIETNAM):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(VIETNAM):
            return super().prepare_value(value)


def vietnam_now() -> datetime.datetime:
    return timezone.localtime(timezone.now(), VIETNAM).replace(second=0, microsecond=0)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once (a lab report and photos), checked one by one."""

    widget = MultipleFileInput(
        attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/*"}
    )

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                _("Đính kèm tối đa %(count)d tệp mỗi lần.")
                % {"count": MAX_EVIDENCE_FILES},
                code="too_many",
            )
        return [self._clean_one(super(EvidenceField, self).clean(f)) for f in files]

    @staticmethod
    def _clean_one(upload):
        uploads.check_file(upload, kinds=EVIDENCE_KINDS, max_bytes=MAX_EVIDENCE_BYTES)
        return upload


# --- Record an event --------------------------------------------------------------


class RecordEventForm(forms.Form):
    """What one event needs, in the order a phone user fills it in."""

    lot = LotChoiceField(
        label=_("Lô hàng"), queryset=Lot.objects.none(), empty_label=_("— Chọn lô —")
    )
    biz_step = forms.ChoiceField(
        label=_("Công đoạn"),
        choices=[(step.value, step.label) for step in RECORDABLE_STEPS],
        widget=forms.RadioSelect,
    )
    event_time = VietnamDateTimeField(
        label=_("Thời điểm"), help_text=_("Giờ Việt Nam. Mặc định là bây giờ.")
    )
    quantity = forms.DecimalField(
        label=_("Số lượng"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    unit = forms.CharField(label=_("Đơn vị"), required=False, max_length=20)
    growing_area = forms.ModelChoiceField(
        label=_("Vùng trồng"),
        queryset=GrowingArea.objects.none(),
        required=False,
        empty_label=_("— Vùng trồng của lô —"),
        help_text=_(
            "Để trống: việc ngoài đồng và thu hoạch ghi theo vùng trồng của lô; "
            "các công đoạn khác không ghi vùng trồng."
        ),
    )
    location = forms.CharField(
        label=_("Địa điểm khác"),
        required=False,
        max_length=255,
        help_text=_("Ví dụ: kho hợp tác xã, địa chỉ người nhận."),
    )
    pesticide = forms.CharField(
        label=_("Tên thuốc bảo vệ thực vật"), required=False, max_length=200
    )
    phi_days = forms.IntegerField(
        label=_("Thời gian cách ly (ngày)"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_("Số ngày phải chờ từ khi phun đến khi được thu hoạch."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    lab = forms.CharField(
        label=_("Phòng xét nghiệm / đơn vị kiểm tra"), required=False, max_length=200
    )
    result = forms.CharField(
        label=_("Kết quả"),
        required=False,
        max_length=500,
        help_text=_("Ví dụ: không phát hiện dư lượng thuốc bảo vệ thực vật."),
    )
    conformant = forms.ChoiceField(
        label=_("Đánh giá"),
        required=False,
        choices=[("yes", _("Đạt")), ("no", _("Không đạt")), ("", _("Chưa có"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = EvidenceField(
        label=_("Ảnh, phiếu kết quả"),
        required=False,
        help_text=_("PDF, JPG, PNG hoặc WebP; tối đa 5 tệp, mỗi tệp 10 MB."),
    )
    corrects = forms.IntegerField(
        label=_("Đính chính sự kiện số"),
        required=False,
        min_value=1,
        help_text=_("Nếu sự kiện này sửa sai một sự kiện đã ghi, nhập số # của nó."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    # Record-time errors of `record_event`, by its keys, shown on these fields.
    error_fields = {
        "biz_step": "biz_step",
        "event_time": "event_time",
        "growing_area": "growing_area",
        "corrects": "corrects",
        "details": "pesticide",
        "evidence": "evidence",
    }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        lot_field = self.fields["lot"]
        lot_field.queryset = (
            lots_for(user)
            .filter(status=Lot.Status.ACTIVE)
            .order_by("-harvest_date", "code")
        )
        lot_field.show_cooperative = _spans_cooperatives(user)
        self.fields["growing_area"].queryset = scope_queryset(
            user, GrowingArea.objects.all()
        )

    def clean(self):
        cleaned = super().clean()
        lot = cleaned.get("lot")
        step = cleaned.get("biz_step")
        self._new_event = None
        if lot is None or not step:
            return cleaned
        conformant = {"yes": True, "no": False}.get(cleaned.get("conformant") or "")
        entry = EventEntry(
            biz_step=step,
            event_time=cleaned.get("event_time"),
            quantity=cleaned.get("quantity"),
            unit=cleaned.get("unit") or "",
            growing_area=cleaned.get("growing_area"),
            location=cleaned.get("location") or "",
            pesticide=cleaned.get("pesticide") or "",
            phi_days=cleaned.get("phi_days"),
            lab=cleaned.get("lab") or "",
            result=cleaned.get("result") or "",
            conformant=conformant,
            notes=cleaned.get("notes") or "",
            corrects=cleaned.get("corrects"),
            evidence=[EvidenceFile(file=f) for f in cleaned.get("evidence") or []],
        )
        try:
            self._new_event = event_from_entry(lot, entry)
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                for message in messages_:
                    self.add_error(key if key in self.fields else None, message)
        return cleaned

    def new_event(self) -> NewEvent:
        """The event to record, built by `producers.lots.event_from_entry`."""
        return self._new_event

    def add_record_errors(self, error: ValidationError) -> None:
        """Show the errors `record_event` raised next to the fields they concern."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages_ in error.message_dict.items():
            field = self.error_fields.get(key)
            for message in messages_:
                self.add_error(field, message)


class TraceAdminView(WagtailAdminTemplateMixin, FormView):
    """An admin form page that checks a model permission before anything else."""

    permission_model = Lot
    permission_actions: tuple[str, ...] = ("add",)

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, self.permission_model, self.permission_actions)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def lot_url(self, lot: Lot) -> str:
        return reverse(LOT_INSPECT_URL_NAME, args=(quote(lot.pk),))


LOT_INSPECT_URL_NAME = "wagtailsnippets_producers_lot:inspect"


class RecordEventView(TraceAdminView):
    template_name = "producers/admin/record_event.html"
    form_class = RecordEventForm
    page_title = _("Ghi sự kiện")
    header_icon = "edit"
    permission_model = TraceEvent

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.chosen_lot = None

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, self.permission_model, self.permission_actions)
        if request.GET.get("lot"):
            # Another cooperative's lot in the address does not exist for you.
            self.chosen_lot = lot_or_404(request.user, request.GET["lot"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"event_time": vietnam_now(), "unit": "kg"}
        lot = self.chosen_lot
        if lot is not None and lot.status == Lot.Status.ACTIVE:
            initial.update(lot=lot.pk, unit=lot.unit or "kg")
        return initial

    def get(self, request, *args, **kwargs):
        lot = self.chosen_lot
        if lot is not None and lot.status != Lot.Status.ACTIVE:
            messages.warning(
                request,
                gettext(
                    "Lô %(code)s không còn đang bán: chỉ ghi sự kiện cho lô đang bán."
                )
                % {"code": lot.code},
            )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        lot = form.cleaned_data["lot"]
        try:
            event = record_event(lot, form.new_event(), user=self.request.user)
        except ValidationError as error:
            form.add_record_errors(error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Đã ghi sự kiện #%(number)d “%(step)s” cho lô %(code)s.")
            % {
                "number": event.sequence,
                "step": event.get_biz_step_display(),
                "code": lot.code,
            },
            buttons=[messages.button(self.lot_url(lot), gettext("Xem lô"))],
        )
        return HttpResponseRedirect(f"{reverse(RECORD_URL_NAME)}?lot={lot.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lot = self.chosen_lot
        context["chosen_lot"] = lot
        context["recent_events"] = (
            list(
                TraceEvent.objects.filter(lot=lot)
                .select_related("lot")
                .order_by("-sequence")[:5]
            )
            if lot is not None
            else []
        )
        context["lab_steps"] = sorted(LAB_STEPS)
        return context


# --- Pack (pool) lots -------------------------------------------------------------


class PoolLotsForm(forms.Form):
    inputs = LotMultipleChoiceField(
        label=_("Các lô thu hoạch đem đóng gói"),
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ các lô đang bán của cùng một hợp tác xã."),
    )
    code = forms.CharField(
        label=_("Mã lô đóng gói"),
        max_length=40,
        help_text=_(
            "Mã in trên nhãn. Nếu mã đã có, sự kiện được ghi vào lô đó; "
            "nếu chưa, lô mới được tạo."
        ),
    )
    product_name = forms.CharField(
        label=_("Tên sản phẩm trên nhãn"),
        required=False,
        max_length=200,
        help_text=_("Để trống: dùng tên của lô đầu tiên."),
    )
    gtin = forms.CharField(
        label=_("GTIN trên bao bì"),
        required=False,
        max_length=20,
        help_text=_("Chỉ cho lô mới; để trống nếu sản phẩm chưa có mã vạch."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    quantity = forms.DecimalField(
        label=_("Số lượng sau đóng gói"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    unit = forms.CharField(label=_("Đơn vị"), max_length=20, initial="kg")
    event_time = VietnamDateTimeField(label=_("Thời điểm đóng gói"))
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    close_inputs = forms.BooleanField(
        label=_("Đánh dấu các lô thu hoạch là đã dùng hết"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inputs"].queryset = (
            lots_for(user)
            .filter(status=Lot.Status.ACTIVE)
            .order_by("cooperative__name", "-harvest_date", "code")
        )

    def clean_code(self):
        return normalise_lot_code(self.cleaned_data["code"])

    def clean_gtin(self):
        return normalise_gtin(self.cleaned_data.get("gtin", ""))

    def clean_inputs(self):
        inputs = list(self.cleaned_data["inputs"])
        if len({lot.cooperative_id for lot in inputs}) > 1:
            raise ValidationError(_("Chỉ gộp các lô của cùng một hợp tác xã."))
        return inputs


class PoolLotsView(TraceAdminView):
    template_name = "producers/admin/pool_lots.html"
    form_class = PoolLotsForm
    page_title = _("Đóng gói, gộp lô")
    header_icon = "folder-open-inverse"
    permission_model = TraceEvent

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, Lot, ("add",))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"event_time": vietnam_now(), "unit": "kg"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            event = pool_lots(
                data["inputs"],
                code=data["code"],
                product_name=data["product_name"],
                gtin=data["gtin"],
                quantity=data["quantity"],
                unit=data["unit"],
                event_time=data["event_time"],
                notes=data["notes"],
                close_inputs=data["close_inputs"],
                user=self.request.user,
            )
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                field = key if key in form.fields else None
                for message in messages_:
                    form.add_error(field, message)
            return self.form_invalid(form)
        lot = event.lot
        messages.success(
            self.request,
            gettext("Đã đóng gói %(count)d lô vào lô %(code)s.")
            % {"count": len(data["inputs"]), "code": lot.code},
            buttons=[
                messages.button(self.lot_url(lot), gettext("Xem lô")),
                messages.button(
                    f"{reverse(LABELS_URL_NAME)}?lot={lot.pk}", gettext("In nhãn")
                ),
            ],
        )
        return HttpResponseRedirect(self.lot_url(lot))


# --- Recall -----------------------------------------------------------------------


class RecallLotForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hiện trên trang truy xuất của lô, trong khung cảnh báo màu đỏ."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Ghi lý do thu hồi lô."))
        return reason


class RecallLotView(TraceAdminView):
    template_name = "producers/admin/recall_lot.html"
    form_class = RecallLotForm
    page_title = _("Thu hồi lô")
    header_icon = "warning"
    permission_actions = ("change",)

    def dispatch(self, request, *args, pk, **kwargs):
        _require(request.user, Lot, ("change",))
        _require(request.user, TraceEvent, ("add",))
        self.lot = lot_or_404(request.user, pk)
        if self.lot.is_recalled:
            messages.warning(
                request,
                gettext("Lô %(code)s đã được thu hồi.") % {"code": self.lot.code},
            )
            return HttpResponseRedirect(self.lot_url(self.lot))
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_subtitle(self):
        return str(self.lot)

    def form_valid(self, form):
        try:
            recall_lot(
                self.lot, reason=form.cleaned_data["reason"], user=self.request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Đã thu hồi lô %(code)s. Trang truy xuất của lô hiện cảnh báo.")
            % {"code": self.lot.code},
        )
        return HttpResponseRedirect(self.lot_url(self.lot))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lot": self.lot}


# --- Labels -----------------------------------------------------------------------


class LabelSheetForm(forms.Form):
    lot = LotChoiceField(
        label=_("Lô hàng"), queryset=Lot.objects.none(), empty_label=_("— Chọn lô —")
    )
    count = forms.IntegerField(
        label=_("Số nhãn"),
        min_value=1,
        max_value=MAX_LABELS,
        initial=labels.LABELS_PER_PAGE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per form, not at import, so it follows the request's language.
        self.fields["count"].help_text = _(
            "Mỗi tờ A4 có %(per_page)d nhãn %(width)d × %(height)d mm."
        ) % {
            "per_page": labels.LABELS_PER_PAGE,
            "width": labels.LABEL_WIDTH_MM,
            "height": labels.LABEL_HEIGHT_MM,
        }
        field = self.fields["lot"]
        field.queryset = lots_for(user).order_by("-harvest_date", "code")
        field.show_cooperative = _spans_cooperatives(user)

    def clean_lot(self):
        lot = self.cleaned_data["lot"]
        if lot.is_recalled:
            raise ValidationError(_("Lô này đã bị thu hồi: không in nhãn mới."))
        return lot


class LabelSheetView(TraceAdminView):
    """The form, or (when it is filled in) the PDF sheet of labels itself."""

    template_name = "producers/admin/labels.html"
    form_class = LabelSheetForm
    page_title = _("In nhãn QR")
    header_icon = "doc-full"
    permission_actions = ("add", "change", "view")
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, Lot, self.permission_actions)
        if request.GET.get("lot"):
            lot_or_404(request.user, request.GET["lot"])  # others' lots: 404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user, "initial": self.get_initial()}
        if "lot" in self.request.GET and "count" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get_initial(self):
        return {"lot": self.request.GET.get("lot"), "count": labels.LABELS_PER_PAGE}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            lot = form.cleaned_data["lot"]
            pdf = labels.label_sheet_pdf(lot, form.cleaned_data["count"])
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'inline; filename="{labels.filename_for(lot)}"'
            )
            return response
        return self.render_to_response(self.get_context_data(form=form))


# --- Tool viewsets (one menu entry each) --------------------------------------------


class ToolViewSet(PermissionMenuViewSet):
    """One admin page at /admin/<url_prefix>/, with a menu entry for those allowed."""

    view_class: type | None = None
    menu_permission = (Lot, ("add",))
    url_pattern = ""

    def get_urlpatterns(self):
        return [path(self.url_pattern, self.view_class.as_view(), name="index")]


class RecordEventViewSet(ToolViewSet):
    name = "trace_record"
    url_prefix = "truy-xuat/ghi-su-kien"
    view_class = RecordEventView
    icon = "edit"
    menu_label = _("Ghi sự kiện")
    menu_name = "trace_record"
    menu_permission = (TraceEvent, ("add",))


class PoolLotsViewSet(ToolViewSet):
    name = "trace_pool"
    url_prefix = "truy-xuat/dong-goi"
    view_class = PoolLotsView
    icon = "folder-open-inverse"
    menu_label = _("Đóng gói, gộp lô")
    menu_name = "trace_pool"


class LabelsViewSet(ToolViewSet):
    name = "trace_labels"
    url_prefix = "truy-xuat/nhan"
    view_class = LabelSheetView
    icon = "doc-full"
    menu_label = _("In nhãn QR")
    menu_name = "trace_labels"
    menu_permission = (Lot, ("add", "change", "view"))


class RecallLotViewSet(ToolViewSet):
    """No menu entry: a recall starts from the lot's page."""

    name = "trace_recall"
    url_prefix = "truy-xuat/thu-hoi"
    url_pattern = "<int:pk>/"
    view_class = RecallLotView
    icon = "warning"
    menu_label = _("Thu hồi lô")


RECORD_URL_NAME = "trace_record:index"
POOL_URL_NAME = "trace_pool:index"
LABELS_URL_NAME = "trace_labels:index"
RECALL_URL_NAME = "trace_recall:index"


# --- Lots, events and farmers in the snippet viewsets ---------------------------------


class LotAdminForm(CooperativeOwnedForm):
    """The lot's descriptive fields; what is printed or hashed is fixed in time.

    - the GTIN can be typed only when the lot is created (it is in the printed
      Digital Link URL);
    - the code and the cooperative are part of every event's hash: the code locks
      once the first event is recorded, the cooperative once the lot exists;
    - "recalled" is never chosen here: a recall is an event (see RecallLotView).
    """

    gtin = forms.CharField(
        label=_("GTIN trên bao bì"),
        required=False,
        max_length=20,
        help_text=_(
            "Mã vạch GTIN-8, 12, 13 hoặc 14 số của sản phẩm, nếu có. Chỉ nhập được "
            "khi tạo lô: địa chỉ trong mã QR đã in không bao giờ đổi."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lot = self.instance
        creating = lot._state.adding
        if not creating:
            self.fields.pop("gtin", None)
            if "cooperative" in self.fields:
                self.fields["cooperative"].disabled = True
            for name in ("growing_area", "farmers"):
                if name in self.fields:
                    field = self.fields[name]
                    field.queryset = field.queryset.filter(
                        cooperative=lot.cooperative_id
                    )
            if "code" in self.fields and lot.events.exists():
                self.fields["code"].disabled = True
                self.fields["code"].help_text = _(
                    "Lô đã có sự kiện trong nhật ký nên không đổi được mã."
                )
        if "status" in self.fields:
            field = self.fields["status"]
            if lot.status == Lot.Status.RECALLED:
                field.disabled = True
            else:
                field.choices = [
                    c for c in field.choices if c[0] != Lot.Status.RECALLED
                ]
        if "farmers" in self.fields:
            self.fields["farmers"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["farmers"].choices
            )

    def clean_code(self):
        return normalise_lot_code(self.cleaned_data.get("code", ""))

    def clean_gtin(self):
        return normalise_gtin(self.cleaned_data.get("gtin", ""))

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if status == Lot.Status.RECALLED and self.instance.status != status:
            raise ValidationError(_("Thu hồi lô bằng nút “Thu hồi lô” trên trang lô."))
        return status

    def save(self, commit=True):
        if self.instance._state.adding and "gtin" in self.cleaned_data:
            self.instance.gtin = self.cleaned_data["gtin"]
        return super().save(commit=commit)


def lot_deletion_refusal(lot: Lot) -> str | None:
    if lot.events.exists() or TraceEventInput.objects.filter(lot=lot).exists():
        return gettext(
            "Lô %(code)s đã có sự kiện trong nhật ký truy xuất nên không thể xóa: "
            "nhật ký chỉ được ghi thêm. Nếu lô có vấn đề, hãy thu hồi lô."
        ) % {"code": lot.code}
    return None


def _local_datetime(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def lot_action_buttons(user, lot: Lot) -> list[tuple[str, str, str]]:
    """(label, url, icon) for what a user may do with a lot right now."""
    buttons = []
    events = policy_registry.get_by_type(TraceEvent)
    lots = policy_registry.get_by_type(Lot)
    if lot.status == Lot.Status.ACTIVE and events.user_has_permission(user, "add"):
        buttons.append(
            (gettext("Ghi sự kiện"), f"{reverse(RECORD_URL_NAME)}?lot={lot.pk}", "edit")
        )
    if not lot.is_recalled:
        buttons.append(
            (
                gettext("In nhãn QR"),
                f"{reverse(LABELS_URL_NAME)}?lot={lot.pk}",
                "doc-full",
            )
        )
    buttons.append(
        (gettext("Trang truy xuất"), lot.get_absolute_url(), "link-external")
    )
    if not lot.is_recalled and lots.user_has_permission(user, "change"):
        buttons.append(
            (gettext("Thu hồi lô"), reverse(RECALL_URL_NAME, args=(lot.pk,)), "warning")
        )
    return buttons


class LotIndexView(FoldedSearchIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, (label, url, icon) in enumerate(
            lot_action_buttons(self.request.user, instance), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class LotInspectView(InspectView):
    """The lot's fields, then its whole event history (read-only)."""

    template_name = "producers/admin/lot_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Lot.objects.select_related("cooperative", "growing_area").prefetch_related(
                "farmers"
            ),
            pk=self.pk,
        )

    def get_fields_context(self):
        hidden = () if self.object.is_recalled else ("recall_reason", "recalled_at")
        return [
            self.get_context_for_field(name)
            for name in self.fields
            if name not in hidden
        ]

    def get_gtin_display_value(self):
        return self.object.gtin or gettext("Không có (mã QR dùng địa chỉ ngắn)")

    def get_head_hash_display_value(self):
        # A 64-character hash breaks anywhere rather than widen a phone screen.
        return format_html(
            '<span class="trace-hash">{}</span>', self.object.head_hash or "—"
        )

    def get_created_at_display_value(self):
        return _local_datetime(self.object.created_at)

    def get_recalled_at_display_value(self):
        return _local_datetime(self.object.recalled_at)

    def get_field_label(self, field_name, field):
        if field_name == "public_url":
            return gettext("Địa chỉ in trong mã QR")
        if field_name == "created_at":
            return gettext("Ngày tạo")
        return super().get_field_label(field_name, field)

    def get_public_url_display_value(self):
        return lot_qr_url(self.object)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for priority, (label, url, icon) in enumerate(
            lot_action_buttons(self.request.user, self.object), start=30
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(
            TraceEvent.objects.filter(lot=self.object)
            .select_related("growing_area", "recorded_by", "corrects")
            .prefetch_related(
                Prefetch(
                    "inputs",
                    queryset=TraceEventInput.objects.select_related("lot"),
                ),
                "evidence",
            )
            .order_by("sequence")
        )
        context["events"] = events
        context["actions"] = lot_action_buttons(self.request.user, self.object)
        context["event_inspect_url_name"] = EVENT_INSPECT_URL_NAME
        return context


EVENT_INSPECT_URL_NAME = "wagtailsnippets_producers_traceevent:inspect"


class TraceEventURLFinder(ModelAdminURLFinder):
    """Events have no edit page: links to an event open its read-only page."""

    def construct_edit_url(self, instance):
        return reverse(EVENT_INSPECT_URL_NAME, args=(quote(instance.pk),))

    def get_edit_url(self, instance):
        policy = policy_registry.get_by_type(TraceEvent)
        if self.user and not policy.user_has_any_permission_for_instance(
            self.user, ["add", "view"], instance
        ):
            return None
        return self.construct_edit_url(instance)


class TraceEventInspectView(InspectView):
    template_name = "producers/admin/event_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            TraceEvent.objects.select_related(
                "lot", "lot__cooperative", "growing_area", "recorded_by", "corrects"
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inputs"] = list(self.object.inputs.select_related("lot"))
        context["evidence"] = list(self.object.evidence.all())
        context["lot_url"] = reverse(LOT_INSPECT_URL_NAME, args=(self.object.lot_id,))
        return context


class TraceEventIndexView(FoldedSearchIndexView):
    """Event listing without selection checkboxes: no bulk action applies to it."""

    @cached_property
    def columns(self):
        return [
            column
            for column in super().columns
            if not isinstance(column, BulkActionsCheckboxColumn)
        ]
