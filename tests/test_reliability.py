"""Reliability of the library, CLI and batch: hostile inputs, broken plugins, broken models.

Every case states its expected outcome: a valid result, or a typed one-line error,
with the other plugins' tags still there when one plugin or model is at fault. The
counts of inputs tried and faults injected go into ``report/reliability.json`` for
the README's Reliability section. Nothing here leaves 127.0.0.0/8 (:func:`loopback_only`).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import threading
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest

from policytag import Classifier, Featurizer, InputError, ModelError, Tag, Tagger, hookimpl
from policytag.batch import tag_lines
from policytag.cli import main as cli
from policytag.errors import ExtractionError
from policytag.extract import extract
from policytag.fetch import Page
from policytag.plugin_manager import get_plugin_manager
from policytag.plugins import artifacts
from policytag.tagger import MAX_TEXT_CHARS

from .articles import article_html
from .servers import RecordingServer, Response, loopback_only

TEXT = "Iran and the United States resumed talks in Oman on the nuclear file, diplomats said on Sunday."
DIMENSIONS = {"region", "topic", "stance"}
FIGURES: dict[str, int] = {"hostile_inputs": 0, "plugin_faults": 0, "model_faults": 0}


REPORT = Path(__file__).resolve().parent.parent / "report"


def write_figures(part: str, figures: dict) -> None:
    """Record a test module's figures in report/reliability-<part>.json (for the README's Reliability section)."""
    REPORT.mkdir(exist_ok=True)
    (REPORT / f"reliability-{part}.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("library", FIGURES)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    return loopback_only(monkeypatch)


@pytest.fixture(scope="module")
def tagger():
    return Tagger()


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message


def assert_valid(result) -> None:
    """A result whose tag lists keep the schema: declared labels, probabilities, sorted, one stance."""
    for dimension, tags in result.tags.items():
        assert tags, dimension
        assert [t.score for t in tags] == sorted((t.score for t in tags), reverse=True)
        assert all(0.0 <= t.score <= 1.0 for t in tags)
        assert len({t.label for t in tags}) == len(tags)
    if "stance" in result.tags:
        assert len(result.tags["stance"]) == 1
    assert all(one_line(e.message) for e in result.errors)
    type(result).model_validate_json(result.model_dump_json())


# -- hostile inputs: the library ----------------------------------------------------

NESTED = "<html><body>" + "<div>" * 100_000 + "<p>" + "Japan and the Philippines drill together. " * 10 + "</p>" + "</div>" * 100_000 + "</body></html>"
GIANT_ATTRIBUTE = '<html><body><p title="' + "x" * (5 * 1024 * 1024) + '">Hello there.</p></body></html>'

LIBRARY = [  # (name, text, expected: "result" or the InputError message it must contain)
    ("empty", "", "empty text"),
    ("whitespace only", " \n\t\r\n \u00a0 \u2003", "empty text"),
    ("50 MB text", "Sanctions on Russia were widened in Brussels. " * (50 * 1024 * 1024 // 47), "more than the 10 MB"),
    ("just over the cap", "x" * (MAX_TEXT_CHARS + 1), "more than the 10 MB"),
    ("NUL bytes", "The envoy arrived.\x00\x00\x00Talks began.", "NUL bytes"),
    ("100,000-level nested HTML pasted as text", NESTED, "result"),
    ("one giant attribute pasted as text", GIANT_ATTRIBUTE, "result"),
    ("one character", "a", "result"),
    ("no letters", "!!! ??? ... 2024-05-01 $$$ ### 42", "result"),
    ("right-to-left and combining marks", "وزير الخارجية يلتقي نظيره في الرياض\u200f e\u0301\u0301\u0301", "result"),
    ("surrogate-free astral emoji", "🛰️🚀🇺🇦🇷🇺 " * 1000, "result"),
    ("one 1 MB word", "a" * (1024 * 1024), "result"),
    ("a million newlines", "\n" * 1_000_000 + "Talks in Geneva resumed.", "result"),
    ("lone surrogate", "Talks \ud800 resumed in Geneva.", "result"),
]


@pytest.mark.parametrize(("name", "text", "expected"), LIBRARY, ids=[c[0] for c in LIBRARY])
def test_hostile_text_gives_a_result_or_a_one_line_input_error(tagger, name, text, expected):
    FIGURES["hostile_inputs"] += 1
    if expected == "result":
        assert_valid(tagger.tag(text))
    else:
        with pytest.raises(InputError) as caught:
            tagger.tag(text)
        assert expected in str(caught.value) and one_line(str(caught.value))
    # In a batch the same input becomes that document's error and its neighbours are tagged.
    bad, good = tagger.tag_many([text, TEXT])
    assert_valid(bad)
    assert good.primary("region") == "middle-east" and good.errors == []
    if expected != "result":
        assert bad.tags == {} and expected in bad.errors[0].message


PAGES = [  # (name, body): pages a stranger's server may send; each gives an article or ExtractionError
    ("100,000-level nested HTML", NESTED.encode()),
    ("100,000 unclosed tags", ("<html><body>" + "<div><span>" * 100_000 + "text").encode()),
    ("one giant attribute", GIANT_ATTRIBUTE.encode()),
    ("an unclosed giant attribute", ('<html><body><p title="' + "x" * (5 * 1024 * 1024)).encode()),
    ("binary bytes served as HTML", bytes(range(256)) * 4000),
    ("invalid UTF-8 declared as UTF-8", b"<html><body><p>" + b"\xff\xfe\xc3(" * 20000 + b"</p></body></html>"),
    ("empty body", b""),
    ("a gzip file served as HTML", gzip.compress(article_html().encode())),
]


@pytest.mark.parametrize(("name", "body"), PAGES, ids=[p[0] for p in PAGES])
def test_hostile_pages_give_an_article_or_an_extraction_error(name, body):
    FIGURES["hostile_inputs"] += 1
    for kind in ("html", "text", "pdf"):
        page = Page("https://news.example/a", kind, "text/html; charset=utf-8", "utf-8", body)
        try:
            article = extract(page)
        except ExtractionError as exc:
            assert one_line(str(exc))
        else:
            assert len(article.text.split()) >= 25


def test_a_clean_page_still_extracts():
    article = extract(Page("https://news.example/a", "html", "text/html", "utf-8", article_html().encode()))
    assert "Scarborough Shoal" in article.text


# -- hostile inputs: the CLI --------------------------------------------------------

CLI_FILES = [  # (name, bytes, the one-line error, or None for success)
    ("binary file", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "looks like a binary file"),
    ("invalid UTF-8", "Talks in Geneva resumed. ".encode() * 10 + b"\xff\xfe\xfa", "not UTF-8 text (bad byte at offset 250)"),
    ("NUL bytes after 8 KB", b"Talks in Geneva resumed. " * 400 + b"\x00\x00", "NUL bytes"),
    ("empty file", b"", "empty text"),
    ("whitespace-only file", b"  \n\n\t  \n", "empty text"),
    ("11 MB file", b"Sanctions. " * (11 * 1024 * 1024 // 11 + 1), "larger than 10 MB"),
    ("UTF-8 with BOM", "\ufeff".encode() + TEXT.encode(), None),
    ("UTF-16 file", TEXT.encode("utf-16"), "binary file"),
]


@pytest.mark.parametrize(("name", "data", "error"), CLI_FILES, ids=[c[0] for c in CLI_FILES])
def test_cli_reads_hostile_files_with_one_line_errors(tmp_path, capsys, name, data, error):
    FIGURES["hostile_inputs"] += 1
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    status = cli(["tag", str(path), "--json", "--no-summary"])
    out, err = capsys.readouterr()
    [line] = out.splitlines()
    result = json.loads(line)
    if error is None:
        assert status == 0 and err == "" and result["tags"]["region"]
    else:
        assert status == 1
        assert err.count("\n") == 1 and err.startswith(f"policytag: {path}: ") and error in err, err
        assert result["tags"] == {} and error in result["errors"][0]["message"]


def test_cli_missing_file_directory_and_bad_settings(tmp_path, capsys, monkeypatch):
    FIGURES["hostile_inputs"] += 3
    assert cli(["tag", str(tmp_path / "nope.txt")]) == 1
    assert cli(["tag", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"policytag: {tmp_path / 'nope.txt'}: no such file",  # the name once
                   f"policytag: {tmp_path}: a directory, not a file"]
    monkeypatch.setenv("POLICYTAG_CLASSIFIER_TIMEOUT", "soon")
    (tmp_path / "a.txt").write_text(TEXT)
    assert cli(["tag", str(tmp_path / "a.txt")]) == 2
    assert capsys.readouterr().err == "policytag: POLICYTAG_CLASSIFIER_TIMEOUT must be a positive number of seconds, not 'soon'\n"


def test_an_unexpected_exception_is_one_line_too(capsys, monkeypatch):
    import policytag.sources

    def broken(source):
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(policytag.sources, "read_source", broken)
    assert cli(["tag", "anything.txt"]) == 1
    assert capsys.readouterr().err == "policytag: unexpected error: RuntimeError: a bug (--debug shows the traceback)\n"
    with pytest.raises(RuntimeError):
        cli(["--debug", "tag", "anything.txt"])


# -- hostile inputs: batch ----------------------------------------------------------

def run_batch_lines(tagger, lines: list[str]) -> list[dict]:
    return [json.loads(r.model_dump_json()) for r in tag_lines(lines, tagger)]


def test_batch_with_a_truncated_last_line(tmp_path, capsys):
    FIGURES["hostile_inputs"] += 1
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": n, "text": TEXT}) for n in range(3)]
    path.write_text("\n".join(lines) + "\n" + json.dumps({"id": 3, "text": TEXT})[:25], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli(["batch", str(path), "-o", str(out), "--no-summary"]) == 1
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results] == [0, 1, 2, 4]
    assert all(r["tags"]["region"][0]["label"] == "middle-east" for r in results[:3])
    assert results[3]["tags"] == {} and results[3]["errors"][0]["message"].startswith("line 4: not valid JSON")


def test_batch_line_with_ten_thousand_urls_fetches_nothing(tagger, no_network):
    FIGURES["hostile_inputs"] += 3
    urls = [f"https://site{n}.example/article/{n}" for n in range(10_000)]
    results = run_batch_lines(tagger, [
        json.dumps({"id": "list", "url": urls}),
        json.dumps({"id": "spaced", "url": " ".join(urls)}),
        json.dumps({"id": "text", "text": "Worth reading: " + " ".join(urls)}),
    ])
    assert [r["id"] for r in results] == ["list", "spaced", "text"]
    assert "needs a \"text\" or \"url\" string" in results[0]["errors"][0]["message"]
    assert "contains spaces" in results[1]["errors"][0]["message"]
    assert results[2]["tags"]  # a text full of links is still a text
    assert no_network == []  # no name was looked up, so nothing was fetched


def test_any_exception_on_one_line_becomes_that_lines_error(tagger, monkeypatch):
    """Not only policytag's own errors: a library's or a bug's, in fetching or in tagging."""
    FIGURES["hostile_inputs"] += 2
    import policytag.article

    def explode(url):
        raise RuntimeError("a bug in a library")

    class Fragile:  # tagging any batch holding the poisoned text raises
        def tag_many(self, documents):
            if any("poison" in d.text for d in documents):
                raise RuntimeError("poisoned")
            return tagger.tag_many(documents)

    monkeypatch.setattr(policytag.article, "fetch_article", explode)
    lines = [json.dumps({"id": "url", "url": "https://news.example/a"}), json.dumps({"id": "before", "text": TEXT}),
             json.dumps({"id": "poison", "text": TEXT + " poison"}), json.dumps({"id": "after", "text": TEXT})]
    results = [json.loads(r.model_dump_json()) for r in tag_lines(lines, Fragile())]
    assert [r["id"] for r in results] == ["url", "before", "poison", "after"]
    assert results[0]["errors"] == [{"plugin": "policytag", "message": "unexpected error: RuntimeError: a bug in a library"}]
    assert results[2]["errors"] == [{"plugin": "policytag", "message": "unexpected error: RuntimeError: poisoned"}]
    assert results[1]["tags"]["region"] and results[3]["tags"]["region"] and not results[1]["errors"]


def test_batch_with_binary_and_invalid_utf8_lines(tmp_path):
    FIGURES["hostile_inputs"] += 2
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\x00\x01\x02\xff\xfe\n" + json.dumps({"id": "ok", "text": TEXT}).encode() + b"\n\xc3(\xa0\xa1\n")
    out = tmp_path / "out.jsonl"
    assert cli(["batch", str(path), "-o", str(out), "--no-summary"]) == 1
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results] == [1, "ok", 3]
    assert results[1]["tags"]["region"] and results[0]["errors"] and results[2]["errors"]


# -- hostile inputs: the bot's parsing and answering --------------------------------

def test_slack_message_with_fifty_links_fetches_only_three(monkeypatch, tmp_path):
    FIGURES["hostile_inputs"] += 1
    from policytag.bot.answer import Answerer
    from policytag.bot.blocks import reply_blocks
    from policytag.bot.messages import MAX_LINKS, what_to_tag
    from policytag.bot.storage import Store

    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")
    with RecordingServer({f"/a/{n}": Response(body=article_html(f"Article {n}").encode()) for n in range(50)}) as server:
        message = " ".join(f"<{server.url(f'/a/{n}')}|link {n}>" for n in range(50))
        request = what_to_tag(message, min_text=300)
        assert len(request.links) == MAX_LINKS == 3
        items = Answerer(Tagger(), Store(tmp_path / "bot.sqlite3"), 0).answer(request)
        assert server.paths() == ["/a/0", "/a/1", "/a/2"]
    assert [i.result.title for i in items] == ["Article 0", "Article 1", "Article 2"]
    assert len(json.dumps(reply_blocks(items))) < 40_000  # well inside what chat.postMessage accepts


# -- plugin faults ------------------------------------------------------------------

def plugin(**hooks):
    return SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


class Simple(Classifier):
    labels = ("yes", "no")
    multi_label = False
    version = "1"

    def __init__(self, name: str, predict=None):
        self.name, self._predict = name, predict

    def predict_many(self, features, documents):
        return self._predict(documents)


RELEASE = threading.Event()  # the slow classifier waits for this (set at the end of the test)


def slow(documents):
    RELEASE.wait(60)
    return [[Tag(label="yes", score=1.0)] for _ in documents]


class BrokenFeaturizer(Featurizer):
    name = "broken-features"

    def transform(self, documents):
        raise MemoryError("featurizer ran out of memory")


class SlowFeaturizer(Featurizer):
    name = "slow-features"

    def transform(self, documents):
        RELEASE.wait(60)
        return documents


class ExitingFeaturizer(Featurizer):
    name = "exiting-features"

    def transform(self, documents):
        sys.exit(5)


def reads(featurizer: str, name: str) -> Simple:
    return type("Reads", (Simple,), {"featurizer": featurizer})(name, lambda d: [[Tag(label="yes", score=1.0)] for _ in d])


FAULTS = {  # plugin name -> (plugin, what the error must say)
    "raises": (plugin(register_classifiers=lambda register: register(Simple("raises", lambda d: 1 / 0))), "ZeroDivisionError"),
    "wrong-count": (plugin(register_classifiers=lambda register: register(Simple("wrong_count", lambda d: [[Tag(label="yes", score=1.0)]] * (len(d) + 1)))),
                    "results for"),
    "not-a-list": (plugin(register_classifiers=lambda register: register(Simple("not_a_list", lambda d: None))), "returned NoneType results"),
    "bad-labels": (plugin(register_classifiers=lambda register: register(Simple("bad_labels", lambda d: [[Tag(label="maybe", score=0.5)] for _ in d]))),
                   "labels outside its declared set: 'maybe'"),
    "two-for-single": (plugin(register_classifiers=lambda register: register(Simple("two_for_single", lambda d: [[Tag(label="yes", score=0.6), Tag(label="no", score=0.4)] for _ in d]))),
                       "is single-label but returned 2 tags"),
    "slow": (plugin(register_classifiers=lambda register: register(Simple("slow", slow))), "timed out after 0.5 s"),
    "bad-featurizer": (plugin(register_featurizers=lambda register: register(BrokenFeaturizer()),
                              register_classifiers=lambda register: register(type("Uses", (Simple,), {"featurizer": "broken-features"})("uses_broken"))),
                       "MemoryError: featurizer ran out of memory"),
    "raises-on-register": (plugin(register_classifiers=lambda register: [][1]), "IndexError"),
    # sys.exit() from a plugin is its failure, not the host's exit.
    "exits-in-predict": (plugin(register_classifiers=lambda register: register(Simple("exits", lambda d: sys.exit(3)))),
                         "classifier 'exits': SystemExit: 3"),
    "exits-on-register": (plugin(register_classifiers=lambda register: sys.exit(4)), "SystemExit: 4"),
    "exits-in-featurizer": (plugin(register_featurizers=lambda register: register(ExitingFeaturizer()),
                                   register_classifiers=lambda register: register(reads("exiting-features", "reads_exiting"))),
                            "featurizer 'exiting-features': SystemExit: 5"),
    "slow-featurizer": (plugin(register_featurizers=lambda register: register(SlowFeaturizer()),
                               register_classifiers=lambda register: register(reads("slow-features", "reads_slow"))),
                        "featurizer 'slow-features' timed out after 0.5 s"),
}


@pytest.fixture
def import_failures(monkeypatch, tmp_path):
    """Two entry points that cannot be imported: a missing module, and one that raises at import."""
    (tmp_path / "policytag_explodes.py").write_text("raise RuntimeError('this plugin needs a GPU')\n")
    (tmp_path / "policytag_quits.py").write_text("import sys\nsys.exit(2)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    real = metadata.entry_points

    def with_broken(group=None, **kw):
        found = list(real(group=group, **kw))
        if group == "policytag":
            found += [metadata.EntryPoint("missing", "policytag_no_such_module", "policytag"),
                      metadata.EntryPoint("explodes", "policytag_explodes", "policytag"),
                      metadata.EntryPoint("quits", "policytag_quits", "policytag")]
        return found

    monkeypatch.setattr(metadata, "entry_points", with_broken)
    return {"missing": "No module named 'policytag_no_such_module'", "explodes": "RuntimeError: this plugin needs a GPU",
            "quits": "failed to import: SystemExit: 2"}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_one_faulty_plugin_is_blamed_and_the_others_tags_come_back(fault):
    FIGURES["plugin_faults"] += 1
    bad, says = FAULTS[fault]
    RELEASE.clear()
    tagger = Tagger(get_plugin_manager(extra=((fault, bad),)), summarize=False, classifier_timeout=0.5)
    try:
        results = tagger.tag_many([TEXT, TEXT + " Again."])
    finally:
        RELEASE.set()
    for result in results:
        assert DIMENSIONS <= set(result.tags), result.errors
        assert result.primary("region") == "middle-east"
        [error] = result.errors
        assert error.plugin == fault and says in error.message, error
        assert_valid(result)


def test_every_fault_at_once_including_plugins_that_fail_to_import(import_failures):
    FIGURES["plugin_faults"] += len(import_failures)
    RELEASE.clear()
    extra = tuple((name, bad) for name, (bad, _) in FAULTS.items())
    tagger = Tagger(get_plugin_manager(extra=extra), classifier_timeout=0.5)
    try:
        [result] = tagger.tag_many([TEXT])
        # The slow classifier is still running: it is not started a second time meanwhile.
        [again] = tagger.tag_many([TEXT])
    finally:
        RELEASE.set()
    assert DIMENSIONS <= set(result.tags) and result.summary and result.primary("region") == "middle-east"
    blamed = {e.plugin: e.message for e in result.errors}
    expected = {name: says for name, (_, says) in FAULTS.items()} | import_failures
    assert set(blamed) == set(expected)
    for name, says in expected.items():
        assert says in blamed[name], (name, blamed[name])
    busy = {e.plugin: e.message for e in again.errors}
    assert "still busy with an earlier batch" in busy["slow"] and "still busy" in busy["slow-featurizer"]
    assert DIMENSIONS <= set(again.tags)
    assert_valid(result)


def test_the_slow_classifier_runs_again_once_it_has_finished():
    RELEASE.clear()
    bad, _ = FAULTS["slow"]
    tagger = Tagger(get_plugin_manager(extra=(("slow", bad),)), summarize=False, classifier_timeout=0.5)
    [first] = tagger.tag_many([TEXT])
    assert "timed out" in first.errors[0].message
    RELEASE.set()
    tagger._overdue["classifier-slow"].result(timeout=10)
    [later] = tagger.tag_many([TEXT])
    assert later.errors == [] and later.primary("slow") == "yes"


def test_a_summariser_and_recommender_that_raise_are_reported():
    FIGURES["plugin_faults"] += 2
    bad = plugin(summarize=lambda document: [][0], extract_recommendations=lambda document: {}["x"])
    [result] = Tagger(get_plugin_manager(extra=(("bad-text", bad),))).tag_many([TEXT])
    assert DIMENSIONS <= set(result.tags)
    assert {e.plugin for e in result.errors} == {"summarize", "extract_recommendations"}


def test_text_hooks_that_exit_or_overrun_are_reported_and_the_rest_stands():
    FIGURES["plugin_faults"] += 2
    RELEASE.clear()

    def summarize(document):
        if "slow" in document.text:
            RELEASE.wait(60)
        return ["A summary from the plugin."]

    slow = plugin(summarize=summarize, extract_recommendations=lambda document: sys.exit(6))
    tagger = Tagger(get_plugin_manager(extra=(("slow-text", slow),)), classifier_timeout=0.5)
    try:
        first, stuck, after = tagger.tag_many([TEXT, TEXT + " This one is slow.", TEXT + " Later."])
        [busy] = tagger.tag_many([TEXT])
    finally:
        RELEASE.set()
    for result in (first, stuck, after, busy):
        assert DIMENSIONS <= set(result.tags) and result.primary("region") == "middle-east"
        assert {e.plugin: e.message for e in result.errors}["extract_recommendations"] == "SystemExit: 6"
    assert first.summary == ["A summary from the plugin."]  # finished before the overrun: kept
    for result in (stuck, after):
        assert result.summary == []
        assert {e.plugin: e.message for e in result.errors}["summarize"] == "summarize timed out after 0.5 s (POLICYTAG_CLASSIFIER_TIMEOUT)"
    assert "summarize is still busy with an earlier batch" in {e.plugin: e.message for e in busy.errors}["summarize"]


# -- model faults -------------------------------------------------------------------

@pytest.fixture
def models(tmp_path, monkeypatch):
    """A copy of the shipped models that the bundled classifiers load from."""
    copy = tmp_path / "models"
    shutil.copytree(artifacts.shipped_models_dir(), copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    monkeypatch.setenv("POLICYTAG_MODELS", str(copy))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    artifacts._store.cache_clear()
    artifacts._artifact.cache_clear()
    yield copy
    artifacts._store.cache_clear()
    artifacts._artifact.cache_clear()


def rehash(models, name: str) -> None:
    """Make the manifest agree with the file again, as someone regenerating it carelessly would."""
    from policytag.modelstore import sha256_file

    manifest = json.loads((models / "manifest.json").read_text())
    manifest["artifacts"][name]["sha256"] = sha256_file(models / f"{name}.joblib")
    (models / "manifest.json").write_text(json.dumps(manifest))


def truncate(models, name, keep=0.5):
    path = models / f"{name}.joblib"
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * keep)])


def flip_a_byte(models, name):
    path = models / f"{name}.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))


def drop_from_disk(models, name):
    (models / f"{name}.joblib").unlink()


def manifest_edit(change):
    def edit(models, name):
        manifest = json.loads((models / "manifest.json").read_text())
        change(manifest, name)
        (models / "manifest.json").write_text(json.dumps(manifest))
    return edit


MODEL_FAULTS = [  # (name, break it, which classifiers fail, the message)
    ("truncated joblib", lambda m, n: truncate(m, n), {"topic"}, "refusing to load topic.joblib"),
    ("truncated joblib with a matching hash", lambda m, n: (truncate(m, n), rehash(m, n)), {"topic"}, "topic.joblib could not be loaded"),
    ("empty joblib with a matching hash", lambda m, n: (truncate(m, n, 0), rehash(m, n)), {"topic"}, "topic.joblib could not be loaded"),
    ("one flipped bit", flip_a_byte, {"topic"}, "differs from the manifest's"),
    ("file missing", drop_from_disk, {"topic"}, "topic.joblib is missing"),
    ("manifest lists a missing file", manifest_edit(lambda m, n: m["artifacts"][n].update(file="gone.joblib")), {"topic"}, "gone.joblib is missing"),
    ("manifest points outside its folder", manifest_edit(lambda m, n: m["artifacts"][n].update(file="../../etc/passwd")), {"topic"}, "points outside"),
    ("manifest drops the artifact", manifest_edit(lambda m, n: m["artifacts"].pop(n)), {"topic"}, "'topic' is not listed"),
    ("shared words model tampered", lambda m, n: flip_a_byte(m, "words"), DIMENSIONS, "refusing to load words.joblib"),
    ("manifest missing", lambda m, n: (m / "manifest.json").unlink(), DIMENSIONS, "no manifest.json"),
    ("manifest not JSON", lambda m, n: (m / "manifest.json").write_text("{\"artifacts\": "), DIMENSIONS, "manifest.json is unreadable"),
    ("manifest without artifacts", lambda m, n: (m / "manifest.json").write_text("[]"), DIMENSIONS, "lists no artifacts"),
]


@pytest.mark.parametrize(("name", "corrupt", "failing", "message"), MODEL_FAULTS, ids=[f[0] for f in MODEL_FAULTS])
def test_broken_models_are_refused_and_reported_not_raised(models, name, corrupt, failing, message):
    FIGURES["model_faults"] += 1
    corrupt(models, "topic")
    [result] = Tagger().tag_many([TEXT])
    assert set(result.tags) == DIMENSIONS - failing
    # The summary reads the shared words and sentence models, not a classifier's own.
    assert bool(result.summary) == (failing != DIMENSIONS)
    for error in result.errors:
        assert one_line(error.message)
    assert any(message in e.message for e in result.errors), result.errors
    assert_valid(result)


def test_a_broken_model_is_a_model_error_from_the_store(models):
    FIGURES["model_faults"] += 1
    from policytag.modelstore import ModelStore

    truncate(models, "stance")
    rehash(models, "stance")
    with pytest.raises(ModelError, match=r"^stance.joblib could not be loaded \(\w+\): run `policytag train`"):
        ModelStore(models).load("stance")




class Planted:
    """A pickle that, when loaded, creates the file it names: proof that its code ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_model_file_swapped_after_its_hash_was_checked_is_never_unpickled(models, tmp_path, monkeypatch):
    """The attacker wins the race every time: the file is replaced just before unpickling."""
    FIGURES["model_faults"] += 1
    import joblib

    from policytag.modelstore import ModelStore

    marker = tmp_path / "planted-code-ran"
    planted = tmp_path / "planted.joblib"
    joblib.dump(Planted(marker), planted, compress=3)
    real_load = joblib.load

    def swapped_first(source, *args, **kwargs):
        shutil.copyfile(planted, models / "stance.joblib")
        return real_load(source, *args, **kwargs)

    monkeypatch.setattr(joblib, "load", swapped_first)
    loaded = ModelStore(models).load("stance")
    assert not marker.exists()
    assert isinstance(loaded, dict) and loaded  # the checked bytes, not the planted ones
