"""Tenancy: which cooperatives a user manages, and the admin permission policy for it.

A cooperative editor (a user with Membership rows) may act only on rows that belong
to their own cooperatives; district staff (permission `manage_all_cooperatives`, or a
superuser) act on every row. Every cooperative-owned model registers here with the
path from the model to its Cooperative, so the admin views, choosers, exports and
audit log of any app can apply the same rule.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

MANAGE_ALL = "producers.manage_all_cooperatives"
VERIFY = "producers.verify_cooperative"
# Page editors pick any cooperative's published rows in choosers (read only),
# without managing any cooperative.
CHOOSE_ANY = "producers.choose_any_listing"

# Attribute under which the set of a user's cooperative ids is cached for a request.
_CACHE_ATTR = "_producers_cooperative_ids"

# Model class -> lookup path from the model to its Cooperative ("pk" for Cooperative).
_cooperative_paths: dict[type[models.Model], str] = {}


def sees_all_cooperatives(user) -> bool:
    """District staff and superusers see and manage every cooperative's data."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(MANAGE_ALL)


def chooses_any_listing(user) -> bool:
    """District page editors may pick any cooperative's rows in choosers."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(CHOOSE_ANY))


def _memberships(user) -> dict[int, str]:
    """The user's role in each of their cooperatives, by id (one query, cached)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from .models import Membership

        cached = dict(
            Membership.objects.filter(user=user).values_list("cooperative_id", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def cooperative_ids_for(user) -> frozenset[int]:
    """The ids of the cooperatives the user is a member of (cached on the user)."""
    return frozenset(_memberships(user))


def administered_cooperative_ids(user) -> frozenset[int]:
    """The ids of the cooperatives the user administers (role "admin")."""
    from .models import Membership

    return frozenset(
        pk for pk, role in _memberships(user).items() if role == Membership.Role.ADMIN
    )


def forget_cooperative_ids(user) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def register_cooperative_owned(model: type[models.Model], path: str) -> None:
    """Declare that `model` belongs to a cooperative through lookup `path`."""
    _cooperative_paths[model] = path


def cooperative_path(model: type[models.Model]) -> str | None:
    for klass in model.__mro__:
        if klass in _cooperative_paths:
            return _cooperative_paths[klass]
    return None


def is_cooperative_owned(model: type[models.Model]) -> bool:
    return cooperative_path(model) is not None


def cooperative_id_of(instance: models.Model) -> int | None:
    """The id of the cooperative that owns `instance`, read from its attributes."""
    path = cooperative_path(type(instance))
    if path is None:
        return None
    if path == "pk":
        return instance.pk
    *hops, last = path.split("__")
    obj = instance
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def scope_queryset(user, queryset: models.QuerySet) -> models.QuerySet:
    """Restrict a queryset of a cooperative-owned model to what `user` may reach."""
    path = cooperative_path(queryset.model)
    if path is None or sees_all_cooperatives(user):
        return queryset
    ids = cooperative_ids_for(user)
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": ids})


def can_reach(user, instance: models.Model) -> bool:
    """True if `instance` (live row and in-memory version) is in the user's scope.

    The in-memory object may be a draft or revision whose cooperative differs from
    the saved row, so both are checked: a row moved between cooperatives stays out
    of reach for the editors of either one until it is published.
    """
    model = type(instance)
    if cooperative_path(model) is None or sees_all_cooperatives(user):
        return True
    ids = cooperative_ids_for(user)
    if cooperative_id_of(instance) not in ids:
        return False
    if instance.pk is None:
        return True
    base = model._default_manager.filter(pk=instance.pk)
    return scope_queryset(user, base).exists()


class CooperativeOwnedPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed to the cooperatives a user belongs to.

    Model-level questions ("may this user change products at all?") are answered by
    the user's permissions as usual; instance-level questions and instance lists add
    the tenancy rule, so Wagtail's views, choosers and URL finders obey it too.
    """

    def __init__(self, model, cooperative_path: str = "cooperative", auth_model=None):
        super().__init__(model, auth_model=auth_model)
        self.cooperative_path = cooperative_path
        if isinstance(model, type):
            register_cooperative_owned(model, cooperative_path)

    def check_model(self, model):
        super().check_model(model)
        register_cooperative_owned(model, self.cooperative_path)

    def instance_in_scope(self, user, instance) -> bool:
        if sees_all_cooperatives(user):
            return True
        return cooperative_id_of(instance) in cooperative_ids_for(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.instance_in_scope(
            user, instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.instance_in_scope(
            user, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return scope_queryset(
            user, super().instances_user_has_any_permission_for(user, actions)
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        manage_all = Permission.objects.filter(
            content_type__app_label="producers", codename="manage_all_cooperatives"
        )
        in_scope = (
            Q(is_superuser=True)
            | Q(user_permissions__in=manage_all)
            | Q(groups__permissions__in=manage_all)
            | Q(cooperative_memberships__cooperative_id=cooperative_id_of(instance))
        )
        User = get_user_model()
        return (
            User.objects.filter(pk__in=users.values("pk")).filter(in_scope).distinct()
        )


class AppendOnlyPermissionPolicy(CooperativeOwnedPermissionPolicy):
    """For trace records: they may be added and viewed, never changed nor deleted.

    Refused even to superusers, so no admin view, bulk action or URL finder offers
    an edit or delete of a recorded event (a correction is a new event).
    """

    refused_actions = frozenset({"change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.refused_actions:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.refused_actions]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)
