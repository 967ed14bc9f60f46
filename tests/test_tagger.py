"""The pipeline: tags for the seed page, shared featurisation, and one plugin's failure
never taking the others' tags down."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

import policytag
from policytag import Document, InputError, Tagger, hookimpl
from policytag.plugin_manager import get_plugin_manager

from .broken import CountingFeaturizer, LengthClassifier, UndeclaredLabel, WrongCount

TEXT = "Iran and the United States resumed talks in Oman on the nuclear file, diplomats said on Sunday."


def plugin(**hooks):
    return SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def test_seed_page_reads_as_the_taxonomy_says(seed_page):
    result = policytag.tag(Document(text=seed_page.read_text(encoding="utf-8"), source=seed_page.name))
    assert result.primary("region") == "asia-pacific"
    assert "north-america" not in [t.label for t in result.tags["region"]][:1]
    assert result.primary("stance") == "restraint"
    assert {"alliances", "diplomacy"} & {t.label for t in result.tags["topic"]}
    assert result.title == "Reinvesting in US-Japan-South Korea strategic relations"
    assert result.errors == []


def test_tag_lists_are_sorted_and_stance_has_one():
    [result] = Tagger().tag_many([TEXT])
    for tags in result.tags.values():
        assert [t.score for t in tags] == sorted((t.score for t in tags), reverse=True)
    assert len(result.tags["stance"]) == 1
    assert 1 <= len(result.tags["topic"]) <= 3
    assert result.primary("region") == "middle-east"
    assert any("Iran" in e or "Oman" in e for e in result.tags["region"][0].evidence)


def test_one_featurizer_pass_per_batch_however_many_classifiers():
    featurizer = CountingFeaturizer()
    shared = plugin(
        register_featurizers=lambda register: register(featurizer),
        register_classifiers=lambda register: [register(LengthClassifier("len1")), register(LengthClassifier("len2"))],
    )
    tagger = Tagger(get_plugin_manager(entry_points=False, extra=(("shared", shared),)), summarize=False)
    results = tagger.tag_many(["short text", "a much longer text that goes on for a while, well past forty"])
    assert featurizer.calls == 1
    assert [r.primary("len1") for r in results] == ["short", "long"]
    assert [r.primary("len2") for r in results] == ["short", "long"]


def test_classifiers_run_one_after_another():
    """Side by side they fought over the GIL: together slower than in turn."""
    spans = []

    class Timed(LengthClassifier):
        def predict_many(self, features, documents):
            start = time.monotonic()
            time.sleep(0.05)
            spans.append((start, time.monotonic()))
            return super().predict_many(features, documents)

    timed = plugin(
        register_featurizers=lambda register: register(CountingFeaturizer()),
        register_classifiers=lambda register: [register(Timed(f"timed{i}")) for i in range(3)],
    )
    tagger = Tagger(get_plugin_manager(entry_points=False, extra=(("timed", timed),)), summarize=False)
    [result] = tagger.tag_many(["short text"])
    assert [result.primary(f"timed{i}") for i in range(3)] == ["short"] * 3
    spans.sort()
    assert len(spans) == 3 and all(end <= start for (_, end), (start, _) in zip(spans, spans[1:]))


@pytest.mark.parametrize("broken", [WrongCount(), UndeclaredLabel()], ids=["wrong-count", "undeclared-label"])
def test_a_misbehaving_classifier_is_blamed_and_others_survive(broken):
    broken.name = "broken"
    bad = plugin(register_classifiers=lambda register: register(broken))
    tagger = Tagger(get_plugin_manager(extra=(("bad-plugin", bad),)), summarize=False)
    results = tagger.tag_many([TEXT, TEXT + " Again."])
    for result in results:
        assert {"region", "topic", "stance"} <= set(result.tags)
        assert "broken" not in result.tags
        [error] = result.errors
        assert error.plugin == "bad-plugin" and "broken" in error.message


def test_a_raising_classifier_and_a_raising_summariser_are_reported():
    class Exploding(LengthClassifier):
        featurizer = None

        def predict_many(self, features, documents):
            raise RuntimeError("model server unreachable")

    bad = plugin(
        register_classifiers=lambda register: register(Exploding("exploding")),
        summarize=lambda document: 1 / 0,
    )
    [result] = Tagger(get_plugin_manager(extra=(("bad", bad),))).tag_many([TEXT])
    assert result.primary("region") == "middle-east"
    messages = {e.plugin: e.message for e in result.errors}
    assert "RuntimeError: model server unreachable" in messages["bad"]
    assert "ZeroDivisionError" in messages["summarize"]


def test_a_plugin_summariser_replaces_the_default():
    custom = plugin(summarize=lambda document: ["One line from elsewhere."])
    [result] = Tagger(get_plugin_manager(extra=(("custom", custom),))).tag_many([TEXT])
    assert result.summary == ["One line from elsewhere."]


@pytest.mark.parametrize("text", ["", "   \n\t ", "abc\x00def"])
def test_untaggable_text_is_a_clear_error(text):
    with pytest.raises(InputError):
        policytag.tag(text)
    [bad, good] = Tagger(summarize=False).tag_many([text, TEXT])
    assert bad.tags == {} and bad.errors[0].plugin == "policytag"
    assert good.primary("region") == "middle-east"


def test_results_serialise_to_the_documented_json():
    result = Tagger().tag(Document(text=TEXT, source="note.txt"))
    data = result.model_dump(mode="json")
    assert set(data) >= {"source", "title", "url", "tags", "summary", "recommendations", "errors"}
    assert set(data["tags"]["region"][0]) == {"label", "score", "evidence", "low_confidence"}
    assert data["source"] == "note.txt"


def test_evidence_a_reader_accepts_on_the_dev_passages():
    """Region evidence is place names (or, for a region the text names no place of, such
    as `global` or the United States' own politics, content words), topic evidence
    content words (never a number, a stop word or a place: "south", "china"), and an
    argued stance's evidence the text's own most arguing sentence."""
    from policytag.labelled import load_seeds
    from policytag.plugins.artifacts import shipped_seeds_dir
    from policytag.plugins.gazetteer import place_words
    from policytag.stopwords import english_stop_words

    stop = english_stop_words()
    documents = [Document(text=s.text) for s in load_seeds(shipped_seeds_dir() / "dev")]
    def content_words(terms: list[str]) -> bool:
        return bool(terms) and all(term[0].isalpha() and term.lower() not in stop for term in terms)

    argued = 0
    for document, result in zip(documents, Tagger(summarize=False).tag_many(documents)):
        for tag in result.tags["topic"]:
            assert content_words(tag.evidence) and not {term.lower() for term in tag.evidence} & place_words(), tag
        for tag in result.tags["region"]:  # place names are written as the text writes them
            assert all(term[0].isupper() for term in tag.evidence) or content_words(tag.evidence), tag
        [stance] = result.tags["stance"]
        if stance.label == "neutral":
            assert stance.evidence == []
        elif stance.evidence:
            argued += 1
            [sentence] = stance.evidence  # a long one is cut to its first 300 characters and "…"
            assert " ".join(sentence.removesuffix("…").split()) in " ".join(document.text.split())
    assert argued >= 50  # about two thirds of the 200 argue
