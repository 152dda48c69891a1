"""Build the district's page tree for tests: published pages, as an editor would."""

import datetime
from types import SimpleNamespace

from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactFormField,
    ContactPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)


def publish(parent, page, tags=()):
    """Add `page` under `parent` and publish it through a revision."""
    parent.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
        page.save()
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def draft(parent, page):
    """Add `page` under `parent` without publishing it."""
    page.live = False
    parent.add_child(instance=page)
    return page


def district_site(**home_values) -> SimpleNamespace:
    """Home with its campaign, news and event lists, an about page and contact."""
    home = publish(
        Page.get_first_root_node(),
        HomePage(
            title="Chợ Nông Sản Nghệ An",
            slug="trang-chu",
            heading="Nông sản sạch",
            **home_values,
        ),
    )
    Site.objects.update(root_page=home)
    contact = ContactPage(
        title="Liên hệ",
        slug="lien-he",
        to_address="huyen@example.vn",
        from_address="web@example.vn",
        subject="Lời nhắn từ website",
        thank_you_text="<p>Cảm ơn, phòng văn hoá huyện sẽ trả lời trong hai ngày.</p>",
    )
    contact.form_fields = [
        ContactFormField(
            label="Họ tên", field_type="singleline", required=True, sort_order=0
        ),
        ContactFormField(
            label="Email",
            field_type="email",
            required=True,
            help_text="Để chúng tôi trả lời",
            sort_order=1,
        ),
        ContactFormField(
            label="Lời nhắn", field_type="multiline", required=True, sort_order=2
        ),
    ]
    return SimpleNamespace(
        home=home,
        campaigns=publish(
            home,
            CampaignIndexPage(
                title="Chiến dịch", slug="chien-dich", intro="<p>Mùa vụ.</p>"
            ),
        ),
        news=publish(home, NewsIndexPage(title="Tin tức", slug="tin-tuc")),
        events=publish(home, EventIndexPage(title="Sự kiện", slug="su-kien")),
        about=publish(
            home,
            StandardPage(
                title="Giới thiệu",
                slug="gioi-thieu",
                intro="<p>Sàn của các hợp tác xã.</p>",
                body=[("paragraph", "<p>Huyện hỗ trợ bán hàng trực tuyến.</p>")],
            ),
        ),
        contact=publish(home, contact),
    )


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A time in the district's zone, `day_offset` days from today."""
    return timezone.make_aware(
        datetime.datetime.combine(days(day_offset), datetime.time(hour, minute))
    )


def campaign(index, title, start: int, end: int, **values):
    """A campaign running from `start` to `end` days from today."""
    slug = values.pop("slug", None) or f"chien-dich-{CampaignPage.objects.count()}"
    return publish(
        index,
        CampaignPage(
            title=title, slug=slug, start_date=days(start), end_date=days(end), **values
        ),
    )


def news_post(index, title, day: int = 0, tags=(), **values):
    slug = values.pop("slug", None) or f"tin-{NewsPage.objects.count()}"
    return publish(
        index, NewsPage(title=title, slug=slug, date=days(day), **values), tags=tags
    )


def event(index, title, day: int, start_hour=8, end_hour=17, end_day=None, **values):
    slug = values.pop("slug", None) or f"su-kien-{EventPage.objects.count()}"
    values.setdefault("venue", "Nhà văn hoá huyện")
    return publish(
        index,
        EventPage(
            title=title,
            slug=slug,
            start=at(day, start_hour),
            end=at(day if end_day is None else end_day, end_hour),
            **values,
        ),
    )
