"""Import a product spreadsheet (CSV or XLSX) for one cooperative from the shell."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from market import product_import
from producers.models import Cooperative


class Command(BaseCommand):
    help = (
        "Nhập sản phẩm từ tệp CSV hoặc XLSX cho một hợp tác xã: kiểm tra mọi dòng, "
        "rồi nhập tất cả hoặc không nhập gì (xem docs/import.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .csv (UTF-8) hoặc .xlsx")
        parser.add_argument(
            "--cooperative", required=True, help="Đường dẫn (slug) của hợp tác xã"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ kiểm tra và cho biết sẽ thay đổi gì; không ghi gì.",
        )
        parser.add_argument("--user", help="Tên đăng nhập ghi vào lịch sử thay đổi")

    def handle(self, *args, file, cooperative, dry_run=False, user=None, **options):
        stream = options.get("stderr") or sys.stderr
        try:
            coop = Cooperative.objects.get(slug=cooperative)
        except Cooperative.DoesNotExist:
            raise CommandError(
                _("Không có hợp tác xã “%(slug)s”.") % {"slug": cooperative}
            ) from None
        person = self._user(user)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp: %(reason)s") % {"reason": error}
            ) from error
        progress = _Progress(stream)
        try:
            imported, plan = product_import.preview_import(
                coop,
                file_name=path.name,
                data=data,
                user=person,
                save=not dry_run,
                progress=progress.advance(_("Kiểm tra")),
            )
        except product_import.ImportFileError as error:
            raise CommandError(str(error.message)) from error
        finally:
            progress.close()
        self._report(plan)
        if plan.has_errors:
            raise CommandError(
                _("%(count)s dòng có lỗi: chưa nhập gì.")
                % {"count": plan.count(product_import.RowStatus.ERROR)}
            )
        if dry_run:
            self.stdout.write(_("Chạy thử: chưa ghi gì."))
            return
        try:
            plan = product_import.apply_import(
                imported, user=person, progress=progress.advance(_("Nhập"))
            )
        except product_import.ImportRefused as error:
            raise CommandError(str(error.message)) from error
        finally:
            progress.close()
        self.stdout.write(self.style.SUCCESS(product_import.summary_message(plan)))

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("Không có người dùng “%(name)s”.") % {"name": username}
            ) from None

    def _report(self, plan):
        counts = plan.counts
        status = product_import.RowStatus
        self.stdout.write(
            _(
                "%(new)s mới, %(changed)s thay đổi, %(unchanged)s không đổi, "
                "%(errors)s lỗi."
            )
            % {
                "new": counts[status.NEW],
                "changed": counts[status.CHANGED],
                "unchanged": counts[status.UNCHANGED],
                "errors": counts[status.ERROR],
            }
        )
        for row in plan.rows:
            for error in row.errors:
                self.stdout.write(
                    _("Dòng %(row)s, cột “%(column)s”: %(message)s")
                    % {
                        "row": row.number,
                        "column": error.column,
                        "message": error.message,
                    }
                )


class _Progress:
    """tqdm bars on stderr, one per step (checking, then writing)."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def advance(self, label):
        def step(count, total):
            if self.bar is None or self.bar.total != total or self.bar.n >= total:
                self.close()
                self.bar = tqdm(
                    total=total, desc=str(label), unit=" dòng", file=self.stream
                )
            self.bar.update(count)

        return step

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
