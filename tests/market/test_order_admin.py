"""Orders in the admin: cooperatives' parts, staff's orders, payouts and the ledger."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from market import fulfilment as fulfilment_actions
from market.models import (
    Fulfilment,
    LedgerEntry,
    Order,
    OrderEvent,
    Payment,
    PaymentMethod,
    Payout,
)
from producers.models import Cooperative
from tests.market.orders import place
from tests.tenancy import MARKER, build_world

pytestmark = pytest.mark.django_db


def url(viewset, name, *args):
    return reverse(f"{viewset}:{name}", args=args)


def fulfilments(name, *args):
    return url("market_fulfilments", name, *args)


def orders(name, *args):
    return url("market_orders", name, *args)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world():
    return build_world()


# --- Fulfilments: listing ------------------------------------------------------------


def test_editor_lists_only_their_cooperatives_parts_and_staff_lists_all(client, world):
    client.force_login(world.editor_a)
    response = client.get(fulfilments("index"))
    assert response.status_code == 200
    assert set(response.context["object_list"]) == {
        world.fulfilment_a,
        world.shared_a,
    }
    body = response.content.decode()
    assert world.order_a.number in body and "Trần Văn Minh" in body
    assert fulfilments("inspect", world.fulfilment_a.pk) in body  # the number links
    assert MARKER not in body.lower()

    client.force_login(world.staff)
    response = client.get(fulfilments("index"))
    assert set(response.context["object_list"]) == set(Fulfilment.objects.all())


def test_parts_are_filtered_by_status_delivery_payment_and_date(client, world):
    client.force_login(world.staff)

    def listed(**params):
        response = client.get(fulfilments("index_results"), params)
        assert response.status_code == 200
        return set(response.context["object_list"])

    assert listed(status="delivered") == {world.shared_b}
    assert listed(delivery_method="pickup") == {world.shared_b}
    assert listed(payment_method="bank_transfer") == {world.fulfilment_b}
    assert listed(cooperative=world.coop_a.pk) == {world.fulfilment_a, world.shared_a}
    assert listed(created_at_after="2000-01-01", created_at_before="2000-01-02") == (
        set()
    )
    # Nonsense in the query string is a form error, not a server error.
    assert client.get(fulfilments("index"), {"status": "x"}).status_code == 200


def test_parts_are_found_by_order_number_and_buyer_name(client, world):
    client.force_login(world.editor_a)
    response = client.get(fulfilments("index_results"), {"q": world.order_a.number})
    assert list(response.context["object_list"]) == [world.fulfilment_a]
    response = client.get(fulfilments("index_results"), {"q": "Lê Thị"})
    assert list(response.context["object_list"]) == [world.shared_a]
    # B's buyer is not found by A's editor.
    response = client.get(fulfilments("index_results"), {"q": "Khách"})
    assert list(response.context["object_list"]) == []


def test_parts_listing_costs_the_same_number_of_queries_for_more_orders(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.editor_a)
    client.get(fulfilments("index"))  # warm per-process caches
    with django_assert_max_num_queries(14) as few:
        assert client.get(fulfilments("index")).status_code == 200
    for _ in range(12):
        place([(world.product_a, 1)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(fulfilments("index"))
    assert len(response.context["object_list"]) == 14


def test_orders_listing_costs_the_same_number_of_queries_for_more_orders(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.staff)
    client.get(orders("index"))
    with django_assert_max_num_queries(12) as few:
        assert client.get(orders("index")).status_code == 200
    for _ in range(12):
        place([(world.product_a, 1), (world.product_b, 1)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(orders("index"))
    assert len(response.context["object_list"]) == 15


def test_export_lists_only_the_editors_parts(client, world):
    client.force_login(world.editor_a)
    response = client.get(fulfilments("index"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert world.order_a.number in body
    assert world.shared_order.number in body
    assert world.order_b.number not in body
    assert MARKER not in body.lower()


# --- Fulfilments: the page of one part ---------------------------------------------


def test_part_page_shows_lines_delivery_buyer_payment_and_history(client, world):
    lot_code = "CHE-A-01"
    world.shared_a.lines.update(lot_code=lot_code)
    client.force_login(world.editor_a)
    response = client.get(fulfilments("inspect", world.shared_a.pk))
    assert response.status_code == 200
    body = response.content.decode()
    order = world.shared_order
    for text in [
        "Chè búp A",
        lot_code,
        "2 kg",
        "150.000 ₫",
        "300.000 ₫",
        order.address,
        "Lê Thị Hoa",
        order.phone,
        order.email,
        "Thanh toán khi nhận hàng",
        "Chưa thanh toán",
        "Đặt hàng",  # the history starts with the order being placed
    ]:
        assert text in body, text
    # B's part of the same order, its lines and its history are not A's business.
    assert MARKER not in body.lower()
    assert "Mật ong" not in body
    assert [a["action"].name for a in response.context["actions"]] == [
        "confirm",
        "cancel",
    ]


def test_pickup_part_shows_the_cooperatives_address_and_pickup_buttons(client, world):
    client.force_login(world.editor_b)
    part = world.fulfilment_b
    Fulfilment.objects.filter(pk=part.pk).update(delivery_method="pickup")
    for name in ("confirm", "pack"):
        getattr(fulfilment_actions, name)(Fulfilment.objects.get(pk=part.pk))
    response = client.get(fulfilments("inspect", part.pk))
    body = response.content.decode()
    assert world.coop_b.street in body
    assert "Báo người mua đến nhận" in body
    assert world.order_b.address not in body


def test_a_part_waiting_for_payment_is_shown_without_a_confirm_button(client, world):
    order = place([(world.product_a, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    part = order.fulfilments.get()
    client.force_login(world.editor_a)

    response = client.get(fulfilments("inspect", part.pk))
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert "chưa thanh toán" in response.content.decode()

    response = client.post(fulfilments("confirm", part.pk))
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.status == Fulfilment.Status.AWAITING_PAYMENT
    assert "chưa được thanh toán" in _messages(response)[0]


# --- Fulfilments: moving them on ---------------------------------------------------


def test_editor_moves_a_part_through_every_step_by_post(client, world):
    part = world.fulfilment_a
    client.force_login(world.editor_a)
    for name, data in [
        ("confirm", {}),
        ("pack", {}),
        ("ship", {"note": "GHTK S123"}),
        ("deliver", {}),
    ]:
        response = client.post(fulfilments(name, part.pk), data)
        assert response.status_code == 302
        assert response["Location"] == fulfilments("inspect", part.pk)
    part.refresh_from_db()
    assert part.status == Fulfilment.Status.DELIVERED
    assert part.tracking_note == "GHTK S123"
    assert OrderEvent.objects.filter(fulfilment=part, user=world.editor_a).count() == 4
    world.order_a.refresh_from_db()
    assert world.order_a.status == Order.Status.COMPLETED
    assert world.order_a.payment_status == Order.PaymentStatus.PAID


def test_a_move_not_allowed_now_is_explained_and_changes_nothing(client, world):
    client.force_login(world.editor_a)
    part = world.fulfilment_a
    response = client.post(fulfilments("deliver", part.pk))
    assert response.status_code == 302
    assert "Không thể chuyển" in _messages(response)[0]
    part.refresh_from_db()
    assert part.status == Fulfilment.Status.NEW


def test_a_second_click_is_a_warning_not_a_second_move(client, world):
    client.force_login(world.editor_a)
    part = world.fulfilment_a
    client.post(fulfilments("confirm", part.pk))
    response = client.post(fulfilments("confirm", part.pk))
    assert "đã ở trạng thái" in _messages(response)[-1]
    assert OrderEvent.objects.filter(fulfilment=part, action="confirm").count() == 1


def test_cancel_by_post_returns_stock_and_keeps_the_reason(client, world):
    client.force_login(world.editor_a)
    part = world.fulfilment_a
    before = type(world.product_a).objects.get(pk=world.product_a.pk).stock
    response = client.post(fulfilments("cancel", part.pk), {"note": "Hết hàng"})
    assert response.status_code == 302
    world.product_a.refresh_from_db()
    assert world.product_a.stock == before + 1
    event = OrderEvent.objects.get(fulfilment=part, action="cancel")
    assert event.message == "Hết hàng"


def test_transitions_need_post_and_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_a)
    part = world.fulfilment_a
    assert client.get(fulfilments("confirm", part.pk)).status_code == 405
    assert client.post(fulfilments("confirm", part.pk)).status_code == 403
    part.refresh_from_db()
    assert part.status == Fulfilment.Status.NEW


def test_editor_cannot_move_another_cooperatives_part(client, world):
    client.force_login(world.editor_a)
    for part in (world.fulfilment_b, world.shared_b):
        for name in ("confirm", "cancel", "inspect"):
            assert client.post(fulfilments(name, part.pk)).status_code in (404, 405)
    world.fulfilment_b.refresh_from_db()
    assert world.fulfilment_b.status == Fulfilment.Status.NEW


def test_staff_moves_any_cooperatives_part(client, world):
    client.force_login(world.staff)
    response = client.post(fulfilments("confirm", world.fulfilment_b.pk))
    assert response.status_code == 302
    world.fulfilment_b.refresh_from_db()
    assert world.fulfilment_b.status == Fulfilment.Status.CONFIRMED


# --- Orders (district staff) ----------------------------------------------------------


def test_orders_are_for_district_staff_only(client, world):
    client.force_login(world.editor_a)
    for path in (
        orders("index"),
        orders("inspect", world.order_a.pk),
        orders("bank_received", world.order_b.pk),
    ):
        response = client.get(path)
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == "/admin/"

    client.force_login(world.staff)
    response = client.get(orders("index"))
    assert response.status_code == 200
    assert set(response.context["object_list"]) == set(Order.objects.all())
    response = client.get(orders("inspect", world.shared_order.pk))
    body = response.content.decode()
    assert "Chè búp A" not in body  # lines live on the parts' pages
    assert world.coop_a.name in body and world.coop_b.name in body
    assert "Xe ZQXB" in body  # the whole history, with each part's notes


def test_staff_filter_orders_needing_attention(client, world):
    Order.objects.filter(pk=world.order_a.pk).update(
        needs_attention=True, attention_reason="Hoàn tiền thủ công"
    )
    client.force_login(world.staff)
    response = client.get(orders("index_results"), {"needs_attention": "true"})
    assert list(response.context["object_list"]) == [world.order_a]


def _bank_order(world):
    return place([(world.product_a, 2)], payment_method=PaymentMethod.BANK_TRANSFER)


def test_staff_records_a_bank_transfer_and_the_cooperatives_can_start(client, world):
    order = _bank_order(world)
    client.force_login(world.staff)
    page = client.get(orders("bank_received", order.pk))
    assert page.status_code == 200
    assert order.number.replace("-", "") in page.content.decode()

    response = client.post(
        orders("bank_received", order.pk), {"amount": str(order.total)}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert order.payment_status == Order.PaymentStatus.PAID
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.confirmed_by) == ("succeeded", world.staff)
    assert order.fulfilments.get().status == Fulfilment.Status.NEW
    # A second visit has nothing left to record.
    again = client.get(orders("bank_received", order.pk))
    assert again.status_code == 302


def test_a_bank_transfer_of_another_amount_needs_a_second_look(client, world):
    order = _bank_order(world)
    client.force_login(world.staff)
    response = client.post(orders("bank_received", order.pk), {"amount": "1000"})
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert not order.needs_attention

    for bad in ("", "-5", "abc", "1e9"):
        response = client.post(orders("bank_received", order.pk), {"amount": bad})
        assert response.status_code == 200

    response = client.post(
        orders("bank_received", order.pk), {"amount": "1000", "amount_differs": "on"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.needs_attention
    assert order.payment_status == Order.PaymentStatus.UNPAID


def test_staff_marks_a_flagged_order_as_handled(client, world):
    Order.objects.filter(pk=world.order_a.pk).update(
        needs_attention=True, attention_reason="Hoàn tiền thủ công"
    )
    client.force_login(world.staff)
    response = client.post(
        orders("resolve", world.order_a.pk), {"note": "Đã chuyển trả"}
    )
    assert response.status_code == 302
    world.order_a.refresh_from_db()
    assert not world.order_a.needs_attention
    event = world.order_a.events.get(action="attention_resolved")
    assert (event.message, event.user) == ("Đã chuyển trả", world.staff)
    assert client.get(orders("resolve", world.order_a.pk)).status_code == 405


# --- Payouts and the ledger ----------------------------------------------------------


def test_staff_records_a_payout_which_is_booked_in_the_ledger(client, world):
    client.force_login(world.staff)
    assert client.get(url("market_payouts", "add")).status_code == 200
    response = client.post(
        url("market_payouts", "add"),
        {
            "cooperative": world.coop_a.pk,
            "amount": "50000",
            "paid_on": "2026-11-20",
            "reference": "UNC-77",
            "note": "",
        },
    )
    assert response.status_code == 302
    payout = Payout.objects.get(reference="UNC-77")
    assert payout.recorded_by == world.staff
    entry = LedgerEntry.objects.get(payout=payout)
    assert (entry.kind, entry.amount, entry.cooperative) == (
        "payout",
        -50000,
        world.coop_a,
    )
    assert response["Location"] == url("market_ledger", "statement", world.coop_a.pk)


def test_a_payout_in_the_future_or_of_nothing_is_refused(client, world):
    client.force_login(world.staff)
    for amount, paid_on in [("0", "2026-11-20"), ("5000", "2999-01-01")]:
        response = client.post(
            url("market_payouts", "add"),
            {
                "cooperative": world.coop_a.pk,
                "amount": amount,
                "paid_on": paid_on,
                "reference": "UNC-0",
            },
        )
        assert response.status_code == 200
    assert not Payout.objects.filter(reference="UNC-0").exists()


def test_editor_sees_their_own_payouts_and_cannot_record_one(client, world):
    mine = Payout.objects.create(
        cooperative=world.coop_a, amount=1000, paid_on="2026-11-01", reference="A-1"
    )
    client.force_login(world.editor_a)
    response = client.get(url("market_payouts", "index"))
    assert list(response.context["object_list"]) == [mine]
    assert client.get(url("market_payouts", "inspect", mine.pk)).status_code == 200
    add = client.post(url("market_payouts", "add"), {"cooperative": world.coop_a.pk})
    assert add.status_code in (302, 403)
    assert Payout.objects.count() == 2


def test_editor_goes_straight_to_their_ledger_and_staff_see_every_balance(
    client, world
):
    client.force_login(world.editor_a)
    response = client.get(url("market_ledger", "index"))
    assert response["Location"] == url("market_ledger", "statement", world.coop_a.pk)

    client.force_login(world.staff)
    response = client.get(url("market_ledger", "index"))
    balances = {row["cooperative"]: row["balance"] for row in response.context["rows"]}
    # B: the shared order's honey (cash, picked up), less fee and cash; a payout.
    honey = world.shared_b.total
    fee = round(honey * 5 / 100)
    assert balances[world.coop_b] == honey - fee - honey - 10000
    assert balances[world.coop_a] == 0
    assert set(balances) == set(Cooperative.objects.all())


def test_ledger_page_and_csv_show_the_cooperatives_entries(client, world):
    client.force_login(world.editor_b)
    statement = url("market_ledger", "statement", world.coop_b.pk)
    response = client.get(statement)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.shared_order.number in body
    assert "ZQXB-UNC-1" in body

    response = client.get(statement, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Thời gian"
    assert [row[1] for row in rows[1:]] == [
        "Doanh thu",
        "Phí sàn",
        "Tiền mặt đã thu",
        "Chi trả",
    ]
    assert rows[-1][4] == "-10000"


def test_ledger_dates_filter_and_bad_dates_are_a_message(client, world):
    client.force_login(world.editor_b)
    statement = url("market_ledger", "statement", world.coop_b.pk)
    response = client.get(
        statement, {"date_from": "2000-01-01", "date_to": "2000-01-02"}
    )
    assert response.context["statement"].rows == []
    response = client.get(
        statement, {"date_from": "2026-12-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    response = client.get(statement, {"date_from": "hôm qua"})
    assert response.status_code == 200


def test_editor_cannot_open_another_cooperatives_ledger_or_csv(client, world):
    client.force_login(world.editor_a)
    statement = url("market_ledger", "statement", world.coop_b.pk)
    assert client.get(statement).status_code == 404
    assert client.get(statement, {"export": "csv"}).status_code == 404


# --- Menu ---------------------------------------------------------------------------


def test_orders_menu_offers_editors_their_pages_and_staff_all(client, world):
    client.force_login(world.editor_a)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert fulfilments("index") in body
    assert url("market_payouts", "index") in body
    assert url("market_ledger", "index") in body
    assert orders("index") not in body

    client.force_login(world.staff)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert orders("index") in body


def test_cooperative_edits_its_pickup_and_delivery_terms(client, world):
    from tests.tenancy import cooperative_form_data

    client.force_login(world.editor_a)
    data = cooperative_form_data(
        world.coop_a,
        name=world.coop_a.name,
        delivery_fee="25000",
        free_delivery_from="500000",
        orders_email="don@htx-a.vn",
        offers_pickup="",
        is_verified="",
    )
    response = client.post(
        reverse("wagtailsnippets_producers_cooperative:edit", args=[world.coop_a.pk]),
        data,
    )
    assert response.status_code == 302
    world.coop_a.refresh_from_db()
    assert world.coop_a.delivery_fee == 25000
    assert world.coop_a.free_delivery_from == 500000
    assert world.coop_a.order_notification_email == "don@htx-a.vn"
    assert not world.coop_a.offers_pickup and world.coop_a.offers_delivery

    data["offers_delivery"] = ""
    response = client.post(
        reverse("wagtailsnippets_producers_cooperative:edit", args=[world.coop_a.pk]),
        data,
    )
    assert response.status_code == 200  # at least one way to get the goods


def test_ledger_page_shows_newest_entries_first_a_page_at_a_time(
    client, world, monkeypatch
):
    from market import order_admin

    monkeypatch.setattr(order_admin.LedgerStatementView, "rows_per_page", 2)
    client.force_login(world.editor_b)
    statement = url("market_ledger", "statement", world.coop_b.pk)
    first = client.get(statement)
    rows = list(first.context["page"].object_list)
    assert [row.kind for row in rows] == ["payout", "cash_collected"]
    assert "p=2" in first.content.decode()
    second = client.get(statement, {"p": "2"})
    assert [row.kind for row in second.context["page"].object_list] == [
        "platform_fee",
        "sale",
    ]
    assert client.get(statement, {"p": "99"}).status_code == 200
    assert client.get(statement, {"p": "x"}).status_code == 200


def test_a_cooperatives_part_page_leaves_out_staffs_notes_on_the_order(client, world):
    from market.ordering import log_event

    log_event(world.shared_order, "attention_resolved", message="Hoàn tiền ZQXB")
    client.force_login(world.editor_a)
    response = client.get(fulfilments("inspect", world.shared_a.pk))
    assert MARKER not in response.content.decode().lower()


def test_a_payout_from_a_ledger_page_starts_with_that_cooperative(client, world):
    client.force_login(world.staff)
    ledger = client.get(url("market_ledger", "statement", world.coop_b.pk))
    link = ledger.context["payout_add_url"]
    assert link == f"{url('market_payouts', 'add')}?cooperative={world.coop_b.pk}"
    form = client.get(link).context["form"]
    assert str(form.initial["cooperative"]) == str(world.coop_b.pk)
    assert (
        client.get(f"{url('market_payouts', 'add')}?cooperative=x").status_code == 200
    )

    client.force_login(world.editor_b)
    ledger = client.get(url("market_ledger", "statement", world.coop_b.pk))
    assert ledger.context["payout_add_url"] is None
