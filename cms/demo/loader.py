"""Write the demo district into the database, idempotently.

Every row is found by a natural key (slug, username, title within a collection)
and updated in place, so loading twice gives the same rows. Products and the home
page get a Wagtail revision only when their content changed, so their history is
not padded by re-runs either.
"""

import datetime
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from stdnum import ean
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from cms.models import HomePage
from market.fields import months_to_mask
from market.models import Category, Order, Product, ProductImage
from producers import roles
from producers.models import (
    Certification,
    Cooperative,
    CooperativePhoto,
    GrowingArea,
    Lot,
    MemberFarmer,
    Membership,
    TraceEvent,
)

from . import data, images
from . import history as demo_history
from . import lots as demo_lots
from . import orders as demo_orders
from . import pages as demo_pages

ADMIN = ("admin", "admin-demo-2026")
DISTRICT_STAFF = ("huyen", "huyen-demo-2026")
COOPERATIVE_PASSWORD = "htx-demo-2026"  # noqa: S105 - published demo password
HOME_COLLECTION = "Trang chủ"
# Wagtail's initial migration creates this placeholder as the site root.
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"
PACKAGED_SHAPES = ("jar", "bottle", "box", "tea_bag", "sack", "powder")
CATEGORY_COLOURS = {c.slug: c.colour for c in data.CATEGORIES}


@dataclass
class Login:
    username: str
    password: str
    role: str


@dataclass
class Summary:
    logins: list[Login] = field(default_factory=list)
    products_published: int = 0
    products_draft: int = 0
    revisions_created: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "categories": Category.objects.count(),
            "cooperatives": Cooperative.objects.count(),
            "growing_areas": GrowingArea.objects.count(),
            "certifications": Certification.objects.count(),
            "products": Product.objects.count(),
            "products_live": Product.objects.filter(live=True).count(),
            "images": get_image_model().objects.count(),
            "users": get_user_model().objects.count(),
            "memberships": Membership.objects.count(),
            "member_farmers": MemberFarmer.objects.count(),
            "lots": Lot.objects.count(),
            "trace_events": TraceEvent.objects.count(),
            "orders": Order.objects.count(),
        }


def load(*, small: bool = False) -> Summary:
    """Create or update the demo site; `small` loads a two-cooperative slice."""
    summary = Summary()
    _password_hash.cache_clear()  # hashers may differ between runs (tests)
    cooperatives = data.COOPERATIVES
    if small:
        cooperatives = tuple(
            c for c in cooperatives if c.slug in data.SMALL_COOPERATIVES
        )
    with transaction.atomic():
        admin = _user(*ADMIN, superuser=True, first_name="Quản trị")
        summary.logins.append(Login(*ADMIN, "quản trị hệ thống"))
        categories = {c.slug: _category(c) for c in data.CATEGORIES}
        saved = {c.slug: _cooperative(c) for c in cooperatives}
        # The cooperatives' editors exist before the lots: they record the events.
        role_logins = _role_users(cooperatives)
        editors = {
            user.username: user
            for user in get_user_model().objects.filter(username__in=list(saved))
        }
        for coop_data in cooperatives:
            cooperative = saved[coop_data.slug]
            products = coop_data.products
            if small:
                products = products[: data.SMALL_PRODUCTS_PER_COOPERATIVE]
            lots = demo_lots.load_lots(
                cooperative,
                coop_data,
                products,
                functools.partial(_product_gtin, coop_data),
                editors[coop_data.slug],
            )
            for product_data in products:
                _product(
                    product_data,
                    cooperative,
                    coop_data,
                    categories,
                    admin,
                    summary,
                    lots.get(product_data.slug, []),
                )
        home = _home_page(admin, summary)
        demo_pages.load_pages(home, admin, summary, small=small)
        summary.logins.extend(role_logins)
        summary.logins.extend(demo_pages.editorial_accounts())
        buyer = _user(
            *demo_orders.BUYER, first_name="Nguyễn Thị Hoa", email=demo_orders.BUYER[0]
        )
        summary.logins.append(
            Login(*demo_orders.BUYER, "người mua (/tai-khoan/dang-nhap/)")
        )
    # Demo orders e-mail nobody (their buyers are made up); the e-mails go out
    # when this transaction commits, still inside the override.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        demo_orders.load_orders(buyer)
    if not small:
        # A year of sales for the reports; the slice the tests load goes without
        # (the history's own test places a shorter one).
        demo_history.load_history(buyer)
    return summary


def _upsert(model, lookup: dict, values: dict, exclude=()):
    """Find by `lookup` or create, set `values`, validate, save."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


def _relative_date(value: data.RelativeDate | None) -> datetime.date | None:
    if value is None:
        return None
    years, month, day = value
    return datetime.date(timezone.localdate().year + years, month, day)


def _image(
    title: str,
    collection: Collection,
    alt: str,
    draw: Callable[[], bytes],
    filename: str,
):
    """The image titled `title` in `collection`, drawn only the first time."""
    Image = get_image_model()
    image = Image.objects.filter(collection=collection, title=title).first()
    if image is None:
        content = draw()
        image = Image(
            title=title,
            collection=collection,
            file=ImageFile(BytesIO(content), name=filename),
            file_size=len(content),
            # Wagtail identifies duplicate uploads by the SHA-1 of the file.
            file_hash=hashlib.sha1(content).hexdigest(),  # noqa: S324
        )
    dirty = image._state.adding
    # Wagtail 6.3+ stores alt text in `description`; older versions use the title.
    if hasattr(image, "description") and image.description != alt[:255]:
        image.description = alt[:255]
        dirty = True
    if dirty:
        image.save()
    return image


def _category(item: data.CategoryData) -> Category:
    parent = Category.objects.get(slug=item.parent) if item.parent else None
    order = [c.slug for c in data.CATEGORIES].index(item.slug)
    return _upsert(
        Category,
        {"slug": item.slug},
        {
            "name": item.name,
            "parent": parent,
            "description": item.description,
            "sort_order": order,
        },
    )


def _cooperative(item: data.CooperativeData) -> Cooperative:
    cooperative = _upsert(
        Cooperative,
        {"slug": item.slug},
        {
            "name": item.name,
            "story": item.story,
            "province_code": 40,  # Nghệ An
            "commune_code": item.commune_code,
            "street": item.street,
            "phone": item.phone,
            "email": item.email,
            "website": item.website,
            "founded_year": item.founded_year,
            "member_count": item.member_count,
            "latitude": item.latitude,
            "longitude": item.longitude,
            "is_verified": item.is_verified,
        },
        exclude=["logo", "collection"],
    )
    # The collection exists once the cooperative is saved; its images go there.
    collection = cooperative.collection
    cooperative.logo = _image(
        f"Logo {item.name}",
        collection,
        f"Logo {item.name}",
        lambda: images.logo_picture(item.initials, item.colour),
        f"{item.slug}-logo.jpg",
    )
    cooperative.save()

    first_shape = item.products[0].shape
    packaged = next(
        (p.shape for p in item.products if p.shape in PACKAGED_SHAPES), "box"
    )
    drawings = (
        lambda: images.landscape_picture(item.scene, item.slug),
        lambda: images.closeup_picture(first_shape, item.colour, item.slug),
        lambda: images.shelf_picture(packaged, item.slug),
    )
    for order, (caption, draw) in enumerate(
        zip(item.photo_captions, drawings, strict=False)
    ):
        image = _image(
            caption, collection, caption, draw, f"{item.slug}-anh-{order + 1}.jpg"
        )
        CooperativePhoto.objects.update_or_create(
            cooperative=cooperative,
            sort_order=order,
            defaults={"image": image, "caption": caption},
        )
    CooperativePhoto.objects.filter(
        cooperative=cooperative, sort_order__gte=len(item.photo_captions)
    ).delete()

    for area in item.areas:
        _upsert(
            GrowingArea,
            {"cooperative": cooperative, "name": area.name},
            {
                "area_code": area.area_code,
                "commune_code": area.commune_code,
                "latitude": area.latitude,
                "longitude": area.longitude,
                "hectares": area.hectares,
                "crops": area.crops,
            },
        )
    for cert in item.certifications:
        _upsert(
            Certification,
            {"cooperative": cooperative, "number": cert.number},
            {
                "kind": cert.kind,
                "ocop_stars": cert.ocop_stars,
                "name": cert.name,
                "issuer": cert.issuer,
                "issued_on": _relative_date(cert.issued),
                "expires_on": _relative_date(cert.expires),
                "scope": cert.scope,
            },
            exclude=["evidence"],
        )
    return cooperative


def gtin(prefix: str, item: str) -> str:
    """A GTIN-14 (leading zero + EAN-13) with its check digit computed."""
    body = f"{prefix}{item}"
    return "0" + body + ean.calc_check_digit(body)


def _product_gtin(coop_data: data.CooperativeData, item: data.ProductData) -> str:
    return gtin(coop_data.gs1_prefix, item.gtin_item) if item.gtin_item else ""


def _product(
    item: data.ProductData,
    cooperative: Cooperative,
    coop_data: data.CooperativeData,
    categories: dict[str, Category],
    admin,
    summary: Summary,
    lots: list[Lot],
) -> Product:
    category = categories[item.category]
    image = _image(
        item.name,
        cooperative.collection,
        f"{item.name} – {cooperative.name}",
        lambda: images.product_picture(
            item.name, cooperative.name, item.shape, CATEGORY_COLOURS[item.category]
        ),
        f"{item.slug}.jpg",
    )
    certifications = list(
        Certification.objects.filter(
            cooperative=cooperative,
            number__in=[
                c.number
                for c in coop_data.certifications
                if c.key in item.certifications
            ],
        ).order_by("pk")
    )
    values = {
        "cooperative_id": cooperative.pk,
        "name": item.name,
        "category_id": category.pk,
        "summary": item.summary,
        "description": item.description,
        "unit": item.unit,
        "price": item.price,
        "min_order_quantity": item.min_order,
        "season_months": months_to_mask(item.season),
        "ocop_stars": item.ocop_stars,
        "gtin": _product_gtin(coop_data, item),
    }
    product = Product.objects.filter(slug=item.slug).first()
    if product is not None and not _product_changed(
        product, values, image, certifications, lots, item.draft
    ):
        _count(summary, item)
        return product

    if product is None:
        # Stock is live state that orders move, not revision content: set once.
        product = Product(slug=item.slug, live=False, stock=item.stock)
    for name, value in values.items():
        setattr(product, name, value)
    product.images = [ProductImage(image=image, caption=item.name)]
    product.certifications = certifications
    product.lots = lots
    if item.draft:
        product.live = False
    product.save()
    revision = product.save_revision(user=admin, log_action=True)
    summary.revisions_created += 1
    if not item.draft:
        revision.publish(user=admin)
    _count(summary, item)
    return product


def _count(summary: Summary, item: data.ProductData) -> None:
    if item.draft:
        summary.products_draft += 1
    else:
        summary.products_published += 1


def _product_changed(product, values, image, certifications, lots, draft) -> bool:
    if any(getattr(product, name) != value for name, value in values.items()):
        return True
    if [pi.image_id for pi in product.images.all()] != [image.pk]:
        return True
    if {c.pk for c in product.certifications.all()} != {c.pk for c in certifications}:
        return True
    if {lot.pk for lot in product.lots.all()} != {lot.pk for lot in lots}:
        return True
    if product.has_unpublished_changes and not draft:
        return True
    return product.live == draft


def _home_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=HOME_COLLECTION).first()
    return existing or root.add_child(name=HOME_COLLECTION)


def _home_page(admin, summary: Summary) -> HomePage:
    hero = _image(
        "Đồi chè Thanh Chương – ảnh bìa trang chủ",
        _home_collection(),
        "Đồi chè xanh Thanh Chương lúc bình minh",
        lambda: images.landscape_picture("tea_hills", "hero", size=(1600, 600)),
        "trang-chu-anh-bia.jpg",
    )
    values = {
        "title": "Chợ Nông Sản Nghệ An",
        "seo_title": "Chợ Nông Sản Nghệ An – nông sản từ hợp tác xã",
        "search_description": (
            "Mua chè Thanh Chương, cam Vinh, mật ong Con Cuông, nước mắm Quỳnh Lưu "
            "và sản phẩm OCOP trực tiếp từ các hợp tác xã Nghệ An."
        ),
        "heading": "Nông sản sạch từ các hợp tác xã Nghệ An",
        "intro": (
            "<p>Chè xanh Thanh Chương, cam Vinh, mật ong hoa rừng, nước mắm Quỳnh "
            "Lưu… mua <b>thẳng từ người làm ra</b>, mỗi lô hàng có nguồn gốc rõ "
            "ràng.</p>"
        ),
        "hero_image": hero,
    }
    # The Vietnamese home: its English translation is a HomePage too.
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        home = HomePage(slug="trang-chu", **values)
        Page.get_first_root_node().add_child(instance=home)
        changed = True
    else:
        changed = any(getattr(home, k) != v for k, v in values.items())
        for name, value in values.items():
            setattr(home, name, value)
    if changed or not home.live:
        home.save_revision(user=admin, log_action=True).publish(user=admin)
        summary.revisions_created += 1

    site = Site.objects.filter(is_default_site=True).first() or Site()
    site.hostname = "127.0.0.1"
    site.port = 8000
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.root_page = home
    site.is_default_site = True
    site.save()

    # Wagtail's placeholder welcome page is no longer reachable: remove it.
    Page.objects.filter(
        depth=2,
        title=WAGTAIL_WELCOME_TITLE,
        content_type=ContentType.objects.get_for_model(Page),
        numchild=0,
        sites_rooted_here__isnull=True,
    ).delete()
    return home


def _user(username, password, *, superuser=False, first_name="", email=""):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_superuser = superuser
    user.is_staff = superuser or user.is_staff
    user.is_active = True
    user.first_name = first_name
    user.email = email or f"{username}@example.vn"
    # Reset on every run so the printed demo passwords always work.
    user.password = _password_hash(password)
    user.save()
    return user


@functools.cache
def _password_hash(password: str) -> str:
    # Hashing is slow on purpose; the cooperative accounts share one demo password,
    # so one hash serves them all.
    return make_password(password)


def _role_users(cooperatives) -> list[Login]:
    staff = _user(*DISTRICT_STAFF, first_name="Phòng Nông nghiệp huyện")
    roles.make_district_staff(staff)
    logins = [Login(*DISTRICT_STAFF, "cán bộ huyện (mọi hợp tác xã)")]
    for item in cooperatives:
        cooperative = Cooperative.objects.get(slug=item.slug)
        user = _user(item.slug, COOPERATIVE_PASSWORD, first_name=item.name)
        # The cooperative's own account administers it: it may also issue the
        # cooperative's API tokens.
        roles.add_member(user, cooperative, role=Membership.Role.ADMIN)
        logins.append(Login(item.slug, COOPERATIVE_PASSWORD, f"quản trị {item.name}"))
    return logins
