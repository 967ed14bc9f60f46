"""Extraction: the article and its metadata out of HTML, PDF and plain text, without
the page around it, within bounds a hostile PDF cannot escape; and ``fetch_article``
putting fetching and extraction together."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from policytag import extract as extract_module
from policytag.article import fetch_article
from policytag.errors import ExtractionError
from policytag.extract import extract
from policytag.fetch import Page
from policytag.sources import read_file

from .articles import (
    AUTHOR, EMPTY_PAGE, NOISE, PARAGRAPHS, PASTED_TEXT, PDF_AUTHOR, PDF_LINES, PDF_TITLE, PUBLISHED, SITE, TITLE,
    article_html, make_pdf, pdf_bomb,
)
from .conftest import REPO
from .servers import RecordingServer, Response, loopback_only, redirect

URL = "https://meridian.example/asia/coast-guard"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    loopback_only(monkeypatch)


def html_page(html: str | bytes, charset: str | None = "utf-8") -> Page:
    body = html.encode(charset or "utf-8") if isinstance(html, str) else html
    return Page(URL, "html", f"text/html; charset={charset}" if charset else "text/html", charset, body)


def test_html_keeps_the_article_and_its_metadata():
    article = extract(html_page(article_html()))
    assert (article.title, article.author, article.published, article.site) == (TITLE, AUTHOR, PUBLISHED, SITE)
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text.split("\n\n")


@pytest.mark.parametrize("noise", NOISE)
def test_html_drops_menus_banners_comments_teasers_and_footer(noise):
    assert noise not in extract(html_page(article_html())).text


def test_html_headline_is_not_repeated_in_the_text():
    text = extract(html_page(article_html())).text
    assert TITLE not in text
    assert text.count("Tokyo should turn the annual drills") == 1


@pytest.mark.parametrize("charset", ["iso-8859-1", None])
def test_html_in_another_charset_is_decoded(charset):
    paragraphs = [p.replace("Japan has", "Japón has") for p in PARAGRAPHS]
    html = article_html(paragraphs=paragraphs).replace('charset="utf-8"', 'charset="iso-8859-1"').encode("iso-8859-1")
    assert "Japón has more at stake" in extract(html_page(html, charset)).text


def test_a_page_without_an_article_is_an_error():
    with pytest.raises(ExtractionError) as caught:
        extract(html_page(EMPTY_PAGE))
    assert str(caught.value) == "no article text found on the page"


def test_pdf_text_and_metadata():
    article = extract(Page(URL + ".pdf", "pdf", "application/pdf", None, make_pdf()))
    assert (article.title, article.author, article.published) == (PDF_TITLE, PDF_AUTHOR, "2024-02-05")
    for line in PDF_LINES:
        assert line in article.text


def test_a_broken_pdf_is_an_error():
    broken = make_pdf()[:200]
    with pytest.raises(ExtractionError, match="^the PDF could not be read: "):
        extract(Page(URL, "pdf", "application/pdf", None, broken))


def test_a_pdf_without_text_is_an_error():
    with pytest.raises(ExtractionError, match="no article text found in the PDF"):
        extract(Page(URL, "pdf", "application/pdf", None, make_pdf(lines=[])))


def test_plain_text_is_cleaned_like_a_pasted_page():
    article = extract(Page(URL, "text", "text/plain", "utf-8", PASTED_TEXT.encode()))
    assert article.title == TITLE
    assert article.text.startswith(PARAGRAPHS[0])
    for noise in ("Follow us", "Keep reading", "Sahel", "Subscribe", "Analysis | Asia-Pacific"):
        assert noise not in article.text


def test_fetch_article_fills_the_document(monkeypatch):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")
    routes = {"/share/123": redirect("/asia/coast-guard.html", 301), "/asia/coast-guard.html": Response(body=article_html().encode())}
    with RecordingServer(routes) as server:
        document = fetch_article(server.url("/share/123"))
    assert document.source == server.url("/share/123")
    assert document.url == server.url("/asia/coast-guard.html")
    assert (document.title, document.site, document.author, document.published) == (TITLE, SITE, AUTHOR, PUBLISHED)
    assert document.extracted is True
    assert document.text.startswith("Analysis | Asia-Pacific\n\n" + PARAGRAPHS[0])


def test_fetch_article_names_the_host_as_site_for_a_pdf(monkeypatch):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")
    with RecordingServer({"/report.pdf": Response(body=make_pdf(), content_type="application/pdf")}) as server:
        document = fetch_article(server.url("/report.pdf"))
    assert (document.title, document.site, document.published) == (PDF_TITLE, "127.0.0.1", "2024-02-05")
    assert PDF_LINES[1] in document.text


def test_a_pdf_bomb_is_refused_quickly_in_one_line():
    """200 pages sharing one 1 MB content stream, 35 KB on disk: minutes of pypdf unbounded.
    Run in a subprocess so that a regression fails at the timeout instead of hanging."""
    program = ("import sys, time; from tests.articles import pdf_bomb; from policytag.extract import extract; "
               "from policytag.fetch import Page; data = pdf_bomb(); assert len(data) < 40_000\n"
               "started = time.monotonic()\n"
               "try: extract(Page('https://x.example/r.pdf', 'pdf', 'application/pdf', None, data))\n"
               "except Exception as exc: print(type(exc).__name__, exc, sep='|'); print(time.monotonic() - started)")
    try:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("extracting the PDF bomb did not stop within 60 s")
    kind, message, took = done.stdout.replace("\n", "|").split("|")[:3]
    assert (kind, message) == ("ExtractionError", "the PDF's pages hold more than 16 MB of content; refused unread")
    assert float(took) < 5 and done.stderr == ""


def test_a_pdf_with_too_many_pages_is_refused():
    with pytest.raises(ExtractionError, match="^the PDF has 1,001 pages; policytag reads at most 1,000$"):
        extract(Page(URL, "pdf", "application/pdf", None, pdf_bomb(pages=1001, content_bytes=100)))


def test_pdf_reading_stops_at_its_time_budget(monkeypatch):
    """One small page drawing a 20 KB form 2,000 times: little content, much work."""
    monkeypatch.setattr(extract_module, "MAX_PDF_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(ExtractionError, match=r"^reading the PDF took longer than 0.5 s; gave up$"):
        extract(Page(URL, "pdf", "application/pdf", None, pdf_bomb(pages=1, content_bytes=20_000, form_calls=2000)))
    assert time.monotonic() - started < 10


def test_a_local_pdf_is_read_like_a_fetched_one(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf())
    document = read_file(str(path))
    assert (document.title, document.author, document.published) == (PDF_TITLE, PDF_AUTHOR, "2024-02-05")
    assert document.source == "report.pdf"
    assert PDF_LINES[1] in document.text and document.extracted
