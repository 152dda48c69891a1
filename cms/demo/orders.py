"""Demo orders: a buyer account and orders in every state a cooperative meets.

Orders are placed through `market.ordering` exactly as the checkout places
them; each has a fixed checkout token, so loading the demo again finds them
instead of placing them twice.
"""

from dataclasses import dataclass

from market import fulfilment as fulfilment_actions
from market import ordering
from market.models import DeliveryMethod, Order, PaymentMethod, Product

# Buyers sign in with their e-mail address, which is also their username.
BUYER = ("hoa.nguyen@example.vn", "khach-demo-2026")


@dataclass(frozen=True)
class DemoOrder:
    token: str
    lines: tuple[tuple[str, int], ...]  # (product slug, quantity)
    payment_method: str
    contact_name: str
    phone: str
    email: str
    commune_code: int
    street: str
    pickup: tuple[str, ...] = ()  # cooperative slugs the buyer collects from
    note: str = ""
    for_buyer: bool = False
    paid: bool = False  # a bank transfer district staff saw arrive
    # How far each cooperative has taken its part: cooperative slug -> the
    # transitions made, in order (confirm, pack, ship, deliver).
    progress: tuple[tuple[str, tuple[str, ...]], ...] = ()


ORDERS = (
    DemoOrder(
        token="demo-order-1",
        lines=(("che-bup-kho-thanh-chuong", 2), ("cam-vinh-loai-1", 5)),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        contact_name="Nguyễn Thị Hoa",
        phone="0912345678",
        email="hoa.nguyen@example.vn",
        commune_code=16681,
        street="Số 12 đường Lê Lợi",
        note="Giao giờ hành chính giúp em.",
        for_buyer=True,
        progress=(
            ("htx-che-thanh-chuong", ("confirm", "pack", "ship", "deliver")),
            ("htx-cam-vinh-quy-hop", ("confirm", "pack", "ship")),
        ),
    ),
    DemoOrder(
        token="demo-order-2",
        lines=(("mat-ong-hoa-rung-con-cuong", 1), ("che-xanh-tuoi-thanh-chuong", 3)),
        payment_method=PaymentMethod.BANK_TRANSFER,
        contact_name="Nguyễn Thị Hoa",
        phone="0912345678",
        email="hoa.nguyen@example.vn",
        commune_code=16681,
        street="Số 12 đường Lê Lợi",
        for_buyer=True,
    ),
    DemoOrder(
        token="demo-order-3",
        lines=(("gao-st25-yen-thanh", 2), ("nuoc-mam-ca-com-quynh-luu", 2)),
        payment_method=PaymentMethod.BANK_TRANSFER,
        contact_name="Trần Văn Minh",
        phone="0983111222",
        email="minh.tran@example.vn",
        commune_code=17254,
        street="Xóm 5",
        paid=True,
        progress=(("htx-gao-yen-thanh", ("confirm",)),),
    ),
    DemoOrder(
        token="demo-order-4",
        lines=(("mat-ong-hoa-nhan", 2), ("che-bup-kho-hop-qua", 1)),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        contact_name="Lê Thị Mai",
        phone="0356777888",
        email="mai.le@example.vn",
        commune_code=17254,
        street="Thôn Trung Tâm",
        pickup=("htx-che-thanh-chuong", "htx-mat-ong-con-cuong"),
        progress=(("htx-mat-ong-con-cuong", ("confirm", "pack", "ship", "deliver")),),
    ),
)


def load_orders(buyer) -> list[Order]:
    """Place the demo orders that are not there yet; return all of them."""
    orders = []
    for item in ORDERS:
        existing = Order.objects.filter(checkout_token=item.token).first()
        if existing:
            if item.for_buyer and existing.user_id != buyer.pk:
                Order.objects.filter(pk=existing.pk).update(user=buyer)
            orders.append(existing)
            continue
        products = {
            p.slug: p
            for p in Product.objects.filter(
                slug__in=[slug for slug, _ in item.lines], live=True
            ).select_related("cooperative")
        }
        if len(products) != len(item.lines):
            continue  # the small demo lacks some of these products
        items = {
            products[slug].pk: max(quantity, products[slug].min_order_quantity)
            for slug, quantity in item.lines
        }
        delivery = {
            p.cooperative_id: DeliveryMethod.PICKUP
            for p in products.values()
            if p.cooperative.slug in item.pickup
        }
        order = ordering.place_order(
            items=items,
            details=ordering.CheckoutDetails(
                contact_name=item.contact_name,
                phone=item.phone,
                email=item.email,
                province_code=40,
                commune_code=item.commune_code,
                street=item.street,
                payment_method=item.payment_method,
                note=item.note,
                delivery=delivery,
            ),
            user=buyer if item.for_buyer else None,
            checkout_token=item.token,
        )
        if item.paid:
            ordering.mark_paid(
                order,
                amount=order.total,
                payment=order.payments.first(),
                source="demo",
            )
        _advance(order, item)
        orders.append(order)
    return orders


def _advance(order: Order, item: DemoOrder) -> None:
    """Move each cooperative's part on as its editor would in the admin."""
    steps = dict(item.progress)
    for part in order.fulfilments.select_related("cooperative"):
        for step in steps.get(part.cooperative.slug, ()):
            if step == "ship":
                fulfilment_actions.ship(part, tracking_note="Viettel Post")
            else:
                getattr(fulfilment_actions, step)(part)
            part.refresh_from_db()
