from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Chợ")

    def ready(self):
        from producers import profile

        from . import sections

        profile.register_section(sections.cooperative_products)
