"""Tables out as CSV and XLSX files that open cleanly in Excel.

CSV starts with a byte order mark so Excel reads the Vietnamese text as UTF-8;
text that starts like a formula is written with a leading apostrophe, so a
typed "=HYPERLINK(...)" in a product name stays text in the buyer's sheet.
"""

import csv
import io
from collections.abc import Iterable

CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")


def text_cell(value: str) -> str:
    """`value` made safe to open as text in a spreadsheet."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows (headings first) as UTF-8 CSV with a byte order mark; None is empty."""
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow("" if cell is None else cell for cell in row)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[Iterable], title: str) -> bytes:
    """Rows (headings first) as a one-sheet workbook."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # Sheet titles are limited to 31 characters.
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
