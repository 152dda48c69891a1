"""Report charts drawn on the server as inline SVG with pygal.

The SVG needs no script and loads nothing: pygal's tooltip script and its
configuration are left out, so the chart is a picture, and the table beside it
(market/reports.py `Table`) is what screen readers and exports use. Sizes are
small and fonts large, so a chart scaled down to a phone's width stays legible.
"""

from __future__ import annotations

import re

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from pygal.style import Style

from .money import format_number
from .reports import Table

WIDTH = 520
_SCRIPTS = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#262626",
    foreground_strong="#262626",
    foreground_subtle="#767676",
    font_family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    label_font_size=15,
    major_label_font_size=15,
    value_font_size=14,
    legend_font_size=15,
    tooltip_font_size=14,
    # Wagtail's teal first, then colours that stay apart for colour-blind readers.
    colors=("#007d7e", "#e68a00", "#5b4aa8", "#c2185b", "#2e7d32", "#616161"),
)


def compact_vnd(value: float) -> str:
    """Axis labels in dong: "850 N", "1,25 tr", "2,4 tỷ" (nghìn, triệu, tỷ)."""
    for size, unit in ((1e9, gettext("tỷ")), (1e6, gettext("tr")), (1e3, "N")):
        if abs(value) >= size:
            text = f"{value / size:.2f}".rstrip("0").rstrip(".")
            return f"{text.replace('.', ',')} {unit}"
    return format_number(value)


def _config(**options) -> dict:
    return {
        "style": STYLE,
        "js": [],
        "css": ["file://style.css", "file://graph.css"],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": WIDTH,
        "show_legend": False,
        "margin": 8,
        "margin_right": 28,
        "truncate_label": 22,
        **options,
    }


def _formatter(table: Table):
    column = next(c for c in table.columns if c.key == table.chart_value)
    return compact_vnd if column.kind == "vnd" else format_number


def _build(table: Table):
    labels = [table.label_of(row) for row in table.rows]
    values = [row[table.chart_value] for row in table.rows]
    formatter = _formatter(table)
    if table.chart == "pie":
        chart = pygal.Pie(
            **_config(
                inner_radius=0.45,
                show_legend=True,
                legend_at_bottom=True,
                legend_at_bottom_columns=1,
                truncate_legend=40,
                height=260 + 28 * len(values),
                value_formatter=formatter,
            )
        )
        for label, value in zip(labels, values, strict=True):
            chart.add(label, [value])
        return chart
    if table.chart == "hbar":
        chart = pygal.HorizontalBar(
            **_config(
                height=70 + 38 * len(values),
                value_formatter=formatter,
                # A few value labels (pygal turns the axes, values run along x):
                # the exact numbers are in the table.
                x_labels_major_count=4,
                show_minor_x_labels=False,
            )
        )
        # pygal draws the first label at the bottom: reversed, the largest is on top.
        chart.x_labels = labels[::-1]
        chart.add(table.caption, values[::-1])
        return chart
    chart = pygal.Bar(
        **_config(
            height=320,
            x_label_rotation=-45,
            value_formatter=formatter,
            y_labels_major_count=5,
            show_minor_y_labels=False,
        )
    )
    chart.x_labels = labels
    chart.add(table.caption, values)
    return chart


def render(table: Table) -> SafeString:
    """The table's chart as inline SVG ("" for a table without chart or rows)."""
    if not table.chart or table.is_empty:
        return mark_safe("")  # noqa: S308 - empty
    svg = _build(table).render(is_unicode=True)
    svg = _COMMENTS.sub("", _SCRIPTS.sub("", svg))
    label = gettext("Biểu đồ: %(caption)s (số liệu ở bảng bên cạnh)") % {
        "caption": table.caption
    }
    # pygal escapes every label it writes; the caption added here is escaped too.
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1
    ).replace("<title>Pygal</title>", f"<title>{escape(label)}</title>", 1)
    return mark_safe(svg)  # noqa: S308 - built by pygal from escaped text
