"""Orders in the Wagtail admin: cooperatives' parts, district staff's orders, money.

- Cooperative editors see their cooperative's parts of orders (fulfilments),
  move them on with the actions of `market.fulfilment`, and read their payouts
  and settlement ledger.
- District staff see every cooperative's, plus whole orders: they record bank
  transfers that arrived, clear orders that needed a person, and record payouts.

Every view of a cooperative-owned model is narrowed to the user's cooperatives
(`producers.admin_views.CooperativeScopedViewMixin`): another cooperative's row
named in a URL is a 404, in listings, pages, actions and exports alike. The
views are thin: what a button does lives in `market.fulfilment`,
`market.ordering` and `market.settlement`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from producers.admin_views import (
    CooperativeOwnedForm,
    CooperativeScopedViewMixin,
    PermissionMenuViewSet,
    cooperative_filter,
)
from producers.models import Cooperative
from producers.permissions import (
    CooperativeOwnedPermissionPolicy,
    scope_queryset,
    sees_all_cooperatives,
)

from . import fulfilment as fulfilment_actions
from . import ordering, picklist_pdf, picklists, settlement, spreadsheets, stock
from .models import (
    DeliveryMethod,
    Fulfilment,
    LedgerEntry,
    Order,
    Payment,
    PaymentMethod,
    Payout,
    Product,
)
from .money import format_vnd


class DistrictStaffPermissionPolicy(ModelPermissionPolicy):
    """Model permissions that only district staff can hold.

    A whole order spans cooperatives, so no cooperative's editor may see one,
    even if someone grants them the model permission by mistake.
    """

    def user_has_permission(self, user, action):
        return sees_all_cooperatives(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return sees_all_cooperatives(user) and super().user_has_any_permission(
            user, actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not sees_all_cooperatives(user):
            return self.model._default_manager.none()
        return super().instances_user_has_any_permission_for(user, actions)


register_permission_policy(
    Fulfilment, CooperativeOwnedPermissionPolicy(Fulfilment), exact_class=True
)
register_permission_policy(
    Payout, CooperativeOwnedPermissionPolicy(Payout), exact_class=True
)
register_permission_policy(
    LedgerEntry, CooperativeOwnedPermissionPolicy(LedgerEntry), exact_class=True
)
register_permission_policy(
    Order, DistrictStaffPermissionPolicy(Order), exact_class=True
)


class AdminPage(WagtailAdminTemplateMixin):
    """A plain admin page whose header shows its title under its parent page."""

    def get_parent_crumbs(self) -> list[dict]:
        return []

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *self.get_parent_crumbs(),
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]


def _require(user, model, actions) -> None:
    if not policy_registry.get_by_type(model).user_has_any_permission(user, actions):
        raise PermissionDenied


def _local(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _vnd_column(name, label, accessor):
    return Column(
        name,
        label=label,
        accessor=lambda obj: format_vnd(accessor(obj)),
        classname="w-text-end w-whitespace-nowrap",
    )


# What each audit record means, for the timelines.
EVENT_LABELS = {
    "placed": _("Đặt hàng"),
    "paid": _("Đã thanh toán"),
    "payment_mismatch": _("Số tiền thanh toán không khớp"),
    "paid_twice": _("Thanh toán hai lần"),
    "paid_too_late": _("Tiền đến sau khi hết hạn giữ hàng"),
    "expired": _("Hết hạn thanh toán"),
    "payment_failed": _("Thanh toán không thành công"),
    "confirm": _("Xác nhận"),
    "pack": _("Đóng gói"),
    "ship": _("Giao đi"),
    "deliver": _("Đã giao"),
    "cancel": _("Hủy phần đơn"),
    "cash_paid": _("Đã thu đủ tiền mặt"),
    "completed": _("Đơn hàng hoàn tất"),
    "cancelled": _("Đơn hàng bị hủy"),
    "refund_requested": _("Yêu cầu hoàn tiền"),
    "refund_failed": _("Hoàn tiền không thành công"),
    "attention_resolved": _("Đã xử lý"),
}


def event_rows(events) -> list[dict]:
    """Timeline rows: when, what, from and to which status, who, note."""
    order_labels = dict(Order.Status.choices)
    part_labels = dict(Fulfilment.Status.choices)
    rows = []
    for event in events:
        labels = part_labels if event.fulfilment_id else order_labels
        rows.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "from": labels.get(event.from_status, event.from_status),
                "to": labels.get(event.to_status, event.to_status),
            }
        )
    return rows


# --- A viewset whose every view obeys cooperative tenancy ----------------------------


def _scoped(view_class):
    if issubclass(view_class, CooperativeScopedViewMixin):
        return view_class
    return type(view_class.__name__, (CooperativeScopedViewMixin, view_class), {})


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet serving only the views named in `served_views`, each scoped.

    The views Wagtail would add (edit, delete, history, usage, copy) are not
    routed at all: these rows change only through their own actions.
    """

    served_views = frozenset({"index", "index_results", "inspect"})
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    #: Relations the listing shows, fetched with its rows.
    list_select_related: tuple[str, ...] = ()
    #: Form class for `panels`.
    base_form_class = CooperativeOwnedForm

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(_scoped(view_class), **kwargs)

    def get_common_view_kwargs(self, **kwargs):
        served = self.served_views
        names = {
            f"{name}_url_name": (self.get_url_name(name) if name in served else None)
            for name in ("add", "edit", "delete", "history", "usage")
        }
        return super().get_common_view_kwargs(**{**names, **kwargs})

    def get_index_view_kwargs(self, **kwargs):
        queryset = self.model._default_manager.all()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)

    def get_urlpatterns(self):
        # Built here rather than filtered from Wagtail's list, which would
        # construct (and need forms for) views that are never served.
        routes = {
            "index": ("", lambda: self.index_view),
            "index_results": ("results/", lambda: self.index_results_view),
            "add": ("new/", lambda: self.add_view),
            "inspect": ("inspect/<int:pk>/", lambda: self.inspect_view),
        }
        return [
            path(route, view(), name=name)
            for name, (route, view) in routes.items()
            if name in self.served_views
        ]

    def get_edit_handler(self):
        if not hasattr(self, "panels"):
            return None
        return ObjectList(
            self.panels, base_form_class=self.base_form_class
        ).bind_to_model(self.model)

    @property
    def url_finder_class(self):
        # Links to one of these rows (history, notifications) open its page.
        inspect = self.get_url_name("inspect")
        model = self.model

        class URLFinder(ModelAdminURLFinder):
            def construct_edit_url(self, instance):
                return reverse(inspect, args=(quote(instance.pk),))

            def get_edit_url(self, instance):
                policy = policy_registry.get_by_type(model)
                if self.user and not policy.user_has_any_permission_for_instance(
                    self.user, ["view", "change"], instance
                ):
                    return None
                return self.construct_edit_url(instance)

        return URLFinder


class LocalTimeExportMixin:
    """Exports show times in Vietnam time, as people read them."""

    local_time_fields = ("created_at",)

    @cached_property
    def custom_field_preprocess(self):
        return {
            name: {"csv": _local, "xlsx": _local} for name in self.local_time_fields
        }


# --- Fulfilments: a cooperative's parts of orders ------------------------------------


class FulfilmentFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Fulfilment.Status.choices
    )
    delivery_method = django_filters.ChoiceFilter(
        label=_("Cách nhận hàng"), choices=DeliveryMethod.choices
    )
    payment_method = django_filters.ChoiceFilter(
        label=_("Thanh toán"),
        choices=PaymentMethod.choices,
        field_name="order__payment_method",
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Ngày đặt"))

    class Meta:
        model = Fulfilment
        fields = ["cooperative", "status", "delivery_method", "payment_method"]


def _waiting(fulfilment) -> bool:
    # What needs the cooperative's hands now is shown as the primary tag.
    return fulfilment.status in Fulfilment.OPEN


class FulfilmentIndexView(LocalTimeExportMixin, generic.IndexView):
    @cached_property
    def header_buttons(self):
        # Whoever may list the parts may print pick and pack lists for them.
        return [
            *super().header_buttons,
            HeaderButton(
                gettext("Soạn hàng"),
                url=reverse(PICKLIST_CHOOSE_URL_NAME),
                icon_name="list-ul",
            ),
        ]

    @cached_property
    def columns(self):
        # The order number opens the part's page (Wagtail links only a first
        # column given by name, and this one reads through the order).
        title = self._get_title_column_class(TitleColumn)(
            "order",
            label=_("Mã đơn"),
            accessor="order.number",
            sort_key="order__number",
            get_url=self.get_inspect_url,
        )
        return [
            title if getattr(column, "name", None) == "order" else column
            for column in super().columns
        ]


class FulfilmentInspectView(generic.InspectView):
    template_name = "market/admin/fulfilment_inspect.html"
    page_title = _("Phần đơn hàng")
    action_url_namespace = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            Fulfilment.objects.select_related("order", "cooperative"), pk=self.pk
        )

    def get_page_subtitle(self):
        return self.object.order.number

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fulfilment = self.object
        context.update(
            fulfilment=fulfilment,
            order=fulfilment.order,
            lines=list(fulfilment.lines.select_related("lot").order_by("pk")),
            events=event_rows(fulfilment_actions.timeline(fulfilment)),
            actions=[
                {
                    "action": action,
                    "label": action.label_for(fulfilment),
                    "url": reverse(
                        f"{self.action_url_namespace}:{action.name}",
                        args=(fulfilment.pk,),
                    ),
                }
                for action in fulfilment_actions.available_actions(
                    fulfilment, self.request.user
                )
            ],
            is_pickup=fulfilment.delivery_method == DeliveryMethod.PICKUP,
            awaiting_payment=fulfilment.status == Fulfilment.Status.AWAITING_PAYMENT,
        )
        return context


class FulfilmentTransitionView(View):
    """POST only: one action of `market.fulfilment` on one fulfilment."""

    http_method_names = ["post", "options"]
    model = Fulfilment
    action_name = ""
    inspect_url_name = None
    index_url_name = None

    def get_object(self):
        return get_object_or_404(
            Fulfilment.objects.select_related("order", "cooperative"),
            pk=self.kwargs["pk"],
        )

    def post(self, request, pk):
        _require(request.user, Fulfilment, ("change",))
        fulfilment = self.get_object()  # another cooperative's: 404 (scoped)
        action_class = fulfilment_actions.ACTIONS[self.action_name]
        note = request.POST.get("note", "")[:255]
        action = action_class(fulfilment, user=request.user, note=note)
        try:
            action.execute()
        except fulfilment_actions.TransitionPermissionDenied:
            raise PermissionDenied from None
        except fulfilment_actions.FulfilmentError as refused:
            if refused.code == "already":
                messages.warning(request, refused.message)
            else:
                messages.error(request, refused.message)
        else:
            messages.success(
                request,
                action_class.done_message % {"order": fulfilment.order.number},
            )
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=(pk,)))


class FulfilmentViewSet(ScopedModelViewSet):
    model = Fulfilment
    name = "market_fulfilments"
    url_prefix = "don-hang/hop-tac-xa"
    icon = "tasks"
    menu_label = _("Đơn của hợp tác xã")
    menu_name = "fulfilments"
    index_view_class = FulfilmentIndexView
    inspect_view_class = FulfilmentInspectView
    list_select_related = ("order", "cooperative")
    ordering = "-created_at"
    search_fields = ["order__number", "order__contact_name", "order__phone"]
    search_backend_name = None
    filterset_class = FulfilmentFilterSet
    list_display = [
        Column(
            "order",
            label=_("Mã đơn"),
            accessor="order.number",
            sort_key="order__number",
        ),
        "cooperative",
        Column("buyer", label=_("Người mua"), accessor="order.contact_name"),
        StatusTagColumn(
            "status",
            label=_("Trạng thái"),
            accessor="get_status_display",
            primary=_waiting,
            sort_key="status",
        ),
        Column(
            "delivery_method",
            label=pgettext_lazy("delivery method", "Nhận hàng"),
            accessor="get_delivery_method_display",
        ),
        Column(
            "payment",
            label=_("Thanh toán"),
            accessor=lambda f: (
                f"{f.order.get_payment_method_display()} · "
                f"{f.order.get_payment_status_display()}"
            ),
        ),
        _vnd_column("total", _("Tổng tiền"), lambda f: f.total),
        DateColumn("created_at", label=_("Đặt lúc"), sort_key="created_at"),
    ]
    list_export = [
        "order.number",
        "cooperative.name",
        "get_status_display",
        "order.contact_name",
        "order.phone",
        "order.email",
        "get_delivery_method_display",
        "order.address",
        "order.note",
        "order.get_payment_method_display",
        "order.get_payment_status_display",
        "goods_total",
        "delivery_fee",
        "total",
        "tracking_note",
        "created_at",
    ]
    export_headings = {
        "order.number": _("Mã đơn hàng"),
        "cooperative.name": _("Hợp tác xã"),
        "get_status_display": _("Trạng thái"),
        "order.contact_name": _("Người mua"),
        "order.phone": _("Điện thoại"),
        "order.email": _("Email"),
        "get_delivery_method_display": _("Cách nhận hàng"),
        "order.address": _("Địa chỉ giao hàng"),
        "order.note": _("Ghi chú của người mua"),
        "order.get_payment_method_display": _("Phương thức thanh toán"),
        "order.get_payment_status_display": _("Thanh toán"),
        "goods_total": _("Tiền hàng (đồng)"),
        "delivery_fee": _("Phí giao hàng (đồng)"),
        "total": _("Tổng cộng (đồng)"),
        "tracking_note": _("Ghi chú vận chuyển"),
        "created_at": _("Đặt lúc"),
    }
    export_filename = "don-hang-hop-tac-xa"

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            action_url_namespace=self.url_namespace, **kwargs
        )

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for name in fulfilment_actions.ACTIONS:
            view = self.construct_view(
                FulfilmentTransitionView,
                action_name=name,
                inspect_url_name=self.get_url_name("inspect"),
            )
            patterns.append(path(f"{name}/<int:pk>/", view, name=name))
        return patterns


# --- Pick and pack lists: the selected fulfilments, for the store and the boxes -----


class PickListFilterSet(FulfilmentFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=[(s.value, s.label) for s in Fulfilment.Status if s in Fulfilment.OPEN],
    )


class PickListChooseView(AdminPage, TemplateView):
    """The user's open fulfilments with a tick each, to print lists for.

    Opens on the confirmed ones (what is packed next), all ticked.
    """

    template_name = "market/admin/picklist_choose.html"
    page_title = _("Soạn hàng")
    header_icon = "list-ul"
    default_filters = {"status": Fulfilment.Status.CONFIRMED}

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, Fulfilment, ("view", "change"))
        return super().dispatch(request, *args, **kwargs)

    def get_parent_crumbs(self):
        return [
            {
                "url": reverse(FULFILMENT_LIST_URL_NAME),
                "label": gettext("Đơn của hợp tác xã"),
            }
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = set(self.request.GET) & set(PickListFilterSet.base_filters)
        filters = PickListFilterSet(
            self.request.GET if asked else self.default_filters,
            queryset=picklists.pickable(self.request.user).order_by("created_at", "pk"),
            request=self.request,
        )
        # A filter that makes no sense lists nothing rather than everything.
        rows = (
            list(filters.qs[: picklists.MAX_SELECTED + 1]) if filters.is_valid() else []
        )
        context.update(
            filters=filters,
            rows=rows[: picklists.MAX_SELECTED],
            more=len(rows) > picklists.MAX_SELECTED,
            max_selected=picklists.MAX_SELECTED,
            picklist_url=reverse(PICKLIST_URL_NAME),
            pdf_url=reverse(PICKLIST_PDF_URL_NAME),
            inspect_url_name=FULFILMENT_INSPECT_URL_NAME,
        )
        return context


class PickListMixin:
    """Builds the list named by ?id=…&id=… or says why it cannot.

    An id outside the user's cooperatives (alone or among their own) is a 404;
    none, too many, or a cancelled or unpaid one go back to the choice with a
    message.
    """

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, Fulfilment, ("view", "change"))
        try:
            ids = picklists.parse_ids(request.GET.getlist("id"))
            self.picklist = picklists.build(request.user, ids)
        except picklists.NotFound:
            raise Http404 from None
        except picklists.SelectionError as refused:
            messages.error(request, _refusal_message(refused))
            return HttpResponseRedirect(reverse(PICKLIST_CHOOSE_URL_NAME))
        return super().dispatch(request, *args, **kwargs)


def _refusal_message(refused: picklists.SelectionError) -> str:
    if refused.code == "none":
        return gettext("Chưa chọn phần đơn nào: đánh dấu ít nhất một phần đơn.")
    if refused.code == "too_many":
        return gettext("Chọn tối đa %(count)s phần đơn cho một lần in.") % {
            "count": picklists.MAX_SELECTED
        }
    return gettext(
        "Không soạn hàng được cho đơn %(numbers)s: phần đơn đã hủy, đang chờ "
        "thanh toán hoặc đã giao đi."
    ) % {"numbers": ", ".join(refused.numbers)}


class PickListView(PickListMixin, TemplateView):
    """The pick list and pack slips as a clean page to print (no admin chrome)."""

    template_name = "market/admin/picklist.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        query = self.request.GET.urlencode()
        return {
            **super().get_context_data(**kwargs),
            "picklist": self.picklist,
            "pdf_url": f"{reverse(PICKLIST_PDF_URL_NAME)}?{query}",
            "choose_url": reverse(PICKLIST_CHOOSE_URL_NAME),
        }


class PickListPdfView(PickListMixin, View):
    """The same lists as an A4 PDF."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            picklist_pdf.picklist_pdf(self.picklist), content_type="application/pdf"
        )
        name = picklist_pdf.filename_for(self.picklist)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class PickListViewSet(PermissionMenuViewSet):
    name = "market_picklists"
    url_prefix = "don-hang/soan-hang"
    icon = "list-ul"
    menu_label = _("Soạn hàng")
    menu_name = "picklists"
    menu_permission = (Fulfilment, ("view", "change"))

    def get_urlpatterns(self):
        return [
            path("", PickListChooseView.as_view(), name="choose"),
            path("in/", PickListView.as_view(), name="print"),
            path("pdf/", PickListPdfView.as_view(), name="pdf"),
        ]


FULFILMENT_LIST_URL_NAME = "market_fulfilments:index"
FULFILMENT_INSPECT_URL_NAME = "market_fulfilments:inspect"
PICKLIST_CHOOSE_URL_NAME = "market_picklists:choose"
PICKLIST_URL_NAME = "market_picklists:print"
PICKLIST_PDF_URL_NAME = "market_picklists:pdf"


# --- Orders (district staff) --------------------------------------------------------


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Order.Status.choices
    )
    payment_status = django_filters.ChoiceFilter(
        label=_("Thanh toán"), choices=Order.PaymentStatus.choices
    )
    payment_method = django_filters.ChoiceFilter(
        label=_("Phương thức thanh toán"), choices=PaymentMethod.choices
    )
    needs_attention = django_filters.BooleanFilter(label=_("Cần xử lý"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Ngày đặt"))

    class Meta:
        model = Order
        fields = ["status", "payment_status", "payment_method", "needs_attention"]


def _bank_payment(order: Order) -> Payment | None:
    return (
        order.payments.filter(method=PaymentMethod.BANK_TRANSFER)
        .order_by("-attempt")
        .first()
    )


def awaits_bank_transfer(order: Order) -> bool:
    """Whether staff may record a bank transfer for `order` now."""
    return (
        order.payment_method == PaymentMethod.BANK_TRANSFER
        and order.payment_status == Order.PaymentStatus.UNPAID
        and order.status in (Order.Status.AWAITING_PAYMENT, Order.Status.EXPIRED)
    )


class OrderIndexView(LocalTimeExportMixin, generic.IndexView):
    pass


class OrderInspectView(generic.InspectView):
    template_name = "market/admin/order_inspect.html"
    page_title = _("Đơn hàng")
    fulfilment_inspect_url_name = "market_fulfilments:inspect"
    bank_received_url_name = None
    resolve_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(Order.objects.select_related("user"), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        fulfilments = list(
            order.fulfilments.select_related("cooperative").order_by(
                "cooperative__name"
            )
        )
        context.update(
            order=order,
            fulfilments=[
                {
                    "fulfilment": f,
                    "url": reverse(self.fulfilment_inspect_url_name, args=(f.pk,)),
                }
                for f in fulfilments
            ],
            payments=list(order.payments.order_by("attempt")),
            events=event_rows(
                order.events.select_related("user", "fulfilment__cooperative")
            ),
            bank_received_url=(
                reverse(self.bank_received_url_name, args=(order.pk,))
                if awaits_bank_transfer(order) and self.user_has_permission("change")
                else None
            ),
            resolve_url=(
                reverse(self.resolve_url_name, args=(order.pk,))
                if order.needs_attention and self.user_has_permission("change")
                else None
            ),
            transfer_reference=ordering.transfer_reference(order),
        )
        return context


class BankTransferForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Số tiền đã nhận (đồng)"),
        min_value=1,
        max_value=10**12,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Đúng số tiền trên sao kê ngân hàng, ví dụ 330000."),
    )
    amount_differs = forms.BooleanField(
        label=_("Số tiền khác tổng đơn: vẫn ghi nhận và đánh dấu đơn cần xử lý"),
        required=False,
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if (
            amount is not None
            and amount != self.order.total
            and not cleaned.get("amount_differs")
        ):
            self.add_error(
                "amount",
                ValidationError(
                    _(
                        "Số tiền %(amount)s khác tổng đơn %(total)s. Kiểm tra lại "
                        "sao kê; nếu người mua chuyển sai số tiền, đánh dấu ô bên "
                        "dưới."
                    )
                    % {
                        "amount": format_vnd(amount),
                        "total": format_vnd(self.order.total),
                    },
                    code="amount_differs",
                ),
            )
        return cleaned


class OrderActionMixin:
    """An admin page about one order, for users who may change orders."""

    model = Order
    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, Order, ("change",))
        self.order = get_object_or_404(Order, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def order_url(self) -> str:
        return reverse(self.inspect_url_name, args=(self.order.pk,))


class BankTransferReceivedView(OrderActionMixin, AdminPage, FormView):
    """District staff saw a bank transfer arrive: the order is paid."""

    template_name = "market/admin/bank_received.html"
    form_class = BankTransferForm
    page_title = _("Xác nhận đã nhận chuyển khoản")
    header_icon = "success"

    def get(self, request, *args, **kwargs):
        if not awaits_bank_transfer(self.order):
            return self._not_waiting()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not awaits_bank_transfer(self.order):
            return self._not_waiting()
        return super().post(request, *args, **kwargs)

    def _not_waiting(self):
        messages.warning(
            self.request, gettext("Đơn hàng này không chờ tiền chuyển khoản.")
        )
        return HttpResponseRedirect(self.order_url())

    def get_page_subtitle(self):
        return self.order.number

    def get_parent_crumbs(self):
        return [
            {"url": reverse("market_orders:index"), "label": gettext("Đơn hàng")},
            {"url": self.order_url(), "label": self.order.number},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def form_valid(self, form):
        amount = form.cleaned_data["amount"]
        outcome = ordering.mark_paid(
            self.order,
            amount=amount,
            currency="vnd",
            payment=_bank_payment(self.order),
            user=self.request.user,
            source="bank",
        )
        number = self.order.number
        if outcome in ("paid", "late_paid"):
            messages.success(
                self.request,
                gettext(
                    "Đơn %(number)s đã thanh toán; các hợp tác xã được báo để "
                    "giao hàng."
                )
                % {"number": number},
            )
        elif outcome == "already_paid":
            messages.warning(
                self.request,
                gettext("Đơn %(number)s đã được ghi nhận thanh toán trước đó.")
                % {"number": number},
            )
        elif outcome == "refund_needed":
            messages.error(
                self.request,
                gettext(
                    "Tiền đến sau khi hết hạn giữ hàng và hàng đã bán: đơn %(number)s "
                    "bị hủy. Hãy chuyển trả %(amount)s cho người mua."
                )
                % {"number": number, "amount": format_vnd(amount)},
            )
        else:  # amount_mismatch
            messages.warning(
                self.request,
                gettext(
                    "Đã ghi nhận %(amount)s nhưng khác tổng đơn: đơn %(number)s được "
                    "đánh dấu cần xử lý."
                )
                % {"number": number, "amount": format_vnd(amount)},
            )
        return HttpResponseRedirect(self.order_url())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "order": self.order,
            "transfer_reference": ordering.transfer_reference(self.order),
            "order_url": self.order_url(),
        }


class ResolveAttentionView(OrderActionMixin, View):
    """POST only: the person who handled a flagged order clears the flag."""

    http_method_names = ["post", "options"]

    def post(self, request, pk):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=self.order.pk)
            if order.needs_attention:
                reason = order.attention_reason
                order.needs_attention = False
                order.save(update_fields=["needs_attention", "updated_at"])
                ordering.log_event(
                    order,
                    "attention_resolved",
                    user=request.user,
                    message=request.POST.get("note", "")[:255] or reason,
                )
        messages.success(
            request,
            gettext("Đơn %(number)s đã xử lý xong.") % {"number": order.number},
        )
        return HttpResponseRedirect(self.order_url())


class OrderViewSet(ScopedModelViewSet):
    model = Order
    name = "market_orders"
    url_prefix = "don-hang/tat-ca"
    icon = "form"
    menu_label = _("Tất cả đơn hàng")
    menu_name = "orders"
    index_view_class = OrderIndexView
    inspect_view_class = OrderInspectView
    ordering = "-created_at"
    search_fields = ["number", "contact_name", "phone", "email"]
    search_backend_name = None
    filterset_class = OrderFilterSet
    list_display = [
        "number",
        "contact_name",
        StatusTagColumn(
            "status",
            label=_("Trạng thái"),
            accessor="get_status_display",
            primary=lambda o: o.status == Order.Status.PLACED,
            sort_key="status",
        ),
        Column(
            "payment_method",
            label=_("Phương thức"),
            accessor="get_payment_method_display",
        ),
        Column(
            "payment_status",
            label=_("Thanh toán"),
            accessor="get_payment_status_display",
        ),
        _vnd_column("total", _("Tổng tiền"), lambda o: o.total),
        BooleanColumn("needs_attention", label=_("Cần xử lý")),
        DateColumn("created_at", label=_("Đặt lúc"), sort_key="created_at"),
    ]
    list_export = [
        "number",
        "get_status_display",
        "contact_name",
        "phone",
        "email",
        "address",
        "get_payment_method_display",
        "get_payment_status_display",
        "goods_total",
        "delivery_total",
        "total",
        "needs_attention",
        "attention_reason",
        "created_at",
    ]
    export_headings = {
        "number": _("Mã đơn hàng"),
        "get_status_display": _("Trạng thái"),
        "contact_name": _("Người mua"),
        "phone": _("Điện thoại"),
        "email": _("Email"),
        "address": _("Địa chỉ"),
        "get_payment_method_display": _("Phương thức thanh toán"),
        "get_payment_status_display": _("Thanh toán"),
        "goods_total": _("Tiền hàng (đồng)"),
        "delivery_total": _("Phí giao hàng (đồng)"),
        "total": _("Tổng cộng (đồng)"),
        "needs_attention": _("Cần xử lý"),
        "attention_reason": _("Lý do cần xử lý"),
        "created_at": _("Đặt lúc"),
    }
    export_filename = "don-hang"

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            bank_received_url_name=self.get_url_name("bank_received"),
            resolve_url_name=self.get_url_name("resolve"),
            **kwargs,
        )

    def get_urlpatterns(self):
        inspect = self.get_url_name("inspect")
        return [
            *super().get_urlpatterns(),
            path(
                "bank-received/<int:pk>/",
                self.construct_view(BankTransferReceivedView, inspect_url_name=inspect),
                name="bank_received",
            ),
            path(
                "resolve/<int:pk>/",
                self.construct_view(ResolveAttentionView, inspect_url_name=inspect),
                name="resolve",
            ),
        ]


# --- Payouts -----------------------------------------------------------------------


class PayoutFilterSet(WagtailFilterSet):
    cooperative = cooperative_filter()
    paid_on = django_filters.DateFromToRangeFilter(label=_("Ngày chi"))

    class Meta:
        model = Payout
        fields = ["cooperative", "paid_on"]


class PayoutCreateView(generic.CreateView):
    """Recording a payout books it in the ledger in the same transaction."""

    def save_instance(self):
        data = self.form.cleaned_data
        instance = settlement.record_payout(
            cooperative=data["cooperative"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            note=data.get("note", ""),
            user=self.request.user,
        )
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # From a cooperative's ledger: that cooperative, filled in.
        chosen = self.request.GET.get("cooperative", "")
        if self.request.method == "GET" and chosen.isdigit():
            kwargs["initial"] = {**kwargs.get("initial", {}), "cooperative": chosen}
        return kwargs

    def get_edit_url(self):
        # A payout is never edited; its page is the place to look at it.
        return reverse("market_payouts:inspect", args=(self.object.pk,))

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), gettext("Xem"))]

    def get_success_url(self):
        return reverse(LEDGER_STATEMENT_URL_NAME, args=(self.object.cooperative_id,))


class PayoutForm(CooperativeOwnedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "paid_on" in self.fields and not self.initial.get("paid_on"):
            self.initial["paid_on"] = timezone.localdate()
        if "cooperative" in self.fields:
            self.fields["cooperative"].queryset = self.fields[
                "cooperative"
            ].queryset.order_by("name")

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(_("Ngày chi không thể ở tương lai."))
        return paid_on


class PayoutViewSet(ScopedModelViewSet):
    model = Payout
    name = "market_payouts"
    url_prefix = "don-hang/chi-tra"
    icon = "success"
    menu_label = _("Chi trả cho hợp tác xã")
    menu_name = "payouts"
    served_views = frozenset({"index", "index_results", "inspect", "add"})
    add_view_class = PayoutCreateView
    base_form_class = PayoutForm
    list_select_related = ("cooperative", "recorded_by")
    ordering = "-paid_on"
    search_fields = ["reference", "note", "cooperative__name"]
    search_backend_name = None
    filterset_class = PayoutFilterSet
    list_display = [
        "reference",
        "cooperative",
        _vnd_column("amount", _("Số tiền"), lambda p: p.amount),
        DateColumn("paid_on", label=_("Ngày chi"), sort_key="paid_on"),
        Column("recorded_by", label=_("Người ghi"), accessor="recorded_by"),
    ]
    list_export = ["cooperative.name", "amount", "paid_on", "reference", "note"]
    export_headings = {
        "cooperative.name": _("Hợp tác xã"),
        "amount": _("Số tiền (đồng)"),
        "paid_on": _("Ngày chi"),
        "reference": _("Số chứng từ"),
        "note": _("Ghi chú"),
    }
    export_filename = "chi-tra"
    inspect_view_fields = [
        "cooperative",
        "amount",
        "paid_on",
        "reference",
        "note",
        "recorded_by",
        "created_at",
    ]
    panels = [
        FieldPanel("cooperative"),
        FieldRowPanel([FieldPanel("amount"), FieldPanel("paid_on")]),
        FieldPanel("reference"),
        FieldPanel("note"),
    ]


# --- Settlement ledger --------------------------------------------------------------


class StatementFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
        return cleaned


def _cooperatives_for(user):
    return scope_queryset(user, Cooperative.objects.all()).order_by("name")


class LedgerIndexView(AdminPage, TemplateView):
    """Each cooperative the user manages, with what the marketplace owes it."""

    template_name = "market/admin/ledger_index.html"
    page_title = _("Sổ đối soát")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, LedgerEntry, ("view", "add", "change"))
        cooperatives = list(_cooperatives_for(request.user))
        if len(cooperatives) == 1 and not sees_all_cooperatives(request.user):
            return HttpResponseRedirect(
                reverse(LEDGER_STATEMENT_URL_NAME, args=(cooperatives[0].pk,))
            )
        self.cooperatives = cooperatives
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = settlement.balances(self.cooperatives)
        context["rows"] = [
            {
                "cooperative": cooperative,
                "balance": totals.get(cooperative.pk, 0),
                "url": reverse(LEDGER_STATEMENT_URL_NAME, args=(cooperative.pk,)),
            }
            for cooperative in self.cooperatives
        ]
        return context


class LedgerStatementView(AdminPage, TemplateView):
    """One cooperative's entries, balance and CSV export (?export=csv)."""

    template_name = "market/admin/ledger_statement.html"
    page_title = _("Sổ đối soát")
    header_icon = "table"
    rows_per_page = 100

    def dispatch(self, request, *args, pk, **kwargs):
        _require(request.user, LedgerEntry, ("view", "add", "change"))
        # Another cooperative's ledger does not exist for an editor.
        self.cooperative = get_object_or_404(_cooperatives_for(request.user), pk=pk)
        self.filter_form = StatementFilterForm(request.GET or None)
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_subtitle(self):
        return self.cooperative.name

    def get_parent_crumbs(self):
        return [{"url": reverse(LEDGER_INDEX_URL_NAME), "label": self.page_title}]

    @cached_property
    def statement(self) -> settlement.Statement:
        dates = {}
        if self.filter_form.is_bound and self.filter_form.is_valid():
            dates = {
                key: value
                for key, value in self.filter_form.cleaned_data.items()
                if value
            }
        return settlement.statement(self.cooperative, **dates)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self) -> HttpResponse:
        statement = self.statement
        response = HttpResponse(
            settlement.statement_csv(statement).encode("utf-8"),
            content_type=spreadsheets.CSV_CONTENT_TYPE,
        )
        today = timezone.localdate().isoformat()
        name = slugify(self.cooperative.slug or self.cooperative.pk)
        response["Content-Disposition"] = (
            f'attachment; filename="doi-soat-{name}-{today}.csv"'
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params["export"] = "csv"
        payouts = policy_registry.get_by_type(Payout)
        # Newest first on screen, a page at a time; the CSV has every row.
        rows = Paginator(list(reversed(self.statement.rows)), self.rows_per_page)
        page = rows.get_page(self.request.GET.get("p"))
        params.pop("p", None)
        page_params = self.request.GET.copy()
        page_params.pop("p", None)
        page_params.pop("export", None)
        context.update(
            page_params=page_params.urlencode(),
            cooperative=self.cooperative,
            statement=self.statement,
            page=page,
            totals=[
                (label, self.statement.total(kind))
                for kind, label in LedgerEntry.Kind.choices
            ],
            filter_form=self.filter_form,
            csv_url=f"{self.request.path}?{params.urlencode()}",
            payout_add_url=(
                f"{reverse('market_payouts:add')}?cooperative={self.cooperative.pk}"
                if payouts.user_has_permission(self.request.user, "add")
                else None
            ),
            index_url=reverse(LEDGER_INDEX_URL_NAME),
        )
        return context


class LedgerViewSet(PermissionMenuViewSet):
    name = "market_ledger"
    url_prefix = "don-hang/doi-soat"
    icon = "table"
    menu_label = _("Sổ đối soát")
    menu_name = "ledger"
    menu_permission = (LedgerEntry, ("view", "add", "change"))

    def get_urlpatterns(self):
        return [
            path("", LedgerIndexView.as_view(), name="index"),
            path("<int:pk>/", LedgerStatementView.as_view(), name="statement"),
        ]


LEDGER_INDEX_URL_NAME = "market_ledger:index"
LEDGER_STATEMENT_URL_NAME = "market_ledger:statement"


class OrdersViewSetGroup(ViewSetGroup):
    items = (
        FulfilmentViewSet,
        PickListViewSet,
        OrderViewSet,
        PayoutViewSet,
        LedgerViewSet,
    )
    menu_icon = "clipboard-list"
    menu_label = pgettext_lazy("menu", "Đơn hàng")
    menu_name = "orders_group"
    menu_order = 205


# --- Stock: adjusted here, never through the product form ---------------------------


class StockAdjustForm(forms.Form):
    MODE_ADD = stock.ADD
    MODE_SET = stock.SET

    mode = forms.ChoiceField(
        label=_("Cách điều chỉnh"),
        choices=[
            (MODE_ADD, _("Nhập thêm hàng về kho")),
            (MODE_SET, _("Đặt lại số tồn kho sau khi kiểm kho")),
        ],
        initial=MODE_ADD,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(
        label=_("Số lượng"),
        min_value=0,
        max_value=stock.MAX_STOCK,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_(
            "Nhập thêm: số đơn vị mới về. Đặt lại: số đơn vị đang có thật trong kho."
        ),
    )
    # The count the person saw: a "set" that would erase an order placed
    # meanwhile is refused.
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.MODE_ADD and cleaned.get("quantity") == 0:
            self.add_error("quantity", _("Nhập số đơn vị mới về kho (lớn hơn 0)."))
        return cleaned


def adjust_stock(
    product: Product, *, mode: str, quantity: int, expected: int, user, note: str = ""
) -> tuple[int, int]:
    """Add received units or set a counted stock (`stock.adjust`), logged."""
    with transaction.atomic():
        before, after = stock.adjust(
            product.pk, mode=mode, quantity=quantity, expected=expected
        )
        log(
            instance=product,
            action="market.stock_adjust",
            user=user,
            data={"mode": mode, "before": before, "after": after, "note": note},
        )
    product.stock = after
    return before, after


class StockAdjustView(AdminPage, FormView):
    template_name = "market/admin/stock_adjust.html"
    form_class = StockAdjustForm
    page_title = _("Điều chỉnh tồn kho")
    header_icon = "pick"

    def dispatch(self, request, *args, pk, **kwargs):
        policy = policy_registry.get_by_type(Product)
        # Another cooperative's product does not exist for an editor.
        self.product = get_object_or_404(
            policy.instances_user_has_any_permission_for(
                request.user, ["add", "change", "delete", "publish"]
            ).select_related("cooperative"),
            pk=pk,
        )
        if not policy.user_has_permission_for_instance(
            request.user, "change", self.product
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_subtitle(self):
        return self.product.name

    def get_parent_crumbs(self):
        return [{"url": reverse(PRODUCT_LIST_URL_NAME), "label": gettext("Sản phẩm")}]

    def get_initial(self):
        return {"mode": StockAdjustForm.MODE_ADD, "expected": self.product.stock}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            before, after = adjust_stock(
                self.product,
                mode=data["mode"],
                quantity=data["quantity"],
                expected=data["expected"],
                user=self.request.user,
                note=data["note"],
            )
        except stock.StockChanged as changed:
            self.product.stock = changed.current
            form = self.form_class(
                initial={**data, "expected": changed.current},
            )
            form.is_bound = False
            messages.error(
                self.request,
                gettext(
                    "Tồn kho vừa thay đổi (có đơn hàng mới): hiện còn %(stock)s. "
                    "Kiểm tra lại rồi lưu."
                )
                % {"stock": changed.current},
            )
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            self.request,
            gettext("Tồn kho %(name)s: %(before)s → %(after)s %(unit)s.")
            % {
                "name": self.product.name,
                "before": before,
                "after": after,
                "unit": self.product.get_unit_display(),
            },
        )
        return HttpResponseRedirect(reverse(PRODUCT_LIST_URL_NAME))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "product": self.product,
            "product_list_url": reverse(PRODUCT_LIST_URL_NAME),
        }


class StockViewSet(ViewSet):
    """No menu entry: reached from the product listing and product page."""

    name = "market_stock"
    url_prefix = "cho/ton-kho"
    icon = "pick"

    def get_urlpatterns(self):
        return [path("<int:pk>/", StockAdjustView.as_view(), name="index")]


PRODUCT_LIST_URL_NAME = "wagtailsnippets_market_product:list"
STOCK_URL_NAME = "market_stock:index"


def stock_button(user, product: Product, priority: int = 25) -> Button | None:
    """The "adjust stock" button for `product`, if `user` may change it."""
    policy = policy_registry.get_by_type(Product)
    if not policy.user_has_permission_for_instance(user, "change", product):
        return None
    return Button(
        gettext("Điều chỉnh tồn kho"),
        url=reverse(STOCK_URL_NAME, args=(product.pk,)),
        icon_name="pick",
        priority=priority,
    )
