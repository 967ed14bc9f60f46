"""``policytag tag URL`` and ``policytag batch`` with URL lines, end to end, as a user
runs them: a real subprocess fetching pages served on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from .articles import PARAGRAPHS, PDF_TITLE, PUBLISHED, SITE, TITLE, article_html, make_pdf
from .conftest import REPO, run_cli
from .servers import RecordingServer, Response

ALLOW = {"POLICYTAG_ALLOW_HOSTS": "127.0.0.1"}


@pytest.fixture(autouse=True, scope="module")
def _models_are_built():
    manifest = json.loads((REPO / "models" / "manifest.json").read_text())
    if not manifest.get("artifacts"):
        pytest.fail("models/manifest.json lists no models: run `policytag train` first")


@pytest.fixture
def site():
    routes = {
        "/page.html": Response(body=article_html().encode()),
        "/missing.html": Response(status=404, body=b"<p>no such page</p>"),
        "/report.pdf": Response(body=make_pdf(), content_type="application/pdf"),
        "/broken.pdf": Response(body=make_pdf()[:-40], content_type="application/pdf"),
        "/bad-redirect": Response(status=302, headers={"Location": "http:x"}, content_type=None),
    }
    with RecordingServer(routes) as server:
        yield server


def test_tag_url_json_gives_metadata_tags_summary_and_recommendations(site):
    url = site.url("/page.html")
    done = run_cli("tag", url, "--json", env=ALLOW)
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    result = json.loads(line)
    assert result["errors"] == []
    assert (result["title"], result["url"], result["site"], result["published"]) == (TITLE, url, SITE, PUBLISHED)
    assert result["source"] == url
    assert result["length"] == len("\n\n".join(["Analysis | Asia-Pacific", *PARAGRAPHS]))
    assert result["tags"]["region"][0]["label"] == "asia-pacific"
    assert result["tags"]["topic"] and len(result["tags"]["stance"]) == 1
    article = " ".join(PARAGRAPHS)
    assert 1 <= len(result["summary"]) <= 3 and all(sentence in article for sentence in result["summary"])
    found = {r["text"]: r["actor"] for r in result["recommendations"]}
    assert found[PARAGRAPHS[2].split(". ")[0] + "."] == "Tokyo"
    assert found["The United States ought to support this arrangement without leading it."] == "The United States"
    assert found[TITLE] == "Tokyo and Manila"  # the headline prescribes too, in title case
    assert all(text in article for text in found if text != TITLE), "a recommendation came from outside the article"
    [request] = site.requests
    assert (request.path, request.headers["user-agent"].split("/")[0]) == ("/page.html", "policytag")


def test_tag_url_without_allow_list_is_refused_before_any_request(site):
    url = site.url("/page.html")
    done = run_cli("tag", url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"policytag: {url}: refused: 127.0.0.1 is a loopback address"]
    assert site.requests == [] and site.connections == 0


def test_batch_with_url_lines_keeps_going_past_failures(site, tmp_path):
    lines = [
        {"id": "article", "url": site.url("/page.html")},
        {"id": "gone", "url": site.url("/missing.html")},
        {"id": "private", "url": "http://10.0.0.5/internal"},
        {"id": "report", "url": site.url("/report.pdf")},
        {"id": "pasted", "text": PARAGRAPHS[2]},
    ]
    source = tmp_path / "links.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    done = run_cli("batch", str(source), env=ALLOW)
    assert done.returncode == 1, done.stderr  # some lines failed; all were written
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in results] == ["article", "gone", "private", "report", "pasted"]
    article, gone, private, report, pasted = results
    assert article["title"] == TITLE and article["tags"]["region"][0]["label"] == "asia-pacific" and article["recommendations"]
    assert [e["message"] for e in gone["errors"]] == ["404 Not Found"] and gone["tags"] == {}
    assert [e["message"] for e in private["errors"]] == ["refused: 10.0.0.5 is a private address"]
    assert report["title"] == PDF_TITLE and report["tags"]["region"][0]["label"] == "africa"
    assert pasted["tags"] and pasted["errors"] == []
    assert site.paths() == ["/page.html", "/missing.html", "/report.pdf"]


def test_a_broken_pdf_by_url_is_one_line_without_pypdfs_warnings(site):
    url = site.url("/broken.pdf")
    done = run_cli("tag", url, env=ALLOW)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [f"policytag: {url}: the PDF could not be read: Stream has ended unexpectedly"]


def test_a_local_pdf_is_tagged_like_a_fetched_one(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf())
    done = run_cli("tag", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["source"], result["title"]) == ("report.pdf", PDF_TITLE)
    assert result["tags"]["region"][0]["label"] == "africa" and result["errors"] == []


def test_a_redirect_to_a_malformed_url_is_that_links_error(site, tmp_path):
    """httpx.InvalidURL, which is not an httpx.HTTPError, used to escape fetch and end a
    batch with a traceback."""
    source = tmp_path / "links.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in [
        {"id": "bad", "url": site.url("/bad-redirect")}, {"id": "next", "text": PARAGRAPHS[2]}]))
    done = run_cli("batch", str(source), env=ALLOW)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    bad, after = [json.loads(line) for line in done.stdout.splitlines()]
    assert bad["errors"][0]["message"].startswith("the page redirects to a malformed URL (InvalidURL: ")
    assert after["tags"]["region"]
