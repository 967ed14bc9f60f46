"""In-process throughput on the corpus: the floor, the user's baseline, and policytag.

- floor: one ``CountVectorizer`` (default word tokenisation, vocabulary fitted on the
  seeds) transforming every text: the cost of reading every word once;
- user baseline: what a user would write without policytag, three independent
  ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` + ``LogisticRegression``
  pipelines (region, topic, stance; each fitted on the seeds' primary label) and
  ``predict_proba`` for all texts;
- policytag tags: ``Tagger(summarize=False).tag_many(texts)``, the bundled classifiers;
- policytag full: ``Tagger().tag_many(texts)``, tags plus summary and recommendations.
"""

from __future__ import annotations

from collections.abc import Callable

from corpus import seed_labels, seed_texts

DIMENSIONS = ("region", "topic", "stance")


def floor() -> Callable[[list[str]], object]:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer().fit(seed_texts()).transform


def user_baseline() -> Callable[[list[str]], object]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    seeds = seed_texts()
    pipelines = [
        make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=1000))
        .fit(seeds, seed_labels(dimension))
        for dimension in DIMENSIONS
    ]
    return lambda texts: [pipeline.predict_proba(texts) for pipeline in pipelines]


def policytag(*, summarize: bool) -> Callable[[list[str]], object]:
    from policytag import Tagger

    return Tagger(summarize=summarize).tag_many


def contenders() -> dict[str, Callable[[list[str]], object]]:
    """Each measured function of a list of texts, fitted or loaded but not yet run."""
    return {
        "floor": floor(),
        "baseline": user_baseline(),
        "tags": policytag(summarize=False),
        "full": policytag(summarize=True),
    }


def check_results(results) -> None:
    """Refuse to time a pipeline that is not working: every text must get all three
    dimensions and no error (a failing classifier is fast, and would flatter the table)."""
    for result in results:
        missing = [d for d in DIMENSIONS if not result.tags.get(d)]
        if missing or result.errors:
            problem = "; ".join(f"{e.plugin}: {e.message}" for e in result.errors) or f"no {', '.join(missing)} tags"
            raise SystemExit(f"policytag is not tagging the corpus ({problem}): fix that before timing it")
