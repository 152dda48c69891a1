from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "producers"
    verbose_name = _("Nhà sản xuất")

    def ready(self):
        from . import fragments, membership_admin  # noqa: F401 - admin viewset
        from .roles import ensure_roles_after_migrate
        from .trace_page import count_scan_shown

        # Connected for this app only; the receiver creates any permissions other
        # apps have not created yet, so it does not depend on INSTALLED_APPS order.
        post_migrate.connect(
            ensure_roles_after_migrate,
            sender=self,
            dispatch_uid="producers.ensure_roles",
        )
        # A trace page kept in the page cache still counts each scan.
        fragments.register("scan_count", count_scan_shown)
