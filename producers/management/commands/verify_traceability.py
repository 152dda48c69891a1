from django.core.management.base import BaseCommand, CommandError

from producers.models import Lot
from producers.traceability import verify_lot


class Command(BaseCommand):
    help = (
        "Recompute every lot's hash chain and evidence file hashes; exit non-zero "
        "naming each lot and event whose stored record no longer matches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-files",
            action="store_true",
            help="Do not re-read evidence files (faster; rows are still checked).",
        )

    def handle(self, *args, skip_files=False, **options):
        problems = []
        lots = Lot.objects.select_related("cooperative").order_by("pk")
        count = 0
        for lot in lots.iterator(chunk_size=500):
            count += 1
            problems.extend(verify_lot(lot, check_files=not skip_files))
        for problem in problems:
            self.stderr.write(
                f"ALTERED lot {problem.lot.code} ({problem.lot.cooperative.name})"
                + (f" event #{problem.sequence}" if problem.sequence else "")
                + f": {problem.message}"
            )
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {count} lot(s).")
        self.stdout.write(
            self.style.SUCCESS(f"{count} lot(s) verified, chains intact.")
        )
