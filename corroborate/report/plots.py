"""Charts of a report, drawn with matplotlib and returned as SVG (deterministic bytes).

The HTML report inlines them as ``data:`` images: an SVG shown through ``<img>``
runs no script and fetches nothing, whatever it contains.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np

#: confidence bins of the histogram
BINS = np.linspace(0.0, 1.0, 21)


def _svg(fig: object) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None, "Creator": None})  # type: ignore[arg-type]
    return buffer.getvalue()


def confidence_histogram(multi: Sequence[float], single: Sequence[float]) -> str:
    """SVG histogram of the clusters' confidence, stacked: two or more outlets over single-source."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "corroborate", "svg.fonttype": "none", "font.size": 9,
                                "axes.spines.top": False, "axes.spines.right": False}):
        fig = Figure(figsize=(4.6, 2.4))
        ax = fig.add_subplot()
        ax.hist([np.asarray(single, dtype=float), np.asarray(multi, dtype=float)], bins=BINS, stacked=True,
                color=["#c7ced9", "#2457a6"], label=["single-source", "two or more outlets"])
        ax.set_xlim(0, 1)
        ax.set_xlabel("confidence")
        ax.set_ylabel("clusters")
        ax.legend(frameon=False, loc="upper left")
        fig.tight_layout()
        return _svg(fig)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
