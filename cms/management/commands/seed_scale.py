"""`manage.py seed_scale`: a province's worth of generated data, for measuring.

See cms/scale.py for what is built and docs/performance.md for timings.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms import scale


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu quy mô tỉnh (mặc định 500 hợp tác xã, 100.000 sản phẩm, "
        "50.000 lô có nhật ký truy xuất, 200.000 đơn hàng) để đo hiệu năng. "
        "Từ chối chạy lần hai trừ khi có --replace."
    )

    def add_arguments(self, parser):
        defaults = scale.Counts()
        parser.add_argument("--cooperatives", type=int, default=None)
        parser.add_argument("--products", type=int, default=None)
        parser.add_argument("--lots", type=int, default=None)
        parser.add_argument("--orders", type=int, default=None)
        parser.add_argument(
            "--small",
            action="store_true",
            help=(
                f"Bộ nhỏ để thử nhanh ({scale.SMALL.cooperatives} hợp tác xã, "
                f"{scale.SMALL.products} sản phẩm, {scale.SMALL.lots} lô, "
                f"{scale.SMALL.orders} đơn); các số đã ghi vẫn được dùng. "
                f"Mặc định: {defaults.cooperatives}/{defaults.products}/"
                f"{defaults.lots}/{defaults.orders}."
            ),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Xóa dữ liệu quy mô lớn đã tạo trước đó (chỉ phần 'scale-'/'SC-').",
        )
        parser.add_argument("--seed", type=int, default=scale.SEED)
        parser.add_argument(
            "--no-progress", action="store_true", help="Không hiện thanh tiến độ."
        )
        parser.add_argument(
            "--verify",
            type=int,
            default=50,
            help="Số lô lấy mẫu để kiểm tra chuỗi băm sau khi tạo (0: bỏ qua).",
        )

    def handle(self, *args, **options):
        base = scale.SMALL if options["small"] else scale.Counts()
        counts = scale.Counts(
            **{
                name: options[name]
                if options[name] is not None
                else getattr(base, name)
                for name in ("cooperatives", "products", "lots", "orders")
            }
        )
        for name, value in vars(counts).items():
            if value < 0 or (name == "cooperatives" and value < 1):
                raise CommandError(f"--{name} phải là số dương.")
        if counts.lots and not counts.products:
            raise CommandError("--lots cần có sản phẩm (--products > 0).")

        quiet = options["no_progress"] or options["verbosity"] < 1

        def progress(total, desc):
            return tqdm(
                total=total, desc=desc, unit=" dòng", file=self.stderr, disable=quiet
            )

        builder = scale.Builder(counts, seed=options["seed"], progress=progress)
        started = time.monotonic()
        try:
            report = builder.run(replace=options["replace"])
        except scale.SeedExists as error:
            raise CommandError(str(error)) from error
        if options["verify"]:
            builder.verify_sample(options["verify"])
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(f"Dữ liệu quy mô lớn đã tạo xong ({elapsed:.1f} s).")
        )
        for name, seconds in report.seconds.items():
            self.stdout.write(f"  {name:<24} {seconds:8.1f} s")
        for name, count in report.counts.items():
            self.stdout.write(f"  {name:<24} {count:>8}")
        if report.verified_lots:
            if report.problems:
                raise CommandError(
                    "Chuỗi truy xuất không khớp: " + "; ".join(report.problems[:5])
                )
            self.stdout.write(
                f"  verify_lot: {report.verified_lots} lô lấy mẫu, chuỗi băm khớp."
            )
