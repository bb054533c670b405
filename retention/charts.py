"""The twelve-month trend chart, drawn on the server: an SVG for the page, a reportlab
drawing for the PDF, both from one geometry. Nothing is loaded from a CDN."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 30, 40
BAR = "#4f6d8f"
LINE = "#2e8b57"
GRID = "#d0d7de"
INK = "#333333"


@dataclass
class Geometry:
    bars: list[tuple[float, float, float, float, int]]  # x, y (top), width, height, value
    points: list[tuple[float, float, Decimal]]  # x, y, rate
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]  # left axis: customers
    r_ticks: list[tuple[float, str]]  # right axis: %


def _nice_ceiling(value: int) -> int:
    """The axis's top: four equal ticks of 1, 2 or 5 times a power of ten, at any scale (a
    firm's month of 25,000 departures reads 0, 10,000 … 40,000, not 25,241)."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if value <= step * magnitude * 4:
                return step * magnitude * 4
        magnitude *= 10


def geometry(trend: list[dict[str, Any]]) -> Geometry:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_ceiling(max([r["churn"] for r in trend] + [1]))
    slot = plot_w / max(len(trend), 1)
    base = TOP + plot_h  # y grows downwards, as in SVG
    bars, points, labels = [], [], []
    for i, row in enumerate(trend):
        x = LEFT + i * slot
        h = plot_h * row["churn"] / top
        bars.append((x + slot * 0.2, base - h, slot * 0.6, h, row["churn"]))
        if row["rate"] is not None:
            rate = Decimal(row["rate"])
            points.append((x + slot / 2, base - plot_h * float(rate) / 100, rate))
        labels.append((x + slot / 2, row["month"][2:]))
    y_ticks = [(base - plot_h * k / 4, str(top * k // 4)) for k in range(5)]
    r_ticks = [(base - plot_h * k / 4, f"{25 * k}%") for k in range(5)]
    return Geometry(bars, points, labels, y_ticks, r_ticks)


def trend_svg(trend: list[dict[str, Any]]) -> SafeString:
    g = geometry(trend)
    right = WIDTH - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" class="trend-chart" '
        f'aria-label="{escape(_("Customers who left and retention rate, last twelve months"))}">'
    ]
    for y, label in g.y_ticks:
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" />'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{BAR}">{escape(label)}</text>'
        )
    for y, label in g.r_ticks:
        parts.append(
            f'<text x="{right + 6}" y="{y + 4:.1f}" font-size="11" fill="{LINE}">'
            f"{escape(label)}</text>"
        )
    for x, y, w, h, value in g.bars:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{value}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{INK}">{value}</text>'
            )
    if len(g.points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _r in g.points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2" />')
    for x, y, rate in g.points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}"><title>{rate}%</title></circle>'
        )
    for x, label in g.x_labels:
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    parts.append(
        f'<rect x="{LEFT}" y="8" width="10" height="10" fill="{BAR}" />'
        f'<text x="{LEFT + 14}" y="17" font-size="11" fill="{INK}">'
        f"{escape(_('Customers who left'))}</text>"
        f'<line x1="{LEFT + 180}" y1="13" x2="{LEFT + 196}" y2="13" stroke="{LINE}" '
        f'stroke-width="2" /><text x="{LEFT + 200}" y="17" font-size="11" fill="{INK}">'
        f"{escape(_('Retention rate (%)'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def trend_drawing(trend: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    """The same chart as a reportlab Drawing (a flowable), in the embedded Chinese font."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors

    from kernel.pdf import register_font

    font = register_font()
    g = geometry(trend)
    scale = 0.75  # 640 px across → 480 pt, inside the A4 margins
    d = Drawing(WIDTH * scale, HEIGHT * scale)

    def y_(y: float) -> float:  # reportlab's y grows upwards
        return (HEIGHT - y) * scale

    bar, line, grid, ink = (colors.HexColor(c) for c in (BAR, LINE, GRID, INK))
    right = WIDTH - RIGHT
    for y, label in g.y_ticks:
        d.add(Line(LEFT * scale, y_(y), right * scale, y_(y), strokeColor=grid, strokeWidth=0.5))
        d.add(
            String(
                (LEFT - 6) * scale,
                y_(y) - 3,
                label,
                fontName=font,
                fontSize=7,
                fillColor=bar,
                textAnchor="end",
            )
        )
    for y, label in g.r_ticks:
        d.add(
            String((right + 6) * scale, y_(y) - 3, label, fontName=font, fontSize=7, fillColor=line)
        )
    for x, y, w, h, value in g.bars:
        d.add(Rect(x * scale, y_(y + h), w * scale, h * scale, fillColor=bar, strokeColor=None))
        if value:
            d.add(
                String(
                    (x + w / 2) * scale,
                    y_(y) + 2,
                    str(value),
                    fontName=font,
                    fontSize=7,
                    fillColor=ink,
                    textAnchor="middle",
                )
            )
    if len(g.points) > 1:
        d.add(
            PolyLine(
                [c for x, y, _r in g.points for c in (x * scale, y_(y))],
                strokeColor=line,
                strokeWidth=1.5,
            )
        )
    for x, y, _rate in g.points:
        d.add(Circle(x * scale, y_(y), 2, fillColor=line, strokeColor=None))
    for x, label in g.x_labels:
        d.add(
            String(
                x * scale,
                y_(HEIGHT - BOTTOM + 14),
                label,
                fontName=font,
                fontSize=7,
                fillColor=ink,
                textAnchor="middle",
            )
        )
    d.add(Rect(LEFT * scale, y_(18), 7, 7, fillColor=bar, strokeColor=None))
    d.add(
        String(
            (LEFT + 14) * scale,
            y_(17),
            _("Customers who left"),
            fontName=font,
            fontSize=8,
            fillColor=ink,
        )
    )
    d.add(
        Line(
            (LEFT + 180) * scale,
            y_(13),
            (LEFT + 196) * scale,
            y_(13),
            strokeColor=line,
            strokeWidth=1.5,
        )
    )
    d.add(
        String(
            (LEFT + 200) * scale,
            y_(17),
            _("Retention rate (%)"),
            fontName=font,
            fontSize=8,
            fillColor=ink,
        )
    )
    return d
