"""Property-based tests (hypothesis) over the public API: whatever goes in, a valid result
or a typed one-line error comes out, never an unhandled exception, never a result
whose tag lists break the schema.

The numbers of examples are fixed (``derandomize``), so CI runs the same cases each
time and the figures in the README's Reliability section hold; raise ``POLICYTAG_HYPOTHESIS_SCALE``
to search longer locally.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytag import Document, InputError, PolicytagError, Result, Tagger
from policytag.batch import parse_line, tag_lines
from policytag.bot.blocks import reply_blocks, reply_text
from policytag.bot.messages import MAX_LINKS, find_links, what_to_tag
from policytag.errors import ExtractionError, FetchError
from policytag.extract import extract
from policytag.fetch import Page
from policytag.netpolicy import check_url
from policytag.sources import decode_text, read_file

from .servers import loopback_only
from .test_reliability import write_figures

SCALE = float(os.environ.get("POLICYTAG_HYPOTHESIS_SCALE", "1"))
COUNTS: dict[str, int] = {}


def examples(n: int, name: str):
    """Settings for ``n`` examples (times the scale), counted under ``name`` for the figures."""
    count = max(1, int(n * SCALE))
    COUNTS[name] = count
    return settings(max_examples=count, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    write_figures("properties", {"properties": len(COUNTS), "examples": sum(COUNTS.values()), **COUNTS})


@pytest.fixture(scope="module")
def tagger():
    return Tagger()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    return loopback_only(monkeypatch)


def check_result(result: Result, tagger: Tagger) -> None:
    """The schema contract of a result, the one the JSON output promises."""
    classifiers = tagger.classifiers
    for dimension, tags in result.tags.items():
        classifier = classifiers[dimension]
        assert tags and all(t.label in classifier.labels for t in tags)
        assert all(0.0 <= t.score <= 1.0 for t in tags)
        assert [t.score for t in tags] == sorted((t.score for t in tags), reverse=True)
        assert len({t.label for t in tags}) == len(tags)
        assert classifier.multi_label or len(tags) == 1
        assert all(isinstance(e, str) for t in tags for e in t.evidence)
    for error in result.errors:
        assert error.plugin and error.message and "\n" not in error.message
    assert len(result.summary) <= 3
    assert Result.model_validate_json(result.model_dump_json()) == result


def one_line_error(exc: BaseException) -> None:
    assert isinstance(exc, PolicytagError), f"{type(exc).__name__} escaped: {exc}"
    assert str(exc) and "\n" not in str(exc)


TEXT = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=2000),
    st.lists(st.sampled_from(["Iran", "sanctions", "NATO", "Beijing", "ceasefire", "should", "the", ".", "\n\n", "\x00",
                              "🛰️", "\u202e", "<p>", "</div>", "&amp;", "\ufeff", " "]), max_size=300).map(" ".join),
)


@examples(150, "any Unicode string -> tag()")
@given(text=TEXT)
def test_any_string_is_tagged_or_refused_in_one_line(tagger, text):
    try:
        result = tagger.tag(text)
    except Exception as exc:
        one_line_error(exc)
        assert isinstance(exc, InputError)
    else:
        check_result(result, tagger)


@examples(60, "any batch of strings -> tag_many()")
@given(texts=st.lists(TEXT, max_size=6))
def test_a_batch_gives_one_valid_result_per_text(tagger, texts):
    results = tagger.tag_many(texts)
    assert len(results) == len(texts)
    for result in results:
        check_result(result, tagger)


@examples(150, "any bytes as a file -> read_file() + tag()")
@given(data=st.one_of(st.binary(max_size=3000), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_bytes_as_a_file_are_read_or_refused_in_one_line(tagger, tmp_path, data):
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    try:
        document = read_file(str(path))
        result = tagger.tag(document)
    except Exception as exc:
        one_line_error(exc)
    else:
        check_result(result, tagger)
        assert document.text == decode_text(data)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
LINE = st.one_of(
    JSON.map(json.dumps),
    st.fixed_dictionaries({"id": JSON, "text": st.one_of(TEXT, JSON)}).map(json.dumps),
    st.fixed_dictionaries({"id": JSON, "url": st.one_of(st.text(max_size=80), JSON)}).map(json.dumps),
    st.text(max_size=200),
)


@examples(200, "any JSON value on a batch line -> tag_lines()")
@given(lines=st.lists(LINE, min_size=1, max_size=5))
def test_any_batch_line_gives_exactly_one_result_or_error(tagger, lines):
    results = list(tag_lines(lines, tagger))
    assert len(results) == sum(1 for line in lines if line.strip())
    for result in results:
        check_result(result, tagger)
        json.loads(result.model_dump_json())  # the output line is valid JSON, whatever the id was
    for number, line in enumerate(lines, 1):
        try:
            parse_line(line, number)
        except Exception as exc:
            one_line_error(exc)


URLISH = st.builds(
    lambda scheme, user, host, port, path: f"{scheme}{user}{host}{port}{path}",
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "", "//", "http:/", "javascript:"]),
    st.sampled_from(["", "user:pw@", "@", "a@b@"]),
    st.one_of(st.text(max_size=30), st.from_regex(r"[0-9a-fx.:\[\]%]{1,40}", fullmatch=True),
              st.ip_addresses().map(lambda a: f"[{a}]" if a.version == 6 else str(a)), st.integers(0, 2**40).map(str)),
    st.sampled_from(["", ":80", ":0", ":99999", ":-1", ":x"]),
    st.text(max_size=30),
)


@examples(300, "any URL-like string -> check_url()")
@given(url=st.one_of(URLISH, st.text(max_size=100)))
def test_any_url_is_checked_or_refused_without_touching_the_network(no_network, url):
    try:
        target = check_url(url, timeout=1)
    except Exception as exc:
        one_line_error(exc)
        assert isinstance(exc, FetchError)
    else:  # only a public address, or a name the fake resolver would have refused to resolve
        from policytag.netpolicy import why_refused

        assert why_refused(target.address) is None


@examples(150, "any page body -> extract()")
@given(body=st.one_of(st.binary(max_size=4000), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<html>", "<body>", "<script>", "<!--",
                                                "Talks in Geneva resumed on Monday after a long pause. ", "<a href='x'>",
                                                "<title>", "</title>", "&nbsp;", "<table><tr><td>"]),
                               max_size=200).map(lambda parts: "".join(parts).encode())),
       kind=st.sampled_from(["html", "text", "pdf"]), charset=st.sampled_from([None, "utf-8", "latin-1", "no-such-charset"]))
def test_any_page_body_extracts_or_fails_in_one_line(body, kind, charset):
    try:
        article = extract(Page("https://news.example/a", kind, "text/html", charset, body))
    except Exception as exc:
        one_line_error(exc)
        assert isinstance(exc, ExtractionError)
    else:
        assert len(article.text.split()) >= 25


@examples(300, "any Slack message -> what_to_tag() and the reply")
@given(text=st.one_of(st.text(max_size=500), st.lists(st.one_of(
    st.sampled_from(["<https://a.example/x>", "<http://b.example/y|label>", "<@U123>", "<#C1|general>", "&lt;", "&gt;",
                     "&amp;", "https://c.example/z.", "<!here>", "<https://d.example/|>", "<mailto:x@y.z|x>"]),
    st.text(max_size=20)), max_size=60).map(" ".join)), min_text=st.integers(0, 400))
def test_any_slack_message_asks_for_at_most_three_links_or_some_text(text, min_text):
    request = what_to_tag(text, min_text)
    if request is None:
        return
    assert (request.links == ()) != (request.text is None)
    assert len(request.links) <= MAX_LINKS
    assert all(link.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in link) for link in request.links)
    assert len(set(request.links)) == len(request.links)
    assert set(request.links) <= set(find_links(text))


@examples(100, "any result -> Slack blocks")
@given(title=st.one_of(st.none(), st.text(max_size=3500)), summary=st.lists(st.text(max_size=4000), max_size=3),
       source=st.text(max_size=200))
def test_any_result_renders_within_slacks_limits(title, summary, source):
    from policytag.bot.answer import Item

    result = Result(title=title, url="https://news.example/a", summary=summary)
    blocks = reply_blocks([Item(source=source, key="k" * 32, result=result), Item(source=source, error=source or "x")])
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert isinstance(reply_text([Item(source=source, result=result)]), str)


def test_documents_are_accepted_as_well_as_strings(tagger):
    with pytest.raises(InputError, match="expected text or a Document, got bytes"):
        tagger.tag(b"bytes are not text")
    check_result(tagger.tag(Document(text="Talks on the Iran nuclear file resumed in Vienna.")), tagger)
