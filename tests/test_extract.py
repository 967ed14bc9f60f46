"""Extraction: the article and its metadata out of HTML, PDF and plain text, without
the page around it; and ``fetch_article`` putting fetching and extraction together."""

from __future__ import annotations

import pytest

from policytag.article import fetch_article
from policytag.errors import ExtractionError
from policytag.extract import extract
from policytag.fetch import Page

from .articles import (
    AUTHOR, EMPTY_PAGE, NOISE, PARAGRAPHS, PASTED_TEXT, PDF_AUTHOR, PDF_LINES, PDF_TITLE, PUBLISHED, SITE, TITLE,
    article_html, make_pdf,
)
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
