from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Trang quảng bá")

    def ready(self):
        from . import page_cache
        from .models import HomePage
        from .roles import ensure_cms_roles_after_migrate, grant_new_home_page

        # Locales, the district editors/approvers and their workflow exist after
        # every migrate (the receiver creates permissions other apps have not yet).
        post_migrate.connect(
            ensure_cms_roles_after_migrate,
            sender=self,
            dispatch_uid="cms.ensure_cms_roles",
        )
        # A new home page (e.g. the English copy) is editable and moderated at once.
        post_save.connect(
            grant_new_home_page, sender=HomePage, dispatch_uid="cms.grant_home_page"
        )
        # Cached pages go out of date the moment what they show changes.
        page_cache.connect_signals()
