"""Reminders that a cooperative's certificates run out soon, by e-mail, once.

Every day (`producers.tasks.send_certification_reminders`, started by the
`send_certification_reminders` command from cron) each cooperative hears about
its certificates (VietGAP, organic, OCOP...) that expire within
`REMIND_DAYS` days, in one e-mail to its contact and order addresses and to
its editors; district staff get one digest of them all (settings.DISTRICT_EMAIL).

A certificate is reminded of once per expiry date: `expiry_reminder_sent_for`
records the date the reminder went out for, so running twice sends once, and
a renewed certificate (a new expiry date) is reminded of again when its turn
comes. One already expired is not reminded of: it is too late to renew it on
time, and the certificate list in the admin shows it as expired.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from . import mail
from .models import Certification, Cooperative, Membership

REMIND_DAYS = 30


@dataclasses.dataclass
class Reminder:
    """One cooperative's certificates to renew, and who hears about them."""

    cooperative: Cooperative
    certificates: list[Certification]
    recipients: list[str]


@dataclasses.dataclass
class Outcome:
    reminders: list[Reminder]
    district_recipients: list[str]
    messages_sent: int = 0

    @property
    def certificate_count(self) -> int:
        return sum(len(reminder.certificates) for reminder in self.reminders)


def due(today: datetime.date):
    """Certificates expiring from `today` to `REMIND_DAYS` days on, not yet
    reminded of for their current expiry date."""
    return Certification.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=REMIND_DAYS),
    ).filter(
        Q(expiry_reminder_sent_for__isnull=True)
        | ~Q(expiry_reminder_sent_for=F("expires_on"))
    )


def plan(today: datetime.date, *, lock: bool = False) -> Outcome:
    """Who would hear about which certificates today (nothing is sent)."""
    certificates = due(today).select_related("cooperative")
    if lock:
        # A second run at the same time waits, then finds them reminded.
        certificates = certificates.select_for_update(of=("self",))
    by_cooperative: dict[int, list[Certification]] = defaultdict(list)
    for certificate in certificates.order_by("cooperative__name", "expires_on", "pk"):
        by_cooperative[certificate.cooperative_id].append(certificate)
    editors = _editor_emails(by_cooperative)
    reminders = []
    for certificates_of_one in by_cooperative.values():
        cooperative = certificates_of_one[0].cooperative
        recipients = _unique(
            [cooperative.email, cooperative.orders_email, *editors[cooperative.pk]]
        )
        reminders.append(Reminder(cooperative, certificates_of_one, recipients))
    return Outcome(reminders, _unique([settings.DISTRICT_EMAIL]))


def send_expiry_reminders(today: datetime.date) -> Outcome:
    """E-mail each cooperative its certificates to renew and the district a
    digest, then mark them reminded; returns what was sent.

    All in one transaction: if an e-mail cannot be sent, nothing is marked and
    the next run tries again. A certificate nobody could be told about (no
    address at the cooperative nor the district) stays unmarked, so it is
    reminded of once someone has an address.
    """
    with transaction.atomic():
        outcome = plan(today, lock=True)
        told = []
        for reminder in outcome.reminders:
            sent = _send(
                "certification_expiry",
                _context(today, [reminder]) | {"cooperative": reminder.cooperative},
                reminder.recipients,
            )
            outcome.messages_sent += sent
            if sent or outcome.district_recipients:
                told += reminder.certificates
        if outcome.reminders:
            outcome.messages_sent += _send(
                "certification_expiry_district",
                _context(today, outcome.reminders),
                outcome.district_recipients,
            )
        Certification.objects.filter(pk__in=[c.pk for c in told]).update(
            expiry_reminder_sent_for=F("expires_on")
        )
    return outcome


def _editor_emails(by_cooperative) -> dict[int, list[str]]:
    emails = defaultdict(list)
    memberships = Membership.objects.filter(
        cooperative_id__in=list(by_cooperative),
        user__is_active=True,
    ).exclude(user__email="")
    for cooperative_id, email in memberships.order_by("user__email").values_list(
        "cooperative_id", "user__email"
    ):
        emails[cooperative_id].append(email)
    return emails


def _unique(addresses) -> list[str]:
    seen = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _context(today: datetime.date, reminders: list[Reminder]) -> dict:
    edit = "wagtailsnippets_producers_certification:edit"
    return {
        "today": today,
        "remind_days": REMIND_DAYS,
        "sections": [
            {
                "cooperative": reminder.cooperative,
                "told": bool(reminder.recipients),
                "rows": [
                    {
                        "certificate": certificate,
                        "days_left": (certificate.expires_on - today).days,
                        "url": mail.site_url(reverse(edit, args=(certificate.pk,))),
                    }
                    for certificate in reminder.certificates
                ],
            }
            for reminder in reminders
        ],
        "list_url": mail.site_url(
            reverse("wagtailsnippets_producers_certification:list")
        ),
    }


def _send(name: str, context: dict, to: list[str]) -> int:
    return mail.send_templated(f"producers/emails/{name}", context, to)
