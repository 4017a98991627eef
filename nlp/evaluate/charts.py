"""Report charts: matplotlib figures returned as data: URIs of PNG images, so that an HTML
report embeds them and needs no other file.

The same data gives the same bytes: no pyplot state, a fixed style and font (DejaVu Sans ships
with matplotlib), no PNG metadata that changes between runs. Chart text is kept to labels,
system names and figures; Chinese text lives in the report's tables. Where Debian's
fonts-noto-cjk is installed it serves as a fallback for any CJK glyph that still shows up.
"""

from __future__ import annotations

import base64
import io
from typing import Mapping

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")
CJK_FALLBACK = "Noto Sans CJK SC"
DPI = 100


def _style() -> dict:
    families = ["DejaVu Sans"]
    if any(font.name == CJK_FALLBACK for font in font_manager.fontManager.ttflist):
        families.append(CJK_FALLBACK)
    return {
        "font.family": families,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.grid": True,
        "grid.color": "#e5e5e5",
    }


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def label_f1_chart(f1: Mapping[str, Mapping[str, float | None]]) -> str:
    """Grouped bars: {system: {label: F1}}, one group per label, one bar per system."""
    labels = sorted({label for values in f1.values() for label in values})
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(max(4.0, 1.2 * len(labels) + 1.5), 3.0))
        axes = figure.subplots()
        width = 0.8 / len(f1)
        for i, (system, values) in enumerate(f1.items()):
            positions = [x + (i - (len(f1) - 1) / 2) * width for x in range(len(labels))]
            heights = [values.get(label) or 0.0 for label in labels]
            bars = axes.bar(positions, heights, width * 0.95, label=system, color=PALETTE[i % len(PALETTE)])
            axes.bar_label(bars, labels=[_fmt(values.get(label)) for label in labels], fontsize=7, padding=2)
        axes.set_xticks(range(len(labels)), labels)
        axes.set_ylim(0, 1.1)
        axes.set_ylabel("F1")
        axes.set_title("Entity F1 per label")
        if len(f1) > 1:
            axes.legend(frameon=False, fontsize=8)
        return _png(figure)


def confusion_chart(confusion: Mapping[tuple[str, str], int], labels: list[str], title: str) -> str:
    """Heat map of (gold label, predicted label) counts, rows gold, columns prediction."""
    matrix = [[confusion.get((g, p), 0) for p in labels] for g in labels]
    with matplotlib.rc_context(_style() | {"axes.grid": False}):
        figure = Figure(figsize=(1.0 + 0.75 * len(labels), 0.8 + 0.6 * len(labels)))
        axes = figure.subplots()
        image = axes.imshow(matrix, cmap="Blues")
        high = max(max(row) for row in matrix) or 1
        for r, row in enumerate(matrix):
            for c, value in enumerate(row):
                axes.text(c, r, str(value), ha="center", va="center", color="white" if value > high / 2 else "black")
        axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        axes.set_yticks(range(len(labels)), labels)
        axes.set_xlabel("predicted")
        axes.set_ylabel("gold")
        axes.set_title(title)
        figure.colorbar(image, ax=axes, shrink=0.8)
        return _png(figure)


def error_category_chart(counts: Mapping[str, Mapping[str, Mapping[str, int]]]) -> str:
    """Horizontal bars, one panel per layer: {layer: {system: {category: count}}}."""
    layers = list(counts)
    with matplotlib.rc_context(_style()):
        rows = [len(next(iter(systems.values()))) for systems in counts.values()]
        bar_rows = 0.2 + 0.15 * max(len(systems) for systems in counts.values())
        figure = Figure(figsize=(7.0, 0.7 * len(layers) + bar_rows * sum(rows)))
        panels = figure.subplots(len(layers), 1, squeeze=False, gridspec_kw={"height_ratios": rows})
        for layer, (axes,) in zip(layers, panels):
            systems = counts[layer]
            categories = list(next(iter(systems.values())))
            height = 0.8 / len(systems)
            for i, (system, values) in enumerate(systems.items()):
                positions = [y + (i - (len(systems) - 1) / 2) * height for y in range(len(categories))]
                bars = axes.barh(positions, [values[c] for c in categories], height * 0.95, label=system, color=PALETTE[i % len(PALETTE)])
                axes.bar_label(bars, fontsize=7, padding=2)
            axes.set_yticks(range(len(categories)), categories)
            axes.invert_yaxis()
            axes.set_title(f"{layer} errors by category", loc="left")
            axes.margins(x=0.12)
            if len(systems) > 1:
                axes.legend(frameon=False, fontsize=8, loc="best")
        figure.tight_layout()
        return _png(figure)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
