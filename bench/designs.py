"""Compare candidate model designs for the bundled classifiers (issue: model selection).

For each design and dimension: 5-fold cross-validation on the training seeds, the
score on the held-out dev set, and what it says about the shared seed page. The
shipped design is the one in ``policytag.plugins.training``; this script is how it
was chosen, and its output table is recorded in ``models/MODEL_CARD.md``.

    python bench/designs.py            # prints a markdown table
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from policytag.cleaning import main_text
from policytag.evaluation import score_dimension
from policytag.labelled import load_seeds
from policytag.plugins import training
from policytag.plugins.artifacts import shipped_seeds_dir
from policytag.plugins.features import build_word_vectorizer, place_features
from policytag.taxonomy import LABELS

SEED_PAGE = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_7ce1f44099c1afb5.txt"


def words(ngrams=(1, 2)):
    return build_word_vectorizer().set_params(ngram_range=ngrams)


def words_and_chars():
    class Both:
        def fit(self, texts):
            self.w = words().fit(texts)
            self.c = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True, dtype=np.float32).fit(texts)
            return self

        def transform(self, texts):
            return sparse.hstack([self.w.transform(texts), self.c.transform(texts)], format="csr")

    return Both()


def logistic(C):
    def build(multi_label):
        base = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=0,
                                  solver="liblinear" if multi_label else "lbfgs")
        calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)
        return OneVsRestClassifier(calibrated) if multi_label else calibrated
    return build


def svm(C):
    def build(multi_label):
        calibrated = CalibratedClassifierCV(LinearSVC(C=C, class_weight="balanced", random_state=0), method="sigmoid", cv=3)
        return OneVsRestClassifier(calibrated) if multi_label else calibrated
    return build


def naive_bayes(alpha):
    def build(multi_label):
        calibrated = CalibratedClassifierCV(ComplementNB(alpha=alpha), method="sigmoid", cv=3)
        return OneVsRestClassifier(calibrated) if multi_label else calibrated
    return build


DESIGNS = {
    "LR C=2, words 1-2": (lambda: words(), logistic(2), True),
    "LR C=8, words 1-2 (shipped)": (lambda: words(), logistic(8), True),
    "LR C=32, words 1-2": (lambda: words(), logistic(32), True),
    "LR C=8, words 1-1": (lambda: words((1, 1)), logistic(8), True),
    "LR C=8, words 1-2, no gazetteer": (lambda: words(), logistic(8), False),
    "LR C=8, words + char 3-5": (words_and_chars, logistic(8), True),
    "linear SVM C=0.5, words 1-2": (lambda: words(), svm(0.5), True),
    "complement NB, words 1-2": (lambda: words(), naive_bayes(0.3), True),
}


def run(design, seeds, dev, page):
    make_vectorizer, make_estimator, gazetteer = design
    texts = [main_text(s.text).text for s in seeds]
    dev_texts = [main_text(s.text).text for s in dev]
    vectorizer = make_vectorizer().fit(texts)

    def X(batch, dimension):
        matrix = vectorizer.transform(batch)
        if dimension == "region" and gazetteer:
            matrix = sparse.hstack([matrix, place_features(batch).matrix], format="csr")
        return matrix

    row = {}
    for dimension in ("region", "topic", "stance"):
        multi_label, most, _ = training.SPECS[dimension]
        y = training.targets(seeds, dimension)
        from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

        splitter = (StratifiedKFold if y.ndim == 1 else KFold)(n_splits=5, shuffle=True, random_state=0)
        Xt = X(texts, dimension)
        probabilities = cross_val_predict(make_estimator(multi_label), Xt, y, cv=splitter, method="predict_proba")
        thresholds = training.choose_thresholds(dimension, probabilities, y)
        cv = score_dimension(dimension, training.gold_labels(seeds, dimension),
                             training.predicted_labels(dimension, probabilities, thresholds))
        model = make_estimator(multi_label).fit(Xt, y)
        dev_pred = training.predicted_labels(dimension, model.predict_proba(X(dev_texts, dimension)), thresholds)
        held = score_dimension(dimension, training.gold_labels(dev, dimension), dev_pred)
        page_pred = training.predicted_labels(dimension, model.predict_proba(X([page], dimension)), thresholds)[0]
        headline = "top1_accuracy" if dimension == "region" else "micro_f1" if dimension == "topic" else "macro_f1"
        row[dimension] = (cv.summary()[headline], held.summary()[headline], page_pred[0] if dimension != "topic" else "+".join(page_pred))
    return row


def main() -> int:
    seeds = load_seeds(shipped_seeds_dir())
    dev = load_seeds(shipped_seeds_dir() / "dev")
    page = main_text(SEED_PAGE.read_text(encoding="utf-8")).text
    print(f"{len(seeds)} training passages (5-fold CV), {len(dev)} dev passages\n")
    print("| design | region top-1 CV / dev | topic micro-F1 CV / dev | stance macro-F1 CV / dev | seed page (region, topics, stance) |")
    print("|---|---|---|---|---|")
    for name, design in DESIGNS.items():
        r = run(design, seeds, dev, page)
        cells = " | ".join(f"{r[d][0]:.3f} / {r[d][1]:.3f}" for d in ("region", "topic", "stance"))
        print(f"| {name} | {cells} | {r['region'][2]}, {r['topic'][2]}, {r['stance'][2]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
