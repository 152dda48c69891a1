"""Buyer accounts: sign up, sign in (cart merged), sign out, one's own orders."""

import pytest
from django.contrib.auth import get_user_model

from market.models import CartLine
from tests.market.buying import add, two_cooperatives
from tests.market.orders import place
from tests.producers.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/tai-khoan/dang-nhap/"
SIGNUP_URL = "/tai-khoan/dang-ky/"
LOGOUT_URL = "/tai-khoan/dang-xuat/"
ACCOUNT_URL = "/tai-khoan/"


def signup(client, **overrides):
    data = {
        "name": "Nguyễn Thị Lan",
        "email": "Lan@Example.com",
        "password1": "che-xanh-thanh-chuong",
        "password2": "che-xanh-thanh-chuong",
    }
    data.update(overrides)
    return client.post(SIGNUP_URL, data)


def test_signing_up_makes_a_buyer_signs_them_in_and_keeps_their_cart(client):
    tea, _orange = two_cooperatives()
    add(client, tea, 2)

    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT_URL
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name) == (
        "lan@example.com",
        "lan@example.com",
        "Nguyễn Thị Lan",
    )
    assert not user.is_staff and not user.is_superuser
    assert dict(CartLine.objects.values_list("product_id", "quantity")) == {tea.pk: 2}
    assert client.get(ACCOUNT_URL).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "khac-han"}, "password2", "Hai mật khẩu không khớp."),
        ({"password1": "123", "password2": "123"}, "password1", None),
        ({"email": "khong-phai-email"}, "email", None),
        ({"name": ""}, "name", None),
    ],
)
def test_a_bad_signup_form_says_what_to_fix(client, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert response.context["form"].errors[field] == [message]
    assert not get_user_model().objects.exists()


def test_an_email_with_an_account_already_is_sent_to_sign_in(client):
    UserFactory(username="lan@example.com", email="lan@example.com")
    response = signup(client, email="LAN@example.com")
    assert response.context["form"].errors["email"] == [
        "Email này đã có tài khoản. Hãy đăng nhập."
    ]


def test_signing_in_with_the_email_in_any_case_works_and_a_wrong_password_does_not(
    client,
):
    UserFactory(username="lan@example.com", email="lan@example.com")

    wrong = client.post(LOGIN_URL, {"username": "lan@example.com", "password": "x"})
    assert wrong.status_code == 200
    assert wrong.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session

    right = client.post(
        LOGIN_URL, {"username": "Lan@Example.com", "password": "password"}
    )
    assert right.status_code == 302
    assert right["Location"] == ACCOUNT_URL


def test_signing_in_only_returns_to_addresses_on_this_site(client):
    UserFactory(username="lan@example.com", email="lan@example.com")
    response = client.post(
        LOGIN_URL,
        {
            "username": "lan@example.com",
            "password": "password",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == ACCOUNT_URL


def test_the_account_page_asks_guests_to_sign_in_on_the_buyers_page(client):
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={ACCOUNT_URL}"


def test_the_account_lists_only_the_buyers_own_orders(client):
    tea, orange = two_cooperatives()
    lan = UserFactory()
    minh = UserFactory()
    mine = [place([(tea, 1)], user=lan), place([(orange, 2)], user=lan)]
    theirs = place([(tea, 1)], user=minh)
    guest = place([(orange, 1)])
    client.force_login(lan)

    response = client.get(ACCOUNT_URL)

    assert [o.number for o in response.context["orders"]] == [
        mine[1].number,
        mine[0].number,
    ]
    page = response.content.decode()
    assert theirs.number not in page and guest.number not in page
    assert client.get(f"/tai-khoan/don-hang/{mine[0].number}/").status_code == 200
    assert client.get(f"/tai-khoan/don-hang/{theirs.number}/").status_code == 404
    assert client.get(f"/tai-khoan/don-hang/{guest.number}/").status_code == 404
    assert client.get("/tai-khoan/don-hang/khong-co/").status_code == 404


def test_the_account_page_costs_the_same_queries_for_two_or_ten_orders(
    client, django_assert_max_num_queries
):
    tea, orange = two_cooperatives()
    lan = UserFactory()
    client.force_login(lan)
    for _n in range(2):
        place([(tea, 1), (orange, 1)], user=lan)
    # Any page fills the cached site menu and footer (cms/navigation.py).
    client.get("/san-pham/")
    with django_assert_max_num_queries(12) as few:
        client.get(ACCOUNT_URL)
    queries_for_two = len(few.captured_queries)
    for _n in range(8):
        place([(tea, 1), (orange, 1)], user=lan)
    with django_assert_max_num_queries(queries_for_two):
        response = client.get(ACCOUNT_URL)
    assert len(response.context["orders"]) == 10


def test_signing_out_is_a_post_and_leaves_the_saved_cart(client):
    tea, _orange = two_cooperatives()
    lan = UserFactory()
    client.force_login(lan)
    add(client, tea, 1)

    page = client.get(LOGOUT_URL)
    assert page.status_code == 200
    assert "_auth_user_id" in client.session

    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert CartLine.objects.filter(user=lan).count() == 1


def test_a_buyer_account_does_not_open_the_admin(client):
    signup(client)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_header_links_to_sign_in_or_to_the_account(client):
    page = client.get("/san-pham/").content.decode()
    assert f'href="{LOGIN_URL}"' in page
    client.force_login(UserFactory())
    page = client.get("/san-pham/").content.decode()
    assert f'href="{ACCOUNT_URL}"' in page
