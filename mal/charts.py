"""Server-side SVG charts: an indicator's values against its target over the periods.

Returns geometry for the template `mal/_chart.html`; the same SVG serves the page, the print
and the PDF. Series differ by line pattern and marker shape, not by colour alone.
"""

import math
from decimal import Decimal

from styrning.formatting import format_number

WIDTH = 640
HEIGHT = 260
LEFT = 64
RIGHT = 16
TOP = 16
BOTTOM = 40

SERIES = [
    # key, name, css class, marker shape
    ("target", "Målvärde", "chart__target", "square"),
    ("totalt", "Totalt", "chart__total", "circle"),
    ("kvinnor", "Kvinnor", "chart__women", "triangle"),
    ("man", "Män", "chart__men", "diamond"),
]


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2,5, 5 × 10^n at or above `raw`: gridlines at round numbers."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw * (1 - 1e-9):
            return round(factor * power, 12)
    return round(10 * power, 12)


def step_decimals(step: float) -> int:
    """Decimals the labels need to show every tick of the step exactly (2,5 → 1; 0,25 → 2)."""
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    return max(0, -exponent)


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f"M{x - 4:.1f},{y - 4:.1f} h8 v8 h-8 Z"
    if shape == "triangle":
        return f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z"
    if shape == "diamond":
        return (
            f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z"
        )
    return f"M{x - 4:.1f},{y:.1f} a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z"  # a circle as a path


def indicator_chart(
    *,
    title: str,
    enhet: str,
    decimals: int,
    labels: list[str],
    rows: dict[str, list],
    chart_id: str,
) -> dict | None:
    """`rows` maps a series key to one value (or None) per label."""
    numbers = [float(v) for values in rows.values() for v in values if v is not None]
    if not numbers or not labels:
        return None
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    if min(numbers) >= 0 > low:
        low = 0.0
    tick_step = nice_step((high - low) / 4)
    low = math.floor(low / tick_step) * tick_step
    high = math.ceil(high / tick_step) * tick_step
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x_at(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return TOP + plot_h - (v - low) / (high - low) * plot_h

    series = []
    for key, name, css, shape in SERIES:
        values = rows.get(key)
        if not values or all(v is None for v in values):
            continue
        points = [(i, x_at(i), y_at(float(v)), v) for i, v in enumerate(values) if v is not None]
        series.append(
            {
                "name": name,
                "css": css,
                "points": " ".join(f"{x:.1f},{y:.1f}" for _, x, y, _ in points),
                "markers": [
                    {
                        "d": _marker(shape, x, y),
                        "title": f"{name} {labels[i]}: {format_number(v, decimals)} {enhet}",
                    }
                    for i, x, y, v in points
                ],
                "legend_marker": _marker(shape, 0, 0),
            }
        )
    tick_decimals = step_decimals(tick_step)
    ticks = []
    for n in range(round((high - low) / tick_step) + 1):
        value = low + n * tick_step
        ticks.append({"y": f"{y_at(value):.1f}", "label": format_number(value, tick_decimals)})
    described = ", ".join(s["name"].lower() for s in series)
    return {
        "id": chart_id,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": TOP + plot_h,
        "title": title,
        "desc": f"Linjediagram över {labels[0]}–{labels[-1]} ({enhet}): {described}. "
        "Samma uppgifter finns i tabellen bredvid.",
        "xlabels": [{"x": f"{x_at(i):.1f}", "label": label} for i, label in enumerate(labels)],
        "yticks": ticks,
        "series": series,
        "legend_y": HEIGHT - 8,
    }
