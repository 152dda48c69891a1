"""Background work for the market: e-mails about orders.

Each task takes primary keys and reads the rows afresh, so it sees what was
committed whichever worker runs it and however late; the immediate backend
runs them at once in development and tests, a worker in production
(settings.TASKS). A row deleted meanwhile leaves nobody to tell: the task
sends nothing. Each returns how many messages it sent.
"""

from django_tasks import task

from . import emails
from .models import Fulfilment, Order, OrderEvent


@task()
def send_order_confirmation(order_id: int) -> int:
    order = Order.objects.filter(pk=order_id).first()
    return emails.order_confirmation(order) if order else 0


@task()
def send_bank_transfer_instructions(order_id: int) -> int:
    order = Order.objects.filter(pk=order_id).first()
    return emails.bank_transfer_instructions(order) if order else 0


@task()
def send_new_order_to_cooperative(fulfilment_id: int) -> int:
    fulfilment = (
        Fulfilment.objects.select_related("order", "cooperative")
        .filter(pk=fulfilment_id)
        .first()
    )
    return emails.new_order_for_cooperative(fulfilment) if fulfilment else 0


@task()
def send_fulfilment_update(event_id: int) -> int:
    event = (
        OrderEvent.objects.select_related(
            "order", "fulfilment", "fulfilment__cooperative"
        )
        .filter(pk=event_id, fulfilment__isnull=False)
        .first()
    )
    return emails.fulfilment_update(event) if event else 0


@task()
def send_staff_attention(order_id: int) -> int:
    order = Order.objects.filter(pk=order_id).first()
    return emails.staff_attention(order) if order else 0
