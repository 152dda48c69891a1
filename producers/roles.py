"""The admin roles: district staff, cooperative editors, and one group per cooperative.

Model permissions say *what* a role may do; which rows it may do it to is decided by
`producers.permissions` (cooperative tenancy). Images and documents have no
cooperative field, so their tenancy is Wagtail's own collection permissions: each
cooperative owns a collection, and its group may only use that collection.

Other apps add permissions to the two roles through the Wagtail hooks
`register_district_staff_permissions` and `register_cooperative_editor_permissions`:
each returns permission names ("app_label.codename", or "app_label.*" for all of an
app's permissions), so `producers` needs no knowledge of the apps built on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Q
from wagtail import hooks
from wagtail.models import Collection, GroupCollectionPermission

from .models import Cooperative, Membership
from .permissions import forget_cooperative_ids

DISTRICT_STAFF = "District staff"
COOPERATIVE_EDITORS = "Cooperative editors"
COOPERATIVE_GROUP_PREFIX = "HTX "

DISTRICT_STAFF_PERMISSIONS = [
    "producers.*",
    "wagtailadmin.access_admin",
]
COOPERATIVE_EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "producers.change_cooperative",
    "producers.add_growingarea",
    "producers.change_growingarea",
    "producers.delete_growingarea",
    "producers.add_certification",
    "producers.change_certification",
    "producers.delete_certification",
    # Traceability: lots and member farmers are managed freely (a lot with recorded
    # events cannot be deleted: the events protect it); events are only added.
    "producers.add_lot",
    "producers.change_lot",
    "producers.delete_lot",
    "producers.view_lot",
    "producers.add_memberfarmer",
    "producers.change_memberfarmer",
    "producers.delete_memberfarmer",
    "producers.view_memberfarmer",
    "producers.add_traceevent",
    "producers.view_traceevent",
]

# Permissions on the images and documents of a collection (Wagtail collection perms).
COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtailimages.delete_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtaildocs.delete_document",
]

# Tables that must exist before roles can be written (post_migrate also runs after a
# partial or backwards migration).
_REQUIRED_TABLES = {
    "auth_group",
    "auth_permission",
    "wagtailcore_collection",
    "wagtailcore_groupcollectionpermission",
    "producers_cooperative",
    "producers_membership",
}


def _hook_permissions(hook_name: str) -> list[str]:
    names: list[str] = []
    for fn in hooks.get_hooks(hook_name):
        names.extend(fn())
    return names


def _resolve(names: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> list[Permission]:
    """Permission rows for names "app.codename" or "app.*"; unknown names are skipped.

    A name is unknown only before its app has migrated; `ensure_roles` runs again on
    the next migrate, so skipping keeps a partial migration from failing.
    """
    query = None
    for name in names:
        app_label, _, codename = name.partition(".")
        q = {"content_type__app_label": app_label}
        if codename != "*":
            q["codename"] = codename
        query = Q(**q) if query is None else query | Q(**q)
    if query is None:
        return []
    return list(Permission.objects.using(using).filter(query))


def _create_missing_permissions(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make sure every model permission exists before groups refer to them.

    Django creates permissions per app in post_migrate, in INSTALLED_APPS order, so
    when `producers` is migrated the admin's and snippets' permissions may not exist
    yet; creating them here (idempotently) removes that ordering dependency.
    """
    from django.contrib.auth.management import create_permissions
    from wagtail.snippets.models import create_extra_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)


def _set_collection_permissions(
    group: Group, collection: Collection, using: str = DEFAULT_DB_ALIAS
) -> None:
    for permission in _resolve(COLLECTION_PERMISSIONS, using=using):
        GroupCollectionPermission.objects.using(using).get_or_create(
            group=group, collection=collection, permission=permission
        )


def ensure_roles(using: str = DEFAULT_DB_ALIAS) -> tuple[Group, Group]:
    """Create or complete the two role groups; safe to run any number of times."""
    _create_missing_permissions(using=using)
    with transaction.atomic(using=using):
        staff, _ = Group.objects.using(using).get_or_create(name=DISTRICT_STAFF)
        staff.permissions.add(
            *_resolve(
                DISTRICT_STAFF_PERMISSIONS
                + _hook_permissions("register_district_staff_permissions"),
                using=using,
            )
        )
        root = Collection.get_first_root_node()
        if root is not None:
            _set_collection_permissions(staff, root, using=using)

        editors, _ = Group.objects.using(using).get_or_create(name=COOPERATIVE_EDITORS)
        editor_perms = _resolve(
            COOPERATIVE_EDITOR_PERMISSIONS
            + _hook_permissions("register_cooperative_editor_permissions"),
            using=using,
        )
        # Editors never verify cooperatives nor see everything, whatever a hook says.
        editor_perms = [
            p
            for p in editor_perms
            if not (
                p.content_type.app_label == "producers"
                and p.codename in {"verify_cooperative", "manage_all_cooperatives"}
            )
        ]
        editors.permissions.add(*editor_perms)
    return staff, editors


def _role_group(name: str) -> Group:
    """A role group, created with its permissions if migrate has not made it yet."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        staff, editors = ensure_roles()
        group = staff if name == DISTRICT_STAFF else editors
    return group


def ensure_cooperative_group(cooperative: Cooperative) -> Group:
    """The group whose members may use the cooperative's image/document collection."""
    if cooperative.collection_id is None:
        cooperative.save()  # Cooperative.save creates the collection
    # Found through its collection permission, so renaming the slug changes nothing.
    group = (
        Group.objects.filter(
            collection_permissions__collection_id=cooperative.collection_id,
            name__startswith=COOPERATIVE_GROUP_PREFIX,
        )
        .distinct()
        .first()
    )
    if group is None:
        name = f"{COOPERATIVE_GROUP_PREFIX}{cooperative.slug}"[:150]
        group, _ = Group.objects.get_or_create(name=name)
    _set_collection_permissions(group, cooperative.collection)
    return group


def add_member(
    user, cooperative: Cooperative, role: str = Membership.Role.EDITOR
) -> Membership:
    """Make `user` an editor of `cooperative` (membership, role group, collection)."""
    with transaction.atomic():
        editors = _role_group(COOPERATIVE_EDITORS)
        membership, created = Membership.objects.get_or_create(
            user=user, cooperative=cooperative, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        user.groups.add(editors, ensure_cooperative_group(cooperative))
    _forget_permission_caches(user)
    return membership


def remove_member(user, cooperative: Cooperative) -> None:
    """Take `user` off `cooperative` (still an editor if other memberships remain)."""
    with transaction.atomic():
        Membership.objects.filter(user=user, cooperative=cooperative).delete()
        user.groups.remove(ensure_cooperative_group(cooperative))
        if not Membership.objects.filter(user=user).exists():
            editors = Group.objects.filter(name=COOPERATIVE_EDITORS).first()
            if editors is not None:
                user.groups.remove(editors)
    _forget_permission_caches(user)


def make_district_staff(user) -> None:
    """Give `user` the district staff role (every cooperative, verification)."""
    staff = _role_group(DISTRICT_STAFF)
    user.groups.add(staff)
    if not user.is_staff:
        # Django's own admin flag; Wagtail only needs access_admin, but staff
        # accounts are expected to be marked as such in the user list.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _forget_permission_caches(user)


def _forget_permission_caches(user) -> None:
    forget_cooperative_ids(user)
    for attr in (
        "_perm_cache",
        "_group_perm_cache",
        "_user_perm_cache",
        "_collection_permission_cache",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def ensure_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: a fresh database gets the roles without a manual step."""
    if not router.allow_migrate_model(using, Group):
        return
    existing = set(connections[using].introspection.table_names())
    if not _REQUIRED_TABLES.issubset(existing):
        return
    ensure_roles(using=using)
