import datetime

import pytest
from django.core.exceptions import ValidationError

from producers.gtin import gtin_or_none, normalise_gtin
from producers.models import Certification, Cooperative
from tests.producers.factories import CertificationFactory, CooperativeFactory

ISSUED = datetime.date(2024, 3, 1)
EXPIRES = datetime.date(2026, 2, 28)


def certification(issued_on=ISSUED, expires_on=EXPIRES):
    # Unsaved: the rule is pure date arithmetic, no database needed.
    return Certification(
        kind=Certification.Kind.VIETGAP,
        number="VG-1",
        issuer="Sở NN&MT Nghệ An",
        issued_on=issued_on,
        expires_on=expires_on,
    )


def test_certification_is_not_valid_the_day_before_it_is_issued():
    assert not certification().is_valid_on(ISSUED - datetime.timedelta(days=1))


def test_certification_is_valid_on_its_issue_date():
    assert certification().is_valid_on(ISSUED)


def test_certification_is_valid_on_its_expiry_date_inclusive():
    assert certification().is_valid_on(EXPIRES)


def test_certification_is_not_valid_the_day_after_it_expires():
    assert not certification().is_valid_on(EXPIRES + datetime.timedelta(days=1))


def test_certification_without_expiry_stays_valid_for_ever_after_issue():
    cert = certification(expires_on=None)
    assert cert.is_valid_on(datetime.date(2099, 12, 31))
    assert not cert.is_valid_on(ISSUED - datetime.timedelta(days=1))


def test_certification_issued_and_expiring_the_same_day_is_valid_only_that_day():
    cert = certification(issued_on=ISSUED, expires_on=ISSUED)
    assert cert.is_valid_on(ISSUED)
    assert not cert.is_valid_on(ISSUED + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_is_valid_today_follows_the_local_date(settings):
    today = datetime.date.today()
    expired = CertificationFactory(
        issued_on=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=2),
    )
    current = CertificationFactory(
        issued_on=today - datetime.timedelta(days=400), expires_on=None
    )
    assert not expired.is_valid_today
    assert current.is_valid_today


def test_ocop_label_shows_the_stars():
    cert = Certification(kind=Certification.Kind.OCOP, ocop_stars=4)
    assert cert.label == "OCOP 4 ★"


@pytest.mark.django_db
def test_cooperative_clean_rejects_a_commune_outside_its_province():
    # 17254 is Xã Con Cuông, Nghệ An (40); 1 is Hà Nội.
    cooperative = CooperativeFactory.build(province_code=1, commune_code=17254)
    with pytest.raises(ValidationError) as error:
        cooperative.clean()
    assert "commune_code" in error.value.message_dict


@pytest.mark.django_db
def test_cooperative_full_clean_rejects_an_unknown_commune_code():
    cooperative = CooperativeFactory.build(commune_code=999999)
    with pytest.raises(ValidationError) as error:
        cooperative.full_clean(exclude=["logo", "collection"])
    assert "commune_code" in error.value.message_dict


@pytest.mark.django_db
def test_cooperative_clean_accepts_a_commune_of_its_province():
    cooperative = CooperativeFactory.build(province_code=40, commune_code=17035)
    cooperative.clean()
    assert cooperative.commune_name == "Xã Quỳ Hợp"


@pytest.mark.django_db
def test_saving_a_cooperative_gives_it_an_image_collection_and_folded_search_text():
    cooperative = CooperativeFactory(name="HTX Chè Thanh Chương", commune_code=17722)
    assert cooperative.collection is not None
    assert cooperative.collection.name == "HTX Chè Thanh Chương"
    assert "che thanh chuong" in cooperative.search_text
    assert Cooperative.objects.get(pk=cooperative.pk).collection_id is not None


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("8936054010011", "08936054010011"),
        ("8936 0540 1001 1", "08936054010011"),
        ("08936054010011", "08936054010011"),
        ("", ""),
    ],
)
def test_gtins_are_stored_as_fourteen_digits(typed, stored):
    assert normalise_gtin(typed) == stored


@pytest.mark.parametrize("typed", ["8936054010012", "89360540100", "893605401001A"])
def test_a_wrong_gtin_is_refused_with_a_message(typed):
    with pytest.raises(ValidationError):
        normalise_gtin(typed)
    assert gtin_or_none(typed) is None
