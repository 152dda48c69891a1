"""Order e-mails: who gets which, once, only after the change is committed."""

import io

import pytest
import zxingcpp
from django.core import mail
from django.db import transaction
from django.utils import translation
from PIL import Image

from market import fulfilment as fulfilment_actions
from market import ordering, tasks
from market.models import Fulfilment, Order
from tests.market.buying import order_url, two_cooperatives
from tests.market.orders import place

pytestmark = pytest.mark.django_db


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_cash_order_mails_the_buyer_and_each_cooperative_once_after_commit(
    django_capture_on_commit_callbacks,
):
    tea, orange = two_cooperatives()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place([(tea, 2), (orange, 4)])
    assert mail.outbox == []

    for callback in callbacks:
        callback()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == [
        "cam@example.vn",
        "che@example.vn",
        "lan@example.com",
    ]
    assert len(mail.outbox) == 3

    buyer = by_recipient["lan@example.com"]
    assert buyer.subject == f"Xác nhận đơn hàng {order.number}"
    link = "http://testserver" + order_url(order)
    assert link in buyer.body
    assert f'href="{link}"' in html_of(buyer)
    assert "HTX Chè Thanh Chương" in buyer.body and "HTX Cam Vinh" in buyer.body
    assert "Tổng cộng: 535.000 ₫" in buyer.body
    assert "Bạn thanh toán bằng tiền mặt khi nhận hàng." in buyer.body
    assert "&amp;" not in buyer.body and "&#" not in buyer.body

    tea_mail = by_recipient["che@example.vn"]
    assert tea_mail.subject == f"Đơn hàng mới {order.number}"
    assert "2 × Chè búp" in tea_mail.body
    assert "Cam Vinh" not in tea_mail.body.replace("HTX Cam Vinh", "")
    assert "http://testserver/admin/" in tea_mail.body


def test_a_checkout_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    tea, orange = two_cooperatives()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        place([(tea, 2), (orange, 4)])
        raise RuntimeError("the request failed after placing")

    assert Order.objects.count() == 0
    assert mail.outbox == []


def test_a_cooperative_without_an_order_address_is_skipped_and_its_orders_email_wins(
    django_capture_on_commit_callbacks,
):
    tea, orange = two_cooperatives()
    tea.cooperative.email = ""
    tea.cooperative.save()
    orange.cooperative.orders_email = "don-hang@camvinh.vn"
    orange.cooperative.save()

    with django_capture_on_commit_callbacks(execute=True):
        place([(tea, 1), (orange, 1)])

    assert sorted(m.to[0] for m in mail.outbox) == [
        "don-hang@camvinh.vn",
        "lan@example.com",
    ]


def test_a_bank_transfer_order_mails_instructions_with_a_scannable_vietqr(
    django_capture_on_commit_callbacks, settings
):
    settings.MARKET_BANK_ACCOUNT = "3600205123456"
    tea, _orange = two_cooperatives()

    with django_capture_on_commit_callbacks(execute=True):
        order = place([(tea, 2)], "bank_transfer")

    [message] = mail.outbox
    reference = order.number.replace("-", "")
    assert message.to == ["lan@example.com"]
    assert message.subject == f"Chuyển khoản cho đơn hàng {order.number}"
    assert "Số tài khoản: 3600205123456" in message.body
    assert "Số tiền: 330.000 ₫" in message.body
    assert f"Nội dung chuyển khoản: {reference}" in message.body
    assert "Hạn chuyển khoản:" in message.body
    assert 'src="cid:vietqr"' in html_of(message)
    [image] = [part for part in message.attachments if part.get("Content-ID")]
    assert image["Content-ID"] == "<vietqr>"
    [barcode] = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(image.get_payload(decode=True)))
    )
    assert "3600205123456" in barcode.text
    assert reference in barcode.text


def test_a_bank_transfer_paid_later_mails_the_confirmation_and_the_cooperatives(
    django_capture_on_commit_callbacks,
):
    tea, orange = two_cooperatives()
    order = place([(tea, 2), (orange, 1)], "bank_transfer")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = ordering.mark_paid(
            order, amount=order.total, payment=order.payments.get()
        )

    assert outcome == "paid"
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(
        [
            f"Đơn hàng {order.number} đã thanh toán",
            f"Đơn hàng mới {order.number}",
            f"Đơn hàng mới {order.number}",
        ]
    )
    buyer = next(m for m in mail.outbox if m.to == ["lan@example.com"])
    assert "Chúng tôi đã nhận được tiền thanh toán." in buyer.body


def test_instructions_are_not_sent_for_an_order_already_paid_when_the_task_runs():
    tea, _orange = two_cooperatives()
    order = place([(tea, 1)], "bank_transfer")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PLACED)

    assert tasks.send_bank_transfer_instructions.call(order.pk) == 0
    assert mail.outbox == []


def test_a_cooperative_moving_its_part_mails_the_buyer_what_happened(
    django_capture_on_commit_callbacks,
):
    tea, orange = two_cooperatives()
    order = place([(tea, 2), (orange, 1)])
    part = order.fulfilments.get(cooperative=tea.cooperative)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.confirm(part)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.pack(part)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_actions.ship(part, tracking_note="Viettel Post VN123")

    assert [m.subject for m in mail.outbox] == [
        f"Đơn hàng {order.number}: Đã xác nhận",
        f"Đơn hàng {order.number}: Đã đóng gói",
        f"Đơn hàng {order.number}: Đang giao",
    ]
    assert all(m.to == ["lan@example.com"] for m in mail.outbox)
    shipped = mail.outbox[-1]
    assert "HTX Chè Thanh Chương đã gửi hàng cho bạn." in shipped.body
    assert "Viettel Post VN123" in shipped.body
    assert "Cam Vinh" not in shipped.body.replace("HTX Cam Vinh", "")
    assert "http://testserver" + order_url(order) in shipped.body


def test_staff_hear_about_an_order_that_needs_a_person(
    django_capture_on_commit_callbacks, settings
):
    settings.MARKET_STAFF_EMAIL = "district@example.vn"
    tea, _orange = two_cooperatives()
    order = place([(tea, 1)], "bank_transfer")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ordering.mark_paid(order, amount=1000, payment=order.payments.get())

    [message] = mail.outbox
    assert message.to == ["district@example.vn"]
    assert message.subject == f"Cần xử lý: đơn hàng {order.number}"
    assert "Số tiền thanh toán không khớp với đơn hàng." in message.body


def test_no_staff_address_means_no_staff_mail(
    django_capture_on_commit_callbacks, settings
):
    settings.MARKET_STAFF_EMAIL = ""
    tea, _orange = two_cooperatives()
    order = place([(tea, 1)], "bank_transfer")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ordering.mark_paid(order, amount=1000, payment=order.payments.get())

    assert mail.outbox == []


def test_e_mails_are_in_vietnamese_whatever_language_the_request_used(
    django_capture_on_commit_callbacks,
):
    tea, _orange = two_cooperatives()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order = place([(tea, 1)])
    buyer = next(m for m in mail.outbox if m.to == ["lan@example.com"])
    assert buyer.subject == f"Xác nhận đơn hàng {order.number}"
    assert "/en/" not in buyer.body


def test_a_task_for_a_row_deleted_meanwhile_sends_nothing():
    assert tasks.send_order_confirmation.call(987654) == 0
    assert tasks.send_new_order_to_cooperative.call(987654) == 0
    assert tasks.send_fulfilment_update.call(987654) == 0
    assert tasks.send_staff_attention.call(987654) == 0
    assert mail.outbox == []


def test_every_fulfilment_status_has_a_buyer_message():
    tea, _orange = two_cooperatives()
    order = place([(tea, 1)])
    part = order.fulfilments.get()
    for status in [Fulfilment.Status.DELIVERED, Fulfilment.Status.CANCELLED]:
        event = ordering.log_event(
            order, "test", fulfilment=part, from_status="shipped", to_status=status
        )
        mail.outbox.clear()
        assert tasks.send_fulfilment_update.call(event.pk) == 1
        assert "HTX Chè Thanh Chương" in mail.outbox[0].body
