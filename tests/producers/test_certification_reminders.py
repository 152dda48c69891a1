"""Certificate expiry reminders: who hears, about what, and only once."""

import datetime
import importlib

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from producers import certification_reminders
from producers.models import Certification
from producers.roles import add_member
from producers.tasks import send_certification_reminders
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def district(settings):
    settings.DISTRICT_EMAIL = "nongnghiep@huyen.gov.vn"
    settings.WAGTAILADMIN_BASE_URL = "https://cho.example.vn"


@pytest.fixture
def tea():
    """A tea cooperative with two editors (one inactive), a separate order
    address and certificates: one due in 10 days, one due today, one in 31
    days, one expired yesterday, one without expiry."""
    coop = CooperativeFactory(
        name="Hợp tác xã Chè Thanh Chương",
        email="lienhe@chethanhchuong.vn",
        orders_email="donhang@chethanhchuong.vn",
    )
    add_member(UserFactory(username="hoa", email="hoa@chethanhchuong.vn"), coop)
    add_member(UserFactory(username="khong_email", email=""), coop)
    gone = UserFactory(username="da_nghi", email="nghi@chethanhchuong.vn")
    gone.is_active = False
    gone.save()
    add_member(gone, coop)
    return {
        "coop": coop,
        "soon": CertificationFactory(
            cooperative=coop,
            number="VG-2023-017",
            issuer="Trung tâm Chứng nhận Phù hợp",
            expires_on=days(10),
        ),
        "today": CertificationFactory(
            cooperative=coop,
            kind=Certification.Kind.OCOP,
            ocop_stars=4,
            number="QĐ-1234/UBND",
            expires_on=TODAY,
        ),
        "later": CertificationFactory(cooperative=coop, expires_on=days(31)),
        "expired": CertificationFactory(cooperative=coop, expires_on=days(-1)),
        "forever": CertificationFactory(cooperative=coop, expires_on=None),
    }


def _by_recipient():
    return {tuple(message.to): message for message in mail.outbox}


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_each_cooperative_hears_of_its_certificates_due_within_30_days(tea):
    outcome = certification_reminders.send_expiry_reminders(TODAY)

    assert outcome.messages_sent == 2
    messages = _by_recipient()
    coop_message = messages[
        (
            "lienhe@chethanhchuong.vn",
            "donhang@chethanhchuong.vn",
            "hoa@chethanhchuong.vn",
        )
    ]
    assert coop_message.subject == (
        "Hợp tác xã Chè Thanh Chương: 2 chứng nhận sắp hết hạn"
    )
    body = coop_message.body
    assert "Kính gửi Hợp tác xã Chè Thanh Chương" in body
    assert "VietGAP, số hiệu VG-2023-017 (Trung tâm Chứng nhận Phù hợp)" in body
    assert "Ngày hết hạn: 06/12/2026 · còn 10 ngày" in body
    assert "OCOP 4 ★, số hiệu QĐ-1234/UBND" in body
    assert "hết hạn hôm nay" in body
    edit_url = (
        f"https://cho.example.vn/admin/snippets/producers/certification/edit/"
        f"{tea['soon'].pk}/"
    )
    assert edit_url in body
    html = _html(coop_message)
    assert "VG-2023-017" in html and edit_url in html and "10 ngày" in html
    # Not yet due, already expired, never expiring: not mentioned.
    for certificate in ("later", "expired", "forever"):
        assert tea[certificate].number not in body + html


def test_the_district_gets_one_digest_of_every_cooperative(tea):
    honey = CooperativeFactory(name="Hợp tác xã Mật ong Pù Mát", email="")
    CertificationFactory(cooperative=honey, number="HC-09", expires_on=days(30))

    outcome = certification_reminders.send_expiry_reminders(TODAY)

    # The honey cooperative has no address: only the district hears of it.
    assert [len(r.recipients) for r in outcome.reminders] == [3, 0]
    assert outcome.messages_sent == 2
    digest = _by_recipient()[("nongnghiep@huyen.gov.vn",)]
    assert digest.subject == "Chứng nhận sắp hết hạn của các hợp tác xã (26/11/2026)"
    for text in (
        "Hợp tác xã Chè Thanh Chương",
        "VG-2023-017",
        "QĐ-1234/UBND",
        "Hợp tác xã Mật ong Pù Mát",
        "HC-09: 26/12/2026 · còn 30 ngày",
        "Hợp tác xã chưa có địa chỉ e-mail: hãy báo qua điện thoại.",
    ):
        assert text in digest.body
    assert "Hợp tác xã Mật ong Pù Mát" in _html(digest)
    assert Certification.objects.get(number="HC-09").expiry_reminder_sent_for == (
        days(30)
    )


def test_running_twice_reminds_once(tea):
    certification_reminders.send_expiry_reminders(TODAY)
    assert len(mail.outbox) == 2
    assert Certification.objects.get(pk=tea["soon"].pk).expiry_reminder_sent_for == (
        days(10)
    )

    assert certification_reminders.send_expiry_reminders(TODAY).messages_sent == 0
    assert len(mail.outbox) == 2


def test_a_renewed_certificate_is_reminded_again_when_its_new_date_nears(tea):
    Certification.objects.exclude(pk=tea["soon"].pk).delete()
    certification_reminders.send_expiry_reminders(TODAY)
    mail.outbox.clear()
    soon = tea["soon"]
    soon.expires_on = days(400)  # renewed for a year
    soon.save()
    assert certification_reminders.send_expiry_reminders(days(20)).messages_sent == 0

    outcome = certification_reminders.send_expiry_reminders(days(380))
    assert [c.pk for r in outcome.reminders for c in r.certificates] == [soon.pk]
    assert outcome.messages_sent == 2
    assert "còn 20 ngày" in mail.outbox[0].body


def test_certificates_enter_the_window_30_days_before_they_expire(tea):
    certification_reminders.send_expiry_reminders(TODAY)
    mail.outbox.clear()
    outcome = certification_reminders.send_expiry_reminders(days(1))
    assert [c.pk for r in outcome.reminders for c in r.certificates] == [
        tea["later"].pk
    ]


def test_nobody_to_tell_leaves_the_certificate_for_a_later_run(settings):
    settings.DISTRICT_EMAIL = ""
    coop = CooperativeFactory(email="")
    certificate = CertificationFactory(cooperative=coop, expires_on=days(5))
    outcome = certification_reminders.send_expiry_reminders(TODAY)
    assert outcome.messages_sent == 0 and mail.outbox == []
    certificate.refresh_from_db()
    assert certificate.expiry_reminder_sent_for is None

    coop.email = "htx@example.vn"
    coop.save()
    assert certification_reminders.send_expiry_reminders(TODAY).messages_sent == 1


def test_reminders_cost_the_same_queries_for_more_cooperatives(
    tea, django_assert_max_num_queries
):
    # Savepoint, certificates, editors' addresses, marking, release.
    with django_assert_max_num_queries(5) as few:
        certification_reminders.send_expiry_reminders(TODAY)
    for n in range(5):
        coop = CooperativeFactory(email=f"htx{n}@example.vn")
        add_member(UserFactory(username=f"bien_tap_{n}"), coop)
        CertificationFactory.create_batch(3, cooperative=coop, expires_on=days(n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        outcome = certification_reminders.send_expiry_reminders(TODAY)
    assert outcome.certificate_count == 15


def test_the_task_takes_an_iso_date_and_returns_messages_sent(tea):
    result = send_certification_reminders.enqueue(TODAY.isoformat())
    assert result.is_finished and result.return_value == 2


def test_command_dry_run_lists_and_sends_nothing(tea, capsys):
    call_command("send_certification_reminders", "--date", "2026-11-26", "--dry-run")
    out = capsys.readouterr().out
    assert "Hợp tác xã Chè Thanh Chương -> lienhe@chethanhchuong.vn" in out
    assert "VG-2023-017: 2026-12-06" in out
    assert "2 certificate(s) in 1 cooperative(s)" in out
    assert mail.outbox == []
    assert not Certification.objects.filter(
        expiry_reminder_sent_for__isnull=False
    ).exists()


def test_command_sends_through_the_task(tea, capsys):
    call_command("send_certification_reminders", "--date", "2026-11-26")
    assert "2 e-mail(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_command_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_certification_reminders", "--date", "26/11/2026")


def test_reminders_stay_inside_producers():
    """producers never imports market (the apps' dependencies point one way)."""
    for name in (
        "producers.certification_reminders",
        "producers.tasks",
        "producers.management.commands.send_certification_reminders",
    ):
        module = importlib.import_module(name)
        with open(module.__file__, encoding="utf-8") as file:
            source = file.read()
        assert "market" not in source.replace("marketplace", ""), name
