"""Seed files: every bad line is a clear error naming file and line; the corpus is big enough."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from policytag.errors import SeedError
from policytag.labelled import load_seeds
from policytag.plugins.artifacts import shipped_seeds_dir
from policytag.taxonomy import REGIONS, STANCES, TOPICS

GOOD = {"id": "x-1", "text": "Talks resumed.", "region": ["europe"], "topic": ["diplomacy"], "stance": "neutral", "source": "t"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": ["mars"]}, r"bad.jsonl:2: region: .*unknown region label\(s\) 'mars'"),
        ({"topic": []}, r"bad.jsonl:2: topic: .*one to three"),
        ({"stance": "dovish"}, r"bad.jsonl:2: stance: .*unknown stance"),
        ({"text": "   "}, r"bad.jsonl:2: text: .*empty text"),
        ({"id": "x-1", "text": "Other."}, r"bad.jsonl:2: duplicate id 'x-1' \(first at bad.jsonl:1\)"),
        ({"text": "Talks  resumed."}, r"bad.jsonl:2: duplicate text \(first at bad.jsonl:1\)"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, change, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "x-2", "text": "Else.", **change}) + "\n")
    with pytest.raises(SeedError, match=message):
        load_seeds(path)


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{\"id\": \n")
    with pytest.raises(SeedError, match=r"bad.jsonl:2: not valid JSON"):
        load_seeds(path)


def test_shipped_corpus_meets_its_targets():
    seeds = load_seeds(shipped_seeds_dir())
    regions = Counter(r for s in seeds for r in s.region)
    topics = Counter(t for s in seeds for t in s.topic)
    stances = Counter(s.stance for s in seeds)
    assert {r: regions[r] for r in REGIONS if regions[r] < 45} == {}
    assert {t: topics[t] for t in TOPICS if topics[t] < 25} == {}
    assert {s: stances[s] for s in STANCES if stances[s] < 90} == {}


@pytest.mark.parametrize("held_out", ["dev", "probe", "subjects", "fresh"])
def test_held_out_sets_are_not_trained_on(held_out):
    train = load_seeds(shipped_seeds_dir())
    dev = load_seeds(shipped_seeds_dir() / held_out)
    assert len(dev) >= 120
    norm = lambda t: " ".join(t.split()).lower()  # noqa: E731
    assert not {norm(s.text) for s in train} & {norm(s.text) for s in dev}
    assert not {s.id for s in train} & {s.id for s in dev}
