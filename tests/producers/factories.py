import datetime

import factory
from django.contrib.auth import get_user_model
from wagtail.images.tests.utils import get_test_image_file

from producers.models import (
    Certification,
    Cooperative,
    GrowingArea,
    Lot,
    MemberFarmer,
    Membership,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("password")


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Hợp tác xã Chè Xanh {n}")
    slug = factory.Sequence(lambda n: f"htx-che-xanh-{n}")
    province_code = 40
    commune_code = 17254  # Xã Con Cuông, Nghệ An
    street = "Xóm 3"
    phone = "0912345678"
    is_verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    cooperative = factory.SubFactory(CooperativeFactory)


class GrowingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowingArea

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Đồi chè số {n}")
    area_code = factory.Sequence(lambda n: f"VT-40-{n:04d}")
    hectares = "12.50"
    crops = "chè xanh"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    cooperative = factory.SubFactory(CooperativeFactory)
    kind = Certification.Kind.VIETGAP
    number = factory.Sequence(lambda n: f"VG-{n:05d}")
    issuer = "Sở Nông nghiệp và Môi trường Nghệ An"
    issued_on = datetime.date(2025, 1, 1)
    expires_on = datetime.date(2028, 1, 1)


def make_image(collection=None, title="Ảnh thử", description="", **kwargs):
    """A Wagtail image; `kwargs` (colour, size...) shape its test file."""
    from wagtail.images.models import Image

    extra = {"collection": collection} if collection is not None else {}
    return Image.objects.create(
        title=title,
        description=description,
        file=get_test_image_file(**kwargs),
        **extra,
    )


class MemberFarmerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberFarmer

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Nguyễn Văn Hộ {n}")
    hamlet = "Xóm 3"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    cooperative = factory.SubFactory(CooperativeFactory)
    code = factory.Sequence(lambda n: f"CHE-2026-{n:03d}")
    product_name = "Chè búp khô Thanh Chương"
    harvest_date = datetime.date(2026, 11, 20)
    quantity = "120.50"
    unit = "kg"
