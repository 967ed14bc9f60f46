"""The shipped models: rebuilt exactly from the seeds, verified on load, and plain
numbers that tagging reads without scikit-learn."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import sklearn

from policytag import ModelError
from policytag.labelled import load_seeds, seeds_hash
from policytag.modelstore import ModelStore
from policytag.plugins import artifacts

from .conftest import SAMPLE_ARTICLE, run_cli

SHIPPED = artifacts.shipped_models_dir()


@pytest.fixture(scope="module")
def retrained(tmp_path_factory):
    """``policytag train`` run as a user runs it: in a fresh process (pickled bytes can
    depend on what a long-lived process has already done, e.g. which strings it interned)."""
    out = tmp_path_factory.mktemp("models")
    done = run_cli("train", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert re.search(r"trained on \d+ passages in [\d.]+ s", done.stdout)
    return ModelStore(out)


# Floating-point results differ between CPUs (BLAS libraries pick their kernels per
# processor), so retraining elsewhere gives the same vocabulary, labels and settings but
# numbers that differ in their last digits. Training solves every model to convergence
# (plugins/solvers.py), so the difference is small: trained with OpenBLAS's Haswell and
# SkylakeX kernels, at most 1.5e-4 (the argues sentence model's coefficients), 1e-4 on
# the Platt parameters. Numbers must agree to this tolerance; labels must agree on fixed texts
# except where a score is within LABEL_MARGIN of the decision it crosses.
NUMERIC_TOLERANCE = 1e-3
LABEL_MARGIN = 0.005


def assert_same_artifact(shipped, rebuilt, where: str) -> None:
    """Equal structure and non-numeric content; numbers equal within NUMERIC_TOLERANCE."""
    import numpy as np

    if isinstance(shipped, dict):
        assert isinstance(rebuilt, dict) and shipped.keys() == rebuilt.keys(), f"{where}: different keys"
        for key in shipped:
            assert_same_artifact(shipped[key], rebuilt[key], f"{where}.{key}")
    elif isinstance(shipped, (list, tuple)) and not all(isinstance(x, (int, float)) for x in shipped):
        assert len(shipped) == len(rebuilt), f"{where}: different lengths"
        for i, (a, b) in enumerate(zip(shipped, rebuilt)):
            assert_same_artifact(a, b, f"{where}[{i}]")
    elif isinstance(shipped, (np.ndarray, list, tuple, float, int)) and not isinstance(shipped, bool):
        a, b = np.asarray(shipped), np.asarray(rebuilt)
        assert a.shape == b.shape, f"{where}: shape {a.shape} != {b.shape}"
        if a.dtype.kind in "fc":
            assert np.allclose(a, b, rtol=NUMERIC_TOLERANCE, atol=NUMERIC_TOLERANCE), (
                f"{where}: differs by up to {np.max(np.abs(a - b)):.2g}")
        else:
            assert np.array_equal(a, b), f"{where}: differs"
    else:
        assert shipped == rebuilt, f"{where}: {shipped!r} != {rebuilt!r}"


def labels_agree(shipped: list, rebuilt: list, thresholds: dict) -> bool:
    """The same labels, or labels that differ only where a score sits at its threshold."""
    a, b = {t.label: t.score for t in shipped}, {t.label: t.score for t in rebuilt}
    return all(abs(score - thresholds[label]) <= LABEL_MARGIN for label, score in {**a, **b}.items()
               if (label in a) != (label in b))


def test_shipped_models_are_what_training_on_the_shipped_seeds_gives(retrained, monkeypatch):
    from policytag import Tagger

    shipped_store = ModelStore(SHIPPED)
    shipped, rebuilt = shipped_store.manifest, retrained.manifest
    assert shipped["seeds_sha256"] == seeds_hash(load_seeds(artifacts.shipped_seeds_dir())), (
        "the seeds changed since the models were built: run `policytag train` and commit models/"
    )
    assert shipped["versions"]["scikit-learn"] == sklearn.__version__, (
        f"models/ was built with scikit-learn {shipped['versions']['scikit-learn']}: rebuild with {sklearn.__version__}"
    )
    assert shipped["artifacts"].keys() == rebuilt["artifacts"].keys()
    for name in shipped["artifacts"]:
        assert_same_artifact(shipped_store.load(name), retrained.load(name), name)
    for dimension, metrics in shipped["cross_validation"]["metrics"].items():  # one flipped prediction moves them
        for metric, value in metrics.items():
            assert abs(value - rebuilt["cross_validation"]["metrics"][dimension][metric]) <= 0.01, (dimension, metric)

    texts = [s.text for s in load_seeds(artifacts.shipped_seeds_dir() / "dev")][:200]
    results = {}
    for label, folder in (("shipped", SHIPPED), ("rebuilt", retrained.directory)):
        monkeypatch.setenv("POLICYTAG_MODELS", str(folder))
        results[label] = Tagger(summarize=False).tag_many(texts)
    for dimension in ("region", "topic", "stance"):
        artifact = shipped_store.load(dimension)
        thresholds = dict(zip(artifact["labels"], artifact["thresholds"]))
        differ = [i for i, (a, b) in enumerate(zip(results["shipped"], results["rebuilt"]))
                  if not labels_agree(a.tags[dimension], b.tags[dimension], thresholds)]
        assert not differ, f"{dimension}: retrained models label {len(differ)} of {len(texts)} dev texts differently"


@pytest.fixture
def model_copy(tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return copy


def test_a_tampered_model_file_is_refused_with_a_clear_message(model_copy):
    path = model_copy / "stance.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"refusing to load stance.joblib: .*policytag train"):
        ModelStore(model_copy).load("stance")


def test_missing_manifest_missing_file_and_unlisted_artifact(model_copy):
    (model_copy / "topic.joblib").unlink()
    with pytest.raises(ModelError, match="topic.joblib is missing"):
        ModelStore(model_copy).load("topic")
    with pytest.raises(ModelError, match="'extra' is not listed"):
        ModelStore(model_copy).load("extra")
    (model_copy / "manifest.json").unlink()
    with pytest.raises(ModelError, match="no manifest.json"):
        ModelStore(model_copy).load("stance")


def test_manifest_cannot_point_outside_its_folder(model_copy, tmp_path):
    manifest = json.loads((model_copy / "manifest.json").read_text())
    manifest["artifacts"]["stance"]["file"] = "../evil.joblib"
    (model_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="outside"):
        ModelStore(model_copy).load("stance")


def test_a_tampered_model_is_reported_by_the_tagger_not_raised(model_copy, monkeypatch):
    (model_copy / "topic.joblib").write_bytes(b"not a pickle")
    monkeypatch.setenv("POLICYTAG_MODELS", str(model_copy))
    artifacts._store.cache_clear()
    artifacts._artifact.cache_clear()
    try:
        from policytag import Tagger

        [result] = Tagger(summarize=False).tag_many(["Talks in Doha on a Gaza ceasefire resumed."])
    finally:
        artifacts._store.cache_clear()
        artifacts._artifact.cache_clear()
    assert "topic" not in result.tags and result.primary("region") == "middle-east"
    [error] = result.errors
    assert error.plugin == "topic" and "refusing to load topic.joblib" in error.message


def test_models_built_with_another_scikit_learn_tag_the_same(model_copy, monkeypatch):
    """The artifacts hold arrays and builtins, so the version that built them does not matter."""
    manifest = json.loads((model_copy / "manifest.json").read_text())
    manifest["versions"]["scikit-learn"] = "0.0.1"
    (model_copy / "manifest.json").write_text(json.dumps(manifest))
    from policytag import Tagger

    text = "Talks in Doha on a Gaza ceasefire resumed, and Cairo urged both sides to agree."
    [shipped] = Tagger(summarize=False).tag_many([text])
    monkeypatch.setenv("POLICYTAG_MODELS", str(model_copy))
    [elsewhere] = Tagger(summarize=False).tag_many([text])
    assert elsewhere == shipped and elsewhere.errors == []


def test_tagging_imports_no_scikit_learn(tmp_path):
    program = (
        "import sys; from policytag import Tagger\n"
        "[r] = Tagger().tag_many([open(sys.argv[1], encoding='utf-8').read()])\n"
        "assert r.tags['region'] and r.summary and not r.errors, r.errors\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))"
    )
    done = subprocess.run([sys.executable, "-c", program, str(SAMPLE_ARTICLE)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from policytag.stopwords import english_stop_words

    assert english_stop_words() == ENGLISH_STOP_WORDS