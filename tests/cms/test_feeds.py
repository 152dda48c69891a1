"""News feeds (RSS 2.0 and Atom) and event calendars (.ics, RFC 5545)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms import ics
from cms.models import EventPage, NewsPage

from .site_pages import district_site, draft, event, news_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site():
    return district_site()


# --- RSS and Atom --------------------------------------------------------------


def test_rss_feed_is_valid_xml_with_the_newest_posts_first(client, site):
    news_post(site.news, "Tin cũ", day=-5, intro="Cũ.")
    news_post(
        site.news,
        "Cam Vinh vào vụ & giá tốt",
        day=-1,
        author="Phòng Nông nghiệp",
        intro="Vụ cam <bắt đầu>.",
        tags=["cam"],
    )
    draft(site.news, NewsPage(title="Tin nháp", slug="nhap"))

    response = client.get("/tin-tuc/rss.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title").startswith("Tin tức")
    assert channel.findtext("link") == "http://localhost/tin-tuc/"
    assert channel.findtext("language") == "vi"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Cam Vinh vào vụ & giá tốt",
        "Tin cũ",
    ]
    newest = items[0]
    assert newest.findtext("link").startswith("http://localhost/tin-tuc/")
    assert newest.findtext("description") == "Vụ cam <bắt đầu>."
    assert newest.findtext("category") == "cam"
    assert newest.find("guid").get("isPermaLink") == "false"
    assert newest.findtext("pubDate")  # RFC 822 date


def test_atom_feed_is_valid_xml_with_self_link_and_updated_times(client, site):
    for day in range(25):
        news_post(site.news, f"Bản tin {day}", day=-day)

    response = client.get("/tin-tuc/atom.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    self_link = [
        link.get("href")
        for link in feed.findall(f"{ATOM}link")
        if link.get("rel") == "self"
    ]
    assert self_link == ["http://localhost/tin-tuc/atom.xml"]
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20  # the newest twenty
    assert entries[0].findtext(f"{ATOM}title") == "Bản tin 0"
    assert entries[-1].findtext(f"{ATOM}title") == "Bản tin 19"
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")


def test_feed_can_be_narrowed_to_one_tag(client, site):
    news_post(site.news, "Tin cam", tags=["cam"])
    news_post(site.news, "Tin chè", tags=["chè"])

    channel = ET.fromstring(client.get("/tin-tuc/rss.xml?tag=ch%C3%A8").content).find(
        "channel"
    )

    assert [item.findtext("title") for item in channel.findall("item")] == ["Tin chè"]
    assert channel.findtext("title").endswith("#chè")


def test_news_pages_announce_their_feeds_in_the_head(client, site):
    post = news_post(site.news, "Tin cam")
    for url in ("/tin-tuc/", post.url):
        head = client.get(url).content.decode().split("</head>")[0]
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Tin tức (RSS)" '
            'href="http://localhost/tin-tuc/rss.xml">'
        ) in head
        assert 'type="application/atom+xml"' in head


def test_feeds_exist_only_for_published_public_news_lists(client, site):
    assert client.get("/gioi-thieu/rss.xml").status_code == 404
    assert client.get("/khong-co/rss.xml").status_code == 404
    assert client.get("/rss.xml").status_code == 404  # the home is no news list

    PageViewRestriction.objects.create(
        page=site.news, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/tin-tuc/rss.xml")
    assert response.status_code == 302 and "login" in response["Location"]

    site.news.unpublish()
    assert client.get("/tin-tuc/atom.xml").status_code == 404


# --- iCalendar ------------------------------------------------------------------


def parse_ics(body: bytes) -> list[tuple[str, dict, str]]:
    """Content lines of an iCalendar file as (name, parameters, value), checking
    the line rules on the way: CRLF endings and at most 75 octets a line."""
    assert body.endswith(b"\r\n")
    physical = body[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    parsed = []
    for line in logical:
        text = line.decode("utf-8")
        head, value = text.split(":", 1)
        name, *params = head.split(";")
        parsed.append((name, dict(p.split("=", 1) for p in params), value))
    return parsed


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            assert char not in ",;", f"unescaped {char!r} in {value!r}"
            out.append(char)
    return "".join(out)


def components(lines) -> list[dict]:
    """VEVENTs as {name: value} (single-valued properties)."""
    events, current = [], None
    for name, _params, value in lines:
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice"
            current[name] = value
    return events


def test_event_calendar_file_follows_rfc_5545(client, site):
    fair = event(
        site.events,
        "Hội chợ cam Vinh, chè Thanh Chương; mật ong",
        3,
        start_hour=7,
        end_hour=17,
        address="Quảng trường Hồ Chí Minh, TP Vinh, Nghệ An",
        latitude="18.673300",
        longitude="105.692200",
        organiser="UBND huyện",
        intro="Gian hàng của 40 hợp tác xã\\ trưng bày đặc sản.\nVào cửa tự do.",
    )

    response = client.get(f"{fair.url}lich.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{fair.slug}.ics"'
    lines = parse_ics(response.content)
    assert lines[0] == ("BEGIN", {}, "VCALENDAR")
    assert lines[-1] == ("END", {}, "VCALENDAR")
    assert ("VERSION", {}, "2.0") in lines
    assert any(name == "PRODID" for name, _p, _v in lines)
    [vevent] = components(lines)
    assert vevent["UID"] == f"{fair.translation_key}@testserver"
    start = timezone.localtime(fair.start).astimezone(datetime.UTC)
    assert vevent["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert vevent["DTSTART"].endswith("T000000Z")  # 07:00 in Vinh is 00:00 UTC
    assert vevent["DTEND"].endswith("T100000Z")
    assert vevent["DTSTAMP"].endswith("Z") and len(vevent["DTSTAMP"]) == 16
    assert unescape(vevent["SUMMARY"]) == "Hội chợ cam Vinh, chè Thanh Chương; mật ong"
    assert unescape(vevent["LOCATION"]) == (
        "Nhà văn hoá huyện, Quảng trường Hồ Chí Minh, TP Vinh, Nghệ An"
    )
    assert vevent["GEO"] == "18.673300;105.692200"
    assert vevent["URL"] == f"http://localhost{fair.url}"
    description = unescape(vevent["DESCRIPTION"])
    assert description.startswith(
        "Gian hàng của 40 hợp tác xã\\ trưng bày đặc sản.\nVào cửa tự do."
    )
    assert "Đơn vị tổ chức: UBND huyện" in description


def test_event_without_coordinates_has_no_geo(client, site):
    fair = event(site.events, "Ngày hội", 2)
    [vevent] = components(parse_ics(client.get(f"{fair.url}lich.ics").content))
    assert "GEO" not in vevent and "LOCATION" in vevent


def test_event_list_calendar_holds_the_coming_events_only(client, site):
    event(site.events, "Sắp tới 1", 2)
    event(site.events, "Sắp tới 2", 9)
    event(site.events, "Đã qua", -9)

    response = client.get("/su-kien/lich.ics")

    summaries = [
        unescape(e["SUMMARY"]) for e in components(parse_ics(response.content))
    ]
    assert summaries == ["Sắp tới 1", "Sắp tới 2"]
    assert response["Content-Disposition"] == 'attachment; filename="su-kien.ics"'


def test_calendar_exists_only_for_published_events(client, site):
    fair = draft(
        site.events,
        EventPage(
            title="Nháp",
            slug="nhap",
            venue="Huyện",
            start=timezone.now(),
            end=timezone.now(),
        ),
    )
    assert client.get("/su-kien/nhap/lich.ics").status_code == 404
    assert client.get("/tin-tuc/lich.ics").status_code == 404
    assert fair.pk


def test_long_lines_fold_between_characters_never_inside_one():
    line = "SUMMARY:" + "Hội chợ nông sản đặc sản Nghệ An " * 6
    folded = ics.fold(line)
    parts = folded.encode().split(b"\r\n")
    assert len(parts) > 2
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    for part in parts:
        part.decode("utf-8")  # no character cut in two
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == (
        line
    )


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert ics.escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_feed_readers_may_ask_with_head_but_not_post(client, site):
    fair = event(site.events, "Ngày hội", 2)
    for url in ("/tin-tuc/rss.xml", "/tin-tuc/atom.xml", f"{fair.url}lich.ics"):
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url
