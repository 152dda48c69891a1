"""District staff manage who edits which cooperative, from the admin.

A membership is more than a row: `roles.add_member` also puts the user in the
editors' group and the cooperative's image collection group, so the views call
it (and `remove_member`) instead of saving the form's instance directly.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import roles
from .models import Cooperative, Membership
from .permissions import sees_all_cooperatives


class DistrictStaffOnlyPolicy(ModelPermissionPolicy):
    """Only district staff (and superusers) see or change memberships."""

    def user_has_permission(self, user, action):
        return sees_all_cooperatives(user)

    def user_has_any_permission(self, user, actions):
        return sees_all_cooperatives(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()


register_permission_policy(Membership, DistrictStaffOnlyPolicy(Membership))


class MembershipForm(WagtailAdminModelForm):
    user = forms.ModelChoiceField(
        label=_("Người dùng"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    cooperative = forms.ModelChoiceField(
        label=_("Hợp tác xã"), queryset=Cooperative.objects.order_by("name")
    )

    class Meta:
        model = Membership
        fields = ["user", "cooperative", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving a membership is removing one and adding another.
            for name in ("user", "cooperative"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        user, cooperative = cleaned.get("user"), cleaned.get("cooperative")
        if (
            not self.instance.pk
            and user
            and cooperative
            and Membership.objects.filter(user=user, cooperative=cooperative).exists()
        ):
            raise forms.ValidationError(
                _("Người dùng này đã là thành viên quản trị của hợp tác xã.")
            )
        return cleaned


class MembershipCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return roles.add_member(data["user"], data["cooperative"], data["role"])


class MembershipEditView(EditView):
    def save_instance(self):
        return roles.add_member(
            self.object.user, self.object.cooperative, self.form.cleaned_data["role"]
        )


class MembershipDeleteView(DeleteView):
    def delete_action(self):
        roles.remove_member(self.object.user, self.object.cooperative)


class MembershipViewSet(ModelViewSet):
    model = Membership
    form_class = MembershipForm
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    icon = "group"
    menu_label = _("Thành viên quản trị")
    add_to_settings_menu = True
    url_prefix = "thanh-vien-quan-tri"
    list_display = ["user", "cooperative", "role"]
    list_filter = ["cooperative", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return MembershipForm


@hooks.register("register_admin_viewset")
def register_membership_viewset():
    return MembershipViewSet("memberships")
