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
from policytag.recommendations import PATTERNS, REPORTED, score_sentences
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


def test_every_cue_match_holds_one_of_its_words():
    for sentence in (s for text in texts() for s in split_sentences(text)):
        for pattern, _, words in PATTERNS:
            if re.search(pattern.pattern, sentence, re.IGNORECASE):
                assert any(word in sentence.lower() for word in words), (pattern.pattern, sentence)


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


def test_cue_scores_are_the_sentence_by_sentence_scores():
    """Each cue searched for in every sentence of the original case, IGNORECASE."""
    def plain(sentence: str) -> float:
        strength = max((w for p, w, _ in PATTERNS if re.search(p.pattern, sentence, re.IGNORECASE)), default=0.0)
        if strength and sentence.rstrip().endswith("?"):
            strength *= 0.3
        if strength and re.search(REPORTED.pattern, sentence, re.IGNORECASE):
            strength *= 0.6
        return strength

    for text in texts():
        sentences = split_sentences(text)
        assert score_sentences(sentences) == [plain(s) for s in sentences]
    assert score_sentences(["İstanbul must wait.", "We urge talks."]) == [0.9, 0.9]  # lower() lengthens "İ"
    assert score_sentences(["WASHINGTON MUST ACT.", "Let Us Talk.", "He Said We Should Go."]) == [0.9, 0.8, 0.9 * 0.6]
    assert score_sentences([]) == []


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


def test_summary_scores_do_not_depend_on_the_hash_seed():
    """Bit for bit: numbering words in set order made float near-ties, and so the chosen
    sentences, differ between processes (Dask workers, --jobs)."""
    program = (
        "import json, sys; from policytag.sentences import split_sentences; "
        "from policytag.summary import rank_sentences; "
        "print(json.dumps([rank_sentences(split_sentences(t)).tolist() for t in json.load(sys.stdin)]))"
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


def test_cosine_graph_is_the_plain_product_for_articles_and_long_reports():
    import numpy as np
    from scipy import sparse

    from policytag.summary import DENSE_CELLS, cosine_graph

    rng = np.random.default_rng(0)
    for n, width in [(5, 7), (45, 300), (600, 900)]:  # the last is over DENSE_CELLS: scipy's product
        rows = rng.random((n, width)) * (rng.random((n, width)) < 0.05)
        rows[1] = rows[-1] = 0  # sentences with no content word
        csr = sparse.csr_matrix(rows)
        assert np.allclose(cosine_graph(csr.data, csr.indices, csr.indptr, width), rows @ rows.T, rtol=0, atol=1e-12)
    assert 600 * 900 > DENSE_CELLS
