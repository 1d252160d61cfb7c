"""A small server-rendered SVG line chart: no JavaScript, no library, and the
same numbers in a table beside it for anyone who cannot see it."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 36


@dataclass
class Line:
    key: str
    label: str
    points: str
    dots: list
    values: list


def _nice_max(value):
    """The axis top: a round number divisible by 4, so the five gridlines are whole numbers."""
    for step in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 600, 800, 1000, 2000, 4000, 6000, 8000, 10000):
        if value <= step:
            return step
    return -(-value // 4000) * 4000


def line_chart(moments, series):
    """Coordinates for templates/admissions/admin/chart.svg.html."""
    from .models import Application

    top = _nice_max(max([max(values) for values in series.values()] + [1]))
    n = len(moments)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (plot_w * i / (n - 1) if n > 1 else 0)

    def y(v):
        return TOP + plot_h - plot_h * v / top

    lines = []
    for state, values in series.items():
        coords = [(round(x(i), 1), round(y(v), 1)) for i, v in enumerate(values)]
        lines.append(Line(
            key=state, label=Application.State(state).label,
            points=" ".join(f"{cx},{cy}" for cx, cy in coords), dots=coords, values=values,
        ))
    ticks = [(round(y(top * f / 4), 1), round(top * f / 4)) for f in range(5)]
    # Every other date, always the last, and never two side by side.
    shown = [i for i in range(n) if i % 2 == (n - 1) % 2]
    labels = [
        (round(x(i), 1), moments[i], "end" if i == n - 1 else "start" if i == 0 else "middle") for i in shown
    ]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM,
        "top": TOP, "lines": lines, "ticks": ticks, "labels": labels, "moments": moments,
    }
