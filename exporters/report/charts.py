"""Inline SVG bar charts for the overview: no script, no library, every bar labelled."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from exporters.cells import display_width

#: Pixel sizes of the charts.
BAR_HEIGHT = 20
BAR_GAP = 6
CHART_WIDTH = 720
LABEL_CHAR_PX = 7  # per narrow character of a category label (a CJK character counts two)
MAX_LABEL_PX = 300
COLUMN_WIDTH = 28
COLUMN_CHART_HEIGHT = 200
#: Room under the columns for the month labels, written at a slant.
COLUMN_LABEL_ROOM = 70


def hbar_chart(rows: Sequence[tuple[str, int, str | None]], title: str) -> Markup:
    """Horizontal bars, one per (label, value, link), the value written at each bar's end."""
    if not rows:
        return Markup("")
    label_px = min(MAX_LABEL_PX, max(display_width(r[0]) for r in rows) * LABEL_CHAR_PX + 10)
    top = max(r[1] for r in rows) or 1
    room = CHART_WIDTH - label_px - 60
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}"><title>{escape(title)}</title>'
    ]
    for n, (label, value, link) in enumerate(rows):
        y = BAR_GAP + n * (BAR_HEIGHT + BAR_GAP)
        width = max(1, round(room * value / top))
        text = f'<text x="{label_px - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        if link:
            text = f'<a href="{escape(link)}">{text}</a>'
        out.append(
            f'{text}<rect x="{label_px}" y="{y}" width="{width}" height="{BAR_HEIGHT}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="value" x="{label_px + width + 4}" y="{y + 15}">{value}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text is escaped above


def column_chart(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """Vertical bars, one per (label, value), e.g. articles per month; every bar labelled."""
    if not rows:
        return Markup("")
    top = max(r[1] for r in rows) or 1
    plot = COLUMN_CHART_HEIGHT - COLUMN_LABEL_ROOM - 20
    width = len(rows) * COLUMN_WIDTH + 60
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {COLUMN_CHART_HEIGHT}" '
        f'width="{width}" height="{COLUMN_CHART_HEIGHT}"><title>{escape(title)}</title>'
    ]
    for n, (label, value) in enumerate(rows):
        x = 10 + n * COLUMN_WIDTH
        bar = max(1, round(plot * value / top))
        y = 20 + plot - bar
        out.append(
            f'<rect x="{x + 3}" y="{y}" width="{COLUMN_WIDTH - 6}" height="{bar}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="value" x="{x + COLUMN_WIDTH / 2}" y="{y - 4}" '
            f'text-anchor="middle">{value}</text>'
            f'<text class="month" transform="translate({x + COLUMN_WIDTH / 2 + 4},'
            f'{20 + plot + 6}) rotate(60)">{escape(label)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text is escaped above
