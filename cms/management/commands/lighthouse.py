"""`manage.py lighthouse`: Lighthouse on a phone over Slow 4G (docs/performance.md)."""

import json
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms import lighthouse


class Command(BaseCommand):
    help = (
        "Run Lighthouse (mobile, simulated Slow 4G) on the home page, the "
        "catalogue, a product, its lot's trace page and the checkout; print a "
        "table and keep the JSON reports in lighthouse-reports/<time>/. "
        "Install Lighthouse first: `make lighthouse` does both."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="",
            help="Audit this running site instead of starting one "
            "(e.g. http://127.0.0.1:8000).",
        )
        parser.add_argument(
            "--output",
            default=str(lighthouse.REPORTS_DIR),
            help="Folder for the JSON reports (default %(default)s).",
        )

    def handle(self, *args, **options):
        if not lighthouse.installed():
            raise CommandError(
                f"Lighthouse {lighthouse.LIGHTHOUSE_VERSION} is not installed in "
                f"{lighthouse.INSTALL_DIR}: run `make lighthouse`."
            )
        folder = Path(options["output"]) / datetime.now().strftime("%Y%m%d-%H%M%S")
        folder.mkdir(parents=True, exist_ok=True)
        site = None
        try:
            if options["url"]:
                base_url = options["url"].rstrip("/")
            else:
                env = lighthouse.environment()
                self.stdout.write("Collecting static files (production settings)…")
                lighthouse.collectstatic(env)
                site = lighthouse.start_site(env, log=folder / "gunicorn.log")
                base_url = site.base_url
                self.stdout.write(f"Site under gunicorn at {base_url}")
            rows = self.audit(base_url, folder)
        except lighthouse.LighthouseError as error:
            raise CommandError(str(error)) from error
        finally:
            if site is not None:
                site.stop()
        (folder / "summary.json").write_text(
            json.dumps(dict(rows), indent=2, ensure_ascii=False)
        )
        self.stdout.write("")
        self.stdout.write(
            "Lighthouse "
            f"{lighthouse.LIGHTHOUSE_VERSION}, mobile, simulated Slow 4G "
            "(KB: transferred, all requests)"
        )
        self.stdout.write(lighthouse.table(rows))
        self.stdout.write(f"\nReports in {folder}")

    def audit(self, base_url: str, folder: Path) -> list[tuple[str, dict]]:
        pages = lighthouse.find_pages(base_url)
        self.stdout.write("Pages: " + ", ".join(path for _, path in pages.paths))
        lighthouse.warm(base_url, [path for _, path in pages.paths])
        lighthouse.warm(base_url, ["/thanh-toan/"], cookie=pages.checkout_cookie)
        rows = []
        for name, path in pages.paths:
            self.stdout.write(f"Lighthouse: {name} ({path})…")
            cookie = pages.checkout_cookie if name in ("checkout", "cart") else ""
            slug = name.split()[0]
            report = lighthouse.run_lighthouse(
                base_url + path, folder / f"{slug}.json", cookie=cookie
            )
            figures = lighthouse.figures(report)
            if figures["runtime_error"]:
                self.stderr.write(f"  {name}: {figures['runtime_error']}")
            rows.append((name, figures))
        return rows
