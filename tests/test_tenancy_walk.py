"""Walk every admin URL of the cooperative-owned models as another cooperative's editor.

The URLs come from the registered viewsets themselves (and from Wagtail's image and
document admin, bulk actions and reports), so a view added later is walked too. For
each URL naming one of cooperative B's objects, A's editor must get 403/404 (or a
redirect away), with GET and POST; listings, choosers and exports must not mention
B; and afterwards none of B's data may have changed.
"""

import io
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.urls import URLPattern, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.documents import admin_urls as document_admin_urls
from wagtail.documents import get_document_model
from wagtail.images import admin_urls as image_admin_urls
from wagtail.images import get_image_model
from wagtail.models import Revision

from producers.models import Membership
from producers.permissions import is_cooperative_owned
from producers.roles import add_member
from tests.tenancy import (
    MARKER,
    build_world,
    form_data_for,
    record_event_form_data,
    snapshot,
)
from tests.walk_imports import import_visits
from tests.walk_picklists import picklist_visits
from tests.walk_reports import report_visits

pytestmark = pytest.mark.django_db

# URL arguments that are not the object's primary key, with values that reach B's
# data (revisions belong to B's product) or are simply well-formed.
EXTRA_ARGUMENTS = {
    "action_name": "approve",
    "task_state_id": 1,
    "task_id": 1,
    "workflow_state_id": 1,
    "filter_spec": "original",
    "uploaded_file_id": 1,
}
OBJECT_ARGUMENTS = {"pk", "image_id", "doc_id", "document_id"}
REVISION_ARGUMENTS = {"revision_id", "revision_id_a", "revision_id_b"}

# Below this, the walk has silently lost views (a registry changed, a model was
# unregistered): fail instead of passing vacuously.
MINIMUM_OBJECT_REQUESTS = 130
MINIMUM_LISTING_REQUESTS = 100


@dataclass(frozen=True)
class Visit:
    label: str
    url: str
    targets_object: bool  # names one of B's objects (else: a listing or a form)
    data: dict = field(default_factory=dict, hash=False, compare=False)


def _media_models():
    return {get_image_model(), get_document_model()}


def _walked_models():
    return lambda model: is_cooperative_owned(model) or model in _media_models()


def _model_of(viewset):
    model = getattr(viewset, "model", None)
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    return model


def _argument_names(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def _revision_ids(obj) -> list[int]:
    return list(
        Revision.objects.for_instance(obj)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def _argument_sets(pattern: URLPattern, obj):
    """Keyword arguments for `pattern` that point at `obj` (several for revisions)."""
    names = _argument_names(pattern)
    unknown = names - OBJECT_ARGUMENTS - REVISION_ARGUMENTS - set(EXTRA_ARGUMENTS)
    # A new kind of URL argument must be taught to the walk, not skipped.
    assert not unknown, f"{pattern.name}: unknown URL arguments {unknown}"
    base = {}
    for name in names:
        if name in OBJECT_ARGUMENTS:
            base[name] = obj.pk
        elif name in EXTRA_ARGUMENTS:
            base[name] = EXTRA_ARGUMENTS[name]
    revisions = _revision_ids(obj) if hasattr(obj, "revisions") else []
    if "revision_id" in names:
        for revision_id in revisions or [1]:
            yield {**base, "revision_id": revision_id}
    elif {"revision_id_a", "revision_id_b"} <= names:
        first, last = (revisions[0], revisions[-1]) if revisions else (1, 1)
        for a, b in [("earliest", "latest"), (first, last), ("live", "latest")]:
            yield {**base, "revision_id_a": a, "revision_id_b": b}
    else:
        yield base


def _pattern_visits(namespace, patterns, obj, label, data):
    for pattern in patterns:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        names = _argument_names(pattern)
        object_arguments = names & OBJECT_ARGUMENTS
        for kwargs in _argument_sets(pattern, obj):
            path = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
            yield Visit(f"{label}:{pattern.name}", path, bool(object_arguments), data)
        if pattern.name in ("list", "index"):
            # The exported spreadsheets are listings too.
            for export in ("csv", "xlsx"):
                path = reverse(f"{namespace}:{pattern.name}") + f"?export={export}"
                yield Visit(f"{label}:{pattern.name}:{export}", path, False)
        if pattern.name in ("list", "index", "choose", "choose_results"):
            # Searching for B by name must not find it either (searching for part
            # of the marker, so the echoed query is not mistaken for a leak).
            path = reverse(f"{namespace}:{pattern.name}") + f"?q={MARKER[:-1]}"
            yield Visit(f"{label}:{pattern.name}:search", path, False)
        if pattern.name == "chosen_multiple":
            path = reverse(f"{namespace}:{pattern.name}") + f"?id={obj.pk}"
            # Answers 200 with an empty choice: checked for B's data only.
            yield Visit(f"{label}:{pattern.name}:id", path, False)


def walk(world):
    """Yield every admin URL to try for cooperative B's objects."""
    b_objects = world.b_objects()
    walked = set()
    for viewset in viewsets.viewsets:
        model = _model_of(viewset)
        if model is not None and is_cooperative_owned(model):
            # A new cooperative-owned model needs a row of B's in tests/tenancy.py.
            assert model in b_objects, f"no object of B's for {model.__name__}"
        if model is None or model not in b_objects:
            continue
        obj = b_objects[model]
        walked.add(model)
        yield from _pattern_visits(
            viewset.url_namespace,
            viewset.get_urlpatterns(),
            obj,
            type(viewset).__name__,
            form_data_for(world, obj),
        )
    assert set(b_objects) <= walked, "a tenant model has no registered viewset"

    # Images and documents have hand-written admin URLs rather than a viewset.
    for namespace, module, model in [
        ("wagtailimages", image_admin_urls, get_image_model()),
        ("wagtaildocs", document_admin_urls, get_document_model()),
    ]:
        yield from _pattern_visits(
            namespace, module.urlpatterns, b_objects[model], namespace, {}
        )

    # Bulk actions live outside the viewsets, addressed by model and ids.
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    for model, obj in b_objects.items():
        meta = model._meta
        for action in bulk_action_registry.get_bulk_actions_for_model(
            meta.app_label, meta.model_name
        ):
            path = reverse(
                "wagtail_bulk_action",
                args=(meta.app_label, meta.model_name, action.action_type),
            )
            yield Visit(
                f"bulk:{meta.label}:{action.action_type}", f"{path}?id={obj.pk}", True
            )
            yield Visit(
                f"bulk:{meta.label}:{action.action_type}:all", f"{path}?id=all", False
            )

    # Concurrent-editing pings name the object by model and id.
    for model, obj in b_objects.items():
        path = reverse(
            "wagtailadmin_editing_sessions:ping",
            args=(model._meta.app_label, model._meta.model_name, obj.pk, 1),
        )
        yield Visit(f"editing_session:{model._meta.label}", path, True)

    # The traceability tools (record an event, pack lots, recall, labels) name a
    # lot in the address or in the posted form.
    yield from _trace_tool_visits(world)

    # Orders, the ledger and stock, outside the model viewsets' own patterns.
    yield from _order_visits(world)

    # Reports, pick lists and product imports (issue 6's admin pages).
    yield from report_visits(world)
    yield from picklist_visits(world)
    yield from import_visits(world)

    # Pages that list across models.
    for name in [
        "wagtailadmin_home",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
        "wagtailsnippets:index",
    ]:
        yield Visit(name, reverse(name), False)
    yield Visit(
        "site_history:csv",
        reverse("wagtailadmin_reports:site_history") + "?export=csv",
        False,
    )


def _trace_tool_visits(world):
    lot_b = world.lot_b
    record = reverse("trace_record:index")
    data = record_event_form_data(lot_b)
    yield Visit("trace:record:lot", f"{record}?lot={lot_b.pk}", True, data)
    # Posted without the address naming it: B's lot is not a valid choice.
    yield Visit("trace:record:form", record, False, data)
    yield Visit(
        "trace:record:area",
        record,
        False,
        record_event_form_data(world.lot_a, growing_area=world.area_b.pk),
    )
    pool = {
        "inputs": [str(world.lot_a.pk), str(lot_b.pk)],
        "code": "GOP-01",
        "product_name": "",
        "gtin": "",
        "quantity": "5",
        "unit": "kg",
        "event_time": "2026-11-21T08:30",
        "notes": "",
        "close_inputs": "on",
    }
    yield Visit("trace:pool:form", reverse("trace_pool:index"), False, pool)
    yield Visit(
        "trace:pool:only_b",
        reverse("trace_pool:index"),
        False,
        {**pool, "inputs": [str(lot_b.pk)]},
    )
    yield Visit(
        "trace:recall",
        reverse("trace_recall:index", args=(lot_b.pk,)),
        True,
        {"reason": "Đã bị thu hồi"},
    )
    labels = reverse("trace_labels:index")
    yield Visit("trace:labels", f"{labels}?lot={lot_b.pk}&count=24", True)
    yield Visit("trace:labels:form", labels, False)


def _order_visits(world):
    # Whole orders are district staff's: refused to every editor, even for
    # orders with a part of their own.
    for order in (world.order_b, world.shared_order, world.order_a):
        for name in ("inspect", "bank_received", "resolve"):
            yield Visit(
                f"orders:{name}",
                reverse(f"market_orders:{name}", args=(order.pk,)),
                True,
                {"amount": str(order.total), "note": "Đã bị sửa"},
            )
    for name in ("index", "index_results"):
        orders = reverse(f"market_orders:{name}")
        yield Visit(f"orders:{name}", orders, True)
        yield Visit(f"orders:{name}:csv", f"{orders}?export=csv", True)
        yield Visit(f"orders:{name}:search", f"{orders}?q={MARKER[:-1]}", True)

    # A's own part of an order shared with B: B's lines, tracking note and
    # history stay out of it.
    yield Visit(
        "fulfilments:shared_a",
        reverse("market_fulfilments:inspect", args=(world.shared_a.pk,)),
        False,
        {"note": "Đã bị sửa"},
    )
    # B's parts, as well as the one in the shared order, by each action.
    for name in ("confirm", "pack", "ship", "deliver", "cancel", "inspect"):
        yield Visit(
            f"fulfilments:{name}:shared_b",
            reverse(f"market_fulfilments:{name}", args=(world.shared_b.pk,)),
            True,
            {"note": "Đã bị sửa"},
        )
    ledger = reverse("market_ledger:statement", args=(world.coop_b.pk,))
    yield Visit("ledger:statement", ledger, True)
    yield Visit("ledger:statement:csv", f"{ledger}?export=csv", True)
    yield Visit(
        "ledger:statement:dates",
        f"{ledger}?date_from=2020-01-01&date_to=2030-01-01&export=csv",
        True,
    )
    own = reverse("market_ledger:statement", args=(world.coop_a.pk,))
    yield Visit("ledger:own", own, False)
    yield Visit("ledger:own:csv", f"{own}?export=csv", False)
    yield Visit("ledger:index", reverse("market_ledger:index"), False)
    yield Visit(
        "stock:index",
        reverse("market_stock:index", args=(world.product_b.pk,)),
        True,
        {"mode": "set", "quantity": "0", "expected": "50", "note": ""},
    )


def _body(response) -> str:
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return content.decode("utf-8", errors="replace")


def _denied(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code in (301, 302):
        # Wagtail answers some refusals by redirecting to the dashboard or login.
        location = response["Location"]
        return location.split("?")[0] in (
            reverse("wagtailadmin_home"),
            reverse("wagtailadmin_login"),
        )
    return False


def _walk_as(client, visits):
    """Request every visit with GET and POST: (failures, object and listing counts)."""
    client.raise_request_exception = False  # a crash is reported like any failure
    failures = []
    object_requests = listing_requests = 0
    for visit in visits:
        for method in ("get", "post"):
            if method == "get":
                response = client.get(visit.url)
            else:
                response = client.post(visit.url, visit.data)
            where = f"{method.upper()} {visit.url} ({visit.label})"
            if visit.targets_object:
                object_requests += 1
                if not _denied(response):
                    failures.append(f"{where}: answered {response.status_code}")
            else:
                listing_requests += 1
                if response.status_code >= 500:
                    failures.append(f"{where}: server error")
            if response.status_code >= 500 and visit.targets_object:
                failures.append(f"{where}: server error")
            if MARKER in _body(response).lower():
                failures.append(f"{where}: shows cooperative B's data")
    return failures, object_requests, listing_requests


def test_another_cooperatives_objects_are_out_of_reach_in_every_admin_view(client):
    world = build_world()
    before = snapshot(world)
    client.force_login(world.editor_a)

    failures, object_requests, listing_requests = _walk_as(client, walk(world))

    assert not failures, "\n".join(failures)
    assert object_requests >= MINIMUM_OBJECT_REQUESTS
    assert listing_requests >= MINIMUM_LISTING_REQUESTS
    assert snapshot(world) == before


def test_a_cooperative_administrator_never_reaches_b_api_tokens(client):
    """A's editor above sees no API tokens at all; A's administrator sees A's, and
    B's token stays out of reach in every view all the same."""
    world = build_world()
    add_member(world.editor_a, world.coop_a, role=Membership.Role.ADMIN)
    before = snapshot(world)
    client.force_login(world.editor_a)
    visits = [
        visit
        for visit in walk(world)
        if "ApiToken" in visit.label or visit.label.startswith("wagtailadmin_")
    ]

    failures, object_requests, listing_requests = _walk_as(client, visits)

    assert not failures, "\n".join(failures)
    assert object_requests >= 10 and listing_requests >= 5
    assert snapshot(world) == before
    # Not refused for want of the role: A's own token is listed.
    listing = client.get(reverse("wagtailsnippets_producers_apitoken:list"))
    assert listing.status_code == 200
    assert world.token_a.name in listing.content.decode()


def test_the_walk_reaches_b_objects_for_their_own_editor(client):
    """The control: the same URLs open for B's editor, so the refusals above are
    about tenancy and not about malformed URLs."""
    world = build_world()
    client.force_login(world.editor_b)
    opened = set()
    for visit in walk(world):
        if not visit.targets_object or "bulk" in visit.label:
            continue
        response = client.get(visit.url)
        if response.status_code == 200:
            opened.add(visit.label.split(":")[1] if ":" in visit.label else visit.label)
    for name in [
        "edit",
        "inspect",
        "history",
        "usage",
        "revisions_view",
        "revisions_compare",
        "revisions_revert",
        "preview_on_edit",
        "chosen",
        "record",
        "recall",
        "labels",
        "statement",
    ]:
        assert name in opened, f"B's editor could not open {name}"
