import json
from pathlib import Path

from django.core.management.base import BaseCommand

from producers.traceability import chain_heads_digest


class Command(BaseCommand):
    help = (
        "Write every lot's chain head and one SHA-256 digest over them as JSON, "
        "for the district to publish or timestamp outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: stdout).")

    def handle(self, *args, output=None, **options):
        text = json.dumps(chain_heads_digest(), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Digest written to {output}")
        else:
            self.stdout.write(text, ending="")
