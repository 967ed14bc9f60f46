"""Compare candidate designs for the bundled models (how the shipped one was chosen).

For each design and dimension: 5-fold cross-validation on the training seeds, the
score on the held-out dev set, and what it says about the shared seed page. Designs
are :class:`policytag.plugins.training.Design` values run through the same code as
``policytag train``; the output table is recorded in ``models/MODEL_CARD.md``.

    python bench/designs.py            # prints a markdown table
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from policytag.cleaning import main_text
from policytag.evaluation import score_dimension
from policytag.labelled import load_seeds
from policytag.plugins import training
from policytag.plugins.artifacts import shipped_seeds_dir
from policytag.plugins.linear import probabilities

SEED_PAGE = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_7ce1f44099c1afb5.txt"
SHIPPED = training.SHIPPED
DESIGNS = [
    SHIPPED,
    replace(SHIPPED, name="LR, stronger regularisation (C/4)", C={k: v / 4 for k, v in SHIPPED.C.items()}),
    replace(SHIPPED, name="LR, weaker regularisation (C*4)", C={k: v * 4 for k, v in SHIPPED.C.items()}),
    replace(SHIPPED, name="LR, words and word pairs", ngrams=(1, 2)),
    replace(SHIPPED, name="LR, no gazetteer", gazetteer=False),
    replace(SHIPPED, name="LR, secondary labels need p >= 0.5", min_threshold=0.5),
    replace(SHIPPED, name="linear SVM", model="svm", C={"topic": 0.5, "stance": 0.25, "region": 0.5}),
    replace(SHIPPED, name="stance: two stages, words only", argument=False),
    replace(SHIPPED, name="stance: one multinomial model", two_stage_stance=False, argument=False),
]
HEADLINE = {"region": "top1_accuracy", "topic": "micro_f1", "stance": "macro_f1"}


def predict(design, vectorizer, fitted, dimension, texts):
    X = training.featurise(texts, vectorizer).for_dimension(design, dimension)
    f = fitted[dimension]
    return training.predicted_labels(dimension, probabilities(f.model, X), f.thresholds)


def run(design, seeds, dev, page):
    vectorizer, _, fitted = training.fit_all(seeds, design)
    dev_texts = [main_text(s.text).text for s in dev]
    row = {}
    for dimension in training.SPECS:
        held = score_dimension(dimension, training.gold_labels(dev, dimension), predict(design, vectorizer, fitted, dimension, dev_texts))
        [on_page] = predict(design, vectorizer, fitted, dimension, [page])
        key = HEADLINE[dimension]
        row[dimension] = (fitted[dimension].score.summary()[key], held.summary()[key], "+".join(on_page) if dimension == "topic" else on_page[0])
    return row


def main() -> int:
    seeds = load_seeds(shipped_seeds_dir())
    dev = load_seeds(shipped_seeds_dir() / "dev")
    page = main_text(SEED_PAGE.read_text(encoding="utf-8")).text
    print(f"{len(seeds)} training passages (5-fold CV), {len(dev)} dev passages\n")
    print("| design | region top-1 CV / dev | topic micro-F1 CV / dev | stance macro-F1 CV / dev | seed page: region, topics, stance | s |")
    print("|---|---|---|---|---|---|")
    for design in DESIGNS:
        started = time.perf_counter()
        r = run(design, seeds, dev, page)
        cells = " | ".join(f"{r[d][0]:.3f} / {r[d][1]:.3f}" for d in ("region", "topic", "stance"))
        print(f"| {design.name} | {cells} | {r['region'][2]}, {r['topic'][2]}, {r['stance'][2]} | {time.perf_counter() - started:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    np.seterr(over="ignore")
    sys.exit(main())
