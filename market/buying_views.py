"""Buying pages: the cart, checkout, an order's own page and guest tracking.

Views stay thin: the cart is `market.cart`, placing and paying are
`market.ordering` and `market.payments.stripe`. Every page works as plain
forms (POST, redirect, GET, with messages); `market/static/market/buying.js`
only makes them quicker.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from producers import places
from producers.ratelimit import rate_limit

from . import ordering
from .cart import MAX_QUANTITY, Cart, CartError
from .forms import (
    CHECKOUT_TOKEN,
    DEFAULT_PROVINCE,
    CartLineForm,
    CheckoutForm,
    TrackingForm,
    phones_match,
)
from .models import (
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentMethod,
    Product,
)
from .payments import stripe as stripe_payments
from .payments import vietqr
from .redirects import next_path
from .stock import InsufficientStock

# A fetch() from buying.js asks for the cart's body only, to swap it in place.
PARTIAL_HEADER = "HTTP_X_CART_PARTIAL"
# How often the payment status page reloads itself while Stripe's webhook is due.
STATUS_REFRESH_SECONDS = 5
# Guest tracking: attempts per order number, and per client address, in a
# window, then a pause. Per number stops guessing the contact of one order
# from many addresses; per address stops one client sweeping many numbers.
TRACKING_ATTEMPTS = 10
TRACKING_ATTEMPTS_PER_CLIENT = 30
TRACKING_WINDOW_SECONDS = 15 * 60


# Cart


def _apply_cart_change(request, cart: Cart) -> None:
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Không cập nhật được giỏ hàng: số lượng không hợp lệ.")
        )
        return
    action = form.cleaned_data["action"]
    product_id = form.cleaned_data["product"]
    try:
        if action == CartLineForm.ADD:
            change = cart.add(product_id, form.cleaned_data["quantity"])
        elif action == CartLineForm.UPDATE:
            change = cart.set(product_id, form.cleaned_data["quantity"])
        else:
            change = cart.remove(product_id)
    except CartError as error:
        messages.error(request, error.message)
        return
    level = messages.WARNING if change.level == "warning" else messages.SUCCESS
    messages.add_message(request, level, change.message)


def cart_context(request, cart: Cart) -> dict:
    quote = cart.quote(products=Product.objects.for_listing())
    unavailable = []
    if quote.unavailable:
        names = dict(
            Product.objects.filter(pk__in=quote.unavailable).values_list("pk", "name")
        )
        unavailable = [
            {"pk": pk, "name": names.get(pk, "")} for pk in quote.unavailable
        ]
    return {
        "cart": cart,
        "quote": quote,
        "groups": quote.groups,
        "problems": quote.problems,
        "unavailable_lines": unavailable,
        "max_quantity": MAX_QUANTITY,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def cart_view(request):
    cart = Cart.for_request(request)
    if request.method == "POST":
        _apply_cart_change(request, cart)
        if request.META.get(PARTIAL_HEADER):
            return render(
                request, "market/includes/cart_body.html", cart_context(request, cart)
            )
        return redirect(next_path(request, reverse("market:cart")))
    return render(request, "market/cart.html", cart_context(request, cart))


# Checkout


def card_unavailable_reason(total: int) -> str:
    """Why card payment cannot be offered for `total`, or "" if it can."""
    if not stripe_payments.card_payments_enabled():
        return _(
            "Thanh toán thẻ tạm thời chưa mở. Vui lòng chọn thanh toán khi nhận "
            "hàng hoặc chuyển khoản ngân hàng."
        )
    if not stripe_payments.card_amount_allowed(total):
        return str(stripe_payments.CardAmountRefused(total).message)
    return ""


def _choose_delivery(quote: ordering.Quote, chosen: dict[int, str]) -> None:
    """Set each group's delivery method to the buyer's choice where offered."""
    for group in quote.groups:
        method = chosen.get(group.cooperative.pk)
        if method in group.options:
            group.delivery_method = method


def _initial_checkout(request) -> dict:
    initial = {
        "province": DEFAULT_PROVINCE,
        "payment_method": PaymentMethod.CASH_ON_DELIVERY,
    }
    user = request.user
    if user.is_authenticated:
        initial["contact_name"] = user.get_full_name()
        initial["email"] = user.email
        last = user.orders.order_by("-created_at", "-pk").first()
        if last is not None:
            initial.update(
                contact_name=last.contact_name,
                phone=last.phone,
                email=last.email,
                province=last.province_code,
                commune=last.commune_code,
                street=last.street,
            )
    return initial


def _refresh_initial(request) -> dict:
    """The buyer's typing, as initial values for a form shown again unchecked."""
    return {key: request.POST.get(key) for key in request.POST if key != "refresh"}


def _order_for_token(token: str) -> Order | None:
    # Only a well-formed token is looked up (a NUL would be a 500 on PostgreSQL).
    if not CHECKOUT_TOKEN.match(token):
        return None
    return Order.objects.filter(checkout_token=token).first()


def _shortage_messages(request, error: InsufficientStock) -> None:
    for shortage in error.shortages:
        if shortage.available:
            text = _(
                "%(name)s vừa có người mua: chỉ còn %(available)s, bạn đặt "
                "%(requested)s. Vui lòng sửa số lượng."
            )
        else:
            text = _("%(name)s vừa hết hàng. Vui lòng bỏ khỏi giỏ hàng.")
        messages.error(
            request,
            text
            % {
                "name": shortage.name,
                "available": shortage.available,
                "requested": shortage.requested,
            },
        )


def _start_card_payment(request, order: Order):
    """Send the buyer to Stripe, or back to the order page with the reason."""
    order_url = order.get_absolute_url()
    success_url = request.build_absolute_uri(
        reverse(
            "market:order_payment",
            kwargs={"number": order.number, "token": order.access_token},
        )
    )
    cancel_url = request.build_absolute_uri(order_url + "?thanh-toan=huy")
    try:
        payment = stripe_payments.start_checkout(
            order, success_url=success_url, cancel_url=cancel_url
        )
    except stripe_payments.CardPaymentError as error:
        messages.error(request, error.message)
        return redirect(order_url)
    return redirect(payment.checkout_url)


def _after_placing(request, order: Order):
    if (
        order.payment_method == PaymentMethod.CARD
        and order.status == Order.Status.AWAITING_PAYMENT
    ):
        return _start_card_payment(request, order)
    return redirect(order.get_absolute_url())


@never_cache
@rate_limit("checkout", methods={"POST"})
@require_http_methods(["GET", "POST"])
def checkout(request):
    cart = Cart.for_request(request)
    posted = request.method == "POST"
    if posted:
        # A second press of "place order" (or a reload of the POST): the first
        # one made the order and emptied the cart; show that order.
        existing = _order_for_token(request.POST.get("checkout_token", ""))
        if existing is not None:
            return _after_placing(request, existing)

    quote = cart.quote()
    if quote.is_empty and not quote.unavailable:
        messages.info(request, _("Giỏ hàng đang trống."))
        return redirect("market:cart")
    if quote.problems:
        for problem in quote.problems:
            messages.warning(request, problem)
        return redirect("market:cart")

    refresh = posted and "refresh" in request.POST
    if posted and not refresh:
        form = CheckoutForm(request.POST, quote=quote)
    else:
        initial = _refresh_initial(request) if refresh else _initial_checkout(request)
        initial.setdefault("checkout_token", secrets.token_urlsafe(32))
        form = CheckoutForm(initial=initial, quote=quote)
    _choose_delivery(quote, form.delivery_choices())
    form.card_unavailable_reason = card_unavailable_reason(quote.total)

    if posted and not refresh and form.is_valid():
        seen = form.cleaned_data.get("goods_total")
        if seen is not None and seen != quote.goods_total:
            form.add_error(
                None,
                _(
                    "Giá hoặc số lượng trong giỏ hàng vừa thay đổi. Vui lòng xem "
                    "lại tổng tiền rồi bấm “Đặt hàng”."
                ),
            )
    if posted and not refresh and form.is_valid():
        data = form.cleaned_data
        details = ordering.CheckoutDetails(
            contact_name=data["contact_name"],
            phone=data["phone"],
            email=data["email"],
            province_code=data["province"],
            commune_code=data["commune"],
            street=data["street"],
            note=data["note"],
            payment_method=data["payment_method"],
            delivery=form.delivery(),
        )
        try:
            order = ordering.place_order(
                items=cart.items(),
                details=details,
                user=request.user,
                checkout_token=data["checkout_token"],
            )
        except InsufficientStock as error:
            _shortage_messages(request, error)
            return redirect("market:cart")
        except ordering.OrderingError as error:
            form.add_error(None, error.message)
        else:
            cart.clear()
            return _after_placing(request, order)

    return render(
        request,
        "market/checkout.html",
        {
            "form": form,
            "quote": quote,
            "groups": [
                {
                    "group": group,
                    "field": form[name],
                    "delivery_fee": group.cooperative.delivery_fee_for(
                        group.goods_total
                    ),
                }
                for name, group in form.delivery_fields
            ],
            "bank_transfer_hours": settings.MARKET_BANK_TRANSFER_HOURS,
            "card_unavailable_reason": form.card_unavailable_reason,
            "payment_methods": PaymentMethod,
        },
    )


@require_GET
def communes(request):
    """The communes of a province, for the checkout's commune select (JSON)."""
    try:
        province = int(request.GET.get("tinh", ""))
    except ValueError:
        province = None
    if province is None or not places.is_province(province):
        return JsonResponse({"error": "unknown province"}, status=404)
    response = JsonResponse(
        {"communes": [[code, name] for code, name in places.commune_choices(province)]}
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


# Orders


def order_queryset():
    """Orders with what their page shows, in a fixed number of queries."""
    return Order.objects.prefetch_related(
        Prefetch(
            "fulfilments",
            queryset=Fulfilment.objects.select_related("cooperative")
            .prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
            )
            .order_by("cooperative__name", "pk"),
        ),
        Prefetch(
            "events",
            queryset=OrderEvent.objects.select_related("fulfilment__cooperative"),
        ),
        Prefetch("payments", queryset=Payment.objects.order_by("-attempt")),
    )


def _order_by_token(number: str, token: str) -> Order:
    if "\x00" in number:  # PostgreSQL refuses a NUL in a query: 404, not 500
        raise Http404
    order = order_queryset().filter(number=number).first()
    if order is None or not constant_time_compare(order.access_token, token):
        raise Http404
    return order


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    note: str = ""
    problem: bool = False


ORDER_EVENT_TEXT = {
    "placed": lambda: _("Đơn hàng được đặt"),
    "paid": lambda: _("Đã nhận thanh toán"),
    "cash_paid": lambda: _("Đã thanh toán tiền mặt"),
    "expired": lambda: _("Hết hạn thanh toán: đơn hàng đã hủy"),
    "payment_failed": lambda: _("Thanh toán không thành công: đơn hàng đã hủy"),
    "paid_too_late": lambda: _(
        "Tiền đến sau khi hết hạn giữ hàng: đơn hàng đã hủy và sẽ được hoàn tiền"
    ),
    "completed": lambda: _("Đơn hàng hoàn tất"),
    "cancelled": lambda: _("Đơn hàng đã hủy"),
}
PROBLEM_EVENTS = {"expired", "payment_failed", "paid_too_late", "cancelled"}


def timeline(order: Order) -> list[TimelineEntry]:
    """What the buyer sees of the order's history: no staff-only entries."""
    entries = []
    for event in order.events.all():
        if event.fulfilment_id:
            if not event.to_status or event.to_status == event.from_status:
                continue
            try:
                label = Fulfilment.Status(event.to_status).label
            except ValueError:
                continue
            entries.append(
                TimelineEntry(
                    at=event.created_at,
                    text=f"{event.fulfilment.cooperative.name}: {label}",
                    note=event.message,
                    problem=event.to_status == Fulfilment.Status.CANCELLED,
                )
            )
        elif event.action in ORDER_EVENT_TEXT:
            entries.append(
                TimelineEntry(
                    at=event.created_at,
                    text=ORDER_EVENT_TEXT[event.action](),
                    problem=event.action in PROBLEM_EVENTS,
                )
            )
    return entries


def order_context(order: Order) -> dict:
    awaiting = order.status == Order.Status.AWAITING_PAYMENT
    transfer = None
    if awaiting and order.payment_method == PaymentMethod.BANK_TRANSFER:
        order.bank_payments = [
            p for p in order.payments.all() if p.method == PaymentMethod.BANK_TRANSFER
        ]
        transfer = vietqr.for_order(order)
    return {
        "order": order,
        "fulfilments": list(order.fulfilments.all()),
        "timeline": timeline(order),
        "awaiting_payment": awaiting,
        "transfer": transfer,
        "can_retry_card": awaiting and order.payment_method == PaymentMethod.CARD,
        "pickup": DeliveryMethod.PICKUP,
        "now": timezone.now(),
    }


@never_cache
@require_GET
def order_confirmation(request, number, token):
    order = _order_by_token(number, token)
    if request.GET.get("thanh-toan") == "huy" and order.status == (
        Order.Status.AWAITING_PAYMENT
    ):
        messages.info(
            request,
            _(
                "Bạn chưa hoàn tất thanh toán thẻ. Hàng vẫn được giữ đến hạn "
                "thanh toán; bạn có thể thanh toán lại."
            ),
        )
    return render(request, "market/order_detail.html", order_context(order))


@never_cache
@require_GET
def order_payment(request, number, token):
    """Where Stripe sends the buyer back: shows the status, never changes it.

    Only the verified webhook marks an order paid; until it has, this page
    reloads itself every few seconds.
    """
    order = _order_by_token(number, token)
    context = order_context(order)
    context["refresh_seconds"] = (
        STATUS_REFRESH_SECONDS if order.status == Order.Status.AWAITING_PAYMENT else 0
    )
    return render(request, "market/order_payment.html", context)


@require_POST
def order_retry_payment(request, number, token):
    """Another go at paying a card order (the buyer left Stripe's page)."""
    order = _order_by_token(number, token)
    if not (
        order.payment_method == PaymentMethod.CARD
        and order.status == Order.Status.AWAITING_PAYMENT
    ):
        messages.info(request, _("Đơn hàng này không còn chờ thanh toán."))
        return redirect(order.get_absolute_url())
    return _start_card_payment(request, order)


# Guest tracking


def _count_attempt(key: str) -> int:
    cache.add(key, 0, TRACKING_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        # Expired between add and incr: a fresh window.
        cache.set(key, 1, TRACKING_WINDOW_SECONDS)
        return 1


def _tracking_allowed(request, number: str) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    per_number = _count_attempt(
        "market:tracking:number:" + salted_hmac("tracking", number).hexdigest()[:32]
    )
    per_client = _count_attempt(
        "market:tracking:client:" + salted_hmac("tracking", address).hexdigest()[:32]
    )
    return (
        per_number <= TRACKING_ATTEMPTS and per_client <= TRACKING_ATTEMPTS_PER_CLIENT
    )


def _matches(order: Order | None, contact: str) -> bool:
    if order is None:
        return False
    if "@" in contact:
        return order.email.strip().lower() == contact.lower()
    return phones_match(order.phone, contact)


@never_cache
@rate_limit("tracking", methods={"POST"})
@require_http_methods(["GET", "POST"])
def order_tracking(request):
    """A guest opens their order with its number and their phone or e-mail.

    A wrong number and a wrong phone get the same answer, so the form tells
    nobody which order numbers exist; attempts are counted per number and per
    client address (the proxy in front must pass the client's address as
    REMOTE_ADDR).
    """
    status = 200
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if form.is_valid():
            if not _tracking_allowed(request, form.cleaned_data["number"]):
                form.add_error(
                    None,
                    _("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại."),
                )
                status = 429
            else:
                order = Order.objects.filter(number=form.cleaned_data["number"]).first()
                if _matches(order, form.cleaned_data["contact"]):
                    return redirect(order.get_absolute_url())
                form.add_error(
                    None,
                    _(
                        "Không tìm thấy đơn hàng với mã và thông tin liên hệ này. "
                        "Vui lòng kiểm tra lại."
                    ),
                )
    else:
        form = TrackingForm()
    return render(request, "market/order_tracking.html", {"form": form}, status=status)


def orders_for_user(user):
    return order_queryset().filter(user=user).order_by("-created_at", "-pk")
