"""An HTML evaluation report with confusion-matrix plots, for a person to open."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from .errors import PolicytagError
from .evaluation import DimensionScore


def _plot(score: DimensionScore, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        raise PolicytagError("--report draws its plots with matplotlib: pip install 'policytag[report]'") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(4.0, 0.45 * len(score.labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(score.confusion, cmap="Blues")
    ax.set_xticks(range(len(score.labels)), score.labels, rotation=60, ha="right")
    ax.set_yticks(range(len(score.labels)), score.labels)
    ax.set_xlabel("predicted (first label)")
    ax.set_ylabel("gold (first label)")
    ax.set_title(f"{score.dimension}: top-1 accuracy {score.top1_accuracy:.2f}")
    peak = score.confusion.max() or 1
    for (i, j), value in np.ndenumerate(score.confusion):
        if value:
            ax.text(j, i, int(value), ha="center", va="center", color="white" if value > peak / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(directory: Path, title: str, scores: dict[str, DimensionScore]) -> Path:
    """Write ``index.html`` and one PNG per dimension into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    parts = [f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
             "td,th{padding:2px 10px;text-align:right}td:first-child{text-align:left}</style>",
             f"<h1>{html.escape(title)}</h1>"]
    for dimension, score in scores.items():
        image = f"confusion-{dimension}.png"
        _plot(score, directory / image)
        rows = "".join(
            f"<tr><td>{html.escape(s.label)}</td><td>{s.precision:.3f}</td><td>{s.recall:.3f}</td>"
            f"<td>{s.f1:.3f}</td><td>{s.support}</td></tr>" for s in score.per_label
        )
        parts.append(
            f"<h2>{html.escape(dimension)}</h2><p>top-1 accuracy {score.top1_accuracy:.3f} · "
            f"micro-F1 {score.micro_f1:.3f} · macro-F1 {score.macro_f1:.3f} · {score.count} passages</p>"
            f"<table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>{rows}</table>"
            f"<p><img src='{image}' alt='confusion matrix for {html.escape(dimension)}'></p>"
        )
    index = directory / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index
