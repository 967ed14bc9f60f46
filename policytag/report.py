"""An HTML evaluation report with confusion-matrix plots, for a person to open.

The page stands on its own: it says which models were scored and when, defines every
figure, and explains why a label's support and its row of the confusion matrix need
not agree, so that it can be read without the README.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import __version__
from .errors import PolicytagError
from .evaluation import DimensionScore, SentenceScore

READING = """
<h2>How to read this page</h2>
<p>Each dimension is scored on the passages' gold labels (the labels a person gave
them) against the labels policytag predicted. A passage can carry several gold labels
(up to three topics, a ranked list of regions); its first label is its primary one.
Stance has exactly one.</p>
<dl>
<dt>precision</dt><dd>of the passages policytag gave this label, the share whose gold
labels include it.</dd>
<dt>recall</dt><dd>of the passages whose gold labels include this label, the share
policytag gave it to.</dd>
<dt>F1</dt><dd>the harmonic mean of precision and recall, 2PR / (P + R); 0 when both
are 0.</dd>
<dt>support</dt><dd>the number of passages whose gold labels include this label. It
counts <em>every</em> gold label: a passage with three topics counts once in the
support of each.</dd>
<dt>micro-F1</dt><dd>F1 over all (passage, label) decisions pooled, so frequent labels
weigh more.</dd>
<dt>macro-F1</dt><dd>the mean of the per-label F1 over the labels that occur in the
gold or the predicted labels, so every such label weighs the same.</dd>
<dt>top-1 accuracy</dt><dd>the share of passages whose first predicted label is their
first gold label.</dd>
<dt>confusion matrix</dt><dd>rows are the gold first label, columns the predicted first
label, and each passage is counted once, by its <em>first labels only</em> (a passage
given no label at all is left out). A row's total is therefore the number of passages
whose primary label it is, which is smaller
than the label's support whenever the label is also some passages' second or third
label; the diagonal is what top-1 accuracy counts.</dd>
</dl>
"""


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


def write_report(directory: Path, title: str, scores: dict[str, DimensionScore], models: dict[str, str],
                 sentences: Sequence[SentenceScore] = ()) -> Path:
    """Write ``index.html`` and one PNG per dimension into ``directory``; ``models`` says
    which models were scored (folder, seeds hash, ...), shown as they are given;
    ``sentences``: the recommendation and summary scores, when the passages had marks."""
    directory.mkdir(parents=True, exist_ok=True)
    about = {**models, "evaluated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "policytag": __version__}
    parts = [f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
             "td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}"
             "dt{font-weight:bold}</style>",
             f"<h1>{html.escape(title)}</h1>",
             "<table class=about>" + "".join(
                 f"<tr><th>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>" for key, value in about.items()
             ) + "</table>",
             READING]
    for dimension, score in scores.items():
        image = f"confusion-{dimension}.png"
        _plot(score, directory / image)
        rows = "".join(
            f"<tr><td>{html.escape(s.label)}</td><td>{s.precision:.3f}</td><td>{s.recall:.3f}</td>"
            f"<td>{s.f1:.3f}</td><td>{s.support}</td><td>{int(row.sum())}</td></tr>"
            for s, row in zip(score.per_label, score.confusion)
        )
        parts.append(
            f"<h2>{html.escape(dimension)}</h2><p>top-1 accuracy {score.top1_accuracy:.3f} · "
            f"micro-F1 {score.micro_f1:.3f} · macro-F1 {score.macro_f1:.3f} · {score.count} passages</p>"
            "<table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support (every gold label)</th>"
            f"<th>primary in gold (matrix row)</th></tr>{rows}</table>"
            f"<p><img src='{image}' alt='confusion matrix for {html.escape(dimension)}, first labels only'></p>"
        )
    if sentences:
        rows = "".join(
            f"<tr><td>{html.escape(s.what)}</td><td>{s.precision:.3f}</td><td>{s.recall:.3f}</td><td>{s.f1:.3f}</td>"
            f"<td>{'' if s.silent_when_none is None else f'{s.silent_when_none:.3f}'}</td><td>{s.passages}</td></tr>"
            for s in sentences)
        parts.append(
            "<h2>Recommendations and summary</h2><p>Against the sentences both annotators marked: a "
            "recommendation or summary sentence is right when it is one of them. <em>Silent</em>: of the passages "
            "in which the annotators marked no recommendation, the share that got none.</p>"
            "<table><tr><th></th><th>precision</th><th>recall</th><th>F1</th><th>silent</th>"
            f"<th>passages</th></tr>{rows}</table>")
    index = directory / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index
