"""
Small server-rendered SVG charts (no JavaScript, no external assets): the geometry is computed here and drawn
by templates/reporting/_bars.html and _columns.html. Every chart also has its table on the page, so the
picture is a help, not the only way to read the numbers.
"""
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Bar:
    label: str
    text: str  # the value as printed next to the bar
    y: int
    width: float


@dataclass
class BarChart:
    """Horizontal bars, one per row, longest = full width."""

    title: str
    bars: list[Bar] = field(default_factory=list)
    label_width: int = 230
    plot_width: int = 380
    bar_height: int = 18
    gap: int = 8

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 140

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (self.bar_height + self.gap) + self.gap

    @property
    def value_x(self) -> int:
        return self.label_width


def bar_chart(title: str, rows: list[tuple[str, Decimal, str]], *, skip_zero: bool = True) -> BarChart:
    """rows: (label, value, printed value)."""
    chart = BarChart(title=title)
    rows = [r for r in rows if r[1] > 0] if skip_zero else rows
    top = max((value for _, value, _ in rows), default=Decimal(0))
    for index, (label, value, text) in enumerate(rows):
        width = float(value / top) * chart.plot_width if top else 0.0
        chart.bars.append(Bar(label=label, text=text, y=chart.gap + index * (chart.bar_height + chart.gap), width=round(max(width, 1.0 if value else 0.0), 1)))
    return chart


@dataclass
class Column:
    label: str
    text: str
    x: int
    y: float
    height: float


@dataclass
class ColumnChart:
    """Vertical columns over time (e.g. the share of denials per year), with a scale line at the maximum."""

    title: str
    columns: list[Column] = field(default_factory=list)
    column_width: int = 22
    gap: int = 10
    plot_height: int = 160
    top_text: str = ""
    top: int = 20  # margin above the plot, for the values

    @property
    def width(self) -> int:
        return 40 + max(1, len(self.columns)) * (self.column_width + self.gap)

    @property
    def height(self) -> int:
        return self.top + self.plot_height + 40

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height


def column_chart(title: str, points: list[tuple[str, Decimal, str]]) -> ColumnChart:
    """points: (label under the column, value, printed value above it)."""
    chart = ColumnChart(title=title)
    top = max((value for _, value, _ in points), default=Decimal(0))
    for index, (label, value, text) in enumerate(points):
        height = float(value / top) * chart.plot_height if top else 0.0
        chart.columns.append(
            Column(label=label, text=text, x=30 + index * (chart.column_width + chart.gap), y=round(chart.baseline - height, 1), height=round(height, 1))
        )
    return chart
