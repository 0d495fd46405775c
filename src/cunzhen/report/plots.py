"""Plots for the report, drawn with matplotlib and returned as ``data:`` URIs of SVG images.

The SVG keeps its text as text (``svg.fonttype = none``) so the reader's browser draws Chinese labels with its
own fonts, and it is embedded through ``<img>``: an image cannot run script, whatever a label contains.
"""

from __future__ import annotations

import base64
import io
import warnings

from cunzhen.report.aggregate import SCORE_BINS

COLOURS = {"keep": "#4c8c4a", "clean": "#d08c1f", "drop": "#b23b3b", "error": "#777777", "unknown": "#aaaaaa"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "cunzhen", "font.size": 9})
    import matplotlib.pyplot as plt

    return plt


def _to_data_uri(fig) -> str:
    plt = _pyplot()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Chinese labels: matplotlib's bundled font lacks the glyphs, the browser has them (see above).
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def bar_chart(counts: list[tuple[str, int]], title: str, colour_by_label: bool = False) -> str:
    """Horizontal bars, largest on top."""
    plt = _pyplot()
    labels = [label for label, _ in counts][::-1]
    values = [value for _, value in counts][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.35 * max(len(counts), 2) + 0.8))
    colours = [COLOURS.get(label, "#4a6fa5") for label in labels] if colour_by_label else "#4a6fa5"
    bars = ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(values)), labels)
    ax.bar_label(bars, padding=3)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.15)
    return _to_data_uri(fig)


def score_histogram(bins: dict[str, list[int]]) -> str:
    """Spin-score distribution per verdict, one step line each, on a log count axis (kept pages dominate)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 2.8))
    edges = [i / SCORE_BINS for i in range(SCORE_BINS + 1)]
    for verdict, counts in bins.items():
        if sum(counts):
            ax.stairs(counts, edges, label=f"{verdict} ({sum(counts)})", color=COLOURS.get(verdict), linewidth=1.6)
    ax.axvline(0.5, color="#555555", linestyle=":", linewidth=1)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("spin score (0.5 = decision threshold)")
    ax.set_ylabel("documents")
    ax.set_xlim(0, 1)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _to_data_uri(fig)


def site_shares(rows: list[tuple[str, int, float, float]]) -> str:
    """Share of spun and of spam pages for the top sites: (host, docs, spun share, spam share)."""
    plt = _pyplot()
    rows = rows[::-1]
    fig, ax = plt.subplots(figsize=(6, 0.32 * max(len(rows), 2) + 0.9))
    positions = range(len(rows))
    ax.barh([p + 0.2 for p in positions], [r[2] for r in rows], height=0.4, label="spun", color="#d08c1f")
    ax.barh([p - 0.2 for p in positions], [r[3] for r in rows], height=0.4, label="spam", color="#b23b3b")
    ax.set_yticks(list(positions), [f"{r[0]} ({r[1]})" for r in rows])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the site's pages")
    ax.legend(frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _to_data_uri(fig)
