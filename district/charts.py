"""Server-rendered SVG charts (no JavaScript, no CDN): bars per day, and a line for averages (pure)."""
from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 220, 44, 28, 16


def _scale(max_value: float) -> float:
    return max(1.0, float(max_value))


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float], str]]) -> str:
    """Grouped bars: `series` is [(name, values, colour)], one value per label."""
    top = _scale(max((v for _n, values, _c in series for v in values), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    group = plot_w / max(1, len(labels))
    bar = max(1.0, group * 0.8 / max(1, len(series)))
    parts = [_frame(title, top, plot_h)]
    for s_index, (name, values, colour) in enumerate(series):
        for index, value in enumerate(values):
            h = plot_h * value / top
            x = PAD_LEFT + index * group + group * 0.1 + s_index * bar
            parts.append(f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{escape(labels[index])} {escape(name)}: {value:g}</title></rect>')
    parts.append(_x_labels(labels, group))
    parts.append(_legend([(n, c) for n, _v, c in series]))
    return _svg(title, "".join(parts))


def line_chart(title: str, labels: list[str], values: list[float | None], colour: str = "#b45309",
               unit: str = "") -> str:
    """One line; missing values (None) break it."""
    top = _scale(max((v for v in values if v is not None), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(1, len(labels))
    parts, points = [_frame(title, top, plot_h)], []
    for index, value in enumerate(values):
        if value is None:
            if len(points) > 1:
                parts.append(_polyline(points, colour))
            points = []
            continue
        x, y = PAD_LEFT + index * step + step / 2, PAD_TOP + plot_h - plot_h * value / top
        points.append((x, y))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(labels[index])}: '
                     f'{value:g} {escape(unit)}</title></circle>')
    if len(points) > 1:
        parts.append(_polyline(points, colour))
    parts.append(_x_labels(labels, step))
    return _svg(title, "".join(parts))


def _polyline(points, colour: str) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'


def _frame(title: str, top: float, plot_h: float) -> str:
    base = PAD_TOP + plot_h
    return (f'<text x="{PAD_LEFT}" y="12" font-size="12" font-weight="bold">{escape(title)}</text>'
            f'<line x1="{PAD_LEFT}" y1="{base}" x2="{WIDTH - 8}" y2="{base}" stroke="#999"/>'
            f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{base}" stroke="#999"/>'
            f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 4}" font-size="10" text-anchor="end">{top:g}</text>'
            f'<text x="{PAD_LEFT - 4}" y="{base}" font-size="10" text-anchor="end">0</text>')


def _x_labels(labels: list[str], step: float) -> str:
    every = max(1, len(labels) // 10)
    return "".join(f'<text x="{PAD_LEFT + i * step + step / 2:.1f}" y="{HEIGHT - 10}" font-size="10" '
                   f'text-anchor="middle">{escape(label)}</text>'
                   for i, label in enumerate(labels) if i % every == 0 or i == len(labels) - 1)


def _legend(items: list[tuple[str, str]]) -> str:
    out, x = [], WIDTH - 8
    for name, colour in reversed(items):
        x -= 8 + 7 * len(name) + 14
        out.append(f'<rect x="{x}" y="3" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="12" font-size="11">{escape(name)}</text>')
    return "".join(out)


def _svg(title: str, inner: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(title)}" class="chart">{inner}</svg>')
