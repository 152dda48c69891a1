import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from producers import certification_reminders
from producers.tasks import send_certification_reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "E-mail cooperatives and the district about certificates expiring within "
        f"{certification_reminders.REMIND_DAYS} days (once per expiry date). "
        "Run daily from cron; the work runs as a background task."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_date,
            help="Remind as if today were this date (YYYY-MM-DD); default: today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be told about which certificates; send nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        if dry_run:
            self._describe(certification_reminders.plan(today))
            return
        result = send_certification_reminders.enqueue(today.isoformat())
        if result.is_finished:
            self.stdout.write(
                self.style.SUCCESS(f"{result.return_value} e-mail(s) sent.")
            )
        else:
            self.stdout.write(f"Queued as task {result.id}.")

    def _describe(self, outcome):
        for reminder in outcome.reminders:
            to = ", ".join(reminder.recipients) or "(no address: district only)"
            self.stdout.write(f"{reminder.cooperative.name} -> {to}")
            for certificate in reminder.certificates:
                self.stdout.write(
                    f"  {certificate.label} {certificate.number}: "
                    f"{certificate.expires_on.isoformat()}"
                )
        district = ", ".join(outcome.district_recipients) or "(DISTRICT_EMAIL unset)"
        self.stdout.write(
            f"{outcome.certificate_count} certificate(s) in "
            f"{len(outcome.reminders)} cooperative(s); district digest -> {district}. "
            "Dry run: nothing sent or marked."
        )
