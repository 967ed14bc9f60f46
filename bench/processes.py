"""Whole-process measures: cold start and peak RSS of ``policytag tag``, and ``policytag
batch --jobs 2`` against ``--jobs 1``.

Cold start is compared with the least a scikit-learn tool pays before doing anything,
``python -c "import sklearn.linear_model, joblib"``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from corpus import ARTICLE
from timing import process_medians

IMPORT_BASELINE = "import sklearn.linear_model, joblib"


def policytag_command() -> list[str]:
    """The installed console script beside this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("policytag")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "policytag.cli"]


def quiet_env() -> dict:
    """The environment without policytag switches a developer's shell may have set."""
    return {k: v for k, v in os.environ.items() if not k.startswith("POLICYTAG_")}


def cold_start(rounds: int) -> dict[str, tuple[float, float]]:
    """``{"tag": (seconds, peak MB), "import": (...)}`` for one article vs the import baseline."""
    return process_medians(
        {"tag": [*policytag_command(), "tag", str(ARTICLE)], "import": [sys.executable, "-c", IMPORT_BASELINE]},
        rounds, quiet_env(),
    )


def parallel(corpus_jsonl: Path, out_dir: Path, rounds: int) -> dict[str, tuple[float, float]]:
    """``{"jobs1": ..., "jobs2": ...}``: ``policytag batch`` on the corpus, whole process."""
    command = policytag_command()
    return process_medians(
        {f"jobs{n}": [*command, "batch", str(corpus_jsonl), "-o", str(out_dir / f"jobs{n}.jsonl"), "--jobs", str(n)]
         for n in (1, 2)},
        rounds, quiet_env(),
    )
