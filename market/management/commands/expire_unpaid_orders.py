from django.core.management.base import BaseCommand

from market.ordering import expire_overdue_orders, overdue_orders


class Command(BaseCommand):
    help = (
        "Expire unpaid bank transfer and card orders whose payment time has "
        "passed, returning their held units to stock (run every few minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the orders that would expire and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for order in overdue_orders():
                self.stdout.write(
                    f"{order.number} {order.get_payment_method_display()} "
                    f"due {order.payment_due_at:%Y-%m-%d %H:%M}"
                )
            return
        count = expire_overdue_orders()
        self.stdout.write(self.style.SUCCESS(f"{count} order(s) expired."))
