"""District staff give and take cooperative editing rights from the admin."""

import pytest
from django.urls import reverse

from producers.models import Membership
from tests.producers.factories import UserFactory
from tests.tenancy import build_world

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"memberships:{name}", args=args)


@pytest.fixture
def world():
    return build_world()


def test_district_staff_add_an_editor_who_can_then_manage_the_cooperative(
    client, world
):
    newcomer = UserFactory(username="moi-vao")
    client.force_login(world.staff)
    assert client.get(url("index")).status_code == 200
    response = client.post(
        url("add"),
        {"user": newcomer.pk, "cooperative": world.coop_a.pk, "role": "editor"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, cooperative=world.coop_a).exists()
    newcomer.refresh_from_db()
    assert newcomer.groups.filter(name="Cooperative editors").exists()

    client.force_login(newcomer)
    products = client.get(reverse("wagtailsnippets_market_product:list"))
    assert products.status_code == 200
    assert world.product_a.name in products.content.decode()


def test_district_staff_change_a_role_and_remove_a_membership(client, world):
    membership = Membership.objects.get(user=world.editor_a, cooperative=world.coop_a)
    client.force_login(world.staff)
    response = client.post(
        url("edit", membership.pk),
        {"user": world.editor_b.pk, "cooperative": world.coop_b.pk, "role": "admin"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    # Only the role changes: user and cooperative are fixed once created.
    assert (membership.user, membership.cooperative, membership.role) == (
        world.editor_a,
        world.coop_a,
        "admin",
    )
    assert client.post(url("delete", membership.pk)).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not world.editor_a.groups.filter(name="Cooperative editors").exists()


def test_a_duplicate_membership_is_refused_with_a_message(client, world):
    client.force_login(world.staff)
    response = client.post(
        url("add"),
        {"user": world.editor_a.pk, "cooperative": world.coop_a.pk, "role": "editor"},
    )
    assert response.status_code == 200
    assert "đã là thành viên" in response.content.decode()


def test_cooperative_editors_cannot_see_or_change_memberships(client, world):
    membership = Membership.objects.get(user=world.editor_b, cooperative=world.coop_b)
    client.force_login(world.editor_a)
    for method, target in [
        ("get", url("index")),
        ("get", url("add")),
        ("post", url("add")),
        ("get", url("edit", membership.pk)),
        ("post", url("edit", membership.pk)),
        ("post", url("delete", membership.pk)),
    ]:
        response = getattr(client, method)(
            target,
            {
                "user": world.editor_a.pk,
                "cooperative": world.coop_b.pk,
                "role": "editor",
            }
            if method == "post"
            else None,
        )
        assert response.status_code in (302, 403), (method, target)
        if response.status_code == 302:
            assert "/admin/" in response["Location"]
    assert not Membership.objects.filter(
        user=world.editor_a, cooperative=world.coop_b
    ).exists()
    assert Membership.objects.filter(pk=membership.pk, role="admin").exists()
