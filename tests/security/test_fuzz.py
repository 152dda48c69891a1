"""Hostile requests to every public URL pattern and form: no 500, no reflected HTML.

Each public pattern of the site (walked from Django's resolver, so a pattern added
later fails `test_every_public_pattern_is_fuzzed` until it is taught here) gets
generated requests: its path parameters and query string filled with hostile
values (tests/security/hostile.py), or with real ones about half the time so the
view's deep code runs, over GET, HEAD and, for forms, POST. Every answer must be
below 500, show no injected markup unescaped, label JSON as JSON, and redirect
only within the site. POSTs without a CSRF token must be refused with 403.

The admin and the JSON API are left out: the admin is walked by
tests/test_tenancy_walk.py and the API by schemathesis (tests/api/test_openapi.py);
the API's public list and detail endpoints still get hostile query strings here.

Examples are derandomized and few (HYPOTHESIS_PROFILE=long for a deeper run).
The database is rolled back per test, not per example: examples only read, or
make rows (carts, sessions, accounts, form submissions) no later check relies on.
"""

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from market.filters import ProductFilterSet
from market.models import PaymentMethod
from tests.cms.site_pages import district_site, event, news_post, publish
from tests.fake_stripe import sign
from tests.market.buying import two_cooperatives
from tests.market.orders import place
from tests.producers.factories import CertificationFactory, UserFactory
from tests.producers.lot_histories import certify, record_full_history, tea_lot
from tests.security.hostile import (
    FORM_CONTENT_TYPE,
    NASTY,
    OPEN_REDIRECTS,
    check_response,
    encode,
    form_body,
    fuzz_settings,
    hostile_number,
    hostile_text,
    one_of_or_hostile,
    query_string,
    slug_like,
)

pytestmark = pytest.mark.django_db

GTIN = "08935000000014"
BUYER_EMAIL = "lan@example.com"
BUYER_PASSWORD = "mat-khau-dai-that-2026"  # noqa: S105 - a test account's
PAGE_PASSWORD = "mat-khau-trang"  # noqa: S105


# -- the world the requests reach -------------------------------------------------


@pytest.fixture
def world(fake_stripe, settings):
    """Cooperatives with products, a lot with its history, orders, a buyer, the
    district's pages (news, events, contact form), a private page and a document."""
    settings.MARKET_RATE_LIMITS = {}  # no limits: they are tested on their own
    tea, orange = two_cooperatives()
    lot = tea_lot(gtin=GTIN, cooperative=tea.cooperative)
    certify(lot)
    record_full_history(lot)
    tea.lots.add(lot)
    tea.certifications.add(CertificationFactory(cooperative=tea.cooperative))
    tea.save()

    buyer = UserFactory(username=BUYER_EMAIL, email=BUYER_EMAIL)
    buyer.set_password(BUYER_PASSWORD)
    buyer.save()
    order = place([(tea, 1), (orange, 2)], user=buyer)
    transfer_order = place([(orange, 1)], PaymentMethod.BANK_TRANSFER)
    card_order = place([(tea, 1)], PaymentMethod.CARD)

    site = district_site()
    news_post(site.news, "Mùa chè mới", tags=["chè", "thu-hoach"])
    fair = event(site.events, "Hội chợ nông sản", day=3)
    private = publish(site.home, type(site.about)(title="Nội bộ", slug="noi-bo"))
    page_restriction = PageViewRestriction.objects.create(
        page=private,
        restriction_type=PageViewRestriction.PASSWORD,
        password=PAGE_PASSWORD,
    )
    Document = get_document_model()
    document = Document.objects.create(
        title="Bảng giá", file=ContentFile(b"%PDF-1.4\n", name="bang-gia.pdf")
    )
    private_collection = Collection.get_first_root_node().add_child(name="Nội bộ")
    private_document = Document.objects.create(
        title="Hồ sơ",
        file=ContentFile(b"%PDF-1.4\n", name="ho-so.pdf"),
        collection=private_collection,
    )
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=private_collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password=PAGE_PASSWORD,
    )
    return SimpleNamespace(
        products=[tea, orange],
        cooperatives=[tea.cooperative, orange.cooperative],
        lot=lot,
        buyer=buyer,
        orders=[order, transfer_order, card_order],
        site=site,
        event=fair,
        private=private,
        page_restriction=page_restriction,
        documents=[document, private_document],
        collection_restriction=collection_restriction,
    )


# -- requests -------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    params: list = field(default_factory=list)  # query string, or form for POST
    headers: dict = field(default_factory=dict)
    body: bytes | None = None  # a raw body instead of `params`
    content_type: str = FORM_CONTENT_TYPE
    signed_in: bool = False
    csrf: bool = True  # False: also sent without a CSRF token, must get 403
    prepare: list = field(default_factory=list)  # requests sent first (a cart)
    allowed_hosts: tuple = ()


def _header_value(value: str) -> str:
    """A header as a WSGI server passes it: bytes read as latin-1, no line breaks."""
    raw = value.encode("utf-8", "surrogatepass").decode("latin-1")
    return raw.replace("\r", "").replace("\n", "")[:2000]


def _send(client: Client, request: Request):
    extra = {
        "HTTP_" + name.upper().replace("-", "_"): _header_value(value)
        for name, value in request.headers.items()
    }
    if request.method in ("GET", "HEAD"):
        url = request.path
        if request.params:
            url += "?" + query_string(request.params)
        send = client.get if request.method == "GET" else client.head
        return send(url, **extra)
    body = form_body(request.params) if request.body is None else request.body
    return client.post(request.path, body, content_type=request.content_type, **extra)


def run(world, requests: list[Request], name: str = "") -> None:
    for request in requests:
        client = Client()
        if request.signed_in:
            client.force_login(world.buyer)
        for before in request.prepare:
            _send(client, before)
        label = f"{name}: {request.method} {request.path} {request.params!r:.300}"
        response = _send(client, request)
        check_response(response, label, allowed_hosts=request.allowed_hosts)
        if request.method == "POST" and request.csrf:
            strict = Client(enforce_csrf_checks=True)
            refused = _send(strict, request)
            check_response(refused, f"no token: {label}")
            # 403, unless the address matches no pattern (404 before any view).
            assert refused.status_code == 403 or (
                refused.status_code == response.status_code == 404
            ), f"no token: {label}: {refused.status_code}"


# -- strategies for the pieces of a request -------------------------------------------

LANGUAGE_PREFIXES = st.sampled_from(["", "/en"])


@st.composite
def extra_headers(draw) -> dict:
    """Sometimes hostile Accept, Accept-Language, Referer or X-Forwarded-For."""
    names = draw(
        st.sets(
            st.sampled_from(["Accept", "Accept-Language", "Referer", "X-Forwarded-For"])
        )
    )
    headers = {}
    for name in names:
        headers[name] = draw(
            st.one_of(
                hostile_text(),
                st.sampled_from(
                    [
                        "application/ld+json",
                        "application/json;q=0.9, text/html;q=0.1",
                        "en;q=1.0, vi;q=0.5",
                        "*/*;q=abc",
                        "en-US,en;q=0.9" + ",xx" * 200,
                    ]
                ),
            )
        )
    return headers


@st.composite
def hostile_params(draw, names, values=None, max_size=4) -> list[tuple[str, str]]:
    """Parameters named `names` (and now and then a hostile name), hostile values;
    a name may repeat, as a crafted query string can repeat it."""
    values = values or {}
    chosen = draw(
        st.lists(
            st.one_of(st.sampled_from(names), hostile_text())
            if names
            else hostile_text(),
            max_size=max_size,
        )
    )
    params = []
    for name in chosen:
        real = values.get(name)
        value = draw(one_of_or_hostile(*real) if real else hostile_text())
        params.append((name, value))
    return params


def page_path(draw, world) -> str:
    site = world.site
    return draw(
        st.sampled_from(
            [
                "/",
                site.news.url,
                site.events.url,
                site.campaigns.url,
                site.about.url,
                site.contact.url,
                world.event.url,
                world.private.url,
            ]
        )
    )


# -- one request builder per public pattern ---------------------------------
# Each takes Hypothesis' `draw` and the world, and returns the requests to send.


def _catalogue_values(world) -> dict:
    tea, orange = world.products
    return {
        "q": ["chè", "che bup", "cam"],
        "category": [tea.category.slug],
        "cooperative": [c.slug for c in world.cooperatives],
        "province": ["40"],
        "commune": ["17254"],
        "certification": ["vietgap", "organic"],
        "ocop": ["3", "5"],
        "price_min": ["1000", "150.000"],
        "price_max": ["200000"],
        "in_stock": ["on", "1"],
        "in_season": ["on"],
        "sort": ["price_asc", "name", "newest", "relevance"],
        "page": ["1", "2", "999"],
    }


CATALOGUE_PARAMS = [*ProductFilterSet.base_filters, "page"]


def catalogue(path):
    def build(draw, world):
        prefix = draw(LANGUAGE_PREFIXES)
        params = draw(
            hostile_params(CATALOGUE_PARAMS, _catalogue_values(world), max_size=6)
        )
        headers = draw(extra_headers())
        method = draw(st.sampled_from(["GET", "GET", "HEAD"]))
        return [Request(method, prefix + path, params, headers)]

    return build


def product_detail(draw, world):
    slugs = [p.slug for p in world.products]
    slug = draw(st.one_of(st.sampled_from(slugs), slug_like()))
    params = draw(hostile_params(["next", "q"]))
    path = f"{draw(LANGUAGE_PREFIXES)}/san-pham/{encode(slug)}/"
    return [Request("GET", path, params)]


def cart(draw, world):
    product_ids = [str(p.pk) for p in world.products]
    form = draw(
        hostile_params(
            ["action", "product", "quantity", "next"],
            {
                "action": ["add", "update", "remove"],
                "product": product_ids,
                "quantity": ["1", "0", "3", "1000"],
                "next": OPEN_REDIRECTS + ["/san-pham/"],
            },
            max_size=6,
        )
    )
    partial = {"X-Cart-Partial": "1"} if draw(st.booleans()) else {}
    prefix = draw(LANGUAGE_PREFIXES)
    return [
        Request("GET", prefix + "/gio-hang/", draw(hostile_params(["next"]))),
        Request("POST", prefix + "/gio-hang/", form, partial),
    ]


def _add_to_cart(world) -> list[Request]:
    return [
        Request("POST", "/gio-hang/", [("action", "add"), ("product", str(p.pk))])
        for p in world.products
    ]


def checkout(draw, world):
    cooperatives = [c.pk for c in world.cooperatives]
    fields = {
        "checkout_token": ["t" * 43, world.orders[0].checkout_token or "x" * 43],
        "goods_total": ["240000", "0"],
        "contact_name": ["Nguyễn Thị Lan"],
        "phone": ["0912 345.678", "+84 912 345 678"],
        "email": ["lan@example.com"],
        "province": ["40", "1"],
        "commune": ["17254"],
        "street": ["Xóm 3"],
        "note": ["Giao buổi sáng"],
        "payment_method": [m.value for m in PaymentMethod],
        "refresh": ["1"],
        **{f"delivery_{pk}": ["delivery", "pickup"] for pk in cooperatives},
    }
    form = draw(hostile_params(list(fields), fields, max_size=14))
    prefix = draw(LANGUAGE_PREFIXES)
    with_cart = draw(st.booleans())
    prepare = _add_to_cart(world) if with_cart else []
    return [
        Request("GET", prefix + "/thanh-toan/", prepare=prepare),
        Request("POST", prefix + "/thanh-toan/", form, prepare=prepare),
    ]


def communes(draw, world):
    params = draw(hostile_params(["tinh"], {"tinh": ["40", "1", "0"]}))
    return [Request("GET", "/thanh-toan/xa-phuong/", params)]


def _order_path(draw, world, suffix: str) -> str:
    order = draw(st.sampled_from(world.orders))
    number = draw(one_of_or_hostile(order.number))
    token = draw(one_of_or_hostile(order.access_token))
    prefix = draw(LANGUAGE_PREFIXES)
    return f"{prefix}/don-hang/{encode(number)}/{encode(token)}/{suffix}"


def order_confirmation(draw, world):
    params = draw(hostile_params(["thanh-toan"], {"thanh-toan": ["huy"]}))
    return [Request("GET", _order_path(draw, world, ""), params)]


def order_payment(draw, world):
    return [Request("GET", _order_path(draw, world, "thanh-toan/"))]


def order_retry_payment(draw, world):
    path = _order_path(draw, world, "thanh-toan-lai/")
    # The retry sends the buyer to (the fake) Stripe's hosted page.
    stripe_host = ("127.0.0.1",)
    return [
        Request("POST", path, draw(hostile_params([])), allowed_hosts=stripe_host),
        Request("GET", path),
    ]


def order_tracking(draw, world):
    order = world.orders[0]
    form = draw(
        hostile_params(
            ["number", "contact"],
            {"number": [order.number, order.number.lower()], "contact": [order.phone]},
        )
    )
    prefix = draw(LANGUAGE_PREFIXES)
    return [
        Request("GET", prefix + "/tra-cuu-don-hang/", draw(hostile_params([]))),
        Request("POST", prefix + "/tra-cuu-don-hang/", form),
    ]


def account(draw, world):
    signed_in = draw(st.booleans())
    return [
        Request(
            "GET", "/tai-khoan/", draw(hostile_params(["next"])), signed_in=signed_in
        )
    ]


def account_order(draw, world):
    number = draw(one_of_or_hostile(world.orders[0].number))
    return [
        Request(
            "GET",
            f"{draw(LANGUAGE_PREFIXES)}/tai-khoan/don-hang/{encode(number)}/",
            signed_in=draw(st.booleans()),
        )
    ]


NEXT_VALUES = OPEN_REDIRECTS + ["/san-pham/", "/en/hop-tac-xa/"]


def login(draw, world):
    form = draw(
        hostile_params(
            ["username", "password", "next"],
            {
                "username": [BUYER_EMAIL, BUYER_EMAIL.upper()],
                "password": [BUYER_PASSWORD],
                "next": NEXT_VALUES,
            },
        )
    )
    prefix = draw(LANGUAGE_PREFIXES)
    query = draw(hostile_params(["next"], {"next": NEXT_VALUES}))
    return [
        Request("GET", prefix + "/tai-khoan/dang-nhap/", query),
        Request("POST", prefix + "/tai-khoan/dang-nhap/", form),
        # A correct login with a hostile next: redirected on the site only.
        Request(
            "POST",
            prefix + "/tai-khoan/dang-nhap/",
            [
                ("username", BUYER_EMAIL),
                ("password", BUYER_PASSWORD),
                ("next", draw(st.sampled_from(NEXT_VALUES))),
            ],
        ),
    ]


def signup(draw, world):
    password = "mot-mat-khau-kha-dai-2026"
    form = draw(
        hostile_params(
            ["name", "email", "password1", "password2", "next"],
            {
                "name": ["Trần Văn Bình"],
                "email": ["binh@example.com", BUYER_EMAIL],
                "password1": [password],
                "password2": [password],
                "next": NEXT_VALUES,
            },
            max_size=7,
        )
    )
    prefix = draw(LANGUAGE_PREFIXES)
    return [
        Request("GET", prefix + "/tai-khoan/dang-ky/", draw(hostile_params(["next"]))),
        Request("POST", prefix + "/tai-khoan/dang-ky/", form),
    ]


def logout(draw, world):
    prefix = draw(LANGUAGE_PREFIXES)
    return [
        Request("GET", prefix + "/tai-khoan/dang-xuat/", draw(hostile_params([]))),
        Request(
            "POST",
            prefix + "/tai-khoan/dang-xuat/",
            draw(hostile_params(["next"], {"next": NEXT_VALUES})),
            signed_in=True,
        ),
    ]


def cooperative_list(draw, world):
    params = draw(
        hostile_params(
            ["commune", "page"], {"commune": ["17254"], "page": ["1", "2", "last"]}
        )
    )
    return [Request("GET", f"{draw(LANGUAGE_PREFIXES)}/hop-tac-xa/", params)]


def cooperative_detail(draw, world):
    slug = draw(
        st.one_of(st.sampled_from([c.slug for c in world.cooperatives]), slug_like())
    )
    return [Request("GET", f"{draw(LANGUAGE_PREFIXES)}/hop-tac-xa/{slug}/")]


def lot_lookup(draw, world):
    lot = world.lot
    params = draw(
        hostile_params(
            ["code"],
            {"code": [lot.public_id, lot.code, f"{GTIN} {lot.code}", lot.gtin]},
        )
    )
    return [Request("GET", f"{draw(LANGUAGE_PREFIXES)}/truy-xuat/", params)]


LOT_QUERY = {
    "linkType": ["all", "gs1:pip", "epcis", "https://gs1.org/voc/traceability"],
    "format": ["jsonld", "JSON"],
    "scale": ["1", "40", "41"],
}


def _lot_segment(draw, real: str) -> str:
    value = draw(one_of_or_hostile(real, real.lower()))
    return encode(value) or "x"


def lot_digital_link(draw, world):
    gtin = _lot_segment(draw, GTIN)
    code = _lot_segment(draw, world.lot.code)
    params = draw(hostile_params(list(LOT_QUERY), LOT_QUERY))
    method = draw(st.sampled_from(["GET", "HEAD"]))
    return [
        Request(
            method,
            f"{draw(LANGUAGE_PREFIXES)}/01/{gtin}/10/{code}/",
            params,
            draw(extra_headers()),
        )
    ]


def lot_route(suffix: str):
    def build(draw, world):
        public_id = _lot_segment(draw, world.lot.public_id)
        letter = draw(st.sampled_from(["l", "L"]))
        params = draw(hostile_params(list(LOT_QUERY), LOT_QUERY))
        method = draw(st.sampled_from(["GET", "HEAD"]))
        path = f"{draw(LANGUAGE_PREFIXES)}/{letter}/{public_id}/{suffix}"
        return [Request(method, path, params, draw(extra_headers()))]

    return build


def feed(filename: str):
    def build(draw, world):
        path = draw(
            st.one_of(
                st.sampled_from(
                    [world.site.news.url, world.site.events.url, world.event.url, "/"]
                ),
                slug_like().map(lambda s: f"/{s}/"),
            )
        )
        params = draw(hostile_params(["tag"], {"tag": ["che", "thu-hoach"]}))
        method = draw(st.sampled_from(["GET", "HEAD"]))
        prefix = draw(LANGUAGE_PREFIXES)
        return [Request(method, f"{prefix}{path}{filename}", params)]

    return build


def wagtail_serve(draw, world):
    path = draw(
        st.one_of(
            st.just(page_path(draw, world)),
            slug_like().map(lambda s: f"/{s}/"),
            slug_like().map(lambda s: f"{world.site.news.url}{s}/"),
        )
    )
    params = draw(
        hostile_params(["page", "tag", "q"], {"page": ["1", "2"], "tag": ["che"]})
    )
    requests = [Request(draw(st.sampled_from(["GET", "HEAD"])), path, params)]
    # The contact form, filled in with hostile values.
    fields = {
        "ho_ten": ["Nguyễn Thị Lan"],
        "email": ["lan@example.com"],
        "loi_nhan": ["Xin chào"],
    }
    form = draw(hostile_params(list(fields), fields, max_size=5))
    requests.append(Request("POST", world.site.contact.url, form))
    return requests


def wagtail_login(draw, world):
    params = draw(hostile_params(["next"], {"next": NEXT_VALUES}))
    form = draw(
        hostile_params(
            ["username", "password", "next"],
            {
                "username": [BUYER_EMAIL],
                "password": [BUYER_PASSWORD],
                "next": NEXT_VALUES,
            },
        )
    )
    return [
        Request("GET", "/_util/login/", params),
        Request("POST", "/_util/login/", form),
    ]


def _password_form(draw, return_to: str) -> list[tuple[str, str]]:
    return draw(
        hostile_params(
            ["password", "return_url"],
            {"password": [PAGE_PASSWORD], "return_url": [return_to, *OPEN_REDIRECTS]},
        )
    )


def page_password(draw, world):
    restriction = draw(one_of_or_hostile(world.page_restriction.pk))
    page = draw(one_of_or_hostile(world.private.pk))
    path = f"/_util/authenticate_with_password/{encode(restriction)}/{encode(page)}/"
    return [
        Request("GET", path),
        Request("POST", path, _password_form(draw, world.private.url)),
    ]


def document(draw, world):
    doc = draw(st.sampled_from(world.documents))
    doc_id = draw(one_of_or_hostile(doc.pk))
    filename = draw(one_of_or_hostile(doc.filename))
    return [
        Request(
            draw(st.sampled_from(["GET", "HEAD"])),
            f"/documents/{encode(doc_id)}/{encode(filename)}",
        )
    ]


def document_password(draw, world):
    restriction = draw(one_of_or_hostile(world.collection_restriction.pk))
    path = f"/documents/authenticate_with_password/{encode(restriction)}/"
    return [
        Request("GET", path),
        Request("POST", path, _password_form(draw, world.documents[1].url)),
    ]


def set_language(draw, world):
    form = draw(
        hostile_params(
            ["language", "next"],
            {"language": ["en", "vi"], "next": NEXT_VALUES + ["/en/san-pham/"]},
        )
    )
    return [
        Request("POST", "/i18n/setlang/", form, draw(extra_headers())),
        Request("GET", "/i18n/setlang/", draw(hostile_params(["next", "language"]))),
    ]


def plain(path: str, names=()):
    def build(draw, world):
        params = draw(hostile_params(list(names)))
        method = draw(st.sampled_from(["GET", "HEAD"]))
        return [Request(method, path, params, draw(extra_headers()))]

    return build


def _signed_event(draw, world) -> dict:
    """Events signed with the webhook's secret, shaped like Stripe's or not."""
    order = world.orders[2]
    session = {
        "id": draw(one_of_or_hostile("cs_test_fuzz")),
        "object": "checkout.session",
        "client_reference_id": draw(one_of_or_hostile(order.number)),
        "metadata": {
            "payment_id": draw(hostile_number()),
            "order_number": draw(one_of_or_hostile(order.number)),
        },
        "payment_status": draw(one_of_or_hostile("paid", "unpaid")),
        "payment_intent": draw(one_of_or_hostile("pi_fuzz")),
        "amount_total": draw(
            st.one_of(st.integers(min_value=-(2**70), max_value=2**70), hostile_text())
        ),
    }
    return {
        "id": draw(one_of_or_hostile("evt_fuzz")),
        "object": "event",
        "created": draw(
            st.one_of(
                st.integers(min_value=-(2**70), max_value=2**70),
                hostile_number(),
                st.none(),
            )
        ),
        "type": draw(
            one_of_or_hostile(
                "checkout.session.completed",
                "checkout.session.async_payment_succeeded",
                "checkout.session.async_payment_failed",
                "checkout.session.expired",
                "charge.refunded",
            )
        ),
        "data": {"object": session},
    }


def stripe_webhook(draw, world):
    from django.conf import settings

    kind = draw(st.sampled_from(["garbage", "bad signature", "signed"]))
    if kind == "signed":
        # ASCII JSON: a lone surrogate travels as its \\u escape.
        body = json.dumps(_signed_event(draw, world)).encode()
        signature = sign(body, settings.STRIPE_WEBHOOK_SECRET)
    else:
        body = draw(
            st.one_of(
                st.binary(max_size=200),
                hostile_text().map(lambda s: s.encode("utf-8", "surrogatepass")),
                st.just(b'{"object": "event", "id": 1}'),
            )
        )
        signature = (
            draw(hostile_text())
            if kind == "garbage"
            else sign(body.decode("utf-8", "replace"), "whsec_not_ours")
        )
    content_type = draw(
        st.sampled_from(["application/json", "text/plain", FORM_CONTENT_TYPE])
    )
    return [
        Request(
            "POST",
            "/thanh-toan/stripe/webhook/",
            body=body,
            content_type=content_type,
            headers={"Stripe-Signature": signature},
            csrf=False,  # Stripe sends no CSRF token: the signature is the check
        )
    ]


# Every public pattern, by the name the resolver gives it (namespace:name).
ROUTES = {
    "wagtaildocs_serve": document,
    "wagtaildocs_authenticate_with_password": document_password,
    "set_language": set_language,
    "health": plain("/healthz"),
    "robots_txt": plain("/robots.txt"),
    "sitemap": plain("/sitemap.xml", ["p", "section"]),
    "stripe_webhook": stripe_webhook,
    "market:catalogue": catalogue("/san-pham/"),
    "market:product_detail": product_detail,
    "market:search": catalogue("/tim-kiem/"),
    "market:cart": cart,
    "market:checkout": checkout,
    "market:communes": communes,
    "market:order_confirmation": order_confirmation,
    "market:order_payment": order_payment,
    "market:order_retry_payment": order_retry_payment,
    "market:order_tracking": order_tracking,
    "market:account": account,
    "market:account_order": account_order,
    "market:login": login,
    "market:signup": signup,
    "market:logout": logout,
    "producers:cooperative_list": cooperative_list,
    "producers:cooperative_detail": cooperative_detail,
    "producers:lot_lookup": lot_lookup,
    "producers:lot_digital_link": lot_digital_link,
    "producers:lot_short": lot_route(""),
    "producers:lot_qr_svg": lot_route("qr.svg"),
    "producers:lot_qr_png": lot_route("qr.png"),
    "news_rss": feed("rss.xml"),
    "news_atom": feed("atom.xml"),
    "event_ics": feed("lich.ics"),
    "wagtailcore_authenticate_with_password": page_password,
    "wagtailcore_login": wagtail_login,
    "wagtail_serve": wagtail_serve,
}
# Left to other tests (see the module's docstring).
EXCLUDED_PREFIXES = ("admin/", "api/")


def public_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) of every pattern outside the admin and the API."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from public_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name or route}"


def test_every_public_pattern_is_fuzzed():
    found = {name for _route, name in public_patterns()}
    assert found - set(ROUTES) == set(), "new public patterns: teach them to ROUTES"
    assert set(ROUTES) - found == set(), "ROUTES names patterns that are gone"
    # English (/en/) has the same patterns as Vietnamese; both are fuzzed.
    assert len(found) >= 35


@fuzz_settings()
@given(data=st.data())
def test_hostile_requests_to_every_public_pattern(world, data):
    """Each example sends every pattern its requests (one world for them all:
    building it per pattern would cost more than the requests)."""
    for name in sorted(ROUTES):
        run(world, ROUTES[name](data.draw, world), name)


def _packed(names: list[str], values: list[str]):
    """Every value in some parameter, as few requests as that takes."""
    for start in range(0, len(values), len(names)):
        yield list(zip(names, values[start : start + len(names)], strict=False))


def test_named_hostile_values_on_every_form_and_query(world):
    """Each named hostile value once in the parameters of the catalogue, the
    lookups and the forms, whatever the generated examples happened to pick."""
    tea = world.products[0]
    add = [("action", "add"), ("product", str(tea.pk))]
    cart = [Request("POST", "/gio-hang/", add)]
    requests = []
    for params in _packed(CATALOGUE_PARAMS, NASTY):
        requests += [
            Request("GET", "/san-pham/", params),
            Request("GET", "/en/tim-kiem/", params),
            Request("GET", "/api/v1/products", params),
        ]
    for params in _packed(["number", "contact"], NASTY):
        requests.append(Request("POST", "/tra-cuu-don-hang/", params, csrf=False))
    for params in _packed(["product", "quantity", "next"], NASTY):
        requests.append(Request("POST", "/gio-hang/", [("action", "add"), *params]))
    checkout_fields = ["contact_name", "phone", "email", "commune", "street", "note"]
    for params in _packed(checkout_fields, NASTY):
        token = [("checkout_token", "t" * 43), ("payment_method", "cod")]
        requests.append(
            Request("POST", "/thanh-toan/", token + params, prepare=cart, csrf=False)
        )
    for params in _packed(["commune", "page"], NASTY):
        requests.append(Request("GET", "/hop-tac-xa/", params))
    for params in _packed(["tag", "page"], NASTY):
        requests.append(Request("GET", world.site.news.url, params))
    for params in _packed(["linkType", "format"], NASTY):
        requests.append(Request("GET", world.lot.get_absolute_url(), params))
    qr_png = f"/l/{world.lot.public_id}/qr.png"
    for value in NASTY:
        requests += [
            Request("GET", qr_png, [("scale", value)]),
            Request("GET", "/truy-xuat/", [("code", value)]),
            Request("GET", "/thanh-toan/xa-phuong/", [("tinh", value)]),
            Request("GET", world.site.news.url + "rss.xml", [("tag", value)]),
        ]
    for request in requests:
        client = Client()
        for before in request.prepare:
            _send(client, before)
        label = f"{request.path} {request.params!r:.200}"
        check_response(_send(client, request), label)


def test_no_open_redirect_after_login_signup_language_switch_or_cart(world):
    for number, target in enumerate(OPEN_REDIRECTS):
        answers = {
            "login": Client().post(
                "/tai-khoan/dang-nhap/",
                {"username": BUYER_EMAIL, "password": BUYER_PASSWORD, "next": target},
            ),
            "signup": Client().post(
                "/tai-khoan/dang-ky/",
                {
                    "name": "Trần Văn Bình",
                    "email": f"binh{number}@example.com",
                    "password1": "mot-mat-khau-kha-dai-2026",
                    "password2": "mot-mat-khau-kha-dai-2026",
                    "next": target,
                },
            ),
            "set_language": Client().post(
                "/i18n/setlang/", {"language": "en", "next": target}
            ),
            "cart": Client().post(
                "/gio-hang/",
                {"action": "add", "product": world.products[0].pk, "next": target},
            ),
            "page password": Client().post(
                f"/_util/authenticate_with_password/{world.page_restriction.pk}/"
                f"{world.private.pk}/",
                {"password": PAGE_PASSWORD, "return_url": target},
            ),
        }
        for label, response in answers.items():
            assert response.status_code == 302, f"{label} next={target!r}"
            check_response(response, f"{label} next={target!r}")


API_LISTS = {
    "/api/v1/products": CATALOGUE_PARAMS + ["page_size", "limit", "offset"],
    "/api/v1/cooperatives": ["province", "commune", "q", "page", "page_size"],
    "/api/v1/lots": ["cooperative", "product", "gtin", "code", "page", "page_size"],
    "/api/v1/categories": ["page"],
}


@fuzz_settings()
@given(data=st.data())
def test_public_api_query_strings(world, data):
    """The API's public lists and details, with hostile query strings: JSON always."""
    path = data.draw(st.sampled_from(sorted(API_LISTS)))
    params = data.draw(
        hostile_params(API_LISTS[path], _catalogue_values(world), max_size=6)
    )
    detail = data.draw(
        st.sampled_from(
            [
                "/api/v1/products/",
                "/api/v1/cooperatives/",
                "/api/v1/lots/",
            ]
        )
    )
    key = data.draw(
        one_of_or_hostile(
            world.products[0].slug, world.cooperatives[0].slug, world.lot.public_id
        )
    )
    for request in [
        Request("GET", path, params),
        # No "/" in the key: an address past the API's own routes is the site's.
        Request("GET", detail + (encode(key.replace("/", "")) or "x"), params),
    ]:
        response = _send(Client(), request)
        label = f"{request.path} {request.params!r:.200}"
        check_response(response, label)
        if response.status_code != 301:
            assert "json" in response["Content-Type"], label
