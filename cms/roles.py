"""The district's editorial roles: editors draft, approvers publish.

- "Biên tập viên huyện" (district editors) add and edit pages in every language's
  home page tree and submit them for moderation; they cannot publish.
- "Phê duyệt huyện" (district approvers) also publish, schedule, lock and unlock,
  and edit the navigation and footer settings (site settings are not moderated, so
  they belong to the people who publish).
- Both use the images and documents of the district's own collection only, never a
  cooperative's collection (Wagtail collection permissions cascade to child
  collections, so the grant is on a child of the root, not on the root).
- Workflow "Duyệt nội dung huyện": one group approval task for the approvers,
  assigned to every home page, so each language tree is moderated.

Cooperative editors (producers.roles "Cooperative editors" and the per-cooperative
groups) get no page permission here, and "District staff" neither: they manage the
market and the cooperatives. A staff member who writes pages is also made a
district editor or approver.

Everything is created idempotently: `ensure_cms_roles` runs after every migrate and
may be called again at any time (the demo loader does after building its pages);
a home page created later (a new language's copy) gets its permissions and the
workflow as it is saved.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from producers.roles import (
    COLLECTION_PERMISSIONS,
    _create_missing_permissions,
    _forget_permission_caches,
    _resolve,
)

DISTRICT_EDITORS = "Biên tập viên huyện"
DISTRICT_APPROVERS = "Phê duyệt huyện"
WORKFLOW_NAME = "Duyệt nội dung huyện"
APPROVAL_TASK_NAME = "Phê duyệt huyện"
# The district's images and documents (the demo files the home page's images here).
DISTRICT_COLLECTION = "Trang chủ"

EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "simple_translation.submit_translation",
    # The product grid block's category chooser lists categories (read only).
    "market.view_category",
    # Product, cooperative and lot choosers of the blocks list every
    # cooperative's rows (read only); the listings and edit views stay closed.
    "producers.choose_any_listing",
]
APPROVER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    "cms.change_navigationsettings",
    "cms.change_footersettings",
]

# Page permissions, granted on every home page (and so on its whole tree).
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
APPROVER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]

# Collection permissions in the district collection. Editors upload and choose; an
# image they uploaded stays theirs to edit (Wagtail's ownership rule).
EDITOR_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
]
APPROVER_COLLECTION_PERMISSIONS = COLLECTION_PERMISSIONS

_REQUIRED_TABLES = {
    "auth_group",
    "auth_permission",
    "cms_homepage",
    "wagtailcore_collection",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_grouppagepermission",
    "wagtailcore_locale",
    "wagtailcore_workflow",
    "wagtailcore_workflowpage",
    "wagtailcore_groupapprovaltask",
}


def ensure_locales(using: str = DEFAULT_DB_ALIAS) -> list[Locale]:
    """A Locale row for each content language (vi, en)."""
    return [
        Locale.objects.using(using).get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    ]


def district_collection(using: str = DEFAULT_DB_ALIAS) -> Collection:
    """The district's own image/document collection, a child of the root."""
    root = Collection.get_first_root_node()
    existing = root.get_children().using(using).filter(name=DISTRICT_COLLECTION)
    return existing.first() or root.add_child(name=DISTRICT_COLLECTION)


def _groups(using: str = DEFAULT_DB_ALIAS) -> tuple[Group, Group]:
    groups = Group.objects.using(using)
    return (
        groups.get_or_create(name=DISTRICT_EDITORS)[0],
        groups.get_or_create(name=DISTRICT_APPROVERS)[0],
    )


def _page_permissions(codenames, using: str = DEFAULT_DB_ALIAS):
    return _resolve([f"wagtailcore.{c}" for c in codenames], using=using)


def ensure_workflow(using: str = DEFAULT_DB_ALIAS) -> Workflow:
    """The one-step workflow: the approvers group approves and publishes."""
    _editors, approvers = _groups(using=using)
    task = (
        GroupApprovalTask.objects.using(using).filter(name=APPROVAL_TASK_NAME).first()
    )
    if task is None:
        task = GroupApprovalTask.objects.using(using).create(name=APPROVAL_TASK_NAME)
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.using(using).get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.using(using).get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    return workflow


def grant_home_page(page: Page, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the district groups `page`'s tree and put it under the workflow.

    A home page that already has a workflow of its own keeps it: someone chose it.
    """
    editors, approvers = _groups(using=using)
    for group, codenames in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (approvers, APPROVER_PAGE_PERMISSIONS),
    ):
        for permission in _page_permissions(codenames, using=using):
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page_id=page.pk, permission=permission
            )
    WorkflowPage.objects.using(using).get_or_create(
        page_id=page.pk, defaults={"workflow": ensure_workflow(using=using)}
    )


def ensure_cms_roles(using: str = DEFAULT_DB_ALIAS) -> tuple[Group, Group]:
    """Create or complete the editorial roles; safe to run any number of times.

    Call it again after creating home pages outside a normal save (fixtures,
    imports): every HomePage, in every locale, is granted.
    """
    from cms.models import HomePage

    _create_missing_permissions(using=using)
    with transaction.atomic(using=using):
        ensure_locales(using=using)
        editors, approvers = _groups(using=using)
        editors.permissions.add(*_resolve(EDITOR_PERMISSIONS, using=using))
        approvers.permissions.add(*_resolve(APPROVER_PERMISSIONS, using=using))
        collection = district_collection(using=using)
        for group, names in (
            (editors, EDITOR_COLLECTION_PERMISSIONS),
            (approvers, APPROVER_COLLECTION_PERMISSIONS),
        ):
            for permission in _resolve(names, using=using):
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=collection, permission=permission
                )
        ensure_workflow(using=using)
        for page in HomePage.objects.using(using).only("pk"):
            grant_home_page(page, using=using)
    return editors, approvers


def _role_group(name: str) -> Group:
    """A role group with its permissions, made now if migrate has not made it."""
    group = Group.objects.filter(name=name, permissions__isnull=False).first()
    if group is None:
        editors, approvers = ensure_cms_roles()
        group = editors if name == DISTRICT_EDITORS else approvers
    return group


def _add_to_group(user, name: str) -> None:
    user.groups.add(_role_group(name))
    if not user.is_staff:
        # Wagtail needs only access_admin; staff accounts are marked as such.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _forget_permission_caches(user)
    for attr in ("_page_permission_cache", "_explorable_root_page_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def make_district_editor(user) -> None:
    """`user` may draft pages in every language and submit them for approval."""
    _add_to_group(user, DISTRICT_EDITORS)


def make_district_approver(user) -> None:
    """`user` may approve, publish and schedule pages in every language."""
    _add_to_group(user, DISTRICT_APPROVERS)


def ensure_cms_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: a fresh database gets locales, roles and workflow."""
    if not router.allow_migrate_model(using, Group):
        return
    existing = set(connections[using].introspection.table_names())
    if not _REQUIRED_TABLES.issubset(existing):
        return
    if not Collection.objects.using(using).filter(depth=1).exists():
        # A flushed database (transactional tests): Wagtail's tree is gone until
        # something recreates it; ensure_cms_roles() can be called then.
        return
    ensure_cms_roles(using=using)


def grant_new_home_page(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save receiver for HomePage: a new home (a language's copy of the home
    page, or a second site) is editable by the district and moderated at once."""
    if created and not raw:
        grant_home_page(instance, using=kwargs.get("using") or DEFAULT_DB_ALIAS)
