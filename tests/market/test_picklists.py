"""Pick and pack lists: grouping, the choice page, the print page and the PDF."""

import datetime
import io

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from market import fulfilment as fulfilment_actions
from market import ordering, picklists
from market.models import DeliveryMethod, Fulfilment, PaymentMethod, Product
from producers.models import Lot
from producers.roles import add_member
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, LotFactory, UserFactory
from tests.tenancy import MARKER, build_world

pytestmark = pytest.mark.django_db

CHOOSE = "market_picklists:choose"
PRINT = "market_picklists:print"
PDF = "market_picklists:pdf"


def _url(name, fulfilments=()):
    query = "&".join(f"id={f.pk}" for f in fulfilments)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _sell_from(product, lot):
    """Make `lot` the one `product` is sold from now (the newest active lot)."""
    product.lots.add(lot)
    product.save()


@pytest.fixture
def shop():
    """A tea cooperative, its editor, two products, two lots of tea, and orders:
    three confirmed (two lots of tea, a pickup, a paid bank transfer), one new,
    one awaiting payment and one cancelled."""
    coop = CooperativeFactory(name="Hợp tác xã Chè Thanh Chương", slug="htx-che")
    editor = UserFactory(username="dong_goi")
    add_member(editor, coop)
    tea = ProductFactory(
        cooperative=coop, name="Chè búp khô Thanh Chương", unit="kg", stock=100
    )
    honey = ProductFactory(
        cooperative=coop, name="Mật ong rừng Pù Mát", unit="chai", stock=100
    )
    old_lot = LotFactory(
        cooperative=coop, code="CHE-2026-101", harvest_date=datetime.date(2026, 9, 1)
    )
    new_lot = LotFactory(
        cooperative=coop, code="CHE-2026-102", harvest_date=datetime.date(2026, 11, 1)
    )
    _sell_from(tea, old_lot)
    lan = place(
        [(tea, 2), (honey, 1)],
        contact_name="Nguyễn Thị Lan",
        phone="0912345678",
        street="Xóm 3",
        note="Gọi trước khi giao",
    )
    _sell_from(tea, new_lot)
    hung = place(
        [(tea, 3)],
        contact_name="Trần Văn Hùng",
        phone="0987654321",
        delivery={coop.pk: DeliveryMethod.PICKUP},
    )
    paid = place(
        [(honey, 4)],
        payment_method=PaymentMethod.BANK_TRANSFER,
        contact_name="Phạm Thị Hằng",
    )
    ordering.mark_paid(paid, amount=paid.total, source="bank")
    new = place([(tea, 1)], contact_name="Lê Văn Nam")
    unpaid = place(
        [(tea, 1)],
        payment_method=PaymentMethod.BANK_TRANSFER,
        contact_name="Khách chưa trả",
    )
    cancelled = place([(honey, 1)], contact_name="Khách đã hủy")
    fulfilment_actions.cancel(cancelled.fulfilments.get(), user=editor)
    confirmed = []
    for order in (lan, hung, paid):
        fulfilment = order.fulfilments.get()
        fulfilment_actions.confirm(fulfilment, user=editor)
        confirmed.append(Fulfilment.objects.get(pk=fulfilment.pk))
    return {
        "coop": coop,
        "editor": editor,
        "tea": tea,
        "honey": honey,
        "confirmed": confirmed,
        "new": new.fulfilments.get(),
        "unpaid": unpaid.fulfilments.get(),
        "cancelled": cancelled.fulfilments.get(),
        "orders": {"lan": lan, "hung": hung, "paid": paid},
    }


# --- Grouping ---


def test_pick_list_adds_up_each_product_with_its_lots_and_orders(shop):
    ids = [f.pk for f in shop["confirmed"]]
    picklist = picklists.build(shop["editor"], ids)

    [section] = picklist.sections
    assert section.cooperative == shop["coop"]
    tea, honey = section.items  # by name: "Chè…" before "Mật…"
    lan, hung, paid = (o.number for o in shop["orders"].values())
    assert (tea.name, tea.unit, tea.quantity) == ("Chè búp khô Thanh Chương", "kg", 5)
    assert [(lot.code, lot.quantity) for lot in tea.lots] == [
        ("CHE-2026-101", 2),
        ("CHE-2026-102", 3),
    ]
    assert sorted(tea.orders) == sorted([lan, hung])
    assert (honey.name, honey.quantity, honey.lots[0].code) == (
        "Mật ong rừng Pù Mát",
        5,
        "",
    )
    assert sorted(honey.orders) == sorted([lan, paid])
    assert section.total_units == 10


def test_pack_slips_tell_where_each_box_goes_and_what_cash_to_collect(shop):
    lan_part, hung_part, paid_part = shop["confirmed"]
    picklist = picklists.build(shop["editor"], [f.pk for f in shop["confirmed"]])
    slips = {slip.fulfilment.pk: slip for slip in picklist.sections[0].slips}

    lan = slips[lan_part.pk]
    assert lan.address == "Xóm 3, Xã Con Cuông, Nghệ An"
    assert lan.order.note == "Gọi trước khi giao"
    assert [
        (line.product_name, line.quantity, line.lot_code) for line in lan.lines
    ] == [
        ("Chè búp khô Thanh Chương", 2, "CHE-2026-101"),
        ("Mật ong rừng Pù Mát", 1, ""),
    ]
    # Cash on delivery: goods and the delivery fee.
    assert lan.cash_to_collect == lan_part.goods_total + lan_part.delivery_fee
    assert lan.cash_to_collect == 2 * 150000 + 150000 + 30000

    hung = slips[hung_part.pk]
    assert hung.address is None  # collected at the cooperative
    assert hung.cash_to_collect == 3 * 150000  # no delivery fee for a pickup

    # Paid by bank transfer: nothing to collect.
    assert slips[paid_part.pk].cash_to_collect == 0


def test_cash_already_collected_is_not_asked_for_twice(shop):
    fulfilment = shop["confirmed"][0]
    fulfilment.cash_collected_at = datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)
    assert fulfilment.cash_to_collect == 0


def test_closed_fulfilments_are_refused_by_number_and_strangers_are_not_found(shop):
    editor = shop["editor"]
    with pytest.raises(picklists.SelectionError) as refused:
        picklists.build(editor, [shop["confirmed"][0].pk, shop["cancelled"].pk])
    assert refused.value.code == "closed"
    assert refused.value.numbers == (shop["cancelled"].order.number,)

    stranger = Fulfilment.objects.exclude(cooperative=shop["coop"]).first()
    assert stranger is None  # nothing else yet: a made-up id is as unknown
    with pytest.raises(picklists.NotFound):
        picklists.build(editor, [shop["confirmed"][0].pk, 10**9])


@pytest.mark.parametrize(
    "values, code",
    [([], "none"), (["1", "x"], "not_found"), (["-1"], "not_found"), (["1"] * 3, None)],
)
def test_ids_in_the_address_are_checked_before_any_query(values, code):
    if code is None:
        assert picklists.parse_ids(values) == [1]
        return
    with pytest.raises(picklists.SelectionError) as refused:
        picklists.parse_ids(values)
    assert refused.value.code == code


def test_more_than_the_limit_is_refused():
    values = [str(n) for n in range(1, picklists.MAX_SELECTED + 2)]
    with pytest.raises(picklists.SelectionError) as refused:
        picklists.parse_ids(values)
    assert refused.value.code == "too_many"


# --- The choice page ---


def test_choice_page_opens_on_confirmed_parts_all_ticked(client, shop):
    client.force_login(shop["editor"])
    response = client.get(reverse(CHOOSE))
    assert response.status_code == 200
    assert set(response.context["rows"]) == set(shop["confirmed"])
    body = response.content.decode()
    for fulfilment in shop["confirmed"]:
        assert (
            f'name="id" value="{fulfilment.pk}" id="pick-{fulfilment.pk}" checked'
            in (body)
        )
    assert reverse(PDF) in body  # the PDF button posts the same ticks


def test_choice_page_offers_every_open_part_but_never_closed_ones(client, shop):
    client.force_login(shop["editor"])
    response = client.get(reverse(CHOOSE), {"status": ""})
    assert set(response.context["rows"]) == {*shop["confirmed"], shop["new"]}
    response = client.get(reverse(CHOOSE), {"status": "new"})
    assert list(response.context["rows"]) == [shop["new"]]
    response = client.get(reverse(CHOOSE), {"delivery_method": "pickup", "status": ""})
    assert list(response.context["rows"]) == [shop["confirmed"][1]]
    # A cancelled part cannot be asked for through the filter either.
    response = client.get(reverse(CHOOSE), {"status": "cancelled"})
    assert response.status_code == 200
    assert list(response.context["rows"]) == []


def test_fulfilments_listing_has_a_button_to_the_pick_lists(client, shop):
    client.force_login(shop["editor"])
    response = client.get(reverse("market_fulfilments:index"))
    assert reverse(CHOOSE) in response.content.decode()
    assert "Soạn hàng" in response.content.decode()


def test_pick_lists_are_in_the_orders_menu_for_editors_only(client, shop):
    client.force_login(shop["editor"])
    assert reverse(CHOOSE) in client.get(reverse("wagtailadmin_home")).content.decode()
    buyer = UserFactory(username="nguoi_mua")
    client.force_login(buyer)
    assert client.get(reverse(CHOOSE)).status_code in (302, 403)
    assert client.get(_url(PRINT, shop["confirmed"])).status_code in (302, 403)


# --- The print page and the PDF ---


def test_print_page_shows_the_pick_list_and_every_slip(client, shop):
    client.force_login(shop["editor"])
    response = client.get(_url(PRINT, shop["confirmed"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Danh sách lấy hàng" in body and "Phiếu đóng gói" in body
    for text in [
        "Nguyễn Thị Lan",
        "0912345678",
        "Xóm 3, Xã Con Cuông, Nghệ An",
        "Gọi trước khi giao",
        "Trần Văn Hùng",
        "Nhận tại hợp tác xã",
        "CHE-2026-101: 2",
        "CHE-2026-102: 3",
        "Thu tiền mặt: 480.000",
        "Đã thanh toán: không thu tiền",
        "@media print",
    ]:
        assert text in body, text
    assert body.count("Giao đến") == 2  # the pickup has no address
    assert "Lê Văn Nam" not in body  # not selected
    assert "w-sidebar" not in body  # a clean page, without the admin's chrome


def test_pdf_has_the_lists_in_vietnamese_letters(client, shop):
    client.force_login(shop["editor"])
    response = client.get(_url(PDF, shop["confirmed"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="soan-hang-')
    text = _pdf_text(response.content)
    for expected in [
        "Danh sách lấy hàng",
        "Phiếu đóng gói",
        "Chè búp khô Thanh Chương",
        "Mật ong rừng Pù Mát",
        "Nguyễn Thị Lan",
        "Trần Văn Hùng",
        "Phạm Thị Hằng",
        "Gọi trước khi giao",
        "Nhận tại hợp tác xã",
        "CHE-2026-101: 2",
        "Thu tiền mặt: 480.000",
    ]:
        assert expected in text, expected


def test_buyers_text_is_printed_as_text_not_markup(client, shop):
    order = shop["orders"]["lan"]
    order.note = "<b>Giao giờ hành chính</b> & gọi <script>"
    order.save(update_fields=["note"])
    client.force_login(shop["editor"])
    response = client.get(_url(PDF, shop["confirmed"][:1]))
    assert "<b>Giao giờ hành chính</b> & gọi <script>" in _pdf_text(response.content)
    body = client.get(_url(PRINT, shop["confirmed"][:1])).content.decode()
    assert "&lt;script&gt;" in body and "<script>" not in body


def test_nothing_chosen_goes_back_to_the_choice_with_a_message(client, shop):
    client.force_login(shop["editor"])
    for name in (PRINT, PDF):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse(CHOOSE)
        assert "Chưa chọn phần đơn nào" in _messages(response)[-1]


@pytest.mark.parametrize("closed", ["cancelled", "unpaid"])
def test_cancelled_or_unpaid_parts_are_refused_with_their_order_number(
    client, shop, closed
):
    client.force_login(shop["editor"])
    named = [shop["confirmed"][0], shop[closed]]
    for name in (PRINT, PDF):
        response = client.get(_url(name, named))
        assert response.status_code == 302
        assert shop[closed].order.number in _messages(response)[-1]


def test_malformed_ids_are_not_found(client, shop):
    client.force_login(shop["editor"])
    for query in ("id=abc", "id=1.5", "id=", "id=99999999999999999999"):
        assert client.get(f"{reverse(PRINT)}?{query}").status_code == 404


def test_another_cooperatives_part_is_not_found_even_among_ones_own(client):
    world = build_world()
    client.force_login(world.editor_a)
    for name in (PRINT, PDF):
        for named in (
            [world.fulfilment_b],
            [world.fulfilment_a, world.fulfilment_b],
            [world.shared_a, world.shared_b],
        ):
            response = client.get(_url(name, named))
            assert response.status_code == 404
            assert MARKER not in response.content.decode(errors="replace").lower()
    # Their own parts open, with nothing of B's (the shared order's B part).
    response = client.get(_url(PRINT, [world.fulfilment_a, world.shared_a]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chè búp A" in body and "Lê Thị Hoa" in body
    assert MARKER not in body.lower()
    text = _pdf_text(client.get(_url(PDF, [world.shared_a])).content)
    assert "Lê Thị Hoa" in text and MARKER not in text.lower()


def test_staff_print_each_cooperatives_list_on_its_own(client):
    world = build_world()
    client.force_login(world.staff)
    named = [world.fulfilment_a, world.shared_a, world.fulfilment_b]
    response = client.get(_url(PRINT, named))
    assert response.status_code == 200
    sections = response.context["picklist"].sections
    assert [s.cooperative for s in sections] == [world.coop_a, world.coop_b]
    assert [len(s.slips) for s in sections] == [2, 1]
    assert [item.name for item in sections[1].items] == ["Mật ong ZQXB"]
    # B's delivered part is done: refused to staff too.
    response = client.get(_url(PRINT, [world.shared_b]))
    assert response.status_code == 302


# --- Query counts ---


def _more_orders(shop, count):
    Product.objects.filter(pk__in=[shop["tea"].pk, shop["honey"].pk]).update(stock=999)
    for n in range(count):
        order = place(
            [(shop["tea"], 1 + n % 3), (shop["honey"], 1)],
            contact_name=f"Người mua {n}",
        )
        fulfilment_actions.confirm(order.fulfilments.get(), user=shop["editor"])


@pytest.mark.parametrize("name, budget", [(CHOOSE, 12), (PRINT, 8), (PDF, 8)])
def test_pages_cost_the_same_queries_however_many_parts_are_chosen(
    client, shop, name, budget, django_assert_max_num_queries
):
    client.force_login(shop["editor"])
    client.get(_url(name, shop["confirmed"]))  # warm per-process caches
    with django_assert_max_num_queries(budget) as few:
        assert client.get(_url(name, shop["confirmed"])).status_code == 200
    _more_orders(shop, 12)
    chosen = list(Fulfilment.objects.filter(status=Fulfilment.Status.CONFIRMED))
    assert len(chosen) == 15
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(name, chosen))
    assert response.status_code == 200


def test_a_deleted_lot_or_product_leaves_its_line_on_the_list(shop):
    fulfilment = shop["confirmed"][1]  # three kilos from CHE-2026-102
    Lot.objects.filter(code="CHE-2026-102").update(status=Lot.Status.SOLD_OUT)
    line = fulfilment.lines.get()
    line.product = None
    line.save(update_fields=["product"])
    [section] = picklists.build(shop["editor"], [fulfilment.pk]).sections
    assert [(i.name, i.quantity, i.lots[0].code) for i in section.items] == [
        ("Chè búp khô Thanh Chương", 3, "CHE-2026-102")
    ]
