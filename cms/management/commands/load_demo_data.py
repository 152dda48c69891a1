"""`manage.py load_demo_data`: a demo district worth looking at, safe to re-run."""

import time

from django.core.management.base import BaseCommand

from cms.demo import loader


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: hợp tác xã Nghệ An, sản phẩm, ảnh, trang chủ và tài khoản "
        "demo. Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--small",
            action="store_true",
            help="Chỉ hai hợp tác xã, ba sản phẩm mỗi nơi (cho kiểm thử nhanh).",
        )

    def handle(self, *args, small=False, **options):
        started = time.monotonic()
        summary = loader.load(small=small)
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(f"Dữ liệu mẫu đã sẵn sàng ({elapsed:.1f} s).")
        )
        for name, count in summary.counts().items():
            self.stdout.write(f"  {name:<16} {count}")
        self.stdout.write(
            f"  sản phẩm: {summary.products_published} đã đăng, "
            f"{summary.products_draft} bản nháp; "
            f"{summary.revisions_created} phiên bản mới lần này"
        )
        self.stdout.write("")
        self.stdout.write("Tài khoản demo (http://127.0.0.1:8000/admin/):")
        for login in summary.logins:
            self.stdout.write(
                f"  {login.username:<26} {login.password:<18} {login.role}"
            )
