"""Background work for the market: e-mails about orders.

Each task takes primary keys, loads fresh rows and sends one message; the
immediate backend runs them at once in development and tests, a worker in
production (settings.TASKS).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Fulfilment, Order, OrderEvent


def _send(template: str, context: dict, to: list[str]) -> None:
    to = [address for address in to if address]
    if not to:
        return
    context = {"base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"market/emails/{template}_subject.txt", context)
        text = render_to_string(f"market/emails/{template}.txt", context)
        html = render_to_string(f"market/emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=to
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _order(order_id: int) -> Order:
    return Order.objects.prefetch_related(
        "fulfilments__cooperative", "fulfilments__lines"
    ).get(pk=order_id)


@task()
def send_order_confirmation(order_id: int) -> None:
    order = _order(order_id)
    _send("order_confirmation", {"order": order}, [order.email])


@task()
def send_bank_transfer_instructions(order_id: int) -> None:
    order = _order(order_id)
    _send("bank_transfer", {"order": order}, [order.email])


@task()
def send_new_order_to_cooperative(fulfilment_id: int) -> None:
    fulfilment = (
        Fulfilment.objects.select_related("order", "cooperative")
        .prefetch_related("lines")
        .get(pk=fulfilment_id)
    )
    _send(
        "new_order_cooperative",
        {"fulfilment": fulfilment, "order": fulfilment.order},
        [fulfilment.cooperative.order_notification_email],
    )


@task()
def send_fulfilment_update(fulfilment_id: int, event_id: int) -> None:
    fulfilment = Fulfilment.objects.select_related("order", "cooperative").get(
        pk=fulfilment_id
    )
    event = OrderEvent.objects.get(pk=event_id)
    _send(
        "fulfilment_update",
        {"fulfilment": fulfilment, "order": fulfilment.order, "event": event},
        [fulfilment.order.email],
    )


@task()
def send_staff_attention(order_id: int) -> None:
    order = _order(order_id)
    _send("staff_attention", {"order": order}, [settings.MARKET_STAFF_EMAIL])
