"""Cooperative API tokens in the admin: who may manage them, issue, rename, revoke."""

import json

import pytest
from django.urls import NoReverseMatch, reverse
from wagtail.permissions import policy_registry

from producers.api_token_admin import LOG_ISSUE, LOG_REVOKE
from producers.models import ApiToken, CooperativeLogEntry, Membership, hash_api_key
from producers.roles import add_member, make_district_staff
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKER = "zqxb"


def url(name, *args):
    return reverse(f"wagtailsnippets_producers_apitoken:{name}", args=args)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def coops():
    a = CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")
    b = CooperativeFactory(name="HTX ZQXB", slug="htx-zqxb")
    return a, b


@pytest.fixture
def admin_a(coops):
    user = UserFactory(username="quan-tri-a")
    add_member(user, coops[0], role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def editor_a(coops):
    user = UserFactory(username="bien-tap-a")
    add_member(user, coops[0])
    return user


@pytest.fixture
def staff():
    user = UserFactory(username="huyen")
    make_district_staff(user)
    return user


def denied(response) -> bool:
    """Refused: 403/404, or Wagtail's redirect to the dashboard with a message."""
    if response.status_code in (302, 301):
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


def create(client, cooperative, name="Phần mềm kho"):
    return client.post(url("add"), {"name": name, "cooperative": cooperative.pk})


def test_cooperative_admin_creates_a_token_and_sees_its_secret_only_once(
    client, coops, admin_a
):
    a, b = coops
    client.force_login(admin_a)
    form = client.get(url("add"))
    assert form.status_code == 200
    field = form.context["form"].fields["cooperative"]
    assert field.disabled  # an administrator of one cooperative: theirs, locked
    assert list(field.queryset) == [a]

    # B's id in the post is ignored: the field is A's.
    response = create(client, b)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert token.cooperative == a
    assert token.created_by == admin_a
    assert token.name == "Phần mềm kho"
    assert secret.startswith("nsa_") and token.prefix == secret[:12]
    assert token.key_hash == hash_api_key(secret)
    assert ApiToken.for_key(secret) == token
    page = response.content.decode()
    assert secret in page
    assert "Sao chép mã ngay bây giờ" in page
    assert "no-store" in response["Cache-Control"]
    assert CooperativeLogEntry.objects.filter(
        action=LOG_ISSUE, cooperative=a, object_id=str(token.pk), user=admin_a
    ).exists()

    # Never again: not in the listing, the edit page or the revoke page.
    for address in (url("list"), url("edit", token.pk), url("revoke", token.pk)):
        shown = client.get(address)
        assert shown.status_code == 200
        assert secret not in shown.content.decode()
        assert secret[12:20] not in shown.content.decode()
    assert f"{token.prefix}…" in client.get(url("list")).content.decode()


def test_the_new_token_authenticates_until_it_is_revoked(client, coops, admin_a):
    client.force_login(admin_a)
    secret = create(client, coops[0]).context["secret"]
    token = ApiToken.objects.get()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200

    confirm = client.get(url("revoke", token.pk))
    assert confirm.status_code == 200
    assert "Phần mềm kho" in confirm.content.decode()
    token.refresh_from_db()
    assert token.is_active  # a GET only asks

    response = client.post(url("revoke", token.pk))
    assert response.status_code == 302
    assert response["Location"] == url("list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == admin_a
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    assert (
        CooperativeLogEntry.objects.filter(
            action=LOG_REVOKE, cooperative=coops[0], object_id=str(token.pk)
        ).count()
        == 1
    )

    # Revoking again changes and logs nothing; nothing offers to undo it.
    revoked_at = token.revoked_at
    assert client.post(url("revoke", token.pk)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert CooperativeLogEntry.objects.filter(action=LOG_REVOKE).count() == 1
    listing = client.get(url("list")).content.decode()
    assert "Đã thu hồi" in listing
    assert url("revoke", token.pk) not in listing
    edit = client.get(url("edit", token.pk)).content.decode()
    assert url("revoke", token.pk) not in edit
    client.post(url("edit", token.pk), {"name": "Kho cũ", "revoked_at": ""})
    token.refresh_from_db()
    assert token.name == "Kho cũ" and token.revoked_at == revoked_at
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    history = client.get(url("history", token.pk)).content.decode()
    assert "Tạo mã truy cập API" in history
    assert "Thu hồi mã truy cập API" in history


def test_editing_changes_the_name_only(client, coops, admin_a):
    a, b = coops
    token, secret = ApiToken.issue(cooperative=a, name="Sổ nhật ký", user=admin_a)
    client.force_login(admin_a)
    form = client.get(url("edit", token.pk)).context["form"]
    assert list(form.fields) == ["name"]

    response = client.post(
        url("edit", token.pk),
        {"name": "Sổ nhật ký điện tử", "cooperative": b.pk, "key_hash": "0" * 64},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.name == "Sổ nhật ký điện tử"
    assert token.cooperative == a
    assert token.key_hash == hash_api_key(secret)


def test_district_staff_create_tokens_for_any_cooperative(client, coops, staff):
    a, b = coops
    client.force_login(staff)
    field = client.get(url("add")).context["form"].fields["cooperative"]
    assert not field.disabled
    assert set(field.queryset) == {a, b}

    response = create(client, b, name="Kho ZQXB")
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.cooperative == b
    assert ApiToken.for_key(response.context["secret"]) == token
    listing = client.get(url("list")).content.decode()
    assert "HTX ZQXB" in listing  # staff see the cooperative column


def test_an_administrator_cannot_create_a_token_for_a_cooperative_they_only_edit(
    client, coops
):
    a, b = coops
    c = CooperativeFactory(name="HTX Cam Vinh", slug="htx-cam")
    user = UserFactory()
    add_member(user, a, role=Membership.Role.ADMIN)
    add_member(user, c, role=Membership.Role.ADMIN)
    add_member(user, b)  # an editor of B, not its administrator
    client.force_login(user)

    field = client.get(url("add")).context["form"].fields["cooperative"]
    assert not field.disabled
    assert set(field.queryset) == {a, c}

    response = create(client, b)
    assert response.status_code == 200
    assert "cooperative" in response.context["form"].errors
    assert not ApiToken.objects.exists()

    assert create(client, c).status_code == 200
    assert ApiToken.objects.get().cooperative == c

    # B's tokens: not listed, not reachable, though the user edits B's listings.
    theirs, _ = ApiToken.issue(cooperative=b, name=f"Kho {MARKER}")
    assert MARKER not in client.get(url("list")).content.decode().lower()
    assert client.get(url("edit", theirs.pk)).status_code == 404
    assert client.post(url("revoke", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_cooperative_editors_cannot_see_or_manage_tokens(client, coops, editor_a):
    a, _ = coops
    token, secret = ApiToken.issue(cooperative=a, name="Phần mềm kho")
    client.force_login(editor_a)

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("list") not in home  # no menu entry
    for address in (
        url("list"),
        url("add"),
        url("edit", token.pk),
        url("revoke", token.pk),
        url("history", token.pk),
    ):
        assert denied(client.get(address)), address
    assert denied(client.post(url("revoke", token.pk)))
    assert denied(client.post(url("edit", token.pk), {"name": "x"}))
    assert denied(create(client, a))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.is_active and token.name == "Phần mềm kho"


def test_the_menu_entry_shows_to_administrators_and_staff(
    client, admin_a, staff, coops
):
    for user in (admin_a, staff):
        client.force_login(user)
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert url("list") in home
        assert json.dumps("Mã truy cập API")[1:-1] in home


def test_an_administrator_never_reaches_another_cooperatives_tokens(
    client, coops, admin_a
):
    a, b = coops
    own, _ = ApiToken.issue(cooperative=a, name="Kho A")
    theirs, their_secret = ApiToken.issue(cooperative=b, name=f"Kho {MARKER}")
    client.force_login(admin_a)

    for address in (url("list"), url("list") + f"?q={MARKER[:-1]}"):
        listing = client.get(address)
        assert listing.status_code == 200
        assert MARKER not in listing.content.decode().lower()
    assert "Kho A" in client.get(url("list")).content.decode()
    # One cooperative: its name needs no column.
    assert "HTX Chè Thanh Chương" not in client.get(url("list")).content.decode()

    for name in ("edit", "revoke", "history", "usage"):
        assert client.get(url(name, theirs.pk)).status_code == 404, name
    assert client.post(url("revoke", theirs.pk)).status_code == 404
    assert client.post(url("edit", theirs.pk), {"name": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.name == f"Kho {MARKER}"
    assert client.get("/api/v1/me", **bearer(their_secret)).status_code == 200


def test_tokens_are_revoked_never_deleted(client, coops, staff):
    token, _ = ApiToken.issue(cooperative=coops[1], name="Kho")
    token.revoke()
    with pytest.raises(NoReverseMatch):
        url("delete", token.pk)
    policy = policy_registry.get_by_type(ApiToken)
    superuser = UserFactory(is_superuser=True)
    assert not policy.user_has_permission(superuser, "delete")
    assert not policy.user_has_permission_for_instance(staff, "delete", token)

    client.force_login(staff)
    bulk = reverse("wagtail_bulk_action", args=("producers", "apitoken", "delete"))
    client.post(f"{bulk}?id={token.pk}")
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_last_use_shows_in_the_listing_after_an_api_call(client, coops, admin_a):
    token, secret = ApiToken.issue(cooperative=coops[0], name="Kho")
    client.force_login(admin_a)
    assert "Chưa dùng" in client.get(url("list")).content.decode()

    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listing = client.get(url("list")).content.decode()
    assert "Chưa dùng" not in listing
    assert "Dùng lần cuối" in listing


def test_the_listing_filters_by_status(client, coops, admin_a):
    active, _ = ApiToken.issue(cooperative=coops[0], name="Kho đang dùng")
    revoked, _ = ApiToken.issue(cooperative=coops[0], name="Kho cũ")
    revoked.revoke()
    client.force_login(admin_a)
    page = client.get(url("list") + "?status=revoked").content.decode()
    assert "Kho cũ" in page and "Kho đang dùng" not in page
    page = client.get(url("list") + "?status=active").content.decode()
    assert "Kho đang dùng" in page and "Kho cũ" not in page


def test_the_listing_costs_the_same_queries_for_many_tokens(
    client, coops, staff, django_assert_max_num_queries
):
    for n in range(3):
        ApiToken.issue(cooperative=coops[n % 2], name=f"Kho {n}", user=staff)
    client.force_login(staff)
    client.get(url("list"))  # warm caches (content types, site)
    with django_assert_max_num_queries(12):
        assert client.get(url("list")).status_code == 200
    for n in range(3, 25):
        ApiToken.issue(cooperative=coops[n % 2], name=f"Kho {n}", user=staff)
    with django_assert_max_num_queries(12):
        assert client.get(url("list")).status_code == 200


def test_the_policy_follows_the_membership_role(coops, staff):
    a, b = coops
    token_a, _ = ApiToken.issue(cooperative=a, name="A")
    token_b, _ = ApiToken.issue(cooperative=b, name="B")
    policy = policy_registry.get_by_type(ApiToken)
    user = UserFactory()

    add_member(user, a)
    assert not policy.user_has_any_permission(user, ["add", "change", "view"])
    assert not policy.instances_user_has_any_permission_for(user, ["view"]).exists()

    add_member(user, a, role=Membership.Role.ADMIN)  # promoted: takes effect at once
    assert policy.user_has_permission(user, "add")
    assert policy.user_has_permission_for_instance(user, "change", token_a)
    assert not policy.user_has_permission_for_instance(user, "change", token_b)
    assert list(policy.instances_user_has_any_permission_for(user, ["view"])) == [
        token_a
    ]
    assert set(policy.users_with_any_permission_for_instance(["change"], token_b)) == {
        staff
    }
    assert user in policy.users_with_any_permission_for_instance(["change"], token_a)

    user.is_active = False
    user.save()
    assert not policy.user_has_permission(UserFactory(username=user.username), "add")
