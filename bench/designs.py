"""Compare candidate designs for the bundled models (how the shipped one was chosen).

Each design (a :class:`policytag.plugins.training.Design`) is trained on the shipped
seeds exactly as ``policytag train`` trains, into a temporary folder, and measured
three ways: cross-validation on the seeds (folds never split a writer), the held-out
development set (``policytag evaluate seeds/dev``), and, when ``../shared/realdev`` is
beside the checkout, the real published articles (its ``score.py``, which never shows
their texts); and by the stance it gives the shared seed page, which must read
``restraint``. Choices are made on the real articles and cross-validation together;
the table is recorded in ``models/MODEL_CARD.md``.

    python bench/designs.py            # prints a markdown table (about a minute a design)
    python bench/designs.py --spread 3 --only shipped   # and realdev's spread over 3 retrainings

realdev has 80 articles, and a model's figures on it move when the training set
does: retrained on random 95% subsamples of the seeds, the shipped stance model
scored 0.63-0.73 macro-F1. ``--spread N`` retrains each design on N such subsamples
(fixed random seeds) and prints realdev's mean and range beside the full-seed figure,
so that a choice is not made on a difference the spread covers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDEV = REPO.parent / "shared" / "realdev" / "score.py"
SEED_PAGE = REPO.parent / "shared" / "seeds" / "000_7ce1f44099c1afb5.txt"
SHIPPED_NAME = "shipped"


def designs():
    from policytag.plugins.training import SHIPPED

    return [
        replace(SHIPPED, name=SHIPPED_NAME),
        replace(SHIPPED, name="stronger regularisation (C/4)", C={k: v / 4 for k, v in SHIPPED.C.items()}),
        replace(SHIPPED, name="weaker regularisation (C*4)", C={k: v * 4 for k, v in SHIPPED.C.items()}),
        replace(SHIPPED, name="region: no gazetteer", gazetteer=False),
        replace(SHIPPED, name="region: learns from US/Canada national names", actor_blind_region=False),
        replace(SHIPPED, name="stance: register balancing (reporting and opinion forms weighed alike)", balance_register=True),
        replace(SHIPPED, name="stance: calibrated on the seeds alone (no argued shift)", argued_shift=0.0),
        replace(SHIPPED, name="stance: no sentence-model argument features", argument=False),
        replace(SHIPPED, name="stance: C=4", C={**SHIPPED.C, "stance": 4.0}),
        replace(SHIPPED, name="stance: C=8", C={**SHIPPED.C, "stance": 8.0}),
        replace(SHIPPED, name="stance: C=32", C={**SHIPPED.C, "stance": 32.0}),
        replace(SHIPPED, name="stance: one multinomial model", two_stage_stance=False),
        replace(SHIPPED, name="topic: thresholds as cross-validation chose them", topic_threshold_scale=1.0),
        replace(SHIPPED, name="recommendations: no text-level gate", text_gate=False),
        replace(SHIPPED, name="recommendations: the model alone (no sentences listed for their phrasing)",
                phrased_prescriptions=False),
    ]


def measure(design, seeds, folder: Path) -> dict:
    from policytag.plugins.training import train

    started = time.perf_counter()
    manifest = train(seeds, folder, design).manifest
    cv = manifest["cross_validation"]["metrics"]
    env = {**os.environ, "POLICYTAG_MODELS": str(folder)}
    out = {"cv": (cv["region"]["top1_accuracy"], cv["topic"]["micro_f1"], cv["stance"]["macro_f1"]),
           "train_s": time.perf_counter() - started}
    dev = subprocess.run([sys.executable, "-m", "policytag.cli", "evaluate", str(REPO / "seeds" / "dev")],
                         capture_output=True, text=True, env=env, check=True).stdout
    out["dev"] = _dev_figures(dev)
    if SEED_PAGE.is_file():
        tagged = subprocess.run([sys.executable, "-m", "policytag.cli", "tag", str(SEED_PAGE), "--json"],
                                capture_output=True, text=True, env=env, check=True).stdout
        [stance] = json.loads(tagged)["tags"]["stance"]
        out["seed_page"] = f"{stance['label']} {stance['score']:.2f}"
    if REALDEV.is_file():
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run([sys.executable, str(REALDEV), "--no-baseline", "--json", report.name],
                           capture_output=True, text=True, env=env, cwd=REPO, check=True)
            real = json.loads(Path(report.name).read_text())["policytag"]
        out["real"] = {k: real.get(k) for k in ("region_top1", "topic_microF1", "stance_macroF1", "stance_ECE",
                                                "rec_precision", "rec_recall", "summary_F1")}
    return out


def _dev_figures(text: str) -> tuple[float, float, float]:
    """Region top-1, topic micro-F1 and stance macro-F1 from ``policytag evaluate``'s report."""
    figures, dimension = {}, None
    for line in text.splitlines():
        if line.startswith("== "):
            dimension = line.split()[1]
        elif line.startswith("top-1 accuracy") and dimension:
            parts = line.split()
            figures[dimension] = {"top1": float(parts[2]), "micro": float(parts[4]), "macro": float(parts[6])}
    return figures["region"]["top1"], figures["topic"]["micro"], figures["stance"]["macro"]


SPREAD_FRACTION = 0.95
SPREAD_FIGURES = ("region_top1", "topic_microF1", "stance_macroF1", "rec_precision", "rec_recall")


def subsample(seeds, k: int):
    """The ``k``-th random 95% of the seeds (the same on every run)."""
    rng = random.Random(k)
    return [s for s in seeds if rng.random() < SPREAD_FRACTION]


def spread(design, seeds, repeats: int) -> str:
    """realdev's figures over ``repeats`` retrainings on subsamples: mean (min-max) each."""
    runs = []
    for k in range(1, repeats + 1):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(measure(design, subsample(seeds, k), Path(folder)).get("real") or {})
    cells = []
    for key in SPREAD_FIGURES:
        values = [run[key] for run in runs if run.get(key) is not None]
        cells.append(f"{statistics.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})" if values else "–")
    return f"| {design.name} | " + " | ".join(cells) + " |"


def main() -> int:
    from policytag.labelled import load_seeds
    from policytag.plugins.artifacts import shipped_seeds_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spread", type=int, default=0, metavar="N",
                        help="also retrain each design on N random 95%% subsamples and print realdev's mean and range")
    parser.add_argument("--only", action="append", metavar="NAME", help="measure only the designs of these names")
    args = parser.parse_args()
    chosen = [d for d in designs() if not args.only or d.name in args.only]
    seeds = load_seeds(shipped_seeds_dir())
    print(f"{len(seeds)} training passages; dev = seeds/dev; real = ../shared/realdev (80 articles)\n")
    print("| design | region top-1 CV / dev / real | topic micro-F1 CV / dev / real | stance macro-F1 CV / dev / real "
          "(ECE real) | recommendations P / R real | summary F1 real | seed page stance |")
    print("|---|---|---|---|---|---|---|")
    for design in chosen:
        with tempfile.TemporaryDirectory() as folder:
            r = measure(design, seeds, Path(folder))
        real = r.get("real") or {}

        def cell(i, key):
            return f"{r['cv'][i]:.3f} / {r['dev'][i]:.3f} / " + (f"{real[key]:.3f}" if key in real else "–")
        print(f"| {design.name} | {cell(0, 'region_top1')} | {cell(1, 'topic_microF1')} | {cell(2, 'stance_macroF1')}"
              f" ({real.get('stance_ECE', float('nan')):.3f}) | {real.get('rec_precision', float('nan')):.3f} / "
              f"{real.get('rec_recall', float('nan')):.3f} | {real.get('summary_F1', float('nan')):.3f} | "
              f"{r.get('seed_page', '–')} |", flush=True)
    if args.spread:
        print(f"\nrealdev over {args.spread} retrainings on random {SPREAD_FRACTION:.0%} subsamples: mean (min-max)\n")
        print("| design | " + " | ".join(SPREAD_FIGURES) + " |")
        print("|---" * (len(SPREAD_FIGURES) + 1) + "|")
        for design in chosen:
            print(spread(design, seeds, args.spread), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
