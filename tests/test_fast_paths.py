"""The shortcuts taken for speed decide exactly what the plain versions decide."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from policytag.cleaning import is_noise
from policytag.labelled import load_seeds
from policytag.plugins.artifacts import shipped_seeds_dir
from policytag.plugins.gazetteer import load_gazetteer
from policytag import Document, Tagger
from policytag.plugins.cues import BOTH_CUES, CUES, IMPERATIVE, LEADING, NAMES
from policytag.sentences import PARAGRAPH_BREAK, split_sentences

from .conftest import SAMPLE_ARTICLE

# The noise regex as first written: case-insensitive, word boundary first.
PLAIN_NOISE = re.compile(
    r"(follow us|subscribe|newsletter|sign up|keep reading|show less|read more|related:|"
    r"more from|share this|advertisement|all rights reserved|cookie|©|"
    r"(photo|image) credit|photo by|\bphoto\]|via reuters|getty images|/ap photo|afp via)",
    re.IGNORECASE,
)


def texts() -> list[str]:
    return [SAMPLE_ARTICLE.read_text(encoding="utf-8"), *(s.text for s in load_seeds(shipped_seeds_dir()))]


def test_noise_lines_are_the_plain_regexs():
    """On a line's first and last 100 characters (the whole of a short line)."""
    lines = [line for text in texts() for line in text.splitlines() if line.strip()]
    lines += ["[Photo] by Reuters", "telephoto] lens", "PHOTO CREDIT: AP", "Image Credit", "© 2024 The Times", "SUBSCRIBE NOW"]
    lines += ["x" * 99 + "cookie" + "y" * 200, "x" * 120 + "cookie" + "y" * 120, "x" * 200 + "©"]
    edges = [line if len(line) <= 200 else line[:100] + "\n" + line[-100:] for line in lines]
    assert [is_noise(line) for line in lines] == [bool(PLAIN_NOISE.search(edge)) for edge in edges]


def test_gazetteer_tokens_and_longest_names():
    found = load_gazetteer().find("Iran's envoy met officials of Côte d'Ivoire and South Sudan in New York and Kenya.")
    names = [name for name, _ in found]
    assert names[0] == "Iran" and "South Sudan" in names and "Kenya" in names


def test_one_call_split_is_the_paragraph_by_paragraph_split(seed_page):
    import blingfire

    def plain(text: str) -> tuple[str, ...]:
        return tuple(
            s.strip() for paragraph in PARAGRAPH_BREAK.split(text) if paragraph.strip()
            for s in blingfire.text_to_sentences(" ".join(paragraph.split())).split("\n") if s.strip()
        )

    tricky = ["Heading with no stop\n\nQ. Who acts?\n\nA. The U.S. should.", "Mr.\n\nSmith went.", "a\u2029b. C.\n\n\n"]
    for text in [*texts(), seed_page.read_text(encoding="utf-8"), *tricky]:
        assert split_sentences(text) == plain(text)


def test_cues_found_in_the_word_stream_are_the_sentence_by_sentence_cues():
    """Each cue's phrases looked for in each sentence's own words, one sentence at a time."""
    from sklearn.feature_extraction.text import strip_accents_unicode

    from policytag.plugins.artifacts import load_artifact
    from policytag.plugins.words import WordTable

    def plain(sentence: str) -> list[float]:
        words = re.findall(r"\w+", strip_accents_unicode(sentence.lower()))  # as the word features read it
        found = [float(any(list(p) == words[i:i + len(p)] for p in phrases for i in range(len(words))))
                 for _, phrases in CUES]
        verb = words[:]
        for _ in range(2):
            if verb and verb[0] in LEADING:
                verb = verb[1:]
        found += [float(bool(verb) and verb[0] in IMPERATIVE), float(bool(verb) and verb[0] == "let")]
        found += [float(bool(re.search(r"[\"“”]", sentence))), float(bool(re.search(r"\?[ \"”’')]*$", sentence))),
                  float(bool(re.search(r"[0-9]", sentence)))]
        return found + [found[NAMES.index(a)] * found[NAMES.index(b)] for _, (a, b) in BOTH_CUES]

    table = WordTable(load_artifact("words"))
    for text in texts()[::20]:  # 150 texts of every form: the plain search costs 0.07 s a text
        sentences = split_sentences(text)
        assert table.read([sentences], [None]).cue_matrix().tolist() == [plain(s) for s in sentences]
    tricky = ["İstanbul must wait.", "Is it? Yes", "LET US TALK.", "stopgap measures were tried.", "Drop it.",
              'He asked: "Why?"', "Should we? (Yes.)", "And finally, stop.", "Finally and", "And"]
    got = table.read([tricky], [None]).cue_matrix()
    assert got.tolist() == [plain(s) for s in tricky]
    assert got[1, NAMES.index("question")] == 0 and got[5, NAMES.index("question")] == 1
    assert got[3, NAMES.index("imperative")] == 0 and got[4, NAMES.index("imperative")] == 1
    assert got[7, NAMES.index("imperative")] == 1 and not got[8:, NAMES.index("imperative")].any()
    assert table.read([[]], [None]).cue_matrix().shape == (0, len(NAMES))


def test_a_document_is_split_once_for_summary_and_recommendations(monkeypatch):
    import policytag.sentences

    calls = []
    real = policytag.sentences.split_sentences
    monkeypatch.setattr(policytag.sentences, "split_sentences", lambda text: calls.append(text) or real(text))
    texts_ = [s.text for s in load_seeds(shipped_seeds_dir())[:3]]
    results = Tagger().tag_many(texts_)
    assert len(calls) == 3 and all(r.tags["stance"] and r.summary for r in results)
    document = Document(text="One here. Two there.")
    assert document.sentences == ("One here.", "Two there.")
    assert document.model_copy(update={"text": "Three."}).sentences == ("Three.",)
    assert document == Document(text="One here. Two there.")  # the kept split is not part of equality


def test_summaries_do_not_depend_on_the_hash_seed():
    """Processes (Dask workers, --jobs) with other hash seeds pick the same sentences."""
    program = (
        "import json, sys; from policytag import Tagger; "
        "print(json.dumps([r.summary for r in Tagger().tag_many(json.load(sys.stdin))]))"
    )
    data = json.dumps(texts()[:20])
    outputs = {
        subprocess.run([sys.executable, "-c", program], input=data, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_gazetteer_cache_gives_the_built_gazetteer(tmp_path, monkeypatch):
    from policytag.plugins import gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gazetteer.load_gazetteer.cache_clear()
    try:
        built = gazetteer.load_gazetteer()  # builds and writes the cache
        [cached_file] = (tmp_path / "policytag").glob("gazetteer-*.json")
        gazetteer.load_gazetteer.cache_clear()
        assert gazetteer.load_gazetteer().names == built.names == gazetteer.build_gazetteer().names
        cached_file.write_text("{not json")  # a broken cache is rebuilt, not trusted
        gazetteer.load_gazetteer.cache_clear()
        assert gazetteer.load_gazetteer().names == built.names
    finally:
        gazetteer.load_gazetteer.cache_clear()


def test_tagging_a_file_imports_no_fetching_bot_plotting_or_cluster_library():
    program = (
        "import sys, io, contextlib; from policytag.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['tag', sys.argv[1]])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", program, str(SAMPLE_ARTICLE)], capture_output=True, text=True, check=True)
    imported = set(json.loads(done.stdout.replace("'", '"')))
    assert not imported & {"trafilatura", "slack_bolt", "slack_sdk", "matplotlib", "httpx", "dask", "distributed", "pyarrow"}


def test_argument_features_of_a_batch_are_each_texts_own():
    """Computed over a batch at once, as one text at a time would compute them."""
    import numpy as np

    from policytag.plugins.sentence_models import AGGREGATE_NAMES, aggregate

    def plain(prescribes, argues, restraint):
        if not len(argues):
            return np.zeros(len(AGGREGATE_NAMES))
        strong = argues >= 0.5
        direction = ((restraint - 0.5) * argues).sum() / argues.sum() if argues.sum() > 0 else 0.0
        return np.array([argues.max(), np.sort(argues)[::-1][:3].mean(), strong.mean(), np.log1p(strong.sum()),
                         prescribes.max(), np.log1p((prescribes >= 0.5).sum()), direction,
                         (argues * restraint).max(), (argues * (1 - restraint)).max(), argues[-3:].mean()])

    rng = np.random.default_rng(0)
    indptr = np.r_[0, np.cumsum([5, 0, 1, 2, 30, 3, 0, 7])]
    scores = rng.random((3, indptr[-1]))
    scores[1, 8:10] = 0  # a text whose sentences argue nothing
    expected = [plain(*scores[:, a:b]) for a, b in zip(indptr[:-1], indptr[1:])]
    assert np.allclose(aggregate(indptr, *scores), expected, atol=1e-6)
    assert aggregate(np.array([0]), *np.zeros((3, 0))).shape == (0, len(AGGREGATE_NAMES))
