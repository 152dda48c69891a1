"""sitemap.xml: the district's pages (each language tree), products and cooperatives."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from market.models import Product
from producers.models import Cooperative


class PageSitemap(WagtailSitemap):
    """Published, public pages of the site's tree and of its translations."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        in_a_tree = Q()
        for tree in roots:
            in_a_tree |= Q(path__startswith=tree.path)
        return (
            Page.objects.filter(in_a_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


class ProductSitemap(Sitemap):
    """Published products, in Vietnamese and English."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return Product.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


class CooperativeSitemap(Sitemap):
    """Every cooperative's public page, in Vietnamese and English."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return Cooperative.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, cooperative):
        return cooperative.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "products": ProductSitemap,
    "cooperatives": CooperativeSitemap,
}
