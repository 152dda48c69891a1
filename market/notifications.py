"""Who hears about an order, and when: each function queues an e-mail task after
commit.

Called explicitly by the code that changes an order (`market.ordering`,
`market.fulfilment`), never from signals. The task runs only once the
transaction that made the change has committed, so a rolled-back checkout
sends nothing and the task reads committed rows. Tasks take primary keys and
do the sending outside the request (`market.tasks`, `market.emails`).
"""

from django.db import transaction

from . import tasks


def _after_commit(task, *args) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


def order_placed(order) -> None:
    """The buyer's confirmation: a cash-on-delivery order, or a paid one."""
    _after_commit(tasks.send_order_confirmation, order.pk)


def awaiting_bank_transfer(order) -> None:
    """The buyer's bank transfer instructions (account, amount, reference, QR)."""
    _after_commit(tasks.send_bank_transfer_instructions, order.pk)


def new_order_for_cooperatives(order) -> None:
    """Each cooperative in the order hears about its part, in its own e-mail."""
    for fulfilment_id in order.fulfilments.values_list("pk", flat=True):
        _after_commit(tasks.send_new_order_to_cooperative, fulfilment_id)


def fulfilment_changed(fulfilment, event) -> None:
    """The buyer hears that a cooperative moved their part on.

    `event` is the `OrderEvent` recording the move: the e-mail tells what it
    says, even if the part has moved again by the time the task runs.
    """
    _after_commit(tasks.send_fulfilment_update, event.pk)


def staff_attention(order) -> None:
    """District staff hear about an order that needs a person."""
    _after_commit(tasks.send_staff_attention, order.pk)
