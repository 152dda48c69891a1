"""Admin roles: district staff, cooperative editors and the per-cooperative groups."""

import pytest
from django.contrib.auth.models import Group
from wagtail.images import get_image_model
from wagtail.models import GroupCollectionPermission
from wagtail.permissions import policy_registry

from producers.models import Cooperative, Membership
from producers.permissions import cooperative_ids_for, sees_all_cooperatives
from producers.roles import (
    COOPERATIVE_EDITORS,
    DISTRICT_STAFF,
    add_member,
    ensure_cooperative_group,
    ensure_roles,
    make_district_staff,
    remove_member,
)
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def perms_of(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migrating_a_fresh_database_creates_both_roles():
    # The test database is built by `migrate`; nothing in this test creates groups.
    assert (
        Group.objects.filter(name__in=[DISTRICT_STAFF, COOPERATIVE_EDITORS]).count()
        == 2
    )
    staff = Group.objects.get(name=DISTRICT_STAFF)
    assert "producers.manage_all_cooperatives" in perms_of(staff)
    assert "market.publish_product" in perms_of(staff)


def test_ensure_roles_is_idempotent():
    staff, editors = ensure_roles()
    before = (
        perms_of(staff),
        perms_of(editors),
        GroupCollectionPermission.objects.count(),
    )
    again_staff, again_editors = ensure_roles()
    assert (again_staff.pk, again_editors.pk) == (staff.pk, editors.pk)
    after = (
        perms_of(staff),
        perms_of(editors),
        GroupCollectionPermission.objects.count(),
    )
    assert after == before
    assert Group.objects.filter(name=DISTRICT_STAFF).count() == 1


def test_district_staff_get_every_producers_and_market_permission_and_root_media():
    staff, _ = ensure_roles()
    perms = perms_of(staff)
    for name in [
        "wagtailadmin.access_admin",
        "producers.manage_all_cooperatives",
        "producers.verify_cooperative",
        "producers.change_cooperative",
        "producers.delete_certification",
        "market.change_category",
        "market.publish_product",
        "market.delete_product",
    ]:
        assert name in perms
    root_perms = set(
        GroupCollectionPermission.objects.filter(
            group=staff, collection__depth=1
        ).values_list("permission__codename", flat=True)
    )
    assert {"add_image", "choose_image", "change_document"} <= root_perms


def test_cooperative_editors_can_edit_products_but_never_verify_or_see_all():
    _, editors = ensure_roles()
    perms = perms_of(editors)
    assert {
        "wagtailadmin.access_admin",
        "market.add_product",
        "market.change_product",
        "market.delete_product",
        "market.publish_product",
        "producers.add_growingarea",
        "producers.change_certification",
        "producers.change_cooperative",
    } <= perms
    assert "producers.verify_cooperative" not in perms
    assert "producers.manage_all_cooperatives" not in perms
    assert "producers.add_cooperative" not in perms
    assert "producers.delete_cooperative" not in perms
    assert "market.change_category" not in perms


def test_add_member_makes_an_editor_of_that_cooperative_and_its_images():
    cooperative = CooperativeFactory()
    other = CooperativeFactory()
    user = UserFactory()
    membership = add_member(user, cooperative)

    assert membership.role == Membership.Role.EDITOR
    assert user.groups.filter(name=COOPERATIVE_EDITORS).exists()
    assert user.has_perm("market.change_product")
    assert not sees_all_cooperatives(user)
    assert cooperative_ids_for(user) == {cooperative.pk}
    images = policy_registry.get_by_type(get_image_model())
    assert list(images.collections_user_has_permission_for(user, "add")) == [
        cooperative.collection
    ]
    assert other.collection not in images.collections_user_has_permission_for(
        user, "choose"
    )


def test_cooperative_group_is_found_again_after_the_slug_changes():
    cooperative = CooperativeFactory(slug="htx-cu")
    group = ensure_cooperative_group(cooperative)
    assert group.name == "HTX htx-cu"
    cooperative.slug = "htx-moi"
    cooperative.save()
    assert ensure_cooperative_group(cooperative) == group


def test_add_member_twice_updates_the_role_without_duplicates():
    cooperative = CooperativeFactory()
    user = UserFactory()
    add_member(user, cooperative)
    add_member(user, cooperative, role=Membership.Role.ADMIN)
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN


def test_remove_member_keeps_the_editor_role_only_while_memberships_remain():
    first, second = CooperativeFactory(), CooperativeFactory()
    user = UserFactory()
    add_member(user, first)
    add_member(user, second)

    remove_member(user, first)
    assert cooperative_ids_for(user) == {second.pk}
    assert user.groups.filter(name=COOPERATIVE_EDITORS).exists()
    assert not user.groups.filter(pk=ensure_cooperative_group(first).pk).exists()

    remove_member(user, second)
    assert cooperative_ids_for(user) == frozenset()
    assert not user.groups.filter(name=COOPERATIVE_EDITORS).exists()


def test_district_staff_see_every_cooperative():
    CooperativeFactory.create_batch(3)
    user = UserFactory()
    make_district_staff(user)
    assert sees_all_cooperatives(user)
    assert user.has_perm("producers.verify_cooperative")
    assert Cooperative.objects.for_user(user).count() == Cooperative.objects.count()


def test_inactive_editor_manages_nothing():
    cooperative = CooperativeFactory()
    user = UserFactory()
    add_member(user, cooperative)
    user.is_active = False
    assert cooperative_ids_for(user) == frozenset()


def test_add_member_recreates_missing_role_groups():
    Group.objects.filter(name__in=[DISTRICT_STAFF, COOPERATIVE_EDITORS]).delete()
    user = UserFactory()
    add_member(user, CooperativeFactory())
    assert user.has_perm("market.change_product")
    staff = UserFactory()
    make_district_staff(staff)
    assert staff.has_perm("producers.verify_cooperative")
