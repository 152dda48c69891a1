"""The e-mails the market sends about orders, in Vietnamese, as text and HTML.

Each function renders `market/emails/<name>_subject.txt`, `<name>.txt` and
`<name>.html` and sends one message; it returns how many were sent (0 when
there is nobody to send to). They run in background tasks (`market.tasks`),
outside any request, so links are made absolute from the site's base URL.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from producers import mail
from producers.mail import site_url

from .models import Fulfilment, Order, OrderLine
from .payments import vietqr

QR_CONTENT_ID = "vietqr"


def order_with_lines(order: Order) -> Order:
    """The order again, with its parts, their cooperatives and lines in a few
    queries."""
    return Order.objects.prefetch_related(
        Prefetch(
            "fulfilments",
            queryset=Fulfilment.objects.select_related("cooperative")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.all()))
            .order_by("cooperative__name", "pk"),
        ),
        "payments",
    ).get(pk=order.pk)


def _send(name: str, context: dict, to: list[str], *, images=()) -> int:
    return mail.send_templated(f"market/emails/{name}", context, to, images=images)


def _order_context(order: Order) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        order_url = site_url(order.get_absolute_url())
    return {
        "order": order,
        "fulfilments": list(order.fulfilments.all()),
        "order_url": order_url,
    }


def order_confirmation(order: Order) -> int:
    """To the buyer: the order is placed (cash on delivery) or paid."""
    order = order_with_lines(order)
    return _send("order_confirmation", _order_context(order), [order.email])


def bank_transfer_instructions(order: Order) -> int:
    """To the buyer: how to pay the order by bank transfer, with the VietQR code."""
    order = order_with_lines(order)
    if order.status != Order.Status.AWAITING_PAYMENT:
        # Paid or ended before the task ran: instructions would mislead.
        return 0
    transfer = vietqr.for_order(order)
    context = {**_order_context(order), "transfer": transfer, "qr_cid": QR_CONTENT_ID}
    images = [(QR_CONTENT_ID, transfer.png)] if transfer else []
    return _send("bank_transfer", context, [order.email], images=images)


def new_order_for_cooperative(fulfilment: Fulfilment) -> int:
    """To the cooperative: its part of a new order, to confirm and pack."""
    cooperative = fulfilment.cooperative
    context = {
        "order": fulfilment.order,
        "fulfilment": fulfilment,
        "cooperative": cooperative,
        "lines": list(fulfilment.lines.all()),
        "admin_url": site_url("/admin/"),
    }
    return _send(
        "new_order_cooperative", context, [cooperative.order_notification_email]
    )


def fulfilment_update(event) -> int:
    """To the buyer: a cooperative moved its part of the order."""
    fulfilment = event.fulfilment
    order = event.order
    try:
        status_label = Fulfilment.Status(event.to_status).label
    except ValueError:
        status_label = event.to_status
    context = {
        **_order_context(order),
        "event": event,
        "fulfilment": fulfilment,
        "cooperative": fulfilment.cooperative,
        "status": event.to_status,
        "status_label": status_label,
        "lines": list(fulfilment.lines.all()),
    }
    return _send("fulfilment_update", context, [order.email])


def staff_attention(order: Order) -> int:
    """To district staff: an order needs a person (a refund, a mismatch)."""
    order = order_with_lines(order)
    context = {**_order_context(order), "admin_url": site_url("/admin/")}
    return _send("staff_attention", context, [settings.MARKET_STAFF_EMAIL])
