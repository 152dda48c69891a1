"""The district's Wagtail pages and site settings; import them from here."""

from .home import HomePage
from .pages import (
    CampaignIndexPage,
    CampaignPage,
    ContactFormField,
    ContactPage,
    EventIndexPage,
    EventPage,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    StandardPage,
)
from .settings import FooterLink, FooterSettings, MenuItem, NavigationSettings

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "ContactFormField",
    "ContactPage",
    "EventIndexPage",
    "EventPage",
    "FooterLink",
    "FooterSettings",
    "HomePage",
    "MenuItem",
    "NavigationSettings",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "StandardPage",
]
