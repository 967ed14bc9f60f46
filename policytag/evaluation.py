"""Scoring predicted labels against gold labels, per label and overall.

Works on plain label lists so the same code scores cross-validation folds, a
labelled JSONL file, or any plugin's dimension.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .taxonomy import LABELS


@dataclass
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class DimensionScore:
    """Everything ``policytag evaluate`` reports for one dimension."""

    dimension: str
    labels: list[str]
    per_label: list[LabelScore]
    micro_f1: float
    macro_f1: float
    top1_accuracy: float
    confusion: np.ndarray = field(repr=False)
    count: int = 0

    def summary(self) -> dict[str, float]:
        """The headline figures, rounded, as stored in the manifest and quoted in the README."""
        return {
            "top1_accuracy": round(self.top1_accuracy, 4),
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "passages": self.count,
        }

    def render(self) -> str:
        """A plain-text report: per-label table, averages and the top-1 confusion matrix."""
        width = max(len(label) for label in self.labels) + 2
        lines = [
            f"== {self.dimension} ({self.count} passages)",
            f"top-1 accuracy {self.top1_accuracy:.3f}   micro-F1 {self.micro_f1:.3f}   macro-F1 {self.macro_f1:.3f}",
            f"{'label':<{width}}precision  recall     F1  support",
        ]
        for s in self.per_label:
            lines.append(f"{s.label:<{width}}{s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.support:8d}")
        short = [label[:6] for label in self.labels]
        lines.append("confusion of the first label (rows: gold, columns: predicted)")
        lines.append(" " * width + " ".join(f"{s:>6}" for s in short))
        for label, row in zip(self.labels, self.confusion):
            lines.append(f"{label:<{width}}" + " ".join(f"{int(v):6d}" for v in row))
        return "\n".join(lines)


def score_dimension(
    dimension: str, gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
    labels: Sequence[str] | None = None,
) -> DimensionScore:
    """Score label lists (first label = primary) for one dimension."""
    labels = list(labels or LABELS[dimension])
    index = {label: i for i, label in enumerate(labels)}
    tp = np.zeros(len(labels), dtype=int)
    fp = np.zeros(len(labels), dtype=int)
    fn = np.zeros(len(labels), dtype=int)
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    top1 = 0
    for g, p in zip(gold, predicted, strict=True):
        gs, ps = set(g), set(p)
        for label in gs & ps:
            tp[index[label]] += 1
        for label in ps - gs:
            fp[index[label]] += 1
        for label in gs - ps:
            fn[index[label]] += 1
        if g and p:
            confusion[index[g[0]], index[p[0]]] += 1
            top1 += g[0] == p[0]
    per_label = []
    for i, label in enumerate(labels):
        precision, recall, f1 = _prf(int(tp[i]), int(fp[i]), int(fn[i]))
        per_label.append(LabelScore(label, precision, recall, f1, int(tp[i] + fn[i])))
    present = [s for s in per_label if s.support or fp[index[s.label]]]
    micro = _prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))[2]
    macro = float(np.mean([s.f1 for s in present])) if present else 0.0
    count = len(gold)
    return DimensionScore(dimension, labels, per_label, micro, macro, top1 / count if count else 0.0, confusion, count)


@dataclass
class SentenceScore:
    """Sentences found (recommendations, summary picks) against the sentences annotators
    marked: precision, recall, F1 over all passages, and for recommendations how often a
    passage with none marked gets none."""

    what: str
    precision: float
    recall: float
    f1: float
    passages: int
    silent_when_none: float | None = None

    def render(self) -> str:
        silent = "" if self.silent_when_none is None else f"   silent on passages with none {self.silent_when_none:.3f}"
        return (f"== {self.what} ({self.passages} passages with sentence marks)\n"
                f"precision {self.precision:.3f}   recall {self.recall:.3f}   F1 {self.f1:.3f}{silent}")


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).lower()


def score_sentences(what: str, gold: Sequence[Sequence[str]], found: Sequence[Sequence[str]], silence: bool = False) -> SentenceScore:
    """Sentence-level precision and recall: a found sentence is right when a gold one is the same sentence."""
    tp = fp = fn = 0
    for g, f in zip(gold, found, strict=True):
        gs, fs = {_key(x) for x in g}, {_key(x) for x in f}
        tp, fp, fn = tp + len(gs & fs), fp + len(fs - gs), fn + len(gs - fs)
    precision, recall, f1 = _prf(tp, fp, fn)
    silent = None
    if silence:
        empty = [not f for g, f in zip(gold, found) if not g]
        silent = sum(empty) / len(empty) if empty else 1.0
    return SentenceScore(what, precision, recall, f1, len(gold), silent)


def evaluate_labelled(tagger, seeds) -> tuple[dict[str, DimensionScore], list[SentenceScore]]:
    """Tag labelled passages with ``tagger`` and score region, topic and stance, and, on
    passages with sentence marks (seeds/dev), the recommendations against the sentences
    both annotators marked and the summary against the sentences either picked (two
    readers' three picks share one or two: either's pick is a sentence a reader chose)."""
    from .schema import Document

    results = tagger.tag_many([Document(text=s.text, source=s.id) for s in seeds])
    scores = {}
    for dimension in LABELS:
        gold = [[s.stance] if dimension == "stance" else list(getattr(s, dimension)) for s in seeds]
        predicted = [[t.label for t in r.tags.get(dimension, [])] for r in results]
        scores[dimension] = score_dimension(dimension, gold, predicted)
    marked = [(s, r) for s, r in zip(seeds, results) if s.marks]
    sentences = []
    if marked and tagger.summarize:
        sentences = [
            score_sentences("recommendations", [[x for x, votes in s.marks["recommendations"] if votes == 2] for s, _ in marked],
                            [[rec.text for rec in r.recommendations] for _, r in marked], silence=True),
            score_sentences("summary", [[x for x, _ in s.marks["summary"]] for s, _ in marked], [r.summary for _, r in marked]),
        ]
    return scores, sentences
