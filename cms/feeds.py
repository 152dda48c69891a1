"""RSS and Atom feeds of a news index (served at <index>/rss.xml and atom.xml)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from cms.models.pages import FEED_ITEMS
from producers.templatetags.producers_tags import rich_text_excerpt


class NewsFeed(Feed):
    """The newest posts of one NewsIndexPage, optionally those with one tag."""

    feed_type = Rss201rev2Feed
    kind = "rss"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, index, tag=""):
        from taggit.models import Tag

        self.tag = tag
        # The title names the tag as editors wrote it, never the raw ?tag= (a
        # control character there cannot be written in XML).
        self.tag_name = (
            Tag.objects.filter(slug=tag).values_list("name", flat=True).first()
            if tag
            else None
        )
        return index

    def title(self, index):
        title = f"{index.seo_title or index.title} · {settings.WAGTAIL_SITE_NAME}"
        if self.tag_name:
            title = f"{title} · #{self.tag_name}"
        return title

    def link(self, index):
        return index.get_full_url(self.request)

    def feed_url(self, index):
        return index.get_full_url(self.request) + f"{self.kind}.xml"

    def description(self, index):
        return (
            index.search_description
            or rich_text_excerpt(index.intro, 40)
            or _("Tin tức từ %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        )

    def items(self, index):
        return (
            index.news_items(self.tag)
            .select_related("locale")
            .prefetch_related("tagged_items__tag")[:FEED_ITEMS]
        )

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.search_description or post.intro

    def item_link(self, post):
        return post.get_full_url(self.request)

    def item_guid(self, post):
        # The address may change with a new slug; the translation key never does.
        return f"urn:uuid:{post.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post.published_at()

    def item_updateddate(self, post):
        return post.last_published_at or post.published_at()

    def item_author_name(self, post):
        return post.author or None

    def item_categories(self, post):
        return [tag.name for tag in post.tag_list]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, index):
        return self.description(index)
