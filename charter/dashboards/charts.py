"""Small charts as server-rendered SVG: coordinates computed here, drawn by templates/dashboards/chart.html.

Line charts for stocks (members, applications waiting), grouped bars for flows. The SVG scales to
its container (viewBox), so it fits a 360-pixel phone; the same numbers are in the table below it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 320, 120, 4, 10, 16


@dataclass
class Series:
    label: str
    values: list[int]
    css: str  # s1..s4: the colour in charter/static/dashboards/dashboards.css


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line" or "bars"
    series: list[Series]
    months: list[dt.date]
    width: int = WIDTH
    height: int = HEIGHT
    top: int = 0
    lines: list[dict[str, str]] = field(default_factory=list)
    bars: list[dict[str, object]] = field(default_factory=list)
    labels: list[dict[str, object]] = field(default_factory=list)
    baseline: float = HEIGHT - PAD_BOTTOM

    def build(self) -> Chart:
        n = len(self.months)
        top = max([v for s in self.series for v in s.values] + [1])
        self.top = top
        plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
        step = (WIDTH - 2 * PAD_X) / max(n, 1)

        def y(v: float) -> float:
            return round(PAD_TOP + plot_h * (1 - v / top), 1)

        if self.kind == "line":
            for s in self.series:
                points = " ".join(
                    f"{round(PAD_X + step * (i + 0.5), 1)},{y(v)}" for i, v in enumerate(s.values)
                )
                self.lines.append({"points": points, "css": s.css, "label": s.label})
        else:
            k = max(len(self.series), 1)
            width = max(step * 0.8 / k, 0.5)
            for i in range(n):
                for j, s in enumerate(self.series):
                    v = s.values[i]
                    if v:
                        self.bars.append(
                            {
                                "x": round(PAD_X + step * i + step * 0.1 + width * j, 1),
                                "y": y(v),
                                "w": round(width, 1),
                                "h": round(self.baseline - y(v), 1),
                                "css": s.css,
                                "title": f"{s.label} {self.months[i]:%Y-%m}: {v}",
                            }
                        )
        for i in sorted({0, n // 2, n - 1}) if n else []:
            self.labels.append(
                {"x": round(PAD_X + step * (i + 0.5), 1), "text": f"{self.months[i]:%Y-%m}"}
            )
        return self

    def _anchor(self, x: float) -> str:
        """A month's label is centred on its month, but kept inside the drawing at either end."""
        if x < self.width * 0.08:
            return "start"
        return "end" if x > self.width * 0.92 else "middle"

    def svg(self) -> SafeString:
        """The drawing (built here rather than in a template: a 60-month page has hundreds of bars).
        Time runs left to right on every page, right-to-left ones too (its labels anchored so)."""
        lines = format_html_join(
            "",
            '<polyline class="{}" points="{}"><title>{}</title></polyline>',
            ((x["css"], x["points"], x["label"]) for x in self.lines),
        )
        bars = format_html_join(
            "",
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            ((b["css"], b["x"], b["y"], b["w"], b["h"], b["title"]) for b in self.bars),
        )
        labels = format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="{}">{}</text>',
            ((x["x"], self.height - 3, self._anchor(float(x["x"])), x["text"]) for x in self.labels),
        )
        return format_html(
            '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="none" direction="ltr"><line class="axis" x1="0" y1="{}" x2="{}" y2="{}"/>{}{}{}<text x="2" y="9">{}</text></svg>',
            self.width,
            self.height,
            self.title,
            self.baseline,
            self.width,
            self.baseline,
            lines,
            bars,
            labels,
            self.top,
        )
