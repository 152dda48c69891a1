"""Admin building blocks that keep every view of a cooperative-owned model in scope.

Wagtail's generic views look objects up with `Model.objects` and only the listing can
be given a queryset, so a cooperative editor could open another cooperative's edit,
history, revision, preview, lock, usage or chooser URL by typing it. The viewset below
wraps *every* view class it constructs (including ones a later Wagtail adds) with
`CooperativeScopedViewMixin`, which narrows each queryset the view builds and refuses
any object outside the user's cooperatives with a 404, before the view does anything.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    CopyView,
    DeleteView,
    IndexView,
    SnippetViewSet,
)

from .models import Cooperative
from .permissions import (
    can_reach,
    chooses_any_listing,
    cooperative_id_of,
    cooperative_ids_for,
    cooperative_path,
    is_cooperative_owned,
    scope_queryset,
    sees_all_cooperatives,
)
from .text import fold

# Attributes that generic views set to the object they act on during setup().
_OBJECT_ATTRIBUTES = ("object", "live_object", "revision_object", "revision")


class CooperativeScopedViewMixin:
    """Narrows querysets and refuses out-of-scope objects in any Wagtail admin view."""

    @property
    def scoped_model(self):
        model = getattr(self, "model_class", None) or getattr(self, "model", None)
        return model if isinstance(model, type) else None

    def _scope(self, result):
        model = self.scoped_model
        if (
            model is not None
            and isinstance(result, models.QuerySet)
            and issubclass(result.model, model)
        ):
            return scope_queryset(self.request.user, result)
        return result

    def _check_object(self, obj):
        model = self.scoped_model
        if (
            model is None
            or not isinstance(obj, model)
            or getattr(obj, "pk", None) is None
        ):
            return
        key = (obj.pk, cooperative_id_of(obj))
        checked = self.__dict__.setdefault("_scope_checked", set())
        if key in checked:
            return
        if not can_reach(self.request.user, obj):
            # 404 rather than 403: another cooperative's rows do not exist for you.
            raise Http404
        checked.add(key)

    # Queryset builders of the generic views (listing, edit/delete, object views,
    # choosers). A view only calls those it has, so defining them all is harmless.

    def get_queryset(self, *args, **kwargs):
        queryset = super().get_queryset(*args, **kwargs)
        if hasattr(super(), "get_base_queryset"):
            return queryset  # listings: already narrowed in get_base_queryset()
        return self._scope(queryset)

    def get_base_queryset(self, *args, **kwargs):
        return self._scope(super().get_base_queryset(*args, **kwargs))

    def get_base_object_queryset(self, *args, **kwargs):
        return self._scope(super().get_base_object_queryset(*args, **kwargs))

    def get_object_list(self, *args, **kwargs):
        return self._scope(super().get_object_list(*args, **kwargs))

    def get_objects(self, *args, **kwargs):
        return self._scope(super().get_objects(*args, **kwargs))

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        self._check_object(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        # Views that loaded their object in setup() by other means are caught here.
        for attr in _OBJECT_ATTRIBUTES:
            self._check_object(self.__dict__.get(attr))
        return super().dispatch(request, *args, **kwargs)


class CooperativeScopedChooserViewMixin(CooperativeScopedViewMixin):
    """Chooser views check no model permission in Wagtail; these require one."""

    chooser_actions = ("add", "change", "delete", "view", "choose")

    @property
    def _chooses_any(self) -> bool:
        # Picking is read only; creating from a chooser stays within one's own
        # cooperatives.
        return not isinstance(
            self, chooser_views.CreateViewMixin
        ) and chooses_any_listing(self.request.user)

    def _scope(self, result):
        return result if self._chooses_any else super()._scope(result)

    def _check_object(self, obj):
        if not self._chooses_any:
            super()._check_object(obj)

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.scoped_model)
        if not (
            policy.user_has_any_permission(request.user, self.chooser_actions)
            or self._chooses_any
        ):
            raise PermissionDenied
        creates = isinstance(self, chooser_views.CreateViewMixin)
        if creates and not self.get_creation_form_class():
            # No creation form is configured: the URL exists but does nothing.
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _wrap(view_class, mixin):
    if issubclass(view_class, mixin):
        return view_class
    return type(view_class.__name__, (mixin, view_class), {})


class CooperativeScopedChooserViewSet(SnippetChooserViewSet):
    def construct_view(self, view_class, **kwargs):
        return super().construct_view(
            _wrap(view_class, CooperativeScopedChooserViewMixin), **kwargs
        )


class FoldedSearchIndexView(IndexView):
    """Snippet listing whose search ignores diacritics when a folded field exists."""

    folded_search_field = None

    def search_queryset(self, queryset):
        if not self.folded_search_field or not self.is_searching:
            return super().search_queryset(queryset)
        # Folded on both sides: "che" finds "chè", "cam vinh" finds "Cam Vinh".
        return queryset.filter(
            **{f"{self.folded_search_field}__icontains": fold(self.search_query)}
        )


class GetOnlyCopyView(CopyView):
    """The copy view only pre-fills the create form, which posts to the add view.

    Wagtail's copy view binds its form to the original object, so a POST to the copy
    URL would save over the original while checking only the "add" permission.
    """

    http_method_names = ["get", "head", "options"]


# Model -> function saying why an object must not be deleted (None: it may be).
_deletion_guards: dict[type[models.Model], Callable[[models.Model], str | None]] = {}


def register_deletion_guard(
    model: type[models.Model], guard: Callable[[models.Model], str | None]
) -> None:
    """Declare a rule that keeps some objects of `model` from being deleted.

    The delete view and the bulk delete action show the guard's message instead
    of deleting (and instead of a database error for protected rows).
    """
    _deletion_guards[model] = guard


def deletion_refusal(obj: models.Model) -> str | None:
    guard = _deletion_guards.get(type(obj))
    return guard(obj) if guard else None


class GuardedDeleteView(DeleteView):
    """Snippet delete view that explains, rather than fails, when a rule forbids it."""

    template_name = "producers/admin/confirm_delete.html"

    @cached_property
    def refusal(self) -> str | None:
        return deletion_refusal(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deletion_refusal"] = self.refusal
        if self.refusal:
            context["is_protected"] = True
        return context

    def form_valid(self, form):
        refusal = self.refusal
        if refusal is None:
            try:
                return super().form_valid(form)
            except ProtectedError:
                refusal = _("Mục này đang được dữ liệu khác dùng nên không thể xóa.")
        messages.error(self.request, refusal)
        return HttpResponseRedirect(self.get_success_url())


class CooperativeScopedSnippetViewSet(SnippetViewSet):
    """A SnippetViewSet whose every view obeys cooperative tenancy.

    For models not registered as cooperative-owned (categories), the wrapping is a
    no-op and only the model permissions apply.
    """

    index_view_class = FoldedSearchIndexView
    copy_view_class = GetOnlyCopyView
    chooser_viewset_class = CooperativeScopedChooserViewSet
    #: False keeps foreign keys to this model as plain selects in admin forms.
    chooser_register_widget = True
    #: Relations the listing shows, fetched with the rows.
    list_select_related: tuple[str, ...] = ()
    #: A field holding diacritic-free text; the admin search folds the query too.
    folded_search_field: str | None = None
    #: Form class for `panels` (defaults to CooperativeOwnedForm).
    base_form_class = None

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(
            _wrap(view_class, CooperativeScopedViewMixin), **kwargs
        )

    def get_edit_handler(self):
        if not hasattr(self, "panels"):
            return super().get_edit_handler()
        form_class = self.base_form_class or CooperativeOwnedForm
        return ObjectList(self.panels, base_form_class=form_class).bind_to_model(
            self.model
        )

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    @property
    def chooser_viewset(self):
        return self.chooser_viewset_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            register_widget=self.chooser_register_widget,
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            folded_search_field=self.folded_search_field, **kwargs
        )


# Actions a user needs on at least one object for it to exist for them at all.
_VISIBLE_ACTIONS = ("add", "change", "delete", "view", "choose")


class OutOfReachHiddenBulkActionMixin:
    """Bulk actions act on, and list, only objects the user can see at all.

    Wagtail lists the selected objects a user may not act on by name ("you do not
    have permission to..."), which would show another cooperative's titles to anyone
    who types their ids into the URL; here such ids simply do not exist.
    """

    def get_queryset(self, model, object_ids):
        policy = policy_registry.get_by_type(model)
        visible = policy.instances_user_has_any_permission_for(
            self.request.user, _VISIBLE_ACTIONS
        )
        return get_list_or_404(visible, pk__in=object_ids)


def out_of_reach_hidden(action_class, **attrs):
    """A subclass of a bulk action class with `OutOfReachHiddenBulkActionMixin`."""
    return type(
        action_class.__name__,
        (OutOfReachHiddenBulkActionMixin, action_class),
        {"__module__": __name__, **attrs},
    )


class CooperativeScopedDeleteBulkAction(
    OutOfReachHiddenBulkActionMixin, DeleteBulkAction
):
    """Snippet bulk delete for cooperative-owned models."""

    @classproperty
    def models(cls):
        return [m for m in get_snippet_models() if is_cooperative_owned(m)]

    def get_all_objects_in_listing_query(self, parent_id):
        queryset = scope_queryset(self.request.user, self.model._default_manager.all())
        return queryset.values_list("pk", flat=True)

    def check_perm(self, snippet):
        # Objects a deletion guard protects are listed as not deletable.
        return super().check_perm(snippet) and deletion_refusal(snippet) is None

    @classmethod
    def execute_action(cls, objects, **kwargs):
        if not objects:
            # Nothing may be deleted; append-only models refuse even an empty
            # queryset delete.
            return 0, 0
        return super().execute_action(objects, **kwargs)


# Forms


def _media_models():
    return (get_image_model(), get_document_model())


def _restrict_chooser_widget(field) -> None:
    """Make a chooser widget render only objects of its field's queryset.

    A chooser widget looks its value up by id to show a title and thumbnail; after a
    POST with another cooperative's id, that would display their object.
    """
    widget = field.widget
    if not isinstance(widget, BaseChooser):
        return
    original = widget.get_instance
    queryset = field.queryset

    def get_instance(value):
        instance = original(value)
        if instance is not None and not queryset.filter(pk=instance.pk).exists():
            return None
        return instance

    widget.get_instance = get_instance


class CooperativeOwnedForm(WagtailAdminModelForm):
    """Admin form for a cooperative-owned model, limited to what its user may use.

    - every choice of a cooperative-owned model (the cooperative itself, its
      certifications, growing areas...) offers only the user's cooperatives' rows;
    - an editor of a single cooperative gets it filled in and locked;
    - chosen related rows must belong to the same cooperative as the object;
    - images and documents are those of collections the user may choose from, plus
      whatever is already attached.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        self._limit_choices(self, user)
        for formset in self.formsets.values():
            for form in formset.forms:
                self._limit_choices(form, user)
        self._lock_single_cooperative(user)

    @property
    def owner_field_name(self) -> str | None:
        path = cooperative_path(self._meta.model)
        if path is None or path == "pk":
            return None
        return path.split("__")[0]

    @staticmethod
    def _limit_choices(form, user):
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if is_cooperative_owned(model):
                field.queryset = scope_queryset(user, queryset)
                _restrict_chooser_widget(field)
            elif model in _media_models():
                policy = policy_registry.get_by_type(model)
                allowed = policy.instances_user_has_any_permission_for(user, ["choose"])
                current = form.initial.get(name)
                keep = models.Q(pk__in=allowed.values("pk"))
                if current:
                    # What is attached already stays valid, wherever it lives.
                    keep |= models.Q(pk=getattr(current, "pk", current))
                field.queryset = model._default_manager.filter(keep)
                _restrict_chooser_widget(field)

    def _lock_single_cooperative(self, user):
        name = self.owner_field_name
        if not name or name not in self.fields or sees_all_cooperatives(user):
            return
        ids = cooperative_ids_for(user)
        if len(ids) != 1:
            return
        (only,) = ids
        field = self.fields[name]
        field.disabled = True
        field.initial = only
        if not self.initial.get(name):
            self.initial[name] = only
        field.help_text = _("Thuộc hợp tác xã của bạn.")

    def clean(self):
        cleaned = super().clean()
        owner = self._owner_cooperative_id(cleaned)
        if owner is None:
            return cleaned
        for name, field in self.fields.items():
            if name == self.owner_field_name:
                continue
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model is None or not is_cooperative_owned(model):
                continue
            value = cleaned.get(name)
            chosen = value if isinstance(value, models.QuerySet | list) else [value]
            foreign = [
                obj
                for obj in chosen
                if obj is not None and cooperative_id_of(obj) != owner
            ]
            if foreign:
                self.add_error(
                    name,
                    ValidationError(
                        _("Chỉ chọn mục thuộc cùng hợp tác xã."),
                        code="other_cooperative",
                    ),
                )
        return cleaned

    def _owner_cooperative_id(self, cleaned) -> int | None:
        path = cooperative_path(self._meta.model)
        if path == "pk":
            return self.instance.pk
        name = self.owner_field_name
        if name is None:
            return None
        if name in cleaned and cleaned[name] is not None:
            value = cleaned[name]
            return (
                value.pk if isinstance(value, Cooperative) else cooperative_id_of(value)
            )
        return None


def user_cooperatives(request):
    """The cooperatives a list filter offers: those the requesting user manages."""
    if request is None:
        return Cooperative.objects.none()
    return Cooperative.objects.for_user(request.user)


def cooperative_filter(field_name: str = "cooperative"):
    """The "cooperative" list filter of every cooperative-owned admin listing."""
    return django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"), queryset=user_cooperatives, field_name=field_name
    )


class PermissionMenuViewSet(ViewSet):
    """Plain admin pages whose menu entry shows to those holding a permission."""

    #: (model, actions): the menu entry shows if the user may do any of the actions
    #: on the model, as its registered permission policy says.
    menu_permission: tuple[type, tuple[str, ...]]

    @cached_property
    def menu_item_class(self):
        model, actions = self.menu_permission

        def is_shown(item, request):
            policy = policy_registry.get_by_type(model)
            return policy.user_has_any_permission(request.user, actions)

        return type(
            f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown}
        )
