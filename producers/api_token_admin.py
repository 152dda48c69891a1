"""Cooperative API tokens in the admin: issue, rename, revoke (never delete).

Who manages a cooperative's tokens is narrower than who edits its listings: district
staff for every cooperative, and a cooperative's administrators (Membership role
"admin") for their own. Plain editors do not see tokens at all. A token's secret is
shown once, in the answer to the form that created it, and kept nowhere; a revoked
token stays listed (who made it, who revoked it, when it was last used).
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.actions.base import BaseAction
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    StatusTagColumn,
)
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views.snippets import CreateView, EditView

from .admin_views import (
    CooperativeScopedSnippetViewSet,
    CooperativeScopedViewMixin,
    FoldedSearchIndexView,
)
from .models import ApiToken, Cooperative, CooperativeLogEntry, Membership
from .permissions import (
    MANAGE_ALL,
    CooperativeOwnedPermissionPolicy,
    administered_cooperative_ids,
    cooperative_id_of,
    cooperative_path,
    sees_all_cooperatives,
)

LOG_ISSUE = "producers.api_token.issue"
LOG_REVOKE = "producers.api_token.revoke"
REVOKE_URL_NAME = "wagtailsnippets_producers_apitoken:revoke"
# The API's "who am I" endpoint, shown on the page with the new secret as a test.
API_ME_URL_NAME = "api_v1:me"

# --- Who may manage tokens ----------------------------------------------------------


def token_cooperatives(user):
    """The cooperatives whose tokens `user` manages."""
    if sees_all_cooperatives(user):
        return Cooperative.objects.all()
    return Cooperative.objects.filter(pk__in=administered_cooperative_ids(user))


def manages_several(user) -> bool:
    """Whether the user's tokens belong to more than one cooperative."""
    return sees_all_cooperatives(user) or len(administered_cooperative_ids(user)) > 1


class CooperativeAdminPermissionPolicy(CooperativeOwnedPermissionPolicy):
    """For what only district staff and a cooperative's own administrators manage.

    District staff are asked for their model permissions as usual (they hold all of
    `producers`); anyone else needs an administrator membership, and then acts on
    the rows of the cooperatives they administer only. Deleting is refused to all:
    a token is revoked and its record kept.
    """

    refused_actions = frozenset({"delete"})

    def user_has_permission(self, user, action):
        if action in self.refused_actions:
            return False
        if sees_all_cooperatives(user):
            return super().user_has_permission(user, action)
        return bool(administered_cooperative_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instance_in_scope(self, user, instance) -> bool:
        if sees_all_cooperatives(user):
            return True
        return cooperative_id_of(instance) in administered_cooperative_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return queryset.none()
        return scope_to_administered(user, queryset)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.refused_actions]
        User = get_user_model()
        if not allowed:
            return User.objects.none()
        staff = ModelPermissionPolicy.users_with_any_permission(self, allowed)
        return User.objects.filter(
            Q(pk__in=staff.filter(_sees_all_q()).values("pk"))
            | Q(
                is_active=True,
                cooperative_memberships__role=Membership.Role.ADMIN,
            )
        ).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        admins = Q(
            cooperative_memberships__role=Membership.Role.ADMIN,
            cooperative_memberships__cooperative_id=cooperative_id_of(instance),
        )
        return users.filter(_sees_all_q() | admins).distinct()


def _sees_all_q() -> Q:
    """Users who see every cooperative (as `sees_all_cooperatives` says), as a Q."""
    from django.contrib.auth.models import Permission

    app_label, codename = MANAGE_ALL.split(".")
    manage_all = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).values("pk")
    return (
        Q(is_superuser=True)
        | Q(user_permissions__in=manage_all)
        | Q(groups__permissions__in=manage_all)
    )


def scope_to_administered(user, queryset):
    """`queryset` (of a cooperative-owned model) narrowed to what `user` administers."""
    if sees_all_cooperatives(user):
        return queryset
    ids = administered_cooperative_ids(user)
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{cooperative_path(queryset.model)}__in": ids})


# Registered before anything asks Wagtail for the model's policy.
register_permission_policy(
    ApiToken, CooperativeAdminPermissionPolicy(ApiToken), exact_class=True
)


# --- Actions: issue and revoke (permission check, change and log in one place) -----


class IssueApiToken(BaseAction):
    """Create a token for a cooperative; `execute()` returns it and its secret."""

    action_name = "issue"
    permission_policy_action = "add"

    def __init__(self, cooperative: Cooperative, name: str, user=None):
        super().__init__(ApiToken(cooperative=cooperative, name=name), user=user)

    def execute(self, skip_permission_checks=False) -> tuple[ApiToken, str]:
        # The unsaved token names its cooperative, so the check covers it.
        self.check(skip_permission_checks=skip_permission_checks)
        with transaction.atomic():
            token, secret = ApiToken.issue(
                cooperative=self.instance.cooperative,
                name=self.instance.name,
                user=self.user,
            )
            log(token, LOG_ISSUE, user=self.user)
        self.instance = token
        return token, secret


class RevokeApiToken(BaseAction):
    """Revoke a token for good; `execute()` is False if it was revoked already."""

    action_name = "revoke"
    permission_policy_action = "change"

    def execute(self, skip_permission_checks=False) -> bool:
        self.check(skip_permission_checks=skip_permission_checks)
        with transaction.atomic():
            # Locked, so two revocations at once log one revocation.
            token = ApiToken.objects.select_for_update().get(pk=self.instance.pk)
            if not token.is_active:
                self.instance = token
                return False
            token.revoke(self.user)
            log(token, LOG_REVOKE, user=self.user)
        self.instance = token
        return True


@hooks.register("register_actions")
def register_api_token_actions(registry):
    registry.register(ApiToken, IssueApiToken)
    registry.register(ApiToken, RevokeApiToken)


@hooks.register("register_log_actions")
def register_api_token_log_actions(actions):
    actions.register_model(ApiToken, CooperativeLogEntry)
    actions.register_action(
        LOG_ISSUE, _("Tạo mã truy cập API"), _("Đã tạo mã truy cập API")
    )
    actions.register_action(
        LOG_REVOKE, _("Thu hồi mã truy cập API"), _("Đã thu hồi mã truy cập API")
    )


# --- Forms --------------------------------------------------------------------------


class ApiTokenCreateForm(WagtailAdminModelForm):
    """Name and cooperative; a one-cooperative administrator gets theirs, locked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("cooperative")
        if field is None or self.for_user is None:
            return
        field.queryset = token_cooperatives(self.for_user).order_by("name")
        if not sees_all_cooperatives(self.for_user):
            ids = administered_cooperative_ids(self.for_user)
            if len(ids) == 1:
                (only,) = ids
                field.disabled = True
                field.initial = only
                self.initial.setdefault("cooperative", only)
                field.help_text = _("Mã dùng được cho hợp tác xã của bạn.")
        if not field.help_text:
            field.help_text = _(
                "Mã chỉ làm việc với sản phẩm, lô hàng và đơn hàng của hợp tác xã này."
            )


class ApiTokenEditForm(WagtailAdminModelForm):
    """Only the name changes; the cooperative and the secret never do."""


CREATE_PANELS = [FieldPanel("cooperative"), FieldPanel("name")]


# --- Views --------------------------------------------------------------------------


class AdministeredScopeMixin(CooperativeScopedViewMixin):
    """Tenancy for tokens: the cooperatives a user administers, not all of theirs."""

    def _scope(self, result):
        result = super()._scope(result)
        model = self.scoped_model
        if (
            model is not None
            and isinstance(result, models.QuerySet)
            and issubclass(result.model, model)
        ):
            return scope_to_administered(self.request.user, result)
        return result

    def _check_object(self, obj):
        model = self.scoped_model
        if model is not None and isinstance(obj, model) and obj.pk is not None:
            policy = policy_registry.get_by_type(model)
            if not policy.instance_in_scope(self.request.user, obj):
                raise Http404
        super()._check_object(obj)


def _status_label(token: ApiToken) -> str:
    return (
        gettext("Đang dùng") if token.is_active else pgettext("api token", "Đã thu hồi")
    )


def _prefix(token: ApiToken) -> str:
    return f"{token.prefix}…"


class LastUsedColumn(DateColumn):
    cell_template_name = "producers/api_tokens/last_used_cell.html"


class ApiTokenFilterSet(WagtailFilterSet):
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Hợp tác xã"),
        queryset=lambda request: (
            token_cooperatives(request.user).order_by("name")
            if request
            else Cooperative.objects.none()
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=[
            ("active", _("Đang dùng")),
            ("revoked", pgettext_lazy("api token", "Đã thu hồi")),
        ],
        method="filter_status",
    )

    class Meta:
        model = ApiToken
        fields = ["cooperative", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not manages_several(self.request.user):
            del self.filters["cooperative"]

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(revoked_at__isnull=True)
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def revoke_url(token: ApiToken) -> str:
    return reverse(REVOKE_URL_NAME, args=(token.pk,))


class ApiTokenIndexView(FoldedSearchIndexView):
    @cached_property
    def columns(self):
        columns = [
            column
            for column in super().columns
            # Tokens are never deleted, so there is no bulk action to select for.
            if not isinstance(column, BulkActionsCheckboxColumn)
        ]
        if not self.shows_cooperative:
            columns = [c for c in columns if c.name != "cooperative"]
        return columns

    @cached_property
    def shows_cooperative(self) -> bool:
        return manages_several(self.request.user)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if (
            instance.is_active
            and self.permission_policy.user_has_permission_for_instance(
                self.request.user, "change", instance
            )
        ):
            buttons.append(
                MenuItem(
                    gettext("Thu hồi"),
                    url=revoke_url(instance),
                    icon_name="cross",
                    priority=30,
                )
            )
        return buttons


class ApiTokenCreateView(CreateView):
    """The form, then (instead of a redirect) the one page that shows the secret."""

    secret_template_name = "producers/api_tokens/secret.html"
    submit_button_label = _("Tạo mã")
    secret = None

    def get_panel(self):
        return ObjectList(
            CREATE_PANELS, base_form_class=ApiTokenCreateForm
        ).bind_to_model(ApiToken)

    def get_form_class(self):
        # The viewset's form (the edit form: the name alone) is not this one.
        return self.panel.get_form_class()

    def get_side_panels(self):
        return MediaContainer([])

    def get_page_title(self):
        if self.secret:
            return gettext("Đã tạo mã truy cập API")
        return gettext("Mã truy cập API mới")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1] = {"url": "", "label": self.get_page_title()}
        return items

    def save_instance(self):
        data = self.form.cleaned_data
        token, self.secret = IssueApiToken(
            data["cooperative"], data["name"], user=self.request.user
        ).execute()
        return token

    def form_valid(self, form):
        self.form = form
        self.object = self.save_instance()
        context = self.get_context_data(
            token=self.object,
            secret=self.secret,
            api_me_url=self.request.build_absolute_uri(reverse(API_ME_URL_NAME)),
        )
        response = TemplateResponse(self.request, self.secret_template_name, context)
        # The secret is in this answer only: no cache may keep it.
        add_never_cache_headers(response)
        return response


class ApiTokenEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.is_active and self.user_has_permission_for_instance(
            "change", self.object
        ):
            buttons.append(
                Button(
                    gettext("Thu hồi"),
                    url=revoke_url(self.object),
                    icon_name="cross",
                    priority=30,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = self.object
        context["revoke_url"] = (
            revoke_url(self.object)
            if self.object.is_active
            and self.user_has_permission_for_instance("change", self.object)
            else None
        )
        return context


class RevokeView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then revoke (POST); a revoked token stays revoked."""

    model = ApiToken
    permission_required = "change"
    template_name = "producers/api_tokens/revoke.html"
    page_title = _("Thu hồi mã truy cập API")
    header_icon = "key"
    index_url_name = None
    edit_url_name = None

    def get_queryset(self):
        return ApiToken.objects.select_related("cooperative", "created_by")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_active:
            return self._already_revoked()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not RevokeApiToken(self.object, user=request.user).execute():
            return self._already_revoked()
        messages.success(
            request,
            gettext(
                "Đã thu hồi mã “%(name)s”. Phần mềm dùng mã này không truy cập "
                "được nữa."
            )
            % {"name": self.object.name},
        )
        return HttpResponseRedirect(reverse(self.index_url_name))

    def _already_revoked(self):
        messages.warning(
            self.request,
            gettext("Mã “%(name)s” đã được thu hồi trước đó.")
            % {"name": self.object.name},
        )
        return HttpResponseRedirect(reverse(self.index_url_name))

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(ApiToken._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = self.object
        context["cancel_url"] = reverse(self.edit_url_name, args=(self.object.pk,))
        return context


# --- The viewset --------------------------------------------------------------------


class ApiTokenViewSet(CooperativeScopedSnippetViewSet):
    model = ApiToken
    icon = "key"
    menu_label = _("Mã truy cập API")
    index_view_class = ApiTokenIndexView
    add_view_class = ApiTokenCreateView
    edit_view_class = ApiTokenEditView
    create_template_name = "producers/api_tokens/create.html"
    edit_template_name = "producers/api_tokens/edit.html"
    base_form_class = ApiTokenEditForm
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    chooser_register_widget = False
    list_select_related = ("cooperative", "created_by")
    search_fields = ["name", "prefix"]
    search_backend_name = None
    list_display = [
        "name",
        "cooperative",
        Column("prefix", label=_("Mã"), accessor=_prefix),
        Column("created_by", label=_("Người tạo"), accessor="created_by"),
        DateColumn("created_at", label=_("Tạo lúc"), sort_key="created_at"),
        LastUsedColumn(
            "last_used_at", label=_("Dùng lần cuối"), sort_key="last_used_at"
        ),
        StatusTagColumn(
            "status",
            label=_("Trạng thái"),
            accessor=_status_label,
            primary=lambda token: token.is_active,
        ),
    ]
    filterset_class = ApiTokenFilterSet
    panels = [FieldPanel("name")]
    # No delete: a token is revoked and its record kept.
    removed_views = {"delete"}

    def construct_view(self, view_class, **kwargs):
        if not issubclass(view_class, AdministeredScopeMixin):
            view_class = type(
                view_class.__name__, (AdministeredScopeMixin, view_class), {}
            )
        return super().construct_view(view_class, **kwargs)

    def register_chooser_viewset(self):
        # Nothing chooses a token.
        pass

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})

    @property
    def revoke_view(self):
        return self.construct_view(
            RevokeView,
            index_url_name=self.get_url_name("list"),
            edit_url_name=self.get_url_name("edit"),
        )

    def get_urlpatterns(self):
        patterns = [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in self.removed_views
        ]
        return [
            *patterns,
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
        ]
